/*
 * json tokenizer: token layout, every error code with its offset, limits,
 * arena exhaustion.  Guard pages, truncations and allocation failure at
 * every call are in test_json_attack.c; lookups, numbers and minify in
 * test_json_get.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "json.h"

static struct arena A;

/* Parse s (length n) with limits lim; the result code. */
static int
parse_n(struct json_doc *d, const char *s, size_t n,
	const struct json_limits *lim, struct json_error *e)
{
	arena_reset(&A);
	return json_parse(d, s, n, &A, lim, e);
}

/*
 * A compact picture of the token array: one letter per token (o object,
 * a array, s string, n number, t true, f false, z null) followed by the
 * size for containers, then "/next".  "{\"a\":[1]}" is "o1/4 s/2 a1/4 n/4".
 */
static const char *
shape(const struct json_doc *d)
{
	static char out[2048];
	static const char letter[] = "?oasntfz";
	size_t i, w = 0;
	const struct json_tok *t;

	out[0] = '\0';
	for (i = 0; i < d->ntok && w < sizeof out - 32; i++) {
		t = &d->tok[i];
		if (i > 0) {
			out[w++] = ' ';
		}
		out[w++] = letter[t->type];
		if (t->type == JSON_OBJECT || t->type == JSON_ARRAY) {
			w += (size_t)snprintf(
				out + w, sizeof out - w, "%u", t->size);
		}
		w += (size_t)snprintf(out + w, sizeof out - w, "/%u", t->next);
	}
	return out;
}

static int
shape_is(const char *s, const char *want)
{
	struct json_doc d;
	struct json_error e;
	int ok;

	if (parse_n(&d, s, strlen(s), NULL, &e) != JSON_OK) {
		printf("# %s: error %d at %zu\n", s, e.code, e.offset);
		return 0;
	}
	ok = strcmp(shape(&d), want) == 0;
	if (!ok) {
		printf("# %s: got [%s] want [%s]\n", s, shape(&d), want);
	}
	return ok;
}

/* Parse must fail with code at offset, leaving no tokens behind. */
static int
err_n(const char *s, size_t n, int code, size_t off,
	const struct json_limits *lim)
{
	struct json_doc d;
	struct json_error e;
	int r = parse_n(&d, s, n, lim, &e);

	if (r != code || e.code != code || e.offset != off || d.ntok != 0
		|| d.tok != NULL)
	{
		printf("# [%.*s]: got %d at %zu, want %d at %zu\n", (int)n, s,
			e.code, e.offset, code, off);
		return 0;
	}
	return 1;
}

static int
err_is(const char *s, int code, size_t off)
{
	return err_n(s, strlen(s), code, off, NULL);
}

static void
layout(void)
{
	CHECK(shape_is("1", "n/1"));
	CHECK(shape_is(" \t\r\n\"x\" \n", "s/1"));
	CHECK(shape_is("[]", "a0/1"));
	CHECK(shape_is("{}", "o0/1"));
	CHECK(shape_is("[ ]", "a0/1"));
	CHECK(shape_is("{\"a\":[1]}", "o1/4 s/2 a1/4 n/4"));
	CHECK(shape_is("[1,[2,[]],{},3]", "a4/7 n/2 a2/5 n/4 a0/5 o0/6 n/7"));
	CHECK(shape_is("{ \"a\" : { \"b\" : null } , "
		       "\"c\" : [ true , false ] }",
		"o2/9 s/2 o1/5 s/4 z/5 s/6 a2/9 t/8 f/9"));
	CHECK(shape_is("[[[[]]]]", "a1/4 a1/4 a1/4 a0/4"));
}

static void
spans(void)
{
	const char *s = " {\"k\\n\": [ 12 , \"v\" ] } ";
	struct json_doc d;
	struct json_error e;

	CHECK(parse_n(&d, s, strlen(s), NULL, &e) == JSON_OK);
	CHECK(e.code == JSON_OK);
	CHECK(d.ntok == 5 && d.src == s && d.len == strlen(s));
	if (d.ntok != 5) {
		return;
	}
	CHECK(d.tok[0].start == 1 && d.tok[0].end == 23);
	CHECK(d.tok[1].start == 2 && d.tok[1].end == 7 && d.tok[1].esc == 1);
	CHECK(d.tok[2].start == 9 && d.tok[2].end == 21);
	CHECK(d.tok[3].start == 11 && d.tok[3].end == 13);
	CHECK(d.tok[4].start == 16 && d.tok[4].end == 19);
	CHECK(d.tok[4].esc == 0 && d.tok[3].esc == 0);
}

