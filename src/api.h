/*
 * api: one call to the Pylon API, done right.
 *
 * api_call waits for the lane's slot, sends the request on this worker's
 * keep-alive connection, and reads and parses the JSON body.  It retries,
 * up to config max_retries times, what may succeed later: 429 (waiting as
 * Retry-After says, else exponential backoff with jitter), 5xx and 408,
 * connection resets, timeouts, truncated bodies, and 200 responses whose
 * body is not JSON.  It does not retry what will not change: 401/403
 * (config_error naming the likely cause), other 4xx, certificate problems.
 *
 * On success the parsed document is in a->doc (root token 0), valid until
 * the next api_call or api_page_done.  Each worker thread owns one api.
 */
#ifndef SP_API_H
#define SP_API_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "rate.h"
#include "streams.h"

/* Caps on what one response may cost. */
#define API_MAX_BODY ((size_t)256 << 20)
#define API_MAX_TOKENS ((size_t)4 << 20)
#define API_ARENA_LIMIT ((size_t)256 << 20)
/* Longest wait a Retry-After may impose, and the backoff ceiling. */
#define API_MAX_RETRY_AFTER_MS (10 * 60 * 1000)
#define API_MAX_BACKOFF_MS (60 * 1000)
/* Waits at least this long are announced (status RATE_LIMITED, LOG). */
#define API_REPORT_WAIT_MS (10 * 1000)

enum api_fail {
	API_OK = 0,
	API_FAIL_CONFIG,    /* failure_type config_error */
	API_FAIL_TRANSIENT, /* transient_error */
	API_FAIL_SYSTEM,    /* system_error */
	API_NOT_FOUND,      /* HTTP 404: the caller decides */
	API_STOPPED         /* the sync is stopping */
};

struct api_error {
	int kind;          /* enum api_fail */
	int status;        /* HTTP status, 0 when there was none */
	char message[640]; /* for a person; never the token */
	char internal[640];
};

/* The failure_type string of an api_fail. */
const char *api_failure_type(int kind);

struct api {
	struct http_conn *conn;
	const struct config *cfg;
	struct lane *lanes; /* L_COUNT lanes, shared */
	char auth[CONFIG_MAX_TOKEN + 16];
	char base_path[CONFIG_MAX_URL + 1];
	struct buf target;
	struct buf body;
	struct arena arena;
	struct json_doc doc;
	uint32_t data; /* API_PAGE: the records array, or 0 */
	int report[3]; /* streams to tell about long waits */
	int nreport;
	unsigned long requests; /* HTTP requests sent */
	unsigned long retries;
};

int api_init(struct api *a, const struct config *cfg,
	const struct tls_trust *trust, struct lane *lanes, struct api_error *e);
void api_free(struct api *a);

/* Streams (stream_id) in whose name long waits are announced. */
void api_report_for(struct api *a, const int *streams, int n);

/* api_call flags */
#define API_PAGE 1 /* the answer is a list page: check its shape */

/*
 * One request.  target is the path (with query, already encoded) below
 * the api_url's path, e.g. "/issues?start_time=...".  post, when not NULL,
 * is a JSON body sent with POST.  With API_PAGE, a 200 whose body is not a
 * well-formed page (page.h) is retried like a garbled body, and a->data is
 * set to the records array.  Returns API_OK or an api_fail code with e
 * filled in.
 */
int api_call(struct api *a, int lane, const char *target,
	const struct buf *post, int flags, struct api_error *e);

/* Release the page's parsed data (the arena), keeping its memory. */
void api_page_done(struct api *a);

#endif
