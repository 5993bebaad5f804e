/*
 * The JSON-lines audit writer.  A record is built in memory and written
 * with one write(2) to a descriptor opened with O_APPEND, so records of
 * concurrent sessions never interleave.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "bounds.h"
#include "errbuf.h"
#include "jsonstr.h"
#include "log.h"
#include "ownfile.h"

static int audit_fd = -1;

/* Room for n more bytes and a NUL, or NULL once memory ran out. */
static char *
reserve(struct jrec *r, size_t n)
{
	if (r->nomem)
		return NULL;
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		char *b;

		while (cap < r->len + n + 1)
			cap *= 2;
		if ((b = realloc(r->buf, cap)) == NULL) {
			r->nomem = 1;
			return NULL;
		}
		r->buf = b;
		r->cap = cap;
	}
	return r->buf + r->len;
}

static void
put(struct jrec *r, const char *s, size_t n)
{
	char *at;

	if ((at = reserve(r, n)) == NULL)
		return;
	memcpy(at, s, n);
	r->len += n;
}

static void
puts_(struct jrec *r, const char *s)
{
	put(r, s, strlen(s));
}

static void
put_hex(struct jrec *r, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	puts_(r, "\"");
	for (size_t i = 0; i < n; i++) {
		char b[2] = { hex[(unsigned char)s[i] >> 4],
		    hex[(unsigned char)s[i] & 15] };

		put(r, b, 2);
	}
	puts_(r, "\"");
}

/*
 * s as a JSON string (jsonstr.h).  -1, with part of it put, at the first
 * sequence that is not UTF-8.
 */
static int
put_text(struct jrec *r, const char *s, size_t n)
{
	size_t used = n;
	char *at;

	put(r, "\"", 1);
	if ((at = reserve(r, JSON_ESCAPED_MAX(n))) != NULL)
		r->len += json_escape(at, (const unsigned char *)s, n,
		    JSON_BAD_STOP, &used);
	if (used != n)
		return -1;
	put(r, "\"", 1);
	return 0;
}

/*
 * Valid UTF-8 is kept as text, escaped by put_text; anything else
 * becomes {"hex":"..."}, so that no byte is lost or made up.  A string
 * over DIVE_AUDIT_MAX_STRING bytes is cut there and becomes an object
 * that says so, {"text":"..."} or {"hex":"..."} with "bytes", its whole
 * length: a reader never takes a part for the whole.
 */
static void
json_string(struct jrec *r, const char *s, size_t n)
{
	size_t all = n, mark = r->len;
	char b[64];
	int cut = n > DIVE_AUDIT_MAX_STRING, text;

	if (cut) {
		n = DIVE_AUDIT_MAX_STRING;
		/* Not in the middle of a character, which is 4 bytes at most. */
		for (int k = 0; k < 3 && n > 0 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80; k++)
			n--;
		puts_(r, "{\"text\":");
	}
	text = put_text(r, s, n) == 0;
	if (!text) {
		r->len = mark;
		puts_(r, "{\"hex\":");
		put_hex(r, s, n);
	}
	if (cut) {
		snprintf(b, sizeof(b), ",\"bytes\":%zu", all);
		puts_(r, b);
	}
	if (!text || cut)
		puts_(r, "}");
}

static void
key(struct jrec *r, const char *k)
{
	if (r->comma)
		put(r, ",", 1);
	r->comma = 1;
	if (k != NULL) {
		json_string(r, k, strlen(k));
		put(r, ":", 1);
	}
}

void
jrec_begin(struct jrec *r, const char *event)
{
	struct timespec ts;
	struct tm tm;
	char t[64], frac[32];

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%06dZ", (int)(ts.tv_nsec / 1000));
	strncat(t, frac, sizeof(t) - strlen(t) - 1);
	put(r, "{", 1);
	jrec_str(r, "time", t);
	jrec_str(r, "event", event);
}

void
jrec_str(struct jrec *r, const char *k, const char *s)
{
	key(r, k);
	if (s == NULL)
		puts_(r, "null");
	else
		json_string(r, s, strlen(s));
}

void
jrec_num(struct jrec *r, const char *k, long long v)
{
	char b[32];

	key(r, k);
	snprintf(b, sizeof(b), "%lld", v);
	puts_(r, b);
}

static void
jrec_real(struct jrec *r, const char *k, double v)
{
	char b[64];

	key(r, k);
	snprintf(b, sizeof(b), "%.6f", v);
	puts_(r, b);
}

static void
jrec_bool(struct jrec *r, const char *k, int v)
{
	key(r, k);
	puts_(r, v ? "true" : "false");
}

