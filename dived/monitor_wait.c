/*
 * Waiting for the program: signals from the client, the time limit,
 * --die-with-client, and what the program leaves behind when its first
 * process ends.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"

/*
 * -n and --signals-pgid: a signal from the client for the program.  The
 * pidfd names exactly our child, never a process that reused its pid; the
 * group is safe too, as its leader is not reaped while we still read.
 * Under --init the program's own pidfd names it as exactly, though the
 * reaper reaps it; so a group is left to the reaper, which passes the
 * signal on to the program's group only while the program is unreaped.
 */
static void
deliver(struct session *s, uint32_t sig)
{
	int prog = s->cfg->o.signals == SIGNALS_PID && s->progfd != -1;
	pid_t pid = prog ? s->progpid : s->pid;
	int r;

	if (sig == 0 || sig > DIVE_MAX_SIGNAL) {
		logmsg(LOG_WARNING, "session %s: invalid signal %u from the "
		    "parser", s->id, sig);
		return;
	}
	switch (s->cfg->o.signals) {
	case SIGNALS_PID:
		r = (int)syscall(SYS_pidfd_send_signal, prog ? s->progfd :
		    s->pidfd, (int)sig, NULL, 0);
		break;
	case SIGNALS_PGID:
		r = kill(-s->pid, (int)sig);
		break;
	default:
		logmsg(LOG_NOTICE, "session %s: signal %u from the client "
		    "ignored: signals over the socket are not enabled", s->id,
		    sig);
		return;
	}
	if (r == -1)
		logmsg(LOG_NOTICE, "session %s: signal %u to pid %ld: %s",
		    s->id, sig, (long)pid, strerror(errno));
	else
		logmsg(LOG_INFO, "session %s: signal %u delivered to %s %ld",
		    s->id, sig, s->cfg->o.signals == SIGNALS_PGID ? "group" :
		    "pid", (long)pid);
}

/* After the start the parser passes on signals, or a protocol error. */
static void
parser_message(struct session *s)
{
	char raw[DIVE_MAX_ERRTEXT];
	struct frame f;
	uint32_t sig, status;

	if (frame_recv(s->ps, &f, DIVE_MAX_ERRTEXT + 4, NULL, 0) != 1) {
		close(s->ps);
		s->ps = -1;
		return;
	}
	if (f.type == PS_SIGNAL && proto_decode_u32(f.buf, f.len, &sig) == 0)
		deliver(s, sig);
	else if (f.type == PS_FAIL &&
	    ps_take_fail(f.buf, f.len, &status, raw, sizeof(raw)) == 0) {
		char q[DIVE_MAX_ERRTEXT * 4 + 8];

		log_quote(raw, q, sizeof(q));
		logmsg(LOG_WARNING, "session %s: client error after the "
		    "start: %s", s->id, q);
	} else
		logmsg(LOG_WARNING, "session %s: malformed message from the "
		    "parser after the start", s->id);
	frame_free(&f);
}

/* The program, and its group when it leads one. */
static void
end_program(struct session *s, int sig)
{
	syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0);
	if (getpgid(s->pid) == s->pid)
		kill(-s->pid, sig);
}

/*
 * Milliseconds until the next step of the time limit: SIGTERM when it is
 * reached, SIGKILL DIVE_KILL_GRACE seconds later; -1 without a limit.
 */
static int
time_step(struct session *s, int *killed)
{
	struct timespec now;
	long long ms, due;

	if (s->dec.time_limit == 0 || *killed == 2)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->t0.tv_sec) * 1000LL +
	    (now.tv_nsec - s->t0.tv_nsec) / 1000000;
	due = (long long)s->dec.time_limit * 1000 +
	    (*killed ? DIVE_KILL_GRACE * 1000LL : 0);
	if (ms < due)
		return due - ms > INT32_MAX ? INT32_MAX : (int)(due - ms);
	if (*killed == 0)
		logmsg(LOG_NOTICE, "session %s: pid %ld: time limit of %u "
		    "seconds reached", s->id, (long)s->pid, s->dec.time_limit);
	s->ended_by = "time-limit";
	end_program(s, *killed ? SIGKILL : SIGTERM);
	(*killed)++;
	return time_step(s, killed);
}

/* --die-with-client: a client that hung up takes its program along. */
static void
client_gone(struct session *s, int *watch)
{
	logmsg(LOG_NOTICE, "session %s: client gone, killing pid %ld",
	    s->id, (long)s->pid);
	s->ended_by = "client-gone";
	end_program(s, SIGKILL);
	*watch = 0;
}

static void
drain(int fd)
{
	struct signalfd_siginfo si;

	while (fd != -1 && read(fd, &si, sizeof(si)) > 0)
		;
}

/*
 * Calls f for each child of the monitor but the parser and, while it is
 * not reaped, the program's first process: those the program left.  The
 * pids are our children until we reap them, so they name no other
 * process.  The number of them, or -1 when /proc cannot tell.
 */
