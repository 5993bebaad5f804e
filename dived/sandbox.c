#include <linux/seccomp.h>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/capability.h>

#include "bounds.h"
#include "errbuf.h"
#include "privsep.h"
#include "proto.h"
#include "sandbox.h"
#include "wire.h"

/*
 * The parser's whole vocabulary once confined: read and send on its two
 * sockets, manage its memory, cancel its deadline, exit.  Anything else
 * kills it.  Memory may never be made executable.
 */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(recvfrom), SCMP_SYS(recvmsg),
	SCMP_SYS(poll), SCMP_SYS(sendmsg), SCMP_SYS(close),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(alarm), SCMP_SYS(setitimer),	/* alarm(2) on some ports */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
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
};

#ifdef DIVE_VALGRIND
/* What valgrind only looks up (--track-fds names descriptors) fails. */
static const int refused_vg[] = {
	SCMP_SYS(readlink), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(getsockopt),
};
#endif

/*
 * The allow-list, compiled to BPF once at start: every parser then loads
 * the same program with one system call instead of building it again.
 */
static int
compile_filter(struct sock_fprog *prog, char *err, size_t len)
{
	scmp_filter_ctx ctx;
	struct stat st;
	size_t i;
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
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
#ifdef DIVE_VALGRIND
	for (i = 0; i < sizeof(refused_vg) / sizeof(refused_vg[0]) && r == 0;
	    i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused_vg[i],
		    0);
#else
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
#endif
	if (r == 0 && (fd = memfd_create("dived-filter", MFD_CLOEXEC)) == -1)
		r = -errno;
	if (r == 0)
		r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r == 0 && (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -EINVAL;
	if (r == 0 && (prog->filter = malloc((size_t)st.st_size)) == NULL)
		r = -ENOMEM;
	if (r == 0 && pread(fd, prog->filter, (size_t)st.st_size, 0) !=
	    st.st_size)
		r = -EIO;
	if (fd != -1)
		close(fd);
	if (r != 0)
		return errbuf(err, len, "parser seccomp filter: %s",
		    strerror(-r));
	prog->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

static int
mkdir_checked(const char *dir, char *err, size_t len)
{
	struct stat st;
	char parent[4096];
	char *slash;

	if (lstat(dir, &st) == 0)
		goto check;
	if (errno != ENOENT || strlen(dir) >= sizeof(parent)) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* Parents as needed, 0755; the directory itself 0555. */
	strcpy(parent, dir);
	for (slash = parent + 1; (slash = strchr(slash, '/')) != NULL;
	    slash++) {
		*slash = '\0';
		if (mkdir(parent, 0755) == -1 && errno != EEXIST) {
			snprintf(err, len, "mkdir %s: %s", parent,
			    strerror(errno));
			return -1;
		}
		*slash = '/';
	}
	if ((mkdir(dir, 0555) == -1 && errno != EEXIST) ||
	    chmod(dir, 0555) == -1) {
		snprintf(err, len, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
check:
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, len, "%s: must be a directory owned by root and "
		    "writable by no one else", dir);
		return -1;
	}
	return 0;
}

static int
dir_is_empty(const char *dir, char *err, size_t len)
{
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	if (!empty) {
		snprintf(err, len, "%s: privilege-separation directory is not "
		    "empty", dir);
		return -1;
	}
	return 0;
}

int
privsep_prepare(const char *user, const char *dir, struct privsep *ps,
    char *err, size_t len)
{
	struct passwd *pw;

	memset(ps, 0, sizeof(*ps));
	ps->user = user;
	ps->dir = dir;
	if (compile_filter(&ps->filter, err, len) == -1)
		return -1;
	if (geteuid() != 0)
		return 0;	/* unprivileged: seccomp and NNP only */
	ps->active = 1;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, len, "privilege-separation user %s does not "
		    "exist", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, len, "privilege-separation user %s must not be "
		    "root", user);
		return -1;
	}
	ps->uid = pw->pw_uid;
	ps->gid = pw->pw_gid;
	if (mkdir_checked(dir, err, len) == -1)
		return -1;
	return dir_is_empty(dir, err, len);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
sandbox_fail(int mon, const char *fmt, ...)
{
	char text[DIVE_MAX_ERRTEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	proto_send_text(mon, PS_FAIL, DIVE_EXIT_FAILURE, text);
	_exit(DIVE_EXIT_FAILURE);
}

/*
 * The monitor socket goes to 4, and 0-2 to /dev/null: the client's
 * connection, which the monitor sends later, then arrives as 3, the lowest
 * free number.
 */
static void
keep_socket(int *mon)
{
	int m, null;

	if ((m = fcntl(*mon, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, 0) == -1 || dup2(null, 1) == -1 || dup2(null, 2) == -1 ||
	    dup3(m, SANDBOX_MONITOR_FD, O_CLOEXEC) == -1)
		sandbox_fail(*mon, "parser descriptors: %s", strerror(errno));
	*mon = SANDBOX_MONITOR_FD;
	close(SANDBOX_CLIENT_FD);
	close_range(SANDBOX_MONITOR_FD + 1, ~0u, 0);
}

static void
limit(int mon, int res, rlim_t v)
{
	struct rlimit rl = { v, v };

#ifdef DIVE_VALGRIND
	/* valgrind keeps the descriptor hard limit for its own descriptors. */
	if (res == RLIMIT_NOFILE && getrlimit(res, &rl) == 0)
		rl.rlim_cur = v;
#endif
	if (setrlimit(res, &rl) == -1)
		sandbox_fail(mon, "parser setrlimit: %s", strerror(errno));
}

static void
drop_privileges(const struct privsep *ps, int mon)
{
	if (chroot(ps->dir) == -1 || chdir("/") == -1)
		sandbox_fail(mon, "parser chroot %s: %s", ps->dir,
		    strerror(errno));
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 &&
		    errno != EINVAL)
			sandbox_fail(mon, "parser capability bounding set: %s",
			    strerror(errno));
	if (setgroups(0, NULL) == -1 ||
	    setresgid(ps->gid, ps->gid, ps->gid) == -1 ||
	    setresuid(ps->uid, ps->uid, ps->uid) == -1)
		sandbox_fail(mon, "parser setuid %s: %s", ps->user,
		    strerror(errno));
	if (getuid() != ps->uid || geteuid() != ps->uid ||
	    getgid() != ps->gid || getegid() != ps->gid)
		sandbox_fail(mon, "parser setuid %s did not take", ps->user);
}

static void
load_filter(const struct privsep *ps, int mon)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &ps->filter, 0, 0) == -1)
		sandbox_fail(mon, "parser seccomp: %s", strerror(errno));
}

void
sandbox_enter(const struct privsep *ps, int mon, pid_t monitor)
{
	struct __user_cap_header_struct caps = { _LINUX_CAPABILITY_VERSION_3,
	    0 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];

	memset(none, 0, sizeof(none));
	keep_socket(&mon);
	limit(mon, RLIMIT_NOFILE, DIVE_MAX_FDS + DIVE_MAX_AUXFDS + 8);
	limit(mon, RLIMIT_FSIZE, 0);
	limit(mon, RLIMIT_CORE, 0);
	if (ps->active)
		drop_privileges(ps, mon);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		sandbox_fail(mon, "parser ambient capabilities: %s",
		    strerror(errno));
	if (capset(&caps, none) == -1)
		sandbox_fail(mon, "parser capabilities: %s", strerror(errno));
	limit(mon, RLIMIT_NPROC, 0);
	/*
	 * A monitor that is killed must not leave its parser holding the
	 * client's connection.  Set after the setuid, which clears it.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		sandbox_fail(mon, "parser prctl: %s", strerror(errno));
	if (getppid() != monitor)
		_exit(1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		sandbox_fail(mon, "parser prctl: %s", strerror(errno));
	load_filter(ps, mon);
}
