/*
 * The rule file's parser and matcher.  A line is one rule; words are
 * split on blanks, "quoted" words may hold blanks, \" and \\, and are
 * never keywords.  Every error is kept with its line and column, and
 * parsing goes on with the next line so that one run reports them all.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct word {
	char	*s;
	int	 col;
	int	 quoted;
};

struct parse {
	struct ruleset		 *rs;
	const struct rules_names *names;
	struct rules_errors	 *errs;
	int			  line;
	struct word		  w[RULES_MAX_WORDS];
	size_t			  nw;
	size_t			  i;		/* next word */
	int			  nomem;
};

static int __attribute__((format(printf, 3, 4)))
error(struct parse *p, int col, const char *fmt, ...)
{
	struct rules_error *e;
	va_list ap;

	p->errs->total++;
	if (p->errs->n == RULES_MAX_ERRORS)
		return -1;
	e = &p->errs->e[p->errs->n++];
	e->line = p->line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The column just past the last word, for "missing" messages. */
static int
end_col(const struct parse *p)
{
	const struct word *w;

	if (p->nw == 0)
		return 1;
	w = &p->w[p->nw - 1];
	return w->col + (int)strlen(w->s) + (w->quoted ? 2 : 0);
}

/*
 * Splits the line from s to end into words, unquoting them in place (a
 * word never grows).  -1 after an error.
 */
static int
split(struct parse *p, char *s, char *end)
{
	char *line = s, *out;

	p->nw = 0;
	p->i = 0;
	while (s < end) {
		int col = (int)(s - line) + 1;

		if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
			continue;
		}
		if (*s == '#')
			break;
		if (p->nw == RULES_MAX_WORDS)
			return error(p, col, "more than %d words on a line",
			    RULES_MAX_WORDS);
		p->w[p->nw].s = out = s;
		p->w[p->nw].col = col;
		p->w[p->nw].quoted = *s == '"';
		if (*s == '"') {
			for (s++;; s++) {
				if (s == end)
					return error(p, col, "unterminated "
					    "quoted word");
				if (*s == '"')
					break;
				if (*s == '\\') {
					if (s + 1 == end || (s[1] != '"' &&
					    s[1] != '\\'))
						return error(p, (int)(s -
						    line) + 1, "unknown escape "
						    "in a quoted word (only \\\" "
						    "and \\\\)");
					s++;
				}
				*out++ = *s;
			}
			s++;
			if (s < end && *s != ' ' && *s != '\t' && *s != '\r')
				return error(p, (int)(s - line) + 1, "a quoted "
				    "word must end at a blank");
		} else {
			while (s < end && *s != ' ' && *s != '\t' &&
			    *s != '\r') {
				if (*s == '"')
					return error(p, (int)(s - line) + 1,
					    "a quote inside a word");
				s++;
			}
			out = s;
		}
		p->nw++;
		/* The terminator may overwrite the blank after the word. */
		if (s < end)
			s++;
		*out = '\0';
	}
	return 0;
}

static struct word *
next(struct parse *p)
{
	return p->i < p->nw ? &p->w[p->i++] : NULL;
}

static int
is(const struct word *w, const char *kw)
{
	return w != NULL && !w->quoted && strcmp(w->s, kw) == 0;
}

