# The program's process shape, each checked from inside the started
# program: namespaces (-s, -N, --enter, user namespace maps, -t), roots
# (-R, -r, -W, -V, --mount-proc), capabilities (-B, -b, -c, -m, -L, -X),
# limits (-l), --cgroup and the program's seccomp filter.  Then the
# container recipes of the manual, and every option's bad input.

if ! is_root; then
	skip "isolation: tests" "need root to create namespaces and users"
	return 0
fi

TMO=(timeout -k 2 20)
dv() { "${TMO[@]}" "$DIVE" "$@"; }
dv_nobody() { as_nobody "${TMO[@]}" "$DIVE" "$@"; }
dived_fails() { timeout -k 1 5 "$DIVED" "$@" 2>&1; }
status_of() { grep "^$1:" | cut -f2; }
ns_of() { readlink "/proc/${2:-self}/ns/$1"; }

cd "$T" || return 0

# A root directory with a shell and a few tools, and a marker file.
mkroot() {
	local r=$1
	mkdir -p "$r/proc" "$r/old" "$r/etc"
	copy_tools "$r" sh cat ls readlink id grep hostname
	echo inside >"$r/etc/marker"
	chmod -R a+rX "$r"
}
mkroot "$T/root"
mkdir -m 1777 "$T/w"

# ------------------------------------------------------- namespaces

S=$T/ns.sock
start_dived "$S" -C 0777 -s net,uts,ipc
expect_eq "-s net: the program has its own network namespace" "different" \
    "$([ "$(dv "$S" readlink /proc/self/ns/net)" != "$(ns_of net)" ] &&
    echo different)"
expect_eq "-s net: only a loopback device" "lo" \
    "$(dv "$S" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')"
expect_match "-s net: no route even to 127.0.0.1" "unreachable" \
    "$(dv_nobody "$S" bash -c 'echo >/dev/tcp/127.0.0.1/22' 2>&1)"
expect_eq "-s uts: a hostname set inside stays inside" "inner $(hostname)" \
    "$(dv "$S" sh -c 'hostname inner && hostname') $(hostname)"
expect_eq "-s ipc: its own IPC namespace" "different" \
    "$([ "$(dv "$S" readlink /proc/self/ns/ipc)" != "$(ns_of ipc)" ] &&
    echo different)"
expect_eq "-s net: the mount namespace stays the host's" "$(ns_of mnt)" \
    "$(dv "$S" readlink /proc/self/ns/mnt)"

S=$T/pid.sock
start_dived "$S" -C 0777 -s pid,fs --mount-proc
expect_eq "-s pid: the program is pid 1 of its namespace" "1" \
    "$(dv "$S" sh -c 'echo $$')"
procs_before=$(grep -c ' - proc ' /proc/self/mountinfo)
expect_eq "--mount-proc: /proc shows the namespace's processes only" \
    "/proc/1" "$(dv "$S" sh -c 'echo /proc/[0-9]*')"
expect_eq "-s pid: the exit status still reaches the client" "exit 7" \
    "$(wait_status "${TMO[@]}" "$DIVE" "$S" sh -c 'exit 7')"
dv "$S" sh -c "sleep 31$$ & echo started" >/dev/null 2>&1
expect_eq "-s pid: what pid 1 leaves behind ends with it" "" \
    "$(pgrep -f "^sleep 31$$")"
expect_eq "--mount-proc: the host's mount table is untouched" \
    "$procs_before" "$(grep -c ' - proc ' /proc/self/mountinfo)"

S=$T/init.sock
start_dived "$S" -C 0777 -s pid,fs --mount-proc --init
expect_eq "--init: a reaper is pid 1, the program pid 2" "2 dived-init" \
    "$(dv "$S" sh -c 'echo $$ $(cat /proc/1/comm)')"
# The program leaves an orphan and never waits itself.
zombies='(sleep 0.2 &); exec perl -e "sleep 1;
    for (glob q(/proc/[0-9]*/status)) { open F, \$_; print qq(\$_\n) if
    grep { /^State:\s+Z/ } <F> }"'
expect_eq "--init: orphans of the namespace are reaped, no zombie stays" "" \
    "$(dv "$S" sh -c "$zombies")"
expect_eq "--init: the program's exit status reaches the client" "exit 7" \
    "$(wait_status "${TMO[@]}" "$DIVE" "$S" sh -c 'exit 7')"
