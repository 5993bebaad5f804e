/*
 * How the audit records and the log messages write the strings a client
 * chooses: a record stays one line for every reader and a terminal
 * showing it acts on nothing in it; in the audit records no byte is lost
 * or made up either.
 */
#include <stdio.h>
#include <string.h>
#include <vis.h>

#include "audit.h"
#include "jsonstr.h"
#include "log.h"
#include "unit.h"

/* s as jrec_str writes it, without a key. */
static const char *
written(const char *s)
{
	static char out[4 * DIVE_AUDIT_MAX_STRING];
	struct jrec r;

	memset(&r, 0, sizeof(r));
	jrec_str(&r, NULL, s);
	snprintf(out, sizeof(out), "%.*s", (int)r.len, r.buf ? r.buf : "");
	jrec_free(&r);
	return out;
}

/* Failures show what was written quoted: a test prints no control. */
static void
expect(const char *name, const char *s, const char *want)
{
	const char *got = written(s);
	char qgot[1100], qwant[1100];

	log_quote(got, qgot, sizeof(qgot));
	log_quote(want, qwant, sizeof(qwant));
	check(strcmp(got, want) == 0, name, "got %s, expected %s", qgot,
	    qwant);
}

static void
test_escapes(void)
{
	expect("audit: U+2028 is escaped, not a line end",
	    "a\xe2\x80\xa8" "b", "\"a\\u2028b\"");
	expect("audit: U+2029 is escaped, not a paragraph end",
	    "a\xe2\x80\xa9" "b", "\"a\\u2029b\"");
	expect("audit: U+0085 (NEL) is escaped, not a line end",
	    "a\xc2\x85" "b", "\"a\\u0085b\"");
	expect("audit: U+009B (CSI) is escaped, no terminal acts on it",
	    "\xc2\x9b" "31m", "\"\\u009b31m\"");
	expect("audit: every C1 control is escaped, U+0080 to U+009F",
	    "\xc2\x80\xc2\x9f", "\"\\u0080\\u009f\"");
	expect("audit: U+00A0 after the C1 controls is kept",
	    "\xc2\xa0", "\"\xc2\xa0\"");
	expect("audit: C0 controls and DEL are escaped",
	    "\r\x1b[0m\x7f\n\t", "\"\\u000d\\u001b[0m\\u007f\\n\\t\"");
	expect("audit: quotes and backslashes are escaped",
	    "\"\\", "\"\\\"\\\\\"");
	expect("audit: bidi overrides and isolates are escaped",
	    "\xe2\x80\xae" "x\xe2\x81\xa6" "y\xe2\x81\xa9",
	    "\"\\u202ex\\u2066y\\u2069\"");
	expect("audit: bidi marks are escaped",
	    "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\"\\u200e\\u200f\\u061c\"");
	expect("audit: a valid non-ASCII character is kept as it is",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\"");
}

static void
test_not_utf8(void)
{
	expect("audit: invalid UTF-8 is written as hex",
	    "a\xff" "b", "{\"hex\":\"61ff62\"}");
	expect("audit: a lone C1 byte is not UTF-8: hex",
	    "\x9b" "31m", "{\"hex\":\"9b33316d\"}");
	expect("audit: an overlong slash (2 bytes) is hex",
	    "\xc0\xaf", "{\"hex\":\"c0af\"}");
	expect("audit: an overlong slash (3 bytes) is hex",
	    "\xe0\x80\xaf", "{\"hex\":\"e080af\"}");
	expect("audit: an overlong U+2028 (4 bytes) is hex",
	    "\xf0\x82\x80\xa8", "{\"hex\":\"f08280a8\"}");
	expect("audit: a surrogate encoded in UTF-8 is hex",
	    "\xed\xa0\x80", "{\"hex\":\"eda080\"}");
	expect("audit: a character cut short is hex",
	    "a\xe2\x80", "{\"hex\":\"61e280\"}");
	expect("audit: past U+10FFFF is hex",
	    "\xf4\x90\x80\x80", "{\"hex\":\"f4908080\"}");
	expect("audit: hex from the first byte, escapes before it undone",
	    "\"\xe2\x80\xa8\xff", "{\"hex\":\"22e280a8ff\"}");
}

/* A cut string is escaped as a whole one is, and says it is cut. */
static void
test_cut(void)
{
	char s[DIVE_AUDIT_MAX_STRING + 16], tail[64], q[300];
	const char *got;

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	memcpy(s + DIVE_AUDIT_MAX_STRING - 4, "\xe2\x80\xa8", 3);
	got = written(s);
	log_quote(got + strlen(got) - 40, q, sizeof(q));
	snprintf(tail, sizeof(tail), "\\u2028a\",\"bytes\":%zu}",
	    sizeof(s) - 1);
	check(strncmp(got, "{\"text\":\"aaa", 12) == 0 &&
	    strlen(got) > strlen(tail) &&
	    strcmp(got + strlen(got) - strlen(tail), tail) == 0,
	    "audit: a cut string is escaped too, and says its length",
	    "it ends %s", q);
}

/*
 * log_quote keeps plain strings (json_plain) without asking strvis: each
 * of those characters is one strvis keeps as it is, and every other byte
 * one it would escape, so the quoting is what it always was.
 */
static void
test_log_plain(void)
{
	char in[2] = { 0, 0 }, out[8], q[64];
	int same = 1, escaped = 1;

	for (int c = 1; c < 256; c++) {
		in[0] = (char)c;
		strvis(out, in, VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL |
		    VIS_DQ);
		if (json_plain((const unsigned char *)in, 1) == 1)
			same &= strcmp(out, in) == 0;
		else
			escaped &= strcmp(out, in) != 0;
	}
	check(same, "log: strvis keeps every plain character as it is",
	    "it escapes one");
	check(escaped, "log: and escapes every other byte", "it keeps one");
	log_quote("a \"b\" \\ c\n", q, sizeof(q));
	check(strcmp(q, "\"a \\\"b\\\" \\\\ c\\n\"") == 0,
	    "log: a string with quotes, a backslash and a newline is escaped",
	    "got %s", q);
}

/* The net under every log message, for client strings left unquoted. */
static void
cleaned(const char *name, const char *s, const char *want)
{
	char buf[256], q[1100];

	snprintf(buf, sizeof(buf), "%s", s);
	log_clean(buf);
	log_quote(buf, q, sizeof(q));
	check(strcmp(buf, want) == 0, name, "got %s", q);
}

static void
test_log_clean(void)
{
	cleaned("log: U+2028 and U+2029 become one ? each",
	    "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a?b?c");
	cleaned("log: C1 controls (NEL, CSI) become ?",
	    "a\xc2\x85" "b\xc2\x9b" "31m", "a?b?31m");
	cleaned("log: C0 controls and DEL become ?", "a\nb\x1b[m\x7f",
	    "a?b?[m?");
	cleaned("log: bidi controls become ?", "\xe2\x80\xae" "abc\xe2\x81\xa9",
	    "?abc?");
	cleaned("log: valid non-ASCII text is kept", "caf\xc3\xa9 \xe2\x82\xac",
	    "caf\xc3\xa9 \xe2\x82\xac");
	cleaned("log: each byte outside UTF-8 becomes ?",
	    "a\x9b" "b\xff\xc0\xaf" "c\xed\xa0\x80", "a?b???c???");
}

void
t_audit(void)
{
	test_escapes();
	test_not_utf8();
	test_cut();
	test_log_clean();
	test_log_plain();
}
