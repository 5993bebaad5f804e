# dived under service managers: the socket passed by socket activation
# (systemd's sd_listen_fds protocol), readiness (NOTIFY_SOCKET and s6's
# notification-fd, --ready-fd), where a foreground dived logs, and the
# units and service directories in dist/.

SVC=$BIN/svcmgr
TMO=(timeout -k 2 20)
cd "$T" || return 0

# Processes started here that start_dived does not track.
EXTRA_PIDS=()
service_cleanup() {
	local p
	for p in "${EXTRA_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${EXTRA_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	cleanup
}
trap service_cleanup EXIT

absent() {
	[ -e "$1" ] && echo present || echo absent
}
gone() {
	! alive "$1"
}
# The names of the variables a service manager sets, as a program sees
# them in dived's own environment (-E passes it).
manager_vars() {
	"${TMO[@]}" "$DIVE" "$1" env | grep -E '^(LISTEN_[A-Z]+|NOTIFY_SOCKET)=' |
	    cut -d= -f1 | sort | xargs
}
# halt PID: SIGTERM, and SIGKILL for a dived that does not end (one
# blocked writing where it should not wait).
halt() {
	kill "$1" 2>/dev/null
	wait_for gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# cloexec PID FD: whether the descriptor is close-on-exec.
cloexec() {
	local f
	f=$(awk '$1 == "flags:" { print $2 }' "/proc/$1/fdinfo/$2")
	[ $((0$f & 02000000)) != 0 ] && echo yes || echo no
}
# bg NAME COMMAND...: runs COMMAND in the background with its standard
# error in $T/NAME.err; sets PID.
bg() {
	local name=$1
	shift
	"$@" 2>"$T/$name.err" &
	PID=$!
	EXTRA_PIDS+=("$PID")
}

## socket activation, as systemd-socket-activate passes the socket

if command -v systemd-socket-activate >/dev/null; then
	S=$T/sa.sock
	bg sa systemd-socket-activate -l "$S" --fdname=divesock \
	    -E NOTIFY_UNUSED=1 "$DIVED" "$S" -E --log-stderr
	# It starts dived on the first connection, as systemd does.
	wait_for listening "$S"
	expect_eq "activation: systemd-socket-activate: a session runs" served \
	    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
	expect_eq "activation: systemd-socket-activate: dived is the process it started" \
	    "dived: master $S" "$(ps -o args= -p "$PID")"
	expect_eq "activation: no LISTEN_ variable reaches a program (-E)" "" \
	    "$(manager_vars "$S")"
	expect_match "activation: the log names the socket and its LISTEN_FDNAMES" \
	    "dived\[$PID\]: listening on $S \(passed by the service manager as \"divesock\"\)" \
	    "$(cat "$T/sa.err")"
	expect_eq "activation: the descriptor passed is close-on-exec in dived" \
	    yes "$(cloexec "$PID" 3)"
	halt "$PID"
	expect_eq "activation: dived leaves the socket file it did not create" \
	    present "$(absent "$S")"
else
	skip "activation: systemd-socket-activate" "it is not installed (systemd)"
fi

## socket activation, by svcmgr

S=$T/pass.sock
bg pass "$SVC" listen -N divesock "$S" "$DIVED" "$S" -E --log-stderr
wait_for grep -q 'listening on' "$T/pass.err"
expect_eq "activation: a session runs on the passed socket" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_eq "activation: LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES are unset (-E)" \
    "" "$(manager_vars "$S")"
ino=$(stat -c %i "$S")
halt "$PID"
expect_eq "activation: SIGTERM leaves the passed socket file as it was" \
    "$ino" "$(stat -c %i "$S" 2>/dev/null)"

S=@dive-pass-$$
bg abs "$SVC" listen "$S" "$DIVED" "$S" --log-stderr
wait_for grep -q 'listening on' "$T/abs.err"
expect_eq "activation: an abstract socket is passed and served" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
halt "$PID"

# LISTEN_PID names another process (the variables leaked through a
# process that forked): dived ignores them, says so, and binds the
# socket its command line names itself.
S=$T/other.sock
bg other "$SVC" listen -p 1 "$T/notmine.sock" "$DIVED" "$S" -E --log-stderr
wait_for listening "$S"
expect_eq "activation: another process's LISTEN_PID: dived binds its own socket" \
    served "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "activation: another process's LISTEN_PID: it says why it ignores them" \
    "warning: LISTEN_PID=1 is not this process \($PID\): the 1 descriptors of LISTEN_FDS are not dived's" \
    "$(cat "$T/other.err")"
expect_eq "activation: another process's LISTEN_PID: the variables are unset all the same" \
    "" "$(manager_vars "$S")"
halt "$PID"
expect_eq "activation: another process's LISTEN_PID: the socket dived bound is removed" \
    absent "$(absent "$S")"

# refused NAME MESSAGE SVCMGR-OPTION...: dived, passed a socket by
# svcmgr with these options, refuses to start with MESSAGE.
refused() {
	local name=$1 msg=$2 out rc
	shift 2
	out=$("${TMO[@]}" "$SVC" listen "$@" "$DIVED" "$S" 2>&1)
	rc=$?
	expect_eq "activation: $name: dived exits 1" 1 "$rc"
	expect_match "activation: $name: and says why" "^dived: $msg" "$out"
}
S=$T/bad.sock
msg="descriptor 3, passed by the service manager \(LISTEN_FDS\),"
refused "a passed non-socket is refused" "$msg is not a socket$" -t file "$S"
refused "a passed datagram socket is refused" \
    "$msg is a datagram socket, not a stream socket" -t dgram "$S"
refused "a passed socket that does not listen is refused" \
    "$msg is not listening" -t nolisten "$S"
refused "two passed sockets are refused" \
    "LISTEN_FDS=2: the service manager passed 2 sockets; dived listens on one" \
    -n 2 "$S"
refused "a passed socket bound to another name is refused" \
    "$S: the socket the service manager passed \(LISTEN_FDS\) is bound to \"$T/else.sock\", not to this name" \
    "$T/else.sock"
refused "a passed abstract socket for a path is refused" \
    "$S: the socket the service manager passed \(LISTEN_FDS\) is bound to \"@dive-else-$$\", not to this name" \
    "@dive-else-$$"
refused "a LISTEN_PID that is no number is refused" \
    "LISTEN_PID=x1: not a process ID" -p x1 "$S"
expect_eq "activation: a refused start leaves the passed socket file" \
    present "$(absent "$S")"
mode=$(stat -c %a "$S")
out=$("${TMO[@]}" "$SVC" listen "$S" "$DIVED" "$S" -C 0666 2>&1)
expect_eq "activation: -C with a passed socket: dived exits 1" 1 $?
expect_match "activation: -C with a passed socket: the service manager's to set" \
    "^dived: $S: -C and -U cannot change a socket the service manager passed" \
    "$out"
expect_eq "activation: -C with a passed socket: its mode is unchanged" \
    "$mode" "$(stat -c %a "$S")"

## -i with a connection per session (Accept=yes)

# systemd's Accept=yes with StandardInput=socket passes the connection on
# standard input and output, and also at 3 with LISTEN_FDS=1.
if command -v systemd-socket-activate >/dev/null; then
	S=$T/acc.sock
	bg acc systemd-socket-activate -l "$S" -a sh -c \
	    'exec "$0" "$@" <&3 >&3' "$DIVED" -i -E
	wait_for listening "$S"
	expect_eq "accept: a session runs through dived -i" served \
	    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
	"${TMO[@]}" "$DIVE" "$S" sh -c 'exit 42'
	expect_eq "accept: the exit status is mirrored" 42 $?
	expect_eq "accept: no LISTEN_ variable reaches a program (-E)" "" \
	    "$(manager_vars "$S")"
	expect_eq "accept: the monitor holds the connection once, not at 3 too" \
	    "" "$("${TMO[@]}" "$DIVE" "$S" sh -c \
	    'readlink /proc/$PPID/fd/* | grep socket: | sort | uniq -d')"
	kill "$PID"
else
	skip "accept: systemd-socket-activate" "it is not installed (systemd)"
fi

## -J and -j

expect_eq "activation: -j leaves the variables to the command it executes" \
    "LISTEN_FDS LISTEN_PID NOTIFY_SOCKET" \
    "$(NOTIFY_SOCKET=@dive-none LISTEN_FDS=1 LISTEN_PID=1 "${TMO[@]}" \
    "$DIVED" -j -- env | grep -E '^(LISTEN_[A-Z]+|NOTIFY_SOCKET)=' |
    cut -d= -f1 | sort | xargs)"

