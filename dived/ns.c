#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "errbuf.h"
#include "ns.h"

#define SUBID_LINE	512

/* The namespaces --enter joins, the user one first. */
static const struct {
	const char	*name;
	int		 flag;
} kinds[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },
	{ "pid", CLONE_NEWPID }, { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int
same_ns(pid_t pid, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &a) == -1)
		return errno == ENOENT ? 1 : -1;	/* a kind this kernel lacks */
	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)pid, name);
	if (stat(path, &b) == -1)
		return -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * One setns(2) through a pidfd joins several namespaces at once, the user
 * one first, and names exactly the process even if its pid is reused
 * meanwhile.  Joining one's own user namespace is an error, so only those
 * that differ are named.
 */
static int
join_process(pid_t pid, int pidfd, int which, int *joined, char *err,
    size_t len)
{
	int fd, flags = 0, same;
	size_t i;

	/*
	 * The pidfd taken at start names the process dived was told of,
	 * never one that reused its pid after it ended.
	 */
	if (pidfd != -1 ? (fd = fcntl(pidfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == -1 :
	    (fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		int e = errno;

		if (pidfd != -1 && fd != -1)
			close(fd);
		return errbuf(err, len, "--enter %ld: %s", (long)pid,
		    strerror(e));
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!(which & kinds[i].flag))
			continue;
		/* Not knowing is not the same: fail rather than stay here. */
		if ((same = same_ns(pid, kinds[i].name)) == -1) {
			errbuf(err, len, "--enter %ld: /proc/%ld/ns/%s: %s",
			    (long)pid, (long)pid, kinds[i].name,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (!same)
			flags |= kinds[i].flag;
	}
	/* Still the same process after the comparison by its /proc path. */
	if (pidfd != -1 && syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) ==
	    -1) {
		errbuf(err, len, "--enter %ld: %s", (long)pid, strerror(errno));
		close(fd);
		return -1;
	}
	if (flags != 0 && setns(fd, flags) == -1) {
		close(fd);
		return errbuf(err, len, "--enter %ld: setns: %s", (long)pid,
		    strerror(errno));
	}
	close(fd);
	*joined |= flags;
	return 0;
}

int
ns_join(const struct isolation *iso, int which, int *joined, char *err,
    size_t len)
{
	size_t i;
	int fd, type;

	*joined = 0;
	if (iso->enter_pid != 0 && join_process(iso->enter_pid, iso->enter_fd,
	    which, joined, err, len) == -1)
		return -1;
	for (i = 0; i < iso->nsetns; i++) {
		if ((fd = open(iso->setns[i], O_RDONLY | O_CLOEXEC)) == -1)
			return errbuf(err, len, "setns %s: %s", iso->setns[i],
			    strerror(errno));
		if ((type = ioctl(fd, NS_GET_NSTYPE)) == -1) {
			close(fd);
			return errbuf(err, len, "setns %s: not a namespace",
			    iso->setns[i]);
		}
		if ((which & type) && setns(fd, type) == -1) {
			close(fd);
			return errbuf(err, len, "setns %s: %s", iso->setns[i],
			    strerror(errno));
		}
		if (which & type)
			*joined |= type;
		close(fd);
	}
	return 0;
}

int
ns_joins(const struct isolation *iso)
{
	return iso->enter_pid != 0 || iso->nsetns > 0;
}

int
ns_clone_flags(const struct isolation *iso)
{
	if (ns_joins(iso))
		return iso->unshare & CLONE_NEWPID;
	return iso->unshare & ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
}

int
ns_unshare_late(const struct isolation *iso, char *err, size_t len)
{
	int late = iso->unshare & (CLONE_NEWCGROUP | CLONE_NEWTIME);

	if (ns_joins(iso))
		late = iso->unshare & ~CLONE_NEWPID;

	if (late != 0 && unshare(late) == -1)
		return errbuf(err, len, "unshare: %s", strerror(errno));
	return 0;
}

/* The ranges of name (or its uid) in /etc/subuid or /etc/subgid. */
static size_t
subids(const char *file, const char *name, unsigned long id,
    struct iso_range *r, size_t max)
{
	char line[SUBID_LINE], num[32];
	FILE *f;
	size_t n = 0;

	if ((f = fopen(file, "re")) == NULL)
		return 0;
	snprintf(num, sizeof(num), "%lu", id);
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *who, *start, *count, *end;
		unsigned long long s, c;

		who = strsep(&p, ":");
		start = strsep(&p, ":");
		count = strsep(&p, ":\n");
		if (who == NULL || start == NULL || count == NULL ||
		    (strcmp(who, num) != 0 &&
		    (name == NULL || strcmp(who, name) != 0)))
			continue;
		/* Ids run to 4294967294: (uid_t)-1 is never a valid one. */
		errno = 0;
		s = strtoull(start, &end, 10);
		if (*end != '\0' || *start == '\0' || errno != 0 ||
		    s > 4294967294ull)
			continue;
		c = strtoull(count, &end, 10);
		if (*end != '\0' || *count == '\0' || errno != 0 || c == 0 ||
		    c > 4294967295ull - s)
			continue;
		r[n].start = 0;
		r[n].lower = (uint32_t)s;
		r[n].count = (uint32_t)c;
		n++;
	}
	fclose(f);
	return n;
}

/* Is [lower, lower+count) inside own or one of the delegated ranges? */
static int
covered(const struct iso_range *m, uint32_t own, const struct iso_range *d,
    size_t nd)
{
	unsigned long long lo = m->lower, hi = lo + m->count;
	size_t i;

	if (m->count == 1 && m->lower == own)
		return 1;
	for (i = 0; i < nd; i++)
		if (lo >= d[i].lower &&
		    hi <= (unsigned long long)d[i].lower + d[i].count)
			return 1;
	return 0;
}

static int
map_text(const struct iso_map *m, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < m->n; i++) {
		n = snprintf(buf + off, len - off, "%u %u %u\n", m->r[i].start,
		    m->r[i].lower, m->r[i].count);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* The id inside that maps to 0 must exist: the program starts as it. */
static int
root_mapped(const struct iso_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].start == 0)
			return 1;
	return 0;
}

/*
 * auto: for root, inside 0 is the highest host id and the others are
 * themselves, host 0 and the top inside id unmapped; for anyone else,
 * inside 0 is the target id and 1, 2, ... the delegated ranges in order.
 */
static void
auto_map(struct iso_map *m, int root, uint32_t own, const struct iso_range *d,
    size_t nd)
{
	uint32_t next = 1;
	size_t i;

	m->n = 0;
	if (root) {
		m->r[0] = (struct iso_range){ 0, 4294967294u, 1 };
		m->r[1] = (struct iso_range){ 1, 1, 4294967293u };
		m->n = 2;
		return;
	}
	m->r[m->n++] = (struct iso_range){ 0, own, 1 };
	for (i = 0; i < nd && m->n < ISO_MAX_MAPS; i++) {
		if (d[i].count > 4294967294u - next)
			break;
		m->r[m->n++] = (struct iso_range){ next, d[i].lower,
		    d[i].count };
		next += d[i].count;
	}
}

static int
plan_one(const char *what, const char *file, int set, const struct iso_map *given,
    int root, const char *name, unsigned long peerid, uint32_t own,
    struct iso_map *out, char *err, size_t len)
{
	struct iso_range d[ISO_MAX_MAPS];
	size_t nd = root ? 0 : subids(file, name, peerid, d, ISO_MAX_MAPS);
	size_t i;

	if (!set || given->n == 0)
		auto_map(out, root, own, d, nd);
	else
		*out = *given;
	for (i = 0; !root && i < out->n; i++)
		if (!covered(&out->r[i], own, d, nd))
			return errbuf(err, len, "%s: host ids %u-%u are neither "
			    "the target's nor delegated to %s in %s", what,
			    out->r[i].lower, out->r[i].lower + out->r[i].count -
			    1, name ? name : "the client", file);
	if (!root_mapped(out))
		return errbuf(err, len, "%s: nothing maps to id 0 inside",
		    what);
	return 0;
}

/*
 * A process that makes its own user namespace (in place: -J, -w) has no
 * capability left in the parent one: the kernel lets it map only its own
 * id, and a gid map only once setgroups(2) is denied.
 */
static int
own_only(const char *what, const struct iso_map *m, uint32_t own, char *err,
    size_t len)
{
	if (m->n == 1 && m->r[0].count == 1 && m->r[0].lower == own)
		return 0;
	return errbuf(err, len, "%s: in place (-J, -j, -w) a new user "
	    "namespace can map only the id %lu of dived itself; serve it on a "
	    "socket to map others", what, (unsigned long)own);
}

int
ns_plan_maps(const struct isolation *iso, const struct peer *p,
    const struct decision *d, int inplace, struct ns_maps *m, char *err,
    size_t len)
{
	uid_t uid = d->setids ? d->uid : geteuid();
	gid_t gid = d->setids ? d->gid : getegid();
	struct iso_map um, gm;
	int root = p->uid == 0;

	memset(m, 0, sizeof(*m));
	if (iso->uidgidmap) {
		um = (struct iso_map){ .n = 1, .r = { { 0, uid, 1 } } };
		gm = (struct iso_map){ .n = 1, .r = { { 0, gid, 1 } } };
		m->deny_setgroups = 1;
	} else if (!iso->uidmap_set && !iso->gidmap_set) {
		return 0;	/* -t writes them, or none */
	} else if (plan_one("--map-users", "/etc/subuid", iso->uidmap_set,
	    &iso->uidmap, root, p->name, p->uid, (uint32_t)uid, &um, err,
	    len) == -1 ||
	    plan_one("--map-groups", "/etc/subgid", iso->gidmap_set,
	    &iso->gidmap, root, p->name, p->uid, (uint32_t)gid, &gm, err,
	    len) == -1)
		return -1;
	if (inplace) {
		if (own_only(iso->uidgidmap ? "-tt" : "--map-users", &um,
		    (uint32_t)geteuid(), err, len) == -1 ||
		    own_only(iso->uidgidmap ? "-tt" : "--map-groups", &gm,
		    (uint32_t)getegid(), err, len) == -1)
			return -1;
		m->deny_setgroups = 1;
	}
	if (map_text(&um, m->uid, NS_MAPTEXT) == -1 ||
	    map_text(&gm, m->gid, NS_MAPTEXT) == -1)
		return errbuf(err, len, "user namespace map too long");
	return 0;
}

/* Why a path was refused, in words, for the errors that have some. */
static const char *
why(int e)
{
	switch (e) {
	case EXDEV:
		return "a mount is in the way, or the path leads out of /proc "
		    "or /sys";
	case ELOOP:
		return "a symbolic link is in the way";
	default:
		return strerror(e);
	}
}

static int
openat2_fd(int dir, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)flags;
	how.mode = flags & O_CREAT ? 0644 : 0;
	how.resolve = resolve;
	return (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
}

/*
 * A kernel file, rel beneath dir (a /proc or /sys, of type magic), opened
 * for writing: never through a symbolic link out of it, a magic link such
 * as /proc/PID/root, or a mount on it (a host file or a FIFO that whoever
 * rules the mount namespace bound there).  Never created, never blocking.
 */
static int
open_kernel(int dir, const char *rel, long magic, const char *shown,
    char *err, size_t len)
{
	struct statfs fs;
	struct stat st;
	int fd;

	if (fstatfs(dir, &fs) == -1 || fs.f_type != magic)
		return errbuf(err, len, "%s: its file system is not the "
		    "kernel's", shown);
	if ((fd = openat2_fd(dir, rel, O_WRONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK, RESOLVE_BENEATH | RESOLVE_NO_XDEV |
	    RESOLVE_NO_MAGICLINKS)) == -1)
		return errbuf(err, len, "%s: %s", shown, why(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    fstatfs(fd, &fs) == -1 || fs.f_type != magic) {
		close(fd);
		return errbuf(err, len, "%s: not a file of the kernel's",
		    shown);
	}
	return fd;
}

/*
 * Writes text with one write(2), as the kernel's files want it, then
 * closes fd; what failed is reported as shown.
 */
static int
write_text(int fd, const char *text, const char *shown, char *err,
    size_t len)
{
	size_t n = strlen(text);
	int e;

	errno = 0;
	if (write(fd, text, n) != (ssize_t)n) {
		e = errno;
		close(fd);
		return errbuf(err, len, "%s: %s", shown, e != 0 ?
		    strerror(e) : "short write");
	}
	close(fd);
	return 0;
}

/* Writes one /proc file of process pid, or of this one for pid 0. */
static int
write_proc(int procfd, pid_t pid, const char *file, const char *text,
    char *err, size_t len)
{
	char path[64], shown[80];
	int fd;

	if (pid == 0)
		snprintf(path, sizeof(path), "self/%s", file);
	else
		snprintf(path, sizeof(path), "%ld/%s", (long)pid, file);
	snprintf(shown, sizeof(shown), "/proc/%s", path);
	if ((fd = open_kernel(procfd, path, PROC_SUPER_MAGIC, shown, err,
	    len)) == -1)
		return -1;
	return write_text(fd, text, shown, err, len);
}

int
ns_write_maps(int procfd, pid_t pid, const struct ns_maps *m, char *err,
    size_t len)
{
	if (m->deny_setgroups &&
	    write_proc(procfd, pid, "setgroups", "deny", err, len) == -1)
		return -1;
	if (m->uid[0] != '\0' &&
	    write_proc(procfd, pid, "uid_map", m->uid, err, len) == -1)
		return -1;
	if (m->gid[0] != '\0' &&
	    write_proc(procfd, pid, "gid_map", m->gid, err, len) == -1)
		return -1;
	return 0;
}

/* The -t files only a privileged parent can write for a new namespace. */
static const char *
parent_file(const char *path)
{
	static const char *const names[] = { "uid_map", "gid_map",
	    "setgroups" };
	size_t i;

	if (strncmp(path, "/proc/self/", 11) != 0)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(path + 11, names[i]) == 0)
			return names[i];
	return NULL;
}

int
ns_write_for(int procfd, pid_t pid, const struct isolation *iso, char *err,
    size_t len)
{
	const char *name;
	size_t i;

	for (i = 0; i < iso->nwrites; i++)
		if ((name = parent_file(iso->writes[i].file)) != NULL &&
		    write_proc(procfd, pid, name, iso->writes[i].content, err,
		    len) == -1)
			return -1;
	return 0;
}

/*
 * A -t file under /proc or /sys: beneath that directory of the mount
 * namespace the process is in now, which must be the kernel's.
 */
static int
open_kernel_path(const char *path, const char *shown, char *err, size_t len)
{
	int proc = strncmp(path, "/proc/", 6) == 0, dir, fd;
	const char *top = proc ? "/proc" : "/sys";

	if ((dir = open(top, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errbuf(err, len, "%s: %s: %s", shown, top, why(errno));
	fd = open_kernel(dir, path + strlen(top) + 1, proc ?
	    PROC_SUPER_MAGIC : SYSFS_MAGIC, shown, err, len);
	close(dir);
	return fd;
}

/*
 * Any other -t file is created, or truncated, as a shell's redirection
 * would, but only a regular file: looked at through O_PATH first (a FIFO
 * or device is never opened), then opened again through procfd's
 * /proc/self/fd, which checks the permissions anew.  In a mount namespace
 * that was joined, whoever rules it chose every name on the path: no
 * symbolic link at all, and not a file mounted over the name.
 */
static int
open_plain(int procfd, const char *path, int joined_mnt, const char *shown,
    char *err, size_t len)
{
	unsigned long long res = RESOLVE_NO_MAGICLINKS |
	    (joined_mnt ? RESOLVE_NO_SYMLINKS : 0);
	struct statx sx;
	char self[64];
	int p, fd;

	memset(&sx, 0, sizeof(sx));
	if ((p = openat2_fd(AT_FDCWD, path, O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    res)) == -1 && errno == ENOENT &&
	    (fd = openat2_fd(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, res)) != -1)
		return fd;
	if (p == -1)
		return errbuf(err, len, "%s: %s", shown, why(errno));
	if (statx(p, "", AT_EMPTY_PATH, STATX_TYPE, &sx) == -1 ||
	    !S_ISREG(sx.stx_mode)) {
		close(p);
		return errbuf(err, len, "%s: %s", shown, S_ISLNK(sx.stx_mode) ?
		    why(ELOOP) : "not a regular file");
	}
	if (joined_mnt && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		close(p);
		return errbuf(err, len, "%s: something is mounted on it",
		    shown);
	}
	snprintf(self, sizeof(self), "self/fd/%d", p);
	fd = openat(procfd, self, O_WRONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC);
	close(p);
	if (fd == -1 || ftruncate(fd, 0) == -1) {
		int e = errno;

		if (fd != -1)
			close(fd);
		return errbuf(err, len, "%s: %s", shown, strerror(e));
	}
	return fd;
}

static int
is_kernel_path(const char *path)
{
	return strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/sys/", 5) == 0;
}

int
ns_write_own(const struct isolation *iso, int all, int procfd,
    int joined_mnt, char *err, size_t len)
{
	const struct iso_write *w;
	char shown[DIVE_MAX_ERRTEXT];
	size_t i;
	int fd;

	for (i = 0; i < iso->nwrites; i++) {
		w = &iso->writes[i];
		if (!all && parent_file(w->file) != NULL)
			continue;
		snprintf(shown, sizeof(shown), "-t %s", w->file);
		fd = is_kernel_path(w->file) ? open_kernel_path(w->file, shown,
		    err, len) : open_plain(procfd, w->file, joined_mnt, shown,
		    err, len);
		if (fd == -1)
			return -1;
		if (write_text(fd, w->content, shown, err, len) == -1)
			return -1;
	}
	return 0;
}

FILE *
ns_proc_open(int procfd, const char *name)
{
	char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "self/%s", name);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((f = fdopen(fd, "re")) == NULL)
		close(fd);
	return f;
}

/*
 * The id inside this process's user namespace that is id outside, from
 * its uid_map or gid_map; -1 when it is not mapped.
 */
long long
ns_inside(int procfd, const char *file, unsigned long id, int zero_ok)
{
	unsigned long in, out, count;
	long long found = -1, zero = -1;
	FILE *f;

	if ((f = ns_proc_open(procfd, file)) == NULL)
		return -1;
	while (fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3) {
		if (id >= out && id - out < count)
			found = (long long)(in + (id - out));
		if (in == 0)
			zero = 0;	/* id 0 inside is mapped */
	}
	fclose(f);
	return found != -1 ? found : zero_ok ? zero : -1;
}

int
ns_user_ident(int procfd, struct ns_ident *id)
{
	struct stat st;

	if (fstatat(procfd, "self/ns/user", &st, 0) == -1)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

/* 1 moved, 0 not; not knowing counts as moved, the stricter answer. */
int
ns_user_moved(int procfd, const struct ns_ident *before)
{
	struct ns_ident now;

	if (ns_user_ident(procfd, &now) == -1)
		return 1;
	return now.dev != before->dev || now.ino != before->ino;
}

int
ns_may_change_user(const struct isolation *iso)
{
	return (iso->unshare & CLONE_NEWUSER) || iso->enter_pid != 0 ||
	    iso->nsetns > 0;
}

int
ns_needs_proc(const struct isolation *iso)
{
	return ns_may_change_user(iso) || iso->nwrites > 0;
}

int
ns_drop_groups(const struct isolation *iso, int privileged, char *err,
    size_t len)
{
	if (!privileged || !ns_may_change_user(iso))
		return 0;
	if (setgroups(0, NULL) == -1)
		return errbuf(err, len, "setgroups: %s", strerror(errno));
	return 0;
}

int
ns_take_root(char *err, size_t len)
{
	if (setresgid(0, 0, 0) == -1)
		return errbuf(err, len, "the joined user namespace: cannot "
		    "become its root, group 0: %s", errno == EINVAL ?
		    "it maps no group 0" : strerror(errno));
	if (setresuid(0, 0, 0) == -1)
		return errbuf(err, len, "the joined user namespace: cannot "
		    "become its root, user 0: %s", errno == EINVAL ?
		    "it maps no user 0" : strerror(errno));
	if (getuid() != 0 || geteuid() != 0 || getgid() != 0 ||
	    getegid() != 0)
		return errbuf(err, len, "the joined user namespace: its root's "
		    "ids did not take");
	return 0;
}
