#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "rlimits.h"

int
limits_before(const struct isolation *iso, char *err, size_t len)
{
	const struct iso_rlimit *l;
	struct rlimit cur;
	size_t i;

	for (i = 0; i < iso->nrlimits; i++) {
		l = &iso->rlimits[i];
		if (l->resource == RLIMIT_NOFILE) {
			if (getrlimit(RLIMIT_NOFILE, &cur) == 0 &&
			    cur.rlim_max < l->rl.rlim_max) {
				cur.rlim_max = l->rl.rlim_max;
				(void)setrlimit(RLIMIT_NOFILE, &cur);
			}
			continue;
		}
		if (setrlimit(l->resource, &l->rl) == -1)
			return errbuf(err, len, "-l %s: %s",
			    iso_rlimit_name(l->resource) ?
			    iso_rlimit_name(l->resource) : "?",
			    strerror(errno));
	}
	return 0;
}

int
limits_nofile(const struct isolation *iso, const struct rlimit *dflt,
    char *err, size_t len)
{
	const struct rlimit *rl = dflt;
	size_t i;

	for (i = 0; i < iso->nrlimits; i++)
		if (iso->rlimits[i].resource == RLIMIT_NOFILE)
			rl = &iso->rlimits[i].rl;
	if (setrlimit(RLIMIT_NOFILE, rl) == -1)
		return errbuf(err, len, "descriptor limit: %s",
		    strerror(errno));
	return 0;
}

int
cgroup_join(const char *dir, pid_t pid, char *err, size_t len)
{
	char path[4096], num[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	n = snprintf(num, sizeof(num), "%ld\n", (long)pid);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return errbuf(err, len, "--cgroup %s: %s", path,
		    strerror(errno));
	if (write(fd, num, (size_t)n) != n) {
		int e = errno;

		close(fd);
		return errbuf(err, len, "--cgroup %s: %s", dir, strerror(e));
	}
	close(fd);
	return 0;
}
