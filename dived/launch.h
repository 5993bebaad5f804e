/*
 * The launch of a decided request: what the program's process needs to
 * set itself up (spawn.c), prepared alike by a monitor and by -J.
 */
#ifndef DIVED_LAUNCH_H
#define DIVED_LAUNCH_H

#include <sys/resource.h>
#include <sys/types.h>

#include "dived.h"
#include "ns.h"
#include "policy.h"
#include "privsep.h"

struct launch {
	const struct config	*cfg;
	const struct decision	*d;
	const struct spawn_req	*r;
	struct groupset		 groups;
	struct rlimit		 nofile;	/* the program's descriptor limit */
	int			 errfd;		/* close-on-exec report pipe */
	int			 inplace;	/* -J: report on stderr instead */
	int			 replyfd;	/* -w: report to the client, or -1 */
	int			 holdfd;	/* kept open in the program, or -1 */
	int			 nullfd;	/* /dev/null for 0-2, or -1 */
	int			 initfd;	/* --init: for PS_PROGRAM, or -1 */
	/*
	 * The monitor joined and created the namespaces (clone) and wrote a
	 * new user namespace's maps; else the program does it itself.
	 */
	int			 nsready;
	const struct ns_maps	*maps;		/* a new user namespace's, or NULL */
	struct ns_maps		 mapbuf;	/* where maps points */
	int			 zero_ok;	/* see ns_inside */
	struct ns_ident		 userns;	/* before the namespace steps */
	int			 procfd;	/* /proc from before them */
	int			 steal_tty;	/* see spawn_may_steal_tty */
};

/*
 * Fills a launch for a decided request, as a monitor and -J both do:
 * /proc, opened before any namespace is joined, when the setup needs it;
 * the groups; a new user namespace's maps; whether the program may take
 * its terminal (the int: a pidfd pinning the client, or -1).  Every other
 * descriptor is -1, for none.  -1 with the reason in the buffer; then
 * launch_free undoes it.
 */
int	launch_init(struct launch *, const struct config *,
	    const struct decision *, const struct spawn_req *,
	    const struct peer *, int, char *, size_t);
/* What launch_init keeps that the program's process does not take over. */
void	launch_free(struct launch *);

#endif
