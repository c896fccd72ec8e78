/*
 * ts: RFC 3339 parsing (calendar edges, fractions, offsets, case, garbage)
 * and formatting, checked against independently known epoch values and by
 * round trips over the whole supported range.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ts.h"

static int
parses_to(const char *s, int64_t want)
{
	int64_t ms = 12345;

	if (ts_parse(s, strlen(s), &ms) != 0 || ms != want) {
		printf("# %s: got %lld want %lld\n", s, (long long)ms,
			(long long)want);
		return 0;
	}
	return 1;
}

static int
rejects(const char *s)
{
	int64_t ms = 12345;

	return ts_parse(s, strlen(s), &ms) == -1 && ms == 12345;
}

static void
known_values(void)
{
	CHECK(parses_to("1970-01-01T00:00:00Z", 0));
	CHECK(parses_to("1970-01-01T00:00:01Z", 1000));
	CHECK(parses_to("1969-12-31T23:59:59Z", -1000));
	CHECK(parses_to("2000-01-01T00:00:00Z", 946684800000LL));
	CHECK(parses_to("2025-08-26T16:11:58Z", 1756224718000LL));
	CHECK(parses_to("2025-08-26T16:11:58.871Z", 1756224718871LL));
	CHECK(parses_to("2038-01-19T03:14:08Z", 2147483648000LL));
	CHECK(parses_to("1900-01-01T00:00:00Z", -2208988800000LL));
	CHECK(parses_to("0000-01-01T00:00:00Z", -62167219200000LL));
	CHECK(parses_to("9999-12-31T23:59:59Z", 253402300799000LL));
}

static void
leap_years(void)
{
	CHECK(parses_to("2024-02-29T00:00:00Z", 1709164800000LL));
	CHECK(parses_to("2000-02-29T12:00:00Z", 951825600000LL));
	CHECK(parses_to("2024-03-01T00:00:00Z", 1709251200000LL));
	CHECK(parses_to("2400-02-29T00:00:00Z", 13574563200000LL));
	CHECK(rejects("2023-02-29T00:00:00Z"));
	CHECK(rejects("1900-02-29T00:00:00Z"));
	CHECK(rejects("2100-02-29T00:00:00Z"));
	CHECK(rejects("2024-02-30T00:00:00Z"));
	CHECK(rejects("2024-04-31T00:00:00Z"));
	CHECK(rejects("2024-06-31T00:00:00Z"));
	CHECK(parses_to("2024-12-31T00:00:00Z", 1735603200000LL));
	CHECK(rejects("2024-12-32T00:00:00Z"));
	CHECK(rejects("2024-00-10T00:00:00Z"));
	CHECK(rejects("2024-13-10T00:00:00Z"));
	CHECK(rejects("2024-01-00T00:00:00Z"));
}

static void
clock_ranges(void)
{
	CHECK(parses_to("1970-01-01T23:59:59Z", 86399000));
	CHECK(rejects("1970-01-01T24:00:00Z"));
	CHECK(rejects("1970-01-01T23:60:00Z"));
	CHECK(rejects("1970-01-01T23:59:60Z")); /* leap second */
	CHECK(rejects("1970-01-01T99:00:00Z"));
}

static void
fractions(void)
{
	CHECK(parses_to("1970-01-01T00:00:00.1Z", 100));
	CHECK(parses_to("1970-01-01T00:00:00.12Z", 120));
	CHECK(parses_to("1970-01-01T00:00:00.123Z", 123));
	CHECK(parses_to("1970-01-01T00:00:00.123456789Z", 123));
	CHECK(parses_to("1970-01-01T00:00:00.999999999999999999999Z", 999));
	CHECK(parses_to("1970-01-01T00:00:00.000Z", 0));
	CHECK(parses_to("1969-12-31T23:59:59.5Z", -500));
	CHECK(rejects("1970-01-01T00:00:00.Z"));
	CHECK(rejects("1970-01-01T00:00:00."));
	CHECK(rejects("1970-01-01T00:00:00,5Z"));
	CHECK(rejects("1970-01-01T00:00:00.5"));
	CHECK(rejects("1970-01-01T00:00:00.5.5Z"));
}

