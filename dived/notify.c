/*
 * sd_notify(3)'s protocol, without libsystemd: one datagram of
 * NAME=value lines to the AF_UNIX socket NOTIFY_SOCKET names, sent with
 * MSG_DONTWAIT from a socket opened for it.  s6's notification-fd: one
 * newline to a descriptor dived was started with, which is then closed.
 * Neither waits: a manager that is gone or does not read never holds
 * dived up.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "notify.h"
#include "sock.h"

static struct sockaddr_un to;
static socklen_t tolen;		/* 0: nowhere to send */
static char toname[128];	/* quoted, for the log */
static int readyfd = -1;	/* --ready-fd, until written */

int
notify_fd_take(int fd, char *err, size_t len)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return errbuf(err, len, "--ready-fd %d: descriptor %d is not "
		    "open (it is the one the service manager opens for dived, "
		    "as s6's notification-fd file names it)", fd, fd);
	if ((fl & O_ACCMODE) == O_RDONLY)
		return errbuf(err, len, "--ready-fd %d: descriptor %d is not "
		    "open for writing", fd, fd);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return errbuf(err, len, "--ready-fd %d: %s", fd,
		    strerror(errno));
	readyfd = fd;
	return 0;
}

void
notify_fd_forget(void)
{
	if (readyfd != -1)
		close(readyfd);
	readyfd = -1;
}

/*
 * Only when a byte can go without waiting: the descriptor's flags are
 * shared with whoever else holds it, so O_NONBLOCK is not dived's to set.
 */
static void
write_ready(void)
{
	struct pollfd p = { readyfd, POLLOUT, 0 };
	int r;

	if (readyfd == -1)
		return;
	while ((r = poll(&p, 1, 0)) == -1 && errno == EINTR)
		;
	if (r == 1 && !(p.revents & POLLOUT))
		errno = EPIPE;
	else if (r == 0)
		errno = EAGAIN;
	if (r != 1 || !(p.revents & POLLOUT) ||
	    write(readyfd, "\n", 1) != 1)
		logmsg(LOG_WARNING, "warning: --ready-fd %d: %s: readiness "
		    "is not told", readyfd, errno == EAGAIN ? "its reader does "
		    "not read" : strerror(errno));
	notify_fd_forget();
}

void
notify_take(void)
{
	const char *v = getenv("NOTIFY_SOCKET");

	tolen = 0;
	if (v == NULL)
		return;
	log_quote(v, toname, sizeof(toname));
	if ((v[0] != '/' && v[0] != '@') || sock_addr(v, &to, &tolen) == -1) {
		tolen = 0;
		logmsg(LOG_WARNING, "warning: NOTIFY_SOCKET=%s: not an absolute "
		    "path or @abstract name that fits a socket address: "
		    "readiness is not sent", toname);
	}
	unsetenv("NOTIFY_SOCKET");
}

static void
send_state(const char *msg)
{
	int s;

	if (tolen == 0)
		return;
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    sendto(s, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&to, tolen) == -1)
		logmsg(LOG_WARNING, "warning: NOTIFY_SOCKET %s: %s", toname,
		    strerror(errno));
	if (s != -1)
		close(s);
}

void
notify_ready(const char *socket)
{
	char msg[256], q[200];

	/* Quoted: a line end in the name would start another assignment. */
	log_quote(socket, q, sizeof(q));
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=listening on %s", q);
	send_state(msg);
	write_ready();
}

void
notify_stopping(int sig)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "STOPPING=1\nSTATUS=stopping on signal %d",
	    sig);
	send_state(msg);
}
