/*
 * The decision: who the program runs as, with which command line and
 * environment.  No I/O: the caller resolves names and passes them in.
 */
#ifndef DIVE_POLICY_H
#define DIVE_POLICY_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "iso.h"
#include "rules.h"

struct peer {
	pid_t		 pid;
	uid_t		 uid;
	gid_t		 gid;
	const char	*name;		/* NULL when the uid has no name */
	const gid_t	*groups;	/* SO_PEERGROUPS, for group rules */
	int		 ngroups;
};

#define MAX_TARGET_GROUPS	256

/* -u, -g and -e, resolved to numbers. */
struct target {
	int		 user_set;	/* -u */
	uid_t		 uid;
	gid_t		 gid;		/* the user's primary group */
	const char	*user;		/* NULL for a uid without a name */
	int		 groups_set;	/* -g: groups[0] is the gid */
	gid_t		 groups[MAX_TARGET_GROUPS];
	int		 ngroups;
	int		 euser_set;	/* -e */
	uid_t		 euid;
};

/* What dived's options allow; later a rule file narrows it. */
struct baseline {
	int		  privileged;	/* dived can change credentials */
	int		  no_setuid;	/* -P */
	const struct target *target;
	char *const	 *prefix;	/* forced command line */
	size_t		  nprefix;
	int		  no_argv;	/* -A */
	char *const	 *own_env;	/* -E: dived's environment, or NULL */
	int		  no_chdir;	/* -H, or -h given */
	const char	 *chdir;	/* -h, or NULL */
	int		  no_fds;	/* -O */
	int		  no_umask;	/* -M */
	int		  keep_umask;	/* --keep-umask */
	uid_t		  self_uid;	/* dived's own ids, for -P and an */
	gid_t		  self_gid;	/* unprivileged dived */
	const struct isolation *iso;	/* namespaces, root, caps, limits */
	const struct ruleset *rules;	/* --policy, or NULL */
	unsigned int	  time_limit;	/* --time-limit, 0: none */
	int		  die_with_client;
	unsigned int	  record;	/* --record...: RECORD_* */
};

struct decision {
	int		 setids;	/* change to uid, euid, gid, groups */
	uid_t		 uid;
	uid_t		 euid;
	gid_t		 gid;
	const char	*user;		/* initgroups name, or NULL */
	const gid_t	*groups;	/* explicit groups, or NULL */
	int		 ngroups;
	int		 client_cwd;	/* enter the client's directory */
	const char	*chdir;		/* -h: start there, or NULL */
	int		 client_fds;	/* give the client's descriptors */
	int		 client_umask;
	/*
	 * The program runs as someone other than the client: its umask
	 * gains umask_add, and 0-2 the client left closed are /dev/null.
	 */
	int		 other_user;
	unsigned int	 umask_add;
	int		 std_fds_only;	/* only the client's 0-2 */
	/*
	 * The program starts at its root's top (or -h) and gets no
	 * directory of the client's: a rule's root, or the client's.
	 */
	int		 confined;
	char		**argv;		/* prefix + client argv */
	char		**envp;		/* client env + DIVE_* */
	char		 *vars;		/* storage for the DIVE_* entries */
	char		**kept;		/* a rule's env: what it keeps */
	struct isolation iso;		/* the baseline's, as a rule left it */
	const struct rule *rule;	/* the rule that decided, or NULL */
	unsigned int	 time_limit;	/* seconds, 0: none */
	int		 die_with_client;
	/*
	 * RECORD_*: recorded when RECORD_OUTPUT is set; RECORD_FAILOPEN may
	 * be set alone, for a rule that records.
	 */
	unsigned int	 record;
};

/*
 * Returns 0 with d filled, or -1 with a reason in why.  argv and envp
 * point into the request's strings, which must outlive d, as must the
 * baseline's rule set.  With a rule set the first rule that matches the
 * peer and the command line decides, and no match denies; d->rule names
 * the deciding rule either way (NULL when none matched).
 */
int	policy_decide(const struct baseline *, const struct peer *,
	    const char *const *, size_t, const char *const *, size_t,
	    struct decision *, char *, size_t);
void	decision_free(struct decision *);

/*
 * What dived's options alone give every request of the peer, as
 * policy_decide would fill d without a rule set, but for the command
 * line and the environment (NULL): the answer to "what may I run?" when
 * there are no rules.  -1 with a reason in why when the options refuse
 * every request of the peer.
 */
int	policy_options(const struct baseline *, const struct peer *,
	    struct decision *, char *, size_t);

/*
 * A rule that dived's options make unsafe, checked when the file is
 * loaded: -1 with the reason in why and, in *col, the column of the word
 * that causes it.
 */
int	policy_check_rule(const struct baseline *, const struct rule *, int *,
	    char *, size_t);

/*
 * Fills d->envp: envp without DIVE_* entries, then DIVE_UID, DIVE_GID,
 * DIVE_PID and, when the peer has a name, DIVE_USER.  -1 when out of
 * memory; decision_free releases it.
 */
int	policy_env(const struct peer *, const char *const *, size_t,
	    struct decision *);

#endif