static void
offsets(void)
{
	CHECK(parses_to("1970-01-01T05:30:00+05:30", 0));
	CHECK(parses_to("1970-01-01T00:00:00-00:00", 0));
	CHECK(parses_to("1970-01-01T00:00:00+00:00", 0));
	CHECK(parses_to("1969-12-31T19:00:00-05:00", 0));
	CHECK(parses_to("1970-01-01T00:00:00.250+01:00", -3600000 + 250));
	CHECK(parses_to(
		"2024-02-29T23:59:59-23:59", 1709251199000LL + 86340000LL));
	CHECK(rejects("1970-01-01T00:00:00+24:00"));
	CHECK(rejects("1970-01-01T00:00:00+05:60"));
	CHECK(rejects("1970-01-01T00:00:00+0530"));
	CHECK(rejects("1970-01-01T00:00:00+05"));
	CHECK(rejects("1970-01-01T00:00:00+05:3"));
	CHECK(rejects("1970-01-01T00:00:00+05:300"));
	CHECK(rejects("1970-01-01T00:00:00 +05:30"));
	CHECK(rejects("1970-01-01T00:00:00Z+05:30"));
	CHECK(rejects("1970-01-01T00:00:00"));
}

static void
letter_case(void)
{
	CHECK(parses_to("1970-01-01t00:00:01z", 1000));
	CHECK(parses_to("1970-01-01T00:00:01z", 1000));
	CHECK(rejects("1970-01-01 00:00:01Z"));
	CHECK(rejects("1970-01-01x00:00:01Z"));
}

static void
garbage(void)
{
	CHECK(rejects(""));
	CHECK(rejects("Z"));
	CHECK(rejects("2024-01-01"));
	CHECK(rejects("2024-01-01T00:00:00ZZ"));
	CHECK(rejects("2024-01-01T00:00:00Z "));
	CHECK(rejects(" 2024-01-01T00:00:00Z"));
	CHECK(rejects("2024-1-01T00:00:00Z"));
	CHECK(rejects("2024/01/01T00:00:00Z"));
	CHECK(rejects("2024-01-01T00.00.00Z"));
	CHECK(rejects("+2024-01-01T00:00:00Z"));
	CHECK(rejects("-024-01-01T00:00:00Z"));
	CHECK(rejects("20a4-01-01T00:00:00Z"));
	CHECK(rejects("2024-01-01T0-:00:00Z"));
	CHECK(rejects("12024-01-01T00:00:00Z"));
	{
		int64_t ms;
		/* the length is the caller's: no reading past n */
		CHECK(ts_parse("2024-01-01T00:00:00Zjunk", 20, &ms) == 0);
		CHECK(ts_parse("2024-01-01T00:00:00Z", 19, &ms) == -1);
		CHECK(ts_parse("2024-01-01T00:00:00.5Z", 21, &ms) == -1);
	}
}

static void
strict_z(void)
{
	int64_t ms = 7;

	CHECK(ts_parse_strict_z("2025-08-26T16:11:58Z", 20, &ms) == 0
		&& ms == 1756224718000LL);
	ms = 7;
	CHECK(ts_parse_strict_z("2025-08-26T16:11:58.871Z", 24, &ms) == -1);
	CHECK(ts_parse_strict_z("2025-08-26t16:11:58Z", 20, &ms) == -1);
	CHECK(ts_parse_strict_z("2025-08-26T16:11:58z", 20, &ms) == -1);
	CHECK(ts_parse_strict_z("2025-08-26T16:11:58+00:00", 25, &ms) == -1);
	CHECK(ts_parse_strict_z("2023-02-29T00:00:00Z", 20, &ms) == -1);
	CHECK(ts_parse_strict_z("2025-08-26T16:11:58Z", 19, &ms) == -1);
	CHECK(ms == 7);
}

