/*
 * family: the issue family (issues, issue_messages, issue_threads).
 *
 * Windows.  Issues are listed from the earliest checkpoint among the
 * selected family streams up to the sync's start time t0, in windows
 * [S, E) of at most SYNC_WINDOW_MS, on the cursor field (created_at with
 * GET /issues, updated_at with POST /issues/search).  Pylon compares times
 * at millisecond precision, renders them to the second, and does not say
 * whether its bounds are inclusive.  So each request asks for a window
 * widened by SYNC_WIDEN_MS on both sides, and we place every returned
 * issue by the value it carries: it belongs to the window where
 * S <= value < E.  An issue rendered at second d was stored within a
 * second of d, so it lies strictly inside the widened range of its window,
 * whatever the server's bounds mean; and since each value falls in exactly
 * one window, no issue is emitted twice within a sync.  Windows tile time
 * from the start to t0 with no gap, and a checkpoint is always a window's
 * end.
 *
 * Children.  The parent queues (issue id) jobs for each selected child
 * whose range covers the issue, and after each window a WINDOW_END marker.
 * A child thread works through its queue in order, so when it reaches
 * WINDOW_END(E) every child of the issues before E is done, and an
 * incremental child may checkpoint E.  Queues are bounded: the parent
 * waits when a child is a full queue behind, so memory does not grow
 * with the sync.  The issues stream's own checkpoint moves after each
 * window, usually far ahead of the children; a resumed sync re-lists
 * from the earliest checkpoint and emits each stream only past its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "jw.h"
#include "out.h"
#include "page.h"
#include "queue.h"
#include "sync.h"
#include "ts.h"
#include "url.h"

/* The cursor of issue children with issues_cursor_field updated_at. */
#define CHILD_CURSOR "issue_updated_at"

struct family {
	struct sync *s;
	int child[2]; /* S_ISSUE_MESSAGES, S_ISSUE_THREADS */
	int nchild;
	struct queue q[2];
	int64_t start[S_COUNT]; /* each selected stream's range start */
	const char *field;      /* "created_at" or "updated_at" */
};

struct child_arg {
	struct family *f;
	int k; /* index into child[] and q[] */
};

/* ---- children ------------------------------------------------------------ */

/* Fetch and emit all children of one issue. 0, or -1 after reporting. */
static int
fetch_children(struct family *f, struct api *a, int stream,
	const struct queue_item *job)
{
	const char *kv[4]
		= {"issue_id", job->id, "issue_updated_at", job->updated};
	struct buf path;
	int rc;

	buf_init(&path, 4096);
	buf_adds(&path, "/issues/");
	url_encode(&path, job->id, strlen(job->id));
	buf_adds(&path, stream == S_ISSUE_MESSAGES ? "/messages" : "/threads");
	if (buf_cstr(&path) == NULL) {
		sync_fail_msg(f->s, stream, "system_error",
			"out of memory building a request", NULL);
		rc = -1;
	} else {
		rc = sync_list(f->s, a, stream, path.p, NULL, kv,
			job->updated[0] != '\0' ? 2 : 1);
	}
	buf_free(&path);
	return rc;
}

/* Progress for a person, and an estimate for the platform. */
static void
child_progress(struct family *f, int stream, struct queue *q, uint64_t done,
	int64_t t_begin, int64_t *last)
{
	struct emitter *em = &f->s->em[stream];
	int64_t now = rate_mono_ms();
	uint64_t pushed;
	double rate;

	/* The first issue done gives a first estimate; then every so often. */
	if (done != 1 && now - *last < SYNC_PROGRESS_MS) {
		return;
	}
	*last = now;
	pushed = queue_pushed(q);
	if (done == 0) {
		return;
	}
	rate = (double)done / ((double)(now - t_begin) / 60000.0 + 1e-9);
	out_log("INFO",
		"%s: %llu of %llu issues listed so far done, %llu "
		"records; about %.0f min left for those at %.1f issues/min",
		em->stream, (unsigned long long)done,
		(unsigned long long)pushed, (unsigned long long)em->total,
		(double)(pushed - done) / (rate > 0 ? rate : 1), rate);
	out_estimate(em->stream,
		(long long)((double)em->total * (double)pushed / (double)done));
}

