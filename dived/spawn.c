/*
 * The program's setup, in the documented order:
 *
 *   signals -> session and controlling terminal -> credentials ->
 *   current directory -> umask -> descriptors -> execve
 *
 * The terminal comes before the credentials: taking a terminal that is
 * another session's needs the privilege the credentials give up.
 *
 * Each step either succeeds or reports through errfd and ends the child:
 * nothing is executed after a failed step.
 */
#include <sys/ioctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "dived.h"
#include "proto.h"
#include "spawn.h"

extern char **environ;

static void __attribute__((noreturn, format(printf, 3, 4)))
step_failed(const struct launch *l, uint32_t status, const char *fmt, ...)
{
	struct launch_error e;
	va_list ap;

	memset(&e, 0, sizeof(e));
	e.status = status;
	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	if (l->inplace)
		dprintf(STDERR_FILENO, "dived: %s\n", e.text);
	else if (l->replyfd != -1)
		proto_send_error(l->replyfd, status, e.text);
	else
		(void)!write(l->errfd, &e, sizeof(e));
	_exit((int)status);
}

static void
reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
set_credentials(const struct launch *l)
{
	const struct decision *d = l->d;

	if (!d->setids)
		return;
	if (setgroups((size_t)l->ngroups, l->groups) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setgroups: %s",
		    strerror(errno));
	if (setresgid(d->gid, d->gid, d->gid) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setgid %lu: %s",
		    (unsigned long)d->gid, strerror(errno));
	if (setresuid(d->uid, d->euid, d->euid) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setuid %lu: %s",
		    (unsigned long)d->uid, strerror(errno));
	/* Fail closed: the ids must be exactly what was decided. */
	if (getuid() != d->uid || geteuid() != d->euid ||
	    getgid() != d->gid || getegid() != d->gid)
		step_failed(l, DIVE_EXIT_FAILURE, "credentials did not take");
}

/*
 * After the credentials, so the target user's permissions decide: -h,
 * else the client's directory unless -H.
 */
static void
enter_cwd(const struct launch *l)
{
	const char *dir = l->cfg->o.chdir;

	if (dir != NULL) {
		if (chdir(dir) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "chdir %s: %s", dir,
			    strerror(errno));
	} else if (l->d->client_cwd && l->r->cwdfd != -1 &&
	    fchdir(l->r->cwdfd) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "cannot enter the current "
		    "directory: %s", strerror(errno));
}

/*
 * Moves every received descriptor above the highest target, then onto
 * its target number; everything else is marked close-on-exec.
 */
static void
move_above(int *fd, uint32_t top)
{
	if (*fd != -1 && (*fd = fcntl(*fd, F_DUPFD_CLOEXEC, (int)top + 1)) == -1)
		_exit(DIVE_EXIT_FAILURE);
}

/*
 * The holder: a descriptor whose last close tells the client that the
 * program and everything it left behind are gone (DIVE_WAITMODE 2, -w).
 * It takes the lowest number the client's descriptors leave free.
 */
static void
hold(const struct launch *l, int at)
{
	if (l->holdfd == -1)
		return;
	if (dup2(l->holdfd, at) == -1 || fcntl(at, F_SETFD, 0) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "holder descriptor: %s",
		    strerror(errno));
}

static void
place_fds(struct launch *l)
{
	const struct spawn_req *r = l->r;
	uint32_t top = 0, prev;
	int *high;
	size_t i;

	for (i = 0; i < r->nfds; i++)
		if (r->targets[i] > top)
			top = r->targets[i];
	if ((high = calloc(r->nfds + 1, sizeof(*high))) == NULL)
		step_failed(l, DIVE_EXIT_FAILURE, "out of memory");
	for (i = 0; i < r->nfds; i++)
		if ((high[i] = fcntl(r->fds[i], F_DUPFD_CLOEXEC,
		    (int)top + 1)) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "descriptor %u: %s",
			    r->targets[i], strerror(errno));
	/* Our own descriptors must not sit on a target either. */
	move_above(&l->errfd, top);
	move_above(&l->replyfd, top);
	move_above(&l->holdfd, top);
	for (i = 0; i < r->nfds; i++)
		if (dup2(high[i], (int)r->targets[i]) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "descriptor %u: %s",
			    r->targets[i], strerror(errno));
	/* Targets are sorted by the client but need not be: walk gaps. */
	prev = 0;
	for (uint32_t fd = 0; fd <= top + 1; fd++) {
		int wanted = fd <= top && (r->seen[fd / 8] & (1u << (fd % 8)));

		if (wanted) {
			if (fd > prev)
				close_range(prev, fd - 1, CLOSE_RANGE_CLOEXEC);
			prev = fd + 1;
		}
	}
	close_range(prev, ~0u, CLOSE_RANGE_CLOEXEC);
	free(high);
	for (prev = 3; prev <= top && (r->seen[prev / 8] & (1u << (prev % 8)));
	    prev++)
		;
	hold(l, (int)prev);
}

/* -S keeps dived's session, -T leaves the controlling terminal alone. */
static void
set_session(const struct launch *l)
{
	if (l->cfg->o.no_setsid)
		return;
	/*
	 * A session leader (-w with -D) already has its own.  A process
	 * group leader (dived -J run from an interactive shell) cannot start
	 * one: it first joins its parent's group.
	 */
	if (getsid(0) != getpid() && setsid() == -1 &&
	    (setpgid(0, getppid()) == -1 || setsid() == -1))
		step_failed(l, DIVE_EXIT_FAILURE, "setsid: %s",
		    strerror(errno));
	/* Only root may take a terminal that is another session's. */
	if (l->cfg->privileged && !l->cfg->o.no_csctty && l->r->ttyfd != -1 &&
	    isatty(l->r->ttyfd))
		(void)ioctl(l->r->ttyfd, TIOCSCTTY, 1);
}

/* -O: dived's own 0-2 and nothing else; -J: everything stays. */
static void
keep_own_fds(struct launch *l)
{
	if (l->inplace)
		return;
	move_above(&l->holdfd, 2);
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	hold(l, 3);
}

static void __attribute__((noreturn))
exec_program(const struct launch *l)
{
	const char *prog = l->d->argv[0];

	environ = l->d->envp;
	execvp(prog, l->d->argv);
	step_failed(l, errno == ENOENT || errno == ENOTDIR ?
	    DIVE_EXIT_NOTFOUND : DIVE_EXIT_NOEXEC, "%s: %s", prog,
	    strerror(errno));
}

void
spawn_program(struct launch *l)
{
	reset_signals();
	set_session(l);
	set_credentials(l);
	enter_cwd(l);
	if (l->d->client_umask)
		umask((mode_t)l->r->umask);
	if (l->d->client_fds)
		place_fds(l);
	else
		keep_own_fds(l);
	if (setrlimit(RLIMIT_NOFILE, &l->nofile) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "descriptor limit: %s",
		    strerror(errno));
	exec_program(l);
}
