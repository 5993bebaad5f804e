/*
 * A session ID is "S-P-N": S, the second (since the epoch) the process
 * that numbers the connections started, the master or a dived -i; P,
 * its process ID; N, the connection's number in it, from 1.  A number
 * alone starts again at 1 with each run of dived, and with -i each
 * connection is a run of its own, so two sessions would share it in one
 * log.  Two processes that live at once have different pids, and a pid
 * comes back within the second it was freed only on a system that went
 * through every other pid in that second.  IDs are digits and dashes,
 * short enough for a log line, and sort by start second first.
 */
#include <sys/types.h>

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "sessid.h"

static long long start;
static pid_t numberer;

void
sessid_start(void)
{
	start = (long long)time(NULL);
	numberer = getpid();
}

void
sessid_format(char *buf, size_t len, unsigned long n)
{
	snprintf(buf, len, "%lld-%ld-%lu", start, (long)numberer, n);
}
