/*
 * json: numbers (json_num, json_int); see json.h.
 *
 * A number token is split into its sign, its digits (integer part, then
 * fraction) and the written exponent.  json_int works on that form
 * exactly, in integers: the value is an integer when the exponent, after
 * the fraction digits and trailing zeros are accounted for, is not
 * negative, and it is built digit by digit with an overflow check.
 * json_num hands strtod a normalised copy, 0.DIGITS e EXP, because the
 * token is not NUL-terminated and may be arbitrarily long.
 */
#include "json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * json_num's copy of a number for strtod: at most NUM_DIGITS significant
 * digits are kept.  800 is past the 767 a double can ever need to round
 * correctly; any nonzero digit dropped beyond it is replaced by a single
 * '1', which keeps the value on the same side of every rounding boundary.
 */
#define NUM_DIGITS 800
#define NUM_EXP_CLAMP 100000 /* |exponent| past this is inf or 0 anyway */

struct num {
	int neg;
	const char *dig;  /* first digit of the integer part */
	size_t nint;      /* digits in the integer part */
	const char *frac; /* first fraction digit, or NULL */
	size_t nfrac;
	long long exp; /* the written exponent, clamped */
};

static void
num_split(const char *p, const char *end, struct num *x)
{
	long long e = 0;
	int eneg = 0;

	x->neg = *p == '-';
	p += x->neg;
	x->dig = p;
	while (p < end && *p >= '0' && *p <= '9') {
		p++;
	}
	x->nint = (size_t)(p - x->dig);
	x->frac = NULL;
	x->nfrac = 0;
	if (p < end && *p == '.') {
		x->frac = ++p;
		while (p < end && *p >= '0' && *p <= '9') {
			p++;
		}
		x->nfrac = (size_t)(p - x->frac);
	}
	if (p < end) {
		p++;
		if (*p == '+' || *p == '-') {
			eneg = *p == '-';
			p++;
		}
		for (; p < end; p++) {
			if (e < NUM_EXP_CLAMP * 10) {
				e = e * 10 + (*p - '0');
			}
		}
	}
	x->exp = eneg ? -e : e;
}

/* The i-th significant-position digit of int part then fraction. */
static int
num_digit(const struct num *x, size_t i)
{
	return i < x->nint ? x->dig[i] - '0' : x->frac[i - x->nint] - '0';
}

int
json_num(const struct json_doc *d, uint32_t t, double *out)
{
	char buf[NUM_DIGITS + 32];
	struct num x;
	size_t i, ndig, first, w = 0;
	long long e;
	double v;
	char *q;

	if (t >= d->ntok || d->tok[t].type != JSON_NUMBER) {
		return -1;
	}
	num_split(d->src + d->tok[t].start, d->src + d->tok[t].end, &x);

	/* Significant digits from the first nonzero one, at most NUM_DIGITS. */
	ndig = x.nint + x.nfrac;
	for (first = 0; first < ndig && num_digit(&x, first) == 0; first++) {
	}
	if (x.neg) {
		buf[w++] = '-';
	}
	buf[w++] = '0';
	e = x.exp + (long long)x.nint - (long long)first;
	for (i = first; i < ndig && i - first < NUM_DIGITS; i++) {
		if (i == first) {
			buf[w++] = '.';
		}
		buf[w++] = (char)('0' + num_digit(&x, i));
	}
	for (; i < ndig; i++) {
		if (num_digit(&x, i) != 0) {
			buf[w++] = '1';
			break;
		}
	}

	/* The value is 0.DIGITS times ten to e. */
	if (e > NUM_EXP_CLAMP) {
		e = NUM_EXP_CLAMP;
	} else if (e < -NUM_EXP_CLAMP) {
		e = -NUM_EXP_CLAMP;
	}
	w += (size_t)snprintf(buf + w, sizeof buf - w, "e%lld", e);
	v = strtod(buf, &q);
	if (q != buf + w || !isfinite(v)) {
		return -1;
	}
	*out = v;
	return 0;
}

int
json_int(const struct json_doc *d, uint32_t t, long long *out)
{
	struct num x;
	size_t i, ndig, last;
	long long e;
	unsigned long long v = 0, cap;

	if (t >= d->ntok || d->tok[t].type != JSON_NUMBER) {
		return -1;
	}
	num_split(d->src + d->tok[t].start, d->src + d->tok[t].end, &x);
	cap = x.neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;

	/*
	 * The value is DIGITS * 10^(exp - nfrac).  Trailing zeros of DIGITS
	 * move into the exponent; it is an integer exactly when the exponent
	 * then is not negative.
	 */
	ndig = x.nint + x.nfrac;
	for (last = ndig; last > 0 && num_digit(&x, last - 1) == 0; last--) {
	}
	e = x.exp - (long long)x.nfrac + (long long)(ndig - last);
	if (last == 0) {
		*out = 0;
		return 0;
	}
	if (e < 0) {
		return -1;
	}
	for (i = 0; i < last; i++) {
		if (v > (cap - (unsigned)num_digit(&x, i)) / 10) {
			return -1;
		}
		v = v * 10 + (unsigned)num_digit(&x, i);
	}
	for (; e > 0; e--) {
		if (v > cap / 10) {
			return -1;
		}
		v *= 10;
	}
	*out = x.neg ? (long long)(0 - v) : (long long)v;
	return 0;
}
