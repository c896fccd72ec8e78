/*
 * cli: the command line of source-pylon.
 *
 *   source-pylon spec
 *   source-pylon check    --config FILE
 *   source-pylon discover --config FILE
 *   source-pylon read     --config FILE --catalog FILE [--state FILE]
 *   source-pylon --help | --version
 *
 * Flags take their value as the next argument or after '=' (--config=F).
 * --debug is accepted and ignored everywhere.  Each command accepts only its
 * own flags (spec also tolerates --config, which it ignores); a flag given
 * twice, an unknown flag, a missing value or a stray argument is a usage
 * error.  cli_parse never prints: it fills `err` with a message a person can
 * act on.
 */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stddef.h>

#include "buf.h"

enum cli_cmd {
	CLI_NONE = 0,
	CLI_SPEC,
	CLI_CHECK,
	CLI_DISCOVER,
	CLI_READ,
	CLI_HELP,
	CLI_VERSION
};

struct cli {
	enum cli_cmd cmd;
	const char *config; /* NULL when not given; points into argv */
	const char *catalog;
	const char *state;
};

/* Returns 0, or -1 with a message in err (NUL-terminated). */
int cli_parse(struct cli *c, int argc, char **argv, char *err, size_t errlen);

/* Largest input file accepted (config, catalog, state). */
#define CLI_MAX_FILE (64u * 1024 * 1024)

enum {
	CLI_FILE_OK = 0,
	CLI_FILE_MISSING = 1, /* does not exist */
	CLI_FILE_ERROR = 2    /* exists but could not be read, or too large */
};

/*
 * Read a whole file into b (reset first).  Returns a CLI_FILE_* code; on
 * error err says what went wrong, naming the file.
 */
int cli_read_file(const char *path, struct buf *b, char *err, size_t errlen);

/* The usage text, one line per element, NULL-terminated. */
extern const char *const cli_usage[];

#endif
