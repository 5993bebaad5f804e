/* dived's command line, as dived(8) documents it. */
#include <string.h>

#include "bounds.h"
#include "options.h"
#include "unit.h"

#define ARGV(...)	((char *[]){ "dived", __VA_ARGS__, NULL })

static char err[256];

/* argv is NULL-terminated, starting with "dived". */
static int
parse(struct options *o, char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	err[0] = '\0';
	return options_parse(argc, argv, o, err, sizeof(err));
}

/* Expects a refusal whose message contains what. */
static void
refused(const char *name, char **argv, const char *what)
{
	struct options o;
	int rc;

	rc = parse(&o, argv);
	check(rc == -1 && strstr(err, what) != NULL, name,
	    "rc %d, message \"%s\" should name \"%s\"", rc, err, what);
}

static void
test_first_argument(void)
{
	struct options o;

	CHECK(parse(&o, (char *[]){ "dived", NULL }) == -1 &&
	    strstr(err, "socket") != NULL,
	    "options: no arguments asks for a socket");
	CHECK(parse(&o, ARGV("--help")) == 0 && o.help && !o.version,
	    "options: --help is recognised");
	CHECK(parse(&o, ARGV("--version")) == 0 && o.version && !o.help,
	    "options: --version is recognised");
	CHECK(parse(&o, ARGV("/run/dive.sock")) == 0 &&
	    o.mode == MODE_LISTEN && strcmp(o.socket, "/run/dive.sock") == 0,
	    "options: a socket path is taken");
	CHECK(parse(&o, ARGV("@dive")) == 0 && strcmp(o.socket, "@dive") == 0,
	    "options: an @abstract socket name is taken as given");
	refused("options: an option before the socket is refused",
	    ARGV("-C", "0600", "/s"), "-C");
	refused("options: --log-stderr before the socket is refused",
	    ARGV("--log-stderr", "/s"), "--log-stderr");
	refused("options: an empty socket path is refused", ARGV(""), "empty");
	refused("options: an empty abstract name is refused", ARGV("@"),
	    "empty");
}

static void
test_defaults(void)
{
	struct options o;

	parse(&o, ARGV("/s"));
	CHECK(strcmp(o.privsep_user, DEFAULT_PRIVSEP_USER) == 0 &&
	    strcmp(o.privsep_dir, DEFAULT_PRIVSEP_DIR) == 0,
	    "options: privsep user and directory default as documented");
	CHECK(o.request_timeout == DIVE_REQUEST_TIMEOUT,
	    "options: the request timeout defaults to DIVE_REQUEST_TIMEOUT");
	CHECK(!o.chmod_set && o.chown == NULL && !o.log_stderr &&
	    o.prefix == NULL && o.nprefix == 0 && !o.help && !o.version,
	    "options: nothing else is set by default");
}

static void
test_chmod(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-C", "0660")) == 0 && o.chmod_set &&
	    o.chmod_mode == 0660, "options: -C takes an octal mode");
	CHECK(parse(&o, ARGV("/s", "--chmod", "7777")) == 0 &&
	    o.chmod_mode == 07777, "options: --chmod takes modes up to 7777");
	CHECK(parse(&o, ARGV("/s", "-C", "0")) == 0 && o.chmod_set &&
	    o.chmod_mode == 0, "options: -C 0 is a mode, not unset");
	refused("options: -C with a non-octal digit is refused",
	    ARGV("/s", "-C", "0689"), "0689");
	refused("options: -C with letters is refused",
	    ARGV("/s", "-C", "rw"), "-C rw");
	refused("options: -C over 07777 is refused",
	    ARGV("/s", "-C", "10000"), "10000");
	refused("options: -C negative is refused", ARGV("/s", "-C", "-1"),
	    "-C -1");
	refused("options: -C empty is refused", ARGV("/s", "-C", ""),
	    "octal");
}

