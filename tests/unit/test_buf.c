#include <limits.h>
#include <string.h>

#include "buf.h"
#include "check.h"

static void
grows_and_keeps_bytes(void)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < 100000; i++) {
		buf_addc(&b, (char)('a' + i % 26));
	}
	CHECK(b.err == BUF_OK);
	CHECK(b.len == 100000);
	CHECK(b.p[0] == 'a' && b.p[99999] == (char)('a' + 99999 % 26));
	buf_reset(&b);
	CHECK(b.len == 0 && b.cap >= 100000);
	buf_free(&b);
}

static void
limit_is_sticky_and_atomic(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK(buf_adds(&b, "12345678") == BUF_OK);
	CHECK(buf_adds(&b, "abc") == BUF_ELIMIT);
	CHECK(b.len == 8);
	CHECK(buf_adds(&b, "x") == BUF_ELIMIT);
	CHECK(b.len == 8);
	CHECK(b.cap <= 11);
	buf_reset(&b);
	CHECK(buf_adds(&b, "0123456789") == BUF_OK);
	CHECK(strcmp(buf_cstr(&b), "0123456789") == 0);
	buf_free(&b);
}

static void
huge_reserve_fails_cleanly(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "x");
	CHECK(buf_reserve(&b, (size_t)-1) == BUF_ELIMIT);
	buf_reset(&b);
	CHECK(buf_reserve(&b, (size_t)-1 / 2) == BUF_ENOMEM);
	buf_free(&b);
}

static void
integers(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_addi(&b, 0);
	buf_addc(&b, ' ');
	buf_addi(&b, -42);
	buf_addc(&b, ' ');
	buf_addi(&b, LLONG_MIN);
	buf_addc(&b, ' ');
	buf_addi(&b, LLONG_MAX);
	CHECK_EQ_STR(buf_cstr(&b),
		"0 -42 -9223372036854775808 "
		"9223372036854775807");
	buf_free(&b);
}

static void
empty_cstr(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK_EQ_STR(buf_cstr(&b), "");
	buf_free(&b);
}

int
main(void)
{
	check_suite = "buf";
	RUN(grows_and_keeps_bytes);
	RUN(limit_is_sticky_and_atomic);
	RUN(huge_reserve_fails_cleanly);
	RUN(integers);
	RUN(empty_cstr);
	return check_done();
}
