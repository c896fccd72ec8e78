/*
 * net: the TCP plumbing under the HTTP client.
 *
 * Name resolution with a built-in "localhost" (127.0.0.1, then ::1, no
 * lookup, RFC 6761) and numeric literals parsed without the resolver;
 * other names go through getaddrinfo.  Connecting tries each address in
 * turn with a non-blocking connect; every attempt gets an equal share of
 * what is left of one overall timeout.  Sockets are non-blocking and
 * close-on-exec; send and recv wait with poll() for at most a timeout
 * each time they have to wait, and sends use MSG_NOSIGNAL.
 *
 * Functions return values, never print, and keep errno for the caller
 * when they say so.
 */
#ifndef SP_NET_H
#define SP_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_MAX_ADDRS 16 /* addresses kept from one resolution */

/* Returned by net_send and net_recv when the wait timed out. */
#define NET_TIMEOUT (-2)

struct net_addrs {
	struct sockaddr_storage a[NET_MAX_ADDRS];
	socklen_t len[NET_MAX_ADDRS];
	size_t n;
};

/*
 * Resolve host (NUL-terminated; an IPv6 literal without brackets) for
 * port.  Returns 0 with at least one address, or -1 with a reason in err.
 * Limitation: getaddrinfo cannot be interrupted; its own retry settings
 * (resolv.conf) bound how long a dead DNS server can stall us.
 */
int net_resolve(const char *host, unsigned port, struct net_addrs *out,
	char *err, size_t errlen);

/* Nonzero when every address is loopback (127/8, ::1, ::ffff:127/8). */
int net_all_loopback(const struct net_addrs *a);

/*
 * Connect to the first address that accepts, within timeout_ms in all.
 * Returns a connected non-blocking socket, or -1 with a reason in err;
 * *timed_out is then nonzero when an attempt ran out of time.
 */
int net_connect(const struct net_addrs *a, int timeout_ms, int *timed_out,
	char *err, size_t errlen);

/*
 * Send up to n bytes, waiting at most timeout_ms (0: do not wait) for
 * room.  Returns the bytes sent (> 0), NET_TIMEOUT, or -1 (errno set).
 */
long net_send(int fd, const void *p, size_t n, int timeout_ms);

/*
 * Receive up to n bytes, waiting at most timeout_ms for some.  Returns
 * the bytes read (> 0), 0 at end of stream, NET_TIMEOUT, or -1 (errno).
 */
long net_recv(int fd, void *p, size_t n, int timeout_ms);

/*
 * Nonzero when an idle connection has become unusable: the peer closed
 * it, reset it, or sent bytes nobody asked for.
 */
int net_idle_broken(int fd);

/* A monotonic clock in milliseconds. */
int64_t net_now_ms(void);

#endif
