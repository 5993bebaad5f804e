/*
 * bench: what starting a program through dive costs.  Round trips next
 * to /bin/true and to dive's peers, where one session's time goes (with
 * the stage build, -t), sessions per second with parallel clients next to
 * the peers', the memory of dived's processes, and how the time grows
 * with the request's size and descriptors.  Every command is started by
 * posix_spawn and waited for here: no shell runs in the measured loop.
 *
 * The figures come out twice: a table to read, then one "bench key=value"
 * line per figure.  Targets are informational; the exit status is 0
 * whenever the measurements could be taken.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WARMUP		20	/* unmeasured runs of each command first */
#define ROUNDS		300	/* round trips: each command once a round */
#define ROUND_SECS	60	/* ...unless the rounds take longer */
#define STAGE_RUNS	200	/* stage table: sessions of the stage build */
#define STAGE_SECS	30	/* ...unless they take longer */
#define SESSIONS	1000	/* throughput: sessions for each client count */
#define TPUT_ROUNDS	3	/* ...in each of this many rounds (odd) */
#define SCALE_RUNS	100	/* scaling: runs of each command per case */
#define SCALE_SECS	15	/* ...unless one case takes longer */
#define HOLD_SECS	"2"	/* a held session, for the memory figures */
#define FIND_MS		1500	/* time to find a held session's processes */
#define MAX_FDS		256	/* above every fdcounts[] */
#define MAX_PROCS	64	/* a held session's server processes */
#define MAX_TABLE	16384	/* processes on the machine, for the search */
#define MAX_LINES	128	/* "bench" lines */
#define PIECES		32	/* argv+env fill: strings per case, at least */
#define MAX_PIECE	4096	/* ...of at most this many bytes each */

/* The targets, next to what is measured. */
#define T_DIVE_VS_TRUE	2.2	/* dive round trip, at most × /bin/true */
#define T_S6_VS_DIVE	2.5	/* s6-sudo, at least × dive */
#define T_SUDO_VS_DIVE	3.0	/* sudo, at least × dive */
#define T_TPUT8_VS_S6	2.0	/* 8 clients: dive, at least × s6-sudo */
#define T_MASTER_PSS	1331	/* KiB, master idle PSS at most */
#define T_SESSION_PSS	1024	/* KiB, monitor + parser PSS below */
#define T_ARGENV_64K	1000	/* µs, 64 KiB argv+env add at most */
#define T_ARGENV_1M	2000	/* µs, 1 MiB argv+env add at most */
#define T_PER_FD	2.0	/* µs per added descriptor at most (250) */

/* Throughput client counts: the first is 1 and 8 is among them. */
static const int clients[] = { 1, 8, 32 };
/* The 64 KiB and 1 MiB cases, second and third, have targets. */
static const size_t fills[] = { 1024, 64 * 1024, 1024 * 1024 };
/* Descriptors passed: 0-2, then as many more as it takes. */
static const int fdcounts[] = { 3, 64, 250 };

static char *env0[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	NULL
};

/* What a spawned command gets: 0-2 on /dev/null, or 2 left ours. */
static posix_spawn_file_actions_t quiet, loud;
static int devnull = -1;

static char *lines[MAX_LINES];
static size_t nlines;

struct stats {
	size_t	n;
	double	median, p90;
};

struct cmd {
	const char	*key;		/* in the bench lines */
	const char	*label;		/* in the table */
	char		*argv[8];
	int		 usable;
	double		*t;		/* round trips, µs */
	size_t		 n, fails;
	struct stats	 st;
};

struct mem {
	long	rss, pss;		/* KiB */
	long	uss;			/* its own pages: shared with none */
};

struct setup {
	const char	*dive, *sock, *s6sock;
	const char	*sdive, *ssock, *sfile;	/* the stage build's */
	pid_t		 dived, s6;
	int		 use_sudo, rounds, sessions, runs;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench -d dive -s socket [-p dived_pid] "
	    "[-S s6_socket] [-P s6_pid] [-u]\n"
	    "             [-t stage_dive -T stage_socket -f stage_file]\n"
	    "             [-r rounds] [-n sessions] [-k runs]\n");
	exit(2);
}

static void __attribute__((format(printf, 1, 2)))
line(const char *fmt, ...)
{
	va_list ap;

	if (nlines == MAX_LINES)
		errx(1, "too many result lines");
	va_start(ap, fmt);
	if (vasprintf(&lines[nlines++], fmt, ap) == -1)
		err(1, "vasprintf");
	va_end(ap);
}

static long
number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		errx(2, "%s %s: expected a number from %ld to %ld", what, s,
		    min, max);
	return v;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* An absolute path for NAME from our fixed PATH, or NULL. */
static char *
which(const char *name)
{
	char *path, *dir, *save, *p;

	if ((path = strdup(strchr(env0[0], '=') + 1)) == NULL)
		err(1, "strdup");
	for (dir = strtok_r(path, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&p, "%s/%s", dir, name) == -1)
			err(1, "asprintf");
		if (access(p, X_OK) == 0) {
			free(path);
			return p;
		}
		free(p);
	}
	free(path);
	return NULL;
}

static void
setup_spawn(void)
{
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		err(1, "/dev/null");
	if (posix_spawn_file_actions_init(&quiet) != 0 ||
	    posix_spawn_file_actions_init(&loud) != 0 ||
	    posix_spawn_file_actions_adddup2(&quiet, devnull, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&quiet, devnull, 1) != 0 ||
	    posix_spawn_file_actions_adddup2(&quiet, devnull, 2) != 0 ||
	    posix_spawn_file_actions_adddup2(&loud, devnull, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&loud, devnull, 1) != 0)
		errx(1, "posix_spawn_file_actions: out of memory");
}

static pid_t
start(char *const argv[], char *const envp[], int show_errors)
{
	pid_t pid;
	int e;

	if ((e = posix_spawn(&pid, argv[0], show_errors ? &loud : &quiet,
	    NULL, argv, envp)) != 0) {
		errno = e;
		err(1, "posix_spawn %s", argv[0]);
	}
	return pid;
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid %ld", (long)pid);
	return st;
}

/* One run, from the spawn to the reaped exit, in µs. */
static double
timed(char *const argv[], char *const envp[], int *st)
{
	double t0 = now_us();

	*st = reap(start(argv, envp, 0));
	return now_us() - t0;
}

/* Whether a command succeeds; if not, once more with its errors shown. */
static int
works(char *const argv[], char *const envp[])
{
	int st;

	timed(argv, envp, &st);
	if (st == 0)
		return 1;
	fprintf(stderr, "bench: %s fails (wait status 0x%x); its errors:\n",
	    argv[0], st);
	reap(start(argv, envp, 1));
	return 0;
}

