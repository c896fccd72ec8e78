/*
 * page: see page.h.
 */
#include "page.h"

#include <stdio.h>
#include <string.h>

void
pager_init(struct pager *p)
{
	memset(p, 0, sizeof *p);
}

int
page_data(const struct json_doc *d, uint32_t *arr, char *why, size_t whylen)
{
	struct json_iter it;
	uint32_t data, inner, el;

	*arr = 0;
	if (d->ntok == 0 || d->tok[0].type != JSON_OBJECT) {
		snprintf(why, whylen, "the response is not a JSON object");
		return -1;
	}
	data = json_member(d, 0, "data");
	if (data == 0 || d->tok[data].type == JSON_NULL) {
		return 0;
	}
	if (d->tok[data].type == JSON_OBJECT) {
		inner = json_member(d, data, "data");
		if (inner != 0 && d->tok[inner].type == JSON_ARRAY) {
			data = inner;
		}
	}
	if (d->tok[data].type != JSON_ARRAY) {
		snprintf(why, whylen, "the response's \"data\" is not a list");
		return -1;
	}
	json_iter_init(d, data, &it);
	while (json_iter_next(d, &it, &el)) {
		if (d->tok[el].type != JSON_OBJECT) {
			snprintf(why, whylen,
				"a record in \"data\" is not a "
				"JSON object");
			return -1;
		}
	}
	*arr = data;
	return 0;
}

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	}
	return h;
}

/* pagination object: top level, or inside a double-wrapped data. */
static uint32_t
pagination_of(const struct json_doc *d)
{
	uint32_t p, data;

	p = json_member(d, 0, "pagination");
	if (p == 0) {
		data = json_member(d, 0, "data");
		if (data != 0 && d->tok[data].type == JSON_OBJECT) {
			p = json_member(d, data, "pagination");
		}
	}
	return p;
}

int
pager_advance(struct pager *p, const struct json_doc *d, struct arena *a,
	char *why, size_t whylen)
{
	uint32_t pg;
	const char *c;
	size_t n, i;
	int more, rc;
	uint64_t h;

	p->pages++;
	p->more = 0;
	pg = pagination_of(d);
	if (pg == 0 || d->tok[pg].type == JSON_NULL) {
		return 0;
	}
	if (d->tok[pg].type != JSON_OBJECT) {
		snprintf(why, whylen, "\"pagination\" is not an object");
		return -1;
	}
	rc = json_get_bool(d, pg, "has_next_page", &more);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		more = 0;
	} else if (rc != JSON_GET_OK) {
		snprintf(why, whylen, "\"has_next_page\" is not a boolean");
		return -1;
	}
	if (!more) {
		return 0;
	}
	rc = json_get_str(d, pg, "cursor", a, &c, &n);
	if (rc != JSON_GET_OK || n == 0) {
		snprintf(why, whylen,
			"the server says another page follows "
			"but gives no cursor for it");
		return -1;
	}
	if (memchr(c, '\0', n) != NULL) {
		snprintf(why, whylen,
			"the pagination cursor contains a NUL "
			"byte");
		return -1;
	}
	if (n > PAGE_MAX_CURSOR) {
		snprintf(why, whylen,
			"the pagination cursor is longer than "
			"%d bytes",
			PAGE_MAX_CURSOR);
		return -1;
	}
	h = hash(c, n);
	for (i = 0; i < PAGE_SEEN; i++) {
		if (p->seen[i] == h && h != 0) {
			snprintf(why, whylen,
				"the server repeated a pagination "
				"cursor (page %lu); stopping instead of "
				"looping",
				p->pages);
			return -1;
		}
	}
	if (p->pages >= PAGE_MAX_PAGES) {
		snprintf(why, whylen, "more than %lu pages in one listing",
			PAGE_MAX_PAGES);
		return -1;
	}
	p->seen[p->pages % PAGE_SEEN] = h;
	memcpy(p->cursor, c, n);
	p->cursor[n] = '\0';
	p->more = 1;
	return 1;
}
