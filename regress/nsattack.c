/*
 * nsattack SECONDS: run as root of a box (user, pid and mount namespaces
 * an unprivileged user made, with its own /proc), goes for every process
 * of dived's that appears in the box, once, the moment it sees it:
 * ptrace attach and seize, pidfd_getfd of each of its first descriptors,
 * /proc/PID/mem for writing, /proc/PID/fd, /proc/PID/exe and
 * /proc/PID/environ.  One line per attempt on standard output,
 * "PID WHAT: denied (REASON)" or "PID WHAT: SUCCEEDED", flushed at once;
 * it ends after SECONDS (regress/integration/97-attacks-ns.sh).
 */
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXPID		4194304
#define FIRST_FDS	64

static unsigned char seen[MAXPID / 8 + 1];

static void
report(long pid, const char *what, int ok, int e)
{
	if (ok)
		printf("%ld %s: SUCCEEDED\n", pid, what);
	else
		printf("%ld %s: denied (%s)\n", pid, what, strerror(e));
	fflush(stdout);
}

static int
is_dived(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(comm, sizeof(comm), f) == NULL)
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "dived", 5) == 0;
}

static void
try_ptrace(long pid, int req, const char *what)
{
	int ok = ptrace(req, (pid_t)pid, NULL, NULL) == 0, e = errno;

	report(pid, what, ok, e);
	if (!ok)
		return;
	/* Let go, so that the other attempts still find it alive. */
	if (req == PTRACE_SEIZE)
		ptrace(PTRACE_INTERRUPT, (pid_t)pid, NULL, NULL);
	waitpid((pid_t)pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
}

static void
try_getfd(long pid)
{
	int pfd, fd, got = 0, e = 0;

	if ((pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0)) == -1) {
		report(pid, "pidfd_getfd", 0, errno);
		return;
	}
	for (fd = 0; fd < FIRST_FDS; fd++) {
		int t = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);

		if (t != -1) {
			got = 1;
			close(t);
		} else if (errno != EBADF || e == 0)
			e = errno;
	}
	close(pfd);
	report(pid, "pidfd_getfd", got, e);
}

static void
try_open(long pid, const char *file, int flags)
{
	char path[64], what[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/%s", pid, file);
	snprintf(what, sizeof(what), "open /proc/PID/%s", file);
	fd = open(path, flags | O_CLOEXEC);
	report(pid, what, fd != -1, errno);
	if (fd != -1)
		close(fd);
}

static void
attack(long pid)
{
	try_ptrace(pid, PTRACE_ATTACH, "ptrace attach");
	try_ptrace(pid, PTRACE_SEIZE, "ptrace seize");
	try_getfd(pid);
	try_open(pid, "mem", O_RDWR);
	try_open(pid, "fd", O_RDONLY | O_DIRECTORY);
	try_open(pid, "exe", O_RDONLY);
	try_open(pid, "environ", O_RDONLY);
}

int
main(int argc, char **argv)
{
	time_t end;
	long self = (long)getpid();

	if (argc != 2)
		return 2;
	end = time(NULL) + atol(argv[1]);
	printf("ready\n");
	fflush(stdout);
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (d == NULL)
			return 1;
		while ((e = readdir(d)) != NULL) {
			long pid = strtol(e->d_name, NULL, 10);

			if (pid <= 0 || pid >= MAXPID || pid == self ||
			    (seen[pid / 8] & (1u << (pid % 8))))
				continue;
			if (!is_dived(pid))
				continue;
			seen[pid / 8] |= (unsigned char)(1u << (pid % 8));
			attack(pid);
		}
		closedir(d);
		usleep(2000);
	}
	return 0;
}