static void
warm(char *const argv[], char *const envp[])
{
	int st;

	for (int i = 0; i < WARMUP; i++)
		timed(argv, envp, &st);
}

static int
dblcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stats
summarize(double *t, size_t n)
{
	struct stats s = { 0, 0, 0 };

	if (n == 0)
		return s;
	qsort(t, n, sizeof(*t), dblcmp);
	s.n = n;
	s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	s.p90 = t[(9 * n + 9) / 10 - 1];
	return s;
}

/*
 * S, then spaces up to WIDTH columns: printf pads by bytes, and "µs" or
 * "→" take more bytes than columns.
 */
static void
label(const char *s, int width)
{
	int cols = 0;

	for (const char *p = s; *p != '\0'; p++)
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	printf("%s%*s", s, width > cols ? width - cols : 0, "");
}

static const char *
verdict(int pass)
{
	return pass ? "PASS" : "MISS";
}

enum bound {
	AT_MOST,
	BELOW,
	AT_LEAST,
};

static const struct {
	const char	*sign, *key;
} bounds[] = {
	[AT_MOST] = { "<=", "max" },
	[BELOW] = { "<", "below" },
	[AT_LEAST] = { ">=", "min" },
};

static void
targets_head(void)
{
	printf("\n%-44s %9s %12s %7s\n", "target", "measured", "limit",
	    "result");
}

/*
 * A measure next to its target, in the table and as a bench line: UNIT
 * names the measure in the line, with DIGITS decimals (the limit with
 * LDIGITS).
 */
static void
target(const char *what, const char *key, const char *unit, int digits,
    double v, enum bound b, double limit, int ldigits)
{
	int pass = b == AT_MOST ? v <= limit : b == BELOW ? v < limit :
	    v >= limit;
	char lim[32];

	snprintf(lim, sizeof(lim), "%s %.*f", bounds[b].sign, ldigits, limit);
	label(what, 44);
	printf(" %9.*f %12s %7s\n", digits, v, lim, verdict(pass));
	line("bench target_%s %s=%.*f %s=%.*f result=%s", key, unit, digits,
	    v, bounds[b].key, ldigits, limit, verdict(pass));
}

/* A ratio next to its target. */
static void
judge(const char *what, const char *key, double ratio, int at_most,
    double limit)
{
	target(what, key, "ratio", 2, ratio, at_most ? AT_MOST : AT_LEAST,
	    limit, 1);
}

/* --- /proc ------------------------------------------------------------ */

static int
read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static int
smaps(pid_t pid, struct mem *m)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%ld/smaps_rollup", (long)pid);
	if (read_file(path, buf, sizeof(buf)) == -1)
		return -1;
	m->rss = m->pss = -1;
	m->uss = 0;
	if ((p = strstr(buf, "\nRss:")) != NULL)
		m->rss = strtol(p + 5, NULL, 10);
	if ((p = strstr(buf, "\nPss:")) != NULL)
		m->pss = strtol(p + 5, NULL, 10);
	if ((p = strstr(buf, "\nPrivate_Clean:")) != NULL)
		m->uss += strtol(p + 15, NULL, 10);
	if ((p = strstr(buf, "\nPrivate_Dirty:")) != NULL)
		m->uss += strtol(p + 15, NULL, 10);
	return m->rss == -1 || m->pss == -1 ? -1 : 0;
}

/* Fields 4 (ppid) and 14-17 (utime stime cutime cstime) of stat. */
static int
proc_stat(pid_t pid, pid_t *ppid, unsigned long long *ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st, cut, cst;
	long pp;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (read_file(path, buf, sizeof(buf)) == -1 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	if (sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %llu %llu", &pp, &ut, &st, &cut, &cst) != 5)
		return -1;
	if (ppid != NULL)
		*ppid = (pid_t)pp;
	if (ticks != NULL)
		*ticks = ut + st + cut + cst;
	return 0;
}

static int
cmdline_is(pid_t pid, const char *prefix)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if (read_file(path, buf, sizeof(buf)) == -1)
		return 0;
	return strncmp(buf, prefix, strlen(prefix)) == 0;
}

static int
comm_is(pid_t pid, const char *name)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (read_file(path, buf, sizeof(buf)) == -1)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, name) == 0;
}

struct proc {
	pid_t	pid, ppid;
};

/* Every process and its parent, at one moment. */
static size_t
snapshot(struct proc *out, size_t max)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if ((d = opendir("/proc")) == NULL)
		err(1, "/proc");
	while ((de = readdir(d)) != NULL && n < max) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);

		if (pid > 0 && proc_stat(pid, &out[n].ppid, NULL) == 0)
			out[n++].pid = pid;
	}
	closedir(d);
	return n;
}

static pid_t
parent_in(const struct proc *pt, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pt[i].pid == pid)
			return pt[i].ppid;
	return 0;
}

/* Whether ANCESTOR is PID or one of its ancestors. */
static int
descends(const struct proc *pt, size_t n, pid_t pid, pid_t ancestor)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		if (pid == ancestor)
			return 1;
		pid = parent_in(pt, n, pid);
	}
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* --- round trips ------------------------------------------------------ */

static void
add(struct cmd *c, size_t *n, const char *key, const char *label,
    char *const argv[])
{
	struct cmd *x = &c[(*n)++];
	size_t i;

	memset(x, 0, sizeof(*x));
	x->key = key;
	x->label = label;
	for (i = 0; argv[i] != NULL; i++) {
		if (i + 1 == sizeof(x->argv) / sizeof(x->argv[0]))
			errx(1, "%s: too many arguments", key);
		x->argv[i] = argv[i];
	}
}

static void
round_trips(struct cmd *c, size_t nc, int rounds)
{
	double t0;
	size_t i;
	int r, st;

	for (i = 0; i < nc; i++) {
		if ((c[i].usable = works(c[i].argv, env0)))
			warm(c[i].argv, env0);
		if ((c[i].t = calloc((size_t)rounds, sizeof(double))) == NULL)
			err(1, "calloc");
	}
	/* Interleaved, so a drift of the machine touches every command. */
	t0 = now_us();
	for (r = 0; r < rounds && now_us() - t0 < ROUND_SECS * 1e6; r++)
		for (i = 0; i < nc; i++) {
			double t;

			if (!c[i].usable)
				continue;
			t = timed(c[i].argv, env0, &st);
			if (st != 0)
				c[i].fails++;
			else
				c[i].t[c[i].n++] = t;
		}
	for (i = 0; i < nc; i++)
		c[i].st = summarize(c[i].t, c[i].n);
}

