/*
 * json_lex: see json_lex.h.
 *
 * Strings dominate real pages (HTML bodies), so the string scanner reads
 * eight bytes at a time and tests them all at once for the four kinds of
 * byte that need attention: '"', '\\', controls (< 0x20) and non-ASCII
 * (>= 0x80).  With no borrow coming in, byte i of (x - 0x01..01 * k) has
 * its top bit set exactly when byte i of x is below k; a borrow only
 * starts at a byte that matched, so the lowest flagged byte is always a
 * true match, which is all the scanner needs: on little-endian machines it
 * jumps straight there, elsewhere it steps one byte at a time.  Eight-byte
 * loads happen only while eight bytes remain, so nothing past the input
 * is read.
 *
 * Non-ASCII bytes are checked with the RFC 3629 table: the range of the
 * second byte depends on the lead byte (E0: A0..BF, ED: 80..9F, F0:
 * 90..BF, F4: 80..8F), which rejects overlongs, UTF-8-encoded surrogates,
 * values past U+10FFFF and truncated sequences without decoding the code
 * point.
 *
 * An escape cut short by the end of the input is JSON_E_SYNTAX at the end
 * (the document is truncated, not wrong); one that is wrong in the bytes
 * present is JSON_E_ESCAPE at its backslash.
 */
#include "json_lex.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_LE 1
#else
#define FAST_LE 0
#endif

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Nonzero if any of the eight bytes at p needs the slow path. */
static inline uint64_t
special8(const unsigned char *p)
{
	uint64_t x, q, b;

	memcpy(&x, p, 8);
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	return ((x - ONES * 0x20) | (q - ONES) | (b - ONES) | x) & HIGHS;
}

/*
 * Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80) within
 * n bytes, or 0.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c < 0xC2) {
		return 0;
	} else if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c < 0xF5) {
		len = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (i = 2; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			return 0;
		}
	}
	return len;
}

static int
hexval(unsigned c)
{
	if (c >= '0' && c <= '9') {
		return (int)(c - '0');
	}
	c |= 0x20;
	if (c >= 'a' && c <= 'f') {
		return (int)(c - 'a' + 10);
	}
	return -1;
}

/* Value of the four hex digits at p (caller checked the length), or -1. */
static long
hex4(const unsigned char *p)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		h = hexval(p[i]);
		if (h < 0) {
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

/*
 * A "\u" escape at p that the end of input cuts after nhex hex digit
 * positions: truncated if those are all hex digits, wrong otherwise.
 */
static int
cut_escape(const unsigned char **pp, const unsigned char *end, size_t nhex)
{
	const unsigned char *p = *pp;
	size_t i;

	for (i = 0; i < nhex; i++) {
		if (hexval(p[2 + i]) < 0) {
			return JSON_E_ESCAPE;
		}
	}
	*pp = end;
	return JSON_E_SYNTAX;
}

/*
 * The escape at *pp (a backslash).  A high surrogate must be followed at
 * once by an escaped low surrogate; a low surrogate alone is an error.
 */
static int
escape(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp, *q;
	size_t n = (size_t)(end - p), m;
	long hi, lo;

	if (n < 2) {
		*pp = end;
		return JSON_E_SYNTAX;
	}
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		*pp = p + 2;
		return JSON_OK;
	case 'u':
		break;
	default:
		return JSON_E_ESCAPE;
	}
	if (n < 6) {
		return cut_escape(pp, end, n - 2);
	}
	hi = hex4(p + 2);
	if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF)) {
		return JSON_E_ESCAPE;
	}
	q = p + 6;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*pp = q;
		return JSON_OK;
	}

	/* A high surrogate: "\uDC00".."\uDFFF" must follow at q. */
	m = n - 6;
	if (m == 0 || (m == 1 && q[0] == '\\')) {
		*pp = end;
		return JSON_E_SYNTAX;
	}
	if (q[0] != '\\' || q[1] != 'u') {
		return JSON_E_ESCAPE;
	}
	if (m < 6) {
		*pp = q;
		return cut_escape(pp, end, m - 2);
	}
	lo = hex4(q + 2);
	if (lo < 0) {
		*pp = q;
		return JSON_E_ESCAPE;
	}
	if (lo < 0xDC00 || lo > 0xDFFF) {
		return JSON_E_ESCAPE;
	}
	*pp = q + 6;
	return JSON_OK;
}

int
json_lex_string(const unsigned char **pp, const unsigned char *end, int *esc)
{
	const unsigned char *p = *pp + 1;
	uint64_t m;
	size_t k;
	unsigned c;
	int r;

	for (;;) {
		/* Skip plain ASCII eight bytes at a time. */
		while (end - p >= 8) {
			m = special8(p);
			if (m != 0) {
#if FAST_LE
				p += (unsigned)__builtin_ctzll(m) >> 3;
#endif
				break;
			}
			p += 8;
		}
		if (p == end) {
			*pp = end;
			return JSON_E_SYNTAX;
		}

		/* One byte that may need attention. */
		c = *p;
		if (c == '"') {
			*pp = p + 1;
			return JSON_OK;
		} else if (c == '\\') {
			*esc = 1;
			r = escape(&p, end);
			if (r != JSON_OK) {
				*pp = p;
				return r;
			}
		} else if (c < 0x20) {
			*pp = p;
			return JSON_E_ESCAPE;
		} else if (c >= 0x80) {
			k = utf8_seq(p, (size_t)(end - p));
			if (k == 0) {
				*pp = p;
				return JSON_E_UTF8;
			}
			p += k;
		} else {
			p++;
		}
	}
}

static const unsigned char *
digits(const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p >= '0' && *p <= '9') {
		p++;
	}
	return p;
}

/* Nonzero if p is before end and at a digit. */
static int
at_digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

int
json_lex_number(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	if (*p == '-') {
		p++;
	}
	if (!at_digit(p, end)) {
		*pp = p;
		return JSON_E_NUMBER;
	}
	p = *p == '0' ? p + 1 : digits(p, end);
	if (p < end && *p == '.') {
		p++;
		if (!at_digit(p, end)) {
			*pp = p;
			return JSON_E_NUMBER;
		}
		p = digits(p, end);
	}
	if (p < end && (*p | 0x20) == 'e') {
		p++;
		if (p < end && (*p == '+' || *p == '-')) {
			p++;
		}
		if (!at_digit(p, end)) {
			*pp = p;
			return JSON_E_NUMBER;
		}
		p = digits(p, end);
	}
	*pp = p;
	if (p < end
		&& (at_digit(p, end) || *p == '.' || *p == '+' || *p == '-'
			|| (*p | 0x20) == 'e'))
	{
		return JSON_E_NUMBER;
	}
	return JSON_OK;
}
