/*
 * bench_json: throughput of the JSON tokenizer on one page.
 *
 *   bench_json FILE [ITERATIONS]
 *
 * Reads FILE whole, then times ITERATIONS (default 50) runs of
 *   1. json_parse of the page (the arena reset between runs, as the
 *      connector does page after page), and
 *   2. json_parse plus json_minify of every element of the root's "data"
 *      array into one reused buffer, which is the connector's per-record
 *      work before output.
 * Prints one JSON object on stdout: MB/s (10^6 bytes per second of input)
 * and records/s, for the best run and the mean.  Release-built like the
 * connector (the Makefile's benches target).  Numbers only: it never fails
 * on speed, only on unreadable or invalid input (exit 1).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

#define DEFAULT_ITERATIONS 50

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
		|| fseek(f, 0, SEEK_SET) != 0)
	{
		return NULL;
	}
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Minify each element of the root's "data"; returns how many, or -1. */
static long
records(const struct json_doc *d, struct buf *out)
{
	struct json_iter it;
	uint32_t data, e;
	long n = 0;

	if (json_get_arr(d, 0, "data", &data) != JSON_GET_OK) {
		return -1;
	}
	json_iter_init(d, data, &it);
	while (json_iter_next(d, &it, &e)) {
		buf_reset(out);
		if (json_minify(out, d, e) != BUF_OK) {
			return -1;
		}
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct json_error err;
	struct json_doc d;
	struct arena a;
	struct buf out;
	double t, n, best_p = 1e9, best_m = 1e9, sum_p = 0, sum_m = 0;
	size_t len;
	long i, iters = DEFAULT_ITERATIONS, nrec = 0;
	char *src;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_json FILE [ITERATIONS]\n");
		return 1;
	}
	if (argc == 3) {
		iters = strtol(argv[2], NULL, 10);
		iters = iters < 1 ? 1 : iters;
	}
	src = slurp(argv[1], &len);
	if (src == NULL) {
		fprintf(stderr, "bench_json: cannot read %s\n", argv[1]);
		return 1;
	}
	arena_init(&a, 0);
	buf_init(&out, 0);

	/* One untimed run to warm the arena and check the input. */
	if (json_parse(&d, src, len, &a, NULL, &err) != JSON_OK) {
		fprintf(stderr, "bench_json: invalid JSON at byte %zu: %s\n",
			err.offset, json_strerror(err.code));
		return 1;
	}
	arena_reset(&a);

	for (i = 0; i < iters; i++) {
		t = now();
		json_parse(&d, src, len, &a, NULL, &err);
		t = now() - t;
		sum_p += t;
		best_p = t < best_p ? t : best_p;
		arena_reset(&a);
	}
	for (i = 0; i < iters; i++) {
		t = now();
		json_parse(&d, src, len, &a, NULL, &err);
		nrec = records(&d, &out);
		t = now() - t;
		sum_m += t;
		best_m = t < best_m ? t : best_m;
		arena_reset(&a);
	}

	n = (double)iters;
	printf("{\"file\":\"%s\",\"bytes\":%zu,\"tokens\":%zu,"
	       "\"records\":%ld,\"iterations\":%ld,"
	       "\"tokenize_mb_s\":%.1f,\"tokenize_mb_s_mean\":%.1f,"
	       "\"minify_mb_s\":%.1f,\"minify_mb_s_mean\":%.1f,"
	       "\"records_per_s\":%.0f,\"records_per_s_mean\":%.0f,"
	       "\"arena_peak\":%zu}\n",
		argv[1], len, d.ntok, nrec, iters, (double)len / best_p / 1e6,
		(double)len * n / sum_p / 1e6, (double)len / best_m / 1e6,
		(double)len * n / sum_m / 1e6, (double)nrec / best_m,
		(double)nrec * n / sum_m, a.peak);
	buf_free(&out);
	arena_free(&a);
	free(src);
	return 0;
}
