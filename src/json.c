/*
 * json: the tokenizer; see json.h.  The string and number scanners are in
 * json_lex.c; lookups, decoding and minify in json_get.c and json_num.c.
 *
 * Design.  One pass over the input, no recursion and no separate stack.
 * `cur` is the index of the innermost open container; while a container
 * is open its `next` field holds its parent's index (NONE at the root),
 * and closing it restores `cur` from there and stores the real `next`.
 * Depth is a counter checked against the limit before a container opens.
 *
 * The loop alternates two steps: read one value (opening a container is a
 * value that is finished later), then consume what may follow a finished
 * value: closing brackets, which finish their container in turn, or a
 * comma, which in an object is followed by a key and a colon.  An object
 * with no member and an array with no element close right where they open.
 *
 * Tokens live in one array in the caller's arena.  Its first size is a
 * guess from the input length (a page of issues averages 30-40 bytes per
 * token); when full it is copied into an arena block twice the size.  The
 * old copies stay in the arena until its reset, so the arena holds at most
 * about twice the final array.  Every read is preceded by a length test:
 * nothing past src[len - 1] is ever touched.
 */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include "json_lex.h"

#define NONE UINT32_MAX        /* parent link of the root container */
#define TOK_MIN 16             /* smallest token array */
#define BYTES_PER_TOK_GUESS 32 /* first array: len / this tokens */

const struct json_limits json_default_limits
	= {64, 8u * 1024 * 1024, 512u * 1024 * 1024};

struct parser {
	const unsigned char *src;
	const unsigned char *end;
	struct arena *a;
	struct json_tok *tok;
	size_t ntok;
	size_t cap;
	size_t first_cap;
	size_t max_tokens;
	size_t max_depth;
	int code;
	size_t off;
};

/* Record the first error (sticky) and return its code. */
static int
fail(struct parser *ps, int code, const unsigned char *at)
{
	if (ps->code == JSON_OK) {
		ps->code = code;
		ps->off = (size_t)(at - ps->src);
	}
	return ps->code;
}

/* fail() for functions that return a position: always NULL. */
static const unsigned char *
bad(struct parser *ps, int code, const unsigned char *at)
{
	fail(ps, code, at);
	return NULL;
}

static inline uint32_t
off32(const struct parser *ps, const unsigned char *p)
{
	return (uint32_t)(p - ps->src);
}

static inline const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
	{
		p++;
	}
	return p;
}

/*
 * Make room for one more token: the first array holds first_cap tokens,
 * later ones twice the previous.  Fails with JSON_E_TOKENS when the array
 * already holds max_tokens, JSON_E_NOMEM when the arena refuses; `at` is
 * the start of the token that did not fit.
 */
static int
grow(struct parser *ps, const unsigned char *at)
{
	struct json_tok *t;
	size_t cap;

	if (ps->ntok >= ps->max_tokens) {
		return fail(ps, JSON_E_TOKENS, at);
	}
	if (ps->tok == NULL) {
		cap = ps->first_cap;
	} else if (ps->cap > ps->max_tokens / 2) {
		cap = ps->max_tokens;
	} else {
		cap = ps->cap * 2;
	}
	t = NULL;
	if (cap <= SIZE_MAX / sizeof *t) {
		t = arena_alloc(ps->a, cap * sizeof *t);
	}
	if (t == NULL) {
		return fail(ps, JSON_E_NOMEM, at);
	}
	if (ps->ntok != 0) {
		memcpy(t, ps->tok, ps->ntok * sizeof *t);
	}
	ps->tok = t;
	ps->cap = cap;
	return JSON_OK;
}

/* A new token starting at p, its index in *ix; NULL on error. */
static inline struct json_tok *
tok_new(struct parser *ps, const unsigned char *p, uint32_t *ix)
{
	struct json_tok *t;

	if (ps->ntok == ps->cap && grow(ps, p) != JSON_OK) {
		return NULL;
	}
	*ix = (uint32_t)ps->ntok;
	t = &ps->tok[ps->ntok++];
	t->start = off32(ps, p);
	t->size = 0;
	t->esc = 0;
	return t;
}

