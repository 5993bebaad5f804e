/* dived's command line, as dived(8) documents it. */
#include <sched.h>
#include <string.h>

#include "bounds.h"
#include "options.h"
#include "rules.h"
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
	CHECK(strcmp(o.privsep_user, "_dived") == 0,
	    "options: the parser runs as _dived, a user of its own, not as "
	    "nobody");
	CHECK(o.request_timeout == DIVE_REQUEST_TIMEOUT,
	    "options: the request timeout defaults to DIVE_REQUEST_TIMEOUT");
	CHECK(o.spares == 1, "options: one spare monitor by default");
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
	CHECK(parse(&o, ARGV("/s", "--spares", "0")) == 0 && o.spares == 0,
	    "options: --spares 0 is accepted");
	CHECK(parse(&o, ARGV("/s", "--spares", "64")) == 0 && o.spares == 64,
	    "options: --spares up to 64 is accepted");
	refused("options: --spares over 64 is refused",
	    ARGV("/s", "--spares", "65"), "--spares 65: expected a number "
	    "from 0 to 64");
	refused("options: --spares below 0 is refused",
	    ARGV("/s", "--spares", "-1"), "--spares -1:");
	refused("options: --spares that is no number is refused",
	    ARGV("/s", "--spares", "two"), "--spares two:");
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

