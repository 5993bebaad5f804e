/*
 * sd_notify(3)'s protocol, without libsystemd: one datagram of
 * NAME=value lines to the AF_UNIX socket NOTIFY_SOCKET names, sent with
 * MSG_DONTWAIT from a socket opened for it, so that a manager that is
 * gone or does not read never holds dived up.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "sock.h"

static struct sockaddr_un to;
static socklen_t tolen;		/* 0: nowhere to send */
static char toname[128];	/* quoted, for the log */

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
}

void
notify_stopping(int sig)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "STOPPING=1\nSTATUS=stopping on signal %d",
	    sig);
	send_state(msg);
}
