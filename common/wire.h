/*
 * Framed messages over a stream socket, with descriptors attached by
 * SCM_RIGHTS, and the cursor helpers the codecs build on.
 *
 * A frame is a header { u32 type; u32 len; } followed by len payload bytes,
 * sent by one sendmsg whose first byte carries the frame's descriptors.
 * Integers are in host order: both ends are on the same host.
 */
#ifndef DIVE_WIRE_H
#define DIVE_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct frame {
	uint32_t	 type;
	uint32_t	 len;
	unsigned char	*buf;	/* len bytes, malloc'd; NULL when len is 0 */
	int		*fds;	/* caller's array */
	size_t		 nfds;
};

/*
 * Returns 0 on success, -1 with errno set on failure.  Never raises
 * SIGPIPE.
 */
int	frame_send(int, uint32_t, const void *, size_t, const int *, size_t);

/*
 * Receives one frame whose payload is at most maxlen bytes and which
 * carries at most maxfds descriptors into f->fds (close-on-exec).
 * Returns 1 for a frame, 0 for end of stream at a frame boundary, -1 with
 * errno set otherwise: EPROTO for a stream cut inside a frame or
 * descriptors arriving after a frame's first byte, EMSGSIZE for an
 * over-long payload, ETOOMANYREFS for more descriptors than maxfds
 * (including any at all when maxfds is 0) or truncated ones.  On error no
 * descriptor stays open and no buffer is left allocated.
 */
int	frame_recv(int, struct frame *, size_t, int *, size_t);

/* The same on a blocking socket, woken only when there is something. */
int	frame_await(int, struct frame *, size_t, int *, size_t);
void	frame_free(struct frame *);

/* Closes descriptors received into an array. */
void	close_fds(const int *, size_t);

/* A growing output buffer. */
struct wbuf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
	int		 err;	/* set once an allocation failed */
};

/* Room for n more bytes at once, instead of doubling up to them. */
void	wbuf_reserve(struct wbuf *, size_t);
/* What n strings take with their NULs, for wbuf_reserve. */
size_t	wbuf_strs_size(const char *const *, size_t);
void	wbuf_u32(struct wbuf *, uint32_t);
void	wbuf_bytes(struct wbuf *, const void *, size_t);
void	wbuf_str(struct wbuf *, const char *);	/* with its NUL */
void	wbuf_free(struct wbuf *);

/* A bounded input cursor: every read checks what is left. */
struct rbuf {
	const unsigned char	*p;
	size_t			 left;
	int			 err;	/* set once a read overran */
};

uint32_t	rbuf_u32(struct rbuf *);
/*
 * Returns the next NUL-terminated string of at most max bytes (without
 * the NUL), or NULL and sets err.
 */
const char	*rbuf_str(struct rbuf *, size_t);

#endif
