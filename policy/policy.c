#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "policy.h"
#include "proto.h"

#define NVARS		4
#define NUMVAR		32	/* DIVE_UID=, DIVE_GID=, DIVE_PID= and a number */

static int
deny(char *why, size_t len, const char *text)
{
	return errbuf(why, len, "%s", text);
}

static int
build_argv(const struct baseline *b, const char *const *argv, size_t argc,
    struct decision *d)
{
	size_t n, i, k = 0;

	if (b->no_argv)
		argc = 0;
	n = b->nprefix + argc;

	if ((d->argv = calloc(n + 1, sizeof(*d->argv))) == NULL)
		return -1;
	for (i = 0; i < b->nprefix; i++)
		d->argv[k++] = b->prefix[i];
	for (i = 0; i < argc; i++)
		d->argv[k++] = (char *)(uintptr_t)argv[i];
	return 0;
}

int
policy_env(const struct peer *p, const char *const *envp, size_t envc,
    struct decision *d)
{
	size_t i, k = 0, userlen;
	char *v;

	userlen = p->name != NULL ? sizeof("DIVE_USER=") + strlen(p->name) : 0;
	if ((d->envp = calloc(envc + NVARS + 1, sizeof(*d->envp))) == NULL ||
	    (d->vars = malloc(3 * NUMVAR + userlen)) == NULL)
		return -1;
	for (i = 0; i < envc; i++)
		if (!env_is_dive(envp[i]))
			d->envp[k++] = (char *)(uintptr_t)envp[i];
	v = d->vars;
	snprintf(v, NUMVAR, "DIVE_UID=%lu", (unsigned long)p->uid);
	snprintf(v + NUMVAR, NUMVAR, "DIVE_GID=%lu", (unsigned long)p->gid);
	snprintf(v + 2 * NUMVAR, NUMVAR, "DIVE_PID=%ld", (long)p->pid);
	d->envp[k++] = v;
	d->envp[k++] = v + NUMVAR;
	if (p->pid > 0)		/* 0: the client had ended */
		d->envp[k++] = v + 2 * NUMVAR;
	if (p->name != NULL) {
		snprintf(v + 3 * NUMVAR, userlen, "DIVE_USER=%s", p->name);
		d->envp[k++] = v + 3 * NUMVAR;
	}
	return 0;
}

/*
 * The client's identity, unless -u or -g replace it; -e replaces only the
 * effective uid.  -P, or an unprivileged dived, changes nothing.
 */
static void
decide_ids(const struct baseline *b, const struct peer *p,
    struct decision *d)
{
	const struct target *t = b->target;

	if (!b->privileged || b->no_setuid)
		return;
	d->setids = 1;
	d->uid = d->euid = p->uid;
	d->gid = p->gid;
	d->user = p->name;
	if (t == NULL)
		return;
	if (t->user_set) {
		d->uid = d->euid = t->uid;
		d->gid = t->gid;
		d->user = t->user;
	}
	if (t->groups_set) {
		d->gid = t->groups[0];
		d->groups = t->groups;
		d->ngroups = t->ngroups;
		d->user = NULL;
	}
	if (t->euser_set)
		d->euid = t->euid;
}

/* A rule's "as": only a dived that may change credentials gives it. */
static int
rule_ids(const struct baseline *b, const struct rule *r, struct decision *d,
    char *why, size_t len)
{
	if (!r->as_set)
		return 0;
	if (!b->privileged || b->no_setuid)
		return errbuf(why, len, "the rule at line %d names a target "
		    "user, but dived %s", r->line,
		    b->no_setuid ? "runs with -P" : "cannot change credentials");
	d->uid = d->euid = r->as_uid;
	d->gid = r->as_gid;
	d->user = r->as_user;
	d->groups = NULL;
	d->ngroups = 0;
	if (r->as_ngroups > 0) {
		d->groups = r->as_groups;
		d->ngroups = r->as_ngroups;
		d->user = NULL;
	}
	return 0;
}

