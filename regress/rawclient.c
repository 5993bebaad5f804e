/*
 * A deliberately misbehaving dive client (and fake dived) for the tests:
 * it sends what a real client never would and prints every reply.
 *
 *   rawclient SOCK stall           connect, send nothing
 *   rawclient SOCK garbage         bytes that are no greeting
 *   rawclient SOCK hello N         greet with protocol version N
 *   rawclient SOCK oversize        a frame longer than any allowed
 *   rawclient SOCK manyargs        a request claiming too many arguments
 *   rawclient SOCK manyfds N PROG  N descriptors, then a request for PROG
 *   rawclient SOCK dupfd           the same descriptor number twice
 *   rawclient SOCK bigbatch        one frame with too many descriptors
 *   rawclient SOCK truncated PROG  a request for PROG cut short, then EOF
 *   rawclient SOCK vanish PROG     same, but leave without reading
 *   rawclient SOCK aftergarbage    a good request, then garbage
 *   rawclient SOCK ptytty          a pseudo-terminal for 0-2, and its own
 *                                  standard input (a terminal) as 5
 *   rawclient SOCK flood N         N connections at once, each asking for
 *                                  true; prints how many ended which way
 *   rawclient SOCK orphan          connect, and leave the connection to
 *                                  a child; print "PID PTS": the pid
 *                                  that connected, which then exits,
 *                                  and a pseudo-terminal of the child's.
 *                                  Once a line is read from standard
 *                                  input, the child sends a request for
 *                                  "/bin/sh -c 'cat /proc/self/stat'",
 *                                  with that terminal as its own and
 *                                  its standard output as 1, prints the
 *                                  replies and keeps the terminal until
 *                                  end of file or another line
 *   rawclient SOCK later PROG      greet, print "greeted", and send the
 *                                  request for PROG once a line is read
 *                                  from standard input
 *   rawclient SOCK request ARG...  a request whose command line is ARG...
 *                                  (no descriptor); its environment
 *                                  PATH, A=1, B=2, C=3, and between
 *                                  them DIVE_UID=12345 and
 *                                  DIVE_FORGED=1, which a real client
 *                                  never sends
 *   rawclient SOCK sealed HOW ARG... the request of "request ARG..." in a
 *                                  memfd (MSG_SEALED), made as HOW says:
 *                                  "ok" sealed as dive seals it,
 *                                  "unsealed" writable still, "file" in
 *                                  a file that is no memfd, "size" with
 *                                  a length one byte over the memfd's,
 *                                  "nofd" with no descriptor at all
 *   rawclient SOCK list-argc N     a list request claiming N arguments
 *                                  and holding none
 *   rawclient SOCK list-fds        a list request with a descriptor
 *   rawclient SOCK fds-list        a descriptor, then a list request
 *   rawclient SOCK list-oversize   a list request longer than allowed
 *   rawclient --serve SOCK N       accept once and greet with version N
 *   rawclient --record SOCK FILE   accept once and write every byte
 *                                  received to FILE, until the client
 *                                  leaves or is quiet for a second; then
 *                                  print "descriptors N", those received
 *   rawclient --fakepty SOCK PATH  accept once, greet, read the request,
 *                                  send PATH opened for reading and
 *                                  writing as the pseudo-terminal's
 *                                  master (or, for "slave", a new
 *                                  pseudo-terminal's slave), then report
 *                                  a program started and, a second
 *                                  later, its exit with status 0
 *
 * Replies are printed one per line: "hello V", "started PID",
 * "exit HOW VALUE", "error STATUS TEXT", "listing STATUS" and the
 * answer's text as it came, then "eof".
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "proto.h"
#include "sealed.h"
#include "sock.h"
#include "wire.h"

static int
dial(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s;

	if (sock_addr(name, &sun, &len) == -1)
		errx(2, "bad socket name");
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sun, len) == -1)
		err(2, "%s", name);
	return s;
}

static void
print_replies(int s)
{
	struct frame f;
	uint32_t a, b;

	while (frame_recv(s, &f, DIVE_MAX_MSG, NULL, 0) == 1) {
		if (f.type == MSG_HELLO &&
		    proto_decode_hello(f.buf, f.len, &a, &b) == 0)
			printf("hello %u\n", a);
		else if (f.type == MSG_STARTED &&
		    proto_decode_u32x2(f.buf, f.len, &a, &b) == 0)
			printf("started %u\n", a);
		else if (f.type == MSG_EXIT &&
		    proto_decode_u32x2(f.buf, f.len, &a, &b) == 0)
			printf("exit %u %u\n", a, b);
		else if (f.type == MSG_ERROR && f.len >= 4) {
			memcpy(&a, f.buf, 4);
			printf("error %u %.*s\n", a, (int)f.len - 4,
			    (char *)f.buf + 4);
		} else if (f.type == MSG_LISTING && f.len >= 4) {
			memcpy(&a, f.buf, 4);
			printf("listing %u\n%.*s", a, (int)f.len - 4,
			    (char *)f.buf + 4);
		} else
			printf("unknown 0x%x\n", f.type);
		fflush(stdout);
		frame_free(&f);
	}
	printf("eof\n");
}

static void
send_request_pty(int s, const char *prog, int cut, uint32_t pty)
{
	/* A program that outlives what follows the request. */
	const char *argv[] = { prog, strcmp(prog, "sleep") == 0 ? "1" : NULL,
	    NULL };
	const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct request r;
	struct wbuf w = { 0 };
	uint32_t h[2];

	memset(&r, 0, sizeof(r));
	r.head.umask = 022;
	r.head.pty = pty;
	if (pty != 0) {
		r.head.rows = 24;
		r.head.cols = 80;
	}
	r.head.argc = argv[1] != NULL ? 2 : 1;
	r.argv = argv;
	r.head.envc = 1;
	r.envp = envp;
	proto_encode_request(&w, &r);
	if (!cut) {
		frame_send(s, MSG_REQUEST, w.p, w.len, NULL, 0);
		wbuf_free(&w);
		return;
	}
	h[0] = MSG_REQUEST;
	h[1] = (uint32_t)w.len;
	(void)!write(s, h, sizeof(h));
	(void)!write(s, w.p, w.len / 2);
	shutdown(s, SHUT_WR);
	wbuf_free(&w);
}

