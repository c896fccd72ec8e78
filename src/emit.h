/*
 * emit: build the Airbyte RECORD and STATE messages of a read.
 *
 * Records are passed through as Pylon sent them, minified (one line per
 * message however the response was formatted), with fields added when
 * the record lacks them or has them as anything but a string (null, a
 * number...): the parent's id on child records
 * (issue_id, knowledge_base_id), the partition on custom_fields
 * (object_type), and with the updated_at cursor the parent issue's
 * updated_at on issue children (issue_updated_at, their cursor).  An
 * empty object is never emitted: the platform drops
 * records with empty data, which would break the record counts.
 *
 * A stream's records and states are emitted by one thread, in order; each
 * STATE carries sourceStats.recordCount = records of that stream since its
 * previous STATE, exactly.
 */
#ifndef SP_EMIT_H
#define SP_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

struct emitter {
	const char *stream;   /* stream name */
	uint64_t since_state; /* records since the last STATE */
	uint64_t total;       /* records this sync */
	uint64_t skipped;     /* empty or non-object records skipped */
	struct buf lines;     /* records waiting to be handed to out */
};

void emit_init(struct emitter *em, const char *stream);
void emit_free(struct emitter *em);

/* Fields added to a record: kv[0] = kv[1], kv[2] = kv[3], ... */
#define EMIT_MAX_ADD 2

/*
 * Queue a RECORD for the object at token t, adding the nadd key/value
 * pairs in kv (each unless the record has it as a string).
 * Returns 1 if queued, 0 if skipped (not a non-empty object), -1 if the
 * line could not be built (out of memory).
 */
int emit_record(struct emitter *em, const struct json_doc *d, uint32_t t,
	const char *const *kv, int nadd, int64_t emitted_at);

/* Hand queued records to the output. Returns 0 or -1 (output failed). */
int emit_flush(struct emitter *em);

/* STATE with stream_state {field: ts} (after flushing records). */
int emit_state_cursor(struct emitter *em, const char *field, int64_t ms);

/* STATE for a full-refresh stream that has finished. */
int emit_state_done(struct emitter *em);

#endif
