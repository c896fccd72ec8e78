/*
 * http: the incremental response parser (see http.h).
 *
 * Design notes.
 *
 * The parser is a byte-at-a-time state machine for everything that is
 * framing (status line, header fields, chunk-size lines, trailers) and a
 * bulk copier for body bytes.  All state lives in struct http_parser, and
 * no decision ever depends on how the input was split, so feeding a
 * response whole, byte by byte or in random pieces gives the same result;
 * the fuzzer checks exactly that.
 *
 *   STATUS -> STATUS_LF -> FIELD <-> NAME -> OWS -> VALUE -> FIELD_LF
 *                            |
 *                            +-> HEAD_LF -> (1xx: back to STATUS)
 *                                        -> BODY (Content-Length)
 *                                        -> SIZE [SIZE_WS] [EXT] SIZE_LF
 *                                           -> DATA -> DATA_CR -> DATA_LF
 *                                           -> SIZE ... "0" -> trailers
 *                                              (FIELD..., HP_F_TRAILER)
 *                                        -> UNTIL_CLOSE (no framing)
 *                                        -> DONE (HEAD, 204, 304, 0)
 *
 * The status line is checked by position: "HTTP/1.0" or "HTTP/1.1", one
 * space, three digits 1xx..5xx, then a space and a reason phrase that is
 * ignored.  One lenient exception: the space after the code may be
 * missing when the reason is empty ("HTTP/1.1 200\r\n").
 *
 * Header lines: a name is one or more token characters and is kept
 * lower-cased in line[] (names longer than HP_NAME_CAP cannot be one we
 * want, so they are validated but not kept); the value follows it in
 * line[] with leading whitespace skipped, and is cut (HP_F_TRUNC) when it
 * does not fit.  Trailing whitespace is trimmed when the line ends.
 *
 * Strictness: lines end in CRLF only (a bare LF or a CR not followed by
 * LF is an error); obs-fold, spaces or controls in names and controls in
 * values are errors.  What the fields mean (framing, keep-alive, the
 * values kept for the caller) is decided in http_head.c.
 *
 * Budgets: header_bytes counts every byte of every status line, header
 * field, trailer and chunk extension of one exchange (1xx responses
 * included) against HTTP_MAX_HEADER_BYTES; nheaders counts fields per
 * head against HTTP_MAX_HEADERS; digits counts hex digits per chunk
 * size.  Body bytes are checked against max_body before they are
 * copied, and a Content-Length or chunk size that cannot fit fails at
 * once instead of after the bytes arrive.
 */
#include "http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STATUS_MIN 12 /* "HTTP/1.1 200" */

/* see http_int.h */
int
http_fail(struct http_parser *p, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->state != HP_ERROR) {
		p->err.code = code;
		va_start(ap, fmt);
		vsnprintf(p->err.msg, sizeof p->err.msg, fmt, ap);
		va_end(ap);
		p->state = HP_ERROR;
	}
	return HTTP_PARSE_ERROR;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 9110 tchar. */
static int
is_tchar(int c)
{
	if ((c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z')) {
		return 1;
	}
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar, SP or HTAB (obs-text included). */
static int
is_vchar(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7F);
}

/* One byte of the status line. */
static int
status_byte(struct http_parser *p, int c)
{
	size_t pos = p->line_len;

	if (c == '\r') {
		if (pos < STATUS_MIN) {
			return http_fail(
				p, HTTP_E_PROTOCOL, "status line too short");
		}
		p->state = HP_STATUS_LF;
		return HTTP_PARSE_MORE;
	}
	p->line_len++;
	if (pos < 5) {
		if (c != "HTTP/"[pos]) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"response does not start with HTTP/");
		}
	} else if (pos < 8) {
		if (pos == 5               ? c != '1'
				: pos == 6 ? c != '.'
					   : c != '0' && c != '1') {
			return http_fail(
				p, HTTP_E_PROTOCOL, "unsupported HTTP version");
		}
		p->flags |= pos == 7 && c == '0' ? HP_F_HTTP10 : 0;
	} else if (pos == 8 || pos == 12) {
		if (c != ' ') {
			return http_fail(
				p, HTTP_E_PROTOCOL, "malformed status line");
		}
	} else if (pos < 12) {
		if (c < '0' || c > '9' || (pos == 9 && (c < '1' || c > '5'))) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"status code is not 100..599");
		}
		p->info.status = p->info.status * 10 + (c - '0');
	} else if (!is_vchar(c)) {
		return http_fail(
			p, HTTP_E_PROTOCOL, "control character in status line");
	}
	return HTTP_PARSE_MORE;
}

