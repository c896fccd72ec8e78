/*
 * catalog: see catalog.h.
 */
#include "catalog.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "errf.h"
#include "json.h"

int
catalog_supports_incremental(const struct config *c, int s)
{
	if (s == S_ISSUES) {
		return 1;
	}
	if (s == S_ISSUE_MESSAGES || s == S_ISSUE_THREADS) {
		return c->cursor == CURSOR_UPDATED_AT;
	}
	return 0;
}

/*
 * cursor_field, when given, must be the stream's own cursor: the configured
 * issues_cursor_field for issues, issue_updated_at for its children.
 */
static int
check_cursor(const struct json_doc *d, uint32_t entry, const struct config *c,
	int s, const char *name, char *err, size_t errlen)
{
	uint32_t arr, el;
	struct json_iter it;
	const char *want = s == S_ISSUES ? config_cursor_name(c->cursor)
					 : "issue_updated_at";
	int rc;

	rc = json_get_arr(d, entry, "cursor_field", &arr);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"catalog stream '%s': cursor_field must "
			"be an array of strings",
			name);
	}
	if (d->tok[arr].size == 0) {
		return 0;
	}
	json_iter_init(d, arr, &it);
	json_iter_next(d, &it, &el);
	if (d->tok[arr].size != 1 || !json_str_eq(d, el, want)) {
		return errf(err, errlen,
			"catalog stream '%s': cursor_field must "
			"be [\"%s\"] (the source defines the cursor; set "
			"issues_cursor_field in the config to change it)",
			name, want);
	}
	return 0;
}

static int
parse_entry(struct catalog *k, const struct config *c, const struct json_doc *d,
	uint32_t entry, struct arena *a, size_t idx, char *err, size_t errlen)
{
	const char *name, *mode;
	size_t nlen, mlen;
	uint32_t stream;
	int rc, s;

	if (d->tok[entry].type != JSON_OBJECT) {
		return errf(err, errlen,
			"catalog streams[%zu] is not an object", idx);
	}
	if (json_get_obj(d, entry, "stream", &stream) != JSON_GET_OK) {
		return errf(err, errlen,
			"catalog streams[%zu] has no 'stream' "
			"object",
			idx);
	}
	rc = json_get_str(d, stream, "name", a, &name, &nlen);
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"catalog streams[%zu].stream.name is "
			"missing or not a string",
			idx);
	}
	s = stream_find(name, nlen);
	if (s < 0) {
		return errf(err, errlen,
			"catalog stream '%.100s' is not a Pylon "
			"stream this connector knows; run discover for the "
			"list",
			name);
	}
	if (k->selected[s]) {
		return errf(
			err, errlen, "catalog lists stream '%s' twice", name);
	}
	rc = json_get_str(d, stream, "namespace", a, &mode, &mlen);
	if (rc != JSON_GET_ABSENT && rc != JSON_GET_NULL) {
		return errf(err, errlen,
			"catalog stream '%s' has a namespace; "
			"this source defines none",
			name);
	}

	/* sync_mode */
	rc = json_get_str(d, entry, "sync_mode", a, &mode, &mlen);
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"catalog stream '%s': sync_mode is "
			"missing or not a string",
			name);
	}
	if (strcmp(mode, "full_refresh") == 0) {
		k->incremental[s] = 0;
	} else if (strcmp(mode, "incremental") == 0) {
		if (!catalog_supports_incremental(c, s)) {
			return errf(err, errlen,
				"catalog stream '%s' does not "
				"support incremental sync%s",
				name,
				s == S_ISSUE_MESSAGES || s == S_ISSUE_THREADS
					? " unless issues_cursor_field is "
					  "updated_at"
					: "");
		}
		k->incremental[s] = 1;
	} else {
		return errf(err, errlen,
			"catalog stream '%s': invalid sync_mode "
			"'%.40s' (expected full_refresh or incremental)",
			name, mode);
	}
	if (k->incremental[s]
		&& check_cursor(d, entry, c, s, name, err, errlen) < 0) {
		return -1;
	}
	k->selected[s] = 1;
	k->nselected++;
	return 0;
}

int
catalog_parse(struct catalog *k, const struct config *c, const char *src,
	size_t n, char *err, size_t errlen)
{
	struct json_doc d;
	struct json_error je;
	struct json_iter it;
	struct arena a;
	uint32_t streams, entry;
	size_t idx = 0;
	int rc = -1;

	memset(k, 0, sizeof *k);
	arena_init(&a, 256u << 20);
	if (json_parse(&d, src, n, &a, NULL, &je) != JSON_OK) {
		errf(err, errlen,
			"the catalog file is not valid JSON: %s at "
			"byte %zu",
			json_strerror(je.code), je.offset);
		goto out;
	}
	if (d.tok[0].type != JSON_OBJECT
		|| json_get_arr(&d, 0, "streams", &streams) != JSON_GET_OK)
	{
		errf(err, errlen,
			"the catalog must be an object with a "
			"'streams' array");
		goto out;
	}
	json_iter_init(&d, streams, &it);
	while (json_iter_next(&d, &it, &entry)) {
		if (parse_entry(k, c, &d, entry, &a, idx++, err, errlen) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	arena_free(&a);
	return rc;
}
