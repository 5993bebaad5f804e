/*
 * libFuzzer harness for the client protocol decoders dived's parser runs
 * on untrusted input: REQUEST, LIST, FDS and the two-u32 payloads; and
 * dive's decoder of LISTING, the server's answer to LIST.
 *
 * Besides surviving any input, a REQUEST or LIST that decodes must encode
 * back to exactly the bytes it came from: the decoder accepts nothing the
 * encoder could not have produced, and drops nothing it accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "proto.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_request(const unsigned char *p, size_t len)
{
	struct request r;
	struct wbuf w = { NULL, 0, 0, 0 };
	const char *why = NULL;
	uint32_t i;

	if (proto_decode_request(p, len, &r, &why) == -1) {
		check(why != NULL && r.argv == NULL && r.envp == NULL);
		return;
	}
	check(r.head.argc <= DIVE_MAX_ARGS && r.head.envc <= DIVE_MAX_ENV);
	check((r.head.pty & ~PTY_MASK) == 0 && r.head.rows <= PTY_MAX_SIZE &&
	    r.head.cols <= PTY_MAX_SIZE);
	check(r.head.pty != 0 ? !(r.head.flags & REQ_HAS_TTY) :
	    r.head.rows == 0 && r.head.cols == 0);
	check(r.argv[r.head.argc] == NULL && r.envp[r.head.envc] == NULL);
	for (i = 0; i < r.head.envc; i++)
		check(strchr(r.envp[i], '=') != NULL &&
		    r.envp[i][0] != '=');
	check(proto_encode_request(&w, &r) == 0);
	check(w.len == len && memcmp(w.p, p, len) == 0);
	wbuf_free(&w);
	request_free(&r);
}

static void
fuzz_list(const unsigned char *p, size_t len)
{
	struct listreq l;
	struct wbuf w = { NULL, 0, 0, 0 };
	const char *why = NULL;

	/* With a descriptor sent, no payload is a list request. */
	check(proto_decode_list(p, len, 1, &l, &why) == -1 && why != NULL &&
	    l.argv == NULL);
	why = NULL;
	if (proto_decode_list(p, len, 0, &l, &why) == -1) {
		check(why != NULL && l.argv == NULL);
		return;
	}
	check(l.argc <= DIVE_MAX_ARGS && l.argv[l.argc] == NULL);
	check(proto_encode_list(&w, &l) == 0);
	check(w.len == len && memcmp(w.p, p, len) == 0);
	wbuf_free(&w);
	listreq_free(&l);
}

static void
fuzz_listing(const unsigned char *p, size_t len)
{
	const char *text;
	uint32_t status;
	size_t n;

	if (proto_decode_listing(p, len, &status, &text, &n) == -1)
		return;
	check(status == LISTING_PERMITTED || status == LISTING_NOT);
	check(n == len - sizeof(status) && n <= DIVE_MAX_LISTING &&
	    text == (const char *)p + sizeof(status) &&
	    (n == 0 || memchr(text, '\0', n) == NULL));
}

static void
fuzz_fds(const unsigned char *p, size_t len)
{
	uint32_t targets[DIVE_FD_BATCH];
	const char *why = NULL;
	size_t i, n = 0;

	if (proto_decode_fds(p, len, targets, DIVE_FD_BATCH, &n, &why) == -1) {
		check(why != NULL);
		return;
	}
	check(n <= DIVE_FD_BATCH && len == sizeof(uint32_t) * (n + 1));
	for (i = 0; i < n; i++)
		check(targets[i] <= DIVE_MAX_FDNUM);
}

static void
fuzz_u32(const unsigned char *p, size_t len)
{
	uint32_t a, b;

	check((proto_decode_u32(p, len, &a) == 0) == (len == sizeof(a)));
	check((proto_decode_u32x2(p, len, &a, &b) == 0) ==
	    (len == sizeof(a) + sizeof(b)));
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	/* libFuzzer passes a heap copy of exactly len bytes: ASan sees overruns. */
	fuzz_request(data, len);
	fuzz_list(data, len);
	fuzz_listing(data, len);
	fuzz_fds(data, len);
	fuzz_u32(data, len);
	return 0;
}
