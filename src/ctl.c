/*
 * ctl: see ctl.h.
 */
#include "ctl.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "rate.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int cv_ready;
static int stopped;
static uint64_t seed = 0x9e3779b97f4a7c15ULL;

/* Lock held: the condition variable waits on the monotonic clock. */
static void
ready(void)
{
	pthread_condattr_t ca;

	if (cv_ready) {
		return;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_condattr_destroy(&ca);
	cv_ready = 1;
}

void
ctl_reset(void)
{
	struct timespec ts;

	pthread_mutex_lock(&mu);
	ready();
	stopped = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	seed ^= (uint64_t)ts.tv_nsec * 0x2545F4914F6CDD1DULL;
	pthread_mutex_unlock(&mu);
}

int
ctl_stop(void)
{
	int first;

	pthread_mutex_lock(&mu);
	ready();
	first = !stopped;
	stopped = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return first;
}

int
ctl_stopped(void)
{
	int s;

	pthread_mutex_lock(&mu);
	s = stopped;
	pthread_mutex_unlock(&mu);
	return s;
}

int
ctl_sleep_until(int64_t until)
{
	struct timespec ts;
	int rc;

	pthread_mutex_lock(&mu);
	ready();
	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000;
	while (!stopped && rate_mono_ms() < until) {
		rc = pthread_cond_timedwait(&cv, &mu, &ts);
		if (rc == ETIMEDOUT) {
			break;
		}
	}
	rc = stopped ? -1 : 0;
	pthread_mutex_unlock(&mu);
	return rc;
}

double
ctl_random(void)
{
	uint64_t x;

	/* xorshift64*: plenty for spreading retries apart. */
	pthread_mutex_lock(&mu);
	x = seed;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	seed = x;
	pthread_mutex_unlock(&mu);
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}
