/*
 * json lookups: members (duplicates, escaped keys), iteration, string
 * decoding, typed getters (absent / null / wrong type), numbers, minify.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "json.h"

static struct arena A;
static struct json_doc D;

static int
load(const char *s)
{
	struct json_error e;

	arena_reset(&A);
	if (json_parse(&D, s, strlen(s), &A, NULL, &e) != JSON_OK) {
		printf("# cannot parse [%s]: %d at %zu\n", s, e.code, e.offset);
		return 0;
	}
	return 1;
}

/* The decoded string token t equals want[0..n). */
static int
str_is(uint32_t t, const char *want, size_t n)
{
	const char *s;
	size_t len;

	return json_str(&D, t, &A, &s, &len) == 0 && len == n
		&& memcmp(s, want, n) == 0 && s[n] == '\0';
}

static void
decode_every_escape(void)
{
	static const char want[]
		= "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac"
		  "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\0z\xef\xbf\xbf\x7f";

	CHECK(load("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00E9\\u20ac"
		   "\\uD83D\\uDE00\\udbff\\udfff\\u0000z\\uffff\\u007f\""));
	CHECK(str_is(0, want, sizeof want - 1));
	CHECK(load("\"plain \xc3\xa9 text\""));
	CHECK(str_is(0, "plain \xc3\xa9 text", 13));
	CHECK(load("\"\""));
	CHECK(str_is(0, "", 0));
	CHECK(load("[1]"));
	{
		const char *s = "unchanged";
		size_t n = 42;

		CHECK(json_str(&D, 0, &A, &s, &n) == -1);
		CHECK(json_str(&D, 1, &A, &s, &n) == -1);
		CHECK(json_str(&D, 9, &A, &s, &n) == -1);
		CHECK(n == 42 && strcmp(s, "unchanged") == 0);
	}
}

static void
str_nomem(void)
{
	struct arena tiny;
	const char *s;
	size_t n;

	CHECK(load("\"abc\""));
	arena_init(&tiny, 0);
	arena_fail_at(&tiny, 1);
	CHECK(json_str(&D, 0, &tiny, &s, &n) == -1);
	CHECK(json_str(&D, 0, &tiny, &s, &n) == 0 && n == 3);
	arena_free(&tiny);
}

static void
member_lookup(void)
{
	uint32_t v;

	CHECK(load("{\"a\":1,\"ab\":2,\"a\\u0062\":3,\"\":4,\"x\":{\"a\":5},"
		   "\"a\":6,\"\\u00e9\":7,\"t\\\"q\":8,\"nul\\u0000x\":9}"));
	/* duplicate keys: the last wins */
	v = json_member(&D, 0, "a");
	CHECK(v != 0 && D.tok[v].type == JSON_NUMBER
		&& D.src[D.tok[v].start] == '6');
	/* "a\u0062" equals "ab", and comes later */
	v = json_member(&D, 0, "ab");
	CHECK(v != 0 && D.src[D.tok[v].start] == '3');
	v = json_member(&D, 0, "");
	CHECK(v != 0 && D.src[D.tok[v].start] == '4');
	v = json_member(&D, 0, "\xc3\xa9");
	CHECK(v != 0 && D.src[D.tok[v].start] == '7');
	v = json_member(&D, 0, "t\"q");
	CHECK(v != 0 && D.src[D.tok[v].start] == '8');
	/* a key with a NUL inside never equals a C string */
	CHECK(json_member(&D, 0, "nul") == 0);
	CHECK(json_member(&D, 0, "abc") == 0);
	CHECK(json_member(&D, 0, "A") == 0);
	CHECK(json_member(&D, 0, "b") == 0);
	/* members of nested objects are not members of the root */
	v = json_member(&D, 0, "x");
	CHECK(v != 0 && D.tok[v].type == JSON_OBJECT);
	CHECK(json_member(&D, v, "a") == v + 2);
	/* not an object, or out of range */
	CHECK(json_member(&D, 1, "a") == 0);
	CHECK(json_member(&D, 1000, "a") == 0);
	CHECK(json_str_eq(&D, 5, "ab"));
	CHECK(!json_str_eq(&D, 5, "a"));
	CHECK(!json_str_eq(&D, 5, "abb"));
	CHECK(!json_str_eq(&D, 6, "3"));
	CHECK(!json_str_eq(&D, 0, ""));
}

static void
iteration(void)
{
	struct json_iter it;
	uint32_t e, k, v, seen[8];
	int n = 0;

	CHECK(load("[1,[2,3],{\"a\":[]},\"s\",null]"));
	json_iter_init(&D, 0, &it);
	while (json_iter_next(&D, &it, &e) && n < 8) {
		seen[n++] = e;
	}
	CHECK(n == 5);
	CHECK(seen[0] == 1 && seen[1] == 2 && seen[2] == 5 && seen[3] == 8
		&& seen[4] == 9);
	CHECK(!json_iter_next(&D, &it, &e));

	CHECK(load("{\"a\":{\"b\":[1,2]},\"c\":3,\"d\":{}}"));
	json_iter_init(&D, 0, &it);
	n = 0;
	while (json_iter_member(&D, &it, &k, &v)) {
		CHECK(D.tok[k].type == JSON_STRING && v == k + 1);
		n++;
	}
	CHECK(n == 3 && k == 9 && v == 10);

	/* scalars and empty containers yield nothing */
	json_iter_init(&D, 6, &it);
	CHECK(!json_iter_next(&D, &it, &e));
	json_iter_init(&D, 10, &it);
	CHECK(!json_iter_member(&D, &it, &k, &v));
	json_iter_init(&D, 99, &it);
	CHECK(!json_iter_next(&D, &it, &e));
}

