# dived's command line, its socket, and stopping it.

"$DIVED" >/dev/null 2>"$T/usage"
expect_eq "usage: dived without arguments exits 4" 4 $?
expect_match "usage: dived without arguments prints usage" "^usage: dived" \
    "$(cat "$T/usage")"
out=$("$DIVED" "$T/u.sock" --frobnicate 2>&1)
expect_eq "usage: unknown option exits 4" 4 $?
expect_match "usage: unknown option is named" "dived: --frobnicate: unknown option" "$out"
out=$("$DIVED" "$T/u.sock" -C 2>&1)
expect_eq "usage: missing argument exits 4" 4 $?
expect_match "usage: missing argument is named" "dived: -C: missing argument" "$out"
out=$("$DIVED" "$T/u.sock" -C 999 2>&1)
expect_eq "usage: bad mode exits 4" 4 $?
out=$("$DIVED" -C 777 2>&1)
expect_eq "usage: an option where the socket belongs exits 4" 4 $?
expect_match "usage: says the socket comes first" "first argument must be the socket" "$out"
expect_match "version: dived --version" "^dived [0-9.]+ \(protocol [0-9]+\)$" \
    "$("$DIVED" --version)"
expect_match "version: dive --version" "^dive [0-9.]+ \(protocol [0-9]+\)$" \
    "$("$DIVE" --version)"

S=$T/life.sock
start_dived "$S" -C 0760 -U daemon:nogroup
expect_eq "socket: -C sets the mode" 760 "$(stat -c %a "$S")"
expect_eq "socket: -U sets owner and group by name" "daemon nogroup" \
    "$(stat -c '%U %G' "$S")"
stop_dived "$DIVED_PID"
expect_eq "stop: SIGTERM removes the socket file" absent \
    "$([ -e "$S" ] && echo present || echo absent)"

start_dived "$S" -U 1:65534
expect_eq "socket: -U takes numbers" "1 65534" "$(stat -c '%u %g' "$S")"
first=$DIVED_PID
out=$("$DIVED" "$S" 2>&1)
expect_eq "socket: a live socket is not taken over" 1 $?
expect_match "socket: the refusal says dived is listening" \
    "another dived is listening there" "$out"
expect_eq "socket: the first dived still serves" still \
    "$("$DIVE" "$S" echo still)"

# A session in progress finishes after the master stops.
"$DIVE" "$S" sh -c 'sleep 1; echo finished' >"$T/long" &
long=$!
sleep 0.3
stop_dived "$first"
wait "$long" 2>/dev/null
expect_eq "stop: a running session completes after SIGTERM" "0 finished" \
    "$? $(cat "$T/long")"

# A socket file left behind by a killed dived is replaced.
start_dived "$S"
kill -KILL "$DIVED_PID"
wait "$DIVED_PID" 2>/dev/null
expect_eq "socket: a killed dived leaves its file" present \
    "$([ -S "$S" ] && echo present || echo absent)"
start_dived "$S"
expect_eq "socket: a stale file is replaced" again \
    "$("$DIVE" "$S" echo again)"

# A dived still stopping leaves alone the socket a successor bound at
# the same name, as a restart script does: stop, rm -f, start.
S=$T/restart.sock
P=$T/restart.pid
start_dived "$S" -p "$P"
old=$DIVED_PID
wait_for test -s "$P"
kill -STOP "$old"
rm -f "$S" "$P"
# The old socket is still listening under the name: wait for the files.
start_dived "$S" -p "$P"
wait_for test -S "$S" -a -s "$P"
kill -TERM "$old"
kill -CONT "$old"
wait "$old" 2>/dev/null
expect_eq "restart: the old dived leaves its successor's socket" present \
    "$([ -S "$S" ] && echo present || echo absent)"
expect_eq "restart: and its successor's pid file" "$DIVED_PID" "$(cat "$P")"
expect_eq "restart: the successor serves" served "$("$DIVE" "$S" echo served)"

# A script that removes the pidfile and a successor that writes it again:
# the new file may get the old one's inode number (ext4 gives it back at
# once), which must not make the old dived take it for its own.
S=$T/reuse.sock
P=$T/reuse.pid
"$DIVED" "$S" -d -p "$P"
old=$(cat "$P")
rm -f "$P"
echo 123 >"$P"
kill "$old"
wait_for sh -c "! kill -0 $old 2>/dev/null"
expect_eq "restart: a pidfile written again after the old one was removed stays" \
    123 "$(cat "$P" 2>&1)"

