/*
 * dive: ask dived to start a program with this process's descriptors,
 * arguments, environment, umask, directories and terminal, then mirror
 * the program's end.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "peer.h"
#include "proto.h"
#include "relay.h"
#include "sealed.h"
#include "sock.h"
#include "stage.h"

#define USAGE	"usage: dive [-t | -T] [--] socket_path|@abstract_name " \
		"[program [argument ...]]\n" \
		"       dive -l [--] socket_path|@abstract_name " \
		"[program [argument ...]]\n" \
		"       dive -h | --help | --version\n"
#define HELP	"  -t          give the program a pseudo-terminal\n" \
		"  -T          give the program the caller's terminal itself\n" \
		"  -l          run nothing: list what dived lets the caller " \
		"run, or with\n" \
		"              a program, tell whether it may run\n" \
		"  --          end the options: the socket follows\n" \
		"  -h, --help  print this and exit\n" \
		"  --version   print the versions of dive and its protocol\n" \
		"Variables DIVE_* of the environment change what is sent " \
		"and how dive\nwaits: see dive(1).\n"

/* -t, -T and DIVE_PTY: whether the program gets a pseudo-terminal. */
enum pty_choice { PTY_AUTO, PTY_YES, PTY_NO };

/* The options before the socket. */
struct opts {
	enum pty_choice	 pty;
	int		 pty_given;	/* -t or -T */
	int		 list;		/* -l */
};

extern char **environ;

static int sigpipe[2] = { -1, -1 };

/* Signals passed on to the program while it runs. */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
	SIGWINCH, SIGCONT,
};

static void __attribute__((noreturn))
usage(void)
{
	fputs(USAGE, stderr);
	exit(DIVE_EXIT_USAGE);
}

static void __attribute__((noreturn))
fail(const char *fmt, ...)
{
	va_list ap;

	relay_restore();
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(DIVE_EXIT_FAILURE);
}

static void __attribute__((noreturn))
failx(const char *fmt, ...)
{
	va_list ap;

	relay_restore();
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(DIVE_EXIT_FAILURE);
}

/*
 * Nobody there, said plainly: no file by that name, a file that is no
 * socket, or a socket that nothing accepts on, as a killed dived leaves
 * behind.
 */
static void __attribute__((noreturn))
no_server(const char *name, int e)
{
	struct stat st;

	if (name[0] == '@')
		failx("no dived listening at %s: no socket by that abstract "
		    "name accepts connections", name);
	if (e == ENOENT)
		failx("no dived listening at %s: no such file", name);
	if (stat(name, &st) == 0 && !S_ISSOCK(st.st_mode))
		failx("no dived listening at %s: the file is not a socket",
		    name);
	failx("no dived listening at %s: the socket file exists, but nothing "
	    "accepts connections on it", name);
}

static int
connect_to(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s;

	if (sock_addr(name, &sun, &len) == -1)
		failx("%s: invalid socket name", name);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fail("socket");
	if (connect(s, (struct sockaddr *)&sun, len) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			no_server(name, errno);
		fail("%s", name);
	}
	return s;
}

/*
 * Before dive sends a byte: the server must run as root, as the caller
 * or as the user DIVE_SERVERUID names (dive/peer.h).  The user is the one
 * the kernel recorded when the socket began to listen.
 */
static void
check_server(int sock, const char *name, uid_t named)
{
	uid_t uid;

	if (peer_uid(sock, &uid) == -1)
		fail("%s: SO_PEERCRED", name);
	if (!peer_trusted(uid, geteuid(), named))
		failx("%s: the server runs as uid %u, not as root, the caller "
		    "or DIVE_SERVERUID: nothing sent", name, (unsigned)uid);
}

static int
intcmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * Every open descriptor, listed in /proc/self/fd, in ascending order.
 * The listing costs the kernel a lookup for each descriptor.
 */
static int *
listed_fds(size_t *n)
{
	DIR *d;
	struct dirent *de;
	int *fds = NULL;
	size_t cap = 0;

	*n = 0;
	if ((d = opendir("/proc/self/fd")) == NULL)
		fail("/proc/self/fd");
	while ((de = readdir(d)) != NULL) {
		char *end;
		long fd;

		if (de->d_name[0] == '.')
			continue;
		fd = strtol(de->d_name, &end, 10);
		if (*end != '\0' || fd < 0 || fd == dirfd(d))
			continue;
		if (fd > DIVE_MAX_FDNUM)
			failx("descriptor %ld: number over %d cannot be passed",
			    fd, DIVE_MAX_FDNUM);
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((fds = reallocarray(fds, cap, sizeof(*fds))) == NULL)
				fail("malloc");
		}
		fds[(*n)++] = (int)fd;
	}
	closedir(d);
	qsort(fds, *n, sizeof(*fds), intcmp);
	return fds;
}

