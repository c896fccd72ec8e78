/*
 * connector: the four Airbyte commands (see connector.h).
 *
 * Error reporting follows the platform's expectations (airbyte-protocol
 * section 7): check reports a bad config or an API that refuses us as a
 * FAILED connection status and exits 0; an unreadable file is a TRACE
 * error with exit 1 for every command; discover and read report invalid
 * inputs as config_error TRACE messages and exit 1 before any record.
 */
#include "connector.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "catalog.h"
#include "config.h"
#include "jw.h"
#include "out.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "tls.h"

int
connector_spec(void)
{
	out_line(spec_message, strlen(spec_message), 1);
	return 0;
}

/* A config_error TRACE; returns the exit status 1. */
static int
input_error(const char *message)
{
	out_error("config_error", NULL, message, NULL);
	return 1;
}

/*
 * Read and validate the config.  Returns 0; 1 when the file cannot be
 * read (reported as a TRACE); 2 when its content is invalid (message in
 * err, not yet reported).  The token is registered for masking as soon as
 * it is known.
 */
static int
load_config(const struct cli *c, struct config *cfg, char *err, size_t errlen)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	if (cli_read_file(c->config, &b, err, errlen) != CLI_FILE_OK) {
		buf_free(&b);
		return input_error(err);
	}
	rc = config_parse(cfg, b.p ? b.p : "", b.len, err, errlen);
	buf_free(&b);
	if (cfg->api_token[0] != '\0') {
		out_secret(cfg->api_token);
	}
	return rc < 0 ? 2 : 0;
}

static int
load_trust(
	const struct config *cfg, struct tls_trust *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	if (strncmp(cfg->api_url, "http://", 7) == 0) {
		return 0; /* loopback over plain HTTP: no certificates */
	}
	return tls_trust_load(t, err, errlen);
}

static void
connection_status(int ok, const char *message)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b,
		"{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":"
		"{\"status\":");
	buf_adds(&b, ok ? "\"SUCCEEDED\"" : "\"FAILED\"");
	if (message != NULL) {
		buf_adds(&b, ",\"message\":");
		jw_strz(&b, message);
	}
	buf_adds(&b, "}}");
	if (b.err == BUF_OK) {
		out_line(b.p, b.len, 1);
	}
	buf_free(&b);
}

int
connector_check(const struct cli *c)
{
	struct config cfg;
	struct tls_trust trust;
	struct lane lanes[L_COUNT];
	struct api a;
	struct api_error e;
	char err[1024];
	int rc, i;

	rc = load_config(c, &cfg, err, sizeof err);
	if (rc == 1) {
		return 1;
	}
	if (rc == 2) {
		connection_status(0, err);
		return 0;
	}
	if (load_trust(&cfg, &trust, err, sizeof err) < 0) {
		snprintf(err + strlen(err), sizeof err - strlen(err),
			"; set SSL_CERT_FILE to a PEM bundle of trusted CAs");
		connection_status(0, err);
		return 0;
	}

	/* GET /me: the token's organization.  One retry is enough here. */
	for (i = 0; i < L_COUNT; i++) {
		lane_init(&lanes[i], lane_defs[i].name,
			lane_defs[i].per_minute * cfg.rate_multiplier);
	}
	if (cfg.max_retries > 1) {
		cfg.max_retries = 1;
	}
	if (api_init(&a, &cfg, &trust, lanes, &e) < 0) {
		connection_status(0, e.message);
	} else {
		rc = api_call(&a, L_ME, "/me", NULL, 0, &e);
		if (rc == API_OK) {
			connection_status(1, NULL);
		} else if (rc == API_NOT_FOUND) {
			snprintf(err, sizeof err,
				"%s answered 404 Not Found "
				"for GET /me: check that api_url is the Pylon "
				"API (%s or %s)",
				cfg.api_url, CONFIG_DEFAULT_URL, CONFIG_EU_URL);
			connection_status(0, err);
		} else if (rc == API_FAIL_TRANSIENT) {
			snprintf(err, sizeof err,
				"Could not reach the Pylon "
				"API at %s: %s",
				cfg.api_url, e.message);
			connection_status(0, err);
		} else {
			connection_status(0, e.message);
		}
		api_free(&a);
	}
	for (i = 0; i < L_COUNT; i++) {
		lane_destroy(&lanes[i]);
	}
	tls_trust_free(&trust);
	memset(&cfg, 0, sizeof cfg);
	return 0;
}

int
connector_discover(const struct cli *c)
{
	struct config cfg;
	struct buf b;
	char err[1024];
	int rc;

	rc = load_config(c, &cfg, err, sizeof err);
	if (rc != 0) {
		return rc == 1 ? 1 : input_error(err);
	}
	buf_init(&b, 0);
	spec_catalog(&b, cfg.cursor == CURSOR_UPDATED_AT);
	rc = b.err ? 1 : out_line(b.p, b.len, 1) < 0;
	buf_free(&b);
	memset(&cfg, 0, sizeof cfg);
	return rc;
}

int
connector_read(const struct cli *c)
{
	static struct config cfg;
	static struct catalog cat;
	static struct state_in st;
	struct tls_trust trust;
	struct buf b;
	char err[1024];
	int rc;

	/* Config, catalog and state, in that order; nothing read yet. */
	rc = load_config(c, &cfg, err, sizeof err);
	if (rc != 0) {
		return rc == 1 ? 1 : input_error(err);
	}
	buf_init(&b, 0);
	if (cli_read_file(c->catalog, &b, err, sizeof err) != CLI_FILE_OK) {
		buf_free(&b);
		return input_error(err);
	}
	rc = catalog_parse(&cat, &cfg, b.p ? b.p : "", b.len, err, sizeof err);
	if (rc < 0) {
		buf_free(&b);
		return input_error(err);
	}
	memset(&st, 0, sizeof st);
	if (c->state != NULL) {
		rc = cli_read_file(c->state, &b, err, sizeof err);
		if (rc == CLI_FILE_MISSING) {
			out_log("WARN", "%s; reading without a state", err);
		} else if (rc != CLI_FILE_OK) {
			buf_free(&b);
			return input_error(err);
		} else if (state_parse(
				   &st, b.p ? b.p : "", b.len, err, sizeof err)
			< 0) {
			buf_free(&b);
			return input_error(err);
		}
	}
	buf_free(&b);
	if (load_trust(&cfg, &trust, err, sizeof err) < 0) {
		snprintf(err + strlen(err), sizeof err - strlen(err),
			"; set SSL_CERT_FILE to a PEM bundle of trusted CAs");
		return input_error(err);
	}

	/* The sync. */
	rc = sync_run(&cfg, &cat, &st, &trust);
	tls_trust_free(&trust);
	memset(&cfg, 0, sizeof cfg);
	return rc;
}
