/* The isolation parsers and their consistency check, as dived(8) documents. */
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "iso.h"
#include "unit.h"

static char err[256];

/* Expects r to be a refusal whose message contains what. */
static void
refused(const char *name, int r, const char *what)
{
	check(r == -1 && strstr(err, what) != NULL, name,
	    "rc %d, message \"%s\" should name \"%s\"", r, err, what);
}

static int
unshare_of(const char *list, struct isolation *iso)
{
	memset(iso, 0, sizeof(*iso));
	err[0] = '\0';
	return iso_parse_unshare(iso, list, err, sizeof(err));
}

static void
test_unshare(void)
{
	struct isolation iso;
	char big[5000];

	CHECK(unshare_of("ipc,net,fs,pid,uts,user,cgroup,time", &iso) == 0 &&
	    iso.unshare == (CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS |
	    CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWUSER | CLONE_NEWCGROUP |
	    CLONE_NEWTIME), "iso: -s knows every documented namespace");
	CHECK(unshare_of("mount", &iso) == 0 && iso.unshare == CLONE_NEWNS,
	    "iso: -s mount is fs");
	CHECK(unshare_of("net", &iso) == 0 && iso.unshare == CLONE_NEWNET,
	    "iso: -s net sets only the network namespace");
	CHECK(unshare_of("net", &iso) == 0 &&
	    iso_parse_unshare(&iso, "uts", err, sizeof(err)) == 0 &&
	    iso.unshare == (CLONE_NEWNET | CLONE_NEWUTS),
	    "iso: a second -s adds to the first");
	refused("iso: -s with an unknown namespace is refused, by name",
	    unshare_of("net,bogus", &iso), "-s bogus: unknown namespace");
	refused("iso: -s is case-sensitive", unshare_of("NET", &iso), "NET");
	refused("iso: -s with an empty item is refused",
	    unshare_of("net,,ipc", &iso), "empty item");
	refused("iso: -s with a trailing comma is refused",
	    unshare_of("net,", &iso), "empty item");
	refused("iso: an empty -s is refused", unshare_of("", &iso),
	    "empty item");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused("iso: a -s list over 4 KiB is refused",
	    unshare_of(big, &iso), "list too long");
	CHECK(strcmp(iso_ns_name(CLONE_NEWNS), "fs") == 0 &&
	    strcmp(iso_ns_name(CLONE_NEWTIME), "time") == 0 &&
	    strcmp(iso_ns_name(CLONE_NEWUSER), "user") == 0,
	    "iso: iso_ns_name gives the -s names");
	CHECK(strcmp(iso_ns_name(CLONE_NEWNET | CLONE_NEWIPC), "?") == 0 &&
	    strcmp(iso_ns_name(0), "?") == 0,
	    "iso: iso_ns_name of no single namespace is ?");
}

static int
caps_of(const char *list, uint64_t *mask)
{
	err[0] = '\0';
	*mask = 0xdead;
	return iso_parse_caps(list, mask, err, sizeof(err));
}

static void
test_caps(void)
{
	uint64_t m;

	CHECK(caps_of("", &m) == 0 && m == 0,
	    "iso: an empty capability list is the empty set");
	CHECK(caps_of("CAP_NET_RAW", &m) == 0 && m == 1ull << CAP_NET_RAW,
	    "iso: a capability by its upper-case name");
	CHECK(caps_of("cap_net_raw", &m) == 0 && m == 1ull << CAP_NET_RAW,
	    "iso: a capability by its lower-case name");
	CHECK(caps_of("net_raw", &m) == 0 && m == 1ull << CAP_NET_RAW,
	    "iso: a capability without its cap_ prefix");
	CHECK(caps_of("Net_Bind_Service", &m) == 0 &&
	    m == 1ull << CAP_NET_BIND_SERVICE,
	    "iso: capability names in mixed case");
	CHECK(caps_of("13", &m) == 0 && m == 1ull << 13,
	    "iso: a capability by its number");
	CHECK(caps_of("0,63", &m) == 0 && m == (1ull | 1ull << 63),
	    "iso: capability numbers 0 and 63 are the bounds");
	CHECK(caps_of("chown,sys_admin,12", &m) == 0 &&
	    m == (1ull << CAP_CHOWN | 1ull << CAP_SYS_ADMIN | 1ull << 12),
	    "iso: a capability list is the union of its items");
	refused("iso: capability 64 is refused", caps_of("64", &m), "64");
	refused("iso: a capability number that overflows is refused",
	    caps_of("18446744073709551617", &m), "18446744073709551617");
	refused("iso: an unknown capability is refused, by name",
	    caps_of("net_raw,cap_bogus", &m), "cap_bogus: unknown capability");
	refused("iso: a negative capability number is refused",
	    caps_of("-1", &m), "-1");
	refused("iso: an empty item in a capability list is refused",
	    caps_of("chown,", &m), "empty item");
	CHECK(caps_of("chown", &m) == 0 && caps_of("kill", &m) == 0 &&
	    m == 1ull << CAP_KILL, "iso: a capability list replaces the last");
}