expect_eq "--init: a program ended by a signal is 128 and its number" \
    "exit 143" "$(wait_status "${TMO[@]}" "$DIVE" "$S" sh -c 'kill $$')"
expect_eq "--init: it holds no descriptor of the session" "" \
    "$(dv "$S" ls /proc/1/fd 2>&1)"
# Process 1 keeps dived's credentials: a program that is root in a user
# namespace of its own must still not trace it or read its memory.
S=$T/inituser.sock
start_dived "$S" -C 0777 -s user,pid,fs --mount-proc -tt --init
expect_match "--init: a program root in its user namespace cannot read pid 1" \
    "Permission denied" "$(dv_nobody "$S" cat /proc/1/environ 2>&1)"
expect_eq "--init: pid 1 keeps only CAP_KILL" "0000000000000020" \
    "$(dv_nobody "$S" cat /proc/1/status | status_of CapEff)"
S=$T/noinit.sock
start_dived "$S" -C 0777 -s pid,fs --mount-proc
expect_match "without --init: the program's orphans stay zombies while it runs" \
    "/proc/[0-9]+/status" "$(dv "$S" sh -c "$zombies")"
S=$T/initn.sock
start_dived "$S" -C 0777 -s pid --init -n
"${TMO[@]}" "$DIVE" "$S" sh -c "trap 'echo got-term >$T/w/init-term; exit 0' TERM
    echo up >$T/w/init-up; sleep 10 & wait" &
dvpid=$!
wait_for test -s "$T/w/init-up"
# The program may run before dive has heard of its start and forwards
# signals: wait for that, as a caller's later signal would find it.
wait_forwarding "$(pgrep -P "$dvpid" -x dive || echo "$dvpid")" TERM
kill -TERM "$dvpid"
wait "$dvpid"
expect_eq "--init with -n: the client's signal reaches the program" "got-term" \
    "$(cat "$T/w/init-term" 2>&1)"
# Without -n dive signals the program itself, as it would without --init:
# the pid it is told is the program's, not that of the reaper, which
# keeps dived's user and which a caller other than root may not signal.
for mode in 1 2; do
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    env DIVE_SIGFWMODE=$mode "${TMO[@]}" "$DIVE" "$T/init.sock" \
	    sh -c "trap 'echo got TERM; exit 7' TERM
	    echo up >$T/w/initsig-up-$mode; sleep 30 & wait" \
	    >"$T/w/initsig-$mode" 2>&1 &
	dvpid=$!
	wait_for test -s "$T/w/initsig-up-$mode"
	divepid=$(pgrep -P "$dvpid")
	wait_forwarding "$divepid" TERM
	kill -TERM "$divepid"
	wait "$dvpid"
	rc=$?
	expect_eq "--init: SIGTERM to dive (DIVE_SIGFWMODE=$mode) reaches the program" \
	    "got TERM, exit 7" "$(cat "$T/w/initsig-$mode"), exit $rc"
done

S=$T/late.sock
start_dived "$S" -C 0777 -s cgroup,time
expect_eq "-s cgroup,time: new cgroup and time namespaces" "2" \
    "$(dv "$S" sh -c 'readlink /proc/self/ns/cgroup /proc/self/ns/time' |
    grep -vcxF -e "$(ns_of cgroup)" -e "$(ns_of time)")"

# ------------------------------------------------- user namespaces

S=$T/tt.sock
start_dived "$S" -C 0777 -s user -tt
expect_eq "-tt: a nobody client is uid 0 inside, mapped to nobody" \
    "0 0 65534 1" "$(dv_nobody "$S" sh -c 'id -u; id -g;
    cat /proc/self/uid_map' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//' |
    awk '{ print $1, $2, $4, $5 }')"
dv_nobody "$S" touch "$T/w/tt-file"
expect_eq "-tt: files it creates belong to the client outside" \
    "65534 65534" "$(stat -c '%u %g' "$T/w/tt-file")"
expect_eq "-tt: setgroups is denied inside" "deny" \
    "$(dv_nobody "$S" cat /proc/self/setgroups)"
expect_eq "-tt: the user namespace is new" "different" \
    "$([ "$(dv_nobody "$S" readlink /proc/self/ns/user)" != \
    "$(ns_of user)" ] && echo different)"

