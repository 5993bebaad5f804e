/*
 * The client protocol codecs and the framing under them, the first code
 * to touch what an untrusted client sends.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "proto.h"
#include "wire.h"
#include "unit.h"

#define NHDR	9	/* umask, flags, waitmode, sigfwmode, pty, rows, cols,
			   argc, envc */

/* A REQUEST payload: the numbers of h, then the string bytes as given. */
static void
request_payload(struct wbuf *w, const uint32_t h[NHDR], const void *s,
    size_t slen)
{
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < NHDR; i++)
		wbuf_u32(w, h[i]);
	wbuf_bytes(w, s, slen);
}

static void
request_verdict(const char *name, const struct wbuf *w, const char *reason)
{
	struct request r;
	const char *why = NULL;
	int rc;

	rc = proto_decode_request(w->p, w->len, &r, &why);
	if (reason == NULL)
		check(rc == 0, name, "refused: %s", why ? why : "(no reason)");
	else if (rc == 0)
		check(0, name, "accepted, should be refused");
	else
		check(why != NULL && strstr(why, reason) != NULL, name,
		    "refused as \"%s\", should be \"%s\"",
		    why ? why : "(no reason)", reason);
	if (rc == 0)
		request_free(&r);
}

/*
 * reason NULL: the request must be accepted; otherwise refused with a
 * reason containing it ("" for any reason).
 */
static void
request_case(const char *name, const uint32_t h[NHDR], const void *s,
    size_t slen, const char *reason)
{
	struct wbuf w;

	request_payload(&w, h, s, slen);
	request_verdict(name, &w, reason);
	wbuf_free(&w);
}

static void
test_request_roundtrip(void)
{
	const char *argv[] = { "/bin/echo", "", "two words", NULL };
	const char *envp[] = { "A=1", "EMPTY=", "B=x=y", NULL };
	struct request in = { { 0027, REQ_HAS_CWD, WAIT_HOLDERS,
	    SIGFW_PGRP, PTY_STDIN | PTY_STDERR, 50, 132, 3, 3 }, argv, envp };
	struct request out;
	struct wbuf w = { 0 };
	const char *why = NULL;
	int rc;

	CHECK(proto_encode_request(&w, &in) == 0,
	    "proto: a request can be encoded");
	rc = proto_decode_request(w.p, w.len, &out, &why);
	if (check(rc == 0, "proto: an encoded request decodes",
	    "refused: %s", why ? why : "(no reason)")) {
		CHECK(out.head.umask == 0027 &&
		    out.head.flags == in.head.flags &&
		    out.head.waitmode == WAIT_HOLDERS &&
		    out.head.sigfwmode == SIGFW_PGRP,
		    "proto: umask, flags and modes survive a round trip");
		CHECK(out.head.pty == (PTY_STDIN | PTY_STDERR) &&
		    out.head.rows == 50 && out.head.cols == 132,
		    "proto: the pseudo-terminal and its size survive a round trip");
		CHECK(out.head.argc == 3 && same_strv(argv, out.argv, 3),
		    "proto: argv survives a round trip, NULL-terminated");
		CHECK(out.head.envc == 3 && same_strv(envp, out.envp, 3),
		    "proto: env survives a round trip, NULL-terminated");
		CHECK(out.argv[0] == (const char *)w.p + NHDR * 4,
		    "proto: decoded strings point into the payload");
		request_free(&out);
	}
	wbuf_free(&w);

	in.head.argc = in.head.envc = 0;
	CHECK(proto_encode_request(&w, &in) == 0 &&
	    proto_decode_request(w.p, w.len, &out, &why) == 0 &&
	    out.argv[0] == NULL && out.envp[0] == NULL,
	    "proto: a request with no strings decodes to empty vectors");
	request_free(&out);
	wbuf_free(&w);
}

