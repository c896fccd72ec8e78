/*
 * json: lookups, string decoding, typed getters and minify; see json.h.
 * The tokenizer is in json.c, number conversion in json_num.c.
 *
 * Everything here trusts the token array: it must come from a successful
 * json_parse of d->src, so strings are known to hold only valid escapes
 * (surrogates paired) and numbers only the grammar's bytes.
 *
 * Strings are decoded piecewise: a run of bytes without a backslash is
 * taken as it is, and each escape becomes one to four UTF-8 bytes.
 * Comparisons (json_str_eq, json_member) decode on the fly against the
 * wanted key, so a lookup never allocates.  Decoding never grows a string
 * (six escape bytes make at most three UTF-8 bytes, a twelve-byte pair
 * four), which sizes json_str's copy before decoding.
 */
#include "json.h"

#include <string.h>

static unsigned
hexval(unsigned c)
{
	if (c <= '9') {
		return c - '0';
	}
	return (c | 0x20) - 'a' + 10;
}

static unsigned
hex4(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return hexval(u[0]) << 12 | hexval(u[1]) << 8 | hexval(u[2]) << 4
		| hexval(u[3]);
}

/* The byte a one-letter escape stands for (\" \\ \/ stand for themselves). */
static char
simple(char c)
{
	switch (c) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c;
	}
}

/*
 * Decode the escape at p (a backslash, validated by the tokenizer) into
 * out (up to 4 bytes).  Returns the number of input bytes it used and
 * sets *n to the number of output bytes.
 */
static size_t
unescape(const char *p, char *out, size_t *n)
{
	unsigned long cp;

	if (p[1] != 'u') {
		out[0] = simple(p[1]);
		*n = 1;
		return 2;
	}
	cp = hex4(p + 2);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 8) - 0xDC00);
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		*n = 4;
		return 12;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		*n = 2;
	} else {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		*n = 3;
	}
	return 6;
}

/* The body of string token t (between the quotes). */
static const char *
body(const struct json_doc *d, uint32_t t, size_t *n)
{
	const struct json_tok *k = &d->tok[t];

	*n = k->end - k->start - 2;
	return d->src + k->start + 1;
}

/* Nonzero if the decoded string token t is exactly s[0..sn). */
static int
str_eq(const struct json_doc *d, uint32_t t, const char *s, size_t sn)
{
	const char *p, *bs;
	char tmp[4];
	size_t n, run, k;

	p = body(d, t, &n);
	if (!d->tok[t].esc) {
		return n == sn && memcmp(p, s, n) == 0;
	}
	while (n > 0) {
		bs = memchr(p, '\\', n);
		run = bs == NULL ? n : (size_t)(bs - p);
		if (run > sn || memcmp(p, s, run) != 0) {
			return 0;
		}
		p += run;
		n -= run;
		s += run;
		sn -= run;
		if (n == 0) {
			break;
		}
		run = unescape(p, tmp, &k);
		if (k > sn || memcmp(tmp, s, k) != 0) {
			return 0;
		}
		p += run;
		n -= run;
		s += k;
		sn -= k;
	}
	return sn == 0;
}

int
json_str_eq(const struct json_doc *d, uint32_t t, const char *s)
{
	if (t >= d->ntok || d->tok[t].type != JSON_STRING) {
		return 0;
	}
	return str_eq(d, t, s, strlen(s));
}

int
json_str(const struct json_doc *d, uint32_t t, struct arena *a,
	const char **out, size_t *n)
{
	const char *p, *bs;
	char *w, *o;
	size_t len, k, run, dn;

	if (t >= d->ntok || d->tok[t].type != JSON_STRING) {
		return -1;
	}
	p = body(d, t, &len);
	o = arena_alloc(a, len + 1);
	if (o == NULL) {
		return -1;
	}

	/* Copy runs between escapes; decode each escape in place. */
	w = o;
	while (len > 0) {
		bs = d->tok[t].esc ? memchr(p, '\\', len) : NULL;
		run = bs == NULL ? len : (size_t)(bs - p);
		memcpy(w, p, run);
		w += run;
		p += run;
		len -= run;
		if (len == 0) {
			break;
		}
		k = unescape(p, w, &dn);
		w += dn;
		p += k;
		len -= k;
	}
	*w = '\0';
	*out = o;
	*n = (size_t)(w - o);
	return 0;
}

