/*
 * http_head: what a finished header line or response head means to the
 * parser (see http.c for the byte machine and http.h for the contract).
 *
 * Design notes.
 *
 * field_done sees one complete field: the lower-cased name in
 * line[0..name_len) and the value after it, leading whitespace already
 * skipped, trailing whitespace trimmed here.  Only the fields that
 * frame the body or that the caller asked for are looked at; trailer
 * fields and names longer than HP_NAME_CAP are validated by the byte
 * machine and then ignored.
 *
 * Strictness.  Content-Length must be digits (at most 18, so no int64
 * overflow; a list of equal values is accepted, as RFC 9110 allows, and
 * so are repeated equal headers); differing values are an error.  The
 * only transfer coding accepted is a single "chunked": we send no TE
 * header, so anything else is a server we cannot read.  Content-Length
 * together with Transfer-Encoding is rejected rather than letting
 * chunked win (RFC 9112 6.3 allows either; a server that sends both is
 * broken or being abused, and reading on could desynchronise the
 * keep-alive stream).  Transfer-Encoding in an HTTP/1.0 response is
 * rejected for the same reason.  A Connection value too long to keep
 * counts as "close".
 *
 * Framing (RFC 9112 6.3): no body for HEAD, 204 and 304; 1xx heads are
 * skipped (101 is an error: we never ask to switch protocols); then
 * chunked, then Content-Length (checked against max_body at once), and
 * otherwise the body runs until the connection closes, which also ends
 * keep-alive.  HTTP/1.1 keeps the connection unless "close" is listed;
 * HTTP/1.0 only when "keep-alive" is listed and "close" is not.
 */
#include "http_int.h"

#include <string.h>

/* see http_int.h */
void
http_start_head(struct http_parser *p)
{
	memset(&p->info, 0, sizeof p->info);
	p->info.content_length = -1;
	p->info.rate_remaining = -1;
	p->info.rate_limit = -1;
	p->info.rate_reset = -1;
	p->nheaders = 0;
	p->flags = 0;
	p->line_len = 0;
	p->state = HP_STATUS;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Copy a value into a fixed field, cut to fit, NUL-terminated. */
static void
keep(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Decimal digits only, at most 18 of them; else -1. */
static int64_t
number(const char *v, size_t n)
{
	int64_t x = 0;
	size_t i;

	if (n == 0 || n > 18) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			return -1;
		}
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* Next comma-separated element of v[*i..n), OWS trimmed. */
static size_t
element(const char *v, size_t n, size_t *i, const char **e)
{
	size_t a, b;

	for (a = *i; a < n && (v[a] == ' ' || v[a] == '\t'); a++) {
	}
	for (b = a; b < n && v[b] != ','; b++) {
	}
	*i = b < n ? b + 1 : b;
	*e = v + a;
	while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t')) {
		b--;
	}
	return b - a;
}

static int
token_is(const char *e, size_t n, const char *z)
{
	size_t i;

	if (strlen(z) != n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower((unsigned char)e[i]) != z[i]) {
			return 0;
		}
	}
	return 1;
}

static int
content_length(struct http_parser *p, const char *v, size_t n)
{
	const char *e;
	size_t i = 0, k;
	int64_t x;

	if (p->flags & HP_F_TRUNC) {
		return http_fail(p, HTTP_E_PROTOCOL, "Content-Length too long");
	}
	do {
		k = element(v, n, &i, &e);
		x = number(e, k);
		if (x < 0) {
			return http_fail(
				p, HTTP_E_PROTOCOL, "invalid Content-Length");
		}
		if (p->info.content_length >= 0 && p->info.content_length != x)
		{
			return http_fail(p, HTTP_E_PROTOCOL,
				"conflicting Content-Length values");
		}
		p->info.content_length = x;
	} while (i < n);
	if (v[n - 1] == ',') {
		return http_fail(p, HTTP_E_PROTOCOL, "invalid Content-Length");
	}
	return HTTP_PARSE_MORE;
}

static int
connection(struct http_parser *p, const char *v, size_t n)
{
	const char *e;
	size_t i = 0, k;

	if (p->flags & HP_F_TRUNC) {
		p->flags |= HP_F_CLOSE; /* cannot read it all: be safe */
	}
	while (i < n) {
		k = element(v, n, &i, &e);
		if (token_is(e, k, "close")) {
			p->flags |= HP_F_CLOSE;
		} else if (token_is(e, k, "keep-alive")) {
			p->flags |= HP_F_KEEP;
		}
	}
	return HTTP_PARSE_MORE;
}