static void
syntax_errors(void)
{
	CHECK(err_is("", JSON_E_SYNTAX, 0));
	CHECK(err_is("   ", JSON_E_SYNTAX, 3));
	CHECK(err_is("[1,]", JSON_E_SYNTAX, 3));
	CHECK(err_is("{\"a\":1,}", JSON_E_SYNTAX, 7));
	CHECK(err_is("[1 2]", JSON_E_SYNTAX, 3));
	CHECK(err_is("{\"a\" 1}", JSON_E_SYNTAX, 5));
	CHECK(err_is("{\"a\":}", JSON_E_SYNTAX, 5));
	CHECK(err_is("{1:2}", JSON_E_SYNTAX, 1));
	CHECK(err_is("{\"a\":1 \"b\":2}", JSON_E_SYNTAX, 7));
	CHECK(err_is("[1}", JSON_E_SYNTAX, 2));
	CHECK(err_is("{\"a\":1]", JSON_E_SYNTAX, 6));
	CHECK(err_is("[", JSON_E_SYNTAX, 1));
	CHECK(err_is("[1", JSON_E_SYNTAX, 2));
	CHECK(err_is("{", JSON_E_SYNTAX, 1));
	CHECK(err_is("{\"a\"", JSON_E_SYNTAX, 4));
	CHECK(err_is("]", JSON_E_SYNTAX, 0));
	CHECK(err_is("[,1]", JSON_E_SYNTAX, 1));
	CHECK(err_is("/* c */ 1", JSON_E_SYNTAX, 0));
	CHECK(err_is("'a'", JSON_E_SYNTAX, 0));
	CHECK(err_is("{'a':1}", JSON_E_SYNTAX, 1));
	CHECK(err_is("tru", JSON_E_SYNTAX, 3));
	CHECK(err_is("trUe", JSON_E_SYNTAX, 2));
	CHECK(err_is("[nulll]", JSON_E_SYNTAX, 5));
	CHECK(err_is("NaN", JSON_E_SYNTAX, 0));
	CHECK(err_is("Infinity", JSON_E_SYNTAX, 0));
	CHECK(err_is("\xef\xbb\xbf{}", JSON_E_SYNTAX, 0)); /* BOM */
	CHECK(err_is("\f[]", JSON_E_SYNTAX, 0));
	CHECK(err_is("[\xc3\xa9]", JSON_E_SYNTAX, 1));
	CHECK(err_is("[0x10]", JSON_E_SYNTAX, 2));
	CHECK(err_is("\"abc", JSON_E_SYNTAX, 4));
}

static void
trailing(void)
{
	CHECK(err_is("1 2", JSON_E_TRAILING, 2));
	CHECK(err_is("{}}", JSON_E_TRAILING, 2));
	CHECK(err_is("[1] // c", JSON_E_TRAILING, 4));
	CHECK(err_is("truex", JSON_E_TRAILING, 4));
	CHECK(err_is("0x10", JSON_E_TRAILING, 1));
	CHECK(err_n("[1]\0", 4, JSON_E_TRAILING, 3, NULL));
	CHECK(err_n("\0", 1, JSON_E_SYNTAX, 0, NULL));
}

static void
number_errors(void)
{
	CHECK(err_is("01", JSON_E_NUMBER, 1));
	CHECK(err_is("-01", JSON_E_NUMBER, 2));
	CHECK(err_is("[00]", JSON_E_NUMBER, 2));
	CHECK(err_is("1.", JSON_E_NUMBER, 2));
	CHECK(err_is("[1.]", JSON_E_NUMBER, 3));
	CHECK(err_is(".5", JSON_E_NUMBER, 0));
	CHECK(err_is("+1", JSON_E_NUMBER, 0));
	CHECK(err_is("-", JSON_E_NUMBER, 1));
	CHECK(err_is("[-]", JSON_E_NUMBER, 2));
	CHECK(err_is("- 1", JSON_E_NUMBER, 1));
	CHECK(err_is("-Infinity", JSON_E_NUMBER, 1));
	CHECK(err_is("1e", JSON_E_NUMBER, 2));
	CHECK(err_is("1E+", JSON_E_NUMBER, 3));
	CHECK(err_is("1.e5", JSON_E_NUMBER, 2));
	CHECK(err_is("1.5.3", JSON_E_NUMBER, 3));
	CHECK(err_is("1e5e", JSON_E_NUMBER, 3));
	CHECK(err_is("1-2", JSON_E_NUMBER, 1));
	CHECK(err_is("2.-1", JSON_E_NUMBER, 2));
}

