/*
 * A confined program's confinement of itself (confine.c), the parser's
 * before any client, the recorder's before any session: the sandbox the
 * monitor started it in (sandbox.h) becomes a seccomp filter, an empty
 * root and the privilege-separation user.
 */
#ifndef DIVED_CONFINE_H
#define DIVED_CONFINE_H

#include <sys/resource.h>
#include <sys/types.h>

#include "sandbox.h"

/* What confine() is given. */
struct confinement {
	const char	*name;		/* "parser", "recorder": for messages */
	pid_t		 monitor;	/* its parent: it dies with it */
	int		 active;	/* chroot and setuid */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;
	const char	*dir;
	rlim_t		 nofile;	/* RLIMIT_NOFILE */
	rlim_t		 fsize;		/* RLIMIT_FSIZE */
	/*
	 * The program's own last steps before its filter, for what the
	 * filter then forbids; or NULL.
	 */
	void		(*last)(void);
};

/*
 * Loads the filter from SANDBOX_FILTER_FD and closes it, keeps only the
 * monitor socket with /dev/null as 0-2, then gives up everything else and
 * tells the monitor so (PS_CONFINED).  What the monitor sends afterwards
 * lands on the lowest free numbers, 3 first (the parser's client).  On
 * failure it tells the monitor why and exits.
 */
void	confine(const struct confinement *);

/*
 * A number of the command line the monitor gave a confined program, at
 * most the maximum; anything else ends the program.
 */
unsigned long confine_number(const char *, unsigned long);

/*
 * The confinement the monitor's command line names, argv[1] and argv[3]
 * to argv[6] of both programs: its pid, the uid and gid ("-" for none:
 * no chroot or setuid), the directory and the user.
 */
void	confine_args(struct confinement *, char **);

#endif
