/*
 * libFuzzer harness for the rule file: the input is the file's text.
 * Names resolve through a fixed table, as in the unit tests.
 *
 * A file that parses must give rules that keep the parser's promises,
 * and deciding with them must not fail in any other way than a denial;
 * a refused file must come with located, terminated messages.
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rules.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static int
user(void *arg, const char *name, uid_t *uid, gid_t *gid)
{
	(void)arg;
	if (strcmp(name, "root") == 0 || strcmp(name, "0") == 0) {
		*uid = *gid = 0;
		return 0;
	}
	if (strcmp(name, "alice") == 0 || strcmp(name, "1000") == 0) {
		*uid = *gid = 1000;
		return 0;
	}
	return -1;
}

static int
group(void *arg, const char *name, gid_t *gid)
{
	(void)arg;
	if (strcmp(name, "wheel") != 0)
		return -1;
	*gid = 10;
	return 0;
}

static const struct rules_names names = { user, group, NULL };

static void
check_rule(const struct rule *r)
{
	check(r->line >= 1);
	check(r->cmd == NULL || r->cmd[0] == '/');
	check(r->args_mode == ARGS_ANY || r->args != NULL);
	if (r->args != NULL)
		check(r->args[r->nargs] == NULL);
	if (r->env_set)
		check(r->env != NULL && r->env[r->nenv] == NULL);
	check(r->chroot == NULL || r->chroot[0] == '/');
	check(r->as_ngroups >= 0 && r->as_ngroups <= RULES_MAX_GROUPS);
	check(r->permit || (!r->as_set && !r->nofds && !r->timelimit));
	check(r->timelimit <= RULES_MAX_TIMELIMIT);
}

/* Every rule's own command, and a stranger's, decided. */
static void
decide(const struct ruleset *rs)
{
	static const gid_t wheel[] = { 10 };
	const char *argv[4] = { "/bin/sh", "-c", "x", NULL };
	const char *envp[] = { "PATH=/bin", "A=1", NULL };
	struct peer p = { 1, 1000, 1000, "alice", wheel, 1 };
	struct isolation iso;
	struct target t;
	struct baseline b;
	struct decision d;
	char why[256];

	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	memset(&iso, 0, sizeof(iso));
	b.privileged = 1;
	b.target = &t;
	b.iso = &iso;
	b.rules = rs;
	for (size_t i = 0; i <= rs->nrules && i < 64; i++) {
		if (i < rs->nrules && rs->rules[i].cmd != NULL)
			argv[0] = rs->rules[i].cmd;
		why[0] = '\0';
		if (policy_decide(&b, &p, argv, 3, envp, 2, &d, why,
		    sizeof(why)) == 0) {
			check(d.rule != NULL && d.rule->permit);
			check(d.argv != NULL && d.envp != NULL);
			decision_free(&d);
		} else
			check(why[0] != '\0');
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct rules_errors *e;
	struct ruleset *rs;

	if ((e = malloc(sizeof(*e))) == NULL)
		return 0;
	rs = rules_parse((const char *)data, len, &names, e);
	if (rs != NULL) {
		check(e->total == 0 && rs->nrules <= RULES_MAX_RULES);
		for (size_t i = 0; i < rs->nrules; i++)
			check_rule(&rs->rules[i]);
		decide(rs);
		rules_free(rs);
	} else {
		check(e->n <= RULES_MAX_ERRORS && e->n <= e->total);
		for (size_t i = 0; i < e->n; i++)
			check(e->e[i].line >= 1 && e->e[i].col >= 1 &&
			    e->e[i].msg[0] != '\0' &&
			    memchr(e->e[i].msg, '\0', sizeof(e->e[i].msg)));
	}
	free(e);
	return 0;
}
