/*
 * fuzz_json: the tokenizer, lookups and minify on arbitrary bytes.
 *
 * Limits are small (depth 24, 1000 tokens, 4000 bytes) so every limit
 * path is reached by inputs of the fuzzer's default size (up to 4096).
 * On failure: no tokens and an offset within the input.  On success,
 * invariants that would expose a wrong token tree:
 *   - every span lies inside the input and inside its parent's span, and
 *     siblings follow each other without overlap;
 *   - `next` chains: walking a container's children by `next` takes
 *     exactly `size` steps (two per member for objects) and lands on the
 *     container's own `next`; a scalar's `next` is its index + 1;
 *   - object keys are strings; literal tokens spell their word; `esc` is
 *     set exactly when the string holds a backslash;
 *   - strings decode to valid UTF-8 no longer than their text, and
 *     json_str_eq / json_member agree with the decoded keys (the last
 *     duplicate wins);
 *   - json_int and json_num agree where both succeed;
 *   - the minified document parses to the same tree (types, sizes, next,
 *     decoded strings, number text), and minifying it again gives the
 *     same bytes;
 *   - a parse whose arena fails at an allocation fails cleanly or matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "jw.h"

#define MAX_MEMBERS_CHECKED 64

static const struct json_limits lim = {24, 1000, 4000};

static void
must(int cond)
{
	if (!cond) {
		abort();
	}
}

static void
check_string(const struct json_doc *d, uint32_t i, struct arena *a)
{
	const struct json_tok *t = &d->tok[i];
	const char *s;
	size_t n;

	must(t->end - t->start >= 2 && d->src[t->start] == '"'
		&& d->src[t->end - 1] == '"');
	must((memchr(d->src + t->start, '\\', t->end - t->start) != NULL)
		== (t->esc != 0));
	must(json_str(d, i, a, &s, &n) == 0);
	must(n <= (size_t)(t->end - t->start - 2) && s[n] == '\0');
	must(jw_utf8_valid_prefix(s, n) == n);
	if (memchr(s, '\0', n) == NULL) {
		must(json_str_eq(d, i, s));
	}
}

static void
check_scalar(const struct json_doc *d, uint32_t i)
{
	const struct json_tok *t = &d->tok[i];
	const char *w = t->type == JSON_TRUE ? "true"
		: t->type == JSON_FALSE      ? "false"
					     : "null";
	long long v;
	double x;

	if (t->type == JSON_NUMBER) {
		if (json_int(d, i, &v) == 0 && json_num(d, i, &x) == 0
			&& v > -(1LL << 53) && v < (1LL << 53))
		{
			must(x == (double)v);
		}
		return;
	}
	must(t->end - t->start == strlen(w)
		&& memcmp(d->src + t->start, w, strlen(w)) == 0);
}

/* The expected getter result for a value of type `type`. */
static int
want(int type, int ok_type)
{
	if (type == ok_type) {
		return JSON_GET_OK;
	}
	return type == JSON_NULL ? JSON_GET_NULL : JSON_GET_TYPE;
}

/* Every typed getter on key s of obj, whose last member's value is v. */
static void
check_getters(const struct json_doc *d, uint32_t obj, const char *s, uint32_t v,
	struct arena *a)
{
	int type = d->tok[v].type, b;
	const char *str;
	size_t n;
	long long i;
	double x;
	uint32_t t;

	must(json_get_str(d, obj, s, a, &str, &n) == want(type, JSON_STRING));
	must(json_get_obj(d, obj, s, &t) == want(type, JSON_OBJECT));
	must(json_get_arr(d, obj, s, &t) == want(type, JSON_ARRAY));
	if (type == JSON_TRUE || type == JSON_FALSE) {
		must(json_get_bool(d, obj, s, &b) == JSON_GET_OK);
		must(b == (type == JSON_TRUE));
	} else {
		must(json_get_bool(d, obj, s, &b) == want(type, JSON_TRUE));
	}
	if (type == JSON_NUMBER) {
		must((json_get_int(d, obj, s, &i) == JSON_GET_OK)
			== (json_int(d, v, &i) == 0));
		must((json_get_num(d, obj, s, &x) == JSON_GET_OK)
			== (json_num(d, v, &x) == 0));
	} else {
		must(json_get_int(d, obj, s, &i) == want(type, JSON_NUMBER));
		must(json_get_num(d, obj, s, &x) == want(type, JSON_NUMBER));
	}
}

/*
 * json_member of each key must be the last member with that name, and the
 * getters must agree with that member's type.
 */
static void
check_members(const struct json_doc *d, uint32_t obj, struct arena *a)
{
	struct json_iter it, it2;
	uint32_t k, v, k2, v2, last;
	const char *s;
	size_t n;

	if (d->tok[obj].size > MAX_MEMBERS_CHECKED) {
		return;
	}
	json_iter_init(d, obj, &it);
	while (json_iter_member(d, &it, &k, &v)) {
		must(json_str(d, k, a, &s, &n) == 0);
		if (memchr(s, '\0', n) != NULL) {
			continue;
		}
		last = 0;
		json_iter_init(d, obj, &it2);
		while (json_iter_member(d, &it2, &k2, &v2)) {
			if (json_str_eq(d, k2, s)) {
				last = v2;
			}
		}
		must(last != 0 && json_member(d, obj, s) == last);
		check_getters(d, obj, s, last, a);
	}
}

