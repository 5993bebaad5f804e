/*
 * Whom dive talks to.  Anyone may bind an abstract name, or a path in a
 * directory they can write, before dived does; what dive sends (every
 * descriptor it has, the environment) would then be theirs.  So the
 * process listening on the socket must run as root, as the caller, or as
 * the one user the caller names, before dive sends it a byte; and what
 * it hands back as a pseudo-terminal must be one.
 */
#ifndef DIVE_PEER_H
#define DIVE_PEER_H

#include <sys/types.h>

/* No user named: only root and the caller are trusted. */
#define PEER_NONE	((uid_t)-1)

/*
 * The user a value of DIVE_SERVERUID names: a decimal user ID, or a user
 * name.  -1 when it is neither.
 */
int	peer_parse_uid(const char *, uid_t *);
/*
 * Whether a server running as the first user ID may be told anything by
 * a caller running as the second, the third being the one named, or
 * PEER_NONE.
 */
int	peer_trusted(uid_t, uid_t, uid_t);
/*
 * The user ID of the process that listens on the other end of a
 * connected socket, as the kernel recorded it (SO_PEERCRED); -1 with
 * errno set.
 */
int	peer_uid(int, uid_t *);
/* Whether a descriptor is an open master side of a pseudo-terminal. */
int	peer_pty_master(int);

#endif
