/*
 * The socket file's owner and mode (-U, -C), applied to the very socket
 * that was bound and never through a link.  The socket is bound 0600
 * first, so that until it is checked only dived's user can connect; the
 * name is then opened without following links, the inode checked to be
 * the one the kernel bound (sock_diag gives a socket's file), and owner
 * and mode changed through that descriptor.  Whoever swaps the name in
 * between makes dived fail, never change another file.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "sockfile.h"

/*
 * The device and inode of the file socket s is bound to, from the
 * kernel's socket diagnostics; -1 with errno when they cannot be had.
 */
static int
bound_file(int s, dev_t *dev, uint32_t *ino)
{
	struct {
		struct nlmsghdr		nh;
		struct unix_diag_req	r;
	} req;
	union {
		struct nlmsghdr		nh;
		char			buf[1024];
	} ans;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh = &ans.nh;
	struct unix_diag_vfs vfs;
	struct rtattr *a;
	struct stat st;
	ssize_t n;
	int len, fd, found = 0;

	if (fstat(s, &st) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = ~0u;
	req.r.udiag_ino = (uint32_t)st.st_ino;
	req.r.udiag_show = UDIAG_SHOW_VFS;
	req.r.udiag_cookie[0] = req.r.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return -1;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) == -1 || (n = recv(fd, &ans, sizeof(ans), 0)) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!NLMSG_OK(nh, (size_t)n)) {
		errno = EPROTO;
		return -1;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		errno = nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) &&
		    e->error < 0 ? -e->error : EPROTO;
		return -1;
	}
	if (nh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg))) {
		errno = EPROTO;
		return -1;
	}
	a = (struct rtattr *)((char *)NLMSG_DATA(nh) +
	    NLMSG_ALIGN(sizeof(struct unix_diag_msg)));
	len = (int)(nh->nlmsg_len - NLMSG_LENGTH(
	    NLMSG_ALIGN(sizeof(struct unix_diag_msg))));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == UNIX_DIAG_VFS &&
		    RTA_PAYLOAD(a) >= sizeof(vfs)) {
			memcpy(&vfs, RTA_DATA(a), sizeof(vfs));
			found = 1;
		}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	/* The kernel's own device number: 12 bits of major, 20 of minor. */
	*dev = makedev(vfs.udiag_vfs_dev >> 20, vfs.udiag_vfs_dev & 0xfffff);
	*ino = vfs.udiag_vfs_ino;
	return 0;
}

/* Whether users other than dived's may rename or replace names in dir. */
static const char *
dir_open_to_others(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user";
	if (st->st_mode & S_ISVTX)
		return NULL;
	if (st->st_mode & S_IWOTH)
		return "writable by others without the sticky bit";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0 &&
	    st->st_gid != getegid())
		return "writable by its group without the sticky bit";
	return NULL;
}

int
sockfile_open_dir(const char *path, struct sockfile *sf, char *err,
    size_t len)
{
	char *d, *b;
	struct stat st;

	sf->dirfd = -1;
	if ((d = strdup(path)) == NULL || (b = strdup(path)) == NULL) {
		free(d);
		return errbuf(err, len, "out of memory");
	}
	snprintf(sf->dir, sizeof(sf->dir), "%s", dirname(d));
	snprintf(sf->base, sizeof(sf->base), "%s", basename(b));
	free(d);
	free(b);
	if ((sf->dirfd = open(sf->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fstat(sf->dirfd, &st) == -1)
		return errbuf(err, len, "%s: %s", sf->dir, strerror(errno));
	sf->open_to_others = dir_open_to_others(&st);
	if (sf->open_to_others != NULL)
		logmsg(LOG_WARNING, "warning: %s: the socket's directory %s is "
		    "%s: they may remove or replace the socket", path, sf->dir,
		    sf->open_to_others);
	return 0;
}

int
sockfile_fix(const struct sockfile *sf, int s, const uid_t *uid,
    const gid_t *gid, mode_t mode, char *err, size_t len)
{
	char proc[64];
	struct stat st;
	uint32_t ino;
	dev_t dev;
	int fd, r = -1;

	/* Gone or replaced: the name is not dived's to remove. */
	if ((fd = openat(sf->dirfd, sf->base, O_PATH | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errbuf(err, len, "%s/%s: %s", sf->dir, sf->base,
		    strerror(errno)) - 1;
	if (fstat(fd, &st) == -1) {
		errbuf(err, len, "%s/%s: %s", sf->dir, sf->base,
		    strerror(errno));
		goto out;
	}
	if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_nlink != 1) {
		r = errbuf(err, len, "%s/%s: replaced before its owner and "
		    "mode were set", sf->dir, sf->base) - 1;
		goto out;
	}
	if (bound_file(s, &dev, &ino) == 0) {
		if (dev != st.st_dev || ino != (uint32_t)st.st_ino) {
			r = errbuf(err, len, "%s/%s: replaced before its "
			    "owner and mode were set", sf->dir, sf->base) - 1;
			goto out;
		}
	} else if (sf->open_to_others != NULL) {
		errbuf(err, len, "%s/%s: cannot confirm it is the socket "
		    "bound (socket diagnostics: %s) in a directory %s",
		    sf->dir, sf->base, strerror(errno), sf->open_to_others);
		goto out;
	}
	if (uid != NULL && fchownat(fd, "", *uid, *gid, AT_EMPTY_PATH) == -1) {
		errbuf(err, len, "chown %s/%s: %s", sf->dir, sf->base,
		    strerror(errno));
		goto out;
	}
	/* chmod follows the descriptor's link to the inode checked. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (chmod(proc, mode) == -1) {
		errbuf(err, len, "chmod %s/%s: %s", sf->dir, sf->base,
		    strerror(errno));
		goto out;
	}
	r = 0;
out:
	close(fd);
	return r;
}

int
sockfile_is(int s, const char *path)
{
	struct stat st;
	uint32_t ino;
	dev_t dev;

	if (bound_file(s, &dev, &ino) == -1)
		return -1;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == dev && (uint32_t)st.st_ino == ino;
}

void
sockfile_bound(int s, const char *path, struct sockfile_id *id)
{
	struct stat st;

	id->known = bound_file(s, &id->dev, &id->ino) == 0;
	if (!id->known && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		id->dev = st.st_dev;
		id->ino = (uint32_t)st.st_ino;
		id->known = 1;
	}
}

void
sockfile_remove(const char *path, const struct sockfile_id *id)
{
	struct stat st;

	if (id->known && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == id->dev && (uint32_t)st.st_ino == id->ino)
		unlink(path);
}
