/*
 * url: see url.h.
 *
 * Design notes.
 *
 * The parser walks the input once, left to right, and cuts it into
 * scheme, authority, path and query; every result is a slice of the
 * input.  It is deliberately narrower than RFC 3986, because a URL here
 * names the server that receives the API token:
 *
 *  - the host is either a bracketed IPv6 literal (checked with
 *    inet_pton on a bounded stack copy; zone identifiers are refused),
 *    a strict dotted-quad IPv4 address (four decimal parts, no leading
 *    zeros), or a DNS name made of letters, digits, '-' (not first or
 *    last in a label) and '_' in labels of 1..63 bytes, 253 bytes in all
 *    plus an optional final dot;
 *  - a name whose last label looks numeric (all digits, or "0x...") must
 *    be a strict dotted quad: resolvers read "127.1" or "0x7f.1" as
 *    IPv4 shorthands, and we refuse to guess what the user meant;
 *  - the port, when present, is 1 to 5 digits with a value 1..65535 (an
 *    empty port after ':' is refused);
 *  - path and query may hold RFC 3986 unreserved and sub-delim bytes,
 *    ':', '@', '/', '?' (query only) and well-formed %XX escapes; any
 *    other byte (space, control, DEL, non-ASCII, '#', '"', '<', ...)
 *    is refused rather than encoded, because the caller is expected to
 *    build targets with url_encode.
 */
#include "url.h"

#include <arpa/inet.h>
#include <string.h>

#define URL_MAX_HOST 253 /* DNS name, without the optional final dot */
#define URL_MAX_LABEL 63
#define URL_MAX_V6 45 /* longest textual IPv6 address */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

static int
hexval(int c)
{
	if (is_digit(c)) {
		return c - '0';
	}
	c = lower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* Case-insensitive comparison of s[0..n) with the lower-case literal z. */
static int
eq_nocase(const char *s, size_t n, const char *z)
{
	size_t i;

	if (strlen(z) != n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower((unsigned char)s[i]) != z[i]) {
			return 0;
		}
	}
	return 1;
}

/*
 * Parse s[0..n) as a strict dotted quad into a[4].  Returns 0 or -1.
 */
static int
parse_ipv4(const char *s, size_t n, unsigned char a[4])
{
	size_t i, part, digits;
	unsigned v;

	part = 0;
	digits = 0;
	v = 0;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (digits == 0 || part >= 4) {
				return -1;
			}
			a[part++] = (unsigned char)v;
			digits = 0;
			v = 0;
			continue;
		}
		if (!is_digit((unsigned char)s[i])) {
			return -1;
		}
		if (digits > 0 && v == 0) {
			return -1; /* leading zero: octal to some resolvers */
		}
		v = v * 10 + (unsigned)(s[i] - '0');
		if (++digits > 3 || v > 255) {
			return -1;
		}
	}
	return part == 4 ? 0 : -1;
}

/* Parse an IPv6 literal (without brackets) into a[16]. Returns 0 or -1. */
static int
parse_ipv6(const char *s, size_t n, unsigned char a[16])
{
	char tmp[URL_MAX_V6 + 1];
	size_t i;

	if (n == 0 || n > URL_MAX_V6) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (hexval((unsigned char)s[i]) < 0 && s[i] != ':'
			&& s[i] != '.') {
			return -1;
		}
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, a) == 1 ? 0 : -1;
}

/*
 * Check a DNS name or IPv4 address (not bracketed).  Returns NULL when
 * acceptable, else the reason.
 */
static const char *
check_host(const char *h, size_t n)
{
	unsigned char a[4];
	size_t i, label, last;
	int dot;

	dot = n > 0 && h[n - 1] == '.';
	if (dot) {
		n--; /* one final dot is allowed: "localhost." */
	}
	if (n == 0) {
		return "empty host";
	}
	if (n > URL_MAX_HOST) {
		return "host name longer than 253 bytes";
	}
	label = 0;
	last = 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)h[i];

		if (c == '.') {
			if (label == 0) {
				return "empty label in host name";
			}
			if (h[i - 1] == '-') {
				return "host name label ends with '-'";
			}
			label = 0;
			last = i + 1;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
			return "invalid character in host";
		}
		if (c == '-' && label == 0) {
			return "host name label starts with '-'";
		}
		if (++label > URL_MAX_LABEL) {
			return "host name label longer than 63 bytes";
		}
	}

	if (h[n - 1] == '-') {
		return "host name label ends with '-'";
	}

	/*
	 * A numeric-looking last label makes the whole host an IPv4
	 * address, and then only the strict dotted-quad form is accepted.
	 */
	for (i = last; i < n && is_digit((unsigned char)h[i]); i++) {
	}
	if (i == n
		|| (n - last >= 2 && h[last] == '0'
			&& lower((unsigned char)h[last + 1]) == 'x'))
	{
		if (dot || parse_ipv4(h, n, a) < 0) {
			return "invalid IPv4 address";
		}
	}
	return NULL;
}

