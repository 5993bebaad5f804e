/*
 * The monitor's decoder for what the parser sends.  The parser may be
 * compromised, so every message here is built by hand, wrong on purpose,
 * and each refusal must leave no descriptor open once the request is
 * freed.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "privsep.h"
#include "proto.h"
#include "sealed.h"
#include "wire.h"
#include "unit.h"

static int
devnull(void)
{
	int fd;

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "/dev/null");
	return fd;
}

static void
devnulls(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fds[i] = devnull();
}

/* One PS_FDS message: v is the payload (count, targets), nfds attached. */
static int
batch(struct spawn_req *r, const uint32_t *v, size_t nv, size_t nfds,
    const char **why)
{
	int fds[DIVE_FD_BATCH + 1];

	devnulls(fds, nfds);
	return ps_take_fds(r, (const unsigned char *)v, nv * sizeof(*v), fds,
	    nfds, why);
}

/* A single PS_FDS batch on a fresh request, expected to be refused. */
static void
batch_refused(const char *name, const uint32_t *v, size_t nv, size_t nfds,
    const char *reason)
{
	struct spawn_req r;
	const char *why = NULL;
	int before = count_fds(), after, rc;

	spawn_req_init(&r);
	rc = batch(&r, v, nv, nfds, &why);
	spawn_req_free(&r);
	after = count_fds();
	check(rc == -1 && why != NULL && strstr(why, reason) != NULL &&
	    after == before, name,
	    "rc %d reason \"%s\", descriptors %d before, %d after", rc,
	    why ? why : "(none)", before, after);
}

/* A header for argc + envc strings in strbytes, after one client fd. */
static struct ps_spawn
hdr(uint32_t argc, uint32_t envc, size_t strbytes)
{
	struct ps_spawn h = { PS_MAGIC, { 022, 0, WAIT_STATUS, SIGFW_NONE, 0,
	    0, 0, argc, envc }, 1, (uint32_t)strbytes };

	return h;
}

/* A PS_SPAWN buffer, malloc'd as ps_take_spawn wants to own it. */
static unsigned char *
spawn_buf(const struct ps_spawn *h, const void *s, size_t slen, size_t *len)
{
	unsigned char *p;

	*len = sizeof(*h) + slen;
	if ((p = malloc(*len)) == NULL)
		err(1, NULL);
	memcpy(p, h, sizeof(*h));
	memcpy(p + sizeof(*h), s, slen);
	return p;
}

/*
 * Takes one client descriptor (target 3) and then the spawn buffer with
 * naux fresh descriptors attached.  reason NULL: accepted; otherwise
 * refused with a reason containing it.  Either way nothing stays open
 * after spawn_req_free.
 */
static void
spawn_raw_case(const char *name, unsigned char *buf, size_t len, size_t naux,
    const char *reason)
{
	struct spawn_req r;
	const char *why = NULL;
	int aux[DIVE_MAX_AUXFDS + 1], before = count_fds(), after, rc;

	spawn_req_init(&r);
	if (batch(&r, (uint32_t[]){ 1, 3 }, 2, 1, &why) == -1)
		errx(1, "%s: PS_FDS refused: %s", name, why);
	devnulls(aux, naux);
	rc = ps_take_spawn(&r, buf, len, aux, naux, &why);
	spawn_req_free(&r);
	after = count_fds();
	if (reason == NULL)
		check(rc == 0 && after == before, name,
		    "rc %d reason \"%s\", descriptors %d before, %d after",
		    rc, rc ? why : "", before, after);
	else
		check(rc == -1 && why != NULL && strstr(why, reason) != NULL &&
		    after == before, name,
		    "rc %d reason \"%s\", descriptors %d before, %d after",
		    rc, why ? why : "(none)", before, after);
}

static void
spawn_case(const char *name, const struct ps_spawn *h, const void *s,
    size_t slen, size_t naux, const char *reason)
{
	unsigned char *buf;
	size_t len;

	buf = spawn_buf(h, s, slen, &len);
	spawn_raw_case(name, buf, len, naux, reason);
}

