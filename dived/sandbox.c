/*
 * The sandbox, dived's side: the filters compiled and the confined
 * programs opened at start, and each parser and recorder started from
 * them.  What such a program then does to itself is in confine.c.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "errbuf.h"
#include "privsep.h"
#include "proto.h"
#include "sandbox.h"
#include "wire.h"

/*
 * The parser's whole vocabulary once confined: read and send on its two
 * sockets, manage its memory, cancel its deadline, exit; and check and
 * map a large request's sealed memfd (fstat here, and allow_sealed).
 * Anything else kills it.  Memory may never be made executable.
 */
static const int parser_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(recvfrom), SCMP_SYS(recvmsg),
	SCMP_SYS(poll), SCMP_SYS(sendmsg), SCMP_SYS(close), SCMP_SYS(fstat),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(alarm), SCMP_SYS(setitimer),	/* alarm(2) on some ports */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	-1
};

/*
 * The recorder's: read and write the descriptors it is given, poll them,
 * take back a torn line of its recording (ftruncate), time its events,
 * talk to its monitor, manage its memory, exit; and the few terminal
 * requests of recorder_ioctls.  No open, no exec, no socket.
 */
static const int recorder_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(poll), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(close),
	SCMP_SYS(ftruncate), SCMP_SYS(clock_gettime),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	-1
};

/*
 * The recorder's terminal requests: the modes and the window size of the
 * two pseudo-terminals it holds, and the client's as its controlling one
 * (for SIGWINCH).
 */
static const unsigned long recorder_ioctls[] = {
	TCGETS, TCSETS, TIOCGWINSZ, TIOCSWINSZ, TIOCSCTTY, 0
};

/* What the test builds' runtimes need besides, in every confined program. */
static const int test_allowed[] = {
#ifdef DIVE_SANITIZE
	/* The sanitizer runtime's own needs, in test builds only. */
	SCMP_SYS(sigaltstack), SCMP_SYS(write), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(getrusage), SCMP_SYS(prctl),
#endif
#ifdef DIVE_VALGRIND
	/*
	 * valgrind runs inside the process it checks, so its own system
	 * calls meet this filter too: the signal mask it sets around each
	 * of ours, its lock (a pipe), its report, and the executable memory
	 * of its translations.  Test builds only (make valgrind,
	 * regress/valgrind; SECURITY.md).
	 */
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigaction), SCMP_SYS(gettid), SCMP_SYS(getpid),
	SCMP_SYS(kill), SCMP_SYS(tgkill), SCMP_SYS(write), SCMP_SYS(sched_yield),
	SCMP_SYS(futex), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
	SCMP_SYS(mmap), SCMP_SYS(mprotect),
#endif
	-1
};

static const struct {
	const char		*name;		/* in messages */
	const char		*program;
	const int		*allowed;
	const unsigned long	*ioctls;	/* or NULL: none */
} roles[SANDBOX_ROLES] = {
	[SANDBOX_PARSER] = { "parser", DIVED_PARSER, parser_allowed, NULL },
	[SANDBOX_RECORDER] = { "recorder", DIVED_RECORDER, recorder_allowed,
	    recorder_ioctls },
};

#ifdef DIVE_VALGRIND
/* What valgrind only looks up (--track-fds names descriptors) fails. */
static const int refused_vg[] = {
	SCMP_SYS(readlink), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(getsockopt),
	SCMP_SYS(statx),	/* on each file it maps */
};
#endif

#ifdef DIVE_VALGRIND
static int
listed(const int *list, int nr)
{
	for (size_t i = 0; list[i] != -1; i++)
		if (list[i] == nr)
			return 1;
	return 0;
}
#endif

static int
allow_all(scmp_filter_ctx ctx, const int *list)
{
	int r = 0;

	for (size_t i = 0; list[i] != -1 && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0);
	return r;
}

/*
 * The parser's look at a sealed request's memfd: its seals (fcntl with
 * F_GET_SEALS alone) and its size (fstat, which is newfstatat on an empty
 * path in glibc).
 */
static int
allow_sealed(scmp_filter_ctx ctx)
{
	int r;

	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
	    SCMP_A1_32(SCMP_CMP_EQ, F_GET_SEALS));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat),
		    1, SCMP_A3_32(SCMP_CMP_EQ, AT_EMPTY_PATH));
	return r;
}

