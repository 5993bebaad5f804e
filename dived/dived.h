/* What every dived process shares: options and derived settings. */
#ifndef DIVED_DIVED_H
#define DIVED_DIVED_H

#include <sys/resource.h>

#include "activate.h"
#include "msgid.h"
#include "options.h"
#include "sandbox.h"

#include "policy.h"

struct config {
	struct options	o;
	struct sandbox	sandbox;
	int		privileged;	/* root: may change credentials */
	struct rlimit	nofile;		/* as dived found it, for programs */
	struct target	target;		/* -u, -g, -e resolved */
	uid_t		sock_uid;	/* -U resolved */
	gid_t		sock_gid;
	struct ruleset	*rules;		/* --policy, as last read */
	struct rules_sum *in_force;	/* the master's, shared; or NULL */
	int		audit_fd;	/* --audit-log, or -1: syslog */
	struct passed	passed;		/* by a service manager, or fd -1 */
};

/* Resolves user and group names of the options; -1 with a message. */
int	config_resolve(struct config *, char *, size_t);
/*
 * Warns of a -h directory missing at start, and of option combinations
 * that dive 1.x allowed and are unsafe.
 */
void	config_warnings(const struct config *);
/*
 * Once the privilege-separation user is resolved: warns when it is nobody,
 * or when -u, -e or a rule's "as" runs programs as it.
 */
void	config_privsep_warnings(const struct config *);
/* The same for the rules of a rule set alone, as read again on SIGHUP. */
void	config_rule_warnings(const struct config *, const struct ruleset *);
/* What the options allow, for policy_decide. */
void	baseline_from(const struct config *, struct baseline *);
/*
 * The groups a program gets: the decision's own list, or one looked up
 * for its user (owned, then, and freed by groups_free), or its one gid.
 */
struct groupset {
	const gid_t	*list;
	int		 n;
	gid_t		*owned;
	gid_t		 one;
};

/* Fills the set for a decision; -1 when the groups cannot be read. */
int	groups_of(const struct decision *, struct groupset *);
void	groups_free(struct groupset *);

/* The master re-reads the rule file and reopens the audit log on SIGHUP. */
void	master_run(struct config *) __attribute__((noreturn));
/* -J and -j: the program setup applied to dived itself, then exec. */
void	just_run(const struct config *) __attribute__((noreturn));
/*
 * A monitor for one connection, with its session ID (sessid.h).  The
 * last descriptor, if not -1, is its socket to the master, closed just
 * before the client hears the end.
 */
void	monitor_run(const struct config *, int, const char *, int)
	    __attribute__((noreturn));
/*
 * --spares: a monitor started ahead of its connection, with its parser
 * confined already.  It waits on its socket to the master for one
 * MASTER_CLIENT message, a u64 connection number with the client's
 * connection, and serves it as monitor_run does, under the session ID of
 * that number, the same socket then being its socket to the master.  End
 * of file before that retires it.
 *
 * With report set it first tells the master of its start, on the same
 * socket: SPARE_READY, no payload, once its parser is confined; or
 * SPARE_FAILED, the text of why it cannot serve, before it exits.
 */
void	monitor_spare(const struct config *, int, int)
	    __attribute__((noreturn));

#endif
