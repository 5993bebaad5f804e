# How dived runs as a server: detached (-d), with pidfiles (-p), serving one
# connection in place (-F), under inetd (-i), with monitors in sessions of
# their own (-D).

# Processes started here that start_dived does not track, and cgroups made
# for the tests: all gone before the files of the test are removed.
EXTRA_PIDS=()
CGROUPS=()
server_cleanup() {
	local p i
	for p in "${EXTRA_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${EXTRA_PIDS[@]}"; do
		for i in $(seq 50); do
			alive "$p" || break
			sleep 0.1
		done
	done
	for p in "${CGROUPS[@]}"; do
		rmdir "$p" 2>/dev/null
	done
	cleanup
}
trap server_cleanup EXIT

absent() {
	[ -e "$1" ] && echo present || echo absent
}

# Waits up to 5 s for a process to end.
gone() {
	! alive "$1"
}

## -d

S=$T/detach.sock
# (With an audit log: where no syslog listens, a dived with nowhere to
# write its records says so, the one thing it prints.)
timeout 10 "$DIVED" "$S" -d -p "$T/detach.pid" --audit-log "$T/detach.audit" \
    </dev/null >"$T/detach.out" 2>&1
rc=$?
out=$(timeout 10 "$DIVE" "$S" echo served)
expect_eq "detach: dived -d exits 0" 0 "$rc"
expect_eq "detach: a client started right after dived -d returns is served" \
    served "$out"
pid=$(cat "$T/detach.pid" 2>/dev/null)
EXTRA_PIDS+=("$pid")
expect_eq "detach: dived -d prints nothing" "" "$(cat "$T/detach.out")"
expect_eq "pidfile: holds the pid and a newline" \
    "$(printf '%s\n' "$pid" | od -c)" "$(od -c <"$T/detach.pid")"
expect_eq "pidfile: names the detached master" "dived: master $S" \
    "$(ps -o args= -p "$pid")"
expect_eq "pidfile: mode 0644" 644 "$(stat -c %a "$T/detach.pid")"
expect_eq "detach: the master leads a session of its own" "$pid" \
    "$(ps -o sid= -p "$pid" | tr -d ' ')"
expect_eq "detach: the master has no controlling terminal" "?" \
    "$(ps -o tty= -p "$pid" | tr -d ' ')"
expect_eq "detach: the master stays in the directory it was started in" \
    "$PWD" "$(readlink /proc/"$pid"/cwd)"
expect_eq "detach: the master's 0, 1 and 2 are /dev/null" \
    "/dev/null /dev/null /dev/null" \
    "$(readlink /proc/"$pid"/fd/0 /proc/"$pid"/fd/1 /proc/"$pid"/fd/2 | xargs)"

out=$(timeout 10 "$DIVED" "$S" -d -p "$T/detach.pid" 2>&1)
expect_eq "detach: a start-up failure exits 1" 1 $?
expect_match "detach: and its message is printed" \
    "another dived is listening there" "$out"
expect_eq "pidfile: a dived refused at start-up leaves the pidfile alone" \
    "$pid" "$(cat "$T/detach.pid")"

kill -TERM "$pid"
wait_for gone "$pid"
expect_eq "pidfile: SIGTERM stops the process it names" stopped \
    "$(alive "$pid" && echo running || echo stopped)"
expect_eq "pidfile: removed when the master stops" absent \
    "$(absent "$T/detach.pid")"
expect_eq "detach: the socket file is removed when the master stops" absent \
    "$(absent "$S")"

# Relative names: the detached master removes what it created.
mkdir "$T/rel"
(cd "$T/rel" && umask 077 && echo 123456789012345 garbage >old.pid &&
    timeout 10 "$DIVED" rel.sock -d -p old.pid -p new.pid 2>&1)
pid=$(cat "$T/rel/new.pid")
expect_match "detach: relative socket and pidfile names start" "^[0-9]+$" \
    "$pid"
EXTRA_PIDS+=("$pid")
expect_eq "pidfile: an old pidfile is truncated" "$pid" "$(cat "$T/rel/old.pid")"
expect_eq "pidfile: mode 0644 whatever the umask" "644 644" \
    "$(stat -c %a "$T/rel/old.pid" "$T/rel/new.pid" | xargs)"
