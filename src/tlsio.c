/*
 * tlsio: see tlsio.h.
 *
 * Design notes.
 *
 * We drive the BearSSL engine ourselves rather than through br_sslio, so
 * that every socket wait is our own poll() with a timeout.  pump() moves
 * records until the engine offers what the caller wants (SENDAPP to
 * write, RECVAPP to read):
 *
 *   1. records waiting to go out are always sent first;
 *   2. if the wanted state is there, return;
 *   3. application data offered while we want to write is a server
 *      talking out of turn: an error;
 *   4. otherwise read more records from the socket;
 *   5. if the engine can do none of these, flush it once; no change
 *      means it is stuck, which is reported rather than spun on.
 *
 * Ends of stream.  The engine reports CLOSED with error 0 only after a
 * close_notify from the server; it first answers with its own
 * close_notify, and if that reply cannot be sent because the server is
 * already gone we drop it (while reading only), since the server's
 * close_notify already proved the data complete.  A TCP end without
 * close_notify is TLSIO_EOF, so the HTTP layer can refuse a body that
 * is delimited by the connection closing but may have been cut.
 *
 * Set-up for each handshake: br_ssl_client_init_full (all suites, the
 * minimal X.509 engine with our anchors; validity is checked against
 * time()), TLS 1.2 only, the BR_SSL_BUFSIZE_BIDI buffer, 32 bytes from
 * getentropy() injected so neither /dev nor RDRAND is needed, and the
 * previous session's parameters to resume.  A session ID coming back
 * unchanged means the server resumed.  A certificate error forgets the
 * session.
 */
#include "tlsio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

static int seterr(struct http_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
seterr(struct http_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

/* Report a failed wait or socket call (k from net_send / net_recv). */
static int
io_fail(struct tlsio *t, long k, const char *what, struct http_error *err)
{
	int e = errno;

	if (k == NET_TIMEOUT) {
		return seterr(
			err, HTTP_E_TIMEOUT, "%s: timed out %s", t->peer, what);
	}
	return seterr(err, HTTP_E_IO, "%s: %s: %s", t->peer, what, strerror(e));
}

/* Report a BearSSL error code. */
static int
tls_fail(struct tlsio *t, int e, struct http_error *err)
{
	if (e > BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT) {
		t->have_sess = 0;
		return seterr(err, HTTP_E_CERT,
			"%s: TLS certificate "
			"rejected: %s (BearSSL error %d)",
			t->peer, tls_strerror(e), e);
	}
	return seterr(err, HTTP_E_TLS, "%s: TLS failed: %s (BearSSL error %d)",
		t->peer, tls_strerror(e), e);
}

/* The next wait: io_timeout_ms, within deadline (monotonic; 0: none). */
static int
wait_ms(const struct tlsio *t, int64_t deadline)
{
	int64_t left;

	if (deadline == 0) {
		return t->io_timeout_ms;
	}
	left = deadline - net_now_ms();
	if (left <= 0) {
		return 0;
	}
	return left < t->io_timeout_ms ? (int)left : t->io_timeout_ms;
}

/*
 * Move records until the engine offers `want`.  Returns 0, TLSIO_CLOSED,
 * TLSIO_EOF, or an HTTP_E_* code.  `what` says what we were doing, for
 * messages.
 */
static int
pump(struct tlsio *t, unsigned want, int64_t deadline, const char *what,
	struct http_error *err)
{
	br_ssl_engine_context *eng = &t->sc.eng;
	unsigned char *b;
	unsigned st;
	size_t len;
	long k;
	int e;

	for (;;) {
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED) {
			e = br_ssl_engine_last_error(eng);
			return e == BR_ERR_OK ? TLSIO_CLOSED
					      : tls_fail(t, e, err);
		}

		/* 1. Outgoing records. */
		if (st & BR_SSL_SENDREC) {
			b = br_ssl_engine_sendrec_buf(eng, &len);
			k = net_send(t->fd, b, len, wait_ms(t, deadline));
			if (k > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)k);
			} else if (k == -1 && want == BR_SSL_RECVAPP) {
				/* Peer gone: drop the alert it cannot read. */
				br_ssl_engine_sendrec_ack(eng, len);
			} else {
				return io_fail(t, k, what, err);
			}
			continue;
		}

		/* 2, 3. */
		if (st & want) {
			return 0;
		}
		if (st & BR_SSL_RECVAPP) {
			return seterr(err, HTTP_E_IO,
				"%s: unexpected data "
				"from the server %s",
				t->peer, what);
		}

		/* 4. Incoming records. */
		if (st & BR_SSL_RECVREC) {
			b = br_ssl_engine_recvrec_buf(eng, &len);
			k = net_recv(t->fd, b, len, wait_ms(t, deadline));
			if (k == 0) {
				return TLSIO_EOF;
			}
			if (k < 0) {
				return io_fail(t, k, what, err);
			}
			br_ssl_engine_recvrec_ack(eng, (size_t)k);
			continue;
		}

		/* 5. */
		br_ssl_engine_flush(eng, 0);
		if (br_ssl_engine_current_state(eng) == st) {
			return seterr(err, HTTP_E_TLS,
				"%s: TLS engine stuck "
				"%s",
				t->peer, what);
		}
	}
}

