/* dived's command line: one option per argv element, as documented. */
#ifndef DIVED_OPTIONS_H
#define DIVED_OPTIONS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

#include "iso.h"

enum dived_mode {
	MODE_LISTEN,		/* dived SOCKET */
	MODE_INETD,		/* dived -i: the connection is on stdin */
	MODE_JUST,		/* dived -J/-j: no socket, start the prefix */
	MODE_CHECK,		/* dived --check-policy FILE */
};

#define MAX_PIDFILES	16

/* Signals the client may send over the socket (-n, --signals-pgid). */
#define SIGNALS_OFF	0
#define SIGNALS_PID	1
#define SIGNALS_PGID	2

/* Pseudo-terminals for clients that have a terminal (--pty, --no-pty). */
#define PTY_RULE_CLIENT	0	/* as the client asks */
#define PTY_RULE_FORCE	1	/* never the client's terminal itself */
#define PTY_RULE_FORBID	2	/* never a pseudo-terminal */

struct options {
	enum dived_mode	  mode;
	const char	 *socket;	/* path or @name */
	int		  chmod_set;
	mode_t		  chmod_mode;	/* -C */
	const char	 *chown;	/* -U user:group, resolved at start */
	int		  detach;	/* -d */
	const char	 *pidfiles[MAX_PIDFILES];	/* -p */
	size_t		  npidfiles;
	int		  no_fork;	/* -F */
	int		  children_daemon; /* -D */
	int		  no_setuid;	/* -P */
	const char	 *user;		/* -u */
	const char	 *groups;	/* -g */
	const char	 *euser;	/* -e */
	const char	 *authenticate;	/* -a */
	const char	 *chdir;	/* -h */
	int		  no_argv;	/* -A */
	int		  no_env;	/* -E */
	int		  no_chdir;	/* -H */
	int		  no_fds;	/* -O */
	int		  no_umask;	/* -M */
	int		  keep_umask;	/* --keep-umask */
	int		  no_setsid;	/* -S */
	int		  no_csctty;	/* -T */
	int		  pty;		/* PTY_RULE_* */
	int		  no_wait;	/* -w */
	int		  signals;	/* SIGNALS_* */
	const char	 *privsep_user;
	const char	 *privsep_dir;
	unsigned int	  request_timeout;
	unsigned int	  max_sessions;
	unsigned int	  max_per_uid;
	unsigned int	  spares;	/* --spares */
	int		  log_stderr;
	int		  syslog;	/* --syslog */
	int		  ready_fd;	/* --ready-fd, or -1 */
	const char	 *policy;	/* --policy, --check-policy */
	const char	 *audit_log;	/* --audit-log */
	unsigned int	  time_limit;	/* --time-limit, 0: none */
	int		  die_with_client;
	unsigned int	  record;	/* --record...: RECORD_* (rules.h) */
	const char	 *record_dir;	/* --record-dir */
	unsigned long long record_max;	/* --record-max, 0: none */
	const char	 *check_as;	/* --as, with --check-policy */
	struct isolation  iso;		/* the program's process shape */
	int		  help, version;
	char		**prefix;	/* after --: forced command line */
	size_t		  nprefix;
};

/*
 * A system user nothing else runs as: a program with the parsers' uid
 * could signal them (SECURITY.md).  regress/deps.sh creates it.
 */
#define DEFAULT_PRIVSEP_USER	"_dived"
#define DEFAULT_PRIVSEP_DIR	"/run/dived/empty"
/* Where recorded sessions are kept, root's alone (dived(8), FILES). */
#define DEFAULT_RECORD_DIR	"/var/log/dived"

/*
 * Parses argv into o.  Returns 0, or -1 with a message in err.  Pointers
 * in o point into argv.
 */
int	options_parse(int, char **, struct options *, char *, size_t);
void	options_usage(FILE *);	/* --help: the synopsis and every option */
void	options_synopsis(FILE *);	/* after a usage error */

#endif
