/*
 * A recorded session, the monitor's side: whether a session will be
 * recorded before its pseudo-terminal goes to the client; the recorder
 * (recorder.h), started like the parser and trusted no more; the
 * recording's file, which the monitor alone creates, in a directory of
 * root's, and hands to the recorder as a descriptor; and what the audit
 * records say of it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "cast.h"
#include "log.h"
#include "monitor.h"
#include "pty.h"
#include "recorder.h"
#include "rulefile.h"

/*
 * Whether the decision to come will record: a pseudo-terminal's master
 * goes to the client before -a and the decision, and in a recorded
 * session it must be the recorder's.  Asked only when --record or a
 * rule in force records; the rules it takes are the decision's too.
 */
static int
will_record(struct session *s)
{
	struct baseline b;
	struct decision d;
	char why[256];
	int rec;

	if (s->cfg->o.record & RECORD_OUTPUT)
		return 1;
	if (s->cfg->rules == NULL)
		return 0;
	s->rules = s->cfg->rules;
	/* Rules that changed are the decision's to refuse. */
	if (rulefile_in_force(s->cfg, &s->rules, why, sizeof(why)) == -1 ||
	    !s->rules->records)
		return 0;
	baseline_from(s->cfg, &b);
	b.rules = s->rules;
	if (policy_decide(&b, &s->peer, s->req.argv, s->req.head.argc,
	    s->req.envp, s->req.head.envc, &d, why, sizeof(why)) == -1)
		return 0;
	rec = (d.record & RECORD_OUTPUT) != 0;
	decision_free(&d);
	return rec;
}

/*
 * The recorder's socket has ended, or carried what it must not: the
 * recorder is ended and reaped, and how it went kept for the records.
 * 0 when it ended as it should, once its work was done.
 */
