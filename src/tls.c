/*
 * tls: see tls.h.
 *
 * Design notes.
 *
 * Loading is two nested push decoders.  The PEM decoder is fed the whole
 * bundle and stops at each event; while it is inside a CERTIFICATE (or
 * X509 CERTIFICATE) object its decoded bytes are collected in `der`
 * (capped at TLS_MAX_CERT_BYTES).  At the end of the object the DER is
 * pushed through BearSSL's X.509 decoder, which yields the public key,
 * the CA flag and, through a callback, the subject DN (collected in
 * `dn`).  Objects of any other name (keys, CRLs, TRUSTED CERTIFICATE
 * with its OpenSSL trailer) are ignored; a certificate whose base64 or
 * DER does not decode, or that is cut off by the end of the input, is
 * counted in `skipped`.
 *
 * Each anchor owns one heap block holding its DN followed by its key
 * bytes (RSA modulus and exponent, or the EC point); dn.data points at
 * the start of the block, so freeing an anchor is one free().  The
 * anchor array grows by doubling.
 */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

#define TLS_MAX_DN_BYTES (16 * 1024)

static const char *const bundle_paths[] = {"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
	"/etc/ssl/cert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", NULL};

struct loader {
	struct tls_trust *t;
	size_t cap;     /* anchors allocated */
	struct buf der; /* current certificate */
	struct buf dn;  /* its subject DN */
	int nomem;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* PEM decoder callback: collect certificate bytes. */
static void
der_append(void *ctx, const void *p, size_t n)
{
	struct loader *ld = ctx;

	buf_add(&ld->der, p, n);
}

/* X.509 decoder callback: collect the subject DN. */
static void
dn_append(void *ctx, const void *p, size_t n)
{
	struct loader *ld = ctx;

	buf_add(&ld->dn, p, n);
}

/* Make room for one more anchor. Returns 0 or -1 (out of memory). */
static int
grow(struct loader *ld)
{
	br_x509_trust_anchor *a;
	size_t cap;

	if (ld->t->count < ld->cap) {
		return 0;
	}
	cap = ld->cap == 0 ? 16 : ld->cap * 2;
	a = realloc(ld->t->anchors, cap * sizeof *a);
	if (a == NULL) {
		return -1;
	}
	ld->t->anchors = a;
	ld->cap = cap;
	return 0;
}

/* Fill ta from dn and pk, copying their bytes into blk (which ta owns). */
static void
fill(br_x509_trust_anchor *ta, unsigned char *blk, const struct buf *dn,
	const br_x509_pkey *pk, int ca)
{
	memset(ta, 0, sizeof *ta);
	memcpy(blk, dn->p, dn->len);
	ta->dn.data = blk;
	ta->dn.len = dn->len;
	ta->flags = ca ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	blk += dn->len;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		br_rsa_public_key *r = &ta->pkey.key.rsa;

		memcpy(blk, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(blk + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		r->n = blk;
		r->nlen = pk->key.rsa.nlen;
		r->e = blk + pk->key.rsa.nlen;
		r->elen = pk->key.rsa.elen;
	} else {
		br_ec_public_key *e = &ta->pkey.key.ec;

		memcpy(blk, pk->key.ec.q, pk->key.ec.qlen);
		e->curve = pk->key.ec.curve;
		e->q = blk;
		e->qlen = pk->key.ec.qlen;
	}
}

/*
 * Decode the certificate collected in ld->der and append it as an
 * anchor; an undecodable one is counted as skipped.
 */
static void
add_anchor(struct loader *ld)
{
	br_x509_decoder_context *dc;
	br_x509_pkey *pk;
	unsigned char *blk;
	size_t klen;

	/* Decode (the context is large: keep it off the stack). */
	if (ld->der.err != BUF_OK || ld->der.len == 0
		|| ld->t->count >= TLS_MAX_ANCHORS)
	{
		ld->nomem |= ld->der.err == BUF_ENOMEM;
		ld->t->skipped++;
		return;
	}
	dc = malloc(sizeof *dc);
	if (dc == NULL) {
		ld->nomem = 1;
		return;
	}
	buf_reset(&ld->dn);
	br_x509_decoder_init(dc, dn_append, ld);
	br_x509_decoder_push(dc, ld->der.p, ld->der.len);
	pk = br_x509_decoder_get_pkey(dc);
	if (pk == NULL || ld->dn.err != BUF_OK || ld->dn.len == 0
		|| (pk->key_type != BR_KEYTYPE_RSA
			&& pk->key_type != BR_KEYTYPE_EC))
	{
		ld->nomem |= ld->dn.err == BUF_ENOMEM;
		ld->t->skipped++;
		free(dc);
		return;
	}

	/* Copy DN and key into one block owned by the anchor. */
	if (pk->key_type == BR_KEYTYPE_RSA) {
		klen = pk->key.rsa.nlen + pk->key.rsa.elen;
	} else {
		klen = pk->key.ec.qlen;
	}
	blk = malloc(ld->dn.len + klen);
	if (blk == NULL || grow(ld) < 0) {
		free(blk);
		ld->nomem = 1;
	} else {
		fill(&ld->t->anchors[ld->t->count++], blk, &ld->dn, pk,
			br_x509_decoder_isCA(dc));
	}
	free(dc);
}

/*
 * Nonzero for the names of certificate objects.  With CRLF line ends,
 * BearSSL's decoder leaves the closing dashes in the name, so they are
 * ignored here.
 */
static int
is_cert_name(const char *name)
{
	size_t n = strlen(name);

	while (n > 0 && name[n - 1] == '-') {
		n--;
	}
	return (n == 11 && memcmp(name, "CERTIFICATE", 11) == 0)
		|| (n == 16 && memcmp(name, "X509 CERTIFICATE", 16) == 0);
}

/* Run the PEM decoder over pem[0..n), adding anchors as they complete. */
static void
scan(struct loader *ld, br_pem_decoder_context *pc, const char *pem, size_t n)
{
	const char *p = pem;
	int in_cert = 0;
	int tail = 0;

	/*
	 * After the input, one "\n" ends a last line that has none: the
	 * decoder only acts on complete lines.
	 */
	while (!ld->nomem) {
		size_t k;

		if (n == 0) {
			if (tail) {
				break;
			}
			tail = 1;
			p = "\n";
			n = 1;
		}
		k = br_pem_decoder_push(pc, p, n);
		p += k;
		n -= k;
		switch (br_pem_decoder_event(pc)) {
		case BR_PEM_BEGIN_OBJ:
			in_cert = is_cert_name(br_pem_decoder_name(pc));
			buf_reset(&ld->der);
			br_pem_decoder_setdest(
				pc, in_cert ? der_append : NULL, ld);
			break;
		case BR_PEM_END_OBJ:
			if (in_cert) {
				add_anchor(ld);
			}
			in_cert = 0;
			break;
		case BR_PEM_ERROR:
			if (in_cert) {
				ld->t->skipped++;
			}
			in_cert = 0;
			break;
		default:
			if (k == 0) {
				/* Cannot happen: no event means progress. */
				n = 0;
			}
			break;
		}
	}
	if (in_cert) {
		ld->t->skipped++; /* no END line */
	}
}

/* Load pem[0..n) into t (initialised here), naming it `name`. */
static int
load_pem(struct tls_trust *t, const char *pem, size_t n, const char *name,
	char *err, size_t errlen)
{
	br_pem_decoder_context *pc;
	struct loader ld;

	memset(t, 0, sizeof *t);
	snprintf(t->source, sizeof t->source, "%s", name);
	pc = malloc(sizeof *pc);
	if (pc == NULL) {
		seterr(err, errlen, "%s: out of memory", name);
		return -1;
	}
	memset(&ld, 0, sizeof ld);
	ld.t = t;
	buf_init(&ld.der, TLS_MAX_CERT_BYTES);
	buf_init(&ld.dn, TLS_MAX_DN_BYTES);
	br_pem_decoder_init(pc);
	scan(&ld, pc, pem, n);
	buf_free(&ld.der);
	buf_free(&ld.dn);
	free(pc);
	if (ld.nomem) {
		tls_trust_free(t);
		seterr(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (t->count == 0) {
		size_t skipped = t->skipped;

		tls_trust_free(t);
		t->skipped = skipped;
		seterr(err, errlen,
			"%s: no usable CA certificate "
			"(%zu undecodable)",
			name, skipped);
		return -1;
	}
	return 0;
}

/* see tls.h */
int
tls_trust_load_pem(struct tls_trust *t, const char *pem, size_t n, char *err,
	size_t errlen)
{
	return load_pem(t, pem, n, "(memory)", err, errlen);
}

/*
 * Read a whole file (at most TLS_MAX_BUNDLE_BYTES) into a new heap block.
 * Returns it with its length, or NULL with errno set (EFBIG when too big).
 */
static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *p;
	size_t n;
	ssize_t k;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TLS_MAX_BUNDLE_BYTES) {
		close(fd);
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return NULL;
	}
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	n = 0;
	while (n < (size_t)st.st_size) {
		k = read(fd, p + n, (size_t)st.st_size - n);
		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k <= 0) {
			e = k < 0 ? errno : EIO;
			free(p);
			close(fd);
			errno = e;
			return NULL;
		}
		n += (size_t)k;
	}
	close(fd);
	*len = n;
	return p;
}

/* see tls.h */
int
tls_trust_load_file(
	struct tls_trust *t, const char *path, char *err, size_t errlen)
{
	char *pem;
	size_t n;
	int rc;

