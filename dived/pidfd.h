/*
 * The pid a pidfd pins, in dived's pid namespace: -1 once the process is
 * reaped, when it is outside that namespace, or for a descriptor that is
 * no pidfd.
 */
#ifndef DIVED_PIDFD_H
#define DIVED_PIDFD_H

#include <sys/types.h>

pid_t	pidfd_pid(int);

/* The same read from /proc/self/fdinfo, as before Linux 6.13. */
pid_t	pidfd_pid_fdinfo(int);

#endif
