/*
 * Session IDs: what names a connection in the log and in its audit
 * records, unique across the runs of dived that write to one log.
 */
#ifndef DIVED_SESSID_H
#define DIVED_SESSID_H

#include <stddef.h>

/* "S-P-N" with its NUL: two 64-bit numbers and a pid at most. */
#define SESSID_LEN	48

/*
 * Takes the second and the process ID that start every ID from now on:
 * called by the process that numbers the connections, once it has the
 * pid it keeps (after detaching), before it forks any monitor.
 */
void	sessid_start(void);
/* The ID of this process's nth connection, from 1. */
void	sessid_format(char *, size_t, unsigned long);

#endif