static int
rlimits_of(const char *list, struct isolation *iso)
{
	memset(iso, 0, sizeof(*iso));
	err[0] = '\0';
	return iso_parse_rlimits(iso, list, err, sizeof(err));
}

static int
limit_is(const struct isolation *iso, size_t i, int r, rlim_t hard,
    rlim_t soft)
{
	return i < iso->nrlimits && iso->rlimits[i].resource == r &&
	    iso->rlimits[i].rl.rlim_max == hard &&
	    iso->rlimits[i].rl.rlim_cur == soft;
}

static void
test_rlimits(void)
{
	struct isolation iso;
	int i, all = 1;

	CHECK(rlimits_of("nofile=100", &iso) == 0 && iso.nrlimits == 1 &&
	    limit_is(&iso, 0, RLIMIT_NOFILE, 100, 100),
	    "iso: -l name=hard sets the soft limit to the hard one");
	CHECK(rlimits_of("cpu=10:5", &iso) == 0 &&
	    limit_is(&iso, 0, RLIMIT_CPU, 10, 5),
	    "iso: -l name=hard:soft sets both");
	CHECK(rlimits_of("core=0:0", &iso) == 0 &&
	    limit_is(&iso, 0, RLIMIT_CORE, 0, 0), "iso: -l takes zero limits");
	CHECK(rlimits_of("as=unlimited:1000", &iso) == 0 &&
	    limit_is(&iso, 0, RLIMIT_AS, RLIM_INFINITY, 1000),
	    "iso: -l takes unlimited");
	CHECK(rlimits_of("fsize=infinity", &iso) == 0 &&
	    limit_is(&iso, 0, RLIMIT_FSIZE, RLIM_INFINITY, RLIM_INFINITY),
	    "iso: -l takes infinity");
	CHECK(rlimits_of("NOFILE=5,RLIMIT_NPROC=7", &iso) == 0 &&
	    limit_is(&iso, 0, RLIMIT_NOFILE, 5, 5) &&
	    limit_is(&iso, 1, RLIMIT_NPROC, 7, 7),
	    "iso: -l names in any case, with or without RLIMIT_");
	CHECK(rlimits_of("7=9", &iso) == 0 && limit_is(&iso, 0, 7, 9, 9),
	    "iso: -l takes a resource by its number");
	CHECK(rlimits_of("15=1", &iso) == 0 && limit_is(&iso, 0, 15, 1, 1),
	    "iso: -l resource 15 is the last one");
	CHECK(rlimits_of("nofile=10,cpu=3,nofile=20:4", &iso) == 0 &&
	    iso.nrlimits == 2 && limit_is(&iso, 0, RLIMIT_NOFILE, 20, 4) &&
	    limit_is(&iso, 1, RLIMIT_CPU, 3, 3),
	    "iso: -l a resource given twice keeps the last, in its place");
	CHECK(rlimits_of("cpu=18446744073709551615:18446744073709551615",
	    &iso) == 0 && limit_is(&iso, 0, RLIMIT_CPU, ~(rlim_t)0,
	    ~(rlim_t)0), "iso: -l takes the largest number for both limits");
	for (i = 0; i < RLIM_NLIMITS; i++) {
		char item[64];

		snprintf(item, sizeof(item), "%s=1", iso_rlimit_name(i));
		if (rlimits_of(item, &iso) == -1 || !limit_is(&iso, 0, i, 1, 1))
			all = 0;
	}
	CHECK(all, "iso: -l knows every name iso_rlimit_name gives");
	CHECK(iso_rlimit_name(RLIMIT_MSGQUEUE) != NULL &&
	    strcmp(iso_rlimit_name(RLIMIT_MSGQUEUE), "msgqueue") == 0 &&
	    iso_rlimit_name(RLIM_NLIMITS) == NULL &&
	    iso_rlimit_name(-1) == NULL,
	    "iso: iso_rlimit_name names 0 to RLIM_NLIMITS - 1 only");
	refused("iso: -l resource 16 is refused",
	    rlimits_of("16=1", &iso), "unknown resource 16");
	refused("iso: -l with an unknown resource is refused, by name",
	    rlimits_of("nofile=1,bogus=1", &iso), "-l bogus=1");
	refused("iso: -l without = is refused", rlimits_of("nofile", &iso),
	    "expected resource=hard[:soft]");
	refused("iso: -l without a name is refused", rlimits_of("=5", &iso),
	    "expected resource=hard[:soft]");
	refused("iso: -l without a value is refused",
	    rlimits_of("nofile=", &iso), "-l nofile=:");
	refused("iso: -l with an empty soft limit is refused",
	    rlimits_of("nofile=5:", &iso), "-l nofile=5:");
	refused("iso: -l with an empty hard limit is refused",
	    rlimits_of("nofile=:5", &iso), "-l nofile=:5");
	refused("iso: -l with a word for a limit is refused",
	    rlimits_of("cpu=lots", &iso), "expected a number or unlimited");
	refused("iso: -l with a negative limit is refused",
	    rlimits_of("cpu=-1", &iso), "-l cpu=-1");
	refused("iso: -l with a plus sign is refused",
	    rlimits_of("cpu=+1", &iso), "-l cpu=+1");
	refused("iso: -l with a unit is refused",
	    rlimits_of("fsize=10k", &iso), "-l fsize=10k");
	refused("iso: -l with three limits is refused",
	    rlimits_of("cpu=3:2:1", &iso), "-l cpu=3:2:1");
	refused("iso: -l with the soft limit above the hard one is refused",
	    rlimits_of("nofile=5:10", &iso), "soft limit is above");
	refused("iso: -l with a soft limit above an unlimited one is refused",
	    rlimits_of("cpu=5:unlimited", &iso), "soft limit is above");
	refused("iso: -l one past the largest number is refused, not unlimited",
	    rlimits_of("nofile=18446744073709551616", &iso),
	    "nofile=18446744073709551616: expected a number");
	refused("iso: -l a soft limit that overflows is refused",
	    rlimits_of("cpu=unlimited:99999999999999999999999", &iso),
	    "expected a number");
	refused("iso: -l a resource number that overflows is refused",
	    rlimits_of("18446744073709551623=1", &iso), "unknown resource");
	refused("iso: -l with an overlong name is refused",
	    rlimits_of("a_resource_name_longer_than_32_bytes=1", &iso),
	    "expected resource=hard[:soft]");
	refused("iso: -l with an empty item is refused",
	    rlimits_of("cpu=1,,nofile=2", &iso), "empty item");
}

