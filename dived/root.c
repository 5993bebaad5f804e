/*
 * The program's root directory: -R, -r or -V, then /proc for a new pid
 * namespace.  -W keeps dived's own root as the starting directory.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "root.h"

#ifndef PID_FS_MAGIC
#define PID_FS_MAGIC	0x50494446
#endif

/*
 * The new root becomes a mount point of its own: pivot_root needs one.
 * A program confined to its root does not keep the old one at putold.
 */
static int
pivot(const char *newroot, const char *putold, int detach, char *err,
    size_t len)
{
	if (mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) == -1)
		return errbuf(err, len, "-V: bind %s: %s", newroot,
		    strerror(errno));
	if (chdir(newroot) == -1)
		return errbuf(err, len, "-V: chdir %s: %s", newroot,
		    strerror(errno));
	while (*putold == '/')
		putold++;
	if (syscall(SYS_pivot_root, ".", *putold ? putold : ".") == -1)
		return errbuf(err, len, "-V: pivot_root %s %s: %s", newroot,
		    putold, strerror(errno));
	if (detach && umount2(*putold ? putold : ".", MNT_DETACH) == -1)
		return errbuf(err, len, "-V: detach the old root: %s",
		    strerror(errno));
	if (chroot(".") == -1 || chdir("/") == -1)
		return errbuf(err, len, "-V: enter the new root: %s",
		    strerror(errno));
	return 0;
}

int
root_enter(const struct isolation *iso, int clientroot, int confined,
    int *serverroot, char *err, size_t len)
{
	*serverroot = -1;
	/*
	 * Before anything is mounted, and before a chroot hides the mount
	 * point: in a new mount namespace whose mounts still propagate
	 * (systemd makes / shared), a /proc mounted here would cover the
	 * host's.
	 */
	if ((iso->mount_proc || iso->pivot_new != NULL) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return errbuf(err, len, "private mounts: %s", strerror(errno));
	if (iso->root_to_current &&
	    (*serverroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errbuf(err, len, "-W: open /: %s", strerror(errno));
	if (iso->chroot != NULL && chroot(iso->chroot) == -1)
		return errbuf(err, len, "chroot %s: %s", iso->chroot,
		    strerror(errno));
	if (iso->client_root) {
		if (clientroot == -1)
			return errbuf(err, len, "-r: the client sent no root "
			    "directory");
		if (fchdir(clientroot) == -1 || chroot(".") == -1)
			return errbuf(err, len, "chroot to the client's root: "
			    "%s", strerror(errno));
	}
	if (iso->pivot_new != NULL &&
	    pivot(iso->pivot_new, iso->pivot_old, confined, err, len) == -1)
		return -1;
	if (iso->mount_proc && mount("proc", "/proc", "proc",
	    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		return errbuf(err, len, "mount /proc: %s", strerror(errno));
	return 0;
}

const char *
root_way_out(int fd)
{
	struct statfs fs;
	struct stat st;
	int fl;

	if (fstat(fd, &st) == -1 || fstatfs(fd, &fs) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1)
		return "not to be inspected";
	if (S_ISDIR(st.st_mode))
		return "a directory";
	if (fl & O_PATH)
		return "opened with O_PATH";
	if (fs.f_type == NSFS_MAGIC)
		return "a namespace";
	/* Before pidfs, a pidfd was an anonymous inode: ask it. */
	if (fs.f_type == PID_FS_MAGIC || (fs.f_type == ANON_INODE_FS_MAGIC &&
	    (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == 0 ||
	    errno != EBADF)))
		return "a process";
	return NULL;
}
