/*
 * The rule file: every error message with its line and column, and the
 * decisions rules make for users, groups, commands, arguments and the
 * environment.  Names come from a fixed table, not from the system.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "policy.h"
#include "rules.h"
#include "unit.h"

static int
fake_user(void *arg, const char *name, uid_t *uid, gid_t *gid)
{
	(void)arg;
	if (strcmp(name, "alice") == 0 || strcmp(name, "1001") == 0) {
		*uid = 1001, *gid = 1001;
		return 0;
	}
	if (strcmp(name, "bob") == 0) {
		*uid = 1002, *gid = 1002;
		return 0;
	}
	if (strcmp(name, "root") == 0) {
		*uid = 0, *gid = 0;
		return 0;
	}
	return -1;
}

static int
fake_group(void *arg, const char *name, gid_t *gid)
{
	(void)arg;
	if (strcmp(name, "wheel") == 0) {
		*gid = 10;
		return 0;
	}
	if (strcmp(name, "staff") == 0) {
		*gid = 50;
		return 0;
	}
	return -1;
}

static const struct rules_names names = { fake_user, fake_group, NULL };

static struct ruleset *
parse(const char *text, struct rules_errors *e)
{
	return rules_parse(text, strlen(text), &names, e);
}

/* The file must be refused with exactly this first error. */
static void
bad(const char *name, const char *text, int line, int col, const char *msg)
{
	struct rules_errors e;
	struct ruleset *rs = parse(text, &e);

	if (!check(rs == NULL && e.n >= 1, name, "accepted: %s", text)) {
		rules_free(rs);
		return;
	}
	check(e.e[0].line == line && e.e[0].col == col &&
	    strcmp(e.e[0].msg, msg) == 0, name, "got %d:%d: %s", e.e[0].line,
	    e.e[0].col, e.e[0].msg);
}

static void
nul(void)
{
	static const char text[] = "permit alice\npermit \0bob\n";
	struct rules_errors e;

	CHECK(rules_parse(text, sizeof(text) - 1, &names, &e) == NULL &&
	    e.n == 1 && e.e[0].line == 2 && e.e[0].col == 8 &&
	    strcmp(e.e[0].msg, "a NUL byte") == 0, "rules: NUL byte");
}

static void
t_errors(void)
{
	bad("rules: a line must start with permit or deny", "allow alice\n",
	    1, 1, "allow: expected permit or deny");
	bad("rules: identity is required", "permit\n", 1, 7,
	    "missing identity: a user, :group or *");
	bad("rules: unknown user", "\n\npermit  mallory\n", 3, 9,
	    "mallory: no such user");
	bad("rules: unknown group", "permit :nogroup\n", 1, 8,
	    "nogroup: no such group");
	bad("rules: empty group", "permit :\n", 1, 8, "empty group name");
	bad("rules: empty user", "permit \"\"\n", 1, 8, "empty user name");
	bad("rules: unknown target", "permit alice as nobody\n", 1, 17,
	    "as nobody: no such user");
	bad("rules: target uid without an entry needs groups",
	    "permit alice as 4242\n", 1, 17,
	    "as 4242: no such user; give its groups as 4242:GROUP");
	bad("rules: empty target group list", "permit alice as bob:\n", 1, 17,
	    "as bob: empty group list");
	bad("rules: unknown target group", "permit alice as bob:wheel,x\n",
	    1, 17, "x: no such group");
	bad("rules: as needs a user", "permit alice as\n", 1, 16,
	    "as: missing the target user");
	bad("rules: empty target user", "permit alice as :wheel\n", 1, 17,
	    "as: empty user name");
	bad("rules: deny has no target", "deny alice as root\n", 1, 12,
	    "as: a deny rule has no target");
	bad("rules: deny takes no options", "deny nofds alice\n", 1, 6,
	    "nofds: a deny rule takes no options");
	bad("rules: cmd needs a path", "permit alice cmd\n", 1, 17,
	    "cmd: missing the program's path");
	bad("rules: cmd path is absolute", "permit alice cmd ls\n", 1, 18,
	    "cmd ls: not an absolute path");
	bad("rules: args or prefix after the command",
	    "permit alice cmd /bin/ls -l\n", 1, 26,
	    "-l: expected args or prefix after the command");
	bad("rules: trailing word", "permit alice bob\n", 1, 14,
	    "bob: unexpected word (expected as, cmd or the end of the line)");
	bad("rules: unterminated quote", "permit \"alice\n", 1, 8,
	    "unterminated quoted word");
	bad("rules: unknown escape", "permit \"al\\ice\"\n", 1, 11,
	    "unknown escape in a quoted word (only \\\" and \\\\)");
	bad("rules: quote must end at a blank", "permit \"alice\"x\n", 1, 15,
	    "a quoted word must end at a blank");
	bad("rules: quote inside a word", "permit al\"ice\n", 1, 10,
	    "a quote inside a word");
	bad("rules: option value missing", "permit timelimit\n", 1, 17,
	    "timelimit: missing its value");
	bad("rules: time limit zero", "permit timelimit 0 alice\n", 1, 18,
	    "timelimit 0: expected seconds from 1 to 31536000");
	bad("rules: time limit not a number", "permit timelimit 1s alice\n",
	    1, 18, "timelimit 1s: expected seconds from 1 to 31536000");
	bad("rules: chroot absolute", "permit chroot srv alice\n", 1, 15,
	    "chroot srv: not an absolute path");
	bad("rules: unknown namespace", "permit unshare net,bogus alice\n",
	    1, 16, "unshare bogus: unknown namespace (known: ipc, net, "
	    "fs, mount, pid, uts, user, cgroup, time)");
	bad("rules: unknown capability", "permit caps cap_bogus alice\n", 1,
	    13, "caps cap_bogus: unknown capability");
	bad("rules: unknown resource", "permit rlimit bogus=1 alice\n", 1,
	    15, "rlimit bogus=1: unknown resource bogus");
	bad("rules: env needs a brace", "permit env PATH alice\n", 1, 12,
	    "env: expected {");
	bad("rules: env needs a closing brace", "permit env { PATH alice\n", 1,
	    8, "env: missing }");
	bad("rules: env names", "permit env { 1X } alice\n", 1, 14,
	    "env: 1X: not a variable name");
	bad("rules: env keeps DIVE_ to dived", "permit env { DIVE_UID=0 } "
	    "alice\n", 1, 14, "env: DIVE_UID=0: the DIVE_ variables are "
	    "dived's own");
	bad("rules: env once per rule", "permit env { A } env { B } alice\n",
	    1, 18, "env: given twice in one rule");
	nul();
}

