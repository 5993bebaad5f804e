/*
 * --init: process 1 of a new pid namespace is a small reaper of dived's
 * and the program is its child.  Orphans of the namespace are reparented
 * to process 1; a program that never waits for them would collect
 * zombies, this one reaps them as they come.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "options.h"
#include "pidinit.h"
#include "privsep.h"
#include "wire.h"

/*
 * What reaches process 1 from outside (--signals-pgid, --time-limit, or
 * anyone allowed to signal it) is meant for the program: its group when
 * it leads one and dived delivers to groups, else the program alone.
 */
static void
forward(pid_t prog, int sig, int groups)
{
	if (groups && getpgid(prog) == prog)
		kill(-prog, sig);
	else
		kill(prog, sig);
}

/*
 * Process 1 ignores the default action of every signal sent from inside
 * its namespace and cannot end by one it raises: a program ended by a
 * signal is reported as 128 plus its number, as other such inits do.
 */
static void __attribute__((noreturn))
reap(pid_t prog, const sigset_t *all, int groups)
{
	siginfo_t si;
	pid_t p;
	int st;

	for (;;) {
		if (sigwaitinfo(all, &si) == -1)
			continue;
		if (si.si_signo != SIGCHLD) {
			forward(prog, si.si_signo, groups);
			continue;
		}
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != prog)
				continue;
			if (WIFSIGNALED(st))
				_exit(128 + WTERMSIG(st));
			_exit(WEXITSTATUS(st));
		}
	}
}

static int
harden(void)
{
	cap_value_t kill_cap = CAP_KILL;
	cap_t c;
	int r;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    (c = cap_init()) == NULL)
		return -1;
	r = cap_set_flag(c, CAP_EFFECTIVE, 1, &kill_cap, CAP_SET) == -1 ||
	    cap_set_flag(c, CAP_PERMITTED, 1, &kill_cap, CAP_SET) == -1 ||
	    cap_set_proc(c) == -1 ? -1 : 0;
	cap_free(c);
	return r;
}

int
pidinit_start(const struct options *o)
{
	sigset_t all, none;
	pid_t prog;
	int ready[2];
	char c;

	/*
	 * Not dumpable from before the fork, so the program cannot reach
	 * this process before it hardens; the program's exec makes its own
	 * process dumpable again.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    pipe2(ready, O_CLOEXEC) == -1)
		return -1;
	/* Blocked before the fork, so no signal slips between. */
	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if ((prog = fork()) == -1) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &none, NULL);
		close(ready[0]);
		close(ready[1]);
		errno = e;
		return -1;
	}
	if (prog == 0) {
		/*
		 * The program goes on once this process holds nothing of the
		 * session: its end of the pipe closes with the rest.
		 */
		close(ready[1]);
		while (read(ready[0], &c, 1) == -1 && errno == EINTR)
			;
		close(ready[0]);
		sigprocmask(SIG_SETMASK, &none, NULL);
		return 0;
	}
	/*
	 * This process keeps dived's credentials, and the program may be
	 * root in a user namespace of its own: it must not be able to trace
	 * this one or read its memory, and there is nothing to take but
	 * CAP_KILL, which passing signals on needs.
	 */
	if (harden() == -1) {
		kill(prog, SIGKILL);
		_exit(DIVE_EXIT_FAILURE);
	}
	/*
	 * A session of its own makes it the leader of the group that
	 * --signals-pgid names.  Then nothing of the session's stays open
	 * here: the program has its own copies, the report pipe must close
	 * when the program execs, and the program waits for this.
	 */
	setsid();
	prctl(PR_SET_NAME, "dived-init", 0, 0, 0);
	close_range(0, ~0u, 0);
	reap(prog, &all, o->signals == SIGNALS_PGID);
}

int
pidinit_tell(int sock)
{
	int fd, r;

	if ((fd = (int)syscall(SYS_pidfd_open, getpid(), 0)) == -1)
		return -1;
	r = frame_send(sock, PS_PROGRAM, NULL, 0, &fd, 1);
	close(fd);
	return r;
}