/* The size of the descriptor table, FDSize in /proc/self/status, or -1. */
static long
fd_table_size(void)
{
	char buf[4096], *p;
	ssize_t len;
	int fd;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	if ((p = strstr(buf, "\nFDSize:")) == NULL)
		return -1;
	return strtol(p + 8, NULL, 10);
}

/*
 * The descriptors below size that poll(2) finds open, in ascending
 * order, and in *n their number; NULL if poll cannot look that far.
 */
static int *
polled_fds(long size, size_t *n)
{
	struct pollfd *p;
	int *fds;
	long i;

	if ((p = calloc((size_t)size, sizeof(*p))) == NULL ||
	    (fds = calloc((size_t)size, sizeof(*fds))) == NULL)
		fail("malloc");
	for (i = 0; i < size; i++)
		p[i].fd = (int)i;
	*n = 0;
	if (poll(p, (nfds_t)size, 0) == -1) {
		free(p);
		free(fds);
		return NULL;
	}
	for (i = 0; i < size; i++)
		if (!(p[i].revents & POLLNVAL))
			fds[(*n)++] = (int)i;
	free(p);
	return fds;
}

/*
 * Every open descriptor, in ascending order: listed before dive opens any
 * of its own.  Listing /proc/self/fd costs a lookup for each, so where
 * the kernel says how many are open (the size of /proc/self/fd, since
 * Linux 6.2) one poll(2) finds them, POLLNVAL naming those that are not:
 * first below 64, where they usually all are, then up to the size of
 * the descriptor table.  poll does not see O_PATH descriptors: when it
 * finds fewer than are open, or cannot look far enough, they are listed
 * after all.
 */
static int *
open_fds(size_t *n)
{
	struct stat st;
	long size = 64;
	int *fds = NULL;

	if (stat("/proc/self/fd", &st) == 0 && st.st_size > 0) {
		if ((fds = polled_fds(size, n)) != NULL &&
		    *n != (size_t)st.st_size) {
			free(fds);
			fds = NULL;
			size = fd_table_size();
			if (size > 64 && size <= DIVE_MAX_FDNUM + 1 &&
			    (fds = polled_fds(size, n)) != NULL &&
			    *n != (size_t)st.st_size) {
				free(fds);
				fds = NULL;
			}
		}
	}
	if (fds == NULL)
		fds = listed_fds(n);
	if (*n > DIVE_MAX_FDS)
		failx("%zu descriptors open, at most %d can be passed", *n,
		    DIVE_MAX_FDS);
	return fds;
}

static int reply(int, struct frame *, int);

/*
 * dived may have closed the connection with a reason (a session limit,
 * say) while dive was still sending: show that reason, not EPIPE.
 */
static void __attribute__((noreturn))
send_failed(int sock, const char *what)
{
	struct frame f;
	int save = errno;

	if (save == EPIPE || save == ECONNRESET)
		while (reply(sock, &f, 1) == 1)
			frame_free(&f);
	errno = save;
	fail("%s", what);
}

static void
send_fds(int sock, const int *fds, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		struct wbuf w = { 0 };

		k = n - i < DIVE_FD_BATCH ? n - i : DIVE_FD_BATCH;
		wbuf_u32(&w, (uint32_t)k);
		for (size_t j = 0; j < k; j++)
			wbuf_u32(&w, (uint32_t)fds[i + j]);
		if (w.err)
			fail("malloc");
		if (frame_send(sock, MSG_FDS, w.p, w.len, fds + i, k) == -1)
			send_failed(sock, "sending descriptors");
		wbuf_free(&w);
	}
}

/* A small decimal number, digits only, or -1. */
static long
decimal(const char *s, long max)
{
	long n = 0;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 9)
		return -1;
	n = strtol(s, NULL, 10);
	return n <= max ? n : -1;
}

