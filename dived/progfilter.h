/*
 * The program's own seccomp filter: --restrict-families and
 * --deny-syscalls.  Loaded last before execve.
 */
#ifndef DIVED_PROGFILTER_H
#define DIVED_PROGFILTER_H

#include <stddef.h>

#include "iso.h"

int	progfilter_load(const struct isolation *, char *, size_t);

#endif
