/*
 * check.h: the unit-test harness (header only).
 *
 * A test program defines static void functions and runs each with RUN(fn).
 * CHECK(cond) records a failure (file:line and the condition) without
 * stopping the case; a case passes when no CHECK failed.  Each case prints
 * one line, "PASS suite: name" or "FAIL suite: name: file:line: cond", as
 * tests/run.py expects, and check_done() returns the exit status.
 */
#ifndef SP_CHECK_H
#define SP_CHECK_H

#include <stdio.h>
#include <string.h>

static const char *check_suite = "unit";
static int check_case_failed;
static int check_failures;
static char check_first[512];

#define CHECK(cond) check_at((cond) != 0, __FILE__, __LINE__, #cond)

#define CHECK_EQ_STR(a, b)                                                     \
	check_at(strcmp((a), (b)) == 0, __FILE__, __LINE__, #a " == " #b)

#define RUN(fn) check_run(#fn, fn)

static inline int
check_at(int ok, const char *file, int line, const char *what)
{
	if (!ok) {
		if (!check_case_failed) {
			snprintf(check_first, sizeof check_first, "%s:%d: %s",
				file, line, what);
		}
		check_case_failed = 1;
	}
	return ok;
}

static inline void
check_run(const char *name, void (*fn)(void))
{
	check_case_failed = 0;
	fn();
	if (check_case_failed) {
		check_failures++;
		printf("FAIL %s: %s: %s\n", check_suite, name, check_first);
	} else {
		printf("PASS %s: %s\n", check_suite, name);
	}
	fflush(stdout);
}

static inline int
check_done(void)
{
	return check_failures ? 1 : 0;
}

#endif