# The same as a script does it, in a loop, with the processors busy:
# stop, remove, start detached, and a client at once.  None may fail.
S=$T/loop.sock
P=$T/loop.pid
load=()
for i in 1 2; do
	(while :; do :; done) &
	load+=("$!")
done
failed=0
"$DIVED" "$S" -d -p "$P" --audit-log "$T/loop.audit"
for i in $(seq 15); do
	kill "$(cat "$P")"
	rm -f "$S" "$P"
	"$DIVED" "$S" -d -p "$P" --audit-log "$T/loop.audit" ||
	    failed=$((failed + 1))
	[ "$("$DIVE" "$S" echo ok 2>&1)" = ok ] || failed=$((failed + 1))
done
kill "${load[@]}"
wait "${load[@]}" 2>/dev/null
expect_eq "restart loop under load: no client fails" 0 "$failed"
kill "$(cat "$P")"

touch "$T/plain"
out=$("$DIVED" "$T/plain" 2>&1)
expect_eq "socket: a regular file in the way is refused" 1 $?
expect_match "socket: and left alone" "exists and is not a socket" "$out"
expect_eq "socket: the regular file is intact" yes \
    "$([ -f "$T/plain" ] && echo yes)"
out=$("$DIVED" "$T/$(printf 'x%.0s' $(seq 120)).sock" 2>&1)
expect_match "socket: an over-long path is refused" "invalid socket name" "$out"

out=$("$DIVED" "$T/owner.sock" -U no-such-user:root 2>&1)
expect_eq "socket: an unknown -U user fails start-up" 1 $?
expect_match "socket: the unknown user is named" "no such user no-such-user" "$out"
expect_eq "socket: a failed start-up leaves no socket file" absent \
    "$([ -e "$T/owner.sock" ] && echo present || echo absent)"

# With forwarding off, a signal acts on dive itself; the program runs on.
S3=$T/sigfw.sock
start_dived "$S3"
DIVE_SIGFWMODE=0 "$DIVE" "$S3" sh -c 'sleep 1; echo survived >"$0"' "$T/sigfw" &
d=$!
sleep 0.3
kill -TERM "$d"
wait "$d" 2>/dev/null
expect_eq "signals: with DIVE_SIGFWMODE=0 SIGTERM ends dive" 143 $?
wait_for test -s "$T/sigfw"
expect_eq "signals: with DIVE_SIGFWMODE=0 the program is not signalled" \
    survived "$(cat "$T/sigfw")"
"$DIVE" "$S3" sh -c 'trap "echo got-term >\"$0\"; exit 3" TERM; echo ready; while :; do sleep 0.1; done' \
    "$T/sigfw1" >"$T/ready" &
d=$!
wait_for grep -q ready "$T/ready"
wait_forwarding "$d" TERM
kill -TERM "$d"
wait "$d" 2>/dev/null
expect_eq "signals: by default SIGTERM is forwarded and the exit mirrored" \
    "3 got-term" "$? $(cat "$T/sigfw1")"

# A ^C on dived's terminal reaches its process group; sessions survive.
"$DIVE" "$S3" sh -c 'sleep 0.5; echo done' >"$T/int" &
d=$!
sleep 0.2
for p in $(pgrep -P "$DIVED_PID"); do kill -INT "$p"; done
wait "$d" 2>/dev/null
expect_eq "signals: SIGINT to a monitor does not cut its session" "0 done" \
    "$? $(cat "$T/int")"

# A client that gave up while the master was stopped is not served when
# the master comes back: nothing starts, and the record says why.
S=$T/gone.sock
start_dived "$S" --audit-log "$T/gone.audit" --spares 0
kill -STOP "$DIVED_PID"
# Long enough for dive to have sent its request on a loaded machine.
timeout 4 "$DIVE" "$S" touch "$T/gone.made"
expect_eq "client gone before the start: dive timed out" 124 "$?"
kill -CONT "$DIVED_PID"
for i in 1 2 3; do
	wait_for grep -q '"event":"end"' "$T/gone.audit" && break
done
sleep 0.5
expect_eq "client gone before the start: nothing ran" absent \
    "$([ -e "$T/gone.made" ] && echo present || echo absent)"
expect_match "client gone before the start: the record says client-gone" \
    '"outcome":"failed","reason":"the client left before the program started".*"exit":null,"signal":null,"duration":0(\.0+)?,"ended_by":"client-gone"' \
    "$(grep '"event":"end"' "$T/gone.audit")"

