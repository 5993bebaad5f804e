/*
 * Names on the command line become numbers once, at start.  (The groups
 * of a -u user are still read per session, by initgroups' rules, so that a
 * change to /etc/group applies to the next program.)
 */
#include <sys/stat.h>

#include <sys/syscall.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>

#include "dived.h"
#include "log.h"
#include "errbuf.h"

extern char **environ;

/* nobody's uid almost everywhere, and the kernel's overflow uid. */
#define NOBODY_UID	65534

static int
number(const char *s, unsigned long *v)
{
	char *end;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *v < (uid_t)-1 ? 0 : -1;
}

/* A user by name or number; a number need not have a passwd entry. */
static int
resolve_user(const char *opt, const char *name, uid_t *uid, gid_t *gid,
    const char **user, int *named, char *err, size_t len)
{
	struct passwd *pw;
	unsigned long v;

	if (number(name, &v) == 0) {
		*uid = (uid_t)v;
		pw = getpwuid(*uid);
	} else if ((pw = getpwnam(name)) == NULL) {
		return errbuf(err, len, "%s %s: no such user", opt, name);
	}
	*named = pw != NULL;
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		if (user != NULL && (*user = strdup(pw->pw_name)) == NULL)
			return errbuf(err, len, "out of memory");
	}
	return 0;
}

/* A group by name or number. */
static int
lookup_group(const char *name, gid_t *gid)
{
	struct group *gr;
	unsigned long v;

	if (number(name, &v) == 0)
		*gid = (gid_t)v;
	else if ((gr = getgrnam(name)) != NULL)
		*gid = gr->gr_gid;
	else
		return -1;
	return 0;
}

/* -U user:group, by names or numbers; the user need not exist by number. */
static int
resolve_owner(const char *spec, uid_t *uid, gid_t *gid, char *err,
    size_t len)
{
	char *user, *group;
	struct passwd *pw;
	unsigned long v;
	int r = 0;

	if ((user = strdup(spec)) == NULL)
		return errbuf(err, len, "out of memory");
	group = strchr(user, ':');
	*group++ = '\0';
	if (number(user, &v) == 0)
		*uid = (uid_t)v;
	else if ((pw = getpwnam(user)) != NULL)
		*uid = pw->pw_uid;
	else
		r = errbuf(err, len, "-U %s: no such user %s", spec, user);
	if (r == 0 && lookup_group(group, gid) == -1)
		r = errbuf(err, len, "-U %s: no such group %s", spec, group);
	free(user);
	return r;
}

static int
resolve_groups(const char *list, struct target *t, char *err, size_t len)
{
	char *copy, *g, *next;
	int r = 0;

	if ((copy = strdup(list)) == NULL)
		return errbuf(err, len, "out of memory");
	for (g = copy; g != NULL && r == 0; g = next) {
		if ((next = strchr(g, ',')) != NULL)
			*next++ = '\0';
		if (t->ngroups == MAX_TARGET_GROUPS)
			r = errbuf(err, len, "-g: more than %d groups",
			    MAX_TARGET_GROUPS);
		else if (lookup_group(g, &t->groups[t->ngroups]) == -1)
			r = errbuf(err, len, "-g %s: no such group %s", list, g);
		else
			t->ngroups++;
	}
	free(copy);
	t->groups_set = r == 0;
	return r;
}

/*
 * Each monitor looks up its peer's name and groups, and writes times.
 * Doing one lookup of each kind here loads the name-service modules, and
 * reads the time zone, once, in the master, instead of in every forked
 * monitor.
 */
static void
warm_name_services(void)
{
	gid_t g[8];
	int n = 8;

	(void)getpwuid(0);
	(void)getgrouplist("root", 0, g, &n);
	endpwent();
	endgrent();
	tzset();
}

static int
directory(const char *opt, const char *dir, char *err, size_t len)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		return errbuf(err, len, "%s %s: %s", opt, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return errbuf(err, len, "%s %s: not a directory", opt, dir);
	return 0;
}

static int
other_root(const struct isolation *iso)
{
	return iso->chroot != NULL || iso->client_root ||
	    iso->pivot_new != NULL;
}

/*
 * Relative roots are taken from dived's directory at start (it may
 * leave it, -d), so they are made absolute here; each must be a
 * directory, and --cgroup one with a cgroup.procs file.
 */
static int
absolute(const char *opt, const char **dir, char *err, size_t len)
{
	char *abs;

	if (directory(opt, *dir, err, len) == -1)
		return -1;
	if ((abs = realpath(*dir, NULL)) == NULL)
		return errbuf(err, len, "%s %s: %s", opt, *dir,
		    strerror(errno));
	*dir = abs;
	return 0;
}

