#include <string.h>

#include "check.h"
#include "config.h"

static int
parse(struct config *c, const char *json, char *err)
{
	return config_parse(c, json, strlen(json), err, 512);
}

/* The config fails and the message names `field` but not the token. */
static int
rejects(const char *json, const char *field)
{
	struct config c;
	char err[512];
	int ok;

	ok = parse(&c, json, err) < 0 && strstr(err, field) != NULL
		&& strstr(err, "s3cr3t") == NULL;
	if (!ok) {
		printf("# %s -> %s\n", json, err);
	}
	return ok;
}

static void
minimal_and_defaults(void)
{
	struct config c;
	char err[512];

	CHECK(parse(&c, "{\"api_token\":\"pylon_api_abc\"}", err) == 0);
	CHECK_EQ_STR(c.api_token, "pylon_api_abc");
	CHECK_EQ_STR(c.api_url, "https://api.usepylon.com");
	CHECK(!c.has_start);
	CHECK(c.cursor == CURSOR_CREATED_AT);
	CHECK(c.rate_multiplier == 1.0);
	CHECK(c.max_retries == 3 && c.page_size == 999);
}

static void
every_field(void)
{
	struct config c;
	char err[512];

	CHECK(parse(&c,
		      "{\"api_token\":\"t0ken\",\"start_date\":"
		      "\"2024-02-29T10:11:12Z\",\"issues_cursor_field\":"
		      "\"updated_at\","
		      "\"api_url\":\"https://api.eu.usepylon.com/\","
		      "\"rate_limit_multiplier\":2.5,\"max_retries\":0,\"page_"
		      "size\":1,"
		      "\"_extra\":{\"x\":[1]}}",
		      err)
		== 0);
	CHECK(c.has_start && c.start_ms == 1709201472000LL);
	CHECK(c.cursor == CURSOR_UPDATED_AT);
	CHECK_EQ_STR(c.api_url, "https://api.eu.usepylon.com");
	CHECK(c.rate_multiplier == 2.5);
	CHECK(c.max_retries == 0 && c.page_size == 1);
	CHECK(parse(&c,
		      "{\"api_token\":\"t0ken\",\"start_date\":null,"
		      "\"api_url\":null,\"max_retries\":null}",
		      err)
		== 0);
	CHECK(!c.has_start && c.max_retries == 3);
	CHECK(parse(&c,
		      "{\"api_token\":\"t0ken\",\"api_url\":"
		      "\"http://localhost:8080\"}",
		      err)
		== 0);
	CHECK(parse(&c,
		      "{\"api_token\":\"t0ken\",\"api_url\":"
		      "\"http://127.0.0.1:1/base\"}",
		      err)
		== 0);
	CHECK_EQ_STR(c.api_url, "http://127.0.0.1:1/base");
	CHECK(parse(&c, "{\"api_token\":\"t0ken\",\"page_size\":999.0}", err)
			== 0
		&& c.page_size == 999);
}

static void
bad_fields(void)
{
	CHECK(rejects("{}", "api_token"));
	CHECK(rejects("{\"api_token\":null}", "api_token"));
	CHECK(rejects("{\"api_token\":\"\"}", "api_token"));
	CHECK(rejects("{\"api_token\":42}", "api_token"));
	CHECK(rejects("{\"api_token\":\"has space\"}", "api_token"));
	CHECK(rejects("{\"api_token\":\"q\\\"uote\"}", "api_token"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"start_date\":\"2024-02-30T"
		      "00:00:00Z\"}",
		"start_date"));
	CHECK(rejects(
		"{\"api_token\":\"s3cr3t\",\"start_date\":\"2024-01-01\"}",
		"start_date"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"start_date\":\"2024-01-01T"
		      "24:00:00Z\"}",
		"start_date"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"start_date\":\"2024-01-01T"
		      "00:00:00+01:00\"}",
		"start_date"));
	CHECK(rejects(
		"{\"api_token\":\"s3cr3t\",\"start_date\":5}", "start_date"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"issues_cursor_field\":"
		      "\"id\"}",
		"issues_cursor_field"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"api_url\":\"ftp://x\"}",
		"api_url"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"api_url\":"
		      "\"http://api.usepylon.com\"}",
		"api_url"));
	CHECK(rejects(
		"{\"api_token\":\"s3cr3t\",\"api_url\":\"\"}", "api_url"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"rate_limit_multiplier\":0}",
		"rate_limit_multiplier"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"rate_limit_multiplier\":-1}",
		"rate_limit_multiplier"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"rate_limit_multiplier\":"
		      "\"2\"}",
		"rate_limit_multiplier"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"rate_limit_multiplier\":"
		      "1e400}",
		"rate_limit_multiplier"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"max_retries\":11}",
		"max_retries"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"max_retries\":1.5}",
		"max_retries"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\",\"max_retries\":"
		      "99999999999999999999999}",
		"max_retries"));
	CHECK(rejects(
		"{\"api_token\":\"s3cr3t\",\"page_size\":0}", "page_size"));
	CHECK(rejects(
		"{\"api_token\":\"s3cr3t\",\"page_size\":1000}", "page_size"));
}

static void
bad_documents(void)
{
	CHECK(rejects("", "not valid JSON"));
	CHECK(rejects("[]", "JSON object"));
	CHECK(rejects("{\"api_token\":\"s3cr3t\"", "not valid JSON"));
	CHECK(rejects("\"s3cr3t\"", "JSON object"));
	CHECK(rejects("{\"api_token\":\"\xff\"}", "not valid JSON"));
}

int
main(void)
{
	check_suite = "config";
	RUN(minimal_and_defaults);
	RUN(every_field);
	RUN(bad_fields);
	RUN(bad_documents);
	return check_done();
}