static void
getters(void)
{
	const char *s;
	size_t n;
	long long i;
	double x;
	int b;
	uint32_t t;

	CHECK(load("{\"s\":\"v\\u00e9\",\"n\":null,\"i\":-42,\"f\":1.5,"
		   "\"b\":false,\"o\":{},\"a\":[],\"big\":1e400,\"e\":1e3}"));
	CHECK(json_get_str(&D, 0, "s", &A, &s, &n) == JSON_GET_OK);
	CHECK(n == 3 && strcmp(s, "v\xc3\xa9") == 0);
	CHECK(json_get_str(&D, 0, "zz", &A, &s, &n) == JSON_GET_ABSENT);
	CHECK(json_get_str(&D, 0, "n", &A, &s, &n) == JSON_GET_NULL);
	CHECK(json_get_str(&D, 0, "i", &A, &s, &n) == JSON_GET_TYPE);

	i = 7;
	CHECK(json_get_int(&D, 0, "i", &i) == JSON_GET_OK && i == -42);
	CHECK(json_get_int(&D, 0, "e", &i) == JSON_GET_OK && i == 1000);
	i = 7;
	CHECK(json_get_int(&D, 0, "f", &i) == JSON_GET_TYPE && i == 7);
	CHECK(json_get_int(&D, 0, "s", &i) == JSON_GET_TYPE);
	CHECK(json_get_int(&D, 0, "big", &i) == JSON_GET_TYPE && i == 7);
	CHECK(json_get_int(&D, 0, "n", &i) == JSON_GET_NULL);
	CHECK(json_get_int(&D, 0, "x", &i) == JSON_GET_ABSENT && i == 7);

	CHECK(json_get_num(&D, 0, "f", &x) == JSON_GET_OK && x == 1.5);
	CHECK(json_get_num(&D, 0, "big", &x) == JSON_GET_TYPE);
	CHECK(json_get_num(&D, 0, "b", &x) == JSON_GET_TYPE);

	b = 9;
	CHECK(json_get_bool(&D, 0, "b", &b) == JSON_GET_OK && b == 0);
	CHECK(json_get_bool(&D, 0, "i", &b) == JSON_GET_TYPE && b == 0);
	CHECK(json_get_bool(&D, 0, "n", &b) == JSON_GET_NULL);

	CHECK(json_get_obj(&D, 0, "o", &t) == JSON_GET_OK
		&& D.tok[t].type == JSON_OBJECT);
	CHECK(json_get_obj(&D, 0, "a", &t) == JSON_GET_TYPE);
	CHECK(json_get_arr(&D, 0, "a", &t) == JSON_GET_OK
		&& D.tok[t].type == JSON_ARRAY);
	CHECK(json_get_arr(&D, 0, "n", &t) == JSON_GET_NULL);
	CHECK(json_get_arr(&D, 0, "q", &t) == JSON_GET_ABSENT);
	/* the root is not an object: everything is absent */
	CHECK(load("[1]"));
	CHECK(json_get_int(&D, 0, "a", &i) == JSON_GET_ABSENT);
}

static void
getter_nomem(void)
{
	const char *s;
	size_t n;

	CHECK(load("{\"s\":\"v\"}"));
	arena_fail_at(&A, 1);
	CHECK(json_get_str(&D, 0, "s", &A, &s, &n) == JSON_GET_NOMEM);
}

/* json_num and json_int of the single number in s. */
static int
num_of(const char *s, double *x)
{
	return load(s) ? json_num(&D, 0, x) : -2;
}

static int
int_of(const char *s, long long *v)
{
	return load(s) ? json_int(&D, 0, v) : -2;
}

