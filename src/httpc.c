/*
 * httpc: HTTP/1.1 connections over TCP or BearSSL (see http.h).
 *
 * Design notes.
 *
 * One http_conn holds at most one open socket to its origin and sends
 * one request at a time; the response is read whole before the next
 * request goes out (no pipelining).  After a response the socket stays
 * open when the response allowed it (keep_alive) and nothing followed
 * it; before it is reused, a zero-time poll() checks that the idle
 * socket is still quiet (a closed, reset or chatty socket is dropped and
 * a new one opened).  A request that still fails on a reused socket
 * before any response byte arrived (the server closed it as we wrote,
 * or reset it) is sent once more on a fresh connection; our requests are
 * idempotent (GETs and search POSTs), so this is safe.
 *
 * TLS is tlsio's job (engine driving, close_notify, session
 * resumption); its state is one heap block per handle, allocated on the
 * first TLS connection and reused by the reconnects, so the session of
 * the last handshake is offered again.  A close-delimited body counts
 * only after a close_notify: a TLS end without one is HTTP_E_TRUNCATED.
 *
 * Timeouts: connecting gets connect_timeout_ms across all addresses; the
 * TLS handshake gets connect_timeout_ms in all and at most io_timeout_ms
 * per wait; each later wait to send or receive gets io_timeout_ms.
 */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "tlsio.h"
#include "version.h"

#define RBUF_SIZE 16384 /* plain-TCP read size */

struct http_conn {
	char *base; /* copy of base_url; u slices point here */
	struct url u;
	char host[256];    /* NUL-terminated: resolution and SNI */
	char hosthdr[300]; /* Host header value */
	struct http_opts o;
	int fd;
	int reusable; /* the open socket may carry a request */
	unsigned long opened;
	struct tlsio *t;
	struct buf req;
	struct http_parser parser;
	char rbuf[RBUF_SIZE];
};

