/*
 * Hard bounds on everything a client may send, and the timeouts that keep
 * a session from stalling.  Every decoder checks against these names; a
 * value over a bound is an error, never truncated.
 */
#ifndef DIVE_BOUNDS_H
#define DIVE_BOUNDS_H

/* Protocol version; both sides refuse any other. */
#define DIVE_PROTO_VERSION	5

/* The payload of one framed message. */
#define DIVE_MAX_MSG		(4u * 1024 * 1024)

/* Arguments and environment: counts, one string, all strings together. */
#define DIVE_MAX_ARGS		65536
#define DIVE_MAX_ENV		65536
#define DIVE_MAX_STRING		(128u * 1024)	/* MAX_ARG_STRLEN */
#define DIVE_MAX_STRBYTES	(DIVE_MAX_MSG - 4096)

/* Descriptors passed from the client, and how many travel per sendmsg. */
#define DIVE_MAX_FDS		1024
#define DIVE_FD_BATCH		128
#define DIVE_MAX_FDNUM		65535	/* highest descriptor number kept */

/* Descriptors of the request besides the client's: cwd, root, terminal. */
#define DIVE_MAX_AUXFDS		3

/* Error text carried to the client. */
#define DIVE_MAX_ERRTEXT	1024

/* The answer to a list request (dive -l), cut with a note when longer. */
#define DIVE_MAX_LISTING	(64u * 1024)

/* Seconds a client has to send its whole request (default). */
#define DIVE_REQUEST_TIMEOUT	30
#define DIVE_MAX_REQUEST_TIMEOUT 3600

/* Seconds dived waits at start for a first parser to confine itself. */
#define DIVE_START_TIMEOUT	30

/* Sessions at once, in all and per peer uid (defaults; options change them). */
#define DIVE_MAX_SESSIONS	256
#define DIVE_MAX_PER_UID	32
#define DIVE_SPARES		1	/* monitors started ahead */
#define DIVE_MAX_SPARES		64
#define DIVE_MAX_SESSIONS_LIMIT	65536

/* Signals that may be forwarded through the socket. */
#define DIVE_MAX_SIGNAL		64

/* The peer's groups (SO_PEERGROUPS), as many as the kernel allows. */
#define DIVE_MAX_PEERGROUPS	65536

/*
 * Once a relayed program has ended, dive copies the output still coming
 * until it pauses this long, or for this long in all when more keeps
 * coming from a process the program left running (milliseconds).
 */
#define DIVE_DRAIN_QUIET_MS	200
#define DIVE_DRAIN_MAX_MS	1000

/*
 * Recorded sessions: the bytes the recorder reads from one side at a
 * time and holds until the other side takes them (its whole buffer for
 * each direction, whatever a client or a program sends), and the most
 * --record-max allows.
 */
#define DIVE_RECORD_CHUNK	4096
#define DIVE_MAX_RECORD_MAX	(1ULL << 40)

/*
 * How long the recorder waits for dive to give a pseudo-terminal the
 * caller's modes and size before the program may start without them,
 * and how long the monitor waits for the recorder's answers at most
 * (milliseconds).
 */
#define DIVE_RECORD_MODES_MS	300
#define DIVE_RECORD_REPLY_MS	10000

/*
 * How long the recorder may still pass the program's last output on to
 * the client once the client has heard the end: as long as dive reads
 * it at most, and a little more (milliseconds).
 */
#define DIVE_RECORD_LINGER_MS	(DIVE_DRAIN_MAX_MS + 1000)

/* Seconds between SIGTERM and SIGKILL when a time limit is reached. */
#define DIVE_KILL_GRACE		3

/* Exit statuses of dive itself, following env(1) and chroot(1). */
#define DIVE_EXIT_USAGE		4
#define DIVE_EXIT_FAILURE	125
#define DIVE_EXIT_NOEXEC	126
#define DIVE_EXIT_NOTFOUND	127

#endif
