/*
 * errf: write a formatted error message into a caller's buffer.
 *
 * The parsers of our inputs (command line, config, catalog, state) report
 * problems as text for a person, in a buffer the caller owns; errf writes
 * it (truncating to errlen) and returns -1, so `return errf(...)` both
 * reports and fails.
 */
#ifndef SP_ERRF_H
#define SP_ERRF_H

#include <stddef.h>

int errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
