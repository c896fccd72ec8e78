/*
 * source-pylon: an Airbyte source for the Pylon API.
 *
 * main is one of the two places that talk to the outside world (out is the
 * other): it sets up the process, parses the command line and maps every
 * outcome to an exit status.  Usage errors are Airbyte TRACE messages of
 * failure type config_error, so even a mistyped command leaves only Airbyte
 * messages on stdout.
 */
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "connector.h"
#include "out.h"
#include "version.h"

static void
usage_log(void)
{
	size_t i;

	for (i = 0; cli_usage[i] != NULL; i++) {
		out_log("INFO", "%s", cli_usage[i]);
	}
}

int
main(int argc, char **argv)
{
	struct cli c;
	char err[512];
	int rc;

	/* A reader that goes away must not kill us mid-state; writes fail. */
	signal(SIGPIPE, SIG_IGN);
	out_init(1);

	if (cli_parse(&c, argc, argv, err, sizeof err) < 0) {
		usage_log();
		out_error("config_error", NULL, err, NULL);
		out_flush();
		return 1;
	}
	switch (c.cmd) {
	case CLI_HELP:
		out_log("INFO", "source-pylon %s: Airbyte source for Pylon",
			SP_VERSION);
		usage_log();
		rc = 0;
		break;
	case CLI_VERSION:
		out_log("INFO", "source-pylon %s", SP_VERSION);
		rc = 0;
		break;
	case CLI_SPEC:
		rc = connector_spec();
		break;
	case CLI_CHECK:
		rc = connector_check(&c);
		break;
	case CLI_DISCOVER:
		rc = connector_discover(&c);
		break;
	case CLI_READ:
		rc = connector_read(&c);
		break;
	default:
		rc = 1;
		break;
	}
	if (out_flush() < 0 && rc == 0) {
		rc = 1;
	}
	return rc;
}
