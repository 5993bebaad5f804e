/*
 * The per-connection monitor.  It holds the client socket but never reads
 * it: the parser does.  It takes the peer's identity from SO_PEERCRED,
 * decodes the parser's spawn request with its own checks, decides, starts
 * the program, waits for it and reports its end.  This file is the
 * session from its start to its end, serve() the whole of it in order;
 * the steps live in the other monitor_*.c files (monitor.h).
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "monitor.h"
#include "pty.h"
#include "stage.h"
#include "testhook.h"
#include "title.h"

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

/*
 * The directory the program starts in, for the log and the record: -h,
 * the top of a root it is confined to, dived's (-H) or the client's.
 * Before a decision, the client's.
 */
const char *
program_dir(struct session *s)
{
	if (s->dec.chdir != NULL)
		return s->dec.chdir;
	if (s->dec.confined)
		return "/";
	return dir_path(s, s->dec.argv == NULL || s->dec.client_cwd ?
	    s->req.cwdfd : AT_FDCWD);
}

/* waitpid for one child, through interruptions; -1 on a real error. */
int
wait_child(pid_t pid, int *st)
{
	while (waitpid(pid, st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

int
end_confined(pid_t pid, int *st)
{
#ifdef DIVE_VALGRIND
	/* SIGKILL would take valgrind's report on the child with it. */
	kill(pid, SIGTERM);
#else
	kill(pid, SIGKILL);
#endif
	return wait_child(pid, st);
}

static const struct {
	const char	*event;
	const char	*outcome;
	int		 end;		/* the session's last record */
	int		 ran;		/* st is the program's wait status */
	int		 list;		/* of a list request: no program */
} outcomes[] = {
	[OUTCOME_ALLOWED] = { "decision", "allowed", 0, 0, 0 },
	[OUTCOME_DENIED] = { "decision", "denied", 0, 0, 0 },
	[OUTCOME_FAILED] = { "end", "failed", 1, 0, 0 },
	[OUTCOME_EXITED] = { "end", "exited", 1, 1, 0 },
	[OUTCOME_SIGNALED] = { "end", "signaled", 1, 1, 0 },
	[OUTCOME_LISTED] = { "list", "listed", 0, 0, 1 },
	[OUTCOME_PERMITTED] = { "list", "permitted", 0, 0, 1 },
	[OUTCOME_NOT_PERMITTED] = { "list", "denied", 0, 0, 1 },
	[OUTCOME_LIST_FAILED] = { "list", "failed", 0, 0, 1 },
};

int
record(struct session *s, enum outcome o, const char *reason, int st)
{
	struct audit_rec a;
	struct timespec t1;
	int ran = outcomes[o].ran;

	memset(&a, 0, sizeof(a));
	a.event = outcomes[o].event;
	a.outcome = outcomes[o].outcome;
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
	/* A list request: the command line asked about, if any, alone. */
	if (outcomes[o].list) {
		a.argv = s->req.head.argc > 0 ? s->req.argv : NULL;
		a.envp = NULL;
		a.cwd = NULL;
	}
	a.recording = s->rec.file != NULL ? &s->rec : NULL;
	a.pid = s->pid;
	/* Every end record has them; a program that never ran, null. */
	if (outcomes[o].end) {
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
void
session_over(struct session *s)
{
	if (s->master != -1)
		close(s->master);
	s->master = -1;
}

/* Our HELLO, unless it went already: it comes before any other answer. */
int
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

void
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
	stop_recorder(s);
	if (s->req.list)
		record(s, OUTCOME_LIST_FAILED, text, 0);
	else if (s->verdict == VERDICT_FAILED)
		record(s, OUTCOME_FAILED, text, 0);
	else
		record(s, OUTCOME_DENIED, text, 0);
	logmsg(LOG_WARNING, "session %s: peer pid %ld uid %lu gid %lu: "
	    "%s: %s", s->id, (long)s->peer.pid,
	    (unsigned long)s->peer.uid, (unsigned long)s->peer.gid,
	    s->verdict == VERDICT_FAILED ? "failed" : "refused", text);
	session_over(s);
	(void)greet(s);
	proto_send_error(s->client, status, text);
	stop_parser(s);
	_exit(1);
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

static void __attribute__((noreturn))
finish(struct session *s, int st)
{
	struct timespec t1;
	double secs;
	int left;

	STAGE(exited);
	/* What the program wrote last reaches the client before its end. */
	record_drain(s);
	/*
	 * A recording that failed, and may not fail open, ended the program
	 * or fails the session still: nothing it left runs on unrecorded,
	 * and the client does not take the end for the program's own.
	 */
	if (s->recfailed || (s->rec.error != NULL &&
	    !(s->dec.record & RECORD_FAILOPEN))) {
		s->ended_by = "record-failed";
		kill_leftovers(s);
		refuse(s, DIVE_EXIT_FAILURE, "the session's recording failed "
		    "(%s), and so the session was ended", s->rec.error != NULL ?
		    s->rec.error : s->recerr);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - s->t0.tv_sec) +
	    (double)(t1.tv_nsec - s->t0.tv_nsec) / 1e9;
	/*
	 * The record is written before the client hears the end.  The
	 * parser is killed and reaped after: the client does not wait for
	 * it, nor for its exit, which on this processor would come first.
	 */
	record(s, WIFSIGNALED(st) ? OUTCOME_SIGNALED : OUTCOME_EXITED, NULL,
	    st);
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
	STAGE_WRITE();
	if (left != 0) {
		linger(s);
		session_over(s);
	}
	recorder_wait(s);
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
	s->rs = s->recfd = -1;
	s->verdict = VERDICT_REFUSED;
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
	STAGE_KEY(s->peer.pid);
	STAGE(handed);
	give_client(s);
	peer_name(s);
	if (!client_ahead(s->client) && greet(s) == -1) {
		logmsg(LOG_INFO, "session %s: client left: %s", s->id,
		    strerror(errno));
		stop_parser(s);
		_exit(1);
	}
	read_request(s);
	STAGE(request);
	if (s->req.list)
		answer_list(s);
	terminal(s);
	authenticate(s);
	decide(s);
	STAGE(decided);
	launch(s);
	finish(s, await_program(s));
}

void
monitor_run(const struct config *cfg, int client, const char *id,
    int master)
{
	struct session s;

	STAGE(monitor);
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
	STAGE(monitor);
	memcpy(&n, f.buf, sizeof(n));
	frame_free(&f);
	sessid_format(id, sizeof(id), (unsigned long)n);
	s.master = master;
	identify(&s, c, id);
	serve(&s);
}
