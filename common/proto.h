/*
 * The client protocol between dive and dived.
 *
 * Client to server, in this order:
 *   HELLO    u32 version
 *   FDS      u32 count, count x u32 target numbers; count descriptors
 *            attached (zero or more FDS frames, DIVE_FD_BATCH at most each)
 *   REQUEST  u32 umask, u32 flags, u32 waitmode, u32 sigfwmode,
 *            u32 pty, u32 rows, u32 cols,
 *            u32 argc, u32 envc, argc + envc NUL-terminated strings;
 *            the cwd, root and terminal descriptors named by flags attached
 *   or
 *   SEALED   u32 length: the payload REQUEST would carry, in a memfd of
 *            exactly length bytes sealed against any change (write,
 *            shrink, grow and seal: common/sealed.h), attached first,
 *            then the descriptors REQUEST would carry; for a large
 *            request, which then crosses no socket
 *   SIGNAL   u32 signo (any number of them, after REQUEST or SEALED)
 *
 * or, to ask what may run rather than to run it (dive -l):
 *   HELLO
 *   LIST     u32 argc, argc NUL-terminated strings: the command line
 *            asked about, or none for the whole list; no descriptor
 *            with it or before it, and nothing after it
 *
 * Server to client:
 *   HELLO    u32 version, u32 flags (first, always: before the request
 *            when the client has sent nothing but its HELLO yet, so
 *            that one may wait for it; else with the first answer)
 *   PTY      u32 pty of the request; the pseudo-terminal's master
 *            attached (when the request asked for one, before STARTED)
 *   STARTED  u32 pid, u32 flags
 *   EXIT     u32 how (EXITED or SIGNALED), u32 value
 *   ERROR    u32 exit status for dive, text (no NUL)
 *   LISTING  u32 exit status for dive, 0 (permitted) or 1 (not), and
 *            the answer to LIST, lines of text (no NUL) of at most
 *            DIVE_MAX_LISTING bytes
 */
#ifndef DIVE_PROTO_H
#define DIVE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "msgid.h"
#include "wire.h"

/* REQUEST flags: which descriptors are attached, in this order. */
#define REQ_HAS_CWD	0x1u
#define REQ_HAS_ROOT	0x2u
#define REQ_HAS_TTY	0x4u
#define REQ_FLAGS	(REQ_HAS_CWD | REQ_HAS_ROOT | REQ_HAS_TTY)

/*
 * REQUEST pty: the standard descriptors, by bit, that get the slave of a
 * pseudo-terminal the server makes; 0 for none.  The client sends no
 * descriptor of its own under those numbers and no terminal at all, and
 * gives the terminal's size in rows and columns (0 when unknown).
 */
#define PTY_STDIN	0x1u
#define PTY_STDOUT	0x2u
#define PTY_STDERR	0x4u
#define PTY_MASK	(PTY_STDIN | PTY_STDOUT | PTY_STDERR)
#define PTY_MAX_SIZE	0xffffu

/* A client's HELLO on the wire: the frame's header and the version. */
#define PROTO_HELLO_LEN	 ((int)(3 * sizeof(uint32_t)))

/* Server HELLO flags: the socket's pseudo-terminal rule (dived --pty). */
#define HELLO_PTY_FORCE	 0x1u	/* a terminal is never passed as it is */
#define HELLO_PTY_FORBID 0x2u	/* no pseudo-terminals */
#define HELLO_FLAGS	 (HELLO_PTY_FORCE | HELLO_PTY_FORBID)

/* Wait and signal-forwarding modes (DIVE_WAITMODE, DIVE_SIGFWMODE). */
#define WAIT_STATUS	0
#define WAIT_NONE	1
#define WAIT_HOLDERS	2
#define WAIT_MAX	2
#define SIGFW_NONE	0
#define SIGFW_PID	1
#define SIGFW_PGRP	2
#define SIGFW_MAX	2

/* STARTED flags. */
#define STARTED_NOSTATUS  0x1u	/* no EXIT will follow */
#define STARTED_SIGSOCKET 0x2u	/* forward signals over the socket */

#define EXIT_EXITED	0
#define EXIT_SIGNALED	1

/*
 * The fixed part of a request: the client sends these fields, the parser
 * passes them to the monitor and the monitor keeps them, always in this
 * type, and request_check_fixed() is the one set of rules for them.
 */
struct reqhead {
	uint32_t	  umask;
	uint32_t	  flags;	/* REQ_HAS_* */
	uint32_t	  waitmode;
	uint32_t	  sigfwmode;
	uint32_t	  pty;		/* PTY_* */
	uint32_t	  rows, cols;
	uint32_t	  argc;
	uint32_t	  envc;
};