/* see tlsio.h */
int
tlsio_handshake(struct tlsio *t, int fd, const char *server_name,
	const struct tls_trust *trust, int timeout_ms, int io_timeout_ms,
	const char *peer, struct http_error *err)
{
	br_ssl_engine_context *eng = &t->sc.eng;
	br_ssl_session_parameters s;
	unsigned char seed[32];
	int rc;

	/* Contexts, entropy, the session to resume. */
	t->fd = fd;
	t->io_timeout_ms = io_timeout_ms;
	t->peer = peer;
	br_ssl_client_init_full(&t->sc, &t->xc, trust->anchors, trust->count);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_buffer(eng, t->io, sizeof t->io, 1);
	if (getentropy(seed, sizeof seed) < 0) {
		return seterr(
			err, HTTP_E_TLS, "getentropy: %s", strerror(errno));
	}
	br_ssl_engine_inject_entropy(eng, seed, sizeof seed);
	explicit_bzero(seed, sizeof seed);
	if (t->have_sess) {
		br_ssl_engine_set_session_parameters(eng, &t->sess);
	}
	if (!br_ssl_client_reset(&t->sc, server_name, t->have_sess)) {
		return tls_fail(t, br_ssl_engine_last_error(eng), err);
	}

	/* The handshake is over when application data may be sent. */
	rc = pump(t, BR_SSL_SENDAPP, net_now_ms() + timeout_ms,
		"in the TLS handshake", err);
	if (rc == TLSIO_CLOSED || rc == TLSIO_EOF) {
		return seterr(err, HTTP_E_TLS,
			"%s: connection closed in the "
			"TLS handshake",
			t->peer);
	}
	if (rc != 0) {
		return rc;
	}

	/* Keep the session; the same ID coming back means it resumed. */
	br_ssl_engine_get_session_parameters(eng, &s);
	if (t->have_sess && s.session_id_len > 0
		&& s.session_id_len == t->sess.session_id_len
		&& memcmp(s.session_id, t->sess.session_id, s.session_id_len)
			== 0)
	{
		t->resumed++;
	}
	t->sess = s;
	t->have_sess = 1;
	return 0;
}

/* see tlsio.h */
int
tlsio_write(struct tlsio *t, const char *p, size_t n, struct http_error *err)
{
	br_ssl_engine_context *eng = &t->sc.eng;
	unsigned char *b;
	size_t len;
	int rc;

	/*
	 * Copy into the engine; after the last byte, flush and let pump
	 * drain the records (SENDAPP comes back once they are all sent).
	 */
	for (;;) {
		rc = pump(t, BR_SSL_SENDAPP, 0, "sending the request", err);
		if (rc != 0 || n == 0) {
			return rc;
		}
		b = br_ssl_engine_sendapp_buf(eng, &len);
		len = len < n ? len : n;
		memcpy(b, p, len);
		br_ssl_engine_sendapp_ack(eng, len);
		p += len;
		n -= len;
		if (n == 0) {
			br_ssl_engine_flush(eng, 0);
		}
	}
}

/* see tlsio.h */
int
tlsio_read(struct tlsio *t, const char **p, size_t *n, struct http_error *err)
{
	int rc;

	rc = pump(t, BR_SSL_RECVAPP, 0, "waiting for the response", err);
	if (rc == 0) {
		*p = (const char *)br_ssl_engine_recvapp_buf(&t->sc.eng, n);
	}
	return rc;
}

/* see tlsio.h */
void
tlsio_ack(struct tlsio *t, size_t n)
{
	br_ssl_engine_recvapp_ack(&t->sc.eng, n);
}

/* see tlsio.h */
void
tlsio_close(struct tlsio *t)
{
	br_ssl_engine_context *eng = &t->sc.eng;
	unsigned char *b;
	size_t len;

	br_ssl_engine_close(eng);
	if (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
		b = br_ssl_engine_sendrec_buf(eng, &len);
		(void)net_send(t->fd, b, len, 0);
	}
}
