/*
 * Telling a service manager that dived is ready to serve, or stopping:
 * the datagrams of sd_notify(3) to NOTIFY_SOCKET, and the newline of s6's
 * notification-fd to the descriptor of --ready-fd.
 */
#ifndef DIVED_NOTIFY_H
#define DIVED_NOTIFY_H

/*
 * Reads NOTIFY_SOCKET (a path, or @ for an abstract name) and unsets it,
 * so that no program sees it.  An address dived cannot use is logged, and
 * nothing is sent.
 */
void	notify_take(void);
/*
 * --ready-fd: before anything opens a descriptor that could take its
 * number, checks that fd is open for writing, and makes it close-on-exec.
 * -1 with a message.
 */
int	notify_fd_take(int, char *, size_t);
/* In a process the master forks: the descriptor is not its to write. */
void	notify_fd_forget(void);
/*
 * A first session can be served on the socket named: "READY=1", and a
 * newline to the --ready-fd descriptor, which is then closed.
 */
void	notify_ready(const char *);
/* "STOPPING=1": the master stops, on the signal given. */
void	notify_stopping(int);

#endif
