/*
 * ts: see ts.h.
 *
 * Calendar arithmetic without the C library (no timegm, no TZ, no locale).
 * Dates are counted in a calendar whose year starts on March 1: the leap
 * day then falls at the very end of a year, and the days before each month
 * follow one formula, (153 * m + 2) / 5 for m = 0 (March) .. 11
 * (February), because the month lengths from March repeat 31 30 31 30 31
 * in groups of five.  Years are shifted by YEAR_SHIFT so every count is
 * non-negative, which keeps the divisions exact truncations.  The shift is
 * a whole number of 400-year cycles (146097 days each), so leap rules are
 * unchanged by it.
 *
 * Going back from a day count peels off 400-, 100-, 4- and 1-year cycles;
 * the last day of a 100-year (or 4-year, or 1-year) run inside its larger
 * cycle is the leap day, which is why those quotients are capped at 3.
 */
#include "ts.h"

#define YEAR_SHIFT 400
#define DAYS_400Y 146097
#define DAYS_100Y 36524
#define DAYS_4Y 1461
#define MS_DAY 86400000LL
#define YEAR_MAX 9999

/* Days from the shifted epoch (March 1 of year -YEAR_SHIFT) to y-m-d. */
static long long
day_number(long long y, int m, int d)
{
	long long mp;

	if (m <= 2) {
		y--;
		mp = m + 9;
	} else {
		mp = m - 3;
	}
	y += YEAR_SHIFT;
	return 365 * y + y / 4 - y / 100 + y / 400 + (153 * mp + 2) / 5 + d - 1;
}

/* Days from 1970-01-01 to y-m-d (negative before it). */
static long long
days_from_civil(long long y, int m, int d)
{
	return day_number(y, m, d) - day_number(1970, 1, 1);
}

/* The inverse of days_from_civil; z must be within years 0..9999. */
static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long n = z + day_number(1970, 1, 1);
	long long q400, q100, q4, q1, mp;

	q400 = n / DAYS_400Y;
	n -= q400 * DAYS_400Y;
	q100 = n / DAYS_100Y;
	q100 = q100 > 3 ? 3 : q100;
	n -= q100 * DAYS_100Y;
	q4 = n / DAYS_4Y;
	n -= q4 * DAYS_4Y;
	q1 = n / 365;
	q1 = q1 > 3 ? 3 : q1;
	n -= q1 * 365;

	/* n is now the day of the March-based year, 0..365. */
	*y = 400 * q400 + 100 * q100 + 4 * q4 + q1 - YEAR_SHIFT;
	mp = (5 * n + 2) / 153;
	*d = (int)(n - (153 * mp + 2) / 5 + 1);
	if (mp < 10) {
		*m = (int)mp + 3;
	} else {
		*m = (int)mp - 9;
		(*y)++;
	}
}

static int
is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long long y, int m)
{
	static const unsigned char len[12]
		= {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* k decimal digits at s as a number, or -1 if any is not a digit. */
static int
digits(const char *s, int k)
{
	int v = 0, i;

	for (i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The YYYY-MM-DDTHH:MM:SS prefix of s (19 bytes, caller checked), as
 * milliseconds of local time; `upper` demands an upper-case T.
 */
static int
date_time(const char *s, int upper, int64_t *ms)
{
	int y, mo, d, h, mi, se;

	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0
		|| mi > 59 || se < 0 || se > 59)
	{
		return -1;
	}
	if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') {
		return -1;
	}
	if (s[10] != 'T' && (upper || s[10] != 't')) {
		return -1;
	}
	if (d > month_days(y, mo)) {
		return -1;
	}
	*ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL
		+ se * 1000LL;
	return 0;
}

int
ts_parse(const char *s, size_t n, int64_t *ms)
{
	int64_t t, frac = 0;
	size_t i = 19;
	int scale = 100, oh, om;

	if (n < 20 || date_time(s, 0, &t) != 0) {
		return -1;
	}

	/* A fraction of any length; digits past the millisecond are cut. */
	if (s[i] == '.') {
		i++;
		if (i == n || s[i] < '0' || s[i] > '9') {
			return -1;
		}
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	}

	/* Z, or an offset: local time = UTC + offset. */
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-') && n - i >= 6) {
		oh = digits(s + i + 1, 2);
		om = digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59 || s[i + 3] != ':') {
			return -1;
		}
		t += (s[i] == '+' ? -1 : 1) * (oh * 60 + om) * 60000LL;
		i += 6;
	} else {
		return -1;
	}
	if (i != n) {
		return -1;
	}
	*ms = t + frac;
	return 0;
}

int
ts_parse_strict_z(const char *s, size_t n, int64_t *ms)
{
	int64_t t;

	if (n != TS_LEN || s[19] != 'Z' || date_time(s, 1, &t) != 0) {
		return -1;
	}
	*ms = t;
	return 0;
}

/* Two digits of v at out. */
static void
put2(char *out, int v)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

size_t
ts_format(int64_t ms, char *out)
{
	int64_t lo = days_from_civil(0, 1, 1) * MS_DAY;
	int64_t hi = (days_from_civil(YEAR_MAX, 12, 31) + 1) * MS_DAY;
	long long days, y;
	int64_t rem;
	int m, d;

	if (ms < lo || ms >= hi) {
		return 0;
	}

	/* Floor division, so times before 1970 land on the right day. */
	days = ms / MS_DAY;
	rem = ms % MS_DAY;
	if (rem < 0) {
		rem += MS_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	put2(out, (int)(y / 100));
	put2(out + 2, (int)(y % 100));
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, (int)(rem / 3600000));
	out[13] = ':';
	put2(out + 14, (int)(rem / 60000 % 60));
	out[16] = ':';
	put2(out + 17, (int)(rem / 1000 % 60));
	out[19] = 'Z';
	out[20] = '\0';
	return TS_LEN;
}

size_t
ts_format_ms(int64_t ms, char *out)
{
	int64_t r = ms % 1000;

	if (ts_format(ms, out) == 0) {
		return 0;
	}
	if (r < 0) {
		r += 1000;
	}
	out[19] = '.';
	out[20] = (char)('0' + r / 100);
	out[21] = (char)('0' + r / 10 % 10);
	out[22] = (char)('0' + r % 10);
	out[23] = 'Z';
	out[24] = '\0';
	return TS_LEN_MS;
}
