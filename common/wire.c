#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "wire.h"

struct hdr {
	uint32_t	type;
	uint32_t	len;
};

void
close_fds(const int *fds, size_t n)
{
	int save = errno;

	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	errno = save;
}

/* Pieces of a payload per sendmsg, after the header. */
#define SEND_IOV	64

int
frame_sendv(int sock, uint32_t type, const struct iovs *p, const int *fds,
    size_t nfds)
{
	struct hdr h = { type, (uint32_t)p->len };
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int) * DIVE_FD_BATCH)];
	} cm;
	struct iovec iov[1 + SEND_IOV];
	struct msghdr mh;
	size_t hsent = 0, i = 0, off = 0, j, m;
	ssize_t n;

	if (p->err) {
		errno = ENOMEM;
		return -1;
	}
	if (p->len > DIVE_MAX_MSG || nfds > DIVE_FD_BATCH) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	/* i and off: the first piece, and its first byte, not yet sent. */
	while (hsent < sizeof(h) || i < p->n) {
		int k = 0;

		if (hsent < sizeof(h)) {
			iov[k].iov_base = (char *)&h + hsent;
			iov[k++].iov_len = sizeof(h) - hsent;
		}
		for (j = i; j < p->n && k <= SEND_IOV; j++, k++) {
			iov[k].iov_base = (char *)p->v[j].iov_base +
			    (j == i ? off : 0);
			iov[k].iov_len = p->v[j].iov_len - (j == i ? off : 0);
		}
		mh.msg_iov = iov;
		mh.msg_iovlen = k;
		if ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		mh.msg_control = NULL;	/* descriptors go with the first byte */
		mh.msg_controllen = 0;
		m = (size_t)n;
		if (hsent < sizeof(h)) {
			j = m < sizeof(h) - hsent ? m : sizeof(h) - hsent;
			hsent += j;
			m -= j;
		}
		for (; m > 0 && m >= p->v[i].iov_len - off; i++) {
			m -= p->v[i].iov_len - off;
			off = 0;
		}
		off += m;
	}
	return 0;
}

int
frame_send(int sock, uint32_t type, const void *buf, size_t len,
    const int *fds, size_t nfds)
{
	struct iovec v = { (void *)(uintptr_t)buf, len };
	struct iovs p = { &v, len > 0, 1, len, 0 };

	return frame_sendv(sock, type, &p, fds, nfds);
}

void
iovs_add(struct iovs *p, const void *b, size_t n)
{
	struct iovec *last = p->n > 0 ? &p->v[p->n - 1] : NULL;

	if (p->err || n == 0)
		return;
	p->len += n;
	if (last != NULL && (const char *)last->iov_base + last->iov_len ==
	    (const char *)b) {
		last->iov_len += n;
		return;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct iovec *v;

		if ((v = reallocarray(p->v, cap, sizeof(*v))) == NULL) {
			p->err = 1;
			return;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].iov_base = (void *)(uintptr_t)b;
	p->v[p->n++].iov_len = n;
}

void
iovs_strs(struct iovs *p, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		iovs_add(p, v[i], strlen(v[i]) + 1);
}

void
iovs_free(struct iovs *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Collects the descriptors of one recvmsg; -1 if any are unexpected. */
static int
take_fds(struct msghdr *mh, struct frame *f, int *fds, size_t maxfds)
{
	struct cmsghdr *c;
	int bad = (mh->msg_flags & MSG_CTRUNC) != 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		size_t n, i;
		int *p = (int *)CMSG_DATA(c);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, p + i, sizeof(fd));
			if (f->nfds < maxfds)
				fds[f->nfds++] = fd;
			else {
				close(fd);
				bad = 1;
			}
		}
	}
	return bad ? -1 : 0;
}

static int
recv_hdr(int sock, struct frame *f, struct hdr *h, int *fds, size_t maxfds)
{
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int) * DIVE_FD_BATCH)];
	} cm;
	size_t got = 0;

	if (maxfds > DIVE_FD_BATCH)
		maxfds = DIVE_FD_BATCH;
	while (got < sizeof(*h)) {
		struct iovec iov = { (char *)h + got, sizeof(*h) - got };
		struct msghdr mh;
		ssize_t n;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.buf;
		/* Room for one descriptor more than allowed reveals excess. */
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (maxfds + 1));
		if (mh.msg_controllen > sizeof(cm.buf))
			mh.msg_controllen = sizeof(cm.buf);
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (take_fds(&mh, f, fds, maxfds) == -1) {
			errno = ETOOMANYREFS;
			return -1;
		}
		if (n == 0) {
			if (got == 0 && f->nfds == 0)
				return 0;
			errno = EPROTO;
			return -1;
		}
		if (got > 0 && mh.msg_controllen > 0) {
			errno = EPROTO;
			return -1;
		}
		got += (size_t)n;
	}
	return 1;
}