static void
test_good_request(void)
{
	static const char s[] = "/bin/echo\0hi\0A=1\0B=x=y";
	const char *argv[] = { "/bin/echo", "hi" };
	const char *envp[] = { "A=1", "B=x=y" };
	struct ps_spawn h = { PS_MAGIC, { 027, REQ_HAS_CWD | REQ_HAS_TTY,
	    WAIT_HOLDERS, SIGFW_PGRP, 0, 0, 0, 2, 2 }, 2, sizeof(s) };
	struct spawn_req r;
	const char *why = "";
	unsigned char *buf;
	size_t len;
	int before = count_fds(), cl[2], aux[2], rc1, rc2;

	spawn_req_init(&r);
	devnulls(cl, 2);
	devnulls(aux, 2);
	rc1 = ps_take_fds(&r, (const unsigned char *)(uint32_t[]){ 2, 0, 9 },
	    12, cl, 2, &why);
	buf = spawn_buf(&h, s, sizeof(s), &len);
	rc2 = ps_take_spawn(&r, buf, len, aux, 2, &why);
	if (check(rc1 == 0 && rc2 == 0, "privsep: a good request is accepted",
	    "PS_FDS %d, PS_SPAWN %d: %s", rc1, rc2, why)) {
		CHECK(r.nfds == 2 && r.fds[0] == cl[0] && r.fds[1] == cl[1] &&
		    r.targets[0] == 0 && r.targets[1] == 9,
		    "privsep: client descriptors are kept with their targets");
		CHECK(r.cwdfd == aux[0] && r.rootfd == -1 && r.ttyfd == aux[1],
		    "privsep: cwd and tty descriptors are taken in flag order");
		CHECK(r.head.umask == 027 && r.head.flags == h.head.flags &&
		    r.head.waitmode == WAIT_HOLDERS &&
		    r.head.sigfwmode == SIGFW_PGRP,
		    "privsep: umask, flags and modes are kept as sent");
		CHECK(r.head.argc == 2 && same_strv(argv, r.argv, 2),
		    "privsep: argv is kept as sent, NULL-terminated");
		CHECK(r.head.envc == 2 && same_strv(envp, r.envp, 2),
		    "privsep: envp is kept as sent, NULL-terminated");
	}
	spawn_req_free(&r);
	CHECK(count_fds() == before,
	    "privsep: freeing a request closes all its descriptors");
}

static void
test_aux_order(void)
{
	struct ps_spawn h = { PS_MAGIC, { 0, REQ_FLAGS, 0, 0, 0, 0, 0, 1, 0 },
	    0, 2 };
	struct spawn_req r;
	const char *why = "";
	unsigned char *buf;
	size_t len;
	int aux[3], rc;

	devnulls(aux, 3);
	spawn_req_init(&r);
	buf = spawn_buf(&h, "x", 2, &len);
	rc = ps_take_spawn(&r, buf, len, aux, 3, &why);
	check(rc == 0 && r.cwdfd == aux[0] && r.rootfd == aux[1] &&
	    r.ttyfd == aux[2] && r.nfds == 0,
	    "privsep: cwd, root and tty descriptors are taken in that order",
	    "rc %d (%s): cwd %d root %d tty %d, sent %d %d %d", rc, why,
	    r.cwdfd, r.rootfd, r.ttyfd, aux[0], aux[1], aux[2]);
	spawn_req_free(&r);
}

static void
test_batches(void)
{
	uint32_t big[DIVE_FD_BATCH + 2];

	for (uint32_t i = 0; i <= DIVE_FD_BATCH; i++)
		big[i + 1] = i;
	batch_refused("privsep: PS_FDS count over the descriptors attached is "
	    "refused", (uint32_t[]){ 2, 3, 4 }, 3, 1, "malformed");
	batch_refused("privsep: PS_FDS count under the descriptors attached is "
	    "refused", (uint32_t[]){ 1, 3 }, 2, 2, "malformed");
	batch_refused("privsep: PS_FDS targets not matching the count are "
	    "refused", (uint32_t[]){ 1, 3, 4 }, 3, 1, "malformed");
	batch_refused("privsep: PS_FDS without a count is refused",
	    NULL, 0, 0, "malformed");
	big[0] = DIVE_FD_BATCH + 1;
	batch_refused("privsep: PS_FDS batch over DIVE_FD_BATCH is refused",
	    big, DIVE_FD_BATCH + 2, DIVE_FD_BATCH + 1, "malformed");
	batch_refused("privsep: a target over DIVE_MAX_FDNUM is refused",
	    (uint32_t[]){ 1, DIVE_MAX_FDNUM + 1 }, 2, 1, "range");
	batch_refused("privsep: a target repeated in a batch is refused",
	    (uint32_t[]){ 2, 6, 6 }, 3, 2, "repeated");
	batch_refused("privsep: a bad target after good ones leaks nothing",
	    (uint32_t[]){ 3, 6, 7, DIVE_MAX_FDNUM + 1 }, 4, 3, "range");
}

