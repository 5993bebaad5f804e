/*
 * The recorder of a recorded session (dived-recorder): a confined
 * program of its own, started by the monitor like the parser, that
 * stands between the program and the client, copies every byte between
 * them and records them (cast.h).  It reads what the client types, so it
 * runs confined as the parser does (confine.h), with an allow-list of
 * its own (sandbox.c): it holds descriptors, never a path.
 *
 * A program with a pseudo-terminal of its own (A) gets it as it would
 * unrecorded; the recorder holds A's master and makes nothing itself: the
 * monitor makes a second pair (B), whose master goes to dive as A's
 * would, and whose slave the recorder takes, raw, as its controlling
 * terminal, so that it hears of dive's resizes (SIGWINCH) and passes
 * them on to A.  The standard descriptors that are no terminal get pipes
 * instead, whose other ends the recorder copies to and from the client's
 * own descriptors: standard output and error always, standard input
 * when the input is recorded.
 *
 * Messages on the socketpair with the monitor, after PS_CONFINED:
 *
 * monitor to recorder:
 *   RC_TERMINAL u32: 1 when the client gave the terminal's size, so
 *               that dive's giving it to B will wake the recorder; two
 *               descriptors: A's master and B's slave
 *   RC_RECORD   struct rc_record; the recording's descriptor, then for
 *               each standard descriptor in pipes, from 0 up, the
 *               recorder's end of the program's pipe and the client's
 *               descriptor
 *   RC_END      no payload: the program's first process has ended
 *
 * recorder to monitor:
 *   RC_TERMINAL no payload: B is raw and the recorder's controlling
 *               terminal; its master may go to the client
 *   RC_READY    no payload: A has the caller's modes, or dive has not
 *               given B any within DIVE_RECORD_MODES_MS
 *   RC_STATE    struct rc_state: the recording was cut or failed
 *   RC_DRAINED  struct rc_state: after RC_END, the program's output is
 *               through to the client
 *
 * The monitor decodes the recorder's messages as it does the parser's:
 * fixed sizes, every field checked, nothing trusted.
 */
#ifndef DIVED_RECORDER_H
#define DIVED_RECORDER_H

#include <stdint.h>

#include "msgid.h"

struct rc_record {
	uint32_t	pipes;		/* PTY_* bits: the descriptors piped */
	uint32_t	input;		/* the client's input is recorded */
	uint32_t	cols, rows;	/* the size the header gives */
	uint64_t	header;		/* the header's bytes, written */
	uint64_t	max;		/* --record-max, 0 for none */
};

struct rc_state {
	uint32_t	state;		/* enum cast_state */
	uint32_t	err;		/* CAST_FAILED: the errno */
	uint64_t	bytes;		/* the recording's size */
};

/*
 * How often the recorder looks at B's modes while it waits for dive's,
 * when no SIGWINCH will tell it (a terminal without a size).
 */
#define RC_MODES_POLL_MS	10

/* Descriptors of the largest RC_RECORD: the recording and three pipes. */
#define RC_MAX_FDS	7

/* In the recorder program, once confined: serves the monitor on fd. */
void	recorder_run(int, int) __attribute__((noreturn));

#endif
