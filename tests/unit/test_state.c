#include <string.h>

#include "check.h"
#include "state.h"

static int
parse(struct state_in *st, const char *json, char *err)
{
	return state_parse(st, json, strlen(json), err, 512);
}

static void
empty_forms(void)
{
	struct state_in st;
	char err[512];

	CHECK(parse(&st, "", err) == 0 && st.entries == 0);
	CHECK(parse(&st, " \n\t ", err) == 0 && st.entries == 0);
	CHECK(parse(&st, "[]", err) == 0 && st.entries == 0);
	CHECK(parse(&st, "{}", err) == 0 && !st.has_created[S_ISSUES]);
}

static void
stream_form(void)
{
	struct state_in st;
	char err[512];

	CHECK(parse(&st,
		      "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
		      "{\"name\":\"issues\",\"namespace\":null},\"stream_"
		      "state\":"
		      "{\"created_at\":\"2026-01-02T03:04:05Z\"}},"
		      "\"sourceStats\":"
		      "{\"recordCount\":3.0},\"id\":7},{\"type\":\"STREAM\","
		      "\"stream\":"
		      "{\"stream_descriptor\":{\"name\":\"tags\"},\"stream_"
		      "state\":"
		      "{\"__ab_no_cursor_state_message\":true}}},{\"type\":"
		      "\"STREAM\","
		      "\"stream\":{\"stream_descriptor\":{\"name\":\"issue_"
		      "threads\"},"
		      "\"stream_state\":{\"issue_updated_at\":\"2026-01-02T00:"
		      "00:00.5Z\""
		      "}}},{\"type\":\"STREAM\",\"stream\":{\"stream_"
		      "descriptor\":{"
		      "\"name\":\"nope\"},\"stream_state\":{\"created_at\":1}}}"
		      "]",
		      err)
		== 0);
	CHECK(st.form == STATE_STREAMS && st.entries == 4);
	CHECK(st.has_created[S_ISSUES]
		&& st.created_ms[S_ISSUES] == 1767323045000LL);
	CHECK(!st.has_updated[S_ISSUES]);
	CHECK(st.has_updated[S_ISSUE_THREADS]
		&& st.updated_ms[S_ISSUE_THREADS] == 1767312000500LL);
	CHECK(parse(&st,
		      "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor"
		      "\":{\"name\":\"issues\"},\"stream_state\":null}}]",
		      err)
		== 0);
	CHECK(!st.has_created[S_ISSUES]);
	CHECK(parse(&st,
		      "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor"
		      "\":{\"name\":\"issues\"},\"stream_state\":{\"updated_"
		      "at\":"
		      "\"2026-01-02T03:04:05+01:00\"}}}",
		      err)
		== 0);
	CHECK(st.has_updated[S_ISSUES]
		&& st.updated_ms[S_ISSUES] == 1767319445000LL);
}

static void
global_and_legacy(void)
{
	struct state_in st;
	char err[512];

	CHECK(parse(&st,
		      "[{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{},"
		      "\"stream_states\":[{\"stream_descriptor\":{\"name\":"
		      "\"issues\"},"
		      "\"stream_state\":{\"updated_at\":\"2026-01-01T00:00:"
		      "00Z\"}}]}}]",
		      err)
		== 0);
	CHECK(st.form == STATE_GLOBAL && st.has_updated[S_ISSUES]);
	CHECK(parse(&st,
		      "{\"issues\":{\"created_at\":\"2026-01-01T00:00:00Z\"},"
		      "\"tags\":{}}",
		      err)
		== 0);
	CHECK(st.form == STATE_LEGACY && st.has_created[S_ISSUES]);
	CHECK(parse(&st,
		      "[{\"type\":\"LEGACY\",\"data\":{\"issues\":"
		      "{\"created_at\":\"2026-01-01T00:00:00Z\"}}}]",
		      err)
		== 0);
	CHECK(st.has_created[S_ISSUES]);
	CHECK(parse(&st,
		      "[{\"data\":{\"issues\":{\"created_at\":"
		      "\"2026-01-01T00:00:00Z\"}}}]",
		      err)
		== 0);
	CHECK(st.has_created[S_ISSUES]);
}

static int
rejects(const char *json, const char *needle)
{
	struct state_in st;
	char err[512];
	int ok = parse(&st, json, err) < 0 && strstr(err, needle) != NULL;

	if (!ok) {
		printf("# %s -> %s\n", json, err);
	}
	return ok;
}

static void
garbage(void)
{
	CHECK(rejects("not json", "not valid JSON"));
	CHECK(rejects("42", "JSON array"));
	CHECK(rejects("[1]", "not an object"));
	CHECK(rejects("[{\"type\":\"WHAT\"}]", "unknown type"));
	CHECK(rejects("[{\"type\":\"STREAM\"}]", "'stream'"));
	CHECK(rejects(
		"[{\"type\":\"STREAM\",\"stream\":{}}]", "stream_descriptor"));
	CHECK(rejects("[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
		      "{\"name\":5}}}]",
		"name"));
	CHECK(rejects("[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
		      "{\"name\":\"issues\"},\"stream_state\":{\"created_at\":"
		      "\"yesterday\"}}}]",
		"created_at"));
	CHECK(rejects(
		"[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
		"{\"name\":\"issues\"},\"stream_state\":{\"created_at\":5}}}]",
		"created_at"));
	CHECK(rejects("[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
		      "{\"name\":\"issues\"},\"stream_state\":[1]}}]",
		"object"));
	CHECK(rejects(
		"[{\"type\":\"GLOBAL\",\"global\":{}}]", "stream_states"));
}

int
main(void)
{
	check_suite = "state";
	RUN(empty_forms);
	RUN(stream_form);
	RUN(global_and_legacy);
	RUN(garbage);
	return check_done();
}
