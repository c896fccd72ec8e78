/*
 * The HTTP response parser: every framing, fed whole, byte by byte and in
 * random pieces (all three must agree), malformed input, limits, and
 * Retry-After values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "http.h"

struct result {
	int rc; /* after eof when the input ran out */
	int code;
	char msg[320];
	size_t used; /* bytes consumed in all */
	struct http_header_info h;
	char body[1 << 17];
	size_t body_len;
};

static struct result one, piece;

/*
 * Parse s[0..n) fed in pieces of the sizes mode gives: 0 whole, 1 one
 * byte at a time, >1 a seed for random sizes 1..17.
 */
static void
run(const char *s, size_t n, size_t max_body, int head, unsigned mode,
	struct buf *limit_buf, struct result *r)
{
	struct http_parser p;
	struct buf own, *b;
	size_t off = 0, used;
	uint32_t x = mode;

	b = limit_buf != NULL ? limit_buf : &own;
	if (limit_buf == NULL) {
		buf_init(&own, 0);
	}
	memset(r, 0, sizeof *r);
	http_parser_init(&p, b, max_body, head);
	r->rc = HTTP_PARSE_MORE;
	while (off < n && r->rc == HTTP_PARSE_MORE) {
		size_t k = n - off;

		if (mode == 1) {
			k = 1;
		} else if (mode > 1) {
			x = x * 1103515245u + 12345u;
			k = 1 + (x >> 16) % 17;
			k = k > n - off ? n - off : k;
		}
		r->rc = http_parser_feed(&p, s + off, k, &used);
		CHECK(used <= k);
		CHECK(r->rc == HTTP_PARSE_DONE || used == k
			|| r->rc == HTTP_PARSE_ERROR);
		off += used;
		r->used += used;
	}
	if (r->rc == HTTP_PARSE_MORE) {
		r->rc = http_parser_eof(&p);
	}
	r->code = p.err.code;
	memcpy(r->msg, p.err.msg, sizeof r->msg);
	r->h = p.info;
	r->body_len = b->len;
	CHECK(b->len <= max_body);
	CHECK(b->len <= sizeof r->body);
	if (b->len > 0 && b->len <= sizeof r->body) {
		memcpy(r->body, b->p, b->len);
	}
	if (r->rc == HTTP_PARSE_DONE) {
		CHECK(r->h.status >= 200 && r->h.status <= 599);
	}
	if (limit_buf == NULL) {
		buf_free(&own);
	}
}

static int
same(const struct result *a, const struct result *b)
{
	return a->rc == b->rc && a->code == b->code
		&& strcmp(a->msg, b->msg) == 0
		&& (a->rc == HTTP_PARSE_ERROR || a->used == b->used)
		&& a->h.status == b->h.status
		&& a->h.keep_alive == b->h.keep_alive
		&& a->h.content_length == b->h.content_length
		&& a->h.chunked == b->h.chunked
		&& strcmp(a->h.content_type, b->h.content_type) == 0
		&& strcmp(a->h.location, b->h.location) == 0
		&& strcmp(a->h.retry_after, b->h.retry_after) == 0
		&& a->h.rate_remaining == b->h.rate_remaining
		&& a->h.rate_limit == b->h.rate_limit
		&& a->h.rate_reset == b->h.rate_reset
		&& a->body_len == b->body_len
		&& memcmp(a->body, b->body, a->body_len) == 0;
}

/*
 * Parse s one-shot into `one`, then byte by byte and with 40 random
 * splittings, checking that each agrees.  Returns one.rc.
 */
static int
parse_n(const char *s, size_t n, size_t max_body, int head)
{
	unsigned seed;
	int ok = 1;

	run(s, n, max_body, head, 0, NULL, &one);
	for (seed = 1; seed < 42 && ok; seed++) {
		run(s, n, max_body, head, seed, NULL, &piece);
		ok = same(&one, &piece);
	}
	CHECK(ok);
	return one.rc;
}

static int
parse(const char *s)
{
	return parse_n(s, strlen(s), 1 << 16, 0);
}