/*
 * What a rule that runs the program as another user keeps of the client's
 * environment when it says nothing itself: as sudo's env_reset, no
 * LD_PRELOAD, no IFS, no PATH of the client's choosing.
 */
static char *const reset_env[] = {
	"TERM", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};

/* env { NAME NAME=value }: the client's NAMEs, then the values set. */
static int
keep_env(char *const *env, size_t nenv, const char *const **envp,
    size_t *envc, struct decision *d)
{
	size_t i, j, k = 0;

	if ((d->kept = calloc(*envc + nenv + 1, sizeof(*d->kept))) == NULL)
		return -1;
	for (i = 0; i < *envc; i++)
		for (j = 0; j < nenv; j++) {
			size_t n = strlen(env[j]);

			if (strchr(env[j], '=') == NULL &&
			    strncmp((*envp)[i], env[j], n) == 0 &&
			    (*envp)[i][n] == '=') {
				d->kept[k++] = (char *)(uintptr_t)(*envp)[i];
				break;
			}
		}
	for (j = 0; j < nenv; j++)
		if (strchr(env[j], '=') != NULL)
			d->kept[k++] = env[j];
	*envp = (const char *const *)d->kept;
	*envc = k;
	return 0;
}

static int
rule_env(const struct rule *r, const struct peer *p,
    const char *const **envp, size_t *envc, struct decision *d)
{
	if (r->env_set)
		return keep_env(r->env, r->nenv, envp, envc, d);
	if (r->as_set && (r->as_uid != p->uid || r->as_gid != p->gid ||
	    r->as_ngroups > 0))
		return keep_env(reset_env, sizeof(reset_env) /
		    sizeof(reset_env[0]), envp, envc, d);
	return 0;
}

/* The lower of two limits, where 0 is none. */
static unsigned int
lower(unsigned int a, unsigned int b)
{
	if (a == 0 || b == 0)
		return a ? a : b;
	return a < b ? a : b;
}

/* A rule's limits only lower the baseline's. */
static void
rule_rlimits(const struct rule *r, struct isolation *iso)
{
	for (size_t i = 0; i < r->limits.nrlimits; i++) {
		const struct iso_rlimit *l = &r->limits.rlimits[i];
		size_t k;

		for (k = 0; k < iso->nrlimits; k++)
			if (iso->rlimits[k].resource == l->resource)
				break;
		if (k == iso->nrlimits) {
			iso->rlimits[iso->nrlimits++] = *l;
			continue;
		}
		if (l->rl.rlim_max < iso->rlimits[k].rl.rlim_max)
			iso->rlimits[k].rl.rlim_max = l->rl.rlim_max;
		if (l->rl.rlim_cur < iso->rlimits[k].rl.rlim_cur)
			iso->rlimits[k].rl.rlim_cur = l->rl.rlim_cur;
	}
}

/* Isolation a rule adds: it takes nothing away from the baseline's. */
static int
rule_iso(const struct rule *r, struct isolation *iso, char *why, size_t len)
{
	int has_root = iso->chroot != NULL || iso->client_root ||
	    iso->pivot_new != NULL;

	if ((r->chroot != NULL || r->clientroot) && has_root)
		return errbuf(why, len, "the rule at line %d sets a root, and "
		    "so do dived's options", r->line);
	if (r->chroot != NULL)
		iso->chroot = r->chroot;
	if (r->clientroot)
		iso->client_root = 1;
	iso->unshare |= r->unshare;
	if (r->caps_set) {
		iso->bound_keep = iso->bound_keep_set ?
		    iso->bound_keep & r->caps : r->caps;
		iso->bound_keep_set = 1;
	}
	iso->bound_drop |= r->dropcaps;
	iso->no_new_privs |= r->nonewprivs;
	rule_rlimits(r, iso);
	if (iso_check(iso, why, len) == -1)
		return -1;
	return 0;
}

