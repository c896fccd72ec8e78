/*
 * fuzz_pem: trust-anchor loading (tls_trust_load_pem) on arbitrary bytes.
 *
 * Invariants: success exactly when at least one anchor was loaded; the
 * count stays within TLS_MAX_ANCHORS; every anchor has a DN and an RSA or
 * EC key of non-zero size with its flags either 0 or BR_X509_TA_CA; the
 * error text is terminated; freeing leaves the set empty (and LeakSanitizer
 * checks that nothing was left behind).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

static void
must(int cond)
{
	if (!cond) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_trust t;
	char err[256];
	size_t i;
	int rc;

	err[0] = '\0';
	rc = tls_trust_load_pem(&t, (const char *)data, size, err, sizeof err);
	must((rc == 0) == (t.count > 0));
	must((t.anchors != NULL) == (t.count > 0));
	must(t.count <= TLS_MAX_ANCHORS);
	must(memchr(err, '\0', sizeof err) != NULL);
	must(rc == 0 || err[0] != '\0');
	for (i = 0; i < t.count; i++) {
		const br_x509_trust_anchor *a = &t.anchors[i];

		must(a->dn.data != NULL && a->dn.len > 0);
		must(a->flags == 0 || a->flags == BR_X509_TA_CA);
		if (a->pkey.key_type == BR_KEYTYPE_RSA) {
			must(a->pkey.key.rsa.nlen > 0);
			must(a->pkey.key.rsa.elen > 0);
		} else {
			must(a->pkey.key_type == BR_KEYTYPE_EC);
			must(a->pkey.key.ec.qlen > 0);
		}
	}
	tls_trust_free(&t);
	must(t.count == 0 && t.anchors == NULL);
	return 0;
}
