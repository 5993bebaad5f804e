/*
 * The master: binds the socket, writes the pidfiles, accepts, forks one
 * monitor per connection (or, with -F, becomes the monitor of the first),
 * reaps.  It never reads from a client.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "bounds.h"
#include "daemon.h"
#include "dived.h"
#include "errbuf.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "proto.h"
#include "rulefile.h"
#include "sessid.h"
#include "spawn.h"
#include "stage.h"
#include "title.h"
#include "wire.h"

static volatile sig_atomic_t stopping, reloading;

static void
on_stop(int sig)
{
	stopping = sig;
}

static void
on_hup(int sig)
{
	reloading = sig;
}

static void
on_child(int sig)
{
	(void)sig;
}

/*
 * The running sessions and whose they are, for the session limits.  Each
 * monitor closes its end of fd just before its client hears the end, so
 * the slot is free by the time that client can connect again; the reap
 * frees it otherwise.  With -w the monitor becomes the program, which
 * holds the slot: there only the reap counts.
 */
static struct slot {
	pid_t	pid;
	uid_t	uid;
	int	fd;		/* our end of its socket, or -1 */
}	*slots;
static size_t nslots;
static struct pollfd *pfds;	/* the socket, then the slots' sockets */

/*
 * Every monitor forked and not yet reaped, spares included, with its
 * session (0 until a spare has one).  The master is the subreaper of the
 * processes below: a child of its that is not here was adopted from a
 * monitor that ended before its program did.
 */
static struct monitor {
	pid_t		 pid;
	char		 id[SESSID_LEN];	/* "" for a spare's, until */
	uid_t		 uid;
}		*monitors;
static size_t	 nmonitors, monitors_room;
static int	 adopting;	/* the master is a subreaper */

static void
slot_end(size_t i)
{
	if (slots[i].fd != -1)
		close(slots[i].fd);
	slots[i] = slots[--nslots];
}

/* What a monitor gets from its socket to us: 0 now, -1 with -w. */
static int
slot_fd(const struct config *cfg, int fd)
{
	if (!cfg->o.no_wait)
		return fd;
	close(fd);
	return -1;
}

/*
 * --spares: monitors started ahead, each with its parser confined, so
 * that a connection costs the master one message instead of two forks.
 * One that ends before its connection holds back new ones for a second.
 *
 * The one that replaces a spare given a connection comes a little later:
 * the kernel runs the woken spare on the master's processor, where a
 * fork right away would keep it waiting for about 100 microseconds.
 * Started once the session is under way, the new spare usually gets
 * another processor.
 */
#define SPARE_HOLD_NS	1000000000LL	/* a second */
#define SPARE_REFILL_NS	300000
static struct spare {
	pid_t	pid;
	int	fd;		/* our end of its socket */
}	spares[DIVE_MAX_SPARES];
static size_t nspares;
static long long spares_after;	/* monotonic nanoseconds */

static long long
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* No new spare before ns from now, nor before an earlier hold-back ends. */
static void
spares_hold_back(long long ns)
{
	long long t = now_ns() + ns;

	if (t > spares_after)
		spares_after = t;
}

/*
 * In a new monitor: the spares' and the other sessions' sockets are the
 * master's business.  A copy kept here would hide their ends.
 */
static void
sockets_forget(void)
{
	for (size_t i = 0; i < nspares; i++)
		close(spares[i].fd);
	nspares = 0;
	for (size_t i = 0; i < nslots; i++)
		if (slots[i].fd != -1)
			close(slots[i].fd);
	nslots = 0;
}

/*
 * At the end of their socket spares stop their parsers and exit; when
 * dived stops it waits for them, so none outlives it.
 */
static void
spares_retire(int wait)
{
	for (size_t i = 0; i < nspares; i++) {
		close(spares[i].fd);
		if (wait)
			while (waitpid(spares[i].pid, NULL, 0) == -1 &&
			    errno == EINTR)
				;
	}
	nspares = 0;
}

