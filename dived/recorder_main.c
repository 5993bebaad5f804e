/*
 * dived-recorder: the program a monitor starts for a recorded session
 * (recorder.h).  Like the parser it is a program of its own, confined
 * before it is given anything, and it is started the same way, with the
 * socket to the monitor as descriptor 4, the compiled seccomp filter as
 * 5, and the same arguments:
 *
 *   dived-recorder MONITOR-PID 0 UID GID DIR USER
 *
 * UID is "-" when dived is not root.  It is not meant to be run by hand.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "confine.h"
#include "privsep.h"
#include "recorder.h"
#include "title.h"

/* Its descriptors: 0-2, the monitor, the filter, the signals, and ours. */
#define RECORDER_NOFILE	32

static int sigfd = -1;

/*
 * Before the filter, which forbids them: a session of its own, so that
 * the client's terminal can become its controlling one; SIGWINCH on a
 * descriptor; and no end by the signals a terminal or a closed pipe
 * sends, which the recorder handles as the states they are.
 */
static void
last_steps(void)
{
	static const int ignored[] = { SIGHUP, SIGINT, SIGQUIT, SIGTSTP,
	    SIGTTIN, SIGTTOU, SIGPIPE };
	sigset_t winch;

	if (setsid() == -1)
		ps_fail(SANDBOX_MONITOR_FD, DIVE_EXIT_FAILURE, "recorder "
		    "setsid: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &winch, NULL) == -1 ||
	    (sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		ps_fail(SANDBOX_MONITOR_FD, DIVE_EXIT_FAILURE, "recorder "
		    "signalfd: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	struct confinement c;

	if (argc != 7 || (argv = title_init(argc, argv)) == NULL)
		_exit(DIVE_EXIT_FAILURE);
	memset(&c, 0, sizeof(c));
	c.name = "recorder";
	confine_args(&c, argv);
	c.nofile = RECORDER_NOFILE;
	/* The client's output may go to a file of any size. */
	c.fsize = RLIM_INFINITY;
	c.last = last_steps;
	(void)prctl(PR_SET_NAME, "dived", 0, 0, 0);
	confine(&c);
	title_set("recorder");
	recorder_run(SANDBOX_MONITOR_FD, sigfd);
}
