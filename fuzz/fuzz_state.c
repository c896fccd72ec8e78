/*
 * Fuzz state_parse: on success only the incremental streams carry
 * checkpoints; on failure there is a message.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "state.h"
#include "ts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_in st;
	char err[512], ts[TS_LEN_MS + 1];
	int i;

	if (state_parse(&st, (const char *)data, size, err, sizeof err) < 0) {
		assert(err[0] != '\0');
		return 0;
	}
	for (i = 0; i < S_COUNT; i++) {
		if (i != S_ISSUES && i != S_ISSUE_MESSAGES
			&& i != S_ISSUE_THREADS) {
			assert(!st.has_created[i] && !st.has_updated[i]);
		}
		if (st.has_created[i]) {
			(void)ts_format_ms(st.created_ms[i], ts);
		}
	}
	return 0;
}