static void
send_request(int s, const char *prog, int cut)
{
	send_request_pty(s, prog, cut, 0);
}

/* A request for this command line, as dive would send it. */
/* The command line given, with DIVE_* variables among four others. */
static void
raw_request(struct request *r, char **argv, int argc)
{
	static const char *envp[] = { "A=1", "DIVE_UID=12345", "B=2",
	    "DIVE_FORGED=1", "PATH=/usr/bin:/bin", "C=3", NULL };

	memset(r, 0, sizeof(*r));
	r->head.umask = 022;
	r->head.argc = (uint32_t)argc;
	r->argv = (const char **)argv;
	r->head.envc = 6;
	r->envp = envp;
}

static void
send_argv(int s, char **argv, int argc)
{
	struct request r;
	struct wbuf w = { 0 };

	raw_request(&r, argv, argc);
	proto_encode_request(&w, &r);
	frame_send(s, MSG_REQUEST, w.p, w.len, NULL, 0);
	wbuf_free(&w);
}

static void
send_sealed(int s, const char *how, char **argv, int argc)
{
	uint32_t words[REQ_WORDS], len;
	struct request r;
	struct iovs p = { 0 };
	char path[] = "/tmp/rawclient.XXXXXX";
	int fd = -1;

	raw_request(&r, argv, argc);
	proto_request_iovs(&p, words, &r);
	len = (uint32_t)p.len;
	if (strcmp(how, "ok") == 0 || strcmp(how, "size") == 0)
		fd = sealed_create(&p);
	else if (strcmp(how, "unsealed") == 0)
		fd = memfd_create("raw", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	else if (strcmp(how, "file") == 0 && (fd = mkstemp(path)) != -1)
		unlink(path);
	if (fd != -1 && strcmp(how, "ok") != 0 && strcmp(how, "size") != 0)
		for (size_t i = 0; i < p.n; i++)
			(void)!write(fd, p.v[i].iov_base, p.v[i].iov_len);
	if (strcmp(how, "size") == 0)
		len++;
	if (strcmp(how, "nofd") != 0 && fd == -1)
		err(1, "sealed %s", how);
	frame_send(s, MSG_SEALED, &len, sizeof(len), &fd, fd == -1 ? 0 : 1);
	if (fd != -1)
		close(fd);
	iovs_free(&p);
}

/* A list request for /bin/true, with fd 0 attached when nfds is 1. */
static void
send_list(int s, size_t nfds)
{
	const char *argv[] = { "/bin/true", NULL };
	struct listreq l = { 1, argv };
	struct wbuf w = { 0 };
	int fd = 0;

	proto_encode_list(&w, &l);
	frame_send(s, MSG_LIST, w.p, w.len, &fd, nfds);
	wbuf_free(&w);
}

/*
 * A client whose pid is gone, and may be another process's, by the time
 * its request arrives.
 */
static void
orphan(int s)
{
	const char *argv[] = { "/bin/sh", "-c", "cat /proc/self/stat", NULL };
	const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	pid_t parent = getpid();
	struct request r;
	struct wbuf w = { 0 };
	char line[16];
	uint32_t out[2];
	int m, aux[3], one = 1;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1)
		err(2, "posix_openpt");
	switch (fork()) {
	case -1:
		err(2, "fork");
	case 0:
		break;
	default:
		printf("%ld %s\n", (long)parent, ptsname(m));
		fflush(stdout);
		_exit(0);
	}
	while (getppid() == parent)
		usleep(10000);
	if (fgets(line, sizeof(line), stdin) == NULL)
		exit(2);
	if ((aux[0] = open(".", O_RDONLY | O_DIRECTORY)) == -1 ||
	    (aux[1] = open("/", O_RDONLY | O_DIRECTORY)) == -1 ||
	    (aux[2] = open(ptsname(m), O_RDWR | O_NOCTTY)) == -1)
		err(2, "open");
	memset(&r, 0, sizeof(r));
	r.head.umask = 022;
	r.head.flags = REQ_HAS_CWD | REQ_HAS_ROOT | REQ_HAS_TTY;
	r.head.argc = 3;
	r.argv = argv;
	r.head.envc = 1;
	r.envp = envp;
	out[0] = 1;
	out[1] = 1;
	frame_send(s, MSG_FDS, out, sizeof(out), &one, 1);
	proto_encode_request(&w, &r);
	frame_send(s, MSG_REQUEST, w.p, w.len, aux, 3);
	wbuf_free(&w);
}

