/* Whom dive talks to: DIVE_SERVERUID, the server's user, its terminal. */
#include <sys/socket.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "peer.h"
#include "unit.h"

static void
test_parse_uid(void)
{
	uid_t u;

	CHECK(peer_parse_uid("0", &u) == 0 && u == 0,
	    "DIVE_SERVERUID: 0 is root's user ID");
	CHECK(peer_parse_uid("65534", &u) == 0 && u == 65534,
	    "DIVE_SERVERUID: a decimal user ID is taken");
	CHECK(peer_parse_uid("4294967294", &u) == 0 && u == 4294967294u,
	    "DIVE_SERVERUID: the highest user ID is taken");
	CHECK(peer_parse_uid("4294967295", &u) == -1,
	    "DIVE_SERVERUID: (uid_t)-1 is no user");
	CHECK(peer_parse_uid("99999999999999999999999", &u) == -1,
	    "DIVE_SERVERUID: a number over any user ID is refused");
	CHECK(peer_parse_uid("root", &u) == 0 && u == 0,
	    "DIVE_SERVERUID: a user's name is looked up");
	CHECK(peer_parse_uid("no-such-user-for-dive", &u) == -1,
	    "DIVE_SERVERUID: an unknown name is refused");
	CHECK(peer_parse_uid("", &u) == -1,
	    "DIVE_SERVERUID: an empty value names no user");
	CHECK(peer_parse_uid("-1", &u) == -1 && peer_parse_uid(" 5", &u) == -1 &&
	    peer_parse_uid("+5", &u) == -1,
	    "DIVE_SERVERUID: a sign or a space makes no number");
}

static void
test_trusted(void)
{
	CHECK(peer_trusted(0, 1000, PEER_NONE),
	    "server check: a server running as root is trusted");
	CHECK(peer_trusted(1000, 1000, PEER_NONE),
	    "server check: a server running as the caller is trusted");
	CHECK(!peer_trusted(65534, 1000, PEER_NONE),
	    "server check: another user's server is not");
	CHECK(!peer_trusted(65534, 0, PEER_NONE),
	    "server check: root trusts no other user's server by itself");
	CHECK(peer_trusted(65534, 0, 65534),
	    "server check: the user DIVE_SERVERUID names is trusted");
	CHECK(!peer_trusted(1001, 1000, 65534),
	    "server check: naming one user trusts no other");
}

static void
test_uid(void)
{
	int sv[2], fd;
	uid_t u = 12345;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		check(0, "server check: socketpair", "failed");
		return;
	}
	CHECK(peer_uid(sv[0], &u) == 0 && u == geteuid(),
	    "server check: the peer's user ID comes from the kernel");
	close(sv[0]);
	close(sv[1]);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(peer_uid(fd, &u) == -1,
	    "server check: a descriptor that is no socket has no peer");
	close(fd);
}

static void
test_pty_master(void)
{
	int m, sl = -1, p[2] = { -1, -1 }, n, o;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m != -1 && grantpt(m) == 0 && unlockpt(m) == 0)
		sl = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m == -1 || sl == -1) {
		check(0, "pty master: open a pseudo-terminal", "failed");
		return;
	}
	CHECK(peer_pty_master(m), "pty master: a master is one");
	CHECK(!peer_pty_master(sl), "pty master: its slave is not");
	n = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(!peer_pty_master(n), "pty master: /dev/null is not");
	o = open("/dev/ptmx", O_PATH | O_CLOEXEC);
	CHECK(!peer_pty_master(o),
	    "pty master: an O_PATH descriptor of /dev/ptmx is not");
	(void)!pipe2(p, O_CLOEXEC);
	CHECK(!peer_pty_master(p[0]), "pty master: a pipe is not");
	CHECK(!peer_pty_master(-1), "pty master: no descriptor is not");
	close(m);
	close(sl);
	close(n);
	close(o);
	close(p[0]);
	close(p[1]);
}

void
t_peer(void)
{
	test_parse_uid();
	test_trusted();
	test_uid();
	test_pty_master();
}
