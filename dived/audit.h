/*
 * The audit log: one JSON object per decision and one per program end,
 * to syslog (authpriv) or to a file given by --audit-log.  The fields are
 * listed in dived(8), AUDIT LOG.
 */
#ifndef DIVED_AUDIT_H
#define DIVED_AUDIT_H

#include <sys/types.h>

#include <stddef.h>

#include "policy.h"

#define DIVE_AUDIT_MAX_STRING	1024	/* bytes of one string, then "..." */
#define DIVE_AUDIT_MAX_ITEMS	256	/* of argv or env, then a count */

/* A record being built. */
struct jrec {
	char	*buf;
	size_t	 len, cap;
	int	 comma;		/* a value came before: the next needs one */
	int	 nomem;
};

/* A recorded session's recording, as its records name it. */
struct audit_recording {
	const char	*file;		/* its path */
	int		 input;		/* the keys are recorded too */
	int		 cut;		/* at --record-max */
	const char	*error;		/* why it failed, or NULL */
	long long	 bytes;		/* its size at the end; -1 before */
};

/* What one record tells; NULL and 0 fields are written as null. */
struct audit_rec {
	const char	*event;		/* "decision" or "end" */
	const char	*outcome;	/* allowed, denied; exited, signaled,
					   failed */
	const char	*reason;
	const char	*session;	/* its ID (sessid.h) */
	const struct peer *peer;	/* NULL: not known to the writer */
	const char	*policy;	/* the rule file, or NULL */
	int		 rule;		/* its line, 0: none */
	const char	*rules_sum;	/* SHA-256 of the rules that decided */
	const struct decision *dec;	/* target, namespaces, root; or NULL */
	const char *const *argv;
	const char *const *envp;	/* only the names are written */
	const char	*cwd;
	pid_t		 pid;		/* the program, 0: none yet */
	int		 ended;		/* the next three are set */
	int		 exit_code;	/* -1 when killed */
	int		 signal;
	double		 duration;
	const char	*ended_by;	/* "time-limit", "client-gone",
					   "record-failed" or NULL */
	const struct audit_recording *recording;	/* or NULL: none */
};

/*
 * Opens file for appending, close-on-exec, and puts it on descriptor fd
 * when fd is not -1 (a reopen keeps the number).  The file is created
 * 0600, or must be one only dived can have made (ownfile_check).  The
 * descriptor, or -1 with the reason in the buffer.
 */
int	audit_open(const char *, int, char *, size_t);
/* Records go to fd from now on; -1: to syslog. */
void	audit_use(int);
/*
 * Writes one record with one write(2).  -1 when it could not be written:
 * the caller refuses the session (dived fails closed).
 */
int	audit_write(const struct audit_rec *);

/* The path of a directory descriptor (AT_FDCWD: ours); -1 if unknown. */
int	audit_dir(int, char *, size_t);

/* The JSON builder, for audit_write and the tests. */
void	jrec_begin(struct jrec *, const char *);
void	jrec_str(struct jrec *, const char *, const char *);
void	jrec_num(struct jrec *, const char *, long long);
void	jrec_strv(struct jrec *, const char *, const char *const *);
int	jrec_write(struct jrec *, int);
void	jrec_free(struct jrec *);

#endif