static void
test_batches_accepted(void)
{
	uint32_t big[DIVE_FD_BATCH + 1];
	struct spawn_req r;
	const char *why = "";
	int before = count_fds(), rc;

	big[0] = DIVE_FD_BATCH;
	for (uint32_t i = 0; i < DIVE_FD_BATCH; i++)
		big[i + 1] = i;
	spawn_req_init(&r);
	rc = batch(&r, big, DIVE_FD_BATCH + 1, DIVE_FD_BATCH, &why);
	check(rc == 0 && r.nfds == DIVE_FD_BATCH,
	    "privsep: a batch of exactly DIVE_FD_BATCH is accepted",
	    "rc %d (%s) nfds %zu", rc, why, r.nfds);
	rc = batch(&r, (uint32_t[]){ 1, DIVE_MAX_FDNUM }, 2, 1, &why);
	check(rc == 0 && r.targets[DIVE_FD_BATCH] == DIVE_MAX_FDNUM,
	    "privsep: target DIVE_MAX_FDNUM is accepted", "rc %d (%s)", rc,
	    why);
	spawn_req_free(&r);
	CHECK(count_fds() == before,
	    "privsep: descriptors taken in batches are closed when freed");
}

static void
test_batches_across(void)
{
	struct spawn_req r;
	const char *why = "";
	int before = count_fds(), rc;

	spawn_req_init(&r);
	batch(&r, (uint32_t[]){ 1, 5 }, 2, 1, &why);
	rc = batch(&r, (uint32_t[]){ 1, 5 }, 2, 1, &why);
	spawn_req_free(&r);
	check(rc == -1 && count_fds() == before,
	    "privsep: a target repeated across batches is refused",
	    "rc %d, descriptors %d before, %d after", rc, before, count_fds());
}

/*
 * Only the count matters for the cumulative limit, so the descriptors
 * already taken are -1, which spawn_req_free skips: the test need not
 * hold DIVE_MAX_FDS descriptors open.
 */
static void
test_batches_total(void)
{
	struct spawn_req r;
	uint32_t v[DIVE_FD_BATCH + 1];
	int none[DIVE_FD_BATCH], fd, before = count_fds(), rc = 0;
	const char *why = "";

	spawn_req_init(&r);
	v[0] = DIVE_FD_BATCH;
	for (size_t i = 0; i < DIVE_FD_BATCH; i++)
		none[i] = -1;
	for (uint32_t b = 0; rc == 0 && b < DIVE_MAX_FDS / DIVE_FD_BATCH;
	    b++) {
		for (uint32_t i = 0; i < DIVE_FD_BATCH; i++)
			v[i + 1] = b * DIVE_FD_BATCH + i;
		rc = ps_take_fds(&r, (unsigned char *)v, sizeof(v), none,
		    DIVE_FD_BATCH, &why);
	}
	check(rc == 0 && r.nfds == DIVE_MAX_FDS,
	    "privsep: DIVE_MAX_FDS descriptors in batches are accepted",
	    "rc %d (%s) nfds %zu", rc, why, r.nfds);
	fd = devnull();
	rc = ps_take_fds(&r, (const unsigned char *)(uint32_t[]){ 1, 60000 },
	    8, &fd, 1, &why);
	spawn_req_free(&r);
	check(rc == -1 && count_fds() == before,
	    "privsep: descriptors over DIVE_MAX_FDS in all are refused",
	    "rc %d, descriptors %d before, %d after", rc, before, count_fds());
}

static void
test_spawn_header(void)
{
	struct ps_spawn h;
	unsigned char *buf;
	size_t len;

	buf = spawn_buf(&(struct ps_spawn){ 0 }, "", 0, &len);
	spawn_raw_case("privsep: a spawn request shorter than its header is "
	    "refused", buf, len - 1, 0, "truncated");
	h = hdr(1, 0, 2);
	spawn_case("privsep: a minimal spawn request is accepted",
	    &h, "x", 2, 0, NULL);
	h.magic ^= 1;
	spawn_case("privsep: a spawn request with bad magic is refused",
	    &h, "x", 2, 0, "malformed");
	h = hdr(1, 0, 2);
	h.head.umask = 01000;
	spawn_case("privsep: umask over 0777 is refused", &h, "x", 2, 0,
	    "umask");
	h = hdr(1, 0, 2);
	h.head.flags = REQ_FLAGS + 1;
	spawn_case("privsep: unknown spawn flags are refused", &h, "x", 2, 0,
	    "flags");
	h = hdr(1, 0, 2);
	h.head.waitmode = WAIT_MAX + 1;
	spawn_case("privsep: waitmode past WAIT_MAX is refused", &h, "x", 2, 0,
	    "mode");
	h = hdr(1, 0, 2);
	h.head.sigfwmode = SIGFW_MAX + 1;
	spawn_case("privsep: sigfwmode past SIGFW_MAX is refused", &h, "x", 2,
	    0, "mode");
	h = hdr(1, 0, 2);
	h.nfds = 0;
	spawn_case("privsep: nfds under what PS_FDS delivered is refused",
	    &h, "x", 2, 0, "does not match");
	h.nfds = 2;
	spawn_case("privsep: nfds over what PS_FDS delivered is refused",
	    &h, "x", 2, 0, "does not match");
}

