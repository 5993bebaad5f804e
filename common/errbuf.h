/* Error messages returned through a caller's buffer. */
#ifndef DIVE_ERRBUF_H
#define DIVE_ERRBUF_H

#include <stddef.h>

/* Formats a message into buf and returns -1, for "return errbuf(...)". */
int	errbuf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
