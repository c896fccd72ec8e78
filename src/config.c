/*
 * config: see config.h.
 *
 * The token goes into an HTTP header, so beyond being non-empty it must be
 * a plausible bearer token: printable ASCII without spaces, quotes or
 * backslashes (RFC 6750's b64token is narrower still; we only refuse what
 * could break the header or a JSON line).  That rule is also what lets the
 * output layer mask the token byte for byte.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "errf.h"
#include "json.h"
#include "ts.h"
#include "url.h"

const char *
config_cursor_name(enum cursor_field f)
{
	return f == CURSOR_UPDATED_AT ? "updated_at" : "created_at";
}

static int
token_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			return 0;
		}
	}
	return n > 0;
}

static int
parse_token(struct config *c, const struct json_doc *d, struct arena *a,
	char *err, size_t errlen)
{
	const char *s;
	size_t n;
	int rc;

	rc = json_get_str(d, 0, "api_token", a, &s, &n);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		return errf(err, errlen,
			"config field 'api_token' is required: "
			"create a token in Pylon under Settings > API");
	}
	if (rc == JSON_GET_NOMEM) {
		return errf(err, errlen, "out of memory reading the config");
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"config field 'api_token' must be a "
			"string");
	}
	if (n == 0) {
		return errf(err, errlen, "config field 'api_token' is empty");
	}
	if (n > CONFIG_MAX_TOKEN) {
		return errf(err, errlen,
			"config field 'api_token' is longer "
			"than %d characters",
			CONFIG_MAX_TOKEN);
	}
	if (!token_ok(s, n)) {
		return errf(err, errlen,
			"config field 'api_token' contains "
			"spaces, quotes or non-printable characters; paste the "
			"token exactly as Pylon shows it");
	}
	memcpy(c->api_token, s, n);
	c->api_token[n] = '\0';
	return 0;
}

static int
parse_url(struct config *c, const struct json_doc *d, struct arena *a,
	char *err, size_t errlen)
{
	const char *s, *why;
	struct url u;
	size_t n;
	int rc;

	rc = json_get_str(d, 0, "api_url", a, &s, &n);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		strcpy(c->api_url, CONFIG_DEFAULT_URL);
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"config field 'api_url' must be a "
			"string such as %s",
			CONFIG_DEFAULT_URL);
	}
	while (n > 0 && s[n - 1] == '/') {
		n--;
	}
	if (n == 0 || n > CONFIG_MAX_URL) {
		return errf(err, errlen,
			"config field 'api_url' must be a URL "
			"such as %s",
			CONFIG_DEFAULT_URL);
	}
	if (url_parse(s, n, &u, &why) < 0) {
		return errf(err, errlen,
			"config field 'api_url' is not a valid "
			"URL (%s): '%.200s'",
			why, s);
	}
	if (u.query != NULL) {
		return errf(err, errlen,
			"config field 'api_url' must not have "
			"a query string");
	}
	if (!u.tls && !url_host_is_loopback(&u)) {
		return errf(err, errlen,
			"config field 'api_url' uses http:// "
			"for a host that is not loopback; use https:// so the "
			"API "
			"token is never sent in clear text");
	}
	memcpy(c->api_url, s, n);
	c->api_url[n] = '\0';

	/* Schemes are case-insensitive; the rest of the program expects
	 * "http://" or "https://" in lower case. */
	for (n = 0; c->api_url[n] != ':'; n++) {
		c->api_url[n] = (char)tolower((unsigned char)c->api_url[n]);
	}
	return 0;
}

static int
parse_start(struct config *c, const struct json_doc *d, struct arena *a,
	char *err, size_t errlen)
{
	const char *s;
	size_t n;
	int rc;

	rc = json_get_str(d, 0, "start_date", a, &s, &n);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		c->has_start = 0;
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"config field 'start_date' must be a "
			"string like 2024-01-31T00:00:00Z");
	}
	if (ts_parse_strict_z(s, n, &c->start_ms) < 0) {
		return errf(err, errlen,
			"config field 'start_date' must be a "
			"UTC date-time like 2024-01-31T00:00:00Z (got '%.40s')",
			s);
	}
	c->has_start = 1;
	return 0;
}

