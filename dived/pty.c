#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dived.h"
#include "errbuf.h"
#include "privsep.h"
#include "proto.h"
#include "pty.h"

uint32_t
pty_hello_flags(const struct config *cfg)
{
	switch (cfg->o.pty) {
	case PTY_RULE_FORCE:
		return HELLO_PTY_FORCE;
	case PTY_RULE_FORBID:
		return HELLO_PTY_FORBID;
	}
	return 0;
}

int
pty_is_terminal(int fd)
{
	struct stat st;
	unsigned int m;
	char link[64], class[256];
	ssize_t n;

	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode))
		return 0;
	/* Memory devices (/dev/null, /dev/zero...), the usual case: no tty. */
	if (major(st.st_rdev) == 1)
		return 0;
	/* The kernel's own word: the device's class is tty. */
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/subsystem",
	    major(st.st_rdev), minor(st.st_rdev));
	if ((n = readlink(link, class, sizeof(class) - 1)) > 0) {
		class[n] = '\0';
		return n >= 4 && strcmp(class + n - 4, "/tty") == 0 &&
		    isatty(fd);
	}
	/* Without /sys, the majors of the usual terminal drivers. */
	m = major(st.st_rdev);
	/*
	 * pty masters and slaves (2, 3, 128-143), consoles and virtual
	 * terminals (4, 5), USB, ACM and other serial lines (166, 188, 204).
	 */
	if (!(m == 2 || m == 3 || m == 4 || m == 5 || (m >= 128 && m <= 143) ||
	    m == 166 || m == 188 || m == 204))
		return 0;
	return isatty(fd);
}

long
pty_client_terminal(const struct spawn_req *r)
{
	size_t i;

	for (i = 0; i < r->nfds; i++)
		if (pty_is_terminal(r->fds[i]))
			return (long)r->targets[i];
	return -1;
}

/*
 * The client's descriptors are looked at only where a rule needs them:
 * with a pseudo-terminal, or under --pty.
 */
int
pty_check(const struct config *cfg, const struct spawn_req *r, char *err,
    size_t len)
{
	long t;

	if (r->head.pty != 0 && cfg->o.pty == PTY_RULE_FORBID)
		return errbuf(err, len, "this server gives no pseudo-terminals "
		    "(dived --no-pty): run dive -T");
	if (r->head.pty != 0 && (t = pty_client_terminal(r)) != -1)
		return errbuf(err, len, "descriptor %ld is a terminal: with a "
		    "pseudo-terminal the client's own may not be passed", t);
	if (r->head.pty == 0 && cfg->o.pty == PTY_RULE_FORCE &&
	    (pty_client_terminal(r) != -1 || pty_is_terminal(r->ttyfd)))
		return errbuf(err, len, "this server passes no terminal but "
		    "gives a pseudo-terminal (dived --pty): run dive without "
		    "-T");
	return 0;
}

/*
 * The slave belongs to the program's user, in group tty where there is
 * one, as login(1) leaves a terminal: nobody else may read it.
 */
int
pty_give(const struct config *cfg, const struct decision *d,
    const struct spawn_req *r, char *err, size_t len)
{
	struct group *g;
	gid_t gid;
	int fd = r->ptyfd;

	if (fd == -1)
		return 0;
	g = getgrnam("tty");
	gid = g != NULL ? g->gr_gid : d->gid;
	if (cfg->privileged && d->setids && fchown(fd, d->uid, gid) == -1)
		return errbuf(err, len, "pseudo-terminal owner: %s",
		    strerror(errno));
	if (fchmod(fd, g != NULL && cfg->privileged ? 0620 : 0600) == -1)
		return errbuf(err, len, "pseudo-terminal mode: %s",
		    strerror(errno));
	return 0;
}

int
pty_pair(int *master, int *slave, char *err, size_t len)
{
	int m, unlock = 0, s;

	if ((m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return errbuf(err, len, "/dev/ptmx: %s", strerror(errno));
	/* The peer by its descriptor, not by a name in /dev/pts. */
	if (ioctl(m, TIOCSPTLCK, &unlock) == -1 ||
	    (s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		errbuf(err, len, "pseudo-terminal: %s", strerror(errno));
		close(m);
		return -1;
	}
	/* Only dived's user's until the program's user is known. */
	if (fchmod(s, 0600) == -1) {
		errbuf(err, len, "pseudo-terminal mode: %s", strerror(errno));
		close(s);
		close(m);
		return -1;
	}
	*master = m;
	*slave = s;
	return 0;
}

int
pty_make(struct spawn_req *r, int *master, char *err, size_t len)
{
	struct winsize ws;
	int m, s;

	*master = -1;
	if (r->head.pty == 0)
		return 0;
	if (pty_pair(&m, &s, err, len) == -1)
		return -1;
	memset(&ws, 0, sizeof(ws));
	ws.ws_row = (unsigned short)r->head.rows;
	ws.ws_col = (unsigned short)r->head.cols;
	if (r->head.rows != 0 && r->head.cols != 0)
		(void)ioctl(m, TIOCSWINSZ, &ws);
	r->ptyfd = s;
	*master = m;
	return 0;
}