static void *
child_main(void *arg)
{
	struct child_arg *ca = arg;
	struct family *f = ca->f;
	struct sync *s = f->s;
	int stream = f->child[ca->k];
	struct queue *q = &f->q[ca->k];
	struct emitter *em = &s->em[stream];
	int inc = s->cat->incremental[stream];
	int64_t last = f->start[stream], t_begin = rate_mono_ms();
	int64_t shown = t_begin;
	int failed = 0, aborted = 0, stated = 0;
	uint64_t done = 0;
	struct queue_item it;
	struct api a;

	sync_begin(s, stream);
	if (sync_api(s, &a, &stream, 1) < 0) {
		queue_kill(q);
		sync_end(s, stream, 1);
		return NULL;
	}
	for (;;) {
		queue_pop(q, &it);
		if (it.kind == QUEUE_END) {
			break;
		}
		if (it.kind == QUEUE_ABORT) {
			aborted = 1;
			break;
		}
		if (it.kind == QUEUE_WINDOW_END) {
			/* Everything before it.cursor is done. */
			if (inc && it.cursor > last) {
				if (emit_state_cursor(
					    em, CHILD_CURSOR, it.cursor)
					< 0) {
					failed = 1;
					break;
				}
				last = it.cursor;
				stated = 1;
			}
			continue;
		}
		if (fetch_children(f, &a, stream, &it) < 0) {
			failed = 1;
			break;
		}
		done++;
		child_progress(f, stream, q, done, t_begin, &shown);
	}
	if (failed || aborted) {
		queue_kill(q);
	}

	/* The final state: the last checkpoint, or the end of a full read. */
	if (!failed && !aborted) {
		if (inc && !stated) {
			failed = emit_state_cursor(em, CHILD_CURSOR, last) < 0;
		} else if (!inc) {
			failed = emit_state_done(em) < 0;
		}
	}
	sync_count(s, &a);
	api_free(&a);
	sync_end(s, stream, failed || aborted);
	return NULL;
}

/* ---- the parent: listing issues window by window ----------------------- */

/* The search body for one window page. */
static void
search_body(struct buf *b, const char *field, int64_t from, int64_t to,
	int limit, const struct pager *pg)
{
	char t1[TS_LEN + 1], t2[TS_LEN + 1];

	ts_format(from, t1);
	ts_format(to, t2);
	buf_reset(b);
	buf_adds(b, "{\"filter\":{\"operator\":\"and\",\"subfilters\":[");
	buf_adds(b, "{\"field\":\"");
	buf_adds(b, field);
	buf_adds(b, "\",\"operator\":\"time_is_after\",\"value\":\"");
	buf_adds(b, t1);
	buf_adds(b, "\"},{\"field\":\"");
	buf_adds(b, field);
	buf_adds(b, "\",\"operator\":\"time_is_before\",\"value\":\"");
	buf_adds(b, t2);
	buf_adds(b, "\"}]},\"limit\":");
	buf_addi(b, limit);
	if (pg->more) {
		buf_adds(b, ",\"cursor\":");
		jw_strz(b, pg->cursor);
	}
	buf_addc(b, '}');
}

/* The GET /issues target for one window page. */
static void
list_target(struct buf *b, int64_t from, int64_t to, int limit,
	const struct pager *pg)
{
	char t1[TS_LEN + 1], t2[TS_LEN + 1];

	ts_format(from, t1);
	ts_format(to, t2);
	buf_reset(b);
	buf_adds(b, "/issues?start_time=");
	url_encode(b, t1, TS_LEN);
	buf_adds(b, "&end_time=");
	url_encode(b, t2, TS_LEN);
	buf_adds(b, "&limit=");
	buf_addi(b, limit);
	if (pg->more) {
		buf_adds(b, "&cursor=");
		url_encode(b, pg->cursor, strlen(pg->cursor));
	}
}