expect_eq "detach: a relative socket name serves" rel \
    "$(timeout 10 "$DIVE" "$T/rel/rel.sock" echo rel)"
kill -HUP "$pid"
wait_for gone "$pid"
expect_eq "detach: relative names are removed on SIGHUP" "" \
    "$(ls "$T/rel")"

# Scripts for dive 1.x rely on a detached dived's directory: programs
# under -H start there, a relative -h is taken from there, and so is the
# -a command's directory.
mkdir -p "$T/home/sub"
home=$(cd "$T/home" && pwd -P)
(cd "$T/home" && timeout 10 "$DIVED" "$T/home-H.sock" -d -p "$T/home-H.pid" \
    -H -a 'pwd -P')
pid=$(cat "$T/home-H.pid")
EXTRA_PIDS+=("$pid")
expect_eq "detach: -H and -a start in the directory dived was started in" \
    "$home $home" \
    "$(cd / && timeout 10 "$DIVE" "$T/home-H.sock" pwd -P | xargs)"
kill "$pid"
wait_for gone "$pid"
(cd "$T/home" && timeout 10 "$DIVED" "$T/home-h.sock" -d -p "$T/home-h.pid" \
    -h sub)
pid=$(cat "$T/home-h.pid")
EXTRA_PIDS+=("$pid")
expect_eq "detach: a relative -h is taken from dived's directory" \
    "$home/sub" "$(cd / && timeout 10 "$DIVE" "$T/home-h.sock" pwd -P)"
kill "$pid"
wait_for gone "$pid"

# Whoever waits for dived -d's output is not held by the master.
out=$(timeout 10 "$DIVED" "$T/cap.sock" -d -p "$T/cap.pid" \
    --audit-log "$T/cap.audit" 2>&1)
expect_eq "detach: dived -d returns even when its output is read" "0 " \
    "$? $out"
pid=$(cat "$T/cap.pid")
EXTRA_PIDS+=("$pid")
kill -INT "$pid"
wait_for gone "$pid"
expect_eq "detach: SIGINT stops the detached master too" absent \
    "$(absent "$T/cap.sock")"

out=$("$DIVED" -i -d 2>&1 </dev/null)
expect_eq "detach: -d without a socket is a usage error" 4 $?
expect_match "detach: and says why" "-d: only with a socket" "$out"

## readiness

# "listening" in the log and the success of dived -d mean that a first
# session can be served: the first spare's parser is confined by then,
# even when it is slow to start (dived-hooks pauses each spare first).
DIVED_TESTHOOK_SPARE_MS=500 timeout 10 "$BIN/dived-hooks" "$T/ready.sock" \
    -d -p "$T/ready.pid" --audit-log "$T/ready.audit"
pid=$(cat "$T/ready.pid")
EXTRA_PIDS+=("$pid")
spare=$(pgrep -P "$pid" -f '^dived: monitor \[spare\]$')
parser=$(pgrep -P "$spare")
expect_eq "readiness: once dived -d returns, the first spare's parser is confined" \
    "dived: parser [spare] 2" "$(ps -o args= -p "$parser") $(awk \
    '$1 == "Seccomp:" { print $2 }' "/proc/$parser/status" 2>/dev/null)"
kill "$pid"
wait_for gone "$pid"
# Without spares a monitor and parser are started once all the same, to
# show that one confines itself, and are gone before dived -d returns.
timeout 10 "$DIVED" "$T/ready0.sock" -d -p "$T/ready0.pid" --spares 0 \
    --audit-log "$T/ready0.audit"
expect_eq "readiness: --spares 0: dived -d succeeds" 0 $?
pid=$(cat "$T/ready0.pid")
EXTRA_PIDS+=("$pid")
expect_eq "readiness: --spares 0: no monitor is left from the start" "" \
    "$(pgrep -P "$pid")"
expect_eq "readiness: --spares 0: a client right after is served" served \
    "$(timeout 10 "$DIVE" "$T/ready0.sock" echo served)"
kill "$pid"
wait_for gone "$pid"

