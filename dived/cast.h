/*
 * Session recordings, in the asciicast v2 format that asciinema plays:
 * one JSON header line, which the monitor writes when it creates the
 * file, then one JSON array per event, which the recorder appends:
 * [seconds, "o", output], [seconds, "i", input], [seconds, "r",
 * "COLSxROWS"] and [seconds, "m", label] for a marker.
 */
#ifndef DIVED_CAST_H
#define DIVED_CAST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bounds.h"
#include "jsonstr.h"

/* The bytes of TERM and SHELL the header keeps. */
#define CAST_ENV_MAX	256
#define CAST_HEADER_MAX	(2 * JSON_ESCAPED_MAX(CAST_ENV_MAX) + 256)

struct cast_head {
	unsigned int	 cols, rows;	/* 0 when unknown: 80 by 24 */
	long long	 timestamp;	/* the start, in seconds since 1970 */
	const char	*session;	/* its ID, which the title gives */
	const char	*term;		/* the program's TERM, or NULL */
	const char	*shell;		/* and SHELL */
};

/* The header line, newline included, into buf; its length. */
size_t	cast_header(char *, size_t, const struct cast_head *);

enum cast_state {
	CAST_OFF,		/* no file yet */
	CAST_ON,
	CAST_CUT,		/* --record-max reached: a marker ends it */
	CAST_FAILED,		/* a write failed: err says why */
};

/*
 * The start of a UTF-8 character that a piece of a stream ended in:
 * kept for the next piece of the same stream, so that a character read
 * in two parts is recorded whole.
 */
struct cast_carry {
	unsigned char	 b[4];
	size_t		 n;
};

/* One line: an event of a whole chunk, with a carry, escaped. */
#define CAST_LINE_MAX	(JSON_ESCAPED_MAX(DIVE_RECORD_CHUNK + 4) + 64)

struct cast {
	int		 fd;
	enum cast_state	 state;
	int		 err;
	uint64_t	 bytes;		/* the file's size, header included */
	uint64_t	 max;		/* --record-max, 0 for none */
	struct timespec	 t0;		/* events' times count from here */
	char		 line[CAST_LINE_MAX];
};

/*
 * Starts appending to fd, whose header of size bytes is written, up to
 * max bytes in all (0: no limit); event times count from now.
 */
void	cast_start(struct cast *, int, uint64_t, uint64_t);
/*
 * An event of type 'o' or 'i' for n bytes of one stream, at most
 * DIVE_RECORD_CHUNK, after what the carry kept of that stream.  Bytes
 * that are not UTF-8 are recorded as U+FFFD.
 */
void	cast_data(struct cast *, char, struct cast_carry *,
	    const unsigned char *, size_t);
/* The end of a stream: what its carry holds, as it is. */
void	cast_flush(struct cast *, char, struct cast_carry *);
void	cast_resize(struct cast *, unsigned int, unsigned int);

#endif
