#include <string.h>

#include "check.h"
#include "jw.h"

static int
str_is(const char *in, size_t n, const char *want)
{
	struct buf b;
	int ok;

	buf_init(&b, 0);
	jw_str(&b, in, n);
	ok = b.err == BUF_OK && strcmp(buf_cstr(&b), want) == 0;
	if (!ok) {
		printf("# got [%s] want [%s]\n", buf_cstr(&b), want);
	}
	buf_free(&b);
	return ok;
}

static void
escapes(void)
{
	CHECK(str_is("", 0, "\"\""));
	CHECK(str_is("plain", 5, "\"plain\""));
	CHECK(str_is("a\"b\\c", 5, "\"a\\\"b\\\\c\""));
	CHECK(str_is(
		"\n\r\t\b\x01\x1f", 6, "\"\\n\\r\\t\\u0008\\u0001\\u001f\""));
	CHECK(str_is("nul\0x", 5, "\"nul\\u0000x\""));
	CHECK(str_is("/", 1, "\"/\""));
}

static void
valid_utf8_passes(void)
{
	CHECK(str_is("\xc3\xa9", 2, "\"\xc3\xa9\""));
	CHECK(str_is("\xe2\x80\xa8", 3, "\"\xe2\x80\xa8\""));
	CHECK(str_is("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""));
	CHECK(str_is("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""));
}

static void
invalid_utf8_replaced(void)
{
	/* lone continuation, overlong, surrogate, > U+10FFFF, truncated */
	CHECK(str_is("\x80", 1, "\"\xef\xbf\xbd\""));
	CHECK(str_is("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\""));
	CHECK(str_is(
		"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""));
	CHECK(str_is("\xf4\x90\x80\x80", 4,
		"\"\xef\xbf\xbd\xef\xbf\xbd"
		"\xef\xbf\xbd\xef\xbf\xbd\""));
	CHECK(str_is("a\xe2\x82", 3, "\"a\xef\xbf\xbd\xef\xbf\xbd\""));
	CHECK(jw_utf8_valid_prefix("ok\xff", 3) == 2);
	CHECK(jw_utf8_valid_prefix("\xe2\x82\xac", 3) == 3);
}

static void
scalars(void)
{
	struct buf b;

	buf_init(&b, 0);
	jw_key(&b, "n");
	jw_int(&b, -7);
	buf_addc(&b, ',');
	jw_bool(&b, 1);
	jw_bool(&b, 0);
	jw_null(&b);
	jw_count(&b, 12);
	CHECK_EQ_STR(buf_cstr(&b), "\"n\":-7,truefalsenull12.0");
	buf_free(&b);
}

int
main(void)
{
	check_suite = "jw";
	RUN(escapes);
	RUN(valid_utf8_passes);
	RUN(invalid_utf8_replaced);
	RUN(scalars);
	return check_done();
}
