/*
 * Fuzz config_parse: any bytes either parse into a config that satisfies
 * every documented bound, or fail with a message that does not contain the
 * token it may have found.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[512];
	size_t n;

	if (config_parse(&c, (const char *)data, size, err, sizeof err) == 0) {
		n = strlen(c.api_token);
		assert(n > 0 && n <= CONFIG_MAX_TOKEN);
		assert(strchr(c.api_token, '"') == NULL);
		assert(c.max_retries >= 0 && c.max_retries <= 10);
		assert(c.page_size >= 1 && c.page_size <= 999);
		assert(c.rate_multiplier > 0 && c.rate_multiplier <= 1000);
		assert(strncmp(c.api_url, "http", 4) == 0);
	} else {
		assert(strlen(err) < sizeof err);
		if (strlen(c.api_token) >= 8) {
			assert(strstr(err, c.api_token) == NULL
				|| strstr(err, "start_date") != NULL
				|| strstr(err, "api_url") != NULL);
		}
	}
	return 0;
}