static void
test_namespaces(void)
{
	struct options o;
	char *argv[2 + 2 * (ISO_MAX_SETNS + 1) + 1];
	int i;

	CHECK(parse(&o, ARGV("/s", "-s", "net,ipc", "--unshare", "uts")) == 0 &&
	    o.iso.unshare == (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
	    "options: -s and --unshare add namespaces");
	refused("options: -s with an unknown namespace names it",
	    ARGV("/s", "-s", "net,nett"), "-s nett: unknown namespace");
	refused("options: -s without its argument is refused",
	    ARGV("/s", "-s"), "-s: missing argument");
	CHECK(parse(&o, ARGV("/s", "-N", "/proc/1/ns/net", "--setns",
	    "/run/netns/blue")) == 0 && o.iso.nsetns == 2 &&
	    strcmp(o.iso.setns[0], "/proc/1/ns/net") == 0 &&
	    strcmp(o.iso.setns[1], "/run/netns/blue") == 0,
	    "options: -N repeats, in order");
	argv[0] = "dived";
	argv[1] = "/s";
	for (i = 0; i <= ISO_MAX_SETNS; i++) {
		argv[2 + 2 * i] = "-N";
		argv[3 + 2 * i] = "/proc/1/ns/net";
	}
	argv[2 + 2 * i] = NULL;
	refused("options: more than ISO_MAX_SETNS -N files are refused", argv,
	    "at most 16 namespace files");
	argv[2 + 2 * ISO_MAX_SETNS] = NULL;
	CHECK(parse(&o, argv) == 0 && o.iso.nsetns == ISO_MAX_SETNS,
	    "options: ISO_MAX_SETNS -N files are taken");
	refused("options: an empty -N is refused", ARGV("/s", "-N", ""),
	    "-N: empty file name");
	CHECK(parse(&o, ARGV("/s", "--enter", "1")) == 0 &&
	    o.iso.enter_pid == 1, "options: --enter takes pid 1");
	CHECK(parse(&o, ARGV("/s", "--enter", "2147483647")) == 0 &&
	    o.iso.enter_pid == 2147483647,
	    "options: --enter takes the largest pid");
	refused("options: --enter 0 is refused", ARGV("/s", "--enter", "0"),
	    "--enter 0: expected a process id");
	refused("options: --enter past the largest pid is refused",
	    ARGV("/s", "--enter", "2147483648"), "--enter 2147483648:");
	refused("options: --enter with a sign is refused",
	    ARGV("/s", "--enter", "+5"), "--enter +5:");
	refused("options: --enter with a word is refused",
	    ARGV("/s", "--enter", "self"), "--enter self:");
	refused("options: -w with -s pid is refused",
	    ARGV("/s", "-w", "-s", "pid"), "-w cannot be combined with -s pid");
	refused("options: -s user with -N is refused",
	    ARGV("/s", "-s", "user", "-N", "/proc/1/ns/net"),
	    "-s user cannot be combined with -N");
	refused("options: -s user with --enter is refused",
	    ARGV("/s", "--enter", "1", "-s", "user"),
	    "-s user cannot be combined");
	refused("options: --mount-proc without -s pid,fs is refused",
	    ARGV("/s", "--mount-proc", "-s", "pid"),
	    "--mount-proc needs new pid and mount");
	CHECK(parse(&o, ARGV("/s", "--mount-proc", "-s", "pid,fs")) == 0 &&
	    o.iso.mount_proc, "options: --mount-proc with -s pid,fs is taken");
	refused("options: --init without -s pid is refused",
	    ARGV("/s", "--init", "-s", "net"), "--init needs a new pid");
	CHECK(parse(&o, ARGV("/s", "--init", "-s", "pid")) == 0 &&
	    o.iso.init, "options: --init with -s pid is taken");
}

static void
test_user_namespaces(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-s", "user", "-t", "/proc/self/uid_map",
	    "0 1000 1", "--write-content", "/proc/self/setgroups", "deny")) ==
	    0 && o.iso.nwrites == 2 &&
	    strcmp(o.iso.writes[0].file, "/proc/self/uid_map") == 0 &&
	    strcmp(o.iso.writes[0].content, "0 1000 1") == 0 &&
	    strcmp(o.iso.writes[1].content, "deny") == 0,
	    "options: -t takes a file and its content, and repeats");
	CHECK(parse(&o, ARGV("/s", "-t", "/f", "", "-C", "600")) == 0 &&
	    o.iso.nwrites == 1 && o.iso.writes[0].content[0] == '\0' &&
	    o.chmod_mode == 0600,
	    "options: -t takes an empty content and both its arguments");
	refused("options: -t without its content is refused",
	    ARGV("/s", "-t", "/proc/self/uid_map"), "-t: missing argument");
	refused("options: -t with an empty file name is refused",
	    ARGV("/s", "-t", "", "x"), "-t: empty file name");
	CHECK(parse(&o, ARGV("/s", "-s", "user", "-tt")) == 0 &&
	    o.iso.uidgidmap && o.iso.nwrites == 0,
	    "options: -tt is a flag of its own, not -t");
	refused("options: -tt without -s user is refused", ARGV("/s", "-tt"),
	    "need a new user namespace");
	CHECK(parse(&o, ARGV("/s", "-s", "user", "--map-users",
	    "0:100000:65536", "--map-groups", "auto")) == 0 &&
	    o.iso.uidmap_set && o.iso.uidmap.n == 1 &&
	    o.iso.uidmap.r[0].lower == 100000 && o.iso.gidmap_set &&
	    o.iso.gidmap.n == 0, "options: --map-users ranges, --map-groups auto");
	CHECK(parse(&o, ARGV("/s", "-s", "user", "--map-users", "0:1:1",
	    "--map-users", "auto")) == 0 && o.iso.uidmap_set &&
	    o.iso.uidmap.n == 0, "options: a later --map-users auto replaces "
	    "ranges");
	refused("options: a bad --map-users range is named",
	    ARGV("/s", "-s", "user", "--map-users", "0:1000:1,5:6"),
	    "--map-users 5:6: expected START:LOWER:COUNT");
	refused("options: a bad --map-groups range is named",
	    ARGV("/s", "-s", "user", "--map-groups", "0:1000:0"),
	    "--map-groups 0:1000:0: empty range");
	refused("options: --map-users without -s user is refused",
	    ARGV("/s", "--map-users", "auto"), "need a new user namespace");
	refused("options: -tt with --map-groups is refused",
	    ARGV("/s", "-s", "user", "-tt", "--map-groups", "auto"),
	    "exclude each other");
}

