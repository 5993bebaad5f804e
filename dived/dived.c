/*
 * dived: start programs on behalf of dive clients, one privilege-separated
 * monitor and parser per connection.
 */
#include <sys/prctl.h>

#include <err.h>
#include <errno.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dived.h"
#include "activate.h"
#include "audit.h"
#include "bounds.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "rulefile.h"
#include "spawn.h"
#include "title.h"

static void
say_stderr(const char *msg)
{
	fprintf(stderr, "dived: %s\n", msg);
}

/*
 * The rule file and the audit log, by absolute names: the log and the
 * audit records name the rule file, and SIGHUP opens both again.
 */
/*
 * Room for the descriptors of the largest request: monitors raise their
 * limit for it, which needs CAP_SYS_RESOURCE above the hard limit.  dived
 * serves within a lower one, and says at start when that costs requests
 * descriptors (numbers above it are refused per request, as they come).
 */
static void
fd_room(void)
{
	rlim_t need = DIVE_MAX_FDS + DIVE_MAX_AUXFDS + 64;
	struct rlimit rl, want = { need, need };

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_max >= need)
		return;
	if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
		setrlimit(RLIMIT_NOFILE, &rl);
		return;
	}
	logmsg(LOG_WARNING, "warning: the hard limit on descriptors is %llu "
	    "and cannot be raised (no CAP_SYS_RESOURCE): requests with more "
	    "than about %llu descriptors are refused",
	    (unsigned long long)rl.rlim_max, rl.rlim_max > 64 ?
	    (unsigned long long)(rl.rlim_max - 64) : 0ULL);
}

/*
 * A daemon with nowhere to write its records says so, once its options
 * have passed every check: standard error is the only channel left.
 */
static void
lost_records(const struct config *cfg)
{
	int records = cfg->audit_fd == -1 && !log_audit_stderr();
	/* Detached, dived -d has never said where its log goes. */
	int log = cfg->o.syslog && !cfg->o.detach;

	if (syslog_there() || (!records && !log))
		return;
	if (records && log)
		dprintf(STDERR_FILENO, "dived: warning: no syslog at %s, no "
		    "--audit-log and no --log-stderr: the audit records and "
		    "the log go nowhere\n", _PATH_LOG);
	else if (records)
		dprintf(STDERR_FILENO, "dived: warning: no syslog at %s and no "
		    "--audit-log: the audit records go nowhere (--log-stderr "
		    "writes them to standard error)\n", _PATH_LOG);
	else
		dprintf(STDERR_FILENO, "dived: warning: no syslog at %s: the "
		    "log goes nowhere (--syslog)\n", _PATH_LOG);
}

/*
 * In the foreground the log goes to standard error, as service managers
 * expect; detached (-d) or with --syslog, to syslog; with --log-stderr,
 * to both, and the audit records to standard error as well.  With -i
 * standard error is /dev/null, the connection's place.
 */
static int
log_where(const struct options *o, int client)
{
	if (client != -1)
		return LOGTO_SYSLOG;
	if (o->log_stderr)
		return LOGTO_SYSLOG | LOGTO_STDERR | LOGTO_AUDIT;
	if (o->detach || o->syslog)
		return LOGTO_SYSLOG;
	return LOGTO_STDERR;
}

static void
policy_and_audit(struct config *cfg, int client)
{
	struct options *o = &cfg->o;
	char e[512], why[256];

	cfg->audit_fd = -1;
	if (o->policy != NULL) {
		if ((o->policy = absolute_path(o->policy)) == NULL)
			err(1, "--policy");
		if ((cfg->rules = rulefile_load(o->policy, cfg, say_stderr)) == NULL)
			start_failed(client, "--policy: the rule file has "
			    "errors");
	}
	if (o->audit_log != NULL) {
		if ((o->audit_log = absolute_path(o->audit_log)) == NULL)
			err(1, "--audit-log");
		if ((cfg->audit_fd = audit_open(o->audit_log, -1, why,
		    sizeof(why))) == -1) {
			snprintf(e, sizeof(e), "--audit-log %s: %s",
			    o->audit_log, why);
			start_failed(client, e);
		}
	}
	audit_use(cfg->audit_fd);
}

/*
 * A socket passed by a service manager stands for the one the command
 * line names, which the manager set up: -C and -U are its settings.
 */
