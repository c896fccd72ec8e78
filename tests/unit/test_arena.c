/*
 * arena: alignment, block reuse after reset, the limit (including a reused
 * arena under its limit), the failure hook, peak tracking, overflow.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "check.h"

static int
aligned(const void *p)
{
	return ((uintptr_t)p & (ARENA_ALIGN - 1)) == 0;
}

static void
alloc_aligned_distinct(void)
{
	struct arena a;
	char *p[64];
	size_t i;

	arena_init(&a, 0);
	for (i = 0; i < 64; i++) {
		p[i] = arena_alloc(&a, i);
		CHECK(p[i] != NULL);
		CHECK(aligned(p[i]));
		if (p[i] != NULL) {
			memset(p[i], (int)i, i);
		}
	}
	for (i = 1; i < 64; i++) {
		CHECK(p[i] != p[i - 1]);
	}
	for (i = 0; i < 64; i++) {
		CHECK(i == 0 || (unsigned char)p[i][i - 1] == i);
	}
	arena_free(&a);
}

static void
large_requests(void)
{
	struct arena a;
	char *p, *q;

	arena_init(&a, 0);
	p = arena_alloc(&a, 10);
	q = arena_alloc(&a, ARENA_BLOCK * 3 + 5);
	CHECK(p != NULL && q != NULL && aligned(q));
	if (q != NULL) {
		memset(q, 1, ARENA_BLOCK * 3 + 5);
	}
	/* the small block is not abandoned: the big one went after it */
	CHECK(arena_alloc(&a, 16) != NULL);
	CHECK(a.total >= ARENA_BLOCK * 4);
	arena_free(&a);
	CHECK(a.total == 0 && a.first == NULL);
}

static void
reset_reuses_blocks(void)
{
	struct arena a;
	void *first[8], *again[8];
	size_t sizes[8] = {100, 70000, 5, 65536, 200000, 1, 0, 4096};
	size_t i, total;

	arena_init(&a, 0);
	for (i = 0; i < 8; i++) {
		first[i] = arena_alloc(&a, sizes[i]);
		CHECK(first[i] != NULL);
	}
	total = a.total;
	arena_reset(&a);
	CHECK(a.live == 0 && a.used == 0 && a.cur == a.first);
	for (i = 0; i < 8; i++) {
		again[i] = arena_alloc(&a, sizes[i]);
		CHECK(again[i] == first[i]);
	}
	CHECK(a.total == total);
	arena_free(&a);
}

/* A later page takes a large kept block instead of a new one. */
static void
reuse_finds_fitting_block(void)
{
	struct arena a;
	size_t total;

	arena_init(&a, 0);
	CHECK(arena_alloc(&a, 100) != NULL);
	CHECK(arena_alloc(&a, ARENA_BLOCK) != NULL);
	CHECK(arena_alloc(&a, 1 << 20) != NULL);
	total = a.total;
	CHECK(total == 2 * ARENA_BLOCK + (1 << 20));

	arena_reset(&a);
	CHECK(arena_alloc(&a, 10) != NULL);
	CHECK(arena_alloc(&a, 500 << 10) != NULL);
	CHECK(a.total == total);

	/* nothing live, first block too small: the big one moves in front */
	arena_reset(&a);
	CHECK(arena_alloc(&a, 200 << 10) != NULL);
	CHECK(a.cur == a.first);
	CHECK(arena_alloc(&a, ARENA_BLOCK - 100) != NULL);
	CHECK(arena_alloc(&a, ARENA_BLOCK) != NULL);
	CHECK(a.total == total);
	arena_free(&a);
}

static void
limit_refuses(void)
{
	struct arena a;

	arena_init(&a, 1000);
	CHECK(arena_alloc(&a, 512) != NULL);
	CHECK(arena_alloc(&a, 600) == NULL);
	CHECK(arena_alloc(&a, 400) != NULL);
	CHECK(a.total <= 1000);
	CHECK(arena_alloc(&a, 100) == NULL);
	CHECK(arena_alloc(&a, 1001) == NULL);
	arena_free(&a);

	arena_init(&a, 1);
	CHECK(arena_alloc(&a, 1) == NULL); /* rounded to ARENA_ALIGN */
	arena_free(&a);
}

/*
 * A reused arena must serve what a fresh one with the same live data
 * would: empty blocks kept from an earlier page give way to the limit.
 */
static void
limit_after_reuse(void)
{
	struct arena a;
	size_t lim = 3 * ARENA_BLOCK;
	int i;

	arena_init(&a, lim);
	for (i = 0; i < 3; i++) {
		CHECK(arena_alloc(&a, ARENA_BLOCK - 100) != NULL);
	}
	CHECK(a.total == lim);
	arena_reset(&a);
	CHECK(arena_alloc(&a, 2 * ARENA_BLOCK + 10) != NULL);
	CHECK(a.total <= lim);
	arena_reset(&a);

	arena_free(&a);

	/* live data in the first block: only the empty ones after it go */
	for (i = 0; i < 3; i++) {
		CHECK(arena_alloc(&a, ARENA_BLOCK - 100) != NULL);
	}
	arena_reset(&a);
	CHECK(arena_alloc(&a, 100) != NULL);
	CHECK(arena_alloc(&a, 2 * ARENA_BLOCK + 10) == NULL);
	CHECK(arena_alloc(&a, ARENA_BLOCK + 1000) != NULL);
	CHECK(a.total <= lim);
	arena_free(&a);
}