static int
map_of(const char *list, struct iso_map *m)
{
	err[0] = '\0';
	m->n = 7;
	return iso_parse_map(m, list, err, sizeof(err));
}

static int
range_is(const struct iso_map *m, size_t i, uint32_t start, uint32_t lower,
    uint32_t count)
{
	return i < m->n && m->r[i].start == start && m->r[i].lower == lower &&
	    m->r[i].count == count;
}

static void
test_map(void)
{
	struct iso_map m;
	char list[1024];
	size_t off = 0;
	int i;

	CHECK(map_of("0:1000:1", &m) == 0 && m.n == 1 &&
	    range_is(&m, 0, 0, 1000, 1), "iso: a map of one range");
	CHECK(map_of("0:1000:1,1:100000:65536", &m) == 0 && m.n == 2 &&
	    range_is(&m, 1, 1, 100000, 65536),
	    "iso: a map of two ranges, in order");
	CHECK(map_of("0:0:4294967295", &m) == 0 &&
	    range_is(&m, 0, 0, 0, 4294967295u),
	    "iso: a map may cover ids 0 to 4294967294");
	CHECK(map_of("4294967294:4294967294:1", &m) == 0 &&
	    range_is(&m, 0, 4294967294u, 4294967294u, 1),
	    "iso: id 4294967294 is the last one a map may name");
	CHECK(map_of("0:0:1,1:1:1", &m) == 0 && m.n == 2,
	    "iso: adjacent ranges do not overlap");
	refused("iso: a map's inside id 4294967295 is refused",
	    map_of("4294967295:0:1", &m), "past the last id");
	refused("iso: a map's outside id 4294967295 is refused",
	    map_of("0:4294967295:1", &m), "past the last id");
	refused("iso: a range running past the last inside id is refused",
	    map_of("4294967290:0:6", &m), "past the last id");
	refused("iso: a range running past the last outside id is refused",
	    map_of("0:4294967290:6", &m), "past the last id");
	refused("iso: an id over 32 bits is refused",
	    map_of("4294967296:0:1", &m), "4294967296:0:1: expected");
	refused("iso: an id that overflows is refused",
	    map_of("0:99999999999999999999999:1", &m), "expected");
	refused("iso: an empty range is refused", map_of("0:1000:0", &m),
	    "empty range");
	refused("iso: a range of two fields is refused", map_of("0:1000", &m),
	    "0:1000: expected START:LOWER:COUNT");
	refused("iso: a range of four fields is refused",
	    map_of("0:1000:1:1", &m), "expected START:LOWER:COUNT");
	refused("iso: a range with an empty field is refused",
	    map_of("0::1", &m), "expected START:LOWER:COUNT");
	refused("iso: a range of words is refused", map_of("root:1000:1", &m),
	    "root:1000:1");
	refused("iso: a negative id is refused", map_of("0:-1:1", &m),
	    "expected START:LOWER:COUNT");
	refused("iso: an overlong range is refused",
	    map_of("00000000000000000000000000000000000000000000000000000000"
	    "00000000:1:1", &m), "expected START:LOWER:COUNT");
	refused("iso: two ranges for one inside id are refused",
	    map_of("0:1000:10,9:2000:1", &m), "inside id twice");
	refused("iso: two ranges for one outside id are refused",
	    map_of("0:1000:10,20:1009:5", &m), "outside id twice");
	refused("iso: a later range containing an earlier one is refused",
	    map_of("5:5000:1,0:1000:10", &m), "inside id twice");
	refused("iso: an empty map is refused", map_of("", &m), "empty item");
	for (i = 0; i < ISO_MAX_MAPS; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d:%d:1",
		    i ? "," : "", i, 1000 + i);
	CHECK(map_of(list, &m) == 0 && m.n == ISO_MAX_MAPS,
	    "iso: a map of ISO_MAX_MAPS ranges is taken");
	snprintf(list + off, sizeof(list) - off, ",%d:%d:1", i, 1000 + i);
	refused("iso: a map of more than ISO_MAX_MAPS ranges is refused",
	    map_of(list, &m), "at most 32 ranges");
	CHECK(map_of("0:1:1", &m) == 0 && map_of("0:2:1", &m) == 0 &&
	    m.n == 1 && range_is(&m, 0, 0, 2, 1),
	    "iso: a second map replaces the first");
}

