/*
 * How dived runs as a process: detached once it can serve, started by
 * inetd, with pidfiles, with monitors apart from dived's terminal.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include <linux/magic.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dived.h"
#include "bounds.h"
#include "daemon.h"
#include "log.h"
#include "errbuf.h"
#include "ownfile.h"
#include "proto.h"
#include "sessid.h"

/*
 * Regular pidfiles written, by the absolute names they had at start and
 * the files they were: a dived started since may have written its own.
 * Each is kept open, so that its inode, which names it, is not given to
 * another file while dived lives: one removed and written again by the
 * next dived would otherwise, on most file systems, get the same number.
 */
static struct pidfile {
	char	*path;
	dev_t	 dev;
	ino_t	 ino;
	int	 fd;
}		 written[MAX_PIDFILES];
static size_t	 nwritten;

/* -d: the pipe whose byte releases the waiting parent, until it is sent. */
static int	 ready_fd = -1;

char *
absolute_path(const char *path)
{
	char *cwd, *abs;

	if (path[0] == '/')
		return strdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	if (asprintf(&abs, "%s/%s", cwd, path) == -1)
		abs = NULL;
	free(cwd);
	return abs;
}

int
stdio_devnull(int keep_stderr)
{
	int fd, last = keep_stderr ? 1 : 2;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	for (int i = 0; i <= last; i++)
		if (fd != i && dup2(fd, i) == -1)
			return -1;
	if (fd > last)
		close(fd);
	return 0;
}

void
daemon_detach(void)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(p[0]);
		if (setsid() == -1)
			err(1, "setsid");
		ready_fd = p[1];
		return;
	}
	close(p[1]);
	while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		exit(0);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (WIFSIGNALED(st))
		errx(1, "the detached master was killed by signal %d",
		    WTERMSIG(st));
	exit(WEXITSTATUS(st) != 0 ? WEXITSTATUS(st) : 1);
}

void
daemon_ready(int keep_stderr)
{
	if (ready_fd == -1)
		return;
	if (stdio_devnull(keep_stderr) == -1)
		err(1, "/dev/null");
	/* A parent already gone (interrupted) changes nothing: we serve. */
	while (write(ready_fd, "", 1) == -1 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

int
daemon_forked(int keep_stderr)
{
	if (ready_fd == -1)
		return 0;
	close(ready_fd);
	ready_fd = -1;
	return stdio_devnull(keep_stderr);
}

/*
 * Opens a -p file (with O_CREAT, made if missing) and checks it: 1 for
 * a cgroup file, 0 for a regular pidfile, -1 with the message in e (and
 * errno set).  A cgroup file is the kernel's: nobody can plant one, and
 * it is neither truncated nor removed.
 */
static int
open_pidfile(const char *path, int create, int *fdp, struct stat *st,
    char *e, size_t len)
{
	struct statfs sf;
	char why[256];
	int fd, cgroup, save;

	if ((fd = ownfile_open(path, O_WRONLY | create, 0644, st, why,
	    sizeof(why))) == -1) {
		save = errno;
		errbuf(e, len, "pidfile %s: %s", path, why);
		errno = save;
		return -1;
	}
	if (fstatfs(fd, &sf) == -1) {
		errbuf(e, len, "pidfile %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	cgroup = sf.f_type == CGROUP2_SUPER_MAGIC ||
	    sf.f_type == CGROUP_SUPER_MAGIC;
	if (!cgroup && ownfile_check(st, why, sizeof(why)) == -1) {
		close(fd);
		errno = EPERM;
		return errbuf(e, len, "pidfile %s: %s", path, why);
	}
	*fdp = fd;
	return cgroup;
}

/* As open_pidfile, the file then holding pid. */
static int
write_pidfile(const char *path, pid_t pid, struct stat *id, int *keep,
    char *e, size_t len)
{
	struct stat st;
	char buf[32];
	int fd, n, cgroup;

	if ((cgroup = open_pidfile(path, O_CREAT, &fd, &st, e, len)) == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	/* The mode is 0644 whatever the umask: anyone may read a pid. */
	if ((!cgroup && (ftruncate(fd, 0) == -1 || fchmod(fd, 0644) == -1)) ||
	    write(fd, buf, (size_t)n) != n) {
		errbuf(e, len, "pidfile %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*id = st;
	if (!cgroup) {
		*keep = fd;
		return 0;
	}
	if (close(fd) == -1)
		return errbuf(e, len, "pidfile %s: %s", path, strerror(errno));
	return 1;
}

int
pidfiles_check(const struct options *o, char *e, size_t len)
{
	struct stat st;
	int fd;

	for (size_t i = 0; i < o->npidfiles; i++) {
		if (open_pidfile(o->pidfiles[i], 0, &fd, &st, e, len) == -1) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		close(fd);
	}
	return 0;
}

int
pidfiles_write(const struct options *o, char *e, size_t len)
{
	for (size_t i = 0; i < o->npidfiles; i++) {
		const char *path = o->pidfiles[i];
		struct stat st = { 0 };
		char *abs;
		int r, fd = -1;

		if ((abs = absolute_path(path)) == NULL) {
			errbuf(e, len, "pidfile %s: %s", path, strerror(errno));
			pidfiles_remove();
			return -1;
		}
		if ((r = write_pidfile(path, getpid(), &st, &fd, e,
		    len)) == -1) {
			free(abs);
			pidfiles_remove();
			return -1;
		}
		if (r == 1)
			free(abs);
		else
			written[nwritten++] = (struct pidfile){ abs, st.st_dev,
			    st.st_ino, fd };
	}
	return 0;
}

void
pidfiles_remove(void)
{
	struct stat st;

	while (nwritten > 0) {
		const struct pidfile *p = &written[--nwritten];

		if (lstat(p->path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_dev == p->dev && st.st_ino == p->ino)
			unlink(p->path);
		close(p->fd);
		free(p->path);
	}
}

int
daemon_session(int keep_stderr, char *e, size_t len)
{
	if (setsid() == -1)
		return errbuf(e, len, "-D: setsid: %s", strerror(errno));
	if (stdio_devnull(keep_stderr) == -1)
		return errbuf(e, len, "-D: /dev/null: %s", strerror(errno));
	return 0;
}

/* What inetd passes for a "stream unix" service. */
static int
connected_unix(int fd)
{
	struct sockaddr_storage peer;
	socklen_t len, plen = sizeof(peer);
	int domain, type;

	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1 ||
	    domain != AF_UNIX)
		return 0;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return 0;
	return getpeername(fd, (struct sockaddr *)&peer, &plen) == 0;
}

int
inetd_client(void)
{
	int fd;

	if (!connected_unix(STDIN_FILENO))
		errx(1, "-i: standard input is not a connected unix socket");
	if ((fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
		err(1, "-i: fcntl");
	/* inetd often gives the socket as 1 and 2 as well: none may keep it. */
	if (stdio_devnull(0) == -1)
		err(1, "-i: /dev/null");
	return fd;
}

void
start_failed(int client, const char *e)
{
	if (client != -1) {
		logmsg(LOG_ERR, "%s", e);
		proto_send_error(client, DIVE_EXIT_FAILURE, e);
	}
	errx(1, "%s", e);
}

void
inetd_run(const struct config *cfg, int client)
{
	char e[512], id[SESSID_LEN];

	if (pidfiles_write(&cfg->o, e, sizeof(e)) == -1)
		start_failed(client, e);
	sessid_start();
	sessid_format(id, sizeof(id), 1);
	monitor_run(cfg, client, id, -1);
}
