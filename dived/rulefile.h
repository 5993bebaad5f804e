/* The rule file on disk: read, parsed, checked (--check-policy). */
#ifndef DIVED_RULEFILE_H
#define DIVED_RULEFILE_H

#include "rules.h"

struct config;

/*
 * Reads and parses the file, and checks each rule against the options of
 * the config (policy_check_rule).  Each error goes to say as
 * "FILE:LINE:COL: message"; NULL when there was any.
 */
struct ruleset *rulefile_load(const char *, const struct config *,
	    void (*)(const char *));

/* --check-policy: validates, and with --as tells what would happen. */
void	rulefile_check(struct config *) __attribute__((noreturn));

#endif
