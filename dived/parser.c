#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "parser.h"
#include "privsep.h"
#include "proto.h"
#include "sandbox.h"
#include "sealed.h"
#include "testhook.h"
#include "title.h"
#include "wire.h"

static int mon = -1;

/* The request fails: the monitor hears why, and the parser exits. */
#define fail(...)	ps_fail(mon, __VA_ARGS__)

static void
recv_or_fail(int client, struct frame *f, size_t maxlen, int *fds,
    size_t maxfds)
{
	int r = frame_await(client, f, maxlen, fds, maxfds);

	if (r == 1)
		return;
	if (r == 0)
		fail(DIVE_EXIT_FAILURE, "client closed the connection "
		    "before its request was complete");
	switch (errno) {
	case EMSGSIZE:
		fail(DIVE_EXIT_FAILURE, "request too large (over %u bytes)",
		    (unsigned)maxlen);
	case ETOOMANYREFS:
		fail(DIVE_EXIT_FAILURE, "too many descriptors in one "
		    "message (at most %zu)", maxfds);
	case EPROTO:
		fail(DIVE_EXIT_FAILURE, "truncated message from client");
	default:
		fail(DIVE_EXIT_FAILURE, "reading request: %s",
		    strerror(errno));
	}
}

static void
check_hello(int client)
{
	struct frame f;
	uint32_t v;

	int r = frame_await(client, &f, sizeof(v), NULL, 0);

	if (r == 0)
		fail(DIVE_EXIT_FAILURE, "client closed the connection "
		    "before its request was complete");
	if (r == -1 || f.type != MSG_HELLO ||
	    proto_decode_u32(f.buf, f.len, &v) == -1)
		fail(DIVE_EXIT_FAILURE, "not a dive client (bad greeting)");
	if (v != DIVE_PROTO_VERSION)
		fail(DIVE_EXIT_FAILURE, "protocol version mismatch: dive "
		    "speaks %u, dived speaks %d", v, DIVE_PROTO_VERSION);
	frame_free(&f);
}

/* Passes one batch of the client's descriptors on, checked. */
static void
pass_fds(struct frame *f, struct fdbits *seen, uint32_t *total)
{
	uint32_t targets[DIVE_FD_BATCH];
	struct wbuf w = { 0 };
	const char *why;
	size_t n, i;

	if (proto_decode_fds(f->buf, f->len, targets, DIVE_FD_BATCH, &n,
	    &why) == -1)
		fail(DIVE_EXIT_FAILURE, "%s", why);
#ifdef DIVE_TESTHOOKS
	parser_fds_testhook(targets, n);
#endif
	if (n != f->nfds)
		fail(DIVE_EXIT_FAILURE, "descriptor list names %zu "
		    "descriptors but %zu arrived", n, f->nfds);
	if (*total + n > DIVE_MAX_FDS)
		fail(DIVE_EXIT_FAILURE, "too many descriptors (at most %d)",
		    DIVE_MAX_FDS);
	for (i = 0; i < n; i++)
		if (fdbits_take(seen, targets[i]) == -1)
			fail(DIVE_EXIT_FAILURE, "descriptor %u sent twice",
			    targets[i]);
	*total += (uint32_t)n;
	wbuf_u32(&w, (uint32_t)n);
	for (i = 0; i < n; i++)
		wbuf_u32(&w, targets[i]);
	if (w.err || frame_send(mon, PS_FDS, w.p, w.len, f->fds, n) == -1)
		_exit(1);
	close_fds(f->fds, n);
	wbuf_free(&w);
}

/*
 * A decoded request's directory and terminal descriptors, naux of them,
 * against its flags; and no client descriptor where its pseudo-terminal
 * goes.
 */
static void
check_aux(const struct request *r, size_t naux, const struct fdbits *seen)
{
	if (naux != request_nauxfds(r->head.flags))
		fail(DIVE_EXIT_FAILURE, "request names %zu directory and "
		    "terminal descriptors but %zu arrived",
		    request_nauxfds(r->head.flags), naux);
	if (r->head.pty & fdbits_std(seen))
		fail(DIVE_EXIT_FAILURE, "a descriptor sent under a number "
		    "the pseudo-terminal takes");
}

static void
pass_request(struct frame *f, uint32_t nfds, const struct fdbits *seen)
{
	struct request r;
	struct ps_spawn h;
	struct iovs p = { 0 };
	const char *why, *end, *next;
	uint32_t i, k;

	if (proto_decode_request(f->buf, f->len, &r, &why) == -1)
		fail(DIVE_EXIT_FAILURE, "%s", why);
	check_aux(&r, f->nfds, seen);
#ifdef DIVE_TESTHOOKS
	if (parser_testhook(mon, &r, nfds)) {
		close_fds(f->fds, f->nfds);
		request_free(&r);
		return;
	}
#endif
	memset(&h, 0, sizeof(h));
	h.magic = PS_MAGIC;
	h.head = r.head;
	h.nfds = nfds;
	/*
	 * The strings lie one after another in the client's frame, up to its
	 * end, as decoding it made sure: they go on from there, without a
	 * copy or another pass over them, as the stretches between the
	 * entries dropped: DIVE_* belong to dived, and a client's own go.
	 */
	end = (const char *)f->buf + f->len;
	iovs_add(&p, &h, sizeof(h));
	if (r.head.argc > 0)
		iovs_add(&p, r.argv[0], (size_t)((r.head.envc > 0 ?
		    r.envp[0] : end) - r.argv[0]));
	for (i = k = 0; i < r.head.envc; i++) {
		next = i + 1 < r.head.envc ? r.envp[i + 1] : end;
		if (!env_is_dive(r.envp[i])) {
			iovs_add(&p, r.envp[i], (size_t)(next - r.envp[i]));
			k++;
		}
	}
	h.head.envc = k;
	h.strbytes = (uint32_t)(p.len - sizeof(h));
	if (frame_sendv(mon, PS_SPAWN, &p, f->fds, f->nfds) == -1)
		_exit(1);
	close_fds(f->fds, f->nfds);
	iovs_free(&p);
	request_free(&r);
}