static int
apply_rule(const struct baseline *b, const struct rule *r,
    struct decision *d, char *why, size_t len)
{
	if (!r->permit)
		return errbuf(why, len, "denied by the rule at line %d",
		    r->line);
	if (rule_ids(b, r, d, why, len) == -1 ||
	    rule_iso(r, &d->iso, why, len) == -1)
		return -1;
	d->client_cwd &= !r->nocwd;
	d->client_fds &= !r->nofds;
	d->client_umask &= !r->noumask;
	d->time_limit = lower(d->time_limit, r->timelimit);
	d->die_with_client |= r->diewithclient;
	d->record |= r->record;
	return 0;
}

static int
decide_rules(const struct baseline *b, const struct peer *p,
    struct decision *d, char *why, size_t len)
{
	const struct rule *r;

	r = rules_match(b->rules, p->uid, p->gid, p->groups, p->ngroups,
	    (const char *const *)d->argv);
	if (r == NULL)
		return errbuf(why, len, "no rule permits uid %lu to run %s",
		    (unsigned long)p->uid, d->argv[0]);
	d->rule = r;
	return apply_rule(b, r, d, why, len);
}

static int
has_root(const struct isolation *iso)
{
	return iso->chroot != NULL || iso->client_root ||
	    iso->pivot_new != NULL;
}

static int
peer_has_group(const struct peer *p, gid_t g)
{
	if (g == p->gid)
		return 1;
	for (int i = 0; i < p->ngroups; i++)
		if (p->groups[i] == g)
			return 1;
	return 0;
}

/*
 * Whether the program runs as anyone but the client: other ids, whether
 * dived sets them or keeps its own, or groups the client is not in.  A
 * user's own groups (initgroups) are the client's when it is that user.
 */
static int
runs_as_other(const struct baseline *b, const struct peer *p,
    const struct decision *d)
{
	uid_t uid = d->setids ? d->uid : b->self_uid;
	uid_t euid = d->setids ? d->euid : b->self_uid;
	gid_t gid = d->setids ? d->gid : b->self_gid;

	if (uid != p->uid || euid != p->uid || gid != p->gid)
		return 1;
	for (int i = 0; d->setids && d->groups != NULL && i < d->ngroups; i++)
		if (!peer_has_group(p, d->groups[i]))
			return 1;
	return 0;
}

/*
 * What follows from whom the program runs as and where its root is.  A
 * root the client chose holds the client's own programs and libraries:
 * run as anyone else, or with set-user-ID programs that work, it would
 * be that user.  A root a rule set, or the client's, is left only
 * through the client's directory or a directory descriptor: the program
 * starts at its top and gets none.
 */
static int
root_and_identity(const struct baseline *b, const struct peer *p,
    struct decision *d, char *why, size_t len)
{
	const struct rule *r = d->rule;

	d->other_user = runs_as_other(b, p, d);
	if (d->other_user && !b->keep_umask && (r == NULL || !r->keepumask))
		d->umask_add = 022;
	d->std_fds_only = r != NULL && d->other_user && !r->keepfds;
	if (d->iso.client_root && d->other_user)
		return errbuf(why, len, "a root the client chooses runs "
		    "programs only as the client itself, and %s another user",
		    r != NULL ? "the rule's target is" :
		    "dived's options choose");
	if (d->iso.client_root && (d->iso.capset != NULL ||
	    d->iso.ambient != 0))
		return errbuf(why, len, "a root the client chooses runs "
		    "programs without capabilities, and dived's -c or -m gives "
		    "some");
	d->iso.no_new_privs |= d->iso.client_root;
	d->confined = has_root(&d->iso) && (d->iso.client_root || r != NULL);
	if (d->confined && d->iso.root_to_current)
		return errbuf(why, len, "-W would start the program outside "
		    "its root");
	if (d->confined)
		d->client_cwd = 0;
	return 0;
}

