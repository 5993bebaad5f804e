/* Whom dive talks to: DIVE_SERVERUID and the server's user. */
#include <sys/socket.h>

#include <fcntl.h>
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

void
t_peer(void)
{
	test_parse_uid();
	test_trusted();
	test_uid();
}