static void
send_fds(int s, int n)
{
	int fd = open("/dev/null", O_RDONLY), fds[DIVE_FD_BATCH];
	uint32_t buf[1 + DIVE_FD_BATCH];
	int i = 0;

	while (i < n) {
		int k = n - i < DIVE_FD_BATCH ? n - i : DIVE_FD_BATCH;

		buf[0] = (uint32_t)k;
		for (int j = 0; j < k; j++) {
			fds[j] = fd;
			buf[1 + j] = (uint32_t)(10 + i + j);
		}
		if (frame_send(s, MSG_FDS, buf, 4 * (size_t)(k + 1), fds,
		    (size_t)k) == -1)
			return;
		i += k;
	}
}

/* How one connection of a flood ended: its last reply. */
static const char *
outcome(int s)
{
	struct frame f;
	const char *what = "lost";
	uint32_t a, b;

	while (frame_recv(s, &f, DIVE_MAX_MSG, NULL, 0) == 1) {
		if (f.type == MSG_EXIT &&
		    proto_decode_u32x2(f.buf, f.len, &a, &b) == 0)
			what = a == EXIT_EXITED && b == 0 ? "exit0" : "exit-other";
		else if (f.type == MSG_ERROR && f.len > 4)
			what = memmem(f.buf + 4, f.len - 4, "too many sessions",
			    17) != NULL ? "limited" : "error-other";
		frame_free(&f);
	}
	return what;
}

static void
flood(const char *name, int n)
{
	const char *names[] = { "exit0", "limited", "exit-other",
	    "error-other", "lost" };
	int *s, counts[5] = { 0 };

	if ((s = calloc((size_t)n, sizeof(*s))) == NULL)
		err(2, "calloc");
	for (int i = 0; i < n; i++) {
		s[i] = dial(name);
		proto_send_u32(s[i], MSG_HELLO, DIVE_PROTO_VERSION);
		send_request(s[i], "true", 0);
	}
	for (int i = 0; i < n; i++) {
		const char *w = outcome(s[i]);

		for (int k = 0; k < 5; k++)
			if (strcmp(w, names[k]) == 0)
				counts[k]++;
		close(s[i]);
	}
	for (int k = 0; k < 5; k++)
		printf("%s %d\n", names[k], counts[k]);
	free(s);
}

/* Listens on name, says so, and returns the first connection. */
static int
accept_one(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l, c;

	if (sock_addr(name, &sun, &len) == -1)
		errx(2, "bad socket name");
	unlink(name);
	if ((l = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sun, len) == -1 || listen(l, 1) == -1)
		err(2, "%s", name);
	printf("listening\n");
	fflush(stdout);
	if ((c = accept(l, NULL, NULL)) == -1)
		err(2, "accept");
	close(l);
	return c;
}