# Under a hard descriptor limit of 1024 that dived may not raise (root in
# a container, or an ordinary user), sessions are still served, and dived
# says at start what the limit costs.
S=$T/lowfd.sock
prlimit --nofile=1024:1024 setpriv --bounding-set -sys_resource -- \
    "$DIVED" "$S" --log-stderr 2>"$T/lowfd.log" &
DIVED_PIDS+=("$!")
wait_for listening "$S"
expect_eq "hard descriptor limit 1024: a session is served" served \
    "$("$DIVE" "$S" echo served)"
expect_match "hard descriptor limit 1024: dived warns at start" \
    "warning: the hard limit on descriptors is 1024 and cannot be raised" \
    "$(cat "$T/lowfd.log")"
# Each descriptor is placed with one dup2, without a copy: 1000 fit.
out=$("$RAW" "$S" manyfds 1000 true)
expect_match "hard descriptor limit 1024: 1000 descriptors are passed" \
    "exit 0 0" "$out"
out=$("$RAW" "$S" manyfds 1015 true)
expect_match "hard descriptor limit 1024: too many descriptors are refused" \
    "error 125 .*(Too many open files|Too many references)" "$out"
expect_eq "hard descriptor limit 1024: dived serves on" again \
    "$("$DIVE" "$S" echo again)"

# Where no syslog listens, a daemon without --audit-log and --log-stderr
# says at start that its records go nowhere; with --log-stderr they go
# there.
if [ -e /dev/log ]; then
	skip "no syslog: tests" "/dev/log exists here, so syslog takes the records"
else
	S=$T/nolog.sock
	"$DIVED" "$S" 2>"$T/nolog.err" &
	DIVED_PIDS+=("$!")
	wait_for listening "$S"
	expect_match "no syslog: dived says at start that records go nowhere" \
	    "no syslog at /dev/log and no --audit-log: the audit records go nowhere" \
	    "$(cat "$T/nolog.err")"
	S=$T/nologd.sock
	"$DIVED" "$S" --syslog 2>"$T/nologd.err" &
	DIVED_PIDS+=("$!")
	wait_for listening "$S"
	expect_match "no syslog: --syslog: dived says the log and records go nowhere" \
	    "no syslog at /dev/log, no --audit-log and no --log-stderr: the audit records and the log go nowhere" \
	    "$(cat "$T/nologd.err")"
	S=$T/errlog.sock
	start_dived "$S"
	"$DIVE" "$S" true
	expect_match "no syslog, --log-stderr: the audit records go there" \
	    'audit \{"time":"[^"]+","event":"decision".*"argv":\["true"\]' \
	    "$(cat "$T/dived.log")"
	expect_no_match "no syslog, --log-stderr: no warning of lost records" \
	    "go nowhere" "$(cat "$T/dived.log")"
fi

# A connection the master cannot give a monitor (no descriptor left for
# the monitor's socket) is refused with a record like any other, and the
# connection numbers of the records' session IDs have no hole.
S=$T/nofd.sock
start_dived "$S" --spares 0 --audit-log "$T/nofd.audit"
"$DIVE" "$S" true
# The lowest free descriptor is the last one allowed: accept takes it,
# and the socket pair for a monitor finds none.
free=0
while [ -e "/proc/$DIVED_PID/fd/$free" ]; do free=$((free + 1)); done
soft=$(prlimit --pid "$DIVED_PID" --nofile -o SOFT --noheadings)
prlimit --pid "$DIVED_PID" --nofile=$((free + 1)):
out=$("$DIVE" "$S" true 2>&1)
expect_eq "no monitor to be had: the client is told" \
    "125 dive: out of resources" "$? $out"
prlimit --pid "$DIVED_PID" --nofile="$soft":
"$DIVE" "$S" true
wait_for test "$(grep -c '"event":"end"' "$T/nofd.audit")" -ge 2
expect_match "no monitor to be had: the refusal has its record" \
    '"session":"[0-9]+-'"$DIVED_PID"'-2","outcome":"denied","reason":"out of resources: socketpair: Too many open files"' \
    "$(grep '"event":"decision"' "$T/nofd.audit")"
expect_eq "no monitor to be had: the connection numbers have no hole" \
    "1 2 3" "$(grep '"event":"decision"' "$T/nofd.audit" |
    sed 's/.*"session":"[0-9]*-[0-9]*-\([0-9]*\)".*/\1/' | tr '\n' ' ' |
    sed 's/ $//')"
