/*
 * fuzz_url: URL parsing and percent-encoding on arbitrary bytes.
 *
 * Invariants: a URL that parses has its slices inside the input, a
 * non-empty host, a port in 1..65535, a path that is empty or starts
 * with '/'; writing it back out ("scheme://host:port/path?query", the
 * host bracketed when IPv6) parses to the same parts and the same
 * loopback answer.  url_encode output holds only unreserved bytes and
 * %XX escapes, decodes back to the input, and is accepted as a query.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"

static void
must(int cond)
{
	if (!cond) {
		abort();
	}
}

static int
inside(const char *p, size_t n, const char *s, size_t size)
{
	return n == 0 || (p >= s && p + n <= s + size);
}

static int
same_slice(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void
round_trip(const struct url *u)
{
	struct url v;
	struct buf b;
	const char *why;

	buf_init(&b, 0);
	buf_adds(&b, u->tls ? "https://" : "http://");
	buf_adds(&b, u->ipv6 ? "[" : "");
	buf_add(&b, u->host, u->host_len);
	buf_adds(&b, u->ipv6 ? "]:" : ":");
	buf_addi(&b, u->port);
	buf_add(&b, u->path, u->path_len);
	if (u->query != NULL) {
		buf_addc(&b, '?');
		buf_add(&b, u->query, u->query_len);
	}
	must(b.err == BUF_OK);
	must(url_parse(b.p, b.len, &v, &why) == 0);
	must(v.tls == u->tls && v.ipv6 == u->ipv6 && v.port == u->port);
	must(same_slice(v.host, v.host_len, u->host, u->host_len));
	must(same_slice(v.path, v.path_len, u->path, u->path_len));
	must((v.query == NULL) == (u->query == NULL));
	must(same_slice(v.query, v.query_len, u->query, u->query_len));
	must(url_host_is_loopback(&v) == url_host_is_loopback(u));
	buf_free(&b);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void
encode(const char *s, size_t size)
{
	struct buf b;
	struct url u;
	const char *why;
	size_t i, j;

	buf_init(&b, 0);
	buf_adds(&b, "https://h/?q=");
	must(url_encode(&b, s, size) == BUF_OK);
	for (i = 13, j = 0; i < b.len; j++) {
		int c = (unsigned char)b.p[i];

		if (c == '%') {
			must(i + 2 < b.len);
			must(hexval(b.p[i + 1]) >= 0);
			must(hexval(b.p[i + 2]) >= 0);
			c = hexval(b.p[i + 1]) * 16 + hexval(b.p[i + 2]);
			i += 3;
		} else {
			must(strchr("-._~", c) != NULL || (c >= '0' && c <= '9')
				|| (c >= 'a' && c <= 'z')
				|| (c >= 'A' && c <= 'Z'));
			i++;
		}
		must(j < size && c == (unsigned char)s[j]);
	}
	must(j == size);
	must(url_parse(b.p, b.len, &u, &why) == 0);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *why = NULL;
	struct url u;

	if (url_parse(s, size, &u, &why) == 0) {
		must(inside(u.host, u.host_len, s, size) && u.host_len > 0);
		must(inside(u.path, u.path_len, s, size));
		must(u.path_len == 0 || u.path[0] == '/');
		must(u.query == NULL || inside(u.query, u.query_len, s, size));
		must(u.port >= 1 && u.port <= 65535);
		round_trip(&u);
	} else {
		must(why != NULL && why[0] != '\0');
	}
	encode(s, size);
	return 0;
}
