/*
 * sync: the read command's engine.
 *
 * Threads.  Each worker thread owns one api (its own keep-alive
 * connection, arena and body buffer) and emits the streams it owns, so a
 * stream's records, states and statuses come from one thread, in order.
 *  - two pool threads take the plain streams (and the knowledge-base
 *    family) one after another;
 *  - the issue family has a parent thread that lists issues window by
 *    window, and one thread per selected child stream (issue_messages,
 *    issue_threads), fed through bounded queues: one pass over the
 *    issues feeds both children, each on its own rate-limited lane.
 * The lanes (one per endpoint) are shared; the output layer serializes
 * whole lines.
 *
 * Failure.  A stream that fails emits a TRACE error and INCOMPLETE, having
 * emitted only true checkpoints; the others continue, unless the failure
 * means every request will fail (credentials rejected, output gone),
 * which stops the whole sync.  The exit status is non-zero if any stream
 * failed.
 */
#ifndef SP_SYNC_H
#define SP_SYNC_H

#include <pthread.h>
#include <stdint.h>

#include "api.h"
#include "catalog.h"
#include "config.h"
#include "emit.h"
#include "page.h"
#include "rate.h"
#include "state.h"
#include "streams.h"
#include "tls.h"

/* Issue windows span 30 days less a minute, so that a request widened by
 * a second on each side stays within Pylon's 30-day cap. */
#define SYNC_WINDOW_MS ((int64_t)30 * 86400 * 1000 - 60 * 1000)
/* Requests are widened by this much on each side of a window. */
#define SYNC_WIDEN_MS ((int64_t)1000)
/* Without a start_date, syncs begin this long before their start. */
#define SYNC_DEFAULT_BACK_MS ((int64_t)30 * 86400 * 1000)
/* Child work queued ahead of the children (issues), per child stream. */
#define SYNC_QUEUE_CAP 4096
/* Progress lines for child streams at most this often. */
#define SYNC_PROGRESS_MS (30 * 1000)
/* Pool threads for the plain streams. */
#define SYNC_POOL 2
/* Worker thread stack. */
#define SYNC_STACK (512 * 1024)

struct sync {
	const struct config *cfg;
	const struct catalog *cat;
	const struct state_in *st;
	const struct tls_trust *trust;
	struct lane lanes[L_COUNT];
	struct emitter em[S_COUNT];
	int64_t t0;            /* sync start, Unix ms (whole seconds) */
	int64_t default_start; /* start_date, or t0 - 30 days */
	pthread_mutex_t mu;
	int failed[S_COUNT]; /* stream ended INCOMPLETE */
	int any_failed;
	unsigned long requests; /* requests sent by finished workers */
	unsigned long retries;
	int next_task; /* pool: next task index */
};

/* Run a read; returns the exit status. */
int sync_run(const struct config *cfg, const struct catalog *cat,
	const struct state_in *st, const struct tls_trust *trust);

/* ---- helpers shared by sync.c and family.c ---------------------------- */

/* STARTED then RUNNING for a stream. */
void sync_begin(struct sync *s, int stream);

/* COMPLETE; or, when failed, INCOMPLETE (the error was already traced). */
void sync_end(struct sync *s, int stream, int failed);

/*
 * Report a stream's failure: TRACE error (unless the sync was stopped, in
 * which case the stopping cause was already reported), and stop the whole
 * sync when nothing can succeed any more.
 */
void sync_fail(struct sync *s, int stream, const struct api_error *e);

/* A failure that is not an API error (bad data, output gone, memory). */
void sync_fail_msg(struct sync *s, int stream, const char *failure_type,
	const char *message, const char *internal);

/*
 * A listing: how to ask for each page and what to do with its records.
 * sync_pages drives it (listing.c).
 */
struct listing {
	int stream; /* failures are reported for this stream */
	int lane;
	int gone_ok;      /* 404 means the parent vanished: nothing to read */
	const char *what; /* named in error messages */
	/*
	 * The request for the page after pg (the first when pg->more is 0):
	 * the target into t and, for a POST, the JSON body into post with
	 * *is_post set.  0, or -1 when it cannot be built.
	 */
	int (*request)(void *ctx, const struct pager *pg, struct buf *t,
		struct buf *post, int *is_post);
	/* One record of the page held by a; 0, or -1 after reporting. */
	int (*record)(void *ctx, struct api *a, uint32_t rec);
	/* After each page's records (may be NULL); 0, or -1 after
	 * reporting. */
	int (*page_end)(void *ctx, unsigned long pages, int more);
	void *ctx;
};

/* Read every page of a listing.  Returns 0, or -1 after reporting. */
int sync_pages(struct sync *s, struct api *a, const struct listing *l);

/*
 * Page through one listing of stream's endpoint and emit its records with
 * the nadd key/value pairs of kv added.  path is below the api_url (query
 * holds fixed parameters, or is NULL); limit and cursor parameters are
 * added when the stream paginates.  For a child stream, 404 means its
 * parent vanished since it was listed: nothing to read, not an error.
 * Returns 0, or -1 after reporting the failure for the stream.
 */
int sync_list(struct sync *s, struct api *a, int stream, const char *path,
	const char *query, const char *const *kv, int nadd);

/* Start a worker thread with SYNC_STACK of stack; pthread_create's code. */
int sync_spawn(pthread_t *t, void *(*fn)(void *), void *arg);

/* Open this worker's api; on failure the stream(s) fail. */
int sync_api(struct sync *s, struct api *a, const int *streams, int n);

/* Add a worker's request counts to the sync's totals. */
void sync_count(struct sync *s, const struct api *a);

/* The issue family (family.c): runs its threads, joins them. */
void *family_run(void *arg);

#endif
