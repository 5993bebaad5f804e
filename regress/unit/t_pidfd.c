/*
 * The pid a pidfd pins, by PIDFD_GET_INFO and by fdinfo: the two agree
 * while the process lives, while it is a zombie, once it is reaped, and
 * seen from a pid namespace it is outside of.
 */
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pidfd.h"
#include "unit.h"

static int
open_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Both ways give want for fd, under the name what. */
static void
both(int fd, pid_t want, const char *what)
{
	pid_t a = pidfd_pid(fd), b = pidfd_pid_fdinfo(fd);

	check(a == want, what, "PIDFD_GET_INFO says %ld, want %ld", (long)a,
	    (long)want);
	check(b == want, what, "fdinfo says %ld, want %ld", (long)b,
	    (long)want);
}

static void
test_lifetime(void)
{
	siginfo_t si;
	pid_t pid;
	int fd = -1;

	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	if (pid > 0 && (fd = open_pidfd(pid)) == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (!CHECK(fd != -1, "pidfd: a child and its pidfd"))
		return;
	both(fd, pid, "pidfd: a live child's pid");
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	both(fd, pid, "pidfd: a zombie, not yet reaped, still has its pid");
	waitpid(pid, NULL, 0);
	both(fd, -1, "pidfd: once reaped, no pid");
	close(fd);
}

static void
test_not_pidfd(void)
{
	int p[2];

	if (!CHECK(pipe(p) == 0, "pidfd: a pipe to ask"))
		return;
	both(p[0], -1, "pidfd: a pipe pins no process");
	close(p[0]);
	close(p[1]);
}

/*
 * A pidfd of this process, held by a process in a new pid namespace
 * below, with a /proc of its own: there our pid does not exist.
 */
static void
test_outside(void)
{
	pid_t pid, inner;
	int fd, st = -1;

	if ((fd = open_pidfd(getpid())) == -1) {
		check(0, "pidfd: our own pidfd", "%s", strerror(errno));
		return;
	}
	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) == -1)
			_exit(errno == EPERM ? 3 : 4);
		if ((inner = fork()) == 0) {
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE,
			    NULL) == -1 || mount("proc", "/proc", "proc",
			    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
				_exit(4);
			_exit((pidfd_pid(fd) == -1 ? 0 : 1) |
			    (pidfd_pid_fdinfo(fd) == -1 ? 0 : 2));
		}
		waitpid(inner, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 5);
	}
	waitpid(pid, &st, 0);
	close(fd);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
		printf("skip pidfd: outside the namespace: no CLONE_NEWPID "
		    "without privilege\n");
		return;
	}
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "pidfd: a process outside our pid namespace has no pid there",
	    "status %#x (1: PIDFD_GET_INFO gave one, 2: fdinfo did, 4: "
	    "no namespace)", st);
}

void
t_pidfd(void)
{
	test_lifetime();
	test_not_pidfd();
	test_outside();
}
