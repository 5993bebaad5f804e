#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "options.h"

struct opt {
	const char	*s;	/* short form, or NULL */
	const char	*l;	/* long form */
	int		 arg;	/* takes the next argv element */
	int		(*set)(struct options *, const char *, char *, size_t);
	const char	*help;
};

static int
bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int
set_chmod(struct options *o, const char *a, char *err, size_t len)
{
	char *end;
	unsigned long m;

	if (*a == '\0' || strspn(a, "01234567") != strlen(a) ||
	    (m = strtoul(a, &end, 8)) > 07777)
		return bad(err, len, "-C %s: expected an octal mode", a);
	o->chmod_set = 1;
	o->chmod_mode = (mode_t)m;
	return 0;
}

static int
set_chown(struct options *o, const char *a, char *err, size_t len)
{
	const char *colon = strchr(a, ':');

	if (colon == NULL || colon == a || colon[1] == '\0')
		return bad(err, len, "-U %s: expected user:group", a);
	o->chown = a;
	return 0;
}

static int
set_privsep_user(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return bad(err, len, "--privsep-user: empty user name");
	o->privsep_user = a;
	return 0;
}

static int
set_privsep_dir(struct options *o, const char *a, char *err, size_t len)
{
	if (a[0] != '/')
		return bad(err, len, "--privsep-dir %s: not an absolute path",
		    a);
	o->privsep_dir = a;
	return 0;
}

static int
set_timeout(struct options *o, const char *a, char *err, size_t len)
{
	const char *why;
	long long t;

	t = strtonum(a, 1, DIVE_MAX_REQUEST_TIMEOUT, &why);
	if (why != NULL || strspn(a, "0123456789") != strlen(a))
		return bad(err, len, "--request-timeout %s: expected seconds "
		    "from 1 to %d", a, DIVE_MAX_REQUEST_TIMEOUT);
	o->request_timeout = (unsigned int)t;
	return 0;
}

static int
set_log_stderr(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->log_stderr = 1;
	return 0;
}

static const struct opt table[] = {
	{ "-C", "--chmod", 1, set_chmod,
	    "chmod the socket to this octal mode (like 0777)" },
	{ "-U", "--chown", 1, set_chown,
	    "chown the socket to this user:group (names or numbers)" },
	{ NULL, "--privsep-user", 1, set_privsep_user,
	    "user the request parser runs as (default " DEFAULT_PRIVSEP_USER
	    ")" },
	{ NULL, "--privsep-dir", 1, set_privsep_dir,
	    "empty directory the parser is chrooted to (default "
	    DEFAULT_PRIVSEP_DIR ")" },
	{ NULL, "--request-timeout", 1, set_timeout,
	    "seconds a client has to send its request (default 30)" },
	{ NULL, "--log-stderr", 0, set_log_stderr,
	    "log to standard error as well as to syslog" },
};

void
options_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dived socket_path|@abstract_name [options] "
	    "[-- command [argument ...]]\n");
	fprintf(f, "       dived --help | --version\n");
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char names[48];

		snprintf(names, sizeof(names), "%s%s%s%s",
		    table[i].s ? table[i].s : "", table[i].s ? ", " : "",
		    table[i].l, table[i].arg ? " ARG" : "");
		fprintf(f, "  %-26s %s\n", names, table[i].help);
	}
	fprintf(f, "  %-26s %s\n", "--",
	    "prepend the rest to every client's command line");
}

static const struct opt *
lookup(const char *a)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].s && strcmp(a, table[i].s) == 0) ||
		    strcmp(a, table[i].l) == 0)
			return &table[i];
	return NULL;
}

int
options_parse(int argc, char **argv, struct options *o, char *err,
    size_t len)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->privsep_user = DEFAULT_PRIVSEP_USER;
	o->privsep_dir = DEFAULT_PRIVSEP_DIR;
	o->request_timeout = DIVE_REQUEST_TIMEOUT;
	if (argc < 2)
		return bad(err, len, "no socket given");
	if (strcmp(argv[1], "--help") == 0) {
		o->help = 1;
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		o->version = 1;
		return 0;
	}
	if (argv[1][0] == '-')
		return bad(err, len, "%s: the first argument must be the "
		    "socket", argv[1]);
	if (argv[1][0] == '\0' || strcmp(argv[1], "@") == 0)
		return bad(err, len, "empty socket name");
	o->mode = MODE_LISTEN;
	o->socket = argv[1];
	for (i = 2; i < argc; i++) {
		const struct opt *p;

		if (strcmp(argv[i], "--") == 0) {
			o->prefix = argv + i + 1;
			o->nprefix = (size_t)(argc - i - 1);
			break;
		}
		if ((p = lookup(argv[i])) == NULL)
			return bad(err, len, "%s: unknown option", argv[i]);
		if (p->arg && i + 1 >= argc)
			return bad(err, len, "%s: missing argument", argv[i]);
		if (p->set(o, p->arg ? argv[i + 1] : NULL, err, len) == -1)
			return -1;
		i += p->arg;
	}
	return 0;
}
