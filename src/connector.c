/*
 * connector: placeholder until the connector issue lands.
 */
#include "connector.h"

#include "out.h"

static int
pending(const char *what)
{
	out_error("system_error", NULL, "this command is not built yet", what);
	return 1;
}

int
connector_spec(void)
{
	return pending("spec");
}

int
connector_check(const struct cli *c)
{
	(void)c;
	return pending("check");
}

int
connector_discover(const struct cli *c)
{
	(void)c;
	return pending("discover");
}

int
connector_read(const struct cli *c)
{
	(void)c;
	return pending("read");
}
