/*
 * The monitor's side of its parser: starting it, handing it the client,
 * and reading what it passes on, which the monitor decodes and checks
 * itself (privsep.c) and never trusts.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "monitor.h"

void
stop_parser(struct session *s)
{
	if (s->parser > 0) {
		end_confined(s->parser, NULL);
		s->parser = 0;
	}
}

/*
 * The parser program confines itself before any client exists; the
 * client's connection follows in give_client.
 */
void
start_parser(struct session *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "socketpair: %s", strerror(errno));
	if (fstat(sv[0], &s->own[1]) == -1 || fstat(sv[1], &s->own[2]) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fstat: %s", strerror(errno));
	if ((s->parser = sandbox_start(&s->cfg->sandbox, SANDBOX_PARSER, sv[1],
	    s->cfg->o.request_timeout)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "parser: %s", strerror(errno));
	close(sv[1]);
	s->ps = sv[0];
}

/*
 * A parser that failed to confine itself has said why on its socket, and
 * read_request reports it: a failed send here is not an error of its own.
 */
void
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
void
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
void
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

void
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
		case PS_SEALED:
			/* The buffer now belongs to the request. */
			if ((f.type == PS_SPAWN ? ps_take_spawn :
			    ps_take_sealed)(&s->req, f.buf, f.len, f.fds,
			    f.nfds, &why) == -1)
				refuse(s, DIVE_EXIT_FAILURE, "bad request from "
				    "parser: %s", why);
			refuse_own_fds(s);
			return;
		case PS_LIST:
			/* The buffer now belongs to the request. */
			if (ps_take_list(&s->req, f.buf, f.len, f.fds, f.nfds,
			    &why) == -1)
				refuse(s, DIVE_EXIT_FAILURE, "bad request from "
				    "parser: %s", why);
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
