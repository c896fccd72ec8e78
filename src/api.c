/*
 * api: see api.h.
 *
 * Retry accounting: every attempt after the first counts against
 * max_retries, whatever its cause, so a request costs at most
 * max_retries + 1 sends.  Waits come from three places, longest first:
 * the lane (pacing, or a block set by a 429 or Remaining: 0), Retry-After,
 * and our own exponential backoff (1 s, 2 s, 4 s, ... with jitter, capped).
 */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "out.h"
#include "page.h"
#include "version.h"

const char *
api_failure_type(int kind)
{
	switch (kind) {
	case API_FAIL_CONFIG:
		return "config_error";
	case API_FAIL_TRANSIENT:
	case API_STOPPED:
		return "transient_error";
	default:
		return "system_error";
	}
}

int
api_init(struct api *a, const struct config *cfg, const struct tls_trust *trust,
	struct lane *lanes, struct api_error *e)
{
	struct http_opts o;
	struct http_error he;
	struct url u;
	const char *why;
	char *env;

	memset(a, 0, sizeof *a);
	a->cfg = cfg;
	a->lanes = lanes;
	snprintf(a->auth, sizeof a->auth, "Bearer %s", cfg->api_token);
	buf_init(&a->target, 64 * 1024);
	buf_init(&a->body, 0);
	arena_init(&a->arena, API_ARENA_LIMIT);

	/* The api_url's path, if any, prefixes every request. */
	if (url_parse(cfg->api_url, strlen(cfg->api_url), &u, &why) == 0) {
		snprintf(a->base_path, sizeof a->base_path, "%.*s",
			(int)u.path_len, u.path);
	}

	memset(&o, 0, sizeof o);
	o.trust = trust;
	o.max_body = API_MAX_BODY;
	o.user_agent = "source-pylon/" SP_VERSION;
	/* Operators (and tests) may shorten the stall timeout. */
	env = getenv("SOURCE_PYLON_IO_TIMEOUT_MS");
	if (env != NULL && atoi(env) > 0) {
		o.io_timeout_ms = atoi(env);
		o.connect_timeout_ms = atoi(env);
	}
	a->conn = http_conn_new(cfg->api_url, &o, &he);
	if (a->conn == NULL) {
		e->kind = API_FAIL_CONFIG;
		e->status = 0;
		snprintf(e->message, sizeof e->message,
			"config field 'api_url' "
			"cannot be used: %s",
			he.msg);
		snprintf(e->internal, sizeof e->internal, "http error %d",
			he.code);
		api_free(a);
		return -1;
	}
	return 0;
}

void
api_free(struct api *a)
{
	http_conn_free(a->conn);
	a->conn = NULL;
	buf_free(&a->target);
	buf_free(&a->body);
	arena_free(&a->arena);
	memset(a->auth, 0, sizeof a->auth);
}

void
api_report_for(struct api *a, const int *streams, int n)
{
	int i;

	a->nreport = n > 3 ? 3 : n;
	for (i = 0; i < a->nreport; i++) {
		a->report[i] = streams[i];
	}
}

void
api_page_done(struct api *a)
{
	arena_reset(&a->arena);
	a->doc.ntok = 0;
}

/*
 * The server's own words for an error response: its "errors" strings
 * joined, or the start of the body when it is not our JSON envelope.
 */
static void
server_words(struct api *a, char *out, size_t outlen)
{
	struct json_doc d;
	struct json_error je;
	struct json_iter it;
	uint32_t errs, el;
	const char *s;
	size_t n, used = 0;

	out[0] = '\0';
	arena_reset(&a->arena);
	if (json_parse(&d, a->body.p, a->body.len, &a->arena, NULL, &je)
			== JSON_OK
		&& d.tok[0].type == JSON_OBJECT
		&& json_get_arr(&d, 0, "errors", &errs) == JSON_GET_OK)
	{
		json_iter_init(&d, errs, &it);
		while (json_iter_next(&d, &it, &el) && used + 4 < outlen) {
			if (d.tok[el].type != JSON_STRING
				|| json_str(&d, el, &a->arena, &s, &n) < 0) {
				continue;
			}
			used += (size_t)snprintf(out + used, outlen - used,
				"%s%.*s", used ? "; " : "",
				(int)(n > 200 ? 200 : n), s);
		}
		arena_reset(&a->arena);
		return;
	}
	arena_reset(&a->arena);
	n = a->body.len > 120 ? 120 : a->body.len;
	snprintf(out, outlen, "%.*s", (int)n, a->body.p ? a->body.p : "");
}

