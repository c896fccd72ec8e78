/*
 * fuzz_http: the HTTP response parser on arbitrary bytes, fed in pieces.
 *
 * Input: four control bytes, then the response.  Control byte 0 picks a
 * HEAD request (bit 0) and max_body (bits 1-2); bytes 1-2 seed the piece
 * sizes; byte 3 caps them.  The response is parsed three ways: in one
 * feed, in pseudo-random pieces, and (when short) one byte at a time;
 * each ends with http_parser_eof when the input runs out.
 *
 * Invariants: all three agree on the result, the error code and message,
 * the bytes consumed, every kept header field and the body; a feed never
 * consumes more than it was given, and consumes all of it unless the
 * response is complete or failed; the body never exceeds max_body;
 * DONE implies a final status 200..599; errors stick.  Retry-After
 * values parse to -1 or a delay within the cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http.h"

struct outcome {
	int rc;
	struct http_error err;
	size_t used;
	struct http_header_info h;
	struct buf body;
};

static void
must(int cond)
{
	if (!cond) {
		abort();
	}
}

static void
run(const char *s, size_t n, size_t max_body, int head, uint32_t seed,
	unsigned cap, struct outcome *o)
{
	struct http_parser p;
	size_t off = 0, used, k;

	buf_reset(&o->body);
	http_parser_init(&p, &o->body, max_body, head);
	o->rc = HTTP_PARSE_MORE;
	o->used = 0;
	while (off < n && o->rc == HTTP_PARSE_MORE) {
		k = n - off;
		if (cap > 0) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % cap;
			k = k > n - off ? n - off : k;
		}
		o->rc = http_parser_feed(&p, s + off, k, &used);
		must(used <= k);
		must(o->rc != HTTP_PARSE_MORE || used == k);
		must(o->body.len <= max_body);
		off += used;
		o->used += used;
	}
	if (o->rc == HTTP_PARSE_MORE) {
		o->rc = http_parser_eof(&p);
		must(o->rc != HTTP_PARSE_MORE);
	}
	if (o->rc == HTTP_PARSE_ERROR) {
		must(http_parser_feed(&p, "x", 1, &used) == HTTP_PARSE_ERROR);
		must(p.err.code > HTTP_OK && p.err.code <= HTTP_E_NOMEM);
		must(memchr(p.err.msg, '\0', sizeof p.err.msg) != NULL);
	} else {
		must(p.info.status >= 200 && p.info.status <= 599);
		must(http_parser_eof(&p) == HTTP_PARSE_DONE);
	}
	o->err = p.err;
	o->h = p.info;
}

static void
same(const struct outcome *a, const struct outcome *b)
{
	must(a->rc == b->rc);
	must(a->err.code == b->err.code);
	must(strcmp(a->err.msg, b->err.msg) == 0);
	must(a->rc == HTTP_PARSE_ERROR || a->used == b->used);
	must(a->h.status == b->h.status);
	must(a->h.keep_alive == b->h.keep_alive);
	must(a->h.content_length == b->h.content_length);
	must(a->h.chunked == b->h.chunked);
	must(strcmp(a->h.content_type, b->h.content_type) == 0);
	must(strcmp(a->h.location, b->h.location) == 0);
	must(strcmp(a->h.retry_after, b->h.retry_after) == 0);
	must(a->h.rate_remaining == b->h.rate_remaining);
	must(a->h.rate_limit == b->h.rate_limit);
	must(a->h.rate_reset == b->h.rate_reset);
	must(a->body.len == b->body.len);
	must(a->body.len == 0
		|| memcmp(a->body.p, b->body.p, a->body.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t bodies[4] = {0, 16, 4096, 1 << 20};
	static struct outcome a, b;
	static int ready;
	const char *s = (const char *)data + 4;
	size_t n, max_body;
	uint32_t seed;
	unsigned cap;
	int64_t ra;
	int head;

	if (size < 4) {
		return 0;
	}
	if (!ready) {
		buf_init(&a.body, 0);
		buf_init(&b.body, 0);
		ready = 1;
	}
	n = size - 4;
	head = data[0] & 1;
	max_body = bodies[(data[0] >> 1) & 3];
	seed = (uint32_t)data[1] | (uint32_t)data[2] << 8;
	cap = 1 + data[3];

	run(s, n, max_body, head, 0, 0, &a);
	run(s, n, max_body, head, seed, cap, &b);
	same(&a, &b);
	if (n <= 512) {
		run(s, n, max_body, head, 0, 1, &b);
		same(&a, &b);
	}

	ra = http_retry_after_ms(a.h.retry_after, 1780000000000, 3600000);
	must(ra == -1 || (ra >= 0 && ra <= 3600000));
	return 0;
}