static void
test_spawn_aux(void)
{
	struct ps_spawn h = hdr(1, 0, 2);

	h.head.flags = REQ_HAS_CWD;
	spawn_case("privsep: a cwd flag without its descriptor is refused",
	    &h, "x", 2, 0, "do not match");
	h.head.flags = 0;
	spawn_case("privsep: a descriptor no flag asks for is refused",
	    &h, "x", 2, 1, "do not match");
	h.head.flags = REQ_FLAGS;
	spawn_case("privsep: three aux flags with two descriptors are refused",
	    &h, "x", 2, 2, "do not match");
	spawn_case("privsep: three aux flags with three descriptors are "
	    "accepted", &h, "x", 2, 3, NULL);
}

static void
test_spawn_counts(void)
{
	size_t n = DIVE_MAX_ARGS + 1;
	char *empties = calloc(n, 1);
	char *assigns = malloc((DIVE_MAX_ENV + 1) * 4);
	struct ps_spawn h;

	for (size_t i = 0; i < DIVE_MAX_ENV + 1; i++)
		memcpy(assigns + i * 4, "A=1", 4);
	h = hdr(DIVE_MAX_ARGS, 0, DIVE_MAX_ARGS);
	spawn_case("privsep: exactly DIVE_MAX_ARGS arguments are accepted",
	    &h, empties, DIVE_MAX_ARGS, 0, NULL);
	h = hdr(DIVE_MAX_ARGS + 1, 0, n);
	spawn_case("privsep: argc over DIVE_MAX_ARGS is refused",
	    &h, empties, n, 0, "too many arguments");
	h = hdr(0, DIVE_MAX_ENV + 1, (DIVE_MAX_ENV + 1) * 4);
	spawn_case("privsep: envc over DIVE_MAX_ENV is refused",
	    &h, assigns, (DIVE_MAX_ENV + 1) * 4, 0, "too many environment");
	h = hdr(3, 0, 4);
	spawn_case("privsep: argc over the strings present is refused",
	    &h, "a\0b", 4, 0, "string");
	free(empties);
	free(assigns);
}

/* strbytes must be exactly what follows the header, and within bounds. */
static void
test_spawn_strbytes(void)
{
	/* 32 strings of 130943 bytes and their NULs fill DIVE_MAX_STRBYTES. */
	size_t each = DIVE_MAX_STRBYTES / 32, total = DIVE_MAX_STRBYTES + 1;
	char *s = malloc(total);
	struct ps_spawn h;

	memset(s, 'x', total);
	for (size_t i = 1; i <= 32; i++)
		s[i * each - 1] = '\0';
	s[total - 1] = '\0';
	h = hdr(1, 0, 3);
	spawn_case("privsep: strbytes over the bytes present is refused",
	    &h, "x", 2, 0, "out of range");
	h = hdr(1, 0, 1);
	spawn_case("privsep: strbytes under the bytes present is refused",
	    &h, "x", 2, 0, "out of range");
	h = hdr(32, 0, DIVE_MAX_STRBYTES);
	spawn_case("privsep: strings of exactly DIVE_MAX_STRBYTES are "
	    "accepted", &h, s, DIVE_MAX_STRBYTES, 0, NULL);
	h = hdr(33, 0, total);
	spawn_case("privsep: strings over DIVE_MAX_STRBYTES are refused",
	    &h, s, total, 0, "out of range");
	free(s);
}