static const struct cmd *
find(const struct cmd *c, size_t nc, const char *key)
{
	for (size_t i = 0; i < nc; i++)
		if (strcmp(c[i].key, key) == 0 && c[i].usable && c[i].st.n > 0)
			return &c[i];
	return NULL;
}

static void
report_round_trips(const struct cmd *c, size_t nc)
{
	const struct cmd *tr = find(c, nc, "true"), *dv = find(c, nc, "dive_true");
	size_t i;

	printf("\n== Round trip: spawn to reaped exit, commands interleaved "
	    "==\n");
	printf("%-44s %6s %10s %10s %9s %9s\n", "command", "runs",
	    "median µs", "p90 µs", "× true", "× dive");
	for (i = 0; i < nc; i++) {
		const struct cmd *x = &c[i];
		char vt[32] = "-", vd[32] = "-";

		if (!x->usable || x->st.n == 0) {
			printf("%-44s %s\n", x->label, "skipped (fails)");
			continue;
		}
		if (tr != NULL)
			snprintf(vt, sizeof(vt), "%.2f",
			    x->st.median / tr->st.median);
		if (dv != NULL)
			snprintf(vd, sizeof(vd), "%.2f",
			    x->st.median / dv->st.median);
		printf("%-44s %6zu %10.0f %10.0f %9s %9s\n", x->label, x->st.n,
		    x->st.median, x->st.p90, vt, vd);
		if (x->fails)
			printf("%-44s %zu runs failed\n", "", x->fails);
		line("bench %s_median_us=%.0f p90_us=%.0f runs=%zu "
		    "fails=%zu%s%s%s%s", x->key, x->st.median, x->st.p90,
		    x->st.n, x->fails, tr && x != tr ? " ratio_vs_true=" : "",
		    tr && x != tr ? vt : "", dv && x != dv ? " ratio_vs_dive=" :
		    "", dv && x != dv ? vd : "");
	}
	targets_head();
	if (tr != NULL && dv != NULL)
		judge("dive / true", "dive_vs_true",
		    dv->st.median / tr->st.median, 1, T_DIVE_VS_TRUE);
	if (dv != NULL && (tr = find(c, nc, "s6sudo_true")) != NULL)
		judge("s6-sudo / dive", "s6sudo_vs_dive",
		    tr->st.median / dv->st.median, 0, T_S6_VS_DIVE);
	if (dv != NULL && (tr = find(c, nc, "sudo_true")) != NULL)
		judge("sudo / dive", "sudo_vs_dive",
		    tr->st.median / dv->st.median, 0, T_SUDO_VS_DIVE);
}

/* --- stages ----------------------------------------------------------- */

/*
 * The moments the stage build records of a session (common/stage.h), by
 * the name in its file; then the bench's own, the spawn and the reap.
 */
enum mark {
	M_CONNECTED, M_ACCEPTED, M_MONITOR, M_HANDED, M_REQUEST, M_DECIDED,
	M_CLONE, M_EXEC, M_EXITED, M_DIVE_EXIT, M_SPAWN, M_REAPED, M_COUNT
};

static const char *const mark_names[M_SPAWN] = {
	"connected", "accepted", "monitor", "handed", "request", "decided",
	"clone", "exec", "exited", "dive_exit",
};

/*
 * Each stage from one moment to the next, so that they add up to the
 * round trip; a part lies within the stage above it and is not added.
 * Processes run side by side: a part, or a stage, may come out below 0.
 */
static const struct {
	const char	*key, *label;
	enum mark	 from, to;
	int		 part;
} stages[] = {
	{ "start", "dive's start → its connect() returned", M_SPAWN,
	    M_CONNECTED, 0 },
	{ "handoff", "connect → the monitor has the connection", M_CONNECTED,
	    M_MONITOR, 0 },
	{ "accept", "  of which: connect → the master's accept", M_CONNECTED,
	    M_ACCEPTED, 1 },
	{ "identify", "the monitor identifies the client", M_MONITOR,
	    M_HANDED, 0 },
	{ "request", "request read, decoded by the parser", M_HANDED,
	    M_REQUEST, 0 },
	{ "decide", "the monitor's checks and decision", M_REQUEST,
	    M_DECIDED, 0 },
	{ "prepare", "the launch prepared, up to the clone", M_DECIDED,
	    M_CLONE, 0 },
	{ "exec", "clone → the program's execve", M_CLONE, M_EXEC, 0 },
	{ "program", "the program runs; its exit seen", M_EXEC, M_EXITED,
	    0 },
	{ "exit", "the program's exit → dive's exit", M_EXITED, M_DIVE_EXIT,
	    0 },
	{ "reap", "dive's exit → reaped here", M_DIVE_EXIT, M_REAPED, 0 },
};

struct staged {
	pid_t	pid;		/* dive's */
	double	at[M_COUNT];	/* µs on CLOCK_MONOTONIC, 0 unknown */
};

/* One "stage PID NAME=NS ..." line into the session of that pid. */
static void
stage_line(char *l, struct staged *runs, size_t n)
{
	char *tok, *save, *eq;
	struct staged *r = NULL;
	long pid;
	size_t i;
	int m;

	if ((tok = strtok_r(l, " \n", &save)) == NULL ||
	    strcmp(tok, "stage") != 0 ||
	    (tok = strtok_r(NULL, " \n", &save)) == NULL)
		return;
	pid = strtol(tok, NULL, 10);
	for (i = 0; i < n && r == NULL; i++)
		if (runs[i].pid == pid)
			r = &runs[i];
	if (r == NULL)
		return;
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		if ((eq = strchr(tok, '=')) == NULL)
			continue;
		*eq = '\0';
		for (m = 0; m < M_SPAWN; m++)
			if (strcmp(tok, mark_names[m]) == 0)
				r->at[m] = strtod(eq + 1, NULL) / 1e3;
	}
}

static void
read_stages(const char *path, struct staged *runs, size_t n)
{
	char l[1024];
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		err(1, "%s", path);
	while (fgets(l, sizeof(l), f) != NULL)
		stage_line(l, runs, n);
	fclose(f);
}

/* A command measured beside the stage build's sessions. */
struct beside {
	const char	*key, *label;
	char *const	*argv;
	int		 status;	/* its exit status when it works */
	int		 floor;		/* part of the floor */
	int		 usable;
	double		*t;
	size_t		 n;
	struct stats	 st;
};

static int
exits_with(int st, int status)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == status;
}

static int
works_beside(const struct beside *b)
{
	int st;

	if (b->status == 0)
		return works(b->argv, env0);
	timed(b->argv, env0, &st);
	return exits_with(st, b->status);
}

static double
mean(const double *t, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += t[i];
	return n > 0 ? sum / (double)n : 0;
}

