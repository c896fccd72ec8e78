/*
 * connector: the four Airbyte commands.  Each writes its messages through
 * out and returns the process exit status (0 success, 1 failure).
 */
#ifndef SP_CONNECTOR_H
#define SP_CONNECTOR_H

#include "cli.h"

int connector_spec(void);
int connector_check(const struct cli *c);
int connector_discover(const struct cli *c);
int connector_read(const struct cli *c);

#endif