# A namespace that denies setgroups(2) must not let dived's own groups
# through: group 4 of the file below is dived's, never the client's.
S=$T/ttgroups.sock
setpriv --groups 4 -- "$DIVED" "$S" --log-stderr -C 0777 -s user -tt \
    2>>"$T/dived.log" &
DIVED_PID=$!
DIVED_PIDS+=("$DIVED_PID")
wait_for listening "$S"
echo secret >"$T/w/group4"
chown 0:4 "$T/w/group4"
chmod 0640 "$T/w/group4"
expect_eq "-s user: no supplementary group of dived's reaches the program" \
    "" "$(dv_nobody "$S" sh -c 'grep ^Groups: /proc/self/status | cut -f2' |
    tr -d ' ')"
expect_match "-s user: a file of dived's group stays closed to the program" \
    "Permission denied" "$(dv_nobody "$S" cat "$T/w/group4" 2>&1)"

S=$T/nomap.sock
start_dived "$S" -C 0777 -s user
expect_eq "-s user without maps: refused, nothing runs as unmapped root" \
    "exit 125" "$(wait_status "${TMO[@]}" "$DIVE" "$S" touch \
    "$T/w/unmapped" 2>/dev/null)"
expect_match "-s user without maps: the client is told why" \
    "has no id in the user namespace" "$(dv "$S" true 2>&1)"
expect_eq "-s user without maps: no file was created" "absent" \
    "$([ -e "$T/w/unmapped" ] || echo absent)"

S=$T/auto.sock
start_dived "$S" -C 0777 -s user --map-users auto --map-groups auto
expect_eq "--map-users auto, root client: 0 is the top host id" \
    "0 4294967294 1 1 1 4294967293" \
    "$(dv "$S" cat /proc/self/uid_map | tr -s ' \n' ' ' |
    sed 's/^ //; s/ $//')"
expect_eq "--map-users auto, root client: the program is root inside" \
    "0 0" "$(dv "$S" sh -c 'echo $(id -u) $(id -g)')"

# A user with delegated ranges in /etc/subuid and /etc/subgid.
U=dviso$$
add_test_user "$U" || fail "isolation: create test user" "useradd failed"
uid=$(id -u "$U")
gid=$(id -g "$U")
SUB=$((300000 + $$ % 1000 * 70000))
for f in /etc/subuid /etc/subgid; do
	[ -e "$f" ] || : >"$f"
	cp -p "$f" "$T/${f##*/}.saved"
	# useradd may have delegated a range of its own: keep only ours.
	grep -v "^$U:" "$T/${f##*/}.saved" >"$f"
	echo "$U:$SUB:65536" >>"$f"
done
restore_subids() {
	cp -p "$T/subuid.saved" /etc/subuid
	cp -p "$T/subgid.saved" /etc/subgid
}
dv_user() {
	setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
	    "${TMO[@]}" "$DIVE" "$@"
}
expect_eq "--map-users auto, user client: 0 is the user, then its ranges" \
    "0 $uid 1 1 $SUB 65536" "$(dv_user "$S" cat /proc/self/uid_map |
    tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
expect_eq "--map-groups auto, user client: 0 is its group, then its ranges" \
    "0 $gid 1 1 $SUB 65536" "$(dv_user "$S" cat /proc/self/gid_map |
    tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"

S=$T/ranges.sock
start_dived "$S" -C 0777 -s user --map-users "0:$uid:1,1:$SUB:1000" \
    --map-groups "0:$gid:1"
expect_eq "--map-users: delegated ranges are allowed to their user" \
    "0 $uid 1 1 $SUB 1000" "$(dv_user "$S" cat /proc/self/uid_map |
    tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
expect_match "--map-users: another user without those ranges is refused" \
    "host ids [0-9-]+ are neither the target's nor delegated" \
    "$(dv_nobody "$S" true 2>&1)"
expect_eq "--map-users: a refused map starts nothing" "exit 125" \
    "$(wait_status setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    "${TMO[@]}" "$DIVE" "$S" touch "$T/w/refused-map" 2>/dev/null)"
[ -e "$T/w/refused-map" ] && fail "--map-users: refused map ran" "file"
restore_subids
expect_match "--map-users: a range no longer delegated is refused" \
    "not delegated|neither the target's nor delegated" \
    "$(dv_user "$S" true 2>&1)"

