/*
 * A list request (dive -l): what the client may run, or whether one
 * command line may run.  The answer comes from the client's identity as
 * the kernel gives it and from the decision a request would get; it
 * names only rules whose identity matches the client.  Nothing runs:
 * there is no pseudo-terminal, no -a command and no program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "describe.h"
#include "log.h"
#include "monitor.h"

/* "uid N (name)", the client as the answer and the log name it. */
static void
client(struct session *s, struct text *t, char *buf, size_t len)
{
	char *name = NULL;

	if (s->peer.name != NULL &&
	    (name = text_escape(t, s->peer.name)) == NULL)
		refuse(s, DIVE_EXIT_FAILURE, "out of memory");
	snprintf(buf, len, "uid %lu%s%s%s", (unsigned long)s->peer.uid,
	    name != NULL ? " (" : "", name != NULL ? name : "",
	    name != NULL ? ")" : "");
	free(name);
}

/*
 * The rules whose identity matches the client, in the file's order;
 * those of others are neither shown nor counted.  -1 when none of them
 * permits anything, with the reason.
 */
static int
list_rules(struct session *s, struct text *t, char *why, size_t len)
{
	const struct peer *p = &s->peer;
	const struct rule *r;
	char who[300];
	int any = 0, permits = 0;

	client(s, t, who, sizeof(who));
	for (size_t i = 0; i < s->rules->nrules; i++) {
		r = &s->rules->rules[i];
		if (!rules_who_matches(r, p->uid, p->gid, p->groups,
		    p->ngroups))
			continue;
		if (!any)
			text_line(t, "rules for %s, in order; the first that "
			    "matches a command line decides:", who);
		any = 1;
		permits += r->permit;
		describe_rule(t, s->cfg->o.policy, r);
	}
	if (permits > 0)
		return 0;
	snprintf(why, len, "no rule permits %s to run anything", who);
	text_line(t, "%s", why);
	return -1;
}

/* Without rules: what the options give every request of the client. */
static int
list_options(struct session *s, const struct baseline *b, struct text *t,
    char *why, size_t len)
{
	text_line(t, "no rules: dived's options decide every request");
	if (policy_options(b, &s->peer, &s->dec, why, len) == -1) {
		describe_verdict(t, NULL, &s->dec, 0, why, 0);
		return -1;
	}
	describe_options(t, b, &s->dec);
	return 0;
}

/* The log's line for the answer, as refuse() and decide() write theirs. */
static void
log_answer(struct session *s, enum outcome o, const char *why)
{
	char argv[2048], rule[64] = "";

	if (s->req.head.argc > 0) {
		argv[0] = ' ';
		log_quotev(s->req.argv, argv + 1, sizeof(argv) - 1);
	} else
		argv[0] = '\0';
	if (o == OUTCOME_PERMITTED && s->dec.rule != NULL)
		snprintf(rule, sizeof(rule), " by the rule at line %d",
		    s->dec.rule->line);
	logmsg(LOG_INFO, "session %s: peer pid %ld uid %lu gid %lu user %s: "
	    "list%s: %s%s%s", s->id, (long)s->peer.pid,
	    (unsigned long)s->peer.uid, (unsigned long)s->peer.gid,
	    s->peer.name ? s->peer.name : "-", argv,
	    o == OUTCOME_LISTED ? "listed" : o == OUTCOME_PERMITTED ?
	    "permitted" : "denied: ", o == OUTCOME_NOT_PERMITTED ? why : "",
	    rule);
}

void
answer_list(struct session *s)
{
	struct baseline b;
	struct text t;
	enum outcome o;
	char why[1024];
	int r;

	policy_now(s, &b);
	text_init(&t, DIVE_MAX_LISTING);
	if (s->req.head.argc > 0) {
		r = judge(s, &b, why, sizeof(why));
		describe_verdict(&t, s->rules != NULL ? s->cfg->o.policy :
		    NULL, &s->dec, r == 0, why, 0);
		o = r == 0 ? OUTCOME_PERMITTED : OUTCOME_NOT_PERMITTED;
	} else {
		r = s->rules != NULL ? list_rules(s, &t, why, sizeof(why)) :
		    list_options(s, &b, &t, why, sizeof(why));
		o = r == 0 ? OUTCOME_LISTED : OUTCOME_NOT_PERMITTED;
	}
	if (text_end(&t) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "out of memory");
	/* No answer without its record. */
	if (record(s, o, r == 0 ? NULL : why, 0) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "the audit log cannot be written");
	log_answer(s, o, why);
	session_over(s);
	(void)greet(s);
	proto_send_listing(s->client, r == 0 ? LISTING_PERMITTED : LISTING_NOT,
	    t.buf != NULL ? t.buf : "", t.len);
	stop_parser(s);
	_exit(0);
}
