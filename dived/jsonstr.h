/*
 * JSON strings as dived writes them, into its audit records (audit.c)
 * and its session recordings (cast.c): one escaper for both.
 */
#ifndef DIVED_JSONSTR_H
#define DIVED_JSONSTR_H

#include <stddef.h>

/* The most json_escape writes for n bytes: a \u escape for each. */
#define JSON_ESCAPED_MAX(n)	((n) * 6)

/* What json_escape does at a sequence that is not UTF-8. */
enum json_bad {
	JSON_BAD_STOP,		/* stops before it */
	JSON_BAD_REPLACE,	/* writes U+FFFD for each of its bytes */
};

/*
 * How many of the n bytes at s, from the first, are plain: printable
 * ASCII but the quote and the backslash, kept as they are here and by
 * the log's quoting (log_quote).
 */
size_t	json_plain(const unsigned char *, size_t);

/*
 * Writes the n bytes at s into out, which has room for
 * JSON_ESCAPED_MAX(n) bytes, as the inside of a JSON string: quotes and
 * backslashes escaped, \n and \t as such, every other character that
 * utf8_unsafe names as \uXXXX, any other character kept as it is.
 * Returns the bytes written, and in *used the bytes of s taken: all of
 * them, unless it stopped at one that is not UTF-8.
 */
size_t	json_escape(char *, const unsigned char *, size_t, enum json_bad,
	    size_t *);

#endif
