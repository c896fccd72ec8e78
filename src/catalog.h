/*
 * catalog: the configured catalog (which streams to read, and how).
 *
 * Each entry's stream name must be one of ours; its sync_mode must be
 * full_refresh or incremental and supported by that stream under the
 * config (issues always; issue_messages and issue_threads only with
 * issues_cursor_field updated_at).  A stream listed twice, a namespace on
 * a stream (ours have none), or a cursor_field other than the stream's own
 * cursor is an error.  Explicit null equals absent for optional fields;
 * unknown fields are ignored.  Errors name the stream and the problem.
 */
#ifndef SP_CATALOG_H
#define SP_CATALOG_H

#include <stddef.h>

#include "config.h"
#include "streams.h"

struct catalog {
	int selected[S_COUNT];
	int incremental[S_COUNT];
	int nselected;
};

/* Nonzero if stream s supports incremental sync under config c. */
int catalog_supports_incremental(const struct config *c, int s);

int catalog_parse(struct catalog *k, const struct config *c, const char *src,
	size_t n, char *err, size_t errlen);

#endif
