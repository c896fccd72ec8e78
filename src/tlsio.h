/*
 * tlsio: one BearSSL client session over a connected socket, with a
 * timeout on every wait (the TLS half of the HTTP client; see httpc.c).
 *
 * The caller owns the struct (it is large: keep it on the heap) and the
 * socket.  A struct may carry many connections in turn: the parameters
 * of the last successful handshake are kept and offered again by the
 * next tlsio_handshake, so a reconnect to the same server resumes the
 * session.  Errors are HTTP_E_* codes with struct http_error filled in;
 * messages name the peer, never data.
 */
#ifndef SP_TLSIO_H
#define SP_TLSIO_H

#include <stddef.h>

#include "http.h"
#include "tls.h"

/* Results besides 0 and HTTP_E_* codes. */
#define TLSIO_CLOSED (-1) /* the server sent close_notify: clean end */
#define TLSIO_EOF (-2)    /* TCP ended without close_notify */

struct tlsio {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	unsigned char io[BR_SSL_BUFSIZE_BIDI];
	br_ssl_session_parameters sess; /* last successful handshake */
	int have_sess;
	unsigned long resumed; /* handshakes that resumed */
	int fd;
	int io_timeout_ms; /* each wait */
	const char *peer;  /* "host[:port]" for messages */
};

/*
 * Handshake on the connected socket fd with server_name (SNI and the
 * certificate name check) against trust.  The whole handshake gets
 * timeout_ms; each wait at most io_timeout_ms.  peer must outlive t's
 * use.  Returns 0 or an HTTP_E_* code (HTTP_E_CERT for certificate
 * rejections, HTTP_E_TLS, HTTP_E_TIMEOUT, HTTP_E_IO, HTTP_E_NOMEM).
 */
int tlsio_handshake(struct tlsio *t, int fd, const char *server_name,
	const struct tls_trust *trust, int timeout_ms, int io_timeout_ms,
	const char *peer, struct http_error *err);

/* Send all of p[0..n) and flush.  Returns 0, TLSIO_CLOSED, TLSIO_EOF or
 * an HTTP_E_* code. */
int tlsio_write(
	struct tlsio *t, const char *p, size_t n, struct http_error *err);

/*
 * Wait for application data: returns 0 with *p, *n pointing into the
 * engine (consume with tlsio_ack), TLSIO_CLOSED, TLSIO_EOF, or an
 * HTTP_E_* code.
 */
int tlsio_read(
	struct tlsio *t, const char **p, size_t *n, struct http_error *err);

/* Mark n bytes returned by tlsio_read as consumed. */
void tlsio_ack(struct tlsio *t, size_t n);

/*
 * Before the caller closes a healthy connection: send close_notify if the
 * socket takes it at once (never waits).  A server that sees it keeps the
 * session in its cache, so the next handshake can resume.
 */
void tlsio_close(struct tlsio *t);

#endif
