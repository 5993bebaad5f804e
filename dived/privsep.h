/*
 * Messages from the parser to the monitor, over their socketpair, and
 * from the program's process under --init to the monitor.
 *
 * The parser encodes only requests it has already checked; the monitor
 * trusts none of that and decodes with the fixed-format decoder here,
 * re-checking every count, length and bound.
 *
 *   PS_CONFINED no payload: the parser has confined itself; its first
 *             message, before any client
 *   PS_FDS    u32 count, count x u32 target numbers; count descriptors
 *   PS_SPAWN  struct ps_spawn, then argc + envc NUL-terminated strings
 *             filling exactly strbytes; the aux descriptors of flags
 *   PS_SEALED struct ps_sealed; the client's sealed memfd (MSG_SEALED),
 *             then the aux descriptors of the request in it: the monitor
 *             decodes that request itself, as the parser did, and drops
 *             its DIVE_* variables
 *   PS_LIST   struct ps_list, then argc NUL-terminated strings filling
 *             exactly strbytes; no descriptor, with it or before it:
 *             the client asks what it may run (dive -l), or whether this
 *             command line may run
 *   PS_SIGNAL u32 signo
 *   PS_FAIL   u32 exit status for dive, text: the request was refused
 *
 * and the one message the other way, first, to a parser started before
 * its client came:
 *
 *   PS_CLIENT u32 the peer's uid (for the title); one descriptor, the
 *             client's connection
 *
 * With --init, the program's process, the reaper's child, sends the
 * monitor on a socketpair of their own:
 *
 *   PS_PROGRAM no payload; one descriptor, a pidfd of that process
 */
#ifndef DIVED_PRIVSEP_H
#define DIVED_PRIVSEP_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "msgid.h"
#include "proto.h"

#define PS_MAGIC	0x7370776eu

struct ps_spawn {
	uint32_t	magic;
	struct reqhead	head;
	uint32_t	nfds;		/* descriptors sent by PS_FDS before */
	uint32_t	strbytes;
};

#define PS_SEALED_MAGIC	0x7365616cu

struct ps_sealed {
	uint32_t	magic;
	uint32_t	nfds;		/* descriptors sent by PS_FDS before */
	uint32_t	len;		/* the memfd's bytes */
};

#define PS_LIST_MAGIC	0x6c697374u

struct ps_list {
	uint32_t	magic;
	uint32_t	argc;
	uint32_t	strbytes;
};

/*
 * What the monitor holds once a request is accepted.  A list request
 * has only its command line, in head.argc and argv.
 */
struct spawn_req {
	int		  list;		/* PS_LIST: nothing is to run */
	struct reqhead	  head;		/* head.pty: where the slave goes */
	int		  cwdfd, rootfd, ttyfd;	/* -1 when absent */
	int		  ptyfd;	/* the slave, made by the monitor */
	size_t		  nfds;
	int		 *fds;		/* the client's descriptors... */
	uint32_t	 *targets;	/* ...and the numbers they get */
	const char	**argv;		/* pointing into strings */
	const char	**envp;
	unsigned char	 *strings;
	const unsigned char *map;	/* or a sealed request's mapping */
	size_t		  maplen;
	struct fdbits	  seen;		/* targets taken */
};

void	spawn_req_init(struct spawn_req *);
void	spawn_req_free(struct spawn_req *);

/*
 * Monitor side.  Each returns 0, or -1 with *why pointing at a static
 * description; on failure every descriptor given to it has been closed
 * or kept in the request for spawn_req_free.
 */
int	ps_take_fds(struct spawn_req *, const unsigned char *, size_t,
	    const int *, size_t, const char **);
int	ps_take_spawn(struct spawn_req *, unsigned char *, size_t,
	    const int *, size_t, const char **);
int	ps_take_sealed(struct spawn_req *, unsigned char *, size_t,
	    const int *, size_t, const char **);
int	ps_take_list(struct spawn_req *, unsigned char *, size_t,
	    const int *, size_t, const char **);

/*
 * A PS_FAIL: the exit status (1-255, else DIVE_EXIT_FAILURE) and the text,
 * cut to fit and NUL-terminated; still raw, for the caller to escape.
 * -1 when the message is too short.
 */
int	ps_take_fail(const unsigned char *, size_t, uint32_t *, char *,
	    size_t);

/*
 * Parser side, and the parser's start: says why on the monitor socket
 * (PS_FAIL with the status and the text) and exits.
 */
void	ps_fail(int, uint32_t, const char *, ...)
	    __attribute__((noreturn, format(printf, 3, 4)));

/* Parser side: the spawn header and strings, ready to send. */
struct wbuf;
void	ps_encode_spawn(struct wbuf *, const struct ps_spawn *,
	    const char *const *, const char *const *);
/* Parser side: a list request's header and command line, ready to send. */
void	ps_encode_list(struct wbuf *, const struct ps_list *,
	    const char *const *);

#endif
