#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "errbuf.h"
#include "options.h"
#include "rules.h"

/*
 * An option sets an int flag, stores its argument, or calls a setter with
 * its one or two arguments.
 */
enum opt_kind { OPT_FLAG, OPT_STRING, OPT_CALL, OPT_CALL2 };

struct opt {
	const char	*s;	/* short form, or NULL */
	const char	*l;	/* long form */
	int		 arg;	/* how many of the next argv elements it takes */
	enum opt_kind	 kind;
	int		(*set)(struct options *, const char *, char *, size_t);
	int		(*set2)(struct options *, const char *, const char *,
			    char *, size_t);
	size_t		 off;	/* OPT_FLAG, OPT_STRING: the field */
	const char	*help;
};

#define FLAG(f)		OPT_FLAG, NULL, NULL, offsetof(struct options, f)
#define STRING(f)	OPT_STRING, NULL, NULL, offsetof(struct options, f)
#define CALL(f)		OPT_CALL, f, NULL, 0
#define CALL2(f)	OPT_CALL2, NULL, f, 0

static int
set_chmod(struct options *o, const char *a, char *err, size_t len)
{
	char *end;
	unsigned long m;

	if (*a == '\0' || strspn(a, "01234567") != strlen(a) ||
	    (m = strtoul(a, &end, 8)) > 07777)
		return errbuf(err, len, "-C %s: expected an octal mode", a);
	o->chmod_set = 1;
	o->chmod_mode = (mode_t)m;
	return 0;
}

static int
set_chown(struct options *o, const char *a, char *err, size_t len)
{
	const char *colon = strchr(a, ':');

	if (colon == NULL || colon == a || colon[1] == '\0')
		return errbuf(err, len, "-U %s: expected user:group", a);
	o->chown = a;
	return 0;
}

static int
set_privsep_user(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return errbuf(err, len, "--privsep-user: empty user name");
	o->privsep_user = a;
	return 0;
}

static int
set_privsep_dir(struct options *o, const char *a, char *err, size_t len)
{
	if (a[0] != '/')
		return errbuf(err, len, "--privsep-dir %s: not an absolute path",
		    a);
	o->privsep_dir = a;
	return 0;
}

/* A whole number from lo to hi, digits only; WHAT says what it counts. */
static int
bounded(const char *opt, const char *a, long long lo, long long hi,
    const char *what, unsigned int *v, char *err, size_t len)
{
	const char *why;
	long long n;

	n = strtonum(a, lo, hi, &why);
	if (why != NULL || strspn(a, "0123456789") != strlen(a))
		return errbuf(err, len, "%s %s: expected %s from %lld to %lld",
		    opt, a, what, lo, hi);
	*v = (unsigned int)n;
	return 0;
}

static int
set_timeout(struct options *o, const char *a, char *err, size_t len)
{
	return bounded("--request-timeout", a, 1, DIVE_MAX_REQUEST_TIMEOUT,
	    "seconds", &o->request_timeout, err, len);
}

static int
set_max_sessions(struct options *o, const char *a, char *err, size_t len)
{
	return bounded("--max-sessions", a, 1, DIVE_MAX_SESSIONS_LIMIT,
	    "a number", &o->max_sessions, err, len);
}

static int
set_max_per_uid(struct options *o, const char *a, char *err, size_t len)
{
	return bounded("--max-per-uid", a, 1, DIVE_MAX_SESSIONS_LIMIT,
	    "a number", &o->max_per_uid, err, len);
}

static int
set_spares(struct options *o, const char *a, char *err, size_t len)
{
	return bounded("--spares", a, 0, DIVE_MAX_SPARES, "a number",
	    &o->spares, err, len);
}

