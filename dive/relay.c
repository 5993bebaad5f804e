#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "proto.h"
#include "relay.h"

/* How often a dive in the background looks whether it is still there. */
#define FOREGROUND_CHECK_MS 200

static struct {
	int		master;		/* -1: no relay */
	int		in;		/* the terminal on 0, or -1 */
	int		out;		/* where the output goes */
	int		tty;		/* the terminal whose size counts */
	int		raw;		/* saved holds the modes to restore */
	int		reading;	/* keys are taken from in */
	int		ended;		/* the program has: no more keys */
	long long	quiet_end;	/* when ended: the drain's deadlines */
	long long	drain_end;
	struct termios	saved;
	unsigned char	keys[4096];	/* read but not yet written */
	size_t		nkeys, off;
} R = { .master = -1, .in = -1, .out = -1, .tty = -1 };

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t
relay_terminals(void)
{
	static uint32_t mask;
	static int known;
	int fd;

	for (fd = 0; !known && fd <= 2; fd++)
		if (isatty(fd))
			mask |= 1u << fd;
	known = 1;
	return mask;
}

static int
first_terminal(uint32_t mask)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (mask & (1u << fd))
			return fd;
	return -1;
}

void
relay_size(uint32_t mask, uint32_t *rows, uint32_t *cols)
{
	struct winsize ws;
	int fd = first_terminal(mask);

	*rows = *cols = 0;
	if (fd == -1 || ioctl(fd, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 ||
	    ws.ws_col == 0)
		return;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

static void
pass_size(void)
{
	struct winsize ws;

	if (R.tty != -1 && ioctl(R.tty, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row != 0 && ws.ws_col != 0)
		(void)ioctl(R.master, TIOCSWINSZ, &ws);
}

/* Only the terminal's foreground process group may change its modes. */
static int
foreground(void)
{
	return R.in != -1 && tcgetpgrp(R.in) == getpgrp();
}

void
relay_restore(void)
{
	sigset_t ttou, old;

	if (!R.raw)
		return;
	/* From the background too: SIGTTOU would stop dive instead. */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	(void)tcsetattr(R.in, TCSADRAIN, &R.saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	R.raw = 0;
}

/*
 * Raw while dive is in the terminal's foreground: every key, ^C and ^D
 * too, goes to the program's terminal, whose own modes act on it.  In the
 * background (a job started with &, a script's) the terminal is left
 * alone and no key is read.
 */
static void
take_terminal(void)
{
	struct termios raw;

	R.reading = R.master != -1 && !R.ended && foreground();
	if (!R.reading || R.raw)
		return;
	if (tcgetattr(R.in, &R.saved) == -1)
		return;
	raw = R.saved;
	cfmakeraw(&raw);
	if (tcsetattr(R.in, TCSADRAIN, &raw) == 0)
		R.raw = 1;
}

/*
 * The program's terminal starts with the caller's modes (erase and kill
 * keys, UTF-8 input and the like): on a master, the modes set are the
 * slave's.  Taken before the caller's terminal goes raw, and only in its
 * foreground: in the background they are those of whoever reads it now,
 * a shell's line editor say.
 */
static void
copy_modes(void)
{
	struct termios t;

	if (R.tty != -1 && tcgetpgrp(R.tty) == getpgrp() &&
	    tcgetattr(R.tty, &t) == 0)
		(void)tcsetattr(R.master, TCSANOW, &t);
}

void
relay_begin(int master, uint32_t mask)
{
	R.master = master;
	R.in = (mask & PTY_STDIN) ? 0 : -1;
	R.out = (mask & PTY_STDOUT) ? 1 : (mask & PTY_STDERR) ? 2 : 0;
	R.tty = first_terminal(mask);
	if (fcntl(master, F_SETFL, O_NONBLOCK) == -1)
		R.master = -1;
	atexit(relay_restore);
	if (R.master != -1)
		copy_modes();
	take_terminal();
	pass_size();
}

int
relay_poll(struct pollfd *p, int *timeout)
{
	int n = 0;

	*timeout = -1;
	if (R.master == -1)
		return 0;
	if (R.ended) {
		long long now = now_ms(), end = R.quiet_end < R.drain_end ?
		    R.quiet_end : R.drain_end;

		*timeout = end > now ? (int)(end - now) : 0;
	}
	/*
	 * A job that the shell moves to the foreground without stopping it
	 * first (fg on a running job) gets no signal: look again now and then.
	 */
	if (R.in != -1 && !R.reading && !R.ended) {
		take_terminal();
		if (!R.reading)
			*timeout = FOREGROUND_CHECK_MS;
	}
	p[n++] = (struct pollfd){ R.master,
	    POLLIN | (R.nkeys > R.off ? POLLOUT : 0), 0 };
	if (R.reading && R.nkeys == R.off)
		p[n++] = (struct pollfd){ R.in, POLLIN, 0 };
	return n;
}

static void
write_all(int fd, const unsigned char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, b, n)) == -1) {
			struct pollfd p = { fd, POLLOUT, 0 };

			if (errno == EINTR)
				continue;
			/* Someone else made the terminal non-blocking. */
			if (errno == EAGAIN && poll(&p, 1, -1) >= 0)
				continue;
			return;		/* a terminal gone: the output is lost */
		}
		b += w;
		n -= (size_t)w;
	}
}

