/*
 * The files dived writes by name.  They often go in a directory others
 * may write to (/tmp, a shared /run): whoever made the file first could
 * read every record written to it and add forged ones, and a symbolic
 * link, a hard link, a FIFO or a device planted under the name would
 * have dived write, truncate or wait on something else.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "ownfile.h"

/* Two rounds: a file made between a failed open and O_EXCL is opened. */
#define OWNFILE_TRIES	2

int
ownfile_open(const char *path, int flags, mode_t mode, struct stat *st,
    char *err, size_t len)
{
	int base = (flags & ~O_CREAT) | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
	    O_NONBLOCK;
	int fd = -1, e;

	for (int i = 0; i < OWNFILE_TRIES; i++) {
		if ((fd = open(path, base)) != -1 || errno != ENOENT ||
		    !(flags & O_CREAT))
			break;
		if ((fd = open(path, base | O_CREAT | O_EXCL, mode)) != -1 ||
		    errno != EEXIST)
			break;
	}
	if (fd == -1) {
		e = errno;
		/* O_NONBLOCK: a FIFO nobody reads, or a socket. */
		errbuf(err, len, "%s", e == ELOOP ? "is a symbolic link" :
		    e == ENXIO ? "not a regular file" : strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, st) == -1) {
		e = errno;
		close(fd);
		return errbuf(err, len, "%s", strerror(e));
	}
	return fd;
}

int
ownfile_check(const struct stat *st, char *err, size_t len)
{
	if (!S_ISREG(st->st_mode))
		return errbuf(err, len, "not a regular file");
	if (st->st_uid != geteuid())
		return errbuf(err, len, "owned by uid %lu, not by dived's "
		    "uid %lu", (unsigned long)st->st_uid,
		    (unsigned long)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return errbuf(err, len, "writable by its group or others "
		    "(mode %04o)", (unsigned int)(st->st_mode & 07777));
	if (st->st_nlink != 1)
		return errbuf(err, len, "has %lu names (hard links), not one",
		    (unsigned long)st->st_nlink);
	return 0;
}