/*
 * Place one listed issue: emit it to the issues stream and queue its
 * children, each only if its value lies in this window and in that
 * stream's range.  Returns 0, or -1 after reporting a failure.
 */
static int
place_issue(struct family *f, struct api *a, uint32_t rec, int64_t from,
	int64_t to, int *warned)
{
	struct sync *s = f->s;
	const struct json_doc *d = &a->doc;
	const char *v = NULL, *id, *upd;
	size_t n = 0, idn;
	int64_t ms;
	int k;

	if (json_get_str(d, rec, f->field, &a->arena, &v, &n) != JSON_GET_OK
		|| ts_parse(v, n, &ms) < 0)
	{
		/* Cannot be placed: count it in the window that returned it. */
		v = NULL;
		if (!*warned) {
			out_log("WARN",
				"issues: an issue without a valid %s; "
				"kept in the window that returned it",
				f->field);
			*warned = 1;
		}
		ms = from;
	}
	if (ms < from || ms >= to) {
		return 0;
	}
	if (s->cat->selected[S_ISSUES] && ms >= f->start[S_ISSUES]
		&& emit_record(&s->em[S_ISSUES], d, rec, NULL, 0, out_now_ms())
			< 0)
	{
		sync_fail_msg(s, S_ISSUES, "system_error",
			"out of memory "
			"building a record",
			NULL);
		return -1;
	}
	if (f->nchild == 0) {
		return 0;
	}
	if (json_get_str(d, rec, "id", &a->arena, &id, &idn) != JSON_GET_OK
		|| idn == 0 || idn >= QUEUE_ID_MAX
		|| memchr(id, '\0', idn) != NULL)
	{
		sync_fail_msg(s, f->child[0], "system_error",
			"Pylon listed an "
			"issue without a usable id, so its messages and "
			"threads "
			"cannot be read",
			NULL);
		return -1;
	}
	/* With the updated_at cursor, children carry it (their cursor). */
	upd = NULL;
	if (s->cfg->cursor == CURSOR_UPDATED_AT && v != NULL
		&& n < QUEUE_TS_MAX) {
		upd = v;
	}
	for (k = 0; k < f->nchild; k++) {
		if (ms >= f->start[f->child[k]]) {
			queue_push(&f->q[k], QUEUE_JOB, 0, id, upd);
		}
	}
	return 0;
}

/* The stream that speaks for the parent listing. */
static int
voice(const struct family *f)
{
	return f->s->cat->selected[S_ISSUES] ? S_ISSUES : f->child[0];
}

/* One window's listing. */
struct window {
	struct family *f;
	int64_t from, to; /* the window */
	uint64_t *listed; /* issues returned, for progress */
	int warned;
};

/* The request for one page: GET /issues or POST /issues/search, asking
 * for the window widened by SYNC_WIDEN_MS on each side. */
static int
window_request(void *ctx, const struct pager *pg, struct buf *t,
	struct buf *post, int *is_post)
{
	struct window *w = ctx;
	struct sync *s = w->f->s;
	int64_t lo = w->from - SYNC_WIDEN_MS, hi = w->to + SYNC_WIDEN_MS;

	if (s->cfg->cursor == CURSOR_UPDATED_AT) {
		search_body(post, w->f->field, lo, hi, s->cfg->page_size, pg);
		buf_adds(t, "/issues/search");
		*is_post = 1;
	} else {
		list_target(t, lo, hi, s->cfg->page_size, pg);
	}
	return t->err || post->err ? -1 : 0;
}

