/*
 * sync: see sync.h.  This file holds the shared helpers, the plain
 * streams, the knowledge-base family and the thread pool; the issue
 * family lives in family.c.
 */
#include "sync.h"

#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "out.h"
#include "page.h"
#include "ts.h"
#include "url.h"

/* ---- shared helpers ------------------------------------------------------ */

void
sync_begin(struct sync *s, int stream)
{
	(void)s;
	out_status(stream_defs[stream].name, "STARTED", 0);
	out_status(stream_defs[stream].name, "RUNNING", 0);
}

void
sync_end(struct sync *s, int stream, int failed)
{
	struct emitter *em = &s->em[stream];

	if (failed) {
		emit_flush(em);
		pthread_mutex_lock(&s->mu);
		s->failed[stream] = 1;
		s->any_failed = 1;
		pthread_mutex_unlock(&s->mu);
	}
	out_status(em->stream, failed ? "INCOMPLETE" : "COMPLETE", 0);
	if (!failed) {
		out_log("INFO", "%s: complete, %llu records%s", em->stream,
			(unsigned long long)em->total,
			em->skipped ? " (some "
				      "empty records skipped)"
				    : "");
	}
}

void
sync_fail_msg(struct sync *s, int stream, const char *failure_type,
	const char *message, const char *internal)
{
	(void)s;
	if (!ctl_stopped()) {
		out_error(failure_type, stream_defs[stream].name, message,
			internal);
	}
	if (out_failed()) {
		ctl_stop();
	}
}

void
sync_fail(struct sync *s, int stream, const struct api_error *e)
{
	if (e->kind == API_STOPPED) {
		return;
	}

	/*
	 * Rejected credentials or an unusable api_url fail every stream:
	 * the sync stops, and only the thread that stopped it reports, so
	 * one cause gives one error however many threads met it at once.
	 */
	if (e->kind == API_FAIL_CONFIG) {
		if (ctl_stop()) {
			out_error(api_failure_type(e->kind),
				stream_defs[stream].name, e->message,
				e->internal);
		}
		return;
	}
	sync_fail_msg(
		s, stream, api_failure_type(e->kind), e->message, e->internal);
}

int
sync_api(struct sync *s, struct api *a, const int *streams, int n)
{
	struct api_error e;

	if (api_init(a, s->cfg, s->trust, s->lanes, &e) < 0) {
		sync_fail(s, streams[0], &e);
		return -1;
	}
	api_report_for(a, streams, n);
	return 0;
}

void
sync_count(struct sync *s, const struct api *a)
{
	pthread_mutex_lock(&s->mu);
	s->requests += a->requests;
	s->retries += a->retries;
	pthread_mutex_unlock(&s->mu);
}

/* ---- plain streams ------------------------------------------------------- */

/* One listing of a stream: where, and what to add to each record. */
struct plain {
	struct sync *s;
	struct emitter *em;
	const char *path;
	const char *query;
	int limit; /* 0: the endpoint takes no limit */
	const char *const *kv;
	int nadd;
};

/* path?query&limit=N&cursor=C */
static int
plain_request(void *ctx, const struct pager *pg, struct buf *t,
	struct buf *post, int *is_post)
{
	struct plain *p = ctx;
	char sep = '?';

	(void)post;
	(void)is_post;
	buf_adds(t, p->path);
	if (p->query != NULL) {
		buf_addc(t, sep);
		buf_adds(t, p->query);
		sep = '&';
	}
	if (p->limit > 0) {
		buf_addc(t, sep);
		buf_adds(t, "limit=");
		buf_addi(t, p->limit);
		sep = '&';
	}
	if (pg->more) {
		buf_addc(t, sep);
		buf_adds(t, "cursor=");
		url_encode(t, pg->cursor, strlen(pg->cursor));
	}
	return t->err ? -1 : 0;
}

static int
plain_record(void *ctx, struct api *a, uint32_t rec)
{
	struct plain *p = ctx;

	if (emit_record(p->em, &a->doc, rec, p->kv, p->nadd, out_now_ms()) < 0)
	{
		sync_fail_msg(p->s,
			stream_find(p->em->stream, strlen(p->em->stream)),
			"system_error",
			"cannot emit a record (output closed or out of memory)",
			p->path);
		return -1;
	}
	return 0;
}