/* 1 while the master is open, 0 once the slave is closed everywhere. */
static int
copy_output(void)
{
	unsigned char b[8192];
	ssize_t n;

	n = read(R.master, b, sizeof(b));
	if (n > 0) {
		write_all(R.out, b, (size_t)n);
		if (R.ended)
			R.quiet_end = now_ms() + DIVE_DRAIN_QUIET_MS;
		return 1;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 1;
	/* EIO: the last holder of the slave has closed it. */
	close(R.master);
	R.master = -1;
	R.reading = 0;
	return 0;
}

static void
copy_keys(void)
{
	ssize_t n = read(R.in, R.keys, sizeof(R.keys));

	R.off = 0;
	if (n > 0)
		R.nkeys = (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		R.reading = 0;	/* the terminal hung up */
}

static void
send_keys(void)
{
	ssize_t n = write(R.master, R.keys + R.off, R.nkeys - R.off);

	if (n > 0)
		R.off += (size_t)n;
	else if (n == -1 && errno != EAGAIN && errno != EINTR)
		R.off = R.nkeys;
}

void
relay_io(const struct pollfd *p, int n)
{
	int i;

	for (i = 0; i < n && R.master != -1; i++) {
		if (p[i].revents == 0)
			continue;
		if (p[i].fd == R.master) {
			if ((p[i].revents & POLLOUT) && R.nkeys > R.off)
				send_keys();
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				copy_output();
		} else if (p[i].fd == R.in)
			copy_keys();
	}
}

int
relay_signal(int sig)
{
	switch (sig) {
	case SIGWINCH:
		if (R.master != -1)
			pass_size();
		return 1;
	case SIGTSTP:
		/* Stopped from outside: the shell gets its terminal back. */
		relay_restore();
		R.reading = 0;
		kill(getpid(), SIGSTOP);
		return 1;
	case SIGCONT:
		/* Maybe in the foreground now, or no longer. */
		if (!foreground())
			relay_restore();
		take_terminal();
		if (R.master != -1)
			pass_size();
		return 0;
	}
	return 0;
}

/*
 * The keys are no longer the program's: the terminal gets its modes back
 * at once, so that ^C and ^Z act on dive again while the output still on
 * its way is copied.
 */
void
relay_end(void)
{
	long long now = now_ms();

	R.reading = 0;
	R.ended = 1;
	R.nkeys = R.off = 0;
	R.quiet_end = now + DIVE_DRAIN_QUIET_MS;
	R.drain_end = now + DIVE_DRAIN_MAX_MS;
	relay_restore();
}

int
relay_drained(void)
{
	long long now;

	if (R.master == -1)
		return 1;
	now = now_ms();
	return now >= R.quiet_end || now >= R.drain_end;
}
