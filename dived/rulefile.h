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

/*
 * The rule set in force is the one the master read last.  It shares the
 * SHA-256 of its text with its monitors in a page of its own (a parser or
 * a program execs, and has none): rulefile_share maps it, and
 * rulefile_publish writes cfg->rules' sum there after each read.
 */
int	rulefile_share(struct config *);
void	rulefile_publish(const struct config *);
/*
 * The rules in force for a decision taken now: *rs when its sum is the
 * one published, otherwise the file read again, when its text is the one
 * published, put in *rs (the old set is not freed: records may point into
 * it).  -1 with a message when the file no longer holds the rules in force.
 */
int	rulefile_in_force(const struct config *, const struct ruleset **,
	    char *, size_t);

/* --check-policy: validates, and with --as tells what would happen. */
void	rulefile_check(struct config *) __attribute__((noreturn));

#endif
