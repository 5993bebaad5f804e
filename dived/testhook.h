/*
 * Test builds only (-DDIVE_TESTHOOKS): dived/testhook.c is linked into
 * dived-hooks and dived/parser_hooks.c into dived-parser-hooks, and into
 * no other program.
 */
#ifndef DIVED_TESTHOOK_H
#define DIVED_TESTHOOK_H

#include <stddef.h>
#include <stdint.h>

/*
 * With the variable named in dived's own environment, waits that many
 * milliseconds, so that a test can attack dived at that moment:
 * DIVED_TESTHOOK_JOINED_MS when the program's setup has joined -N's and
 * --enter's namespaces (regress/integration/97-attacks-ns.sh),
 * DIVED_TESTHOOK_BOUND_MS when the socket file is bound and its owner
 * and mode not yet set (regress/integration/96-attacks.sh),
 * DIVED_TESTHOOK_SPARE_MS when a spare monitor is about to start its
 * parser (regress/integration/80-server.sh).
 */
void	testhook_pause(const char *);

/*
 * In the parser, for a request whose argv[0] is "@dive-testhook:NAME":
 * acts as a compromised parser would, on the monitor socket given, and
 * returns 1 when it returns at all (the request is used); 0 for any other
 * request.
 */
struct request;
int	parser_testhook(int, const struct request *, uint32_t);

/*
 * In the parser, for each batch of the client's descriptors: a batch
 * that names descriptor 77 goes on with the numbers from 3 up in reverse
 * order, as a compromised parser may send them, so that the monitor must
 * place descriptors whose numbers and targets wait on each other.
 */
void	parser_fds_testhook(uint32_t *, size_t);

/*
 * In the recorder, for what the client types: "@dive-testhook:NAME" in
 * it makes the recorder, already confined, act as one the client took
 * over would, trying a system call its filter forbids.
 */
void	recorder_testhook(const unsigned char *, size_t);

#endif
