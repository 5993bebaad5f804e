#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

static int nfailed;

int
check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		printf("ok %s\n", name);
		return 1;
	}
	nfailed++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 0;
}

int
failures(void)
{
	return nfailed;
}

int
count_fds(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	/* The directory's own descriptor is counted every time alike. */
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int
main(void)
{
	/* Children forked by the tests must not repeat buffered lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_proto();
	t_privsep();
	t_options();
	t_policy();
	t_iso();
	t_rules();
	t_sha256();
	t_peer();
	t_audit();
	t_describe();
	t_jsonstr();
	t_cast();
	t_pidfd();
	return failures() ? 1 : 0;
}

int
same_strv(const char *const *a, const char *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return b[n] == NULL;
}
