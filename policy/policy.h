/*
 * The decision: who the program runs as, with which command line and
 * environment.  No I/O: the caller resolves names and passes them in.
 */
#ifndef DIVE_POLICY_H
#define DIVE_POLICY_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct peer {
	pid_t		 pid;
	uid_t		 uid;
	gid_t		 gid;
	const char	*name;		/* NULL when the uid has no name */
};

/* What dived's options allow; later a rule file narrows it. */
struct baseline {
	int		  privileged;	/* dived can change credentials */
	char *const	 *prefix;	/* forced command line */
	size_t		  nprefix;
};

struct decision {
	int		 setids;	/* change to uid, gid, groups */
	uid_t		 uid;
	gid_t		 gid;
	const char	*user;		/* initgroups name, or NULL: gid only */
	char		**argv;		/* prefix + client argv */
	char		**envp;		/* client env + DIVE_* */
	char		 *vars;		/* storage for the DIVE_* entries */
};

/*
 * Returns 0 with d filled, or -1 with a reason in why.  argv and envp
 * point into the request's strings, which must outlive d.
 */
int	policy_decide(const struct baseline *, const struct peer *,
	    const char *const *, size_t, const char *const *, size_t,
	    struct decision *, char *, size_t);
void	decision_free(struct decision *);

#endif