/* The literal word w (true, false, null) at p. */
static const unsigned char *
literal(struct parser *ps, const unsigned char *p, const char *w)
{
	for (; *w != '\0'; w++, p++) {
		if (p == ps->end) {
			return bad(ps, JSON_E_SYNTAX, p);
		}
		if (*p != (unsigned char)*w) {
			return bad(ps, JSON_E_SYNTAX, p);
		}
	}
	return p;
}

/* A string at p into token t (a value or a key); the byte after it. */
static const unsigned char *
string(struct parser *ps, const unsigned char *p, struct json_tok *t)
{
	int esc = 0, r;

	t->type = JSON_STRING;
	r = json_lex_string(&p, ps->end, &esc);
	if (r != JSON_OK) {
		return bad(ps, r, p);
	}
	t->esc = (uint8_t)esc;
	return p;
}

/* One scalar value at p into token t.  Returns the byte after it. */
static const unsigned char *
scalar(struct parser *ps, const unsigned char *p, struct json_tok *t)
{
	int r;

	switch (*p) {
	case '"':
		return string(ps, p, t);
	case 't':
		t->type = JSON_TRUE;
		return literal(ps, p, "true");
	case 'f':
		t->type = JSON_FALSE;
		return literal(ps, p, "false");
	case 'n':
		t->type = JSON_NULL;
		return literal(ps, p, "null");
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		t->type = JSON_NUMBER;
		r = json_lex_number(&p, ps->end);
		return r == JSON_OK ? p : bad(ps, r, p);
	case '+':
	case '.':
		/* Not a value at all, but clearly meant as a number. */
		return bad(ps, JSON_E_NUMBER, p);
	default:
		return bad(ps, JSON_E_SYNTAX, p);
	}
}

/*
 * An object member's key and colon at p (whitespace allowed around them),
 * counted in the object `obj`.  Returns the byte after the colon.
 */
static const unsigned char *
key(struct parser *ps, const unsigned char *p, uint32_t obj)
{
	struct json_tok *t;
	uint32_t ix;

	p = skip_ws(p, ps->end);
	if (p == ps->end || *p != '"') {
		return bad(ps, JSON_E_SYNTAX, p);
	}
	t = tok_new(ps, p, &ix);
	if (t == NULL) {
		return NULL;
	}
	t->next = ix + 1;
	p = string(ps, p, t);
	if (p == NULL) {
		return NULL;
	}
	t = &ps->tok[ix];
	t->end = off32(ps, p);
	ps->tok[obj].size++;
	p = skip_ws(p, ps->end);
	if (p == ps->end || *p != ':') {
		return bad(ps, JSON_E_SYNTAX, p);
	}
	return p + 1;
}

