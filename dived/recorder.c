/*
 * The recorder's loop (recorder.h): the streams between the program and
 * the client, each with a buffer of one chunk, read only when that is
 * empty, so that whoever sends faster than the other side takes is held
 * back by the kernel and no memory grows; the terminal's modes and size;
 * the recording; the monitor's messages.
 */
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cast.h"
#include "privsep.h"
#include "proto.h"
#include "recorder.h"
#include "wire.h"

#ifdef DIVE_TESTHOOKS
#include "testhook.h"
#endif

/* The terminal's two directions and a pipe for each of 0-2. */
#define NSTREAMS	5

struct stream {
	int		 from, to;	/* -1 once closed */
	char		 type;		/* 'o' or 'i': its events */
	int		 pty;		/* one of the terminal's directions */
	struct cast_carry carry;
	unsigned char	 buf[DIVE_RECORD_CHUNK];
	size_t		 len, off;	/* held, and written of it */
};

static struct {
	int		 mon;		/* the monitor */
	int		 sig;		/* signalfd for SIGWINCH */
	struct stream	 s[NSTREAMS];
	size_t		 n;
	int		 a, b;		/* A's master, B's slave; or -1 */
	struct termios	 raw;		/* B's modes, as set here */
	struct winsize	 size;		/* the last size passed on to A */
	struct winsize	 recsize;	/* the last size recorded */
	int		 ready;		/* RC_READY is sent */
	int		 sized;		/* dive will give B a size */
	long long	 ready_by;
	int		 input;		/* 'i' events are recorded */
	struct cast	 cast;
	enum cast_state	 told;		/* the state the monitor knows */
	int		 ending;	/* RC_END came */
	int		 drained;	/* RC_DRAINED is sent */
	long long	 drain_end;
} R;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
tell(uint32_t type, const void *p, size_t len)
{
	if (frame_send(R.mon, type, p, len, NULL, 0) == -1)
		_exit(1);
}

static void
tell_state(uint32_t type)
{
	struct rc_state st;

	memset(&st, 0, sizeof(st));
	st.state = R.cast.state;
	st.err = (uint32_t)R.cast.err;
	st.bytes = R.cast.bytes;
	R.told = R.cast.state;
	tell(type, &st, sizeof(st));
}

static void
add_stream(int from, int to, char type, int pty)
{
	struct stream *st = &R.s[R.n++];

	memset(st, 0, sizeof(*st));
	st->from = from;
	st->to = to;
	st->type = type;
	st->pty = pty;
}

static int
done(const struct stream *st)
{
	return st->from == -1 && st->to == -1;
}

static void
record(struct stream *st, const unsigned char *p, size_t n)
{
	if (st->type == 'o' || R.input)
		cast_data(&R.cast, st->type, &st->carry, p, n);
}

static void
finish_stream(struct stream *st)
{
	if (st->type == 'o' || R.input)
		cast_flush(&R.cast, st->type, &st->carry);
	if (st->from != -1)
		close(st->from);
	if (st->to != -1)
		close(st->to);
	st->from = st->to = -1;
	st->len = st->off = 0;
}

/*
 * Either side of the terminal is gone: the program's (A's last holder
 * closed it) or the client's (dive closed B's master).  Both directions
 * end, and closing A's master hangs up the program's terminal, as dive's
 * end does in a session without a recorder.
 */
static void be_ready(void);

static void
terminal_gone(void)
{
	/* The program starts, if it has not, on a terminal hung up. */
	be_ready();
	for (size_t i = 0; i < R.n; i++)
		if (R.s[i].pty) {
			if (R.s[i].type == 'o' || R.input)
				cast_flush(&R.cast, R.s[i].type,
				    &R.s[i].carry);
			R.s[i].from = R.s[i].to = -1;
			R.s[i].len = R.s[i].off = 0;
		}
	if (R.a != -1)
		close(R.a);
	if (R.b != -1)
		close(R.b);
	R.a = R.b = -1;
}

/* Its source has given its last byte and all of it is written. */
static void
ended(struct stream *st)
{
	if (st->pty)
		terminal_gone();
	else
		finish_stream(st);
}

/*
 * dive gives B the caller's modes when it takes B's master: those are
 * the program's terminal's, and B is made raw again.  Anything but the
 * modes set here on B is dive's.  1 when it took them.
 */
static int
take_modes(struct termios *t)
{
	/* The kernel fills fewer c_cc than the C library's struct has. */
	memset(t, 0, sizeof(*t));
	if (R.b == -1 || tcgetattr(R.b, t) == -1)
		return 0;
	if (t->c_iflag == R.raw.c_iflag && t->c_oflag == R.raw.c_oflag &&
	    t->c_cflag == R.raw.c_cflag && t->c_lflag == R.raw.c_lflag &&
	    memcmp(t->c_cc, R.raw.c_cc, sizeof(t->c_cc)) == 0)
		return 0;
	(void)tcsetattr(R.a, TCSANOW, t);
	(void)tcsetattr(R.b, TCSANOW, &R.raw);
	return 1;
}

