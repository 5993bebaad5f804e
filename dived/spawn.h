/* Setting up the program's process, one step at a time, then execve. */
#ifndef DIVED_SPAWN_H
#define DIVED_SPAWN_H

#include <sys/resource.h>
#include <sys/types.h>

#include "launch.h"

/*
 * What a failed step writes to errfd before the child exits: the exit
 * status dive should use and the reason.
 */
struct launch_error {
	uint32_t	status;
	char		text[DIVE_MAX_ERRTEXT];
};

/*
 * Whether the program may take the client's terminal from the session it
 * controls: only when it is the controlling terminal of the client (the
 * pidfd that pins it, from SO_PEERPIDFD; never when there is none) and
 * belongs to the client's uid, or the client is root.  Anyone may pass a
 * descriptor of another user's terminal it happens to hold; stealing that
 * one would let the program type into that user's shell.
 */
int	spawn_may_steal_tty(int, int, uid_t);

/*
 * For a program that runs as another user: *fd is /dev/null, opened
 * close-on-exec, when the client left any of 0-2 closed, else -1.  -1
 * when it cannot be opened, or is not the null device.
 */
int	spawn_null(const struct spawn_req *, int *);

/* In the forked child; never returns. */
void	spawn_program(struct launch *) __attribute__((noreturn));

/*
 * Signal dispositions, so that the program starts with every signal at
 * SIG_DFL: spawn_signals_found notes those not at SIG_DFL when dived
 * starts, spawn_signal sets one and notes it, and spawn_reset_signals,
 * in a process about to exec, resets those and unblocks every signal.
 */
void	spawn_signals_found(void);
void	spawn_signal(int, void (*)(int));
void	spawn_reset_signals(void);

#endif