static int set_error(struct api_error *e, int kind, int status,
	const char *internal, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
set_error(struct api_error *e, int kind, int status, const char *internal,
	const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	snprintf(e->internal, sizeof e->internal, "%s", internal);
	return kind;
}

/* 401 and 403: what the person should do about it. */
static int
auth_error(struct api *a, int status, const char *what, struct api_error *e)
{
	char words[300], internal[400];
	const char *hint = "";
	const char *tok = a->cfg->api_token;
	int eu_token = strncmp(tok, "pylon_api_eu_", 13) == 0;
	int eu_url = strstr(a->cfg->api_url, ".eu.") != NULL;

	server_words(a, words, sizeof words);
	snprintf(internal, sizeof internal, "HTTP %d on %s: %s", status, what,
		words);
	if (strstr(words, "wrong_region") != NULL || (eu_token && !eu_url)
		|| (!eu_token && eu_url && strncmp(tok, "pylon_api_", 10) == 0))
	{
		hint = eu_token || !eu_url ? " The token looks like it belongs "
					     "to the EU region: set "
					     "api_url to " CONFIG_EU_URL "."
					   : " The token looks like it belongs "
					     "to the US region: set "
					     "api_url to " CONFIG_DEFAULT_URL
					     ".";
	}
	if (status == 401) {
		return set_error(e, API_FAIL_CONFIG, status, internal,
			"Pylon rejected the API token (HTTP 401: %s). Check "
			"that "
			"the token is current and was copied whole.%s",
			words, hint);
	}
	return set_error(e, API_FAIL_CONFIG, status, internal,
		"The API token may not read %s (HTTP 403: %s). Pylon tokens "
		"are created by an Admin; check the token's role.%s",
		what, words, hint);
}

/* Backoff before retry number k (1-based) of a failed attempt. */
static int64_t
backoff_ms(int k, int64_t floor_ms)
{
	int64_t b = 1000;
	int i;

	for (i = 1; i < k && b < API_MAX_BACKOFF_MS; i++) {
		b *= 2;
	}
	if (b < floor_ms) {
		b = floor_ms;
	}
	if (b > API_MAX_BACKOFF_MS) {
		b = API_MAX_BACKOFF_MS;
	}
	return b / 2 + (int64_t)(ctl_random() * (double)(b / 2));
}

/*
 * Sleep until `slot`, announcing long waits (as rate limiting when `rate`
 * is set, else as a retry pause); -1 if the sync stopped.
 */
static int
wait_for(struct api *a, int lane, int64_t slot, int rate)
{
	int64_t now = rate_mono_ms();
	int64_t wall = out_now_ms() + (slot - now);
	int i;

	if (!rate && slot - now >= API_REPORT_WAIT_MS) {
		out_log("INFO", "%s: retrying %s in %lld s",
			a->nreport > 0 ? stream_defs[a->report[0]].name
				       : "sync",
			lane_defs[lane].name,
			(long long)((slot - now + 999) / 1000));
	} else if (slot - now >= API_REPORT_WAIT_MS) {
		for (i = 0; i < a->nreport; i++) {
			out_status(stream_defs[a->report[i]].name, "RUNNING",
				wall);
		}
		out_log("INFO", "%s: waiting %lld s for %s (rate limit)",
			a->nreport > 0 ? stream_defs[a->report[0]].name
				       : "sync",
			(long long)((slot - now + 999) / 1000),
			lane_defs[lane].name);
	}
	out_flush();
	return ctl_sleep_until(slot);
}

/* Parse the body as the JSON answer; 0 on success. */
static int
parse_body(struct api *a, char *why, size_t whylen)
{
	static const struct json_limits lim
		= {64, API_MAX_TOKENS, API_MAX_BODY};
	struct json_error je;

	arena_reset(&a->arena);
	if (json_parse(&a->doc, a->body.p ? a->body.p : "", a->body.len,
		    &a->arena, &lim, &je)
		!= JSON_OK)
	{
		snprintf(why, whylen, "%s at byte %zu", json_strerror(je.code),
			je.offset);
		return -1;
	}
	return 0;
}

int
api_call(struct api *a, int lane, const char *target, const struct buf *post,
	int flags, struct api_error *e)
{
	struct http_req req;
	struct http_resp resp;
	struct http_error he;
	struct lane *l = &a->lanes[lane];
	const char *what = lane_defs[lane].name;
	char words[300], internal[400];
	int64_t now, slot, wait;
	int attempt, rc, status = 0, kind = API_FAIL_TRANSIENT;

	/* The request: base path + target. */
	buf_reset(&a->target);
	buf_adds(&a->target, a->base_path);
	buf_adds(&a->target, target);
	if (buf_cstr(&a->target) == NULL) {
		return set_error(e, API_FAIL_SYSTEM, 0, target,
			"request for %s is too long", what);
	}
	memset(&req, 0, sizeof req);
	req.method = post != NULL ? "POST" : "GET";
	req.target = a->target.p;
	req.auth = a->auth;
	if (post != NULL) {
		req.body = post->p;
		req.body_len = post->len;
	}

	for (attempt = 0; attempt <= a->cfg->max_retries; attempt++) {
		/* Wait for the lane (pacing, 429 blocks). */
		if (ctl_stopped()) {
			return set_error(e, API_STOPPED, 0, "", "sync stopped");
		}
		slot = lane_reserve(l, rate_mono_ms());
		if (wait_for(a, lane, slot, 1) < 0) {
			return set_error(e, API_STOPPED, 0, "", "sync stopped");
		}

		/* Send and read. */
		memset(&resp, 0, sizeof resp);
		resp.body = &a->body;
		a->requests++;
		if (attempt > 0) {
			a->retries++;
		}
		rc = http_do(a->conn, &req, &resp, &he);
		now = rate_mono_ms();
		if (rc != HTTP_OK) {
			status = 0;
			snprintf(internal, sizeof internal, "%s: %s", what,
				he.msg);
			if (rc == HTTP_E_CERT || rc == HTTP_E_INSECURE
				|| rc == HTTP_E_URL || rc == HTTP_E_REDIRECT)
			{
				return set_error(e, API_FAIL_CONFIG, 0,
					internal,
					"Cannot talk to %s safely: %s",
					a->cfg->api_url, he.msg);
			}
			if (rc == HTTP_E_NOMEM) {
				return set_error(e, API_FAIL_SYSTEM, 0,
					internal,
					"Out of memory reading the response "
					"for "
					"%s: %s",
					what, he.msg);
			}

			/*
			 * Everything else may be a passing fault (a proxy
			 * garbling one response is not Pylon's normal); a
			 * response that breaks our limits or HTTP itself every
			 * time ends as a system_error, not a transient one.
			 */
			kind = rc == HTTP_E_LIMIT || rc == HTTP_E_PROTOCOL
				? API_FAIL_SYSTEM
				: API_FAIL_TRANSIENT;
			snprintf(words, sizeof words, "%s", he.msg);
			wait = backoff_ms(attempt + 1, 0);
			goto retry;
		}

		/* Rate feedback, then the status. */
		status = resp.h.status;
		wait = 0;
		if (status == 429) {
			wait = http_retry_after_ms(resp.h.retry_after,
				out_now_ms(), API_MAX_RETRY_AFTER_MS);
			if (wait < 0) {
				wait = backoff_ms(
					attempt + 1, lane_interval_ms(l) * 2);
			}
		}
		if (lane_feedback(l, status, &resp.h, wait, now, out_now_ms()))
		{
			out_log("INFO",
				"%s: now pacing at %.1f requests per "
				"minute%s",
				what, l->budget,
				status == 429 ? " after HTTP 429"
					      : " as the server states");
		}
		if (status >= 200 && status < 300) {
			a->data = 0;
			if (parse_body(a, words, sizeof words) == 0
				&& ((flags & API_PAGE) == 0
					|| page_data(&a->doc, &a->data, words,
						   sizeof words)
						== 0))
			{
				return API_OK;
			}
			kind = API_FAIL_TRANSIENT;
			snprintf(internal, sizeof internal,
				"%s: HTTP %d, "
				"Content-Type '%s', body of %zu bytes is not "
				"a usable answer: %s",
				what, status, resp.h.content_type, a->body.len,
				words);
			wait = backoff_ms(attempt + 1, 0);
			goto retry;
		}
		if (status == 401 || status == 403) {
			return auth_error(a, status, what, e);
		}
		server_words(a, words, sizeof words);
		snprintf(internal, sizeof internal, "HTTP %d on %s: %s", status,
			what, words);
		if (status == 404) {
			return set_error(e, API_NOT_FOUND, status, internal,
				"Pylon answered 404 Not Found for %s: %s", what,
				words);
		}
		if (status == 429) {
			kind = API_FAIL_TRANSIENT;
			/* The lane already blocks for `wait`. */
			wait = 0;
			goto retry;
		}
		if (status >= 500 || status == 408) {
			kind = API_FAIL_TRANSIENT;
			wait = backoff_ms(attempt + 1, 0);
			goto retry;
		}
		return set_error(e, API_FAIL_SYSTEM, status, internal,
			"Pylon refused the request for %s (HTTP %d: %s)", what,
			status, words);
	retry:
		if (attempt < a->cfg->max_retries) {
			out_log("WARN", "%s failed (%s); retry %d of %d%s",
				what, status ? internal : words, attempt + 1,
				a->cfg->max_retries,
				wait > 0 ? " after a pause" : "");
			if (wait > 0 && wait_for(a, lane, now + wait, 0) < 0) {
				return set_error(
					e, API_STOPPED, 0, "", "sync stopped");
			}
		}
	}
	if (status == 429) {
		return set_error(e, kind, status, internal,
			"Pylon kept "
			"rate-limiting %s (HTTP 429) through %d retries",
			what, a->cfg->max_retries);
	}
	return set_error(e, kind, status, internal,
		"Request for %s failed "
		"after %d retries: %s",
		what, a->cfg->max_retries, status ? internal : words);
}