static int
window_record(void *ctx, struct api *a, uint32_t rec)
{
	struct window *w = ctx;

	(*w->listed)++;
	return place_issue(w->f, a, rec, w->from, w->to, &w->warned);
}

static int
window_page_end(void *ctx, unsigned long pages, int more)
{
	struct window *w = ctx;

	(void)pages;
	(void)more;
	if (emit_flush(&w->f->s->em[S_ISSUES]) < 0) {
		sync_fail_msg(w->f->s, voice(w->f), "system_error",
			"output closed", NULL);
		return -1;
	}
	return 0;
}

/* List the issues of window [from, to). 0, or -1 after reporting. */
static int
list_window(struct family *f, struct api *a, int64_t from, int64_t to,
	uint64_t *listed)
{
	struct window w;
	struct listing l;

	w.f = f;
	w.from = from;
	w.to = to;
	w.listed = listed;
	w.warned = 0;
	l.stream = voice(f);
	l.lane = f->s->cfg->cursor == CURSOR_UPDATED_AT ? L_ISSUES_SEARCH
							: L_ISSUES_LIST;
	l.gone_ok = 0;
	l.what = lane_defs[l.lane].name;
	l.request = window_request;
	l.record = window_record;
	l.page_end = window_page_end;
	l.ctx = &w;
	return sync_pages(f->s, a, &l);
}

/*
 * Where stream's range starts: its checkpoint (in the configured field,
 * or taken over from the other field) when incremental, else the default
 * start.
 */
static int64_t
range_start(struct family *f, int stream)
{
	struct sync *s = f->s;
	const struct state_in *st = s->st;
	int upd = s->cfg->cursor == CURSOR_UPDATED_AT;

	if (!s->cat->incremental[stream]) {
		return s->default_start;
	}
	if (upd && st->has_updated[stream]) {
		return st->updated_ms[stream];
	}
	if (!upd && st->has_created[stream]) {
		return st->created_ms[stream];
	}
	if (upd && st->has_created[stream]) {
		out_log("INFO",
			"%s: the state holds a created_at checkpoint; "
			"continuing from it on updated_at",
			stream_defs[stream].name);
		return st->created_ms[stream];
	}
	if (!upd && st->has_updated[stream]) {
		out_log("INFO",
			"%s: the state holds an updated_at checkpoint; "
			"continuing from it on created_at",
			stream_defs[stream].name);
		return st->updated_ms[stream];
	}
	return s->default_start;
}

/* Walk the windows; 0 when every window was listed. */
static int
walk_windows(struct family *f, struct api *a, int64_t begin)
{
	struct sync *s = f->s;
	struct emitter *em = &s->em[S_ISSUES];
	int issues = s->cat->selected[S_ISSUES];
	int inc = s->cat->incremental[S_ISSUES];
	int64_t from, to, nwin;
	uint64_t listed = 0;
	char a1[TS_LEN + 1], a2[TS_LEN + 1];
	int k, rc = 0, w = 0;

	nwin = begin >= s->t0
		? 0
		: (s->t0 - begin + SYNC_WINDOW_MS - 1) / SYNC_WINDOW_MS;
	for (from = begin; from < s->t0 && rc == 0; from = to) {
		to = from + SYNC_WINDOW_MS < s->t0 ? from + SYNC_WINDOW_MS
						   : s->t0;
		w++;
		ts_format(from, a1);
		ts_format(to, a2);
		out_log("INFO", "issues: window %d of %lld, %s to %s", w,
			(long long)nwin, a1, a2);
		rc = list_window(f, a, from, to, &listed);
		if (rc < 0) {
			break;
		}

		/* The window is done: checkpoints move to its end. */
		if (issues && inc && to > f->start[S_ISSUES]
			&& emit_state_cursor(em, f->field, to) < 0)
		{
			rc = -1;
			break;
		}
		for (k = 0; k < f->nchild; k++) {
			queue_push(&f->q[k], QUEUE_WINDOW_END, to, NULL, NULL);
		}
		if (issues) {
			out_estimate(
				"issues", (long long)(em->total * nwin / w));
		}
		out_log("INFO",
			"issues: window %d of %lld done; %llu listed, "
			"%llu emitted",
			w, (long long)nwin, (unsigned long long)listed,
			(unsigned long long)em->total);
	}
	return rc;
}