/* Append a byte of a header name or value to line[]. */
static void
line_add(struct http_parser *p, int c)
{
	if (p->line_len < sizeof p->line) {
		p->line[p->line_len++] = (char)c;
	} else {
		p->flags |= HP_F_TRUNC;
	}
}

/* One byte of a header name. */
static int
name_byte(struct http_parser *p, int c)
{
	if (c == ':') {
		p->name_len = p->line_len;
		p->state = HP_OWS;
	} else if (!is_tchar(c)) {
		return http_fail(
			p, HTTP_E_PROTOCOL, "invalid character in header name");
	} else if (p->line_len < HP_NAME_CAP) {
		p->line[p->line_len++] = (char)lower(c);
	} else {
		p->flags |= HP_F_LONGNAME;
	}
	return HTTP_PARSE_MORE;
}

/* One byte of a header value. */
static int
value_byte(struct http_parser *p, int c)
{
	if (c == '\r') {
		p->state = HP_FIELD_LF;
	} else if (!is_vchar(c)) {
		return http_fail(p, HTTP_E_PROTOCOL,
			"control character in header value");
	} else {
		line_add(p, c);
	}
	return HTTP_PARSE_MORE;
}

/* One byte of a header or trailer field. */
static int
field_byte(struct http_parser *p, int c)
{
	switch (p->state) {
	case HP_FIELD:
		if (c == '\r') {
			p->state = HP_HEAD_LF;
			return HTTP_PARSE_MORE;
		}
		if (c == ' ' || c == '\t') {
			return http_fail(p, HTTP_E_PROTOCOL,
				"obsolete line folding in headers");
		}
		if (++p->nheaders > HTTP_MAX_HEADERS) {
			return http_fail(p, HTTP_E_LIMIT,
				"more than "
				"HTTP_MAX_HEADERS (%d) header fields",
				HTTP_MAX_HEADERS);
		}
		p->flags &= ~(unsigned)(HP_F_TRUNC | HP_F_LONGNAME);
		p->line_len = 0;
		p->state = HP_NAME;
		if (c == ':') {
			return http_fail(
				p, HTTP_E_PROTOCOL, "empty header name");
		}
		return name_byte(p, c);
	case HP_NAME:
		return name_byte(p, c);
	case HP_OWS:
		if (c == ' ' || c == '\t') {
			return HTTP_PARSE_MORE;
		}
		p->state = HP_VALUE;
		return value_byte(p, c);
	default:
		return value_byte(p, c);
	}
}

/* After the chunk-size digits: whitespace, ';' extensions, or CRLF. */
static int
size_end(struct http_parser *p, int c)
{
	if (c == ' ' || c == '\t') {
		p->state = HP_SIZE_WS;
	} else if (c == ';') {
		p->state = HP_EXT;
	} else if (c == '\r' && p->state == HP_SIZE) {
		p->state = HP_SIZE_LF;
	} else {
		return http_fail(p, HTTP_E_PROTOCOL, "invalid chunk size");
	}
	return HTTP_PARSE_MORE;
}

