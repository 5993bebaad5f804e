/*
 * The rule file as dived reads it: at start, on SIGHUP in the master, in
 * a monitor whose decision comes after the master read it again, and for
 * --check-policy.  Names in it are resolved here, once per load, so
 * the policy code itself needs no name service.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dived.h"
#include "bounds.h"
#include "describe.h"
#include "errbuf.h"
#include "log.h"
#include "rulefile.h"
#include "sha256.h"

static int
user_ids(void *arg, const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	char *end;
	unsigned long v;

	(void)arg;
	if (name[0] >= '0' && name[0] <= '9') {
		v = strtoul(name, &end, 10);
		if (*end != '\0' || v >= (uid_t)-1 ||
		    (pw = getpwuid((uid_t)v)) == NULL)
			return -1;
	} else if ((pw = getpwnam(name)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
group_ids(void *arg, const char *name, gid_t *gid)
{
	struct group *gr;

	(void)arg;
	if ((gr = getgrnam(name)) == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

extern char **environ;

static const struct rules_names names = { user_ids, group_ids, NULL };

static char *
slurp(const char *file, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > RULES_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", file, S_ISREG(st.st_mode) ?
		    "larger than the rule file's limit" : "not a regular file");
		close(fd);
		return NULL;
	}
	/* Whoever may write the rules decides who runs what: root only. */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s: %s", file, st.st_uid != 0 &&
		    st.st_uid != geteuid() ? "owned by another user than "
		    "root or dived's own" : "writable by group or others");
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", file);
		close(fd);
		return NULL;
	}
	*len = 0;
	while (*len <= (size_t)st.st_size && (n = read(fd, buf + *len,
	    (size_t)st.st_size + 1 - *len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		*len += (size_t)n;
	}
	close(fd);
	return buf;
}

/* Rules the options make unsafe: reported as parse errors are. */
static int
against_options(const char *file, const struct config *cfg,
    const struct ruleset *rs, void (*say)(const char *))
{
	struct baseline b;
	char why[256], msg[512];
	int col, bad = 0;

	baseline_from(cfg, &b);
	for (size_t i = 0; i < rs->nrules; i++)
		if (policy_check_rule(&b, &rs->rules[i], &col, why,
		    sizeof(why)) == -1) {
			snprintf(msg, sizeof(msg), "%s:%d:%d: %s", file,
			    rs->rules[i].line, col, why);
			say(msg);
			bad = 1;
		}
	return bad ? -1 : 0;
}

/*
 * Rules that record need the recordings' directory, made when missing:
 * rules read again on SIGHUP may be the first that record.  --check-policy
 * checks the rules alone.
 */
static int
recordings(const char *file, const struct config *cfg,
    const struct ruleset *rs, void (*say)(const char *))
{
	char why[400], msg[512];

	if (!rs->records || cfg->o.mode == MODE_CHECK ||
	    sandbox_mkdir(cfg->o.record_dir, 0700, why, sizeof(why)) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: a rule records, and --record-dir "
	    "cannot serve: %s", file, why);
	say(msg);
	return -1;
}

struct ruleset *
rulefile_load(const char *file, const struct config *cfg,
    void (*say)(const char *))
{
	struct rules_errors *e;
	struct ruleset *rs;
	char msg[512], *buf;
	size_t len, i;

	if ((buf = slurp(file, &len, msg, sizeof(msg))) == NULL) {
		say(msg);
		return NULL;
	}
	if ((e = malloc(sizeof(*e))) == NULL) {
		free(buf);
		say("out of memory");
		return NULL;
	}
	rs = rules_parse(buf, len, &names, e);
	if (rs != NULL)
		sha256_hex(buf, len, rs->sum);
	free(buf);
	endpwent();
	endgrent();
	if (rs == NULL && e->total == 0) {
		snprintf(msg, sizeof(msg), "%s: out of memory", file);
		say(msg);
	}
	for (i = 0; rs == NULL && i < e->n; i++) {
		snprintf(msg, sizeof(msg), "%s:%d:%d: %s", file, e->e[i].line,
		    e->e[i].col, e->e[i].msg);
		say(msg);
	}
	if (rs == NULL && e->total > e->n) {
		snprintf(msg, sizeof(msg), "%s: %zu more errors", file,
		    e->total - e->n);
		say(msg);
	}
	free(e);
	if (rs != NULL && (against_options(file, cfg, rs, say) == -1 ||
	    recordings(file, cfg, rs, say) == -1)) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

/*
 * The sum of the rules in force.  Only the master writes it; seq is odd
 * while it does, and a reader that saw it change reads again.
 */
struct rules_sum {
	unsigned	seq;
	char		sum[SHA256_HEX];
};

int
rulefile_share(struct config *cfg)
{
	void *p;

	if ((p = mmap(NULL, sizeof(struct rules_sum), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		return -1;
	cfg->in_force = p;
	rulefile_publish(cfg);
	return 0;
}

void
rulefile_publish(const struct config *cfg)
{
	struct rules_sum *p = cfg->in_force;
	unsigned seq = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&p->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (size_t i = 0; i < SHA256_HEX; i++)
		__atomic_store_n(&p->sum[i], cfg->rules->sum[i],
		    __ATOMIC_RELAXED);
	__atomic_store_n(&p->seq, seq + 2, __ATOMIC_RELEASE);
}

static void
published(const struct rules_sum *p, char sum[SHA256_HEX])
{
	unsigned seq;

	do {
		while ((seq = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE)) & 1)
			sched_yield();
		for (size_t i = 0; i < SHA256_HEX; i++)
			sum[i] = __atomic_load_n(&p->sum[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&p->seq, __ATOMIC_RELAXED) != seq);
	sum[SHA256_HEX - 1] = '\0';
}

static void
reread_say(const char *msg)
{
	logmsg(LOG_ERR, "%s", msg);
}

int
rulefile_in_force(const struct config *cfg, const struct ruleset **rs,
    char *err, size_t len)
{
	char sum[SHA256_HEX];
	struct ruleset *fresh;

	if (cfg->in_force == NULL)
		return 0;
	/* A second try for the master reading the file again meanwhile. */
	for (int i = 0; i < 2; i++) {
		published(cfg->in_force, sum);
		if (strcmp(sum, (*rs)->sum) == 0)
			return 0;
		fresh = rulefile_load(cfg->o.policy, cfg, reread_say);
		if (fresh != NULL && strcmp(fresh->sum, sum) == 0) {
			*rs = fresh;
			return 0;
		}
		rules_free(fresh);
	}
	return errbuf(err, len, "%s: the rules changed while the request "
	    "was decided; try again", cfg->o.policy);
}

static void
to_stderr(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* --as USER: the peer such a user's client would be. */
static void
peer_of(const char *user, struct peer *p)
{
	static gid_t groups[256];
	int n = 256;
	gid_t gid;

	memset(p, 0, sizeof(*p));
	if (user_ids(NULL, user, &p->uid, &gid) == -1) {
		fprintf(stderr, "dived: --as %s: no such user\n", user);
		exit(DIVE_EXIT_USAGE);
	}
	p->gid = gid;
	p->pid = getpid();
	p->name = getpwuid(p->uid)->pw_name;
	if (getgrouplist(p->name, gid, groups, &n) == -1)
		n = 0;
	p->groups = groups;
	p->ngroups = n;
}

void
rulefile_check(struct config *cfg)
{
	const struct options *o = &cfg->o;
	struct baseline b;
	struct decision d;
	struct peer p;
	struct text t;
	char why[512];
	size_t n;
	int r;

	if ((cfg->rules = rulefile_load(o->policy, cfg, to_stderr)) == NULL)
		exit(1);
	if (o->check_as == NULL) {
		printf("%s: %zu rules, no errors\nsha256: %s\n", o->policy,
		    cfg->rules->nrules, cfg->rules->sum);
		exit(0);
	}
	peer_of(o->check_as, &p);
	baseline_from(cfg, &b);
	/* After --, the command to check; as a root dived would decide. */
	b.prefix = NULL;
	b.nprefix = 0;
	b.no_argv = 0;
	b.privileged = 1;
	/* The client's environment is taken to be ours. */
	for (n = 0; environ[n] != NULL; n++)
		;
	r = policy_decide(&b, &p, (const char *const *)o->prefix, o->nprefix,
	    (const char *const *)environ, n, &d, why, sizeof(why));
	text_init(&t, 0);
	describe_verdict(&t, o->policy, &d, r == 0, why, DESCRIBE_ENV);
	if (text_end(&t) == -1) {
		fprintf(stderr, "dived: out of memory\n");
		exit(DIVE_EXIT_FAILURE);
	}
	fputs(t.buf, stdout);
	exit(r == 0 ? 0 : 1);
}
