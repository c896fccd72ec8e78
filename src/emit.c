/*
 * emit: see emit.h.
 */
#include "emit.h"

#include <stdio.h>

#include "jw.h"
#include "out.h"
#include "ts.h"

void
emit_init(struct emitter *em, const char *stream)
{
	em->stream = stream;
	em->since_state = 0;
	em->total = 0;
	em->skipped = 0;
	buf_init(&em->lines, 0);
}

void
emit_free(struct emitter *em)
{
	buf_free(&em->lines);
}

/* Which added key, if any, the member key k is; -1 if none. */
static int
added(const struct json_doc *d, uint32_t k, const char *const *kv, int nadd)
{
	int i;

	for (i = 0; i < nadd; i++) {
		if (json_str_eq(d, k, kv[2 * i])) {
			return i;
		}
	}
	return -1;
}

/* The object at t, minified, with the kv pairs set unless present as
 * strings. */
static void
object_with(struct buf *b, const struct json_doc *d, uint32_t t,
	const char *const *kv, int nadd)
{
	struct json_iter it;
	uint32_t k, v;
	int first = 1, found[EMIT_MAX_ADD] = {0}, i;

	buf_addc(b, '{');
	json_iter_init(d, t, &it);
	while (json_iter_member(d, &it, &k, &v)) {
		i = added(d, k, kv, nadd);
		if (i >= 0) {
			/* Ours replaces anything but a string id. */
			if (d->tok[v].type != JSON_STRING) {
				continue;
			}
			found[i] = 1;
		}
		if (!first) {
			buf_addc(b, ',');
		}
		first = 0;
		json_minify(b, d, k);
		buf_addc(b, ':');
		json_minify(b, d, v);
	}
	for (i = 0; i < nadd; i++) {
		if (found[i]) {
			continue;
		}
		if (!first) {
			buf_addc(b, ',');
		}
		first = 0;
		jw_key(b, kv[2 * i]);
		jw_strz(b, kv[2 * i + 1]);
	}
	buf_addc(b, '}');
}

int
emit_record(struct emitter *em, const struct json_doc *d, uint32_t t,
	const char *const *kv, int nadd, int64_t emitted_at)
{
	struct buf *b = &em->lines;
	size_t mark = b->len;

	if (d->tok[t].type != JSON_OBJECT || d->tok[t].size == 0) {
		em->skipped++;
		return 0;
	}
	buf_adds(b, "{\"type\":\"RECORD\",\"record\":{\"stream\":");
	jw_strz(b, em->stream);
	buf_adds(b, ",\"data\":");
	if (nadd > EMIT_MAX_ADD) {
		return -1;
	}
	if (nadd > 0) {
		object_with(b, d, t, kv, nadd);
	} else {
		json_minify(b, d, t);
	}
	buf_adds(b, ",\"emitted_at\":");
	jw_int(b, (long long)emitted_at);
	buf_adds(b, "}}\n");
	if (b->err) {
		b->len = mark;
		b->err = BUF_OK;
		return -1;
	}
	em->since_state++;
	em->total++;

	/* Hand records over as they accumulate: memory stays at one page. */
	if (b->len >= OUT_BUF_FLUSH && emit_flush(em) < 0) {
		return -1;
	}
	return 1;
}

int
emit_flush(struct emitter *em)
{
	int rc = 0;

	if (em->lines.len > 0) {
		rc = out_lines(em->lines.p, em->lines.len, 0);
	}
	buf_reset(&em->lines);
	return rc;
}

/* STATE with the given stream_state JSON text. */
static int
state(struct emitter *em, const char *stream_state, size_t n)
{
	struct buf b;
	int rc;

	if (emit_flush(em) < 0) {
		return -1;
	}
	buf_init(&b, 0);
	buf_adds(&b,
		"{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\","
		"\"stream\":{\"stream_descriptor\":{\"name\":");
	jw_strz(&b, em->stream);
	buf_adds(&b, "},\"stream_state\":");
	buf_add(&b, stream_state, n);
	buf_adds(&b, "},\"sourceStats\":{\"recordCount\":");
	jw_count(&b, em->since_state);
	buf_adds(&b, "}}}");
	rc = b.err ? -1 : out_line(b.p, b.len, 1);
	buf_free(&b);
	if (rc == 0) {
		em->since_state = 0;
	}
	return rc;
}

int
emit_state_cursor(struct emitter *em, const char *field, int64_t ms)
{
	char ts[TS_LEN_MS + 1], body[96];
	size_t n;

	/* Whole seconds unless the checkpoint really has milliseconds. */
	n = ms % 1000 == 0 ? ts_format(ms, ts) : ts_format_ms(ms, ts);
	n = (size_t)snprintf(
		body, sizeof body, "{\"%s\":\"%.*s\"}", field, (int)n, ts);
	return state(em, body, n);
}

int
emit_state_done(struct emitter *em)
{
	static const char done[] = "{\"__ab_no_cursor_state_message\":true}";

	return state(em, done, sizeof done - 1);
}
