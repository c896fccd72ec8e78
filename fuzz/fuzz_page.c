/*
 * Fuzz the page-to-records path: a whole Pylon response in, Airbyte RECORD
 * lines out.  Whatever the response, every line emitted must parse as JSON
 * and be a RECORD whose data is a non-empty object carrying the added
 * parent fields; the pager must end or fail, never loop.
 */
#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "json.h"
#include "out.h"
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena a, check;

static void
check_lines(const struct buf *b)
{
	static const struct json_limits lim = {128, 1u << 20, 1u << 24};
	struct json_doc d;
	struct json_error e;
	size_t start = 0, i;
	uint32_t rec, dat, id;

	for (i = 0; i < b->len; i++) {
		if (b->p[i] != '\n') {
			continue;
		}
		arena_reset(&check);
		assert(json_parse(&d, b->p + start, i - start, &check, &lim, &e)
			== JSON_OK);
		assert(json_str_eq(&d, json_member(&d, 0, "type"), "RECORD"));
		rec = json_member(&d, 0, "record");
		dat = json_member(&d, rec, "data");
		assert(d.tok[dat].type == JSON_OBJECT && d.tok[dat].size > 0);
		id = json_member(&d, dat, "issue_id");
		assert(id != 0 && d.tok[id].type == JSON_STRING);
		start = i + 1;
	}
	assert(start == b->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct json_limits lim = {64, 1u << 16, 1u << 20};
	static int ready;
	const char *kv[4] = {"issue_id", "iss-1", "issue_updated_at",
		"2026-01-01T00:00:00Z"};
	struct emitter em;
	struct json_doc d;
	struct json_error e;
	struct json_iter it;
	struct pager pg;
	uint32_t arr, rec;
	char why[200];

	if (!ready) {
		arena_init(&a, 64u << 20);
		arena_init(&check, 64u << 20);
		out_init(open("/dev/null", O_WRONLY));
		ready = 1;
	}
	arena_reset(&a);
	if (json_parse(&d, (const char *)data, size, &a, &lim, &e) != JSON_OK) {
		return 0;
	}
	emit_init(&em, "issue_messages");
	if (page_data(&d, &arr, why, sizeof why) == 0 && arr != 0) {
		json_iter_init(&d, arr, &it);
		while (json_iter_next(&d, &it, &rec)) {
			assert(emit_record(&em, &d, rec, kv, 2, 1) >= 0);
		}
		check_lines(&em.lines);
	}
	pager_init(&pg);
	(void)pager_advance(&pg, &d, &a, why, sizeof why);
	assert(!pg.more || pg.cursor[0] != '\0');
	emit_free(&em);
	return 0;
}
