/*
 * json: a strict RFC 8259 tokenizer over a complete buffer, and lookups.
 *
 * json_parse validates the whole input (grammar, UTF-8, escapes, numbers)
 * and builds a flat array of tokens in the caller's arena, in document
 * order.  The input must stay alive and unchanged while the document is
 * used: tokens are spans into it.  Nothing is decoded up front; strings
 * are decoded on demand (json_str) into an arena.
 *
 * Token layout.  Token 0 is the root value.  Every token records its type,
 * the byte span [start, end) of its text in the input (strings include
 * their quotes; objects and arrays include their brackets), `size` (number
 * of members of an object, elements of an array, 0 otherwise) and `next`,
 * the index of the first token after its whole subtree (so a caller skips
 * a subtree in O(1); for the last subtree next == ntok).  An object's
 * tokens are key, value, key, value, ...: each key is a JSON_STRING token.
 *
 * Limits (json_limits): nesting depth, token count and input size, each
 * reported as its own error code with the byte offset where it was hit.
 * Errors never leave partial results that look valid: on failure d->ntok is
 * 0.  The parser never prints and never calls malloc directly.
 */
#ifndef SP_JSON_H
#define SP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

enum json_type {
	JSON_NONE = 0,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

struct json_tok {
	uint32_t start; /* byte offset of the token's first byte */
	uint32_t end;   /* byte offset just past its last byte */
	uint32_t size;  /* members (object) or elements (array) */
	uint32_t next;  /* index of the first token after the subtree */
	uint8_t type;   /* enum json_type */
	uint8_t esc;    /* string: 1 if it contains a backslash escape */
};

struct json_limits {
	size_t max_depth; /* nesting of arrays/objects; root array is 1 */
	size_t max_tokens;
	size_t max_bytes; /* input size; must be < 4 GiB */
};

/* Defaults: depth 64, 8 million tokens, 512 MiB. */
extern const struct json_limits json_default_limits;

enum json_err {
	JSON_OK = 0,
	JSON_E_SYNTAX,  /* unexpected byte or end of input */
	JSON_E_UTF8,    /* malformed UTF-8 */
	JSON_E_ESCAPE,  /* bad escape, lone surrogate, control char in string */
	JSON_E_NUMBER,  /* number not per the grammar */
	JSON_E_DEPTH,   /* max_depth exceeded */
	JSON_E_TOKENS,  /* max_tokens exceeded */
	JSON_E_SIZE,    /* input larger than max_bytes */
	JSON_E_NOMEM,   /* the arena is exhausted */
	JSON_E_TRAILING /* data after the root value */
};

struct json_error {
	int code;      /* enum json_err */
	size_t offset; /* byte offset where the problem was found */
};

struct json_doc {
	const char *src;
	size_t len;
	struct json_tok *tok;
	size_t ntok;
};

/* A short English description of an error code (static string). */
const char *json_strerror(int code);

/*
 * Parse src[0..len) into d, tokens in a.  lim NULL means the defaults.
 * Returns JSON_OK or an error code (also in err->code, with err->offset).
 * Leading and trailing whitespace is allowed; anything else after the root
 * value is JSON_E_TRAILING.  Empty input is JSON_E_SYNTAX at offset 0.
 */
int json_parse(struct json_doc *d, const char *src, size_t len, struct arena *a,
	const struct json_limits *lim, struct json_error *err);

/* ---- lookups ------------------------------------------------------------
 * Token indexes are uint32_t; 0 is the root, so 0 also serves as "none"
 * for any lookup that returns a member or element.
 */

/* The value of member `key` (exact, after decoding) of object obj, or 0
 * when obj is not an object or has no such member.  With duplicate keys
 * the last one wins (as most JSON consumers do). */
uint32_t json_member(const struct json_doc *d, uint32_t obj, const char *key);

/* Iteration over an array's elements or an object's members. */
struct json_iter {
	uint32_t at;   /* next token to visit */
	uint32_t left; /* elements or members still to visit */
};

void json_iter_init(
	const struct json_doc *d, uint32_t container, struct json_iter *it);
/* Next array element (index in *elem); 0 at the end. */
int json_iter_next(
	const struct json_doc *d, struct json_iter *it, uint32_t *elem);
/* Next object member (key and value token indexes); 0 at the end. */
int json_iter_member(const struct json_doc *d, struct json_iter *it,
	uint32_t *key, uint32_t *val);

/* Nonzero if string token t decodes to exactly the NUL-terminated s. */
int json_str_eq(const struct json_doc *d, uint32_t t, const char *s);

/*
 * Decode string token t into a NUL-terminated copy in a (n bytes, no NUL
 * inside unless the JSON had \u0000).  Returns 0, or -1 when a is exhausted
 * or t is not a string.
 */
int json_str(const struct json_doc *d, uint32_t t, struct arena *a,
	const char **out, size_t *n);

/* Typed getters on member `key` of object obj.  They tell "absent",
 * "null" and "wrong type" apart; outputs are set only on JSON_GET_OK. */
enum json_get {
	JSON_GET_OK = 0,
	JSON_GET_ABSENT,
	JSON_GET_NULL,
	JSON_GET_TYPE, /* present, not null, but not of the asked type */
	JSON_GET_NOMEM /* json_get_str: the arena is exhausted */
};

int json_get_str(const struct json_doc *d, uint32_t obj, const char *key,
	struct arena *a, const char **out, size_t *n);
/* An integer: a JSON number without fraction or exponent (or with an
 * exponent/fraction whose value is integral, e.g. 1.0 or 1e3) within the
 * range of long long; anything else is JSON_GET_TYPE. */
int json_get_int(const struct json_doc *d, uint32_t obj, const char *key,
	long long *out);
int json_get_num(
	const struct json_doc *d, uint32_t obj, const char *key, double *out);
int json_get_bool(
	const struct json_doc *d, uint32_t obj, const char *key, int *out);
/* The member's token index if it is an object (resp. array). */
int json_get_obj(
	const struct json_doc *d, uint32_t obj, const char *key, uint32_t *out);
int json_get_arr(
	const struct json_doc *d, uint32_t obj, const char *key, uint32_t *out);

/* Parse number token t as a double (0 on success, -1 if not a number or
 * not finite) and as an integer (-1 unless integral and in range). */
int json_num(const struct json_doc *d, uint32_t t, double *out);
int json_int(const struct json_doc *d, uint32_t t, long long *out);

/* ---- writing ------------------------------------------------------------ */

/*
 * Append the subtree at token t to out, minified: the same tokens in the
 * same order with no insignificant whitespace (strings and numbers are
 * copied byte for byte as they appear in the input, so escapes are kept).
 * Returns out's sticky error (BUF_OK on success).
 */
int json_minify(struct buf *out, const struct json_doc *d, uint32_t t);

#endif
