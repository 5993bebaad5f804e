/*
 * Telling a service manager that dived is ready to serve, or stopping:
 * the datagrams of sd_notify(3) to NOTIFY_SOCKET.
 */
#ifndef DIVED_NOTIFY_H
#define DIVED_NOTIFY_H

/*
 * Reads NOTIFY_SOCKET (a path, or @ for an abstract name) and unsets it,
 * so that no program sees it.  An address dived cannot use is logged, and
 * nothing is sent.
 */
void	notify_take(void);
/* "READY=1": a first session can be served on the socket named. */
void	notify_ready(const char *);
/* "STOPPING=1": the master stops, on the signal given. */
void	notify_stopping(int);

#endif
