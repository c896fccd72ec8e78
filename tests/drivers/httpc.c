/*
 * drv_httpc: run requests through one http_conn and report each as a JSON
 * line, for tests/e2e/test_http.py.
 *
 *   drv_httpc [--ca FILE] [--timeout MS] [--connect-timeout MS]
 *             [--count N] [--post BODY] [--auth VALUE] [--max-body N]
 *             [--sleep MS] [--fresh] URL...
 *
 * The connection is made for the first URL's origin; every URL supplies
 * only its path and query (so all should share that origin).  The list
 * is run --count times (default 1).  --fresh makes a new handle for each
 * request.  Without --ca, https trust comes from tls_trust_load (so
 * SSL_CERT_FILE is honoured).
 *
 * Output, one JSON object per line:
 *   {"anchors":N,"skipped":N}                      when trust was loaded
 *   {"i":..,"rc":..,"msg":..,"status":..,"len":..,"sha256":..,
 *    "head":..,"reused":..,"keep":..,"ms":..,"location":..,
 *    "retry_after":..}                               per request
 *   {"opened":N,"resumed":N,"fds_before":N,"fds_after":N}   at the end
 * Exit status 0 when every request returned HTTP_OK, else 1; 2 on usage
 * or trust errors.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "jw.h"
#include "net.h"
#include "tls.h"

#define MAX_URLS 64

struct args {
	const char *ca;
	int timeout;
	int connect_timeout;
	long count;
	const char *post;
	const char *auth;
	size_t max_body;
	int sleep_ms;
	int fresh;
	const char *urls[MAX_URLS];
	int nurls;
};

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.') {
			n++;
		}
	}
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static void
emit(struct buf *b)
{
	fwrite(b->p, 1, b->len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	buf_reset(b);
}

/* Path and query of url, "/" when empty (a NUL-terminated copy). */
static char *
target_of(const char *url)
{
	struct url u;
	const char *why;
	struct buf t;

	buf_init(&t, 0);
	if (url_parse(url, strlen(url), &u, &why) < 0) {
		buf_adds(&t, "/");
	} else {
		buf_add(&t, u.path_len > 0 ? u.path : "/",
			u.path_len > 0 ? u.path_len : 1);
		if (u.query != NULL) {
			buf_addc(&t, '?');
			buf_add(&t, u.query, u.query_len);
		}
	}
	buf_cstr(&t);
	return t.p;
}

static void
report(struct buf *o, long i, int rc, const struct http_error *err,
	const struct http_resp *r, int64_t ms)
{
	unsigned char h[32];
	br_sha256_context sc;
	char hex[65];
	size_t k, n = r->body->len;

	br_sha256_init(&sc);
	br_sha256_update(&sc, n > 0 ? r->body->p : "", n);
	br_sha256_out(&sc, h);
	for (k = 0; k < 32; k++) {
		snprintf(hex + 2 * k, 3, "%02x", h[k]);
	}
	buf_addc(o, '{');
	jw_key(o, "i");
	jw_int(o, i);
	buf_addc(o, ',');
	jw_key(o, "rc");
	jw_int(o, rc);
	buf_addc(o, ',');
	jw_key(o, "msg");
	jw_strz(o, err->msg);
	buf_addc(o, ',');
	jw_key(o, "status");
	jw_int(o, r->h.status);
	buf_addc(o, ',');
	jw_key(o, "len");
	jw_int(o, (long long)n);
	buf_addc(o, ',');
	jw_key(o, "sha256");
	jw_strz(o, hex);
	buf_addc(o, ',');
	jw_key(o, "head");
	jw_str(o, n > 0 ? r->body->p : "", n < 80 ? n : 80);
	buf_addc(o, ',');
	jw_key(o, "reused");
	jw_int(o, r->reused);
	buf_addc(o, ',');
	jw_key(o, "keep");
	jw_int(o, r->h.keep_alive);
	buf_addc(o, ',');
	jw_key(o, "ms");
	jw_int(o, ms);
	buf_addc(o, ',');
	jw_key(o, "location");
	jw_strz(o, r->h.location);
	buf_addc(o, ',');
	jw_key(o, "retry_after");
	jw_strz(o, r->h.retry_after);
	buf_addc(o, '}');
	emit(o);
}

