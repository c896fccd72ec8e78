/*
 * listing: sync_pages, the one loop that reads a paginated listing; see
 * sync.h.  Plain streams, issue children, knowledge bases and issue
 * windows all page through here, so cursor handling, failure reporting
 * and the 404 of a vanished parent are written once.
 *
 * Pages are read one after the other.  Fetching the next page while this
 * one is emitted was tried (a helper thread on a second connection) and
 * measured: no gain against the mock on two cores, and against Pylon the
 * lanes' pacing (10 to 60 requests a minute) dwarfs the few milliseconds
 * a page takes to process.  It cost a second connection per worker and
 * memory for a second body, so it went.
 */
#include <string.h>

#include "out.h"
#include "sync.h"

/* Build the request for the page after pg. */
static const char *
request(const struct listing *l, const struct pager *pg, struct buf *t,
	struct buf *post, int *is_post)
{
	buf_reset(t);
	buf_reset(post);
	*is_post = 0;
	if (l->request(l->ctx, pg, t, post, is_post) < 0 || post->err) {
		return NULL;
	}
	return buf_cstr(t);
}

/*
 * The outcome of reading a page: 0 for a page to handle, 1 for the end of
 * the listing of a vanished parent, -1 for a failure (reported).
 */
static int
settle(struct sync *s, const struct listing *l, int rc,
	const struct api_error *e)
{
	if (rc == API_OK) {
		return 0;
	}
	if (rc == API_NOT_FOUND && l->gone_ok) {
		out_log("WARN", "%s: %s is gone (HTTP 404); skipping",
			stream_defs[l->stream].name, l->what);
		return 1;
	}
	sync_fail(s, l->stream, e);
	return -1;
}

int
sync_pages(struct sync *s, struct api *a, const struct listing *l)
{
	struct buf t, post;
	struct api_error e;
	struct json_iter it;
	struct pager pg;
	const char *target;
	char why[200];
	uint32_t rec;
	int is_post, rc, more = 0, failed = 0;

	buf_init(&t, 16384);
	buf_init(&post, 16384);
	pager_init(&pg);
	do {
		/* One page. */
		target = request(l, &pg, &t, &post, &is_post);
		if (target == NULL) {
			sync_fail_msg(s, l->stream, "system_error",
				"cannot build the request", l->what);
			failed = 1;
			break;
		}
		rc = settle(s, l,
			api_call(a, l->lane, target, is_post ? &post : NULL,
				API_PAGE, &e),
			&e);
		if (rc != 0) {
			failed = rc < 0;
			break;
		}

		/* Its records, then where the next page is. */
		json_iter_init(&a->doc, a->data, &it);
		while (a->data != 0 && json_iter_next(&a->doc, &it, &rec)) {
			if (l->record(l->ctx, a, rec) < 0) {
				failed = 1;
				break;
			}
		}
		more = failed ? 0
			      : pager_advance(
				      &pg, &a->doc, &a->arena, why, sizeof why);
		api_page_done(a);
		if (!failed && l->page_end != NULL
			&& l->page_end(l->ctx, pg.pages, more) < 0) {
			failed = 1;
		}
		if (!failed && more < 0) {
			sync_fail_msg(
				s, l->stream, "system_error", why, l->what);
			failed = 1;
		}
	} while (!failed && more > 0);
	buf_free(&t);
	buf_free(&post);
	return failed ? -1 : 0;
}