static void
test_spawn_strings(void)
{
	char *big = malloc(DIVE_MAX_STRING + 2);
	struct ps_spawn h;

	memset(big, 'x', DIVE_MAX_STRING + 1);
	big[DIVE_MAX_STRING + 1] = '\0';
	h = hdr(1, 0, 3);
	spawn_case("privsep: an unterminated string is refused",
	    &h, "abc", 3, 0, "unterminated");
	h = hdr(1, 0, DIVE_MAX_STRING + 1);
	spawn_case("privsep: a string of DIVE_MAX_STRING bytes is accepted",
	    &h, big + 1, DIVE_MAX_STRING + 1, 0, NULL);
	h = hdr(1, 0, DIVE_MAX_STRING + 2);
	spawn_case("privsep: a string over DIVE_MAX_STRING is refused",
	    &h, big, DIVE_MAX_STRING + 2, 0, "over-long");
	h = hdr(1, 0, 3);
	spawn_case("privsep: bytes after the last string are refused",
	    &h, "a\0x", 3, 0, "trailing");
	h = hdr(1, 1, 6);
	spawn_case("privsep: an environment entry without '=' is refused",
	    &h, "a\0FOO", 6, 0, "environment");
	h = hdr(1, 1, 5);
	spawn_case("privsep: an environment entry starting with '=' is "
	    "refused", &h, "a\0=x", 5, 0, "environment");
	h = hdr(1, 1, 13);
	spawn_case("privsep: a DIVE_ variable from the client is refused",
	    &h, "a\0DIVE_UID=0", 13, 0, "environment");
	h = hdr(1, 1, 5);
	spawn_case("privsep: an entry with an empty value is accepted",
	    &h, "a\0X=", 5, 0, NULL);
	free(big);
}

static void
test_encode_roundtrip(void)
{
	const char *argv[] = { "/bin/sh", "-c", "echo $X", NULL };
	const char *envp[] = { "X=1", NULL };
	struct ps_spawn h = { PS_MAGIC, { 077, REQ_HAS_ROOT, WAIT_NONE,
	    SIGFW_PID, 0, 0, 0, 3, 1 }, 0, 0 }, sent;
	struct spawn_req r;
	struct wbuf w = { 0 };
	const char *why = "";
	int aux, before = count_fds(), rc;

	ps_encode_spawn(&w, &h, argv, envp);
	memcpy(&sent, w.p, sizeof(sent));
	CHECK(!w.err && sent.strbytes == w.len - sizeof(h),
	    "privsep: ps_encode_spawn fills in strbytes");
	aux = devnull();
	spawn_req_init(&r);
	rc = ps_take_spawn(&r, w.p, w.len, &aux, 1, &why);
	if (check(rc == 0, "privsep: ps_encode_spawn output is accepted",
	    "refused: %s", why)) {
		CHECK(r.head.umask == 077 && r.head.flags == REQ_HAS_ROOT &&
		    r.head.waitmode == WAIT_NONE &&
		    r.head.sigfwmode == SIGFW_PID &&
		    r.rootfd == aux && r.cwdfd == -1 && r.ttyfd == -1,
		    "privsep: encoded numbers and descriptors come back");
		CHECK(r.head.argc == 3 && same_strv(argv, r.argv, 3) &&
		    r.head.envc == 1 && same_strv(envp, r.envp, 1),
		    "privsep: encoded strings come back");
	}
	spawn_req_free(&r);
	CHECK(count_fds() == before,
	    "privsep: a round-tripped request frees its descriptors");
}

static void
test_fail(void)
{
	unsigned char m[4 + 8];
	uint32_t st = 126;
	char text[6];

	memcpy(m, &st, 4);
	memcpy(m + 4, "reason!!", 8);
	CHECK(ps_take_fail(m, sizeof(m), &st, text, sizeof(text)) == 0 &&
	    st == 126 && strcmp(text, "reaso") == 0,
	    "privsep: a refusal's text is cut to fit and terminated");
	st = 0;
	memcpy(m, &st, 4);
	CHECK(ps_take_fail(m, sizeof(m), &st, text, sizeof(text)) == 0 &&
	    st == DIVE_EXIT_FAILURE,
	    "privsep: a refusal with status 0 becomes a failure");
	st = 300;
	memcpy(m, &st, 4);
	CHECK(ps_take_fail(m, sizeof(m), &st, text, sizeof(text)) == 0 &&
	    st == DIVE_EXIT_FAILURE,
	    "privsep: a refusal with a status over 255 becomes a failure");
	CHECK(ps_take_fail(m, 3, &st, text, sizeof(text)) == -1,
	    "privsep: a refusal shorter than its status is malformed");
}

