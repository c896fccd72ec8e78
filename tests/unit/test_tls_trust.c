/*
 * Trust anchors from PEM: bundles with several certificates, blocks that
 * are not certificates, damaged blocks, empty input, files, SSL_CERT_FILE,
 * the system bundle, and the names of certificate errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "tls.h"

/* Generated once with the openssl CLI: two CAs (EC P-256, RSA 1024) and a
 * self-signed leaf without the CA flag. */
static const char ec_ca[]
	= "-----BEGIN CERTIFICATE-----\n"
	  "MIIBgjCCASegAwIBAgIUcVvWewB9zvq60g0gGO61FEumC2EwCgYIKoZIzj0EAwIw\n"
	  "FTETMBEGA1UEAwwKVGVzdCBFQyBDQTAgFw0yNjEyMDMxODU1MzlaGA8yMTI2MTEw\n"
	  "OTE4NTUzOVowFTETMBEGA1UEAwwKVGVzdCBFQyBDQTBZMBMGByqGSM49AgEGCCqG\n"
	  "SM49AwEHA0IABPsTB+VRqtWBdbHiQKt2ks1gDOa3th6fdNsvaKQpKRxnXobUe6l0\n"
	  "cArEPTkWImBQ7n+tvfg5x3eMVr8kFM4C1CCjUzBRMB0GA1UdDgQWBBS6eWaNGqJe\n"
	  "uWuB9wkQJXTKtpdHqjAfBgNVHSMEGDAWgBS6eWaNGqJeuWuB9wkQJXTKtpdHqjAP\n"
	  "BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDl8HBlBwjQamNT8kSE\n"
	  "niE9qJ6on6FtToschQ3VdGmaJwIhALJUl6+kEEin7V1o1D24kaYSl8NDiwu1Sr4/\n"
	  "PUZSqXwc\n"
	  "-----END CERTIFICATE-----\n";

static const char rsa_ca[]
	= "-----BEGIN CERTIFICATE-----\n"
	  "MIICCjCCAXOgAwIBAgIUa53/rwOu7zeDlJLQ+jTyLZsCQL8wDQYJKoZIhvcNAQEL\n"
	  "BQAwFjEUMBIGA1UEAwwLVGVzdCBSU0EgQ0EwIBcNMjYxMjAzMTg1NTM5WhgPMjEy\n"
	  "NjExMDkxODU1MzlaMBYxFDASBgNVBAMMC1Rlc3QgUlNBIENBMIGfMA0GCSqGSIb3\n"
	  "DQEBAQUAA4GNADCBiQKBgQDCO1TqkTRBUWLNhdLzX1ii/iC3c7DsSuIm4sXkgeVw\n"
	  "5Eyz03IST5WISZjfXHV8axSkvxbQ6NShANTF8WUOBhQQSPDB2UYB9DDf9RxfyEyE\n"
	  "c6bYaL7sB0nF91H3j3o5hlq+G0B12PXIRqUf9qZbSPjIJFM5GTy/oiW1xrVp0vY9\n"
	  "MQIDAQABo1MwUTAdBgNVHQ4EFgQUAvR2ItDVzAqCFYmcpxyjE1bJkqMwHwYDVR0j\n"
	  "BBgwFoAUAvR2ItDVzAqCFYmcpxyjE1bJkqMwDwYDVR0TAQH/BAUwAwEB/zANBgkq\n"
	  "hkiG9w0BAQsFAAOBgQCfhebcRuBagzI7C13Gu70DFx6dCakmEGHJZ63pL3ZAhKfO\n"
	  "L4wGDwKa/FTGv5KA6/ZcXkxrUNF5nNX7XH06P8G5mLbVtGx9Dr6JJS1b8jw2JSag\n"
	  "wfDfjV8wBHKV2JjY1biTIcSD2vjBqHNDtpC2Hl7v0bn+h0P2A6pT5ny7WVN2iQ==\n"
	  "-----END CERTIFICATE-----\n";