/* 0, 1 and 2 are not a service manager's to read: dived closes it. */
static int
set_ready_fd(struct options *o, const char *a, char *err, size_t len)
{
	const char *why;
	long long fd;

	fd = strtonum(a, 0, INT32_MAX, &why);
	if (why != NULL || strspn(a, "0123456789") != strlen(a))
		return errbuf(err, len, "--ready-fd %s: expected a descriptor "
		    "number", a);
	if (fd <= 2)
		return errbuf(err, len, "--ready-fd %s: 0, 1 and 2 are standard "
		    "input, output and error, which dived keeps; expected 3 or "
		    "more", a);
	o->ready_fd = (int)fd;
	return 0;
}

static int
set_pidfile(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return errbuf(err, len, "-p: empty file name");
	if (o->npidfiles == MAX_PIDFILES)
		return errbuf(err, len, "-p %s: at most %d pidfiles", a,
		    MAX_PIDFILES);
	o->pidfiles[o->npidfiles++] = a;
	return 0;
}

static int
set_signals(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->signals = SIGNALS_PID;
	return 0;
}

static int
set_signals_pgid(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->signals = SIGNALS_PGID;
	return 0;
}

static int
set_pty_force(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->pty = PTY_RULE_FORCE;
	return 0;
}

static int
set_pty_forbid(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->pty = PTY_RULE_FORBID;
	return 0;
}

static int
set_groups(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0' || a[strlen(a) - 1] == ',' || *a == ',' ||
	    strstr(a, ",,") != NULL)
		return errbuf(err, len, "-g %s: expected a comma-separated list "
		    "of groups", a);
	o->groups = a;
	return 0;
}

static int
set_unshare(struct options *o, const char *a, char *err, size_t len)
{
	return iso_parse_unshare(&o->iso, a, err, len);
}

static int
set_setns(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return errbuf(err, len, "-N: empty file name");
	if (o->iso.nsetns == ISO_MAX_SETNS)
		return errbuf(err, len, "-N %s: at most %d namespace files", a,
		    ISO_MAX_SETNS);
	o->iso.setns[o->iso.nsetns++] = a;
	return 0;
}

static int
set_enter(struct options *o, const char *a, char *err, size_t len)
{
	const char *why;
	long long pid;

	pid = strtonum(a, 1, INT32_MAX, &why);
	if (why != NULL || strspn(a, "0123456789") != strlen(a))
		return errbuf(err, len, "--enter %s: expected a process id", a);
	o->iso.enter_pid = (pid_t)pid;
	return 0;
}

static int
set_write(struct options *o, const char *file, const char *content,
    char *err, size_t len)
{
	if (*file == '\0')
		return errbuf(err, len, "-t: empty file name");
	if (o->iso.nwrites == ISO_MAX_WRITES)
		return errbuf(err, len, "-t %s: at most %d files", file,
		    ISO_MAX_WRITES);
	o->iso.writes[o->iso.nwrites].file = file;
	o->iso.writes[o->iso.nwrites++].content = content;
	return 0;
}

static int
set_map(const char *opt, struct iso_map *m, int *isset, const char *a,
    char *err, size_t len)
{
	char why[200];

	*isset = 1;
	if (strcmp(a, "auto") == 0) {
		m->n = 0;
		return 0;
	}
	if (iso_parse_map(m, a, why, sizeof(why)) == -1)
		return errbuf(err, len, "%s %s", opt, why);
	return 0;
}

static int
set_uidmap(struct options *o, const char *a, char *err, size_t len)
{
	return set_map("--map-users", &o->iso.uidmap, &o->iso.uidmap_set, a,
	    err, len);
}

static int
set_gidmap(struct options *o, const char *a, char *err, size_t len)
{
	return set_map("--map-groups", &o->iso.gidmap, &o->iso.gidmap_set, a,
	    err, len);
}

static int
set_chroot(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return errbuf(err, len, "-R: empty directory name");
	o->iso.chroot = a;
	return 0;
}

static int
set_pivot(struct options *o, const char *newroot, const char *old,
    char *err, size_t len)
{
	if (*newroot == '\0' || *old == '\0')
		return errbuf(err, len, "-V: empty directory name");
	o->iso.pivot_new = newroot;
	o->iso.pivot_old = old;
	return 0;
}