static unsigned long
env_mode(const char *name, unsigned long max, unsigned long dflt)
{
	const char *v = getenv(name);
	long m;

	if (v == NULL || *v == '\0')
		return dflt;
	if ((m = decimal(v, (long)max)) == -1) {
		warnx("%s=%s: expected a number from 0 to %lu", name, v, max);
		exit(DIVE_EXIT_USAGE);
	}
	return (unsigned long)m;
}

/* DIVE_SERVERUID: the user besides root and the caller to trust. */
static uid_t
env_server_uid(void)
{
	const char *v = getenv("DIVE_SERVERUID");
	uid_t uid;

	if (v == NULL || *v == '\0')
		return PEER_NONE;
	if (peer_parse_uid(v, &uid) == -1) {
		warnx("DIVE_SERVERUID=%s: neither a user ID nor a user's name",
		    v);
		exit(DIVE_EXIT_USAGE);
	}
	return uid;
}

static int
open_dir(const char *var, const char *dflt)
{
	const char *path = getenv(var);
	int fd;

	if (path == NULL || *path == '\0')
		path = dflt;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		fail("%s%s%s", path, path == dflt ? "" : " from ",
		    path == dflt ? "" : var);
	return fd;
}

/*
 * The terminal: DIVE_TERMINAL names a path, @N a descriptor, or is empty
 * for none; by default the first of stdin, stdout, stderr that is one.
 */