static const char leaf[]
	= "-----BEGIN CERTIFICATE-----\n"
	  "MIIBbjCCARWgAwIBAgIUXtVb6WvFG0hormKHw5z88g7DR5EwCgYIKoZIzj0EAwIw\n"
	  "DzENMAsGA1UEAwwEbGVhZjAgFw0yNjEyMDMxODU1MzlaGA8yMTI2MTEwOTE4NTUz\n"
	  "OVowDzENMAsGA1UEAwwEbGVhZjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCNC\n"
	  "evRtiFvRplxw7raAQwjJBBXJ1sK/ndXoLFGqtvc2DQ56cXXAy5Q15i85Lp6tyl60\n"
	  "uNzNjaw/GHR+30/Ha0OjTTBLMB0GA1UdDgQWBBRBAO5ysKnE4OSx3vdO7kcWXV71\n"
	  "0TAfBgNVHSMEGDAWgBRBAO5ysKnE4OSx3vdO7kcWXV710TAJBgNVHRMEAjAAMAoG\n"
	  "CCqGSM49BAMCA0cAMEQCIAvkmGgff1snbpVKDOuix3Agc1+rVKAm8pYmLPxATT2Y\n"
	  "AiBx7FtAv6Un8HsyrfrwWkQ8drGFzTsitMEOAQ96epEEbg==\n"
	  "-----END CERTIFICATE-----\n";

static const char key_block[]
	= "-----BEGIN PRIVATE KEY-----\n"
	  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
	  "-----END PRIVATE KEY-----\n";

static struct tls_trust t;
static char err[512];

static int
load(const char *pem)
{
	return tls_trust_load_pem(&t, pem, strlen(pem), err, sizeof err);
}

static void
one_ec(void)
{
	CHECK(load(ec_ca) == 0);
	CHECK(t.count == 1 && t.skipped == 0);
	CHECK(t.anchors[0].flags == BR_X509_TA_CA);
	CHECK(t.anchors[0].pkey.key_type == BR_KEYTYPE_EC);
	CHECK(t.anchors[0].pkey.key.ec.curve == BR_EC_secp256r1);
	CHECK(t.anchors[0].pkey.key.ec.qlen == 65);
	CHECK(t.anchors[0].dn.len > 10);
	tls_trust_free(&t);
	CHECK(t.count == 0 && t.anchors == NULL);
}

static void
bundle(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "# a comment line\nrandom text between blocks\n");
	buf_adds(&b, ec_ca);
	buf_adds(&b, "\n\n");
	buf_adds(&b, key_block);
	buf_adds(&b, rsa_ca);
	buf_adds(&b, "trailing junk -----\n");
	buf_adds(&b, leaf);
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) == 0);
	CHECK(t.count == 3 && t.skipped == 0);
	CHECK(t.anchors[1].pkey.key_type == BR_KEYTYPE_RSA);
	CHECK(t.anchors[1].pkey.key.rsa.nlen == 128);
	CHECK(t.anchors[1].flags == BR_X509_TA_CA);
	CHECK(t.anchors[2].flags == 0);
	tls_trust_free(&t);
	buf_free(&b);
}

static void
many(void)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < 70; i++) {
		buf_adds(&b, i % 2 ? ec_ca : rsa_ca);
	}
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) == 0);
	CHECK(t.count == 70);
	tls_trust_free(&t);
	buf_free(&b);
}

static void
damaged(void)
{
	struct buf b;
	char *p;

	/* Bad base64 inside one block: skipped; the others load. */
	buf_init(&b, 0);
	buf_adds(&b, ec_ca);
	buf_adds(&b,
		"-----BEGIN CERTIFICATE-----\nMII*B\n"
		"-----END CERTIFICATE-----\n");
	buf_adds(&b,
		"-----BEGIN CERTIFICATE-----\nAAAAAAAA\n"
		"-----END CERTIFICATE-----\n");
	buf_adds(&b, rsa_ca);
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) == 0);
	CHECK(t.count == 2 && t.skipped == 2);
	tls_trust_free(&t);

	/* A block cut off by the end of input. */
	buf_reset(&b);
	buf_adds(&b, rsa_ca);
	buf_add(&b, ec_ca, 200);
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) == 0);
	CHECK(t.count == 1 && t.skipped == 1);
	tls_trust_free(&t);

	/* A flipped byte in the DER makes the certificate undecodable. */
	buf_reset(&b);
	buf_adds(&b, ec_ca);
	p = strstr(b.p, "MIIB");
	CHECK(p != NULL);
	if (p != NULL) {
		p[1] = 'A';
	}
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) < 0);
	CHECK(t.count == 0 && t.skipped == 1 && t.anchors == NULL);
	CHECK(strstr(err, "no usable") != NULL);
	buf_free(&b);
}

