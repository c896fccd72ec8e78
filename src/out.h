/*
 * out: the only code that writes to stdout.
 *
 * stdout carries Airbyte messages and nothing else: one complete JSON object
 * per line.  Callers hand over whole messages (without the newline); the
 * layer appends them to one buffer under a mutex, so lines from several
 * threads never interleave, and writes the buffer with write(2) in whole
 * lines.  The buffer is flushed when a caller asks (STATE, TRACE, LOG and
 * every command's final message do), when it passes OUT_BUF_FLUSH bytes, and
 * by out_flush.
 *
 * Secrets registered with out_secret are replaced by '*' in every line
 * before it is buffered, whatever its origin (our messages, or server data
 * that echoes them).  A secret must not contain '"', '\\' or control bytes
 * (config validation guarantees this for the API token), so the replacement
 * keeps every line valid JSON.
 *
 * A failed write (the reader went away) is sticky: later calls do nothing
 * and out_failed() returns nonzero so the sync can stop.  SIGPIPE must be
 * ignored by the process.
 */
#ifndef SP_OUT_H
#define SP_OUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define OUT_BUF_FLUSH (64 * 1024)

/* Route output to fd (1 in the program, a pipe or file in tests). */
void out_init(int fd);

/* Register a secret to scrub; strings shorter than 4 bytes are ignored. */
void out_secret(const char *s);

/* Forget every secret (tests). */
void out_clear_secrets(void);

/*
 * Buffer one message (n bytes, no newline inside); flush afterwards when
 * `flush` is nonzero.  Returns 0, or -1 once output has failed.
 */
int out_line(const char *p, size_t n, int flush);

/*
 * Buffer several complete messages at once: p holds n bytes of lines,
 * each ending in '\n' (records built by one thread).  Secrets are masked
 * in p itself; a block of OUT_BUF_FLUSH bytes or more is written straight
 * from p (after what was pending), so a huge record is never copied.
 */
int out_lines(char *p, size_t n, int flush);

/* Write out everything buffered. Returns 0 or -1. */
int out_flush(void);

/* Nonzero once a write to the output has failed. */
int out_failed(void);

/* Wall-clock time in Unix milliseconds (emitted_at). */
int64_t out_now_ms(void);

/* LOG message; level is FATAL, ERROR, WARN, INFO, DEBUG or TRACE. */
void out_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void out_vlog(const char *level, const char *fmt, va_list ap);

/*
 * TRACE of type ERROR.  failure_type is "config_error", "system_error" or
 * "transient_error"; stream and internal may be NULL.
 */
void out_error(const char *failure_type, const char *stream,
	const char *message, const char *internal);

/*
 * TRACE of type STREAM_STATUS: status is STARTED, RUNNING, COMPLETE or
 * INCOMPLETE.  A nonzero quota_reset_ms adds a RATE_LIMITED reason.
 */
void out_status(const char *stream, const char *status, int64_t quota_reset_ms);

/* TRACE of type ESTIMATE (per stream) with a row estimate. */
void out_estimate(const char *stream, long long rows);

#endif