/* Bytes allowed unescaped in a path (query: also '?'). */
static int
path_char(int c)
{
	if (is_alpha(c) || is_digit(c)) {
		return 1;
	}
	return c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

/* Check s[0..n) as path or query text. Returns NULL or the reason. */
static const char *
check_text(const char *s, size_t n, int query)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			if (n - i < 3 || hexval((unsigned char)s[i + 1]) < 0
				|| hexval((unsigned char)s[i + 2]) < 0)
			{
				return "malformed %-escape";
			}
			i += 2;
			continue;
		}
		if (c == '#') {
			return "fragments are not allowed";
		}
		if (c == ' ' || c < 0x20 || c >= 0x7F) {
			return "space, control or non-ASCII byte in URL";
		}
		if (!path_char(c) && !(query && c == '?')) {
			return "character that must be %-encoded";
		}
	}
	return NULL;
}

/*
 * Parse the authority s[0..n) into u (host, ipv6, port).  Returns NULL
 * or the reason.
 */
static const char *
parse_authority(const char *s, size_t n, struct url *u)
{
	unsigned char a6[16];
	const char *why;
	size_t i, hend;
	unsigned long port;

	if (memchr(s, '@', n) != NULL) {
		return "user information (user@) is not allowed";
	}

	/* Host: a bracketed IPv6 literal, or everything up to ':'. */
	if (n > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (rb == NULL) {
			return "unterminated IPv6 literal";
		}
		u->host = s + 1;
		u->host_len = (size_t)(rb - s) - 1;
		u->ipv6 = 1;
		if (parse_ipv6(u->host, u->host_len, a6) < 0) {
			return "invalid IPv6 literal";
		}
		hend = (size_t)(rb - s) + 1;
		if (hend < n && s[hend] != ':') {
			return "garbage after IPv6 literal";
		}
	} else {
		const char *colon = memchr(s, ':', n);

		hend = colon != NULL ? (size_t)(colon - s) : n;
		u->host = s;
		u->host_len = hend;
		why = check_host(s, hend);
		if (why != NULL) {
			return why;
		}
	}

	/* Port: ":" and 1..5 digits, 1..65535. */
	if (hend == n) {
		return NULL;
	}
	if (hend + 1 == n) {
		return "empty port";
	}
	if (n - hend - 1 > 5) {
		return "port out of range";
	}
	port = 0;
	for (i = hend + 1; i < n; i++) {
		if (!is_digit((unsigned char)s[i])) {
			return "port is not a number";
		}
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	if (port == 0 || port > 65535) {
		return "port out of range";
	}
	u->port = (unsigned)port;
	return NULL;
}

/* see url.h */
int
url_parse(const char *s, size_t n, struct url *u, const char **why)
{
	size_t i, auth, end;
	const char *w;
	const char *hint;

	memset(u, 0, sizeof *u);
	u->path = "";
	if (why == NULL) {
		why = &hint;
	}

	/* Scheme. */
	if (n >= 8 && eq_nocase(s, 8, "https://")) {
		u->tls = 1;
		u->port = 443;
		auth = 8;
	} else if (n >= 7 && eq_nocase(s, 7, "http://")) {
		u->port = 80;
		auth = 7;
	} else {
		*why = "scheme must be http:// or https://";
		return -1;
	}

	/* Authority: up to the first '/' or '?'. */
	for (end = auth; end < n && s[end] != '/' && s[end] != '?'; end++) {
		int c = (unsigned char)s[end];

		if (c <= 0x20 || c >= 0x7F) {
			*why = "space, control or non-ASCII byte in URL";
			return -1;
		}
		if (c == '#') {
			*why = "fragments are not allowed";
			return -1;
		}
	}
	w = parse_authority(s + auth, end - auth, u);
	if (w != NULL) {
		*why = w;
		return -1;
	}

	/* Path, then query. */
	for (i = end; i < n && s[i] != '?'; i++) {
	}
	u->path = s + end;
	u->path_len = i - end;
	w = check_text(u->path, u->path_len, 0);
	if (w == NULL && i < n) {
		u->query = s + i + 1;
		u->query_len = n - i - 1;
		w = check_text(u->query, u->query_len, 1);
	}
	if (w != NULL) {
		*why = w;
		return -1;
	}
	return 0;
}

/* see url.h */
int
url_encode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		char e[3];

		if (is_alpha(c) || is_digit(c) || c == '-' || c == '.'
			|| c == '_' || c == '~') {
			buf_addc(b, (char)c);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		buf_add(b, e, 3);
	}
	return b->err;
}

/* see url.h */
int
url_host_is_loopback(const struct url *u)
{
	unsigned char a[16];
	size_t n = u->host_len;

	if (u->ipv6) {
		static const unsigned char one[16]
			= {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

		return parse_ipv6(u->host, n, a) == 0
			&& memcmp(a, one, sizeof one) == 0;
	}
	if (n > 0 && u->host[n - 1] == '.') {
		n--;
	}
	if (eq_nocase(u->host, n, "localhost")) {
		return 1;
	}
	return n == u->host_len && parse_ipv4(u->host, n, a) == 0
		&& a[0] == 127;
}
