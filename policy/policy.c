#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "proto.h"

#define NVARS		4
#define NUMVAR		32	/* DIVE_UID=, DIVE_GID=, DIVE_PID= and a number */

static int
deny(char *why, size_t len, const char *text)
{
	snprintf(why, len, "%s", text);
	return -1;
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
	decide_ids(b, p, d);
	/* -E: dived's own environment instead of the client's. */
	if (b->own_env != NULL) {
		envp = (const char *const *)b->own_env;
		for (envc = 0; envp[envc] != NULL; envc++)
			;
	}
	d->client_cwd = !b->no_chdir;
	d->client_fds = !b->no_fds;
	d->client_umask = !b->no_umask;
	if (b->iso != NULL)
		d->iso = *b->iso;
	if (build_argv(b, argv, argc, d) == -1 ||
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
	memset(d, 0, sizeof(*d));
}
