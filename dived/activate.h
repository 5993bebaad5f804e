/*
 * Socket activation: the listening socket a service manager passes, by
 * the protocol of sd_listen_fds(3) (LISTEN_PID, LISTEN_FDS,
 * LISTEN_FDNAMES, descriptors from 3 on).
 */
#ifndef DIVED_ACTIVATE_H
#define DIVED_ACTIVATE_H

#include <stddef.h>

struct passed {
	int	fd;		/* the listening socket, or -1 */
	char	name[128];	/* its LISTEN_FDNAMES name, escaped, or "" */
	char	ignored[128];	/* why the variables were ignored, or "" */
};

/*
 * Takes the socket passed to this process, if any: LISTEN_PID must be
 * this process, LISTEN_FDS must count one descriptor, 3, an AF_UNIX
 * stream socket that listens; it is made close-on-exec.  The variables
 * are unset whatever they say.  Variables meant for another process are
 * ignored, with why in p->ignored.  -1 with a message for anything else
 * passed, which dived refuses to serve.
 */
int	activation_take(struct passed *, char *, size_t);
/*
 * -i: the descriptors passed along with the connection (a service
 * manager's Accept=yes passes it at 3 as well as on standard input) are
 * closed and the variables unset.
 */
void	activation_drop(void);
/*
 * Whether the passed socket fd is the one the command line names: bound
 * to the file socket names, or the same abstract name.  -1 with a message
 * when it is not.
 */
int	activation_match(int, const char *, char *, size_t);

#endif
