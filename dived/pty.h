/*
 * A session's pseudo-terminal: the socket's rule (--pty, --no-pty), and
 * the terminal the monitor makes for the program.  Its master goes to the
 * client, which relays it; no dived process reads or writes its bytes,
 * but in a recorded session, where the recorder holds it and relays it
 * to a second one, whose master goes to the client instead (recorder.h).
 */
#ifndef DIVED_PTY_H
#define DIVED_PTY_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct decision;
struct spawn_req;

/*
 * isatty(3) for a descriptor a client sent, asked as root: the terminal
 * request goes only to character devices of the tty class (from /sys, or
 * the usual terminal majors without it), never to another driver that
 * might read its number otherwise.
 */
int	pty_is_terminal(int);

/* The HELLO flags that tell the client the socket's rule. */
uint32_t	pty_hello_flags(const struct config *);

/*
 * Checks a request against the rule, and that no terminal of the client
 * travels with a pseudo-terminal request.  -1 with a message in err.
 */
int	pty_check(const struct config *, const struct spawn_req *, char *,
	    size_t);

/*
 * Makes the pseudo-terminal a request asks for, with its window size.  The
 * slave goes to r->ptyfd, the master to *master; both close-on-exec.
 * *master is -1 when the request asks for none.  -1 with a message in
 * err.
 */
int	pty_make(struct spawn_req *, int *, char *, size_t);
/*
 * A new pair: its master and its slave, both close-on-exec, the slave
 * dived's user's alone.  -1 with a message in err.
 */
int	pty_pair(int *, int *, char *, size_t);
/* The first of the client's descriptors that is a terminal, or -1. */
long	pty_client_terminal(const struct spawn_req *);
/* Once decided, gives the slave to the program's user. */
int	pty_give(const struct config *, const struct decision *,
	    const struct spawn_req *, char *, size_t);

#endif