static int
parse_cursor(struct config *c, const struct json_doc *d, struct arena *a,
	char *err, size_t errlen)
{
	const char *s;
	size_t n;
	int rc;

	rc = json_get_str(d, 0, "issues_cursor_field", a, &s, &n);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		c->cursor = CURSOR_CREATED_AT;
		return 0;
	}
	if (rc == JSON_GET_OK && strcmp(s, "created_at") == 0) {
		c->cursor = CURSOR_CREATED_AT;
		return 0;
	}
	if (rc == JSON_GET_OK && strcmp(s, "updated_at") == 0) {
		c->cursor = CURSOR_UPDATED_AT;
		return 0;
	}
	return errf(err, errlen,
		"config field 'issues_cursor_field' must be "
		"\"created_at\" or \"updated_at\"");
}

/* An optional integer in [lo, hi]; *out keeps its default when absent. */
static int
parse_int(const struct json_doc *d, const char *key, long long lo, long long hi,
	int *out, char *err, size_t errlen)
{
	long long v;
	int rc;

	rc = json_get_int(d, 0, key, &v);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"config field '%s' must be an integer "
			"from %lld to %lld",
			key, lo, hi);
	}
	if (v < lo || v > hi) {
		return errf(err, errlen,
			"config field '%s' is %lld; it must be "
			"from %lld to %lld",
			key, v, lo, hi);
	}
	*out = (int)v;
	return 0;
}

static int
parse_multiplier(
	struct config *c, const struct json_doc *d, char *err, size_t errlen)
{
	double v;
	int rc;

	c->rate_multiplier = 1.0;
	rc = json_get_num(d, 0, "rate_limit_multiplier", &v);
	if (rc == JSON_GET_ABSENT || rc == JSON_GET_NULL) {
		return 0;
	}
	if (rc != JSON_GET_OK) {
		return errf(err, errlen,
			"config field 'rate_limit_multiplier' "
			"must be a number greater than 0");
	}
	if (!(v > 0) || !isfinite(v) || v > 1000) {
		return errf(err, errlen,
			"config field 'rate_limit_multiplier' "
			"must be greater than 0 and at most 1000");
	}
	c->rate_multiplier = v;
	return 0;
}

int
config_parse(
	struct config *c, const char *src, size_t n, char *err, size_t errlen)
{
	struct json_doc d;
	struct json_error je;
	struct arena a;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->max_retries = 3;
	c->page_size = 999;
	c->rate_multiplier = 1.0;
	arena_init(&a, 16u << 20);

	/* The document: one JSON object. */
	if (json_parse(&d, src, n, &a, NULL, &je) != JSON_OK) {
		errf(err, errlen,
			"the config file is not valid JSON: %s at "
			"byte %zu",
			json_strerror(je.code), je.offset);
		goto out;
	}
	if (d.tok[0].type != JSON_OBJECT) {
		errf(err, errlen, "the config file must hold a JSON object");
		goto out;
	}

	/* Each field in turn; the first problem wins. */
	if (parse_token(c, &d, &a, err, errlen) < 0
		|| parse_url(c, &d, &a, err, errlen) < 0
		|| parse_start(c, &d, &a, err, errlen) < 0
		|| parse_cursor(c, &d, &a, err, errlen) < 0
		|| parse_multiplier(c, &d, err, errlen) < 0
		|| parse_int(&d, "max_retries", 0, 10, &c->max_retries, err,
			   errlen)
			< 0
		|| parse_int(
			   &d, "page_size", 1, 999, &c->page_size, err, errlen)
			< 0)
	{
		goto out;
	}
	rc = 0;
out:
	arena_free(&a);
	return rc;
}