static void
print_stage(const char *what, const char *key, struct stats st, double avg)
{
	label(what, 44);
	printf(" %10.0f %10.0f %10.0f\n", st.median, st.p90, avg);
	line("bench stage_%s_median_us=%.0f p90_us=%.0f mean_us=%.0f", key,
	    st.median, st.p90, avg);
}

/*
 * The stages of the sessions that have all their moments.  Their means
 * add up to the mean round trip exactly, their medians nearly.
 */
static void
report_stages(const struct staged *runs, size_t n, const struct beside *b,
    size_t nb)
{
	enum { NS = sizeof(stages) / sizeof(stages[0]) };
	const struct staged **ok;
	double *t, med = 0, avg, sum = 0;
	size_t i, k, nok = 0, nf = 0;
	struct stats st;

	if ((t = calloc(n + 1, sizeof(*t))) == NULL ||
	    (ok = calloc(n + 1, sizeof(*ok))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		int all = 1;

		for (k = 0; k < M_COUNT; k++)
			all &= runs[i].at[k] != 0;
		if (all)
			ok[nok++] = &runs[i];
	}
	/* Each "µs" is a column narrower than its bytes. */
	label("stage", 44);
	printf(" %11s %11s %11s\n", "median µs", "p90 µs", "mean µs");
	for (k = 0; k < NS; k++) {
		for (i = 0; i < nok; i++)
			t[i] = ok[i]->at[stages[k].to] -
			    ok[i]->at[stages[k].from];
		avg = mean(t, nok);
		st = summarize(t, nok);
		print_stage(stages[k].label, stages[k].key, st, avg);
		if (!stages[k].part) {
			med += st.median;
			sum += avg;
		}
	}
	for (i = 0; i < nok; i++)
		t[i] = ok[i]->at[M_REAPED] - ok[i]->at[M_SPAWN];
	avg = mean(t, nok);
	st = summarize(t, nok);
	label("sum of the stages", 44);
	printf(" %10.0f %10s %10.0f\n", med, "", sum);
	print_stage("round trip, stage build (measured)", "round_trip", st,
	    avg);
	line("bench stage_sum_median_us=%.0f mean_us=%.0f sessions=%zu "
	    "complete=%zu", med, sum, n, nok);
	med = 0;
	for (k = 0; k < nb; k++) {
		if (b[k].st.n == 0)
			continue;
		print_stage(b[k].label, b[k].key, b[k].st, mean(b[k].t,
		    b[k].n));
		if (b[k].floor) {
			med += b[k].st.median;
			nf++;
		}
	}
	if (nf == 2) {
		label("floor: the two together", 44);
		printf(" %10.0f\n", med);
		line("bench stage_floor_median_us=%.0f", med);
	}
	if (nok < n)
		printf("%zu of %zu sessions without all their moments, left "
		    "out\n", n - nok, n);
	free(ok);
	free(t);
}

/*
 * One default session at a time through the stage build (dive and dived
 * of build/stages, -DDIVE_STAGES), its moments from the file they append
 * to; interleaved with the release dive's round trip and the floor: the
 * release dive with no dived listening, and /bin/true.
 */
static void
stage_table(const char *sdive, const char *ssock, const char *file,
    const char *dive, const char *sock, char *const tru[], int rounds)
{
	char *senv[] = { env0[0], NULL, NULL }, *absent;
	char *sargv[] = { (char *)sdive, (char *)ssock, tru[0], NULL };
	char *rargv[] = { (char *)dive, (char *)sock, tru[0], NULL };
	char *fargv[] = { (char *)dive, NULL, tru[0], NULL };
	/* dive with no dived listening exits 125, having said so. */
	struct beside fl[] = {
		{ .key = "release", .label = "round trip, release build",
		    .argv = rargv },
		{ .key = "floor_absent", .label = "floor: dive, no dived "
		    "listening", .argv = fargv, .status = 125, .floor = 1 },
		{ .key = "floor_true", .label = "floor: /bin/true",
		    .argv = tru, .floor = 1 },
	};
	enum { NF = sizeof(fl) / sizeof(fl[0]) };
	struct staged *runs;
	size_t n = 0, k;
	double t0;
	int r, st, fd;

	if (asprintf(&senv[1], "DIVE_STAGES=%s", file) == -1 ||
	    asprintf(&absent, "%s.absent", sock) == -1)
		err(1, "asprintf");
	fargv[1] = absent;
	if (rounds > STAGE_RUNS)
		rounds = STAGE_RUNS;
	printf("\n== Stages of one session: dive SOCK /bin/true, the stage "
	    "build, %d sessions ==\n", rounds);
	if (!works(sargv, senv)) {
		printf("the stage build fails: no stage table\n");
		return;
	}
	for (k = 0; k < NF; k++)
		fl[k].usable = works_beside(&fl[k]);
	if ((runs = calloc((size_t)rounds, sizeof(*runs))) == NULL)
		err(1, "calloc");
	for (k = 0; k < NF; k++)
		if ((fl[k].t = calloc((size_t)rounds, sizeof(double))) == NULL)
			err(1, "calloc");
	warm(sargv, senv);
	for (k = 0; k < NF; k++)
		if (fl[k].usable)
			warm(fl[k].argv, env0);
	/* Only the measured sessions' moments. */
	if ((fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC)) == -1)
		err(1, "%s", file);
	close(fd);
	t0 = now_us();
	for (r = 0; r < rounds && now_us() - t0 < STAGE_SECS * 1e6; r++) {
		struct staged *x = &runs[n];

		memset(x, 0, sizeof(*x));
		x->at[M_SPAWN] = now_us();
		x->pid = start(sargv, senv, 0);
		st = reap(x->pid);
		x->at[M_REAPED] = now_us();
		n += st == 0;
		for (k = 0; k < NF; k++) {
			double t;

			if (!fl[k].usable)
				continue;
			t = timed(fl[k].argv, env0, &st);
			if (exits_with(st, fl[k].status))
				fl[k].t[fl[k].n++] = t;
		}
	}
	/* The monitors write theirs as their clients go. */
	sleep_ms(100);
	read_stages(file, runs, n);
	for (k = 0; k < NF; k++)
		fl[k].st = summarize(fl[k].t, fl[k].n);
	report_stages(runs, n, fl, NF);
	for (k = 0; k < NF; k++)
		free(fl[k].t);
	free(runs);
	free(senv[1]);
	free(absent);
}

/* --- throughput ------------------------------------------------------- */

struct rate {
	double	per_s;
	double	server_ms;	/* dived CPU per session */
	double	client_ms;	/* the clients' CPU per session */
	int	fails;
};