static int
caps(const char *opt, const char *a, uint64_t *mask, char *err, size_t len)
{
	char why[200];

	if (iso_parse_caps(a, mask, why, sizeof(why)) == -1)
		return errbuf(err, len, "%s %s", opt, why);
	return 0;
}

static int
set_retain_caps(struct options *o, const char *a, char *err, size_t len)
{
	o->iso.bound_keep_set = 1;
	return caps("-B", a, &o->iso.bound_keep, err, len);
}

static int
set_remove_caps(struct options *o, const char *a, char *err, size_t len)
{
	return caps("-b", a, &o->iso.bound_drop, err, len);
}

static int
set_ambient_caps(struct options *o, const char *a, char *err, size_t len)
{
	return caps("-m", a, &o->iso.ambient, err, len);
}

static int
set_capset(struct options *o, const char *a, char *err, size_t len)
{
	if (*a == '\0')
		return errbuf(err, len, "-c: empty capability text");
	o->iso.capset = a;
	return 0;
}

static int
set_rlimits(struct options *o, const char *a, char *err, size_t len)
{
	return iso_parse_rlimits(&o->iso, a, err, len);
}

static int
set_cgroup(struct options *o, const char *a, char *err, size_t len)
{
	if (a[0] != '/')
		return errbuf(err, len, "--cgroup %s: not an absolute path", a);
	o->iso.cgroup = a;
	return 0;
}

static int
set_families(struct options *o, const char *a, char *err, size_t len)
{
	return iso_parse_families(&o->iso, a, err, len);
}

static int
set_syscalls(struct options *o, const char *a, char *err, size_t len)
{
	return iso_parse_syscalls(&o->iso, a, err, len);
}

static int
set_time_limit(struct options *o, const char *a, char *err, size_t len)
{
	return bounded("--time-limit", a, 1, RULES_MAX_TIMELIMIT, "seconds",
	    &o->time_limit, err, len);
}

static int
set_record(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->record |= RECORD_OUTPUT;
	return 0;
}

static int
set_record_input(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->record |= RECORD_OUTPUT | RECORD_INPUT;
	return 0;
}

static int
set_record_failopen(struct options *o, const char *a, char *err, size_t len)
{
	(void)a, (void)err, (void)len;
	o->record |= RECORD_FAILOPEN;
	return 0;
}

static int
set_record_dir(struct options *o, const char *a, char *err, size_t len)
{
	if (a[0] != '/')
		return errbuf(err, len, "--record-dir %s: not an absolute path",
		    a);
	o->record_dir = a;
	return 0;
}

static int
set_record_max(struct options *o, const char *a, char *err, size_t len)
{
	const char *why;
	long long n;

	n = strtonum(a, 1, (long long)DIVE_MAX_RECORD_MAX, &why);
	if (why != NULL || strspn(a, "0123456789") != strlen(a))
		return errbuf(err, len, "--record-max %s: expected bytes from 1 "
		    "to %llu", a, DIVE_MAX_RECORD_MAX);
	o->record_max = (unsigned long long)n;
	return 0;
}