/*
 * -V NEWROOT PUTOLD: pivot_root(8)'s spelling, -V /srv/box /srv/box/old,
 * names PUTOLD through NEWROOT as given or as resolved; either way it is
 * then taken inside NEWROOT.
 */
static int
resolve_pivot(struct isolation *iso, char *err, size_t len)
{
	const char *given = iso->pivot_new, *old;

	if (absolute("-V", &iso->pivot_new, err, len) == -1)
		return -1;
	if ((old = iso_pivot_old(given, iso->pivot_old)) == iso->pivot_old)
		old = iso_pivot_old(iso->pivot_new, iso->pivot_old);
	iso->pivot_old = old;
	return 0;
}

static int
resolve_roots(struct isolation *iso, char *err, size_t len)
{
	char procs[4096];

	if (iso->chroot != NULL && absolute("-R", &iso->chroot, err, len) == -1)
		return -1;
	if (iso->pivot_new != NULL && resolve_pivot(iso, err, len) == -1)
		return -1;
	if (iso->enter_pid != 0 && (iso->enter_fd =
	    (int)syscall(SYS_pidfd_open, iso->enter_pid, 0)) == -1)
		return errbuf(err, len, "--enter %ld: %s", (long)iso->enter_pid,
		    strerror(errno));
	if (iso->cgroup != NULL) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", iso->cgroup);
		if (access(procs, W_OK) == -1)
			return errbuf(err, len, "--cgroup %s: %s", iso->cgroup,
			    strerror(errno));
	}
	return 0;
}

int
config_resolve(struct config *cfg, char *err, size_t len)
{
	struct target *t = &cfg->target;
	const struct options *o = &cfg->o;
	int named;
	gid_t ignored;

	memset(t, 0, sizeof(*t));
	warm_name_services();
	cfg->sock_uid = (uid_t)-1;
	cfg->sock_gid = (gid_t)-1;
	if (o->chown != NULL && resolve_owner(o->chown, &cfg->sock_uid,
	    &cfg->sock_gid, err, len) == -1)
		return -1;
	if (o->user != NULL) {
		if (resolve_user("-u", o->user, &t->uid, &t->gid, &t->user,
		    &named, err, len) == -1)
			return -1;
		if (!named && o->groups == NULL) {
			snprintf(err, len, "-u %s: no such user; give its "
			    "groups with -g", o->user);
			return -1;
		}
		t->user_set = 1;
	}
	if (o->groups != NULL && resolve_groups(o->groups, t, err, len) == -1)
		return -1;
	if (o->euser != NULL) {
		if (resolve_user("-e", o->euser, &t->euid, &ignored, NULL,
		    &named, err, len) == -1)
			return -1;
		t->euser_set = 1;
	}
	/*
	 * -J starts its only program now: a missing -h stops it here, unless
	 * it names a directory inside another root.
	 */
	if (o->chdir != NULL && o->mode == MODE_JUST && !other_root(&o->iso) &&
	    directory("-h", o->chdir, err, len) == -1)
		return -1;
	if (resolve_roots(&cfg->o.iso, err, len) == -1)
		return -1;
	if ((o->user || o->groups || o->euser) && !cfg->privileged)
		return errbuf(err, len, "-u, -g and -e need dived to run as "
		    "root");
	return 0;
}

/*
 * Each program enters -h by name when it starts (spawn.c), as dive 1.x
 * did, so a directory made or mounted after dived started serves, and
 * one missing now is worth a warning only.  With another root, -h names
 * a directory inside it, which cannot be looked at from here.
 */
static void
warn_chdir(const struct config *cfg)
{
	const struct options *o = &cfg->o;
	char why[512];

	if (o->chdir == NULL || other_root(&o->iso) || o->mode == MODE_JUST ||
	    directory("-h", o->chdir, why, sizeof(why)) == 0)
		return;
	logmsg(LOG_WARNING, "warning: %s: each program looks it up when it "
	    "starts, and fails to start while this lasts", why);
}

/*
 * dive 1.x's -R and -V leave the program in the client's directory, and
 * give it the client's directory descriptors, both outside the new root.
 * That is harmless while the program runs as the client, and a way out
 * for it when it runs as anyone else; a rule's root closes both.
 */
static void
warn_roots(const struct config *cfg)
{
	const struct options *o = &cfg->o;
	int other = o->user || o->groups || o->euser ||
	    (o->no_setuid && cfg->privileged);

	if ((o->iso.chroot == NULL && o->iso.pivot_new == NULL) || !other ||
	    o->policy != NULL)
		return;
	logmsg(LOG_WARNING, "warning: %s with %s: programs run as another "
	    "user than the client, and %s lead out of the new root; a rule's "
	    "chroot closes both", o->iso.chroot ? "-R" : "-V",
	    o->no_setuid ? "-P" : "-u, -g or -e", o->iso.root_to_current ?
	    "dived's directory (-W) and the client's directory descriptors" :
	    o->chdir != NULL ? "the client's directory descriptors" :
	    "the client's directory and its directory descriptors");
}