/*
 * A request in a sealed memfd: checked as any other, mapped, and passed
 * on as it is, for the monitor to map and decode again.  Its DIVE_*
 * variables cannot be taken out of it: the monitor drops them.
 */
static void
pass_sealed(struct frame *f, uint32_t nfds, const struct fdbits *seen)
{
	const unsigned char *map;
	struct ps_sealed h;
	struct request r;
	const char *why;
	uint32_t len;

	if (proto_decode_u32(f->buf, f->len, &len) == -1 || f->nfds < 1)
		fail(DIVE_EXIT_FAILURE, "malformed sealed request");
	if ((map = sealed_map(f->fds[0], len, &why)) == NULL)
		fail(DIVE_EXIT_FAILURE, "%s", why);
	if (proto_decode_request(map, len, &r, &why) == -1)
		fail(DIVE_EXIT_FAILURE, "%s", why);
	check_aux(&r, f->nfds - 1, seen);
	memset(&h, 0, sizeof(h));
	h.magic = PS_SEALED_MAGIC;
	h.nfds = nfds;
	h.len = len;
	if (frame_send(mon, PS_SEALED, &h, sizeof(h), f->fds, f->nfds) == -1)
		_exit(1);
	close_fds(f->fds, f->nfds);
	request_free(&r);
	munmap((void *)(uintptr_t)map, len);
}

/*
 * A list request asks, and nothing follows it: once it is passed on the
 * parser has nothing left to do.
 */
static void __attribute__((noreturn))
pass_list(struct frame *f, uint32_t nfds)
{
	struct listreq l;
	struct ps_list h;
	struct wbuf w = { 0 };
	const char *why;

	if (proto_decode_list(f->buf, f->len, nfds + f->nfds, &l, &why) == -1)
		fail(DIVE_EXIT_FAILURE, "%s", why);
	memset(&h, 0, sizeof(h));
	h.magic = PS_LIST_MAGIC;
	h.argc = l.argc;
	ps_encode_list(&w, &h, l.argv);
	if (w.err || frame_send(mon, PS_LIST, w.p, w.len, NULL, 0) == -1)
		_exit(1);
	_exit(0);
}

/* After the start, only signals for the program may follow. */
static void __attribute__((noreturn))
relay_signals(int client)
{
	struct frame f;
	uint32_t sig;

	for (;;) {
		int r = frame_await(client, &f, sizeof(sig), NULL, 0);

		if (r == 0)
			_exit(0);
		if (r == -1 || f.type != MSG_SIGNAL ||
		    proto_decode_u32(f.buf, f.len, &sig) == -1 ||
		    sig == 0 || sig > DIVE_MAX_SIGNAL)
			fail(DIVE_EXIT_FAILURE, "protocol error after the "
			    "request: only signal numbers may follow");
		if (frame_send(mon, PS_SIGNAL, &sig, sizeof(sig), NULL, 0) == -1)
			_exit(1);
		frame_free(&f);
	}
}

/*
 * The client's connection, from the monitor, once one is there; a monitor
 * that goes first (a spare retired) ends this process quietly.
 */
static int
await_client(void)
{
	struct frame f;
	uint32_t uid;
	int fd = -1;

	if (frame_recv(mon, &f, sizeof(uid), &fd, 1) != 1)
		_exit(0);
	if (f.type != PS_CLIENT || proto_decode_u32(f.buf, f.len, &uid) == -1 ||
	    f.nfds != 1 || fd != SANDBOX_CLIENT_FD)
		fail(DIVE_EXIT_FAILURE, "no client connection from the "
		    "monitor");
	frame_free(&f);
	title_set("parser [uid %lu]", (unsigned long)uid);
	return fd;
}

void
parser_run(int monitor, unsigned int timeout)
{
	static struct fdbits seen;
	int fds[DIVE_FD_BATCH];
	uint32_t nfds = 0;
	struct frame f;
	int client;

	mon = monitor;
	client = await_client();
	alarm(timeout);
	check_hello(client);
	for (;;) {
		recv_or_fail(client, &f, DIVE_MAX_MSG, fds, DIVE_FD_BATCH);
		if (f.type == MSG_FDS)
			pass_fds(&f, &seen, &nfds);
		else if (f.type == MSG_REQUEST) {
			pass_request(&f, nfds, &seen);
			frame_free(&f);
			break;
		} else if (f.type == MSG_SEALED) {
			pass_sealed(&f, nfds, &seen);
			frame_free(&f);
			break;
		} else if (f.type == MSG_LIST)
			pass_list(&f, nfds);
		else
			fail(DIVE_EXIT_FAILURE, "unexpected message 0x%x in "
			    "request", f.type);
		frame_free(&f);
	}
	alarm(0);
	relay_signals(client);
}
