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

#endif