static int
parse_max(const char *s, size_t max_body)
{
	return parse_n(s, strlen(s), max_body, 0);
}

static int
body_is(const char *want)
{
	return one.body_len == strlen(want)
		&& memcmp(one.body, want, one.body_len) == 0;
}

static void
content_length(void)
{
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Content-Type: application/json\r\n\r\nhello")
		== 1);
	CHECK(body_is("hello"));
	CHECK(one.h.keep_alive == 1 && one.h.content_length == 5);
	CHECK_EQ_STR(one.h.content_type, "application/json");

	/* Bytes after the body belong to the next response. */
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
		== 1);
	CHECK(body_is("ok") && one.used == 40);

	/* Equal repeated values and lists are one value. */
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n"
		    "content-length:2 \r\n\r\nok")
		== 1);
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == 1);
	CHECK(one.body_len == 0);
}

static void
chunked(void)
{
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "1\r\na\r\n7;name=value;x\r\nbcdefgh\r\n000A \t;e\r\n"
		    "0123456789\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\nNEXT")
		== 1);
	CHECK(body_is("abcdefgh0123456789"));
	CHECK(one.h.chunked == 1 && one.h.keep_alive == 1);
	CHECK(one.used
		== strlen(
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
			"chunked\r\n\r\n1\r\na\r\n7;name=value;x\r\nbcdefgh\r\n"
			"000A \t;e\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nY: "
			"2\r\n"
			"\r\n"));
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
		    "a\r\n0123456789\r\n0\r\n\r\n")
		== 1);
	CHECK(body_is("0123456789"));

	/* Trailers cannot change the framing. */
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\nContent-Length: 9\r\nLocation: /x\r\n\r\n")
		== 1);
	CHECK(one.h.content_length == -1 && one.h.location[0] == '\0');
}

static void
until_close(void)
{
	CHECK(parse("HTTP/1.1 200 OK\r\n\r\nabc") == 1);
	CHECK(body_is("abc") && one.h.keep_alive == 0);
	CHECK(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nabc")
		== 1);
	CHECK(one.h.keep_alive == 0);
}

static void
keep_alive(void)
{
	CHECK(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
		    "Content-Length: 0\r\n\r\n")
		== 1);
	CHECK(one.h.keep_alive == 1);
	CHECK(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == 1);
	CHECK(one.h.keep_alive == 0);
	CHECK(parse("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\n"
		    "Content-Length: 0\r\n\r\n")
		== 1);
	CHECK(one.h.keep_alive == 0);
	CHECK(parse("HTTP/1.1 200 OK\r\nConnection: upgrade\r\n"
		    "Content-Length: 0\r\n\r\n")
		== 1);
	CHECK(one.h.keep_alive == 1);
}

static void
no_body(void)
{
	const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";

	CHECK(parse_n(r, strlen(r), 100, 1) == 1);
	CHECK(one.body_len == 0 && one.used == strlen(r));
	CHECK(parse("HTTP/1.1 204 No Content\r\n\r\nX") == 1);
	CHECK(one.used == 27);
	CHECK(parse("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n")
		== 1);
}

static void
informational(void)
{
	CHECK(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\n"
		    "Link: </x>\r\nContent-Length: 7\r\n\r\nHTTP/1.1 200 OK\r\n"
		    "Content-Length: 2\r\n\r\nok")
		== 1);
	CHECK(one.h.status == 200 && body_is("ok"));
	CHECK(one.h.content_length == 2);
	CHECK(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n") == -1);
	CHECK(one.code == HTTP_E_PROTOCOL);
}

