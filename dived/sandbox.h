/*
 * The parser's sandbox: its own program (dived-parser), an empty root, no
 * privileges, a syscall allow-list.
 */
#ifndef DIVED_SANDBOX_H
#define DIVED_SANDBOX_H

#include <sys/types.h>

struct privsep {
	int		 active;	/* dived is root: chroot and setuid */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;
	const char	*dir;
	int		 filter;	/* sealed memfd: the compiled filter */
	int		 program;	/* dived-parser, opened at start */
};

/*
 * At start: compiles the parser's seccomp filter, opens the parser
 * program (next to dived's own, else in DIVED_LIBEXEC) and checks that
 * only root may change it, resolves the privilege-separation user,
 * creates the empty directory if missing and checks it is root-owned,
 * not writable by others and empty.  Returns -1 with a message in err.
 */
int	privsep_prepare(const char *, const char *, struct privsep *, char *,
	    size_t);

/*
 * In the monitor: starts the parser program with mon as its socket to
 * us.  Returns its pid, or -1 with errno set.  A parser that cannot
 * start or confine itself says why on mon and exits.
 */
pid_t	sandbox_start(const struct privsep *, int, unsigned int);

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

#define SANDBOX_CLIENT_FD	3
#define SANDBOX_MONITOR_FD	4
#define SANDBOX_FILTER_FD	5

#endif
