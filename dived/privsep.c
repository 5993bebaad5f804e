#include <sys/mman.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "privsep.h"
#include "proto.h"
#include "sealed.h"
#include "wire.h"

void
spawn_req_init(struct spawn_req *r)
{
	memset(r, 0, sizeof(*r));
	r->cwdfd = r->rootfd = r->ttyfd = r->ptyfd = -1;
}

void
spawn_req_free(struct spawn_req *r)
{
	close_fds(r->fds, r->nfds);
	if (r->cwdfd != -1)
		close(r->cwdfd);
	if (r->rootfd != -1)
		close(r->rootfd);
	if (r->ttyfd != -1)
		close(r->ttyfd);
	if (r->ptyfd != -1)
		close(r->ptyfd);
	free(r->fds);
	free(r->targets);
	free(r->argv);
	free(r->envp);
	free(r->strings);
	if (r->map != NULL)
		munmap((void *)(uintptr_t)r->map, r->maplen);
	spawn_req_init(r);
}

int
ps_take_fds(struct spawn_req *r, const unsigned char *p, size_t len,
    const int *fds, size_t nfds, const char **why)
{
	struct rbuf rb = { p, len, 0 };
	uint32_t count, t;
	size_t i;

	count = rbuf_u32(&rb);
	if (rb.err || count != nfds || count > DIVE_FD_BATCH ||
	    rb.left != (size_t)count * sizeof(uint32_t)) {
		*why = "malformed descriptor batch";
		goto fail;
	}
	if (r->nfds + count > DIVE_MAX_FDS) {
		*why = "too many descriptors";
		goto fail;
	}
	if (r->fds == NULL) {
		r->fds = calloc(DIVE_MAX_FDS, sizeof(*r->fds));
		r->targets = calloc(DIVE_MAX_FDS, sizeof(*r->targets));
		if (r->fds == NULL || r->targets == NULL) {
			free(r->fds);
			free(r->targets);
			r->fds = NULL;
			r->targets = NULL;
			*why = "out of memory";
			goto fail;
		}
	}
	for (i = 0; i < count; i++) {
		t = rbuf_u32(&rb);
		if (fdbits_take(&r->seen, t) == -1) {
			*why = "descriptor number out of range or repeated";
			/* Those taken so far stay in r and are freed with it. */
			close_fds(fds + i, nfds - i);
			return -1;
		}
		r->fds[r->nfds] = fds[i];
		r->targets[r->nfds++] = t;
	}
	return 0;
fail:
	close_fds(fds, nfds);
	return -1;
}

static int
take_strings(struct rbuf *rb, uint32_t n, const char ***out, int env,
    const char **why)
{
	const char **v;
	uint32_t i;

	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	*out = v;
	for (i = 0; i < n; i++) {
		if ((v[i] = rbuf_str(rb, DIVE_MAX_STRING)) == NULL) {
			*why = "unterminated or over-long string";
			return -1;
		}
		if (env && (!env_entry_ok(v[i]) || env_is_dive(v[i]))) {
			*why = "malformed or reserved environment entry";
			return -1;
		}
	}
	return 0;
}

/*
 * The one request of a session, spawn or list: its buffer becomes the
 * request's, which frees it, and its fixed header is copied out.
 */
static int
take_header(struct spawn_req *r, unsigned char *p, size_t len, void *h,
    size_t hlen, const char *truncated, const char **why)
{
	if (r->strings != NULL) {
		free(p);
		*why = "second request";
		return -1;
	}
	r->strings = p;		/* owned from here on, freed with r */
	if (len < hlen) {
		*why = truncated;
		return -1;
	}
	memcpy(h, p, hlen);
	return 0;
}

/*
 * A request's directory and terminal descriptors, as its flags name
 * them; the slave's numbers are the server's to fill.
 */
static int
take_aux(struct spawn_req *r, const struct reqhead *h, const int *fds,
    size_t nfds, const char **why)
{
	size_t k = 0;

	if (h->pty & fdbits_std(&r->seen)) {
		*why = "a descriptor sent where the pseudo-terminal goes";
		return -1;
	}
	if (nfds != request_nauxfds(h->flags)) {
		*why = "directory and terminal descriptors do not match";
		return -1;
	}
	if (h->flags & REQ_HAS_CWD)
		r->cwdfd = fds[k++];
	if (h->flags & REQ_HAS_ROOT)
		r->rootfd = fds[k++];
	if (h->flags & REQ_HAS_TTY)
		r->ttyfd = fds[k++];
	return 0;
}

