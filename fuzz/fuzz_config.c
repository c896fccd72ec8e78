/*
 * Fuzz config_parse: any bytes either parse into a config that satisfies
 * every documented bound, or fail with a message, keeping only a
 * well-formed token (one the output layer can mask).
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

		/*
		 * A token kept after a failure (for the caller to mask) is a
		 * well-formed one: masking it keeps every line valid JSON.
		 * Whether the message contains the token's text is not
		 * checked: a token may equal a field name the message names;
		 * the output layer masks it on every line.
		 */
		for (n = 0; c.api_token[n] != '\0'; n++) {
			assert(c.api_token[n] > 0x20 && c.api_token[n] < 0x7f
				&& c.api_token[n] != '"'
				&& c.api_token[n] != '\\');
		}
	}
	return 0;
}
