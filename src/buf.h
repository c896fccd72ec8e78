/*
 * buf: a growable byte buffer with a hard size limit.
 *
 * The buffer owns its storage (heap, grown geometrically and kept across
 * buf_reset so a reused buffer settles at the size of the largest thing it
 * ever held).  Every append checks the limit first; on failure the buffer
 * records a sticky error (BUF_ENOMEM or BUF_ELIMIT), leaves its contents as
 * they were before the failed call, and ignores later appends until
 * buf_reset.  Callers append freely and check buf->err once at the end.
 *
 * The contents are not NUL-terminated unless buf_cstr is called.
 */
#ifndef SP_BUF_H
#define SP_BUF_H

#include <stddef.h>

enum {
	BUF_OK = 0,
	BUF_ENOMEM = 1, /* the allocator refused */
	BUF_ELIMIT = 2  /* the append would pass buf->limit */
};

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t limit; /* maximum len; 0 means no limit beyond size_t */
	int err;      /* sticky BUF_* code */
};

/* Start empty, with no storage, limited to `limit` bytes (0: unlimited). */
void buf_init(struct buf *b, size_t limit);

/* Release the storage; the buffer is then empty and may be reused. */
void buf_free(struct buf *b);

/* Empty the buffer and clear its error; storage is kept. */
void buf_reset(struct buf *b);

/* Make room for n more bytes. Returns 0, or the (sticky) error code. */
int buf_reserve(struct buf *b, size_t n);

/* Append bytes; on error nothing is appended. Return the sticky code. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);

/* Append a decimal integer. */
int buf_addi(struct buf *b, long long v);

/* NUL-terminate (not counted in len) and return the data, or NULL on error. */
const char *buf_cstr(struct buf *b);

#endif