static int
families_of(const char *list, struct isolation *iso)
{
	memset(iso, 0, sizeof(*iso));
	err[0] = '\0';
	return iso_parse_families(iso, list, err, sizeof(err));
}

static void
test_families(void)
{
	struct isolation iso;
	char n[16];

	CHECK(families_of("unix,inet,inet6", &iso) == 0 && iso.families_set &&
	    iso.families == (1ull << AF_UNIX | 1ull << AF_INET |
	    1ull << AF_INET6), "iso: families by name");
	CHECK(families_of("AF_NETLINK,af_packet,Local", &iso) == 0 &&
	    iso.families == (1ull << AF_NETLINK | 1ull << AF_PACKET |
	    1ull << AF_UNIX), "iso: families with AF_ and in any case");
	CHECK(families_of("10,af_2", &iso) == 0 &&
	    iso.families == (1ull << 10 | 1ull << 2),
	    "iso: families by number");
	CHECK(families_of("", &iso) == 0 && iso.families_set &&
	    iso.families == 0, "iso: an empty family list allows none");
	snprintf(n, sizeof(n), "%d", AF_MAX - 1);
	CHECK(families_of(n, &iso) == 0 && iso.families == 1ull << (AF_MAX - 1),
	    "iso: family AF_MAX - 1 is the last number");
	snprintf(n, sizeof(n), "%d", AF_MAX);
	refused("iso: family AF_MAX is refused", families_of(n, &iso), n);
	refused("iso: a family number that overflows is refused",
	    families_of("18446744073709551617", &iso), "unknown address family");
	refused("iso: an unknown family is refused, by name",
	    families_of("unix,appletalk", &iso),
	    "--restrict-families appletalk: unknown");
	refused("iso: an empty item in a family list is refused",
	    families_of("unix,", &iso), "empty item");
}

