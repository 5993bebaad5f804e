/*
 * The JSON string escaper of the audit records and the recordings.  No
 * allocation and no library beyond the C one: the recorder program,
 * confined, links it too.
 */
#include <stdint.h>
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

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * Whether the 8 bytes at p are all plain, tested at once: a byte under
 * 0x20, one of 0x7f or over (adding 1 sets its high bit, or it was set),
 * a quote or a backslash (a zero byte once xored) leaves a high bit set.
 * A byte that is not plain may also mark its neighbour; none is missed.
 */
static int
plain8(const unsigned char *p)
{
	uint64_t x, q, b;

	memcpy(&x, p, sizeof(x));
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	return ((((x - ONES * 0x20) & ~x) | (x + ONES) | x |
	    ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS) == 0;
}

size_t
json_plain(const unsigned char *s, size_t n)
{
	size_t k;

	for (k = 0; k + 8 <= n && plain8(s + k); k += 8)
		;
	for (; k < n && plain(s[k]); k++)
		;
	return k;
}

size_t
json_escape(char *out, const unsigned char *s, size_t n, enum json_bad bad,
    size_t *used)
{
	size_t i, k, w = 0;
	unsigned int cp;

	for (i = 0; i < n; i += k) {
		/* A run of plain bytes is copied at once: most text is one. */
		if ((k = json_plain(s + i, n - i)) > 0) {
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
