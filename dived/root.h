#ifndef DIVED_ROOT_H
#define DIVED_ROOT_H

#include <stddef.h>

#include "iso.h"

/*
 * Changes the root as iso says; clientroot is the client's root
 * directory or -1.  A program confined to its root (policy.h) keeps no
 * old root of -V.  With -W, *serverroot is left open on dived's root,
 * for the program to start in; else -1.  -1 with a message.
 */
int	root_enter(const struct isolation *, int, int, int *, char *, size_t);

/*
 * What a descriptor would let a program confined to a root reach outside
 * it: a directory, an O_PATH descriptor, a namespace or a process (whose
 * descriptors pidfd_getfd(2) takes, and whose namespaces setns(2) joins);
 * NULL for none of those.
 */
const char *root_way_out(int);

#endif
