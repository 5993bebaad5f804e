/* How dived runs as a process: -d, -i, -p and -D. */
#ifndef DIVED_DAEMON_H
#define DIVED_DAEMON_H

#include <stddef.h>

#include "options.h"

struct config;

/*
 * -d: forks.  The parent waits and exits 0 once the child has called
 * daemon_ready, or with the child's status if the child exits first (its
 * error is already on standard error).  The child returns in a session
 * of its own.
 */
void	daemon_detach(void);
/*
 * The detached child serves: 0, 1 and 2 are /dev/null (2 stays with
 * keep_stderr), and the parent is released.  Its directory stays the one
 * dived was started in, as with dive 1.x: -H, a relative -h and the -a
 * command start there.  Without -d, or once done, nothing.
 */
void	daemon_ready(int);
/*
 * In a process the detached child forks before daemon_ready: it lets go
 * of what the parent, and whoever reads the output of dived -d, wait on,
 * the readiness pipe and 0, 1 and 2 as daemon_ready leaves them.  Without
 * -d, or after daemon_ready, nothing.  -1 with errno set.
 */
int	daemon_forked(int);

/*
 * Writes this process's pid to every -p file.  A file on a cgroup file
 * system only gets the pid (which moves the process into that cgroup);
 * other files are regular pidfiles, which must be dived's own
 * (ownfile_check), removed by pidfiles_remove.
 * Returns -1 with a message naming the file.
 */
int	pidfiles_write(const struct options *, char *, size_t);
/*
 * Before the socket listens: each -p file already there must be one
 * pidfiles_write would accept, so that a dived that is going to refuse one
 * never listens.  Nothing is made or written; pidfiles_write checks again.
 */
int	pidfiles_check(const struct options *, char *, size_t);
void	pidfiles_remove(void);

/* -D: a new session, /dev/null on 0, 1 and 2 (not 2 with keep_stderr). */
int	daemon_session(int, char *, size_t);

/*
 * -i: checks that standard input is a connected unix stream socket and
 * moves it to a close-on-exec descriptor above 2, which it returns; 0, 1
 * and 2 become /dev/null.  Exits with a message otherwise.
 */
int	inetd_client(void);
/* Serves the connection inetd_client returned, as its monitor. */
void	inetd_run(const struct config *, int) __attribute__((noreturn));
/*
 * A start-up error: to standard error and, when a client is already
 * connected (-i, not -1), to the log and to the client.  Exits 1.
 */
void	start_failed(int, const char *) __attribute__((noreturn));

/* /dev/null on 0, 1 and 2 (not 2 with keep_stderr); -1 with errno. */
int	stdio_devnull(int);

/* path made absolute against the current directory, malloc'd, or NULL. */
char	*absolute_path(const char *);

#endif