static void
be_ready(void)
{
	struct termios t;

	if (R.ready)
		return;
	(void)take_modes(&t);
	R.ready = 1;
	tell(RC_READY, NULL, 0);
}

static void
record_size(void)
{
	if (R.cast.state != CAST_ON || R.size.ws_col == 0 ||
	    (R.size.ws_col == R.recsize.ws_col &&
	    R.size.ws_row == R.recsize.ws_row))
		return;
	R.recsize = R.size;
	cast_resize(&R.cast, R.size.ws_col, R.size.ws_row);
}

/* dive changed B's size (or gave it its first): A gets it, and SIGWINCH. */
static void
resized(void)
{
	struct signalfd_siginfo si;
	struct winsize ws;
	struct termios t;

	while (read(R.sig, &si, sizeof(si)) == sizeof(si))
		;
	if (R.b == -1)
		return;
	be_ready();
	(void)take_modes(&t);
	if (ioctl(R.b, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 ||
	    ws.ws_col == 0 || (ws.ws_row == R.size.ws_row &&
	    ws.ws_col == R.size.ws_col))
		return;
	R.size = ws;
	(void)ioctl(R.a, TIOCSWINSZ, &ws);
	record_size();
}

static void
take_terminal(struct frame *f)
{
	struct termios t;
	uint32_t sized;

	if (f->nfds != 2 || f->len != sizeof(sized) || R.a != -1 || R.n != 0)
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: bad RC_TERMINAL");
	memcpy(&sized, f->buf, sizeof(sized));
	R.sized = sized != 0;
	R.a = f->fds[0];
	R.b = f->fds[1];
	if (ioctl(R.b, TIOCSCTTY, 0) == -1 || tcgetattr(R.b, &t) == -1)
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: the client's "
		    "terminal: %s", strerror(errno));
	cfmakeraw(&t);
	memset(&R.raw, 0, sizeof(R.raw));
	if (tcsetattr(R.b, TCSANOW, &t) == -1 || tcgetattr(R.b, &R.raw) == -1)
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: the client's "
		    "terminal: %s", strerror(errno));
	add_stream(R.a, R.b, 'o', 1);
	add_stream(R.b, R.a, 'i', 1);
	R.ready_by = now_ms() + DIVE_RECORD_MODES_MS;
	tell(RC_TERMINAL, NULL, 0);
}

static void
take_record(struct frame *f)
{
	struct rc_record rec;
	size_t want = 1, k = 1;

	if (f->len != sizeof(rec) || R.cast.state != CAST_OFF)
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: bad RC_RECORD");
	memcpy(&rec, f->buf, sizeof(rec));
	for (int fd = 0; fd <= 2; fd++)
		if (rec.pipes & (1u << fd))
			want += 2;
	if (f->nfds != want || (rec.pipes & ~PTY_MASK))
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: bad RC_RECORD");
	R.input = rec.input != 0;
	cast_start(&R.cast, f->fds[0], rec.header, rec.max);
	R.told = CAST_ON;
	R.recsize.ws_col = (unsigned short)rec.cols;
	R.recsize.ws_row = (unsigned short)rec.rows;
	record_size();
	for (int fd = 0; fd <= 2; fd++) {
		if (!(rec.pipes & (1u << fd)))
			continue;
		if (fd == 0)
			add_stream(f->fds[k + 1], f->fds[k], 'i', 0);
		else
			add_stream(f->fds[k], f->fds[k + 1], 'o', 0);
		k += 2;
	}
}

/* The monitor's message; its end ends the recorder. */
static void
from_monitor(void)
{
	struct frame f;
	int fds[RC_MAX_FDS];

	if (frame_recv(R.mon, &f, sizeof(struct rc_record), fds,
	    RC_MAX_FDS) != 1)
		_exit(0);
	switch (f.type) {
	case RC_TERMINAL:
		take_terminal(&f);
		break;
	case RC_RECORD:
		take_record(&f);
		break;
	case RC_END:
		R.ending = 1;
		R.drain_end = now_ms() + DIVE_DRAIN_MAX_MS;
		break;
	default:
		ps_fail(R.mon, DIVE_EXIT_FAILURE, "recorder: unknown message");
	}
	frame_free(&f);
}

/*
 * Nothing to read from B: dive hung it up, or it was still in the
 * caller's modes dive gave it when the end-of-file key came, which is
 * then passed on to the program's terminal.  A hung-up terminal answers
 * no request.
 */
static int
key_eof(struct stream *st)
{
	struct termios t;

	if (st->from != R.b || !take_modes(&t))
		return 0;
	be_ready();
	st->buf[0] = t.c_cc[VEOF];
	st->len = 1;
	st->off = 0;
	record(st, st->buf, st->len);
	return 1;
}

