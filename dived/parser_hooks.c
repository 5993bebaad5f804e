/*
 * The parser's test hooks, linked into dived-parser-hooks alone (make
 * builds it for the tests; it is never installed).  A request whose
 * argv[0] is "@dive-testhook:NAME" makes that parser, already confined,
 * act as a compromised one: it attempts a system call its filter forbids,
 * or sends the monitor forged messages asking to run
 * "/usr/bin/touch argv[1]", so regress/integration/95-hostile.sh can show
 * that the filter kills it and that the monitor starts nothing; or it
 * sends list requests of its own, which the monitor must refuse or
 * answer for the client the kernel names (89-list.sh).
 */
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "privsep.h"
#include "proto.h"
#include "sandbox.h"
#include "testhook.h"
#include "wire.h"

#define TESTHOOK	"@dive-testhook:"
#define HOOK_ENV	"PATH=/usr/bin:/bin"

static int mon = -1;

/* The request fails: the monitor hears why, and the parser exits. */
#define fail(...)	ps_fail(mon, __VA_ARGS__)

static struct ps_spawn
hook_header(const struct request *r, uint32_t nfds, uint32_t argc)
{
	struct ps_spawn h;

	memset(&h, 0, sizeof(h));
	h.magic = PS_MAGIC;
	h.head.umask = 022;
	h.head.waitmode = r->head.waitmode;
	h.head.sigfwmode = r->head.sigfwmode;
	h.nfds = nfds;
	h.head.argc = argc;
	h.head.envc = 1;
	return h;
}

/* A spawn request as the parser would encode it, for the hooks to spoil. */
static void
hook_encode(struct wbuf *w, const struct ps_spawn *h, const char *const *argv,
    const char *env)
{
	const char *envp[] = { env, NULL };

	ps_encode_spawn(w, h, argv, envp);
	if (w->err)
		_exit(1);
}

static void
hook_send(uint32_t type, struct wbuf *w, const int *fds, size_t nfds)
{
	if (frame_send(mon, type, w->p, w->len, fds, nfds) == -1)
		_exit(1);
	wbuf_free(w);
}

static void
hook_patch(struct wbuf *w, uint32_t magic, uint32_t argc)
{
	struct ps_spawn h;

	memcpy(&h, w->p, sizeof(h));
	h.magic = magic;
	h.head.argc = argc;
	memcpy(w->p, &h, sizeof(h));
}

/*
 * A whole page of the heap, where a compromised parser could have written
 * code, made executable.  pkey_mprotect is called directly: glibc's
 * wrapper turns the default key (-1) into a plain mprotect.
 */
static void
hook_protect(const char *name)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t a;
	char *p;

	if (page <= 0 || (p = malloc(2 * (size_t)page)) == NULL)
		_exit(1);
	a = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	if (strcmp(name, "mprotect-rx") == 0)
		(void)mprotect((void *)a, (size_t)page, PROT_READ | PROT_EXEC);
	else if (strcmp(name, "mprotect-wx") == 0)
		(void)mprotect((void *)a, (size_t)page, PROT_WRITE | PROT_EXEC);
	else
		(void)syscall(SYS_pkey_mprotect, a, (size_t)page,
		    PROT_READ | PROT_EXEC, -1);
}

void
parser_fds_testhook(uint32_t *targets, size_t n)
{
	size_t i, j, first = n;
	uint32_t t;

	for (i = 0; i < n; i++) {
		if (targets[i] >= 3 && first == n)
			first = i;
		if (targets[i] == 77)
			break;
	}
	if (i == n)
		return;
	for (i = first, j = n - 1; i < j; i++, j--) {
		t = targets[i];
		targets[i] = targets[j];
		targets[j] = t;
	}
}