/* The document, as described at the top of the file. */
static int
run(struct parser *ps)
{
	const unsigned char *p = ps->src, *end = ps->end;
	uint32_t cur = NONE, ix;
	size_t depth = 0;
	struct json_tok *t;
	unsigned c;

	for (;;) {
		/* Step 1: one value (or the opening of a container). */
		p = skip_ws(p, end);
		if (p == end) {
			return fail(ps, JSON_E_SYNTAX, p);
		}
		t = tok_new(ps, p, &ix);
		if (t == NULL) {
			return ps->code;
		}
		c = *p;
		if (c == '{' || c == '[') {
			if (depth >= ps->max_depth) {
				return fail(ps, JSON_E_DEPTH, p);
			}
			depth++;
			t->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
			t->next = cur;
			cur = ix;
			p = skip_ws(p + 1, end);
			if (p < end && *p == c + 2) {
				/* '{' + 2 is '}' and '[' + 2 is ']': empty. */
			} else if (c == '{') {
				p = key(ps, p, cur);
				if (p == NULL) {
					return ps->code;
				}
				continue;
			} else {
				t->size = 1;
				continue;
			}
		} else {
			p = scalar(ps, p, t);
			if (p == NULL) {
				return ps->code;
			}
			t->next = ix + 1;
			t->end = off32(ps, p);
		}

		/*
		 * Step 2: a value is finished.  Close containers for as long
		 * as closing brackets follow; a comma leads to the next value.
		 */
		for (;;) {
			p = skip_ws(p, end);
			if (cur == NONE) {
				if (p != end) {
					return fail(ps, JSON_E_TRAILING, p);
				}
				return JSON_OK;
			}
			t = &ps->tok[cur];
			if (p == end) {
				return fail(ps, JSON_E_SYNTAX, p);
			}
			c = *p;
			if (c == (t->type == JSON_OBJECT ? '}' : ']')) {
				t->end = off32(ps, p + 1);
				cur = t->next;
				t->next = (uint32_t)ps->ntok;
				depth--;
				p++;
				continue;
			}
			if (c != ',') {
				return fail(ps, JSON_E_SYNTAX, p);
			}
			p++;
			if (t->type == JSON_OBJECT) {
				p = key(ps, p, cur);
				if (p == NULL) {
					return ps->code;
				}
			} else {
				t->size++;
			}
			break;
		}
	}
}

const char *
json_strerror(int code)
{
	switch (code) {
	case JSON_OK:
		return "no error";
	case JSON_E_SYNTAX:
		return "unexpected byte or end of input";
	case JSON_E_UTF8:
		return "malformed UTF-8";
	case JSON_E_ESCAPE:
		return "bad escape, lone surrogate or control character "
		       "in string";
	case JSON_E_NUMBER:
		return "malformed number";
	case JSON_E_DEPTH:
		return "nesting too deep";
	case JSON_E_TOKENS:
		return "too many tokens";
	case JSON_E_SIZE:
		return "input too large";
	case JSON_E_NOMEM:
		return "out of memory";
	case JSON_E_TRAILING:
		return "data after the root value";
	default:
		return "unknown error";
	}
}

int
json_parse(struct json_doc *d, const char *src, size_t len, struct arena *a,
	const struct json_limits *lim, struct json_error *err)
{
	struct parser ps;
	size_t max_bytes, hint;
	int code;

	if (lim == NULL) {
		lim = &json_default_limits;
	}
	d->src = src;
	d->len = len;
	d->tok = NULL;
	d->ntok = 0;
	memset(&ps, 0, sizeof ps);
	ps.src = (const unsigned char *)src;
	ps.end = ps.src + len;
	ps.a = a;
	ps.max_depth = lim->max_depth;
	ps.max_tokens = lim->max_tokens;

	/* Offsets and indexes are 32 bits wide; NONE is never an index. */
	if (ps.max_tokens > NONE - 1) {
		ps.max_tokens = NONE - 1;
	}
	max_bytes = lim->max_bytes;
	if (max_bytes > UINT32_MAX) {
		max_bytes = UINT32_MAX;
	}

	/*
	 * Check the size before reading a byte.  The first token array is
	 * sized from the input, so a typical page needs no copy.
	 */
	if (len > max_bytes) {
		ps.code = JSON_E_SIZE;
		ps.off = max_bytes;
	} else {
		hint = len / BYTES_PER_TOK_GUESS;
		hint = hint < TOK_MIN ? TOK_MIN : hint;
		ps.first_cap = hint < ps.max_tokens ? hint : ps.max_tokens;
		run(&ps);
	}
	code = ps.code;
	if (err != NULL) {
		err->code = code;
		err->offset = ps.off;
	}
	if (code == JSON_OK) {
		d->tok = ps.tok;
		d->ntok = ps.ntok;
	}
	return code;
}