## readiness: NOTIFY_SOCKET

# The receiver checks, as READY=1 arrives, that the socket listens and
# the first spare's parser is confined (dived-hooks pauses the spare
# first, so a READY=1 sent before would find neither).
S=$T/ready.sock
N=$T/notify.sock
check='pid=$(cat '"$T"'/ready.pid); spare=$(pgrep -P "$pid" -f "^dived: monitor \[spare\]$")
parser=$(pgrep -P "$spare")
echo "$(ps -o args= -p "$parser") $(awk "\$1 == \"Seccomp:\" { print \$2 }" /proc/$parser/status)" \
    "$(awk -v n='"$S"' "\$4 == \"00010000\" && \$NF == n { print \"listening\" }" /proc/net/unix)" \
    >'"$T"'/ready.check'
bg notify "$SVC" notify "$N" "$T/notify.out" "$check"
receiver=$PID
wait_for test -S "$N"
NOTIFY_SOCKET=$N DIVED_TESTHOOK_SPARE_MS=500 bg ready "$BIN/dived-hooks" "$S" \
    -p "$T/ready.pid" -E --log-stderr
wait_for test -s "$T/ready.check"
expect_eq "notify: READY=1 comes once the socket listens and a parser is confined" \
    "dived: parser [spare] 2 listening" "$(cat "$T/ready.check" 2>/dev/null)"
