/*
 * The recordings' writer: a header asciinema takes, events as JSON
 * lines with every control escaped, characters read in two pieces kept
 * whole, the size limit ending a recording with a marker, and a failed
 * write leaving no half line behind.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cast.h"
#include "log.h"
#include "unit.h"

static struct cast c;

static void
header(const char *name, const struct cast_head *h, const char *want)
{
	char buf[CAST_HEADER_MAX], q[2200];
	size_t n = cast_header(buf, sizeof(buf), h);

	buf[n] = '\0';
	log_quote(buf, q, sizeof(q));
	check(n > 0 && strcmp(buf, want) == 0, name, "got %s", q);
}

static void
test_header(void)
{
	struct cast_head h = { 100, 30, 1700000000, "5-6-7", "xterm",
	    "/bin/bash" };

	header("cast: the header names size, start, TERM, SHELL and session",
	    &h, "{\"version\": 2, \"width\": 100, \"height\": 30, "
	    "\"timestamp\": 1700000000, \"env\": {\"TERM\": \"xterm\", "
	    "\"SHELL\": \"/bin/bash\"}, \"title\": \"dived session 5-6-7\"}\n");
	h.cols = h.rows = 0;
	h.term = "x\x1b\xff\"";
	h.shell = NULL;
	header("cast: an unknown size is 80x24, TERM is escaped, no SHELL",
	    &h, "{\"version\": 2, \"width\": 80, \"height\": 24, "
	    "\"timestamp\": 1700000000, \"env\": {\"TERM\": "
	    "\"x\\u001b\xef\xbf\xbd\\\"\"}, \"title\": "
	    "\"dived session 5-6-7\"}\n");
	h.term = NULL;
	header("cast: no TERM and no SHELL, an empty env", &h,
	    "{\"version\": 2, \"width\": 80, \"height\": 24, "
	    "\"timestamp\": 1700000000, \"env\": {}, \"title\": "
	    "\"dived session 5-6-7\"}\n");
}

/* What the file holds now, from the start. */
static const char *
content(int fd)
{
	static char buf[65536];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
matches(const char *name, const char *got, const char *ere)
{
	char q[4400];
	regex_t re;
	int ok;

	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) != 0) {
		check(0, name, "bad pattern %s", ere);
		return;
	}
	ok = regexec(&re, got, 0, NULL, 0) == 0;
	regfree(&re);
	log_quote(got, q, sizeof(q));
	check(ok, name, "got %s", q);
}

static int
scratch(void)
{
	char path[] = "/tmp/dive-unit-cast.XXXXXX";
	int fd = mkstemp(path);

	if (fd != -1)
		unlink(path);
	return fd;
}

#define T	"\\[[0-9]+\\.[0-9]{6}, "

static void
test_events(void)
{
	struct cast_carry o = { { 0 }, 0 }, i = { { 0 }, 0 };
	int fd = scratch();

	cast_start(&c, fd, 0, 0);
	cast_data(&c, 'o', &o, (const unsigned char *)"hi\x1b[1m\r\n", 8);
	matches("cast: output is one event, controls escaped", content(fd),
	    "^" T "\"o\", \"hi\\\\u001b\\[1m\\\\u000d\\\\n\"\\]\n$");
	cast_data(&c, 'o', &o, (const unsigned char *)"a\xe2\x82", 3);
	cast_data(&c, 'i', &i, (const unsigned char *)"\xc3", 1);
	cast_data(&c, 'o', &o, (const unsigned char *)"\xac" "b", 2);
	cast_data(&c, 'i', &i, (const unsigned char *)"\xa9", 1);
	matches("cast: a character read in two pieces is recorded whole, "
	    "each stream on its own", content(fd),
	    "\n" T "\"o\", \"a\"\\]\n" T "\"o\", \"\xe2\x82\xac" "b\"\\]\n"
	    T "\"i\", \"\xc3\xa9\"\\]\n$");
	cast_data(&c, 'o', &o, (const unsigned char *)"\xe2", 1);
	cast_flush(&c, 'o', &o);
	matches("cast: the start of a character at a stream's end is U+FFFD",
	    content(fd), "\n" T "\"o\", \"\xef\xbf\xbd\"\\]\n$");
	cast_resize(&c, 132, 43);
	matches("cast: a resize is an r event, COLSxROWS", content(fd),
	    "\n" T "\"r\", \"132x43\"\\]\n$");
	check(c.bytes == (uint64_t)lseek(fd, 0, SEEK_END),
	    "cast: the size it counts is the file's", "%llu",
	    (unsigned long long)c.bytes);
	close(fd);
}

static void
test_limit(void)
{
	struct cast_carry o = { { 0 }, 0 };
	int fd = scratch(), k;

	cast_start(&c, fd, 40, 200);
	for (k = 0; k < 20 && c.state == CAST_ON; k++)
		cast_data(&c, 'o', &o, (const unsigned char *)"0123456789", 10);
	check(c.state == CAST_CUT, "cast: the limit cuts the recording", "%d",
	    c.state);
	matches("cast: a marker says where and why it was cut", content(fd),
	    "\n" T "\"m\", \"recording cut: the limit of 200 bytes is "
	    "reached\"\\]\n$");
	check(40 + strlen(content(fd)) - strlen(strrchr(content(fd), '[')) <=
	    200, "cast: the events before the marker stay within the limit",
	    "%zu bytes", strlen(content(fd)));
	cast_data(&c, 'o', &o, (const unsigned char *)"after", 5);
	cast_resize(&c, 1, 1);
	check(strstr(content(fd), "after") == NULL &&
	    strstr(content(fd), "\"r\"") == NULL,
	    "cast: nothing is recorded after the cut", "%s", "");
	close(fd);
}

static void
test_failures(void)
{
	struct cast_carry o = { { 0 }, 0 };
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC), st;
	pid_t pid;

	cast_start(&c, fd, 0, 0);
	cast_data(&c, 'o', &o, (const unsigned char *)"x", 1);
	check(c.state == CAST_FAILED && c.err == ENOSPC,
	    "cast: a full disk fails the recording with ENOSPC", "state %d "
	    "err %d", c.state, c.err);
	close(fd);

	/* A file size limit lets half of the line through, then refuses. */
	fd = scratch();
	if ((pid = fork()) == 0) {
		struct rlimit rl = { 60, 60 };
		char data[100];

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		memset(data, 'x', sizeof(data));
		cast_start(&c, fd, 0, 0);
		cast_data(&c, 'o', &o, (const unsigned char *)data, 10);
		cast_data(&c, 'o', &o, (const unsigned char *)data, 100);
		_exit(c.state == CAST_FAILED && c.err == EFBIG ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "cast: a write cut short fails the recording (EFBIG)", "status %d",
	    st);
	matches("cast: and the part written is taken back: whole lines only",
	    content(fd), "^" T "\"o\", \"xxxxxxxxxx\"\\]\n$");
	close(fd);
}

void
t_cast(void)
{
	test_header();
	test_events();
	test_limit();
	test_failures();
}