static void
status_lines(void)
{
	CHECK(parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n") == 1);
	CHECK(parse("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n") == 1);
	CHECK(one.h.status == 404);
	CHECK(parse("HTTP/1.1 599 Odd \x80\xff\t!\r\nContent-Length: 0\r\n"
		    "\r\n")
		== 1);
	CHECK(parse("HTTP/1.1 2x0 OK\r\n\r\n") == -1);
	CHECK(one.code == HTTP_E_PROTOCOL);
	CHECK(parse("HTTP/2 200 OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.2 200 OK\r\n\r\n") == -1);
	CHECK(parse("http/1.1 200 OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1 600 OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1 099 OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1  200 OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1 200OK\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1 20\r\n\r\n") == -1);
	CHECK(parse("HTTP/1.1 200 O\x01K\r\n\r\n") == -1);
	CHECK(parse("\x16\x03\x01\x02\x00") == -1);
	CHECK(parse("HTTP/1.1 200 OK\n\n") == -1);
	CHECK(parse("HTTP/1.1 200 OK\rX") == -1);
}

static void
bad_headers(void)
{
	static const char *const bad[] = {"Bad Name: x\r\n", "Name : x\r\n",
		": x\r\n", "N\x01: x\r\n", "X: a\r\n b\r\n", "X: a\r\n\tb\r\n",
		"X: a\rb\r\n", "X: a\n", "X: a\x7f\r\n", "X\r\n", "X: a\r\r\n",
		"Content-Length: 5, 6\r\n", "Content-Length: -1\r\n",
		"Content-Length: +5\r\n", "Content-Length:\r\n",
		"Content-Length: 0x10\r\n", "Content-Length: 5,\r\n",
		"Content-Length: 1234567890123456789\r\n",
		"Content-Length: 5\r\nContent-Length: 6\r\n",
		"Transfer-Encoding: gzip, chunked\r\n",
		"Transfer-Encoding: chunked, chunked\r\n",
		"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
		"Transfer-Encoding: identity\r\n",
		"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", NULL};
	char r[512];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\n%s\r\n0\r\n\r\n",
			bad[i]);
		CHECK(parse(r) == -1);
		CHECK(one.code == HTTP_E_PROTOCOL);
	}
	CHECK(parse_n("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27, 10, 0) == -1);
	CHECK(one.code == HTTP_E_PROTOCOL);
	CHECK(parse("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\n\r\n")
		== -1);
}

static void
bad_chunks(void)
{
	static const char *const bad[] = {"\r\n", "5 \r\nhello\r\n0\r\n\r\n",
		"zz\r\n", "5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n",
		"5;a\x01\r\nhello\r\n0\r\n\r\n", "5\nhello\r\n0\r\n\r\n",
		"-5\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n",
		"ffffffffffffffff\r\n", "0\r\nbad trailer\r\n\r\n", NULL};
	char r[512];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(r, sizeof r,
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
			"chunked\r\n\r\n%s",
			bad[i]);
		CHECK(parse(r) == -1);
		CHECK(one.code == HTTP_E_PROTOCOL);
	}
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "00000000000000001\r\nx\r\n0\r\n\r\n")
		== -1);
	CHECK(one.code == HTTP_E_LIMIT);
	CHECK(strstr(one.msg, "HTTP_MAX_CHUNK_DIGITS") != NULL);
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0000000000000001\r\nx\r\n0\r\n\r\n")
		== 1);
}

