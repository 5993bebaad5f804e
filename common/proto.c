#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "proto.h"

size_t
request_nauxfds(uint32_t flags)
{
	return !!(flags & REQ_HAS_CWD) + !!(flags & REQ_HAS_ROOT) +
	    !!(flags & REQ_HAS_TTY);
}

static int
check_pty(const struct reqhead *h, const char **why)
{
	if (h->pty & ~PTY_MASK) {
		*why = "unknown pseudo-terminal descriptors";
		return -1;
	}
	if (h->pty != 0 && (h->flags & REQ_HAS_TTY)) {
		*why = "a terminal sent with a pseudo-terminal request";
		return -1;
	}
	if (h->rows > PTY_MAX_SIZE || h->cols > PTY_MAX_SIZE ||
	    (h->pty == 0 && (h->rows != 0 || h->cols != 0))) {
		*why = "window size out of range";
		return -1;
	}
	return 0;
}

int
request_check_fixed(const struct reqhead *h, const char **why)
{
	if (h->umask > 0777) {
		*why = "umask out of range";
		return -1;
	}
	if (h->flags & ~REQ_FLAGS) {
		*why = "unknown request flags";
		return -1;
	}
	if (h->waitmode > WAIT_MAX || h->sigfwmode > SIGFW_MAX) {
		*why = "unknown wait or signal mode";
		return -1;
	}
	if (check_pty(h, why) == -1)
		return -1;
	if (h->argc > DIVE_MAX_ARGS) {
		*why = "too many arguments";
		return -1;
	}
	if (h->envc > DIVE_MAX_ENV) {
		*why = "too many environment variables";
		return -1;
	}
	return 0;
}

int
env_entry_ok(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq != NULL && eq != s;
}

int
env_is_dive(const char *s)
{
	return strncmp(s, "DIVE_", 5) == 0;
}

int
fdbits_has(const struct fdbits *b, uint32_t fd)
{
	return fd <= DIVE_MAX_FDNUM && (b->bit[fd / 8] & (1u << (fd % 8)));
}

int
fdbits_take(struct fdbits *b, uint32_t fd)
{
	if (fd > DIVE_MAX_FDNUM || fdbits_has(b, fd))
		return -1;
	b->bit[fd / 8] |= (unsigned char)(1u << (fd % 8));
	return 0;
}

uint32_t
fdbits_std(const struct fdbits *b)
{
	return b->bit[0] & PTY_MASK;
}

void
proto_request_iovs(struct iovs *p, uint32_t words[REQ_WORDS],
    const struct request *r)
{
	const struct reqhead *h = &r->head;

	words[0] = h->umask;
	words[1] = h->flags;
	words[2] = h->waitmode;
	words[3] = h->sigfwmode;
	words[4] = h->pty;
	words[5] = h->rows;
	words[6] = h->cols;
	words[7] = h->argc;
	words[8] = h->envc;
	iovs_add(p, words, REQ_WORDS * sizeof(uint32_t));
	iovs_strs(p, r->argv, h->argc);
	iovs_strs(p, r->envp, h->envc);
}

int
proto_encode_request(struct wbuf *w, const struct request *r)
{
	uint32_t words[REQ_WORDS];
	struct iovs p = { 0 };

	proto_request_iovs(&p, words, r);
	wbuf_iovs(w, &p);
	iovs_free(&p);
	return w->err ? -1 : 0;
}

static const char **
decode_strings(struct rbuf *rb, uint32_t n, const char **why)
{
	const char **v;
	uint32_t i;

	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((v[i] = rbuf_str(rb, DIVE_MAX_STRING)) == NULL) {
			*why = "truncated or over-long string";
			free(v);
			return NULL;
		}
	return v;
}

int
proto_decode_request(const unsigned char *p, size_t len, struct request *r,
    const char **why)
{
	struct reqhead *h = &r->head;
	struct rbuf rb = { p, len, 0 };
	uint32_t i;

	memset(r, 0, sizeof(*r));
	h->umask = rbuf_u32(&rb);
	h->flags = rbuf_u32(&rb);
	h->waitmode = rbuf_u32(&rb);
	h->sigfwmode = rbuf_u32(&rb);
	h->pty = rbuf_u32(&rb);
	h->rows = rbuf_u32(&rb);
	h->cols = rbuf_u32(&rb);
	h->argc = rbuf_u32(&rb);
	h->envc = rbuf_u32(&rb);
	if (rb.err) {
		*why = "truncated request";
		return -1;
	}
	if (request_check_fixed(h, why) == -1)
		return -1;
	/* Each string takes at least its NUL: reject counts the bytes lack. */
	if (rb.left > DIVE_MAX_STRBYTES) {
		*why = "arguments and environment too large";
		return -1;
	}
	if ((size_t)h->argc + h->envc > rb.left) {
		*why = "truncated request";
		return -1;
	}
	if ((r->argv = decode_strings(&rb, h->argc, why)) == NULL)
		return -1;
	if ((r->envp = decode_strings(&rb, h->envc, why)) == NULL)
		goto fail;
	if (rb.left != 0) {
		*why = "trailing bytes after request";
		goto fail;
	}
	for (i = 0; i < h->envc; i++)
		if (!env_entry_ok(r->envp[i])) {
			*why = "environment entry not of the form NAME=value";
			goto fail;
		}
	return 0;
fail:
	request_free(r);
	return -1;
}

void
request_free(struct request *r)
{
	free(r->argv);
	free(r->envp);
	r->argv = r->envp = NULL;
}