static void
jrec_null(struct jrec *r, const char *k)
{
	key(r, k);
	puts_(r, "null");
}

static void
jrec_open(struct jrec *r, const char *k, char c)
{
	key(r, k);
	put(r, &c, 1);
	r->comma = 0;
}

static void
jrec_close(struct jrec *r, char c)
{
	put(r, &c, 1);
	r->comma = 1;
}

void
jrec_strv(struct jrec *r, const char *k, const char *const *v)
{
	char more[64];
	size_t n = 0;

	if (v == NULL) {
		jrec_null(r, k);
		return;
	}
	jrec_open(r, k, '[');
	for (; v[n] != NULL && n < DIVE_AUDIT_MAX_ITEMS; n++)
		jrec_str(r, NULL, v[n]);
	jrec_close(r, ']');
	if (v[n] == NULL)
		return;
	while (v[n] != NULL)
		n++;
	snprintf(more, sizeof(more), "%s_more", k != NULL ? k : "items");
	jrec_num(r, more, (long long)(n - DIVE_AUDIT_MAX_ITEMS));
}

void
jrec_free(struct jrec *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/*
 * A record written in part (a full disk, a file size limit): the rest is
 * tried once, for the reason the kernel gives, and then the part is taken
 * back, so that the log never holds half a record for the next one to be
 * appended to.  -1 with that reason in errno.
 */
static ssize_t
torn(int fd, const struct jrec *r, size_t done)
{
	ssize_t n;
	off_t end;
	int save;

	while ((n = write(fd, r->buf + done, r->len - done)) == -1 &&
	    errno == EINTR)
		;
	if (n == (ssize_t)(r->len - done))
		return (ssize_t)r->len;
	save = n == -1 ? errno : EIO;
	if (n > 0)
		done += (size_t)n;
	/* Appending leaves the offset at the end of what was written. */
	if ((end = lseek(fd, 0, SEEK_CUR)) != -1 &&
	    (size_t)end >= done)
		(void)!ftruncate(fd, end - (off_t)done);
	errno = save;
	return -1;
}

int
jrec_write(struct jrec *r, int fd)
{
	ssize_t n;

	puts_(r, "}\n");
	if (r->nomem) {
		jrec_free(r);
		errno = ENOMEM;
		return -1;
	}
	while ((n = write(fd, r->buf, r->len)) == -1 && errno == EINTR)
		;
	if (n != -1 && (size_t)n != r->len)
		n = torn(fd, r, (size_t)n);
	jrec_free(r);
	return n == -1 ? -1 : 0;
}

int
audit_open(const char *file, int fd, char *err, size_t len)
{
	struct stat st;
	int nfd, save;

	if ((nfd = ownfile_open(file, O_WRONLY | O_APPEND | O_CREAT, 0600, &st,
	    err, len)) == -1)
		return -1;
	if (ownfile_check(&st, err, len) == -1) {
		close(nfd);
		return -1;
	}
	if (fd == -1)
		return nfd;
	if (dup3(nfd, fd, O_CLOEXEC) == -1) {
		save = errno;
		close(nfd);
		return errbuf(err, len, "%s", strerror(save));
	}
	close(nfd);
	return fd;
}

void
audit_use(int fd)
{
	audit_fd = fd;
}

/* The names of an environment, never the values: they may be secret. */
static void
env_names(struct jrec *r, const char *const *v)
{
	size_t n = 0;

	if (v == NULL) {
		jrec_null(r, "env");
		return;
	}
	jrec_open(r, "env", '[');
	for (; v[n] != NULL && n < DIVE_AUDIT_MAX_ITEMS; n++) {
		key(r, NULL);
		json_string(r, v[n], strcspn(v[n], "="));
	}
	jrec_close(r, ']');
	while (v[n] != NULL)
		n++;
	if (n > DIVE_AUDIT_MAX_ITEMS)
		jrec_num(r, "env_more", (long long)(n - DIVE_AUDIT_MAX_ITEMS));
}

static void
peer(struct jrec *r, const struct peer *p)
{
	if (p == NULL) {
		jrec_null(r, "peer");
		return;
	}
	jrec_open(r, "peer", '{');
	jrec_num(r, "pid", p->pid);
	jrec_num(r, "uid", p->uid);
	jrec_num(r, "gid", p->gid);
	jrec_str(r, "user", p->name);
	jrec_close(r, '}');
}

/* Target ids, root and namespaces: what the decision gave the program. */
static void
shape(struct jrec *r, const struct decision *d)
{
	const struct isolation *iso = &d->iso;

	if (d->setids) {
		jrec_open(r, "target", '{');
		jrec_num(r, "uid", d->uid);
		jrec_num(r, "euid", d->euid);
		jrec_num(r, "gid", d->gid);
		jrec_close(r, '}');
	} else
		jrec_null(r, "target");
	if (iso->chroot != NULL)
		jrec_str(r, "root", iso->chroot);
	else if (iso->pivot_new != NULL)
		jrec_str(r, "root", iso->pivot_new);
	else if (iso->client_root)
		jrec_str(r, "root", "client");
	else
		jrec_null(r, "root");
	jrec_open(r, "namespaces", '[');
	for (int bit = 0; bit < 31; bit++)
		if (iso->unshare & (1 << bit))
			jrec_str(r, NULL, iso_ns_name(1 << bit));
	jrec_close(r, ']');
	jrec_num(r, "enter_pid", iso->enter_pid);
	jrec_num(r, "time_limit", d->time_limit);
	jrec_bool(r, "die_with_client", d->die_with_client);
}

static void
recording(struct jrec *r, const struct audit_recording *rec)
{
	if (rec == NULL) {
		jrec_null(r, "recording");
		return;
	}
	jrec_open(r, "recording", '{');
	jrec_str(r, "file", rec->file);
	jrec_bool(r, "input", rec->input);
	if (rec->bytes >= 0)
		jrec_num(r, "bytes", rec->bytes);
	else
		jrec_null(r, "bytes");
	jrec_bool(r, "cut", rec->cut);
	jrec_str(r, "error", rec->error);
	jrec_close(r, '}');
}

static void
build(struct jrec *r, const struct audit_rec *a)
{
	jrec_begin(r, a->event);
	jrec_str(r, "session", a->session);
	jrec_str(r, "outcome", a->outcome);
	jrec_str(r, "reason", a->reason);
	peer(r, a->peer);
	if (a->policy != NULL && a->rule > 0) {
		jrec_open(r, "rule", '{');
		jrec_str(r, "file", a->policy);
		jrec_num(r, "line", a->rule);
		jrec_close(r, '}');
	} else
		jrec_null(r, "rule");
	jrec_str(r, "rules_sha256", a->rules_sum);
	if (a->dec != NULL)
		shape(r, a->dec);
	else {
		jrec_null(r, "target");
		jrec_null(r, "root");
		jrec_null(r, "namespaces");
		jrec_null(r, "enter_pid");
		jrec_null(r, "time_limit");
		jrec_null(r, "die_with_client");
	}
	jrec_strv(r, "argv", a->argv);
	env_names(r, a->envp);
	jrec_str(r, "cwd", a->cwd);
	recording(r, a->recording);
	if (a->pid > 0)
		jrec_num(r, "pid", a->pid);
	else
		jrec_null(r, "pid");
	if (!a->ended)
		return;
	if (a->exit_code >= 0)
		jrec_num(r, "exit", a->exit_code);
	else
		jrec_null(r, "exit");
	if (a->signal > 0)
		jrec_num(r, "signal", a->signal);
	else
		jrec_null(r, "signal");
	jrec_real(r, "duration", a->duration);
	jrec_str(r, "ended_by", a->ended_by);
}

int
audit_write(const struct audit_rec *a)
{
	struct jrec r;
	int save;

	/* A record no one can read is not written out either. */
	if (audit_fd == -1 && !syslog_there() && !log_audit_stderr())
		return 0;
	build(&r, a);
	if (audit_fd != -1) {
		if (jrec_write(&r, audit_fd) == 0)
			return 0;
		save = errno;
		logmsg(LOG_ERR, "session %s: audit log: %s", a->session,
		    strerror(save));
		if (!log_to_stderr())
			dprintf(STDERR_FILENO, "dived: session %s: audit log: "
			    "%s\n", a->session, strerror(save));
		return -1;
	}
	put(&r, "}", 1);
	if (r.nomem) {
		jrec_free(&r);
		logmsg(LOG_ERR, "session %s: audit record: out of memory",
		    a->session);
		return -1;
	}
	put(&r, "", 1);
	if (syslog_there())
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "audit %s", r.buf);
	if (log_audit_stderr())
		dprintf(STDERR_FILENO, "dived[%ld]: audit %s\n",
		    (long)getpid(), r.buf);
	jrec_free(&r);
	return 0;
}

int
audit_dir(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	if (fd == -1 || len == 0)
		return -1;
	if (fd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/self/cwd");
	else
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, len - 1)) == -1)
		return -1;
	buf[n] = '\0';
	return 0;
}