/*
 * A role's allow-list, compiled to BPF once at start into a sealed memfd:
 * every parser or recorder then reads the same program and loads it with
 * one system call instead of building it again.
 */
static int
compile_filter(enum sandbox_role role, int *out, char *err, size_t len)
{
	const unsigned long *io = roles[role].ioctls;
	scmp_filter_ctx ctx;
	struct stat st;
	int r = 0, fd = -1;

#ifdef DIVE_VALGRIND
	/*
	 * valgrind does not know seccomp(2), with which libseccomp asks the
	 * kernel what it supports; the filter is only exported here.
	 */
	seccomp_api_set(3);
#endif
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return errbuf(err, len, "seccomp_init failed");
	/*
	 * The syscall numbers as a binary tree: the kernel checks every
	 * number against the filter when it is loaded (to cache what it
	 * always allows), so a chain of compares cost each parser twice as
	 * long to load (about 60 against 30 microseconds here).
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r == 0)
		r = allow_all(ctx, roles[role].allowed);
	if (r == 0 && role == SANDBOX_PARSER)
		r = allow_sealed(ctx);
	if (r == 0)
		r = allow_all(ctx, test_allowed);
	for (size_t i = 0; io != NULL && io[i] != 0 && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)io[i]));
#ifdef DIVE_VALGRIND
	for (size_t i = 0; i < sizeof(refused_vg) / sizeof(refused_vg[0]) &&
	    r == 0; i++)
		if (!listed(roles[role].allowed, refused_vg[i]) &&
		    !(role == SANDBOX_PARSER &&
		    refused_vg[i] == SCMP_SYS(newfstatat)))
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
			    refused_vg[i], 0);
#else
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
#endif
	if (r == 0 && (fd = memfd_create("dived-filter", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1)
		r = -errno;
	if (r == 0)
		r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r == 0 && (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -EINVAL;
	if (r == 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
	    F_SEAL_GROW | F_SEAL_WRITE) == -1)
		r = -errno;
	if (r != 0) {
		if (fd != -1)
			close(fd);
		return errbuf(err, len, "%s seccomp filter: %s",
		    roles[role].name, strerror(-r));
	}
	*out = fd;
	return 0;
}

/*
 * A role's program: next to dived's own executable (a build tree, or
 * all installed in one directory), else in DIVED_LIBEXEC.  Root-owned
 * (or dived's user's) and writable by no one else, as dived is.
 */
static int
open_program(enum sandbox_role role, int *out, char *err, size_t len)
{
	const char *name = roles[role].program, *what = roles[role].name;
	char self[PATH_MAX], path[2 * PATH_MAX];
	struct statvfs vfs;
	struct stat st;
	ssize_t n;
	char *slash;
	int fd = -1;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (fd == -1 && (n <= 0 || errno == ENOENT)) {
		snprintf(path, sizeof(path), "%s/%s", DIVED_LIBEXEC, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd == -1)
		return errbuf(err, len, "%s program %s: %s", what, path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & S_IXUSR) ||
	    (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return errbuf(err, len, "%s program %s: must be an "
		    "executable file owned by root and writable by no one "
		    "else", what, path);
	}
	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
		close(fd);
		return errbuf(err, len, "%s program %s: its file system "
		    "is mounted noexec", what, path);
	}
	*out = fd;
	return 0;
}

int
sandbox_mkdir(const char *dir, mode_t mode, char *err, size_t len)
{
	struct stat st;
	char parent[4096];
	char *slash;

	if (lstat(dir, &st) == 0)
		goto check;
	if (errno != ENOENT || strlen(dir) >= sizeof(parent))
		return errbuf(err, len, "%s: %s", dir, strerror(errno));
	/* Parents as needed, 0755; the directory itself with its mode. */
	strcpy(parent, dir);
	for (slash = parent + 1; (slash = strchr(slash, '/')) != NULL;
	    slash++) {
		*slash = '\0';
		if (mkdir(parent, 0755) == -1 && errno != EEXIST)
			return errbuf(err, len, "mkdir %s: %s", parent,
			    strerror(errno));
		*slash = '/';
	}
	if ((mkdir(dir, mode) == -1 && errno != EEXIST) ||
	    chmod(dir, mode) == -1)
		return errbuf(err, len, "mkdir %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) == -1)
		return errbuf(err, len, "%s: %s", dir, strerror(errno));
check:
	if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 &&
	    st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return errbuf(err, len, "%s: must be a directory owned by root "
		    "and writable by no one else", dir);
	return 0;
}

static int
dir_is_empty(const char *dir, char *err, size_t len)
{
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		return errbuf(err, len, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	if (!empty)
		return errbuf(err, len, "%s: privilege-separation directory is "
		    "not empty", dir);
	return 0;
}

int
sandbox_prepare(const char *user, const char *dir, struct sandbox *ps,
    char *err, size_t len)
{
	struct passwd *pw;

	memset(ps, 0, sizeof(*ps));
	ps->user = user;
	ps->dir = dir;
	for (int r = 0; r < SANDBOX_ROLES; r++)
		ps->filter[r] = ps->program[r] = -1;
	for (int r = 0; r < SANDBOX_ROLES; r++)
		if (compile_filter(r, &ps->filter[r], err, len) == -1 ||
		    open_program(r, &ps->program[r], err, len) == -1)
			return -1;
	if (geteuid() != 0)
		return 0;	/* unprivileged: seccomp and NNP only */
	ps->active = 1;
	if ((pw = getpwnam(user)) == NULL)
		return errbuf(err, len, "privilege-separation user %s does not "
		    "exist: create it as a system user of its own (useradd "
		    "--system --user-group --home-dir /nonexistent "
		    "--no-create-home --shell /usr/sbin/nologin %s), or name "
		    "another with --privsep-user", user, user);
	if (pw->pw_uid == 0)
		return errbuf(err, len, "privilege-separation user %s must not "
		    "be root", user);
	ps->uid = pw->pw_uid;
	ps->gid = pw->pw_gid;
	if (sandbox_mkdir(dir, 0555, err, len) == -1)
		return -1;
	return dir_is_empty(dir, err, len);
}

#if defined(DIVE_VALGRIND) || defined(DIVE_SANITIZE)
/*
 * Neither follows a child that shares the parent's memory: they fork.
 * Their runtimes take options from the environment.
 */
#define START_FORK	fork
#define PROGRAM_ENV	environ
#else
#define START_FORK	vfork
/* A confined program gets nothing of dived's environment. */
static char *const no_env[] = { NULL };
#define PROGRAM_ENV	no_env
#endif

/*
 * In the child, until its exec: the monitor socket to 4 and the filter to
 * 5.  Everything else of ours is close-on-exec, and the program closes
 * whatever is not before it reads anything.
 */
static void __attribute__((noreturn))
start_child(const struct sandbox *ps, enum sandbox_role role, int mon,
    char *const argv[])
{
	int m, f, p;

	/* Out of the way first: any of them may be 4 or 5. */
	if ((m = fcntl(mon, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (f = fcntl(ps->filter[role], F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (p = fcntl(ps->program[role], F_DUPFD_CLOEXEC, 10)) == -1 ||
	    dup2(m, SANDBOX_MONITOR_FD) == -1 ||
	    dup2(f, SANDBOX_FILTER_FD) == -1)
		ps_fail(mon, DIVE_EXIT_FAILURE, "%s descriptors: %s",
		    roles[role].name, strerror(errno));
	fexecve(p, argv, PROGRAM_ENV);
	ps_fail(SANDBOX_MONITOR_FD, DIVE_EXIT_FAILURE, "%s program: %s",
	    roles[role].name, strerror(errno));
}

pid_t
sandbox_start(const struct sandbox *ps, enum sandbox_role role, int mon,
    unsigned int timeout)
{
	char title[32], pid[24], secs[24], uid[24], gid[24];
	pid_t p;
	char *argv[] = { title, pid, secs, uid, gid,
	    (char *)(uintptr_t)ps->dir, (char *)(uintptr_t)ps->user, NULL };

	snprintf(title, sizeof(title), "dived: %s", roles[role].name);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	snprintf(secs, sizeof(secs), "%u", timeout);
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)ps->uid);
	snprintf(gid, sizeof(gid), "%lu", (unsigned long)ps->gid);
	if (!ps->active)
		strcpy(uid, "-");
	/*
	 * No copy of our memory: the child only arranges descriptors.  A
	 * monitor catches no signal (its dispositions are default or
	 * ignored), so no handler can run in the child on our memory.
	 */
	if ((p = START_FORK()) == 0)
		start_child(ps, role, mon, argv);
	return p;
}
