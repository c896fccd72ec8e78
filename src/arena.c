/*
 * arena: see arena.h.
 *
 * Layout.  Blocks form a singly linked chain in order of use: every block
 * before `cur` holds live allocations, `cur` is being carved (`used` bytes
 * so far; 0 only right after a reset), and the blocks after `cur` are
 * empty, kept from earlier pages.  A request that does not fit in `cur`
 * takes the first empty block that is large enough, moved up to follow
 * `cur`, or else a new block linked in at that place.  When nothing is
 * live yet (right after a reset) that place is the front of the chain, so
 * a first block too small for the request stays available after it.  A
 * page that repeats the previous page's requests walks the same blocks
 * again, and the arena stops calling malloc once it has seen its largest
 * page.
 *
 * A request no empty block can serve releases the oversized empty blocks
 * (larger than ARENA_BLOCK) that are too small for it before a new block
 * is made, so pages of slowly growing size reuse one large block's worth
 * of memory instead of keeping one per page.
 *
 * The limit counts the usable bytes of all blocks held (headers are not
 * counted).  When a new block would pass it, the empty blocks after `cur`
 * are released first, so a reused arena never refuses a request that a
 * fresh arena with the same live data would have served.
 *
 * Every allocation is rounded up to ARENA_ALIGN and a zero-byte request
 * takes ARENA_ALIGN bytes, so each call returns a distinct pointer and
 * `used > 0` means the block holds live data.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size;         /* usable bytes at data */
	unsigned char *data; /* ARENA_ALIGN-aligned, inside this allocation */
};

/* Round n up to ARENA_ALIGN; 0 when that would overflow. */
static size_t
round_up(size_t n)
{
	if (n == 0) {
		return ARENA_ALIGN;
	}
	if (n > SIZE_MAX - (ARENA_ALIGN - 1)) {
		return 0;
	}
	return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/*
 * malloc a block with `size` usable bytes.  The header and the slack for
 * aligning data are outside `size`, so the limit arithmetic stays exact.
 */
static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b;
	size_t hdr = sizeof *b + ARENA_ALIGN - 1;
	uintptr_t at;

	if (size > SIZE_MAX - hdr) {
		return NULL;
	}
	b = malloc(hdr + size);
	if (b == NULL) {
		return NULL;
	}
	at = (uintptr_t)(b + 1);
	at = (at + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1);
	b->next = NULL;
	b->size = size;
	b->data = (unsigned char *)at;
	return b;
}

/* Free the chain starting at b; return how many usable bytes it held. */
static size_t
chain_free(struct arena_block *b)
{
	struct arena_block *next;
	size_t n = 0;

	while (b != NULL) {
		next = b->next;
		n += b->size;
		free(b);
		b = next;
	}
	return n;
}

/*
 * Make room for the limit: drop every block that holds no live data.  When
 * nothing is live (cur is the first block and unused) that is the whole
 * chain; otherwise it is the blocks after cur.
 */
static void
drop_empty(struct arena *a)
{
	if (a->cur == NULL) {
		return;
	}
	if (a->cur == a->first && a->used == 0) {
		a->total -= chain_free(a->first);
		a->first = NULL;
		a->cur = NULL;
		return;
	}
	a->total -= chain_free(a->cur->next);
	a->cur->next = NULL;
}

/*
 * Put block b (not in the chain) where the next allocation belongs and
 * make it cur: right after cur, or at the front when nothing is live yet,
 * so an unused first block stays available after it.
 */
static void
link_cur(struct arena *a, struct arena_block *b)
{
	if (a->cur == NULL || (a->cur == a->first && a->used == 0)) {
		b->next = a->first;
		a->first = b;
	} else {
		b->next = a->cur->next;
		a->cur->next = b;
	}
	a->cur = b;
	a->used = 0;
}

/*
 * Make cur a block with at least n free bytes (n already rounded).  Returns
 * 0, or -1 when the limit or malloc refuses.
 */
static int
next_block(struct arena *a, size_t n)
{
	struct arena_block *b, **link;
	size_t size;

	/* An empty block kept from an earlier page, if one is large enough. */
	for (link = a->cur != NULL ? &a->cur->next : NULL;
		link != NULL && *link != NULL; link = &(*link)->next)
	{
		if ((*link)->size >= n) {
			b = *link;
			*link = b->next;
			link_cur(a, b);
			return 0;
		}
	}

	/*
	 * Oversized empty blocks too small for this request go: they held
	 * an earlier page's large arrays (tokens), and keeping each page's
	 * would make memory ratchet up with every page a little larger than
	 * the one before.  Standard blocks stay for reuse.
	 */
	for (link = a->cur != NULL ? &a->cur->next : NULL;
		link != NULL && *link != NULL;)
	{
		b = *link;
		if (b->size > ARENA_BLOCK && b->size < n) {
			*link = b->next;
			a->total -= b->size;
			free(b);
		} else {
			link = &b->next;
		}
	}

	/*
	 * A new block: ARENA_BLOCK bytes, or the request if larger, cut down
	 * to what the limit still allows as long as the request fits.
	 */
	size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
	if (a->limit != 0 && size > a->limit - a->total) {
		drop_empty(a);
		if (a->limit - a->total < n) {
			return -1;
		}
		if (size > a->limit - a->total) {
			size = a->limit - a->total;
		}
	}
	b = block_new(size);
	if (b == NULL) {
		return -1;
	}
	a->total += size;
	link_cur(a, b);
	return 0;
}

void
arena_init(struct arena *a, size_t limit)
{
	a->first = NULL;
	a->cur = NULL;
	a->used = 0;
	a->limit = limit;
	a->total = 0;
	a->peak = 0;
	a->live = 0;
	a->fail_at = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	size_t want = round_up(n);
	void *p;

	/* The test hook fires once, on the n-th call. */
	if (a->fail_at != 0) {
		a->fail_at--;
		if (a->fail_at == 0) {
			return NULL;
		}
	}
	if (want == 0) {
		return NULL;
	}
	if (a->cur == NULL || a->cur->size - a->used < want) {
		if (next_block(a, want) != 0) {
			return NULL;
		}
	}
	p = a->cur->data + a->used;
	a->used += want;
	a->live += want;
	if (a->live > a->peak) {
		a->peak = a->live;
	}
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX) {
		return NULL;
	}
	p = arena_alloc(a, n + 1);
	if (p == NULL) {
		return NULL;
	}
	if (n > 0) {
		memcpy(p, s, n);
	}
	p[n] = '\0';
	return p;
}

void
arena_reset(struct arena *a)
{
	a->cur = a->first;
	a->used = 0;
	a->live = 0;
}

void
arena_free(struct arena *a)
{
	size_t limit = a->limit;

	chain_free(a->first);
	arena_init(a, limit);
}

void
arena_fail_at(struct arena *a, unsigned long n)
{
	a->fail_at = n;
}
