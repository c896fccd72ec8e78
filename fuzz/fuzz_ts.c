/*
 * fuzz_ts: RFC 3339 parsing and formatting on arbitrary bytes.
 *
 * Invariants: a timestamp that parses and is inside years 0000..9999
 * formats (with milliseconds) to text that parses back to the same
 * instant, and without milliseconds to text that ts_parse_strict_z reads
 * back as the instant floored to the second; one outside that range does
 * not format.  Whatever ts_parse_strict_z accepts, ts_parse accepts with
 * the same value, is exactly 20 bytes, and formats back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ts.h"

#define MS_MIN (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define MS_END 253402300800000LL   /* 10000-01-01T00:00:00Z */

static void
must(int cond)
{
	if (!cond) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[TS_LEN_MS + 1];
	int64_t ms, back, floor_s;

	if (ts_parse(s, size, &ms) == 0) {
		must(size >= TS_LEN);
		if (ms < MS_MIN || ms >= MS_END) {
			must(ts_format(ms, out) == 0);
			must(ts_format_ms(ms, out) == 0);
		} else {
			must(ts_format_ms(ms, out) == TS_LEN_MS);
			must(ts_parse(out, TS_LEN_MS, &back) == 0);
			must(back == ms);
			must(ts_format(ms, out) == TS_LEN);
			floor_s = ms - (ms % 1000 + 1000) % 1000;
			must(ts_parse_strict_z(out, TS_LEN, &back) == 0);
			must(back == floor_s);
		}
	}
	if (ts_parse_strict_z(s, size, &ms) == 0) {
		must(size == TS_LEN);
		must(ts_parse(s, size, &back) == 0 && back == ms);
		must(ts_format(ms, out) == TS_LEN);
		must(memcmp(out, s, TS_LEN) == 0);
	}
	return 0;
}
