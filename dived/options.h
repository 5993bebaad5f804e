/* dived's command line: one option per argv element, as documented. */
#ifndef DIVED_OPTIONS_H
#define DIVED_OPTIONS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

enum dived_mode {
	MODE_LISTEN,		/* dived SOCKET */
};

struct options {
	enum dived_mode	  mode;
	const char	 *socket;	/* path or @name */
	int		  chmod_set;
	mode_t		  chmod_mode;	/* -C */
	const char	 *chown;	/* -U user:group, resolved at start */
	const char	 *privsep_user;
	const char	 *privsep_dir;
	unsigned int	  request_timeout;
	int		  log_stderr;
	int		  help, version;
	char		**prefix;	/* after --: forced command line */
	size_t		  nprefix;
};

#define DEFAULT_PRIVSEP_USER	"nobody"
#define DEFAULT_PRIVSEP_DIR	"/run/dived/empty"

/*
 * Parses argv into o.  Returns 0, or -1 with a message in err.  Pointers
 * in o point into argv.
 */
int	options_parse(int, char **, struct options *, char *, size_t);
void	options_usage(FILE *);

#endif