static void
test_chown(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-U", "root:wheel")) == 0 &&
	    strcmp(o.chown, "root:wheel") == 0,
	    "options: -U takes user:group");
	CHECK(parse(&o, ARGV("/s", "--chown", "0:0")) == 0 &&
	    strcmp(o.chown, "0:0") == 0, "options: --chown takes numbers");
	refused("options: -U without a colon is refused",
	    ARGV("/s", "-U", "root"), "-U root:");
	refused("options: -U with an empty user is refused",
	    ARGV("/s", "-U", ":wheel"), ":wheel");
	refused("options: -U with an empty group is refused",
	    ARGV("/s", "-U", "root:"), "-U root::");
}

static void
test_privsep(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "--privsep-dir", "/var/empty")) == 0 &&
	    strcmp(o.privsep_dir, "/var/empty") == 0,
	    "options: --privsep-dir takes an absolute path");
	refused("options: a relative --privsep-dir is refused",
	    ARGV("/s", "--privsep-dir", "var/empty"), "var/empty");
	refused("options: an empty --privsep-dir is refused",
	    ARGV("/s", "--privsep-dir", ""), "--privsep-dir");
	CHECK(parse(&o, ARGV("/s", "--privsep-user", "_dived")) == 0 &&
	    strcmp(o.privsep_user, "_dived") == 0,
	    "options: --privsep-user takes a name");
	refused("options: an empty --privsep-user is refused",
	    ARGV("/s", "--privsep-user", ""), "--privsep-user");
}

static void
test_timeout(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "--request-timeout", "1")) == 0 &&
	    o.request_timeout == 1,
	    "options: --request-timeout 1 is accepted");
	CHECK(parse(&o, ARGV("/s", "--request-timeout", "3600")) == 0 &&
	    o.request_timeout == DIVE_MAX_REQUEST_TIMEOUT,
	    "options: --request-timeout up to the maximum is accepted");
	refused("options: --request-timeout 0 is refused",
	    ARGV("/s", "--request-timeout", "0"), "timeout 0:");
	refused("options: --request-timeout over the maximum is refused",
	    ARGV("/s", "--request-timeout", "3601"), "3601");
	refused("options: --request-timeout that overflows is refused",
	    ARGV("/s", "--request-timeout", "99999999999999999999999"),
	    "99999999999999999999999");
	refused("options: --request-timeout that is no number is refused",
	    ARGV("/s", "--request-timeout", "soon"), "soon");
	refused("options: --request-timeout with a unit is refused",
	    ARGV("/s", "--request-timeout", "10s"), "10s");
	refused("options: a negative --request-timeout is refused",
	    ARGV("/s", "--request-timeout", "-5"), "timeout -5");
}

static void
test_misc(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "--log-stderr", "-C", "600")) == 0 &&
	    o.log_stderr && o.chmod_mode == 0600,
	    "options: --log-stderr takes no argument");
	refused("options: an unknown option is refused",
	    ARGV("/s", "--frobnicate"), "--frobnicate");
	refused("options: a stray argument is refused",
	    ARGV("/s", "/bin/sh"), "/bin/sh");
	refused("options: an option missing its argument is refused",
	    ARGV("/s", "-C"), "-C");
	refused("options: --request-timeout missing its argument is refused",
	    ARGV("/s", "--log-stderr", "--request-timeout"),
	    "--request-timeout");
}

static void
test_prefix(void)
{
	struct options o;
	char **argv = ARGV("/s", "-C", "600", "--", "/bin/env", "-C", "x");

	CHECK(parse(&o, argv) == 0 && o.nprefix == 3 &&
	    o.prefix == argv + 5 && o.chmod_mode == 0600,
	    "options: everything after -- is the prefix");
	CHECK(parse(&o, ARGV("/s", "--", "-C", "bad")) == 0 &&
	    o.nprefix == 2 && !o.chmod_set,
	    "options: options after -- are not parsed");
	CHECK(parse(&o, ARGV("/s", "--")) == 0 && o.prefix != NULL &&
	    o.nprefix == 0, "options: a lone -- gives an empty prefix");
	CHECK(parse(&o, ARGV("/s", "--", "--")) == 0 && o.nprefix == 1 &&
	    strcmp(o.prefix[0], "--") == 0,
	    "options: a second -- belongs to the prefix");
}