/* A spare that ended before its connection holds the next ones back. */
static void
spare_ended(pid_t pid, int st)
{
	for (size_t i = 0; i < nspares; i++) {
		if (spares[i].pid != pid)
			continue;
		close(spares[i].fd);
		spares[i] = spares[--nspares];
		logmsg(LOG_ERR, "spare monitor %ld ended before its connection "
		    "(%s %d)", (long)pid, WIFSIGNALED(st) ? "signal" : "status",
		    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		spares_hold_back(SPARE_HOLD_NS);
		return;
	}
}

static void
monitor_add(pid_t pid, const char *id, uid_t uid)
{
	struct monitor *m;

	if (nmonitors == monitors_room) {
		size_t room = monitors_room ? 2 * monitors_room : 64;

		if ((m = reallocarray(monitors, room, sizeof(*m))) == NULL) {
			/* Without its entry it is taken for adopted, and killed. */
			logmsg(LOG_ERR, "monitor %ld: out of memory", (long)pid);
			return;
		}
		monitors = m;
		monitors_room = room;
	}
	m = &monitors[nmonitors++];
	m->pid = pid;
	snprintf(m->id, sizeof(m->id), "%s", id != NULL ? id : "");
	m->uid = uid;
}

static struct monitor *
monitor_of(pid_t pid)
{
	for (size_t i = 0; i < nmonitors; i++)
		if (monitors[i].pid == pid)
			return &monitors[i];
	return NULL;
}

/* A monitor reaped: its pid may be another process's from now on. */
static void
monitor_forget(pid_t pid)
{
	struct monitor *m = monitor_of(pid);

	if (m != NULL)
		*m = monitors[--nmonitors];
}

/*
 * A monitor that was killed (a signal, the OOM killer, its own program
 * when dived runs as an ordinary user) leaves its program to the master,
 * which kills it: no program runs on without the monitor that enforces
 * its limits.  Its end record says so.
 */
static void
monitor_gone(const struct monitor *m, int st)
{
	struct audit_rec a;
	char why[96];

	snprintf(why, sizeof(why), "its monitor %ld (uid %lu's session) was "
	    "killed by signal %d", (long)m->pid, (unsigned long)m->uid,
	    WTERMSIG(st));
	logmsg(LOG_ERR, "session %s: %s; what it ran is killed", m->id, why);
	memset(&a, 0, sizeof(a));
	a.event = "end";
	a.outcome = "failed";
	a.reason = why;
	a.session = m->id;
	a.ended = 1;
	a.exit_code = -1;
	a.ended_by = "monitor-gone";
	audit_write(&a);
}

/* Kills each child that is not a monitor: adopted, so unsupervised. */
static void
kill_adopted(void)
{
	char path[64], buf[4096], *p, *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)getpid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf; *p != '\0'; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		/* Our child until we reap it: the pid names it alone. */
		if (pid > 0 && monitor_of((pid_t)pid) == NULL) {
			logmsg(LOG_WARNING, "pid %ld: left by a monitor that "
			    "ended: killed", pid);
			kill((pid_t)pid, SIGKILL);
		}
	}
}

static void
reap(void)
{
	pid_t pid;
	int st;

	struct monitor *m;
	int scan = 0;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		size_t i;

		if ((m = monitor_of(pid)) == NULL)
			scan = 1;	/* adopted: its children may be ours */
		else {
			if (WIFSIGNALED(st)) {
				scan = 1;
				if (m->id[0] != '\0')
					monitor_gone(m, st);
			}
			monitor_forget(pid);
		}
		for (i = 0; i < nslots && slots[i].pid != pid; i++)
			;
		if (i < nslots)
			slot_end(i);
		else
			spare_ended(pid, st);
	}
	if (scan && adopting)
		kill_adopted();
}

/* A denial before any monitor exists: the peer is all that is known. */
static void
record_refusal(const char *id, const struct ucred *uc, const char *text)
{
	struct peer p = { uc->pid, uc->uid, uc->gid, NULL, NULL, 0 };
	struct audit_rec a;

	memset(&a, 0, sizeof(a));
	a.event = "decision";
	a.outcome = "denied";
	a.reason = text;
	a.session = id;
	a.peer = &p;
	audit_write(&a);
}

/*
 * A connection the master refuses itself: logged and recorded with why,
 * and the client, greeted, told what it may know.  The master reads
 * nothing from it.
 */
static void
refuse_here(int c, const char *id, const struct ucred *uc, int prio,
    const char *why, const char *told)
{
	logmsg(prio, "session %s: peer pid %ld uid %lu gid %lu: refused: %s",
	    id, (long)uc->pid, (unsigned long)uc->uid, (unsigned long)uc->gid,
	    why);
	record_refusal(id, uc, why);
	proto_send_hello(c, 0);
	proto_send_error(c, DIVE_EXIT_FAILURE, told);
}