# not_ready NAME REASON [option...]: with a parser that cannot confine
# itself, the dived command in nr (an array) refuses to start, with the
# reason, and leaves nothing behind.
not_ready() {
	local name=$1 why=$2 sock=$T/nr.sock pidf=$T/nr.pid out rc
	shift 2
	out=$(timeout 10 "${nr[@]}" "$sock" -p "$pidf" \
	    --audit-log "$T/nr.audit" "$@" 2>&1)
	rc=$?
	expect_eq "readiness: $name: dived exits 1" 1 "$rc"
	expect_match "readiness: $name: with the reason" \
	    "^dived(\[[0-9]+\])?: $sock: cannot serve, not starting: $why" "$out"
	expect_eq "readiness: $name: no socket file and no pidfile are left" \
	    "absent absent" "$(absent "$sock") $(absent "$pidf")"
	expect_eq "readiness: $name: no process of it is left" "" \
	    "$(pgrep -f "^dived: master $sock\$")"
	EXTRA_PIDS+=($(pgrep -f "^dived: master $sock\$"))
}
mkdir -p "$T/nrbin"
cp "$DIVED" "$BIN/dived-parser" "$BIN/dived-recorder" "$T/nrbin/"
printf 'not a program\n' >"$T/nrbin/dived-parser"
chmod 755 "$T/nrbin/dived-parser"
nr=("$T/nrbin/dived")
why="parser program: Exec format error"
not_ready "a parser program that cannot run" "$why"
not_ready "-d" "$why" -d
not_ready "--spares 0" "$why" -d --spares 0
not_ready "-F" "$why" -F
cp /bin/true "$T/nrbin/dived-parser"
not_ready "a parser that ends before it is confined" \
    "request parser failed: it ended before it confined itself" -d
if is_root && command -v setpriv >/dev/null; then
	# As under a service manager that withholds CAP_SYS_CHROOT: the
	# parser cannot enter its empty root.
	nr=(setpriv --bounding-set=-sys_chroot "$DIVED")
	why="parser chroot /run/dived/empty: Operation not permitted"
	not_ready "a parser that cannot chroot" "$why"
	not_ready "-d, a parser that cannot chroot" "$why" -d
	out=$(timeout 10 "${nr[@]}" "$T/nr.sock" -d --log-stderr 2>&1)
	expect_eq "readiness: --log-stderr: the log has the reason, once" \
	    "1 1" "$? $(grep -c "dived\[[0-9]*\]: $T/nr.sock: cannot serve, not starting: $why" <<<"$out")"
	expect_no_match "readiness: --log-stderr: and no \"listening\"" \
	    "listening on" "$out"
else
	skip "readiness: a parser that cannot chroot" "needs root and setpriv(1)"
fi

## -p

S=$T/pid.sock
start_dived "$S" -p "$T/a.pid" -p "$T/b.pid"
expect_eq "pidfile: every -p file gets the pid" "$DIVED_PID $DIVED_PID" \
    "$(cat "$T/a.pid" "$T/b.pid" | xargs)"
expect_eq "pidfile: the pid in it is alive" yes \
    "$(kill -0 "$(cat "$T/a.pid")" && echo yes)"
stop_dived "$DIVED_PID"
expect_eq "pidfile: all removed on SIGTERM" "absent absent" \
    "$(absent "$T/a.pid") $(absent "$T/b.pid")"

out=$(timeout 10 "$DIVED" "$S" -p "$T/nodir/x.pid" 2>&1)
expect_eq "pidfile: a missing directory fails start-up" 1 $?
expect_match "pidfile: the message names the file" \
    "dived: pidfile $T/nodir/x.pid: No such file or directory" "$out"
expect_eq "pidfile: a failed start-up leaves no socket file" absent \
    "$(absent "$S")"

out=$(timeout 10 "$DIVED" "$S" -p "$T/first.pid" -p "$T/nodir/x.pid" 2>&1)
expect_eq "pidfile: a failure removes the pidfiles already written" \
    "1 absent absent" "$? $(absent "$T/first.pid") $(absent "$S")"

out=$(timeout 10 "$DIVED" "$S" -d -p "$T/nodir/x.pid" 2>&1)
expect_eq "pidfile: with -d a failure still exits 1" 1 $?
expect_match "pidfile: with -d the message is printed" "pidfile $T/nodir/x.pid" \
    "$out"
