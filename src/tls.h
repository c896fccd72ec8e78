/*
 * tls: trust anchors for BearSSL, loaded at run time from a PEM bundle.
 *
 * tls_trust_load reads SSL_CERT_FILE when that variable is set and not
 * empty (and then only that file), else the first readable file among
 * the usual bundle paths (/etc/ssl/certs/ca-certificates.crt,
 * /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/ca-bundle.pem,
 * /etc/ssl/cert.pem, /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem).
 * Every CERTIFICATE
 * block is decoded into a trust anchor (CA flag from basicConstraints);
 * other PEM blocks are skipped; a certificate that does not decode is
 * skipped and counted.  Loading fails when no anchor at all results.
 *
 * The loaded set is immutable and may be shared by every connection and
 * thread.  Memory is owned by the set (heap; freed by tls_trust_free).
 */
#ifndef SP_TLS_H
#define SP_TLS_H

#include <stddef.h>

/* BearSSL's headers test BR_DOXYGEN_IGNORE with #if; keep -Wundef quiet. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

/* Limits on what a bundle may hold (checked before use). */
#define TLS_MAX_BUNDLE_BYTES (16 * 1024 * 1024) /* size of one PEM file */
#define TLS_MAX_CERT_BYTES (64 * 1024)          /* one DER certificate */
#define TLS_MAX_ANCHORS 4096 /* further certificates count as skipped */

struct tls_trust {
	br_x509_trust_anchor *anchors;
	size_t count;
	size_t skipped;   /* certificates that failed to decode */
	char source[256]; /* the file they came from */
};

/* Returns 0, or -1 with a message in err naming the file(s) tried. */
int tls_trust_load(struct tls_trust *t, char *err, size_t errlen);

/* Load from one PEM file (path). */
int tls_trust_load_file(
	struct tls_trust *t, const char *path, char *err, size_t errlen);

/* Load from PEM text in memory (used by the loader and the fuzzer). */
int tls_trust_load_pem(struct tls_trust *t, const char *pem, size_t n,
	char *err, size_t errlen);

void tls_trust_free(struct tls_trust *t);

/* A short description of a BearSSL error code (br_ssl_engine_last_error),
 * naming certificate problems plainly: "certificate not trusted",
 * "certificate expired or not yet valid", "certificate does not match
 * the host name", ... */
const char *tls_strerror(int br_err);

#endif
