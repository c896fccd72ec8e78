/*
 * json tokenizer under attack: inputs whose last byte is the last byte
 * before an unmapped page (so one byte of over-read faults), every
 * truncation and every one-byte change of valid documents placed there,
 * and arena failure at each allocation a parse makes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "json.h"

static struct arena A;
static unsigned char *guard_base;
static size_t page;

/* Documents that are valid as a whole; the last byte of each matters. */
static const char *const valid[] = {
	("{\"id\":\"b5eb9159\",\"number\":1234,\"tags\":[\"bug\"],"
	 "\"owner\":null,\"ok\":true,\"no\":false,\"x\":-1.5e+3}"),
	"[\"\\ud83d\\ude00\",\"\\u00e9\\n\\\"\"]",
	"\"0123456789abcdef\\u20ac\xe2\x82\xac\xf0\x9f\x98\x80\"",
	"  [ [ ] , { } , [ { \"a\" : [ 1 ] } ] ]  ",
	"\"\\uD800\\uDC00\"",
	"{\"k\":\"ab\xc3\xa9\"}",
	"true",
	"null",
	"\"\"",
	"-0",
	"123456789012",
};

/* Map two pages and make the second one inaccessible. */
static int
guard_init(void)
{
	void *p;

	page = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		return -1;
	}
	guard_base = p;
	return mprotect(guard_base + page, page, PROT_NONE);
}

/* A copy of s[0..n) ending exactly at the unmapped page. */
static const char *
at_guard(const char *s, size_t n)
{
	unsigned char *p = guard_base + page - n;

	if (n > 0) {
		memcpy(p, s, n);
	}
	return (const char *)p;
}

static int
parse_guarded(struct json_doc *d, const char *s, size_t n, struct json_error *e)
{
	arena_reset(&A);
	return json_parse(d, at_guard(s, n), n, &A, NULL, e);
}

static void
valid_at_guard(void)
{
	struct json_doc d;
	struct json_error e;
	size_t i;

	for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		CHECK(parse_guarded(&d, valid[i], strlen(valid[i]), &e)
			== JSON_OK);
		CHECK(d.ntok > 0 && d.tok[0].next == d.ntok);
	}
	CHECK(parse_guarded(&d, "", 0, &e) == JSON_E_SYNTAX && e.offset == 0);
}

/*
 * Whether the prefix s[0..n) of a valid document may itself be valid:
 * only when the document is a bare number and the prefix ends on a digit,
 * or the document is padded and the prefix drops only padding.
 */
static int
prefix_may_parse(const char *s, size_t n)
{
	size_t i, full = strlen(s);

	for (i = n; i < full && s[i] == ' '; i++) {
	}
	if (i == full) {
		return 1;
	}
	return (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && n > 0
		&& s[n - 1] >= '0' && s[n - 1] <= '9';
}

static void
truncations_at_guard(void)
{
	struct json_doc d;
	struct json_error e;
	size_t i, n, len;
	int r;

	for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		len = strlen(valid[i]);
		for (n = 0; n < len; n++) {
			r = parse_guarded(&d, valid[i], n, &e);
			CHECK(e.offset <= n);
			if (!prefix_may_parse(valid[i], n)) {
				CHECK(r != JSON_OK && d.ntok == 0);
			}
		}
	}
}

/*
 * Every byte of every valid document replaced by each of a set of
 * troublesome values, at the guard page: no crash, no over-read, and
 * errors point inside the input.
 */
static void
mutations_at_guard(void)
{
	static const unsigned char subst[] = {0x00, 0x1f, '"', '\\', 'u', '[',
		']', '{', '}', ',', ':', '0', '-', '.', 'e', 0x80, 0xc3, 0xe2,
		0xed, 0xf0, 0xf4, 0xff};
	char buf[256];
	struct json_doc d;
	struct json_error e;
	size_t i, j, k, len;
	int r;

	for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		len = strlen(valid[i]);
		for (j = 0; j < len; j++) {
			for (k = 0; k < sizeof subst; k++) {
				memcpy(buf, valid[i], len);
				buf[j] = (char)subst[k];
				r = parse_guarded(&d, buf, len, &e);
				CHECK(e.offset <= len);
				CHECK((r == JSON_OK) == (d.ntok > 0));
			}
		}
	}
}

