/*
 * The per-connection monitor.  It holds the client socket but never reads
 * it: the parser does.  It takes the peer's identity from SO_PEERCRED,
 * decodes the parser's spawn request with its own checks, decides, starts
 * the program, waits for it and reports its end.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif

#include "dived.h"
#include "audit.h"
#include "bounds.h"
#include "log.h"
#include "title.h"
#include "policy.h"
#include "privsep.h"
#include "proto.h"
#include "pty.h"
#include "rulefile.h"
#include "ns.h"
#include "root.h"
#include "rlimits.h"
#include "sandbox.h"
#include "sessid.h"
#include "spawn.h"
#include "testhook.h"
#include "wire.h"

extern char **environ;

/* The program's stack until its exec, when it shares our memory. */
#define PROGRAM_STACK	(1024 * 1024)
#if defined(DIVE_VALGRIND) || defined(DIVE_SANITIZE)
/* Neither follows a process on a stack it was not told of: they fork. */
#define SHARE_MEMORY	0
#else
#define SHARE_MEMORY	1
#endif

/* The client's groups that fit in its session; more are allocated. */
#define PEER_GROUPS_ROOM	64

struct session {
	const struct config	*cfg;
	char			 id[SESSID_LEN];
	int			 client;
	int			 greeted;	/* our HELLO is sent */
	int			 master;	/* closed when the session ends */
	int			 report;	/* a spare's start, to the master */
	int			 ps;		/* parser socket */
	pid_t			 parser;
	struct peer		 peer;
	struct spawn_req	 req;
	struct decision		 dec;
	pid_t			 pid;		/* the program, or --init's reaper */
	struct ns_maps		 maps;		/* of a new user namespace */
	int			 pidfd;
	pid_t			 progpid;	/* --init: the reaper's child... */
	int			 progfd;	/* ...and its pidfd, else -1 */
	int			 peerfd;	/* pins the client, or -1 */
	int			 chldfd;	/* SIGCHLD, once the program runs */
	const struct ruleset	*rules;		/* that decided, or NULL */
	struct timespec		 t0;
	const char		*verdict;	/* for the log: refused, failed */
	const char		*ended_by;	/* time-limit, client-gone */
	gid_t			 groups[PEER_GROUPS_ROOM];
	struct stat		 own[3];	/* client, both parser sockets */
	int			 dirfd;		/* whose path dir holds */
	char			 dir[4096];	/* for the log, "" if unknown */
};

/*
 * The path of the program's directory (a descriptor, or AT_FDCWD for
 * dived's), for the log and the audit records: looked up once.
 */
static const char *
dir_path(struct session *s, int fd)
{
	if (fd != s->dirfd || s->dir[0] == '\0') {
		s->dirfd = fd;
		if (audit_dir(fd, s->dir, sizeof(s->dir)) == -1)
			s->dir[0] = '\0';
	}
	return s->dir[0] != '\0' ? s->dir : NULL;
}

/* waitpid for one child, through interruptions; -1 on a real error. */
/*
 * The directory the program starts in, for the log and the record: -h,
 * the top of a root it is confined to, dived's (-H) or the client's.
 * Before a decision, the client's.
 */
static const char *
program_dir(struct session *s)
{
	if (s->cfg->o.chdir != NULL)
		return s->cfg->o.chdir;
	if (s->dec.confined)
		return "/";
	return dir_path(s, s->dec.argv == NULL || s->dec.client_cwd ?
	    s->req.cwdfd : AT_FDCWD);
}