static int
open_tty(void)
{
	const char *t = getenv("DIVE_TERMINAL");
	int fd;

	if (t == NULL) {
		uint32_t m = relay_terminals();

		return m != 0 ? __builtin_ctz(m) : -1;
	}
	if (*t == '\0')
		return -1;
	if (*t == '@') {
		long n = decimal(t + 1, DIVE_MAX_FDNUM);

		if (n == -1 || fcntl((int)n, F_GETFD) == -1) {
			warnx("DIVE_TERMINAL=%s: not an open descriptor", t);
			exit(DIVE_EXIT_USAGE);
		}
		return (int)n;
	}
	if ((fd = open(t, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		fail("%s from DIVE_TERMINAL", t);
	return fd;
}

/* The current and root directories and the terminal, in REQUEST order. */
static size_t
open_aux(int *aux, uint32_t *flags)
{
	size_t n = 0;
	int tty;

	aux[n++] = open_dir("DIVE_CURDIR", ".");
	aux[n++] = open_dir("DIVE_ROOTDIR", "/");
	*flags = REQ_HAS_CWD | REQ_HAS_ROOT;
	if ((tty = open_tty()) != -1) {
		aux[n++] = tty;
		*flags |= REQ_HAS_TTY;
	}
	return n;
}

/*
 * A large request in a sealed memfd, so that it crosses no socket; any
 * other, or where no memfd is to be had, in its frame.
 */
static void
send_pieces(int sock, const struct iovs *p, const int *aux, size_t naux)
{
	int fds[1 + DIVE_MAX_AUXFDS], fd = -1;
	uint32_t len = (uint32_t)p->len;

	if (p->len >= SEALED_MIN && naux < sizeof(fds) / sizeof(fds[0]) &&
	    (fd = sealed_create(p)) != -1) {
		fds[0] = fd;
		memcpy(fds + 1, aux, naux * sizeof(*aux));
		if (frame_send(sock, MSG_SEALED, &len, sizeof(len), fds,
		    naux + 1) == -1)
			send_failed(sock, "sending request");
		close(fd);
		return;
	}
	if (frame_sendv(sock, MSG_REQUEST, p, aux, naux) == -1)
		send_failed(sock, "sending request");
}

static void
send_request(int sock, char **argv, int argc, struct request *r0,
    const int *aux, size_t naux)
{
	struct request r = *r0;
	uint32_t words[REQ_WORDS];
	struct iovs p = { 0 };
	size_t envc = 0;
	mode_t m;

	m = umask(0);
	umask(m);
	r.head.umask = m;
	r.head.argc = (uint32_t)argc;
	r.argv = (const char **)argv;
	/*
	 * DIVE_* variables are dived's to set, and entries without a name
	 * are no variables: neither is sent.
	 */
	for (char **e = environ; *e != NULL; e++)
		if (env_entry_ok(*e) && !env_is_dive(*e))
			envc++;
	if ((r.envp = calloc(envc + 1, sizeof(*r.envp))) == NULL)
		fail("malloc");
	envc = 0;
	for (char **e = environ; *e != NULL; e++)
		if (env_entry_ok(*e) && !env_is_dive(*e))
			r.envp[envc++] = *e;
	r.head.envc = (uint32_t)envc;
	if (r.head.argc > DIVE_MAX_ARGS || r.head.envc > DIVE_MAX_ENV)
		failx("too many arguments or environment variables");
	/* The strings go from where they are, most of them in one piece. */
	proto_request_iovs(&p, words, &r);
	if (p.err)
		fail("malloc");
	if (p.len > DIVE_MAX_MSG)
		failx("arguments and environment too large (%zu bytes, at "
		    "most %u)", p.len, DIVE_MAX_MSG);
	send_pieces(sock, &p, aux, naux);
	iovs_free(&p);
	free(r.envp);
}

static void
on_signal(int sig)
{
	int save = errno;
	unsigned char c = (unsigned char)sig;

	(void)!write(sigpipe[1], &c, 1);
	errno = save;
}

/*
 * The signals that are forwarded when the program runs; with a relay, the
 * window size, stop and continue signals too, which it handles itself.
 */
static void
catch_signals(int forward, int relay)
{
	static const int relays[] = { SIGWINCH, SIGTSTP, SIGCONT };
	struct sigaction sa;
	size_t i;

	if (!forward && !relay)
		return;
	if (sigpipe[0] == -1 && pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fail("pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; forward && i < sizeof(forwarded) / sizeof(forwarded[0]);
	    i++)
		sigaction(forwarded[i], &sa, NULL);
	for (i = 0; relay && i < sizeof(relays) / sizeof(relays[0]); i++)
		sigaction(relays[i], &sa, NULL);
}

/*
 * Dies of a signal, with the terminal restored and without a core dump
 * of its own; 128 plus its number should the signal not kill.
 */
static void __attribute__((noreturn))
die_of(int sig)
{
	struct rlimit nocore = { 0, 0 };
	sigset_t set;

	relay_restore();
	setrlimit(RLIMIT_CORE, &nocore);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}

/* Ends dive the way the program ended. */
static void __attribute__((noreturn))
mirror(uint32_t how, uint32_t value)
{
	relay_restore();
	STAGE(dive_exit);
	STAGE_WRITE();
	if (how == EXIT_EXITED)
		exit((int)(value & 0xff));
	if (value == 0 || value > DIVE_MAX_SIGNAL)
		failx("dived reported an invalid signal %u", value);
	die_of((int)value);
}

/*
 * Reads one reply; exits on an error reply or a lost connection.  Returns
 * 0 at the end of the stream when that is allowed.
 */
static int
reply_fds(int sock, struct frame *f, int eof_ok, int *fds, size_t maxfds)
{
	/* The longest reply is the answer to a list request. */
	int r = frame_await(sock, f, sizeof(uint32_t) + DIVE_MAX_LISTING,
	    fds, maxfds);

	if (r == 0 && eof_ok)
		return 0;
	if (r == 0)
		failx("dived closed the connection");
	if (r == -1)
		fail("reading reply from dived");
	if (f->type == MSG_ERROR && f->len >= sizeof(uint32_t)) {
		uint32_t status;

		memcpy(&status, f->buf, sizeof(status));
		relay_restore();
		fprintf(stderr, "dive: %.*s\n", (int)(f->len - sizeof(status)),
		    (const char *)f->buf + sizeof(status));
		exit(status > 0 && status < 256 ? (int)status :
		    DIVE_EXIT_FAILURE);
	}
	return 1;
}

static int
reply(int sock, struct frame *f, int eof_ok)
{
	return reply_fds(sock, f, eof_ok, NULL, 0);
}

/*
 * The options, before the socket: every argument there that begins with
 * a dash is one, so that a mistyped option is not taken for a socket's
 * path.  A socket whose path begins with a dash follows -- or is written
 * ./-name.  An abstract name begins with @ and is never an option.
 */
static int
parse_options(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->pty = PTY_AUTO;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "-T") == 0) {
			o->pty = argv[i][1] == 't' ? PTY_YES : PTY_NO;
			o->pty_given = 1;
		} else if (strcmp(argv[i], "-l") == 0)
			o->list = 1;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			fputs(USAGE HELP, stdout);
			exit(0);
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("dive %s (protocol %d)\n", DIVE_VERSION,
			    DIVE_PROTO_VERSION);
			exit(0);
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			warnx("%s: unknown option", argv[i]);
			usage();
		}
	}
	if (i == argc)
		usage();
	if (o->list && o->pty_given) {
		warnx("-l runs nothing, which takes no terminal: -t and -T do "
		    "not go with it");
		usage();
	}
	if (!o->list && o->pty == PTY_AUTO && getenv("DIVE_PTY") != NULL &&
	    *getenv("DIVE_PTY") != '\0')
		o->pty = env_mode("DIVE_PTY", 1, 0) ? PTY_YES : PTY_NO;
	return i;
}