static void
numbers(void)
{
	double x;
	long long v;

	CHECK(num_of("-0", &x) == 0 && x == 0 && signbit(x));
	CHECK(num_of("0.1", &x) == 0 && x == 0.1);
	CHECK(num_of("-2.5E-3", &x) == 0 && x == -2.5e-3);
	CHECK(num_of("1e308", &x) == 0 && x == 1e308);
	CHECK(num_of("1e400", &x) == -1);
	CHECK(num_of("-1e400", &x) == -1);
	CHECK(num_of("1e-400", &x) == 0 && x == 0);
	CHECK(num_of("123456789012345678901234567890", &x) == 0
		&& x == 123456789012345678901234567890.0);
	CHECK(num_of("0.000000000000000000000000000001e30", &x) == 0 && x == 1);
	CHECK(num_of("100000000000000000000000000000e-28", &x) == 0 && x == 10);
	CHECK(num_of("1e99999999999999999999", &x) == -1);
	CHECK(num_of("1e-99999999999999999999", &x) == 0 && x == 0);
	CHECK(num_of("0e99999999999999999999", &x) == 0 && x == 0);
	/* halfway between two doubles, decided by a digit far away */
	CHECK(num_of("9007199254740993", &x) == 0 && x == 9007199254740992.0);
	CHECK(num_of("9007199254740993.0000000000000000000000000000000000001",
		      &x)
			== 0
		&& x == 9007199254740994.0);

	CHECK(int_of("0", &v) == 0 && v == 0);
	CHECK(int_of("-0", &v) == 0 && v == 0);
	CHECK(int_of("9223372036854775807", &v) == 0 && v == INT64_MAX);
	CHECK(int_of("-9223372036854775808", &v) == 0 && v == INT64_MIN);
	CHECK(int_of("9223372036854775808", &v) == -1);
	CHECK(int_of("-9223372036854775809", &v) == -1);
	CHECK(int_of("1.0", &v) == 0 && v == 1);
	CHECK(int_of("1e3", &v) == 0 && v == 1000);
	CHECK(int_of("1.5e1", &v) == 0 && v == 15);
	CHECK(int_of("1500e-2", &v) == 0 && v == 15);
	CHECK(int_of("0.0e-7", &v) == 0 && v == 0);
	CHECK(int_of("1.5", &v) == -1);
	CHECK(int_of("1e-1", &v) == -1);
	CHECK(int_of("1e400", &v) == -1);
	CHECK(int_of("9.223372036854775807e18", &v) == 0 && v == INT64_MAX);
	CHECK(int_of("1e19", &v) == -1);
	CHECK(int_of("100000000000000000000e-10", &v) == 0
		&& v == 10000000000LL);
	CHECK(load("\"1\""));
	CHECK(json_int(&D, 0, &v) == -1 && json_num(&D, 0, &x) == -1);
}

/* Minify s, compare with want, and check minify of the result again. */
static int
minify_is(const char *s, const char *want)
{
	struct buf b, b2;
	struct json_doc d2;
	struct json_error e;
	struct arena a2;
	int ok;

	buf_init(&b, 0);
	buf_init(&b2, 0);
	arena_init(&a2, 0);
	ok = load(s) && json_minify(&b, &D, 0) == BUF_OK
		&& b.len == strlen(want) && memcmp(b.p, want, b.len) == 0;
	ok = ok && json_parse(&d2, b.p, b.len, &a2, NULL, &e) == JSON_OK
		&& d2.ntok == D.ntok && json_minify(&b2, &d2, 0) == BUF_OK
		&& b2.len == b.len && memcmp(b2.p, b.p, b.len) == 0;
	if (!ok) {
		printf("# minify [%s]: got [%s]\n", s, buf_cstr(&b));
	}
	buf_free(&b);
	buf_free(&b2);
	arena_free(&a2);
	return ok;
}

static void
minify(void)
{
	struct buf b;

	CHECK(minify_is(" 1 ", "1"));
	CHECK(minify_is("\"a b\"", "\"a b\""));
	CHECK(minify_is(
		"{\n  \"a\" : [ 1 , 2.50 ,\t\"x \\n y\" ] ,\r\n"
		"  \"b\" : { } , \"c\" : [ ] , \"d\" : { \"e\" : null }\n}\n",
		"{\"a\":[1,2.50,\"x \\n y\"],\"b\":{},\"c\":[],"
		"\"d\":{\"e\":null}}"));
	CHECK(minify_is("[ [ [ ] ] , true , false , \" \\\" \" ]",
		"[[[]],true,false,\" \\\" \"]"));

	/* a subtree, appended after what the buffer already holds */
	buf_init(&b, 0);
	buf_adds(&b, "x=");
	CHECK(load("{ \"a\" : [ 1 , { \"b\" : 2 } ] , \"c\" : 3 }"));
	CHECK(json_minify(&b, &D, 2) == BUF_OK);
	CHECK(json_minify(&b, &D, 8) == BUF_OK);
	CHECK(strcmp(buf_cstr(&b), "x=[1,{\"b\":2}]3") == 0);
	buf_free(&b);

	/* the limit applies to the minified size, not the input's */
	buf_init(&b, 12);
	CHECK(json_minify(&b, &D, 2) == BUF_OK && b.len == 11);
	buf_free(&b);

	/* the buffer's limit is a sticky error */
	buf_init(&b, 4);
	CHECK(json_minify(&b, &D, 2) == BUF_ELIMIT);
	CHECK(json_minify(&b, &D, 8) == BUF_ELIMIT && b.len == 0);
	buf_free(&b);
}

int
main(void)
{
	check_suite = "json_get";
	arena_init(&A, 0);
	RUN(decode_every_escape);
	RUN(str_nomem);
	RUN(member_lookup);
	RUN(iteration);
	RUN(getters);
	RUN(getter_nomem);
	RUN(numbers);
	RUN(minify);
	arena_free(&A);
	return check_done();
}