static int
wait_child(pid_t pid, int *st)
{
	while (waitpid(pid, st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void
stop_parser(struct session *s)
{
	if (s->parser > 0) {
#ifdef DIVE_VALGRIND
		/* SIGKILL would take valgrind's report on the parser with it. */
		kill(s->parser, SIGTERM);
#else
		kill(s->parser, SIGKILL);
#endif
		wait_child(s->parser, NULL);
		s->parser = 0;
	}
}

/*
 * One audit record: event "decision" (allowed or denied) or "end"
 * (exited, signaled, or failed during setup), with what is known so far.
 */
static int
record(struct session *s, const char *event, const char *outcome,
    const char *reason, int st)
{
	struct audit_rec a;
	struct timespec t1;

	memset(&a, 0, sizeof(a));
	a.event = event;
	a.outcome = outcome;
	a.reason = reason;
	a.session = s->id;
	a.peer = &s->peer;
	a.policy = s->cfg->o.policy;
	a.rule = s->dec.rule != NULL ? s->dec.rule->line : 0;
	a.rules_sum = s->rules != NULL ? s->rules->sum : NULL;
	a.dec = s->dec.argv != NULL ? &s->dec : NULL;
	a.argv = s->dec.argv != NULL ? (const char *const *)s->dec.argv :
	    s->req.argv;
	a.envp = s->dec.envp != NULL ? (const char *const *)s->dec.envp :
	    s->req.envp;
	a.cwd = program_dir(s);
	a.pid = s->pid;
	/* Every end record has them; a program that never ran, null. */
	if (strcmp(event, "end") == 0) {
		int ran = strcmp(outcome, "exited") == 0 ||
		    strcmp(outcome, "signaled") == 0;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		a.ended = 1;
		a.exit_code = ran && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		a.signal = ran && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		if (s->t0.tv_sec != 0 || s->t0.tv_nsec != 0)
			a.duration = (double)(t1.tv_sec - s->t0.tv_sec) +
			    (double)(t1.tv_nsec - s->t0.tv_nsec) / 1e9;
		a.ended_by = s->ended_by;
	}
	return audit_write(&a);
}

/*
 * The master's slot for this session is free from here: the client may
 * connect again as soon as it hears the end.
 */
static void
session_over(struct session *s)
{
	if (s->master != -1)
		close(s->master);
	s->master = -1;
}

/* Our HELLO, unless it went already: it comes before any other answer. */
static int
greet(struct session *s)
{
	if (s->greeted)
		return 0;
	s->greeted = 1;
	return proto_send_hello(s->client, pty_hello_flags(s->cfg));
}

/*
 * Whether the client has sent more than its HELLO: one that waits for
 * ours before its request cannot have.  Such a client gets our HELLO with
 * the first answer, and is not woken for the greeting alone.  Only the
 * count of bytes waiting is asked; the parser reads them.
 */
static int
client_ahead(int client)
{
	int n;

	return ioctl(client, SIOCINQ, &n) == 0 && n > PROTO_HELLO_LEN;
}

static void __attribute__((noreturn, format(printf, 3, 4)))
refuse(struct session *s, uint32_t status, const char *fmt, ...)
{
	char text[DIVE_MAX_ERRTEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (s->client == -1) {
		/*
		 * A spare, before any client: nobody to refuse, no decision.
		 * The master, waiting for its start, says why itself.
		 */
		if (s->report == -1)
			logmsg(LOG_ERR, "spare monitor: %s", text);
		else
			(void)frame_send(s->report, SPARE_FAILED, text,
			    strlen(text), NULL, 0);
		stop_parser(s);
		_exit(1);
	}
	if (strcmp(s->verdict, "failed") == 0)
		record(s, "end", "failed", text, 0);
	else
		record(s, "decision", "denied", text, 0);
	logmsg(LOG_WARNING, "session %s: peer pid %ld uid %lu gid %lu: "
	    "%s: %s", s->id, (long)s->peer.pid,
	    (unsigned long)s->peer.uid, (unsigned long)s->peer.gid,
	    s->verdict, text);
	session_over(s);
	(void)greet(s);
	proto_send_error(s->client, status, text);
	stop_parser(s);
	_exit(1);
}

/*
 * The client pinned by a pidfd (SO_PEERPIDFD, Linux 6.5 and later), and
 * its pid read through the pin: a pid the client left behind, which the
 * kernel may have given to another process, is never taken for the
 * client's.  0 when the client has already ended; SO_PEERCRED's pid, for
 * the log only, where the kernel has no SO_PEERPIDFD.
 */
static pid_t
peer_pin(struct session *s, pid_t cred)
{
	socklen_t len = sizeof(s->peerfd);
	pid_t pid;

	if (getsockopt(s->client, SOL_SOCKET, SO_PEERPIDFD, &s->peerfd,
	    &len) == -1 || len != sizeof(s->peerfd)) {
		if (errno != ENOPROTOOPT)
			logmsg(LOG_WARNING, "session %s: SO_PEERPIDFD: %s",
			    s->id, strerror(errno));
		s->peerfd = -1;
		return cred;
	}
	if (fcntl(s->peerfd, F_SETFD, FD_CLOEXEC) == -1) {
		logmsg(LOG_ERR, "session %s: the client's pidfd: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	return (pid = spawn_pidfd_pid(s->peerfd)) == -1 ? 0 : pid;
}

static void
peer_credentials(struct session *s)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	gid_t *g = s->groups;
	int r;

	if (getsockopt(s->client, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    len != sizeof(uc)) {
		logmsg(LOG_ERR, "session %s: SO_PEERCRED: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	s->peer.pid = peer_pin(s, uc.pid);
	s->peer.uid = uc.uid;
	s->peer.gid = uc.gid;
	/*
	 * The groups the client had when it connected, for group rules.
	 * Most fit in the session; for more the kernel says the room.
	 */
	len = sizeof(s->groups);
	r = getsockopt(s->client, SOL_SOCKET, SO_PEERGROUPS, g, &len);
	if (r == -1 && errno == ERANGE) {
		if (len > DIVE_MAX_PEERGROUPS * sizeof(gid_t))
			errno = E2BIG;
		else if ((g = malloc(len)) != NULL)
			r = getsockopt(s->client, SOL_SOCKET, SO_PEERGROUPS,
			    g, &len);
	}
	if (r == -1) {
		logmsg(LOG_ERR, "session %s: SO_PEERGROUPS: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	s->peer.groups = g;
	s->peer.ngroups = (int)(len / sizeof(gid_t));
}

static void
peer_name(struct session *s)
{
	struct passwd *pw;

	if ((pw = getpwuid(s->peer.uid)) != NULL &&
	    (s->peer.name = strdup(pw->pw_name)) == NULL) {
		logmsg(LOG_ERR, "session %s: out of memory", s->id);
		_exit(1);
	}
}

/* Room for the client's descriptors, up to the highest number allowed. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_max < DIVE_MAX_FDNUM + 64) {
		struct rlimit want = { DIVE_MAX_FDNUM + 64, DIVE_MAX_FDNUM + 64 };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * The parser program confines itself before any client exists; the
 * client's connection follows in give_client.
 */
static void
start_parser(struct session *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "socketpair: %s", strerror(errno));
	if (fstat(sv[0], &s->own[1]) == -1 || fstat(sv[1], &s->own[2]) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fstat: %s", strerror(errno));
	if ((s->parser = sandbox_start(&s->cfg->ps, sv[1],
	    s->cfg->o.request_timeout)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "parser: %s", strerror(errno));
	close(sv[1]);
	s->ps = sv[0];
}

/*
 * A parser that failed to confine itself has said why on its socket, and
 * read_request reports it: a failed send here is not an error of its own.
 */
static void
give_client(struct session *s)
{
	uint32_t uid = s->peer.uid;

	if (fstat(s->client, &s->own[0]) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fstat: %s", strerror(errno));
	(void)frame_send(s->ps, PS_CLIENT, &uid, sizeof(uid), &s->client, 1);
}

/*
 * The parser went away, or is stuck, before its request: say why.  A
 * parser that closed its socket has exited or is exiting; a stuck one is
 * killed first.
 */
static void __attribute__((noreturn))
parser_lost(struct session *s, const char *how, int stuck)
{
	int st;
	pid_t p = s->parser;

	s->parser = 0;
	if (stuck)
		kill(p, SIGKILL);
	if (wait_child(p, &st) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "request parser lost: %s", how);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		refuse(s, DIVE_EXIT_FAILURE, "no complete request within %u "
		    "seconds", s->cfg->o.request_timeout);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		refuse(s, DIVE_EXIT_FAILURE, "request parser killed by its "
		    "seccomp filter");
	if (WIFSIGNALED(st) && !stuck)
		refuse(s, DIVE_EXIT_FAILURE, "request parser killed by signal "
		    "%d", WTERMSIG(st));
	refuse(s, DIVE_EXIT_FAILURE, "request parser failed: %s", how);
}

/* A refusal the parser reported: its text is escaped, never trusted. */
static void __attribute__((noreturn))
parser_refused(struct session *s, const struct frame *f)
{
	char raw[DIVE_MAX_ERRTEXT], text[DIVE_MAX_ERRTEXT * 4 + 1];
	uint32_t status;

	if (ps_take_fail(f->buf, f->len, &status, raw, sizeof(raw)) == -1)
		parser_lost(s, "malformed refusal", 1);
	strvis(text, raw, VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL);
	refuse(s, status, "%s", text);
}

/*
 * A parser can only pass on what the client sent, and what it holds
 * itself: the client's connection and its socket to us, which are
 * dived's and must never reach a program.
 */
static int
is_own(const struct session *s, int fd)
{
	struct stat st;

	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == -1)
		return 1;
	for (size_t i = 0; i < sizeof(s->own) / sizeof(s->own[0]); i++)
		if (st.st_dev == s->own[i].st_dev &&
		    st.st_ino == s->own[i].st_ino)
			return 1;
	return 0;
}

static void
refuse_own_fds(struct session *s)
{
	const struct spawn_req *r = &s->req;
	int bad = is_own(s, r->cwdfd) || is_own(s, r->rootfd) ||
	    is_own(s, r->ttyfd);

	for (size_t i = 0; !bad && i < r->nfds; i++)
		bad = is_own(s, r->fds[i]);
	if (bad)
		refuse(s, DIVE_EXIT_FAILURE, "bad request from parser: one of "
		    "dived's own descriptors");
}

static void
read_request(struct session *s)
{
	int timeout = (int)(s->cfg->o.request_timeout + 5) * 1000;
	int fds[DIVE_FD_BATCH];
	const char *why;

	for (;;) {
		struct pollfd p = { s->ps, POLLIN, 0 };
		struct frame f;
		int r;

		if ((r = poll(&p, 1, timeout)) == 0)
			parser_lost(s, "deadline passed", 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			parser_lost(s, strerror(errno), 1);
		}
		r = frame_recv(s->ps, &f, DIVE_MAX_MSG, fds, DIVE_FD_BATCH);
		if (r == 0)
			parser_lost(s, "closed its socket", 0);
		if (r == -1)
			parser_lost(s, strerror(errno), 1);
		switch (f.type) {
		case PS_CONFINED:
			/* Before the client came: the parser is ready. */
			frame_free(&f);
			break;
		case PS_FDS:
			if (ps_take_fds(&s->req, f.buf, f.len, f.fds, f.nfds,
			    &why) == -1)
				refuse(s, DIVE_EXIT_FAILURE, "bad request from "
				    "parser: %s", why);
			frame_free(&f);
			break;
		case PS_SPAWN:
			/* The buffer now belongs to the request. */
			if (ps_take_spawn(&s->req, f.buf, f.len, f.fds, f.nfds,
			    &why) == -1)
				refuse(s, DIVE_EXIT_FAILURE, "bad request from "
				    "parser: %s", why);
			refuse_own_fds(s);
			return;
		case PS_FAIL:
			close_fds(f.fds, f.nfds);
			parser_refused(s, &f);
		default:
			close_fds(f.fds, f.nfds);
			refuse(s, DIVE_EXIT_FAILURE, "bad request from parser: "
			    "unknown message");
		}
	}
}

/*
 * A program confined to a root, by a rule or to the client's, gets no
 * descriptor that leads out of it.
 */
static void
refuse_ways_out(struct session *s)
{
	const struct spawn_req *r = &s->req;
	const char *what;

	for (size_t i = 0; s->dec.client_fds && i < r->nfds; i++)
		if ((r->targets[i] <= 2 || !s->dec.std_fds_only) &&
		    (what = root_way_out(r->fds[i])) != NULL)
			refuse(s, DIVE_EXIT_FAILURE, "descriptor %u is %s, "
			    "which leads out of the program's root: close it "
			    "or pass another", r->targets[i], what);
}

static void
decide(struct session *s)
{
	struct baseline b;
	char why[256], argv[2048], cwd[1100], euids[32];
	const char *dir;
	uid_t uid, euid;

	baseline_from(s->cfg, &b);
	s->rules = s->cfg->rules;
	if (s->rules != NULL && rulefile_in_force(s->cfg, &s->rules, why,
	    sizeof(why)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", why);
	b.rules = s->rules;
	/* DIVE_PID and the records name the client only while it lives. */
	if (s->peerfd != -1 && spawn_pidfd_pid(s->peerfd) != s->peer.pid)
		s->peer.pid = 0;
	if (policy_decide(&b, &s->peer, s->req.argv, s->req.head.argc,
	    s->req.envp, s->req.head.envc, &s->dec, why, sizeof(why)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", why);
	/* Only a waiting monitor can keep a rule's controls. */
	if (s->cfg->o.no_wait && (s->dec.time_limit || s->dec.die_with_client))
		refuse(s, DIVE_EXIT_FAILURE, "the rule at line %d sets a time "
		    "limit or die-with-client, which -w cannot keep",
		    s->dec.rule != NULL ? s->dec.rule->line : 0);
	if (s->dec.confined)
		refuse_ways_out(s);
	log_quotev((const char *const *)s->dec.argv, argv, sizeof(argv));
	/* The directory the program will start in: -h, dived's, or the client's. */
	if ((dir = program_dir(s)) != NULL)
		log_quote(dir, cwd, sizeof(cwd));
	else
		snprintf(cwd, sizeof(cwd), "-");
	uid = s->dec.setids ? s->dec.uid : getuid();
	euid = s->dec.setids ? s->dec.euid : geteuid();
	snprintf(euids, sizeof(euids), " euid %lu", (unsigned long)euid);
	logmsg(LOG_INFO, "session %s: peer pid %ld uid %lu gid %lu user %s: "
	    "allowed: run %s as uid %lu%s gid %lu cwd %s", s->id,
	    (long)s->peer.pid, (unsigned long)s->peer.uid,
	    (unsigned long)s->peer.gid, s->peer.name ? s->peer.name : "-",
	    argv, (unsigned long)uid, uid != euid ? euids : "",
	    (unsigned long)(s->dec.setids ? s->dec.gid : getgid()), cwd);
	/* Nothing runs without its record. */
	if (record(s, "decision", "allowed", NULL, 0) == -1) {
		s->verdict = "refused";
		refuse(s, DIVE_EXIT_FAILURE, "the audit log cannot be written");
	}
}

/*
 * The maps of a new user namespace.  Falling back to id 0 inside is for
 * checked maps and root clients only (ns_inside).
 */
static void
plan_namespaces(struct session *s, struct launch *l)
{
	const struct isolation *iso = &s->dec.iso;
	char err[DIVE_MAX_ERRTEXT];

	if (!(iso->unshare & CLONE_NEWUSER))
		return;
	if (ns_plan_maps(iso, &s->peer, &s->dec, s->cfg->o.no_wait,
	    &s->maps, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	l->maps = &s->maps;
	l->zero_ok = s->peer.uid == 0 || iso->uidgidmap || iso->uidmap_set ||
	    iso->gidmap_set;
}

static void
prepare_launch(struct session *s, struct launch *l)
{
	char err[DIVE_MAX_ERRTEXT];

	memset(l, 0, sizeof(*l));
	l->procfd = -1;
	if (ns_needs_proc(&s->dec.iso) && ((l->procfd = open("/proc", O_PATH |
	    O_DIRECTORY | O_CLOEXEC)) == -1 || ns_user_ident(l->procfd,
	    &l->userns) == -1))
		refuse(s, DIVE_EXIT_FAILURE, "/proc/self/ns/user: %s",
		    strerror(errno));
	l->d = &s->dec;
	l->r = &s->req;
	l->cfg = s->cfg;
	l->nofile = s->cfg->nofile;
	l->replyfd = -1;
	l->nullfd = -1;
	l->initfd = -1;
	if (s->dec.other_user && s->dec.client_fds &&
	    spawn_null(&s->req, &l->nullfd) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "/dev/null: %s", strerror(errno));
	/* The client waits for this descriptor's last holder to go. */
	l->holdfd = s->req.head.waitmode == WAIT_HOLDERS || s->cfg->o.no_wait ?
	    s->client : -1;
	if (groups_of(&s->dec, (gid_t **)&l->groups, &l->ngroups) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "groups of %s: too many or out "
		    "of memory", s->dec.user);
	plan_namespaces(s, l);
	l->steal_tty = spawn_may_steal_tty(s->req.ttyfd, s->peerfd,
	    s->peer.uid);
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

/* The authentication command's process: the client's 0-2, DIVE_* set. */
static void __attribute__((noreturn))
run_authenticator(struct session *s, const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)(uintptr_t)cmd, NULL };
	struct decision d;
	size_t n = 0, i;
	int fd, std[3] = { -1, -1, -1 };

	/*
	 * Not the monitor's ignored terminal signals, nor any dived was
	 * started with: a ^C must end it.
	 */
	spawn_reset_signals();
	for (i = 0; i < s->req.nfds; i++)
		if (s->req.targets[i] <= 2)
			std[s->req.targets[i]] = fcntl(s->req.fds[i],
			    F_DUPFD_CLOEXEC, 3);
	for (fd = 0; fd <= 2; fd++)
		if (s->req.head.pty & (1u << fd))
			std[fd] = fcntl(s->req.ptyfd, F_DUPFD_CLOEXEC, 3);
	for (fd = 0; fd <= 2; fd++)
		if (std[fd] == -1)
			std[fd] = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (fd = 0; fd <= 2; fd++)
		if (std[fd] == -1 || dup2(std[fd], fd) == -1)
			_exit(DIVE_EXIT_FAILURE);
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	while (environ[n] != NULL)
		n++;
	memset(&d, 0, sizeof(d));
	if (policy_env(&s->peer, (const char *const *)environ, n, &d) == -1)
		_exit(DIVE_EXIT_FAILURE);
	execve("/bin/sh", argv, d.envp);
	_exit(DIVE_EXIT_NOTFOUND);
}

/*
 * -a: a shell command, as dived's user, with the client's 0-2 and the
 * DIVE_* variables; anything but exit status 0 turns the client away.
 */
static void
authenticate(struct session *s)
{
	const char *cmd = s->cfg->o.authenticate;
	pid_t pid;
	int st;

	if (cmd == NULL)
		return;
	if ((pid = fork()) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fork: %s", strerror(errno));
	if (pid == 0)
		run_authenticator(s, cmd);
	if (wait_child(pid, &st) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFSIGNALED(st))
		refuse(s, DIVE_EXIT_FAILURE, "authentication failed (killed by "
		    "signal %d)", WTERMSIG(st));
	refuse(s, DIVE_EXIT_FAILURE, "authentication failed (status %d)",
	    WEXITSTATUS(st));
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
 * The socket's pseudo-terminal rule, before anything runs for the client;
 * then the pseudo-terminal, whose master goes to the client at once, so
 * that the -a command can already talk to the caller through it.
 */
static void
terminal(struct session *s)
{
	char err[DIVE_MAX_ERRTEXT];
	int master;

	if (pty_check(s->cfg, &s->req, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	s->verdict = "failed";
	if (pty_make(&s->req, &master, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	s->verdict = "refused";
	if (master != -1) {
		(void)greet(s);
		proto_send_pty(s->client, s->req.head.pty, master);
		close(master);
	}
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
	    (s->progpid = spawn_pidfd_pid(f.fds[0])) > 0)
		s->progfd = f.fds[0];
	else
		close_fds(f.fds, f.nfds);
	frame_free(&f);
}

static void
launch(struct session *s)
{
	struct launch l;
	struct launch_error e;
	int pipefd[2], init[2] = { -1, -1 };
	ssize_t n;

	s->verdict = "failed";
	prepare_launch(s, &l);
	client_still_there(s);
	if (s->cfg->o.no_wait)
		exec_in_place(s, &l);
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
	groups_free(&s->dec, l.groups);
	if (l.nullfd != -1)
		close(l.nullfd);
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

/*
 * -n and --signals-pgid: a signal from the client for the program.  The
 * pidfd names exactly our child, never a process that reused its pid; the
 * group is safe too, as its leader is not reaped while we still read.
 * Under --init the program's own pidfd names it as exactly, though the
 * reaper reaps it; so a group is left to the reaper, which passes the
 * signal on to the program's group only while the program is unreaped.
 */
static void
deliver(struct session *s, uint32_t sig)
{
	int prog = s->cfg->o.signals == SIGNALS_PID && s->progfd != -1;
	pid_t pid = prog ? s->progpid : s->pid;
	int r;

	if (sig == 0 || sig > DIVE_MAX_SIGNAL) {
		logmsg(LOG_WARNING, "session %s: invalid signal %u from the "
		    "parser", s->id, sig);
		return;
	}
	switch (s->cfg->o.signals) {
	case SIGNALS_PID:
		r = (int)syscall(SYS_pidfd_send_signal, prog ? s->progfd :
		    s->pidfd, (int)sig, NULL, 0);
		break;
	case SIGNALS_PGID:
		r = kill(-s->pid, (int)sig);
		break;
	default:
		logmsg(LOG_NOTICE, "session %s: signal %u from the client "
		    "ignored: signals over the socket are not enabled", s->id,
		    sig);
		return;
	}
	if (r == -1)
		logmsg(LOG_NOTICE, "session %s: signal %u to pid %ld: %s",
		    s->id, sig, (long)pid, strerror(errno));
	else
		logmsg(LOG_INFO, "session %s: signal %u delivered to %s %ld",
		    s->id, sig, s->cfg->o.signals == SIGNALS_PGID ? "group" :
		    "pid", (long)pid);
}

/* After the start the parser passes on signals, or a protocol error. */
static void
parser_message(struct session *s)
{
	char raw[DIVE_MAX_ERRTEXT];
	struct frame f;
	uint32_t sig, status;

	if (frame_recv(s->ps, &f, DIVE_MAX_ERRTEXT + 4, NULL, 0) != 1) {
		close(s->ps);
		s->ps = -1;
		return;
	}
	if (f.type == PS_SIGNAL && proto_decode_u32(f.buf, f.len, &sig) == 0)
		deliver(s, sig);
	else if (f.type == PS_FAIL &&
	    ps_take_fail(f.buf, f.len, &status, raw, sizeof(raw)) == 0) {
		char q[DIVE_MAX_ERRTEXT * 4 + 8];

		log_quote(raw, q, sizeof(q));
		logmsg(LOG_WARNING, "session %s: client error after the "
		    "start: %s", s->id, q);
	} else
		logmsg(LOG_WARNING, "session %s: malformed message from the "
		    "parser after the start", s->id);
	frame_free(&f);
}

/* The program, and its group when it leads one. */
static void
end_program(struct session *s, int sig)
{
	syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0);
	if (getpgid(s->pid) == s->pid)
		kill(-s->pid, sig);
}

/*
 * Milliseconds until the next step of the time limit: SIGTERM when it is
 * reached, SIGKILL DIVE_KILL_GRACE seconds later; -1 without a limit.
 */
static int
time_step(struct session *s, int *killed)
{
	struct timespec now;
	long long ms, due;

	if (s->dec.time_limit == 0 || *killed == 2)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->t0.tv_sec) * 1000LL +
	    (now.tv_nsec - s->t0.tv_nsec) / 1000000;
	due = (long long)s->dec.time_limit * 1000 +
	    (*killed ? DIVE_KILL_GRACE * 1000LL : 0);
	if (ms < due)
		return due - ms > INT32_MAX ? INT32_MAX : (int)(due - ms);
	if (*killed == 0)
		logmsg(LOG_NOTICE, "session %s: pid %ld: time limit of %u "
		    "seconds reached", s->id, (long)s->pid, s->dec.time_limit);
	s->ended_by = "time-limit";
	end_program(s, *killed ? SIGKILL : SIGTERM);
	(*killed)++;
	return time_step(s, killed);
}

/* --die-with-client: a client that hung up takes its program along. */
static void
client_gone(struct session *s, int *watch)
{
	logmsg(LOG_NOTICE, "session %s: client gone, killing pid %ld",
	    s->id, (long)s->pid);
	s->ended_by = "client-gone";
	end_program(s, SIGKILL);
	*watch = 0;
}

static void
drain(int fd)
{
	struct signalfd_siginfo si;

	while (fd != -1 && read(fd, &si, sizeof(si)) > 0)
		;
}

/*
 * Calls f for each child of the monitor but the parser and, while it is
 * not reaped, the program's first process: those the program left.  The
 * pids are our children until we reap them, so they name no other
 * process.  The number of them, or -1 when /proc cannot tell.
 */
static int
each_leftover(struct session *s, void (*f)(pid_t, int), int arg)
{
	char path[64], buf[8192], *p, *end;
	ssize_t n;
	int fd, count = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)getpid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; *p != '\0'; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid <= 0 || pid == s->parser || pid == s->pid)
			continue;
		count++;
		if (f != NULL)
			f((pid_t)pid, arg);
	}
	return count;
}

static void
reap_one(pid_t pid, int unused)
{
	(void)unused;
	waitpid(pid, NULL, WNOHANG);
}

static void
signal_one(pid_t pid, int sig)
{
	kill(pid, sig);
}

static int
await_program(struct session *s)
{
	int st, killed = 0, watch = s->dec.die_with_client;

	for (;;) {
		struct pollfd p[4] = {
			{ s->pidfd, POLLIN, 0 }, { s->ps, POLLIN, 0 },
			{ watch ? s->client : -1, 0, 0 },
			{ s->chldfd, POLLIN, 0 },
		};

		if (s->pidfd == -1)
			break;
		if (poll(p, 4, time_step(s, &killed)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents)
			parser_message(s);
		if (p[2].revents & (POLLHUP | POLLERR))
			client_gone(s, &watch);
		/* What the program left and has ended: no zombie waits. */
		if (p[3].revents) {
			drain(s->chldfd);
			each_leftover(s, reap_one, 0);
		}
	}
	return wait_child(s->pid, &st) == -1 ? 0 : st;
}

/*
 * The program's first process has ended, and others it started live on:
 * the session goes on, holding its place under --max-per-uid, until the
 * last of them ends, and its time limit and --die-with-client apply to
 * them: SIGTERM to each at the limit, SIGKILL after the grace, and
 * SIGKILL when the client goes.  Only the parser is gone by now, so every
 * child is the program's.
 */
static void
linger(struct session *s)
{
	long long limit = (long long)s->dec.time_limit * 1000, ms;
	int watch = s->dec.die_with_client, stage = 0, timeout;
	struct timespec now;
	pid_t pid;

	logmsg(LOG_INFO, "session %s: processes the program started live "
	    "on; the session ends with the last of them", s->id);
	s->pid = 0;
	for (;;) {
		struct pollfd p[2] = {
			{ s->chldfd, POLLIN, 0 },
			{ watch ? s->client : -1, POLLRDHUP, 0 },
		};

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid == -1 && errno != EINTR)
			break;
		timeout = s->chldfd == -1 ? 200 : -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - s->t0.tv_sec) * 1000LL +
		    (now.tv_nsec - s->t0.tv_nsec) / 1000000;
		if (limit > 0 && stage == 0 && ms >= limit) {
			logmsg(LOG_NOTICE, "session %s: time limit: ending what "
			    "the program left", s->id);
			each_leftover(s, signal_one, SIGTERM);
			stage = 1;
		}
		if (limit > 0 && stage == 1 &&
		    ms >= limit + DIVE_KILL_GRACE * 1000LL)
			stage = 2;
		if (limit > 0 && stage < 2) {
			long long due = limit + (stage ? DIVE_KILL_GRACE *
			    1000LL : 0) - ms;

			timeout = due > INT32_MAX ? INT32_MAX : (int)due;
		}
		/* Each round: what a killed process left is ours next. */
		if (stage == 2) {
			each_leftover(s, signal_one, SIGKILL);
			timeout = 100;
		}
		if (poll(p, 2, timeout) == -1 && errno != EINTR)
			break;
		drain(s->chldfd);
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			logmsg(LOG_NOTICE, "session %s: client gone: killing "
			    "what the program left", s->id);
			watch = 0;
			stage = 2;
		}
	}
	logmsg(LOG_INFO, "session %s: the last of the program's processes "
	    "has ended", s->id);
}

static void __attribute__((noreturn))
finish(struct session *s, int st)
{
	struct timespec t1;
	double secs;
	int left;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - s->t0.tv_sec) +
	    (double)(t1.tv_nsec - s->t0.tv_nsec) / 1e9;
	/*
	 * The record is written before the client hears the end.  The
	 * parser is killed and reaped after: the client does not wait for
	 * it, nor for its exit, which on this processor would come first.
	 */
	record(s, "end", WIFSIGNALED(st) ? "signaled" : "exited", NULL, st);
	/* With processes left, the session holds its place until they end. */
	if ((left = each_leftover(s, NULL, 0)) == 0)
		session_over(s);
	if (WIFSIGNALED(st)) {
		logmsg(LOG_INFO, "session %s: pid %ld killed by signal %d "
		    "after %.3fs", s->id, (long)s->pid, WTERMSIG(st), secs);
		proto_send_u32x2(s->client, MSG_EXIT, EXIT_SIGNALED,
		    (uint32_t)WTERMSIG(st));
	} else {
		logmsg(LOG_INFO, "session %s: pid %ld exited with status %d "
		    "after %.3fs", s->id, (long)s->pid, WEXITSTATUS(st), secs);
		proto_send_u32x2(s->client, MSG_EXIT, EXIT_EXITED,
		    (uint32_t)WEXITSTATUS(st));
	}
	stop_parser(s);
	if (left != 0) {
		linger(s);
		session_over(s);
	}
	_exit(0);
}

static void
init_session(struct session *s, const struct config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->client = s->master = s->report = s->ps = s->pidfd = s->peerfd = -1;
	s->chldfd = -1;
	s->progfd = -1;
	s->verdict = "refused";
	spawn_req_init(&s->req);
}

/* The connection, and who is at its other end. */
static void
identify(struct session *s, int client, const char *id)
{
	s->client = client;
	strlcpy(s->id, id, sizeof(s->id));
	peer_credentials(s);
	title_set("monitor [uid %lu]", (unsigned long)s->peer.uid);
}

/*
 * What needs no client: the parser, and room for descriptors.  A spare
 * does it before its connection comes, a forked monitor once it knows its
 * client, so that a failure here reaches that client.
 */
static void
prepare(struct session *s)
{
	start_parser(s);
	raise_fd_limit();
}

static void __attribute__((noreturn))
serve(struct session *s)
{
	give_client(s);
	peer_name(s);
	if (!client_ahead(s->client) && greet(s) == -1) {
		logmsg(LOG_INFO, "session %s: client left: %s", s->id,
		    strerror(errno));
		stop_parser(s);
		_exit(1);
	}
	read_request(s);
	terminal(s);
	authenticate(s);
	decide(s);
	launch(s);
	finish(s, await_program(s));
}

void
monitor_run(const struct config *cfg, int client, const char *id,
    int master)
{
	struct session s;

	init_session(&s, cfg);
	s.master = master;
	identify(&s, client, id);
	prepare(&s);
	serve(&s);
}

/*
 * Once the parser is confined: a spare the master waits for says it is
 * ready.
 */
static void
spare_ready(struct session *s)
{
	if (s->report == -1)
		return;
	(void)frame_send(s->report, SPARE_READY, NULL, 0, NULL, 0);
	s->report = -1;
}

/*
 * Until the master sends a connection or retires us (1), or the parser,
 * once confined, ends (0): it was killed.  A parser that ends before,
 * having failed to confine itself, ends the spare with its reason.  A
 * spare must not take a connection it cannot serve.
 */
static int
spare_wait(struct session *s, int master)
{
	int confined = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ master, POLLIN, 0 }, { s->ps, POLLIN, 0 },
		};

		if (poll(p, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			refuse(s, DIVE_EXIT_FAILURE, "poll: %s",
			    strerror(errno));
		}
		if (p[1].revents) {
			struct frame f;
			int r = frame_recv(s->ps, &f, DIVE_MAX_ERRTEXT + 4,
			    NULL, 0);

			if (r == 1 && f.type == PS_CONFINED) {
				frame_free(&f);
				confined = 1;
				spare_ready(s);
				continue;
			}
			if (r == 1 && f.type == PS_FAIL)
				parser_refused(s, &f);
			if (r == 1)
				frame_free(&f);
			if (!confined)
				parser_lost(s, r == 0 ? "it ended before it "
				    "confined itself" : "bad message before it "
				    "confined itself", r != 0);
			return 0;
		}
		if (p[0].revents)
			return 1;
	}
}

void
monitor_spare(const struct config *cfg, int master, int report)
{
	struct session s;
	struct frame f;
	uint64_t n;
	char id[SESSID_LEN];
	int c = -1;

	title_set("monitor [spare]");
	init_session(&s, cfg);
	if (report)
		s.report = master;
#ifdef DIVE_TESTHOOKS
	testhook_pause("DIVED_TESTHOOK_SPARE_MS");
#endif
	prepare(&s);
	if (!spare_wait(&s, master))
		refuse(&s, DIVE_EXIT_FAILURE, "its parser ended before a "
		    "connection came");
	if (frame_recv(master, &f, sizeof(n), &c, 1) != 1 ||
	    f.type != MASTER_CLIENT || f.len != sizeof(n) || f.nfds != 1) {
		/* Retired: dived stops, re-read its rules, or failed. */
		if (c != -1)
			close(c);
		stop_parser(&s);
		_exit(0);
	}
	memcpy(&n, f.buf, sizeof(n));
	frame_free(&f);
	sessid_format(id, sizeof(id), (unsigned long)n);
	s.master = master;
	identify(&s, c, id);
	serve(&s);
}