/* Errors that need big inputs. */
static void
t_limits(void)
{
	struct rules_errors e;
	size_t n = RULES_MAX_BYTES + 1, i;
	char *big;

	if ((big = malloc(n + 1)) == NULL)
		return;
	memset(big, '#', n);
	big[n] = '\0';
	CHECK(rules_parse(big, n, &names, &e) == NULL && e.n == 1 &&
	    strcmp(e.e[0].msg, "the file is larger than 1048576 bytes") == 0,
	    "limits: the file's size");
	/* One word over the limit on a line. */
	for (i = 0, n = 0; i <= RULES_MAX_WORDS; i++)
		n += (size_t)sprintf(big + n, "%s ", i ? "x" : "permit");
	CHECK(rules_parse(big, n, &names, &e) == NULL && e.n == 1 &&
	    strcmp(e.e[0].msg, "more than 256 words on a line") == 0,
	    "limits: words on a line");
	n = (size_t)sprintf(big, "permit alice as bob:");
	for (i = 0; i <= RULES_MAX_GROUPS; i++)
		n += (size_t)sprintf(big + n, "%s10", i ? "," : "");
	CHECK(rules_parse(big, n, &names, &e) == NULL && e.n == 1 &&
	    strcmp(e.e[0].msg, "as bob: more than 64 groups") == 0,
	    "limits: groups of a target");
	for (i = 0, n = 0; i <= RULES_MAX_RULES; i++)
		n += (size_t)sprintf(big + n, "permit *\n");
	CHECK(rules_parse(big, n, &names, &e) == NULL && e.n == 1 &&
	    e.e[0].line == RULES_MAX_RULES + 1 &&
	    strcmp(e.e[0].msg, "more than 4096 rules") == 0,
	    "limits: rules in a file");
	for (i = 0, n = 0; i < RULES_MAX_ERRORS + 5; i++)
		n += (size_t)sprintf(big + n, "bad\n");
	CHECK(rules_parse(big, n, &names, &e) == NULL &&
	    e.n == RULES_MAX_ERRORS && e.total == RULES_MAX_ERRORS + 5,
	    "limits: errors past the kept ones are counted");
	free(big);
}

