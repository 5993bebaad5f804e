/*
 * A large request crosses no socket: dive writes it into a memfd sealed
 * against any change and passes the descriptor (MSG_SEALED, proto.h); the
 * parser and then the monitor each check the seals and map it.  Nobody,
 * the client included, can change the bytes after it is sealed, so what
 * the parser checked is what the monitor decodes again.
 */
#ifndef DIVE_SEALED_H
#define DIVE_SEALED_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* A request of at least this many bytes goes sealed. */
#define SEALED_MIN	(32 * 1024)

/*
 * A sealed memfd holding the pieces, or -1 with errno set: where memfds
 * are not to be had, or RLIMIT_FSIZE would cut it, the caller sends the
 * request in its frame.
 */
int	sealed_create(const struct iovs *);

/*
 * The len bytes of a sealed memfd, mapped read-only, or NULL with the
 * reason in *why: not a memfd, a seal missing, a size other than len, or
 * len out of bounds.  Unmap with munmap(p, len).
 */
const unsigned char	*sealed_map(int, uint32_t, const char **);

#endif