static int
plain_page_end(void *ctx, unsigned long pages, int more)
{
	struct plain *p = ctx;
	int stream = stream_find(p->em->stream, strlen(p->em->stream));

	if (emit_flush(p->em) < 0) {
		sync_fail_msg(
			p->s, stream, "system_error", "output closed", NULL);
		return -1;
	}
	if (stream_defs[stream].parent < 0 && (pages % 10 == 0 || more == 0)) {
		out_log("INFO", "%s: page %lu, %llu records", p->em->stream,
			pages, (unsigned long long)p->em->total);
	}
	return 0;
}

int
sync_list(struct sync *s, struct api *a, int stream, const char *path,
	const char *query, const char *const *kv, int nadd)
{
	const struct stream_def *def = &stream_defs[stream];
	struct plain p;
	struct listing l;

	p.s = s;
	p.em = &s->em[stream];
	p.path = path;
	p.query = query;
	p.limit = def->paginated ? s->cfg->page_size : 0;
	p.kv = kv;
	p.nadd = nadd;
	l.stream = stream;
	l.lane = def->lane;
	l.gone_ok = def->parent >= 0;
	l.what = path;
	l.request = plain_request;
	l.record = plain_record;
	l.page_end = plain_page_end;
	l.ctx = &p;
	return sync_pages(s, a, &l);
}

static void
plain_stream(struct sync *s, int stream)
{
	struct api a;
	char query[64];
	int failed = 0;
	size_t i;

	sync_begin(s, stream);
	if (sync_api(s, &a, &stream, 1) < 0) {
		sync_end(s, stream, 1);
		return;
	}
	if (stream == S_CUSTOM_FIELDS) {
		/* One partition per object type. */
		for (i = 0; i < 3 && !failed; i++) {
			const char *kv[2]
				= {"object_type", custom_field_types[i]};

			snprintf(query, sizeof query, "object_type=%s",
				custom_field_types[i]);
			failed = sync_list(s, &a, stream,
					 stream_defs[stream].path, query, kv, 1)
				< 0;
		}
	} else {
		failed = sync_list(s, &a, stream, stream_defs[stream].path,
				 NULL, NULL, 0)
			< 0;
	}
	if (!failed && emit_state_done(&s->em[stream]) < 0) {
		failed = 1;
	}
	sync_count(s, &a);
	api_free(&a);
	sync_end(s, stream, failed);
}

/* ---- knowledge bases and their articles ---------------------------------- */

/*
 * Fetch the articles of every knowledge base listed in ids (NUL-separated
 * strings).  Returns 0, or -1 after reporting the failure.
 */
static int
articles_of(struct sync *s, struct api *a, const struct buf *ids)
{
	const char *kv[2] = {"knowledge_base_id", NULL};
	struct buf path;
	size_t off = 0, n;
	int rc = 0;

	buf_init(&path, 4096);
	while (off < ids->len && rc == 0) {
		n = strlen(ids->p + off);
		buf_reset(&path);
		buf_adds(&path, "/knowledge-bases/");
		url_encode(&path, ids->p + off, n);
		buf_adds(&path, "/articles");
		if (buf_cstr(&path) == NULL) {
			sync_fail_msg(s, S_KB_ARTICLES, "system_error",
				"out of memory building a request", NULL);
			rc = -1;
			break;
		}
		kv[1] = ids->p + off;
		rc = sync_list(s, a, S_KB_ARTICLES, path.p, NULL, kv, 1);
		off += n + 1;
	}
	buf_free(&path);
	return rc;
}

/* The knowledge bases listing: emit them, keep their ids. */
struct kbs {
	struct sync *s;
	int emit;       /* knowledge_bases is selected */
	int keep;       /* knowledge_base_articles is selected */
	int voice;      /* the stream that reports failures */
	struct buf ids; /* NUL-separated ids of the bases */
};