static void
t_all_errors(void)
{
	struct rules_errors e;
	struct ruleset *rs;

	rs = parse("permit alice\nfoo\n# fine\npermit x\npermit bob\n", &e);
	CHECK(rs == NULL && e.n == 2 && e.total == 2 &&
	    e.e[0].line == 2 && e.e[1].line == 4,
	    "rules: every bad line is reported, good ones in between too");
	rs = parse("# nothing\n\n   \t\n", &e);
	CHECK(rs != NULL && rs->nrules == 0 && e.total == 0,
	    "rules: comments and blank lines only is a valid, empty file");
	rules_free(rs);
}

static const gid_t wheel[] = { 10 };

struct run {
	const char *rules;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	int ngroups;
	const char *argv[8];
	const char *envp[8];
};

/* The line of the rule that decided the last run, 0 for none. */
static int last_line;
/* The rules of the last run: its decision points into them. */
static struct ruleset *held;

static int
run(const struct run *c, struct decision *d, char *why, size_t len)
{
	struct rules_errors e;
	struct baseline b;
	struct peer p = { 1, c->uid, c->gid, NULL, c->groups, c->ngroups };
	struct isolation iso;
	struct target t;
	size_t argc = 0, envc = 0;
	int r;

	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	memset(&iso, 0, sizeof(iso));
	b.privileged = 1;
	b.target = &t;
	b.iso = &iso;
	rules_free(held);
	if ((held = parse(c->rules, &e)) == NULL) {
		snprintf(why, len, "rules refused: %s", e.n ? e.e[0].msg : "?");
		return -2;
	}
	while (c->argv[argc] != NULL)
		argc++;
	while (c->envp[envc] != NULL)
		envc++;
	b.rules = held;
	r = policy_decide(&b, &p, c->argv, argc, c->envp, envc, d, why, len);
	last_line = d->rule != NULL ? d->rule->line : 0;
	return r;
}

static int
allowed(const struct run *c)
{
	struct decision d;
	char why[256];
	int r = run(c, &d, why, sizeof(why));

	if (r == 0)
		decision_free(&d);
	return r == 0;
}

static void
t_matching(void)
{
	struct run c = { "permit alice\n", 1001, 1001, NULL, 0,
	    { "/bin/id", NULL }, { NULL } };
	struct decision d;
	char why[256];

	CHECK(allowed(&c), "match: a user rule permits that user");
	c.uid = 1002;
	CHECK(!allowed(&c), "match: and nobody else (no match denies)");
	CHECK(run(&c, &d, why, sizeof(why)) == -1 &&
	    strcmp(why, "no rule permits uid 1002 to run /bin/id") == 0,
	    "match: the reason of no match names the uid and program");
	c.rules = "permit 1002\n";
	CHECK(allowed(&c), "match: a uid by number");
	c.rules = "permit :wheel\n";
	CHECK(!allowed(&c), "match: a group rule needs the group");
	c.groups = wheel;
	c.ngroups = 1;
	CHECK(allowed(&c), "match: a supplementary group of the peer counts");
	c.groups = NULL;
	c.ngroups = 0;
	c.gid = 10;
	CHECK(allowed(&c), "match: the primary gid counts");
	c.rules = "permit :50\n";
	CHECK(!allowed(&c), "match: a gid by number");
	c.rules = "deny bob\npermit *\n";
	c.uid = 1002;
	CHECK(!allowed(&c), "match: the first matching rule decides (deny)");
	CHECK(run(&c, &d, why, sizeof(why)) == -1 && last_line == 1 &&
	    strcmp(why, "denied by the rule at line 1") == 0,
	    "match: a denial names its rule");
	c.rules = "permit *\ndeny bob\n";
	CHECK(allowed(&c), "match: the first matching rule decides (permit)");
}

