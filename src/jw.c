/*
 * jw: see jw.h.
 *
 * jw_str copies runs of bytes that need no escaping in one buf_add, so a
 * long clean string costs one scan and one memcpy.  UTF-8 is checked with
 * the table of RFC 3629 section 4: the second byte's range depends on the
 * lead byte (E0 needs A0..BF, ED needs 80..9F, F0 needs 90..BF, F4 needs
 * 80..8F), which excludes overlong forms, surrogates and values past
 * U+10FFFF without decoding the code point.
 */
#include "jw.h"

#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 if
 * the bytes there are not one.  s[0] must be >= 0x80.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0) {
			lo = 0xA0;
		} else if (c == 0xED) {
			hi = 0x9F;
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0) {
			lo = 0x90;
		} else if (c == 0xF4) {
			hi = 0x8F;
		}
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF) {
			return 0;
		}
	}
	return len;
}

size_t
jw_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_seq(u + i, n - i);
		if (k == 0) {
			return i;
		}
		i += k;
	}
	return n;
}

int
jw_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	char esc[6];

	buf_addc(b, '"');
	while (i < n) {
		unsigned c = u[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_seq(u + i, n - i);
			if (k != 0) {
				i += k;
				continue;
			}
		}

		/* Flush the clean run, then write this byte's escape. */
		buf_add(b, s + run, i - run);
		if (c >= 0x80) {
			buf_add(b, "\xEF\xBF\xBD", 3);
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_add(b, esc, 2);
		} else if (c == '\n') {
			buf_add(b, "\\n", 2);
		} else if (c == '\r') {
			buf_add(b, "\\r", 2);
		} else if (c == '\t') {
			buf_add(b, "\\t", 2);
		} else {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_add(b, esc, 6);
		}
		i++;
		run = i;
	}
	buf_add(b, s + run, n - run);
	return buf_addc(b, '"');
}

int
jw_strz(struct buf *b, const char *s)
{
	return jw_str(b, s, strlen(s));
}

int
jw_key(struct buf *b, const char *key)
{
	jw_strz(b, key);
	return buf_addc(b, ':');
}

int
jw_int(struct buf *b, long long v)
{
	return buf_addi(b, v);
}

int
jw_bool(struct buf *b, int v)
{
	return v ? buf_add(b, "true", 4) : buf_add(b, "false", 5);
}

int
jw_null(struct buf *b)
{
	return buf_add(b, "null", 4);
}

int
jw_count(struct buf *b, uint64_t v)
{
	buf_addi(b, (long long)v);
	return buf_add(b, ".0", 2);
}