static int
kb_request(void *ctx, const struct pager *pg, struct buf *t, struct buf *post,
	int *is_post)
{
	struct kbs *k = ctx;

	(void)post;
	(void)is_post;
	buf_adds(t, stream_defs[S_KNOWLEDGE_BASES].path);
	buf_adds(t, "?limit=");
	buf_addi(t, k->s->cfg->page_size);
	if (pg->more) {
		buf_adds(t, "&cursor=");
		url_encode(t, pg->cursor, strlen(pg->cursor));
	}
	return t->err ? -1 : 0;
}

static int
kb_record(void *ctx, struct api *a, uint32_t rec)
{
	struct kbs *k = ctx;
	const char *id;
	size_t n;

	if (k->emit
		&& emit_record(&k->s->em[S_KNOWLEDGE_BASES], &a->doc, rec, NULL,
			   0, out_now_ms())
			< 0)
	{
		sync_fail_msg(k->s, k->voice, "system_error",
			"cannot emit a record", NULL);
		return -1;
	}
	if (k->keep
		&& json_get_str(&a->doc, rec, "id", &a->arena, &id, &n)
			== JSON_GET_OK
		&& n > 0 && memchr(id, '\0', n) == NULL
		&& buf_add(&k->ids, id, n + 1) != BUF_OK)
	{
		sync_fail_msg(k->s, k->voice, "system_error",
			"out of memory keeping knowledge base ids", NULL);
		return -1;
	}
	return 0;
}

static int
kb_page_end(void *ctx, unsigned long pages, int more)
{
	struct kbs *k = ctx;

	(void)pages;
	(void)more;
	if (emit_flush(&k->s->em[S_KNOWLEDGE_BASES]) < 0) {
		sync_fail_msg(
			k->s, k->voice, "system_error", "output closed", NULL);
		return -1;
	}
	return 0;
}

/*
 * One pass over knowledge_bases feeds knowledge_base_articles: the bases
 * are listed (and emitted when selected), then the articles of each are
 * read.  A workspace has a handful of bases, so keeping their ids costs
 * nothing.
 */
static void
kb_family(struct sync *s)
{
	struct kbs k;
	struct listing l;
	struct api a;
	int rep[2], nrep = 0, failed_kb = 0, failed_art = 0;

	memset(&k, 0, sizeof k);
	k.s = s;
	k.emit = s->cat->selected[S_KNOWLEDGE_BASES];
	k.keep = s->cat->selected[S_KB_ARTICLES];
	buf_init(&k.ids, 0);
	if (k.emit) {
		rep[nrep++] = S_KNOWLEDGE_BASES;
		sync_begin(s, S_KNOWLEDGE_BASES);
	}
	if (k.keep) {
		rep[nrep++] = S_KB_ARTICLES;
		sync_begin(s, S_KB_ARTICLES);
	}
	k.voice = rep[0];
	if (sync_api(s, &a, rep, nrep) < 0) {
		failed_kb = failed_art = 1;
		goto end;
	}
	l.stream = k.voice;
	l.lane = L_KNOWLEDGE_BASES;
	l.gone_ok = 0;
	l.what = "GET /knowledge-bases";
	l.request = kb_request;
	l.record = kb_record;
	l.page_end = kb_page_end;
	l.ctx = &k;
	if (sync_pages(s, &a, &l) < 0) {
		failed_kb = failed_art = 1;
	} else if (k.keep && articles_of(s, &a, &k.ids) < 0) {
		failed_art = 1;
	}
	sync_count(s, &a);
	api_free(&a);

	/* States, then the end of each stream. */
	if (k.emit && !failed_kb
		&& emit_state_done(&s->em[S_KNOWLEDGE_BASES]) < 0) {
		failed_kb = 1;
	}
	if (k.keep && !failed_art && emit_state_done(&s->em[S_KB_ARTICLES]) < 0)
	{
		failed_art = 1;
	}
end:
	buf_free(&k.ids);
	if (k.emit) {
		sync_end(s, S_KNOWLEDGE_BASES, failed_kb);
	}
	if (k.keep) {
		sync_end(s, S_KB_ARTICLES, failed_art);
	}
}

/* ---- the pool ---------------------------------------------------------- */