static void
test_roots(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-R", "/srv/jail", "-h", "/")) == 0 &&
	    strcmp(o.iso.chroot, "/srv/jail") == 0 &&
	    strcmp(o.chdir, "/") == 0, "options: -R with -h");
	refused("options: an empty -R is refused", ARGV("/s", "-R", ""),
	    "-R: empty directory name");
	CHECK(parse(&o, ARGV("/s", "-R", "/srv/jail", "-W")) == 0 &&
	    o.iso.chroot != NULL && o.iso.root_to_current && o.no_chdir,
	    "options: -R, and -W implies -H");
	refused("options: -r with -W is refused (it starts inside)",
	    ARGV("/s", "-r", "-W"), "-r cannot be combined with -W");
	refused("options: -r with -u is refused", ARGV("/s", "-r", "-u", "0"),
	    "-r cannot be combined with -P, -u, -g or -e");
	refused("options: -r with -e is refused", ARGV("/s", "-r", "-e", "0"),
	    "-r cannot be combined with -P, -u, -g or -e");
	refused("options: -r with -g is refused", ARGV("/s", "-r", "-g", "0"),
	    "-r cannot be combined with -P, -u, -g or -e");
	refused("options: -r with -P is refused", ARGV("/s", "-r", "-P"),
	    "-r cannot be combined with -P, -u, -g or -e");
	refused("options: -r with -c is refused", ARGV("/s", "-r", "-c",
	    "cap_chown+ep"), "-r cannot be combined with -c or -m");
	refused("options: -r with -m is refused", ARGV("/s", "-r", "-m",
	    "cap_chown"), "-r cannot be combined with -c or -m");
	CHECK(parse(&o, ARGV("/s", "-s", "fs", "-V", "/new", "old")) == 0 &&
	    strcmp(o.iso.pivot_new, "/new") == 0 &&
	    strcmp(o.iso.pivot_old, "old") == 0,
	    "options: -V takes NEWROOT and PUTOLD");
	CHECK(parse(&o, ARGV("/s", "-s", "fs", "--pivot-root", "/new", "old",
	    "-C", "600")) == 0 && o.chmod_mode == 0600,
	    "options: the option after -V's two arguments is parsed");
	refused("options: -V with one argument is refused",
	    ARGV("/s", "-s", "fs", "-V", "/new"), "-V: missing argument");
	refused("options: -V with an empty PUTOLD is refused",
	    ARGV("/s", "-s", "fs", "-V", "/new", ""), "-V: empty directory");
	refused("options: -V without -s fs is refused",
	    ARGV("/s", "-V", "/new", "old"), "-V needs a new mount namespace");
	refused("options: -R with -r is refused", ARGV("/s", "-R", "/a", "-r"),
	    "-R, -r and -V exclude each other");
}

static void
test_capabilities(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-B", "")) == 0 && o.iso.bound_keep_set &&
	    o.iso.bound_keep == 0,
	    "options: -B '' keeps no capability in the bounding set");
	CHECK(parse(&o, ARGV("/s")) == 0 && !o.iso.bound_keep_set,
	    "options: without -B the bounding set is kept");
	CHECK(parse(&o, ARGV("/s", "--retain-capabilities", "net_raw,13")) ==
	    0 && o.iso.bound_keep == (1ull << 13), "options: -B by name and "
	    "number (net_raw is 13)");
	CHECK(parse(&o, ARGV("/s", "-b", "cap_sys_admin", "-m",
	    "CAP_NET_BIND_SERVICE")) == 0 && o.iso.bound_drop == 1ull << 21 &&
	    o.iso.ambient == 1ull << 10, "options: -b and -m take capabilities");
	refused("options: a bad -B capability is named",
	    ARGV("/s", "-B", "net_raw,net_cooked"),
	    "-B net_cooked: unknown capability");
	refused("options: a bad -b capability is named",
	    ARGV("/s", "-b", "99"), "-b 99: unknown capability");
	refused("options: a bad -m capability is named",
	    ARGV("/s", "--ambient-capabilities", "x"), "-m x: unknown");
	CHECK(parse(&o, ARGV("/s", "-c", "cap_net_raw+ep")) == 0 &&
	    strcmp(o.iso.capset, "cap_net_raw+ep") == 0,
	    "options: -c keeps its text for libcap");
	refused("options: an empty -c is refused", ARGV("/s", "-c", ""),
	    "-c: empty capability text");
	CHECK(parse(&o, ARGV("/s", "-L", "-X")) == 0 &&
	    o.iso.lock_securebits && o.iso.no_new_privs,
	    "options: -L and -X are flags");
}

