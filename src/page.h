/*
 * page: the shape of a Pylon list response, and cursor pagination.
 *
 * A page is {"data": [...], "pagination": {"cursor", "has_next_page"},
 * "request_id"}.  Missing or null data means no records (Pylon sends only
 * request_id for some empty results); missing pagination, has_next_page
 * false, or an empty cursor end the listing.  One named leniency: a data
 * object that itself holds a "data" array ({"data": {"data": [...]}}, a
 * shape one client reports from some endpoints) is read through.
 *
 * The pager refuses to loop: has_next_page true without a cursor, a
 * cursor seen before in the same listing, a cursor longer than
 * PAGE_MAX_CURSOR or more than PAGE_MAX_PAGES pages are errors, never an
 * endless listing.
 */
#ifndef SP_PAGE_H
#define SP_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define PAGE_MAX_CURSOR 2048
#define PAGE_MAX_PAGES 10000000UL
#define PAGE_SEEN 64

struct pager {
	char cursor[PAGE_MAX_CURSOR + 1]; /* next cursor, NUL-terminated */
	int more;                         /* a next page exists */
	unsigned long pages;              /* pages consumed */
	uint64_t seen[PAGE_SEEN];         /* hashes of recent cursors */
};

void pager_init(struct pager *p);

/*
 * The data array of a page: *arr is its token, or 0 when the page has no
 * records.  Returns 0, or -1 with a reason when the page has the wrong
 * shape (not an object, data neither array nor null, a record that is
 * not an object).
 */
int page_data(
	const struct json_doc *d, uint32_t *arr, char *why, size_t whylen);

/*
 * Record the page's pagination.  Returns 1 when another page follows
 * (p->cursor holds its cursor), 0 at the end, -1 with a reason on a loop
 * or malformed pagination.
 */
int pager_advance(struct pager *p, const struct json_doc *d, struct arena *a,
	char *why, size_t whylen);

#endif
