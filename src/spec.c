/*
 * spec: the connector's specification (the form a person fills in) and the
 * catalog discover returns.
 */
#include "spec.h"

#include "jw.h"
#include "streams.h"

const char spec_message[]
	= "{\"type\":\"SPEC\",\"spec\":{"
	  "\"documentationUrl\":"
	  "\"https://docs.airbyte.com/integrations/sources/pylon\","
	  "\"protocol_version\":\"0.2.0\","
	  "\"supportsIncremental\":true,"
	  "\"connectionSpecification\":{"
	  "\"$schema\":\"http://json-schema.org/draft-07/schema#\","
	  "\"title\":\"Pylon Spec\","
	  "\"type\":\"object\","
	  "\"required\":[\"api_token\"],"
	  "\"additionalProperties\":true,"
	  "\"properties\":{"
	  "\"api_token\":{\"type\":\"string\",\"title\":\"API Token\","
	  "\"description\":\"Bearer token for the Pylon API. Only Admin users "
	  "can create tokens, in Pylon under Settings > API.\","
	  "\"airbyte_secret\":true,\"order\":0},"
	  "\"start_date\":{\"type\":\"string\",\"title\":\"Start Date\","
	  "\"description\":\"UTC date and time (YYYY-MM-DDTHH:MM:SSZ) from "
	  "which issues, their messages and threads are read. Defaults to 30 "
	  "days before each sync starts.\","
	  "\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	  "[0-9]{2}Z$\",\"examples\":[\"2024-01-01T00:00:00Z\"],"
	  "\"format\":\"date-time\",\"order\":1},"
	  "\"issues_cursor_field\":{\"type\":\"string\","
	  "\"title\":\"Issues Cursor Field\","
	  "\"description\":\"created_at reads issues created since the last "
	  "sync (GET /issues in 30-day windows). updated_at reads issues "
	  "created or changed since the last sync (POST /issues/search), and "
	  "lets issue messages and threads sync incrementally too.\","
	  "\"enum\":[\"created_at\",\"updated_at\"],"
	  "\"default\":\"created_at\",\"order\":2},"
	  "\"api_url\":{\"type\":\"string\",\"title\":\"API URL\","
	  "\"description\":\"Base URL of the Pylon API: "
	  "https://api.usepylon.com, or https://api.eu.usepylon.com for the "
	  "EU region.\","
	  "\"default\":\"https://api.usepylon.com\","
	  "\"examples\":[\"https://api.usepylon.com\","
	  "\"https://api.eu.usepylon.com\"],\"order\":3},"
	  "\"rate_limit_multiplier\":{\"type\":\"number\","
	  "\"title\":\"Rate Limit Multiplier\","
	  "\"description\":\"Scales every built-in per-endpoint rate limit "
	  "(for example 2 if Pylon granted your organization twice the "
	  "documented limits). The connector also follows the limits Pylon "
	  "states in its responses.\","
	  "\"exclusiveMinimum\":0,\"maximum\":1000,\"default\":1,\"order\":4},"
	  "\"max_retries\":{\"type\":\"integer\",\"title\":\"Max Retries\","
	  "\"description\":\"How many times a failed or rate-limited request "
	  "is retried before the sync fails.\","
	  "\"minimum\":0,\"maximum\":10,\"default\":3,\"order\":5},"
	  "\"page_size\":{\"type\":\"integer\",\"title\":\"Page Size\","
	  "\"description\":\"Records requested per page (Pylon allows at most "
	  "999).\",\"minimum\":1,\"maximum\":999,\"default\":999,\"order\":6}"
	  "}}}}";

int
spec_catalog(struct buf *b, int updated_at)
{
	const char *cursor = updated_at ? "updated_at" : "created_at";
	int i, inc;

	buf_adds(b, "{\"type\":\"CATALOG\",\"catalog\":{\"streams\":[");
	for (i = 0; i < S_COUNT; i++) {
		const struct stream_def *d = &stream_defs[i];

		inc = i == S_ISSUES
			|| (updated_at
				&& (i == S_ISSUE_MESSAGES
					|| i == S_ISSUE_THREADS));
		if (i > 0) {
			buf_addc(b, ',');
		}
		buf_adds(b, "{\"name\":");
		jw_strz(b, d->name);
		buf_adds(b,
			",\"json_schema\":{\"$schema\":"
			"\"http://json-schema.org/draft-07/schema#\","
			"\"type\":\"object\",\"additionalProperties\":true,"
			"\"properties\":{");
		buf_adds(b, d->schema);
		buf_adds(b, "}},\"supported_sync_modes\":");
		buf_adds(b,
			inc ? "[\"full_refresh\",\"incremental\"]"
			    : "[\"full_refresh\"]");
		if (inc) {
			buf_adds(b,
				",\"source_defined_cursor\":true,"
				"\"default_cursor_field\":[");
			jw_strz(b, i == S_ISSUES ? cursor : "issue_updated_at");
			buf_addc(b, ']');
		}
		buf_adds(b, ",\"source_defined_primary_key\":[[");
		jw_strz(b, d->pk);
		buf_adds(b, "]]}");
	}
	return buf_adds(b, "]}}");
}