static const struct opt table[] = {
	{ "-d", "--detach", 0, FLAG(detach),
	    "detach once the socket listens and pidfiles are written" },
	{ "-p", "--pidfile", 1, CALL(set_pidfile),
	    "write the pid to this file (repeatable; a cgroup's procs file "
	    "works)" },
	{ NULL, "--ready-fd", 1, CALL(set_ready_fd),
	    "once clients can be served, write a newline to this descriptor" },
	{ "-C", "--chmod", 1, CALL(set_chmod),
	    "chmod the socket to this octal mode (like 0777)" },
	{ "-U", "--chown", 1, CALL(set_chown),
	    "chown the socket to this user:group (names or numbers)" },
	{ "-F", "--no-fork", 0, FLAG(no_fork),
	    "serve one client without forking, then exit" },
	{ "-D", "--children-daemon", 0, FLAG(children_daemon),
	    "detach each session from dived's terminal" },
	{ "-P", "--no-setuid", 0, FLAG(no_setuid),
	    "start programs as dived's own user and groups" },
	{ "-u", "--user", 1, STRING(user),
	    "start programs as this user instead of the client" },
	{ "-g", "--groups", 1, CALL(set_groups),
	    "gid and groups: comma-separated, the first is primary" },
	{ "-e", "--effective-user", 1, STRING(euser),
	    "effective uid: this user, real uid: the client" },
	{ "-a", "--authenticate", 1, STRING(authenticate),
	    "run this shell command first; non-zero rejects the client" },
	{ "-h", "--chdir", 1, STRING(chdir),
	    "start programs in this directory" },
	{ "-A", "--no-argv", 0, FLAG(no_argv),
	    "ignore the client's command line (use with --)" },
	{ "-E", "--no-environment", 0, FLAG(no_env),
	    "ignore the client's environment, pass dived's own" },
	{ "-H", "--no-chdir", 0, FLAG(no_chdir),
	    "ignore the client's current directory" },
	{ "-O", "--no-fds", 0, FLAG(no_fds),
	    "ignore the client's descriptors, pass dived's 0-2" },
	{ "-M", "--no-umask", 0, FLAG(no_umask),
	    "ignore the client's umask" },
	{ NULL, "--keep-umask", 0, FLAG(keep_umask),
	    "keep the client's umask as it is for another user too" },
	{ "-S", "--no-setsid", 0, FLAG(no_setsid),
	    "do not start a new session" },
	{ "-T", "--no-csctty", 0, FLAG(no_csctty),
	    "do not make the client's terminal the controlling one" },
	{ NULL, "--pty", 0, CALL(set_pty_force),
	    "give programs a pseudo-terminal, never the client's terminal" },
	{ NULL, "--no-pty", 0, CALL(set_pty_forbid),
	    "refuse pseudo-terminals; clients pass their terminal" },
	{ "-w", "--no-wait", 0, FLAG(no_wait),
	    "exec the program in the monitor; report no exit status" },
	{ "-n", "--signals", 0, CALL(set_signals),
	    "deliver the client's signals to the program" },
	{ NULL, "--signals-pgid", 0, CALL(set_signals_pgid),
	    "deliver the client's signals to the program's group" },
	{ "-R", "--chroot", 1, CALL(set_chroot),
	    "chroot to this directory; -h is inside it" },
	{ "-r", "--client-chroot", 0, FLAG(iso.client_root),
	    "chroot to the client's root directory" },
	{ "-W", "--root-to-current", 0, FLAG(iso.root_to_current),
	    "start in dived's root directory (implies -H)" },
	{ "-V", "--pivot-root", 2, CALL2(set_pivot),
	    "pivot_root to the first, old root to the second" },
	{ "-s", "--unshare", 1, CALL(set_unshare),
	    "unshare ipc,net,fs,pid,uts,user,cgroup,time" },
	{ "-N", "--setns", 1, CALL(set_setns),
	    "join the namespace of this file (repeatable)" },
	{ NULL, "--enter", 1, CALL(set_enter),
	    "join every namespace of this process, user first" },
	{ "-t", "--write-content", 2, CALL2(set_write),
	    "write the second to the file the first names" },
	{ "-tt", "--setup-uidgidmap", 0, FLAG(iso.uidgidmap),
	    "map uid and gid 0 inside to the target's ids" },
	{ NULL, "--map-users", 1, CALL(set_uidmap),
	    "uid map of -s user: START:LOWER:COUNT,... or auto" },
	{ NULL, "--map-groups", 1, CALL(set_gidmap),
	    "gid map of -s user: START:LOWER:COUNT,... or auto" },
	{ NULL, "--mount-proc", 0, FLAG(iso.mount_proc),
	    "mount /proc of the new pid namespace (-s pid,fs)" },
	{ NULL, "--init", 0, FLAG(iso.init),
	    "with -s pid: a reaper is pid 1, the program pid 2" },
	{ "-B", "--retain-capabilities", 1, CALL(set_retain_caps),
	    "keep only these in the bounding set ('': none)" },
	{ "-b", "--remove-capabilities", 1, CALL(set_remove_caps),
	    "remove these from the bounding set" },
	{ "-m", "--ambient-capabilities", 1, CALL(set_ambient_caps),
	    "make these permitted, inheritable ones ambient" },
	{ "-c", "--set-capabilities", 1, CALL(set_capset),
	    "set capabilities, in cap_from_text(3) syntax" },
	{ "-L", "--lock-securebits", 0, FLAG(iso.lock_securebits),
	    "lock securebits NO_SETUID_FIXUP and NOROOT on" },
	{ "-X", "--no-new-privs", 0, FLAG(iso.no_new_privs),
	    "set no_new_privs: setuid and file caps give nothing" },
	{ "-l", "--rlimit", 1, CALL(set_rlimits),
	    "limits: name=hard[:soft],... (names below)" },
	{ NULL, "--cgroup", 1, CALL(set_cgroup),
	    "start the program in this cgroup v2 directory" },
	{ NULL, "--restrict-families", 1, CALL(set_families),
	    "the only socket families the program may use" },
	{ NULL, "--deny-syscalls", 1, CALL(set_syscalls),
	    "system calls that fail with EPERM for the program" },
	{ NULL, "--privsep-user", 1, CALL(set_privsep_user),
	    "user the request parser runs as (default " DEFAULT_PRIVSEP_USER
	    ")" },
	{ NULL, "--privsep-dir", 1, CALL(set_privsep_dir),
	    "empty directory the parser is chrooted to (default "
	    DEFAULT_PRIVSEP_DIR ")" },
	{ NULL, "--request-timeout", 1, CALL(set_timeout),
	    "seconds a client has to send its request (default 30)" },
	{ NULL, "--max-sessions", 1, CALL(set_max_sessions),
	    "sessions at once, in all (default 256)" },
	{ NULL, "--max-per-uid", 1, CALL(set_max_per_uid),
	    "sessions at once for one client uid (default 32)" },
	{ NULL, "--spares", 1, CALL(set_spares),
	    "monitors kept started ahead of connections (default 1)" },
	{ NULL, "--log-stderr", 0, FLAG(log_stderr),
	    "log to standard error and syslog, audit records too" },
	{ NULL, "--syslog", 0, FLAG(syslog),
	    "log to syslog, not to standard error, in the foreground too" },
	{ NULL, "--policy", 1, STRING(policy),
	    "the rule file: who may run what, as whom (re-read on SIGHUP)" },
	{ NULL, "--audit-log", 1, STRING(audit_log),
	    "write the audit records to this file as JSON lines" },
	{ NULL, "--time-limit", 1, CALL(set_time_limit),
	    "SIGTERM the program after this many seconds, SIGKILL later" },
	{ NULL, "--die-with-client", 0, FLAG(die_with_client),
	    "kill the program when its client disconnects" },
	{ NULL, "--record", 0, CALL(set_record),
	    "record every session's output for replay (asciicast)" },
	{ NULL, "--record-input", 0, CALL(set_record_input),
	    "record the keys typed too, passwords included" },
	{ NULL, "--record-failopen", 0, CALL(set_record_failopen),
	    "go on unrecorded when a recording cannot be written" },
	{ NULL, "--record-dir", 1, CALL(set_record_dir),
	    "directory of the recordings (default " DEFAULT_RECORD_DIR ")" },
	{ NULL, "--record-max", 1, CALL(set_record_max),
	    "bytes a recording may grow to; then it is cut" },
	{ NULL, "--as", 1, STRING(check_as),
	    "with --check-policy: the user whose request is checked" },
};

