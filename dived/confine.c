/*
 * A confined program's first steps, the parser's before it has any
 * client, the recorder's before it has a session: the confinement that
 * SECURITY.md lists, in that order.  It runs in the program the monitor
 * started (dived-parser, dived-recorder), whose address space holds
 * nothing of the monitor's.  No library beyond libc: the seccomp filter
 * comes compiled, from the descriptor the monitor left it.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "confine.h"
#include "privsep.h"
#include "proto.h"
#include "wire.h"

/*
 * The kernel's interface, spelled out here: musl's headers do not carry
 * <linux/...>, and this file is built with either C library.
 */
struct cap_header {
	uint32_t	version;
	int		pid;
};
struct cap_data {
	uint32_t	effective, permitted, inheritable;
};
#define CAP_VERSION_3		0x20080522u	/* two cap_data */
struct bpf_insn {
	uint16_t	code;
	uint8_t		jt, jf;
	uint32_t	k;
};
struct bpf_program {
	unsigned short	 len;
	struct bpf_insn	*insns;
};
#define BPF_MAX_INSNS		4096
#define SECCOMP_FILTER_MODE	2

/* Says "NAME what: why" to the monitor, and exits. */
#define confine_fail(c, fmt, ...) \
	ps_fail(SANDBOX_MONITOR_FD, DIVE_EXIT_FAILURE, "%s " fmt, (c)->name, \
	    __VA_ARGS__)

/* The filter, read once: the descriptor is closed before anything else. */
static void
take_filter(const struct confinement *c, struct bpf_program *prog)
{
	static struct bpf_insn insns[BPF_MAX_INSNS];
	ssize_t n = pread(SANDBOX_FILTER_FD, insns, sizeof(insns), 0);

	close(SANDBOX_FILTER_FD);
	if (n <= 0 || n % (ssize_t)sizeof(insns[0]) != 0)
		confine_fail(c, "seccomp filter: %s", n == -1 ?
		    strerror(errno) : "malformed");
	prog->len = (unsigned short)(n / (ssize_t)sizeof(insns[0]));
	prog->insns = insns;
}

/* 0-2 on /dev/null; 3, where the parser's client lands, free. */
static void
null_stdio(const struct confinement *c)
{
	int null;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, 0) == -1 || dup2(null, 1) == -1 || dup2(null, 2) == -1)
		confine_fail(c, "descriptors: %s", strerror(errno));
	if (null > 2)
		close(null);
	close(SANDBOX_CLIENT_FD);
	syscall(SYS_close_range, SANDBOX_MONITOR_FD + 1, ~0u, 0);
}

/*
 * Sets both limits to v, or to the hard limit when that is lower: without
 * CAP_SYS_RESOURCE a hard limit only goes down, and a parser under a lower
 * one still serves every request that fits in it.
 */
static void
limit(const struct confinement *c, int res, rlim_t v)
{
	struct rlimit rl = { v, v };

	if (getrlimit(res, &rl) == 0 && rl.rlim_max < v)
		v = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = v;
#ifdef DIVE_VALGRIND
	/* valgrind keeps the descriptor hard limit for its own descriptors. */
	if (res == RLIMIT_NOFILE && getrlimit(res, &rl) == 0)
		rl.rlim_cur = v;
#endif
	if (setrlimit(res, &rl) == -1)
		confine_fail(c, "setrlimit: %s", strerror(errno));
}

static void
drop_privileges(const struct confinement *c)
{
	if (chroot(c->dir) == -1 || chdir("/") == -1)
		confine_fail(c, "chroot %s: %s", c->dir, strerror(errno));
	for (int cap = 0;; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		/* Past the last capability the kernel knows. */
		if (errno == EINVAL && cap > 0)
			break;
		confine_fail(c, "capability bounding set: %s",
		    strerror(errno));
	}
	if (setgroups(0, NULL) == -1 ||
	    setresgid(c->gid, c->gid, c->gid) == -1 ||
	    setresuid(c->uid, c->uid, c->uid) == -1)
		confine_fail(c, "setuid %s: %s", c->user, strerror(errno));
	if (getuid() != c->uid || geteuid() != c->uid ||
	    getgid() != c->gid || getegid() != c->gid)
		confine_fail(c, "setuid %s did not take", c->user);
}

void
confine(const struct confinement *c)
{
	struct cap_header caps = { CAP_VERSION_3, 0 };
	struct cap_data none[2];
	struct bpf_program prog;

	memset(none, 0, sizeof(none));
	take_filter(c, &prog);
	null_stdio(c);
	limit(c, RLIMIT_NOFILE, c->nofile);
	limit(c, RLIMIT_FSIZE, c->fsize);
	limit(c, RLIMIT_CORE, 0);
	if (c->active)
		drop_privileges(c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		confine_fail(c, "ambient capabilities: %s", strerror(errno));
	if (syscall(SYS_capset, &caps, none) == -1)
		confine_fail(c, "capabilities: %s", strerror(errno));
	limit(c, RLIMIT_NPROC, 0);
	/*
	 * A monitor that is killed must not leave its parser holding the
	 * client's connection, nor its recorder the client's terminal.
	 * Set after the setuid, which clears it.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		confine_fail(c, "prctl: %s", strerror(errno));
	if (getppid() != c->monitor)
		_exit(1);
	/* The exec made it dumpable again. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		confine_fail(c, "prctl: %s", strerror(errno));
	if (c->last != NULL)
		c->last();
	if (prctl(PR_SET_SECCOMP, SECCOMP_FILTER_MODE, &prog, 0, 0) == -1)
		confine_fail(c, "seccomp: %s", strerror(errno));
	/* What dived waits for before it says it is ready to serve. */
	if (frame_send(SANDBOX_MONITOR_FD, PS_CONFINED, NULL, 0, NULL, 0) ==
	    -1)
		_exit(1);
}

unsigned long
confine_number(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || *s == '-')
		_exit(DIVE_EXIT_FAILURE);
	return v;
}

void
confine_args(struct confinement *c, char **argv)
{
	c->monitor = (pid_t)confine_number(argv[1], INT_MAX);
	if (strcmp(argv[3], "-") != 0) {
		c->active = 1;
		c->uid = (uid_t)confine_number(argv[3], UINT_MAX - 1);
		c->gid = (gid_t)confine_number(argv[4], UINT_MAX - 1);
	}
	c->dir = argv[5];
	c->user = argv[6];
}
