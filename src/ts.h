/*
 * ts: RFC 3339 timestamps as Unix milliseconds.
 *
 * Parsing accepts YYYY-MM-DDTHH:MM:SS, an optional fraction of any number of
 * digits (kept to the millisecond by truncation), then Z or a numeric offset
 * +HH:MM / -HH:MM (the separator T and the Z may be lower case, as RFC 3339
 * allows).  Calendar checks are exact: month 1..12, the day within its
 * month (Feb 29 only in leap years), hour 0..23, minute 0..59, second
 * 0..59 (leap seconds are rejected), offset hours 0..23 and minutes 0..59.
 * Years 0000..9999.  The whole input must be consumed.
 */
#ifndef SP_TS_H
#define SP_TS_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SSZ" is 20 bytes; with ".mmm" 24. */
#define TS_LEN 20
#define TS_LEN_MS 24

/* Returns 0 and sets *ms, or -1 if s[0..n) is not a valid timestamp. */
int ts_parse(const char *s, size_t n, int64_t *ms);

/* Exactly YYYY-MM-DDTHH:MM:SSZ (the config's start_date form). */
int ts_parse_strict_z(const char *s, size_t n, int64_t *ms);

/* Format as YYYY-MM-DDTHH:MM:SSZ (milliseconds dropped, i.e. floored).
 * out must hold TS_LEN + 1 bytes; returns TS_LEN, or 0 if out of range. */
size_t ts_format(int64_t ms, char *out);

/* Format as YYYY-MM-DDTHH:MM:SS.mmmZ; out holds TS_LEN_MS + 1 bytes. */
size_t ts_format_ms(int64_t ms, char *out);

#endif
