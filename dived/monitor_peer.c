/*
 * Who the client is: its pid, uid, gid and groups from the kernel
 * (SO_PEERCRED, SO_PEERGROUPS), never from anything it sends, and the
 * pidfd that pins it.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "pidfd.h"
#include "spawn.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif

/*
 * The client pinned by a pidfd (SO_PEERPIDFD, Linux 6.5 and later), and
 * its pid read through the pin: a pid the client left behind, which the
 * kernel may have given to another process, is never taken for the
 * client's.  0 when the client has already ended; SO_PEERCRED's pid, for
 * the log only, where the kernel has no SO_PEERPIDFD.
 */
static pid_t
peer_pin(struct session *s, pid_t cred)
{
	socklen_t len = sizeof(s->peerfd);
	pid_t pid;

	if (getsockopt(s->client, SOL_SOCKET, SO_PEERPIDFD, &s->peerfd,
	    &len) == -1 || len != sizeof(s->peerfd)) {
		if (errno != ENOPROTOOPT)
			logmsg(LOG_WARNING, "session %s: SO_PEERPIDFD: %s",
			    s->id, strerror(errno));
		s->peerfd = -1;
		return cred;
	}
	if (fcntl(s->peerfd, F_SETFD, FD_CLOEXEC) == -1) {
		logmsg(LOG_ERR, "session %s: the client's pidfd: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	return (pid = pidfd_pid(s->peerfd)) == -1 ? 0 : pid;
}

void
peer_credentials(struct session *s)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	gid_t *g = s->groups;
	int r;

	if (getsockopt(s->client, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    len != sizeof(uc)) {
		logmsg(LOG_ERR, "session %s: SO_PEERCRED: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	s->peer.pid = peer_pin(s, uc.pid);
	s->peer.uid = uc.uid;
	s->peer.gid = uc.gid;
	/*
	 * The groups the client had when it connected, for group rules.
	 * Most fit in the session; for more the kernel says the room.
	 */
	len = sizeof(s->groups);
	r = getsockopt(s->client, SOL_SOCKET, SO_PEERGROUPS, g, &len);
	if (r == -1 && errno == ERANGE) {
		if (len > DIVE_MAX_PEERGROUPS * sizeof(gid_t))
			errno = E2BIG;
		else if ((g = malloc(len)) != NULL)
			r = getsockopt(s->client, SOL_SOCKET, SO_PEERGROUPS,
			    g, &len);
	}
	if (r == -1) {
		logmsg(LOG_ERR, "session %s: SO_PEERGROUPS: %s", s->id,
		    strerror(errno));
		_exit(1);
	}
	s->peer.groups = g;
	s->peer.ngroups = (int)(len / sizeof(gid_t));
}

void
peer_name(struct session *s)
{
	struct passwd *pw;

	if ((pw = getpwuid(s->peer.uid)) != NULL &&
	    (s->peer.name = strdup(pw->pw_name)) == NULL) {
		logmsg(LOG_ERR, "session %s: out of memory", s->id);
		_exit(1);
	}
}