/* see http_int.h */
int
http_field_done(struct http_parser *p)
{
	struct http_header_info *h = &p->info;
	const char *name = p->line;
	const char *v = p->line + p->name_len;
	size_t n = p->line_len - p->name_len;
	size_t nl = p->name_len;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
		n--;
	}
	if ((p->flags & (HP_F_LONGNAME | HP_F_TRAILER)) != 0) {
		return HTTP_PARSE_MORE; /* trailers are checked, not used */
	}
	if (token_is(name, nl, "content-length")) {
		return content_length(p, v, n);
	}
	if (token_is(name, nl, "transfer-encoding")) {
		if (p->flags & HP_F_TE) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"repeated Transfer-Encoding");
		}
		p->flags |= HP_F_TE;
		if ((p->flags & HP_F_TRUNC) || !token_is(v, n, "chunked")) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"unsupported Transfer-Encoding "
				"(only chunked is accepted)");
		}
		h->chunked = 1;
	} else if (token_is(name, nl, "connection")) {
		return connection(p, v, n);
	} else if (token_is(name, nl, "content-type")) {
		keep(h->content_type, sizeof h->content_type, v, n);
	} else if (token_is(name, nl, "location")) {
		keep(h->location, sizeof h->location, v, n);
	} else if (token_is(name, nl, "retry-after")) {
		keep(h->retry_after, sizeof h->retry_after, v, n);
	} else if (token_is(name, nl, "x-rate-limit-remaining")) {
		h->rate_remaining = number(v, n);
	} else if (token_is(name, nl, "x-rate-limit-limit")) {
		h->rate_limit = number(v, n);
	} else if (token_is(name, nl, "x-rate-limit-reset")) {
		h->rate_reset = number(v, n);
	}
	return HTTP_PARSE_MORE;
}

/* see http_int.h */
int
http_head_done(struct http_parser *p)
{
	struct http_header_info *h = &p->info;

	if (p->flags & HP_F_TRAILER) {
		p->state = HP_DONE;
		return HTTP_PARSE_DONE;
	}
	if (h->status < 200) {
		if (h->status == 101) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"unexpected 101 Switching Protocols");
		}
		http_start_head(p); /* 1xx: informational, skip it */
		return HTTP_PARSE_MORE;
	}
	if (p->flags & HP_F_HTTP10) {
		h->keep_alive
			= (p->flags & (HP_F_KEEP | HP_F_CLOSE)) == HP_F_KEEP;
	} else {
		h->keep_alive = (p->flags & HP_F_CLOSE) == 0;
	}
	if (h->chunked && h->content_length >= 0) {
		return http_fail(p, HTTP_E_PROTOCOL,
			"both Content-Length and "
			"Transfer-Encoding in one response");
	}
	if (h->chunked && (p->flags & HP_F_HTTP10)) {
		return http_fail(p, HTTP_E_PROTOCOL,
			"Transfer-Encoding in an HTTP/1.0 response");
	}
	if (p->head_request || h->status == 204 || h->status == 304) {
		p->state = HP_DONE;
		return HTTP_PARSE_DONE;
	}
	if (h->chunked) {
		p->state = HP_SIZE;
		p->remaining = 0;
		p->digits = 0;
		return HTTP_PARSE_MORE;
	}
	if (h->content_length < 0) {
		h->keep_alive = 0;
		p->state = HP_UNTIL_CLOSE;
		return HTTP_PARSE_MORE;
	}
	if ((uint64_t)h->content_length > p->max_body) {
		return http_fail(p, HTTP_E_LIMIT,
			"Content-Length %lld exceeds "
			"max_body (%zu bytes)",
			(long long)h->content_length, p->max_body);
	}
	p->remaining = h->content_length;
	p->state = p->remaining == 0 ? HP_DONE : HP_BODY;
	return p->remaining == 0 ? HTTP_PARSE_DONE : HTTP_PARSE_MORE;
}

/* see http.h */
int
http_err_transient(int code)
{
	switch (code) {
	case HTTP_E_CONNECT:
	case HTTP_E_TIMEOUT:
	case HTTP_E_TLS:
	case HTTP_E_IO:
	case HTTP_E_CLOSED:
	case HTTP_E_TRUNCATED:
		return 1;
	default:
		return 0;
	}
}