static void
t_commands(void)
{
	struct run c = { "permit * cmd /bin/ls\n", 5, 5, NULL, 0,
	    { "/bin/ls", "-l", NULL }, { NULL } };

	CHECK(allowed(&c), "cmd: the exact path with any arguments");
	c.argv[0] = "ls";
	CHECK(!allowed(&c), "cmd: another spelling of the path is refused");
	c.argv[0] = "/bin/ls";
	c.rules = "permit * cmd /bin/ls args\n";
	CHECK(!allowed(&c), "cmd: args with nothing after allows no argument");
	c.argv[1] = NULL;
	CHECK(allowed(&c), "cmd: args alone allows the bare command");
	c.rules = "permit * cmd /bin/ls args -l /tmp\n";
	c.argv[1] = "-l";
	c.argv[2] = "/tmp";
	CHECK(allowed(&c), "cmd: exact arguments match");
	c.argv[3] = "/etc";
	CHECK(!allowed(&c), "cmd: an extra argument does not match exact ones");
	c.rules = "permit * cmd /bin/ls prefix -l\n";
	CHECK(allowed(&c), "cmd: a prefix matches longer command lines");
	c.argv[1] = "-a";
	CHECK(!allowed(&c), "cmd: a different first argument is no prefix");
	c.rules = "permit * cmd \"/bin/my ls\" args \"a b\"\n";
	c.argv[0] = "/bin/my ls";
	c.argv[1] = "a b";
	c.argv[2] = NULL;
	CHECK(allowed(&c), "cmd: quoted words hold blanks");
	c.rules = "permit * cmd /bin/ls prefix\n";
	c.argv[0] = "/bin/ls";
	CHECK(allowed(&c), "cmd: an empty prefix is any argument");
}

