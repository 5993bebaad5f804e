#include <sys/capability.h>
#include <sys/prctl.h>

#include <errno.h>
#include <linux/securebits.h>
#include <string.h>

#include "caps.h"
#include "errbuf.h"

static int
drop_bounding(const struct isolation *iso, char *err, size_t len)
{
	unsigned int c, last = (unsigned int)cap_max_bits();
	uint64_t bit;

	for (c = 0; c < last && c < 64; c++) {
		bit = 1ull << c;
		if ((iso->bound_keep_set && !(iso->bound_keep & bit)) ||
		    (iso->bound_drop & bit))
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1)
				return errbuf(err, len, "drop %s from the "
				    "bounding set: %s", cap_to_name(c),
				    strerror(errno));
	}
	return 0;
}

int
caps_before(const struct isolation *iso, char *err, size_t len)
{
	if (drop_bounding(iso, err, len) == -1)
		return -1;
	if (iso->lock_securebits && prctl(PR_SET_SECUREBITS,
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) == -1)
		return errbuf(err, len, "lock securebits: %s",
		    strerror(errno));
	/* -c and -m work on what the permitted set had before setuid. */
	if ((iso->capset != NULL || iso->ambient != 0) &&
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return errbuf(err, len, "keep capabilities: %s",
		    strerror(errno));
	return 0;
}

int
caps_after(const struct isolation *iso, char *err, size_t len)
{
	unsigned int c;
	cap_t caps;

	if (iso->capset != NULL) {
		if ((caps = cap_from_text(iso->capset)) == NULL)
			return errbuf(err, len, "-c %s: not a capability "
			    "text", iso->capset);
		if (cap_set_proc(caps) == -1) {
			int e = errno;

			cap_free(caps);
			return errbuf(err, len, "-c %s: %s", iso->capset,
			    strerror(e));
		}
		cap_free(caps);
	}
	for (c = 0; c < 64; c++)
		if ((iso->ambient & (1ull << c)) && prctl(PR_CAP_AMBIENT,
		    PR_CAP_AMBIENT_RAISE, c, 0, 0) == -1)
			return errbuf(err, len, "-m %s: %s (it must be "
			    "permitted and inheritable, see -c)", cap_to_name(c),
			    strerror(errno));
	if ((iso->capset != NULL || iso->ambient != 0) &&
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1)
		return errbuf(err, len, "keep capabilities: %s",
		    strerror(errno));
	if (iso->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return errbuf(err, len, "no_new_privs: %s", strerror(errno));
	return 0;
}
