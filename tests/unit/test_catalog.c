#include <string.h>

#include "catalog.h"
#include "check.h"

static struct config created, updated;

static int
parse(struct catalog *k, const struct config *c, const char *json, char *err)
{
	return catalog_parse(k, c, json, strlen(json), err, 512);
}

#define ENTRY(name, mode)                                                      \
	"{\"stream\":{\"name\":\"" name "\",\"json_schema\":"                  \
	"{},\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":"       \
	"\"" mode "\",\"destination_sync_mode\":\"append\"}"

static void
selects_streams(void)
{
	struct catalog k;
	char err[512];

	CHECK(parse(&k, &created,
		      "{\"streams\":[" ENTRY("tags", "full_refresh") "," ENTRY(
			      "issues", "incremental") "]}",
		      err)
		== 0);
	CHECK(k.nselected == 2 && k.selected[S_TAGS] && k.selected[S_ISSUES]);
	CHECK(k.incremental[S_ISSUES] && !k.incremental[S_TAGS]);
	CHECK(!k.selected[S_USERS]);
	CHECK(parse(&k, &created, "{\"streams\":[]}", err) == 0
		&& k.nselected == 0);
}

static void
nulls_and_cursor(void)
{
	struct catalog k;
	char err[512];

	CHECK(parse(&k, &updated,
		      "{\"streams\":[{\"stream\":{\"name\":"
		      "\"issues\",\"namespace\":null},\"sync_mode\":"
		      "\"incremental\","
		      "\"cursor_field\":[\"updated_at\"],\"primary_key\":null,"
		      "\"generation_id\":null,\"destination_sync_mode\":"
		      "\"append\"},"
		      "{\"stream\":{\"name\":\"issue_messages\"},\"sync_mode\":"
		      "\"incremental\",\"cursor_field\":[\"issue_updated_at\"]}"
		      "]}",
		      err)
		== 0);
	CHECK(k.incremental[S_ISSUES] && k.incremental[S_ISSUE_MESSAGES]);
	CHECK(parse(&k, &created,
		      "{\"streams\":[{\"stream\":{\"name\":"
		      "\"issues\"},\"sync_mode\":\"incremental\",\"cursor_"
		      "field\":"
		      "null}]}",
		      err)
		== 0);
	CHECK(parse(&k, &created,
		      "{\"streams\":[{\"stream\":{\"name\":"
		      "\"issues\"},\"sync_mode\":\"incremental\",\"cursor_"
		      "field\":"
		      "[\"updated_at\"]}]}",
		      err)
			< 0
		&& strstr(err, "cursor_field"));
}

static int
rejects(const struct config *c, const char *json, const char *needle)
{
	struct catalog k;
	char err[512];
	int ok = parse(&k, c, json, err) < 0 && strstr(err, needle) != NULL;

	if (!ok) {
		printf("# %s -> %s\n", json, err);
	}
	return ok;
}

static void
errors(void)
{
	CHECK(rejects(&created,
		"{\"streams\":[{\"stream\":{\"name\":"
		"\"__AIRBYTE__stream_that_does_not_exist\"},\"sync_mode\":"
		"\"INVALID\",\"destination_sync_mode\":\"INVALID\"}]}",
		"__AIRBYTE__stream_that_does_not_exist"));
	CHECK(rejects(&created, "{\"streams\":[" ENTRY("tags", "INVALID") "]}",
		"invalid sync_mode"));
	CHECK(rejects(&created,
		"{\"streams\":[" ENTRY("tags", "incremental") "]}",
		"does not support incremental"));
	CHECK(rejects(&created,
		"{\"streams\":[" ENTRY("issue_messages", "incremental") "]}",
		"updated_at"));
	CHECK(rejects(&created,
		"{\"streams\":[" ENTRY("tags", "full_refresh") "," ENTRY(
			"tags", "full_refresh") "]}",
		"twice"));
	CHECK(rejects(&created,
		"{\"streams\":[{\"stream\":{\"name\":\"tags\","
		"\"namespace\":\"x\"},\"sync_mode\":\"full_refresh\"}]}",
		"namespace"));
	CHECK(rejects(&created,
		"{\"streams\":[{\"sync_mode\":"
		"\"full_refresh\"}]}",
		"stream"));
	CHECK(rejects(&created,
		"{\"streams\":[{\"stream\":{\"name\":7},"
		"\"sync_mode\":\"full_refresh\"}]}",
		"name"));
	CHECK(rejects(&created,
		"{\"streams\":["
		"{\"stream\":{\"name\":"
		"\"tags\"}}]}",
		"sync_mode"));
	CHECK(rejects(&created, "{\"streams\":[1]}", "not an object"));
	CHECK(rejects(&created, "{}", "streams"));
	CHECK(rejects(&created, "[]", "streams"));
	CHECK(rejects(&created, "{\"streams\":", "not valid JSON"));
}

int
main(void)
{
	check_suite = "catalog";
	memset(&created, 0, sizeof created);
	updated = created;
	updated.cursor = CURSOR_UPDATED_AT;
	RUN(selects_streams);
	RUN(nulls_and_cursor);
	RUN(errors);
	return check_done();
}