/*
 * Reserves the next slot, slots[nslots], for the client's uid: 0, and the
 * monitor that takes the connection completes it.  Over a limit, -1: the
 * client is told so and let go.  The master writes the greeting and the
 * error but, as always, reads nothing.
 */
static int
reserve_slot(const struct config *cfg, int c, const char *id)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	char text[128];
	size_t mine = 0;

	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		logmsg(LOG_ERR, "session %s: SO_PEERCRED: %s", id,
		    strerror(errno));
		return -1;
	}
	STAGE_KEY(uc.pid);
	for (size_t i = 0; i < nslots; i++)
		mine += slots[i].uid == uc.uid;
	if (nslots >= cfg->o.max_sessions)
		snprintf(text, sizeof(text), "too many sessions (at most %u)",
		    cfg->o.max_sessions);
	else if (mine >= cfg->o.max_per_uid)
		snprintf(text, sizeof(text), "too many sessions for uid %lu (at "
		    "most %u)", (unsigned long)uc.uid, cfg->o.max_per_uid);
	else {
		slots[nslots].uid = uc.uid;
		return 0;
	}
	refuse_here(c, id, &uc, LOG_WARNING, text, text);
	return -1;
}

/*
 * With a rule file or an audit log, SIGHUP reads the one and reopens the
 * other; without either it stops dived, as it always did.
 */
static void
handlers(const struct config *cfg, sigset_t *waitmask)
{
	sigset_t block;

	spawn_signal(SIGTERM, on_stop);
	spawn_signal(SIGINT, on_stop);
	spawn_signal(SIGHUP, cfg->o.policy != NULL || cfg->o.audit_log !=
	    NULL ? on_hup : on_stop);
	spawn_signal(SIGCHLD, on_child);
	spawn_signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGCHLD);
}

/* What monitors start with: dived's own signal state, as it was. */
static void
child_signals(const sigset_t *orig)
{
	spawn_signal(SIGTERM, SIG_DFL);
	spawn_signal(SIGCHLD, SIG_DFL);
	/*
	 * A ^C or hangup on the terminal dived was started from must not
	 * cut sessions off from their programs; SIGTERM still ends them.
	 */
	spawn_signal(SIGPIPE, SIG_IGN);
	spawn_signal(SIGINT, SIG_IGN);
	spawn_signal(SIGHUP, SIG_IGN);
	spawn_signal(SIGQUIT, SIG_IGN);
	sigprocmask(SIG_SETMASK, orig, NULL);
}

/* -F: this process becomes the monitor of the one connection. */
static void __attribute__((noreturn))
serve_here(const struct config *cfg, int ls, int c, const sigset_t *orig)
{
	char id[SESSID_LEN];

	listen_remove();
	close(ls);
	logmsg(LOG_INFO, "-F: serving one connection, no longer listening "
	    "on %s", cfg->o.socket);
	child_signals(orig);
	sessid_format(id, sizeof(id), 1);
	monitor_run(cfg, c, id, -1);
}

/* -D: the monitor, and so the program, leave dived's session. */
static void
own_session(const struct config *cfg, int c, const char *id)
{
	char e[256];

	if (daemon_session(log_to_stderr(), e, sizeof(e)) == 0)
		return;
	if (c == -1) {
		logmsg(LOG_ERR, "spare monitor: %s", e);
		_exit(1);
	}
	logmsg(LOG_ERR, "session %s: %s", id, e);
	proto_send_error(c, DIVE_EXIT_FAILURE, e);
	_exit(1);
}

/*
 * A monitor, with a socket to us.  In the child it returns 0 with *fd its
 * end of the socket, ready to serve connection c (-1 for a spare); in the
 * master the child's pid with *fd our end, or -1 with errno set and *what
 * the step that failed.
 */