static void
service_socket(struct config *cfg)
{
	char e[512];

	cfg->passed.fd = -1;
	if (activation_take(&cfg->passed, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	if (cfg->passed.fd == -1)
		return;
	if (cfg->o.ready_fd == cfg->passed.fd)
		errx(1, "--ready-fd %d: that is the socket the service manager "
		    "passed (LISTEN_FDS)", cfg->o.ready_fd);
	if (cfg->o.chmod_set || cfg->o.chown != NULL)
		errx(1, "%s: -C and -U cannot change a socket the service "
		    "manager passed: it sets the owner and mode "
		    "(SocketMode=, SocketUser=, SocketGroup=)", cfg->o.socket);
	if (activation_match(cfg->passed.fd, cfg->o.socket, e, sizeof(e)) ==
	    -1)
		errx(1, "%s", e);
}

/*
 * The recordings' directory, made when missing, root's alone; only
 * when a session may be recorded.  A rule file read again that records
 * checks it then (rulefile.c).
 */
static void
recordings(struct config *cfg, int client)
{
	char e[512], why[400];

	if (!(cfg->o.record & RECORD_OUTPUT) &&
	    (cfg->rules == NULL || !cfg->rules->records))
		return;
	if (sandbox_mkdir(cfg->o.record_dir, 0700, why, sizeof(why)) == -1) {
		snprintf(e, sizeof(e), "--record-dir: %s", why);
		start_failed(client, e);
	}
}

int
main(int argc, char **argv)
{
	static struct config cfg;
	char e[512];
	int client = -1;

	/*
	 * No process of a root dived is ever dumpable before it execs:
	 * every fork inherits this, so neither the master and monitors (root,
	 * clients' connections) nor a program's process between entering a
	 * namespace someone else rules and its exec can be traced, have its
	 * memory or descriptors read through /proc, or be reached by
	 * pidfd_getfd from there.  The exec of the program (or parser)
	 * resets it as any exec does.  An unprivileged dived stays dumpable:
	 * the kernel gives the /proc files of a process that is not to root,
	 * and it must write its own or its children's uid_map.
	 */
	if (geteuid() == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		err(1, "prctl PR_SET_DUMPABLE");
	if ((argv = title_init(argc, argv)) == NULL)
		err(1, "out of memory");
	if (options_parse(argc, argv, &cfg.o, e, sizeof(e)) == -1) {
		fprintf(stderr, "dived: %s\n", e);
		options_synopsis(stderr);
		fprintf(stderr, "dived --help lists the options.\n");
		return DIVE_EXIT_USAGE;
	}
	if (cfg.o.help) {
		options_usage(stdout);
		return 0;
	}
	if (cfg.o.version) {
		printf("dived %s (protocol %d)\n", DIVE_VERSION,
		    DIVE_PROTO_VERSION);
		return 0;
	}
	cfg.passed.fd = -1;
	spawn_signals_found();
	/*
	 * Before anything opens a descriptor that could land on 0, 1 or 2,
	 * or on one passed to dived.  -J and -j leave the variables to the
	 * command they execute in their place, under the same process ID.
	 */
	if (cfg.o.ready_fd != -1 && notify_fd_take(cfg.o.ready_fd, e,
	    sizeof(e)) == -1)
		errx(1, "%s", e);
	if (cfg.o.mode == MODE_LISTEN)
		service_socket(&cfg);
	if (cfg.o.mode == MODE_INETD) {
		activation_drop();
		client = inetd_client();
	}
	log_init(log_where(&cfg.o, client));
	if (cfg.passed.ignored[0] != '\0')
		logmsg(LOG_WARNING, "warning: %s", cfg.passed.ignored);
	if (cfg.o.mode == MODE_LISTEN || cfg.o.mode == MODE_INETD)
		notify_take();
	cfg.privileged = geteuid() == 0;
	if (getrlimit(RLIMIT_NOFILE, &cfg.nofile) == -1)
		err(1, "getrlimit");
	if (config_resolve(&cfg, e, sizeof(e)) == -1)
		start_failed(client, e);
	config_warnings(&cfg);
	if (cfg.o.mode == MODE_CHECK)
		rulefile_check(&cfg);
	policy_and_audit(&cfg, client);
	if (cfg.o.mode == MODE_JUST) {
		if (pidfiles_write(&cfg.o, e, sizeof(e)) == -1)
			errx(1, "%s", e);
		just_run(&cfg);
	}
	if (sandbox_prepare(cfg.o.privsep_user, cfg.o.privsep_dir, &cfg.sandbox, e,
	    sizeof(e)) == -1)
		start_failed(client, e);
	recordings(&cfg, client);
	config_privsep_warnings(&cfg);
	fd_room();
	if (client != -1)
		inetd_run(&cfg, client);
	lost_records(&cfg);
	master_run(&cfg);
}
