# Attacks from namespaces that someone else rules, on what a root dived
# does in them for --enter and -N: the root of a box tracing, reading or
# robbing the program's setup process while it is still host root
# (SECURITY.md, "Entering namespaces others control"), and files or FIFOs
# the box puts where -t writes ("Files written into namespaces others
# control").  Each attack is made by an unprivileged user, as root of a
# box that user was given, against a root dived; each check says that the
# attack failed and that nothing was started or written.

if ! is_root; then
	skip "attacks-ns: tests" "need root to make boxes and users"
	return 0
fi
HOOKED=$BIN/dived-hooks
ATTACK=$BIN/nsattack
if ! [ -x "$HOOKED" ] || ! [ -x "$ATTACK" ]; then
	skip "attacks-ns: tests" "$HOOKED or $ATTACK was not built"
	return 0
fi

expect_eq "attacks-ns: the normal dived has no setup hook" 0 \
    "$(grep -ac DIVED_TESTHOOK_JOINED_MS "$DIVED")"
expect_eq "attacks-ns: the test build has it" 1 \
    "$(grep -ac DIVED_TESTHOOK_JOINED_MS "$HOOKED")"

TMO=(timeout -k 2 20)
if ! add_test_user nsbox; then
	fail "attacks-ns: tests" "cannot add the test user nsbox"
	return 0
