/*
 * url: parse absolute http(s) URLs and percent-encode query values.
 *
 * url_parse splits "scheme://host[:port][/path][?query]" into slices of the
 * input (no copies, no allocation).  Scheme is http or https (any case);
 * host is a DNS name, an IPv4 address or an IPv6 literal in brackets (the
 * slice excludes the brackets); the port is 1..65535 (default 80/443).
 * Userinfo (user@), fragments, empty hosts, spaces and control bytes are
 * rejected.  The path slice starts at '/' (empty when absent) and runs to
 * '?' or the end; query excludes the '?'.
 */
#ifndef SP_URL_H
#define SP_URL_H

#include <stddef.h>

#include "buf.h"

struct url {
	int tls;          /* 1 for https */
	const char *host; /* slice: not NUL-terminated */
	size_t host_len;
	int ipv6; /* host was a bracketed IPv6 literal */
	unsigned port;
	const char *path; /* "" when absent */
	size_t path_len;
	const char *query; /* NULL when absent */
	size_t query_len;
};

/* Returns 0, or -1 with a static reason in *why. */
int url_parse(const char *s, size_t n, struct url *u, const char **why);

/* Append s[0..n) percent-encoded for a query value: every byte except the
 * RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) becomes %XX. */
int url_encode(struct buf *b, const char *s, size_t n);

/* Nonzero when the host is a loopback name or literal: "localhost"
 * (any case, optional trailing dot), 127.0.0.0/8, or ::1. */
int url_host_is_loopback(const struct url *u);

#endif
