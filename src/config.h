/*
 * config: the connector's configuration, parsed and validated against its
 * spec (see spec.c for the user-facing schema).
 *
 * Keys: api_token (required), start_date, issues_cursor_field, api_url,
 * rate_limit_multiplier, max_retries, page_size.  Unknown keys are
 * tolerated (the platform and test tools add their own).  Explicit null
 * counts as absent for optional keys.  Every error names the field and
 * what is wrong with it, and never contains the token's value.
 */
#ifndef SP_CONFIG_H
#define SP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_TOKEN 2048
#define CONFIG_MAX_URL 512
#define CONFIG_DEFAULT_URL "https://api.usepylon.com"
#define CONFIG_EU_URL "https://api.eu.usepylon.com"

enum cursor_field { CURSOR_CREATED_AT = 0, CURSOR_UPDATED_AT = 1 };

struct config {
	char api_token[CONFIG_MAX_TOKEN + 1];
	char api_url[CONFIG_MAX_URL + 1]; /* without a trailing slash */
	int has_start;
	int64_t start_ms; /* start_date, when has_start */
	enum cursor_field cursor;
	double rate_multiplier; /* > 0 */
	int max_retries;        /* 0..10 */
	int page_size;          /* 1..999 */
};

/* Name of a cursor field as it appears in records and state. */
const char *config_cursor_name(enum cursor_field f);

/*
 * Parse and validate config JSON.  Returns 0, or -1 with a message in err
 * (NUL-terminated, naming the field).  Even on failure c->api_token holds
 * the token when one was found, so the caller can register it for masking
 * before reporting an error that might echo another field holding it.
 */
int config_parse(
	struct config *c, const char *src, size_t n, char *err, size_t errlen);

#endif