static int
digits(const char *s, uint32_t *v)
{
	unsigned long long n = 0;

	if (*s == '\0' || strlen(s) > 10)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (unsigned long long)(*s - '0');
	}
	if (n >= UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int
group_id(struct parse *p, const struct word *w, const char *name, gid_t *gid)
{
	uint32_t v;

	if (digits(name, &v) == 0) {
		*gid = v;
		return 0;
	}
	if (*name == '\0')
		return error(p, w->col, "empty group name");
	if (p->names->group(p->names->arg, name, gid) == -1)
		return error(p, w->col, "%s: no such group", name);
	return 0;
}

/* *, USER, :GROUP, or their numbers. */
static int
identity(struct parse *p, struct rule *r)
{
	struct word *w;
	uint32_t v;
	gid_t gid;
	uid_t uid;

	if ((w = next(p)) == NULL)
		return error(p, end_col(p), "missing identity: a user, "
		    ":group or *");
	r->who_text = w->s;
	if (!w->quoted && strcmp(w->s, "*") == 0) {
		r->who = WHO_ANY;
		return 0;
	}
	if (w->s[0] == ':') {
		r->who = WHO_GID;
		if (group_id(p, w, w->s + 1, &gid) == -1)
			return -1;
		r->id = gid;
		return 0;
	}
	r->who = WHO_UID;
	if (digits(w->s, &v) == 0) {
		r->id = v;
		return 0;
	}
	if (w->s[0] == '\0')
		return error(p, w->col, "empty user name");
	if (p->names->user(p->names->arg, w->s, &uid, &gid) == -1)
		return error(p, w->col, "%s: no such user", w->s);
	r->id = uid;
	return 0;
}

/* as USER or as USER:GROUP,GROUP,... (the first group is the gid). */
static int
target(struct parse *p, struct rule *r, struct word *w)
{
	char *user = w->s, *groups, *g;
	uint32_t v;
	int found;

	if ((groups = strchr(user, ':')) != NULL)
		*groups++ = '\0';
	if (*user == '\0')
		return error(p, w->col, "as: empty user name");
	found = p->names->user(p->names->arg, user, &r->as_uid,
	    &r->as_gid) == 0;
	if (!found && digits(user, &v) == 0)
		r->as_uid = v;
	else if (!found)
		return error(p, w->col, "as %s: no such user", user);
	if (digits(user, &v) != 0)
		r->as_user = user;
	if (!found && groups == NULL)
		return error(p, w->col, "as %s: no such user; give its groups "
		    "as %s:GROUP", user, user);
	r->as_set = 1;
	if (groups == NULL)
		return 0;
	if (*groups == '\0')
		return error(p, w->col, "as %s: empty group list", user);
	while ((g = strsep(&groups, ",")) != NULL) {
		if (r->as_ngroups == RULES_MAX_GROUPS)
			return error(p, w->col, "as %s: more than %d groups",
			    user, RULES_MAX_GROUPS);
		if (group_id(p, w, g, &r->as_groups[r->as_ngroups]) == -1)
			return -1;
		r->as_ngroups++;
	}
	r->as_gid = r->as_groups[0];
	return 0;
}

/* Words up to the end of the line, as a NULL-terminated vector. */
static int
rest(struct parse *p, char ***v, size_t *n)
{
	size_t i;

	*n = p->nw - p->i;
	if ((*v = calloc(*n + 1, sizeof(**v))) == NULL) {
		p->nomem = 1;
		return -1;
	}
	for (i = 0; i < *n; i++)
		(*v)[i] = next(p)->s;
	return 0;
}

static int
command(struct parse *p, struct rule *r)
{
	struct word *w;

	if ((w = next(p)) == NULL)
		return error(p, end_col(p), "cmd: missing the program's path");
	if (w->s[0] != '/')
		return error(p, w->col, "cmd %s: not an absolute path", w->s);
	r->cmd = w->s;
	if ((w = next(p)) == NULL)
		return 0;
	if (is(w, "args"))
		r->args_mode = ARGS_EXACT;
	else if (is(w, "prefix"))
		r->args_mode = ARGS_PREFIX;
	else
		return error(p, w->col, "%s: expected args or prefix after "
		    "the command", w->s);
	return rest(p, &r->args, &r->nargs);
}

static int
env_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* env { NAME NAME=value ... } */
static int
environment(struct parse *p, struct rule *r, struct word *kw)
{
	struct word *w;
	size_t first;

	if (r->env_set)
		return error(p, kw->col, "env: given twice in one rule");
	if (!is(w = next(p), "{"))
		return error(p, w ? w->col : end_col(p), "env: expected {");
	first = p->i;
	while ((w = next(p)) != NULL && !is(w, "}")) {
		size_t n = strcspn(w->s, "=");

		if (!env_name_ok(w->s, n))
			return error(p, w->col, "env: %s: not a variable name",
			    w->s);
		if (strncmp(w->s, "DIVE_", 5) == 0)
			return error(p, w->col, "env: %s: the DIVE_ variables "
			    "are dived's own", w->s);
	}
	if (w == NULL)
		return error(p, kw->col, "env: missing }");
	r->env_set = 1;
	r->nenv = p->i - 1 - first;
	if ((r->env = calloc(r->nenv + 1, sizeof(*r->env))) == NULL) {
		p->nomem = 1;
		return -1;
	}
	for (size_t i = 0; i < r->nenv; i++)
		r->env[i] = p->w[first + i].s;
	return 0;
}

static int
seconds(struct parse *p, struct rule *r, struct word *w)
{
	uint32_t v;

	if (digits(w->s, &v) == -1 || v == 0 || v > RULES_MAX_TIMELIMIT)
		return error(p, w->col, "timelimit %s: expected seconds from 1 "
		    "to %d", w->s, RULES_MAX_TIMELIMIT);
	r->timelimit = v;
	return 0;
}

/* An iso.c message without the command-line option it starts with. */
static int
iso_error(struct parse *p, const struct word *kw, const struct word *w,
    const char *why)
{
	const char *sp = strchr(why, ' ');

	if (why[0] == '-' && sp != NULL)
		why = sp + 1;
	return error(p, w->col, "%s %s", kw->s, why);
}

/* An option that takes one word. */
static int
valued(struct parse *p, struct rule *r, struct word *kw)
{
	char why[200];
	struct word *w;
	uint64_t mask;

	if (is(kw, "env"))
		return environment(p, r, kw);
	if ((w = next(p)) == NULL)
		return error(p, end_col(p), "%s: missing its value", kw->s);
	why[0] = '\0';
	if (is(kw, "timelimit"))
		return seconds(p, r, w);
	if (is(kw, "chroot")) {
		if (w->s[0] != '/')
			return error(p, w->col, "chroot %s: not an absolute "
			    "path", w->s);
		if (r->clientroot)
			return error(p, kw->col, "chroot: the rule has "
			    "clientroot already; a program has one root");
		r->chroot = w->s;
		r->root_col = kw->col;
		return 0;
	}
	if (is(kw, "unshare")) {
		struct isolation iso;

		memset(&iso, 0, sizeof(iso));
		if (iso_parse_unshare(&iso, w->s, why, sizeof(why)) == -1)
			return iso_error(p, kw, w, why);
		r->unshare |= iso.unshare;
		return 0;
	}
	if (is(kw, "rlimit")) {
		if (iso_parse_rlimits(&r->limits, w->s, why, sizeof(why)) == -1)
			return iso_error(p, kw, w, why);
		return 0;
	}
	if (iso_parse_caps(w->s, &mask, why, sizeof(why)) == -1)
		return error(p, w->col, "%s %s", kw->s, why);
	if (is(kw, "caps")) {
		r->caps_set = 1;
		r->caps = mask;
	} else
		r->dropcaps |= mask;
	return 0;
}

/*
 * The words record takes after it, input and failopen, as a list with
 * commas: their bits, or 0 when the word is no such list.
 */
static unsigned int
record_list(const char *s)
{
	unsigned int bits = 0;
	size_t n;

	for (;; s += n + 1) {
		n = strcspn(s, ",");
		if (n == 5 && strncmp(s, "input", 5) == 0)
			bits |= RECORD_INPUT;
		else if (n == 8 && strncmp(s, "failopen", 8) == 0)
			bits |= RECORD_FAILOPEN;
		else
			return 0;
		if (s[n] == '\0')
			return bits;
	}
}

/*
 * record [input][,failopen]: the next word is record's when it is such a
 * list, and the identity otherwise (a user of either name is quoted).
 */
static int
recording(struct parse *p, struct rule *r, const struct word *kw)
{
	const struct word *w;
	unsigned int bits;

	if (r->record)
		return error(p, kw->col, "record: given twice in one rule");
	r->record = RECORD_OUTPUT;
	if (p->i == p->nw || (w = &p->w[p->i])->quoted ||
	    (bits = record_list(w->s)) == 0)
		return 0;
	p->i++;
	r->record |= bits;
	return 0;
}

static int *
flag(struct rule *r, const struct word *w)
{
	if (is(w, "nocwd"))
		return &r->nocwd;
	if (is(w, "nofds"))
		return &r->nofds;
	if (is(w, "noumask"))
		return &r->noumask;
	if (is(w, "clientroot"))
		return &r->clientroot;
	if (is(w, "nonewprivs"))
		return &r->nonewprivs;
	if (is(w, "diewithclient"))
		return &r->diewithclient;
	if (is(w, "keepfds"))
		return &r->keepfds;
	if (is(w, "keepumask"))
		return &r->keepumask;
	return NULL;
}

static int
has_value(const struct word *w)
{
	static const char *const kws[] = { "env", "timelimit", "chroot",
	    "unshare", "rlimit", "caps", "dropcaps" };

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (is(w, kws[i]))
			return 1;
	return 0;
}

static int
options(struct parse *p, struct rule *r)
{
	struct word *w;
	int *f;

	while (p->i < p->nw) {
		w = &p->w[p->i];
		if ((f = flag(r, w)) != NULL) {
			p->i++;
			if (f == &r->clientroot && r->chroot != NULL)
				return error(p, w->col, "clientroot: the rule "
				    "has chroot already; a program has one "
				    "root");
			*f = 1;
			if (f == &r->clientroot)
				r->root_col = w->col;
		} else if (has_value(w)) {
			p->i++;
			if (valued(p, r, w) == -1)
				return -1;
		} else if (is(w, "record")) {
			p->i++;
			if (recording(p, r, w) == -1)
				return -1;
		} else
			break;
		if (!r->permit)
			return error(p, w->col, "%s: a deny rule takes no "
			    "options", w->s);
	}
	return 0;
}

/*
 * The line's words joined by one blank, before parsing cuts any of them
 * up: a quoted word is quoted again, with \" and \\.
 */
static int
rule_text(struct parse *p, struct rule *r)
{
	size_t n = 0, i;
	char *t;

	for (i = 0; i < p->nw; i++)
		n += 2 * strlen(p->w[i].s) + 3;
	if ((r->text = t = malloc(n + 1)) == NULL) {
		p->nomem = 1;
		return -1;
	}
	for (i = 0; i < p->nw; i++) {
		const struct word *w = &p->w[i];

		if (i > 0)
			*t++ = ' ';
		if (w->quoted)
			*t++ = '"';
		for (const char *s = w->s; *s != '\0'; s++) {
			if (w->quoted && (*s == '"' || *s == '\\'))
				*t++ = '\\';
			*t++ = *s;
		}
		if (w->quoted)
			*t++ = '"';
	}
	*t = '\0';
	return 0;
}

static int
rule(struct parse *p, struct rule *r)
{
	struct word *w = next(p);

	memset(r, 0, sizeof(*r));
	r->line = p->line;
	if (rule_text(p, r) == -1)
		return -1;
	if (is(w, "permit"))
		r->permit = 1;
	else if (!is(w, "deny"))
		return error(p, w->col, "%s: expected permit or deny", w->s);
	if (options(p, r) == -1 || identity(p, r) == -1)
		return -1;
	if (is(w = next(p), "as")) {
		if (!r->permit)
			return error(p, w->col, "as: a deny rule has no target");
		if ((w = next(p)) == NULL)
			return error(p, end_col(p), "as: missing the target "
			    "user");
		if (target(p, r, w) == -1)
			return -1;
		/*
		 * In a root of its choosing the client places its own
		 * programs, libraries and name-service modules: run as
		 * anyone else, they would be that user.
		 */
		if (r->clientroot)
			return error(p, r->root_col, "clientroot: the client "
			    "chooses this root, so its programs run only as "
			    "the client itself, not as %s", w->s);
		w = next(p);
	}
	if (is(w, "cmd")) {
		if (command(p, r) == -1)
			return -1;
		w = next(p);
	}
	if (w != NULL)
		return error(p, w->col, "%s: unexpected word (expected as, cmd "
		    "or the end of the line)", w->s);
	return 0;
}

static void
free_rule(struct rule *r)
{
	free(r->text);
	free(r->args);
	free(r->env);
}

static int
add(struct parse *p, const struct rule *r)
{
	struct ruleset *rs = p->rs;
	struct rule *n;

	if (rs->nrules == RULES_MAX_RULES)
		return error(p, 1, "more than %d rules", RULES_MAX_RULES);
	if (rs->nrules == 0 ||
	    (rs->nrules >= 8 && (rs->nrules & (rs->nrules - 1)) == 0)) {
		size_t cap = rs->nrules ? rs->nrules * 2 : 8;

		if ((n = reallocarray(rs->rules, cap, sizeof(*n))) == NULL) {
			p->nomem = 1;
			return -1;
		}
		rs->rules = n;
	}
	rs->rules[rs->nrules++] = *r;
	rs->records |= r->permit && r->record;
	return 0;
}

static void
parse_lines(struct parse *p, char *s, char *end)
{
	struct rule r;
	char *eol;

	for (p->line = 1; s < end && !p->nomem; p->line++, s = eol + 1) {
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if (memchr(s, '\0', (size_t)(eol - s)) != NULL) {
			error(p, (int)((char *)memchr(s, '\0',
			    (size_t)(eol - s)) - s) + 1, "a NUL byte");
			continue;
		}
		if (split(p, s, eol) == -1 || p->nw == 0)
			continue;
		if (rule(p, &r) == -1 || add(p, &r) == -1)
			free_rule(&r);
	}
}

struct ruleset *
rules_parse(const char *buf, size_t len, const struct rules_names *names,
    struct rules_errors *errs)
{
	struct parse *p;
	struct ruleset *rs;

	memset(errs, 0, sizeof(*errs));
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (rs = calloc(1, sizeof(*rs))) == NULL) {
		free(p);
		return NULL;
	}
	p->rs = rs;
	p->names = names;
	p->errs = errs;
	if (len > RULES_MAX_BYTES)
		error(p, 1, "the file is larger than %d bytes",
		    RULES_MAX_BYTES);
	else if ((rs->text = malloc(len + 1)) == NULL)
		p->nomem = 1;
	else {
		memcpy(rs->text, buf, len);
		rs->text[len] = '\0';
		parse_lines(p, rs->text, rs->text + len);
	}
	if (p->nomem)
		errs->total = 0;
	if (p->nomem || errs->total > 0) {
		rules_free(rs);
		rs = NULL;
	}
	free(p);
	return rs;
}