static pid_t
fork_monitor(const struct config *cfg, int ls, const sigset_t *orig, int c,
    const char *id, int *fd, const char **what)
{
	pid_t pid;
	int sv[2], e;

	*what = "socketpair";
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	*what = "fork";
	if ((pid = fork()) == -1) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(ls);
		close(sv[0]);
		sockets_forget();
		child_signals(orig);
		if (daemon_forked(log_to_stderr()) == -1) {
			logmsg(LOG_ERR, "monitor: /dev/null: %s",
			    strerror(errno));
			_exit(1);
		}
		notify_fd_forget();
		if (cfg->o.children_daemon)
			own_session(cfg, c, id);
		*fd = sv[1];
		return 0;
	}
	close(sv[1]);
	*fd = sv[0];
	monitor_add(pid, c == -1 ? NULL : id, c == -1 ? 0 : slots[nslots].uid);
	return pid;
}

/*
 * No monitor could be had for the connection (no descriptors, no
 * processes left): the client is told, and the refusal has its record
 * like any other.
 */
static void
refuse_unserved(int c, const char *id, const char *what)
{
	const char *text = "out of resources";
	struct ucred uc = { 0, (uid_t)-1, (gid_t)-1 };
	socklen_t len = sizeof(uc);
	char why[128];

	snprintf(why, sizeof(why), "%s: %s: %s", text, what, strerror(errno));
	(void)getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len);
	refuse_here(c, id, &uc, LOG_ERR, why, text);
	close(c);
}

static void
start_monitor(const struct config *cfg, int ls, int c, const char *id,
    const sigset_t *orig)
{
	const char *what;
	pid_t pid;
	int fd;

	if ((pid = fork_monitor(cfg, ls, orig, c, id, &fd, &what)) == -1) {
		refuse_unserved(c, id, what);
		return;
	}
	if (pid == 0)
		monitor_run(cfg, c, id, fd);
	slots[nslots].pid = pid;
	slots[nslots++].fd = slot_fd(cfg, fd);
	close(c);
}

static void
add_spare(const struct config *cfg, int ls, const sigset_t *orig)
{
	const char *what;
	pid_t pid;
	int fd;

	if ((pid = fork_monitor(cfg, ls, orig, -1, NULL, &fd, &what)) == -1) {
		logmsg(LOG_ERR, "spare monitor: %s: %s", what, strerror(errno));
		spares_hold_back(SPARE_HOLD_NS);
		return;
	}
	if (pid == 0)
		monitor_spare(cfg, fd, 0);
	spares[nspares].pid = pid;
	spares[nspares++].fd = fd;
}

/* Whether spares are held back; if so, *wait is for how long yet. */
static int
spares_held(struct timespec *wait)
{
	long long ns = spares_after - now_ns();

	if (ns <= 0)
		return 0;
	wait->tv_sec = (time_t)(ns / 1000000000LL);
	wait->tv_nsec = (long)(ns % 1000000000LL);
	return 1;
}

/*
 * Spares up to --spares.  While they are held back, the time to wait
 * before the next try; else NULL.
 */
static struct timespec *
add_spares(const struct config *cfg, int ls, const sigset_t *orig,
    struct timespec *wait)
{
	while (nspares < cfg->o.spares) {
		if (spares_held(wait))
			return wait;
		add_spare(cfg, ls, orig);
	}
	return NULL;
}

/*
 * The newest spare takes the connection, and its socket to us becomes
 * the session's; 0 when none could.
 */
static int
hand_off(const struct config *cfg, int c, unsigned long n)
{
	uint64_t v = n;

	while (nspares > 0) {
		struct spare sp = spares[--nspares];

		if (frame_send(sp.fd, MASTER_CLIENT, &v, sizeof(v), &c, 1) ==
		    0) {
			struct monitor *m = monitor_of(sp.pid);

			if (m != NULL) {
				sessid_format(m->id, sizeof(m->id), n);
				m->uid = slots[nslots].uid;
			}
			slots[nslots].pid = sp.pid;
			slots[nslots++].fd = slot_fd(cfg, sp.fd);
			spares_hold_back(SPARE_REFILL_NS);
			return 1;
		}
		/* Gone already; reap() collects it. */
		close(sp.fd);
	}
	return 0;
}

/* Sessions whose monitors said they are over. */
static void
slots_ended(const struct pollfd *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (p[k].revents == 0)
			continue;
		for (size_t i = 0; i < nslots; i++)
			if (slots[i].fd == p[k].fd) {
				slot_end(i);
				break;
			}
	}
}

static void
say_log(const char *msg)
{
	logmsg(LOG_ERR, "%s", msg);
}

