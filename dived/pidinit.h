/* --init: a reaper as process 1 of a new pid namespace. */
#ifndef DIVED_PIDINIT_H
#define DIVED_PIDINIT_H

struct options;

/*
 * In process 1: forks the program's process, which returns 0 and goes on
 * with its steps, and becomes the reaper, which never returns.  -1 with
 * errno when the fork fails.
 */
int	pidinit_start(const struct options *);
/*
 * In the program's process: a pidfd of itself to the monitor on a socket
 * (PS_PROGRAM), so that the pid the client is told and signals, and the
 * one -n signals, are the program's rather than the reaper's.  -1 with
 * errno.
 */
int	pidinit_tell(int);

#endif
