/*
 * state: the input state of a read (--state FILE).
 *
 * Accepted forms (airbyte-protocol section 4.1): a JSON array of STREAM
 * states (the normal form), an array holding one GLOBAL state, the legacy
 * bare object keyed by stream name (or a LEGACY-typed entry with "data"),
 * an empty array, and an empty or whitespace-only file.  Entries for
 * streams we do not know are ignored, as are extra fields.  Only the
 * incremental streams carry meaning: issues, issue_messages and
 * issue_threads, whose stream_state holds the checkpoint under
 * "created_at" and/or "updated_at" (children: "issue_updated_at"), as
 * RFC 3339 strings.  A checkpoint that is not a
 * valid timestamp, or a document of the wrong shape, is an error naming
 * what was wrong.
 */
#ifndef SP_STATE_H
#define SP_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "streams.h"

struct state_in {
	int has_created[S_COUNT];
	int64_t created_ms[S_COUNT];
	int has_updated[S_COUNT];
	int64_t updated_ms[S_COUNT];
	int entries; /* stream entries seen (any stream) */
	int form;    /* enum state_form */
};

enum state_form {
	STATE_NONE = 0, /* empty file or [] */
	STATE_STREAMS,  /* array of STREAM states */
	STATE_GLOBAL,
	STATE_LEGACY
};

int state_parse(struct state_in *st, const char *src, size_t n, char *err,
	size_t errlen);

#endif
