/*
 * --init: process 1 of a new pid namespace is a small reaper of dived's
 * and the program is its child.  Orphans of the namespace are reparented
 * to process 1; a program that never waits for them would collect
 * zombies, this one reaps them as they come.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "pidinit.h"

/*
 * What the monitor (or -n, --signals-pgid, --time-limit) sends to process
 * 1 is meant for the program: its group when it leads one and the client
 * asked for groups, else the program alone.
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

int
pidinit_start(const struct options *o)
{
	sigset_t all, none;
	pid_t prog;

	/* Blocked before the fork, so no signal slips between. */
	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if ((prog = fork()) == -1) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &none, NULL);
		errno = e;
		return -1;
	}
	if (prog == 0) {
		sigprocmask(SIG_SETMASK, &none, NULL);
		return 0;
	}
	/*
	 * Nothing of the session's stays open here: the program has its own
	 * copies, and the report pipe must close when the program execs.
	 * A session of its own makes it the leader of the group that
	 * --signals-pgid names.
	 */
	close_range(0, ~0u, 0);
	setsid();
	prctl(PR_SET_NAME, "dived-init", 0, 0, 0);
	reap(prog, &all, o->signals == SIGNALS_PGID);
}
