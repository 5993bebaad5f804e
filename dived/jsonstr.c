/*
 * The JSON string escaper of the audit records and the recordings.  No
 * allocation and no library beyond the C one: the recorder program,
 * confined, links it too.
 */
#include <string.h>

#include "jsonstr.h"
#include "utf8.h"

static size_t
unicode_escape(char *out, unsigned int cp)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'u';
	out[2] = hex[(cp >> 12) & 15];
	out[3] = hex[(cp >> 8) & 15];
	out[4] = hex[(cp >> 4) & 15];
	out[5] = hex[cp & 15];
	return 6;
}

/* Printable ASCII but the quote and the backslash: kept as it is. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

size_t
json_escape(char *out, const unsigned char *s, size_t n, enum json_bad bad,
    size_t *used)
{
	size_t i, k, w = 0;
	unsigned int cp;

	for (i = 0; i < n; i += k) {
		/* A run of plain bytes is copied at once: most text is one. */
		for (k = 0; i + k < n && plain(s[i + k]); k++)
			;
		if (k > 0) {
			memcpy(out + w, s + i, k);
			w += k;
			continue;
		}
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
			if (bad == JSON_BAD_STOP)
				break;
			/* U+FFFD, for this byte; the next is tried anew. */
			memcpy(out + w, "\xef\xbf\xbd", 3);
			w += 3;
			k = 1;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			out[w++] = '\\';
			out[w++] = (char)cp;
		} else if (cp == '\n') {
			out[w++] = '\\';
			out[w++] = 'n';
		} else if (cp == '\t') {
			out[w++] = '\\';
			out[w++] = 't';
		} else if (utf8_unsafe(cp))
			w += unicode_escape(out + w, cp);
		else {
			memcpy(out + w, s + i, k);
			w += k;
		}
	}
	*used = i;
	return w;
}