static void
test_request_header(void)
{
	uint32_t eight[8] = { 022, 0, 0, 0, 0, 0, 0, 0 };
	struct wbuf w = { 0 };

	wbuf_bytes(&w, eight, sizeof(eight));
	request_verdict("proto: a request shorter than its header is refused",
	    &w, "truncated");
	wbuf_free(&w);

	request_case("proto: umask 0777 is accepted",
	    (uint32_t[]){ 0777, 0, 0, 0, 0, 0, 0, 1, 0 }, "a", 2, NULL);
	request_case("proto: umask over 0777 is refused",
	    (uint32_t[]){ 01000, 0, 0, 0, 0, 0, 0, 1, 0 }, "a", 2, "umask");
	request_case("proto: a pseudo-terminal for 0-2 with a size is accepted",
	    (uint32_t[]){ 022, REQ_HAS_CWD, 0, 0, PTY_MASK, 24, 80, 1, 0 },
	    "a", 2, NULL);
	request_case("proto: a pseudo-terminal of the largest size is accepted",
	    (uint32_t[]){ 022, 0, 0, 0, PTY_STDOUT, PTY_MAX_SIZE,
	    PTY_MAX_SIZE, 1, 0 }, "a", 2, NULL);
	request_case("proto: a pseudo-terminal beyond descriptor 2 is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0x8, 24, 80, 1, 0 }, "a", 2,
	    "pseudo-terminal");
	request_case("proto: a pseudo-terminal with a terminal descriptor is "
	    "refused", (uint32_t[]){ 022, REQ_HAS_TTY, 0, 0, PTY_STDIN, 24,
	    80, 1, 0 }, "a", 2, "terminal");
	request_case("proto: a window over 65535 rows is refused",
	    (uint32_t[]){ 022, 0, 0, 0, PTY_STDIN, PTY_MAX_SIZE + 1, 80, 1,
	    0 }, "a", 2, "window size");
	request_case("proto: a window over 65535 columns is refused",
	    (uint32_t[]){ 022, 0, 0, 0, PTY_STDIN, 24, 0x80000000u, 1, 0 },
	    "a", 2, "window size");
	request_case("proto: a window size without a pseudo-terminal is "
	    "refused", (uint32_t[]){ 022, 0, 0, 0, 0, 24, 80, 1, 0 }, "a", 2,
	    "window size");
	request_case("proto: an unknown request flag is refused",
	    (uint32_t[]){ 022, REQ_FLAGS + 1, 0, 0, 0, 0, 0, 1, 0 }, "a", 2, "flags");
	request_case("proto: the top request flag bit is refused",
	    (uint32_t[]){ 022, 0x80000000u, 0, 0, 0, 0, 0, 1, 0 }, "a", 2, "flags");
	request_case("proto: waitmode past WAIT_MAX is refused",
	    (uint32_t[]){ 022, 0, WAIT_MAX + 1, 0, 0, 0, 0, 1, 0 }, "a", 2, "mode");
	request_case("proto: sigfwmode past SIGFW_MAX is refused",
	    (uint32_t[]){ 022, 0, 0, SIGFW_MAX + 1, 0, 0, 0, 1, 0 }, "a", 2, "mode");
}

static void
test_request_counts(void)
{
	size_t n = DIVE_MAX_ARGS + 1;
	char *empties = calloc(n, 1);
	char *assigns = malloc((DIVE_MAX_ENV + 1) * 3);

	for (size_t i = 0; i < DIVE_MAX_ENV + 1; i++)
		memcpy(assigns + i * 3, "A=", 3);
	/* Enough strings are present: only the count is wrong. */
	request_case("proto: exactly DIVE_MAX_ARGS arguments are accepted",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, DIVE_MAX_ARGS, 0 }, empties,
	    DIVE_MAX_ARGS, NULL);
	request_case("proto: request with argc over DIVE_MAX_ARGS is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, DIVE_MAX_ARGS + 1, 0 }, empties, n,
	    "arguments");
	request_case("proto: exactly DIVE_MAX_ENV variables are accepted",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 0, DIVE_MAX_ENV }, assigns,
	    DIVE_MAX_ENV * 3, NULL);
	request_case("proto: request with envc over DIVE_MAX_ENV is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 0, DIVE_MAX_ENV + 1 }, assigns,
	    (DIVE_MAX_ENV + 1) * 3, "environment");
	request_case("proto: argc larger than the bytes present is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 5, 0 }, "a\0b", 4, "truncated");
	request_case("proto: argc + envc larger than the bytes present is "
	    "refused", (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 1 }, "", 1, "truncated");
	request_case("proto: maximal counts with one byte present are refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, DIVE_MAX_ARGS, DIVE_MAX_ENV }, "", 1,
	    "truncated");
	free(empties);
	free(assigns);
}