static void
limits(void)
{
	static char big[HTTP_MAX_HEADER_BYTES + 4096];
	struct buf small;
	size_t n, i;

	/* Header bytes. */
	n = (size_t)snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\n");
	while (n < HTTP_MAX_HEADER_BYTES) {
		n += (size_t)snprintf(
			big + n, sizeof big - n, "X-Filler: %0900d\r\n", 0);
	}
	n += (size_t)snprintf(big + n, sizeof big - n, "\r\n");
	CHECK(parse_n(big, n, 100, 0) == -1);
	CHECK(one.code == HTTP_E_LIMIT);
	CHECK(strstr(one.msg, "HTTP_MAX_HEADER_BYTES") != NULL);

	/* Header count: exactly the limit passes, one more fails. */
	for (i = HTTP_MAX_HEADERS; i <= HTTP_MAX_HEADERS + 1; i++) {
		size_t k;

		n = (size_t)snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\n");
		for (k = 0; k + 1 < i; k++) {
			n += (size_t)snprintf(
				big + n, sizeof big - n, "X-%zu: y\r\n", k);
		}
		n += (size_t)snprintf(
			big + n, sizeof big - n, "Content-Length: 0\r\n\r\n");
		CHECK(parse_n(big, n, 100, 0)
			== (i == HTTP_MAX_HEADERS ? 1 : -1));
	}
	CHECK(one.code == HTTP_E_LIMIT);
	CHECK(strstr(one.msg, "HTTP_MAX_HEADERS") != NULL);

	/* max_body: Content-Length fails at once, chunks and close too. */
	CHECK(parse_max("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 10)
		== -1);
	CHECK(one.code == HTTP_E_LIMIT && strstr(one.msg, "max_body"));
	CHECK(parse_max("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
			"0123456789",
		      10)
		== 1);
	CHECK(parse_max("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			"\r\n6\r\n012345\r\n5\r\n",
		      10)
		== -1);
	CHECK(one.code == HTTP_E_LIMIT && one.body_len == 6);
	CHECK(parse_max("HTTP/1.1 200 OK\r\n\r\n0123456789", 10) == 1);
	CHECK(parse_max("HTTP/1.1 200 OK\r\n\r\n0123456789A", 10) == -1);
	CHECK(one.code == HTTP_E_LIMIT);

	/* The caller's buffer limit counts too. */
	buf_init(&small, 4);
	run("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 43, 100, 0, 0,
		&small, &one);
	CHECK(strlen("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
		== 43);
	CHECK(one.rc == -1 && one.code == HTTP_E_LIMIT);
	buf_free(&small);
}

static void
kept_fields(void)
{
	static char r[4096];
	char longv[600];

	memset(longv, 'a', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	snprintf(r, sizeof r,
		"HTTP/1.1 429 Too Many\r\nRetry-After:  7 \r\n"
		"X-Rate-Limit-Remaining: 0\r\nx-rate-limit-limit: 60\r\n"
		"X-Rate-Limit-Reset: soon\r\nContent-Type: %s\r\n"
		"X-A-Header-Name-Longer-Than-Thirty-Two: 1\r\nX-Long: %s\r\n"
		"Location: /%s\r\nContent-Length: 0\r\n\r\n",
		longv, longv, longv);
	CHECK(parse(r) == 1);
	CHECK(one.h.status == 429);
	CHECK_EQ_STR(one.h.retry_after, "7");
	CHECK(one.h.rate_remaining == 0 && one.h.rate_limit == 60);
	CHECK(one.h.rate_reset == -1);
	CHECK(strlen(one.h.content_type) == sizeof one.h.content_type - 1);
	CHECK(strlen(one.h.location) == sizeof one.h.location - 1);
	CHECK(one.h.location[0] == '/');

	/* A Content-Length too long to keep is refused, not misread. */
	snprintf(r, sizeof r,
		"HTTP/1.1 200 OK\r\nContent-Length: %s1\r\n"
		"\r\n",
		longv);
	memset(r + 33, '0', 599);
	CHECK(parse(r) == -1);
}

static void
eof_cases(void)
{
	CHECK(parse("") == -1 && one.code == HTTP_E_CLOSED);
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-") == -1);
	CHECK(one.code == HTTP_E_TRUNCATED);
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") == -1);
	CHECK(one.code == HTTP_E_TRUNCATED && strstr(one.msg, "3 of 10"));
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "5\r\nab")
		== -1);
	CHECK(one.code == HTTP_E_TRUNCATED);
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\n")
		== -1);
	CHECK(one.code == HTTP_E_TRUNCATED);
	CHECK(parse("HTTP/1.1 100 Continue\r\n\r\n") == -1);
	CHECK(one.code == HTTP_E_TRUNCATED);
}