/* The server's greeting, read first: its version and its terminal rule. */
static uint32_t
greeting(int sock, const char *name)
{
	struct frame f;
	uint32_t v, flags;

	reply(sock, &f, 0);
	if (f.type != MSG_HELLO ||
	    proto_decode_hello(f.buf, f.len, &v, &flags) == -1)
		failx("%s: not a dived socket", name);
	if (v != DIVE_PROTO_VERSION)
		failx("%s: dived speaks protocol %u, dive speaks %d", name, v,
		    DIVE_PROTO_VERSION);
	frame_free(&f);
	return flags;
}

/*
 * -l: asks what the caller may run, or whether this command line may
 * run, and prints the answer.  Nothing but the greeting and the question
 * is sent: no descriptor, no environment, no terminal.
 */
static void __attribute__((noreturn))
list(const char *name, char **argv, int argc)
{
	struct listreq l = { (uint32_t)argc, (const char **)argv };
	struct wbuf w = { 0 };
	struct frame f;
	const char *text;
	uint32_t status;
	size_t n;
	uid_t named;
	int sock;

	named = env_server_uid();
	if (l.argc > DIVE_MAX_ARGS)
		failx("too many arguments (at most %d)", DIVE_MAX_ARGS);
	if (proto_encode_list(&w, &l) == -1)
		fail("malloc");
	if (w.len > DIVE_MAX_MSG)
		failx("arguments too large (%zu bytes, at most %u)", w.len,
		    DIVE_MAX_MSG);
	sock = connect_to(name);
	check_server(sock, name, named);
	if (proto_send_u32(sock, MSG_HELLO, DIVE_PROTO_VERSION) == -1 ||
	    frame_send(sock, MSG_LIST, w.p, w.len, NULL, 0) == -1)
		send_failed(sock, name);
	wbuf_free(&w);
	greeting(sock, name);
	reply(sock, &f, 0);
	if (f.type != MSG_LISTING || f.nfds != 0 ||
	    proto_decode_listing(f.buf, f.len, &status, &text, &n) == -1)
		failx("unexpected reply from dived");
	if (fwrite(text, 1, n, stdout) != n || fflush(stdout) == EOF)
		fail("standard output");
	exit(status == LISTING_PERMITTED ? 0 : 1);
}

/*
 * The standard descriptors that get a pseudo-terminal instead of the
 * caller's terminal, or 0 for none.  By default there is one whenever
 * one of them is a terminal, unless DIVE_TERMINAL is empty, dive does not
 * wait for the program, or the server gives none.
 */
static uint32_t
want_pty(enum pty_choice c, uint32_t hello, uint32_t waitmode,
    const char *name)
{
	uint32_t mask = relay_terminals();
	const char *t = getenv("DIVE_TERMINAL");

	if (c == PTY_NO)
		return 0;
	if (c == PTY_YES) {
		if (mask == 0) {
			warnx("-t: none of standard input, output and error "
			    "is a terminal");
			exit(DIVE_EXIT_USAGE);
		}
		if (waitmode == WAIT_NONE) {
			warnx("-t: DIVE_WAITMODE=1 does not wait to relay a "
			    "terminal");
			exit(DIVE_EXIT_USAGE);
		}
		if (hello & HELLO_PTY_FORBID)
			failx("%s: dived gives no pseudo-terminals here "
			    "(--no-pty)", name);
		return mask;
	}
	if ((hello & HELLO_PTY_FORBID) || waitmode == WAIT_NONE)
		return 0;
	if (t != NULL && *t == '\0' && !(hello & HELLO_PTY_FORCE))
		return 0;
	return mask;
}

/*
 * With a pseudo-terminal no terminal of the caller's is sent: neither the
 * controlling one nor any descriptor that is a terminal.
 */
