/* What every dived process shares: options and derived settings. */
#ifndef DIVED_DIVED_H
#define DIVED_DIVED_H

#include <sys/resource.h>

#include "options.h"
#include "sandbox.h"

struct config {
	struct options	o;
	struct privsep	ps;
	int		privileged;	/* root: may change credentials */
	struct rlimit	nofile;		/* as dived found it, for programs */
};

void	master_run(const struct config *) __attribute__((noreturn));
void	monitor_run(const struct config *, int, unsigned long)
	    __attribute__((noreturn));

#endif
