/*
 * http: an HTTP/1.1 client over TCP or BearSSL TLS, with an incremental
 * response parser.
 *
 * Two layers:
 *
 * 1. http_parser: a response parser that is fed bytes in any split (even
 *    one at a time) and answers "need more", "done" or an error.  It
 *    handles the status line, headers (names case-insensitive; obsolete
 *    line folding is rejected), Content-Length, Transfer-Encoding: chunked
 *    (chunk extensions and trailers accepted and ignored) and bodies
 *    delimited by the connection closing.  1xx responses are skipped.
 *    Named limits cap header bytes, header count, chunk-size digits and
 *    body size.  The decoded body is appended to a caller-provided buf.
 *
 * 2. http_conn: one keep-alive connection to one origin (scheme, host,
 *    port), used by one thread at a time.  http_do sends a request and
 *    reads the whole response into resp.  A connection that was reused and
 *    is found closed before any byte of the response arrived is retried
 *    once on a fresh connection, transparently.  Connections are opened
 *    lazily and reopened after errors or "Connection: close"; TLS session
 *    parameters are kept so reconnects resume the session.
 *
 * Safety rules (never relaxed):
 *  - http:// is refused unless the host is loopback (url_host_is_loopback)
 *    and every address it resolves to is loopback: the bearer token must
 *    not cross a network in clear text.
 *  - Certificates are checked against the trust anchors, the host name
 *    (also sent as SNI) and the current time; any failure is an error
 *    naming the reason; there is no insecure fallback.
 *  - 3xx responses are errors naming the Location (following redirects
 *    could send the token elsewhere).
 *  - A body shorter than Content-Length, a truncated chunk, or (for TLS) an
 *    EOF without close_notify on a close-delimited body is an error, never
 *    a silently short body.
 *  - Error messages never contain request headers (so never the token).
 *
 * Name resolution: "localhost" resolves to 127.0.0.1 and ::1 without any
 * lookup (RFC 6761), so an empty root needs no /etc/hosts for it; other
 * names go through getaddrinfo (IPv4 and IPv6), trying each address in
 * turn with a non-blocking connect and a timeout.  SIGPIPE must be
 * ignored by the process (main does so); sends also use MSG_NOSIGNAL.
 */
#ifndef SP_HTTP_H
#define SP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tls.h"
#include "url.h"

/* ---- limits -------------------------------------------------------------- */

#define HTTP_MAX_HEADER_BYTES (64 * 1024) /* status line + all headers */
#define HTTP_MAX_HEADERS 128
#define HTTP_MAX_CHUNK_DIGITS 16 /* hex digits of a chunk size */
#define HTTP_DEFAULT_MAX_BODY ((size_t)256 * 1024 * 1024)

/* ---- errors -------------------------------------------------------------- */

enum http_err {
	HTTP_OK = 0,
	HTTP_E_URL,       /* bad URL */
	HTTP_E_INSECURE,  /* http:// to a host that is not loopback */
	HTTP_E_DNS,       /* name did not resolve */
	HTTP_E_CONNECT,   /* every address refused or unreachable */
	HTTP_E_TIMEOUT,   /* connect, read or write timed out */
	HTTP_E_TLS,       /* handshake or record-layer failure */
	HTTP_E_CERT,      /* certificate rejected (untrusted, expired, name) */
	HTTP_E_IO,        /* socket error, reset */
	HTTP_E_CLOSED,    /* server closed before sending a response */
	HTTP_E_PROTOCOL,  /* malformed response */
	HTTP_E_LIMIT,     /* a named limit was exceeded */
	HTTP_E_TRUNCATED, /* body cut short */
	HTTP_E_REDIRECT,  /* 3xx; message names the Location */
	HTTP_E_NOMEM
};

struct http_error {
	int code;      /* enum http_err */
	char msg[320]; /* human-readable, for a person; never the token */
};

/* Nonzero for errors worth retrying on an idempotent request (timeouts,
 * resets, closed or truncated responses, TLS record errors, connect
 * failures); zero for URL, insecure, certificate, DNS, redirect, limit,
 * protocol and memory errors. */
int http_err_transient(int code);

/* ---- incremental response parser ----------------------------------------- */

enum http_parse_rc {
	HTTP_PARSE_MORE = 0, /* need more bytes */
	HTTP_PARSE_DONE = 1, /* a complete response was parsed */
	HTTP_PARSE_ERROR = -1
};

