/* Resource limits (-l) and the program's cgroup (--cgroup). */
#ifndef DIVED_RLIMITS_H
#define DIVED_RLIMITS_H

#include <sys/resource.h>
#include <sys/types.h>

#include <stddef.h>

#include "iso.h"

/*
 * While still privileged: every -l limit but the descriptor one, whose
 * hard limit is only raised here; descriptors are placed later.
 */
int	limits_before(const struct isolation *, char *, size_t);
/* Last: the descriptor limit, -l nofile's or else dflt. */
int	limits_nofile(const struct isolation *, const struct rlimit *, char *,
	    size_t);
/* Writes pid (0: this process) to the cgroup's cgroup.procs. */
int	cgroup_join(const char *, pid_t, char *, size_t);

#endif
