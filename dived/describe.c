/*
 * The text of a rule, a decision and dived's options, for --check-policy
 * and for the monitor's answer to dive -l: one printer, so that the two
 * always say the same thing the same way.
 */
#include <sys/capability.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "iso.h"
#include "log.h"
#include "utf8.h"

/* Room kept under a bound for the note of a cut text. */
#define NOTE_ROOM	128

void
text_init(struct text *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max > NOTE_ROOM ? max : 0;
}

static void
text_vline(struct text *t, const char *fmt, va_list ap)
{
	va_list aq;
	size_t need, cap;
	char *b;
	int n;

	if (t->cut || t->nomem)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		t->nomem = 1;
		return;
	}
	/* The line, its newline and the text's NUL. */
	need = t->len + (size_t)n + 2;
	if (t->max != 0 && need > t->max - NOTE_ROOM) {
		t->cut = 1;
		return;
	}
	if (need > t->cap) {
		for (cap = t->cap ? t->cap : 1024; cap < need; cap *= 2)
			;
		if ((b = realloc(t->buf, cap)) == NULL) {
			t->nomem = 1;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	t->len += (size_t)n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

void
text_line(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vline(t, fmt, ap);
	va_end(ap);
}

int
text_end(struct text *t)
{
	size_t max = t->max;

	if (t->cut && !t->nomem) {
		t->cut = 0;
		t->max = 0;
		text_line(t, "(cut here: the whole text is over %zu bytes)",
		    max);
		t->cut = 1;
		t->max = max;
	}
	return t->nomem ? -1 : 0;
}

void
text_free(struct text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

char *
text_escape(struct text *t, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i, k, j;
	unsigned int cp;
	char *out, *o;

	if ((out = o = malloc(4 * n + 1)) == NULL) {
		t->nomem = 1;
		return NULL;
	}
	for (i = 0; i < n; i += k) {
		if ((k = utf8_decode(u + i, n - i, &cp)) == 0 ||
		    utf8_unsafe(cp)) {
			k = k ? k : 1;
			for (j = 0; j < k; j++)
				o += sprintf(o, "\\%03o", u[i + j]);
			continue;
		}
		memcpy(o, s + i, k);
		o += k;
	}
	*o = '\0';
	return out;
}

void
describe_rule(struct text *t, const char *file, const struct rule *r)
{
	char *f = text_escape(t, file), *s = text_escape(t, r->text);

	if (f != NULL && s != NULL)
		text_line(t, "rule: %s:%d: %s", f, r->line, s);
	free(f);
	free(s);
}

/* "what: "a" "b c"", each element quoted as the log quotes it. */
static void
vector(struct text *t, const char *what, char *const *v)
{
	size_t n = strlen(what) + 2, i;
	char q[4 * 256 + 8], *line;

	for (i = 0; v[i] != NULL; i++) {
		log_quote(v[i], q, sizeof(q));
		n += strlen(q) + 1;
	}
	if ((line = malloc(n)) == NULL) {
		t->nomem = 1;
		return;
	}
	snprintf(line, n, "%s:", what);
	for (i = 0; v[i] != NULL; i++) {
		log_quote(v[i], q, sizeof(q));
		strcat(line, " ");
		strcat(line, q);
	}
	text_line(t, "%s", line);
	free(line);
}

static void
identity(struct text *t, const struct decision *d)
{
	char *user;

	if (!d->setids) {
		text_line(t, "as: dived's own user");
		return;
	}
	if ((user = text_escape(t, d->user != NULL ? d->user : "")) == NULL)
		return;
	text_line(t, "as: uid %lu euid %lu gid %lu%s%s",
	    (unsigned long)d->uid, (unsigned long)d->euid,
	    (unsigned long)d->gid, d->user != NULL ? " user " : "", user);
	free(user);
}

static void
root(struct text *t, const struct decision *d)
{
	const struct isolation *iso = &d->iso;
	const char *dir = iso->chroot != NULL ? iso->chroot : iso->pivot_new;
	char *e = text_escape(t, dir != NULL ? dir : "");

	if (e == NULL)
		return;
	text_line(t, "root: %s%s", dir != NULL ? e : iso->client_root ?
	    "the client's" : "dived's", d->confined ? " (the program starts "
	    "at its top and is given no directory)" : "");
	free(e);
}

static void
namespaces(struct text *t, const struct isolation *iso)
{
	char names[256] = "", *e;

	for (int bit = 0; bit < 31; bit++)
		if (iso->unshare & (1 << bit)) {
			strlcat(names, " ", sizeof(names));
			strlcat(names, iso_ns_name(1 << bit), sizeof(names));
		}
	text_line(t, "new namespaces:%s", iso->unshare ? names : " none");
	if (iso->enter_pid != 0)
		text_line(t, "entered namespaces: those of pid %ld",
		    (long)iso->enter_pid);
	for (size_t i = 0; i < iso->nsetns; i++) {
		if ((e = text_escape(t, iso->setns[i])) == NULL)
			return;
		text_line(t, "entered namespace: %s", e);
		free(e);
	}
}

/* ",cap_a,cap_b" for the bits of a mask. */
static void
cap_names(uint64_t mask, char *buf, size_t len)
{
	char *name;

	buf[0] = '\0';
	for (int c = 0; c < 64; c++) {
		if (!(mask & (1ull << c)))
			continue;
		strlcat(buf, ",", len);
		if ((name = cap_to_name((cap_value_t)c)) == NULL) {
			char num[8];

			snprintf(num, sizeof(num), "%d", c);
			strlcat(buf, num, len);
			continue;
		}
		strlcat(buf, name, len);
		cap_free(name);
	}
}

/*
 * The capabilities the options and a rule change: -c's set as given,
 * the bounding set kept (-B, caps) or dropped (-b, dropcaps), ambient
 * ones (-m); and no_new_privs.
 */
static void
capabilities(struct text *t, const struct isolation *iso)
{
	char line[4096] = "", names[2048], *e;

	if (iso->capset != NULL) {
		if ((e = text_escape(t, iso->capset)) == NULL)
			return;
		snprintf(line, sizeof(line), "; set to %s", e);
		free(e);
	}
	if (iso->bound_keep_set) {
		cap_names(iso->bound_keep, names, sizeof(names));
		strlcat(line, "; bounding set only ", sizeof(line));
		strlcat(line, names[0] ? names + 1 : "(none)", sizeof(line));
	}
	if (iso->bound_drop != 0) {
		cap_names(iso->bound_drop, names, sizeof(names));
		strlcat(line, "; bounding set without ", sizeof(line));
		strlcat(line, names + 1, sizeof(line));
	}
	if (iso->ambient != 0) {
		cap_names(iso->ambient, names, sizeof(names));
		strlcat(line, "; ambient ", sizeof(line));
		strlcat(line, names + 1, sizeof(line));
	}
	text_line(t, "capabilities: %s", line[0] ? line + 2 :
	    "those of the identity");
	text_line(t, "no new privileges: %s", iso->no_new_privs ? "yes" :
	    "no");
}

void
describe_decision(struct text *t, const struct decision *d, int flags)
{
	if (d->argv != NULL)
		vector(t, "command", d->argv);
	identity(t, d);
	if ((flags & DESCRIBE_ENV) && d->envp != NULL)
		vector(t, "environment", d->envp);
	text_line(t, "client's directory: %s, descriptors: %s, umask: %s",
	    d->client_cwd ? "yes" : "no", !d->client_fds ? "no" :
	    d->std_fds_only ? "0-2 only" : "yes", !d->client_umask ? "no" :
	    d->umask_add ? "with 022 added" : "yes");
	root(t, d);
	namespaces(t, &d->iso);
	if (d->time_limit)
		text_line(t, "time limit: %u seconds", d->time_limit);
	else
		text_line(t, "time limit: none");
	text_line(t, "die with client: %s", d->die_with_client ? "yes" : "no");
	if (d->record & RECORD_OUTPUT)
		text_line(t, "recorded: the output%s, and a recording that "
		    "fails %s", d->record & RECORD_INPUT ? " and the input" : "",
		    d->record & RECORD_FAILOPEN ? "ends nothing" :
		    "ends the session");
	else
		text_line(t, "recorded: no");
	capabilities(t, &d->iso);
}

void
describe_verdict(struct text *t, const char *file, const struct decision *d,
    int allowed, const char *why, int flags)
{
	if (file != NULL && d->rule != NULL)
		describe_rule(t, file, d->rule);
	else if (file != NULL)
		text_line(t, "rule: none matches");
	if (!allowed) {
		char *e = text_escape(t, why);

		if (e != NULL)
			text_line(t, "denied: %s", e);
		free(e);
		return;
	}
	text_line(t, "allowed");
	describe_decision(t, d, flags);
}

void
describe_options(struct text *t, const struct baseline *b,
    const struct decision *d)
{
	char **v;
	size_t i;

	if (b->nprefix == 0)
		text_line(t, "command: any, as the client gives it");
	else {
		if ((v = calloc(b->nprefix + 1, sizeof(*v))) == NULL) {
			t->nomem = 1;
			return;
		}
		for (i = 0; i < b->nprefix; i++)
			v[i] = b->prefix[i];
		vector(t, b->no_argv ? "command, the client's arguments "
		    "ignored" : "command, then the client's arguments", v);
		free(v);
	}
	describe_decision(t, d, 0);
}