static int
syscalls_of(const char *list, struct isolation *iso)
{
	memset(iso, 0, sizeof(*iso));
	err[0] = '\0';
	return iso_parse_syscalls(iso, list, err, sizeof(err));
}

static void
test_syscalls(void)
{
	struct isolation iso;
	char list[2048];
	size_t off = 0;
	int i;

	CHECK(syscalls_of("mkdir,ptrace", &iso) == 0 && iso.nsyscalls == 2 &&
	    iso.syscalls[0] == seccomp_syscall_resolve_name("mkdir") &&
	    iso.syscalls[1] == seccomp_syscall_resolve_name("ptrace"),
	    "iso: system calls by name, in order");
	refused("iso: an unknown system call is refused, by name",
	    syscalls_of("mkdir,frobnicate", &iso),
	    "--deny-syscalls frobnicate: unknown system call");
	refused("iso: a system call number is refused",
	    syscalls_of("83", &iso), "83: unknown");
	refused("iso: an empty system call list is refused",
	    syscalls_of("", &iso), "empty item");
	for (i = 0; i < ISO_MAX_SYSCALLS; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%smkdir",
		    i ? "," : "");
	CHECK(syscalls_of(list, &iso) == 0 &&
	    iso.nsyscalls == ISO_MAX_SYSCALLS,
	    "iso: ISO_MAX_SYSCALLS system calls are taken");
	snprintf(list + off, sizeof(list) - off, ",rmdir");
	refused("iso: more than ISO_MAX_SYSCALLS system calls are refused",
	    syscalls_of(list, &iso), "at most 64 system calls");
}

static int
checked(const struct isolation *iso)
{
	err[0] = '\0';
	return iso_check(iso, err, sizeof(err));
}