/* json_iter_next visits exactly the children found by `next` links. */
static void
check_elements(const struct json_doc *d, uint32_t arr)
{
	struct json_iter it;
	uint32_t e, want_e = arr + 1, n = 0;

	json_iter_init(d, arr, &it);
	while (json_iter_next(d, &it, &e)) {
		must(e == want_e);
		want_e = d->tok[e].next;
		n++;
	}
	must(n == d->tok[arr].size && want_e == d->tok[arr].next);
}

static void
check_tree(const struct json_doc *d, struct arena *a)
{
	const struct json_tok *t, *c;
	uint32_t i, j, k, steps, prev_end;

	must(d->ntok > 0 && d->tok[0].next == d->ntok);
	for (i = 0; i < d->ntok; i++) {
		t = &d->tok[i];
		must(t->type >= JSON_OBJECT && t->type <= JSON_NULL);
		must(t->start < t->end && t->end <= d->len);
		must(t->next > i && t->next <= d->ntok);
		if (t->type != JSON_OBJECT && t->type != JSON_ARRAY) {
			must(t->next == i + 1 && t->size == 0);
			if (t->type == JSON_STRING) {
				check_string(d, i, a);
			} else {
				check_scalar(d, i);
			}
			continue;
		}
		steps = t->type == JSON_OBJECT ? 2 * t->size : t->size;
		j = i + 1;
		prev_end = t->start + 1;
		for (k = 0; k < steps; k++) {
			must(j < t->next);
			c = &d->tok[j];
			must(c->start >= prev_end && c->end < t->end);
			if (t->type == JSON_OBJECT && k % 2 == 0) {
				must(c->type == JSON_STRING);
			}
			prev_end = c->end;
			j = c->next;
		}
		must(j == t->next);
		if (t->type == JSON_OBJECT) {
			check_members(d, i, a);
		} else {
			check_elements(d, i);
		}
	}
}

/* The same tree: types, sizes, next, decoded strings, number text. */
static void
check_same(const struct json_doc *x, const struct json_doc *y, struct arena *a)
{
	const char *s1, *s2;
	size_t n1, n2;
	uint32_t i;

	must(x->ntok == y->ntok);
	for (i = 0; i < x->ntok; i++) {
		must(x->tok[i].type == y->tok[i].type);
		must(x->tok[i].size == y->tok[i].size);
		must(x->tok[i].next == y->tok[i].next);
		if (x->tok[i].type == JSON_STRING) {
			must(json_str(x, i, a, &s1, &n1) == 0);
			must(json_str(y, i, a, &s2, &n2) == 0);
			must(n1 == n2 && memcmp(s1, s2, n1) == 0);
		} else if (x->tok[i].type == JSON_NUMBER) {
			n1 = x->tok[i].end - x->tok[i].start;
			must(n1 == (size_t)(y->tok[i].end - y->tok[i].start));
			must(memcmp(x->src + x->tok[i].start,
				     y->src + y->tok[i].start, n1)
				== 0);
		}
	}
}

static void
check_minify(const struct json_doc *d, struct arena *a)
{
	struct buf m1, m2;
	struct json_doc d2;
	struct json_error e;
	struct arena a2;

	buf_init(&m1, 0);
	buf_init(&m2, 0);
	arena_init(&a2, 0);
	must(json_minify(&m1, d, 0) == BUF_OK && m1.len <= d->len);
	must(json_parse(&d2, m1.p, m1.len, &a2, &lim, &e) == JSON_OK);
	check_same(d, &d2, a);
	must(json_minify(&m2, &d2, 0) == BUF_OK);
	must(m2.len == m1.len && memcmp(m1.p, m2.p, m1.len) == 0);
	buf_free(&m1);
	buf_free(&m2);
	arena_free(&a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	struct json_doc d, d2;
	struct json_error e;
	struct arena failing;
	size_t ntok;
	int r;

	arena_reset(&a);
	r = json_parse(&d, (const char *)data, size, &a, &lim, &e);
	must(r == e.code && e.offset <= size);
	if (r != JSON_OK) {
		must(r > JSON_OK && r <= JSON_E_TRAILING);
		must(d.ntok == 0 && d.tok == NULL);
		return 0;
	}
	check_tree(&d, &a);
	check_minify(&d, &a);

	/* The same parse with one arena allocation refused. */
	ntok = d.ntok;
	arena_init(&failing, 0);
	arena_fail_at(&failing, 1 + size % 4);
	r = json_parse(&d2, (const char *)data, size, &failing, &lim, &e);
	must(r == JSON_OK ? d2.ntok == ntok
			  : r == JSON_E_NOMEM && d2.ntok == 0);
	arena_free(&failing);
	return 0;
}
