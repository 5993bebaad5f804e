#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "bounds.h"
#include "sealed.h"

/* Every seal: no write, no other size, and no seal taken back. */
#define SEALS	(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

int
sealed_create(const struct iovs *p)
{
	struct rlimit rl;
	size_t i, done;
	ssize_t n;
	int fd, save;

	/* A file size limit would cut the request, and SIGXFSZ end dive. */
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < p->len) {
		errno = EFBIG;
		return -1;
	}
	if (p->err || (fd = memfd_create("dive-request", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1)
		return -1;
	for (i = 0; i < p->n; i++)
		for (done = 0; done < p->v[i].iov_len; done += (size_t)n) {
			n = write(fd, (char *)p->v[i].iov_base + done,
			    p->v[i].iov_len - done);
			if (n == -1 && errno == EINTR)
				n = 0;
			else if (n <= 0) {
				if (n == 0)
					errno = EIO;
				goto fail;
			}
		}
	if (fcntl(fd, F_ADD_SEALS, SEALS) == -1)
		goto fail;
	return fd;
fail:
	save = errno;
	close(fd);
	errno = save;
	return -1;
}

const unsigned char *
sealed_map(int fd, uint32_t len, const char **why)
{
	struct stat st;
	int seals;
	void *p;

	if (len == 0 || len > DIVE_MAX_MSG) {
		*why = "sealed request of a size out of bounds";
		return NULL;
	}
	/* Only a memfd (or other shared memory) has seals to tell. */
	if ((seals = fcntl(fd, F_GET_SEALS)) == -1 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		*why = "sealed request not in a memfd";
		return NULL;
	}
	if ((seals & SEALS) != SEALS) {
		*why = "request memfd not sealed against change";
		return NULL;
	}
	if (st.st_size != (off_t)len) {
		*why = "request memfd of another size than announced";
		return NULL;
	}
	if ((p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		*why = "cannot map the request memfd";
		return NULL;
	}
	return p;
}
