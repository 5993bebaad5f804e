#include <paths.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "jsonstr.h"
#include "log.h"
#include "utf8.h"

static int to;		/* LOGTO_* */

/*
 * Without a syslog daemon (in a container, say), syslog(3) tries anew for
 * every record: a socket, a failed connect, a close.  Whether /dev/log is
 * there is asked at most once a second instead.
 */
int
syslog_there(void)
{
	static time_t asked;
	static int there;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (now.tv_sec != asked) {
		asked = now.tv_sec;
		there = access(_PATH_LOG, F_OK) == 0;
	}
	return there;
}

/* Opened whatever the log lines do: the audit records may go there. */
void
log_init(int where)
{
	to = where;
	openlog("dived", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

int
log_to_stderr(void)
{
	return (to & LOGTO_STDERR) != 0;
}

int
log_audit_stderr(void)
{
	return (to & LOGTO_AUDIT) != 0;
}

void
logmsg(int prio, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_clean(buf);
	if ((to & LOGTO_SYSLOG) && syslog_there())
		syslog(prio, "%s", buf);
	if (to & LOGTO_STDERR)
		dprintf(STDERR_FILENO, "dived[%ld]: %s\n", (long)getpid(), buf);
}

/*
 * Client strings are quoted by the callers; this is the net under them,
 * for one that reaches a message unquoted: no control, line end or
 * bidirectional formatting character may split, colour or reorder a
 * record, nor a byte outside valid UTF-8 (alone, 0x9b is a control
 * sequence to a terminal in 8-bit mode).
 */
void
log_clean(char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t r = 0, w = 0, n = strlen(s), k;
	unsigned int cp;

	while (r < n) {
		if (u[r] >= 0x20 && u[r] < 0x7f) {	/* ASCII, most of it */
			s[w++] = s[r++];
			continue;
		}
		if ((k = utf8_decode(u + r, n - r, &cp)) == 0 ||
		    utf8_unsafe(cp)) {
			s[w++] = '?';
			r += k ? k : 1;
			continue;
		}
		memmove(s + w, s + r, k);
		w += k;
		r += k;
	}
	s[w] = '\0';
}

void
log_quote(const char *s, char *buf, size_t len)
{
	/* strvis may need four bytes for each one. */
	char tmp[4 * 256 + 1];
	size_t n = strnlen(s, 256);
	char part[257];

	if (len == 0)
		return;
	memcpy(part, s, n);
	part[n] = '\0';
	/* strvis would keep such a string as it is, only slowly. */
	if (json_plain((const unsigned char *)part, n) == n)
		memcpy(tmp, part, n + 1);
	else
		strvis(tmp, part, VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL |
		    VIS_DQ);
	snprintf(buf, len, "\"%s%s\"", tmp, s[n] != '\0' ? "..." : "");
}

void
log_quotev(const char *const *v, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (; *v != NULL && used + 1 < len; v++) {
		char q[4 * 256 + 8];

		log_quote(*v, q, sizeof(q));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used ? " " : "", q);
		if (used >= len) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
	}
}
