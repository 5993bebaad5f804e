/*
 * Error messages returned through a caller's buffer.
 *
 * How a failure is reported depends on the layer, one way in each:
 *
 *  - system-call wrappers (common/wire.c, common/sock.c):
 *    -1 with errno set, as the calls they wrap;
 *  - decoders of what another process sent (common/proto.c,
 *    dived/privsep.c): -1 with a const char **why pointed at a static
 *    description, so that the parser, which has no buffers to spare and
 *    must not format what a client chose, can report it;
 *  - everything that checks options, rules and decisions, and prepares a
 *    program (options, config, policy, rules, ns, root, pty, launch,
 *    sockfile...):
 *    -1 with the message formatted into the caller's char *, size_t by
 *    errbuf, which the caller passes on untouched;
 *  - the monitor's steps call refuse() (dived/monitor.h), and the
 *    program's setup steps step_failed() (dived/spawn.c): neither
 *    returns, both tell the client.
 */
#ifndef DIVE_ERRBUF_H
#define DIVE_ERRBUF_H

#include <stddef.h>

/* Formats a message into buf and returns -1, for "return errbuf(...)". */
int	errbuf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
