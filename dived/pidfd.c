/* The pid behind a pidfd (pidfd.h). */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pidfd.h"

/*
 * PIDFD_GET_INFO (Linux 6.13 and later), for headers that lack it: the
 * first version of its structure, of which the pid alone is read.
 */
#ifndef PIDFD_GET_INFO
struct pidfd_info {
	uint64_t	mask;
	uint64_t	cgroupid;
	uint32_t	pid;
	uint32_t	tgid;
	uint32_t	ppid;
	uint32_t	ids[8];
	uint32_t	spare0[1];
};
#define PIDFD_GET_INFO	_IOWR(0xFF, 11, struct pidfd_info)
#endif

pid_t
pidfd_pid(int pidfd)
{
	struct pidfd_info info;

	/*
	 * One call where the kernel has it, which fails with ESRCH once the
	 * process is reaped or when it is outside our namespace.  Kernels
	 * without it, where a pidfd is an anonymous inode, say ENOTTY, as
	 * pipes and sockets do.
	 */
	memset(&info, 0, sizeof(info));
	if (ioctl(pidfd, PIDFD_GET_INFO, &info) == 0)
		return info.pid > 0 ? (pid_t)info.pid : -1;
	if (errno != ENOTTY && errno != EINVAL)
		return -1;
	return pidfd_pid_fdinfo(pidfd);
}

pid_t
pidfd_pid_fdinfo(int pidfd)
{
	char path[64], buf[512], *p;
	long pid = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "Pid: -1" once reaped, 0 outside our namespace. */
	if ((p = strstr(buf, "\nPid:")) == NULL ||
	    sscanf(p + 5, "%ld", &pid) != 1 || pid <= 0)
		return -1;
	return (pid_t)pid;
}