expect_eq "pidfile: with -d a failure leaves no socket file" absent \
    "$(absent "$S")"

ln -s "$T/target" "$T/link.pid"
out=$(timeout 10 "$DIVED" "$S" -p "$T/link.pid" 2>&1)
expect_eq "pidfile: a symbolic link is refused" 1 $?
expect_match "pidfile: and named as one" "link.pid: is a symbolic link" "$out"
expect_eq "pidfile: the link's target is not created" absent \
    "$(absent "$T/target")"

mkfifo "$T/fifo.pid"
out=$(timeout 10 "$DIVED" "$S" -p "$T/fifo.pid" 2>&1)
expect_eq "pidfile: a FIFO is refused without hanging" 1 $?
expect_match "pidfile: a FIFO's refusal is explained" \
    "fifo.pid: (not a regular file|No such device)" "$out"

if is_root; then
	mkdir "$T/nb" "$T/ro"
	chown 65534 "$T/nb"
	out=$(as_nobody timeout 10 "$DIVED" "$T/nb/s.sock" -p "$T/ro/x.pid" 2>&1)
	expect_eq "pidfile: an unwritable directory fails start-up" 1 $?
	expect_match "pidfile: and says permission was denied" \
	    "pidfile $T/ro/x.pid: Permission denied" "$out"
	expect_eq "pidfile: nothing is left in the socket's directory" "" \
	    "$(ls "$T/nb")"
else
	skip "pidfile: an unwritable directory" "needs root to run as nobody"
fi

out=$(timeout 10 "$DIVED" -J -p "$T/j.pid" -- sh -c 'echo $$; cat "$0"' \
    "$T/j.pid")
expect_eq "pidfile: with -J it names the started program" \
    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"

# A cgroup's procs file only gets the pid, which moves dived there.
cgroup_test() {
	local fstype=$1 file=$2 root cg pid
	root=$(awk -v t="$fstype" '$3 == t { print $2; exit }' /proc/self/mounts)
	cg=$root/dive-test.$$
	if [ -z "$root" ] || ! mkdir "$cg" 2>/dev/null; then
		skip "pidfile: $fstype $file" "no writable $fstype hierarchy"
		return
	fi
	CGROUPS+=("$cg")
	timeout 10 "$DIVED" "$T/cg.sock" -d -p "$cg/$file" -p "$T/cg.pid"
	pid=$(cat "$T/cg.pid")
	EXTRA_PIDS+=("$pid")
	# With the spares, which the master starts there.
	expect_eq "pidfile: $fstype $file gets the master's pid" "$pid" \
	    "$(grep -x "$pid" "$cg/$file")"
	expect_match "pidfile: $fstype $file moves the master into the cgroup" \
	    ":/dive-test\.$$\$" "$(grep "$(basename "$root")\|^0::" \
	    /proc/"$pid"/cgroup)"
	expect_eq "pidfile: $fstype the master still serves" yes \
	    "$(timeout 10 "$DIVE" "$T/cg.sock" echo yes)"
	kill "$pid"
	wait_for gone "$pid"
	expect_eq "pidfile: $fstype the regular pidfile beside it is removed" \
	    absent "$(absent "$T/cg.pid")"
	expect_eq "pidfile: $fstype the cgroup is left empty and removable" ok \
	    "$(rmdir "$cg" && echo ok)"
}
if is_root; then
	cgroup_test cgroup2 cgroup.procs
	cgroup_test cgroup tasks
else
	skip "pidfile: cgroups" "needs root"
fi

## -F

S=$T/once.sock
start_dived "$S" -F -p "$T/once.pid"
m=$DIVED_PID
out=$(timeout 10 "$DIVE" "$S" sh -c \
    'echo $PPID; ps -o args= -p $PPID; test -e "$0" && echo present || echo absent; exit 7' \
    "$S")
expect_eq "no-fork: the exit status is mirrored" 7 $?
expect_eq "no-fork: the master itself serves the connection" "$m" \
    "$(sed -n 1p <<<"$out")"
expect_match "no-fork: and is titled as its monitor" "^dived: monitor " \
    "$(sed -n 2p <<<"$out")"
expect_eq "no-fork: the socket file is gone once the connection is accepted" \
    absent "$(sed -n 3p <<<"$out")"
