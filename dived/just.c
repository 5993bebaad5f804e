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
	struct ns_maps maps;
	gid_t *groups;
	int self;
	int ngroups;

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
	if (groups_of(&d, &groups, &ngroups) == -1) {
		fprintf(stderr, "dived: groups of %s: too many or out of "
		    "memory\n", d.user);
		exit(DIVE_EXIT_FAILURE);
	}
	memset(&l, 0, sizeof(l));
	l.d = &d;
	l.r = &r;
	l.cfg = cfg;
	l.groups = groups;
	l.ngroups = ngroups;
	l.nofile = cfg->nofile;
	l.errfd = l.replyfd = l.holdfd = l.nullfd = -1;	/* to stderr */
	l.initfd = -1;
	l.inplace = 1;
	if ((self = (int)syscall(SYS_pidfd_open, getpid(), 0)) != -1) {
		l.steal_tty = spawn_may_steal_tty(r.ttyfd, self, getuid());
		close(self);
	}
	l.procfd = -1;
	if (ns_needs_proc(&d.iso) && ((l.procfd = open("/proc", O_PATH |
	    O_DIRECTORY | O_CLOEXEC)) == -1 || ns_user_ident(l.procfd,
	    &l.userns) == -1)) {
		fprintf(stderr, "dived: /proc/self/ns/user: %s\n",
		    strerror(errno));
		exit(DIVE_EXIT_FAILURE);
	}
	if (d.iso.unshare & CLONE_NEWUSER) {
		if (ns_plan_maps(&d.iso, &p, &d, 1, &maps, why,
		    sizeof(why)) == -1) {
			fprintf(stderr, "dived: %s\n", why);
			exit(DIVE_EXIT_FAILURE);
		}
		l.maps = &maps;
		l.zero_ok = p.uid == 0 || d.iso.uidgidmap ||
		    d.iso.uidmap_set || d.iso.gidmap_set;
	}
	spawn_program(&l);
}
