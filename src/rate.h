/*
 * rate: one pacing lane per rate-limited Pylon endpoint.
 *
 * Pylon limits each endpoint to a number of requests per minute, per
 * organization, probably over a sliding window.  A lane spaces its
 * requests evenly: one every 60 s / budget, plus a small margin for
 * network jitter.  Even spacing never exceeds a sliding or fixed window of
 * one minute holding `budget` requests, so a sync at full speed sees no
 * 429.  It costs at most one window's burst at the very start of a sync,
 * which buys safety against every window shape we cannot observe.
 *
 * What the server says wins:
 *  - X-Rate-Limit-Limit: the lane adopts that budget.
 *  - X-Rate-Limit-Remaining: 0 blocks the lane until X-Rate-Limit-Reset
 *    (epoch seconds, or seconds from now when small) or, without it, for
 *    one interval.
 *  - 429: the lane blocks for Retry-After (or the caller's backoff) and
 *    its budget drops by a quarter, so a server whose real window is
 *    longer than ours (say 90 s) is matched after a few 429s instead of
 *    hitting them forever.
 *
 * Times are monotonic milliseconds (rate_mono_ms).  A lane may be shared
 * by several threads; every function locks it.
 */
#ifndef SP_RATE_H
#define SP_RATE_H

#include <pthread.h>
#include <stdint.h>

#include "http.h"

/* Added to every interval: absorbs jitter between our clock and theirs. */
#define RATE_MARGIN_PCT 2
#define RATE_MARGIN_MS 2
/* A budget never drops below this many requests per minute. */
#define RATE_MIN_BUDGET 1.0

struct lane {
	pthread_mutex_t mu;
	const char *name;
	double budget;           /* requests per minute in effect */
	int64_t next_ms;         /* earliest start of the next request */
	int64_t blocked_until;   /* set by 429 and Remaining: 0 */
	unsigned long requests;  /* requests started */
	unsigned long throttled; /* 429 responses */
	int64_t waited_ms;       /* total time callers were told to wait */
	int adopted;             /* budget taken from the server's header */
};

int64_t rate_mono_ms(void);

void lane_init(struct lane *l, const char *name, double per_minute);
void lane_destroy(struct lane *l);

/* Interval between requests at the current budget, in ms. */
int64_t lane_interval_ms(struct lane *l);

/*
 * Reserve the next request slot; returns the monotonic time at which the
 * caller may send (>= now).  The caller sleeps until then.
 */
int64_t lane_reserve(struct lane *l, int64_t now);

/*
 * Feed back a response: its status and rate headers.  wait_ms is how long
 * to block the lane after a 429 (Retry-After or backoff, >= 0).  now is
 * monotonic, now_wall is Unix ms (for X-Rate-Limit-Reset).  Returns 1 when
 * the lane's budget changed (so the caller can log it), else 0.
 */
int lane_feedback(struct lane *l, int status, const struct http_header_info *h,
	int64_t wait_ms, int64_t now, int64_t now_wall);

#endif