static double
children_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/*
 * NCLIENTS runs at all times until TOTAL sessions have ended: each time
 * one ends, the next starts.  The server's CPU comes from its stat,
 * where the monitors it reaped are counted with their children.
 */
static struct rate
rate(char *const argv[], int nclients, int total, pid_t server)
{
	struct rate r = { 0, 0, 0, 0 };
	unsigned long long k0 = 0, k1 = 0;
	double t0, c0;
	int started = 0, ended = 0, st;
	long hz = sysconf(_SC_CLK_TCK);

	if (server > 0)
		proc_stat(server, NULL, &k0);
	c0 = children_cpu_ms();
	t0 = now_us();
	for (; started < nclients && started < total; started++)
		start(argv, env0, 0);
	while (ended < total) {
		if (wait(&st) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "wait");
		}
		ended++;
		if (st != 0)
			r.fails++;
		if (started < total) {
			start(argv, env0, 0);
			started++;
		}
	}
	r.per_s = total / ((now_us() - t0) / 1e6);
	r.client_ms = (children_cpu_ms() - c0) / total;
	if (server > 0) {
		/* The last monitors exit just after their clients. */
		sleep_ms(100);
		proc_stat(server, NULL, &k1);
		r.server_ms = (double)(k1 - k0) * 1e3 / (double)hz / total;
	}
	return r;
}

static int
ratecmp(const void *a, const void *b)
{
	return dblcmp(&((const struct rate *)a)->per_s,
	    &((const struct rate *)b)->per_s);
}

/* The round whose rate is the median of n (n odd); sorts them. */
static struct rate
median_rate(struct rate *r, size_t n)
{
	qsort(r, n, sizeof(*r), ratecmp);
	return r[n / 2];
}

/* A command whose sessions per second are measured. */
struct tput {
	const char	*key, *label;
	char *const	*argv;
	pid_t		 server;	/* whose CPU is the server's, or 0 */
	const char	*server_key, *client_key;
	int		 counts;	/* how many of clients[] */
	struct rate	 all[sizeof(clients) / sizeof(clients[0])][TPUT_ROUNDS];
	struct rate	 r[sizeof(clients) / sizeof(clients[0])];
};

static void
report_rates(struct tput *x, int total)
{
	for (int i = 0; i < x->counts; i++) {
		int fails = 0, k;
		char server[32] = "-";

		x->r[i] = median_rate(x->all[i], TPUT_ROUNDS);
		for (k = 0; k < TPUT_ROUNDS; k++)
			fails += x->all[i][k].fails;
		if (x->server > 0)
			snprintf(server, sizeof(server), "%.3f",
			    x->r[i].server_ms);
		printf("%-28s %8d %12.0f %10.2f %14s %14.3f\n", x->label,
		    clients[i], x->r[i].per_s, x->r[i].per_s / x->r[0].per_s,
		    server, x->r[i].client_ms);
		if (fails)
			printf("%-28s %d of %d sessions failed\n", "", fails,
			    total * TPUT_ROUNDS);
		if (x->server > 0)
			line("bench %s_throughput_c%d_per_s=%.0f %s=%.3f "
			    "%s=%.3f fails=%d", x->key, clients[i],
			    x->r[i].per_s, x->server_key, x->r[i].server_ms,
			    x->client_key, x->r[i].client_ms, fails);
		else
			line("bench %s_throughput_c%d_per_s=%.0f %s=%.3f "
			    "fails=%d", x->key, clients[i], x->r[i].per_s,
			    x->client_key, x->r[i].client_ms, fails);
	}
}

/* The rate at 8 clients. */
static double
rate8(const struct tput *x)
{
	int i;

	for (i = 0; clients[i] != 8; i++)
		;
	return x->r[i].per_s;
}

/*
 * dive and the peers at each client count, and /bin/true with 1 and 8
 * clients, each TPUT_ROUNDS times, all taking turns, and the median is
 * kept: a burst of other work on a shared machine then moves one round,
 * not the ratio.  The servers' CPU per session is dived's (its monitors
 * and parsers with it) and s6-ipcserverd's (its s6-sudod with it).
 */
static void
throughput(const struct setup *o, const struct cmd *c, size_t nc)
{
	enum { NC = sizeof(clients) / sizeof(clients[0]) };
	static struct tput x[4];
	const struct cmd *dv = find(c, nc, "dive_true"), *s6, *su, *tr;
	size_t nx = 0, j;
	int i, k;

	x[nx++] = (struct tput){ .key = "dive", .label = "dive SOCK /bin/true",
	    .argv = dv->argv, .server = o->dived,
	    .server_key = "dived_cpu_ms", .client_key = "dive_cpu_ms",
	    .counts = NC };
	if ((s6 = find(c, nc, "s6sudo_true")) != NULL)
		x[nx++] = (struct tput){ .key = "s6sudo",
		    .label = "s6-sudo SOCK2 /bin/true", .argv = s6->argv,
		    .server = o->s6, .server_key = "s6_cpu_ms",
		    .client_key = "s6sudo_cpu_ms", .counts = NC };
	if ((su = find(c, nc, "sudo_true")) != NULL)
		x[nx++] = (struct tput){ .key = "sudo",
		    .label = "sudo -n /bin/true", .argv = su->argv,
		    .client_key = "sudo_cpu_ms", .counts = NC };
	tr = find(c, nc, "true");
	x[nx++] = (struct tput){ .key = "true", .label = "/bin/true",
	    .argv = tr->argv, .client_key = "true_cpu_ms", .counts = 2 };

	printf("\n== Throughput: N clients in parallel, %d sessions each N, "
	    "median of %d rounds (%ld CPUs) ==\n", o->sessions, TPUT_ROUNDS,
	    sysconf(_SC_NPROCESSORS_ONLN));
	for (k = 0; k < TPUT_ROUNDS; k++)
		for (j = 0; j < nx; j++)
			for (i = 0; i < x[j].counts; i++)
				x[j].all[i][k] = rate(x[j].argv, clients[i],
				    o->sessions, x[j].server);
	printf("%-28s %8s %12s %10s %14s %14s\n", "command", "clients",
	    "sessions/s", "× 1", "server CPU ms", "client CPU ms");
	for (j = 0; j < nx; j++)
		report_rates(&x[j], o->sessions);
	if (s6 == NULL)
		return;
	targets_head();
	judge("dive sessions/s, 8 clients / s6-sudo's", "dive_vs_s6sudo_c8",
	    rate8(&x[0]) / rate8(&x[1]), 0, T_TPUT8_VS_S6);
}

/* --- memory ----------------------------------------------------------- */

/*
 * Starts a session that holds (the program sleeps) and waits until the
 * program runs.  PROCS gets the server's processes for that session: the
 * server's child the program descends from (its title starting with
 * TITLE, if given) and all it started, the program left out.  Returns
 * the client's pid.
 */
