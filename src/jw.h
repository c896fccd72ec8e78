/*
 * jw: append JSON values to a buf.
 *
 * These functions write syntax only; the caller places commas and colons.
 * Any byte sequence given to jw_str comes out as a valid JSON string:
 * control characters are escaped, and bytes that are not well-formed UTF-8
 * (overlong forms, surrogates, values past U+10FFFF, truncated sequences)
 * are each replaced by U+FFFD.  Numbers are always finite.
 */
#ifndef SP_JW_H
#define SP_JW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* "..." with escapes; see above. */
int jw_str(struct buf *b, const char *s, size_t n);
int jw_strz(struct buf *b, const char *s);

/* "key": (string key, then a colon). */
int jw_key(struct buf *b, const char *key);

int jw_int(struct buf *b, long long v);
int jw_bool(struct buf *b, int v);
int jw_null(struct buf *b);

/*
 * A count written as a JSON number with one decimal, "12.0", as the Airbyte
 * protocol asks for sourceStats.recordCount.
 */
int jw_count(struct buf *b, uint64_t v);

/*
 * Length of the longest prefix of s[0..n) that is well-formed UTF-8, or n.
 */
size_t jw_utf8_valid_prefix(const char *s, size_t n);

#endif
