/*
 * The shape of a program's process: namespaces, root, capabilities,
 * limits and its own seccomp filter.  dived's options give one set; a
 * policy rule may change it (policy.h).  The parsers here turn the
 * documented names into numbers and do no I/O: they serve the command
 * line and the rule file alike.
 */
#ifndef DIVE_ISO_H
#define DIVE_ISO_H

#include <sys/resource.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define ISO_MAX_SETNS	16	/* -N files */
#define ISO_MAX_WRITES	16	/* -t FILE CONTENT */
#define ISO_MAX_RLIMITS	RLIM_NLIMITS
#define ISO_MAX_SYSCALLS 64	/* --deny-syscalls */
#define ISO_MAX_MAPS	32	/* ranges in one --map-users/--map-groups */

struct iso_rlimit {
	int		resource;
	struct rlimit	rl;
};

struct iso_range {
	uint32_t	start;		/* first id inside */
	uint32_t	lower;		/* first id outside */
	uint32_t	count;
};

struct iso_map {
	struct iso_range r[ISO_MAX_MAPS];
	size_t		 n;
};

struct iso_write {
	const char	*file;
	const char	*content;
};

struct isolation {
	/* Namespaces, in this order: --enter PID, -N files, -s. */
	pid_t		 enter_pid;	/* --enter: 0 = none */
	int		 enter_fd;	/* its pidfd, from dived's start; -1 */
	const char	*setns[ISO_MAX_SETNS];
	size_t		 nsetns;
	int		 unshare;	/* CLONE_NEW* (-s) */
	struct iso_write writes[ISO_MAX_WRITES];	/* -t */
	size_t		 nwrites;
	int		 uidgidmap;	/* -tt */
	int		 uidmap_set, gidmap_set;
	struct iso_map	 uidmap, gidmap;	/* --map-users, --map-groups */
	int		 mount_proc;	/* --mount-proc */
	int		 init;		/* --init: a reaper as pid 1 */

	/* Root: -R, -r, -V, -W. */
	const char	*chroot;
	int		 client_root;
	const char	*pivot_new, *pivot_old;
	int		 root_to_current;

	/* Capabilities and securebits. */
	int		 bound_keep_set;	/* -B */
	uint64_t	 bound_keep;
	uint64_t	 bound_drop;		/* -b */
	uint64_t	 ambient;		/* -m */
	const char	*capset;		/* -c, cap_from_text syntax */
	int		 lock_securebits;	/* -L */
	int		 no_new_privs;		/* -X */

	struct iso_rlimit rlimits[ISO_MAX_RLIMITS];	/* -l */
	size_t		 nrlimits;

	const char	*cgroup;	/* --cgroup DIR */

	/* The program's own seccomp filter. */
	int		 families_set;	/* --restrict-families */
	uint64_t	 families;	/* allowed AF_* (bit n = family n) */
	int		 syscalls[ISO_MAX_SYSCALLS];	/* --deny-syscalls */
	size_t		 nsyscalls;
};

/*
 * Each parser adds what its text names to iso.  They return 0, or -1 with
 * a message naming the bad item in err.
 */
int	iso_parse_unshare(struct isolation *, const char *, char *, size_t);
int	iso_parse_caps(const char *, uint64_t *, char *, size_t);
int	iso_parse_rlimits(struct isolation *, const char *, char *, size_t);
int	iso_parse_map(struct iso_map *, const char *, char *, size_t);
int	iso_parse_families(struct isolation *, const char *, char *, size_t);
int	iso_parse_syscalls(struct isolation *, const char *, char *, size_t);

/*
 * -V's PUTOLD as a path inside NEWROOT.  An absolute PUTOLD that names
 * NEWROOT (absolute) or a directory under it, as pivot_root(8) has it,
 * loses NEWROOT's part: /srv/box/old under /srv/box/ is "old", /srv/box
 * itself ".".  Paths are compared name by name, ignoring repeated slashes
 * and "." names.  Any other PUTOLD is returned as it is: it is taken
 * inside NEWROOT, with or without its leading slash.
 */
const char *iso_pivot_old(const char *, const char *);

/* Settings that need others (-V needs -s fs...); -1 with a message. */
int	iso_check(const struct isolation *, char *, size_t);

/* The resource names -l knows, for --help. */
const char *iso_rlimit_name(int);
/* The namespace names -s knows, for messages. */
const char *iso_ns_name(int);

#endif
