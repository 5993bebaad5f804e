/*
 * The program's setup, in the documented order:
 *
 *   signals -> namespaces -> root -> session and controlling terminal ->
 *   bounding set, securebits, limits -> credentials -> capabilities,
 *   no_new_privs -> current directory -> umask -> descriptors ->
 *   descriptor limit -> seccomp filter -> execve
 *
 * The terminal comes before the credentials: taking a terminal that is
 * another session's needs the privilege the credentials give up.  So do
 * the bounding set, securebits and raising limits.
 *
 * A forked program is created in its new namespaces by the monitor
 * (clone), which also joined -N and --enter's and wrote the maps; in
 * place (-J, -w) the process does all that itself.
 *
 * Each step either succeeds or reports through errfd and ends the child:
 * nothing is executed after a failed step.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "caps.h"
#include "dived.h"
#include "pidfd.h"
#include "pidinit.h"
#include "progfilter.h"
#include "proto.h"
#include "pty.h"
#include "rlimits.h"
#include "root.h"
#include "spawn.h"
#include "stage.h"
#ifdef DIVE_TESTHOOKS
#include "testhook.h"
#endif

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

/*
 * The signals whose disposition may not be the default in dived: those
 * found so when it started and those it set since.  Every other one is
 * SIG_DFL already, so the program's process resets only these, instead
 * of making a system call for each of the 64.
 *
 * Asked and reset with the system call itself: the C library refuses to
 * touch the two signals it keeps for its threads (32 and 33), which an
 * ignoring parent still passes on.  An all-zero kernel sigaction is
 * SIG_DFL with no flags and an empty mask, whatever the architecture's
 * layout; four words hold the largest.  Until dived has asked, all are
 * reset.
 */
static uint64_t changed = ~0ull;

static int
kernel_sigaction(int sig, int set, unsigned long *handler)
{
	unsigned long act[4] = { 0 }, old[4] = { 0 };

	if (syscall(SYS_rt_sigaction, sig, set ? act : NULL, old,
	    sizeof(uint64_t)) == -1)
		return -1;
	*handler = old[0];
	return 0;
}

void
spawn_signals_found(void)
{
	unsigned long h;
	int s;

	changed = 0;
	for (s = 1; s < NSIG && s <= 64; s++)
		if (kernel_sigaction(s, 0, &h) == 0 && h != (unsigned long)SIG_DFL)
			changed |= 1ull << (s - 1);
}

void
spawn_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(sig, &sa, NULL);
	if (handler != SIG_DFL && sig >= 1 && sig <= 64)
		changed |= 1ull << (sig - 1);
}

