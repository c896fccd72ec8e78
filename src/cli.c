/*
 * cli: see cli.h.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errf.h"

const char *const cli_usage[] = {"usage: source-pylon spec",
	"       source-pylon check --config CONFIG.json",
	"       source-pylon discover --config CONFIG.json",
	"       source-pylon read --config CONFIG.json --catalog CATALOG.json"
	" [--state STATE.json]",
	"       source-pylon --help | --version",
	"Flags take VALUE as the next argument or as --flag=VALUE;"
	" --debug is ignored.",
	NULL};

static const struct {
	const char *name;
	enum cli_cmd cmd;
} commands[] = {
	{"spec", CLI_SPEC},
	{"check", CLI_CHECK},
	{"discover", CLI_DISCOVER},
	{"read", CLI_READ},
};

/* Which flags each command takes: bit 0 config, 1 catalog, 2 state. */
static unsigned
allowed_flags(enum cli_cmd cmd)
{
	switch (cmd) {
	case CLI_SPEC:
		return 1;
	case CLI_CHECK:
	case CLI_DISCOVER:
		return 1;
	case CLI_READ:
		return 7;
	default:
		return 0;
	}
}

int
cli_parse(struct cli *c, int argc, char **argv, char *err, size_t errlen)
{
	const char **slot;
	const char *arg, *eq, *value;
	size_t i, namelen;
	unsigned bit;
	int k;

	memset(c, 0, sizeof *c);
	if (errlen > 0) {
		err[0] = '\0';
	}
	if (argc < 2) {
		return errf(err, errlen,
			"no command given; expected spec, "
			"check, discover or read");
	}

	/* The command, or a lone --help / --version. */
	arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		c->cmd = CLI_HELP;
		return 0;
	}
	if (strcmp(arg, "--version") == 0) {
		c->cmd = CLI_VERSION;
		return 0;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(arg, commands[i].name) == 0) {
			c->cmd = commands[i].cmd;
		}
	}
	if (c->cmd == CLI_NONE) {
		return errf(err, errlen,
			"unknown command '%.64s'; expected "
			"spec, check, discover or read",
			arg);
	}

	/* Flags, each at most once. */
	for (k = 2; k < argc; k++) {
		arg = argv[k];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			c->cmd = CLI_HELP;
			return 0;
		}
		if (strcmp(arg, "--debug") == 0) {
			continue;
		}
		if (strncmp(arg, "--", 2) != 0) {
			return errf(err, errlen, "unexpected argument '%.64s'",
				arg);
		}
		eq = strchr(arg, '=');
		namelen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		if (namelen == 8 && strncmp(arg, "--config", 8) == 0) {
			slot = &c->config;
			bit = 1;
		} else if (namelen == 9 && strncmp(arg, "--catalog", 9) == 0) {
			slot = &c->catalog;
			bit = 2;
		} else if (namelen == 7 && strncmp(arg, "--state", 7) == 0) {
			slot = &c->state;
			bit = 4;
		} else {
			return errf(err, errlen, "unknown flag '%.64s'", arg);
		}
		if ((allowed_flags(c->cmd) & bit) == 0) {
			return errf(err, errlen,
				"the %s command takes no %.*s flag", argv[1],
				(int)namelen, arg);
		}
		if (*slot != NULL) {
			return errf(err, errlen, "flag %.*s given twice",
				(int)namelen, arg);
		}
		if (eq != NULL) {
			value = eq + 1;
		} else if (k + 1 < argc) {
			value = argv[++k];
		} else {
			return errf(
				err, errlen, "flag %s needs a file name", arg);
		}
		if (value[0] == '\0') {
			return errf(err, errlen, "flag %.*s has an empty value",
				(int)namelen, arg);
		}
		*slot = value;
	}

	/* Required flags. */
	if (c->cmd != CLI_SPEC && c->config == NULL) {
		return errf(err, errlen, "the %s command needs --config FILE",
			argv[1]);
	}
	if (c->cmd == CLI_READ && c->catalog == NULL) {
		return errf(
			err, errlen, "the read command needs --catalog FILE");
	}
	return 0;
}

int
cli_read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
	struct stat st;
	char tmp[65536];
	ssize_t k;
	int fd, e;

	buf_reset(b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open '%.256s': %s", path,
			strerror(e));
		return e == ENOENT ? CLI_FILE_MISSING : CLI_FILE_ERROR;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "'%.256s' is a directory, not a file",
			path);
		return CLI_FILE_ERROR;
	}
	for (;;) {
		k = read(fd, tmp, sizeof tmp);
		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k < 0) {
			e = errno;
			close(fd);
			snprintf(err, errlen, "cannot read '%.256s': %s", path,
				strerror(e));
			return CLI_FILE_ERROR;
		}
		if (k == 0) {
			break;
		}
		if (b->len + (size_t)k > CLI_MAX_FILE
			|| buf_add(b, tmp, (size_t)k) != BUF_OK) {
			close(fd);
			snprintf(err, errlen,
				"'%.256s' is larger than the "
				"%u MiB limit for input files",
				path, CLI_MAX_FILE >> 20);
			return CLI_FILE_ERROR;
		}
	}
	close(fd);
	return CLI_FILE_OK;
}
