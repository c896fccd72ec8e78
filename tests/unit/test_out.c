#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "out.h"

/* Read everything from fd into a NUL-terminated heap string. */
static char *
slurp(int fd)
{
	size_t cap = 1 << 16, len = 0;
	char *p = malloc(cap);
	ssize_t k;

	while ((k = read(fd, p + len, cap - len - 1)) > 0) {
		len += (size_t)k;
		if (cap - len < 1024) {
			cap *= 2;
			p = realloc(p, cap);
		}
	}
	p[len] = '\0';
	return p;
}

/* Run fn with output going to a temporary file; return what it wrote. */
static char *
capture(void (*fn)(void))
{
	char path[] = "/tmp/sp-out-XXXXXX";
	int fd;
	char *s;

	fd = mkstemp(path);
	if (fd < 0) {
		return NULL;
	}
	unlink(path);
	out_init(fd);
	fn();
	out_flush();
	lseek(fd, 0, SEEK_SET);
	s = slurp(fd);
	close(fd);
	out_init(1);
	return s;
}

static void
emit_basic(void)
{
	out_line("{\"a\":1}", 7, 0);
	out_log("INFO", "hello %d \"q\"", 5);
	out_error("config_error", "issues", "bad\nthing", NULL);
	out_status("tags", "RUNNING", 1234);
	out_estimate("issues", 99);
}

static void
messages_are_lines(void)
{
	char *s = capture(emit_basic);

	CHECK(s != NULL);
	CHECK(strncmp(s,
		      "{\"a\":1}\n{\"type\":\"LOG\",\"log\":{\"level\":"
		      "\"INFO\",\"message\":\"hello 5 \\\"q\\\"\"}}\n",
		      58)
		== 0);
	CHECK(strstr(s, "\"failure_type\":\"config_error\"") != NULL);
	CHECK(strstr(s, "\"message\":\"bad\\nthing\"") != NULL);
	CHECK(strstr(s, "\"stream_descriptor\":{\"name\":\"issues\"}") != NULL);
	CHECK(strstr(s,
		      "\"reasons\":[{\"type\":\"RATE_LIMITED\","
		      "\"rate_limited\":{\"quota_reset\":1234}}]")
		!= NULL);
	CHECK(strstr(s, "\"row_estimate\":99") != NULL);
	CHECK(s[strlen(s) - 1] == '\n');
	free(s);
}

static void
emit_secret(void)
{
	out_secret("pylon_api_SECRET123");
	out_log("ERROR",
		"token pylon_api_SECRET123 twice "
		"pylon_api_SECRET123");
	out_line("{\"x\":\"pylon_api_SECRET123\"}", 27, 1);
	out_clear_secrets();
}

static void
secrets_are_masked(void)
{
	char *s = capture(emit_secret);

	CHECK(s != NULL);
	CHECK(strstr(s, "SECRET123") == NULL);
	CHECK(strstr(s, "token ******************* twice") != NULL);
	CHECK(strstr(s, "{\"x\":\"*******************\"}") != NULL);
	free(s);
}

static void *
writer(void *arg)
{
	char line[300];
	int i, id = (int)(long)arg;

	memset(line, 'a' + id, sizeof line);
	line[0] = '{';
	line[sizeof line - 1] = '}';
	for (i = 0; i < 2000; i++) {
		out_line(line, sizeof line, i % 7 == 0);
	}
	return NULL;
}

static void
emit_threads(void)
{
	pthread_t t[4];
	long i;

	for (i = 0; i < 4; i++) {
		pthread_create(&t[i], NULL, writer, (void *)i);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
	}
}

static void
threads_never_interleave(void)
{
	char *s = capture(emit_threads), *line, *save = NULL;
	int lines = 0, bad = 0;
	size_t k;

	for (line = strtok_r(s, "\n", &save); line != NULL;
		line = strtok_r(NULL, "\n", &save))
	{
		lines++;
		if (strlen(line) != 300) {
			bad++;
			continue;
		}
		for (k = 2; k < 299; k++) {
			if (line[k] != line[1]) {
				bad++;
				break;
			}
		}
	}
	CHECK(lines == 8000);
	CHECK(bad == 0);
	free(s);
}

static void
closed_reader_is_sticky(void)
{
	int fds[2];

	CHECK(pipe(fds) == 0);
	close(fds[0]);
	out_init(fds[1]);
	CHECK(out_line("{}", 2, 1) == -1);
	CHECK(out_failed());
	CHECK(out_line("{}", 2, 0) == -1);
	close(fds[1]);
	out_init(1);
	CHECK(!out_failed());
}

static void
clock_is_ms(void)
{
	long long t = (long long)out_now_ms();

	CHECK(t > 1600000000000LL && t < 4102444800000LL);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	check_suite = "out";
	RUN(messages_are_lines);
	RUN(secrets_are_masked);
	RUN(threads_never_interleave);
	RUN(closed_reader_is_sticky);
	RUN(clock_is_ms);
	return check_done();
}