void
spawn_reset_signals(void)
{
	unsigned long h;
	sigset_t none;
	int s;

	for (s = 1; s < NSIG && s <= 64; s++)
		if (changed & (1ull << (s - 1)))
			(void)kernel_sigaction(s, 1, &h);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Reports a failed step of the form "-1 with a message in err". */
static void
check(const struct launch *l, int r, const char *err)
{
	if (r == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "%s", err);
}

static void
set_ids(const struct launch *l, uid_t uid, uid_t euid, gid_t gid,
    const gid_t *groups, int ngroups)
{
	if (groups != NULL && setgroups((size_t)ngroups, groups) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setgroups: %s",
		    strerror(errno));
	if (setresgid(gid, gid, gid) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setgid %lu: %s",
		    (unsigned long)gid, strerror(errno));
	if (setresuid(uid, euid, euid) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "setuid %lu: %s",
		    (unsigned long)uid, strerror(errno));
	/* Fail closed: the ids must be exactly what was decided. */
	if (getuid() != uid || geteuid() != euid || getgid() != gid ||
	    getegid() != gid)
		step_failed(l, DIVE_EXIT_FAILURE, "credentials did not take");
}

/*
 * In another user namespace the decided ids are host ids: the program
 * gets the ids inside that are them (ns_inside), and only its own group
 * where setgroups(2) is allowed there.
 */
static void
set_ids_inside(const struct launch *l)
{
	const struct decision *d = l->d;
	long long uid, euid, gid;
	char allow[16] = "";
	FILE *f;

	uid = ns_inside(l->procfd, "uid_map", d->uid, l->zero_ok);
	euid = d->euid == d->uid ? uid :
	    ns_inside(l->procfd, "uid_map", d->euid, 0);
	gid = ns_inside(l->procfd, "gid_map", d->gid, l->zero_ok);
	if (uid == -1 || euid == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "uid %lu has no id in the "
		    "user namespace (give it a map: -tt, --map-users or -t)",
		    (unsigned long)d->uid);
	if (gid == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "gid %lu has no id in the "
		    "user namespace (give it a map: -tt, --map-groups or -t)",
		    (unsigned long)d->gid);
	if ((f = ns_proc_open(l->procfd, "setgroups")) != NULL) {
		if (fgets(allow, sizeof(allow), f) == NULL)
			allow[0] = '\0';
		fclose(f);
	}
	set_ids(l, (uid_t)uid, (uid_t)euid, (gid_t)gid,
	    strncmp(allow, "allow", 5) == 0 ? (gid_t[]){ (gid_t)gid } : NULL,
	    1);
}

static void
set_credentials(const struct launch *l, int moved)
{
	const struct decision *d = l->d;

	if (!d->setids)
		return;
	if (moved)
		set_ids_inside(l);
	else
		set_ids(l, d->uid, d->euid, d->gid, l->groups.list,
		    l->groups.n);
}

/*
 * After the credentials, so the target user's permissions decide: -h,
 * else the top of a root the program is confined to, else the client's
 * directory unless -H.
 */
static void
enter_cwd(const struct launch *l, int serverroot)
{
	const char *dir = l->d->chdir;

	/* A relative -h too is taken inside a root the program is confined to. */
	if (l->d->confined && chdir("/") == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "chdir /: %s",
		    strerror(errno));
	if (serverroot != -1) {
		if (fchdir(serverroot) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "-W: cannot enter "
			    "dived's root: %s", strerror(errno));
		close(serverroot);
	} else if (dir != NULL) {
		if (chdir(dir) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "chdir %s: %s", dir,
			    strerror(errno));
	} else if (l->d->client_cwd && l->r->cwdfd != -1 &&
	    fchdir(l->r->cwdfd) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "cannot enter the current "
		    "directory: %s", strerror(errno));
}

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

/*
 * Whether descriptor fd of the program is one it is given: the client's
 * (only 0-2 when the decision says so), the pseudo-terminal's slave, or
 * /dev/null where another user's program would find 0-2 closed.
 */
static int
given(const struct launch *l, uint32_t fd)
{
	const struct spawn_req *r = l->r;

	if (fd <= 2 && ((r->head.pty & (1u << fd)) || l->nullfd != -1))
		return 1;
	if (fd > 2 && l->d->std_fds_only)
		return 0;
	return fdbits_has(&r->seen, fd);
}

static int
from_client(const struct launch *l, size_t i)
{
	return l->r->targets[i] <= 2 || !l->d->std_fds_only;
}

int
spawn_null(const struct spawn_req *r, int *fd)
{
	struct stat st;
	uint32_t n;

	*fd = -1;
	for (n = 0; n <= 2; n++)
		if (!((fdbits_std(&r->seen) | r->head.pty) & (1u << n)))
			break;
	if (n > 2)
		return 0;
	if ((*fd = open("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(*fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3)) {
		close(*fd);
		*fd = -1;
		errno = ENODEV;
		return -1;
	}
	return 0;
}

/*
 * The client's descriptors onto their numbers as a parallel move: a
 * descriptor is placed only once every one still to be read from its
 * target number has been, and where two wait on each other, one of them
 * is read from a copy above the targets.  One dup2 each.
 */
struct moves {
	const struct launch	*l;
	int			*src;	  /* where descriptor i is now */
	size_t			*reader;  /* number -> 1 + the i to read it */
	unsigned char		*state;	  /* MOVE_* */
	uint32_t		 top;	  /* the highest target */
};

enum { MOVE_WAITING, MOVE_GOING, MOVE_DONE };

static void
move_fd(struct moves *m, size_t i)
{
	const struct launch *l = m->l;
	uint32_t t = l->r->targets[i];
	size_t j;
	int c;

	m->state[i] = MOVE_GOING;
	if (t <= m->top && (j = m->reader[t]) != 0 && --j != i) {
		if (m->state[j] == MOVE_WAITING)
			move_fd(m, j);
		else {
			/* j waits on i: j reads from a copy instead. */
			if ((c = fcntl(m->src[j], F_DUPFD_CLOEXEC,
			    (int)m->top + 1)) == -1)
				step_failed(l, DIVE_EXIT_FAILURE, "descriptor "
				    "%u: %s", l->r->targets[j], strerror(errno));
			m->reader[t] = 0;
			m->src[j] = c;
		}
	}
	/* dup2 onto itself would keep close-on-exec. */
	if (m->src[i] == (int)t ? fcntl((int)t, F_SETFD, 0) == -1 :
	    dup2(m->src[i], (int)t) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "descriptor %u: %s", t,
		    strerror(errno));
	if ((uint32_t)m->src[i] <= m->top && m->reader[m->src[i]] == i + 1)
		m->reader[m->src[i]] = 0;
	m->state[i] = MOVE_DONE;
}

static void
move_fds(struct launch *l, uint32_t top)
{
	const struct spawn_req *r = l->r;
	struct moves m = { l, NULL, NULL, NULL, top };
	size_t i;

	if ((m.src = calloc(r->nfds + 1, sizeof(*m.src))) == NULL ||
	    (m.state = calloc(r->nfds + 1, sizeof(*m.state))) == NULL ||
	    (m.reader = calloc((size_t)top + 1, sizeof(*m.reader))) == NULL)
		step_failed(l, DIVE_EXIT_FAILURE, "out of memory");
	for (i = 0; i < r->nfds; i++) {
		m.src[i] = r->fds[i];
		if (!from_client(l, i))
			m.state[i] = MOVE_DONE;
		else if ((uint32_t)r->fds[i] <= top)
			m.reader[r->fds[i]] = i + 1;
	}
	for (i = 0; i < r->nfds; i++)
		if (m.state[i] == MOVE_WAITING)
			move_fd(&m, i);
	free(m.src);
	free(m.state);
	free(m.reader);
}

/*
 * Every received descriptor onto its target number, /dev/null and the
 * terminal onto 0-2 where the client sent none; everything else is
 * marked close-on-exec.
 */
static void
place_fds(struct launch *l)
{
	const struct spawn_req *r = l->r;
	uint32_t top = 0, prev;
	size_t i;
	int pty = r->ptyfd;

	for (i = 0; i < r->nfds; i++)
		if (from_client(l, i) && r->targets[i] > top)
			top = r->targets[i];
	for (uint32_t fd = 0; fd <= 2; fd++)
		if (given(l, fd) && fd > top)
			top = fd;
	/* Our own descriptors must not sit on a target either. */
	move_above(&l->errfd, top);
	move_above(&l->replyfd, top);
	move_above(&l->holdfd, top);
	move_above(&l->nullfd, top);
	move_above(&pty, top);
	move_fds(l, top);
	/* /dev/null where neither the client nor the terminal has one. */
	for (uint32_t fd = 0; fd <= 2 && l->nullfd != -1; fd++)
		if (!fdbits_has(&r->seen, fd) && !(r->head.pty & (1u << fd)) &&
		    dup2(l->nullfd, (int)fd) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "/dev/null as "
			    "descriptor %u: %s", fd, strerror(errno));
	/* The pseudo-terminal's slave where the client's were terminals. */
	for (uint32_t fd = 0; fd <= 2; fd++)
		if ((r->head.pty & (1u << fd)) && dup2(pty, (int)fd) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "pseudo-terminal as "
			    "descriptor %u: %s", fd, strerror(errno));
	/* Targets are sorted by the client but need not be: walk gaps. */
	prev = 0;
	for (uint32_t fd = 0; fd <= top + 1; fd++) {
		if (fd <= top && given(l, fd)) {
			if (fd > prev)
				close_range(prev, fd - 1, CLOSE_RANGE_CLOEXEC);
			prev = fd + 1;
		}
	}
	close_range(prev, ~0u, CLOSE_RANGE_CLOEXEC);
	for (prev = 3; prev <= top && given(l, prev); prev++)
		;
	hold(l, (int)prev);
}

/*
 * -S keeps dived's session, -T leaves the controlling terminal alone.  A
 * pseudo-terminal is the program's own: any user may take it.
 */
static void
set_session(const struct launch *l)
{
	int tty = l->r->ptyfd != -1 ? l->r->ptyfd : l->r->ttyfd;

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
	if (l->cfg->o.no_csctty || !pty_is_terminal(tty))
		return;
	if (l->r->ptyfd != -1) {
		if (ioctl(tty, TIOCSCTTY, 0) == -1)
			step_failed(l, DIVE_EXIT_FAILURE, "pseudo-terminal as "
			    "controlling terminal: %s", strerror(errno));
		return;
	}
	/*
	 * Only root may take a terminal that is another session's, and only
	 * the client's own; any other is taken only if no session has it.
	 */
	(void)ioctl(tty, TIOCSCTTY, l->cfg->privileged && l->steal_tty);
}

/* The controlling terminal of a process, from /proc/PID/stat; 0 for none. */
static dev_t
ctty_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long tty = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The name in parentheses may hold anything: the fields follow. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %llu", &tty) != 1)
		return 0;
	return (dev_t)tty;
}

int
spawn_may_steal_tty(int tty, int peerfd, uid_t uid)
{
	struct stat st;
	pid_t pid;
	dev_t own;

	if (tty == -1 || peerfd == -1 || fstat(tty, &st) == -1 ||
	    !S_ISCHR(st.st_mode) || (pid = pidfd_pid(peerfd)) == -1 ||
	    (own = ctty_of(pid)) == 0 || own != st.st_rdev)
		return 0;
	/*
	 * Still the client's pid after the read: until the client is
	 * reaped, no other process can have it, so what was read was the
	 * client's own.
	 */
	if (pidfd_pid(peerfd) != pid)
		return 0;
	return uid == 0 || st.st_uid == uid;
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

	STAGE_NOW(exec);
	environ = l->d->envp;
	execvp(prog, l->d->argv);
	step_failed(l, errno == ENOENT || errno == ENOTDIR ?
	    DIVE_EXIT_NOTFOUND : DIVE_EXIT_NOEXEC, "%s: %s", prog,
	    strerror(errno));
}

/*
 * -J with -s pid: the program is the namespace's first process, a child;
 * this one waits and ends the way it does.
 */
static void
just_pid1(const struct launch *l)
{
	struct rlimit none = { 0, 0 };
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "fork: %s", strerror(errno));
	if (pid == 0)
		return;
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			_exit(DIVE_EXIT_FAILURE);
	if (WIFSIGNALED(st)) {
		setrlimit(RLIMIT_CORE, &none);
		kill(getpid(), WTERMSIG(st));
		_exit(128 + WTERMSIG(st));
	}
	_exit(WEXITSTATUS(st));
}

/*
 * From its first setns(2) the process may be in a user namespace someone
 * else is root of, with CAP_SYS_PTRACE and CAP_KILL over it there, while
 * it is still host root and holds what it needs of the monitor's.  Not
 * dumpable, it can be traced, read through /proc/PID/{mem,fd,exe,...} or
 * robbed by pidfd_getfd only with privilege over dived's own user
 * namespace, which no one in there has.  A root dived made itself so at
 * start (dived.c); it is asked again here, failing closed, and after each
 * credential change, which sets it to fs.suid_dumpable.  The child that
 * shares the monitor's memory marks the monitor too (it is a property of
 * the memory): a root monitor is not dumpable anyway.  An unprivileged
 * dived that joins nothing skips it: its own new user namespace's maps
 * are written through /proc files that would then be root's.
 */
static void
untraceable(const struct launch *l)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		step_failed(l, DIVE_EXIT_FAILURE, "cannot make the program's "
		    "setup undumpable: %s", strerror(errno));
}