static void
test_request_strings(void)
{
	char *big = malloc(DIVE_MAX_STRING + 2);

	memset(big, 'x', DIVE_MAX_STRING + 1);
	big[DIVE_MAX_STRING + 1] = '\0';
	request_case("proto: an unterminated string is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 0 }, "abc", 3, "string");
	request_case("proto: more strings counted than terminated is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 2, 0 }, "ab\0c", 4, "string");
	request_case("proto: a string of DIVE_MAX_STRING bytes is accepted",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 0 }, big + 1, DIVE_MAX_STRING + 1,
	    NULL);
	request_case("proto: a string over DIVE_MAX_STRING is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 0 }, big, DIVE_MAX_STRING + 2,
	    "string");
	request_case("proto: bytes after the last string are refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 0 }, "a\0x", 3, "trailing");
	request_case("proto: an environment entry without '=' is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 1 }, "a\0FOO", 6,
	    "NAME=value");
	request_case("proto: an empty environment entry is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 1 }, "a\0", 3,
	    "NAME=value");
	request_case("proto: an environment entry without a name is refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 1, 1 }, "a\0=x", 5,
	    "NAME=value");
	free(big);
}

/*
 * bounds.h: every decoder checks DIVE_MAX_STRBYTES.  A client request
 * over it that passed here would reach the monitor, which refuses it as
 * a fault of the parser.
 */
static void
test_request_strbytes(void)
{
	/* 32 strings of 130943 bytes and their NULs fill DIVE_MAX_STRBYTES. */
	size_t each = DIVE_MAX_STRBYTES / 32, total = DIVE_MAX_STRBYTES + 1;
	char *s = malloc(total);

	memset(s, 'x', total);
	for (size_t i = 1; i <= 32; i++)
		s[i * each - 1] = '\0';
	s[total - 1] = '\0';
	request_case("proto: strings of exactly DIVE_MAX_STRBYTES are accepted",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 32, 0 }, s, DIVE_MAX_STRBYTES, NULL);
	request_case("proto: strings over DIVE_MAX_STRBYTES in all are refused",
	    (uint32_t[]){ 022, 0, 0, 0, 0, 0, 0, 33, 0 }, s, total, "");
	free(s);
}

static void
fds_case(const char *name, const uint32_t *v, size_t nv, size_t max,
    const char *reason)
{
	uint32_t targets[8];
	size_t n = 99;
	const char *why = NULL;
	int rc;

	rc = proto_decode_fds((const unsigned char *)v, nv * sizeof(*v),
	    targets, max, &n, &why);
	check(rc == -1 && why != NULL && strstr(why, reason) != NULL, name,
	    "returned %d, reason \"%s\", wanted \"%s\"", rc,
	    why ? why : "(none)", reason);
}

static void
test_decode_fds(void)
{
	uint32_t good[] = { 3, 0, 7, DIVE_MAX_FDNUM }, none[] = { 0 };
	uint32_t targets[8];
	unsigned char half[2] = { 0 };
	size_t n = 99;
	const char *why = NULL;

	CHECK(proto_decode_fds((unsigned char *)good, sizeof(good), targets, 8,
	    &n, &why) == 0 && n == 3 && targets[0] == 0 && targets[1] == 7 &&
	    targets[2] == DIVE_MAX_FDNUM,
	    "proto: a descriptor list decodes to its targets");
	CHECK(proto_decode_fds((unsigned char *)none, 4, targets, 8, &n,
	    &why) == 0 && n == 0, "proto: an empty descriptor list decodes");
	CHECK(proto_decode_fds(half, sizeof(half), targets, 8, &n, &why) == -1,
	    "proto: a descriptor list without its count is refused");
	fds_case("proto: descriptor count over the targets present is refused",
	    (uint32_t[]){ 2, 5 }, 2, 8, "malformed");
	fds_case("proto: descriptor count under the targets present is refused",
	    (uint32_t[]){ 1, 5, 6 }, 3, 8, "malformed");
	fds_case("proto: more descriptors than the caller's maximum are "
	    "refused", (uint32_t[]){ 3, 1, 2, 3 }, 4, 2, "too many");
	fds_case("proto: a target over DIVE_MAX_FDNUM is refused",
	    (uint32_t[]){ 2, 4, DIVE_MAX_FDNUM + 1 }, 3, 8, "range");
}

static void
test_small_helpers(void)
{
	CHECK(env_is_dive("DIVE_UID=0") && env_is_dive("DIVE_=x"),
	    "proto: DIVE_ variables are recognised");
	CHECK(!env_is_dive("DIVEX=1") && !env_is_dive("dive_uid=0") &&
	    !env_is_dive("MYDIVE_X=1") && !env_is_dive("X=DIVE_") &&
	    !env_is_dive("DIVE"),
	    "proto: only names starting with DIVE_ count as DIVE_ variables");
	CHECK(request_nauxfds(0) == 0 && request_nauxfds(REQ_HAS_CWD) == 1 &&
	    request_nauxfds(REQ_HAS_ROOT) == 1 &&
	    request_nauxfds(REQ_HAS_TTY) == 1 &&
	    request_nauxfds(REQ_HAS_CWD | REQ_HAS_TTY) == 2 &&
	    request_nauxfds(REQ_FLAGS) == DIVE_MAX_AUXFDS,
	    "proto: request_nauxfds counts one descriptor per flag");
}

/* The server's HELLO: version and the socket's pseudo-terminal rule. */
static void
test_hello(void)
{
	uint32_t two[2] = { DIVE_PROTO_VERSION, HELLO_PTY_FORCE }, v, fl;

	CHECK(proto_decode_hello((unsigned char *)two, 8, &v, &fl) == 0 &&
	    v == DIVE_PROTO_VERSION && fl == HELLO_PTY_FORCE,
	    "proto: a HELLO with flags decodes");
	CHECK(proto_decode_hello((unsigned char *)two, 4, &v, &fl) == 0 &&
	    v == DIVE_PROTO_VERSION && fl == 0,
	    "proto: a HELLO of the version alone decodes, without flags");
	two[1] = HELLO_FLAGS + 1;
	CHECK(proto_decode_hello((unsigned char *)two, 8, &v, &fl) == -1,
	    "proto: a HELLO with unknown flags is refused");
	CHECK(proto_decode_hello((unsigned char *)two, 6, &v, &fl) == -1 &&
	    proto_decode_hello((unsigned char *)two, 0, &v, &fl) == -1,
	    "proto: a HELLO of another length is refused");
}

static void
test_rbuf(void)
{
	const unsigned char num[5] = { 1, 0, 0, 0, 9 };
	struct rbuf r = { num, 4, 0 };
	const char *s;

	CHECK(rbuf_u32(&r) == 1 && !r.err && r.left == 0,
	    "rbuf: a u32 filling the buffer is read");
	CHECK(rbuf_u32(&r) == 0 && r.err, "rbuf: a u32 past the end fails");
	r = (struct rbuf){ num, 3, 0 };
	CHECK(rbuf_u32(&r) == 0 && r.err && r.left == 3,
	    "rbuf: a u32 over a 3-byte buffer fails without moving");
	r = (struct rbuf){ num, 5, 1 };
	CHECK(rbuf_u32(&r) == 0 && r.err,
	    "rbuf: once failed, reads keep failing");

	r = (struct rbuf){ (const unsigned char *)"abc\0d", 5, 0 };
	s = rbuf_str(&r, 3);
	CHECK(s != NULL && strcmp(s, "abc") == 0 && r.left == 1,
	    "rbuf: a string of exactly max bytes is read");
	r = (struct rbuf){ (const unsigned char *)"abc\0d", 5, 0 };
	CHECK(rbuf_str(&r, 2) == NULL && r.err,
	    "rbuf: a string over max fails");
	r = (struct rbuf){ (const unsigned char *)"abc\0d", 3, 0 };
	CHECK(rbuf_str(&r, 10) == NULL && r.err,
	    "rbuf: the NUL past the end of the buffer is not used");
	r = (struct rbuf){ (const unsigned char *)"\0", 1, 0 };
	s = rbuf_str(&r, 0);
	CHECK(s != NULL && *s == '\0' && r.left == 0,
	    "rbuf: an empty string is read");
	r = (struct rbuf){ (const unsigned char *)"", 0, 0 };
	CHECK(rbuf_str(&r, 10) == NULL && r.err,
	    "rbuf: a string from an empty buffer fails");
	r = (struct rbuf){ (const unsigned char *)"ok", 3, 1 };
	CHECK(rbuf_str(&r, 10) == NULL,
	    "rbuf: once failed, strings are not read");
}

static void
pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		err(1, "socketpair");
}