/* The pseudo-terminal fields, checked again on the monitor's side. */
static void
test_spawn_pty(void)
{
	static const char str[] = "a";
	struct ps_spawn h = hdr(1, 0, sizeof(str));
	struct spawn_req r;
	const char *why = "";
	unsigned char *buf;
	size_t len;
	int before = count_fds(), rc;

	h.head.pty = PTY_STDIN | PTY_STDOUT;
	h.head.rows = 24;
	h.head.cols = 80;
	spawn_req_init(&r);
	if (batch(&r, (uint32_t[]){ 1, 3 }, 2, 1, &why) == -1)
		errx(1, "pty: PS_FDS refused: %s", why);
	buf = spawn_buf(&h, str, sizeof(str), &len);
	rc = ps_take_spawn(&r, buf, len, NULL, 0, &why);
	if (check(rc == 0, "privsep: a pseudo-terminal request is accepted",
	    "refused: %s", why))
		CHECK(r.head.pty == (PTY_STDIN | PTY_STDOUT) &&
		    r.head.rows == 24 && r.head.cols == 80 && r.ptyfd == -1,
		    "privsep: the pseudo-terminal fields are kept, no slave yet");
	spawn_req_free(&r);
	CHECK(count_fds() == before,
	    "privsep: a pseudo-terminal request leaks no descriptor");

	h.head.pty = PTY_STDERR;
	spawn_req_init(&r);
	if (batch(&r, (uint32_t[]){ 1, 2 }, 2, 1, &why) == -1)
		errx(1, "pty: PS_FDS refused: %s", why);
	buf = spawn_buf(&h, str, sizeof(str), &len);
	rc = ps_take_spawn(&r, buf, len, NULL, 0, &why);
	spawn_req_free(&r);
	check(rc == -1 && strstr(why, "pseudo-terminal") != NULL &&
	    count_fds() == before, "privsep: a client descriptor where the "
	    "pseudo-terminal goes is refused", "rc %d: %s", rc, why);

	h.head.pty = 0x8;
	spawn_case("privsep: a pseudo-terminal beyond descriptor 2 is refused",
	    &h, str, sizeof(str), 0, "pseudo-terminal");
	h.head.pty = PTY_STDIN;
	h.head.flags = REQ_HAS_TTY;
	spawn_case("privsep: a terminal sent with a pseudo-terminal is refused",
	    &h, str, sizeof(str), 1, "terminal");
	h.head.flags = 0;
	h.head.rows = PTY_MAX_SIZE + 1;
	spawn_case("privsep: a window size over the bound is refused", &h, str,
	    sizeof(str), 0, "window size");
	h.head.pty = 0;
	h.head.rows = 24;
	spawn_case("privsep: a window size without a pseudo-terminal is "
	    "refused", &h, str, sizeof(str), 0, "window size");
}

/* A PS_LIST buffer, malloc'd as ps_take_list wants to own it. */
static unsigned char *
list_buf(uint32_t magic, uint32_t argc, const void *s, size_t slen,
    uint32_t strbytes, size_t *len)
{
	struct ps_list h = { magic, argc, strbytes };
	unsigned char *p;

	*len = sizeof(h) + slen;
	if ((p = malloc(*len)) == NULL)
		err(1, NULL);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), s, slen);
	return p;
}

/*
 * A PS_LIST after nbefore client descriptors, with nwith attached:
 * accepted (reason NULL) or refused with a reason containing it, with
 * nothing left open either way.
 */
static void
list_case(const char *name, unsigned char *buf, size_t len, size_t nbefore,
    size_t nwith, const char *reason)
{
	struct spawn_req r;
	const char *why = NULL;
	int with[2], before = count_fds(), after, rc;

	spawn_req_init(&r);
	if (nbefore > 0 && batch(&r, (uint32_t[]){ 1, 3 }, 2, 1, &why) == -1)
		errx(1, "%s: PS_FDS refused: %s", name, why);
	devnulls(with, nwith);
	rc = ps_take_list(&r, buf, len, with, nwith, &why);
	if (reason == NULL)
		check(rc == 0 && r.list && r.head.argc == 2 &&
		    strcmp(r.argv[0], "/bin/id") == 0 &&
		    strcmp(r.argv[1], "-u") == 0 && r.argv[2] == NULL, name,
		    "rc %d (%s)", rc, rc ? why : "");
	spawn_req_free(&r);
	after = count_fds();
	if (reason != NULL)
		check(rc == -1 && why != NULL && strstr(why, reason) != NULL &&
		    after == before, name,
		    "rc %d reason \"%s\", descriptors %d before, %d after",
		    rc, why ? why : "(none)", before, after);
}