static void
numbers_valid(void)
{
	CHECK(shape_is("[0,-0,-0.0,1e5,1E+5,1e-5,0.5e0,12345678901234567890"
		       "1234567890,1e400,-1e-400]",
		"a10/11 n/2 n/3 n/4 n/5 n/6 n/7 n/8 n/9 n/10 n/11"));
}

static void
escapes_valid(void)
{
	CHECK(shape_is("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC"
		       "\\ud83d\\ude00\\uDBFF\\uDFFF\\u0000\"",
		"s/1"));
	CHECK(shape_is(
		"\"\x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf "
		"\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80\"",
		"s/1"));
}

static void
escape_errors(void)
{
	CHECK(err_is("\"\\x\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"ab\\'\"", JSON_E_ESCAPE, 3));
	CHECK(err_is("\"\\U0041\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\u12\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\u12G4\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"a\\", JSON_E_SYNTAX, 3));
	CHECK(err_is("\"a\\u00", JSON_E_SYNTAX, 6));
	/* lone high, lone low, reversed, mismatched, broken second half */
	CHECK(err_is("\"\\uD800\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uDC00\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"x\\udfff\\ud800\"", JSON_E_ESCAPE, 2));
	CHECK(err_is("\"\\uDC00\\uD800\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uD800\\uD800\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uD800\\u0041\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uD800\\n\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uD800x\"", JSON_E_ESCAPE, 1));
	CHECK(err_is("\"\\uD800\\uZZZZ\"", JSON_E_ESCAPE, 7));
	CHECK(err_is("\"\\uD800\\u12\"", JSON_E_ESCAPE, 7));
	CHECK(err_is("\"\\uD800", JSON_E_SYNTAX, 7));
	CHECK(err_is("\"\\uD800\\", JSON_E_SYNTAX, 8));
	CHECK(err_is("\"\\uD800\\uDC", JSON_E_SYNTAX, 11));
	/* control characters must be escaped */
	CHECK(err_is("\"a\tb\"", JSON_E_ESCAPE, 2));
	CHECK(err_is("\"a\nb\"", JSON_E_ESCAPE, 2));
	CHECK(err_n("\"\0\"", 3, JSON_E_ESCAPE, 1, NULL));
	CHECK(err_is("[\"0123456789\x1f\"]", JSON_E_ESCAPE, 12));
}

static void
utf8_errors(void)
{
	CHECK(err_is("\"\x80\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xbf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xc0\xaf\"", JSON_E_UTF8, 1)); /* overlong */
	CHECK(err_is("\"\xc1\xbf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xe0\x80\xaf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xe0\x9f\xbf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xf0\x8f\xbf\xbf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xed\xa0\x80\"", JSON_E_UTF8, 1)); /* surrogate */
	CHECK(err_is("\"\xed\xbf\xbf\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xf4\x90\x80\x80\"", JSON_E_UTF8, 1)); /* > 10FFFF */
	CHECK(err_is("\"\xf5\x80\x80\x80\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xff\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xfe\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"ab\xe2\x82\"", JSON_E_UTF8, 3)); /* truncated */
	CHECK(err_is("\"ab\xe2\x82", JSON_E_UTF8, 3));
	CHECK(err_is("\"\xf0\x9f\x98\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xc3\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xc3", JSON_E_UTF8, 1));
	CHECK(err_is("\"\xe2\x28\xa1\"", JSON_E_UTF8, 1));
	CHECK(err_is("\"0123456789abcdef\xc3\x28\"", JSON_E_UTF8, 17));
	CHECK(err_is("{\"\xc3\xa9\":\"\xe9\"}", JSON_E_UTF8, 7));
}

static void
limits(void)
{
	struct json_limits lim = {3, 100, 1000};
	struct json_doc d;
	struct json_error e;

	/* depth: the root array is 1 */
	CHECK(parse_n(&d, "[[[1]]]", 7, &lim, &e) == JSON_OK);
	CHECK(err_n("[[[[1]]]]", 9, JSON_E_DEPTH, 3, &lim));
	CHECK(err_n("{\"a\":{\"b\":[{}]}}", 16, JSON_E_DEPTH, 11, &lim));
	CHECK(parse_n(&d, "[[1],[2],[[3]]]", 15, &lim, &e) == JSON_OK);
	lim.max_depth = 0;
	CHECK(parse_n(&d, "\"x\"", 3, &lim, &e) == JSON_OK);
	CHECK(err_n(" []", 3, JSON_E_DEPTH, 1, &lim));

	/* tokens */
	lim.max_depth = 64;
	lim.max_tokens = 4;
	CHECK(parse_n(&d, "[1,2,3]", 7, &lim, &e) == JSON_OK && d.ntok == 4);
	CHECK(err_n("[1,2,3,4]", 9, JSON_E_TOKENS, 7, &lim));
	CHECK(err_n("{\"a\":1,\"b\":2}", 13, JSON_E_TOKENS, 11, &lim));
	lim.max_tokens = 0;
	CHECK(err_n("  7", 3, JSON_E_TOKENS, 2, &lim));
	CHECK(err_n("", 0, JSON_E_SYNTAX, 0, &lim));

	/* size: checked before anything else */
	lim.max_tokens = 100;
	lim.max_bytes = 5;
	CHECK(parse_n(&d, "[1,2]", 5, &lim, &e) == JSON_OK);
	CHECK(err_n("[1,22]", 6, JSON_E_SIZE, 5, &lim));
	CHECK(err_n("@@@@@@@", 7, JSON_E_SIZE, 5, &lim));
	lim.max_bytes = 0;
	CHECK(err_n("1", 1, JSON_E_SIZE, 0, &lim));
	CHECK(err_n("", 0, JSON_E_SYNTAX, 0, &lim));

	CHECK(json_default_limits.max_depth == 64);
	CHECK(json_default_limits.max_tokens == 8u * 1024 * 1024);
	CHECK(json_default_limits.max_bytes == 512u * 1024 * 1024);
}

static void
deep_default_limit(void)
{
	static char s[2 * 200];
	struct json_doc d;
	struct json_error e;
	size_t i;

	for (i = 0; i < 200; i++) {
		s[i] = '[';
		s[200 + i] = ']';
	}
	CHECK(err_n(s, sizeof s, JSON_E_DEPTH, 64, NULL));
	CHECK(parse_n(&d, s + 136, 128, NULL, &e) == JSON_OK && d.ntok == 64);
	CHECK(err_n(s + 135, 130, JSON_E_DEPTH, 64, NULL));
}

/* The arena runs out: JSON_E_NOMEM, and nothing left looking valid. */
static void
arena_limit(void)
{
	struct arena small;
	struct json_doc d;
	struct json_error e;

	arena_init(&small, 64);
	CHECK(json_parse(&d, "[1,2]", 5, &small, NULL, &e) == JSON_E_NOMEM);
	CHECK(e.offset == 0 && d.ntok == 0 && d.tok == NULL);
	arena_free(&small);
}

static void
outputs_reset(void)
{
	struct json_doc d;
	struct json_error e;

	CHECK(parse_n(&d, "[1]", 3, NULL, &e) == JSON_OK && d.ntok == 2);
	CHECK(parse_n(&d, "[1", 2, NULL, &e) == JSON_E_SYNTAX);
	CHECK(d.ntok == 0 && d.tok == NULL && d.len == 2);
	CHECK(parse_n(&d, "[1]", 3, NULL, NULL) == JSON_OK);
	CHECK(parse_n(&d, "[1", 2, NULL, NULL) == JSON_E_SYNTAX);
	CHECK(strcmp(json_strerror(JSON_E_DEPTH), "nesting too deep") == 0);
	CHECK(strcmp(json_strerror(999), "unknown error") == 0);
}

int
main(void)
{
	check_suite = "json";
	arena_init(&A, 0);
	RUN(layout);
	RUN(spans);
	RUN(syntax_errors);
	RUN(trailing);
	RUN(number_errors);
	RUN(numbers_valid);
	RUN(escapes_valid);
	RUN(escape_errors);
	RUN(utf8_errors);
	RUN(limits);
	RUN(deep_default_limit);
	RUN(arena_limit);
	RUN(outputs_reset);
	arena_free(&A);
	return check_done();
}