fi
uid=$(id -u nsbox)
gid=$(id -g nsbox)
as_user() { setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"; }
cd "$T" || return 0
mkdir -m 1777 "$T/w"
BOXES=()

# only_std PROGRAM...: PROGRAM with descriptors 0-2 only, so that every
# other descriptor the setup holds is dived's.
only_std() {
	perl -e 'use POSIX (); POSIX::close($_) for 3 .. 1023;
	    exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n"' "$@"
}

# A box's first process ignores signals from outside but SIGKILL.
unbox() { kill -KILL "$1" 2>/dev/null; }

# own_userns PID: PID has left our user namespace.
own_userns() {
	[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

# mkbox root|user [ID]: a box with its own user, pid and mount namespaces
# and /proc, whose id ID (0 unless given) is the test user outside.
# "root" makes it as a container manager running as root does (root owns
# the user namespace); "user" as the user does with unshare -r.  Sets BOX
# to the pid of its first process.
mkbox() {
	local maker id=${2:-0}
	if [ "$1" = root ]; then
		unshare -U -p -m --fork --mount-proc sleep 300 \
		    </dev/null >/dev/null 2>&1 &
		maker=$!
		wait_for own_userns "$maker"
		echo "$id $uid 1" >"/proc/$maker/uid_map"
		echo "$id $gid 1" >"/proc/$maker/gid_map"
	else
		setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
		    unshare -U -r -p -m --fork --mount-proc sleep 300 \
		    </dev/null >/dev/null 2>&1 &
		maker=$!
	fi
	wait_for pgrep -P "$maker"
	BOX=$(pgrep -P "$maker")
	wait_for grep -Eq "^ *$id +$uid " "/proc/$BOX/uid_map"
	BOXES+=("$BOX")
}

# in_box PROGRAM...: runs PROGRAM as the box's root, in all its namespaces.
in_box() {
	nsenter -t "$BOX" -U -p -m -S 0 -G 0 "$@"
}

# setup_child: the pid of dived's process that sits in the box's user
# namespace (the program's setup, held there by the test hook).
setup_child() {
	local p ns
	ns=$(readlink "/proc/$BOX/ns/user")
	for p in $(pgrep '^dived'); do
		[ "$(readlink "/proc/$p/ns/user" 2>/dev/null)" = "$ns" ] &&
		    echo "$p" && return 0
	done
	return 1
}

# -------------------------------- the setup process, while host root

# window KIND: a box of that kind, an attacker in it that goes for every
# process of dived's it sees, and two sessions entering the box, each
# held for a second by the hook right after its joins.
window() {
	local kind=$1 sock=$T/window-$1.sock out=$T/attack-$1.out dpid
	local fds="" i st

	mkbox "$kind"
	in_box "$ATTACK" 30 >"$out" 2>&1 &
	wait_for grep -q ready "$out"
	DIVED_TESTHOOK_JOINED_MS=1000 "$HOOKED" "$sock" --log-stderr -C 0777 \
	    --enter "$BOX" --audit-log "$T/audit-$kind.json" \
	    </dev/null >/dev/null 2>>"$T/dived.log" &
	dpid=$!
	DIVED_PIDS+=("$dpid")
	wait_for listening "$sock"
	for i in 1 2; do
		only_std setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		    -- "${TMO[@]}" "$DIVE" "$sock" touch "$T/w/ran-$kind-$i" \
		    </dev/null >"$T/w/out-$kind-$i" 2>&1 &
		if [ "$i" = 1 ] && wait_for setup_child; then
			fds=$(ls -l "/proc/$(setup_child)/fd" 2>&1)
		fi
		wait $! 2>/dev/null
		st=$?
		expect_eq "window $kind: session $i ends well" 0 "$st"
		expect_eq "window $kind: the program ran as the box's root" \
		    "$uid" "$(stat -c %u "$T/w/ran-$kind-$i" 2>&1)"
	done
	expect_match "window $kind: the hook held the setup in the box" \
	    "anon_inode:\[pidfd\]" "$fds"
	expect_no_match "window $kind: the setup holds no socket of dived's" \
	    "socket:" "$fds"
	expect_no_match "window $kind: nor the audit log" "audit-$kind" "$fds"
	expect_eq "window $kind: the attacker met both setup processes" 2 \
	    "$(grep -c ' ptrace attach: ' "$out")"
	for what in "ptrace attach" "ptrace seize" "pidfd_getfd" \
	    "open /proc/PID/mem" "open /proc/PID/fd" "open /proc/PID/exe" \
	    "open /proc/PID/environ"; do
		expect_eq "window $kind: $what is refused" 2 \
		    "$(grep -c " $what: denied " "$out")"
	done
	expect_eq "window $kind: no attempt succeeded" "" \
	    "$(grep SUCCEEDED "$out")"
	expect_eq "window $kind: dived lives on" alive \
	    "$(alive "$dpid" && echo alive)"
	stop_dived "$dpid"
	unbox "$BOX"
}
window root
window user

# A box that maps no id 0 is not entered as host root, and not at all.
mkbox root 1000
start_dived "$T/noroot.sock" -C 0777 --enter "$BOX"
expect_match "no id 0 there: refused, saying why" \
    "dive: the joined user namespace: cannot become its root, group 0: it maps no group 0" \
    "$(as_user "${TMO[@]}" "$DIVE" "$T/noroot.sock" touch "$T/w/noroot" 2>&1)"
expect_eq "no id 0 there: nothing ran" absent \
    "$([ -e "$T/w/noroot" ] && echo present || echo absent)"
expect_match "no id 0 there: logged" \
    "refused|failed: the joined user namespace: cannot become its root" \
    "$(cat "$T/dived.log")"
unbox "$BOX"

# -------------------------------------- files the box puts in the way

echo secret >"$T/host-secret"
chmod 644 "$T/host-secret"
mkfifo -m 666 "$T/w/fifo"
mkbox root
# What the box's root prepares in its own mount namespace.
in_box sh -c "mount --bind $T/host-secret /proc/sys/kernel/domainname &&
    touch $T/w/over && mount --bind $T/host-secret $T/w/over &&
    mount --bind $T/w/fifo /proc/sys/kernel/hostname &&
    ln -s $T/host-secret $T/w/link && mkfifo $T/w/fifo2" 2>&1 |
    sed 's/^/box setup: /'

# planted NAME OPTION... -- PATH WANT: a root dived entering the box with
# -t PATH written; the user's session must be refused with WANT, start
# nothing, leave no session behind and write nothing.
nplanted=0
planted() {
	local name=$1 sock path want out before started
	shift
	nplanted=$((nplanted + 1))
	sock=$T/planted-$nplanted.sock
	path=$2
	want=$3
	before=$(wc -l <"$T/dived.log")
	start_dived "$sock" -C 0777 "$1" "$([ "$1" = --enter ] && echo "$BOX" ||
	    echo "/proc/$BOX/ns/mnt")" -t "$path" planted
	started=$(grep -c ': started pid ' "$T/dived.log")
	out=$(as_user "${TMO[@]}" "$DIVE" "$sock" touch "$T/w/ran-$nplanted" 2>&1)
	expect_eq "$name: the session fails" 125 "$?"
	expect_match "$name: the client is told which file and why" \
	    "^dive: -t $path: $want" "$out"
	expect_match "$name: the refusal is logged" \
	    "failed: -t $path: $want" "$(tail -n +"$((before + 1))" "$T/dived.log")"
	expect_eq "$name: nothing was started" "$started" \
	    "$(grep -c ': started pid ' "$T/dived.log")"
	expect_eq "$name: the program did not run" absent \
	    "$([ -e "$T/w/ran-$nplanted" ] && echo present || echo absent)"
	expect_eq "$name: the host's file is untouched" secret \
	    "$(cat "$T/host-secret")"
	expect_eq "$name: no session is left" "" "$(sessions "$DIVED_PID")"
	expect_eq "$name: dived lives on" alive \
	    "$(alive "$DIVED_PID" && echo alive)"
	stop_dived "$DIVED_PID"
}
planted "bind-mounted over a /proc file" --enter \
    /proc/sys/kernel/domainname "a mount is in the way"
planted "bind-mounted over a file, mount namespace only" -N \
    "$T/w/over" "something is mounted on it"
planted "symbolic link, mount namespace only" -N \
    "$T/w/link" "a symbolic link is in the way"
planted "symbolic link, as the box's root" --enter \
    "$T/w/link" "a symbolic link is in the way"
# A FIFO would hold the setup forever: these come last.
planted "FIFO, mount namespace only" -N "$T/w/fifo2" "not a regular file"
planted "FIFO bound over a /proc file" --enter \
    /proc/sys/kernel/hostname "a mount is in the way"

for b in "${BOXES[@]}"; do
	unbox "$b"
done