static int
recorder_gone(struct session *s, const char *how)
{
	int st = 0;

	close(s->rs);
	s->rs = -1;
	if (s->recorder > 0) {
		/* A recorder that still runs is ended; one that has, reaped. */
		if (end_confined(s->recorder, &st) == -1)
			st = 0;
	}
	s->recorder = 0;
	if (how == NULL && s->recdone && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		how = "the recorder was killed by its seccomp filter";
	if (how != NULL && how != s->recerr)
		snprintf(s->recerr, sizeof(s->recerr), "%s", how);
	else if (how == NULL && WIFSIGNALED(st))
		snprintf(s->recerr, sizeof(s->recerr), "the recorder was "
		    "killed by signal %d", WTERMSIG(st));
	else if (how == NULL)
		snprintf(s->recerr, sizeof(s->recerr), "the recorder ended");
	if (s->rec.file != NULL && s->rec.error == NULL)
		s->rec.error = s->recerr;
	return -1;
}

void
stop_recorder(struct session *s)
{
	if (s->rs != -1)
		close(s->rs);
	s->rs = -1;
	if (s->recorder > 0)
		end_confined(s->recorder, NULL);
	s->recorder = 0;
}

/* RC_STATE and RC_DRAINED: what became of the recording. */
static int
take_state(struct session *s, const struct frame *f)
{
	struct rc_state st;

	if (f->len != sizeof(st))
		return -1;
	memcpy(&st, f->buf, sizeof(st));
	if (st.state != CAST_ON && st.state != CAST_CUT &&
	    st.state != CAST_FAILED)
		return -1;
	if (s->rec.file == NULL)
		return 0;
	s->rec.bytes = st.bytes > (uint64_t)INT64_MAX ? -1 :
	    (long long)st.bytes;
	if (st.state == CAST_CUT && !s->rec.cut) {
		s->rec.cut = 1;
		logmsg(LOG_NOTICE, "session %s: recording %s cut at %llu "
		    "bytes", s->id, s->rec.file, s->cfg->o.record_max);
	}
	if (st.state == CAST_FAILED && s->rec.error == NULL) {
		snprintf(s->recerr, sizeof(s->recerr), "%s",
		    st.err > 0 && st.err < 4096 ? strerror((int)st.err) :
		    "write failed");
		s->rec.error = s->recerr;
		logmsg(LOG_ERR, "session %s: recording %s: %s", s->id,
		    s->rec.file, s->recerr);
	}
	return 0;
}

/*
 * The recorder's next message within ms milliseconds (-1: no limit):
 * 1 with it in f, 0 when none came in time, -1 when the recorder is
 * gone or broke the protocol, having said why in s->recerr, and -2 when
 * it ended as it should.
 */
static int
next_message(struct session *s, struct frame *f, int ms)
{
	char raw[DIVE_MAX_ERRTEXT], text[DIVE_MAX_ERRTEXT * 4 + 1];
	struct pollfd p = { s->rs, POLLIN, 0 };
	uint32_t status;
	int r;

	while ((r = poll(&p, 1, ms)) == -1 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	if (r == -1 || frame_recv(s->rs, f, DIVE_MAX_ERRTEXT + 4, NULL, 0) !=
	    1)
		return recorder_gone(s, NULL) == 0 ? -2 : -1;
	if (f->type != PS_FAIL)
		return 1;
	if (ps_take_fail(f->buf, f->len, &status, raw, sizeof(raw)) == 0) {
		strvis(text, raw, VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL);
		strlcpy(s->recerr, text, sizeof(s->recerr));
	}
	frame_free(f);
	(void)recorder_gone(s, s->recerr[0] != '\0' ? s->recerr :
	    "the recorder failed");
	return -1;
}

/*
 * Before the program exists: waits for the recorder's answer of this
 * type, and refuses the session when it does not come.
 */
static void
await_answer(struct session *s, uint32_t type, const char *what)
{
	struct frame f;
	int r;

	for (;;) {
		if ((r = next_message(s, &f, DIVE_RECORD_REPLY_MS)) == 0) {
			stop_recorder(s);
			refuse(s, DIVE_EXIT_FAILURE, "the recorder did not "
			    "answer: %s", what);
		}
		if (r < 0)
			refuse(s, DIVE_EXIT_FAILURE, "%s", s->recerr);
		if (f.type == type)
			break;
		if (f.type == RC_STATE && take_state(s, &f) == 0) {
			frame_free(&f);
			continue;
		}
		frame_free(&f);
		stop_recorder(s);
		refuse(s, DIVE_EXIT_FAILURE, "bad message from the recorder");
	}
	frame_free(&f);
}

/* Started like the parser, and confined before it is given anything. */
static void
start_recorder(struct session *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "socketpair: %s", strerror(errno));
	if ((s->recorder = sandbox_start(&s->cfg->sandbox, SANDBOX_RECORDER,
	    sv[1], 0)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "recorder: %s", strerror(errno));
	close(sv[1]);
	s->rs = sv[0];
	await_answer(s, PS_CONFINED, "it did not confine itself");
}

static void
nonblocking(struct session *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fcntl: %s", strerror(errno));
}

void
record_terminal(struct session *s, int *master)
{
	char err[DIVE_MAX_ERRTEXT];
	int bm, bs, fds[2];
	uint32_t sized = s->req.head.rows != 0 && s->req.head.cols != 0;

	if (!will_record(s))
		return;
	s->verdict = VERDICT_FAILED;
	start_recorder(s);
	if (pty_pair(&bm, &bs, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	/* The recorder's ends: it waits for them with poll. */
	nonblocking(s, *master);
	nonblocking(s, bs);
	fds[0] = *master;
	fds[1] = bs;
	if (frame_send(s->rs, RC_TERMINAL, &sized, sizeof(sized), fds, 2) ==
	    -1)
		refuse(s, DIVE_EXIT_FAILURE, "the recorder: %s",
		    strerror(errno));
	close(*master);
	close(bs);
	*master = bm;
	await_answer(s, RC_TERMINAL, "the client's terminal");
	s->relayed = 1;
	s->verdict = VERDICT_REFUSED;
}

/* A variable of the program's environment, or NULL. */
static const char *
program_env(const struct session *s, const char *name)
{
	size_t n = strlen(name);

	for (char **e = s->dec.envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* The recording directory, as checked at start, still root's alone. */
static int
open_dir(struct session *s)
{
	const char *dir = s->cfg->o.record_dir;
	struct stat st;
	int fd;

	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1) {
		snprintf(s->recerr, sizeof(s->recerr), "%s", strerror(errno));
		s->rec.error = s->recerr;
		refuse(s, DIVE_EXIT_FAILURE, "recording directory %s: %s", dir,
		    s->recerr);
	}
	if (fstat(fd, &st) == -1 || (st.st_uid != 0 &&
	    st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		snprintf(s->recerr, sizeof(s->recerr), "not root's alone");
		s->rec.error = s->recerr;
		refuse(s, DIVE_EXIT_FAILURE, "recording directory %s: must be "
		    "owned by root and writable by no one else", dir);
	}
	return fd;
}

/*
 * A file of its own for each session, never one that was there: no
 * link is followed and no file is reused, so no one can point a
 * recording elsewhere or have it mixed with another.
 */
static void
create_file(struct session *s)
{
	struct cast_head h;
	char name[SESSID_LEN + 8], head[CAST_HEADER_MAX];
	size_t n;
	int dir;

	snprintf(name, sizeof(name), "%s.cast", s->id);
	dir = open_dir(s);
	s->recfd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC, 0600);
	if (s->recfd == -1) {
		snprintf(s->recerr, sizeof(s->recerr), "%s", strerror(errno));
		s->rec.error = s->recerr;
		close(dir);
		refuse(s, DIVE_EXIT_FAILURE, "recording %s: %s", s->rec.file,
		    s->recerr);
	}
	memset(&h, 0, sizeof(h));
	h.cols = s->req.head.cols;
	h.rows = s->req.head.rows;
	h.timestamp = (long long)time(NULL);
	h.session = s->id;
	h.term = program_env(s, "TERM");
	h.shell = program_env(s, "SHELL");
	n = cast_header(head, sizeof(head), &h);
	if (fchmod(s->recfd, 0600) == -1 ||
	    write(s->recfd, head, n) != (ssize_t)n) {
		snprintf(s->recerr, sizeof(s->recerr), "%s", errno ?
		    strerror(errno) : "short write");
		s->rec.error = s->recerr;
		/* Ours, made just now: nothing is left of a failed start. */
		(void)unlinkat(dir, name, 0);
		close(dir);
		refuse(s, DIVE_EXIT_FAILURE, "recording %s: %s", s->rec.file,
		    s->recerr);
	}
	close(dir);
	s->recheader = n;
	s->rec.bytes = -1;
}

void
record_open(struct session *s)
{
	if (!(s->dec.record & RECORD_OUTPUT))
		return;
	s->verdict = VERDICT_FAILED;
	snprintf(s->recfile, sizeof(s->recfile), "%s/%s.cast",
	    s->cfg->o.record_dir, s->id);
	s->rec.file = s->recfile;
	s->rec.input = (s->dec.record & RECORD_INPUT) != 0;
	s->rec.bytes = -1;
	if (s->req.head.pty != 0 && !s->relayed)
		refuse(s, DIVE_EXIT_FAILURE, "%s: the rules changed while the "
		    "request was decided; try again", s->cfg->o.policy != NULL ?
		    s->cfg->o.policy : "the options");
	/*
	 * The program would read and write the client's own terminal past
	 * the recorder: a recorded session has the pseudo-terminal.
	 */
	if (pty_client_terminal(&s->req) != -1 ||
	    pty_is_terminal(s->req.ttyfd))
		refuse(s, DIVE_EXIT_FAILURE, "this session is recorded, and "
		    "the recording cannot see a terminal of the client's own: "
		    "run dive without -T, for a pseudo-terminal");
	create_file(s);
	logmsg(LOG_INFO, "session %s: recording to %s%s", s->id, s->rec.file,
	    s->rec.input ? ", with the input" : "");
	s->verdict = VERDICT_REFUSED;
}

/* The index of the client's descriptor that becomes fd, or -1. */
static long
client_std(const struct spawn_req *r, uint32_t fd)
{
	for (size_t i = 0; i < r->nfds; i++)
		if (r->targets[i] == fd)
			return (long)i;
	return -1;
}

/*
 * A pipe instead of the client's 0-2 where there is no terminal: the
 * program gets one end in place of the client's descriptor, the
 * recorder the other end and the client's.  Standard input only when
 * the keys are recorded; otherwise the program reads the client's as it
 * would unrecorded.
 */
static uint32_t
interpose(struct session *s, int *fds, size_t *n)
{
	uint32_t pipes = 0;
	int p[2];
	long i;

	for (uint32_t fd = 0; fd <= 2 && s->dec.client_fds; fd++) {
		if ((s->req.head.pty & (1u << fd)) || (fd == 0 &&
		    !s->rec.input) || (i = client_std(&s->req, fd)) == -1)
			continue;
		if (pipe2(p, O_CLOEXEC) == -1)
			refuse(s, DIVE_EXIT_FAILURE, "pipe: %s",
			    strerror(errno));
		nonblocking(s, p[fd == 0 ? 1 : 0]);
		fds[(*n)++] = p[fd == 0 ? 1 : 0];
		fds[(*n)++] = s->req.fds[i];
		s->req.fds[i] = p[fd == 0 ? 0 : 1];
		pipes |= 1u << fd;
	}
	return pipes;
}

void
record_start(struct session *s)
{
	struct rc_record r;
	int fds[RC_MAX_FDS];
	size_t n = 0;

	if (s->rec.file != NULL) {
		if (s->recorder == 0)
			start_recorder(s);
		fds[n++] = s->recfd;
		memset(&r, 0, sizeof(r));
		r.pipes = interpose(s, fds, &n);
		r.input = (uint32_t)s->rec.input;
		r.cols = s->req.head.cols;
		r.rows = s->req.head.rows;
		r.header = s->recheader;
		r.max = s->cfg->o.record_max;
		if (frame_send(s->rs, RC_RECORD, &r, sizeof(r), fds, n) == -1)
			refuse(s, DIVE_EXIT_FAILURE, "the recorder: %s",
			    strerror(errno));
		close_fds(fds, n);
		s->recfd = -1;
	}
	/* The caller's modes first, as dive gives them without a recorder. */
	if (s->relayed)
		await_answer(s, RC_READY, "the terminal's modes");
}

int
recorder_message(struct session *s)
{
	struct frame f;
	int r;

	if ((r = next_message(s, &f, 0)) == 0 || r == -2)
		return 0;
	if (r == 1 && f.type == RC_STATE && take_state(s, &f) == 0) {
		frame_free(&f);
		return s->rec.error != NULL &&
		    !(s->dec.record & RECORD_FAILOPEN) ? -1 : 0;
	}
	if (r == 1) {
		frame_free(&f);
		stop_recorder(s);
		snprintf(s->recerr, sizeof(s->recerr), "bad message from the "
		    "recorder");
		if (s->rec.file != NULL && s->rec.error == NULL)
			s->rec.error = s->recerr;
	}
	/* Gone: nothing passes between the program and the client now. */
	logmsg(LOG_ERR, "session %s: %s", s->id, s->recerr);
	return -1;
}

void
recorder_wait(struct session *s)
{
	struct timespec t0, t;
	struct frame f;
	long long ms;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->rs != -1) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000LL +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= DIVE_RECORD_LINGER_MS)
			break;
		if ((r = next_message(s, &f, (int)(DIVE_RECORD_LINGER_MS -
		    ms))) == 1)
			frame_free(&f);
		else if (r == 0)
			break;
	}
	stop_recorder(s);
}

void
record_drain(struct session *s)
{
	struct frame f;
	int r;

	if (s->rs == -1)
		return;
	if (frame_send(s->rs, RC_END, NULL, 0, NULL, 0) == -1) {
		(void)recorder_gone(s, NULL);
		return;
	}
	for (;;) {
		r = next_message(s, &f, DIVE_DRAIN_MAX_MS +
		    DIVE_RECORD_REPLY_MS);
		if (r != 1)
			return;
		if ((f.type == RC_STATE || f.type == RC_DRAINED) &&
		    take_state(s, &f) == 0 && f.type == RC_DRAINED) {
			s->recdone = 1;
			frame_free(&f);
			return;
		}
		frame_free(&f);
	}
}