void
rules_free(struct ruleset *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->nrules; i++)
		free_rule(&rs->rules[i]);
	free(rs->rules);
	free(rs->text);
	free(rs);
}

int
rules_who_matches(const struct rule *r, uid_t uid, gid_t gid,
    const gid_t *groups, int ngroups)
{
	switch (r->who) {
	case WHO_ANY:
		return 1;
	case WHO_UID:
		return uid == r->id;
	case WHO_GID:
		if (gid == r->id)
			return 1;
		for (int i = 0; i < ngroups; i++)
			if (groups[i] == r->id)
				return 1;
	}
	return 0;
}

static int
cmd_matches(const struct rule *r, const char *const *argv)
{
	size_t argc, i;

	if (r->cmd == NULL)
		return 1;
	if (argv[0] == NULL || strcmp(argv[0], r->cmd) != 0)
		return 0;
	for (argc = 1; argv[argc] != NULL; argc++)
		;
	if (r->args_mode == ARGS_ANY)
		return 1;
	if (argc - 1 < r->nargs ||
	    (r->args_mode == ARGS_EXACT && argc - 1 != r->nargs))
		return 0;
	for (i = 0; i < r->nargs; i++)
		if (strcmp(argv[i + 1], r->args[i]) != 0)
			return 0;
	return 1;
}

const struct rule *
rules_match(const struct ruleset *rs, uid_t uid, gid_t gid,
    const gid_t *groups, int ngroups, const char *const *argv)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (rules_who_matches(&rs->rules[i], uid, gid, groups, ngroups) &&
		    cmd_matches(&rs->rules[i], argv))
			return &rs->rules[i];
	return NULL;
}
