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

/* The request target of one page: path?query&limit=N&cursor=C. */
static const char *
page_target(struct buf *t, const char *path, const char *query, int limit,
	const struct pager *pg)
{
	char sep = '?';

	buf_reset(t);
	buf_adds(t, path);
	if (query != NULL) {
		buf_addc(t, sep);
		buf_adds(t, query);
		sep = '&';
	}
	if (limit > 0) {
		buf_addc(t, sep);
		buf_adds(t, "limit=");
		buf_addi(t, limit);
		sep = '&';
	}
	if (pg->more) {
		buf_addc(t, sep);
		buf_adds(t, "cursor=");
		url_encode(t, pg->cursor, strlen(pg->cursor));
	}
	return buf_cstr(t);
}

int
sync_list(struct sync *s, struct api *a, int stream, const char *path,
	const char *query, const char *const *kv, int nadd)
{
	const struct stream_def *def = &stream_defs[stream];
	struct emitter *em = &s->em[stream];
	int child = def->parent >= 0;
	struct api_error e;
	struct json_iter it;
	struct pager pg;
	struct buf t;
	const char *target, *fail = NULL;
	char why[200];
	uint32_t rec;
	int rc, more = 0;

	buf_init(&t, 8192);
	pager_init(&pg);
	do {
		/* One page; a child whose parent vanished has nothing. */
		target = page_target(&t, path, query,
			def->paginated ? s->cfg->page_size : 0, &pg);
		if (target == NULL) {
			fail = "request too long";
			break;
		}
		rc = api_call(a, def->lane, target, NULL, API_PAGE, &e);
		if (rc == API_NOT_FOUND && child) {
			out_log("WARN", "%s: %s is gone (HTTP 404); skipping",
				em->stream, path);
			break;
		}
		if (rc != API_OK) {
			sync_fail(s, stream, &e);
			more = -1;
			break;
		}

		/* The records, then where to go next. */
		json_iter_init(&a->doc, a->data, &it);
		while (a->data != 0 && json_iter_next(&a->doc, &it, &rec)
			&& fail == NULL) {
			if (emit_record(
				    em, &a->doc, rec, kv, nadd, out_now_ms())
				< 0) {
				fail = "cannot emit a record (output closed or "
				       "out of memory)";
			}
		}
		more = pager_advance(&pg, &a->doc, &a->arena, why, sizeof why);
		api_page_done(a);
		if (fail == NULL && emit_flush(em) < 0) {
			fail = "output closed";
		}
		if (fail == NULL && more < 0) {
			fail = why;
		}
		if (!child && (pg.pages % 10 == 0 || more == 0)) {
			out_log("INFO", "%s: page %lu, %llu records",
				em->stream, pg.pages,
				(unsigned long long)em->total);
		}
	} while (more > 0 && fail == NULL);
	if (fail != NULL) {
		sync_fail_msg(s, stream, "system_error", fail, path);
		more = -1;
	}
	buf_free(&t);
	return more < 0 ? -1 : 0;
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

/*
 * One pass over knowledge_bases feeds knowledge_base_articles: each page
 * of bases is emitted (when selected), then the articles of its bases are
 * read before the next page, so memory holds one page of ids at most.
 */
static void
kb_family(struct sync *s)
{
	int kb = s->cat->selected[S_KNOWLEDGE_BASES];
	int art = s->cat->selected[S_KB_ARTICLES];
	int rep[2], nrep = 0, failed_kb = 0, failed_art = 0;
	struct emitter *em = &s->em[S_KNOWLEDGE_BASES];
	struct api_error e;
	struct json_iter it;
	struct pager pg;
	struct api a;
	struct buf t, ids;
	const char *id;
	char why[200];
	uint32_t rec;
	size_t n;
	int more;

	if (kb) {
		rep[nrep++] = S_KNOWLEDGE_BASES;
		sync_begin(s, S_KNOWLEDGE_BASES);
	}
	if (art) {
		rep[nrep++] = S_KB_ARTICLES;
		sync_begin(s, S_KB_ARTICLES);
	}
	if (sync_api(s, &a, rep, nrep) < 0) {
		goto done_fail;
	}
	buf_init(&t, 8192);
	buf_init(&ids, 0);
	pager_init(&pg);
	do {
		buf_reset(&t);
		buf_adds(&t, stream_defs[S_KNOWLEDGE_BASES].path);
		buf_adds(&t, "?limit=");
		buf_addi(&t, s->cfg->page_size);
		if (pg.more) {
			buf_adds(&t, "&cursor=");
			url_encode(&t, pg.cursor, strlen(pg.cursor));
		}
		if (api_call(&a, L_KNOWLEDGE_BASES, buf_cstr(&t), NULL,
			    API_PAGE, &e)
			!= API_OK) {
			sync_fail(s, rep[0], &e);
			failed_kb = failed_art = 1;
			break;
		}

		/* Emit the bases; keep their ids for the articles. */
		buf_reset(&ids);
		json_iter_init(&a.doc, a.data, &it);
		while (a.data != 0 && json_iter_next(&a.doc, &it, &rec)) {
			if (kb) {
				emit_record(
					em, &a.doc, rec, NULL, 0, out_now_ms());
			}
			if (art
				&& json_get_str(
					   &a.doc, rec, "id", &a.arena, &id, &n)
					== JSON_GET_OK
				&& n > 0 && memchr(id, '\0', n) == NULL)
			{
				buf_add(&ids, id, n + 1);
			}
		}
		more = pager_advance(&pg, &a.doc, &a.arena, why, sizeof why);
		api_page_done(&a);
		if (emit_flush(em) < 0 || ids.err) {
			sync_fail_msg(s, rep[0], "system_error",
				"output closed "
				"or out of memory",
				NULL);
			failed_kb = failed_art = 1;
			break;
		}
		if (more < 0) {
			sync_fail_msg(s, rep[0], "system_error", why,
				"GET /knowledge-bases");
			failed_kb = failed_art = 1;
			break;
		}
		if (art && articles_of(s, &a, &ids) < 0) {
			failed_art = 1;
			break;
		}
	} while (more);
	buf_free(&t);
	buf_free(&ids);
	sync_count(s, &a);
	api_free(&a);

	/* States, then the end of each stream. */
	if (kb && !failed_kb && emit_state_done(em) < 0) {
		failed_kb = 1;
	}
	if (art && !failed_art && emit_state_done(&s->em[S_KB_ARTICLES]) < 0) {
		failed_art = 1;
	}
	if (kb) {
		sync_end(s, S_KNOWLEDGE_BASES, failed_kb);
	}
	if (art) {
		sync_end(s, S_KB_ARTICLES, failed_art);
	}
	return;
done_fail:
	if (kb) {
		sync_end(s, S_KNOWLEDGE_BASES, 1);
	}
	if (art) {
		sync_end(s, S_KB_ARTICLES, 1);
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