static int
has(char **v, const char *s)
{
	for (; *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

static void
t_settings(void)
{
	struct run c = { "permit nocwd nofds noumask timelimit 9 "
	    "diewithclient nonewprivs unshare net caps chown "
	    "rlimit nofile=64 env { PATH LANG=C } alice as bob\n",
	    1001, 1001, NULL, 0, { "/bin/env", NULL },
	    { "PATH=/bin", "SECRET=x", "PATHX=y", "DIVE_UID=0", NULL } };
	struct decision d;
	char why[256];

	if (!check(run(&c, &d, why, sizeof(why)) == 0, "settings: rule "
	    "applies", "%s", why))
		return;
	CHECK(d.setids && d.uid == 1002 && d.gid == 1002 && d.user != NULL &&
	    strcmp(d.user, "bob") == 0, "settings: as gives the target user");
	CHECK(!d.client_cwd && !d.client_fds && !d.client_umask,
	    "settings: nocwd, nofds and noumask take the client's away");
	CHECK(d.time_limit == 9 && d.die_with_client,
	    "settings: time limit and die-with-client");
	CHECK(d.iso.no_new_privs && (d.iso.unshare & CLONE_NEWNET) &&
	    d.iso.bound_keep_set && d.iso.bound_keep == 1,
	    "settings: isolation from the rule");
	CHECK(d.iso.nrlimits == 1 && d.iso.rlimits[0].rl.rlim_max == 64,
	    "settings: rlimit");
	CHECK(has(d.envp, "PATH=/bin") && has(d.envp, "LANG=C") &&
	    !has(d.envp, "SECRET=x") && !has(d.envp, "PATHX=y") &&
	    !has(d.envp, "DIVE_UID=0") && has(d.envp, "DIVE_UID=1001"),
	    "settings: env keeps the names listed and sets the values");
	decision_free(&d);

	c.rules = "permit as bob:wheel,staff alice\n";
	CHECK(run(&c, &d, why, sizeof(why)) == -2,
	    "settings: options come before the identity");
	c.rules = "permit alice as bob:wheel,staff\n";
	if (check(run(&c, &d, why, sizeof(why)) == 0, "settings: explicit "
	    "groups", "%s", why)) {
		CHECK(d.gid == 10 && d.ngroups == 2 && d.groups[1] == 50 &&
		    d.user == NULL, "settings: the first group is the gid");
		decision_free(&d);
	}
	{
		struct run e = { "permit alice as bob\n", 1001, 1001, NULL, 0,
		    { "/bin/env", NULL }, { "LD_PRELOAD=/tmp/evil.so",
		    "PATH=/tmp/evil", "TERM=xterm", "IFS=x", NULL } };

		if (check(run(&e, &d, why, sizeof(why)) == 0, "settings: as "
		    "without env", "%s", why)) {
			CHECK(!has(d.envp, "LD_PRELOAD=/tmp/evil.so") &&
			    !has(d.envp, "IFS=x") &&
			    !has(d.envp, "PATH=/tmp/evil") &&
			    has(d.envp, "TERM=xterm") &&
			    has(d.envp, "PATH=/usr/local/sbin:/usr/local/bin:"
			    "/usr/sbin:/usr/bin:/sbin:/bin"),
			    "settings: as another user resets the environment");
			decision_free(&d);
		}
		e.rules = "permit alice as alice:wheel\n";
		if (check(run(&e, &d, why, sizeof(why)) == 0, "settings: as "
		    "another group", "%s", why)) {
			CHECK(!has(d.envp, "LD_PRELOAD=/tmp/evil.so"),
			    "settings: as another group resets it too");
			decision_free(&d);
		}
		e.rules = "permit alice as alice\n";
		if (check(run(&e, &d, why, sizeof(why)) == 0, "settings: as "
		    "oneself", "%s", why)) {
			CHECK(has(d.envp, "LD_PRELOAD=/tmp/evil.so"),
			    "settings: as the client itself keeps it");
			decision_free(&d);
		}
		/* The gid alone differs: a client in another group (newgrp). */
		e.gid = 50;
		if (check(run(&e, &d, why, sizeof(why)) == 0, "settings: as "
		    "oneself from another group", "%s", why)) {
			CHECK(d.gid == 1001 &&
			    !has(d.envp, "LD_PRELOAD=/tmp/evil.so"),
			    "settings: as one's own user but another gid resets "
			    "it");
			decision_free(&d);
		}
		e.gid = 1001;
	}
	c.rules = "permit alice\n";
	if (run(&c, &d, why, sizeof(why)) == 0) {
		CHECK(has(d.envp, "SECRET=x") && d.uid == 1001 &&
		    d.client_cwd && d.time_limit == 0,
		    "settings: a plain rule keeps the baseline");
		decision_free(&d);
	}
	c.rules = "permit \"nofds\"\n";
	CHECK(run(&c, &d, why, sizeof(why)) == -2 &&
	    strcmp(why, "rules refused: nofds: no such user") == 0,
	    "settings: a quoted word is never a keyword");
}

/* What a rule may not do to dived's options. */
static void
t_narrowing(void)
{
	struct rules_errors e;
	struct baseline b;
	struct peer p = { 1, 1001, 1001, NULL, NULL, 0 };
	struct isolation iso;
	struct target t;
	struct decision d;
	const char *argv[] = { "/bin/true", NULL };
	char why[256];

	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	memset(&iso, 0, sizeof(iso));
	iso.bound_keep_set = 1;
	iso.bound_keep = 3;
	iso.nrlimits = 1;
	iso.rlimits[0].resource = 7;	/* nofile */
	iso.rlimits[0].rl.rlim_cur = iso.rlimits[0].rl.rlim_max = 32;
	iso.chroot = "/srv";
	b.privileged = 1;
	b.target = &t;
	b.iso = &iso;
	b.time_limit = 5;
	b.no_fds = 1;
	b.rules = parse("permit caps chown,kill,setuid rlimit nofile=99 "
	    "timelimit 60 *\n", &e);
	if (!CHECK(b.rules != NULL, "narrow: rules parse"))
		return;
	if (check(policy_decide(&b, &p, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == 0, "narrow: decides", "%s", why)) {
		CHECK(d.iso.bound_keep == 1, "narrow: caps only intersect");
		CHECK(d.iso.rlimits[0].rl.rlim_max == 32,
		    "narrow: a higher rlimit does not raise dived's");
		CHECK(d.time_limit == 5, "narrow: a longer time limit does not "
		    "lengthen dived's");
		CHECK(!d.client_fds, "narrow: -O stays");
		decision_free(&d);
	}
	rules_free((struct ruleset *)(uintptr_t)b.rules);
	b.rules = parse("permit chroot /other *\n", &e);
	CHECK(policy_decide(&b, &p, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == -1 && strstr(why, "sets a root") != NULL,
	    "narrow: a rule cannot replace dived's root");
	rules_free((struct ruleset *)(uintptr_t)b.rules);
	b.rules = parse("permit * as bob\n", &e);
	b.no_setuid = 1;
	CHECK(policy_decide(&b, &p, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == -1 && strstr(why, "-P") != NULL,
	    "widen: as is refused when dived runs with -P");
	rules_free((struct ruleset *)(uintptr_t)b.rules);
}

/* A root the client chooses, and what follows from running as another. */
static void
t_roots_and_users(void)
{
	struct run c = { "permit clientroot alice\n", 1001, 1001, NULL, 0,
	    { "/bin/id", NULL }, { NULL } };
	struct decision d;
	char why[256];
	int r;

	bad("clientroot: as another user is refused at load",
	    "permit clientroot alice as root cmd /usr/bin/whoami\n", 1, 8,
	    "clientroot: the client chooses this root, so its programs run "
	    "only as the client itself, not as root");
	bad("clientroot: a rule with chroot too is refused at load",
	    "permit chroot /srv clientroot alice\n", 1, 20,
	    "clientroot: the rule has chroot already; a program has one root");
	bad("chroot: a rule with clientroot too is refused at load",
	    "permit clientroot chroot /srv alice\n", 1, 19,
	    "chroot: the rule has clientroot already; a program has one root");
	bad("clientroot: as the same user is refused too",
	    "permit nocwd clientroot alice as alice\n", 1, 14,
	    "clientroot: the client chooses this root, so its programs run "
	    "only as the client itself, not as alice");
	if (check((r = run(&c, &d, why, sizeof(why))) == 0,
	    "clientroot: the client's own identity is allowed", "%s", why)) {
		CHECK(d.iso.client_root && d.iso.no_new_privs,
		    "clientroot: no_new_privs is always set");
		CHECK(d.confined && !d.client_cwd,
		    "clientroot: the program starts at the root's top");
		CHECK(!d.other_user && d.umask_add == 0 && !d.std_fds_only,
		    "clientroot: the client's own umask and descriptors");
		decision_free(&d);
	}
	c.rules = "permit chroot /srv/jail alice as root\n";
	if (check(run(&c, &d, why, sizeof(why)) == 0,
	    "chroot: a rule's root decides", "%s", why)) {
		CHECK(d.confined && !d.client_cwd && !d.iso.no_new_privs,
		    "chroot: a rule's root confines, starting at its top");
		CHECK(d.other_user && d.umask_add == 022,
		    "as root: the umask gains 022");
		CHECK(d.std_fds_only, "as root: only 0-2 by default");
		decision_free(&d);
	}
	c.rules = "permit keepfds keepumask alice as root\n";
	if (check(run(&c, &d, why, sizeof(why)) == 0,
	    "keepfds, keepumask: decide", "%s", why)) {
		CHECK(!d.confined && d.client_cwd,
		    "without a root the client's directory stays");
		CHECK(d.other_user && d.umask_add == 0 && !d.std_fds_only,
		    "keepfds, keepumask: the client's descriptors and umask");
		decision_free(&d);
	}
	c.rules = "permit alice as alice\n";
	if (check(run(&c, &d, why, sizeof(why)) == 0,
	    "as oneself: decides", "%s", why)) {
		CHECK(!d.other_user && !d.std_fds_only && d.umask_add == 0,
		    "as oneself: nothing changes");
		decision_free(&d);
	}
	c.rules = "permit alice as alice:1001,wheel\n";
	if (check(run(&c, &d, why, sizeof(why)) == 0,
	    "as oneself with a group: decides", "%s", why)) {
		CHECK(d.other_user, "a group the client is not in is another "
		    "identity");
		decision_free(&d);
	}
	c.groups = wheel;
	c.ngroups = 1;
	if (check(run(&c, &d, why, sizeof(why)) == 0,
	    "as oneself with its group: decides", "%s", why)) {
		CHECK(!d.other_user, "the client's own group is not");
		decision_free(&d);
	}
}

/* Rules that dived's options make unsafe, found when the file loads. */
static void
t_rules_against_options(void)
{
	struct rules_errors e;
	struct ruleset *rs;
	struct baseline b;
	struct isolation iso;
	struct target t;
	char why[256];
	int col = 0;

	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	memset(&iso, 0, sizeof(iso));
	b.privileged = 1;
	b.target = &t;
	b.iso = &iso;
	if (!CHECK((rs = parse("permit nocwd clientroot *\n"
	    "permit chroot /srv/jail *\n", &e)) != NULL,
	    "against options: rules parse"))
		return;
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == 0 && policy_check_rule(&b, &rs->rules[1], &col,
	    why, sizeof(why)) == 0, "against options: plain options allow both");
	t.user_set = 1;
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == -1 && col == 14 && strstr(why, "-u, -g or -e"),
	    "against options: clientroot under -u is refused at its column");
	t.user_set = 0;
	b.no_setuid = 1;
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == -1 && strstr(why, "-P") != NULL,
	    "against options: clientroot under -P is refused");
	b.no_setuid = 0;
	iso.capset = "cap_chown+ep";
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == -1 && strstr(why, "-c or -m") != NULL,
	    "against options: clientroot under -c is refused");
	iso.capset = NULL;
	/* At decision, too, whatever the options let through. */
	{
		struct peer p = { 1, 1001, 1001, NULL, NULL, 0 };
		const char *argv[] = { "/bin/id", NULL };
		struct decision d;

		iso.client_root = 1;
		t.user_set = 1;
		CHECK(policy_decide(&b, &p, argv, 1, NULL, 0, &d, why,
		    sizeof(why)) == -1 && strstr(why, "a root the client "
		    "chooses runs programs only as the client") != NULL,
		    "decision: the client's root as another user is denied");
		t.user_set = 0;
		b.self_uid = 0;
		b.privileged = 0;
		CHECK(policy_decide(&b, &p, argv, 1, NULL, 0, &d, why,
		    sizeof(why)) == -1, "decision: so is the client's root "
		    "under a dived of another uid");
		b.privileged = 1;
		iso.client_root = 0;
	}
	iso.root_to_current = 1;
	CHECK(policy_check_rule(&b, &rs->rules[1], &col, why,
	    sizeof(why)) == -1 && col == 8 && strstr(why, "chroot: dived's -W"),
	    "against options: a rule's chroot under -W is refused");
	iso.root_to_current = 0;
	iso.chroot = "/srv";
	CHECK(policy_check_rule(&b, &rs->rules[1], &col, why,
	    sizeof(why)) == -1 && col == 8 &&
	    strcmp(why, "chroot: dived's options set a root already") == 0,
	    "against options: a rule's chroot under -R is refused at load");
	rules_free(rs);
	if (!CHECK((rs = parse("permit *\n", &e)) != NULL,
	    "against options: a plain rule parses"))
		return;
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == 0, "against options: a plain rule under -R is fine");
	iso.root_to_current = 1;
	CHECK(policy_check_rule(&b, &rs->rules[0], &col, why,
	    sizeof(why)) == -1 && col == 1 && strstr(why, "-W") != NULL,
	    "against options: any permit under -R and -W is refused");
	rules_free(rs);
}