void
options_synopsis(FILE *f)
{
	fprintf(f, "usage: dived socket_path|@abstract_name [options] "
	    "[-- command [argument ...]]\n");
	fprintf(f, "       dived -i [options] [-- command [argument ...]]\n");
	fprintf(f, "       dived -J|-j [options] -- command [argument ...]\n");
	fprintf(f, "       dived --check-policy file [--as user [options] -- "
	    "command [argument ...]]\n");
	fprintf(f, "       dived --help | --version\n");
}

void
options_usage(FILE *f)
{
	size_t i;

	options_synopsis(f);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char names[64];
		int n;

		n = snprintf(names, sizeof(names), "%s%s%s%s",
		    table[i].s ? table[i].s : "", table[i].s ? ", " : "",
		    table[i].l, table[i].arg == 2 ? " ARG ARG" :
		    table[i].arg ? " ARG" : "");
		/* A name too long for its column gets a line of its own. */
		if (n > 26)
			fprintf(f, "  %s\n  %-26s %s\n", names, "",
			    table[i].help);
		else
			fprintf(f, "  %-26s %s\n", names, table[i].help);
	}
	fprintf(f, "  %-26s %s\n", "-i, --inetd",
	    "first argument: serve the connection on stdin");
	fprintf(f, "  %-26s %s\n", "-J, --just-execute",
	    "first argument: no socket, start the command directly");
	fprintf(f, "  %-26s %s\n", "-j, --just-execute2", "-J -S -T -P");
	fprintf(f, "  %-26s %s\n", "--check-policy FILE",
	    "first argument: check a rule file and exit");
	fprintf(f, "  %-26s %s\n", "--",
	    "prepend the rest to every client's command line");
	fprintf(f, "resources for -l:");
	for (i = 0; iso_rlimit_name((int)i) != NULL; i++)
		fprintf(f, " %s", iso_rlimit_name((int)i));
	fprintf(f, "\n");
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