static void
sticky(void)
{
	struct http_parser p;
	struct buf b;
	size_t used;

	buf_init(&b, 0);
	http_parser_init(&p, &b, 100, 0);
	CHECK(http_parser_feed(&p, "HTTP/1.1 2", 10, &used) == 0);
	CHECK(http_parser_feed(&p, "x", 1, &used) == -1);
	CHECK(http_parser_feed(&p, "00 OK\r\n", 7, &used) == -1);
	CHECK(http_parser_eof(&p) == -1);
	CHECK(p.err.code == HTTP_E_PROTOCOL);
	http_parser_init(&p, &b, 100, 0);
	CHECK(http_parser_feed(&p, "HTTP/1.1 204 OK\r\n\r\n", 19, &used) == 1);
	CHECK(http_parser_feed(&p, "more", 4, &used) == 1 && used == 0);
	CHECK(http_parser_eof(&p) == 1);
	buf_free(&b);
}

static void
retry_after(void)
{
	const int64_t t0 = 784111777000;   /* Sun, 06 Nov 1994 08:49:37 */
	const int64_t now = 1780000000000; /* 2026 */
	const int64_t cap = 3600000;

	CHECK(http_retry_after_ms("120", 0, cap) == 120000);
	CHECK(http_retry_after_ms("0", 0, cap) == 0);
	CHECK(http_retry_after_ms("0007", 0, cap) == 7000);
	CHECK(http_retry_after_ms("120", 0, 60000) == 60000);
	CHECK(http_retry_after_ms("99999999999999999999999999", 0, cap) == cap);
	CHECK(http_retry_after_ms("", 0, cap) == -1);
	CHECK(http_retry_after_ms(NULL, 0, cap) == -1);
	CHECK(http_retry_after_ms("-5", 0, cap) == -1);
	CHECK(http_retry_after_ms("1.5", 0, cap) == -1);
	CHECK(http_retry_after_ms(" 5", 0, cap) == -1);
	CHECK(http_retry_after_ms("5", 0, -1) == 0);

	CHECK(http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", t0, cap)
		== 10000);
	CHECK(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", t0 + 5, cap)
		== 0);
	CHECK(http_retry_after_ms("Mon, 07 Nov 1994 08:49:37 GMT", t0, cap)
		== cap);
	CHECK(http_retry_after_ms("Sunday, 06-Nov-94 08:49:47 GMT", t0, cap)
		== 10000);
	CHECK(http_retry_after_ms("Sun Nov  6 08:49:47 1994", t0, cap)
		== 10000);
	CHECK(http_retry_after_ms("Thu, 29 Feb 2024 00:00:00 GMT", now, cap)
		== 0);
	CHECK(http_retry_after_ms("Sunday, 06-Nov-94 08:49:47 GMT", now, cap)
		== 0); /* 1994, not 2094 */
	CHECK(http_retry_after_ms("Mon, 06 Nov 1994 08:49:47 GMT", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Sun, 31 Feb 1994 08:49:47 GMT", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Sun, 06 Nov 1994 24:49:47 GMT", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 UTC", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT ", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Sun, 6 Nov 1994 08:49:47 GMT", t0, cap)
		== -1);
	CHECK(http_retry_after_ms("Fri, 29 Feb 2023 00:00:00 GMT", now, cap)
		== -1);
}

static void
transient(void)
{
	CHECK(http_err_transient(HTTP_E_TIMEOUT));
	CHECK(http_err_transient(HTTP_E_TRUNCATED));
	CHECK(http_err_transient(HTTP_E_CLOSED));
	CHECK(!http_err_transient(HTTP_E_CERT));
	CHECK(!http_err_transient(HTTP_E_LIMIT));
	CHECK(!http_err_transient(HTTP_E_REDIRECT));
	CHECK(!http_err_transient(HTTP_OK));
}

int
main(void)
{
	check_suite = "http_parser";
	RUN(content_length);
	RUN(chunked);
	RUN(until_close);
	RUN(keep_alive);
	RUN(no_body);
	RUN(informational);
	RUN(status_lines);
	RUN(bad_headers);
	RUN(bad_chunks);
	RUN(limits);
	RUN(kept_fields);
	RUN(eof_cases);
	RUN(sticky);
	RUN(retry_after);
	RUN(transient);
	return check_done();
}
