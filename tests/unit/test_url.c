/*
 * URL parsing, percent-encoding and loopback detection.
 */
#include <string.h>

#include "buf.h"
#include "check.h"
#include "url.h"

static struct url u;

static int
ok(const char *s)
{
	const char *why = NULL;
	int rc = url_parse(s, strlen(s), &u, &why);

	CHECK(rc == 0 || why != NULL);
	return rc == 0;
}

static int
slice_is(const char *p, size_t n, const char *want)
{
	return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

static void
basic(void)
{
	CHECK(ok("https://api.usepylon.com"));
	CHECK(u.tls == 1 && u.port == 443 && u.ipv6 == 0);
	CHECK(slice_is(u.host, u.host_len, "api.usepylon.com"));
	CHECK(u.path_len == 0 && u.query == NULL);

	CHECK(ok("http://localhost:8080/a/b?x=1&y=%2B"));
	CHECK(u.tls == 0 && u.port == 8080);
	CHECK(slice_is(u.host, u.host_len, "localhost"));
	CHECK(slice_is(u.path, u.path_len, "/a/b"));
	CHECK(slice_is(u.query, u.query_len, "x=1&y=%2B"));

	CHECK(ok("HTTPS://Example.COM/"));
	CHECK(u.tls == 1 && slice_is(u.path, u.path_len, "/"));
	CHECK(ok("https://h?x=1"));
	CHECK(u.path_len == 0 && slice_is(u.query, u.query_len, "x=1"));
	CHECK(ok("https://h/p?a=b?c/d"));
	CHECK(slice_is(u.query, u.query_len, "a=b?c/d"));
	CHECK(ok("https://h/p?"));
	CHECK(u.query != NULL && u.query_len == 0);
	CHECK(ok("https://localhost./x"));
	CHECK(ok("https://a_b-c.d9/~x/-._!$&'()*+,;=:@"));
	CHECK(ok("http://127.0.0.1:1"));
	CHECK(u.port == 1);
}

static void
ipv6(void)
{
	CHECK(ok("https://[::1]:8443/p"));
	CHECK(u.ipv6 == 1 && u.port == 8443);
	CHECK(slice_is(u.host, u.host_len, "::1"));
	CHECK(ok("https://[2001:db8::1]/"));
	CHECK(u.port == 443 && slice_is(u.host, u.host_len, "2001:db8::1"));
	CHECK(ok("http://[::ffff:127.0.0.1]"));
	CHECK(ok("http://[0:0:0:0:0:0:0:1]"));
	CHECK(!ok("https://[::1"));
	CHECK(!ok("https://[::1]x"));
	CHECK(!ok("https://[::1]:"));
	CHECK(!ok("https://[fe80::1%25eth0]/"));
	CHECK(!ok("https://[:::]/"));
	CHECK(!ok("https://[1::2::3]/"));
	CHECK(!ok("https://[g::1]/"));
	CHECK(!ok("https://[]/"));
	CHECK(!ok("https://::1/"));
	CHECK(!ok("https://[v1.x]/"));
}

static void
ports(void)
{
	CHECK(ok("https://h:65535"));
	CHECK(u.port == 65535);
	CHECK(ok("https://h:00080/"));
	CHECK(u.port == 80);
	CHECK(!ok("https://h:0"));
	CHECK(!ok("https://h:65536"));
	CHECK(!ok("https://h:"));
	CHECK(!ok("https://h:/x"));
	CHECK(!ok("https://h:123456"));
	CHECK(!ok("https://h:8a"));
	CHECK(!ok("https://h:-1"));
	CHECK(!ok("https://h:+1"));
	CHECK(!ok("https://h:80:80"));
}

static void
bad(void)
{
	static const char *const cases[] = {"", "ftp://x", "https//x",
		"https:/x", "https://", "https:///path", "https://user@host",
		"https://u:p@host/", "https://host/pa th", "https://host/#frag",
		"https://host#f", "https://host/?q#f", "https://ho st",
		"https://host/\x01", "https://host/\xc3\xa9",
		"https://host/%zz", "https://host/%4", "https://host/%",
		"https://a..b", "https://.a", "https://a.-?", "https://127.1",
		"https://0x7f.0.0.1", "https://127.0.0.01", "https://256.0.0.1",
		"https://1.2.3.4.5", "https://1.2.3.", "https://1.2.3.4.",
		"https://h/<x>", "https://h/\"", "https://h/a\\b",
		"https://h/{}", "https://h/^", "https://h/`", "https://h/|",
		" https://h", "https://h\t", "https://h\x7f", "https://[::1]@h",
		"https://h%41", "https://h/a\x7f", "https://..", "https://.",
		"https://h..", "https://-a.b", "https://a-.b", "https://a.b-",
		NULL};
	size_t i;

	for (i = 0; cases[i] != NULL; i++) {
		if (!CHECK(!ok(cases[i]))) {
			break;
		}
	}

	/* Label and name lengths. */
	{
		char h[300] = "https://";
		size_t n = strlen(h);

		memset(h + n, 'a', 63);
		h[n + 63] = '\0';
		CHECK(ok(h));
		memset(h + n, 'a', 64);
		h[n + 64] = '\0';
		CHECK(!ok(h));
		for (i = 0; i < 63; i++) {
			memcpy(h + n + 4 * i, "abc.", 4);
		}
		h[n + 252] = 'x';
		h[n + 253] = '\0';
		CHECK(ok(h)); /* 253 bytes */
		h[n + 253] = '.';
		h[n + 254] = '\0';
		CHECK(ok(h)); /* plus a final dot */
		h[n + 254] = 'y';
		h[n + 255] = '\0';
		CHECK(!ok(h));
	}

	/* The length given is the length parsed: no reading past it. */
	CHECK(url_parse("https://hostX", 12, &u, NULL) == 0);
	CHECK(slice_is(u.host, u.host_len, "host"));
}

static void
encode(void)
{
	struct buf b;
	char all[256];
	size_t i, j;

	buf_init(&b, 0);
	CHECK(url_encode(&b, "a b+c/\xc3\xa9~-._:", 13) == 0);
	CHECK_EQ_STR(buf_cstr(&b), "a%20b%2Bc%2F%C3%A9~-._%3A");

	/* Every byte: decodes back, and only unreserved bytes stay. */
	for (i = 0; i < 256; i++) {
		all[i] = (char)i;
	}
	buf_reset(&b);
	CHECK(url_encode(&b, all, 256) == 0);
	for (i = 0, j = 0; i < b.len; j++) {
		int c;

		if (b.p[i] == '%') {
			unsigned v = 0;

			CHECK(sscanf(b.p + i + 1, "%2X", &v) == 1);
			c = (int)v;
			i += 3;
		} else {
			c = (unsigned char)b.p[i];
			CHECK(strchr("-._~", c) != NULL
				|| (c >= '0' && c <= '9')
				|| (c >= 'a' && c <= 'z')
				|| (c >= 'A' && c <= 'Z'));
			i++;
		}
		CHECK(j < 256 && c == (int)j);
	}
	CHECK(j == 256);

	/* Errors stick. */
	buf_free(&b);
	buf_init(&b, 4);
	CHECK(url_encode(&b, "  ", 2) == BUF_ELIMIT);
	buf_free(&b);
}

static int
loop(const char *s)
{
	return ok(s) && url_host_is_loopback(&u);
}

static void
loopback(void)
{
	CHECK(loop("http://localhost"));
	CHECK(loop("http://LocalHost.:80/"));
	CHECK(loop("http://127.0.0.1"));
	CHECK(loop("http://127.255.255.254:9/"));
	CHECK(loop("http://[::1]"));
	CHECK(loop("http://[0:0:0:0:0:0:0:1]:8080"));
	CHECK(!loop("http://128.0.0.1"));
	CHECK(!loop("http://localhost.com"));
	CHECK(!loop("http://my.localhost"));
	CHECK(!loop("http://[::2]"));
	CHECK(!loop("http://[::ffff:10.0.0.1]"));
	CHECK(!loop("http://example.com"));
	CHECK(!loop("http://10.1.2.3"));
	CHECK(!loop("http://0.0.0.0"));
	CHECK(!loop("http://[::]"));
}

int
main(void)
{
	check_suite = "url";
	RUN(basic);
	RUN(ipv6);
	RUN(ports);
	RUN(bad);
	RUN(encode);
	RUN(loopback);
	return check_done();
}
