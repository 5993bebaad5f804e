/*
 * UTF-8 for the audit records, the recordings and the log: decoding,
 * strictly, and the characters escaped in all of them.
 */
#include "utf8.h"

size_t
utf8_decode(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned int c = s[0], min, len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

int
utf8_unsafe(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The range of the byte after a lead byte, which the first excludes. */
static int
second_ok(unsigned int lead, unsigned int b)
{
	if (lead == 0xe0)
		return b >= 0xa0 && b <= 0xbf;	/* no overlong form */
	if (lead == 0xed)
		return b >= 0x80 && b <= 0x9f;	/* no surrogate */
	if (lead == 0xf0)
		return b >= 0x90 && b <= 0xbf;
	if (lead == 0xf4)
		return b >= 0x80 && b <= 0x8f;	/* nothing past U+10FFFF */
	return (b & 0xc0) == 0x80;
}

size_t
utf8_partial(const unsigned char *s, size_t n)
{
	size_t k, len, i;
	unsigned int c;

	for (k = 1; k <= 3 && k <= n; k++) {
		c = s[n - k];
		if ((c & 0xc0) == 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			return 0;
		if (len <= k)
			return 0;	/* complete, or too long: not ours */
		for (i = 1; i < k; i++)
			if (i == 1 ? !second_ok(c, s[n - k + 1]) :
			    (s[n - k + i] & 0xc0) != 0x80)
				return 0;
		return k;
	}
	return 0;
}