static int seterr(struct http_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fill err (when given) and return code. */
static int
seterr(struct http_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Close the socket; a healthy TLS one says close_notify first. */
static void
conn_close(struct http_conn *c, int healthy)
{
	if (c->fd >= 0 && c->u.tls && healthy) {
		tlsio_close(c->t);
	}
	if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	c->reusable = 0;
}

/* Report a failed wait or socket call (k from net_send / net_recv). */
static int
io_fail(struct http_conn *c, long k, const char *what, struct http_error *err)
{
	int e = errno;

	if (k == NET_TIMEOUT) {
		return seterr(err, HTTP_E_TIMEOUT, "%s: timed out (%d ms) %s",
			c->hosthdr, c->o.io_timeout_ms, what);
	}
	return seterr(
		err, HTTP_E_IO, "%s: %s: %s", c->hosthdr, what, strerror(e));
}

/* Resolve, check, connect and (for https) handshake a new socket. */
static int
conn_open(struct http_conn *c, struct http_error *err)
{
	struct net_addrs a;
	char why[200];
	int fd, timed_out, rc;

	if (net_resolve(c->host, c->u.port, &a, why, sizeof why) < 0) {
		return seterr(err, HTTP_E_DNS, "%s", why);
	}
	if (!c->u.tls && !net_all_loopback(&a)) {
		return seterr(err, HTTP_E_INSECURE,
			"refusing http:// to %s: "
			"it resolves to an address that is not loopback",
			c->hosthdr);
	}
	fd = net_connect(
		&a, c->o.connect_timeout_ms, &timed_out, why, sizeof why);
	if (fd < 0) {
		return seterr(err, timed_out ? HTTP_E_TIMEOUT : HTTP_E_CONNECT,
			"%s: %s", c->hosthdr, why);
	}
	c->fd = fd;
	c->opened++;
	c->reusable = 1;
	if (!c->u.tls) {
		return HTTP_OK;
	}
	if (c->t == NULL) {
		c->t = calloc(1, sizeof *c->t);
	}
	rc = c->t == NULL ? seterr(err, HTTP_E_NOMEM, "out of memory")
			  : tlsio_handshake(c->t, fd, c->host, c->o.trust,
				  c->o.connect_timeout_ms, c->o.io_timeout_ms,
				  c->hosthdr, err);
	if (rc != HTTP_OK) {
		conn_close(c, 0);
	}
	return rc;
}

/* Write the whole request. */
static int
send_all(struct http_conn *c, const char *p, size_t n, struct http_error *err)
{
	long k;
	int rc;

	if (c->u.tls) {
		rc = tlsio_write(c->t, p, n, err);
		if (rc == TLSIO_CLOSED || rc == TLSIO_EOF) {
			return seterr(err, HTTP_E_CLOSED,
				"%s: connection "
				"closed while sending the request",
				c->hosthdr);
		}
		return rc;
	}
	while (n > 0) {
		k = net_send(c->fd, p, n, c->o.io_timeout_ms);
		if (k < 0) {
			return io_fail(c, k, "sending the request", err);
		}
		p += k;
		n -= (size_t)k;
	}
	return HTTP_OK;
}

/*
 * Next bytes of the response: returns 0 with *p, *n set, TLSIO_CLOSED at a
 * clean end of stream (TCP end for http, close_notify for https),
 * TLSIO_EOF at a TLS end without close_notify, or an HTTP_E_* code.
 */
static int
recv_some(
	struct http_conn *c, const char **p, size_t *n, struct http_error *err)
{
	long k;

	if (c->u.tls) {
		return tlsio_read(c->t, p, n, err);
	}
	k = net_recv(c->fd, c->rbuf, sizeof c->rbuf, c->o.io_timeout_ms);
	if (k < 0) {
		return io_fail(c, k, "waiting for the response", err);
	}
	*p = c->rbuf;
	*n = (size_t)k;
	return k > 0 ? 0 : TLSIO_CLOSED;
}

/* Read and parse one response; *got is set once any byte arrived. */
static int
read_response(struct http_conn *c, struct http_error *err, int *got)
{
	struct http_parser *hp = &c->parser;
	const char *p = NULL;
	size_t n = 0, used;
	int rc;

	for (;;) {
		rc = recv_some(c, &p, &n, err);
		if (rc > 0) {
			return rc; /* an HTTP_E_* code */
		}
		if (rc < 0) {
			if (rc == TLSIO_EOF && http_parser_until_close(hp)) {
				return seterr(err, HTTP_E_TRUNCATED,
					"%s: "
					"connection closed without TLS "
					"close_notify: body may be cut short",
					c->hosthdr);
			}
			c->reusable = 0;
			if (http_parser_eof(hp) == HTTP_PARSE_DONE) {
				return HTTP_OK;
			}
			*err = hp->err;
			return err->code;
		}
		*got = 1;
		rc = http_parser_feed(hp, p, n, &used);
		if (c->u.tls) {
			tlsio_ack(c->t, used);
		}
		if (rc == HTTP_PARSE_ERROR) {
			*err = hp->err;
			return err->code;
		}
		if (rc == HTTP_PARSE_DONE) {
			/* Bytes after the response: nobody asked for them. */
			c->reusable = hp->info.keep_alive && used == n;
			return HTTP_OK;
		}
	}
}

/* Check the request and lay it out in c->req. */
static int
build_request(
	struct http_conn *c, const struct http_req *r, struct http_error *err)
{
	struct buf *b = &c->req;
	size_t i;
	int post;

	post = r->method != NULL && strcmp(r->method, "POST") == 0;
	if (!post && (r->method == NULL || strcmp(r->method, "GET") != 0)) {
		return seterr(err, HTTP_E_URL, "unsupported method");
	}
	if (r->target == NULL || r->target[0] != '/') {
		return seterr(err, HTTP_E_URL,
			"request target must start "
			"with /");
	}
	for (i = 0; r->target[i] != '\0'; i++) {
		if (r->target[i] <= 0x20 || r->target[i] >= 0x7F) {
			return seterr(err, HTTP_E_URL,
				"request target holds "
				"a space, control or non-ASCII byte");
		}
	}
	for (i = 0; r->auth != NULL && r->auth[i] != '\0'; i++) {
		if ((unsigned char)r->auth[i] < 0x20 || r->auth[i] == 0x7F) {
			/* Never echo the value: it is the token. */
			return seterr(err, HTTP_E_URL,
				"Authorization value "
				"holds a control character");
		}
	}

	buf_reset(b);
	buf_adds(b, r->method);
	buf_addc(b, ' ');
	buf_adds(b, r->target);
	buf_adds(b, " HTTP/1.1\r\nHost: ");
	buf_adds(b, c->hosthdr);
	buf_adds(b, "\r\nUser-Agent: ");
	buf_adds(b, c->o.user_agent);
	buf_adds(b, "\r\nAccept: application/json\r\n");
	if (r->auth != NULL) {
		buf_adds(b, "Authorization: ");
		buf_adds(b, r->auth);
		buf_adds(b, "\r\n");
	}
	if (post) {
		buf_adds(b,
			"Content-Type: application/json\r\n"
			"Content-Length: ");
		buf_addi(b, (long long)r->body_len);
		buf_adds(b, "\r\n");
	}
	buf_adds(b, "Connection: keep-alive\r\n\r\n");
	if (post && r->body_len > 0) {
		buf_add(b, r->body, r->body_len);
	}
	if (b->err != BUF_OK) {
		return seterr(err, HTTP_E_NOMEM,
			"out of memory for the "
			"request");
	}
	return HTTP_OK;
}

/* Scrub secrets (the token in the request, TLS keys) before free. */
static void
wipe(void *p, size_t n)
{
	if (p != NULL) {
		explicit_bzero(p, n);
	}
}

/* see http.h */
struct http_conn *
http_conn_new(
	const char *base_url, const struct http_opts *o, struct http_error *err)
{
	struct http_conn *c;
	const char *why = "";
	size_t n;

	seterr(err, HTTP_OK, "%s", "");
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->base = strdup(base_url)) == NULL) {
		free(c);
		seterr(err, HTTP_E_NOMEM, "out of memory");
		return NULL;
	}
	c->fd = -1;
	buf_init(&c->req, 0);
	if (o != NULL) {
		c->o = *o;
	}
	if (url_parse(c->base, strlen(c->base), &c->u, &why) < 0) {
		seterr(err, HTTP_E_URL, "bad URL: %s", why);
		goto fail;
	}

	/* The host as a C string (no final dot), and the Host header. */
	n = c->u.host_len;
	if (n > 0 && c->u.host[n - 1] == '.') {
		n--;
	}
	memcpy(c->host, c->u.host, n);
	c->host[n] = '\0';
	snprintf(c->hosthdr, sizeof c->hosthdr, c->u.ipv6 ? "[%s]" : "%s",
		c->host);
	if (c->u.port != (c->u.tls ? 443u : 80u)) {
		n = strlen(c->hosthdr);
		snprintf(c->hosthdr + n, sizeof c->hosthdr - n, ":%u",
			c->u.port);
	}

	/* Safety rules, then defaults. */
	if (!c->u.tls && !url_host_is_loopback(&c->u)) {
		seterr(err, HTTP_E_INSECURE,
			"refusing http:// to %s: the "
			"token would cross the network in clear text; use "
			"https://",
			c->hosthdr);
		goto fail;
	}
	if (c->u.tls && (c->o.trust == NULL || c->o.trust->count == 0)) {
		seterr(err, HTTP_E_CERT, "https:// needs trust anchors");
		goto fail;
	}
	if (c->o.connect_timeout_ms <= 0) {
		c->o.connect_timeout_ms = 10000;
	}
	if (c->o.io_timeout_ms <= 0) {
		c->o.io_timeout_ms = 60000;
	}
	if (c->o.max_body == 0) {
		c->o.max_body = HTTP_DEFAULT_MAX_BODY;
	}
	if (c->o.user_agent == NULL) {
		c->o.user_agent = "source-pylon/" SP_VERSION;
	}
	return c;

fail:
	http_conn_free(c);
	return NULL;
}

