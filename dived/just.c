/*
 * -J and -j: no socket and no client.  The command after -- is started by
 * dived itself, with the same setup steps as a remote program, applied to
 * this process, which then execs it.  The invoker is the "client": its
 * real uid and gid, its environment, directory, umask and descriptors.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dived.h"
#include "spawn.h"

extern char **environ;

void
just_run(const struct config *cfg)
{
	struct launch l;
	struct spawn_req r;
	struct decision d;
	struct baseline b;
	struct peer p;
	struct passwd *pw;
	char why[256];
	int self;

	memset(&p, 0, sizeof(p));
	p.pid = getpid();
	p.uid = getuid();
	p.gid = getgid();
	if ((pw = getpwuid(p.uid)) != NULL)
		p.name = strdup(pw->pw_name);
	spawn_req_init(&r);
	r.head.umask = (uint32_t)umask(0);
	umask((mode_t)r.head.umask);
	/* The terminal to take as controlling one, as dive would choose. */
	for (int fd = 0; fd <= 2 && r.ttyfd == -1; fd++)
		if (isatty(fd))
			r.ttyfd = fd;
	baseline_from(cfg, &b);
	/* The environment is this process's own; it is the invoker's. */
	b.own_env = environ;
	b.no_fds = 1;		/* the descriptors are already in place */
	if (policy_decide(&b, &p, NULL, 0, NULL, 0, &d, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "dived: %s\n", why);
		exit(DIVE_EXIT_FAILURE);
	}
	d.client_cwd = 0;	/* already there */
	/* The pin for the terminal: this process is the invoker. */
	self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (launch_init(&l, cfg, &d, &r, &p, self, why, sizeof(why)) == -1) {
		fprintf(stderr, "dived: %s\n", why);
		exit(DIVE_EXIT_FAILURE);
	}
	if (self != -1)
		close(self);
	l.inplace = 1;
	spawn_program(&l);
}
