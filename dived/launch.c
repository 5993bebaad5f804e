/*
 * The launch of a decided request, prepared the same way for a monitor's
 * program and for -J's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "launch.h"
#include "spawn.h"

/*
 * The maps of a new user namespace.  Falling back to id 0 inside is for
 * checked maps and root clients only (ns_inside).
 */
static int
plan_namespaces(struct launch *l, const struct peer *p, char *err,
    size_t len)
{
	const struct isolation *iso = &l->d->iso;
	int inplace = l->cfg->o.no_wait || l->cfg->o.mode == MODE_JUST;

	if (!(iso->unshare & CLONE_NEWUSER))
		return 0;
	if (ns_plan_maps(iso, p, l->d, inplace, &l->mapbuf, err, len) == -1)
		return -1;
	l->maps = &l->mapbuf;
	l->zero_ok = p->uid == 0 || iso->uidgidmap || iso->uidmap_set ||
	    iso->gidmap_set;
	return 0;
}

int
launch_init(struct launch *l, const struct config *cfg,
    const struct decision *d, const struct spawn_req *r,
    const struct peer *p, int pin, char *err, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->cfg = cfg;
	l->d = d;
	l->r = r;
	l->nofile = cfg->nofile;
	l->errfd = l->replyfd = l->holdfd = l->nullfd = l->initfd = -1;
	l->procfd = -1;
	if (ns_needs_proc(&d->iso) && ((l->procfd = open("/proc", O_PATH |
	    O_DIRECTORY | O_CLOEXEC)) == -1 || ns_user_ident(l->procfd,
	    &l->userns) == -1))
		return errbuf(err, len, "/proc/self/ns/user: %s",
		    strerror(errno));
	if (groups_of(d, &l->groups) == -1)
		return errbuf(err, len, "groups of %s: too many or out of "
		    "memory", d->user);
	if (plan_namespaces(l, p, err, len) == -1)
		return -1;
	l->steal_tty = spawn_may_steal_tty(r->ttyfd, pin, p->uid);
	return 0;
}

void
launch_free(struct launch *l)
{
	groups_free(&l->groups);
	if (l->procfd != -1)
		close(l->procfd);
	if (l->nullfd != -1)
		close(l->nullfd);
	l->procfd = l->nullfd = -1;
}
