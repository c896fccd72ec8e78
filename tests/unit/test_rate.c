#include <string.h>

#include "check.h"
#include "rate.h"

static struct http_header_info
headers(int64_t remaining, int64_t limit, int64_t reset)
{
	struct http_header_info h;

	memset(&h, 0, sizeof h);
	h.rate_remaining = remaining;
	h.rate_limit = limit;
	h.rate_reset = reset;
	return h;
}

static void
even_pacing(void)
{
	struct lane l;
	int64_t t, prev, iv;
	int i, ok = 1;

	lane_init(&l, "x", 20);
	iv = lane_interval_ms(&l);
	CHECK(iv >= 3000
		&& iv <= 3000 * (100 + RATE_MARGIN_PCT) / 100 + RATE_MARGIN_MS);
	prev = lane_reserve(&l, 1000);
	CHECK(prev == 1000);
	for (i = 0; i < 100; i++) {
		t = lane_reserve(&l, 1000);
		ok &= t - prev == iv;
		prev = t;
	}
	CHECK(ok);
	/* After idling, the next slot is "now", not in the past. */
	CHECK(lane_reserve(&l, 10000000) == 10000000);
	lane_destroy(&l);
}

/* Any 60 s window of even pacing holds at most `budget` requests. */
static void
never_exceeds_a_sliding_window(void)
{
	struct lane l;
	int64_t slots[400];
	int i, j, worst = 0, n;

	lane_init(&l, "x", 60 * 3.0);
	for (i = 0; i < 400; i++) {
		slots[i] = lane_reserve(&l, 0);
	}
	for (i = 0; i < 400; i++) {
		n = 0;
		for (j = i; j < 400 && slots[j] < slots[i] + 60000; j++) {
			n++;
		}
		worst = n > worst ? n : worst;
	}
	CHECK(worst <= 180);
	CHECK(worst >= 170);
	lane_destroy(&l);
}

static void
server_limit_and_remaining(void)
{
	struct lane l;
	struct http_header_info h;

	lane_init(&l, "x", 60);
	h = headers(-1, 30, -1);
	CHECK(lane_feedback(&l, 200, &h, 0, 0, 0) == 1);
	CHECK(l.budget == 30);
	CHECK(lane_feedback(&l, 200, &h, 0, 0, 0) == 0);

	/* Remaining 0 with a reset in epoch seconds blocks until then. */
	lane_reserve(&l, 0);
	h = headers(0, -1, 1700000010);
	lane_feedback(&l, 200, &h, 0, 5000, 1700000000000LL);
	CHECK(lane_reserve(&l, 5000) == 15000);

	/* Remaining 0 with a small reset is seconds from now. */
	h = headers(0, -1, 4);
	lane_feedback(&l, 200, &h, 0, 20000, 0);
	CHECK(lane_reserve(&l, 20000) >= 24000);
	lane_destroy(&l);
}

static void
throttled_slows_down(void)
{
	struct lane l;
	struct http_header_info h = headers(-1, -1, -1);

	lane_init(&l, "x", 20);
	CHECK(lane_feedback(&l, 429, &h, 7000, 1000, 0) == 1);
	CHECK(l.budget == 15 && l.throttled == 1);
	CHECK(lane_reserve(&l, 1000) == 8000);
	/* A stated limit higher than what throttled us is ignored. */
	h = headers(-1, 20, -1);
	CHECK(lane_feedback(&l, 200, &h, 0, 9000, 0) == 0);
	CHECK(l.budget == 15);
	/* Floors at the minimum budget. */
	h = headers(-1, -1, -1);
	lane_init(&l, "y", 1);
	lane_feedback(&l, 429, &h, 0, 0, 0);
	CHECK(l.budget == RATE_MIN_BUDGET);
	lane_destroy(&l);
}

int
main(void)
{
	check_suite = "rate";
	RUN(even_pacing);
	RUN(never_exceeds_a_sliding_window);
	RUN(server_limit_and_remaining);
	RUN(throttled_slows_down);
	return check_done();
}