	memset(t, 0, sizeof *t);
	pem = slurp(path, &n);
	if (pem == NULL) {
		snprintf(t->source, sizeof t->source, "%s", path);
		seterr(err, errlen, "cannot read CA bundle %s: %s", path,
			errno == EFBIG ? "larger than TLS_MAX_BUNDLE_BYTES"
				: errno == EINVAL ? "not a regular file"
						  : strerror(errno));
		return -1;
	}
	rc = load_pem(t, pem, n, path, err, errlen);
	free(pem);
	return rc;
}

/* see tls.h */
int
tls_trust_load(struct tls_trust *t, char *err, size_t errlen)
{
	const char *env = getenv("SSL_CERT_FILE");
	size_t i;

	/* An empty SSL_CERT_FILE counts as unset. */
	if (env != NULL && env[0] != '\0') {
		return tls_trust_load_file(t, env, err, errlen);
	}
	for (i = 0; bundle_paths[i] != NULL; i++) {
		if (access(bundle_paths[i], R_OK) == 0) {
			return tls_trust_load_file(
				t, bundle_paths[i], err, errlen);
		}
	}
	memset(t, 0, sizeof *t);
	seterr(err, errlen,
		"no CA bundle found (tried %s, %s, %s, %s, %s); "
		"set SSL_CERT_FILE",
		bundle_paths[0], bundle_paths[1], bundle_paths[2],
		bundle_paths[3], bundle_paths[4]);
	return -1;
}

/* see tls.h */
void
tls_trust_free(struct tls_trust *t)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		free(t->anchors[i].dn.data);
	}
	free(t->anchors);
	t->anchors = NULL;
	t->count = 0;
	t->skipped = 0;
}