struct http_header_info {
	int status;             /* 100..599 */
	int keep_alive;         /* connection may be reused afterwards */
	int64_t content_length; /* -1 when absent */
	int chunked;
	char content_type[128]; /* "" when absent; truncated if longer */
	char location[256];
	char retry_after[64];   /* raw value, "" when absent */
	int64_t rate_remaining; /* X-Rate-Limit-Remaining, -1 absent */
	int64_t rate_limit;     /* X-Rate-Limit-Limit, -1 absent */
	int64_t rate_reset;     /* X-Rate-Limit-Reset, -1 absent */
};

struct http_parser {
	/* private state; see http.c */
	int state;
	size_t header_bytes;
	size_t nheaders;
	int64_t remaining; /* body or chunk bytes left */
	size_t digits;
	int head_request;
	size_t max_body;
	char line[512]; /* partial line of the current header */
	size_t line_len;
	size_t name_len; /* header name bytes at line[0..) */
	unsigned flags;
	struct http_header_info info;
	struct buf *body;
	struct http_error err;
};

/* Start parsing a response (to a HEAD request if head != 0); the decoded
 * body goes to body (reset here), at most max_body bytes. */
void http_parser_init(
	struct http_parser *p, struct buf *body, size_t max_body, int head);

/*
 * Feed n bytes.  *used is set to the bytes consumed (fewer than n only
 * when DONE: the rest belongs to the next response).  Returns MORE, DONE
 * or ERROR (details in p->err).
 */
int http_parser_feed(
	struct http_parser *p, const char *data, size_t n, size_t *used);

/* The peer closed the connection: DONE if the body was close-delimited,
 * else ERROR (truncated / closed before response). */
int http_parser_eof(struct http_parser *p);

/* Nonzero while the parser is reading a body delimited by the connection
 * closing (the caller must then tell a clean close from a cut one: TLS
 * without close_notify is an error). */
int http_parser_until_close(const struct http_parser *p);

/* ---- Retry-After --------------------------------------------------------- */

/* Milliseconds to wait per a Retry-After value (delta-seconds or an
 * IMF-fixdate HTTP date, relative to now_ms), clamped to [0, cap_ms];
 * -1 when the value is empty or invalid. */
int64_t http_retry_after_ms(const char *value, int64_t now_ms, int64_t cap_ms);

/* ---- connections --------------------------------------------------------- */

struct http_opts {
	const struct tls_trust *trust; /* required for https */
	int connect_timeout_ms;        /* default 10000 when 0 */
	int io_timeout_ms;             /* per read/write wait; default 60000 */
	size_t max_body;               /* default HTTP_DEFAULT_MAX_BODY */
	const char *user_agent;        /* default "source-pylon/<version>" */
};

struct http_conn;

/*
 * A connection handle for the origin of base_url (its path is ignored).
 * No I/O happens here.  Returns NULL with err set on a bad or insecure URL
 * (HTTP_E_URL, HTTP_E_INSECURE) or out of memory.
 */
struct http_conn *http_conn_new(const char *base_url, const struct http_opts *o,
	struct http_error *err);

/* Close and free (NULL is fine). */
void http_conn_free(struct http_conn *c);

/* Number of TCP connections this handle has opened so far (tests). */
unsigned long http_conn_opened(const struct http_conn *c);

/* Number of TLS handshakes that resumed the previous session (tests). */
unsigned long http_conn_resumed(const struct http_conn *c);

struct http_req {
	const char *method; /* "GET" or "POST" */
	const char *target; /* origin-form: "/path?query", already encoded */
	const char *auth;   /* Authorization header value, or NULL */
	const char *body;   /* POST body (sent as application/json) */
	size_t body_len;
};

struct http_resp {
	struct http_header_info h; /* status and the headers above */
	struct buf *body;          /* caller's buffer, filled with the body */
	int reused;                /* sent on a reused connection */
};

/*
 * Send req and read the whole response.  resp->body must point to the
 * caller's buf (it is reset first).  Returns HTTP_OK for any complete
 * response with a status other than 3xx (4xx and 5xx are returned, not
 * errors); else an error code with err filled in.  After an error the
 * connection is closed (the next http_do reconnects).
 */
int http_do(struct http_conn *c, const struct http_req *req,
	struct http_resp *resp, struct http_error *err);

#endif