/*
 * A program with the parsers' uid may signal them: stopped, the idle
 * parsers of the spares hold up every next client until its deadline.
 * Warned of, not refused: the administrator chose both.
 */
static void
shares_privsep_user(const struct config *cfg, const char *where)
{
	logmsg(LOG_WARNING, "warning: %s: programs run as the "
	    "privilege-separation user %s, and can stop every parser and so "
	    "hold up every client; the parser needs a user that nothing else "
	    "runs as", where, cfg->sandbox.user);
}

void
config_rule_warnings(const struct config *cfg, const struct ruleset *rs)
{
	char where[4096];

	if (!cfg->sandbox.active || rs == NULL)
		return;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];

		if (!r->permit || !r->as_set || r->as_uid != cfg->sandbox.uid)
			continue;
		if (r->as_user != NULL)
			snprintf(where, sizeof(where), "%s:%d: as %s",
			    cfg->o.policy, r->line, r->as_user);
		else
			snprintf(where, sizeof(where), "%s:%d: as %lu",
			    cfg->o.policy, r->line, (unsigned long)r->as_uid);
		shares_privsep_user(cfg, where);
	}
}

void
config_privsep_warnings(const struct config *cfg)
{
	const struct target *t = &cfg->target;
	const struct options *o = &cfg->o;
	struct passwd *pw;
	char where[512];

	if (!cfg->sandbox.active)
		return;
	/* nobody by name, or by its usual number. */
	if (cfg->sandbox.uid == NOBODY_UID || ((pw = getpwnam("nobody")) != NULL &&
	    pw->pw_uid == cfg->sandbox.uid))
		logmsg(LOG_WARNING, "warning: --privsep-user %s: programs "
		    "commonly run as nobody, and can stop every parser and so "
		    "hold up every client; the parser needs a user that "
		    "nothing else runs as", cfg->sandbox.user);
	if (t->user_set && t->uid == cfg->sandbox.uid) {
		snprintf(where, sizeof(where), "-u %s", o->user);
		shares_privsep_user(cfg, where);
	}
	if (t->euser_set && t->euid == cfg->sandbox.uid) {
		snprintf(where, sizeof(where), "-e %s", o->euser);
		shares_privsep_user(cfg, where);
	}
	config_rule_warnings(cfg, cfg->rules);
}

void
config_warnings(const struct config *cfg)
{
	if (cfg->o.mode == MODE_CHECK)
		return;
	warn_chdir(cfg);
	warn_roots(cfg);
}

void
baseline_from(const struct config *cfg, struct baseline *b)
{
	const struct options *o = &cfg->o;

	memset(b, 0, sizeof(*b));
	b->privileged = cfg->privileged;
	b->no_setuid = o->no_setuid;
	b->target = &cfg->target;
	b->prefix = o->prefix;
	b->nprefix = o->nprefix;
	b->no_argv = o->no_argv;
	b->own_env = o->no_env ? environ : NULL;
	b->no_chdir = o->no_chdir || o->chdir != NULL;
	b->chdir = o->chdir;
	b->no_fds = o->no_fds;
	b->no_umask = o->no_umask;
	b->keep_umask = o->keep_umask;
	b->self_uid = geteuid();
	b->self_gid = getegid();
	b->iso = &o->iso;
	b->rules = cfg->rules;
	b->time_limit = o->time_limit;
	b->die_with_client = o->die_with_client;
	b->record = o->record;
}

int
groups_of(const struct decision *d, struct groupset *g)
{
	memset(g, 0, sizeof(*g));
	if (d->groups != NULL) {
		g->list = d->groups;
		g->n = d->ngroups;
		return 0;
	}
	g->one = d->gid;
	g->list = &g->one;
	g->n = 1;
	if (!d->setids || d->user == NULL)
		return 0;
	/*
	 * Room for the usual few groups first; getgrouplist says how many
	 * there are when that is too little.
	 */
	for (int room = 32;; room = g->n) {
		if (room > 65536 || (g->owned = calloc((size_t)room,
		    sizeof(*g->owned))) == NULL)
			return -1;
		g->n = room;
		if (getgrouplist(d->user, d->gid, g->owned, &g->n) != -1) {
			g->list = g->owned;
			return 0;
		}
		free(g->owned);
		g->owned = NULL;
		if (g->n <= room)
			return -1;
	}
}

void
groups_free(struct groupset *g)
{
	free(g->owned);
	g->owned = NULL;
	g->list = NULL;
	g->n = 0;
}