static void
test_modes(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("-i")) == 0 && o.mode == MODE_INETD &&
	    o.socket == NULL, "options: -i serves stdin, no socket");
	CHECK(parse(&o, ARGV("--inetd", "-u", "nobody")) == 0 &&
	    o.mode == MODE_INETD && strcmp(o.user, "nobody") == 0,
	    "options: --inetd takes options after it");
	CHECK(parse(&o, ARGV("-J", "--", "id")) == 0 && o.mode == MODE_JUST &&
	    o.nprefix == 1 && !o.no_setsid && !o.no_setuid,
	    "options: -J starts the prefix");
	CHECK(parse(&o, ARGV("-j", "--", "id")) == 0 && o.mode == MODE_JUST &&
	    o.no_setsid && o.no_csctty && o.no_setuid,
	    "options: -j is -J -S -T -P");
	refused("options: -J without a command is refused", ARGV("-J"),
	    "need -- and a command");
	refused("options: -J with an empty prefix is refused",
	    ARGV("-J", "--"), "need -- and a command");
	refused("options: -d with -i is refused", ARGV("-i", "-d"),
	    "-d: only with a socket");
	refused("options: -d with -J is refused", ARGV("-J", "-d", "--", "id"),
	    "-d: only with a socket");
	refused("options: -P with -u is refused", ARGV("/s", "-P", "-u", "x"),
	    "-P cannot be combined");
	refused("options: -j with -g is refused",
	    ARGV("-j", "-g", "x", "--", "id"), "-P cannot be combined");
	refused("options: -A without a command is refused", ARGV("/s", "-A"),
	    "-A needs -- and a command");
	refused("options: an empty -u is refused", ARGV("/s", "-u", ""),
	    "empty argument");
	refused("options: a -g list with an empty name is refused",
	    ARGV("/s", "-g", "a,,b"), "comma-separated");
	CHECK(parse(&o, ARGV("/s", "-n")) == 0 && o.signals == SIGNALS_PID,
	    "options: -n delivers to the pid");
	CHECK(parse(&o, ARGV("/s", "--signals-pgid")) == 0 &&
	    o.signals == SIGNALS_PGID, "options: --signals-pgid to the group");
	CHECK(parse(&o, ARGV("/s")) == 0 && o.pty == PTY_RULE_CLIENT,
	    "options: without --pty or --no-pty the client chooses");
	CHECK(parse(&o, ARGV("/s", "--pty")) == 0 && o.pty == PTY_RULE_FORCE,
	    "options: --pty forces pseudo-terminals");
	CHECK(parse(&o, ARGV("/s", "--pty", "--no-pty")) == 0 &&
	    o.pty == PTY_RULE_FORBID,
	    "options: the last of --pty and --no-pty counts");
	CHECK(parse(&o, ARGV("/s", "-p", "a", "-p", "b")) == 0 &&
	    o.npidfiles == 2 && strcmp(o.pidfiles[1], "b") == 0,
	    "options: -p repeats");
	CHECK(parse(&o, ARGV("/s", "-A", "-E", "-H", "-O", "-M", "-S", "-T",
	    "-w", "-D", "-F", "--", "x")) == 0 && o.no_argv && o.no_env &&
	    o.no_chdir && o.no_fds && o.no_umask && o.no_setsid &&
	    o.no_csctty && o.no_wait && o.children_daemon && o.no_fork,
	    "options: every flag sets its own field");
}

void
t_options(void)
{
	test_first_argument();
	test_defaults();
	test_chmod();
	test_chown();
	test_privsep();
	test_timeout();
	test_misc();
	test_prefix();
	test_modes();
}