void *
family_run(void *arg)
{
	struct sync *s = arg;
	struct family f;
	struct child_arg ca[2];
	pthread_t th[2];
	int started[2] = {0, 0};
	int issues = s->cat->selected[S_ISSUES];
	int rep[3], nrep = 0, k, failed = 0;
	int64_t begin = INT64_MAX;
	struct api a;

	/* Who takes part, and from where each stream's range starts. */
	memset(&f, 0, sizeof f);
	f.s = s;
	f.field = config_cursor_name(s->cfg->cursor);
	if (issues) {
		rep[nrep++] = S_ISSUES;
	}
	if (s->cat->selected[S_ISSUE_MESSAGES]) {
		f.child[f.nchild++] = S_ISSUE_MESSAGES;
	}
	if (s->cat->selected[S_ISSUE_THREADS]) {
		f.child[f.nchild++] = S_ISSUE_THREADS;
	}
	for (k = 0; k < f.nchild; k++) {
		rep[nrep++] = f.child[k];
	}
	for (k = 0; k < S_COUNT; k++) {
		if ((k == S_ISSUES || k == S_ISSUE_MESSAGES
			    || k == S_ISSUE_THREADS)
			&& s->cat->selected[k])
		{
			f.start[k] = range_start(&f, k);
			if (f.start[k] < begin) {
				begin = f.start[k];
			}
		}
	}

	/*
	 * The children's threads.  A child that cannot start fails alone;
	 * its queue is dead, so the parent never waits on it.
	 */
	for (k = 0; k < f.nchild; k++) {
		ca[k].f = &f;
		ca[k].k = k;
		started[k] = queue_init(&f.q[k], SYNC_QUEUE_CAP) == 0
			&& sync_spawn(&th[k], child_main, &ca[k]) == 0;
		if (!started[k]) {
			queue_kill(&f.q[k]);
			sync_begin(s, f.child[k]);
			sync_fail_msg(s, f.child[k], "system_error",
				"cannot start the stream's thread", NULL);
			sync_end(s, f.child[k], 1);
		}
	}

	/* The parent. */
	if (issues) {
		sync_begin(s, S_ISSUES);
	}
	if (sync_api(s, &a, rep, nrep) < 0) {
		failed = 1;
	} else {
		failed = walk_windows(&f, &a, begin) < 0;
		sync_count(s, &a);
		api_free(&a);
	}
	if (issues && !failed) {
		struct emitter *em = &s->em[S_ISSUES];

		/* No window ended past the checkpoint (e.g. a future one):
		 * restate it so every stream still gets a state. */
		if (!s->cat->incremental[S_ISSUES]) {
			failed = emit_state_done(em) < 0;
		} else if (f.start[S_ISSUES] >= s->t0) {
			failed = emit_state_cursor(
					 em, f.field, f.start[S_ISSUES])
				< 0;
		}
	}
	if (issues) {
		sync_end(s, S_ISSUES, failed);
	}

	/* Tell the children how it ended, and wait for them. */
	for (k = 0; k < f.nchild; k++) {
		queue_push(&f.q[k], failed ? QUEUE_ABORT : QUEUE_END, 0, NULL,
			NULL);
		queue_wake(&f.q[k]);
	}
	for (k = 0; k < f.nchild; k++) {
		if (started[k]) {
			pthread_join(th[k], NULL);
		}
	}
	for (k = 0; k < f.nchild; k++) {
		queue_free(&f.q[k]);
	}
	return NULL;
}