/* The record option, its words after it, and what a decision keeps. */
static unsigned int
recorded(const char *rules)
{
	struct run c = { rules, 1001, 1001, NULL, 0, { "/bin/sh", NULL },
	    { NULL } };
	struct decision d;
	char why[256];
	unsigned int rec;

	if (run(&c, &d, why, sizeof(why)) != 0)
		return 0xdead;
	rec = d.record;
	decision_free(&d);
	return rec;
}

static void
t_record(void)
{
	struct rules_errors e;
	struct ruleset *rs;

	CHECK(recorded("permit record alice\n") == RECORD_OUTPUT,
	    "record: a rule records the output");
	CHECK(recorded("permit record input alice\n") ==
	    (RECORD_OUTPUT | RECORD_INPUT), "record input: and the keys");
	CHECK(recorded("permit record input,failopen nocwd alice\n") ==
	    (RECORD_OUTPUT | RECORD_INPUT | RECORD_FAILOPEN),
	    "record input,failopen: and fails open; options follow");
	CHECK(recorded("permit record failopen alice\n") ==
	    (RECORD_OUTPUT | RECORD_FAILOPEN), "record failopen alone");
	CHECK(recorded("permit alice\n") == 0, "record: off without it");
	CHECK(recorded("permit record * cmd /bin/ls\npermit alice\n") == 0,
	    "record: only the deciding rule's counts");
	bad("record: a word that is no list of them is the identity",
	    "permit record inptu\n", 1, 15, "inptu: no such user");
	bad("record: given twice", "permit record record alice\n", 1, 15,
	    "record: given twice in one rule");
	bad("record: not in a deny rule", "deny record alice\n", 1, 6,
	    "record: a deny rule takes no options");
	bad("record: a list with an empty item is no list",
	    "permit record input, alice\n", 1, 15, "input,: no such user");
	if (CHECK((rs = parse("permit record \"input\"\n", &e)) == NULL &&
	    strcmp(e.e[0].msg, "input: no such user") == 0,
	    "record: a quoted word after it is the identity, never its list"))
		rules_free(rs);
	if (CHECK((rs = parse("deny alice\npermit record *\n", &e)) != NULL,
	    "record: a rule set with a recording rule parses")) {
		CHECK(rs->records, "record: the set knows a rule records");
		rules_free(rs);
	}
	if (CHECK((rs = parse("permit alice\n", &e)) != NULL,
	    "record: a rule set without one parses")) {
		CHECK(!rs->records, "record: and knows none records");
		rules_free(rs);
	}
}