static pid_t
hold_session(char *const argv[], pid_t server, const char *title,
    pid_t *procs, size_t *nprocs)
{
	static struct proc pt[MAX_TABLE];
	pid_t client = start(argv, env0, 0);
	double t0 = now_us();

	*nprocs = 0;
	while (now_us() - t0 < FIND_MS * 1e3) {
		size_t n = snapshot(pt, MAX_TABLE), i;
		pid_t top = 0;

		for (i = 0; i < n && top == 0; i++) {
			pid_t p = pt[i].pid;

			if (!comm_is(p, "sleep") || !descends(pt, n, p, server))
				continue;
			while (parent_in(pt, n, p) != server)
				p = parent_in(pt, n, p);
			if (p != pt[i].pid && (title == NULL ||
			    cmdline_is(p, title)))
				top = p;
		}
		if (top == 0) {
			sleep_ms(5);
			continue;
		}
		for (i = 0; i < n && *nprocs < MAX_PROCS; i++)
			if (descends(pt, n, pt[i].pid, top) &&
			    !comm_is(pt[i].pid, "sleep"))
				procs[(*nprocs)++] = pt[i].pid;
		break;
	}
	return client;
}

/*
 * dived's spares (--spares) at idle: each a monitor waiting for its
 * connection with its parser.  They are part of what dived holds.
 */
static struct mem
spares_mem(pid_t master, int *nspares)
{
	static struct proc pt[MAX_TABLE];
	struct mem total = { 0, 0, 0 }, m;
	size_t n = snapshot(pt, MAX_TABLE);

	*nspares = 0;
	for (size_t i = 0; i < n; i++) {
		pid_t p = pt[i].pid, parent = parent_in(pt, n, p);
		/* p is a spare, or the parser of one. */
		pid_t spare = parent == master ? p : parent;

		if (parent_in(pt, n, spare) != master ||
		    !cmdline_is(spare, "dived: monitor [spare]"))
			continue;
		*nspares += spare == p;
		if (smaps(p, &m) == 0) {
			total.rss += m.rss;
			total.pss += m.pss;
		}
	}
	return total;
}

static struct mem
sum_mem(const pid_t *procs, size_t n)
{
	struct mem total = { 0, 0, 0 }, m;

	for (size_t i = 0; i < n; i++)
		if (smaps(procs[i], &m) == 0) {
			total.rss += m.rss;
			total.pss += m.pss;
		}
	return total;
}

/* *session_pss gets the session's monitor and parser, or -1. */
static void
dived_memory(const char *dive, const char *sock, const char *sleep,
    pid_t master, const struct mem *idle0, const struct mem *spares,
    int nspares, long *session_pss)
{
	char *argv[] = { (char *)dive, (char *)sock, (char *)sleep, HOLD_SECS,
	    NULL };
	pid_t procs[MAX_PROCS], monitor = -1, parser = -1, client;
	struct mem idle1 = { -1, -1, 0 }, mon = { -1, -1, 0 }, par = { -1, -1, 0 };
	char label[64];
	size_t n, i;

	client = hold_session(argv, master, "dived: monitor", procs, &n);
	for (i = 0; i < n; i++) {
		if (cmdline_is(procs[i], "dived: monitor"))
			smaps(monitor = procs[i], &mon);
		else if (cmdline_is(procs[i], "dived: parser"))
			smaps(parser = procs[i], &par);
	}
	reap(client);
	sleep_ms(100);
	smaps(master, &idle1);
	printf("%-44s %10ld %10ld\n", "dived master, idle, at start",
	    idle0->rss, idle0->pss);
	printf("%-44s %10ld %10ld\n", "dived master, idle, after all sessions",
	    idle1.rss, idle1.pss);
	printf("%-44s %10ld\n", "dived master, idle: pages of its own (USS)",
	    idle0->uss);
	snprintf(label, sizeof(label), "dived spares, idle: %d (monitor + "
	    "parser)", nspares);
	printf("%-44s %10ld %10ld\n", label, spares->rss, spares->pss);
	line("bench dived_spares=%d rss_kib=%ld pss_kib=%ld", nspares,
	    spares->rss, spares->pss);
	line("bench dived_master_idle_rss_kib=%ld pss_kib=%ld uss_kib=%ld "
	    "after_sessions_rss_kib=%ld pss_kib=%ld", idle0->rss, idle0->pss,
	    idle0->uss, idle1.rss, idle1.pss);
	if (monitor == -1 || parser == -1) {
		printf("%-44s not found (monitor %ld, parser %ld)\n",
		    "dived session", (long)monitor, (long)parser);
		*session_pss = -1;
		return;
	}
	printf("%-44s %10ld %10ld\n", "dived monitor", mon.rss, mon.pss);
	printf("%-44s %10ld %10ld\n", "dived parser", par.rss, par.pss);
	printf("%-44s %10ld %10ld\n", "dived monitor + parser",
	    mon.rss + par.rss, mon.pss + par.pss);
	line("bench dived_session_rss_kib=%ld pss_kib=%ld monitor_rss_kib=%ld "
	    "monitor_pss_kib=%ld parser_rss_kib=%ld parser_pss_kib=%ld",
	    mon.rss + par.rss, mon.pss + par.pss, mon.rss, mon.pss, par.rss,
	    par.pss);
	*session_pss = mon.pss + par.pss;
}

/* After the table: the targets of dived's memory. */
static void
memory_targets(const struct mem *idle0, long session_pss)
{
	targets_head();
	target("dived master idle PSS, KiB", "master_idle_pss", "kib", 0,
	    (double)idle0->pss, AT_MOST, T_MASTER_PSS, 0);
	if (session_pss >= 0)
		target("one session's monitor + parser PSS, KiB",
		    "session_pss", "kib", 0, (double)session_pss, BELOW,
		    T_SESSION_PSS, 0);
}

static void
s6_memory(const char *s6sudo, const char *sock, const char *sleep,
    pid_t server)
{
	char *argv[] = { (char *)s6sudo, (char *)sock, (char *)sleep,
	    HOLD_SECS, NULL };
	pid_t procs[MAX_PROCS], client;
	struct mem idle, sess;
	size_t n;

	if (smaps(server, &idle) == -1)
		return;
	client = hold_session(argv, server, NULL, procs, &n);
	sess = sum_mem(procs, n);
	reap(client);
	printf("%-44s %10ld %10ld\n", "s6-ipcserverd, idle", idle.rss,
	    idle.pss);
	printf("%-44s %10ld %10ld\n", "s6-sudod, one session", sess.rss,
	    sess.pss);
	line("bench s6_server_idle_rss_kib=%ld pss_kib=%ld "
	    "session_rss_kib=%ld session_pss_kib=%ld", idle.rss, idle.pss,
	    sess.rss, sess.pss);
}

