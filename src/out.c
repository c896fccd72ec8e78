/*
 * out: see out.h.
 *
 * Lock order: callers never hold another lock of ours while calling in here
 * except the one a sync holds around record counting, which is taken before
 * this one; out never calls back out of the module.
 */
#include "out.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "jw.h"

#define MAX_SECRETS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int out_fd = 1;
static struct buf pending;
static int failed;
static char secrets[MAX_SECRETS][512];
static size_t secret_len[MAX_SECRETS];
static int nsecrets;

void
out_init(int fd)
{
	pthread_mutex_lock(&lock);
	out_fd = fd;
	buf_free(&pending);
	buf_init(&pending, 0);
	failed = 0;
	pthread_mutex_unlock(&lock);
}

void
out_secret(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n >= sizeof secrets[0]) {
		return;
	}
	pthread_mutex_lock(&lock);
	if (nsecrets < MAX_SECRETS) {
		memcpy(secrets[nsecrets], s, n + 1);
		secret_len[nsecrets] = n;
		nsecrets++;
	}
	pthread_mutex_unlock(&lock);
}

void
out_clear_secrets(void)
{
	pthread_mutex_lock(&lock);
	nsecrets = 0;
	pthread_mutex_unlock(&lock);
}

/* Write all of p; returns 0 or -1 (EINTR and short writes are resumed). */
static int
write_all(const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(out_fd, p, n);
		if (k < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Lock held. */
static int
flush_locked(void)
{
	if (failed) {
		return -1;
	}
	if (pending.len > 0 && write_all(pending.p, pending.len) < 0) {
		failed = 1;
	}
	buf_reset(&pending);
	return failed ? -1 : 0;
}

/*
 * Append p to pending with every occurrence of a secret masked.  The common
 * case (no secret inside) is one memmem per secret and one copy.
 */
static void scrub(char *p, size_t n);

static void
append_scrubbed(const char *p, size_t n)
{
	size_t start = pending.len;

	buf_add(&pending, p, n);
	if (pending.err == BUF_OK) {
		scrub(pending.p + start, n);
	}
}

/*
 * Lock held, after appending to pending: a failed append (out of memory)
 * fails the output for good; else flush when asked or when full.
 */
static int
appended(int flush)
{
	if (pending.err) {
		failed = 1;
		return -1;
	}
	if (flush || pending.len >= OUT_BUF_FLUSH) {
		return flush_locked();
	}
	return 0;
}

int
out_line(const char *p, size_t n, int flush)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (failed) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	append_scrubbed(p, n);
	buf_addc(&pending, '\n');
	rc = appended(flush);
	pthread_mutex_unlock(&lock);
	return rc;
}

/* Mask every secret inside p[0..n). */
static void
scrub(char *p, size_t n)
{
	int i;

	for (i = 0; i < nsecrets; i++) {
		char *at = p, *hit;
		size_t left = n;

		while ((hit = memmem(at, left, secrets[i], secret_len[i]))
			!= NULL) {
			memset(hit, '*', secret_len[i]);
			left -= (size_t)(hit - at) + secret_len[i];
			at = hit + secret_len[i];
		}
	}
}

int
out_lines(char *p, size_t n, int flush)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (failed) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	scrub(p, n);
	if (n >= OUT_BUF_FLUSH) {
		if (flush_locked() == 0 && write_all(p, n) < 0) {
			failed = 1;
		}
		rc = failed ? -1 : 0;
	} else {
		buf_add(&pending, p, n);
		rc = appended(flush);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int
out_flush(void)
{
	int rc;

	pthread_mutex_lock(&lock);
	rc = flush_locked();
	pthread_mutex_unlock(&lock);
	return rc;
}

int
out_failed(void)
{
	int f;

	pthread_mutex_lock(&lock);
	f = failed;
	pthread_mutex_unlock(&lock);
	return f;
}

int64_t
out_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send a message built in b, then release b. */
static void
send_built(struct buf *b)
{
	if (b->err == BUF_OK) {
		out_line(b->p, b->len, 1);
	}
	buf_free(b);
}

void
out_vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	struct buf b;
	int n;

	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0) {
		return;
	}
	buf_init(&b, 0);
	buf_adds(&b, "{\"type\":\"LOG\",\"log\":{\"level\":");
	jw_strz(&b, level);
	buf_adds(&b, ",\"message\":");
	jw_str(&b, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
	buf_adds(&b, "}}");
	send_built(&b);
}

void
out_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vlog(level, fmt, ap);
	va_end(ap);
}

/* {"type":"TRACE","trace":{"type":T,"emitted_at":N, -- caller continues */
static void
trace_head(struct buf *b, const char *type)
{
	buf_adds(b, "{\"type\":\"TRACE\",\"trace\":{\"type\":");
	jw_strz(b, type);
	buf_adds(b, ",\"emitted_at\":");
	jw_int(b, (long long)out_now_ms());
}

static void
descriptor(struct buf *b, const char *stream)
{
	buf_adds(b, "\"stream_descriptor\":{\"name\":");
	jw_strz(b, stream);
	buf_addc(b, '}');
}

void
out_error(const char *failure_type, const char *stream, const char *message,
	const char *internal)
{
	struct buf b;

	buf_init(&b, 0);
	trace_head(&b, "ERROR");
	buf_adds(&b, ",\"error\":{\"message\":");
	jw_strz(&b, message);
	if (internal != NULL) {
		buf_adds(&b, ",\"internal_message\":");
		jw_strz(&b, internal);
	}
	buf_adds(&b, ",\"failure_type\":");
	jw_strz(&b, failure_type);
	if (stream != NULL) {
		buf_addc(&b, ',');
		descriptor(&b, stream);
	}
	buf_adds(&b, "}}}");
	send_built(&b);
}

void
out_status(const char *stream, const char *status, int64_t quota_reset_ms)
{
	struct buf b;

	buf_init(&b, 0);
	trace_head(&b, "STREAM_STATUS");
	buf_adds(&b, ",\"stream_status\":{");
	descriptor(&b, stream);
	buf_adds(&b, ",\"status\":");
	jw_strz(&b, status);
	if (quota_reset_ms != 0) {
		buf_adds(&b,
			",\"reasons\":[{\"type\":\"RATE_LIMITED\","
			"\"rate_limited\":{\"quota_reset\":");
		jw_int(&b, (long long)quota_reset_ms);
		buf_adds(&b, "}}]");
	}
	buf_adds(&b, "}}}");
	send_built(&b);
}

void
out_estimate(const char *stream, long long rows)
{
	struct buf b;

	buf_init(&b, 0);
	trace_head(&b, "ESTIMATE");
	buf_adds(&b, ",\"estimate\":{\"name\":");
	jw_strz(&b, stream);
	buf_adds(&b, ",\"type\":\"STREAM\",\"row_estimate\":");
	jw_int(&b, rows);
	buf_adds(&b, "}}}");
	send_built(&b);
}
