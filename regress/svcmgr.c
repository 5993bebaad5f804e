/*
 * What service managers do to dived, for regress/integration/82-service.sh.
 *
 * svcmgr listen [-t stream|dgram|nolisten|file] [-n COUNT] [-p PID]
 *     [-N NAMES] NAME PROGRAM [ARG...]
 *	binds NAME (a path or @abstract) as a socket of that kind (listening
 *	unless nolisten; "file" passes /dev/null instead), puts it at 3 (and
 *	COUNT - 1 more sockets after it), sets LISTEN_FDS, LISTEN_PID (this
 *	process, which the exec keeps, unless -p) and LISTEN_FDNAMES (with -N),
 *	and executes PROGRAM, as systemd passes a socket with Accept=no.
 *
 * svcmgr notify NAME OUT [COMMAND]
 *	binds a datagram socket at NAME, as systemd's NOTIFY_SOCKET, and
 *	appends each datagram and a newline to OUT.  After one with a line
 *	READY=1 it runs COMMAND with sh -c first, so that COMMAND sees dived
 *	as it is when it says it is ready.  Until SIGTERM.
 *
 * svcmgr fullpipe FD PROGRAM [ARG...]
 *	executes PROGRAM with, at FD, the write end of a pipe that is full,
 *	and its read end, which PROGRAM does not read, left open: writing to
 *	FD would block.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static socklen_t
addr(const char *name, struct sockaddr_un *sun)
{
	size_t n = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sun->sun_path))
		errx(1, "%s: bad socket name", name);
	memcpy(sun->sun_path, name, n);
	if (name[0] == '@')
		sun->sun_path[0] = '\0';
	else
		n++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

static int
bound(const char *name, int type)
{
	struct sockaddr_un sun;
	socklen_t len = addr(name, &sun);
	int s;

	if ((s = socket(AF_UNIX, type, 0)) == -1)
		err(1, "socket");
	if (name[0] != '@')
		unlink(name);
	if (bind(s, (struct sockaddr *)&sun, len) == -1)
		err(1, "bind %s", name);
	return s;
}

static int
passed(const char *kind, const char *name, int i)
{
	char other[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int s;

	if (strcmp(kind, "file") == 0) {
		if ((s = open("/dev/null", O_RDWR)) == -1)
			err(1, "/dev/null");
		return s;
	}
	if (i > 0) {
		snprintf(other, sizeof(other), "%s.%d", name, i);
		name = other;
	}
	if (strcmp(kind, "dgram") == 0)
		return bound(name, SOCK_DGRAM);
	s = bound(name, SOCK_STREAM);
	if (strcmp(kind, "nolisten") != 0 && listen(s, 16) == -1)
		err(1, "listen");
	return s;
}

static int
do_listen(int argc, char **argv)
{
	const char *kind = "stream", *pid = NULL, *names = NULL;
	char buf[32];
	int c, n = 1, i;

	while ((c = getopt(argc, argv, "+t:n:p:N:")) != -1)
		switch (c) {
		case 't': kind = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'p': pid = optarg; break;
		case 'N': names = optarg; break;
		default: return 2;
		}
	argv += optind;
	if (argc - optind < 2 || n < 1 || n > 8)
		errx(2, "usage: svcmgr listen [options] NAME PROGRAM [ARG...]");
	for (i = 0; i < n; i++) {
		int s = passed(kind, argv[0], i);

		if (s != 3 + i) {
			if (dup2(s, 3 + i) == -1)
				err(1, "dup2");
			close(s);
		}
	}
	snprintf(buf, sizeof(buf), "%d", n);
	setenv("LISTEN_FDS", buf, 1);
	snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	setenv("LISTEN_PID", pid != NULL ? pid : buf, 1);
	if (names != NULL)
		setenv("LISTEN_FDNAMES", names, 1);
	execvp(argv[1], argv + 1);
	err(127, "%s", argv[1]);
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static int
do_notify(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int s, fd;

	if (argc < 4)
		errx(2, "usage: svcmgr notify NAME OUT [COMMAND]");
	signal(SIGTERM, on_term);
	s = bound(argv[2], SOCK_DGRAM);
	if ((fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644)) == -1)
		err(1, "%s", argv[3]);
	for (;;) {
		if ((n = recv(s, buf, sizeof(buf) - 1, 0)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "recv");
		}
		buf[n] = '\0';
		if (argc > 4 && (strncmp(buf, "READY=1\n", 8) == 0 ||
		    strcmp(buf, "READY=1") == 0 || strstr(buf, "\nREADY=1")) &&
		    system(argv[4]) == -1)
			err(1, "sh");
		if (write(fd, buf, (size_t)n) != n || write(fd, "\n", 1) != 1)
			err(1, "%s", argv[3]);
	}
}

static int
do_fullpipe(int argc, char **argv)
{
	int p[2], fd;

	if (argc < 4)
		errx(2, "usage: svcmgr fullpipe FD PROGRAM [ARG...]");
	fd = atoi(argv[2]);
	if (pipe2(p, O_NONBLOCK) == -1)
		err(1, "pipe");
	while (write(p[1], "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 32) == 32)
		;
	/* The reader, who never reads, is the program itself. */
	if (fcntl(p[1], F_SETFL, 0) == -1)
		err(1, "fcntl");
	if (p[1] != fd) {
		if (dup2(p[1], fd) == -1)
			err(1, "dup2");
		close(p[1]);
	}
	execvp(argv[3], argv + 3);
	err(127, "%s", argv[3]);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "listen") == 0)
		return do_listen(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "notify") == 0)
		return do_notify(argc, argv);
	if (argc > 1 && strcmp(argv[1], "fullpipe") == 0)
		return do_fullpipe(argc, argv);
	errx(2, "usage: svcmgr listen|notify|fullpipe ...");
}
