/*
 * Creating the program's process, in its new namespaces when it has any,
 * with the steps only its parent can do, then reporting its start; the
 * process sets itself up (spawn.c).
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "pidfd.h"
#include "pty.h"
#include "rlimits.h"
#include "spawn.h"
#include "stage.h"

extern char **environ;

/* The program's stack until its exec, when it shares our memory. */
#define PROGRAM_STACK	(1024 * 1024)
#if defined(DIVE_VALGRIND) || defined(DIVE_SANITIZE)
/* Neither follows a process on a stack it was not told of: they fork. */
#define SHARE_MEMORY	0
#else
#define SHARE_MEMORY	1
#endif

/*
 * The launch, with what only a monitor's program has: /dev/null for the
 * 0-2 a client left closed, the descriptor the client waits on, and the
 * pseudo-terminal's ownership.
 */
static void
prepare_launch(struct session *s, struct launch *l)
{
	char err[DIVE_MAX_ERRTEXT];

	if (launch_init(l, s->cfg, &s->dec, &s->req, &s->peer, s->peerfd,
	    err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	if (s->dec.other_user && s->dec.client_fds &&
	    spawn_null(&s->req, &l->nullfd) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "/dev/null: %s", strerror(errno));
	/* The client waits for this descriptor's last holder to go. */
	l->holdfd = s->req.head.waitmode == WAIT_HOLDERS || s->cfg->o.no_wait ?
	    s->client : -1;
	if (pty_give(s->cfg, &s->dec, &s->req, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
}

/*
 * -w: the monitor becomes the program.  The client learns the pid first
 * and that no exit status will follow; a failed step still reaches it.
 */
static void __attribute__((noreturn))
exec_in_place(struct session *s, struct launch *l)
{
	stop_parser(s);
	logmsg(LOG_INFO, "session %s: starting in place, pid %ld", s->id,
	    (long)getpid());
	(void)greet(s);
	proto_send_u32x2(s->client, MSG_STARTED, (uint32_t)getpid(),
	    STARTED_NOSTATUS);
	l->replyfd = s->client;
	l->errfd = -1;
	/*
	 * The log's socket could land on a client's descriptor number: from
	 * here on failures go to the client only.
	 */
	closelog();
	spawn_program(l);
}

/*
 * What the program's parent does for it between its creation and its
 * setup: the cgroup (before a cgroup namespace takes it as root), the
 * maps of its user namespace, and the -t files only a parent may write.
 */
static int
parent_steps(struct session *s, const struct launch *l, char *err,
    size_t len)
{
	const struct isolation *iso = &s->dec.iso;

	if (iso->cgroup != NULL &&
	    cgroup_join(iso->cgroup, s->pid, err, len) == -1)
		return -1;
	if (l->maps != NULL &&
	    ns_write_maps(l->procfd, s->pid, l->maps, err, len) == -1)
		return -1;
	return ns_write_for(l->procfd, s->pid, iso, err, len);
}

/* A fork, or a clone into new namespaces (bubblewrap does the same). */
static pid_t
new_process(int flags)
{
	if (flags == 0)
		return fork();
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL,
	    NULL);
}

static int
program_child(void *arg)
{
	spawn_program(arg);
}

/*
 * Without namespaces or steps of ours between creation and setup, the
 * program's process shares our memory until its exec, as posix_spawn's
 * does: no page tables to copy, no copy-on-write faults after.  We are
 * suspended until then; its own stack keeps ours intact.  Signals stay
 * blocked across the clone, so no handler of ours runs in it, and it
 * resets them before it unblocks.  What it changes in our memory is its
 * environment pointer, put back here, and what its setup allocates.
 */
static pid_t
share_process(struct session *s, struct launch *l)
{
	static char *stack;
	char **env = environ;
	sigset_t all, orig;
	pid_t pid;
	int e;

	if (stack == NULL && (stack = mmap(NULL, PROGRAM_STACK,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK |
	    MAP_NORESERVE, -1, 0)) == MAP_FAILED) {
		stack = NULL;
		return -1;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &orig);
	pid = clone(program_child, stack + PROGRAM_STACK, CLONE_VM |
	    CLONE_VFORK | CLONE_PIDFD | SIGCHLD, l, &s->pidfd);
	e = errno;
	environ = env;
	sigprocmask(SIG_SETMASK, &orig, NULL);
	errno = e;
	return pid;
}

static void
abandon(struct session *s, const char *err)
{
	kill(s->pid, SIGKILL);
	wait_child(s->pid, NULL);
	refuse(s, DIVE_EXIT_FAILURE, "%s", err);
}

/*
 * The program is created in its new namespaces (a new pid namespace
 * makes it pid 1 there, and our child still) after the monitor joined
 * the pid namespace of -N or --enter, if any.  When its parent has steps
 * to do for it, it waits on go until they are done.  They write through
 * the launch's /proc, opened before any namespace was joined: a joined
 * mount namespace may have another.
 */
static void
create_program(struct session *s, struct launch *l, int errfd[2])
{
	const struct isolation *iso = &s->dec.iso;
	int flags = ns_clone_flags(iso), go[2] = { -1, -1 };
	int joined;
	int wait = l->maps != NULL || iso->cgroup != NULL || iso->nwrites > 0;
	char err[DIVE_MAX_ERRTEXT], c = 0;

	if (ns_drop_groups(iso, s->cfg->privileged, err, sizeof(err)) == -1 ||
	    ns_join(iso, CLONE_NEWPID, &joined, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	if (wait && pipe2(go, O_CLOEXEC) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "pipe: %s", strerror(errno));
	l->nsready = 1;
	STAGE(clone);
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	if (flags == 0 && !wait && SHARE_MEMORY) {
		if ((s->pid = share_process(s, l)) == -1)
			refuse(s, DIVE_EXIT_FAILURE, "clone: %s",
			    strerror(errno));
		return;
	}
	if ((s->pid = new_process(flags)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s: %s", flags ?
		    "new namespaces" : "fork", strerror(errno));
	if (s->pid == 0) {
		close(errfd[0]);
		if (wait) {
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(DIVE_EXIT_FAILURE);
			close(go[0]);
		}
		spawn_program(l);
	}
	if (!wait)
		return;
	close(go[0]);
	if (parent_steps(s, l, err, sizeof(err)) == -1)
		abandon(s, err);
	if (write(go[1], &c, 1) != 1)
		abandon(s, "cannot start the program");
	close(go[1]);
}

/*
 * The monitor is the subreaper of the program's processes: what the
 * program leaves behind when a process of it ends comes to the monitor,
 * so that a session's limits reach all of it and the session ends when
 * the last of it does.  Set before the program exists, which may leave
 * processes at once; SIGCHLD then arrives on a descriptor.
 */
static void
adopt_leftovers(struct session *s)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "PR_SET_CHILD_SUBREAPER: %s",
		    strerror(errno));
}

/* After the program is created, whose signal mask must not have it. */
static void
watch_children(struct session *s)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	s->chldfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * A client that gave up (a timeout, ^C) while its request waited, for a
 * stopped master or a slow decision, is not served a program it no
 * longer waits for.
 */
static void
client_still_there(struct session *s)
{
	struct pollfd p = { s->client, POLLRDHUP, 0 };

	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP |
	    POLLERR))) {
		s->ended_by = "client-gone";
		refuse(s, DIVE_EXIT_FAILURE, "the client left before the "
		    "program started");
	}
}

/*
 * --init: the pidfd the program's process sent from below the reaper.  It
 * names the program, which the reaper's pid does not: the process the
 * client signals, and the one -n signals.
 */
static void
take_program(struct session *s, int sock)
{
	struct frame f;
	int fd[1];

	if (frame_recv(sock, &f, 0, fd, 1) != 1)
		return;
	if (f.type == PS_PROGRAM && f.nfds == 1 &&
	    (s->progpid = pidfd_pid(f.fds[0])) > 0)
		s->progfd = f.fds[0];
	else
		close_fds(f.fds, f.nfds);
	frame_free(&f);
}

void
launch(struct session *s)
{
	struct launch l;
	struct launch_error e;
	int pipefd[2], init[2] = { -1, -1 };
	ssize_t n;

	s->verdict = VERDICT_FAILED;
	prepare_launch(s, &l);
	client_still_there(s);
	if (s->cfg->o.no_wait)
		exec_in_place(s, &l);
	record_start(s);
	if (pipe2(pipefd, O_CLOEXEC) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "pipe: %s", strerror(errno));
	l.errfd = pipefd[1];
	if (s->dec.iso.init && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0, init) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "socketpair: %s", strerror(errno));
	l.initfd = init[1];
	adopt_leftovers(s);
	create_program(s, &l, pipefd);
	watch_children(s);
	close(pipefd[1]);
	if (init[1] != -1)
		close(init[1]);
	while ((n = read(pipefd[0], &e, sizeof(e))) == -1 && errno == EINTR)
		;
	close(pipefd[0]);
	if (n > 0) {
		wait_child(s->pid, NULL);
		e.text[sizeof(e.text) - 1] = '\0';
		if (n != sizeof(e) || e.status == 0 || e.status > 255)
			refuse(s, DIVE_EXIT_FAILURE, "program setup failed");
		refuse(s, e.status, "%s", e.text);
	}
	/* Sent before its exec, which ended the pipe. */
	if (init[0] != -1) {
		take_program(s, init[0]);
		close(init[0]);
	}
	/* Our copies are the program's now. */
	launch_free(&l);
	close_fds(s->req.fds, s->req.nfds);
	s->req.nfds = 0;
	if (s->req.ptyfd != -1)
		close(s->req.ptyfd);
	s->req.ptyfd = -1;
	if (s->pidfd == -1)
		s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	logmsg(LOG_INFO, "session %s: started pid %ld", s->id, (long)s->pid);
	(void)greet(s);
	proto_send_u32x2(s->client, MSG_STARTED,
	    (uint32_t)(s->progfd != -1 ? s->progpid : s->pid),
	    s->cfg->o.signals != SIGNALS_OFF ? STARTED_SIGSOCKET : 0);
}