/*
 * New sessions get the new rules; running ones keep theirs.  A file with
 * errors changes nothing.
 */
static void
reload(struct config *cfg)
{
	struct ruleset *rs;
	char why[256];

	reloading = 0;
	/* Spares hold the old rules and log: new ones are started. */
	spares_retire(0);
	if (cfg->o.policy != NULL) {
		if ((rs = rulefile_load(cfg->o.policy, cfg, say_log)) == NULL)
			logmsg(LOG_ERR, "%s: errors, the previous rules stay",
			    cfg->o.policy);
		else {
			rules_free(cfg->rules);
			cfg->rules = rs;
			rulefile_publish(cfg);
			logmsg(LOG_INFO, "%s: %zu rules read, sha256 %s",
			    cfg->o.policy, rs->nrules, rs->sum);
			config_rule_warnings(cfg, rs);
		}
	}
	if (cfg->o.audit_log != NULL &&
	    audit_open(cfg->o.audit_log, cfg->audit_fd, why, sizeof(why)) == -1)
		logmsg(LOG_ERR, "--audit-log %s: cannot reopen, writing on to "
		    "the old file: %s", cfg->o.audit_log, why);
}

static void
accept_loop(struct config *cfg, int ls, const sigset_t *waitmask,
    const sigset_t *orig)
{
	unsigned long conns = 0;
	char id[SESSID_LEN];

	while (!stopping) {
		struct timespec wait, *w = NULL;
		size_t n = 1;
		int c;

		/* The last connection's moment, off its path. */
		STAGE_WRITE();
		if (!cfg->o.no_fork)
			w = add_spares(cfg, ls, orig, &wait);
		pfds[0] = (struct pollfd){ ls, POLLIN, 0 };
		for (size_t i = 0; i < nslots; i++)
			if (slots[i].fd != -1)
				pfds[n++] = (struct pollfd){ slots[i].fd, POLLIN,
				    0 };
		if (ppoll(pfds, n, w, waitmask) == -1 && errno != EINTR) {
			/* A detached master has no stderr: the log says why. */
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			exit(1);
		}
		/* Before the socket: a client back at once finds its slot. */
		slots_ended(pfds + 1, n - 1);
		reap();
		if (reloading)
			reload(cfg);
		if (stopping || !(pfds[0].revents & POLLIN))
			continue;
		if ((c = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno != EINTR && errno != EAGAIN &&
			    errno != ECONNABORTED)
				logmsg(LOG_ERR, "accept: %s", strerror(errno));
			continue;
		}
		STAGE(accepted);
		if (cfg->o.no_fork)
			serve_here(cfg, ls, c, orig);
		sessid_format(id, sizeof(id), ++conns);
		if (reserve_slot(cfg, c, id) == -1) {
			close(c);
			continue;
		}
		if (hand_off(cfg, c, conns))
			close(c);
		else
			start_monitor(cfg, ls, c, id, orig);
	}
}

/*
 * dived could not become ready: nothing is left of it, and it says why
 * (on standard error, where the log may go already).
 */
