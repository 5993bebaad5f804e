/*
 * The unit tests: each t_*.c file has one entry point, and every check
 * prints one line, "ok NAME" or "FAIL NAME: DETAIL", for regress/run to
 * count.  A name says what breaks when the check fails.
 */
#ifndef UNIT_H
#define UNIT_H

/* Reports one check; returns cond so a test can stop after a failure. */
int	check(int, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
#define CHECK(cond, name)	check(!!(cond), (name), "%s", #cond)

/* How many failed so far. */
int	failures(void);

/* Open descriptors, to show that an error path leaks none. */
int	count_fds(void);

/* True when b holds the n strings of a and then NULL. */
int	same_strv(const char *const *, const char *const *, size_t);

void	t_proto(void);
void	t_privsep(void);
void	t_options(void);
void	t_policy(void);
void	t_iso(void);
void	t_rules(void);
void	t_sha256(void);
void	t_peer(void);
void	t_audit(void);
void	t_describe(void);
void	t_jsonstr(void);
void	t_cast(void);
void	t_pidfd(void);

#endif
