/*
 * The rule file: who may run what, as whom, and how.  The text is handed
 * in as a buffer and names are resolved through the caller's functions:
 * this code does no I/O.  The grammar is in dive.rules(5).
 */
#ifndef DIVE_RULES_H
#define DIVE_RULES_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "iso.h"

#define RULES_MAX_BYTES		(1024 * 1024)	/* the whole file */
#define RULES_MAX_RULES		4096
#define RULES_MAX_WORDS		256	/* on one line */
#define RULES_MAX_ERRORS	64	/* reported; the rest are counted */
#define RULES_MAX_GROUPS	64	/* as USER:G1,G2,... */
#define RULES_MAX_TIMELIMIT	(365 * 24 * 3600)

/*
 * What a session's recording keeps, a rule's record option or dived's
 * --record: the output, the keys too, and whether a recording that
 * cannot be written lets the session go on.
 */
#define RECORD_OUTPUT	0x1u
#define RECORD_INPUT	0x2u
#define RECORD_FAILOPEN	0x4u

enum rule_who { WHO_ANY, WHO_UID, WHO_GID };
enum rule_args { ARGS_ANY, ARGS_EXACT, ARGS_PREFIX };

struct rule {
	int		 line;
	/*
	 * Its words as written, joined by one blank, quoted words quoted
	 * again: how --check-policy and dive -l show the rule.
	 */
	char		*text;
	int		 permit;
	enum rule_who	 who;
	uint32_t	 id;		/* uid or gid */
	const char	*who_text;	/* as written, for messages */

	int		 as_set;	/* as USER[:GROUP,...] */
	uid_t		 as_uid;
	gid_t		 as_gid;
	const char	*as_user;	/* initgroups name, or NULL */
	gid_t		 as_groups[RULES_MAX_GROUPS];
	int		 as_ngroups;	/* 0: the user's own groups */

	const char	*cmd;		/* exact argv[0], or NULL for any */
	enum rule_args	 args_mode;
	char		**args;		/* NULL-terminated */
	size_t		 nargs;

	int		 env_set;	/* env { NAME NAME=value ... } */
	char		**env;
	size_t		 nenv;

	int		 nocwd, nofds, noumask, clientroot, nonewprivs;
	int		 diewithclient;
	int		 keepfds, keepumask;	/* for another user, too */
	int		 root_col;	/* where clientroot or chroot stands */
	unsigned int	 timelimit;	/* seconds, 0: none */
	unsigned int	 record;	/* RECORD_*, 0: not recorded */
	const char	*chroot;
	int		 unshare;	/* CLONE_NEW* added */
	int		 caps_set;
	uint64_t	 caps;		/* bounding set kept */
	uint64_t	 dropcaps;
	struct isolation limits;	/* only its rlimits are used */
};

struct ruleset {
	struct rule	*rules;
	size_t		 nrules;
	char		*text;		/* the words, unquoted, in place */
	int		 records;	/* a permit rule says record */
	char		 sum[65];	/* the file's SHA-256, set by its loader */
};

struct rules_error {
	int		 line, col;
	char		 msg[200];
};

struct rules_errors {
	struct rules_error e[RULES_MAX_ERRORS];
	size_t		 n;		/* kept */
	size_t		 total;		/* found */
};

/* Name lookups, done by the caller: 0 and the ids, or -1 if unknown. */
struct rules_names {
	int	(*user)(void *, const char *, uid_t *, gid_t *);
	int	(*group)(void *, const char *, gid_t *);
	void	*arg;
};

/*
 * Parses len bytes of text.  Returns a rule set, or NULL with errs filled
 * (errs->total is 0 when memory ran out).
 */
struct ruleset *rules_parse(const char *, size_t, const struct rules_names *,
	    struct rules_errors *);
void	rules_free(struct ruleset *);

/* Whether the rule's identity matches the peer: uid, and gid or groups. */
int	rules_who_matches(const struct rule *, uid_t, gid_t, const gid_t *,
	    int);

/*
 * The first rule that matches the peer (uid, and gid or any of groups)
 * and argv, or NULL: no rule matches, and so the request is denied.
 */
const struct rule *rules_match(const struct ruleset *, uid_t, gid_t,
	    const gid_t *, int, const char *const *);

#endif