static void
line_endings(void)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; ec_ca[i] != '\0'; i++) {
		if (ec_ca[i] == '\n') {
			buf_addc(&b, '\r');
		}
		buf_addc(&b, ec_ca[i]);
	}
	CHECK(tls_trust_load_pem(&t, b.p, b.len, err, sizeof err) == 0);
	CHECK(t.count == 1);
	tls_trust_free(&t);

	/* No newline after the END line. */
	CHECK(tls_trust_load_pem(&t, ec_ca, strlen(ec_ca) - 1, err, sizeof err)
		== 0);
	CHECK(t.count == 1);
	tls_trust_free(&t);
	buf_free(&b);
}

static void
nothing(void)
{
	CHECK(load("") < 0 && t.count == 0);
	CHECK(strstr(err, "(memory)") != NULL);
	CHECK(load("garbage\x01\xff\n-----BEGIN\n") < 0);
	CHECK(load(key_block) < 0);
	CHECK(t.skipped == 0);
	CHECK(tls_trust_load_pem(&t, NULL, 0, err, sizeof err) < 0);
	CHECK(tls_trust_load_pem(&t, ec_ca, strlen(ec_ca), NULL, 0) == 0);
	tls_trust_free(&t);
}

static void
files(void)
{
	char path[] = "/tmp/sp-test-tls-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	f = fdopen(fd, "w");
	fputs(rsa_ca, f);
	fputs(leaf, f);
	fclose(f);
	CHECK(tls_trust_load_file(&t, path, err, sizeof err) == 0);
	CHECK(t.count == 2 && strcmp(t.source, path) == 0);
	tls_trust_free(&t);

	/* SSL_CERT_FILE wins, and is the only file tried. */
	setenv("SSL_CERT_FILE", path, 1);
	CHECK(tls_trust_load(&t, err, sizeof err) == 0);
	CHECK(t.count == 2 && strcmp(t.source, path) == 0);
	tls_trust_free(&t);
	setenv("SSL_CERT_FILE", "/nonexistent/ca.pem", 1);
	CHECK(tls_trust_load(&t, err, sizeof err) < 0);
	CHECK(strstr(err, "/nonexistent/ca.pem") != NULL);
	CHECK(t.count == 0);
	unsetenv("SSL_CERT_FILE");
	unlink(path);

	CHECK(tls_trust_load_file(&t, path, err, sizeof err) < 0);
	CHECK(strstr(err, path) != NULL);
	CHECK(tls_trust_load_file(&t, "/tmp", err, sizeof err) < 0);
	CHECK(strstr(err, "not a regular file") != NULL);
}

static void
system_bundle(void)
{
	const char *sys = "/etc/ssl/certs/ca-certificates.crt";

	if (access(sys, R_OK) != 0) {
		printf("SKIP tls_trust: system_bundle: no %s\n", sys);
		return;
	}
	CHECK(tls_trust_load_file(&t, sys, err, sizeof err) == 0);
	CHECK(t.count > 100);
	CHECK(t.skipped == 0);
	tls_trust_free(&t);
	unsetenv("SSL_CERT_FILE");
	CHECK(tls_trust_load(&t, err, sizeof err) == 0);
	CHECK(strcmp(t.source, sys) == 0 && t.count > 100);
	tls_trust_free(&t);
}

static void
error_names(void)
{
	CHECK_EQ_STR(tls_strerror(BR_ERR_X509_NOT_TRUSTED),
		"certificate not trusted");
	CHECK_EQ_STR(tls_strerror(BR_ERR_X509_EXPIRED),
		"certificate expired or not yet valid");
	CHECK_EQ_STR(tls_strerror(BR_ERR_X509_BAD_SERVER_NAME),
		"certificate does not match the host name");
	CHECK(strstr(tls_strerror(BR_ERR_RECV_FATAL_ALERT + 70), "version"));
	CHECK(strstr(tls_strerror(BR_ERR_RECV_FATAL_ALERT + 99), "alert"));
	CHECK(strstr(tls_strerror(BR_ERR_X509_BAD_TAG_CLASS), "certificate"));
	CHECK(tls_strerror(12345) != NULL && tls_strerror(-1) != NULL);
}

int
main(void)
{
	check_suite = "tls_trust";
	RUN(one_ec);
	RUN(bundle);
	RUN(many);
	RUN(damaged);
	RUN(line_endings);
	RUN(nothing);
	RUN(files);
	RUN(system_bundle);
	RUN(error_names);
	return check_done();
}
