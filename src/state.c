/*
 * state: see state.h.
 */
#include "state.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "errf.h"
#include "json.h"
#include "ts.h"

/* One checkpoint field ("created_at" or "updated_at") of stream s. */
static int
take_cursor(const struct json_doc *d, uint32_t obj, const char *key,
	const char *sname, struct arena *a, int *has, int64_t *ms, char *err,
	size_t errlen)
{
	const char *v;
	size_t n;
	int rc;

	rc = json_get_str(d, obj, key, a, &v, &n);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"state for stream '%s': '%s' must be a "
			"date-time string",
			sname, key);
	}
	if (ts_parse(v, n, ms) < 0) {
		return errf(err, errlen,
			"state for stream '%s': '%s' is not a "
			"valid date-time: '%.60s'",
			sname, key, v);
	}
	*has = 1;
	return 0;
}

/* stream_state (or a legacy per-stream value) for the stream named name. */
static int
take_stream(struct state_in *st, const struct json_doc *d, uint32_t name,
	uint32_t value, struct arena *a, char *err, size_t errlen)
{
	const char *sname;
	size_t n;
	int s;

	if (json_str(d, name, a, &sname, &n) < 0) {
		return errf(err, errlen, "out of memory reading the state");
	}
	st->entries++;
	s = stream_find(sname, n);
	if (s != S_ISSUES && s != S_ISSUE_MESSAGES && s != S_ISSUE_THREADS) {
		return 0; /* unknown, or a full-refresh stream: no meaning */
	}
	if (value == 0 || d->tok[value].type == JSON_NULL) {
		return 0;
	}
	if (d->tok[value].type != JSON_OBJECT) {
		return errf(err, errlen,
			"state for stream '%s' must be an "
			"object",
			sname);
	}
	st->has_created[s] = st->has_updated[s] = 0;
	if (take_cursor(d, value, "created_at", sname, a, &st->has_created[s],
		    &st->created_ms[s], err, errlen)
		< 0)
	{
		return -1;
	}
	if (take_cursor(d, value, "updated_at", sname, a, &st->has_updated[s],
		    &st->updated_ms[s], err, errlen)
		< 0)
	{
		return -1;
	}
	/* Children checkpoint on their parent's updated_at. */
	if (s != S_ISSUES
		&& take_cursor(d, value, "issue_updated_at", sname, a,
			   &st->has_updated[s], &st->updated_ms[s], err, errlen)
			< 0)
	{
		return -1;
	}
	return 0;
}

/* {"stream_descriptor": {"name": ...}, "stream_state": {...}} */
static int
take_stream_state(struct state_in *st, const struct json_doc *d, uint32_t ss,
	struct arena *a, size_t idx, char *err, size_t errlen)
{
	uint32_t desc, name;

	if (d->tok[ss].type != JSON_OBJECT
		|| json_get_obj(d, ss, "stream_descriptor", &desc)
			!= JSON_GET_OK)
	{
		return errf(err, errlen,
			"state entry %zu has no "
			"stream_descriptor object",
			idx);
	}
	name = json_member(d, desc, "name");
	if (name == 0 || d->tok[name].type != JSON_STRING) {
		return errf(err, errlen,
			"state entry %zu: stream_descriptor.name "
			"is missing or not a string",
			idx);
	}
	return take_stream(st, d, name, json_member(d, ss, "stream_state"), a,
		err, errlen);
}

static int
take_legacy(struct state_in *st, const struct json_doc *d, uint32_t obj,
	struct arena *a, char *err, size_t errlen)
{
	struct json_iter it;
	uint32_t key, val;

	st->form = STATE_LEGACY;
	json_iter_init(d, obj, &it);
	while (json_iter_member(d, &it, &key, &val)) {
		if (take_stream(st, d, key, val, a, err, errlen) < 0) {
			return -1;
		}
	}
	return 0;
}

static int
take_entry(struct state_in *st, const struct json_doc *d, uint32_t e,
	struct arena *a, size_t idx, char *err, size_t errlen)
{
	struct json_iter it;
	uint32_t type, obj, ss;
	size_t k = 0;

	if (d->tok[e].type != JSON_OBJECT) {
		return errf(
			err, errlen, "state entry %zu is not an object", idx);
	}
	type = json_member(d, e, "type");
	if (type != 0 && json_str_eq(d, type, "STREAM")) {
		st->form = STATE_STREAMS;
		if (json_get_obj(d, e, "stream", &obj) != JSON_GET_OK) {
			return errf(err, errlen,
				"state entry %zu of type STREAM "
				"has no 'stream' object",
				idx);
		}
		return take_stream_state(st, d, obj, a, idx, err, errlen);
	}
	if (type != 0 && json_str_eq(d, type, "GLOBAL")) {
		st->form = STATE_GLOBAL;
		if (json_get_obj(d, e, "global", &obj) != JSON_GET_OK
			|| json_get_arr(d, obj, "stream_states", &ss)
				!= JSON_GET_OK)
		{
			return errf(err, errlen,
				"state entry %zu of type GLOBAL "
				"has no global.stream_states array",
				idx);
		}
		json_iter_init(d, ss, &it);
		while (json_iter_next(d, &it, &obj)) {
			if (take_stream_state(st, d, obj, a, k++, err, errlen)
				< 0) {
				return -1;
			}
		}
		return 0;
	}
	if ((type == 0 || json_str_eq(d, type, "LEGACY"))
		&& json_get_obj(d, e, "data", &obj) == JSON_GET_OK)
	{
		return take_legacy(st, d, obj, a, err, errlen);
	}
	return errf(err, errlen,
		"state entry %zu has an unknown type (expected "
		"STREAM, GLOBAL or LEGACY)",
		idx);
}

int
state_parse(struct state_in *st, const char *src, size_t n, char *err,
	size_t errlen)
{
	struct json_doc d;
	struct json_error je;
	struct json_iter it;
	struct arena a;
	uint32_t e;
	size_t i, idx = 0;
	int rc = -1;

	memset(st, 0, sizeof *st);
	for (i = 0; i < n; i++) {
		if (src[i] != ' ' && src[i] != '\t' && src[i] != '\n'
			&& src[i] != '\r') {
			break;
		}
	}
	if (i == n) {
		return 0; /* empty file: no state */
	}
	arena_init(&a, 256u << 20);
	if (json_parse(&d, src, n, &a, NULL, &je) != JSON_OK) {
		errf(err, errlen,
			"the state file is not valid JSON: %s at byte "
			"%zu",
			json_strerror(je.code), je.offset);
		goto out;
	}
	if (d.tok[0].type == JSON_OBJECT) {
		/* One state message not wrapped in an array, or legacy data. */
		e = json_member(&d, 0, "type");
		if (e != 0 && d.tok[e].type == JSON_STRING) {
			rc = take_entry(st, &d, 0, &a, 0, err, errlen);
		} else {
			rc = take_legacy(st, &d, 0, &a, err, errlen);
		}
		goto out;
	}
	if (d.tok[0].type != JSON_ARRAY) {
		errf(err, errlen,
			"the state must be a JSON array of state "
			"messages (or a legacy object)");
		goto out;
	}
	json_iter_init(&d, 0, &it);
	while (json_iter_next(&d, &it, &e)) {
		if (take_entry(st, &d, e, &a, idx++, err, errlen) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	arena_free(&a);
	return rc;
}