static void __attribute__((noreturn, format(printf, 3, 4)))
not_ready(const struct config *cfg, int ls, const char *fmt, ...)
{
	char why[DIVE_MAX_ERRTEXT + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	listen_remove();
	close(ls);
	pidfiles_remove();
	logmsg(LOG_ERR, "%s: cannot serve, not starting: %s", cfg->o.socket,
	    why);
	/* Not errx: the title has overwritten the name it would print. */
	if (!log_to_stderr())
		dprintf(STDERR_FILENO, "dived: %s: cannot serve, not starting: "
		    "%s\n", cfg->o.socket, why);
	exit(1);
}

/*
 * What a spare started with report says of its start: 1 once its parser
 * is confined; 0 with why it cannot serve; -1 when it said nothing, why
 * then being empty unless it took too long.
 */
static int
spare_word(int fd, char *why, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct frame f;
	int r;

	while ((r = poll(&p, 1, DIVE_START_TIMEOUT * 1000)) == -1 &&
	    errno == EINTR)
		;
	if (r == 0)
		return errbuf(why, len, "its parser was not confined within %d "
		    "seconds", DIVE_START_TIMEOUT);
	if (r == -1 || frame_recv(fd, &f, DIVE_MAX_ERRTEXT, NULL, 0) != 1)
		return -1;
	r = f.type == SPARE_READY ? 1 : 0;
	if (f.type == SPARE_FAILED)
		snprintf(why, len, "%.*s", (int)f.len, f.len > 0 ?
		    (const char *)f.buf : "");
	else if (r == 0)
		snprintf(why, len, "unknown message 0x%x from the spare monitor",
		    f.type);
	frame_free(&f);
	return r;
}

/*
 * Readiness means that a first session can be served: before dived says
 * it listens, a spare's parser has confined itself, and one that cannot
 * stops dived with its reason.  The spare stays the first of --spares;
 * with none, or with -F, it has shown what it had to and is retired.
 */
static void
first_spare(const struct config *cfg, int ls, const sigset_t *orig)
{
	char why[DIVE_MAX_ERRTEXT + 64] = "";
	const char *what;
	pid_t pid;
	int fd, r, st = 0;

	if ((pid = fork_monitor(cfg, ls, orig, -1, NULL, &fd, &what)) == -1)
		not_ready(cfg, ls, "spare monitor: %s: %s", what,
		    strerror(errno));
	if (pid == 0)
		monitor_spare(cfg, fd, 1);
	if ((r = spare_word(fd, why, sizeof(why))) == 1 &&
	    cfg->o.spares > 0 && !cfg->o.no_fork) {
		spares[nspares].pid = pid;
		spares[nspares++].fd = fd;
		return;
	}
	/* At the end of its socket it stops its parser and exits. */
	close(fd);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	monitor_forget(pid);
	if (r == 1)
		return;
	if (why[0] == '\0')
		snprintf(why, sizeof(why), "the spare monitor ended before its "
		    "parser was confined (%s %d)", WIFSIGNALED(st) ? "signal" :
		    "status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	not_ready(cfg, ls, "%s", why);
}

void
master_run(struct config *cfg)
{
	sigset_t waitmask, orig;
	char e[512];
	int ls;

	if (cfg->o.detach)
		daemon_detach();
	STAGE_OPEN();
	sessid_start();
	/* Blocked until the first poll: a stop signal finds all in place. */
	handlers(cfg, &waitmask);
	sigprocmask(SIG_SETMASK, NULL, &orig);
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGHUP);
	sigdelset(&orig, SIGCHLD);
	if ((slots = calloc(cfg->o.max_sessions, sizeof(*slots))) == NULL ||
	    (pfds = calloc((size_t)cfg->o.max_sessions + 1, sizeof(*pfds))) ==
	    NULL)
		err(1, "out of memory");
	if (cfg->rules != NULL && rulefile_share(cfg) == -1)
		err(1, "mmap");
	/*
	 * What a monitor leaves when it is killed comes to us, to be killed
	 * in turn.  Not with -w, where the program is the monitor and what
	 * it leaves on its end is its own, as in dive 1.x.
	 */
	if (!cfg->o.no_wait && !cfg->o.no_fork)
		adopting = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
	if (pidfiles_check(&cfg->o, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	ls = listen_socket(cfg);
	if (pidfiles_write(&cfg->o, e, sizeof(e)) == -1) {
		listen_remove();
		errx(1, "%s", e);
	}
	title_set("master %s", cfg->o.socket);
	/* After the pidfiles: a cgroup one takes the spare along. */
	first_spare(cfg, ls, &orig);
	if (cfg->passed.fd != -1)
		logmsg(LOG_INFO, "listening on %s (passed by the service "
		    "manager%s%s)", cfg->o.socket, cfg->passed.name[0] ?
		    " as " : "", cfg->passed.name);
	else
		logmsg(LOG_INFO, "listening on %s", cfg->o.socket);
	daemon_ready(log_to_stderr());
	notify_ready(cfg->o.socket);
	accept_loop(cfg, ls, &waitmask, &orig);
	logmsg(LOG_INFO, "stopping on signal %d", (int)stopping);
	notify_stopping((int)stopping);
	/*
	 * No new client finds the socket while the spares end.  It is
	 * removed before it is closed: the listening socket holds the
	 * file's inode, which names it, so that no newer file has it yet.
	 */
	listen_remove();
	close(ls);
	spares_retire(1);
	pidfiles_remove();
	exit(0);
}