#define ARGV(...)	((char *[]){ "dived", __VA_ARGS__, NULL })

static int
opts(struct options *o, char **argv, char *err, size_t len)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	err[0] = '\0';
	return options_parse(argc, argv, o, err, len);
}

/* The command line of the rule file, the audit log and the controls. */
static void
t_rule_options(void)
{
	struct options o;
	char err[256];

	CHECK(opts(&o, ARGV("@s", "--policy", "/etc/dive.rules", "--audit-log",
	    "/var/log/dive", "--time-limit", "60", "--die-with-client"), err,
	    sizeof(err)) == 0 && strcmp(o.policy, "/etc/dive.rules") == 0 &&
	    strcmp(o.audit_log, "/var/log/dive") == 0 && o.time_limit == 60 &&
	    o.die_with_client, "options: --policy, --audit-log and controls");
	CHECK(opts(&o, ARGV("@s", "--time-limit", "0"), err,
	    sizeof(err)) == -1 && strcmp(err, "--time-limit 0: expected "
	    "seconds from 1 to 31536000") == 0, "options: --time-limit 0");
	CHECK(opts(&o, ARGV("@s", "-w", "--die-with-client"), err,
	    sizeof(err)) == -1 && strstr(err, "-w cannot be combined") != NULL,
	    "options: -w cannot keep die-with-client");
	CHECK(opts(&o, ARGV("--check-policy", "f"), err, sizeof(err)) == 0 &&
	    o.mode == MODE_CHECK && strcmp(o.policy, "f") == 0,
	    "options: --check-policy FILE");
	CHECK(opts(&o, ARGV("--check-policy", "f", "--as", "bob", "--", "id"),
	    err, sizeof(err)) == 0 && strcmp(o.check_as, "bob") == 0 &&
	    o.nprefix == 1, "options: --check-policy with --as and a command");
	CHECK(opts(&o, ARGV("--check-policy", "f", "--as", "bob"), err,
	    sizeof(err)) == -1 && strcmp(err, "--check-policy: --as USER and "
	    "-- COMMAND go together") == 0, "options: --as needs a command");
	CHECK(opts(&o, ARGV("-J", "--time-limit", "5", "--", "true"), err,
	    sizeof(err)) == -1 && strncmp(err, "-J and -j have no client", 24)
	    == 0, "options: -J takes no time limit");
	CHECK(opts(&o, ARGV("--check-policy"), err, sizeof(err)) == -1 &&
	    strcmp(err, "--check-policy: missing file") == 0,
	    "options: --check-policy needs a file");
	CHECK(opts(&o, ARGV("@s", "--as", "bob"), err, sizeof(err)) == -1 &&
	    strcmp(err, "--as: only with --check-policy") == 0,
	    "options: --as only when checking");
}