static void
test_list(void)
{
	static const char s[] = "/bin/id\0-u";
	const char *argv[] = { "/bin/id", "-u", NULL };
	struct ps_list h = { PS_LIST_MAGIC, 2, 0 };
	struct spawn_req r;
	struct wbuf w = { 0 };
	const char *why = NULL;
	unsigned char *buf;
	size_t len;

	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: a list request is taken, nothing to run", buf,
	    len, 0, 0, NULL);
	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: a list request after client descriptors is "
	    "refused", buf, len, 1, 0, "a list request takes no descriptors");
	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: a list request with descriptors is refused, "
	    "and they are closed", buf, len, 0, 2,
	    "a list request takes no descriptors");
	buf = list_buf(PS_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: a list request with a spawn's magic is refused",
	    buf, len, 0, 0, "malformed list request");
	buf = list_buf(PS_LIST_MAGIC, DIVE_MAX_ARGS + 1, s, sizeof(s),
	    sizeof(s), &len);
	list_case("privsep: a list request over the argument bound is "
	    "refused", buf, len, 0, 0, "too many arguments");
	buf = list_buf(PS_LIST_MAGIC, 3, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: a list request naming more strings than it has "
	    "is refused", buf, len, 0, 0, "unterminated or over-long string");
	buf = list_buf(PS_LIST_MAGIC, 1, s, sizeof(s), sizeof(s), &len);
	list_case("privsep: bytes after a list request's strings are refused",
	    buf, len, 0, 0, "trailing bytes");
	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s) + 1, &len);
	list_case("privsep: a list request whose lengths disagree is refused",
	    buf, len, 0, 0, "lengths out of range");
	buf = list_buf(PS_LIST_MAGIC, 2, s, 4, 4, &len);
	list_case("privsep: a truncated list request is refused", buf,
	    sizeof(h) - 1, 0, 0, "truncated list request");

	/* A list and a spawn request, or two lists: one request only. */
	spawn_req_init(&r);
	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	(void)ps_take_list(&r, buf, len, NULL, 0, &why);
	buf = list_buf(PS_LIST_MAGIC, 2, s, sizeof(s), sizeof(s), &len);
	CHECK(ps_take_list(&r, buf, len, NULL, 0, &why) == -1 &&
	    strcmp(why, "second request") == 0,
	    "privsep: a second list request is refused");
	buf = spawn_buf(&(struct ps_spawn){ PS_MAGIC, { 022, 0, 0, 0, 0, 0, 0,
	    1, 0 }, 0, 2 }, "x", 2, &len);
	CHECK(ps_take_spawn(&r, buf, len, NULL, 0, &why) == -1 &&
	    strcmp(why, "second request") == 0,
	    "privsep: a spawn request after a list request is refused");
	spawn_req_free(&r);

	h.argc = 2;
	ps_encode_list(&w, &h, argv);
	spawn_req_init(&r);
	buf = malloc(w.len);
	if (buf == NULL)
		err(1, NULL);
	memcpy(buf, w.p, w.len);
	CHECK(!w.err && ps_take_list(&r, buf, w.len, NULL, 0, &why) == 0 &&
	    same_strv(argv, r.argv, 2),
	    "privsep: what the parser encodes, the monitor takes");
	spawn_req_free(&r);
	wbuf_free(&w);
}

/* A request for /bin/echo hi with A=1, DIVE_UID=0 and B=2, and a cwd. */
static void
sealed_request(struct iovs *p, uint32_t words[REQ_WORDS])
{
	static const char *argv[] = { "/bin/echo", "hi", NULL };
	static const char *envp[] = { "A=1", "DIVE_UID=0", "B=2", NULL };
	struct request q;

	memset(&q, 0, sizeof(q));
	q.head.umask = 022;
	q.head.flags = REQ_HAS_CWD;
	q.head.argc = 2;
	q.head.envc = 3;
	q.argv = argv;
	q.envp = envp;
	memset(p, 0, sizeof(*p));
	proto_request_iovs(p, words, &q);
}

/* A memfd holding the pieces, with only the seals given. */
static int
memfd_sealed(const struct iovs *p, int seals)
{
	int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	for (size_t i = 0; i < p->n; i++)
		(void)!write(fd, p->v[i].iov_base, p->v[i].iov_len);
	fcntl(fd, F_ADD_SEALS, seals);
	return fd;
}

