#include <string.h>

#include "check.h"
#include "page.h"

static struct arena a;

static int
doc(struct json_doc *d, const char *s)
{
	struct json_error e;

	arena_reset(&a);
	return json_parse(d, s, strlen(s), &a, NULL, &e);
}

static void
data_shapes(void)
{
	struct json_doc d;
	uint32_t arr;
	char why[200];

	CHECK(doc(&d, "{\"data\":[{\"id\":1},{\"id\":2}],\"request_id\":\"r\"}")
		== 0);
	CHECK(page_data(&d, &arr, why, sizeof why) == 0 && arr != 0
		&& d.tok[arr].size == 2);
	CHECK(doc(&d, "{\"request_id\":\"r\"}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) == 0 && arr == 0);
	CHECK(doc(&d, "{\"data\":null}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) == 0 && arr == 0);
	CHECK(doc(&d, "{\"data\":{\"data\":[{\"id\":1}]}}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) == 0 && arr != 0
		&& d.tok[arr].size == 1);
	CHECK(doc(&d, "{\"data\":\"oops\"}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) < 0);
	CHECK(doc(&d, "{\"data\":{\"id\":1}}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) < 0);
	CHECK(doc(&d, "{\"data\":[1]}") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) < 0);
	CHECK(doc(&d, "[{\"id\":1}]") == 0);
	CHECK(page_data(&d, &arr, why, sizeof why) < 0);
}

static void
cursors(void)
{
	struct pager p;
	struct json_doc d;
	char why[200];

	pager_init(&p);
	CHECK(doc(&d,
		      "{\"data\":[],\"pagination\":{\"cursor\":\"abc\","
		      "\"has_next_page\":true}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 1);
	CHECK(p.more && strcmp(p.cursor, "abc") == 0);
	CHECK(doc(&d,
		      "{\"pagination\":{\"cursor\":\"def\","
		      "\"has_next_page\":true}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 1);
	/* A cursor seen before is a loop, not a page. */
	CHECK(doc(&d,
		      "{\"pagination\":{\"cursor\":\"abc\","
		      "\"has_next_page\":true}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) < 0);
	CHECK(strstr(why, "repeated") != NULL);

	pager_init(&p);
	CHECK(doc(&d,
		      "{\"pagination\":{\"cursor\":\"\","
		      "\"has_next_page\":false}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 0 && !p.more);
	CHECK(doc(&d, "{\"data\":[]}") == 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 0);
	CHECK(doc(&d, "{\"pagination\":{\"cursor\":\"x\"}}") == 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 0);
	CHECK(doc(&d,
		      "{\"pagination\":{\"cursor\":\"\","
		      "\"has_next_page\":true}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) < 0);
	CHECK(doc(&d,
		      "{\"pagination\":{\"cursor\":\"a\\u0000b\","
		      "\"has_next_page\":true}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) < 0);
	CHECK(strstr(why, "NUL") != NULL);
	CHECK(doc(&d, "{\"pagination\":{\"has_next_page\":\"yes\"}}") == 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) < 0);
	CHECK(doc(&d, "{\"pagination\":7}") == 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) < 0);
	CHECK(doc(&d,
		      "{\"data\":{\"data\":[],\"pagination\":{\"cursor\":\"q\","
		      "\"has_next_page\":true}}}")
		== 0);
	CHECK(pager_advance(&p, &d, &a, why, sizeof why) == 1);
}

int
main(void)
{
	check_suite = "page";
	arena_init(&a, 1 << 20);
	RUN(data_shapes);
	RUN(cursors);
	arena_free(&a);
	return check_done();
}
