/*
 * The sandbox of the confined programs a monitor starts, the parser
 * (dived-parser) and a recorded session's recorder (dived-recorder): an
 * empty root, no privileges, a syscall allow-list of each one's own.
 */
#ifndef DIVED_SANDBOX_H
#define DIVED_SANDBOX_H

#include <sys/types.h>

enum sandbox_role {
	SANDBOX_PARSER,
	SANDBOX_RECORDER,
	SANDBOX_ROLES
};

struct sandbox {
	int		 active;	/* dived is root: chroot and setuid */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;
	const char	*dir;
	/* Sealed memfds, the compiled filters; the programs, opened at start. */
	int		 filter[SANDBOX_ROLES];
	int		 program[SANDBOX_ROLES];
};

/*
 * At start: compiles each program's seccomp filter, opens each program
 * (next to dived's own, else in DIVED_LIBEXEC) and checks that only root
 * may change it, resolves the privilege-separation user, creates the
 * empty directory if missing and checks it is root-owned, not writable
 * by others and empty.  Returns -1 with a message in err.
 */
int	sandbox_prepare(const char *, const char *, struct sandbox *, char *,
	    size_t);

/*
 * In the monitor: starts the program of a role with mon as its socket to
 * us, and the timeout as its argument (the parser's request timeout).
 * Returns its pid, or -1 with errno set.  A program that cannot start or
 * confine itself says why on mon (PS_FAIL) and exits; once confined it
 * says so (PS_CONFINED).
 */
pid_t	sandbox_start(const struct sandbox *, enum sandbox_role, int,
	    unsigned int);

/*
 * A directory of dived's own, made at start when missing (its parents
 * 0755, itself with the mode) and owned by root, or by dived's user when
 * dived is not root, writable by no one else: -1 with a message when it
 * is not.
 */
int	sandbox_mkdir(const char *, mode_t, char *, size_t);

#define SANDBOX_CLIENT_FD	3
#define SANDBOX_MONITOR_FD	4
#define SANDBOX_FILTER_FD	5

#endif