/* see http.h */
void
http_conn_free(struct http_conn *c)
{
	if (c == NULL) {
		return;
	}
	conn_close(c, c->reusable);
	wipe(c->req.p, c->req.cap);
	buf_free(&c->req);
	wipe(c->t, sizeof *c->t);
	free(c->t);
	free(c->base);
	free(c);
}

/* see http.h */
unsigned long
http_conn_opened(const struct http_conn *c)
{
	return c->opened;
}

/* see http.h */
unsigned long
http_conn_resumed(const struct http_conn *c)
{
	return c->t != NULL ? c->t->resumed : 0;
}

/* see http.h */
int
http_do(struct http_conn *c, const struct http_req *req, struct http_resp *resp,
	struct http_error *err)
{
	char loc[sizeof resp->h.location];
	int attempt, rc, got, fresh;
	size_t i;

	/* Reset every output; check and lay out the request. */
	seterr(err, HTTP_OK, "%s", "");
	memset(&resp->h, 0, sizeof resp->h);
	resp->h.content_length = -1;
	resp->reused = 0;
	if (resp->body == NULL) {
		return seterr(err, HTTP_E_URL, "no buffer for the body");
	}
	buf_reset(resp->body);
	rc = build_request(c, req, err);
	if (rc != HTTP_OK) {
		return rc;
	}

	/* Send; retry once when a reused socket turns out to be dead. */
	for (attempt = 0;; attempt++) {
		fresh = 0;
		if (c->fd >= 0 && (!c->reusable || net_idle_broken(c->fd))) {
			conn_close(c, 0);
		}
		if (c->fd < 0) {
			rc = conn_open(c, err);
			if (rc != HTTP_OK) {
				return rc;
			}
			fresh = 1;
		}
		resp->reused = !fresh;
		got = 0;
		http_parser_init(&c->parser, resp->body, c->o.max_body, 0);
		rc = send_all(c, c->req.p, c->req.len, err);
		if (rc == HTTP_OK) {
			rc = read_response(c, err, &got);
		}
		if (rc == HTTP_OK) {
			break;
		}
		conn_close(c, 0);
		if (fresh || got || attempt > 0
			|| (rc != HTTP_E_CLOSED && rc != HTTP_E_IO)) {
			return rc;
		}
	}
	resp->h = c->parser.info;
	if (!c->reusable) {
		conn_close(c, 1);
	}

	/* Redirects are not followed: they could send the token away. */
	if (resp->h.status >= 300 && resp->h.status < 400) {
		conn_close(c, 1);
		for (i = 0; resp->h.location[i] != '\0'; i++) {
			unsigned char ch = (unsigned char)resp->h.location[i];

			loc[i] = ch < 0x20 || ch >= 0x7F ? '?' : (char)ch;
		}
		loc[i] = '\0';
		return seterr(err, HTTP_E_REDIRECT,
			"%s: redirect (%d) to %s "
			"not followed",
			c->hosthdr, resp->h.status,
			i > 0 ? loc : "(no Location)");
	}
	return HTTP_OK;
}