/* Strings and numbers ending at every alignment against the guard. */
static void
scanner_alignment(void)
{
	char buf[64];
	struct json_doc d;
	struct json_error e;
	size_t n;

	for (n = 2; n < 40; n++) {
		memset(buf, 'a', n);
		buf[0] = '"';
		buf[n - 1] = '"';
		CHECK(parse_guarded(&d, buf, n, &e) == JSON_OK);
		CHECK(d.tok[0].end == n);
		/* no closing quote: the scanner must stop at the end */
		buf[n - 1] = 'a';
		CHECK(parse_guarded(&d, buf, n, &e) == JSON_E_SYNTAX);
		CHECK(e.offset == n);
		/* a backslash as the very last byte */
		buf[n - 1] = '\\';
		CHECK(parse_guarded(&d, buf, n, &e) == JSON_E_SYNTAX);
		/* a UTF-8 lead byte as the very last byte */
		buf[n - 1] = (char)0xe2;
		CHECK(parse_guarded(&d, buf, n, &e) == JSON_E_UTF8);
		CHECK(e.offset == n - 1);
		memset(buf, '7', n);
		CHECK(parse_guarded(&d, buf, n, &e) == JSON_OK);
	}
}

/* A document needing several token-array copies: [1,1,...]. */
static size_t
ones(char *buf, size_t count)
{
	size_t i, w = 0;

	buf[w++] = '[';
	for (i = 0; i < count; i++) {
		buf[w++] = '1';
		buf[w++] = ',';
	}
	buf[w - 1] = ']';
	return w;
}

/*
 * Fail the n-th arena allocation for n = 1, 2, ... until a parse
 * succeeds: every failure must be JSON_E_NOMEM with no tokens, and the
 * final parse must match a parse with no failure.
 */
static void
nomem_at_every_allocation(void)
{
	static char big[2 * 3000 + 2];
	const char *docs[4];
	size_t lens[4], i, base_ntok;
	unsigned long n, needed;
	struct arena a;
	struct json_doc d;
	struct json_error e;
	int r;

	docs[0] = valid[0];
	docs[1] = valid[3];
	docs[2] = "7";
	docs[3] = big;
	for (i = 0; i < 3; i++) {
		lens[i] = strlen(docs[i]);
	}
	lens[3] = ones(big, 3000);

	for (i = 0; i < 4; i++) {
		arena_init(&a, 0);
		r = json_parse(&d, docs[i], lens[i], &a, NULL, &e);
		CHECK(r == JSON_OK);
		base_ntok = d.ntok;
		arena_free(&a);
		needed = 0;
		for (n = 1; n < 100; n++) {
			arena_init(&a, 0);
			arena_fail_at(&a, n);
			r = json_parse(&d, docs[i], lens[i], &a, NULL, &e);
			if (r == JSON_OK) {
				CHECK(d.ntok == base_ntok);
				arena_free(&a);
				needed = n - 1;
				break;
			}
			CHECK(r == JSON_E_NOMEM && e.code == JSON_E_NOMEM);
			CHECK(d.ntok == 0 && d.tok == NULL);
			CHECK(e.offset < lens[i]);
			arena_free(&a);
		}
		CHECK(needed >= 1);
		if (i == 3) {
			CHECK(needed >= 3); /* the array was copied twice */
		}
	}
}

/* A page-sized document of mixed values at the guard, as a whole. */
static void
page_sized_document(void)
{
	static char buf[8192];
	struct json_doc d;
	struct json_error e;
	size_t w = 0;
	int i = 0;

	buf[w++] = '[';
	while (w < page - 40 && w < sizeof buf - 40) {
		w += (size_t)snprintf(buf + w, sizeof buf - w,
			"{\"n\":%d,"
			"\"s\":\"x\\u00e9\xc3\xa9y\",\"z\":null},",
			i++);
	}
	buf[w - 1] = ']';
	CHECK(parse_guarded(&d, buf, w, &e) == JSON_OK);
	CHECK(d.ntok == 1 + (size_t)i * 7 && d.tok[0].size == (uint32_t)i);
}

int
main(void)
{
	check_suite = "json_attack";
	arena_init(&A, 0);
	if (guard_init() != 0) {
		printf("FAIL json_attack: guard page: mmap/mprotect failed\n");
		return 1;
	}
	RUN(valid_at_guard);
	RUN(truncations_at_guard);
	RUN(mutations_at_guard);
	RUN(scanner_alignment);
	RUN(nomem_at_every_allocation);
	RUN(page_sized_document);
	munmap(guard_base, 2 * page);
	arena_free(&A);
	return check_done();
}
