/*
 * buf: see buf.h.
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t limit)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->err = BUF_OK;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = BUF_OK;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = BUF_OK;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->err) {
		return b->err;
	}
	if (n > (size_t)-1 - b->len - 1) {
		b->err = BUF_ELIMIT;
		return b->err;
	}
	want = b->len + n;
	if (b->limit != 0 && want > b->limit) {
		b->err = BUF_ELIMIT;
		return b->err;
	}
	if (want + 1 <= b->cap) {
		return BUF_OK;
	}

	/*
	 * Grow geometrically (one byte is kept for buf_cstr), but never
	 * allocate past the limit: a buffer limited to 1 MiB costs at most
	 * 1 MiB plus one byte.
	 */
	cap = b->cap < 256 ? 256 : b->cap;
	while (cap < want + 1) {
		cap = cap > (size_t)-1 / 2 ? want + 1 : cap * 2;
	}
	if (b->limit != 0 && cap > b->limit + 1) {
		cap = b->limit + 1;
	}
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->err = BUF_ENOMEM;
		return b->err;
	}
	b->p = p;
	b->cap = cap;
	return BUF_OK;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != BUF_OK) {
		return b->err;
	}
	if (n > 0) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
	}
	return BUF_OK;
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addi(struct buf *b, long long v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	unsigned long long u;

	/* Negate in unsigned arithmetic so LLONG_MIN is safe. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0) {
		tmp[--i] = '-';
	}
	return buf_add(b, tmp + i, sizeof tmp - i);
}

const char *
buf_cstr(struct buf *b)
{
	if (buf_reserve(b, 0) != BUF_OK) {
		return NULL;
	}
	if (b->p == NULL) {
		return "";
	}
	b->p[b->len] = '\0';
	return b->p;
}