static void
sudo_memory(const char *sudo, const char *sleep)
{
	char *argv[] = { (char *)sudo, "-n", (char *)sleep, HOLD_SECS, NULL };
	pid_t procs[MAX_PROCS], client, me = getpid();
	struct mem sess;
	size_t n;

	/* Our child is sudo itself: count it and what it forked. */
	client = hold_session(argv, me, NULL, procs, &n);
	sess = sum_mem(procs, n);
	reap(client);
	printf("%-44s %10ld %10ld\n", "sudo, one session", sess.rss,
	    sess.pss);
	line("bench sudo_session_rss_kib=%ld pss_kib=%ld", sess.rss, sess.pss);
}

/* --- scaling ---------------------------------------------------------- */

/*
 * HEAD, then strings of about BYTES/2 in all; an environment gets
 * variables of the same size after env0.
 */
static char **
filled(char *const head[], size_t bytes, int env)
{
	size_t piece = bytes / PIECES, count, nhead = 0, i;
	char **v;

	if (piece > MAX_PIECE)
		piece = MAX_PIECE;
	count = bytes / 2 / piece;
	while (head[nhead] != NULL)
		nhead++;
	if ((v = calloc(nhead + count + 1, sizeof(*v))) == NULL)
		err(1, "calloc");
	memcpy(v, head, nhead * sizeof(*v));
	for (i = 0; i < count; i++) {
		char *s;

		if ((s = malloc(piece)) == NULL)
			err(1, "malloc");
		memset(s, env ? 'e' : 'a', piece - 1);
		s[piece - 1] = '\0';
		if (env) {
			snprintf(s, 8, "F%05u", (unsigned)(i % 100000));
			s[6] = '=';
		}
		v[nhead + i] = s;
	}
	return v;
}

