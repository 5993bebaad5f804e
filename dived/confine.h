/*
 * The parser program's confinement of itself (confine.c), before any
 * client: the sandbox the monitor started it in (sandbox.h) becomes a
 * seccomp filter, an empty root and the privilege-separation user.
 */
#ifndef DIVED_CONFINE_H
#define DIVED_CONFINE_H

#include <sys/types.h>

#include "sandbox.h"

/* In the parser program, before any client: what confine() is given. */
struct confinement {
	pid_t		 monitor;	/* its parent: it dies with it */
	int		 active;	/* chroot and setuid */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;
	const char	*dir;
};

/*
 * Loads the filter from SANDBOX_FILTER_FD and closes it, keeps only the
 * monitor socket with /dev/null as 0-2, then gives up everything else and
 * tells the monitor so (PS_CONFINED).  The client's connection comes from
 * the monitor afterwards and lands on 3.  On failure it tells the monitor
 * why and exits.
 */
void	confine(const struct confinement *);

#endif