int
each_leftover(struct session *s, void (*f)(pid_t, int), int arg)
{
	char path[64], buf[8192], *p, *end;
	ssize_t n;
	int fd, count = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)getpid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; *p != '\0'; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid <= 0 || pid == s->parser || pid == s->pid ||
		    pid == s->recorder)
			continue;
		count++;
		if (f != NULL)
			f((pid_t)pid, arg);
	}
	return count;
}

static void
reap_one(pid_t pid, int unused)
{
	(void)unused;
	waitpid(pid, NULL, WNOHANG);
}

static void
signal_one(pid_t pid, int sig)
{
	kill(pid, sig);
}

void
kill_leftovers(struct session *s)
{
	each_leftover(s, signal_one, SIGKILL);
}

/*
 * A recording that failed, unless it may fail open, or a recorder that
 * is gone ends the session: the program would go on unrecorded, or
 * without its terminal.
 */
static void
recording_failed(struct session *s)
{
	if (s->recfailed)
		return;
	logmsg(LOG_NOTICE, "session %s: the recording failed: killing pid "
	    "%ld", s->id, (long)s->pid);
	s->recfailed = 1;
	s->ended_by = "record-failed";
	end_program(s, SIGKILL);
	kill_leftovers(s);
}

int
await_program(struct session *s)
{
	int st, killed = 0, watch = s->dec.die_with_client;

	for (;;) {
		struct pollfd p[5] = {
			{ s->pidfd, POLLIN, 0 }, { s->ps, POLLIN, 0 },
			{ watch ? s->client : -1, 0, 0 },
			{ s->chldfd, POLLIN, 0 }, { s->rs, POLLIN, 0 },
		};

		if (s->pidfd == -1)
			break;
		if (poll(p, 5, time_step(s, &killed)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents)
			parser_message(s);
		if (p[2].revents & (POLLHUP | POLLERR))
			client_gone(s, &watch);
		/* What the program left and has ended: no zombie waits. */
		if (p[3].revents) {
			drain(s->chldfd);
			each_leftover(s, reap_one, 0);
		}
		if (p[4].revents && recorder_message(s) == -1)
			recording_failed(s);
	}
	return wait_child(s->pid, &st) == -1 ? 0 : st;
}

/*
 * The program's first process has ended, and others it started live on:
 * the session goes on, holding its place under --max-per-uid, until the
 * last of them ends, and its time limit and --die-with-client apply to
 * them: SIGTERM to each at the limit, SIGKILL after the grace, and
 * SIGKILL when the client goes.  Only the parser is gone by now, so every
 * child is the program's.
 */
void
linger(struct session *s)
{
	long long limit = (long long)s->dec.time_limit * 1000, ms;
	int watch = s->dec.die_with_client, stage = 0, timeout;
	struct timespec now;
	pid_t pid;

	logmsg(LOG_INFO, "session %s: processes the program started live "
	    "on; the session ends with the last of them", s->id);
	s->pid = 0;
	for (;;) {
		struct pollfd p[3] = {
			{ s->chldfd, POLLIN, 0 },
			{ watch ? s->client : -1, POLLRDHUP, 0 },
			{ s->rs, POLLIN, 0 },
		};

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			if (pid == s->recorder)
				s->recorder = 0;
		if (pid == -1 && errno != EINTR)
			break;
		/* The recorder alone is left: the session is over. */
		if (s->recorder > 0 && each_leftover(s, NULL, 0) == 0)
			break;
		timeout = s->chldfd == -1 ? 200 : -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - s->t0.tv_sec) * 1000LL +
		    (now.tv_nsec - s->t0.tv_nsec) / 1000000;
		if (limit > 0 && stage == 0 && ms >= limit) {
			logmsg(LOG_NOTICE, "session %s: time limit: ending what "
			    "the program left", s->id);
			each_leftover(s, signal_one, SIGTERM);
			stage = 1;
		}
		if (limit > 0 && stage == 1 &&
		    ms >= limit + DIVE_KILL_GRACE * 1000LL)
			stage = 2;
		if (limit > 0 && stage < 2) {
			long long due = limit + (stage ? DIVE_KILL_GRACE *
			    1000LL : 0) - ms;

			timeout = due > INT32_MAX ? INT32_MAX : (int)due;
		}
		/* Each round: what a killed process left is ours next. */
		if (stage == 2) {
			each_leftover(s, signal_one, SIGKILL);
			timeout = 100;
		}
		if (poll(p, 3, timeout) == -1 && errno != EINTR)
			break;
		drain(s->chldfd);
		/* What the program left is recorded as it was. */
		if (p[2].revents && recorder_message(s) == -1 &&
		    !(s->dec.record & RECORD_FAILOPEN) && stage < 2) {
			logmsg(LOG_NOTICE, "session %s: the recording failed: "
			    "killing what the program left", s->id);
			stage = 2;
		}
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			logmsg(LOG_NOTICE, "session %s: client gone: killing "
			    "what the program left", s->id);
			watch = 0;
			stage = 2;
		}
	}
	logmsg(LOG_INFO, "session %s: the last of the program's processes "
	    "has ended", s->id);
}
