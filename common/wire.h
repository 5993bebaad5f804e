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

#include <sys/uio.h>

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
 * A frame's payload in pieces, each pointing into the caller's memory,
 * which must stay as it is until the frame is sent.  A piece that starts
 * where the last one ends extends it: strings laid out one after another
 * go as one.
 */
struct iovs {
	struct iovec	*v;
	size_t		 n, cap;
	size_t		 len;	/* the payload's bytes */
	int		 err;	/* set once an allocation failed */
};

void	iovs_add(struct iovs *, const void *, size_t);
void	iovs_strs(struct iovs *, const char *const *, size_t); /* NULs too */
void	iovs_free(struct iovs *);

/*
 * Sends one frame: 0 on success, -1 with errno set on failure (EMSGSIZE
 * past DIVE_MAX_MSG, ENOMEM for pieces that could not be kept).  Never
 * raises SIGPIPE.  frame_send is the same for one piece.
 */
int	frame_sendv(int, uint32_t, const struct iovs *, const int *, size_t);
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
/* The pieces' bytes, one after another. */
void	wbuf_iovs(struct wbuf *, const struct iovs *);
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