/* One byte of a chunk-size line or of the CRLF after chunk data. */
static int
chunk_byte(struct http_parser *p, int c)
{
	int v;

	switch (p->state) {
	case HP_SIZE:
		v = hexval(c);
		if (v >= 0) {
			if (++p->digits > HTTP_MAX_CHUNK_DIGITS) {
				return http_fail(p, HTTP_E_LIMIT,
					"chunk size "
					"longer than HTTP_MAX_CHUNK_DIGITS "
					"(%d)",
					HTTP_MAX_CHUNK_DIGITS);
			}
			if (p->remaining > (INT64_MAX - v) / 16) {
				return http_fail(p, HTTP_E_PROTOCOL,
					"chunk size overflows");
			}
			p->remaining = p->remaining * 16 + v;
			return HTTP_PARSE_MORE;
		}
		if (p->digits == 0) {
			return http_fail(
				p, HTTP_E_PROTOCOL, "missing chunk size");
		}
		return size_end(p, c);
	case HP_SIZE_WS:
		return size_end(p, c);
	case HP_EXT:
		if (c == '\r') {
			p->state = HP_SIZE_LF;
		} else if (!is_vchar(c)) {
			return http_fail(p, HTTP_E_PROTOCOL,
				"control character in chunk extension");
		}
		return HTTP_PARSE_MORE;
	case HP_SIZE_LF:
		if (c != '\n') {
			return http_fail(
				p, HTTP_E_PROTOCOL, "bare CR in chunk size");
		}
		if (p->remaining == 0) {
			p->flags |= HP_F_TRAILER;
			p->nheaders = 0;
			p->state = HP_FIELD;
			return HTTP_PARSE_MORE;
		}
		if ((uint64_t)p->remaining > p->max_body - p->body->len) {
			return http_fail(p, HTTP_E_LIMIT,
				"chunked body "
				"exceeds max_body (%zu bytes)",
				p->max_body);
		}
		p->state = HP_DATA;
		return HTTP_PARSE_MORE;
	case HP_DATA_CR:
		if (c != '\r') {
			return http_fail(p, HTTP_E_PROTOCOL,
				"chunk data not followed by CRLF");
		}
		p->state = HP_DATA_LF;
		return HTTP_PARSE_MORE;
	default:
		if (c != '\n') {
			return http_fail(p, HTTP_E_PROTOCOL,
				"chunk data not followed by CRLF");
		}
		p->state = HP_SIZE;
		p->remaining = 0;
		p->digits = 0;
		return HTTP_PARSE_MORE;
	}
}

/* Feed one framing byte. */
static int
step(struct http_parser *p, int c)
{
	if (p->state <= HP_EXT && ++p->header_bytes > HTTP_MAX_HEADER_BYTES) {
		return http_fail(p, HTTP_E_LIMIT,
			"response headers exceed "
			"HTTP_MAX_HEADER_BYTES (%d bytes)",
			HTTP_MAX_HEADER_BYTES);
	}
	if (c == '\n' && p->state != HP_STATUS_LF && p->state != HP_FIELD_LF
		&& p->state != HP_HEAD_LF && p->state != HP_SIZE_LF
		&& p->state != HP_DATA_LF && p->state != HP_DATA_CR)
	{
		return http_fail(p, HTTP_E_PROTOCOL, "line ends in a bare LF");
	}
	switch (p->state) {
	case HP_STATUS:
		return status_byte(p, c);
	case HP_STATUS_LF:
	case HP_FIELD_LF:
	case HP_HEAD_LF:
		if (c != '\n') {
			return http_fail(
				p, HTTP_E_PROTOCOL, "bare CR in response head");
		}
		if (p->state == HP_HEAD_LF) {
			return http_head_done(p);
		}
		if (p->state == HP_STATUS_LF) {
			p->state = HP_FIELD;
			return HTTP_PARSE_MORE;
		}
		p->state = HP_FIELD;
		return http_field_done(p);
	case HP_FIELD:
	case HP_NAME:
	case HP_OWS:
	case HP_VALUE:
		return field_byte(p, c);
	default:
		return chunk_byte(p, c);
	}
}