int
ps_take_spawn(struct spawn_req *r, unsigned char *p, size_t len,
    const int *fds, size_t nfds, const char **why)
{
	struct ps_spawn h;
	struct rbuf rb;

	if (take_header(r, p, len, &h, sizeof(h), "truncated spawn request",
	    why) == -1)
		goto fail;
	if (h.magic != PS_MAGIC) {
		*why = "malformed spawn request";
		goto fail;
	}
	if (request_check_fixed(&h.head, why) == -1)
		goto fail;
	if (h.nfds != r->nfds) {
		*why = "descriptor count does not match";
		goto fail;
	}
	if (h.strbytes > DIVE_MAX_STRBYTES || h.strbytes != len - sizeof(h)) {
		*why = "spawn request lengths out of range";
		goto fail;
	}
	if (take_aux(r, &h.head, fds, nfds, why) == -1)
		goto fail;
	r->head = h.head;
	rb.p = p + sizeof(h);
	rb.left = h.strbytes;
	rb.err = 0;
	if (take_strings(&rb, h.head.argc, &r->argv, 0, why) == -1 ||
	    take_strings(&rb, h.head.envc, &r->envp, 1, why) == -1)
		return -1;
	if (rb.left != 0) {
		*why = "trailing bytes in spawn request";
		return -1;
	}
	return 0;
fail:
	close_fds(fds, nfds);
	return -1;
}

/*
 * The client's own request, in the sealed memfd the parser checked and
 * passed on: mapped and decoded here again, with the client's DIVE_*
 * variables dropped as the parser drops them from any other request.
 */
int
ps_take_sealed(struct spawn_req *r, unsigned char *p, size_t len,
    const int *fds, size_t nfds, const char **why)
{
	struct ps_sealed h;
	struct request q;
	uint32_t i, k;

	if (take_header(r, p, len, &h, sizeof(h), "truncated sealed request",
	    why) == -1)
		goto fail;
	if (h.magic != PS_SEALED_MAGIC || len != sizeof(h) || nfds < 1) {
		*why = "malformed sealed request";
		goto fail;
	}
	if (h.nfds != r->nfds) {
		*why = "descriptor count does not match";
		goto fail;
	}
	if ((r->map = sealed_map(fds[0], h.len, why)) == NULL)
		goto fail;
	r->maplen = h.len;
	if (proto_decode_request(r->map, r->maplen, &q, why) == -1)
		goto fail;
	for (i = k = 0; i < q.head.envc; i++)
		if (!env_is_dive(q.envp[i]))
			q.envp[k++] = q.envp[i];
	q.envp[k] = NULL;
	q.head.envc = k;
	r->argv = q.argv;
	r->envp = q.envp;
	if (take_aux(r, &q.head, fds + 1, nfds - 1, why) == -1)
		goto fail;
	close(fds[0]);
	r->head = q.head;
	return 0;
fail:
	close_fds(fds, nfds);
	return -1;
}

int
ps_take_list(struct spawn_req *r, unsigned char *p, size_t len,
    const int *fds, size_t nfds, const char **why)
{
	struct ps_list h;
	struct rbuf rb;

	if (take_header(r, p, len, &h, sizeof(h), "truncated list request",
	    why) == -1)
		goto fail;
	if (h.magic != PS_LIST_MAGIC) {
		*why = "malformed list request";
		goto fail;
	}
	if (list_check(h.argc, r->nfds + nfds, why) == -1)
		goto fail;
	if (h.strbytes > DIVE_MAX_STRBYTES || h.strbytes != len - sizeof(h)) {
		*why = "list request lengths out of range";
		goto fail;
	}
	r->head.argc = h.argc;
	rb.p = p + sizeof(h);
	rb.left = h.strbytes;
	rb.err = 0;
	if (take_strings(&rb, h.argc, &r->argv, 0, why) == -1)
		return -1;
	if (rb.left != 0) {
		*why = "trailing bytes in list request";
		return -1;
	}
	r->list = 1;
	return 0;
fail:
	close_fds(fds, nfds);
	return -1;
}

int
ps_take_fail(const unsigned char *p, size_t len, uint32_t *status,
    char *text, size_t textlen)
{
	size_t n;

	if (len < sizeof(*status) || textlen == 0)
		return -1;
	memcpy(status, p, sizeof(*status));
	if (*status == 0 || *status > 255)
		*status = DIVE_EXIT_FAILURE;
	n = len - sizeof(*status);
	if (n >= textlen)
		n = textlen - 1;
	memcpy(text, p + sizeof(*status), n);
	text[n] = '\0';
	return 0;
}

void
ps_encode_spawn(struct wbuf *w, const struct ps_spawn *h,
    const char *const *argv, const char *const *envp)
{
	struct ps_spawn hh = *h;
	struct iovs p = { 0 };

	iovs_add(&p, &hh, sizeof(hh));
	iovs_strs(&p, argv, hh.head.argc);
	iovs_strs(&p, envp, hh.head.envc);
	hh.strbytes = (uint32_t)(p.len - sizeof(hh));
	wbuf_iovs(w, &p);
	iovs_free(&p);
}

void
ps_encode_list(struct wbuf *w, const struct ps_list *h,
    const char *const *argv)
{
	struct ps_list hh = *h;
	size_t start;

	wbuf_bytes(w, &hh, sizeof(hh));
	start = w->len;
	for (uint32_t i = 0; i < h->argc; i++)
		wbuf_str(w, argv[i]);
	if (w->err)
		return;
	hh.strbytes = (uint32_t)(w->len - start);
	memcpy(w->p + start - sizeof(hh), &hh, sizeof(hh));
}

void
ps_fail(int mon, uint32_t status, const char *fmt, ...)
{
	char text[DIVE_MAX_ERRTEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	proto_send_text(mon, PS_FAIL, status, text);
	_exit(DIVE_EXIT_FAILURE);
}