static void
fail_hook(void)
{
	struct arena a;

	arena_init(&a, 0);
	arena_fail_at(&a, 3);
	CHECK(arena_alloc(&a, 8) != NULL);
	CHECK(arena_strndup(&a, "x", 1) != NULL);
	CHECK(arena_alloc(&a, 8) == NULL);
	CHECK(arena_alloc(&a, 8) != NULL);
	CHECK(arena_alloc(&a, 8) != NULL);
	arena_fail_at(&a, 1);
	CHECK(arena_strndup(&a, "abc", 3) == NULL);
	arena_fail_at(&a, 2);
	arena_fail_at(&a, 0);
	CHECK(arena_alloc(&a, 8) != NULL);
	CHECK(arena_alloc(&a, 8) != NULL);
	arena_free(&a);
}

static void
peak_tracking(void)
{
	struct arena a;

	arena_init(&a, 0);
	arena_alloc(&a, 1000);
	arena_alloc(&a, 16); /* 1000 rounds up to 1008 */
	CHECK(a.live == 1024 && a.peak == 1024);
	arena_reset(&a);
	CHECK(a.live == 0 && a.peak == 1024);
	arena_alloc(&a, 10);
	CHECK(a.live == ARENA_ALIGN && a.peak == 1024);
	arena_alloc(&a, 5000);
	CHECK(a.peak == ARENA_ALIGN + 5008);
	arena_free(&a);
	CHECK(a.peak == 0 && a.live == 0);
}

static void
strndup_copies(void)
{
	struct arena a;
	char src[5] = {'a', '\0', 'b', 'c', 'd'};
	char *p;

	arena_init(&a, 0);
	p = arena_strndup(&a, src, 4);
	CHECK(p != NULL && memcmp(p, src, 4) == 0 && p[4] == '\0');
	p = arena_strndup(&a, NULL, 0);
	CHECK(p != NULL && p[0] == '\0');
	arena_free(&a);
}

static void
overflow_and_refusal(void)
{
	struct arena a;

	arena_init(&a, 0);
	CHECK(arena_alloc(&a, SIZE_MAX) == NULL);
	CHECK(arena_alloc(&a, SIZE_MAX - 3) == NULL);
	CHECK(arena_alloc(&a, SIZE_MAX - ARENA_ALIGN * 2) == NULL);
	CHECK(arena_strndup(&a, "", SIZE_MAX) == NULL);

	/* malloc itself refuses (needs allocator_may_return_null=1) */
	CHECK(arena_alloc(&a, (size_t)1 << 46) == NULL);
	CHECK(a.total == 0);
	CHECK(arena_alloc(&a, 1) != NULL);
	arena_free(&a);
}

static void
free_then_reuse(void)
{
	struct arena a;

	arena_init(&a, 5000);
	CHECK(arena_alloc(&a, 4000) != NULL);
	arena_free(&a);
	CHECK(a.limit == 5000 && a.total == 0 && a.cur == NULL);
	CHECK(arena_alloc(&a, 4000) != NULL);
	arena_reset(&a);
	arena_free(&a);
	arena_free(&a);
}

/*
 * Pages that each need a slightly larger array than the page before (as
 * token arrays do) must not keep one large block per page.
 */
static void
growing_pages_do_not_ratchet(void)
{
	struct arena a;
	size_t want = 5 * ARENA_BLOCK;
	int page;

	arena_init(&a, 0);
	for (page = 0; page < 40; page++) {
		arena_reset(&a);
		CHECK(arena_alloc(&a, 100) != NULL);
		CHECK(arena_alloc(&a, want) != NULL);
		want += 4096;
	}
	/* One large block plus a standard one, whatever the page count. */
	CHECK(a.total <= want + ARENA_BLOCK);
	/* Same sizes again: no new blocks needed, nothing freed. */
	arena_reset(&a);
	CHECK(arena_alloc(&a, want - 4096) != NULL);
	CHECK(a.total <= want + ARENA_BLOCK);
	arena_free(&a);
}

int
main(void)
{
	check_suite = "arena";
	RUN(alloc_aligned_distinct);
	RUN(growing_pages_do_not_ratchet);
	RUN(large_requests);
	RUN(reset_reuses_blocks);
	RUN(reuse_finds_fitting_block);
	RUN(limit_refuses);
	RUN(limit_after_reuse);
	RUN(fail_hook);
	RUN(peak_tracking);
	RUN(strndup_copies);
	RUN(overflow_and_refusal);
	RUN(free_then_reuse);
	return check_done();
}
