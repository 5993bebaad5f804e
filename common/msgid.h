/*
 * The type of every framed message dived and dive exchange (wire.h), one
 * range per conversation, so that a message sent on the wrong socket is
 * never taken for another.  Their payloads are described where each
 * conversation is: proto.h, dived/privsep.h, dived/dived.h.
 */
#ifndef DIVE_MSGID_H
#define DIVE_MSGID_H

/* dive and dived ("DV"): common/proto.h. */
enum {
	MSG_HELLO = 0x44560001,
	MSG_FDS,
	MSG_REQUEST,
	MSG_SIGNAL,
	MSG_STARTED,
	MSG_EXIT,
	MSG_ERROR,
	MSG_PTY,
	MSG_LIST,
	MSG_LISTING,
	MSG_SEALED,
};

/*
 * A monitor and its parser, and a program's process under --init and
 * its monitor ("PS"): dived/privsep.h.
 */
enum {
	PS_FDS = 0x50530001,
	PS_SPAWN,
	PS_SIGNAL,
	PS_FAIL,
	PS_CLIENT,
	PS_PROGRAM,
	PS_CONFINED,
	PS_LIST,
	PS_SEALED,
};

/*
 * A monitor and the recorder of a recorded session ("RC"):
 * dived/recorder.h.  The recorder reports its confinement as the parser
 * does, with PS_CONFINED or PS_FAIL.
 */
enum {
	RC_TERMINAL = 0x52430001,
	RC_READY,
	RC_RECORD,
	RC_STATE,
	RC_END,
	RC_DRAINED,
};

/* The master and a spare monitor ("MC"): dived/dived.h. */
enum {
	MASTER_CLIENT = 0x4d430001,
	SPARE_READY,
	SPARE_FAILED,
};

#endif
