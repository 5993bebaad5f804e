/*
 * Test builds only (dived-hooks, -DDIVE_TESTHOOKS; dived/testhook.c is
 * linked into no other program).
 */
#ifndef DIVED_TESTHOOK_H
#define DIVED_TESTHOOK_H

/*
 * The program's setup has joined -N's and --enter's namespaces: with
 * DIVED_TESTHOOK_JOINED_MS in dived's own environment it waits that many
 * milliseconds, so that regress/integration/97-attacks-ns.sh can attack
 * it from inside the joined namespaces at that moment.
 */
void	testhook_joined(void);

#endif
