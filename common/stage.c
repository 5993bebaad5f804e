/*
 * The stage build's record of a session's moments (stage.h).  Linked
 * into the programs of $(O)/stages/ only.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stage.h"

static const char *const names[STAGE_COUNT] = {
	[STAGE_connected] = "connected",
	[STAGE_accepted] = "accepted",
	[STAGE_monitor] = "monitor",
	[STAGE_handed] = "handed",
	[STAGE_request] = "request",
	[STAGE_decided] = "decided",
	[STAGE_clone] = "clone",
	[STAGE_exec] = "exec",
	[STAGE_exited] = "exited",
	[STAGE_dive_exit] = "dive_exit",
};

static int fd = -1;
static struct stat file;	/* what fd was opened on */
static pid_t key;
static uint64_t marks[STAGE_COUNT];

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
stage_open(void)
{
	const char *path = getenv("DIVE_STAGES");

	if (fd != -1 || path == NULL || *path != '/')
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	if (fstat(fd, &file) == -1) {
		close(fd);
		fd = -1;
	}
}

/*
 * Whether fd is still the file: the program's setup moves the client's
 * descriptors onto their numbers, which may be this one's.
 */
static int
still_ours(void)
{
	struct stat st;

	return fd != -1 && fstat(fd, &st) == 0 && st.st_dev == file.st_dev &&
	    st.st_ino == file.st_ino;
}

void
stage_mark(enum stage s)
{
	marks[s] = now_ns();
}

void
stage_key(pid_t pid)
{
	key = pid;
}

/*
 * One append, so that lines of processes writing at once never mix; a
 * line that cannot be written is left out, and the bench counts the
 * session as incomplete.
 */
static int
put(const uint64_t *m)
{
	char buf[64 + STAGE_COUNT * 40];
	size_t len;
	int n, any = 0;

	for (int i = 0; i < STAGE_COUNT; i++)
		any |= m[i] != 0;
	if (!any)
		return 0;
	stage_open();
	if (!still_ours())
		return -1;
	n = snprintf(buf, sizeof(buf), "stage %ld", (long)(key != 0 ? key :
	    getpid()));
	for (int i = 0; i < STAGE_COUNT && n > 0; i++) {
		len = (size_t)n;
		if (m[i] != 0 && len < sizeof(buf))
			n += snprintf(buf + len, sizeof(buf) - len, " %s=%llu",
			    names[i], (unsigned long long)m[i]);
	}
	if (n <= 0 || (size_t)n >= sizeof(buf) - 1)
		return -1;
	buf[n++] = '\n';
	return write(fd, buf, (size_t)n) == n ? 0 : -1;
}

void
stage_write(void)
{
	(void)put(marks);
	memset(marks, 0, sizeof(marks));
}

void
stage_now(enum stage s)
{
	uint64_t m[STAGE_COUNT] = { 0 };

	m[s] = now_ns();
	(void)put(m);
}
