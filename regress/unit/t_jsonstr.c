/*
 * The escaper the audit records and the recordings share, as the
 * recordings use it: every byte that is not UTF-8 becomes U+FFFD, so
 * that the output is always a JSON string a player takes, and a
 * character read in two pieces is kept whole for the second.
 */
#include <stdio.h>
#include <string.h>

#include "jsonstr.h"
#include "log.h"
#include "utf8.h"
#include "unit.h"

static void
replaced(const char *name, const char *s, size_t n, const char *want)
{
	char out[JSON_ESCAPED_MAX(64) + 1], q[1100], qw[1100];
	size_t used, w;

	w = json_escape(out, (const unsigned char *)s, n, JSON_BAD_REPLACE,
	    &used);
	out[w] = '\0';
	log_quote(out, q, sizeof(q));
	log_quote(want, qw, sizeof(qw));
	check(used == n && strcmp(out, want) == 0, name,
	    "got %s (%zu of %zu bytes), expected %s", q, used, n, qw);
}

static void
test_replace(void)
{
	replaced("json: a byte that is not UTF-8 becomes U+FFFD",
	    "a\xff" "b", 3, "a\xef\xbf\xbd" "b");
	replaced("json: each byte of a bad sequence becomes one U+FFFD",
	    "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");
	replaced("json: a surrogate in UTF-8 is replaced, not kept",
	    "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	replaced("json: controls are escaped, valid text after a bad byte kept",
	    "\x1b[1m\xfe\xc3\xa9\r\n", 9,
	    "\\u001b[1m\xef\xbf\xbd\xc3\xa9\\u000d\\n");
	replaced("json: a NUL byte is escaped", "a\0b", 3, "a\\u0000b");
	replaced("json: quotes, backslashes and C1 controls are escaped",
	    "\"\\\xc2\x9b", 4, "\\\"\\\\\\u009b");
}

static void
test_stop(void)
{
	char out[64];
	size_t used, w;

	w = json_escape(out, (const unsigned char *)"ab\xff" "c", 4,
	    JSON_BAD_STOP, &used);
	check(used == 2 && w == 2 && memcmp(out, "ab", 2) == 0,
	    "json: the audit records' mode stops at the first bad byte",
	    "used %zu, wrote %zu", used, w);
}

/*
 * Plain bytes are tested eight at a time: each byte value at each place
 * of a longer text comes out as it does alone, where no eight are taken.
 */
static void
test_words(void)
{
	unsigned char in[24];
	char out[JSON_ESCAPED_MAX(24)], one[8], want[JSON_ESCAPED_MAX(24)];
	size_t used, w, k, bad = 0;

	for (int c = 0; c < 256; c++) {
		in[0] = (unsigned char)c;
		k = json_escape(one, in, 1, JSON_BAD_REPLACE, &used);
		for (size_t at = 0; at < sizeof(in); at++) {
			memset(in, 'a', sizeof(in));
			in[at] = (unsigned char)c;
			memset(want, 'a', at);
			memcpy(want + at, one, k);
			memset(want + at + k, 'a', sizeof(in) - at - 1);
			w = json_escape(out, in, sizeof(in), JSON_BAD_REPLACE,
			    &used);
			bad += w != sizeof(in) - 1 + k ||
			    memcmp(out, want, w) != 0;
		}
	}
	check(bad == 0, "json: every byte at every place of a text is "
	    "escaped as it is alone", "%zu differ", bad);
}

static void
partial(const char *name, const char *s, size_t n, size_t want)
{
	size_t got = utf8_partial((const unsigned char *)s, n);

	check(got == want, name, "got %zu, expected %zu", got, want);
}

static void
test_partial(void)
{
	partial("utf8: ASCII at the end leaves nothing for later", "ab", 2, 0);
	partial("utf8: a lead byte alone waits for the rest", "a\xe2", 2, 1);
	partial("utf8: two of three bytes wait", "a\xe2\x82", 3, 2);
	partial("utf8: three of four bytes wait", "\xf0\x9f\x90", 3, 3);
	partial("utf8: a whole character leaves nothing", "\xe2\x82\xac", 3,
	    0);
	partial("utf8: a lone continuation byte cannot be completed",
	    "a\x82", 2, 0);
	partial("utf8: an overlong start cannot be completed", "\xe0\x80", 2,
	    0);
	partial("utf8: a surrogate's start cannot be completed", "\xed\xa0",
	    2, 0);
	partial("utf8: a byte that never starts a character", "\xff", 1, 0);
	partial("utf8: nothing at all", "", 0, 0);
}

void
t_jsonstr(void)
{
	test_replace();
	test_stop();
	test_words();
	test_partial();
}
