/*
 * UTF-8 as dived writes it into its records: which sequences are valid,
 * and which characters a reader may take for a line end or a control.
 */
#ifndef DIVED_UTF8_H
#define DIVED_UTF8_H

#include <stddef.h>

/*
 * The length of the UTF-8 sequence at s (at most n bytes, n > 0), with
 * its code point in *cp; 0 when it is not valid UTF-8: an overlong form,
 * a surrogate, a code point past U+10FFFF or a sequence cut short.
 */
size_t	utf8_decode(const unsigned char *, size_t, unsigned int *);

/*
 * Whether cp is a character that no record may hold as it is: a C0 or
 * C1 control or DEL, which terminals act on (U+0085 is a line end to some
 * readers, U+009B starts a control sequence); U+2028 and U+2029, line
 * ends to JavaScript and other Unicode-aware readers; or a bidirectional
 * formatting character, which makes a terminal or an editor show the
 * text around it in another order than it has (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069).
 */
int	utf8_unsafe(unsigned int);

/*
 * How many of the last bytes of s (n bytes) begin a UTF-8 sequence that
 * bytes still to come may complete, 0 to 3: what a writer of a stream
 * read in pieces keeps for the next piece.
 */
size_t	utf8_partial(const unsigned char *, size_t);

#endif