wait_for gone "$m"
expect_eq "no-fork: dived exits after its one session" ended \
    "$(alive "$m" && echo running || echo ended)"

start_dived "$S" -F
m=$DIVED_PID
timeout 10 "$DIVE" "$S" sleep 1 &
d=$!
EXTRA_PIDS+=("$d")
wait_for test ! -e "$S"
out=$(timeout 10 "$DIVE" "$S" true 2>&1)
expect_eq "no-fork: a second client is refused while the first is served" \
    125 $?
wait "$d"
expect_eq "no-fork: the first client's session completes" 0 $?

# With -w the program replaces dived: process 1 of a new PID namespace.
if is_root && command -v unshare >/dev/null; then
	unshare --pid --fork --kill-child "$DIVED" "$S" -F -w --log-stderr \
	    2>>"$T/dived.log" &
	u=$!
	DIVED_PIDS+=("$u")
	wait_for listening "$S"
	expect_eq "no-fork: with -w the program is process 1 of dived's namespace" \
	    1 "$(timeout 10 "$DIVE" "$S" sh -c 'echo $$')"
	wait_for gone "$u"
else
	skip "no-fork: process 1 of a PID namespace" "needs root and unshare(1)"
fi

## -i without inetd

out=$(timeout 10 "$DIVED" -i </dev/null 2>&1)
expect_eq "inetd: -i on a non-socket exits 1" 1 $?
expect_eq "inetd: -i on a non-socket says so" \
    "dived: -i: standard input is not a connected unix socket" "$out"