static void
serve(const char *name, uint32_t version)
{
	int c = accept_one(name);

	proto_send_u32(c, MSG_HELLO, version);
	sleep(1);
}

/* A server that answers nothing and keeps whatever it is sent. */
static void
record(const char *name, const char *file)
{
	int out, c, n = 0;

	if ((out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		err(2, "%s", file);
	c = accept_one(name);
	for (;;) {
		unsigned char b[4096];
		char cbuf[CMSG_SPACE(DIVE_FD_BATCH * sizeof(int))];
		struct iovec iov = { b, sizeof(b) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct pollfd p = { c, POLLIN, 0 };
		struct cmsghdr *cm;
		ssize_t r;

		if (poll(&p, 1, 1000) <= 0 ||
		    (r = recvmsg(c, &mh, MSG_CMSG_CLOEXEC)) <= 0)
			break;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		    cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS) {
				int k = (int)((cm->cmsg_len - CMSG_LEN(0)) /
				    sizeof(int));

				close_fds((int *)CMSG_DATA(cm), (size_t)k);
				n += k;
			}
		if (mh.msg_flags & MSG_CTRUNC)
			n++;	/* some were lost: at least one came */
		(void)!write(out, b, (size_t)r);
	}
	printf("descriptors %d\n", n);
}

/* What a fake dived hands back as a pseudo-terminal's master. */
static int
fake_master(const char *what)
{
	int m, fd;

	if (strcmp(what, "slave") != 0) {
		if ((fd = open(what, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
			err(2, "%s", what);
		return fd;
	}
	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1 ||
	    (fd = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		err(2, "pseudo-terminal");
	return fd;
}

static void
fakepty(const char *name, const char *what)
{
	struct request r;
	struct frame f;
	const char *why;
	int fds[DIVE_FD_BATCH], c, master = fake_master(what);

	c = accept_one(name);
	proto_send_hello(c, 0);
	for (;;) {
		if (frame_recv(c, &f, DIVE_MAX_MSG, fds, DIVE_FD_BATCH) != 1)
			errx(2, "no request");
		close_fds(f.fds, f.nfds);
		if (f.type == MSG_REQUEST)
			break;
		frame_free(&f);
	}
	if (proto_decode_request(f.buf, f.len, &r, &why) == -1)
		errx(2, "request: %s", why);
	proto_send_pty(c, r.head.pty, master);
	proto_send_u32x2(c, MSG_STARTED, (uint32_t)getpid(),
	    STARTED_SIGSOCKET);
	sleep(1);
	proto_send_u32x2(c, MSG_EXIT, EXIT_EXITED, 0);
	request_free(&r);
	frame_free(&f);
}

int
main(int argc, char **argv)
{
	uint32_t h[2];
	int s;

	if (argc < 3)
		errx(2, "usage: rawclient SOCK what [args]");
	if (argc > 3 && strcmp(argv[2], "flood") == 0) {
		flood(argv[1], atoi(argv[3]));
		return 0;
	}
	if (strcmp(argv[1], "--serve") == 0) {
		serve(argv[2], argc > 3 ? (uint32_t)atoi(argv[3]) : 99);
		return 0;
	}
	if (strcmp(argv[1], "--record") == 0 && argc > 3) {
		record(argv[2], argv[3]);
		return 0;
	}
	if (strcmp(argv[1], "--fakepty") == 0 && argc > 3) {
		fakepty(argv[2], argv[3]);
		return 0;
	}
	s = dial(argv[1]);
	if (strcmp(argv[2], "garbage") == 0) {
		(void)!write(s, "GET / HTTP/1.0\r\n\r\n", 18);
	} else if (strcmp(argv[2], "hello") == 0 && argc > 3) {
		proto_send_u32(s, MSG_HELLO, (uint32_t)atoi(argv[3]));
	} else if (strcmp(argv[2], "stall") == 0) {
		;
	} else {
		proto_send_u32(s, MSG_HELLO, DIVE_PROTO_VERSION);
		if (strcmp(argv[2], "oversize") == 0) {
			h[0] = MSG_REQUEST;
			h[1] = DIVE_MAX_MSG + 1;
			(void)!write(s, h, sizeof(h));
		} else if (strcmp(argv[2], "manyargs") == 0) {
			uint32_t req[9] = { 022, 0, 0, 0, 0, 0, 0,
			    DIVE_MAX_ARGS + 1, 0 };

			frame_send(s, MSG_REQUEST, req, sizeof(req), NULL, 0);
		} else if (strcmp(argv[2], "manyfds") == 0 && argc > 4) {
			send_fds(s, atoi(argv[3]));
			send_request(s, argv[4], 0);
		} else if (strcmp(argv[2], "dupfd") == 0) {
			uint32_t b[2] = { 1, 5 };
			int fd = 0;

			frame_send(s, MSG_FDS, b, sizeof(b), &fd, 1);
			frame_send(s, MSG_FDS, b, sizeof(b), &fd, 1);
			send_request(s, "true", 0);
		} else if (strcmp(argv[2], "bigbatch") == 0) {
			/* frame_send caps a batch, so build it by hand. */
			int n = DIVE_FD_BATCH + 20;
			uint32_t b[1 + DIVE_FD_BATCH + 20];
			int fds[DIVE_FD_BATCH + 20];
			char cbuf[CMSG_SPACE(sizeof(fds))];
			struct iovec iov[2];
			struct msghdr mh;
			struct cmsghdr *c;

			b[0] = (uint32_t)n;
			for (int i = 0; i < n; i++) {
				fds[i] = 0;
				b[1 + i] = (uint32_t)(10 + i);
			}
			h[0] = MSG_FDS;
			h[1] = sizeof(b);
			iov[0].iov_base = h;
			iov[0].iov_len = sizeof(h);
			iov[1].iov_base = b;
			iov[1].iov_len = sizeof(b);
			memset(&mh, 0, sizeof(mh));
			mh.msg_iov = iov;
			mh.msg_iovlen = 2;
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof(cbuf);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(fds));
			memcpy(CMSG_DATA(c), fds, sizeof(fds));
			if (sendmsg(s, &mh, 0) == -1)
				err(2, "sendmsg");
		} else if (strcmp(argv[2], "truncated") == 0 && argc > 3) {
			send_request(s, argv[3], 1);
		} else if (strcmp(argv[2], "vanish") == 0 && argc > 3) {
			send_request(s, argv[3], 1);
			return 0;
		} else if (strcmp(argv[2], "ptytty") == 0) {
			uint32_t b[2] = { 1, 5 };
			int fd = 0;

			frame_send(s, MSG_FDS, b, sizeof(b), &fd, 1);
			send_request_pty(s, "true", 0, PTY_MASK);
		} else if (strcmp(argv[2], "later") == 0 && argc > 3) {
			char line[16];

			printf("greeted\n");
			fflush(stdout);
			if (fgets(line, sizeof(line), stdin) == NULL)
				return 2;
			send_request(s, argv[3], 0);
		} else if (strcmp(argv[2], "orphan") == 0) {
			char line[16];

			orphan(s);
			print_replies(s);
			fflush(stdout);
			/* The terminal stays until the caller is done. */
			(void)!fgets(line, sizeof(line), stdin);
			return 0;
		} else if (strcmp(argv[2], "request") == 0 && argc > 3) {
			send_argv(s, argv + 3, argc - 3);
		} else if (strcmp(argv[2], "sealed") == 0 && argc > 4) {
			send_sealed(s, argv[3], argv + 4, argc - 4);
		} else if (strcmp(argv[2], "list-argc") == 0 && argc > 3) {
			uint32_t n = (uint32_t)strtoul(argv[3], NULL, 10);

			frame_send(s, MSG_LIST, &n, sizeof(n), NULL, 0);
		} else if (strcmp(argv[2], "list-fds") == 0) {
			send_list(s, 1);
		} else if (strcmp(argv[2], "fds-list") == 0) {
			uint32_t b[2] = { 1, 5 };
			int fd = 0;

			frame_send(s, MSG_FDS, b, sizeof(b), &fd, 1);
			send_list(s, 0);
		} else if (strcmp(argv[2], "list-oversize") == 0) {
			h[0] = MSG_LIST;
			h[1] = DIVE_MAX_MSG + 1;
			(void)!write(s, h, sizeof(h));
		} else if (strcmp(argv[2], "aftergarbage") == 0) {
			send_request(s, "sleep", 0);
			(void)!write(s, "garbage-after-request", 21);
		} else
			errx(2, "unknown action %s", argv[2]);
	}
	print_replies(s);
	return 0;
}