static void
format(void)
{
	char out[TS_LEN_MS + 1];

	CHECK(ts_format(0, out) == TS_LEN);
	CHECK_EQ_STR(out, "1970-01-01T00:00:00Z");
	CHECK(ts_format(1756224718871LL, out) == TS_LEN);
	CHECK_EQ_STR(out, "2025-08-26T16:11:58Z");
	CHECK(ts_format_ms(1756224718871LL, out) == TS_LEN_MS);
	CHECK_EQ_STR(out, "2025-08-26T16:11:58.871Z");
	CHECK(ts_format_ms(5, out) == TS_LEN_MS);
	CHECK_EQ_STR(out, "1970-01-01T00:00:00.005Z");
	/* before 1970 the milliseconds are floored, not truncated to 0 */
	CHECK(ts_format(-1, out) == TS_LEN);
	CHECK_EQ_STR(out, "1969-12-31T23:59:59Z");
	CHECK(ts_format_ms(-1, out) == TS_LEN_MS);
	CHECK_EQ_STR(out, "1969-12-31T23:59:59.999Z");
	CHECK(ts_format(951782400000LL, out) == TS_LEN);
	CHECK_EQ_STR(out, "2000-02-29T00:00:00Z");
	CHECK(ts_format(-62167219200000LL, out) == TS_LEN);
	CHECK_EQ_STR(out, "0000-01-01T00:00:00Z");
	CHECK(ts_format(253402300799999LL, out) == TS_LEN);
	CHECK_EQ_STR(out, "9999-12-31T23:59:59Z");
	/* out of range */
	CHECK(ts_format(-62167219200001LL, out) == 0);
	CHECK(ts_format(253402300800000LL, out) == 0);
	CHECK(ts_format_ms(253402300800000LL, out) == 0);
	CHECK(ts_format(INT64_MIN, out) == 0 && ts_format(INT64_MAX, out) == 0);
}

/*
 * Every day from 0000-01-01 to 9999-12-31 at a varying time of day:
 * format, parse back, and check that consecutive days are 86400 s apart
 * and that the formatted date moved by exactly one calendar day.
 */
static void
round_trip_every_day(void)
{
	char out[TS_LEN_MS + 1], prev[TS_LEN_MS + 1];
	int64_t day0 = -62167219200000LL, ms, back;
	long i, days = 3652425;
	int bad = 0;

	prev[0] = '\0';
	for (i = 0; i < days && bad < 5; i++) {
		ms = day0 + i * 86400000LL + (i * 7919) % 86400000;
		if (ts_format_ms(ms, out) != TS_LEN_MS
			|| ts_parse(out, TS_LEN_MS, &back) != 0 || back != ms)
		{
			printf("# day %ld: %s\n", i, out);
			bad++;
			continue;
		}
		if (prev[0] != '\0' && memcmp(prev, out, 10) >= 0) {
			printf("# not increasing: %s then %s\n", prev, out);
			bad++;
		}
		memcpy(prev, out, sizeof out);
		if (ts_format(ms, out) != TS_LEN
			|| ts_parse_strict_z(out, TS_LEN, &back) != 0
			|| back != ms - (ms % 1000 + 1000) % 1000)
		{
			printf("# seconds of %s\n", out);
			bad++;
		}
	}
	CHECK(bad == 0);
	CHECK(strncmp(prev, "9999-12-31", 10) == 0);
}

int
main(void)
{
	check_suite = "ts";
	RUN(known_values);
	RUN(leap_years);
	RUN(clock_ranges);
	RUN(fractions);
	RUN(offsets);
	RUN(letter_case);
	RUN(garbage);
	RUN(strict_z);
	RUN(format);
	RUN(round_trip_every_day);
	return check_done();
}
