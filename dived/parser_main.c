/*
 * dived-parser: the program each monitor starts as its parser.  Its own
 * program, not a copy of the monitor: its address space holds none of
 * the monitor's memory (rules, configuration, the master's state) and is
 * laid out afresh, so a parser that a client takes over learns nothing
 * of where anything is in the monitor or the master.
 *
 * The monitor runs it with the socket between them as descriptor 4 and
 * the compiled seccomp filter as 5, and these arguments:
 *
 *   dived-parser MONITOR-PID TIMEOUT UID GID DIR USER
 *
 * UID is "-" when dived is not root: then there is no chroot or setuid,
 * only the rest of the confinement.  It is not meant to be run by hand.
 */
#include <sys/prctl.h>

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "confine.h"
#include "parser.h"
#include "privsep.h"
#include "proto.h"
#include "title.h"

int
main(int argc, char **argv)
{
	struct confinement c;
	unsigned int timeout;

	/* Titles are written over the strings: the rest reads a copy. */
	if (argc != 7 || (argv = title_init(argc, argv)) == NULL)
		_exit(DIVE_EXIT_FAILURE);
	memset(&c, 0, sizeof(c));
	c.name = "parser";
	c.nofile = DIVE_MAX_FDS + DIVE_MAX_AUXFDS + 8;
	c.fsize = 0;
	confine_args(&c, argv);
	timeout = (unsigned int)confine_number(argv[2], UINT_MAX);
	(void)prctl(PR_SET_NAME, "dived", 0, 0, 0);
	confine(&c);
	title_set("parser [spare]");
	parser_run(SANDBOX_MONITOR_FD, timeout);
}
