#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

/*
 * /dev/ptmx, and each devpts instance's ptmx: an open master is a
 * descriptor of this device.
 */
#define PTMX_MAJOR	5
#define PTMX_MINOR	2

int
peer_parse_uid(const char *s, uid_t *uid)
{
	struct passwd *pw;
	unsigned long long n;

	if (*s == '\0')
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		n = strtoull(s, NULL, 10);
		/* (uid_t)-1 is no user: setuid(2) takes it as "unchanged". */
		if (errno != 0 || n >= (unsigned long long)PEER_NONE)
			return -1;
		*uid = (uid_t)n;
		return 0;
	}
	if ((pw = getpwnam(s)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

int
peer_trusted(uid_t server, uid_t caller, uid_t named)
{
	return server == 0 || server == caller ||
	    (named != PEER_NONE && server == named);
}

int
peer_uid(int sock, uid_t *uid)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return -1;
	if (len != sizeof(uc)) {
		errno = EPROTO;
		return -1;
	}
	*uid = uc.uid;
	return 0;
}

/*
 * The device alone is not enough: an O_PATH descriptor of /dev/ptmx has
 * it too.  TIOCGPTN answers only on an open master.
 */
int
peer_pty_master(int fd)
{
	struct stat st;
	unsigned int n;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	    major(st.st_rdev) == PTMX_MAJOR &&
	    minor(st.st_rdev) == PTMX_MINOR && ioctl(fd, TIOCGPTN, &n) == 0;
}
