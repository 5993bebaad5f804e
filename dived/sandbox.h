/* The parser's sandbox: an empty root, no privileges, a syscall allow-list. */
#ifndef DIVED_SANDBOX_H
#define DIVED_SANDBOX_H

#include <sys/types.h>

#include <linux/filter.h>

#include <stddef.h>

struct privsep {
	int		 active;	/* dived is root: chroot and setuid */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;
	const char	*dir;
	struct sock_fprog filter;	/* the parser's, compiled at start */
};

/*
 * At start: compiles the parser's seccomp filter, resolves the
 * privilege-separation user, creates the empty directory if missing and
 * checks it is root-owned, not writable by others and empty.  Returns -1
 * with a message in err.
 */
int	privsep_prepare(const char *, const char *, struct privsep *, char *,
	    size_t);

/*
 * In the parser, before any client: keeps only the monitor socket (as
 * descriptor 4) and /dev/null as 0-2, then gives up everything else, and
 * dies with its monitor (whose pid is given).  The client's connection
 * comes from the monitor afterwards and lands on 3.  On failure it tells
 * the monitor why and exits.
 */
void	sandbox_enter(const struct privsep *, int, pid_t);

#define SANDBOX_CLIENT_FD	3
#define SANDBOX_MONITOR_FD	4

#endif