static void
free_filled(char **v, size_t nhead)
{
	for (size_t i = nhead; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Medians of dive and of /bin/true with the same argv, env, fds. */
static void
pair(char *const dive[], char *const tru[], char *const envp[],
    int runs, struct stats *sd, struct stats *st)
{
	double *td, *tt, t0;
	size_t nd = 0, nt = 0;
	int st0, i;

	if ((td = calloc((size_t)runs, sizeof(*td))) == NULL ||
	    (tt = calloc((size_t)runs, sizeof(*tt))) == NULL)
		err(1, "calloc");
	sd->n = st->n = 0;
	if (!works(dive, envp)) {
		free(td);
		free(tt);
		return;
	}
	for (i = 0; i < WARMUP / 4; i++) {
		timed(dive, envp, &st0);
		timed(tru, envp, &st0);
	}
	t0 = now_us();
	for (i = 0; i < runs && now_us() - t0 < SCALE_SECS * 1e6; i++) {
		double t = timed(dive, envp, &st0);

		if (st0 == 0)
			td[nd++] = t;
		t = timed(tru, envp, &st0);
		if (st0 == 0)
			tt[nt++] = t;
	}
	*sd = summarize(td, nd);
	*st = summarize(tt, nt);
	free(td);
	free(tt);
}

/* added[i] gets what fills[i] adds to dive over /bin/true, or NAN. */
static void
scale_argenv(char *const dive[], char *const tru[], int runs, double *added)
{
	struct stats sd, st;
	size_t i;

	for (i = 0; i < sizeof(fills) / sizeof(fills[0]); i++) {
		char **da = filled(dive, fills[i], 0), **ta = filled(tru,
		    fills[i], 0), **ev = filled(env0, fills[i], 1);
		char what[64];

		pair(da, ta, ev, runs, &sd, &st);
		snprintf(what, sizeof(what), "argv+env %zu KiB",
		    fills[i] / 1024);
		added[i] = sd.n > 0 && st.n > 0 ? sd.median - st.median : NAN;
		if (sd.n == 0)
			printf("%-28s fails\n", what);
		else {
			printf("%-28s %8zu %12.0f %12.0f %12.0f\n", what, sd.n,
			    sd.median, st.median, sd.median - st.median);
			line("bench dive_argenv_%zuk_median_us=%.0f p90_us=%.0f "
			    "true_median_us=%.0f added_us=%.0f",
			    fills[i] / 1024, sd.median, sd.p90, st.median,
			    sd.median - st.median);
		}
		free_filled(da, 3);
		free_filled(ta, 1);
		free_filled(ev, 1);
	}
}

/* *last_per_fd gets the time per added descriptor of the last case. */
static void
scale_fds(char *const dive[], char *const tru[], int runs,
    double *last_per_fd)
{
	struct stats sd, st, base = { 0, 0, 0 };
	double per_fd;
	size_t i;

	*last_per_fd = NAN;
	for (i = 0; i < sizeof(fdcounts) / sizeof(fdcounts[0]); i++) {
		int extra[MAX_FDS], k, n = fdcounts[i] - 3;
		char what[64];

		/* Not close-on-exec: posix_spawn passes them on. */
		for (k = 0; k < n; k++)
			if ((extra[k] = fcntl(devnull, F_DUPFD, 3)) == -1)
				err(1, "fcntl F_DUPFD");
		pair(dive, tru, env0, runs, &sd, &st);
		for (k = 0; k < n; k++)
			close(extra[k]);
		snprintf(what, sizeof(what), "%d descriptors", fdcounts[i]);
		if (sd.n == 0) {
			printf("%-28s fails\n", what);
			continue;
		}
		if (i == 0)
			base = sd;
		per_fd = i > 0 && base.n ? (sd.median - base.median) /
		    (fdcounts[i] - fdcounts[0]) : 0;
		if (i > 0 && base.n)
			*last_per_fd = per_fd;
		printf("%-28s %8zu %12.0f %12.0f %12.0f", what, sd.n,
		    sd.median, st.median, sd.median - st.median);
		if (i > 0 && base.n)
			printf("   %.2f µs per added descriptor", per_fd);
		printf("\n");
		line("bench dive_fds_%d_median_us=%.0f p90_us=%.0f "
		    "true_median_us=%.0f added_us=%.0f per_added_fd_us=%.2f",
		    fdcounts[i], sd.median, sd.p90, st.median,
		    sd.median - st.median, per_fd);
	}
}

static void
scaling(char *const dive[], char *const tru[], int runs)
{
	double added[sizeof(fills) / sizeof(fills[0])], per_fd;

	printf("\n== Scaling: dive SOCK /bin/true next to /bin/true with the "
	    "same request ==\n");
	printf("%-28s %8s %12s %12s %12s\n", "request", "runs",
	    "dive µs", "true µs", "dive − true");
	scale_argenv(dive, tru, runs, added);
	scale_fds(dive, tru, runs, &per_fd);
	targets_head();
	if (!isnan(added[1]))
		target("argv+env 64 KiB, µs added over /bin/true",
		    "argenv_64k_added", "us", 0, added[1], AT_MOST,
		    T_ARGENV_64K, 0);
	if (!isnan(added[2]))
		target("argv+env 1 MiB, µs added over /bin/true",
		    "argenv_1m_added", "us", 0, added[2], AT_MOST,
		    T_ARGENV_1M, 0);
	if (!isnan(per_fd))
		target("250 descriptors, µs per added descriptor",
		    "per_added_fd", "us", 2, per_fd, AT_MOST, T_PER_FD, 1);
}

/* The round-trip commands: the floor, dive, then what is installed. */
static size_t
commands(const struct setup *o, struct cmd *c, char **sudo, char **s6sudo)
{
	char *tru = which("true"), *p;
	size_t n = 0;

	if (tru == NULL)
		errx(1, "true not found in %s", env0[0]);
	*s6sudo = o->s6sock != NULL ? which("s6-sudo") : NULL;
	*sudo = o->use_sudo ? which("sudo") : NULL;
	add(c, &n, "true", "/bin/true", (char *[]){ tru, NULL });
	add(c, &n, "dive_true", "dive SOCK /bin/true",
	    (char *[]){ (char *)o->dive, (char *)o->sock, tru, NULL });
	if (*s6sudo != NULL)
		add(c, &n, "s6sudo_true", "s6-sudo SOCK2 /bin/true (s6-sudod)",
		    (char *[]){ *s6sudo, (char *)o->s6sock, tru, NULL });
	if (*sudo != NULL)
		add(c, &n, "sudo_true", "sudo -n /bin/true",
		    (char *[]){ *sudo, "-n", tru, NULL });
	/* Plain process-starting floors: one more exec than /bin/true. */
	if ((p = which("setpriv")) != NULL)
		add(c, &n, "setpriv_true", "setpriv --reuid 0 /bin/true",
		    (char *[]){ p, "--reuid", "0", tru, NULL });
	if ((p = which("unshare")) != NULL)
		add(c, &n, "unshare_true", "unshare -U /bin/true",
		    (char *[]){ p, "-U", tru, NULL });
	return n;
}

static void
parse_args(int argc, char **argv, struct setup *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->rounds = ROUNDS;
	o->sessions = SESSIONS;
	o->runs = SCALE_RUNS;
	while ((ch = getopt(argc, argv, "d:s:p:S:P:ut:T:f:r:n:k:")) != -1) {
		switch (ch) {
		case 'd':
			o->dive = optarg;
			break;
		case 's':
			o->sock = optarg;
			break;
		case 'p':
			o->dived = (pid_t)number(optarg, 1, INT_MAX, "-p");
			break;
		case 'S':
			o->s6sock = optarg;
			break;
		case 'P':
			o->s6 = (pid_t)number(optarg, 1, INT_MAX, "-P");
			break;
		case 'u':
			o->use_sudo = 1;
			break;
		case 't':
			o->sdive = optarg;
			break;
		case 'T':
			o->ssock = optarg;
			break;
		case 'f':
			o->sfile = optarg;
			break;
		case 'r':
			o->rounds = (int)number(optarg, 1, 100000, "-r");
			break;
		case 'n':
			o->sessions = (int)number(optarg, 1, 1000000, "-n");
			break;
		case 'k':
			o->runs = (int)number(optarg, 1, 100000, "-k");
			break;
		default:
			usage();
		}
	}
	if (o->dive == NULL || o->sock == NULL || optind != argc ||
	    (o->sdive != NULL) != (o->ssock != NULL) ||
	    (o->sdive != NULL) != (o->sfile != NULL))
		usage();
}

int
main(int argc, char **argv)
{
	struct setup o;
	struct cmd cmds[8];
	const struct cmd *tr, *dv;
	struct mem idle0 = { -1, -1, 0 }, spares0 = { 0, 0, 0 };
	long session_pss = -1;
	int nspares = 0;
	char *sleep, *sudo, *s6sudo;
	double t0 = now_us();
	size_t nc, i;

	parse_args(argc, argv, &o);
	/* Our own descriptors must not travel with dive's requests. */
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	setup_spawn();
	if ((sleep = which("sleep")) == NULL)
		errx(1, "sleep not found in %s", env0[0]);
	/* Idle means before the first session. */
	if (o.dived > 0 && smaps(o.dived, &idle0) == -1)
		err(1, "dived pid %ld: smaps_rollup", (long)o.dived);
	if (o.dived > 0)
		spares0 = spares_mem(o.dived, &nspares);
	nc = commands(&o, cmds, &sudo, &s6sudo);

	printf("bench: %d rounds, %d stage sessions, %d sessions per client "
	    "count in each of %d rounds, %d runs per scaling case\n", o.rounds,
	    o.sdive != NULL ? (o.rounds < STAGE_RUNS ? o.rounds : STAGE_RUNS) :
	    0, o.sessions, TPUT_ROUNDS, o.runs);
	round_trips(cmds, nc, o.rounds);
	report_round_trips(cmds, nc);
	if ((tr = find(cmds, nc, "true")) == NULL ||
	    (dv = find(cmds, nc, "dive_true")) == NULL)
		errx(1, "/bin/true or dive SOCK /bin/true does not work: "
		    "nothing more to measure");

	if (o.sdive != NULL)
		stage_table(o.sdive, o.ssock, o.sfile, o.dive, o.sock,
		    tr->argv, o.rounds);
	throughput(&o, cmds, nc);

	printf("\n== Memory (smaps_rollup) ==\n");
	printf("%-44s %10s %10s\n", "process", "RSS KiB", "PSS KiB");
	if (o.dived > 0)
		dived_memory(o.dive, o.sock, sleep, o.dived, &idle0, &spares0,
		    nspares, &session_pss);
	if (s6sudo != NULL && o.s6 > 0)
		s6_memory(s6sudo, o.s6sock, sleep, o.s6);
	if (sudo != NULL)
		sudo_memory(sudo, sleep);
	if (o.dived > 0)
		memory_targets(&idle0, session_pss);

	scaling(dv->argv, tr->argv, o.runs);

	printf("\nbench: %.0f seconds\n\n", (now_us() - t0) / 1e6);
	line("bench total_seconds=%.0f", (now_us() - t0) / 1e6);
	for (i = 0; i < nlines; i++)
		printf("%s\n", lines[i]);
	return 0;
}
