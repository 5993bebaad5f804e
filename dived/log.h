/*
 * dived's log: standard error in the foreground, syslog (authpriv) when
 * detached or asked; the audit records without --audit-log go to syslog,
 * and to standard error too with --log-stderr.
 */
#ifndef DIVED_LOG_H
#define DIVED_LOG_H

#include <stddef.h>
#include <syslog.h>

#define LOGTO_SYSLOG	0x1	/* the log lines to syslog */
#define LOGTO_STDERR	0x2	/* the log lines to standard error */
#define LOGTO_AUDIT	0x4	/* the audit records to standard error too */
void	log_init(int);
/* Whether the log lines go to standard error. */
int	log_to_stderr(void);
/* Whether the audit records go to standard error too (--log-stderr). */
int	log_audit_stderr(void);
/* Whether /dev/log is there, asked at most once a second. */
int	syslog_there(void);
void	logmsg(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Replaces, in place, each byte of s that is not UTF-8 and each character
 * utf8_unsafe names (controls, line ends, bidirectional formatting) by
 * '?': what logmsg does to every message.
 */
void	log_clean(char *);

/*
 * Writes s into buf escaped so that it fits on one line and cannot
 * imitate log syntax: control bytes, backslashes, quotes and bytes over
 * 0x7e become C-style escapes.  Truncates with "..." when buf is short.
 */
void	log_quote(const char *, char *, size_t);

/* Quotes and joins a string vector: "a" "b c". */
void	log_quotev(const char *const *, char *, size_t);

#endif
