/*
 * Socket activation, by the protocol of sd_listen_fds(3), without
 * libsystemd.  A service manager (systemd's dived.socket, or anything
 * that speaks the protocol) binds the socket and passes it at descriptor
 * 3, naming the process meant in LISTEN_PID.  The socket is then the
 * manager's: dived neither creates, chmods, chowns nor removes it, and
 * it outlives restarts of dived.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate.h"
#include "errbuf.h"
#include "log.h"
#include "sock.h"
#include "sockfile.h"

#define PASSED_FIRST	3	/* SD_LISTEN_FDS_START */

/* The variables never reach a program, whatever they said. */
static void
unset_all(void)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

/*
 * How many descriptors were passed to this process: 0 when none were
 * or the variables are another process's (why then in ignored), -1 with
 * a message when they make no sense.
 */
static int
passed_count(char *ignored, size_t ilen, char *err, size_t len)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *why;
	long long p, n;

	if (pid == NULL && fds == NULL)
		return 0;
	if (pid == NULL || fds == NULL)
		return errbuf(err, len, "%s is set without %s",
		    pid ? "LISTEN_PID" : "LISTEN_FDS",
		    pid ? "LISTEN_FDS" : "LISTEN_PID");
	p = strtonum(pid, 1, INT_MAX, &why);
	if (why != NULL)
		return errbuf(err, len, "LISTEN_PID=%.32s: not a process ID",
		    pid);
	n = strtonum(fds, 0, INT_MAX - PASSED_FIRST, &why);
	if (why != NULL)
		return errbuf(err, len, "LISTEN_FDS=%.32s: not a number of "
		    "descriptors", fds);
	if (p != getpid()) {
		/* An ancestor's, leaked through a process that forked. */
		snprintf(ignored, ilen, "LISTEN_PID=%lld is not this process "
		    "(%ld): the %lld descriptors of LISTEN_FDS are not dived's",
		    p, (long)getpid(), n);
		return 0;
	}
	return (int)n;
}

/* What kind of socket fd is, when it is not one dived can listen on. */
static const char *
not_listening(int fd)
{
	int domain, type, acc;
	socklen_t l;
	struct stat st;

	if (fstat(fd, &st) == -1)
		return "is not open";
	if (!S_ISSOCK(st.st_mode))
		return "is not a socket";
	l = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) == -1 ||
	    domain != AF_UNIX)
		return "is not a unix-domain socket";
	l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) == -1)
		return "is a socket of unknown type";
	if (type == SOCK_DGRAM)
		return "is a datagram socket, not a stream socket "
		    "(ListenDatagram= where ListenStream= belongs)";
	if (type != SOCK_STREAM)
		return "is not a stream socket (ListenStream=)";
	l = sizeof(acc);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l) == -1 ||
	    !acc)
		return "is not listening (a connection, as Accept=yes passes "
		    "one, is served by dived -i)";
	return NULL;
}

/* The first of LISTEN_FDNAMES, quoted, when it was given. */
static void
passed_name(char *buf, size_t len)
{
	const char *names = getenv("LISTEN_FDNAMES");
	char first[64];

	buf[0] = '\0';
	if (names == NULL || *names == '\0')
		return;
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(names, ":"),
	    names);
	log_quote(first, buf, len);
}

int
activation_take(struct passed *p, char *err, size_t len)
{
	const char *why;
	int n;

	p->fd = -1;
	p->name[0] = p->ignored[0] = '\0';
	n = passed_count(p->ignored, sizeof(p->ignored), err, len);
	if (n > 0)
		passed_name(p->name, sizeof(p->name));
	unset_all();
	if (n <= 0)
		return n;
	for (int fd = PASSED_FIRST; fd < PASSED_FIRST + n; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (n > 1)
		return errbuf(err, len, "LISTEN_FDS=%d: the service manager "
		    "passed %d sockets; dived listens on one (give its socket "
		    "unit one ListenStream=)", n, n);
	if ((why = not_listening(PASSED_FIRST)) != NULL)
		return errbuf(err, len, "descriptor %d, passed by the service "
		    "manager (LISTEN_FDS), %s", PASSED_FIRST, why);
	p->fd = PASSED_FIRST;
	return 0;
}

void
activation_drop(void)
{
	char ignored[128], err[128];
	int n;

	n = passed_count(ignored, sizeof(ignored), err, sizeof(err));
	unset_all();
	for (int fd = PASSED_FIRST; n > 0 && fd < PASSED_FIRST + n; fd++)
		close(fd);
}

/* The name the socket is bound to, quoted, for a message. */
static void
bound_name(const struct sockaddr_un *sun, socklen_t l, char *buf, size_t len)
{
	char name[sizeof(sun->sun_path) + 2];
	size_t n = l - offsetof(struct sockaddr_un, sun_path);

	if (l <= offsetof(struct sockaddr_un, sun_path)) {
		snprintf(buf, len, "no name");
		return;
	}
	if (sun->sun_path[0] == '\0')
		snprintf(name, sizeof(name), "@%.*s", (int)n - 1,
		    sun->sun_path + 1);
	else
		snprintf(name, sizeof(name), "%.*s", (int)n, sun->sun_path);
	log_quote(name, buf, len);
}

/*
 * Without socket diagnostics, the name the socket was bound to, if
 * absolute, must lead to the same file as the command line's.
 */
static int
same_by_name(const struct sockaddr_un *sun, socklen_t l, const char *path)
{
	char bound[sizeof(sun->sun_path) + 1];
	struct stat a, b;

	snprintf(bound, sizeof(bound), "%.*s",
	    (int)(l - offsetof(struct sockaddr_un, sun_path)), sun->sun_path);
	return bound[0] == '/' && stat(bound, &a) == 0 &&
	    stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
activation_match(int fd, const char *socket, char *err, size_t len)
{
	struct sockaddr_un sun, want;
	socklen_t l = sizeof(sun), wl;
	char shown[4 * sizeof(sun.sun_path) + 8];
	int r;

	if (getsockname(fd, (struct sockaddr *)&sun, &l) == -1)
		return errbuf(err, len, "%s: the passed socket: getsockname: %s",
		    socket, strerror(errno));
	if (sock_addr(socket, &want, &wl) == -1)
		return errbuf(err, len, "%s: invalid socket name (empty or too "
		    "long)", socket);
	bound_name(&sun, l, shown, sizeof(shown));
	if (socket[0] == '@')
		r = l == wl && memcmp(&sun, &want, l) == 0;
	else if (l <= offsetof(struct sockaddr_un, sun_path) ||
	    sun.sun_path[0] == '\0')
		r = 0;
	else if ((r = sockfile_is(fd, socket)) == -1)
		r = same_by_name(&sun, l, socket);
	if (r != 1)
		return errbuf(err, len, "%s: the socket the service manager "
		    "passed (LISTEN_FDS) is bound to %s, not to this name",
		    socket, shown);
	return 0;
}
