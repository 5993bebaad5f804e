/*
 * libFuzzer harness for the monitor's decoder of what the parser sends:
 * a few PS_FDS batches, then one PS_SPAWN or PS_LIST, as the monitor
 * takes them (monitor_parser.c).
 *
 * Input layout:
 *   u8 batches (low 4 bits; bit 4: the last message is a PS_LIST), then
 *   per batch:
 *     u8 nfds, u16 len (little-endian), len bytes of PS_FDS payload
 *   u8 naux, then the rest: the PS_SPAWN or PS_LIST payload
 * Every descriptor handed over is -1, a placeholder close_fds and
 * spawn_req_free skip, so the harness never closes a real descriptor.
 *
 * A spawn or list request that is accepted must encode back, with
 * ps_encode_spawn or ps_encode_list, to exactly the buffer it was taken
 * from; a list request only when no descriptor came with or before it.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "privsep.h"
#include "proto.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define MAX_BATCHES	15
#define LIST_BIT	0x10
#define MAX_NFDS	255

static int placeholders[MAX_NFDS];

static void
check(int ok)
{
	if (!ok)
		abort();
}

struct input {
	const unsigned char	*p;
	size_t			 left;
};

static size_t
take(struct input *in, size_t n)
{
	return n < in->left ? n : in->left;
}

static unsigned int
u8(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static void
check_accepted(const struct spawn_req *r, size_t len)
{
	struct ps_spawn h;
	struct wbuf w = { NULL, 0, 0, 0 };
	uint32_t i;

	check(r->cwdfd == -1 && r->rootfd == -1 && r->ttyfd == -1 &&
	    r->ptyfd == -1);
	/* The slave's numbers are free, and never beside a terminal. */
	check((r->head.pty & ~PTY_MASK) == 0 &&
	    (r->head.pty & fdbits_std(&r->seen)) == 0);
	check(r->head.pty == 0 || !(r->head.flags & REQ_HAS_TTY));
	check(r->head.rows <= PTY_MAX_SIZE && r->head.cols <= PTY_MAX_SIZE);
	check(r->argv[r->head.argc] == NULL && r->envp[r->head.envc] == NULL);
	for (i = 0; i < r->head.envc; i++)
		check(strchr(r->envp[i], '=') != NULL &&
		    r->envp[i][0] != '=' && !env_is_dive(r->envp[i]));
	memset(&h, 0, sizeof(h));
	h.magic = PS_MAGIC;
	h.head = r->head;
	h.nfds = (uint32_t)r->nfds;
	ps_encode_spawn(&w, &h, r->argv, r->envp);
	check(!w.err && w.len == len && memcmp(w.p, r->strings, len) == 0);
	wbuf_free(&w);
}

static void
check_list(const struct spawn_req *r, size_t len, size_t naux)
{
	struct ps_list h;
	struct wbuf w = { NULL, 0, 0, 0 };

	check(r->list && r->nfds == 0 && naux == 0 && r->cwdfd == -1 &&
	    r->rootfd == -1 && r->ttyfd == -1 && r->ptyfd == -1);
	check(r->head.argc <= DIVE_MAX_ARGS && r->argv[r->head.argc] == NULL &&
	    r->envp == NULL);
	memset(&h, 0, sizeof(h));
	h.magic = PS_LIST_MAGIC;
	h.argc = r->head.argc;
	ps_encode_list(&w, &h, r->argv);
	check(!w.err && w.len == len && memcmp(w.p, r->strings, len) == 0);
	wbuf_free(&w);
}

static void
fuzz(struct input *in, struct spawn_req *r)
{
	const char *why = NULL;
	unsigned char *buf = NULL;
	unsigned int first, batches, b, nfds, naux;
	size_t len, i;

	first = u8(in);
	batches = first & MAX_BATCHES;
	for (b = 0; b < batches; b++) {
		nfds = u8(in);
		len = u8(in);
		len |= (size_t)u8(in) << 8;
		len = take(in, len);
		why = NULL;
		if (ps_take_fds(r, in->p, len, placeholders, nfds, &why) == -1) {
			/* The monitor refuses the session here. */
			check(why != NULL);
			return;
		}
		in->p += len;
		in->left -= len;
	}
	check(r->nfds <= DIVE_MAX_FDS);
	for (i = 0; i < r->nfds; i++)
		check(r->fds[i] == -1 && r->targets[i] <= DIVE_MAX_FDNUM);
	naux = u8(in);
	len = in->left;
	/* Like frame_recv, an empty payload comes without a buffer. */
	if (len > 0) {
		if ((buf = malloc(len)) == NULL)
			return;
		memcpy(buf, in->p, len);
	}
	why = NULL;
	if (first & LIST_BIT) {
		if (ps_take_list(r, buf, len, placeholders, naux, &why) == -1) {
			check(why != NULL);
			return;
		}
		check_list(r, len, naux);
		return;
	}
	if (ps_take_spawn(r, buf, len, placeholders, naux, &why) == -1) {
		check(why != NULL);
		return;
	}
	check_accepted(r, len);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct input in = { data, len };
	struct spawn_req r;
	size_t i;

	for (i = 0; i < MAX_NFDS; i++)
		check(placeholders[i] == -1);
	spawn_req_init(&r);
	fuzz(&in, &r);
	spawn_req_free(&r);
	return 0;
}

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	for (i = 0; i < MAX_NFDS; i++)
		placeholders[i] = -1;
	return 0;
}
