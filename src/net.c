/*
 * net: see net.h.
 *
 * Every wait is a poll() on one descriptor, restarted after EINTR with
 * what is left of its time, so a signal never stretches a timeout.  A
 * non-blocking connect is finished by waiting for POLLOUT and reading
 * SO_ERROR; a socket that reports POLLERR or POLLHUP is handed back to
 * send/recv, which then report the error or the end of stream.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* see net.h */
int64_t
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until fd is ready for `events`, at most timeout_ms.  Returns 1
 * ready (or in error: the next call tells), 0 on timeout, -1 on error.
 */
static int
wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd;
	int64_t end = net_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int64_t left;
	int rc;

	for (;;) {
		left = end - net_now_ms();
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (rc >= 0) {
			return rc > 0;
		}
		if (errno != EINTR) {
			return -1;
		}
	}
}

static void
add_addr(struct net_addrs *out, int family, const void *ip, unsigned port)
{
	struct sockaddr_storage *ss;

	if (out->n >= NET_MAX_ADDRS) {
		return;
	}
	ss = &out->a[out->n];
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, ip, 4);
		out->len[out->n] = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, ip, 16);
		out->len[out->n] = sizeof *s6;
	}
	out->n++;
}

/* see net.h */
int
net_resolve(const char *host, unsigned port, struct net_addrs *out, char *err,
	size_t errlen)
{
	static const unsigned char lo4[4] = {127, 0, 0, 1};
	unsigned char ip[16];
	struct addrinfo hints, *res, *ai;
	int rc;

	out->n = 0;

	/* Names that need no resolver. */
	if (strcasecmp(host, "localhost") == 0
		|| strcasecmp(host, "localhost.") == 0) {
		add_addr(out, AF_INET, lo4, port);
		add_addr(out, AF_INET6, &in6addr_loopback, port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, ip) == 1) {
		add_addr(out, AF_INET6, ip, port);
		return 0;
	}
	if (inet_pton(AF_INET, host, ip) == 1) {
		add_addr(out, AF_INET, ip, port);
		return 0;
	}

	/* Everything else: the system resolver. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
			rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			struct sockaddr_in *s4 = (void *)ai->ai_addr;

			add_addr(out, AF_INET, &s4->sin_addr, port);
		} else if (ai->ai_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (void *)ai->ai_addr;

			add_addr(out, AF_INET6, &s6->sin6_addr, port);
		}
	}
	freeaddrinfo(res);
	if (out->n == 0) {
		snprintf(err, errlen,
			"cannot resolve %s: no IPv4 or IPv6 "
			"address",
			host);
		return -1;
	}
	return 0;
}

/* see net.h */
int
net_all_loopback(const struct net_addrs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct sockaddr_storage *ss = &a->a[i];

		if (ss->ss_family == AF_INET) {
			const struct sockaddr_in *s4 = (const void *)ss;
			const unsigned char *b = (const void *)&s4->sin_addr;

			if (b[0] != 127) {
				return 0;
			}
		} else {
			const struct sockaddr_in6 *s6 = (const void *)ss;
			const struct in6_addr *x = &s6->sin6_addr;

			if (!IN6_IS_ADDR_LOOPBACK(x)
				&& !(IN6_IS_ADDR_V4MAPPED(x)
					&& x->s6_addr[12] == 127))
			{
				return 0;
			}
		}
	}
	return a->n > 0;
}

/* "127.0.0.1 port 80" for messages. */
static void
addr_name(const struct sockaddr_storage *ss, char *s, size_t n)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		port = ntohs(s6->sin6_port);
	}
	snprintf(s, n, "%s port %u", ip, port);
}

/*
 * One attempt: returns a connected socket, or -1 with errno (ETIMEDOUT
 * when the wait ran out).
 */
static int
try_connect(const struct sockaddr_storage *ss, socklen_t len, int ms)
{
	socklen_t sl;
	int fd, rc, e, one = 1;

	fd = socket(
		ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)ss, len);
	if (rc < 0 && errno != EINPROGRESS) {
		goto fail;
	}
	if (rc < 0) {
		rc = wait_fd(fd, POLLOUT, ms);
		if (rc <= 0) {
			errno = rc == 0 ? ETIMEDOUT : errno;
			goto fail;
		}
		e = 0;
		sl = sizeof e;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0) {
			goto fail;
		}
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}

	/* Requests go out whole; do not let Nagle hold back a record. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;

fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* see net.h */
int
net_connect(const struct net_addrs *a, int timeout_ms, int *timed_out,
	char *err, size_t errlen)
{
	int64_t end = net_now_ms() + timeout_ms;
	char name[80];
	size_t i;
	int fd, e = ECONNREFUSED;

	*timed_out = 0;
	name[0] = '\0';
	for (i = 0; i < a->n; i++) {
		int64_t left = end - net_now_ms();

		if (left <= 0) {
			*timed_out = 1;
			e = ETIMEDOUT;
			break;
		}
		fd = try_connect(
			&a->a[i], a->len[i], (int)(left / (int64_t)(a->n - i)));
		if (fd >= 0) {
			return fd;
		}
		e = errno;
		addr_name(&a->a[i], name, sizeof name);
		if (e == ETIMEDOUT) {
			*timed_out = 1;
		}
	}
	if (e == ETIMEDOUT) {
		snprintf(err, errlen, "connect to %s timed out (%d ms)",
			name[0] != '\0' ? name : "server", timeout_ms);
	} else {
		snprintf(err, errlen, "connect to %s: %s", name, strerror(e));
	}
	return -1;
}

/* see net.h */
long
net_send(int fd, const void *p, size_t n, int timeout_ms)
{
	ssize_t k;
	int rc;

	for (;;) {
		k = send(fd, p, n, MSG_NOSIGNAL);
		if (k >= 0) {
			return (long)k;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			return -1;
		}
		rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc <= 0) {
			return rc == 0 ? NET_TIMEOUT : -1;
		}
	}
}

/* see net.h */
long
net_recv(int fd, void *p, size_t n, int timeout_ms)
{
	ssize_t k;
	int rc;

	for (;;) {
		k = recv(fd, p, n, 0);
		if (k >= 0) {
			return (long)k;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			return -1;
		}
		rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc <= 0) {
			return rc == 0 ? NET_TIMEOUT : -1;
		}
	}
}

/* see net.h */
int
net_idle_broken(int fd)
{
	return wait_fd(fd, POLLIN, 0) != 0;
}
