/*
 * ctl: run control shared by every thread of a sync: a stop flag that any
 * thread may raise (output gone, credentials rejected) and sleeps that end
 * early when it is raised.
 */
#ifndef SP_CTL_H
#define SP_CTL_H

#include <stdint.h>

void ctl_reset(void);

/* Raise the stop flag; returns 1 for the call that raised it, else 0. */
int ctl_stop(void);
int ctl_stopped(void);

/* Sleep until the monotonic time `until` (ms); returns -1 if stopped. */
int ctl_sleep_until(int64_t until);

/* Uniform random number in [0, 1) for jitter (thread-safe, not crypto). */
double ctl_random(void);

#endif