S=$T/t.sock
start_dived "$S" -C 0777 -s user -t /proc/self/uid_map "0 $uid 1" \
    -t /proc/self/setgroups deny -t /proc/self/gid_map "0 $gid 1" \
    -t "$T/w/t-file" "written"
expect_eq "-t: the monitor writes /proc/self maps for the program" \
    "0 $uid 1" "$(dv "$S" cat /proc/self/uid_map | tr -s ' \n' ' ' |
    sed 's/^ //; s/ $//')"
expect_eq "-t: other files are written before the credentials change" \
    "written" "$(cat "$T/w/t-file" 2>&1)"
expect_match "-t: a map the kernel refuses fails the session" \
    "uid_map: (Invalid argument|Operation not permitted)" \
    "$(timeout 5 "$DIVED" -J -s user -t /proc/self/uid_map "x" -- true 2>&1)"

# ----------------------------------------------- joining namespaces

unshare -U -r -u -n sh -c "hostname joined$$; exec sleep 60" &
HOLDER=$!
wait_for sh -c "[ \"\$(readlink /proc/$HOLDER/ns/uts)\" != \"$(ns_of uts)\" ] &&
    [ \"\$(cat /proc/$HOLDER/comm)\" = sleep ]"
S=$T/setns.sock
start_dived "$S" -C 0777 -N "/proc/$HOLDER/ns/uts" -N "/proc/$HOLDER/ns/net"
expect_eq "-N: the program is in the named namespaces" \
    "joined$$ $(ns_of net "$HOLDER")" \
    "$(dv "$S" sh -c 'hostname; readlink /proc/self/ns/net' | tr '\n' ' ' |
    sed 's/ $//')"
expect_eq "-N without a user namespace: the client keeps its groups" \
    "$(id -G "$U")" "$(dv_user "$S" id -G)"
S=$T/enter.sock
start_dived "$S" -C 0777 --enter "$HOLDER"
expect_eq "--enter: user, uts and net namespaces of the process" \
    "joined$$ $(ns_of user "$HOLDER") $(ns_of net "$HOLDER")" \
    "$(dv "$S" sh -c 'hostname; readlink /proc/self/ns/user
    readlink /proc/self/ns/net' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--enter: a root client is root of the joined user namespace" \
    "0" "$(dv "$S" id -u)"
expect_match "--enter: a client without an id there is refused" \
    "uid 65534 has no id in the user namespace" \
    "$(dv_nobody "$S" true 2>&1)"
kill "$HOLDER" 2>/dev/null
wait_for sh -c "! kill -0 $HOLDER"
expect_match "--enter: a process that is gone is the client's error" \
    "--enter $HOLDER: No such process" "$(dv "$S" true 2>&1)"
expect_eq "--enter: the server lives on" "alive" \
    "$(alive "$DIVED_PID" && echo alive)"
S=$T/nsfile.sock
start_dived "$S" -N "$T/no-such-ns"
expect_match "-N: a missing file is reported to the client" \
    "setns $T/no-such-ns: No such file or directory" "$(dv "$S" true 2>&1)"
expect_match "-N: and recorded" "setns $T/no-such-ns" "$(cat "$T/dived.log")"
expect_eq "-N: the next client is served the same way" "exit 125" \
    "$(wait_status "${TMO[@]}" "$DIVE" "$S" true 2>/dev/null)"

# ------------------------------------------------------------ roots

S=$T/chroot.sock
# Started from $T, but not in a subshell, which would keep its pid from
# the list of daemons stopped at the end.
here=$PWD
cd "$T" && start_dived "$S" -C 0777 -R root -h /
cd "$here" || exit 1
expect_eq "-R (relative to dived's directory) and -h /" "inside /" \
    "$(dv "$S" /bin/sh -c 'cat /etc/marker; pwd' | tr '\n' ' ' |
    sed 's/ $//')"
expect_eq "-R: root sees / as the new root" "/" \
    "$(dv "$S" /bin/sh -c 'cd / && pwd')"

S=$T/clroot.sock
start_dived "$S" -C 0777 -r
expect_eq "-r: the client's DIVE_ROOTDIR becomes the root" "inside" \
    "$(DIVE_ROOTDIR=$T/root dv "$S" /bin/cat /etc/marker)"
