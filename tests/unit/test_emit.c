#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "emit.h"
#include "out.h"

static struct arena a;

static char *
run_capture(void (*fn)(void))
{
	char path[] = "/tmp/sp-emit-XXXXXX";
	int fd = mkstemp(path);
	char *s = calloc(1, 1 << 20);
	ssize_t n;

	unlink(path);
	out_init(fd);
	fn();
	out_flush();
	lseek(fd, 0, SEEK_SET);
	n = read(fd, s, (1 << 20) - 1);
	s[n > 0 ? n : 0] = '\0';
	close(fd);
	out_init(1);
	return s;
}

static void
emit_some(void)
{
	static const char page[]
		= "{ \"data\" : [ {\"id\": \"m1\", \"issue_id\": null, \"x\": "
		  "[1, "
		  "2]},\n {\"id\":\"m2\",\"issue_id\":\"other\"}, {}, "
		  "{\"id\":\"m3\"}"
		  " ] }";
	const char *kv[4] = {"issue_id", "iss\"1", "issue_updated_at",
		"2026-01-01T00:00:00Z"};
	struct emitter em;
	struct json_doc d;
	struct json_error e;
	struct json_iter it;
	uint32_t data, rec, last = 0;

	emit_init(&em, "issue_messages");
	json_parse(&d, page, sizeof page - 1, &a, NULL, &e);
	data = json_member(&d, 0, "data");
	json_iter_init(&d, data, &it);
	while (json_iter_next(&d, &it, &rec)) {
		emit_record(&em, &d, rec, kv, 1, 1234);
		last = rec;
	}
	emit_state_cursor(&em, "updated_at", 1767312000000LL);
	emit_record(&em, &d, last, kv, 2, 99);
	emit_state_cursor(&em, "issue_updated_at", 1767312000500LL);
	emit_state_done(&em);
	emit_free(&em);
}

static void
records_and_states(void)
{
	char *s = run_capture(emit_some);

	CHECK(strstr(s,
		      "{\"type\":\"RECORD\",\"record\":{\"stream\":"
		      "\"issue_messages\",\"data\":{\"id\":\"m1\",\"x\":[1,2],"
		      "\"issue_id\":\"iss\\\"1\"},\"emitted_at\":1234}}\n")
		!= NULL);
	CHECK(strstr(s, "\"data\":{\"id\":\"m2\",\"issue_id\":\"other\"}")
		!= NULL);
	CHECK(strstr(s, "\"data\":{}") == NULL);
	CHECK(strstr(s,
		      "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\","
		      "\"stream\":{\"stream_descriptor\":{\"name\":\"issue_"
		      "messages\"},"
		      "\"stream_state\":{\"updated_at\":\"2026-01-02T00:00:"
		      "00Z\"}},"
		      "\"sourceStats\":{\"recordCount\":3.0}}}\n")
		!= NULL);
	CHECK(strstr(s,
		      "\"data\":{\"id\":\"m3\",\"issue_id\":\"iss\\\"1\","
		      "\"issue_updated_at\":\"2026-01-01T00:00:00Z\"},"
		      "\"emitted_at\":99")
		!= NULL);
	CHECK(strstr(s,
		      "\"stream_state\":{\"issue_updated_at\":"
		      "\"2026-01-02T00:00:00.500Z\"}},\"sourceStats\":{"
		      "\"recordCount\":"
		      "1.0}")
		!= NULL);
	CHECK(strstr(s,
		      "\"stream_state\":{\"__ab_no_cursor_state_message\":"
		      "true}},\"sourceStats\":{\"recordCount\":0.0}")
		!= NULL);
	free(s);
}

int
main(void)
{
	check_suite = "emit";
	arena_init(&a, 1 << 20);
	RUN(records_and_states);
	arena_free(&a);
	return check_done();
}
