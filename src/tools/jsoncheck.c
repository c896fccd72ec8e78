/*
 * jsoncheck: validate one JSON document with the connector's tokenizer.
 *
 *   jsoncheck FILE      (FILE "-" reads standard input)
 *
 * Exit 0 when the document is valid JSON under the default limits
 * (json_default_limits), 1 when it is not, after printing
 * "FILE: invalid JSON at byte OFFSET: REASON" on stderr, and 2 on a usage
 * or I/O error.  Used by tests/e2e/test_jsontestsuite.py.  As a command
 * line tool it may simply stop on malloc failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"

#define READ_CHUNK (64 * 1024)

/*
 * Read all of f into a malloc'd buffer.  Returns 0, or -1 with errno set.
 * The buffer never holds more than max + 1 bytes: one byte past the
 * tokenizer's limit is enough for it to report the size error.
 */
static int
slurp(FILE *f, size_t max, char **out, size_t *len)
{
	char *p = NULL, *q;
	size_t cap = 0, n = 0, got;

	for (;;) {
		if (cap - n < READ_CHUNK) {
			cap = cap == 0 ? READ_CHUNK : cap * 2;
			q = realloc(p, cap);
			if (q == NULL) {
				free(p);
				errno = ENOMEM;
				return -1;
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0 || n > max) {
			break;
		}
	}
	if (ferror(f)) {
		free(p);
		return -1;
	}
	*out = p;
	*len = n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct json_error err;
	struct json_doc doc;
	struct arena a;
	const char *name;
	char *data;
	size_t len;
	FILE *f;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: jsoncheck FILE|-\n");
		return 2;
	}
	name = argv[1];

	/* Read the input whole: the tokenizer works on a complete buffer. */
	f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", name, strerror(errno));
		return 2;
	}
	if (slurp(f, json_default_limits.max_bytes, &data, &len) != 0) {
		fprintf(stderr, "%s: read: %s\n", name, strerror(errno));
		return 2;
	}
	if (f != stdin) {
		fclose(f);
	}

	/* Parse and report. */
	arena_init(&a, 0);
	rc = json_parse(&doc, data, len, &a, NULL, &err);
	if (rc != JSON_OK) {
		fprintf(stderr, "%s: invalid JSON at byte %zu: %s\n", name,
			err.offset, json_strerror(err.code));
	}
	arena_free(&a);
	free(data);
	return rc == JSON_OK ? 0 : 1;
}