static int
recv_all(int sock, unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = recv(sock, p, len, 0);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EPROTO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
frame_recv(int sock, struct frame *f, size_t maxlen, int *fds, size_t maxfds)
{
	struct hdr h;
	int r;

	memset(f, 0, sizeof(*f));
	f->fds = fds;
	r = recv_hdr(sock, f, &h, fds, maxfds);
	if (r != 1)
		goto fail;
	if (h.len > maxlen || h.len > DIVE_MAX_MSG) {
		errno = EMSGSIZE;
		r = -1;
		goto fail;
	}
	f->type = h.type;
	f->len = h.len;
	if (h.len > 0) {
		if ((f->buf = malloc(h.len)) == NULL) {
			r = -1;
			goto fail;
		}
		if (recv_all(sock, f->buf, h.len) == -1) {
			r = -1;
			goto fail;
		}
	}
	return 1;
fail:
	close_fds(fds, f->nfds);
	f->nfds = 0;
	free(f->buf);
	f->buf = NULL;
	return r;
}

/*
 * frame_recv, once sock has a message, or its end, to read.  A reader
 * blocked in recvmsg(2) on a stream socket is woken as well each time its
 * peer takes data off the other direction, which on a connection shared
 * by monitor and parser is every reply the client reads; poll(2) wakes
 * only for what it asked for.
 */
int
frame_await(int sock, struct frame *f, size_t maxlen, int *fds,
    size_t maxfds)
{
	struct pollfd p = { sock, POLLIN, 0 };
	int r;

	while ((r = poll(&p, 1, -1)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		memset(f, 0, sizeof(*f));
		return -1;
	}
	return frame_recv(sock, f, maxlen, fds, maxfds);
}

void
frame_free(struct frame *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
}

static void
wbuf_grow(struct wbuf *w, size_t more)
{
	size_t cap;
	unsigned char *np;

	if (w->err)
		return;
	if (more > SIZE_MAX / 2 - w->len) {
		w->err = 1;
		return;
	}
	if (w->len + more <= w->cap)
		return;
	cap = w->cap ? w->cap : 256;
	while (cap < w->len + more)
		cap *= 2;
	if ((np = realloc(w->p, cap)) == NULL) {
		w->err = 1;
		return;
	}
	w->p = np;
	w->cap = cap;
}

void
wbuf_reserve(struct wbuf *w, size_t n)
{
	wbuf_grow(w, n);
}

void
wbuf_bytes(struct wbuf *w, const void *p, size_t n)
{
	wbuf_grow(w, n);
	if (w->err || n == 0)
		return;
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

void
wbuf_iovs(struct wbuf *w, const struct iovs *p)
{
	if (p->err || p->len > DIVE_MAX_MSG) {
		w->err = 1;
		return;
	}
	wbuf_reserve(w, p->len);
	for (size_t i = 0; i < p->n; i++)
		wbuf_bytes(w, p->v[i].iov_base, p->v[i].iov_len);
}

void
wbuf_u32(struct wbuf *w, uint32_t v)
{
	wbuf_bytes(w, &v, sizeof(v));
}

void
wbuf_str(struct wbuf *w, const char *s)
{
	wbuf_bytes(w, s, strlen(s) + 1);
}

void
wbuf_free(struct wbuf *w)
{
	free(w->p);
	memset(w, 0, sizeof(*w));
}

uint32_t
rbuf_u32(struct rbuf *r)
{
	uint32_t v;

	if (r->err || r->left < sizeof(v)) {
		r->err = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	r->left -= sizeof(v);
	return v;
}

const char *
rbuf_str(struct rbuf *r, size_t max)
{
	const unsigned char *nul;
	const char *s;
	size_t n;

	if (r->err)
		return NULL;
	n = r->left < max + 1 ? r->left : max + 1;
	if ((nul = memchr(r->p, '\0', n)) == NULL) {
		r->err = 1;
		return NULL;
	}
	s = (const char *)r->p;
	n = (size_t)(nul - r->p) + 1;
	r->p += n;
	r->left -= n;
	return s;
}
