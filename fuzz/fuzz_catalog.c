/*
 * Fuzz catalog_parse (under both cursor configurations): on success the
 * selection is consistent with what each stream supports.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct catalog k;
	char err[512];
	int i, n, cursor;

	memset(&c, 0, sizeof c);
	for (cursor = 0; cursor < 2; cursor++) {
		c.cursor = cursor ? CURSOR_UPDATED_AT : CURSOR_CREATED_AT;
		if (catalog_parse(
			    &k, &c, (const char *)data, size, err, sizeof err)
			< 0) {
			assert(err[0] != '\0');
			continue;
		}
		n = 0;
		for (i = 0; i < S_COUNT; i++) {
			n += k.selected[i];
			assert(!k.incremental[i] || k.selected[i]);
			assert(!k.incremental[i]
				|| catalog_supports_incremental(&c, i));
		}
		assert(n == k.nselected);
	}
	return 0;
}