static void
close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

/* Sends bytes with n copies of fd attached, bypassing frame_send. */
static ssize_t
send_raw(int sock, const void *p, size_t len, int fd, size_t n)
{
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int) * 256)];
	} cm;
	struct iovec iov = { (void *)(uintptr_t)p, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (n > 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		for (size_t i = 0; i < n; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(fd));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

static void
test_frame_payload(void)
{
	struct frame f;
	int sv[2], rc;

	pair(sv);
	frame_send(sv[0], 42, "hello", 5, NULL, 0);
	frame_send(sv[0], 7, NULL, 0, NULL, 0);
	rc = frame_recv(sv[1], &f, 64, NULL, 0);
	CHECK(rc == 1 && f.type == 42 && f.len == 5 &&
	    memcmp(f.buf, "hello", 5) == 0 && f.nfds == 0,
	    "frame: a payload arrives with its type and length");
	frame_free(&f);
	rc = frame_recv(sv[1], &f, 64, NULL, 0);
	CHECK(rc == 1 && f.type == 7 && f.len == 0 && f.buf == NULL,
	    "frame: an empty frame arrives with no buffer");
	close(sv[0]);
	rc = frame_recv(sv[1], &f, 64, NULL, 0);
	CHECK(rc == 0, "frame: end of stream at a frame boundary returns 0");
	close(sv[1]);
}

static void
test_frame_fds(void)
{
	struct frame f;
	int sv[2], p[2], fds[4], rc;
	char c = 0;

	pair(sv);
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe2");
	frame_send(sv[0], 1, "x", 1, &p[1], 1);
	rc = frame_recv(sv[1], &f, 16, fds, 4);
	if (check(rc == 1 && f.nfds == 1 && f.fds == fds,
	    "frame: an attached descriptor arrives", "rc %d nfds %zu", rc,
	    f.nfds)) {
		CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC,
		    "frame: received descriptors are close-on-exec");
		CHECK(write(fds[0], "z", 1) == 1 && read(p[0], &c, 1) == 1 &&
		    c == 'z',
		    "frame: the received descriptor is the one sent");
		close_fds(fds, f.nfds);
	}
	frame_free(&f);
	close(p[0]);
	close(p[1]);
	close_pair(sv);
}

/* PTY: the request's pty word and the master, one descriptor. */
static void
test_pty_message(void)
{
	struct frame f;
	uint32_t pty = 0;
	int sv[2], p[2], fds[2], rc;

	pair(sv);
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe2");
	CHECK(proto_send_pty(sv[0], PTY_STDIN | PTY_STDERR, p[0]) == 0,
	    "proto: a PTY message can be sent");
	rc = frame_recv(sv[1], &f, 16, fds, 2);
	if (check(rc == 1 && f.type == MSG_PTY && f.nfds == 1,
	    "proto: a PTY message arrives with its master", "rc %d type %x "
	    "nfds %zu", rc, f.type, f.nfds)) {
		CHECK(proto_decode_u32(f.buf, f.len, &pty) == 0 &&
		    pty == (PTY_STDIN | PTY_STDERR),
		    "proto: a PTY message names the descriptors of the request");
		close_fds(fds, f.nfds);
	}
	frame_free(&f);
	close(p[0]);
	close(p[1]);
	close_pair(sv);
}

/*
 * Sends n copies of a descriptor and expects frame_recv to refuse them
 * with errno want (any errno when 0), leaving none of them open.
 */
static void
fds_refused(const char *name, size_t n, size_t maxfds, int want)
{
	struct frame f;
	int sv[2], fds[DIVE_FD_BATCH], before, after, rc, e;

	pair(sv);
	before = count_fds();
	send_raw(sv[0], "\1\0\0\0\0\0\0\0", 8, sv[0], n);
	rc = frame_recv(sv[1], &f, 16, maxfds ? fds : NULL, maxfds);
	e = errno;
	after = count_fds();
	check(rc == -1 && (want == 0 || e == want) && f.nfds == 0 &&
	    after == before, name,
	    "rc %d errno %s nfds %zu, descriptors %d before, %d after", rc,
	    strerror(e), f.nfds, before, after);
	close_pair(sv);
}

static void
test_frame_fd_limits(void)
{
	struct frame f;
	int sv[2], many[DIVE_FD_BATCH + 1], fds[DIVE_FD_BATCH], rc;

	pair(sv);
	for (size_t i = 0; i < DIVE_FD_BATCH + 1; i++)
		many[i] = sv[0];
	frame_send(sv[0], 1, NULL, 0, many, DIVE_FD_BATCH);
	rc = frame_recv(sv[1], &f, 16, fds, DIVE_FD_BATCH);
	CHECK(rc == 1 && f.nfds == DIVE_FD_BATCH,
	    "frame: a full batch of DIVE_FD_BATCH descriptors arrives");
	close_fds(fds, f.nfds);
	errno = 0;
	CHECK(frame_send(sv[0], 1, NULL, 0, many, DIVE_FD_BATCH + 1) == -1 &&
	    errno == EMSGSIZE,
	    "frame: sending more than DIVE_FD_BATCH descriptors is refused");
	close_pair(sv);

	fds_refused("frame: more descriptors than maxfds give ETOOMANYREFS "
	    "and leak none", 3, 2, ETOOMANYREFS);
	fds_refused("frame: descriptors where maxfds is 0 are refused and "
	    "closed", 1, 0, 0);
	fds_refused("frame: more than a batch of descriptors is refused and "
	    "closed", DIVE_FD_BATCH + 1, DIVE_FD_BATCH, ETOOMANYREFS);
}

/*
 * Descriptors may only travel with a frame's first byte.  A child sends
 * half a header, waits until it has been read, then sends the rest with
 * a descriptor attached, so the two halves cannot be merged.
 */
static void
test_frame_late_fds(void)
{
	struct frame f;
	struct timespec ms = { 0, 1000000 };
	int sv[2], fds[4], before, rc, e;
	uint32_t h[2] = { 1, 0 };
	pid_t pid;

	pair(sv);
	before = count_fds();
	if ((pid = fork()) == 0) {
		int left = 1, tries = 5000;

		if (write(sv[0], h, 4) != 4)
			_exit(1);
		while (left > 0 && tries-- > 0 &&
		    ioctl(sv[1], FIONREAD, &left) == 0)
			nanosleep(&ms, NULL);
		send_raw(sv[0], (char *)h + 4, 4, sv[0], 1);
		_exit(0);
	}
	/* Should the child fail, end of stream ends the wait. */
	close(sv[0]);
	rc = frame_recv(sv[1], &f, 16, fds, 4);
	e = errno;
	waitpid(pid, NULL, 0);
	CHECK(rc == -1 && e == EPROTO && f.nfds == 0,
	    "frame: descriptors after a frame's first byte are refused");
	CHECK(count_fds() == before - 1,
	    "frame: descriptors after the first byte are not kept open");
	close(sv[1]);
}

static void
test_frame_length(void)
{
	struct frame f;
	unsigned char buf[100] = { 0 };
	uint32_t huge[2] = { 1, DIVE_MAX_MSG + 1 };
	int sv[2], fds[4], before, rc, e;

	pair(sv);
	frame_send(sv[0], 1, buf, sizeof(buf), NULL, 0);
	rc = frame_recv(sv[1], &f, sizeof(buf), NULL, 0);
	CHECK(rc == 1 && f.len == sizeof(buf),
	    "frame: a payload of exactly maxlen is accepted");
	frame_free(&f);
	close_pair(sv);

	pair(sv);
	before = count_fds();
	frame_send(sv[0], 1, buf, sizeof(buf), &sv[0], 1);
	rc = frame_recv(sv[1], &f, sizeof(buf) - 1, fds, 4);
	e = errno;
	CHECK(rc == -1 && e == EMSGSIZE && f.buf == NULL,
	    "frame: a payload over maxlen gives EMSGSIZE");
	CHECK(count_fds() == before,
	    "frame: descriptors of an over-long frame are closed");
	close_pair(sv);

	pair(sv);
	if (write(sv[0], huge, sizeof(huge)) != sizeof(huge))
		err(1, "write");
	rc = frame_recv(sv[1], &f, SIZE_MAX, NULL, 0);
	e = errno;
	CHECK(rc == -1 && e == EMSGSIZE,
	    "frame: a payload over DIVE_MAX_MSG is refused whatever maxlen");
	close_pair(sv);

	errno = 0;
	CHECK(frame_send(-1, 1, buf, DIVE_MAX_MSG + 1, NULL, 0) == -1 &&
	    errno == EMSGSIZE,
	    "frame: sending a payload over DIVE_MAX_MSG is refused");
}

/* Writes raw bytes, closes the stream and expects EPROTO. */
static void
cut_case(const char *name, const void *p, size_t len, int withfd)
{
	struct frame f;
	int sv[2], fds[4], before, rc, e;

	pair(sv);
	before = count_fds();
	send_raw(sv[0], p, len, sv[1], withfd ? 1 : 0);
	close(sv[0]);
	rc = frame_recv(sv[1], &f, 64, fds, 4);
	e = errno;
	check(rc == -1 && e == EPROTO && f.buf == NULL && f.nfds == 0 &&
	    count_fds() == before - 1, name,
	    "rc %d errno %s, descriptors %d before, %d after", rc,
	    strerror(e), before - 1, count_fds());
	close(sv[1]);
}

static void
test_frame_cut(void)
{
	uint32_t h[4] = { 1, 10, 0, 0 };

	cut_case("frame: a stream cut inside a header gives EPROTO", h, 4, 0);
	cut_case("frame: a stream cut inside a header with descriptors gives "
	    "EPROTO and closes them", h, 4, 1);
	cut_case("frame: a stream cut inside a payload gives EPROTO", h, 13,
	    0);
}

static void
test_frame_large(void)
{
	size_t len = 3u << 20;
	unsigned char *buf = malloc(len);
	struct frame f;
	int sv[2], rc, st = -1;
	pid_t pid;

	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	pair(sv);
	if ((pid = fork()) == 0) {
		close(sv[1]);
		_exit(frame_send(sv[0], 9, buf, len, NULL, 0) == 0 ? 0 : 1);
	}
	close(sv[0]);
	rc = frame_recv(sv[1], &f, DIVE_MAX_MSG, NULL, 0);
	waitpid(pid, &st, 0);
	CHECK(rc == 1 && f.type == 9 && f.len == len &&
	    memcmp(f.buf, buf, len) == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0,
	    "frame: a 3 MiB payload arrives intact");
	if (rc == 1)
		frame_free(&f);
	close(sv[1]);
	free(buf);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/*
 * More pieces than one sendmsg takes, none adjacent to the next, through
 * a small socket buffer while a timer interrupts the sender, so that
 * sendmsg returns part way through pieces: they arrive in order, intact,
 * with the descriptor on the first byte.
 */
static void
test_frame_pieces(void)
{
	enum { PIECES = 300, STEP = 4099 };
	size_t len = (size_t)PIECES * STEP, sent = 0;
	unsigned char *buf = malloc(len * 2), *want = malloc(len);
	struct iovs p = { 0 };
	struct frame f;
	int sv[2], fd = -1, rc, st = -1, small = 4096;
	pid_t pid;

	for (size_t i = 0; i < len * 2; i++)
		buf[i] = (unsigned char)(i * 13 + i / 257);
	/* Every other stretch of the buffer, each a piece of its own. */
	for (size_t i = 0; i < PIECES; i++) {
		iovs_add(&p, buf + i * 2 * STEP, STEP);
		memcpy(want + sent, buf + i * 2 * STEP, STEP);
		sent += STEP;
	}
	CHECK(p.n == PIECES && p.len == len && !p.err,
	    "iovs: pieces apart stay apart");
	pair(sv);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if ((pid = fork()) == 0) {
		struct itimerval it = { { 0, 100 }, { 0, 100 } };
		struct sigaction sa;

		close(sv[1]);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;	/* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		_exit(frame_sendv(sv[0], 5, &p, &sv[0], 1) == 0 ? 0 : 1);
	}
	close(sv[0]);
	rc = frame_recv(sv[1], &f, DIVE_MAX_MSG, &fd, 1);
	waitpid(pid, &st, 0);
	CHECK(rc == 1 && f.type == 5 && f.len == len && f.nfds == 1 &&
	    memcmp(f.buf, want, len) == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0,
	    "frame: 300 pieces sent in parts arrive whole and in order");
	if (rc == 1)
		frame_free(&f);
	if (fd != -1)
		close(fd);
	close(sv[1]);
	iovs_free(&p);
	free(buf);
	free(want);
}

static void
test_iovs(void)
{
	const char *v[] = { "ab", "cd", "", "e" };
	char s[] = "ab\0cd\0\0e";
	const char *apart[] = { "xy", "z" };
	struct iovs p = { 0 };
	struct wbuf w = { 0 };

	/* Strings one after another, as exec lays them out: one piece. */
	v[0] = s;
	v[1] = s + 3;
	v[2] = s + 6;
	v[3] = s + 7;
	iovs_strs(&p, v, 4);
	CHECK(p.n == 1 && p.len == 9 && p.v[0].iov_base == s,
	    "iovs: adjacent strings become one piece");
	iovs_strs(&p, apart, 2);
	wbuf_iovs(&w, &p);
	CHECK(p.len == 14 && w.len == 14 &&
	    memcmp(w.p, "ab\0cd\0\0e\0xy\0z", 14) == 0,
	    "iovs: the bytes are the strings in order, each with its NUL");
	iovs_add(&p, "", 0);
	CHECK(p.len == 14, "iovs: an empty piece adds nothing");
	wbuf_free(&w);
	iovs_free(&p);
	CHECK(p.v == NULL && p.n == 0 && p.len == 0, "iovs: freed, it is empty");
}

/* A LIST payload: argc, then the bytes of the strings. */
static void
list_payload(struct wbuf *w, uint32_t argc, const void *s, size_t slen)
{
	memset(w, 0, sizeof(*w));
	wbuf_u32(w, argc);
	wbuf_bytes(w, s, slen);
}

static void
list_refused(const char *name, uint32_t argc, const void *s, size_t slen,
    size_t nfds, const char *reason)
{
	struct listreq l;
	struct wbuf w;
	const char *why = NULL;
	int rc;

	list_payload(&w, argc, s, slen);
	rc = proto_decode_list(w.p, w.len, nfds, &l, &why);
	check(rc == -1 && why != NULL && strstr(why, reason) != NULL &&
	    l.argv == NULL, name, "rc %d reason \"%s\"", rc,
	    why ? why : "(none)");
	wbuf_free(&w);
}

static void
test_list(void)
{
	const char *argv[] = { "/usr/bin/id", "", "-un", NULL };
	struct listreq in = { 3, argv }, out;
	struct wbuf w = { 0 };
	const char *why = NULL, *text;
	uint32_t st;
	size_t n;

	CHECK(proto_encode_list(&w, &in) == 0 &&
	    proto_decode_list(w.p, w.len, 0, &out, &why) == 0 &&
	    out.argc == 3 && same_strv(argv, out.argv, 3),
	    "list: a command line survives a round trip, NULL-terminated");
	listreq_free(&out);
	wbuf_free(&w);
	in.argc = 0;
	CHECK(proto_encode_list(&w, &in) == 0 && w.len == 4 &&
	    proto_decode_list(w.p, w.len, 0, &out, &why) == 0 &&
	    out.argc == 0 && out.argv[0] == NULL,
	    "list: a request without a command line asks for the whole list");
	listreq_free(&out);
	wbuf_free(&w);
	list_refused("list: a descriptor sent with or before it is refused",
	    1, "id", 3, 1, "a list request takes no descriptors");
	list_refused("list: more arguments than a request may have are "
	    "refused", DIVE_MAX_ARGS + 1, "id", 3, 0, "too many arguments");
	list_refused("list: a count the bytes cannot hold is refused", 5,
	    "a\0b", 4, 0, "truncated list request");
	list_refused("list: an unterminated string is refused", 1, "id", 2, 0,
	    "truncated or over-long string");
	list_refused("list: bytes after the strings are refused", 1, "id\0x",
	    4, 0, "trailing bytes");
	CHECK(proto_decode_list((const unsigned char *)"ab", 2, 0, &out,
	    &why) == -1 && strcmp(why, "truncated list request") == 0,
	    "list: a payload shorter than its count is refused");

	wbuf_u32(&w, LISTING_NOT);
	wbuf_bytes(&w, "no\n", 3);
	CHECK(proto_decode_listing(w.p, w.len, &st, &text, &n) == 0 &&
	    st == LISTING_NOT && n == 3 && memcmp(text, "no\n", 3) == 0,
	    "listing: the status and the text are decoded");
	wbuf_bytes(&w, "\0", 1);
	CHECK(proto_decode_listing(w.p, w.len, &st, &text, &n) == -1,
	    "listing: a NUL in the text is refused");
	wbuf_free(&w);
	wbuf_u32(&w, 2);
	CHECK(proto_decode_listing(w.p, w.len, &st, &text, &n) == -1,
	    "listing: a status other than 0 and 1 is refused");
	wbuf_free(&w);
	wbuf_u32(&w, LISTING_PERMITTED);
	for (n = 0; n <= DIVE_MAX_LISTING; n++)
		wbuf_bytes(&w, "x", 1);
	CHECK(proto_decode_listing(w.p, w.len, &st, &text, &n) == -1,
	    "listing: a text over the bound is refused");
	wbuf_free(&w);
}

void
t_proto(void)
{
	test_list();
	test_request_roundtrip();
	test_request_header();
	test_request_counts();
	test_request_strings();
	test_request_strbytes();
	test_decode_fds();
	test_small_helpers();
	test_hello();
	test_rbuf();
	test_frame_payload();
	test_frame_fds();
	test_pty_message();
	test_frame_fd_limits();
	test_frame_late_fds();
	test_frame_length();
	test_frame_cut();
	test_frame_large();
	test_frame_pieces();
	test_iovs();
}