/* What --check-policy and dive -l show of a rule: its words, as written. */
static void
t_text(void)
{
	static const gid_t staff[] = { 50 };
	struct rules_errors e;
	struct ruleset *rs;

	rs = parse("permit  nocwd\tenv { A B=1 }   :staff as bob:wheel,staff"
	    " cmd /bin/echo args \"a b\" \"q\\\"\\\\\" \"\" # note\n"
	    "\n# comment\ndeny alice\n", &e);
	CHECK(rs != NULL && rs->nrules == 2 && strcmp(rs->rules[0].text,
	    "permit nocwd env { A B=1 } :staff as bob:wheel,staff cmd "
	    "/bin/echo args \"a b\" \"q\\\"\\\\\" \"\"") == 0,
	    "text: a rule's words joined by one blank, quoted words quoted "
	    "again, no comment");
	CHECK(rs != NULL && rs->nrules == 2 && rs->rules[1].line == 4 &&
	    strcmp(rs->rules[1].text, "deny alice") == 0,
	    "text: each rule keeps its own line's words");
	CHECK(rs != NULL && rules_who_matches(&rs->rules[0], 1002, 1002,
	    staff, 1) && !rules_who_matches(&rs->rules[0], 1002, 1002, NULL,
	    0) && rules_who_matches(&rs->rules[1], 1001, 1001, NULL, 0) &&
	    !rules_who_matches(&rs->rules[1], 1002, 50, staff, 1),
	    "text: a rule's identity is matched alone, whatever its command");
	rules_free(rs);
}

void
t_rules(void)
{
	t_rule_options();
	t_text();
	t_errors();
	t_limits();
	t_all_errors();
	t_matching();
	t_commands();
	t_settings();
	t_narrowing();
	t_roots_and_users();
	t_rules_against_options();
	t_record();
	rules_free(held);
	held = NULL;
}