S=$T/noclroot.sock
start_dived "$S" -C 0777
expect_eq "without -r the client's root is ignored" "absent" \
    "$(DIVE_ROOTDIR=$T/root dv "$S" sh -c '[ -e /etc/marker ] || echo absent')"

S=$T/w.sock
start_dived "$S" -C 0777 -R "$T/root" -W
expect_eq "-W: the program starts in dived's root, outside its own" \
    "inside var" "$(dv "$S" /bin/sh -c 'cat /etc/marker;
    ls | grep -x var' | tr '\n' ' ' | sed 's/ $//')"

S=$T/pivot.sock
start_dived "$S" -C 0777 -s fs,pid --mount-proc -V "$T/root" old
expect_eq "-V: the new root, old root under PUTOLD, /proc of the namespace" \
    "inside / 1 var" "$(dv "$S" /bin/sh -c 'cat /etc/marker;
    readlink /proc/self/root; echo $$; ls /old | grep -x var' | tr '\n' ' ' |
    sed 's/ $//')"
expect_eq "-V: the host's mount table is untouched" "0" \
    "$(grep -c " $T/root" /proc/self/mountinfo)"
# pivot_root(8)'s spelling: PUTOLD by its path from dived's root, through
# NEWROOT as written (a trailing slash too) or from dived's directory.
S=$T/pivotabs.sock
start_dived "$S" -C 0777 -s fs -V "$T/root/" "$T/root/old" -h /
expect_eq "-V NEWROOT NEWROOT/old: the old root is at /old, as with -V NEWROOT old" \
    "inside var" "$(dv "$S" /bin/sh -c 'cat /etc/marker;
    ls /old | grep -x var' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
S=$T/pivotrel.sock
cd "$T" && start_dived "$S" -C 0777 -s fs -V root "$T/root/old" -h /
cd "$here" || exit 1
expect_eq "-V with a relative NEWROOT and an absolute PUTOLD under it" \
    "inside var" "$(dv "$S" /bin/sh -c 'cat /etc/marker;
    ls /old | grep -x var' 2>&1 | tr '\n' ' ' | sed 's/ $//')"

# --------------------------------------------------- capabilities

S=$T/bnd.sock
start_dived "$S" -C 0777 -B cap_net_raw
expect_eq "-B: only the named capability stays in the bounding set" \
    "0000000000002000" "$(dv "$S" cat /proc/self/status | status_of CapBnd)"
S=$T/bnone.sock
start_dived "$S" -C 0777 -B ''
expect_eq "-B '': an empty bounding set, no capabilities even as root" \
    "0000000000000000 0000000000000000" "$(dv "$S" cat /proc/self/status |
    grep -E '^Cap(Bnd|Eff):' | cut -f2 | tr '\n' ' ' | sed 's/ $//')"
S=$T/bdrop.sock
start_dived "$S" -C 0777 -b NET_RAW,12
expect_eq "-b: named and numbered capabilities leave the bounding set" \
    "0" "$(( 0x$(dv "$S" cat /proc/self/status | status_of CapBnd) & 0x3000 ))"
expect_eq "-b: the others stay" "1" \
    "$(( 0x$(dv "$S" cat /proc/self/status | status_of CapBnd) & 0x1 ))"

S=$T/capset.sock
start_dived "$S" -C 0777 -u nobody -c 'cap_net_raw+i'
expect_eq "-c with -u: the inheritable set, nothing effective" \
    "0000000000002000 0000000000000000" "$(dv "$S" cat /proc/self/status |
    grep -E '^Cap(Inh|Eff):' | cut -f2 | tr '\n' ' ' | sed 's/ $//')"
S=$T/amb.sock
start_dived "$S" -C 0777 -u nobody -c cap_net_bind_service+ip \
    -m cap_net_bind_service
expect_eq "-m: the capability is ambient and effective for nobody" \
    "0000000000000400 0000000000000400" "$(dv "$S" cat /proc/self/status |
    grep -E '^Cap(Amb|Eff):' | cut -f2 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "-m: nobody binds a privileged port" "bound" \
    "$(dv "$S" perl -MIO::Socket::INET -e 'IO::Socket::INET->new(
    LocalAddr => "127.0.0.1", LocalPort => 1023 - ($$ % 500),
    Listen => 1) and print "bound"')"