int
policy_check_rule(const struct baseline *b, const struct rule *r, int *col,
    char *why, size_t len)
{
	const struct target *t = b->target;
	const struct isolation *iso = b->iso;
	const char *kw = r->clientroot ? "clientroot" : "chroot";

	*col = r->root_col;
	if (r->clientroot && ((t != NULL && (t->user_set || t->groups_set ||
	    t->euser_set)) || b->no_setuid))
		return errbuf(why, len, "clientroot: dived's %s runs programs "
		    "as another user than the client, which a root the client "
		    "chooses does not allow",
		    b->no_setuid ? "-P" : "-u, -g or -e");
	if (r->clientroot && iso != NULL && (iso->capset != NULL ||
	    iso->ambient != 0))
		return errbuf(why, len, "clientroot: dived's -c or -m gives "
		    "programs capabilities, which a root the client chooses "
		    "does not allow");
	if ((r->clientroot || r->chroot != NULL) && iso != NULL &&
	    has_root(iso))
		return errbuf(why, len, "%s: dived's options set a root "
		    "already", kw);
	if ((r->clientroot || r->chroot != NULL) && iso != NULL &&
	    iso->root_to_current)
		return errbuf(why, len, "%s: dived's -W would start the "
		    "program outside this root", kw);
	/* A rule's decision confines the program to the options' root. */
	if (r->permit && iso != NULL && has_root(iso) &&
	    iso->root_to_current) {
		*col = 1;
		return errbuf(why, len, "dived's -W would start the program "
		    "outside the root of its -R or -V, to which a rule's "
		    "decision confines it");
	}
	return 0;
}

/* Refused by a rule: nothing is kept but the rule, for the record. */
static int
rule_denies(struct decision *d)
{
	const struct rule *r = d->rule;

	decision_free(d);
	d->rule = r;
	return -1;
}

/* What the options give every request, before its command line. */
static void
from_options(const struct baseline *b, const struct peer *p,
    struct decision *d)
{
	decide_ids(b, p, d);
	d->client_cwd = !b->no_chdir;
	d->chdir = b->chdir;
	d->client_fds = !b->no_fds;
	d->client_umask = !b->no_umask;
	if (b->iso != NULL)
		d->iso = *b->iso;
	d->time_limit = b->time_limit;
	d->die_with_client = b->die_with_client;
	d->record = b->record;
}

int
policy_options(const struct baseline *b, const struct peer *p,
    struct decision *d, char *why, size_t len)
{
	memset(d, 0, sizeof(*d));
	from_options(b, p, d);
	if (root_and_identity(b, p, d, why, len) == -1) {
		decision_free(d);
		return -1;
	}
	return 0;
}

int
policy_decide(const struct baseline *b, const struct peer *p,
    const char *const *argv, size_t argc, const char *const *envp,
    size_t envc, struct decision *d, char *why, size_t len)
{
	memset(d, 0, sizeof(*d));
	if (b->nprefix + (b->no_argv ? 0 : argc) == 0)
		return deny(why, len, "no program given");
	if ((b->nprefix > 0 ? b->prefix[0] : argv[0])[0] == '\0')
		return deny(why, len, "empty program name");
	from_options(b, p, d);
	/* -E: dived's own environment instead of the client's. */
	if (b->own_env != NULL) {
		envp = (const char *const *)b->own_env;
		for (envc = 0; envp[envc] != NULL; envc++)
			;
	}
	if (build_argv(b, argv, argc, d) == -1) {
		decision_free(d);
		return deny(why, len, "out of memory");
	}
	if (b->rules != NULL && decide_rules(b, p, d, why, len) == -1)
		return rule_denies(d);
	if (root_and_identity(b, p, d, why, len) == -1) {
		if (d->rule != NULL)
			return rule_denies(d);
		decision_free(d);
		return -1;
	}
	if ((d->rule != NULL && rule_env(d->rule, p, &envp, &envc, d) == -1) ||
	    policy_env(p, envp, envc, d) == -1) {
		decision_free(d);
		return deny(why, len, "out of memory");
	}
	return 0;
}

void
decision_free(struct decision *d)
{
	free(d->argv);
	free(d->envp);
	free(d->vars);
	free(d->kept);
	memset(d, 0, sizeof(*d));
}
