/*
 * http_date: Retry-After values (see http.h).
 *
 * Design notes.
 *
 * A Retry-After value is delta-seconds (digits only) or an HTTP-date.
 * Delta-seconds are read with saturation: once the number passes the
 * cap there is no point reading on, so a value of any length is safe.
 * HTTP-dates come in the three forms RFC 9110 5.6.7 tells recipients
 * to accept, each matched by a fixed layout:
 *
 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
 *   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
 *   asctime      "Sun Nov  6 08:49:37 1994"
 *
 * Fields are range-checked (day within its month, hour 0..23, minute
 * 0..59, second 0..60) and the weekday must be the one the date falls
 * on; anything else is invalid (-1), and the caller falls back to its
 * own backoff.  An RFC 850 two-digit year is placed in the century that
 * keeps it at most 50 years after now, as RFC 9110 asks.  Days are
 * counted from 1970-01-01 with the usual civil-calendar arithmetic.
 */
#include "http.h"

#include <string.h>

static const char *const wdays[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
	"Thursday", "Friday", "Saturday"};

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

struct date {
	int64_t year;
	int mon; /* 1..12 */
	int day;
	int hour;
	int min;
	int sec;
	int wday; /* 0 = Sunday */
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int64_t y, int m)
{
	static const unsigned char n[12]
		= {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return n[m - 1] + (m == 2 && leap(y));
}

/* n decimal digits at s (a leading space allowed when pad); else -1. */
static int
digits(const char *s, int n, int pad)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (pad && i == 0 && s[i] == ' ') {
			continue;
		}
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Three-letter month at s; 1..12 or -1. */
static int
month(const char *s)
{
	int i;

	for (i = 0; i < 12; i++) {
		if (memcmp(s, months + 3 * i, 3) == 0) {
			return i + 1;
		}
	}
	return -1;
}

/* Weekday at s, whole name (full) or its first three letters. */
static int
weekday(const char *s, size_t n, int full)
{
	int i;

	for (i = 0; i < 7; i++) {
		size_t k = full ? strlen(wdays[i]) : 3;

		if (n == k && memcmp(s, wdays[i], k) == 0) {
			return i;
		}
	}
	return -1;
}

/* "hh:mm:ss" at s. */
static int
clock_at(const char *s, struct date *d)
{
	if (s[2] != ':' || s[5] != ':') {
		return -1;
	}
	d->hour = digits(s, 2, 0);
	d->min = digits(s + 3, 2, 0);
	d->sec = digits(s + 6, 2, 0);
	return d->hour < 0 || d->min < 0 || d->sec < 0 ? -1 : 0;
}

static int
imf_fixdate(const char *s, size_t n, struct date *d)
{
	if (n != 29 || memcmp(s + 3, ", ", 2) != 0 || s[7] != ' '
		|| s[11] != ' ' || s[16] != ' ' || memcmp(s + 25, " GMT", 4))
	{
		return -1;
	}
	d->wday = weekday(s, 3, 0);
	d->day = digits(s + 5, 2, 0);
	d->mon = month(s + 8);
	d->year = digits(s + 12, 4, 0);
	return clock_at(s + 17, d);
}

static int
rfc850(const char *s, size_t n, int64_t now_year, struct date *d)
{
	const char *comma = memchr(s, ',', n);
	size_t w;
	int yy;

	if (comma == NULL) {
		return -1;
	}
	w = (size_t)(comma - s);
	if (n != w + 24 || s[w + 1] != ' ' || s[w + 4] != '-' || s[w + 8] != '-'
		|| s[w + 11] != ' ' || memcmp(s + w + 20, " GMT", 4) != 0)
	{
		return -1;
	}
	d->wday = weekday(s, w, 1);
	d->day = digits(s + w + 2, 2, 0);
	d->mon = month(s + w + 5);
	yy = digits(s + w + 9, 2, 0);
	if (yy < 0) {
		return -1;
	}
	d->year = now_year - now_year % 100 + yy;
	if (d->year > now_year + 50) {
		d->year -= 100;
	}
	return clock_at(s + w + 12, d);
}

static int
asctime_date(const char *s, size_t n, struct date *d)
{
	if (n != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' '
		|| s[19] != ' ') {
		return -1;
	}
	d->wday = weekday(s, 3, 0);
	d->mon = month(s + 4);
	d->day = digits(s + 8, 2, 1);
	d->year = digits(s + 20, 4, 0);
	return clock_at(s + 11, d);
}

/* Seconds since the epoch for a valid HTTP-date; -1 on error. */
static int
parse_date(const char *s, size_t n, int64_t now_ms, int64_t *t)
{
	struct date d;
	int64_t days, now_days, y;

	/* The current year, for RFC 850's two-digit years. */
	now_days = now_ms / 86400000;
	y = 1970 + now_days * 400 / 146097;
	while (days_from_civil(y, 1, 1) > now_days) {
		y--;
	}
	while (days_from_civil(y + 1, 1, 1) <= now_days) {
		y++;
	}

	memset(&d, 0, sizeof d);
	if (imf_fixdate(s, n, &d) < 0 && rfc850(s, n, y, &d) < 0
		&& asctime_date(s, n, &d) < 0)
	{
		return -1;
	}
	if (d.wday < 0 || d.mon < 1 || d.year < 0 || d.day < 1
		|| d.day > mdays(d.year, d.mon) || d.hour > 23 || d.min > 59
		|| d.sec > 60)
	{
		return -1;
	}
	days = days_from_civil(d.year, d.mon, d.day);
	if ((days % 7 + 11) % 7 != d.wday) {
		return -1; /* 1970-01-01 was a Thursday */
	}
	*t = days * 86400 + d.hour * 3600 + d.min * 60 + d.sec;
	return 0;
}

/* see http.h */
int64_t
http_retry_after_ms(const char *value, int64_t now_ms, int64_t cap_ms)
{
	size_t i, n;
	int64_t secs, ms;

	if (value == NULL || value[0] == '\0') {
		return -1;
	}
	if (cap_ms < 0) {
		cap_ms = 0;
	}
	n = strlen(value);

	/* delta-seconds, saturating at the cap */
	if (strspn(value, "0123456789") == n) {
		secs = 0;
		for (i = 0; i < n; i++) {
			secs = secs * 10 + (value[i] - '0');
			if (secs > cap_ms / 1000) {
				return cap_ms;
			}
		}
		return secs * 1000 > cap_ms ? cap_ms : secs * 1000;
	}

	/* HTTP-date, relative to now */
	if (parse_date(value, n, now_ms, &secs) < 0) {
		return -1;
	}
	ms = secs * 1000 - now_ms;
	if (ms < 0) {
		return 0;
	}
	return ms > cap_ms ? cap_ms : ms;
}