S=$T/ambbad.sock
start_dived "$S" -C 0777 -u nobody -m cap_net_bind_service
expect_match "-m without the capability permitted: refused" \
    "-m cap_net_bind_service: Operation not permitted" \
    "$(dv "$S" true 2>&1)"

S=$T/sec.sock
start_dived "$S" -C 0777 -L
expect_eq "-L: root gets no capabilities from exec" "0000000000000000" \
    "$(dv "$S" cat /proc/self/status | status_of CapEff)"
S=$T/nnp.sock
start_dived "$S" -C 0777 -X
expect_eq "-X: no_new_privs" "1" \
    "$(dv "$S" cat /proc/self/status | status_of NoNewPrivs)"
expect_eq "without -X: none" "0" \
    "$(dv "$T/sec.sock" cat /proc/self/status | status_of NoNewPrivs)"

# ----------------------------------------------------------- limits

S=$T/rl.sock
start_dived "$S" -C 0777 -l cpu=3,nofile=100:50,RLIMIT_CORE=0,10=8
expect_eq "-l: cpu, nofile hard:soft, core by its RLIMIT_ name, locks by number" \
    "3 50 100 0 8" "$( (dv "$S" sh -c 'echo $(ulimit -t) $(ulimit -n) \
    $(ulimit -Hn) $(ulimit -c)'; dv "$S" grep 'Max file locks' \
    /proc/self/limits | awk '{ print $4 }') | tr '\n' ' ' | sed 's/ $//')"
S=$T/rlraise.sock
if (( 0x$(status_of CapEff </proc/self/status) >> 24 & 1 )); then
	(ulimit -n 4096 && start_dived "$S" -C 0777 -l nofile=8192)
	expect_eq "-l: a hard limit above dived's own is raised for nobody" \
	    "8192" "$(dv_nobody "$S" sh -c 'ulimit -Hn')"
else
	skip "-l: a hard limit above dived's own" \
	    "this test runs without CAP_SYS_RESOURCE, so dived cannot raise one"
fi

# ----------------------------------------------------------- cgroup

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$CG2" ] && mkdir "$CG2/dive-test-$$" 2>/dev/null; then
	CG=$CG2/dive-test-$$
	S=$T/cg.sock
	start_dived "$S" -C 0777 --cgroup "$CG"
	expect_eq "--cgroup: the program starts in the cgroup" \
	    "/dive-test-$$" "$(dv "$S" awk -F: '$1 == "0" { print $3 }' \
	    /proc/self/cgroup)"
	S=$T/cgns.sock
	start_dived "$S" -C 0777 --cgroup "$CG" -s cgroup
	expect_eq "--cgroup with -s cgroup: the cgroup is the namespace's root" \
	    "/" "$(dv "$S" awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)"
	stop_dived "$DIVED_PID"
	wait_for rmdir "$CG"
else
	skip "--cgroup" "no cgroup v2 hierarchy mounted where a test cgroup can be made"
fi
expect_match "--cgroup: a directory without cgroup.procs is refused at start" \
    "--cgroup $T: No such file" "$(dived_fails "$T/x.sock" --cgroup "$T")"

# ------------------------------------------------------------ seccomp

S=$T/af.sock
start_dived "$S" -C 0777 --restrict-families unix
expect_match "--restrict-families: other families are not supported" \
    "Address family not supported" \
    "$(dv_nobody "$S" perl -MSocket -e 'socket(my $s, AF_INET, SOCK_STREAM,
    0) or print "$!"')"
expect_eq "--restrict-families: the allowed family works" "ok" \
    "$(dv_nobody "$S" perl -MSocket -e 'socket(my $s, AF_UNIX, SOCK_STREAM,
    0) and print "ok"')"
expect_eq "--restrict-families: no_new_privs for a program without CAP_SYS_ADMIN" \
    "1" "$(dv_nobody "$S" cat /proc/self/status | status_of NoNewPrivs)"
expect_eq "--restrict-families: root keeps setuid programs working" "0" \
    "$(dv "$S" cat /proc/self/status | status_of NoNewPrivs)"
S=$T/sys.sock
start_dived "$S" -C 0777 --deny-syscalls mkdir,mkdirat
expect_match "--deny-syscalls: the call fails with EPERM" \
    "Operation not permitted" "$(dv "$S" mkdir "$T/w/denied" 2>&1)"