static void
test_limits_and_filters(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s", "-l", "nofile=64:32", "--rlimit",
	    "cpu=5")) == 0 && o.iso.nrlimits == 2 &&
	    o.iso.rlimits[0].rl.rlim_max == 64 &&
	    o.iso.rlimits[0].rl.rlim_cur == 32,
	    "options: -l and --rlimit add limits");
	refused("options: a malformed -l item is named",
	    ARGV("/s", "-l", "cpu=5,nofile:7"), "-l nofile:7: expected");
	refused("options: an unknown -l resource is named",
	    ARGV("/s", "-l", "files=7"), "unknown resource files");
	CHECK(parse(&o, ARGV("/s", "--cgroup", "/sys/fs/cgroup/dive")) == 0 &&
	    strcmp(o.iso.cgroup, "/sys/fs/cgroup/dive") == 0,
	    "options: --cgroup takes an absolute directory");
	refused("options: a relative --cgroup is refused",
	    ARGV("/s", "--cgroup", "dive"), "--cgroup dive: not an absolute");
	CHECK(parse(&o, ARGV("/s", "--restrict-families", "unix")) == 0 &&
	    o.iso.families_set && o.iso.families == 1ull << 1,
	    "options: --restrict-families");
	refused("options: an unknown family is named",
	    ARGV("/s", "--restrict-families", "unix,ipx"),
	    "--restrict-families ipx");
	CHECK(parse(&o, ARGV("/s", "--deny-syscalls", "ptrace")) == 0 &&
	    o.iso.nsyscalls == 1, "options: --deny-syscalls");
	refused("options: an unknown system call is named",
	    ARGV("/s", "--deny-syscalls", "ptrace,ptrac"),
	    "--deny-syscalls ptrac");
}

static void
test_record(void)
{
	struct options o;

	CHECK(parse(&o, ARGV("/s")) == 0 && o.record == 0 &&
	    strcmp(o.record_dir, DEFAULT_RECORD_DIR) == 0 &&
	    o.record_max == 0, "options: no recording by default");
	CHECK(parse(&o, ARGV("/s", "--record")) == 0 &&
	    o.record == RECORD_OUTPUT, "options: --record records the output");
	CHECK(parse(&o, ARGV("/s", "--record-input", "--record-failopen")) ==
	    0 && o.record == (RECORD_OUTPUT | RECORD_INPUT | RECORD_FAILOPEN),
	    "options: --record-input records the keys too, --record-failopen");
	CHECK(parse(&o, ARGV("/s", "--record-dir", "/srv/rec", "--record-max",
	    "1099511627776")) == 0 && strcmp(o.record_dir, "/srv/rec") == 0 &&
	    o.record_max == 1ULL << 40, "options: --record-dir, --record-max");
	refused("options: a relative --record-dir is refused",
	    ARGV("/s", "--record-dir", "rec"), "--record-dir rec: not an "
	    "absolute path");
	refused("options: --record-max 0 is refused",
	    ARGV("/s", "--record-max", "0"), "--record-max 0: expected bytes");
	refused("options: --record-max past its bound is refused",
	    ARGV("/s", "--record-max", "1099511627777"), "expected bytes");
	refused("options: --record-max with a unit is refused",
	    ARGV("/s", "--record-max", "10M"), "--record-max 10M");
	refused("options: -w cannot record", ARGV("/s", "-w", "--record"),
	    "-w cannot be combined with --record");
	refused("options: -J has no session to record",
	    ARGV("-J", "--record-input", "--", "true"), "-J and -j have no "
	    "client: --record");
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
	test_namespaces();
	test_user_namespaces();
	test_roots();
	test_capabilities();
	test_limits_and_filters();
	test_record();
}