int
parser_testhook(int monitor, const struct request *r, uint32_t nfds)
{
	const char *name, *touch[3] = { "/usr/bin/touch", NULL, NULL };
	struct ps_spawn h;
	struct wbuf w = { 0 };

	if (r->head.argc < 1 || strncmp(r->argv[0], TESTHOOK,
	    sizeof(TESTHOOK) - 1) != 0)
		return 0;
	mon = monitor;
	name = r->argv[0] + sizeof(TESTHOOK) - 1;
	if (r->head.argc < 2)
		fail(DIVE_EXIT_FAILURE, "test hook %s: no marker path", name);
	touch[1] = r->argv[1];
	h = hook_header(r, nfds, 2);

	/* System calls the filter must answer by killing the process. */
	if (strcmp(name, "open") == 0)
		(void)open("/etc/passwd", O_RDONLY);
	else if (strcmp(name, "execve") == 0) {
		char *const av[] = { "/bin/true", NULL }, *const ev[] = { NULL };

		(void)execve("/bin/true", av, ev);
	} else if (strcmp(name, "socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(name, "ptrace") == 0)
		(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	else if (strcmp(name, "kill") == 0)
		(void)kill(1, 0);	/* getppid(2) is forbidden too */
	else if (strcmp(name, "mmap-rwx") == 0)
		(void)mmap(NULL, 1, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (strcmp(name, "mprotect-rx") == 0 ||
	    strcmp(name, "mprotect-wx") == 0 ||
	    strcmp(name, "pkey-mprotect-rx") == 0)
		hook_protect(name);

	/* Forged messages; each would start touch MARKER if accepted. */
	else if (strcmp(name, "forge-nfds") == 0) {
		h.nfds = nfds + 1;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-count") == 0) {
		uint32_t batch[3] = { 2, 200, 201 };
		int one[1] = { mon };

		if (frame_send(mon, PS_FDS, batch, sizeof(batch), one, 1) == -1)
			_exit(1);
		h.nfds = nfds + 2;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-own-monitor") == 0 ||
	    strcmp(name, "forge-own-client") == 0) {
		/* Our own sockets, passed on as if the client had sent them. */
		uint32_t batch[2] = { 1, 200 };
		int one[1] = { name[10] == 'm' ? mon : SANDBOX_CLIENT_FD };

		if (frame_send(mon, PS_FDS, batch, sizeof(batch), one, 1) == -1)
			_exit(1);
		h.nfds = nfds + 1;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-huge") == 0) {
		uint32_t hdr[2] = { PS_SPAWN, DIVE_MAX_MSG + 1 };
		struct iovec iov[2];
		struct msghdr mh;

		hook_encode(&w, &h, touch, HOOK_ENV);
		iov[0].iov_base = hdr;
		iov[0].iov_len = sizeof(hdr);
		iov[1].iov_base = w.p;
		iov[1].iov_len = w.len;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = 2;
		if (sendmsg(mon, &mh, MSG_NOSIGNAL) == -1)
			_exit(1);
		wbuf_free(&w);
		return 1;
	} else if (strcmp(name, "forge-unterminated") == 0) {
		size_t i;

		hook_encode(&w, &h, touch, HOOK_ENV);
		for (i = sizeof(h); i < w.len; i++)
			if (w.p[i] == '\0')
				w.p[i] = 'x';
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-argc") == 0) {
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_patch(&w, PS_MAGIC, DIVE_MAX_ARGS + 1);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-pty-over") == 0) {
		/* The slave where the client's own descriptor 0 goes. */
		h.head.pty = PTY_STDIN;
		h.head.rows = 24;
		h.head.cols = 80;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-pty-tty") == 0) {
		/* A terminal descriptor besides the pseudo-terminal. */
		int one[1] = { mon };

		h.head.flags = REQ_HAS_TTY;
		h.head.pty = PTY_STDOUT;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, one, 1);
		return 1;
	} else if (strcmp(name, "forge-dive-env") == 0) {
		hook_encode(&w, &h, touch, "DIVE_UID=0");
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-magic") == 0) {
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_patch(&w, PS_MAGIC ^ 0x01010101u, 2);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-list") == 0 ||
	    strcmp(name, "forge-list-uid") == 0 ||
	    strcmp(name, "forge-list-fds") == 0 ||
	    strcmp(name, "forge-list-attached") == 0) {
		/*
		 * A list request the client did not send: well formed, after
		 * a descriptor or with one, or speaking for uid 0 in a word
		 * after its header.
		 */
		struct ps_list l = { PS_LIST_MAGIC, 0, 0 };
		uint32_t batch[2] = { 1, 200 }, uid = 0;
		int one[1] = { mon };

		if (strcmp(name, "forge-list-uid") == 0)
			l.strbytes = sizeof(uid);
		wbuf_bytes(&w, &l, sizeof(l));
		if (l.strbytes != 0)
			wbuf_bytes(&w, &uid, sizeof(uid));
		if (w.err)
			_exit(1);
		if (strcmp(name, "forge-list-fds") == 0 && frame_send(mon,
		    PS_FDS, batch, sizeof(batch), one, 1) == -1)
			_exit(1);
		hook_send(PS_LIST, &w, one,
		    strcmp(name, "forge-list-attached") == 0);
		return 1;
	} else if (strcmp(name, "forge-fail-text") == 0) {
		static const char text[] = "test hook\nFORGED-RECORD dived: "
		    "session 1: allowed: run /usr/bin/touch\r\033[2K\a";
		uint32_t status = 0;

		wbuf_bytes(&w, &status, sizeof(status));
		wbuf_bytes(&w, text, sizeof(text) - 1);
		if (w.err)
			_exit(1);
		hook_send(PS_FAIL, &w, NULL, 0);
		/* A refusal ends the request: this must start nothing. */
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		return 1;
	} else if (strcmp(name, "forge-after") == 0) {
		/* A valid request: sh touches argv[2], then lingers. */
		const char *sh[] = { "/bin/sh", "-c", "touch \"$1\" && sleep 1",
		    "sh", r->head.argc > 2 ? r->argv[2] : "/dev/null", NULL };
		static const char junk[] = "not a message";

		h.head.argc = 5;
		hook_encode(&w, &h, sh, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		/* Then a second spawn request and garbage: neither counts. */
		h.head.argc = 2;
		hook_encode(&w, &h, touch, HOOK_ENV);
		hook_send(PS_SPAWN, &w, NULL, 0);
		if (frame_send(mon, 0x0badf00du, junk, sizeof(junk), NULL,
		    0) == -1)
			_exit(1);
		return 1;
	} else
		fail(DIVE_EXIT_FAILURE, "unknown test hook %s", name);
	fail(DIVE_EXIT_FAILURE, "test hook %s: the system call was allowed",
	    name);
}
