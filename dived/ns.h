/*
 * Namespaces: joined (-N, --enter) by the process that forks the
 * program, created with it (-s), and a new user namespace's maps written
 * by its privileged parent.
 */
#ifndef DIVED_NS_H
#define DIVED_NS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

#include "iso.h"
#include "policy.h"

#define NS_MAPTEXT	(ISO_MAX_MAPS * 36 + 1)

/* A new user namespace's maps, and who the program is inside it. */
struct ns_maps {
	char	uid[NS_MAPTEXT];	/* uid_map contents */
	char	gid[NS_MAPTEXT];
	int	deny_setgroups;		/* -tt writes "deny" first */
};

/*
 * Enters those of which (CLONE_NEW* flags) among the namespaces of
 * --enter's process, then of the -N files, each opened only now; *joined
 * says which it entered.  The monitor enters only a pid namespace (which
 * its children enter, not itself): the rest would cost it its privilege.
 * -1 with a message.
 */
#define NS_ALL		(-1)
int	ns_join(const struct isolation *, int, int *, char *, size_t);
/* Whether there is anything to join: --enter or -N. */
int	ns_joins(const struct isolation *);

/*
 * The namespaces a forked program is created in (clone); cgroup and time
 * ones are unshared by the program itself (ns_unshare_late) once it is in
 * its cgroup.  After joins, only a new pid namespace is created with the
 * program, the others by the program once it has joined: a new namespace
 * then belongs to the joined user namespace.
 */
int	ns_clone_flags(const struct isolation *);
int	ns_unshare_late(const struct isolation *, char *, size_t);

/*
 * The maps of a new user namespace: -tt's, --map-users/--map-groups, or
 * "auto".  A peer other than root may map only the decided target ids
 * and its ranges in /etc/subuid and /etc/subgid.  In place (the int:
 * -J, -w) the process maps itself, which only its own ids allow.
 */
int	ns_plan_maps(const struct isolation *, const struct peer *,
	    const struct decision *, int, struct ns_maps *, char *, size_t);

/*
 * Writes the maps of process pid (0: this process) through procfd, an
 * O_PATH descriptor of /proc opened before any namespace was joined.
 */
int	ns_write_maps(int, pid_t, const struct ns_maps *, char *, size_t);

/*
 * -t: the files written once the namespaces exist.  The parent of a
 * forked program writes /proc/self/{uid_map,gid_map,setgroups} for it
 * (ns_write_for); the program writes the others itself (ns_write_own:
 * all of them when the first int says so, in place).  A file under /proc
 * or /sys must be one of the kernel's, reached beneath that directory
 * without symbolic links out of it or mounts; any other must be a regular
 * file, reached without symbolic links when the mount namespace was
 * joined (the last int, -N or --enter) and not mounted over.  Nothing
 * blocks: a FIFO is refused.  procfd as for ns_write_maps.
 */
int	ns_write_for(int, pid_t, const struct isolation *, char *, size_t);
int	ns_write_own(const struct isolation *, int, int, int, char *, size_t);

/*
 * In a user namespace the program runs as the id that maps to its
 * decided one outside or, when that has none and zero_ok, as id 0: that
 * is for maps whose host ids were checked (ns_plan_maps, -tt) or a root
 * client.  -1 when neither is mapped; file is "uid_map" or "gid_map".
 */
long long ns_inside(int, const char *, unsigned long, int);

/*
 * These read this process's /proc files through procfd, a /proc opened
 * before any namespace was entered: an entered mount namespace may show
 * another /proc, made by whoever rules it.
 */
FILE	*ns_proc_open(int, const char *);

/*
 * Which user namespace a process is in, to tell afterwards whether the
 * namespace steps moved it to another one.
 */
struct ns_ident {
	dev_t	dev;
	ino_t	ino;
};
int	ns_user_ident(int, struct ns_ident *);
int	ns_user_moved(int, const struct ns_ident *);

/*
 * Whether the options may put the program in another user namespace.
 * Before that, a root dived (the int) sheds its supplementary groups: a
 * namespace that denies setgroups(2) would let it keep them.
 */
int	ns_may_change_user(const struct isolation *);
int	ns_drop_groups(const struct isolation *, int, char *, size_t);

/*
 * Right after joining a user namespace that is not dived's own: become
 * its root (ids 0 inside, which keeps the capabilities the join gave in
 * it and none outside), so that no later step runs as host root in
 * there.  -1 with a message when it maps no id 0.
 */
int	ns_take_root(char *, size_t);

/*
 * Whether the program's setup needs the /proc of before the namespaces: a
 * user namespace that may change, its maps, or -t writes.
 */
int	ns_needs_proc(const struct isolation *);

#endif