/* Pool tasks, slowest lanes first so they start early. */
static const int pool_order[] = {S_KNOWLEDGE_BASES, S_ACTIVITY_TYPES,
	S_ISSUE_STATUSES, S_CUSTOM_FIELDS, S_ACCOUNTS, S_CONTACTS, S_USERS,
	S_TEAMS, S_TAGS, S_TICKET_FORMS, S_USER_ROLES};

static void *
pool_worker(void *arg)
{
	struct sync *s = arg;
	int k, stream;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		k = s->next_task++;
		pthread_mutex_unlock(&s->mu);
		if (k >= (int)(sizeof pool_order / sizeof pool_order[0])) {
			return NULL;
		}
		stream = pool_order[k];
		if (stream == S_KNOWLEDGE_BASES) {
			if (s->cat->selected[S_KNOWLEDGE_BASES]
				|| s->cat->selected[S_KB_ARTICLES]) {
				kb_family(s);
			}
		} else if (s->cat->selected[stream]) {
			plain_stream(s, stream);
		}
	}
}

int
sync_spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t at;
	int rc;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, SYNC_STACK);
	rc = pthread_create(t, &at, fn, arg);
	pthread_attr_destroy(&at);
	return rc;
}

int
sync_run(const struct config *cfg, const struct catalog *cat,
	const struct state_in *st, const struct tls_trust *trust)
{
	struct sync s;
	pthread_t pool[SYNC_POOL], fam;
	int npool = 0, has_fam = 0, i, rc;
	int64_t t_start = rate_mono_ms();
	unsigned long throttled = 0;

	/* Context: lanes at Pylon's budgets times the multiplier. */
	memset(&s, 0, sizeof s);
	s.cfg = cfg;
	s.cat = cat;
	s.st = st;
	s.trust = trust;
	pthread_mutex_init(&s.mu, NULL);
	for (i = 0; i < L_COUNT; i++) {
		lane_init(&s.lanes[i], lane_defs[i].name,
			lane_defs[i].per_minute * cfg->rate_multiplier);
	}
	for (i = 0; i < S_COUNT; i++) {
		emit_init(&s.em[i], stream_defs[i].name);
	}
	s.t0 = out_now_ms() / 1000 * 1000;
	s.default_start
		= cfg->has_start ? cfg->start_ms : s.t0 - SYNC_DEFAULT_BACK_MS;
	ctl_reset();
	out_log("INFO",
		"read: %d streams selected, issues cursor %s, "
		"api %s",
		cat->nselected, config_cursor_name(cfg->cursor), cfg->api_url);

	/* The issue family on its own threads, the rest in the pool. */
	if (cat->selected[S_ISSUES] || cat->selected[S_ISSUE_MESSAGES]
		|| cat->selected[S_ISSUE_THREADS])
	{
		has_fam = sync_spawn(&fam, family_run, &s) == 0;
		for (i = S_ISSUES; !has_fam && i <= S_ISSUE_THREADS; i++) {
			if (cat->selected[i]) {
				sync_begin(&s, i);
				sync_fail_msg(&s, i, "system_error",
					"cannot start a thread", NULL);
				sync_end(&s, i, 1);
			}
		}
	}
	for (i = 0; i < SYNC_POOL; i++) {
		if (sync_spawn(&pool[npool], pool_worker, &s) == 0) {
			npool++;
		}
	}
	if (npool == 0) {
		pool_worker(&s);
	}
	for (i = 0; i < npool; i++) {
		pthread_join(pool[i], NULL);
	}
	if (has_fam) {
		pthread_join(fam, NULL);
	}

	/* Summary. */
	for (i = 0; i < L_COUNT; i++) {
		throttled += s.lanes[i].throttled;
	}
	out_log("INFO",
		"read: finished in %.1f s, %lu requests (%lu retries, "
		"%lu rate-limited)%s",
		(double)(rate_mono_ms() - t_start) / 1000, s.requests,
		s.retries, throttled,
		s.any_failed ? "; some streams failed" : "");
	rc = s.any_failed || out_failed() ? 1 : 0;
	for (i = 0; i < S_COUNT; i++) {
		emit_free(&s.em[i]);
	}
	for (i = 0; i < L_COUNT; i++) {
		lane_destroy(&s.lanes[i]);
	}
	pthread_mutex_destroy(&s.mu);
	return rc;
}
