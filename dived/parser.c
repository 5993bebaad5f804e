#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "parser.h"
#include "privsep.h"
#include "proto.h"
#include "wire.h"

static int mon = -1;

static void __attribute__((noreturn, format(printf, 2, 3)))
refuse(uint32_t status, const char *fmt, ...)
{
	unsigned char buf[sizeof(status) + DIVE_MAX_ERRTEXT];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)buf + sizeof(status), DIVE_MAX_ERRTEXT, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n >= DIVE_MAX_ERRTEXT)
		n = DIVE_MAX_ERRTEXT - 1;
	memcpy(buf, &status, sizeof(status));
	frame_send(mon, PS_FAIL, buf, sizeof(status) + (size_t)n, NULL, 0);
	_exit(1);
}

static void
recv_or_refuse(int client, struct frame *f, size_t maxlen, int *fds,
    size_t maxfds)
{
	int r = frame_recv(client, f, maxlen, fds, maxfds);

	if (r == 1)
		return;
	if (r == 0)
		refuse(DIVE_EXIT_FAILURE, "client closed the connection "
		    "before its request was complete");
	switch (errno) {
	case EMSGSIZE:
		refuse(DIVE_EXIT_FAILURE, "request too large (over %u bytes)",
		    (unsigned)maxlen);
	case ETOOMANYREFS:
		refuse(DIVE_EXIT_FAILURE, "too many descriptors in one "
		    "message (at most %zu)", maxfds);
	case EPROTO:
		refuse(DIVE_EXIT_FAILURE, "truncated message from client");
	default:
		refuse(DIVE_EXIT_FAILURE, "reading request: %s",
		    strerror(errno));
	}
}

static void
check_hello(int client)
{
	struct frame f;
	uint32_t v;

	int r = frame_recv(client, &f, sizeof(v), NULL, 0);

	if (r == 0)
		refuse(DIVE_EXIT_FAILURE, "client closed the connection "
		    "before its request was complete");
	if (r == -1 || f.type != MSG_HELLO ||
	    proto_decode_u32(f.buf, f.len, &v) == -1)
		refuse(DIVE_EXIT_FAILURE, "not a dive client (bad greeting)");
	if (v != DIVE_PROTO_VERSION)
		refuse(DIVE_EXIT_FAILURE, "protocol version mismatch: dive "
		    "speaks %u, dived speaks %d", v, DIVE_PROTO_VERSION);
	frame_free(&f);
}

/* Passes one batch of the client's descriptors on, checked. */
static void
pass_fds(struct frame *f, unsigned char *seen, uint32_t *total)
{
	uint32_t targets[DIVE_FD_BATCH];
	struct wbuf w = { 0 };
	const char *why;
	size_t n, i;

	if (proto_decode_fds(f->buf, f->len, targets, DIVE_FD_BATCH, &n,
	    &why) == -1)
		refuse(DIVE_EXIT_FAILURE, "%s", why);
	if (n != f->nfds)
		refuse(DIVE_EXIT_FAILURE, "descriptor list names %zu "
		    "descriptors but %zu arrived", n, f->nfds);
	if (*total + n > DIVE_MAX_FDS)
		refuse(DIVE_EXIT_FAILURE, "too many descriptors (at most %d)",
		    DIVE_MAX_FDS);
	for (i = 0; i < n; i++) {
		if (seen[targets[i] / 8] & (1u << (targets[i] % 8)))
			refuse(DIVE_EXIT_FAILURE, "descriptor %u sent twice",
			    targets[i]);
		seen[targets[i] / 8] |= (unsigned char)(1u << (targets[i] % 8));
	}
	*total += (uint32_t)n;
	wbuf_u32(&w, (uint32_t)n);
	for (i = 0; i < n; i++)
		wbuf_u32(&w, targets[i]);
	if (w.err || frame_send(mon, PS_FDS, w.p, w.len, f->fds, n) == -1)
		_exit(1);
	close_fds(f->fds, n);
	wbuf_free(&w);
}

static void
pass_request(struct frame *f, uint32_t nfds)
{
	struct request r;
	struct ps_spawn h;
	struct wbuf w = { 0 };
	const char *why;
	uint32_t i, k;

	if (proto_decode_request(f->buf, f->len, &r, &why) == -1)
		refuse(DIVE_EXIT_FAILURE, "%s", why);
	if (f->nfds != request_nauxfds(r.flags))
		refuse(DIVE_EXIT_FAILURE, "request names %zu directory and "
		    "terminal descriptors but %zu arrived",
		    request_nauxfds(r.flags), f->nfds);
	/* DIVE_* belong to dived; a client's own are dropped. */
	for (i = k = 0; i < r.envc; i++)
		if (!env_is_dive(r.envp[i]) && r.envp[i][0] != '=')
			r.envp[k++] = r.envp[i];
	r.envp[k] = NULL;
	memset(&h, 0, sizeof(h));
	h.magic = PS_MAGIC;
	h.umask = r.umask;
	h.flags = r.flags;
	h.waitmode = r.waitmode;
	h.sigfwmode = r.sigfwmode;
	h.nfds = nfds;
	h.argc = r.argc;
	h.envc = k;
	ps_encode_spawn(&w, &h, r.argv, r.envp);
	if (w.err || frame_send(mon, PS_SPAWN, w.p, w.len, f->fds,
	    f->nfds) == -1)
		_exit(1);
	close_fds(f->fds, f->nfds);
	wbuf_free(&w);
	request_free(&r);
}

/* After the start, only signals for the program may follow. */
static void __attribute__((noreturn))
relay_signals(int client)
{
	struct frame f;
	uint32_t sig;

	for (;;) {
		int r = frame_recv(client, &f, sizeof(sig), NULL, 0);

		if (r == 0)
			_exit(0);
		if (r == -1 || f.type != MSG_SIGNAL ||
		    proto_decode_u32(f.buf, f.len, &sig) == -1 ||
		    sig == 0 || sig > DIVE_MAX_SIGNAL)
			refuse(DIVE_EXIT_FAILURE, "protocol error after the "
			    "request: only signal numbers may follow");
		if (frame_send(mon, PS_SIGNAL, &sig, sizeof(sig), NULL, 0) == -1)
			_exit(1);
		frame_free(&f);
	}
}

void
parser_run(int client, int monitor, unsigned int timeout)
{
	static unsigned char seen[(DIVE_MAX_FDNUM + 8) / 8];
	int fds[DIVE_FD_BATCH];
	uint32_t nfds = 0;
	struct frame f;

	mon = monitor;
	alarm(timeout);
	check_hello(client);
	for (;;) {
		recv_or_refuse(client, &f, DIVE_MAX_MSG, fds, DIVE_FD_BATCH);
		if (f.type == MSG_FDS)
			pass_fds(&f, seen, &nfds);
		else if (f.type == MSG_REQUEST) {
			pass_request(&f, nfds);
			frame_free(&f);
			break;
		} else
			refuse(DIVE_EXIT_FAILURE, "unexpected message 0x%x in "
			    "request", f.type);
		frame_free(&f);
	}
	alarm(0);
	relay_signals(client);
}