static void
fill(struct stream *st)
{
	ssize_t n = read(st->from, st->buf, sizeof(st->buf));

	if (n > 0) {
		st->len = (size_t)n;
		st->off = 0;
#ifdef DIVE_TESTHOOKS
		if (st->type == 'i')
			recorder_testhook(st->buf, st->len);
#endif
		record(st, st->buf, st->len);
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0 && key_eof(st))
		return;
	/* The end of its input, or EIO: the last of a terminal's side. */
	ended(st);
}

static void
drain(struct stream *st)
{
	ssize_t n = write(st->to, st->buf + st->off, st->len - st->off);

	if (n > 0) {
		st->off += (size_t)n;
		if (st->off == st->len)
			st->len = st->off = 0;
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	/*
	 * The receiving side is gone: the program stopped reading its input
	 * or the client its output.  The sender learns it as it would have
	 * without the recorder, from a pipe or terminal with no one left.
	 */
	if (st->pty)
		terminal_gone();
	else
		finish_stream(st);
}

/*
 * The descriptors to wait for.  A stream holding bytes waits to write
 * them and reads nothing more; only dive's end of the terminal is still
 * watched then, for a hangup, as dive's end ends the session's terminal.
 */
static nfds_t
poll_set(struct pollfd *p, struct stream **who, int *timeout)
{
	nfds_t k = 0;
	long long now = now_ms(), until = -1;

	p[k] = (struct pollfd){ R.mon, POLLIN, 0 };
	who[k++] = NULL;
	p[k] = (struct pollfd){ R.sig, POLLIN, 0 };
	who[k++] = NULL;
	for (size_t i = 0; i < R.n; i++) {
		struct stream *st = &R.s[i];

		if (done(st))
			continue;
		if (st->len > st->off)
			p[k] = (struct pollfd){ st->to, POLLOUT, 0 };
		else
			p[k] = (struct pollfd){ st->from, POLLIN, 0 };
		who[k++] = st;
		if (st->len > st->off && st->from == R.b) {
			p[k] = (struct pollfd){ R.b, 0, 0 };
			who[k++] = NULL;
		}
	}
	/* dive's modes come with no signal to a terminal without a size. */
	if (R.b != -1 && !R.ready)
		until = R.sized ? R.ready_by : now + RC_MODES_POLL_MS;
	if (R.ending && !R.drained && (until == -1 || R.drain_end < until))
		until = R.drain_end;
	*timeout = until == -1 ? -1 : until > now ? (int)(until - now) : 0;
	return k;
}

/* Every output stream has reached its end and written all it held. */
static int
output_through(void)
{
	for (size_t i = 0; i < R.n; i++)
		if (R.s[i].type == 'o' && !done(&R.s[i]))
			return 0;
	return 1;
}

/*
 * Once the program's first process has ended: whether what it wrote to
 * its pipes is through to the client, to be told before the client
 * hears the end, which ends a dive without a terminal at once.  A pipe
 * holds all that was written to it, so a read that finds nothing says
 * so.  The terminal needs no wait: dive reads B's last output itself
 * after the end, as it reads A's without a recorder.
 */
static int
pipes_through(void)
{
	for (size_t i = 0; i < R.n; i++) {
		struct stream *st = &R.s[i];

		if (st->type != 'o' || st->pty || done(st))
			continue;
		if (st->len > st->off)
			return 0;
		fill(st);
		if (!done(st) && st->len > st->off)
			return 0;
	}
	return 1;
}

static void
check_times(void)
{
	long long now = now_ms();

	struct termios t;

	if (R.b != -1 && !R.ready && (now >= R.ready_by ||
	    (!R.sized && take_modes(&t))))
		be_ready();
	if (R.ending && !R.drained && (pipes_through() ||
	    now >= R.drain_end)) {
		R.drained = 1;
		tell_state(RC_DRAINED);
	}
	if (R.cast.state != R.told)
		tell_state(RC_STATE);
}

void
recorder_run(int mon, int sig)
{
	struct pollfd p[2 + 2 * NSTREAMS];
	struct stream *who[2 + 2 * NSTREAMS];

	R.mon = mon;
	R.sig = sig;
	R.a = R.b = -1;
	R.cast.fd = -1;
	for (;;) {
		int timeout;
		nfds_t n;

		check_times();
		/*
		 * Its work is done once no output is left to pass on; keys
		 * the client may still type have no reader left.
		 */
		if (R.drained && output_through())
			_exit(0);
		n = poll_set(p, who, &timeout);
		if (poll(p, n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[1].revents)
			resized();
		for (nfds_t i = 2; i < n; i++) {
			struct stream *st = who[i];

			if (p[i].revents == 0)
				continue;
			if (st == NULL) {
				/* dive hung up while its keys waited. */
				if (R.b != -1 && p[i].fd == R.b)
					terminal_gone();
			} else if (done(st))
				continue;
			else if (st->len > st->off)
				drain(st);
			else
				fill(st);
		}
		if (p[0].revents)
			from_monitor();
	}
}