/* ps_take_sealed on fd, announced as len bytes, with a cwd; its refusal. */
static const char *
sealed_case(const char *name, int fd, uint32_t len, uint32_t nfds,
    const char *want)
{
	struct ps_sealed h = { PS_SEALED_MAGIC, nfds, len };
	struct spawn_req r;
	unsigned char *buf = malloc(sizeof(h));
	const char *why = NULL;
	int fds[2] = { fd, devnull() }, before = count_fds(), rc;

	memcpy(buf, &h, sizeof(h));
	spawn_req_init(&r);
	rc = ps_take_sealed(&r, buf, sizeof(h), fds, 2, &why);
	spawn_req_free(&r);
	if (want == NULL)
		check(rc == 0, name, "refused: %s", why);
	else
		check(rc == -1 && why != NULL && strstr(why, want) != NULL,
		    name, "rc %d, why %s", rc, why ? why : "(none)");
	CHECK(count_fds() == before - 2, "privsep: ...and both descriptors "
	    "are closed");
	return why;
}

static void
test_sealed(void)
{
	uint32_t words[REQ_WORDS];
	struct iovs p;
	struct ps_sealed h;
	struct spawn_req r;
	struct rlimit small = { 10, RLIM_INFINITY };
	const char *why = "";
	unsigned char *buf;
	int fd, fds[2], rc, st;
	pid_t pid;

	sealed_request(&p, words);
	/* A good one: decoded, DIVE_UID dropped, the cwd taken. */
	fd = sealed_create(&p);
	CHECK(fd != -1, "sealed: a request goes into a sealed memfd");
	h = (struct ps_sealed){ PS_SEALED_MAGIC, 0, (uint32_t)p.len };
	buf = malloc(sizeof(h));
	memcpy(buf, &h, sizeof(h));
	fds[0] = fd;
	fds[1] = devnull();
	spawn_req_init(&r);
	rc = ps_take_sealed(&r, buf, sizeof(h), fds, 2, &why);
	if (check(rc == 0, "sealed: the monitor takes a sealed request",
	    "refused: %s", why)) {
		CHECK(r.head.argc == 2 && strcmp(r.argv[0], "/bin/echo") == 0 &&
		    strcmp(r.argv[1], "hi") == 0 && r.argv[2] == NULL,
		    "sealed: its arguments come back");
		CHECK(r.head.envc == 2 && strcmp(r.envp[0], "A=1") == 0 &&
		    strcmp(r.envp[1], "B=2") == 0 && r.envp[2] == NULL,
		    "sealed: its environment, without the client's DIVE_*");
		CHECK(r.cwdfd == fds[1] && fcntl(fd, F_GETFD) == -1,
		    "sealed: the cwd is kept and the memfd closed");
	}
	spawn_req_free(&r);

	sealed_case("sealed: a file that is no memfd is refused",
	    open("/etc/hostname", O_RDONLY | O_CLOEXEC), 10, 0,
	    "not in a memfd");
	sealed_case("sealed: a memfd that may still be written is refused",
	    memfd_sealed(&p, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
	    (uint32_t)p.len, 0, "not sealed");
	sealed_case("sealed: a memfd whose seals may still change is refused",
	    memfd_sealed(&p, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW),
	    (uint32_t)p.len, 0, "not sealed");
	sealed_case("sealed: a size other than the memfd's is refused",
	    sealed_create(&p), (uint32_t)p.len + 1, 0, "another size");
	sealed_case("sealed: a size over the bound is refused",
	    sealed_create(&p), DIVE_MAX_MSG + 1, 0, "out of bounds");
	sealed_case("sealed: descriptors the parser did not send first are "
	    "refused", sealed_create(&p), (uint32_t)p.len, 3,
	    "count does not match");
	sealed_case("sealed: and a good one is taken", sealed_create(&p),
	    (uint32_t)p.len, 0, NULL);

	/* Under a file size limit dive sends the request in its frame. */
	if ((pid = fork()) == 0) {
		setrlimit(RLIMIT_FSIZE, &small);
		fd = sealed_create(&p);
		_exit(fd == -1 && errno == EFBIG ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "sealed: under a small RLIMIT_FSIZE no memfd is made, no SIGXFSZ");
	iovs_free(&p);
}

void
t_privsep(void)
{
	test_list();
	test_good_request();
	test_aux_order();
	test_batches();
	test_batches_accepted();
	test_batches_across();
	test_batches_total();
	test_spawn_header();
	test_spawn_aux();
	test_spawn_counts();
	test_spawn_strbytes();
	test_spawn_strings();
	test_encode_roundtrip();
	test_spawn_pty();
	test_sealed();
	test_fail();
}
