/*
 * The master's listening socket: bound by dived, or passed by a service
 * manager, and the socket file removed again at the end, only while it
 * is still the one dived bound.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "dived.h"
#include "listen.h"
#include "sock.h"
#include "sockfile.h"
#include "testhook.h"

/* The socket file to remove, by its absolute name; NULL if abstract. */
static char *sockfile;
static struct sockfile_id sockid;

/* A stale socket file (nobody listening) is replaced; a live one is not. */
static void
clear_stale(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat st;
	int s;

	if (lstat(path, &st) == -1)
		return;
	if (!S_ISSOCK(st.st_mode))
		errx(1, "%s: exists and is not a socket", path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(s, (const struct sockaddr *)sun, len) == 0)
		errx(1, "%s: another dived is listening there", path);
	if (errno != ECONNREFUSED)
		err(1, "%s: cannot tell whether it is in use", path);
	close(s);
	if (unlink(path) == -1)
		err(1, "unlink %s", path);
}

/* Once bound, a failure removes the socket file again. */
static void __attribute__((noreturn))
unbind(const char *path, const char *what)
{
	int save = errno;

	unlink(path);
	errno = save;
	err(1, "%s %s", what, path);
}

/*
 * The socket a service manager passed is its own: dived only checks that
 * it is the one the command line names, and warns, as for its own, when
 * others may replace it in its directory.
 */
static int
listen_passed(const struct config *cfg)
{
	char e[PATH_MAX + 256], *abs;
	struct sockfile sf;

	if (cfg->o.socket[0] == '@')
		return cfg->passed.fd;
	if ((abs = absolute_path(cfg->o.socket)) == NULL)
		err(1, "%s", cfg->o.socket);
	if (sockfile_open_dir(abs, &sf, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	close(sf.dirfd);
	free(abs);
	return cfg->passed.fd;
}

static int
listen_on(const struct config *cfg)
{
	const struct options *o = &cfg->o;
	struct sockaddr_un sun;
	struct sockfile sf;
	socklen_t len;
	mode_t mask;
	char e[PATH_MAX + 256];
	int s, r, path = o->socket[0] != '@';
	int fix = path && (o->chown != NULL || o->chmod_set);

	if (sock_addr(o->socket, &sun, &len) == -1)
		errx(1, "%s: invalid socket name (empty or too long)",
		    o->socket);
	if (path && (sockfile = absolute_path(o->socket)) == NULL)
		err(1, "%s", o->socket);
	if (path && sockfile_open_dir(sockfile, &sf, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	if (path)
		clear_stale(o->socket, &sun, len);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	/* Until its owner and mode are set, only dived's user may use it. */
	mask = umask(0177);
	if (!fix)
		umask(mask);
	if (bind(s, (struct sockaddr *)&sun, len) == -1)
		err(1, "bind %s", o->socket);
	umask(mask);
	if (path)
		sockfile_bound(s, sockfile, &sockid);
#ifdef DIVE_TESTHOOKS
	testhook_pause("DIVED_TESTHOOK_BOUND_MS");
#endif
	if (fix && (r = sockfile_fix(&sf, s, o->chown != NULL ?
	    &cfg->sock_uid : NULL, &cfg->sock_gid, o->chmod_set ?
	    o->chmod_mode : 0777 & ~mask, e, sizeof(e))) < 0) {
		if (r == -1)
			unlink(o->socket);
		errx(1, "%s", e);
	}
	if (path)
		close(sf.dirfd);
	if (listen(s, SOMAXCONN) == -1) {
		if (path)
			unbind(o->socket, "listen");
		err(1, "listen %s", o->socket);
	}
	return s;
}

int
listen_socket(const struct config *cfg)
{
	return cfg->passed.fd != -1 ? listen_passed(cfg) : listen_on(cfg);
}

void
listen_remove(void)
{
	if (sockfile != NULL)
		sockfile_remove(sockfile, &sockid);
}
