/*
 * rate: see rate.h.
 */
#include "rate.h"

#include <time.h>

int64_t
rate_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
lane_init(struct lane *l, const char *name, double per_minute)
{
	pthread_mutex_init(&l->mu, NULL);
	l->name = name;
	l->budget = per_minute < RATE_MIN_BUDGET ? RATE_MIN_BUDGET : per_minute;
	l->next_ms = 0;
	l->blocked_until = 0;
	l->requests = 0;
	l->throttled = 0;
	l->waited_ms = 0;
	l->adopted = 0;
}

void
lane_destroy(struct lane *l)
{
	pthread_mutex_destroy(&l->mu);
}

/* Lock held. */
static int64_t
interval(const struct lane *l)
{
	double ms = 60000.0 / l->budget;

	return (int64_t)(ms * (100 + RATE_MARGIN_PCT) / 100) + RATE_MARGIN_MS;
}

int64_t
lane_interval_ms(struct lane *l)
{
	int64_t v;

	pthread_mutex_lock(&l->mu);
	v = interval(l);
	pthread_mutex_unlock(&l->mu);
	return v;
}

int64_t
lane_reserve(struct lane *l, int64_t now)
{
	int64_t slot;

	pthread_mutex_lock(&l->mu);
	slot = now;
	if (l->next_ms > slot) {
		slot = l->next_ms;
	}
	if (l->blocked_until > slot) {
		slot = l->blocked_until;
	}
	l->next_ms = slot + interval(l);
	l->requests++;
	l->waited_ms += slot - now;
	pthread_mutex_unlock(&l->mu);
	return slot;
}

/* Block the lane until `until` (monotonic); lock held. */
static void
block(struct lane *l, int64_t until)
{
	if (until > l->blocked_until) {
		l->blocked_until = until;
	}
	if (until > l->next_ms) {
		l->next_ms = until;
	}
}

int
lane_feedback(struct lane *l, int status, const struct http_header_info *h,
	int64_t wait_ms, int64_t now, int64_t now_wall)
{
	int changed = 0;
	double b;

	pthread_mutex_lock(&l->mu);

	/*
	 * The server's stated limit per minute is authoritative, except that
	 * after a 429 we only ever go lower: the header then evidently does
	 * not describe the window that throttled us.
	 */
	if (h != NULL && h->rate_limit > 0 && h->rate_limit < 1000000
		&& (double)h->rate_limit != l->budget
		&& (l->throttled == 0 || (double)h->rate_limit < l->budget))
	{
		l->budget = (double)h->rate_limit;
		l->adopted = 1;
		changed = 1;
	}

	/* Nothing left in the server's window: wait for its reset. */
	if (h != NULL && h->rate_remaining == 0 && status != 429) {
		int64_t until = now + interval(l);

		if (h->rate_reset > 1000000000LL) {
			until = now + (h->rate_reset * 1000 - now_wall);
		} else if (h->rate_reset > 0) {
			until = now + h->rate_reset * 1000;
		}
		if (until > now + 15 * 60 * 1000) {
			until = now + 15 * 60 * 1000;
		}
		block(l, until);
	}

	/* 429: back off as told, and slow down for good. */
	if (status == 429) {
		l->throttled++;
		block(l, now + wait_ms);
		b = l->budget * 0.75;
		if (b < RATE_MIN_BUDGET) {
			b = RATE_MIN_BUDGET;
		}
		if (b != l->budget) {
			l->budget = b;
			changed = 1;
		}
	}
	pthread_mutex_unlock(&l->mu);
	return changed;
}