/*
 * Append body bytes, within max_body and the caller's buffer limit.  What
 * fits is kept even when the rest does not, so the body at an error is
 * the same however the input was split.
 */
static int
take(struct http_parser *p, const char *d, size_t n)
{
	struct buf *b = p->body;
	size_t cap = p->max_body, room;

	if (b->limit != 0 && b->limit < cap) {
		cap = b->limit;
	}
	room = cap - b->len;
	if (buf_add(b, d, n < room ? n : room) != BUF_OK) {
		return http_fail(
			p, HTTP_E_NOMEM, "out of memory for the response body");
	}
	if (n > room && cap == p->max_body) {
		return http_fail(p, HTTP_E_LIMIT,
			"response body exceeds "
			"max_body (%zu bytes)",
			p->max_body);
	}
	if (n > room) {
		return http_fail(p, HTTP_E_LIMIT,
			"response body exceeds the "
			"buffer limit (%zu bytes)",
			cap);
	}
	return HTTP_PARSE_MORE;
}

/* see http.h */
void
http_parser_init(
	struct http_parser *p, struct buf *body, size_t max_body, int head)
{
	memset(p, 0, sizeof *p);
	p->body = body;
	p->max_body = max_body;
	p->head_request = head;
	buf_reset(body);
	http_start_head(p);
}

/* see http.h */
int
http_parser_feed(
	struct http_parser *p, const char *data, size_t n, size_t *used)
{
	size_t i = 0, k;
	int rc = HTTP_PARSE_MORE;

	*used = 0;
	if (p->state == HP_ERROR) {
		return HTTP_PARSE_ERROR;
	}
	if (p->state == HP_DONE) {
		return HTTP_PARSE_DONE;
	}
	while (i < n && rc == HTTP_PARSE_MORE) {
		if (p->state < HP_BODY) {
			rc = step(p, (unsigned char)data[i]);
			i++;
			continue;
		}

		/* Body bytes: copy as many as belong to this body. */
		k = n - i;
		if (p->state != HP_UNTIL_CLOSE
			&& (uint64_t)k > (uint64_t)p->remaining) {
			k = (size_t)p->remaining;
		}
		rc = take(p, data + i, k);
		i += k;
		if (rc != HTTP_PARSE_MORE || p->state == HP_UNTIL_CLOSE) {
			continue;
		}
		p->remaining -= (int64_t)k;
		if (p->remaining == 0 && p->state == HP_BODY) {
			p->state = HP_DONE;
			rc = HTTP_PARSE_DONE;
		} else if (p->remaining == 0) {
			p->state = HP_DATA_CR;
		}
	}
	*used = i;
	return rc;
}

/* see http.h */
int
http_parser_eof(struct http_parser *p)
{
	switch (p->state) {
	case HP_DONE:
		return HTTP_PARSE_DONE;
	case HP_ERROR:
		return HTTP_PARSE_ERROR;
	case HP_UNTIL_CLOSE:
		p->state = HP_DONE;
		return HTTP_PARSE_DONE;
	case HP_BODY:
		return http_fail(p, HTTP_E_TRUNCATED,
			"connection closed after "
			"%zu of %lld body bytes",
			p->body->len, (long long)p->info.content_length);
	default:
		break;
	}
	if (p->header_bytes == 0) {
		return http_fail(p, HTTP_E_CLOSED,
			"connection closed before any response byte");
	}
	if (p->flags & HP_F_TRAILER) {
		return http_fail(p, HTTP_E_TRUNCATED,
			"connection closed in the chunked trailer");
	}
	if (p->state >= HP_SIZE) {
		return http_fail(p, HTTP_E_TRUNCATED,
			"connection closed in a "
			"chunked body after %zu bytes",
			p->body->len);
	}
	return http_fail(
		p, HTTP_E_TRUNCATED, "connection closed in the response head");
}

/* see http.h */
int
http_parser_until_close(const struct http_parser *p)
{
	return p->state == HP_UNTIL_CLOSE;
}