expect_eq "--deny-syscalls: other calls work" "ok" \
    "$(dv "$S" sh -c 'rmdir /nonexistent-dir 2>/dev/null; echo ok')"

# ---------------------------------------------------------- recipes

expect_eq "recipe: fakeroot-like shell (-j -s user -tt) is uid 0 inside" \
    "0" "$(setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
    timeout 10 "$DIVED" -j -s user -tt -- sh -c "id -u; touch $T/w/fake")"
expect_eq "recipe: its files belong to the caller outside" "$uid $gid" \
    "$(stat -c '%u %g' "$T/w/fake" 2>&1)"
expect_eq "-J -s pid: the program is pid 1 and its status is mirrored" \
    "1 exit 9" "$( (timeout 10 "$DIVED" -J -s pid -- sh -c 'echo $$';
    wait_status timeout 10 "$DIVED" -J -s pid -- sh -c 'exit 9') |
    tr '\n' ' ' | sed 's/ $//')"

S=$T/container.sock
start_dived "$S" -C 0777 -s user,pid,fs,ipc,uts,net --map-users auto \
    --map-groups auto -V "$T/root" old --mount-proc
expect_eq "recipe: container: root inside, pid 1, own root and hostname" \
    "0 1 inside box" "$(dv "$S" /bin/sh -c 'id -u; echo $$; cat /etc/marker;
    hostname box 2>&1 || echo nohost; cat /proc/sys/kernel/hostname' |
    tr '\n' ' ' | sed 's/ $//')"
expect_eq "recipe: container: a host user gets only its own id as root" \
    "0 $uid" "$(dv_user "$S" /bin/sh -c 'id -u; cat /proc/self/uid_map' |
    tr -s ' \n' ' ' | awk '{ print $1, $3 }')"

S=$T/nonet.sock
start_dived "$S" -C 0777 -s net
expect_match "recipe: a socket without network for anyone" "unreachable" \
    "$(dv_nobody "$S" bash -c 'echo >/dev/tcp/127.0.0.1/22' 2>&1)"

# ------------------------------------------------------- bad input

for bad in "-s bogus|unknown namespace" "-B cap_bogus|unknown capability" \
    "-l cpu|expected resource=hard" "-l bogus=1|unknown resource bogus" \
    "-l cpu=5:10|soft limit is above" "-l cpu=x|expected a number" \
    "--map-users 0:1000:0|empty range" "--map-users 0:1:2,1:5:1|maps an inside id twice" \
    "--restrict-families foo|unknown address family" \
    "--deny-syscalls nosuchcall|unknown system call" \
    "--enter 0|expected a process id" \
    "-V $T/root|missing argument" \
    "-s user -tt --map-users auto|exclude each other" \
    "--map-users auto|need a new user namespace" \
    "-s fs --mount-proc|needs new pid and mount" \
    "-s net --init|--init needs a new pid namespace" \
    "-s user -N /proc/1/ns/net|cannot be combined with -N" \
    "-R $T/root -r|exclude each other" \
    "-R $T/nonexistent|No such file" \
    "--enter 4194304|--enter 4194304: No such process"; do
	opt=${bad%%|*}
	want=${bad#*|}
	# shellcheck disable=SC2086
	out=$(dived_fails "$T/bad.sock" $opt; echo "status $?")
	expect_match "dived $opt: refused at start" "$want" "$out"
	case $want in
	*"No such"*) st=1 ;;
	*) st=4 ;;
	esac
	expect_match "dived $opt: status $st" "status $st\$" "$out"
done
expect_match "-J -r: refused, there is no client" \
    "-r cannot be combined with -J" "$(dived_fails -J -r -- true)"
expect_match "-J --map-users: only dived's own id can be mapped in place" \
    "in place .* can map only the id 0" \
    "$(dived_fails -J -s user --map-users auto -- true)"
expect_match "-J -tt -u nobody: refused the same way" \
    "-tt: in place .* can map only the id 0" \
    "$(dived_fails -J -u nobody -s user -tt -- true)"
expect_match "-w with -s pid: refused" "-w cannot be combined with -s pid" \
    "$(dived_fails "$T/bad.sock" -w -s pid)"