static int
by_number(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * Before any namespace is joined, everything but what the remaining
 * steps and the program need is closed: the parser's socket, the
 * master's, the audit log, syslog's socket, whatever else the monitor
 * holds.  What still reaches this process from inside finds none of them.
 * In place (-J) every descriptor is the caller's own and stays.
 */
static void
keep_needed_fds(const struct launch *l)
{
	const struct spawn_req *r = l->r;
	int keep[DIVE_MAX_FDS + 14], n = 0;
	unsigned int next = 0;
	size_t i;

	if (l->inplace)
		return;
	keep[n++] = STDIN_FILENO;	/* dived's own 0-2: -O, and errors */
	keep[n++] = STDOUT_FILENO;
	keep[n++] = STDERR_FILENO;
	keep[n++] = l->errfd;
	keep[n++] = l->replyfd;
	keep[n++] = l->holdfd;
	keep[n++] = l->procfd;
	keep[n++] = l->d->iso.enter_fd;
	keep[n++] = r->cwdfd;
	keep[n++] = r->rootfd;
	keep[n++] = r->ttyfd;
	keep[n++] = r->ptyfd;
	keep[n++] = l->nullfd;
	keep[n++] = l->initfd;
	for (i = 0; i < r->nfds && i < DIVE_MAX_FDS; i++)
		keep[n++] = r->fds[i];
	qsort(keep, (size_t)n, sizeof(*keep), by_number);
	for (i = 0; i < (size_t)n; i++) {
		if (keep[i] < 0 || (unsigned int)keep[i] < next)
			continue;
		if ((unsigned int)keep[i] > next)
			close_range(next, (unsigned int)keep[i] - 1, 0);
		next = (unsigned int)keep[i] + 1;
	}
	close_range(next, ~0u, 0);
}

/*
 * A user namespace joined with -N or --enter is someone else's.  Host
 * root leaves at once to be that namespace's root instead, keeping the
 * capabilities it has there, so every later step (-t, the root, the
 * credentials) is done with the privilege the namespace gives and no
 * more: host uid 0 would pass owner checks on host files mounted in
 * there and the kernel's own tests for host root.
 */
static void
take_namespace_root(const struct launch *l, int joined)
{
	char err[DIVE_MAX_ERRTEXT];

	if (!(joined & CLONE_NEWUSER) || !l->cfg->privileged)
		return;
	check(l, ns_take_root(err, sizeof(err)), err);
	untraceable(l);
}

/* -N and --enter (those of which), then the joined namespace's root. */
static int
join(const struct launch *l, int which)
{
	char err[DIVE_MAX_ERRTEXT];
	int joined;

	check(l, ns_join(&l->d->iso, which, &joined, err, sizeof(err)), err);
#ifdef DIVE_TESTHOOKS
	testhook_pause("DIVED_TESTHOOK_JOINED_MS");
#endif
	take_namespace_root(l, joined);
	return joined;
}

/*
 * In place there is no parent to create the namespaces with the program:
 * the process joins and unshares them, maps its own ids, and for a new pid
 * namespace forks the program as its first process and waits for it.
 * The cgroup is joined first, by its name in dived's own mount namespace
 * and as dived's user, as the monitor does for a forked program.
 */
static int
namespaces_in_place(const struct launch *l)
{
	const struct isolation *iso = &l->d->iso;
	char err[DIVE_MAX_ERRTEXT];
	int flags = ns_clone_flags(iso), joined;

	check(l, ns_drop_groups(iso, l->cfg->privileged, err, sizeof(err)),
	    err);
	if (iso->cgroup != NULL)
		check(l, cgroup_join(iso->cgroup, getpid(), err, sizeof(err)),
		    err);
	joined = join(l, NS_ALL);
	if (flags != 0 && unshare(flags) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "unshare: %s",
		    strerror(errno));
	if (l->maps != NULL)
		check(l, ns_write_maps(l->procfd, 0, l->maps, err,
		    sizeof(err)), err);
	if ((flags | joined) & CLONE_NEWPID)
		just_pid1(l);
	return joined;
}

static void
namespaces(const struct launch *l)
{
	char err[DIVE_MAX_ERRTEXT];
	int joined;

	if (l->cfg->privileged || ns_joins(&l->d->iso))
		untraceable(l);
	/*
	 * Only a join lets anyone else reach this process before its exec,
	 * which closes the rest anyway: other sessions skip the sort.
	 */
	if (ns_joins(&l->d->iso))
		keep_needed_fds(l);
	if (!l->nsready)
		joined = namespaces_in_place(l);
	else
		joined = join(l, ~CLONE_NEWPID);
	check(l, ns_unshare_late(&l->d->iso, err, sizeof(err)), err);
	check(l, ns_write_own(&l->d->iso, !l->nsready, l->procfd,
	    joined & CLONE_NEWNS, err, sizeof(err)), err);
}

/*
 * --init: process 1 becomes the reaper, and its child, the program's
 * process, tells the monitor who it is.
 */
static void
start_init(const struct launch *l)
{
	if (pidinit_start(&l->cfg->o) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "--init: fork: %s",
		    strerror(errno));
	if (l->initfd == -1)
		return;
	if (pidinit_tell(l->initfd) == -1)
		step_failed(l, DIVE_EXIT_FAILURE, "--init: sending the "
		    "program's pidfd: %s", strerror(errno));
	close(l->initfd);
}

void
spawn_program(struct launch *l)
{
	const struct isolation *iso = &l->d->iso;
	char err[DIVE_MAX_ERRTEXT];
	int serverroot, moved;

	spawn_reset_signals();
	namespaces(l);
	if (iso->init && getpid() == 1)
		start_init(l);
	/* Asked before a new root can hide /proc. */
	moved = ns_may_change_user(iso) && ns_user_moved(l->procfd,
	    &l->userns);
	check(l, root_enter(iso, iso->client_root ? l->r->rootfd : -1,
	    l->d->confined, &serverroot, err, sizeof(err)), err);
	set_session(l);
	check(l, caps_before(iso, err, sizeof(err)), err);
	check(l, limits_before(iso, err, sizeof(err)), err);
	set_credentials(l, moved);
	if (l->cfg->privileged)
		untraceable(l);
	check(l, caps_after(iso, err, sizeof(err)), err);
	enter_cwd(l, serverroot);
	if (l->d->client_umask)
		umask((mode_t)(l->r->head.umask | l->d->umask_add));
	if (l->d->client_fds)
		place_fds(l);
	else
		keep_own_fds(l);
	check(l, limits_nofile(iso, &l->nofile, err, sizeof(err)), err);
	check(l, progfilter_load(iso, err, sizeof(err)), err);
	exec_program(l);
}
