#include <sys/capability.h>
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "iso.h"

/*
 * Splits a comma-separated list in place, calling fn for each item; an
 * empty item is an error.  The list is copied: the caller's text stays.
 */
static int
each_item(const char *list, const char *what, int (*fn)(void *,
    const char *, char *, size_t), void *arg, char *err, size_t len)
{
	char buf[4096], *p, *item;

	if (strlen(list) >= sizeof(buf))
		return errbuf(err, len, "%s: list too long", what);
	strcpy(buf, list);
	for (p = buf; (item = strsep(&p, ",")) != NULL;) {
		if (*item == '\0')
			return errbuf(err, len, "%s %s: empty item in the list",
			    what, list);
		if (fn(arg, item, err, len) == -1)
			return -1;
	}
	return 0;
}

/* A number of at most max, all digits; one past ULLONG_MAX is none. */
static int
number(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end != '\0' || errno == ERANGE || *v > max ? -1 : 0;
}

static const struct {
	const char	*name;
	int		 flag;
} namespaces[] = {
	{ "ipc", CLONE_NEWIPC },
	{ "net", CLONE_NEWNET },
	{ "fs", CLONE_NEWNS },
	{ "mount", CLONE_NEWNS },
	{ "pid", CLONE_NEWPID },
	{ "uts", CLONE_NEWUTS },
	{ "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME },
};

static int
one_namespace(void *arg, const char *item, char *err, size_t len)
{
	struct isolation *iso = arg;
	size_t i;

	for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (strcmp(item, namespaces[i].name) == 0) {
			iso->unshare |= namespaces[i].flag;
			return 0;
		}
	return errbuf(err, len, "-s %s: unknown namespace (known: ipc, net, fs, "
	    "mount, pid, uts, user, cgroup, time)", item);
}

int
iso_parse_unshare(struct isolation *iso, const char *list, char *err,
    size_t len)
{
	return each_item(list, "-s", one_namespace, iso, err, len);
}

const char *
iso_ns_name(int flag)
{
	size_t i;

	for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (namespaces[i].flag == flag)
			return namespaces[i].name;
	return "?";
}

/* CAP_NET_RAW, cap_net_raw, net_raw or 13. */
static int
one_cap(void *arg, const char *item, char *err, size_t len)
{
	uint64_t *mask = arg;
	unsigned long long n;
	char name[64];
	cap_value_t c;

	if (number(item, 63, &n) == 0) {
		*mask |= 1ull << n;
		return 0;
	}
	if (strncasecmp(item, "cap_", 4) == 0)
		snprintf(name, sizeof(name), "%s", item);
	else
		snprintf(name, sizeof(name), "cap_%s", item);
	for (char *p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (cap_from_name(name, &c) == -1 || c < 0 || c > 63)
		return errbuf(err, len, "%s: unknown capability", item);
	*mask |= 1ull << c;
	return 0;
}

int
iso_parse_caps(const char *list, uint64_t *mask, char *err, size_t len)
{
	*mask = 0;
	if (*list == '\0')
		return 0;
	return each_item(list, "capabilities", one_cap, mask, err, len);
}

static const char *const rlimit_names[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = "cpu",
	[RLIMIT_FSIZE] = "fsize",
	[RLIMIT_DATA] = "data",
	[RLIMIT_STACK] = "stack",
	[RLIMIT_CORE] = "core",
	[RLIMIT_RSS] = "rss",
	[RLIMIT_NPROC] = "nproc",
	[RLIMIT_NOFILE] = "nofile",
	[RLIMIT_MEMLOCK] = "memlock",
	[RLIMIT_AS] = "as",
	[RLIMIT_LOCKS] = "locks",
	[RLIMIT_SIGPENDING] = "sigpending",
	[RLIMIT_MSGQUEUE] = "msgqueue",
	[RLIMIT_NICE] = "nice",
	[RLIMIT_RTPRIO] = "rtprio",
	[RLIMIT_RTTIME] = "rttime",
};

const char *
iso_rlimit_name(int r)
{
	return r >= 0 && r < RLIM_NLIMITS ? rlimit_names[r] : NULL;
}

/* "unlimited"/"infinity" or a number. */
static int
limit_value(const char *s, rlim_t *v)
{
	unsigned long long n;

	if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	if (number(s, ~0ull, &n) == -1)
		return -1;
	*v = (rlim_t)n;
	return 0;
}

/*
 * name=hard[:soft]; the soft limit defaults to the hard one.  hard holds
 * two of the longest numbers and the colon.
 */
static int
one_rlimit(void *arg, const char *item, char *err, size_t len)
{
	struct isolation *iso = arg;
	char name[32], hard[48], *soft;
	const char *eq = strchr(item, '=');
	unsigned long long id;
	struct iso_rlimit l;
	size_t i;
	int r = -1;

	if (eq == NULL || eq == item || (size_t)(eq - item) >= sizeof(name) ||
	    strlen(eq + 1) >= sizeof(hard))
		return errbuf(err, len, "-l %s: expected resource=hard[:soft]",
		    item);
	memcpy(name, item, (size_t)(eq - item));
	name[eq - item] = '\0';
	for (i = 0; i < RLIM_NLIMITS; i++)
		if (strcasecmp(name, rlimit_names[i]) == 0 ||
		    (strncasecmp(name, "rlimit_", 7) == 0 &&
		    strcasecmp(name + 7, rlimit_names[i]) == 0))
			r = (int)i;
	if (r == -1 && number(name, RLIM_NLIMITS - 1, &id) == 0)
		r = (int)id;
	if (r == -1)
		return errbuf(err, len, "-l %s: unknown resource %s", item, name);
	strcpy(hard, eq + 1);
	if ((soft = strchr(hard, ':')) != NULL)
		*soft++ = '\0';
	l.resource = r;
	if (limit_value(hard, &l.rl.rlim_max) == -1 ||
	    (soft != NULL && limit_value(soft, &l.rl.rlim_cur) == -1))
		return errbuf(err, len, "-l %s: expected a number or unlimited",
		    item);
	if (soft == NULL)
		l.rl.rlim_cur = l.rl.rlim_max;
	if (l.rl.rlim_cur > l.rl.rlim_max)
		return errbuf(err, len, "-l %s: the soft limit is above the hard "
		    "one", item);
	for (i = 0; i < iso->nrlimits; i++)
		if (iso->rlimits[i].resource == r)
			break;
	if (i == ISO_MAX_RLIMITS)
		return errbuf(err, len, "-l %s: too many limits", item);
	iso->rlimits[i] = l;
	if (i == iso->nrlimits)
		iso->nrlimits++;
	return 0;
}

int
iso_parse_rlimits(struct isolation *iso, const char *list, char *err,
    size_t len)
{
	return each_item(list, "-l", one_rlimit, iso, err, len);
}

/* START:LOWER:COUNT */
static int
one_range(void *arg, const char *item, char *err, size_t len)
{
	struct iso_map *m = arg;
	unsigned long long v[3];
	char buf[64], *p, *f;
	int i;

	if (strlen(item) >= sizeof(buf))
		return errbuf(err, len, "%s: expected START:LOWER:COUNT", item);
	strcpy(buf, item);
	p = buf;
	for (i = 0; i < 3; i++)
		if ((f = strsep(&p, ":")) == NULL ||
		    number(f, UINT32_MAX, &v[i]) == -1)
			return errbuf(err, len, "%s: expected START:LOWER:COUNT",
			    item);
	if (p != NULL)
		return errbuf(err, len, "%s: expected START:LOWER:COUNT", item);
	if (v[2] == 0 || v[0] + v[2] - 1 > UINT32_MAX - 1 ||
	    v[1] + v[2] - 1 > UINT32_MAX - 1)
		return errbuf(err, len, "%s: empty range or past the last id",
		    item);
	for (size_t k = 0; k < m->n; k++) {
		const struct iso_range *o = &m->r[k];

		if (v[0] < (unsigned long long)o->start + o->count &&
		    o->start < v[0] + v[2])
			return errbuf(err, len, "%s: maps an inside id twice",
			    item);
		if (v[1] < (unsigned long long)o->lower + o->count &&
		    o->lower < v[1] + v[2])
			return errbuf(err, len, "%s: maps an outside id twice",
			    item);
	}
	if (m->n == ISO_MAX_MAPS)
		return errbuf(err, len, "%s: at most %d ranges", item,
		    ISO_MAX_MAPS);
	m->r[m->n].start = (uint32_t)v[0];
	m->r[m->n].lower = (uint32_t)v[1];
	m->r[m->n].count = (uint32_t)v[2];
	m->n++;
	return 0;
}

int
iso_parse_map(struct iso_map *m, const char *list, char *err, size_t len)
{
	m->n = 0;
	return each_item(list, "map", one_range, m, err, len);
}

static const struct {
	const char	*name;
	int		 af;
} families[] = {
	{ "unix", AF_UNIX }, { "local", AF_UNIX }, { "inet", AF_INET },
	{ "inet6", AF_INET6 }, { "netlink", AF_NETLINK },
	{ "packet", AF_PACKET }, { "bluetooth", AF_BLUETOOTH },
	{ "alg", AF_ALG }, { "vsock", AF_VSOCK }, { "can", AF_CAN },
	{ "key", AF_KEY }, { "tipc", AF_TIPC }, { "xdp", AF_XDP },
};

static int
one_family(void *arg, const char *item, char *err, size_t len)
{
	struct isolation *iso = arg;
	const char *name = item;
	unsigned long long n;
	size_t i;

	if (strncasecmp(name, "af_", 3) == 0)
		name += 3;
	if (number(name, AF_MAX - 1, &n) == 0) {
		iso->families |= 1ull << n;
		return 0;
	}
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcasecmp(name, families[i].name) == 0) {
			iso->families |= 1ull << families[i].af;
			return 0;
		}
	return errbuf(err, len, "--restrict-families %s: unknown address family",
	    item);
}

int
iso_parse_families(struct isolation *iso, const char *list, char *err,
    size_t len)
{
	iso->families_set = 1;
	iso->families = 0;
	if (*list == '\0')
		return 0;
	return each_item(list, "--restrict-families", one_family, iso, err,
	    len);
}

static int
one_syscall(void *arg, const char *item, char *err, size_t len)
{
	struct isolation *iso = arg;
	int nr;

	if ((nr = seccomp_syscall_resolve_name(item)) == __NR_SCMP_ERROR ||
	    nr < 0)
		return errbuf(err, len, "--deny-syscalls %s: unknown system call",
		    item);
	if (iso->nsyscalls == ISO_MAX_SYSCALLS)
		return errbuf(err, len, "--deny-syscalls: at most %d system calls",
		    ISO_MAX_SYSCALLS);
	iso->syscalls[iso->nsyscalls++] = nr;
	return 0;
}

int
iso_parse_syscalls(struct isolation *iso, const char *list, char *err,
    size_t len)
{
	return each_item(list, "--deny-syscalls", one_syscall, iso, err, len);
}

/*
 * The length of the name *p starts, after moving *p past slashes and "."
 * names; 0 at the end of the path.
 */
static size_t
next_name(const char **p)
{
	size_t n;

	for (;;) {
		*p += strspn(*p, "/");
		n = strcspn(*p, "/");
		if (n != 1 || **p != '.')
			return n;
		(*p)++;
	}
}

const char *
iso_pivot_old(const char *newroot, const char *putold)
{
	const char *r = newroot, *p = putold;
	size_t n;

	if (newroot[0] != '/' || putold[0] != '/')
		return putold;
	while ((n = next_name(&r)) != 0) {
		if (next_name(&p) != n || strncmp(r, p, n) != 0)
			return putold;
		r += n;
		p += n;
	}
	return next_name(&p) != 0 ? p : ".";
}

int
iso_check(const struct isolation *iso, char *err, size_t len)
{
	int fs = iso->unshare & CLONE_NEWNS, user = iso->unshare & CLONE_NEWUSER;

	if (iso->pivot_new != NULL && !fs)
		return errbuf(err, len, "-V needs a new mount namespace (-s fs)");
	if (iso->mount_proc && (!fs || !(iso->unshare & CLONE_NEWPID)))
		return errbuf(err, len, "--mount-proc needs new pid and mount "
		    "namespaces (-s pid,fs)");
	if (iso->init && !(iso->unshare & CLONE_NEWPID))
		return errbuf(err, len, "--init needs a new pid namespace "
		    "(-s pid)");
	if ((iso->uidgidmap || iso->uidmap_set || iso->gidmap_set) && !user)
		return errbuf(err, len, "-tt, --map-users and --map-groups need a "
		    "new user namespace (-s user)");
	if (iso->uidgidmap && (iso->uidmap_set || iso->gidmap_set))
		return errbuf(err, len, "-tt and --map-users/--map-groups exclude "
		    "each other");
	if (iso->enter_pid != 0 && (iso->unshare & CLONE_NEWPID))
		return errbuf(err, len, "--enter cannot be combined with -s pid: "
		    "the process is not seen from a new pid namespace");
	if (user && (iso->enter_pid != 0 || iso->nsetns > 0))
		return errbuf(err, len, "-s user cannot be combined with -N or "
		    "--enter");
	if ((iso->chroot != NULL) + (iso->client_root != 0) +
	    (iso->pivot_new != NULL) > 1)
		return errbuf(err, len, "-R, -r and -V exclude each other");
	return 0;
}
