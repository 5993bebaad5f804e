/*
 * dive's side of a pseudo-terminal that dived made for the program: the
 * caller's terminal in raw mode while dive is in its foreground, the keys
 * copied to the master, the master's output copied to the terminal, and
 * window size changes passed on.  The terminal is restored on every way
 * out that dive can see.
 */
#ifndef DIVE_RELAY_H
#define DIVE_RELAY_H

#include <poll.h>
#include <stdint.h>

/*
 * Which of descriptors 0-2 are terminals, as PTY_* bits: asked once, as
 * dive starts.
 */
uint32_t	relay_terminals(void);
/* The window size of the first of them, 0 by 0 when unknown. */
void		relay_size(uint32_t, uint32_t *, uint32_t *);

/* Starts relaying the master for the terminals of the mask. */
void	relay_begin(int, uint32_t);
/*
 * The descriptors to poll now, at most RELAY_NPOLL, and how long to wait
 * at most; their count.
 */
#define RELAY_NPOLL	2
int	relay_poll(struct pollfd *, int *);
void	relay_io(const struct pollfd *, int);
/* SIGWINCH, SIGCONT and SIGTSTP; 0 when the signal is not the relay's. */
int	relay_signal(int);
/*
 * The program has ended: no more keys, and the terminal as dive found it.
 * The master's output is still copied, through relay_poll and relay_io,
 * until relay_drained.
 */
void	relay_end(void);
/*
 * 1 once every holder of the slave has closed it, or its output has
 * paused for DIVE_DRAIN_QUIET_MS, or DIVE_DRAIN_MAX_MS have passed since
 * relay_end; at once without a relay.
 */
int	relay_drained(void);
/* The terminal as dive found it. */
void	relay_restore(void);

#endif