static int
parse_args(struct args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof *a);
	a->count = 1;
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(s, "--fresh") == 0) {
			a->fresh = 1;
			continue;
		}
		if (s[0] != '-') {
			if (a->nurls == MAX_URLS) {
				return -1;
			}
			a->urls[a->nurls++] = s;
			continue;
		}
		if (v == NULL) {
			return -1;
		}
		i++;
		if (strcmp(s, "--ca") == 0) {
			a->ca = v;
		} else if (strcmp(s, "--timeout") == 0) {
			a->timeout = atoi(v);
		} else if (strcmp(s, "--connect-timeout") == 0) {
			a->connect_timeout = atoi(v);
		} else if (strcmp(s, "--count") == 0) {
			a->count = atol(v);
		} else if (strcmp(s, "--post") == 0) {
			a->post = v;
		} else if (strcmp(s, "--auth") == 0) {
			a->auth = v;
		} else if (strcmp(s, "--max-body") == 0) {
			a->max_body = (size_t)atol(v);
		} else if (strcmp(s, "--sleep") == 0) {
			a->sleep_ms = atoi(v);
		} else {
			return -1;
		}
	}
	return a->nurls > 0 ? 0 : -1;
}

static int
load_trust(const struct args *a, struct tls_trust *t, struct buf *o)
{
	char err[512];
	int rc;

	rc = a->ca != NULL ? tls_trust_load_file(t, a->ca, err, sizeof err)
			   : tls_trust_load(t, err, sizeof err);
	buf_addc(o, '{');
	if (rc < 0) {
		jw_key(o, "trust_error");
		jw_strz(o, err);
	} else {
		jw_key(o, "anchors");
		jw_int(o, (long long)t->count);
		buf_addc(o, ',');
		jw_key(o, "skipped");
		jw_int(o, (long long)t->skipped);
	}
	buf_addc(o, '}');
	emit(o);
	return rc;
}

int
main(int argc, char **argv)
{
	struct args a;
	struct tls_trust trust;
	struct http_opts opts;
	struct http_conn *c = NULL;
	struct http_error err;
	struct http_req req;
	struct http_resp resp;
	struct buf body, out;
	unsigned long opened = 0, resumed = 0;
	int fds_before, failed = 0, rc;
	long i, n;

	signal(SIGPIPE, SIG_IGN);
	if (parse_args(&a, argc, argv) < 0) {
		fprintf(stderr, "usage: drv_httpc [options] URL...\n");
		return 2;
	}
	buf_init(&out, 0);
	buf_init(&body, 0);
	memset(&trust, 0, sizeof trust);
	if ((a.ca != NULL || strncmp(a.urls[0], "https:", 6) == 0)
		&& load_trust(&a, &trust, &out) < 0)
	{
		return 2;
	}
	memset(&opts, 0, sizeof opts);
	opts.trust = &trust;
	opts.io_timeout_ms = a.timeout;
	opts.connect_timeout_ms
		= a.connect_timeout > 0 ? a.connect_timeout : a.timeout;
	opts.max_body = a.max_body;
	fds_before = count_fds();

	n = a.count * a.nurls;
	for (i = 0; i < n; i++) {
		char *target = target_of(a.urls[i % a.nurls]);
		int64_t t0;

		memset(&resp, 0, sizeof resp);
		resp.body = &body;
		if (c == NULL) {
			c = http_conn_new(a.urls[0], &opts, &err);
		}
		t0 = net_now_ms();
		if (c == NULL) {
			rc = err.code;
			buf_reset(&body);
		} else {
			memset(&req, 0, sizeof req);
			req.method = a.post != NULL ? "POST" : "GET";
			req.target = target;
			req.auth = a.auth;
			req.body = a.post;
			req.body_len = a.post != NULL ? strlen(a.post) : 0;
			rc = http_do(c, &req, &resp, &err);
		}
		report(&out, i, rc, &err, &resp, net_now_ms() - t0);
		failed |= rc != HTTP_OK;
		free(target);
		if (c != NULL && (a.fresh || i + 1 == n)) {
			opened += http_conn_opened(c);
			resumed += http_conn_resumed(c);
			http_conn_free(c);
			c = NULL;
		}
		if (a.sleep_ms > 0 && i + 1 < n) {
			struct timespec ts = {a.sleep_ms / 1000,
				(long)(a.sleep_ms % 1000) * 1000000};

			nanosleep(&ts, NULL);
		}
	}

	buf_adds(&out, "{\"opened\":");
	buf_addi(&out, (long long)opened);
	buf_adds(&out, ",\"resumed\":");
	buf_addi(&out, (long long)resumed);
	buf_adds(&out, ",\"fds_before\":");
	buf_addi(&out, fds_before);
	buf_adds(&out, ",\"fds_after\":");
	buf_addi(&out, count_fds());
	buf_addc(&out, '}');
	emit(&out);
	tls_trust_free(&trust);
	buf_free(&body);
	buf_free(&out);
	return failed ? 1 : 0;
}