static void
drop_terminals(int *fds, size_t *nfds, int *aux, size_t *naux,
    uint32_t *flags)
{
	size_t i, k;

	for (i = k = 0; i < *nfds; i++)
		if (!isatty(fds[i]))
			fds[k++] = fds[i];
	*nfds = k;
	if (*flags & REQ_HAS_TTY) {
		if (aux[*naux - 1] > 2)
			close(aux[*naux - 1]);
		(*naux)--;
		*flags &= ~REQ_HAS_TTY;
	}
}

/* Where a session stands, as the replies tell it. */
struct session {
	int		 sock;
	const char	*name;		/* the socket, as given */
	struct request	*r;
	uint32_t	 pid;		/* 0 until STARTED */
	uint32_t	 started;	/* STARTED_* */
	int		 holders;	/* the end is the connection's */
	int		 relay;		/* a pseudo-terminal is relayed */
	int		 have_exit;
	uint32_t	 how, value;
	int		 ending;	/* nothing more to wait for but the relay */
};

/*
 * The relay's signals go to it; the others, while the program runs and
 * unless forwarding is off, to the program.  A relay catches them from
 * its start: before the program runs, once nothing is left to wait for
 * but its last output, and when forwarding is off, they end dive as they
 * would have without the relay, but with the terminal restored.
 */
static void
forward_signals(struct session *s)
{
	uint32_t mode = s->r->head.sigfwmode;
	unsigned char c;

	while (read(sigpipe[0], &c, 1) == 1) {
		if (s->relay && relay_signal(c))
			continue;
		if (s->pid == 0 || s->ending || mode == SIGFW_NONE) {
			if (c != SIGCONT && c != SIGWINCH)
				die_of(c);
		} else if (s->started & STARTED_SIGSOCKET)
			proto_send_u32(s->sock, MSG_SIGNAL, c);
		else
			kill(mode == SIGFW_PGRP ? -(pid_t)s->pid :
			    (pid_t)s->pid, c);
	}
}

/*
 * PTY: the master, before the program starts; relayed from now on.  Only
 * when asked for: the connection may be the program's too (waitmode 2,
 * -w), and a program must not make dive copy its terminal to it.  Only a
 * master: dive would copy the caller's keys into anything else, and its
 * content to the caller's terminal.  It comes over the connection whose
 * server check_server trusted.
 */
static void
take_pty(struct session *s, struct frame *f)
{
	uint32_t pty;

	if (s->r->head.pty == 0 || s->relay || s->pid != 0 || f->nfds != 1 ||
	    proto_decode_u32(f->buf, f->len, &pty) == -1 ||
	    pty != s->r->head.pty) {
		close_fds(f->fds, f->nfds);
		failx("unexpected reply from dived");
	}
	if (!peer_pty_master(f->fds[0])) {
		close_fds(f->fds, f->nfds);
		failx("%s: the server sent a descriptor that is not a "
		    "pseudo-terminal's master as the program's terminal",
		    s->name);
	}
	s->relay = 1;
	/* The terminal may go raw: what would end dive must restore it. */
	catch_signals(1, 1);
	relay_begin(f->fds[0], pty);
}

/*
 * STARTED: until now a signal acted on dive as usual; from now on it is
 * the program's, unless forwarding is off.
 */
static void
take_started(struct session *s, struct frame *f)
{
	if (s->pid != 0 || (s->r->head.pty != 0 && !s->relay) ||
	    proto_decode_u32x2(f->buf, f->len, &s->pid, &s->started) == -1 ||
	    s->pid == 0 || s->pid > INT32_MAX)
		failx("unexpected reply from dived");
	if (s->r->head.waitmode == WAIT_NONE)
		exit(0);
	/*
	 * Waiting for holders: the connection ends when the last process
	 * holding the program's copy of it has gone.
	 */
	s->holders = s->r->head.waitmode == WAIT_HOLDERS ||
	    (s->started & STARTED_NOSTATUS);
	catch_signals(s->r->head.sigfwmode != SIGFW_NONE, s->relay);
}

/*
 * The program's end, or the last holder's: the relay copies what is
 * still on its way, then dive ends.
 */
static void
finish(struct session *s)
{
	s->ending = 1;
	relay_end();
}