/* The first argument: the socket, or a mode without one. */
static int
first(char *a, struct options *o, char *err, size_t len)
{
	if (strcmp(a, "-i") == 0 || strcmp(a, "--inetd") == 0)
		o->mode = MODE_INETD;
	else if (strcmp(a, "-J") == 0 || strcmp(a, "--just-execute") == 0)
		o->mode = MODE_JUST;
	else if (strcmp(a, "-j") == 0 || strcmp(a, "--just-execute2") == 0) {
		o->mode = MODE_JUST;
		o->no_setsid = o->no_csctty = o->no_setuid = 1;
	} else if (a[0] == '-')
		return errbuf(err, len, "%s: the first argument must be the "
		    "socket, -i, -J or -j", a);
	else if (a[0] == '\0' || strcmp(a, "@") == 0)
		return errbuf(err, len, "empty socket name");
	else {
		o->mode = MODE_LISTEN;
		o->socket = a;
	}
	return 0;
}

static int
set(const struct opt *p, struct options *o, char *a, char *b, char *err,
    size_t len)
{
	switch (p->kind) {
	case OPT_FLAG:
		*(int *)(void *)((char *)o + p->off) = 1;
		return 0;
	case OPT_STRING:
		if (*a == '\0')
			return errbuf(err, len, "%s: empty argument", p->l);
		*(const char **)(void *)((char *)o + p->off) = a;
		return 0;
	case OPT_CALL2:
		return p->set2(o, a, b, err, len);
	case OPT_CALL:
		break;
	}
	return p->set(o, a, err, len);
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
	o->max_sessions = DIVE_MAX_SESSIONS;
	o->iso.enter_fd = -1;
	o->max_per_uid = DIVE_MAX_PER_UID;
	o->spares = DIVE_SPARES;
	o->ready_fd = -1;
	o->record_dir = DEFAULT_RECORD_DIR;
	if (argc < 2)
		return errbuf(err, len, "no socket given");
	if (strcmp(argv[1], "--help") == 0) {
		o->help = 1;
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		o->version = 1;
		return 0;
	}
	i = 2;
	if (strcmp(argv[1], "--check-policy") == 0) {
		if (argc < 3 || argv[2][0] == '\0')
			return errbuf(err, len, "--check-policy: missing file");
		o->mode = MODE_CHECK;
		o->policy = argv[2];
		i = 3;
	} else if (first(argv[1], o, err, len) == -1)
		return -1;
	for (; i < argc; i++) {
		const struct opt *p;

		if (strcmp(argv[i], "--") == 0) {
			o->prefix = argv + i + 1;
			o->nprefix = (size_t)(argc - i - 1);
			break;
		}
		if ((p = lookup(argv[i])) == NULL)
			return errbuf(err, len, "%s: unknown option", argv[i]);
		if (i + p->arg >= argc)
			return errbuf(err, len, "%s: missing argument", argv[i]);
		if (set(p, o, p->arg ? argv[i + 1] : NULL,
		    p->arg == 2 ? argv[i + 2] : NULL, err, len) == -1)
			return -1;
		i += p->arg;
	}
	if (o->check_as != NULL && o->mode != MODE_CHECK)
		return errbuf(err, len, "--as: only with --check-policy");
	if (o->mode == MODE_CHECK && (o->check_as == NULL) != (o->prefix ==
	    NULL))
		return errbuf(err, len, "--check-policy: --as USER and -- "
		    "COMMAND go together");
	if (o->mode == MODE_JUST && (o->policy || o->audit_log ||
	    o->time_limit || o->die_with_client))
		return errbuf(err, len, "-J and -j have no client: --policy, "
		    "--audit-log, --time-limit and --die-with-client do not "
		    "apply");
	if (o->mode == MODE_JUST && o->nprefix == 0)
		return errbuf(err, len, "-J and -j need -- and a command");
	if (o->detach && o->mode != MODE_LISTEN)
		return errbuf(err, len, "-d: only with a socket to listen on");
	if (o->syslog && o->log_stderr)
		return errbuf(err, len, "--syslog and --log-stderr: choose one "
		    "(--log-stderr logs to syslog as well)");
	if (o->ready_fd != -1 && o->mode != MODE_LISTEN)
		return errbuf(err, len, "--ready-fd: only with a socket to listen "
		    "on");
	if (o->no_argv && o->nprefix == 0)
		return errbuf(err, len, "-A needs -- and a command");
	if (o->no_setuid && (o->user || o->groups || o->euser))
		return errbuf(err, len, "-P cannot be combined with -u, -g or -e");
	if (o->iso.root_to_current)
		o->no_chdir = 1;
	if (o->mode == MODE_JUST && o->iso.client_root)
		return errbuf(err, len, "-r cannot be combined with -J: "
		    "there is no client whose root to take");
	if (o->iso.client_root && (o->no_setuid || o->user || o->groups ||
	    o->euser))
		return errbuf(err, len, "-r cannot be combined with -P, -u, -g "
		    "or -e: a root the client chooses runs programs only as "
		    "the client itself");
	if (o->iso.client_root && (o->iso.capset || o->iso.ambient))
		return errbuf(err, len, "-r cannot be combined with -c or -m: a "
		    "root the client chooses runs programs without "
		    "capabilities");
	if (o->iso.client_root && o->iso.root_to_current)
		return errbuf(err, len, "-r cannot be combined with -W: the "
		    "program starts inside the client's root");
	if (o->no_wait && (o->time_limit || o->die_with_client))
		return errbuf(err, len, "-w cannot be combined with --time-limit "
		    "or --die-with-client: no monitor stays to end the program");
	if (o->no_wait && (o->record & RECORD_OUTPUT))
		return errbuf(err, len, "-w cannot be combined with --record or "
		    "--record-input: the program would hold the client's "
		    "terminal and descriptors itself, with no one to record");
	if (o->mode == MODE_JUST && (o->record & RECORD_OUTPUT))
		return errbuf(err, len, "-J and -j have no client: --record and "
		    "--record-input do not apply");
	if (o->no_wait && (o->iso.unshare & CLONE_NEWPID))
		return errbuf(err, len, "-w cannot be combined with -s pid: "
		    "only a forked program enters a new pid namespace");
	return iso_check(&o->iso, err, len);
}