out=$(timeout 10 perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die;
	open(STDIN, "<&", $s) or die; exec { $ARGV[1] } @ARGV[2 .. $#ARGV];
    ' "$T/wait.sock" "$DIVED" dived -i 2>&1)
expect_eq "inetd: -i on a listening socket (inetd's wait) exits 1" 1 $?
expect_match "inetd: -i on a listening socket says so" \
    "not a connected unix socket" "$out"

## -i under inetd

inetd_tests() {
	local conf=$T/inetd.conf ipid old
	if ! command -v inetd >/dev/null; then
		skip "inetd: tests" "inetd is not installed (openbsd-inetd)"
		return
	fi
	if ! is_root; then
		skip "inetd: tests" "inetd needs root"
		return
	fi
	# Our inetd writes /run/inetd.pid too: never overwrite a live one.
	old=$(cat /run/inetd.pid 2>/dev/null)
	if [ -n "$old" ] && alive "$old"; then
		skip "inetd: tests" "another inetd is running (pid $old)"
		return
	fi
	cat >"$conf" <<-EOF
	$T/i.sock stream unix nowait root $DIVED dived -i -p $T/i.pid --log-stderr
	$T/io.sock stream unix nowait root $DIVED dived -i -O
	EOF
	inetd -d "$conf" >"$T/inetd.log" 2>&1 &
	ipid=$!
	DIVED_PIDS+=("$ipid")
	if ! wait_for listening "$T/i.sock" || ! wait_for listening "$T/io.sock"
	then
		skip "inetd: tests" "inetd did not listen: $(head -c 300 "$T/inetd.log")"
		return
	fi
	expect_eq "inetd: dive through inetd and dived -i runs the program" 0 \
	    "$(timeout 10 "$DIVE" "$T/i.sock" id -u)"
	timeout 10 "$DIVE" "$T/i.sock" sh -c 'exit 42'
	expect_eq "inetd: the exit status is mirrored" 42 $?
	expect_eq "inetd: death by a signal is mirrored" "signal 15" \
	    "$(wait_status timeout 10 "$DIVE" "$T/i.sock" sh -c 'kill -TERM $$')"
	direct=$(exec 5</etc/hostname; fdlist)
	remote=$(exec 5</etc/hostname; timeout 10 "$DIVE" "$T/i.sock" \
	    ls -l /proc/self/fd | fdnorm)
	expect_eq "inetd: the program sees exactly the client's descriptors" \
	    "$direct" "$remote"
	expect_no_match "inetd: no socket of dived reaches the program" \
	    "socket:" "$remote"
	out=$(timeout 10 "$DIVE" "$T/i.sock" sh -c \
	    'echo $PPID; cat "$0"; readlink /proc/$PPID/fd/0 /proc/$PPID/fd/1 /proc/$PPID/fd/2' \
	    "$T/i.pid")
	expect_eq "inetd: the pidfile names the monitor of the connection" \
	    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"
	expect_eq "inetd: the monitor's 0, 1 and 2 are /dev/null" \
	    "/dev/null /dev/null /dev/null" "$(sed -n '3,5p' <<<"$out" | xargs)"
	# With -O the program has dived's own 0, 1 and 2.
	timeout 10 "$DIVE" "$T/io.sock" sh -c \
	    'r=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); echo $r >"$0"' \
	    "$T/io.out"
	expect_eq "inetd: with -O the program's 0, 1 and 2 are /dev/null, not the socket" \
	    "/dev/null /dev/null /dev/null" "$(xargs <"$T/io.out")"
	kill "$ipid"
	wait "$ipid" 2>/dev/null
}
fdnorm() {
	awk 'NR > 1 { print $9, $10, $11 }' | grep -v '/proc/.*/fd$' |
	    sed 's/pipe:\[[0-9]*\]/pipe/'
}
fdlist() {
	ls -l /proc/self/fd | fdnorm
}
inetd_tests

## -D

# dived in a session with a terminal, as when started from a shell.
# Prints the master's session, then the monitor's session, terminal and
# descriptors 0 to 2, as the program sees them.
session_probe() {
	local sock=$1 m s
	shift
	script -qec "$DIVED $sock $*" /dev/null </dev/null >/dev/null 2>&1 &
	s=$!
	EXTRA_PIDS+=("$s")
	if ! wait_for listening "$sock"; then
		echo "dived did not start"
		return
	fi
	m=$(pgrep -fx "dived: master $sock")
	EXTRA_PIDS+=("$m")
	ps -o sid= -p "$m" | tr -d ' '
	timeout 10 "$DIVE" "$sock" sh -c 'ps -o sid=,tty= -p $PPID;
	    readlink /proc/$PPID/fd/0 /proc/$PPID/fd/1 /proc/$PPID/fd/2' |
	    xargs
	kill "$m"
	wait_for gone "$m"
}
if ! command -v script >/dev/null; then
	skip "children-daemon: tests" "script(1) is not installed"
else
	out=$(session_probe "$T/nod.sock")
	master=$(sed -n 1p <<<"$out")
	read -r sid tty fds <<<"$(sed -n 2p <<<"$out")"
	expect_eq "children-daemon: without -D a monitor is in dived's session" \
	    "$master" "$sid"
	expect_match "children-daemon: without -D a monitor has dived's terminal" \
	    "^pts/" "$tty"
	out=$(session_probe "$T/D.sock" -D)
	master=$(sed -n 1p <<<"$out")
	read -r sid tty fds <<<"$(sed -n 2p <<<"$out")"
	expect_eq "children-daemon: -D gives a monitor a session of its own" \
	    differs "$([ -n "$master" ] && [ -n "$sid" ] &&
	    [ "$master" != "$sid" ] && echo differs)"
	expect_eq "children-daemon: -D: the monitor has no terminal" "?" "$tty"
	expect_match "children-daemon: -D: the monitor's 0 and 1 are /dev/null, 2 dived's log" \
	    "^/dev/null /dev/null /dev/pts/[0-9]+$" "$fds"
	out=$(session_probe "$T/Ds.sock" -D --syslog)
	read -r sid tty fds <<<"$(sed -n 2p <<<"$out")"
	expect_eq "children-daemon: -D --syslog: the monitor's 0, 1 and 2 are /dev/null" \
	    "/dev/null /dev/null /dev/null" "$fds"
	out=$(session_probe "$T/Dl.sock" -D --log-stderr 2\>\>"$T/D.log")
	read -r sid tty fds <<<"$(sed -n 2p <<<"$out")"
	expect_eq "children-daemon: -D --log-stderr keeps the monitor's stderr" \
	    "/dev/null /dev/null $T/D.log" "$fds"
	expect_match "children-daemon: and the monitor logs there" \
	    "dived\[[0-9]+\]: session [0-9]+-[0-9]+-1: started pid" \
	    "$(cat "$T/D.log")"
fi
