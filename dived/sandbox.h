/*
 * The parser's sandbox: its own program (dived-parser), an empty root, no
 * privileges, a syscall allow-list.
 */
#ifndef DIVED_SANDBOX_H
#define DIVED_SANDBOX_H

#include <sys/types.h>

struct sandbox {
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
int	sandbox_prepare(const char *, const char *, struct sandbox *, char *,
	    size_t);

/*
 * In the monitor: starts the parser program with mon as its socket to
 * us.  Returns its pid, or -1 with errno set.  A parser that cannot
 * start or confine itself says why on mon and exits.
 */
pid_t	sandbox_start(const struct sandbox *, int, unsigned int);

#define SANDBOX_CLIENT_FD	3
#define SANDBOX_MONITOR_FD	4
#define SANDBOX_FILTER_FD	5

#endif