uint32_t
json_member(const struct json_doc *d, uint32_t obj, const char *key)
{
	struct json_iter it;
	uint32_t k, v, found = 0;
	size_t n = strlen(key);

	if (obj >= d->ntok || d->tok[obj].type != JSON_OBJECT) {
		return 0;
	}
	json_iter_init(d, obj, &it);
	while (json_iter_member(d, &it, &k, &v)) {
		if (str_eq(d, k, key, n)) {
			found = v;
		}
	}
	return found;
}

void
json_iter_init(
	const struct json_doc *d, uint32_t container, struct json_iter *it)
{
	it->at = container + 1;
	it->left = 0;
	if (container < d->ntok
		&& (d->tok[container].type == JSON_ARRAY
			|| d->tok[container].type == JSON_OBJECT))
	{
		it->left = d->tok[container].size;
	}
}

int
json_iter_next(const struct json_doc *d, struct json_iter *it, uint32_t *elem)
{
	if (it->left == 0) {
		return 0;
	}
	*elem = it->at;
	it->at = d->tok[it->at].next;
	it->left--;
	return 1;
}

int
json_iter_member(const struct json_doc *d, struct json_iter *it, uint32_t *key,
	uint32_t *val)
{
	if (it->left == 0) {
		return 0;
	}
	*key = it->at;
	*val = it->at + 1;
	it->at = d->tok[it->at + 1].next;
	it->left--;
	return 1;
}

/* ---- typed getters ------------------------------------------------------ */

/* Find member key of obj and sort out absent and null. */
static int
get(const struct json_doc *d, uint32_t obj, const char *key, uint32_t *v)
{
	*v = json_member(d, obj, key);
	if (*v == 0) {
		return JSON_GET_ABSENT;
	}
	if (d->tok[*v].type == JSON_NULL) {
		return JSON_GET_NULL;
	}
	return JSON_GET_OK;
}

int
json_get_str(const struct json_doc *d, uint32_t obj, const char *key,
	struct arena *a, const char **out, size_t *n)
{
	const char *s;
	size_t len;
	uint32_t v;
	int r = get(d, obj, key, &v);

	if (r != JSON_GET_OK) {
		return r;
	}
	if (d->tok[v].type != JSON_STRING) {
		return JSON_GET_TYPE;
	}
	if (json_str(d, v, a, &s, &len) != 0) {
		return JSON_GET_NOMEM;
	}
	*out = s;
	*n = len;
	return JSON_GET_OK;
}

int
json_get_int(
	const struct json_doc *d, uint32_t obj, const char *key, long long *out)
{
	long long x;
	uint32_t v;
	int r = get(d, obj, key, &v);

	if (r != JSON_GET_OK) {
		return r;
	}
	if (json_int(d, v, &x) != 0) {
		return JSON_GET_TYPE;
	}
	*out = x;
	return JSON_GET_OK;
}

int
json_get_num(
	const struct json_doc *d, uint32_t obj, const char *key, double *out)
{
	double x;
	uint32_t v;
	int r = get(d, obj, key, &v);

	if (r != JSON_GET_OK) {
		return r;
	}
	if (json_num(d, v, &x) != 0) {
		return JSON_GET_TYPE;
	}
	*out = x;
	return JSON_GET_OK;
}

int
json_get_bool(const struct json_doc *d, uint32_t obj, const char *key, int *out)
{
	uint32_t v;
	int r = get(d, obj, key, &v);

	if (r != JSON_GET_OK) {
		return r;
	}
	if (d->tok[v].type != JSON_TRUE && d->tok[v].type != JSON_FALSE) {
		return JSON_GET_TYPE;
	}
	*out = d->tok[v].type == JSON_TRUE;
	return JSON_GET_OK;
}

