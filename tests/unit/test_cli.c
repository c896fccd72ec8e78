#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"

static int
parse(struct cli *c, char *err, const char *a1, const char *a2, const char *a3,
	const char *a4, const char *a5, const char *a6)
{
	const char *v[8] = {"source-pylon", a1, a2, a3, a4, a5, a6, NULL};
	int n = 1;

	while (n < 7 && v[n] != NULL) {
		n++;
	}
	return cli_parse(c, n, (char **)v, err, 256);
}

static void
good_lines(void)
{
	struct cli c;
	char err[256];

	CHECK(parse(&c, err, "spec", 0, 0, 0, 0, 0) == 0 && c.cmd == CLI_SPEC);
	CHECK(parse(&c, err, "check", "--config", "c.json", 0, 0, 0) == 0);
	CHECK(c.cmd == CLI_CHECK && strcmp(c.config, "c.json") == 0);
	CHECK(parse(&c, err, "discover", "--config=x.json", "--debug", 0, 0, 0)
		== 0);
	CHECK(c.cmd == CLI_DISCOVER && strcmp(c.config, "x.json") == 0);
	CHECK(parse(&c, err, "read", "--catalog", "k", "--config=c", "--state",
		      "s")
		== 0);
	CHECK(c.cmd == CLI_READ && strcmp(c.catalog, "k") == 0
		&& strcmp(c.config, "c") == 0 && strcmp(c.state, "s") == 0);
	CHECK(parse(&c, err, "read", "--config", "c", "--catalog", "k", 0) == 0
		&& c.state == NULL);
	CHECK(parse(&c, err, "--version", 0, 0, 0, 0, 0) == 0
		&& c.cmd == CLI_VERSION);
	CHECK(parse(&c, err, "--help", 0, 0, 0, 0, 0) == 0
		&& c.cmd == CLI_HELP);
	CHECK(parse(&c, err, "read", "--help", 0, 0, 0, 0) == 0
		&& c.cmd == CLI_HELP);
	CHECK(parse(&c, err, "spec", "--config", "x", 0, 0, 0) == 0);
}

static void
bad_lines(void)
{
	struct cli c;
	char err[256];

	CHECK(parse(&c, err, 0, 0, 0, 0, 0, 0) < 0 && strstr(err, "command"));
	CHECK(parse(&c, err, "sync", 0, 0, 0, 0, 0) < 0
		&& strstr(err, "unknown command 'sync'"));
	CHECK(parse(&c, err, "check", 0, 0, 0, 0, 0) < 0
		&& strstr(err, "--config"));
	CHECK(parse(&c, err, "check", "--config", 0, 0, 0, 0) < 0
		&& strstr(err, "needs a file"));
	CHECK(parse(&c, err, "check", "--config=", 0, 0, 0, 0) < 0
		&& strstr(err, "empty"));
	CHECK(parse(&c, err, "check", "--config", "a", "--config", "b", 0) < 0
		&& strstr(err, "twice"));
	CHECK(parse(&c, err, "check", "--cfg", "a", 0, 0, 0) < 0
		&& strstr(err, "unknown flag '--cfg'"));
	CHECK(parse(&c, err, "check", "--config", "a", "--catalog", "b", 0) < 0
		&& strstr(err, "no --catalog"));
	CHECK(parse(&c, err, "read", "--config", "a", 0, 0, 0) < 0
		&& strstr(err, "--catalog"));
	CHECK(parse(&c, err, "read", "--config", "a", "--catalog", "b", "x") < 0
		&& strstr(err, "unexpected argument 'x'"));
	CHECK(parse(&c, err, "spec", "--state", "s", 0, 0, 0) < 0);
}

static void
files(void)
{
	char path[] = "/tmp/sp-cli-XXXXXX", err[512];
	struct buf b;
	int fd;

	buf_init(&b, 0);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "{\"a\":1}", 7) == 7);
	close(fd);
	CHECK(cli_read_file(path, &b, err, sizeof err) == CLI_FILE_OK);
	CHECK(b.len == 7 && memcmp(b.p, "{\"a\":1}", 7) == 0);
	unlink(path);
	CHECK(cli_read_file(path, &b, err, sizeof err) == CLI_FILE_MISSING);
	CHECK(strstr(err, "cannot open") != NULL);
	CHECK(cli_read_file("/tmp", &b, err, sizeof err) == CLI_FILE_ERROR);
	CHECK(strstr(err, "directory") != NULL);
	buf_free(&b);
}

int
main(void)
{
	check_suite = "cli";
	RUN(good_lines);
	RUN(bad_lines);
	RUN(files);
	return check_done();
}
