#include <sys/prctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "errbuf.h"
#include "progfilter.h"

/*
 * Every family outside the allowed set fails with EAFNOSUPPORT, as for
 * a kernel built without it; so do numbers past the last one known.
 */
static int
restrict_families(scmp_filter_ctx ctx, uint64_t allowed)
{
	static const int calls[] = { SCMP_SYS(socket), SCMP_SYS(socketpair) };
	size_t i;
	int af;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		for (af = 0; af < AF_MAX; af++)
			if (!(allowed & (1ull << af)) &&
			    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
			    calls[i], 1, SCMP_A0(SCMP_CMP_EQ,
			    (scmp_datum_t)af)) != 0)
				return -1;
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
		    calls[i], 1, SCMP_A0(SCMP_CMP_GE, AF_MAX)) != 0)
			return -1;
	}
	return 0;
}

static int
build(scmp_filter_ctx ctx, const struct isolation *iso)
{
	size_t i;

	/* Other ABIs could reach the kernel around the rules: not at all. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_ERRNO(ENOSYS)) != 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1) != 0)
		return -1;
	for (i = 0; i < iso->nsyscalls; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    iso->syscalls[i], 0) != 0)
			return -1;
	if (iso->families_set && restrict_families(ctx, iso->families) != 0)
		return -1;
	return 0;
}

int
progfilter_load(const struct isolation *iso, char *err, size_t len)
{
	scmp_filter_ctx ctx;
	int r;

	if (!iso->families_set && iso->nsyscalls == 0)
		return 0;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return errbuf(err, len, "seccomp: out of memory");
	if (build(ctx, iso) != 0) {
		seccomp_release(ctx);
		return errbuf(err, len, "seccomp: cannot build the filter");
	}
	/*
	 * Without CAP_SYS_ADMIN the kernel takes a filter only under
	 * no_new_privs: then the program gets it too.  SYSRAWRC above makes
	 * libseccomp return the kernel's own errno, which says so.
	 */
	if ((r = seccomp_load(ctx)) == -EACCES) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			r = -errno;
		else
			r = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (r != 0)
		return errbuf(err, len, "seccomp: %s", strerror(-r));
	return 0;
}