static void
test_check(void)
{
	struct isolation iso;

	memset(&iso, 0, sizeof(iso));
	CHECK(checked(&iso) == 0, "iso: no isolation is consistent");
	iso.pivot_new = "/new";
	iso.pivot_old = "old";
	refused("iso: -V without -s fs is refused", checked(&iso),
	    "-V needs a new mount namespace");
	iso.unshare = CLONE_NEWNS;
	CHECK(checked(&iso) == 0, "iso: -V with -s fs is taken");

	memset(&iso, 0, sizeof(iso));
	iso.mount_proc = 1;
	iso.unshare = CLONE_NEWNS;
	refused("iso: --mount-proc without -s pid is refused", checked(&iso),
	    "--mount-proc needs new pid and mount");
	iso.unshare = CLONE_NEWPID;
	refused("iso: --mount-proc without -s fs is refused", checked(&iso),
	    "--mount-proc needs new pid and mount");
	iso.unshare = CLONE_NEWPID | CLONE_NEWNS;
	CHECK(checked(&iso) == 0, "iso: --mount-proc with -s pid,fs is taken");

	memset(&iso, 0, sizeof(iso));
	iso.enter_pid = 1;
	iso.unshare = CLONE_NEWPID;
	refused("iso: --enter with -s pid is refused", checked(&iso),
	    "--enter cannot be combined with -s pid");

	memset(&iso, 0, sizeof(iso));
	iso.init = 1;
	iso.unshare = CLONE_NEWNS;
	refused("iso: --init without -s pid is refused", checked(&iso),
	    "--init needs a new pid namespace");
	iso.unshare = CLONE_NEWPID;
	CHECK(checked(&iso) == 0, "iso: --init with -s pid is taken");

	memset(&iso, 0, sizeof(iso));
	iso.uidgidmap = 1;
	refused("iso: -tt without -s user is refused", checked(&iso),
	    "need a new user namespace");
	iso.uidgidmap = 0;
	iso.uidmap_set = 1;
	refused("iso: --map-users without -s user is refused", checked(&iso),
	    "need a new user namespace");
	iso.uidmap_set = 0;
	iso.gidmap_set = 1;
	refused("iso: --map-groups without -s user is refused", checked(&iso),
	    "need a new user namespace");
	iso.unshare = CLONE_NEWUSER;
	CHECK(checked(&iso) == 0, "iso: --map-groups with -s user is taken");
	iso.uidgidmap = 1;
	refused("iso: -tt with --map-groups is refused", checked(&iso),
	    "exclude each other");
	iso.gidmap_set = 0;
	iso.uidmap_set = 1;
	refused("iso: -tt with --map-users is refused", checked(&iso),
	    "exclude each other");

	memset(&iso, 0, sizeof(iso));
	iso.unshare = CLONE_NEWUSER;
	iso.enter_pid = 1;
	refused("iso: -s user with --enter is refused", checked(&iso),
	    "-s user cannot be combined");
	iso.enter_pid = 0;
	iso.setns[0] = "/proc/1/ns/net";
	iso.nsetns = 1;
	refused("iso: -s user with -N is refused", checked(&iso),
	    "-s user cannot be combined");
	iso.unshare = CLONE_NEWNET;
	iso.enter_pid = 1;
	CHECK(checked(&iso) == 0, "iso: -N and --enter with -s net are taken");

	memset(&iso, 0, sizeof(iso));
	iso.chroot = "/srv";
	iso.client_root = 1;
	refused("iso: -R with -r is refused", checked(&iso),
	    "exclude each other");
	iso.client_root = 0;
	iso.pivot_new = "/new";
	iso.pivot_old = "old";
	iso.unshare = CLONE_NEWNS;
	refused("iso: -R with -V is refused", checked(&iso),
	    "exclude each other");
	iso.chroot = NULL;
	iso.client_root = 1;
	refused("iso: -r with -V is refused", checked(&iso),
	    "exclude each other");
	iso.pivot_new = NULL;
	iso.root_to_current = 1;
	CHECK(checked(&iso) == 0, "iso: -r with -W is taken");
}

/* Expects -V newroot putold to pivot with the old root at want. */
static void
putold(const char *name, const char *newroot, const char *old,
    const char *want)
{
	const char *got = iso_pivot_old(newroot, old);

	check(strcmp(got, want) == 0, name, "-V %s %s: \"%s\", not \"%s\"",
	    newroot, old, got, want);
}

static void
test_pivot_old(void)
{
	putold("iso: -V putold relative to newroot stays as written",
	    "/srv/box", "old", "old");
	putold("iso: -V an absolute putold under newroot is taken from there",
	    "/srv/box", "/srv/box/old", "old");
	putold("iso: -V putold under newroot, deeper",
	    "/srv/box", "/srv/box/mnt/old", "mnt/old");
	putold("iso: -V newroot with a trailing slash",
	    "/srv/box/", "/srv/box/old", "old");
	putold("iso: -V repeated slashes and . names are ignored",
	    "//srv/./box", "/srv//box/./old", "old");
	putold("iso: -V putold naming newroot itself stacks the old root",
	    "/srv/box", "/srv/box/", ".");
	putold("iso: -V /srv/boxer is not under /srv/box",
	    "/srv/box", "/srv/boxer/old", "/srv/boxer/old");
	putold("iso: -V /srv/box.d is not under /srv/box",
	    "/srv/box", "/srv/box.d", "/srv/box.d");
	putold("iso: -V a parent of newroot is taken inside newroot",
	    "/srv/box", "/srv", "/srv");
	putold("iso: -V an absolute putold elsewhere is taken inside newroot",
	    "/srv/box", "/old", "/old");
	putold("iso: -V putold / stays /, the top of newroot", "/srv/box",
	    "/", "/");
	putold("iso: -V under newroot /, /old is old", "/", "/old", "old");
	putold("iso: -V a relative newroot takes putold inside",
	    "box", "/srv/box/old", "/srv/box/old");
}

void
t_iso(void)
{
	test_unshare();
	test_caps();
	test_rlimits();
	test_map();
	test_families();
	test_syscalls();
	test_check();
	test_pivot_old();
}
