/*
 * arena: a bump allocator for per-page data.
 *
 * An arena owns a chain of heap blocks.  arena_alloc carves aligned pieces
 * from the current block and adds a block (at least ARENA_BLOCK bytes, or
 * the request's size) when it is full, as long as the total of all blocks
 * stays within the limit set at init.  arena_reset forgets every allocation
 * in O(1) and keeps the blocks, so an arena reused page after page settles
 * at the size of the largest page.  Exhaustion (the limit, or the system
 * allocator refusing) is reported as NULL, never an abort.
 *
 * Test hook: arena_fail_at(a, n) makes the n-th allocation from now fail
 * (1 = the next one); 0 turns it off.  Every caller's out-of-memory path can
 * be driven through it.
 *
 * An arena is not thread-safe; each worker owns its own.
 */
#ifndef SP_ARENA_H
#define SP_ARENA_H

#include <stddef.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

struct arena_block;

struct arena {
	struct arena_block *first; /* chain of blocks, oldest first */
	struct arena_block *cur;   /* block being carved */
	size_t used;               /* bytes used in cur */
	size_t limit;              /* max total bytes of blocks; 0 = none */
	size_t total;              /* bytes of all blocks held */
	size_t peak;               /* largest sum of live allocations seen */
	size_t live;               /* sum of allocations since reset */
	unsigned long fail_at;     /* test hook, see above */
};

void arena_init(struct arena *a, size_t limit);

/* n bytes aligned to ARENA_ALIGN (n may be 0), or NULL when exhausted. */
void *arena_alloc(struct arena *a, size_t n);

/* A NUL-terminated copy of s[0..n), or NULL when exhausted. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Forget every allocation (O(1)); blocks are kept for reuse. */
void arena_reset(struct arena *a);

/* Release every block; the arena may be used again (as after init). */
void arena_free(struct arena *a);

/* Test hook: the n-th allocation from now fails; 0 disables. */
void arena_fail_at(struct arena *a, unsigned long n);

#endif