/* see tls.h */
const char *
tls_strerror(int e)
{
	switch (e) {
	case BR_ERR_OK:
		return "no error";
	case BR_ERR_X509_NOT_TRUSTED:
		return "certificate not trusted";
	case BR_ERR_X509_EXPIRED:
		return "certificate expired or not yet valid";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "certificate does not match the host name";
	case BR_ERR_X509_TIME_UNKNOWN:
		return "certificate validity cannot be checked: clock unknown";
	case BR_ERR_X509_NOT_CA:
		return "certificate chain uses a non-CA certificate as issuer";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "certificate key usage forbids TLS server use";
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return "certificate public key is too small";
	case BR_ERR_X509_BAD_SIGNATURE:
		return "certificate signature is invalid";
	case BR_ERR_X509_DN_MISMATCH:
		return "certificate chain is broken (issuer/subject mismatch)";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "certificate has an unsupported critical extension";
	case BR_ERR_X509_EMPTY_CHAIN:
		return "server sent no certificate";
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WRONG_KEY_TYPE:
		return "certificate uses an unsupported algorithm or feature";
	case BR_ERR_X509_LIMIT_EXCEEDED:
		return "certificate key or signature too large";
	case BR_ERR_NO_RANDOM:
		return "no entropy source for TLS";
	case BR_ERR_BAD_MAC:
		return "TLS record failed its integrity check";
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		return "server TLS version unsupported (TLS 1.2 is required)";
	case BR_ERR_BAD_CIPHER_SUITE:
	case BR_ERR_INVALID_ALGORITHM:
		return "no common TLS cipher suite or algorithm";
	case BR_ERR_BAD_SIGNATURE:
		return "server key exchange signature is invalid";
	case BR_ERR_WRONG_KEY_USAGE:
		return "server key type not usable for this cipher suite";
	case BR_ERR_NO_CLIENT_AUTH:
		return "server requires a client certificate";
	case BR_ERR_TOO_LARGE:
		return "TLS record too large";
	case BR_ERR_LIMIT_EXCEEDED:
		return "server key or message exceeds a TLS limit";
	case BR_ERR_IO:
		return "connection closed or failed during TLS";
	case BR_ERR_RECV_FATAL_ALERT + 40:
		return "server sent a handshake_failure alert";
	case BR_ERR_RECV_FATAL_ALERT + 70:
		return "server refused our TLS version (protocol_version)";
	case BR_ERR_RECV_FATAL_ALERT + 112:
		return "server does not know this host name";
	default:
		break;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT) {
		return "certificate could not be decoded";
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT) {
		return "server sent a fatal TLS alert";
	}
	if (e >= BR_ERR_SEND_FATAL_ALERT) {
		return "TLS failure (we sent a fatal alert)";
	}
	return "TLS protocol error";
}