struct request {
	struct reqhead	  head;
	const char	**argv;	/* argc + 1, pointing into the frame */
	const char	**envp;	/* envc + 1 */
};

/* Number of descriptors attached to a REQUEST with these flags. */
size_t	request_nauxfds(uint32_t);
/*
 * Checks the fixed part of a request: umask, flags, modes, the
 * pseudo-terminal fields against the flags, and the string counts;
 * -1 with *why set when it breaks a rule.  Both decoders use it.
 */
int	request_check_fixed(const struct reqhead *, const char **);
/*
 * True for an environment entry of the form NAME=value with a name.  The
 * wire decoder and the monitor refuse any other, and dive sends none.
 */
int	env_entry_ok(const char *);

/*
 * The descriptor numbers a request has taken, one bit each: the parser
 * and the monitor each keep one, so that no number is given twice.
 */
struct fdbits {
	unsigned char	  bit[DIVE_MAX_FDNUM / 8 + 1];
};

/* Takes a number: -1 when it is over DIVE_MAX_FDNUM or taken already. */
int	fdbits_take(struct fdbits *, uint32_t);
int	fdbits_has(const struct fdbits *, uint32_t);
/* Those of 0, 1 and 2 taken, as PTY_* bits. */
uint32_t fdbits_std(const struct fdbits *);

/* A request's fixed words on the wire, before its strings. */
#define REQ_WORDS	9

/*
 * A request's pieces for frame_sendv: its fixed words, written into
 * words, which must last until the frame is sent, then its strings
 * where they are.
 */
void	proto_request_iovs(struct iovs *, uint32_t [REQ_WORDS],
	    const struct request *);
/* The same, copied into one buffer. */
int	proto_encode_request(struct wbuf *, const struct request *);
/*
 * Decodes and checks a REQUEST payload.  On failure returns -1 and points
 * *why at a static description.  argv and envp are allocated; free them
 * with request_free.
 */
int	proto_decode_request(const unsigned char *, size_t, struct request *,
	    const char **);
void	request_free(struct request *);

/* A LIST request: the command line asked about, argc 0 for none. */
struct listreq {
	uint32_t	  argc;
	const char	**argv;	/* argc + 1, pointing into the frame */
};

#define LISTING_PERMITTED	0
#define LISTING_NOT		1

/*
 * The rules of a LIST request, which both decoders apply: its argument
 * count, and no descriptor with it or before it (nfds, in all); -1 with
 * *why set when it breaks one.
 */
int	list_check(uint32_t, size_t, const char **);
int	proto_encode_list(struct wbuf *, const struct listreq *);
/*
 * Decodes and checks a LIST payload that came with or after nfds
 * descriptors.  -1 with *why on failure; else argv is allocated, to be
 * freed with listreq_free.
 */
int	proto_decode_list(const unsigned char *, size_t, size_t,
	    struct listreq *, const char **);
void	listreq_free(struct listreq *);
/* LISTING: the status and len bytes of text (at most DIVE_MAX_LISTING). */
int	proto_send_listing(int, uint32_t, const char *, size_t);
/* The status and the text, pointing into the payload; -1 if malformed. */
int	proto_decode_listing(const unsigned char *, size_t, uint32_t *,
	    const char **, size_t *);

/* FDS payload: count and target numbers. */
int	proto_decode_fds(const unsigned char *, size_t, uint32_t *, size_t,
	    size_t *, const char **);

/* A u32 or two u32 payload. */
int	proto_decode_u32(const unsigned char *, size_t, uint32_t *);
int	proto_decode_u32x2(const unsigned char *, size_t, uint32_t *,
	    uint32_t *);

/*
 * The server's HELLO.  The decoder takes the version alone too, as older
 * servers sent it, so that dive can name the version it does not speak;
 * the flags are then 0.
 */
int	proto_send_hello(int, uint32_t);
int	proto_decode_hello(const unsigned char *, size_t, uint32_t *,
	    uint32_t *);

/* PTY, with the master attached. */
int	proto_send_pty(int, uint32_t, int);

int	proto_send_u32(int, uint32_t, uint32_t);
int	proto_send_u32x2(int, uint32_t, uint32_t, uint32_t);
int	proto_send_error(int, uint32_t, const char *);
/* A u32 status and a text of at most DIVE_MAX_ERRTEXT bytes, no NUL. */
int	proto_send_text(int, uint32_t, uint32_t, const char *);

/* True for NAME=VALUE strings whose name starts with DIVE_. */
int	env_is_dive(const char *);

#endif