static int
get_container(const struct json_doc *d, uint32_t obj, const char *key, int type,
	uint32_t *out)
{
	uint32_t v;
	int r = get(d, obj, key, &v);

	if (r != JSON_GET_OK) {
		return r;
	}
	if (d->tok[v].type != type) {
		return JSON_GET_TYPE;
	}
	*out = v;
	return JSON_GET_OK;
}

int
json_get_obj(
	const struct json_doc *d, uint32_t obj, const char *key, uint32_t *out)
{
	return get_container(d, obj, key, JSON_OBJECT, out);
}

int
json_get_arr(
	const struct json_doc *d, uint32_t obj, const char *key, uint32_t *out)
{
	return get_container(d, obj, key, JSON_ARRAY, out);
}

/* ---- minify -------------------------------------------------------------
 * The subtree's text is copied with the whitespace between tokens left
 * out.  Between two consecutive tokens the input holds only whitespace and
 * structural bytes ([ ] { } , :), so the walk copies each gap's structural
 * bytes, then each scalar's span whole.  A container's own brackets fall
 * into the gaps: its opening bracket starts the gap before its first
 * child, its closing bracket ends the gap after its last.  No stack is
 * needed.  The output is never longer than the subtree's span, so that
 * much is reserved up front; only when a buffer limit is that tight does
 * a counting walk (w == NULL) size the output exactly first.
 */

/* The non-whitespace bytes of s[0..n) to w (w NULL: count); new end. */
static char *
gap(char *w, const char *s, size_t n, size_t *count)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
		{
			if (w != NULL) {
				*w++ = s[i];
			}
			(*count)++;
		}
	}
	return w;
}

/* Write (or with w NULL, count) the minified subtree t; its length. */
static size_t
walk(const struct json_doc *d, uint32_t t, char *w)
{
	const struct json_tok *k;
	size_t pos, i, n = 0;

	pos = d->tok[t].start;
	for (i = t; i < d->tok[t].next; i++) {
		k = &d->tok[i];
		w = gap(w, d->src + pos, k->start - pos, &n);
		if (k->type == JSON_OBJECT || k->type == JSON_ARRAY) {
			pos = k->start;
			continue;
		}
		if (w != NULL) {
			memcpy(w, d->src + k->start, k->end - k->start);
			w += k->end - k->start;
		}
		n += k->end - k->start;
		pos = k->end;
	}
	gap(w, d->src + pos, d->tok[t].end - pos, &n);
	return n;
}

/*
 * Length of subtree t written without any whitespace: its scalars' spans
 * plus its structural bytes (two brackets per container, a colon and a
 * comma per object member, a comma between array elements, one fewer
 * comma than members or elements).  Arithmetic on the tokens only; when
 * it equals the span, the span holds no whitespace and is copied whole.
 */
static size_t
compact_len(const struct json_doc *d, uint32_t t)
{
	const struct json_tok *k;
	size_t n = 0;
	uint32_t i;

	for (i = t; i < d->tok[t].next; i++) {
		k = &d->tok[i];
		if (k->type == JSON_OBJECT) {
			n += 2 + (k->size > 0 ? 2 * (size_t)k->size - 1 : 0);
		} else if (k->type == JSON_ARRAY) {
			n += 2 + (k->size > 0 ? (size_t)k->size - 1 : 0);
		} else {
			n += k->end - k->start;
		}
	}
	return n;
}

int
json_minify(struct buf *out, const struct json_doc *d, uint32_t t)
{
	size_t n;

	if (out->err != BUF_OK || t >= d->ntok) {
		return out->err;
	}
	n = d->tok[t].end - d->tok[t].start;

	/* Compact already (as Pylon sends it): one copy. */
	if (compact_len(d, t) == n) {
		return buf_add(out, d->src + d->tok[t].start, n);
	}
	if (out->limit != 0 && out->len <= out->limit
		&& n > out->limit - out->len) {
		n = walk(d, t, NULL);
	}
	if (buf_reserve(out, n) != BUF_OK) {
		return out->err;
	}
	out->len += walk(d, t, out->p + out->len);
	return BUF_OK;
}