int
list_check(uint32_t argc, size_t nfds, const char **why)
{
	if (argc > DIVE_MAX_ARGS) {
		*why = "too many arguments";
		return -1;
	}
	if (nfds != 0) {
		*why = "a list request takes no descriptors";
		return -1;
	}
	return 0;
}

int
proto_encode_list(struct wbuf *w, const struct listreq *l)
{
	wbuf_u32(w, l->argc);
	for (uint32_t i = 0; i < l->argc; i++)
		wbuf_str(w, l->argv[i]);
	return w->err ? -1 : 0;
}

int
proto_decode_list(const unsigned char *p, size_t len, size_t nfds,
    struct listreq *l, const char **why)
{
	struct rbuf rb = { p, len, 0 };

	memset(l, 0, sizeof(*l));
	l->argc = rbuf_u32(&rb);
	if (rb.err) {
		*why = "truncated list request";
		return -1;
	}
	if (list_check(l->argc, nfds, why) == -1)
		return -1;
	if (rb.left > DIVE_MAX_STRBYTES) {
		*why = "arguments too large";
		return -1;
	}
	if (l->argc > rb.left) {
		*why = "truncated list request";
		return -1;
	}
	if ((l->argv = decode_strings(&rb, l->argc, why)) == NULL)
		return -1;
	if (rb.left != 0) {
		*why = "trailing bytes after list request";
		listreq_free(l);
		return -1;
	}
	return 0;
}

void
listreq_free(struct listreq *l)
{
	free(l->argv);
	l->argv = NULL;
}

int
proto_send_listing(int sock, uint32_t status, const char *text, size_t len)
{
	struct wbuf w = { 0 };
	int r;

	if (len > DIVE_MAX_LISTING)
		len = DIVE_MAX_LISTING;
	wbuf_reserve(&w, sizeof(status) + len);
	wbuf_u32(&w, status);
	wbuf_bytes(&w, text, len);
	if (w.err) {
		wbuf_free(&w);
		return -1;
	}
	r = frame_send(sock, MSG_LISTING, w.p, w.len, NULL, 0);
	wbuf_free(&w);
	return r;
}

int
proto_decode_listing(const unsigned char *p, size_t len, uint32_t *status,
    const char **text, size_t *n)
{
	struct rbuf rb = { p, len, 0 };

	*status = rbuf_u32(&rb);
	if (rb.err || rb.left > DIVE_MAX_LISTING ||
	    (*status != LISTING_PERMITTED && *status != LISTING_NOT) ||
	    (rb.left > 0 && memchr(rb.p, '\0', rb.left) != NULL))
		return -1;
	*text = (const char *)rb.p;
	*n = rb.left;
	return 0;
}

int
proto_decode_fds(const unsigned char *p, size_t len, uint32_t *targets,
    size_t max, size_t *n, const char **why)
{
	struct rbuf rb = { p, len, 0 };
	uint32_t count, i;

	count = rbuf_u32(&rb);
	if (rb.err || rb.left != (size_t)count * sizeof(uint32_t)) {
		*why = "malformed descriptor list";
		return -1;
	}
	if (count > max) {
		*why = "too many descriptors";
		return -1;
	}
	for (i = 0; i < count; i++) {
		targets[i] = rbuf_u32(&rb);
		if (targets[i] > DIVE_MAX_FDNUM) {
			*why = "descriptor number out of range";
			return -1;
		}
	}
	*n = count;
	return 0;
}

int
proto_decode_u32(const unsigned char *p, size_t len, uint32_t *a)
{
	struct rbuf rb = { p, len, 0 };

	*a = rbuf_u32(&rb);
	return rb.err || rb.left != 0 ? -1 : 0;
}

int
proto_decode_u32x2(const unsigned char *p, size_t len, uint32_t *a,
    uint32_t *b)
{
	struct rbuf rb = { p, len, 0 };

	*a = rbuf_u32(&rb);
	*b = rbuf_u32(&rb);
	return rb.err || rb.left != 0 ? -1 : 0;
}

int
proto_send_hello(int sock, uint32_t flags)
{
	return proto_send_u32x2(sock, MSG_HELLO, DIVE_PROTO_VERSION, flags);
}

int
proto_decode_hello(const unsigned char *p, size_t len, uint32_t *version,
    uint32_t *flags)
{
	*flags = 0;
	if (len == sizeof(uint32_t))
		return proto_decode_u32(p, len, version);
	if (proto_decode_u32x2(p, len, version, flags) == -1)
		return -1;
	return *flags & ~HELLO_FLAGS ? -1 : 0;
}

int
proto_send_pty(int sock, uint32_t pty, int master)
{
	return frame_send(sock, MSG_PTY, &pty, sizeof(pty), &master, 1);
}

int
proto_send_u32(int sock, uint32_t type, uint32_t a)
{
	return frame_send(sock, type, &a, sizeof(a), NULL, 0);
}

int
proto_send_u32x2(int sock, uint32_t type, uint32_t a, uint32_t b)
{
	uint32_t v[2] = { a, b };

	return frame_send(sock, type, v, sizeof(v), NULL, 0);
}

int
proto_send_text(int sock, uint32_t type, uint32_t status, const char *text)
{
	unsigned char buf[sizeof(uint32_t) + DIVE_MAX_ERRTEXT];
	size_t n = strnlen(text, DIVE_MAX_ERRTEXT);

	memcpy(buf, &status, sizeof(status));
	memcpy(buf + sizeof(status), text, n);
	return frame_send(sock, type, buf, sizeof(status) + n, NULL, 0);
}

int
proto_send_error(int sock, uint32_t status, const char *text)
{
	return proto_send_text(sock, MSG_ERROR, status, text);
}