expect_eq "notify: READY=1, with the socket as status" \
    "READY=1 STATUS=listening on \"$S\"" "$(paste -sd ' ' "$T/notify.out")"
expect_eq "notify: a session runs" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_eq "notify: NOTIFY_SOCKET does not reach a program (-E)" "" \
    "$(manager_vars "$S")"
kill "$PID"
wait_for grep -q STOPPING "$T/notify.out"
expect_eq "notify: SIGTERM sends STOPPING=1" \
    "STOPPING=1 STATUS=stopping on signal 15" \
    "$(sed -n '3,$p' "$T/notify.out" | paste -sd ' ')"

# No receiver: the socket file is left, nobody reads.
kill "$receiver"
wait "$receiver"
S=$T/gone.sock
NOTIFY_SOCKET=$N bg gone "$DIVED" "$S" --log-stderr
wait_for grep -q 'listening on' "$T/gone.err"
expect_eq "notify: with the receiver gone dived serves all the same" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "notify: and says it could not tell" \
    "warning: NOTIFY_SOCKET \"$N\": Connection refused" "$(cat "$T/gone.err")"
halt "$PID"
S=$T/badnotify.sock
NOTIFY_SOCKET=relative.sock bg badnotify "$DIVED" "$S" --log-stderr
wait_for grep -q 'listening on' "$T/badnotify.err"
expect_match "notify: a NOTIFY_SOCKET that is no address is logged" \
    "warning: NOTIFY_SOCKET=\"relative.sock\": not an absolute path or @abstract name" \
    "$(cat "$T/badnotify.err")"
expect_eq "notify: and dived serves all the same" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
halt "$PID"

## readiness: --ready-fd, as s6's notification-fd

