/*
 * spec: the SPEC message and the discovered catalog.
 */
#ifndef SP_SPEC_H
#define SP_SPEC_H

#include "buf.h"

/* The whole SPEC message, one line without the newline. */
extern const char spec_message[];

/*
 * Append the CATALOG message for the given issues cursor (0 created_at,
 * 1 updated_at).  Returns b's sticky error.
 */
int spec_catalog(struct buf *b, int updated_at);

#endif
