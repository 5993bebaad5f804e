/*
 * What a rule, a decision and dived's options say, as lines of text: the
 * one printer of dived --check-policy and of the answer to dive -l.
 * Every string from the rule file, the options or the client is escaped
 * on its way in, so that the text cannot act on the terminal that shows
 * it.
 */
#ifndef DIVED_DESCRIBE_H
#define DIVED_DESCRIBE_H

#include <stddef.h>

#include "policy.h"

/*
 * Lines being built, each added whole or not at all.  With a bound, a
 * line that would take the text past it (less room for the note that
 * says so) is left out with every line after it, and text_end adds that
 * note.
 */
struct text {
	char	*buf;		/* NUL-terminated */
	size_t	 len, cap;
	size_t	 max;		/* bytes at most, note included; 0: none */
	int	 cut;
	int	 nomem;
};

void	text_init(struct text *, size_t);
void	text_line(struct text *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Adds the note of a cut text; -1 when memory ran out on the way. */
int	text_end(struct text *);
void	text_free(struct text *);
/*
 * s with each byte that is not UTF-8, and each character a terminal or
 * a reader could act on (utf8_unsafe), written as \ooo, to be freed;
 * NULL, and t marked, when out of memory.
 */
char	*text_escape(struct text *, const char *);

/* "rule: FILE:LINE: TEXT", the rule as its file has it. */
void	describe_rule(struct text *, const char *, const struct rule *);

#define DESCRIBE_ENV	0x1	/* the environment's entries, values too */

/*
 * What a decision gives the program, one line each: its command line
 * (when d has one), the identity it runs as, with DESCRIBE_ENV its
 * environment, whether it gets the client's directory, descriptors and
 * umask, its root, namespaces, time limit, die-with-client,
 * capabilities and no_new_privs.
 */
void	describe_decision(struct text *, const struct decision *, int);

/*
 * The answer to "may this command line run?": with a rule file (its
 * name, else NULL) the rule that decides, or that none matches; then
 * "denied: " and the reason, or "allowed" and the decision.
 */
void	describe_verdict(struct text *, const char *, const struct decision *,
	    int, const char *, int);

/*
 * Without rules, what the options allow every request: the command line
 * they force, if any, then the decision of policy_options.
 */
void	describe_options(struct text *, const struct baseline *,
	    const struct decision *);

#endif