/* The next reply; the end of the connection ends dive. */
static void
take_reply(struct session *s)
{
	struct frame f;
	int fd[1];

	if (reply_fds(s->sock, &f, s->pid != 0 && s->holders, fd, 1) == 0) {
		finish(s);
		return;
	}
	if (f.type == MSG_PTY)
		take_pty(s, &f);
	else if (f.nfds != 0) {
		close_fds(f.fds, f.nfds);
		failx("unexpected reply from dived");
	} else if (f.type == MSG_STARTED)
		take_started(s, &f);
	else if (f.type != MSG_EXIT || s->pid == 0 ||
	    proto_decode_u32x2(f.buf, f.len, &s->how, &s->value) == -1 ||
	    (s->how != EXIT_EXITED && s->how != EXIT_SIGNALED))
		failx("unexpected reply from dived");
	else {
		s->have_exit = 1;
		if (!s->holders)
			finish(s);
	}
	frame_free(&f);
}

/*
 * A static-pie musl dive relocates itself but leaves its RELRO segment
 * writable: make it read-only, as the dynamic loader does (for a glibc
 * dive it already is, and this changes nothing).
 */
static int
relro(struct dl_phdr_info *info, size_t size, void *data)
{
	long page = sysconf(_SC_PAGESIZE);

	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_GNU_RELRO || page <= 0)
			continue;
		start = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) &
		    ~(uintptr_t)(page - 1);
		if (end > start && mprotect((void *)start, end - start,
		    PROT_READ) == -1)
			err(DIVE_EXIT_FAILURE, "mprotect");
	}
	return 1;	/* the first object is dive itself */
}

int
main(int argc, char **argv)
{
	struct session s;
	struct request r;
	struct opts o;
	enum pty_choice choice;
	size_t nfds, naux;
	/* Static: still reachable when a refusal ends dive before its free. */
	static int *fds;
	int aux[DIVE_MAX_AUXFDS], first, asked;
	const char *name;
	uid_t named;

	dl_iterate_phdr(relro, NULL);
	first = parse_options(argc, argv, &o);
	name = argv[first];
	if (o.list)
		list(name, argv + first + 1, argc - first - 1);
	choice = o.pty;
	memset(&r, 0, sizeof(r));
	r.head.waitmode = (uint32_t)env_mode("DIVE_WAITMODE", WAIT_MAX,
	    WAIT_STATUS);
	r.head.sigfwmode = (uint32_t)env_mode("DIVE_SIGFWMODE", SIGFW_MAX,
	    SIGFW_PID);
	named = env_server_uid();
	/* Everything that can fail locally fails before dived is asked. */
	fds = open_fds(&nfds);
	naux = open_aux(aux, &r.head.flags);
	memset(&s, 0, sizeof(s));
	s.r = &r;
	s.name = name;
	s.sock = connect_to(name);
	STAGE(connected);
	check_server(s.sock, name, named);
	if (proto_send_u32(s.sock, MSG_HELLO, DIVE_PROTO_VERSION) == -1)
		send_failed(s.sock, name);
	/*
	 * Only a pseudo-terminal needs the server's answer before the
	 * request: its terminal rule decides which descriptors go.  Without
	 * one the request follows the greeting at once, and the answer is
	 * read after it.
	 */
	asked = choice == PTY_YES || (choice == PTY_AUTO &&
	    r.head.waitmode != WAIT_NONE && relay_terminals() != 0);
	if (asked)
		r.head.pty = want_pty(choice, greeting(s.sock, name),
		    r.head.waitmode, name);
	if (r.head.pty != 0) {
		drop_terminals(fds, &nfds, aux, &naux, &r.head.flags);
		relay_size(r.head.pty, &r.head.rows, &r.head.cols);
	}
	send_fds(s.sock, fds, nfds);
	free(fds);
	send_request(s.sock, argv + first + 1, argc - first - 1, &r, aux,
	    naux);
	if (!asked)
		greeting(s.sock, name);

	for (;;) {
		struct pollfd p[2 + RELAY_NPOLL] = {
			{ s.ending ? -1 : s.sock, POLLIN, 0 },
			{ sigpipe[0], POLLIN, 0 },
		};
		int timeout, n;

		if (s.ending && relay_drained()) {
			if (s.have_exit)
				mirror(s.how, s.value);
			exit(0);
		}
		n = relay_poll(p + 2, &timeout);

		if (poll(p, 2 + (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		if (p[1].revents)
			forward_signals(&s);
		relay_io(p + 2, n);
		if (p[0].revents)
			take_reply(&s);
	}
}