# The reader, as s6-supervise, reads up to the newline, checks what the
# notify receiver checked, then reads to the end: which comes only once
# every process of dived has let go of the descriptor.
S=$T/rfd.sock
mkfifo "$T/rfd.fifo"
check=${check//ready.pid/rfd.pid}
check=${check//ready.sock/rfd.sock}
check=${check//ready.check/rfd.check}
{ IFS= read -r line; echo "line [$line]"; sh -c "$check"; cat "$T/rfd.check"
  echo "then $(wc -c) bytes and the end"; } <"$T/rfd.fifo" >"$T/rfd.out" &
reader=$!
EXTRA_PIDS+=("$reader")
DIVED_TESTHOOK_SPARE_MS=500 bg rfd "$BIN/dived-hooks" "$S" --ready-fd 5 \
    -p "$T/rfd.pid" --log-stderr 5>"$T/rfd.fifo"
wait_for grep -q 'the end' "$T/rfd.out"
expect_eq "ready-fd: one newline, once the socket listens and a parser is confined, then the end" \
    "line [] dived: parser [spare] 2 listening then 0 bytes and the end" \
    "$(paste -sd ' ' "$T/rfd.out")"
expect_eq "ready-fd: dived runs on, the descriptor closed" "running absent" \
    "$(alive "$PID" && echo running) $(absent "/proc/$PID/fd/5")"
expect_eq "ready-fd: a session runs" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
halt "$PID"

# A reader that does not read, or is gone, holds nothing up.
S=$T/full.sock
bg full "$SVC" fullpipe 5 "$DIVED" "$S" --ready-fd 5 --log-stderr
wait_for grep -q 'listening on' "$T/full.err"
expect_eq "ready-fd: a full pipe: dived serves all the same" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "ready-fd: a full pipe: and says it could not tell" \
    "warning: --ready-fd 5: its reader does not read: readiness is not told" \
    "$(cat "$T/full.err")"
halt "$PID"
S=$T/noreader.sock
exec 8> >(exit 0)
wait $!
bg noreader "$DIVED" "$S" --ready-fd 8 --log-stderr
exec 8>&-
wait_for grep -q 'listening on' "$T/noreader.err"
expect_eq "ready-fd: a reader gone: dived serves all the same" served \
    "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "ready-fd: a reader gone: and says it could not tell" \
    "warning: --ready-fd 8: Broken pipe: readiness is not told" \
    "$(cat "$T/noreader.err")"
halt "$PID"

# bad_fd NAME STATUS MESSAGE DIVED-ARGUMENTS...
bad_fd() {
	local name=$1 st=$2 msg=$3 out rc
	shift 3
	out=$("${TMO[@]}" "$@" 2>&1)
	rc=$?
	expect_eq "ready-fd: $name: dived exits $st" "$st" "$rc"
	expect_match "ready-fd: $name: and says why" "^dived: $msg" "$out"
}
S=$T/badfd.sock
bad_fd "standard output is refused" 4 \
    "--ready-fd 1: 0, 1 and 2 are standard input, output and error" \
    "$DIVED" "$S" --ready-fd 1
bad_fd "no number is refused" 4 "--ready-fd 5x: expected a descriptor number" \
    "$DIVED" "$S" --ready-fd 5x
bad_fd "-i is refused" 4 "--ready-fd: only with a socket to listen on" \
    "$DIVED" -i --ready-fd 5
bad_fd "a descriptor not open is refused" 1 \
    "--ready-fd 9: descriptor 9 is not open" "$DIVED" "$S" --ready-fd 9
bad_fd "a descriptor open for reading only is refused" 1 \
    "--ready-fd 5: descriptor 5 is not open for writing" \
    sh -c 'exec "$@" 5</dev/null' sh "$DIVED" "$S" --ready-fd 5
bad_fd "the passed socket is refused" 1 \
    "--ready-fd 3: that is the socket the service manager passed" \
    "$SVC" listen "$S" "$DIVED" "$S" --ready-fd 3
expect_eq "ready-fd: no refused dived leaves a socket of its own" \
    absent "$(rm -f "$S"; "${TMO[@]}" "$DIVED" "$S" --ready-fd 9 2>/dev/null; absent "$S")"

## logging

# In the foreground dived logs to standard error, one line per message,
# "dived[PID]: ", as service managers and their loggers take it.
S=$T/log.sock
bg log "$DIVED" "$S" -a false --audit-log "$T/log.audit"
wait_for grep -q 'listening on' "$T/log.err"
"${TMO[@]}" "$DIVE" "$S" true 2>/dev/null
wait_for grep -q refused "$T/log.err"
expect_match "log: a foreground dived logs a refused session to standard error" \
    "^dived\[[0-9]+\]: session [0-9]+-$PID-1: peer pid [0-9]+ uid 0 gid 0: refused: authentication failed" \
    "$(grep refused "$T/log.err")"
expect_match "log: and that it listens, as dived[PID]" \
    "^dived\[$PID\]: listening on $S$" "$(grep listening "$T/log.err")"
halt "$PID"
expect_eq "log: every line is a dived[PID]: line, without escape characters" \
    "" "$(grep -v '^dived: warning: no syslog' "$T/log.err" |
    grep -vE '^dived\[[0-9]+\]: [^[:cntrl:]]*$')"
expect_no_match "log: audit records stay off standard error without --log-stderr" \
    'audit \{' "$(cat "$T/log.err")"

S=$T/syslog.sock
bg syslog "$DIVED" "$S" -a false --syslog --audit-log "$T/syslog.audit"
wait_for listening "$S"
"${TMO[@]}" "$DIVE" "$S" true 2>/dev/null
wait_for grep -q '"outcome":"denied"' "$T/syslog.audit"
halt "$PID"
expect_eq "log: --syslog writes no log line to standard error" "" \
    "$(grep -v '^dived: warning: no syslog at /dev/log: the log goes nowhere (--syslog)$' \
    "$T/syslog.err")"
out=$("${TMO[@]}" "$DIVED" "$T/both.sock" --syslog --log-stderr 2>&1)
expect_eq "log: --syslog with --log-stderr is a usage error" 4 $?
expect_match "log: --syslog with --log-stderr: and says why" \
    "^dived: --syslog and --log-stderr: choose one" "$out"

## dist/: units and service directories

# adapt FILE: FILE with the installed paths made this test's: the build's
# dived, a socket, rules and audit log under $T; lines continued with a
# backslash joined.
printf 'permit root\n' >"$T/rules"
adapt() {
	sed -e ':a' -e '/\\$/{N;s/\\\n *//;ba' -e '}' \
	    -e "s|/usr/sbin/dived|$DIVED|g" -e "s|/run/dive.sock|$T/unit.sock|g" \
	    -e "s|/etc/dive/rules|$T/rules|g" -e "s|/var/log/dive|$T/log|g" "$1"
}
D=$ROOT/dist/systemd
if command -v systemd-analyze >/dev/null; then
	# verify wants the programs the units run to exist, and their pages.
	mkdir -p "$T/units"
	for u in "$D"/*; do
		adapt "$u" >"$T/units/${u##*/}"
	done
	out=$(cd "$T/units" && systemd-analyze verify --man=no ./dived.socket \
	    ./dived.service ./dived-inetd.socket ./dived-inetd@.service 2>&1)
	expect_eq "units: systemd-analyze verify finds nothing to say" \
	    "exit 0: " "exit $?: $out"
else
	skip "units: systemd-analyze verify" "systemd-analyze is not installed (systemd)"
fi
for u in "$D"/dived-inetd@.service "$D"/dived.service; do
	expect_eq "units: ${u##*/} runs /usr/sbin/dived with the rules" \
	    "/usr/sbin/dived /etc/dive/rules" \
	    "$(sed -n 's/^ExecStart=\([^ ]*\) .*--policy \([^ ]*\).*/\1 \2/p' "$u")"
done
for u in "$D"/dived.socket "$D"/dived-inetd.socket; do
	expect_eq "units: ${u##*/} listens on /run/dive.sock" /run/dive.sock \
	    "$(sed -n 's/^ListenStream=//p' "$u")"
done

# dived.service's command, started as systemd starts it: with the socket
# of dived.socket and a NOTIFY_SOCKET, as Type=notify has it.
if command -v systemd-socket-activate >/dev/null; then
	listen=$(adapt "$D/dived.socket" | sed -n 's/^ListenStream=//p')
	name=$(sed -n 's/^FileDescriptorName=//p' "$D/dived.socket")
	read -r -a cmd <<<"$(adapt "$D/dived.service" | sed -n 's/^ExecStart=//p')"
	N=$T/unit.notify
	mkdir -p "$T/log"	# LogsDirectory=
	bg unitnotify "$SVC" notify "$N" "$T/unit.out"
	receiver=$PID
	wait_for test -S "$N"
	bg unit systemd-socket-activate -l "$listen" --fdname="$name" \
	    -E NOTIFY_SOCKET="$N" "${cmd[@]}"
	wait_for listening "$T/unit.sock"
	expect_eq "units: dived.service, started by a first client, serves it" \
	    served "$("${TMO[@]}" "$DIVE" "$T/unit.sock" echo served)"
	wait_for grep -q READY=1 "$T/unit.out"
	expect_eq "units: and says READY=1 on NOTIFY_SOCKET" \
	    "READY=1" "$(head -n 1 "$T/unit.out")"
	expect_match "units: and writes the audit records to --audit-log" \
	    '"event":"end".*"argv":\["echo","served"\]' \
	    "$(cat "$T/log/audit.log" 2>/dev/null)"
	expect_match "units: and logs to standard error, the journal's" \
	    "^dived\[$PID\]: listening on $T/unit.sock \(passed by the service manager as \"$name\"\)$" \
	    "$(cat "$T/unit.err")"
	halt "$PID"
	kill "$receiver"
else
	skip "units: dived.service" "systemd-socket-activate is not installed (systemd)"
fi

# The s6 service directory's run script, under its notification-fd.
S=$T/unit.sock
rm -f "$S"
fd=$(cat "$ROOT/dist/s6/dived/notification-fd")
expect_eq "s6: the service is a longrun" longrun "$(cat "$ROOT/dist/s6/dived/type")"
adapt "$ROOT/dist/s6/dived/run" >"$T/s6run"
rm -f "$T/rfd.fifo"
mkfifo "$T/rfd.fifo"
{ IFS= read -r line; echo "line [$line]"; cat >/dev/null; } <"$T/rfd.fifo" \
    >"$T/s6.ready" &
EXTRA_PIDS+=("$!")
sh -c "exec $fd>\"\$1\"; exec sh \"\$2\"" sh "$T/rfd.fifo" "$T/s6run" \
    >"$T/s6.out" 2>"$T/s6.err" &
PID=$!
EXTRA_PIDS+=("$PID")
wait_for grep -q line "$T/s6.ready"
expect_eq "s6: the run script says it is ready on notification-fd ($fd)" \
    "line []" "$(cat "$T/s6.ready")"
expect_eq "s6: a session runs" served "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "s6: the log goes to standard output, the logger's" \
    "^dived\[$PID\]: listening on $S$" "$(cat "$T/s6.out")"
expect_eq "s6: the socket has the run script's mode" 666 "$(stat -c %a "$S")"
halt "$PID"

# runit's run script.
adapt "$ROOT/dist/runit/dived/run" >"$T/runitrun"
sh "$T/runitrun" >"$T/runit.out" 2>"$T/runit.err" &
PID=$!
EXTRA_PIDS+=("$PID")
wait_for listening "$S"
expect_eq "runit: a session runs" served "$("${TMO[@]}" "$DIVE" "$S" echo served)"
expect_match "runit: the log goes to standard output, log/run's" \
    "^dived\[$PID\]: listening on $S$" "$(cat "$T/runit.out")"
halt "$PID"
expect_eq "runit: and dived removes the socket it made" absent "$(absent "$S")"
