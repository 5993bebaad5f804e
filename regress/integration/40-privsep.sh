# Privilege separation that can be observed from outside: the parser's
# credentials, capabilities, seccomp and root; process titles; the master
# never reading a client byte; a dying parser costing only its session.

if ! is_root; then
	skip "privsep: tests" "need root to observe the parser's setuid and chroot"
	return 0
fi

S=$T/ps.sock
start_dived "$S" -C 0777 --request-timeout 20

# A client that connects and waits keeps its session's parser around.
"$RAW" "$S" stall >"$T/stall.out" &
raw=$!
title() { ps -o args= -p "$1"; }
children() { pgrep -P "$1" | head -n 1; }
has_child() { [ -n "$(pgrep -P "$1")" ]; }
has_session() { [ -n "$(sessions "$1")" ]; }
wait_for has_session "$DIVED_PID"
monitor=$(sessions "$DIVED_PID" | head -n 1)
wait_for has_child "$monitor"
parser=$(children "$monitor")
status=$(cat "/proc/$parser/status")
field() { awk -v f="$1:" '$1 == f { print $2 }' <<<"$status"; }
expect_eq "parser: runs as the privilege-separation user, _dived" \
    "$(id -u _dived)" "$(field Uid)"
expect_eq "parser: gid of that user" "$(id -g _dived)" "$(field Gid)"
expect_eq "parser: no supplementary groups" "" "$(field Groups)"
expect_eq "parser: CapEff is empty" 0000000000000000 "$(field CapEff)"
expect_eq "parser: CapPrm is empty" 0000000000000000 "$(field CapPrm)"
expect_eq "parser: CapBnd is empty" 0000000000000000 "$(field CapBnd)"
expect_eq "parser: CapInh is empty" 0000000000000000 "$(field CapInh)"
expect_eq "parser: no_new_privs is set" 1 "$(field NoNewPrivs)"
expect_eq "parser: seccomp filter mode" 2 "$(field Seccomp)"
expect_eq "parser: root is the empty directory" /run/dived/empty \
    "$(readlink "/proc/$parser/root")"
expect_eq "parser: the empty directory is empty" "" "$(ls -A /run/dived/empty)"
expect_eq "parser: holds /dev/null as 0-2, then the client and monitor sockets" \
    "0 1 2 3 4" "$(ls "/proc/$parser/fd" | sort -n | tr '\n' ' ' | sed 's/ $//')"
expect_eq "parser: 0-2 are /dev/null" "/dev/null /dev/null /dev/null" \
    "$(readlink "/proc/$parser/fd/0" "/proc/$parser/fd/1" "/proc/$parser/fd/2" |
    tr '\n' ' ' | sed 's/ $//')"
expect_match "parser: 3 and 4 are sockets" "^socket:.*socket:" \
    "$(readlink "/proc/$parser/fd/3" "/proc/$parser/fd/4" | tr '\n' ' ')"
expect_eq "titles: master" "dived: master $S" \
    "$(title $DIVED_PID)"
expect_eq "titles: monitor names the peer's uid" "dived: monitor [uid 0]" \
    "$(title $monitor)"
expect_eq "titles: parser" "dived: parser [uid 0]" \
    "$(title $parser)"
expect_eq "monitor: stays root" 0 "$(awk '$1 == "Uid:" { print $2 }' "/proc/$monitor/status")"
expect_eq "parser: a program of its own" "$BIN/dived-parser" \
    "$(readlink "/proc/$parser/exe")"
expect_eq "parser: maps nothing of dived's program or libraries" 0 \
    "$(grep -Ec "$BIN/dived\$|libseccomp|libcap" "/proc/$parser/maps")"
expect_eq "parser: named dived" dived "$(cat "/proc/$parser/comm")"

# Killing the parser ends only this session.
kill -KILL "$parser"
wait "$raw"
expect_match "parser killed: the client is told" \
    "^error 125 request parser killed by signal 9" "$(cat "$T/stall.out")"
expect_eq "parser killed: the monitor is gone too" gone \
    "$(wait_for sh -c "! kill -0 $monitor" && echo gone)"
expect_eq "parser killed: the master lives on" yes \
    "$(alive "$DIVED_PID" && echo yes)"
expect_eq "parser killed: the next client is served" next \
    "$("$DIVE" "$S" echo next)"

# As nobody, the parser is confined all the same.
(cd / && as_nobody "$RAW" "$S" stall >/dev/null) &
raw=$!
wait_for pgrep -f '^dived: parser \[uid 65534\]'
expect_eq "titles: monitor of a nobody client" "dived: monitor [uid 65534]" \
    "$(title $(pgrep -f '^dived: monitor \[uid 65534\]'))"
kill "$raw" 2>/dev/null
wait "$raw" 2>/dev/null

# The master reads nothing from clients: trace it while sessions run.
if command -v strace >/dev/null; then
	strace -qq -p "$DIVED_PID" -e trace=read,readv,recvfrom,recvmsg,recvmmsg \
	    -o "$T/master.trace" &
	tracer=$!
	sleep 0.5
	"$DIVE" "$S" echo traced >/dev/null
	"$RAW" "$S" garbage >/dev/null
	sleep 0.2
	kill "$tracer"
	wait "$tracer" 2>/dev/null
	expect_eq "master: no read of any kind while serving clients" "" \
	    "$(grep -v -- '--- SIG' "$T/master.trace")"
else
	skip "master: no read while serving clients" "strace is not installed"
fi

# An unprivileged dived still confines its parser.
A=@dive-ps-$$
start_dived_nobody "$A" --request-timeout 20
(cd / && "$RAW" "$A" stall >/dev/null) &
raw=$!
wait_for has_child "$DIVED_PID"
monitor=$(children "$DIVED_PID")
wait_for has_child "$monitor"
parser=$(children "$monitor")
status=$(cat "/proc/$parser/status")
expect_eq "unprivileged parser: no_new_privs" 1 "$(field NoNewPrivs)"
expect_eq "unprivileged parser: seccomp" 2 "$(field Seccomp)"
expect_eq "unprivileged parser: no effective capabilities" \
    0000000000000000 "$(field CapEff)"
kill "$raw" 2>/dev/null
wait "$raw" 2>/dev/null

# The privilege-separation user and directory are chosen by options and
# checked at start.
out=$("$DIVED" "$T/x.sock" --privsep-user no-such-user-here 2>&1)
expect_eq "privsep options: unknown user fails start-up" 1 $?
expect_match "privsep options: unknown user is named" \
    "dived: privilege-separation user no-such-user-here does not exist" "$out"
expect_match "privsep options: and how to create it is said" \
    "create it as a system user of its own \(useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin no-such-user-here\), or name another with --privsep-user" \
    "$out"
out=$("$DIVED" "$T/x.sock" --privsep-user root 2>&1)
expect_eq "privsep options: root as the privilege-separation user is refused" \
    "1 dived: privilege-separation user root must not be root" "$? $out"
# Only a root dived switches to the user: without one, -J and an
# unprivileged dived work all the same.
expect_eq "privsep options: -J does without the user" ran \
    "$("$DIVED" -J --privsep-user no-such-user-here -- echo ran 2>&1)"
start_dived_nobody "@dive-ps-nouser-$$" --privsep-user no-such-user-here
expect_eq "privsep options: an unprivileged dived does without it" served \
    "$(cd / && as_nobody "$DIVE" "@dive-ps-nouser-$$" echo served 2>&1)"
stop_dived "$DIVED_PID"
mkdir -p "$T/full"
touch "$T/full/file"
out=$("$DIVED" "$T/x.sock" --privsep-dir "$T/full" 2>&1)
expect_eq "privsep options: non-empty directory fails start-up" 1 $?
expect_match "privsep options: non-empty directory is named" "$T/full.*not empty" "$out"
mkdir -p "$T/theirs"
chown 65534 "$T/theirs"
out=$("$DIVED" "$T/x.sock" --privsep-dir "$T/theirs" 2>&1)
expect_match "privsep options: directory not owned by root is refused" \
    "$T/theirs: must be a directory owned by root" "$out"
chown 0 "$T/theirs"
chmod 0777 "$T/theirs"
out=$("$DIVED" "$T/x.sock" --privsep-dir "$T/theirs" 2>&1)
expect_match "privsep options: world-writable directory is refused" \
    "writable by no one else" "$out"
expect_eq "privsep options: refused start-up leaves no socket" absent \
    "$([ -e "$T/x.sock" ] && echo present || echo absent)"

# The parser program is found next to dived and must be root's alone.
mkdir -p "$T/bin"
cp "$DIVED" "$BIN/dived-parser" "$BIN/dived-recorder" "$T/bin/"
chmod g+w "$T/bin/dived-parser"
out=$("$T/bin/dived" "$T/x.sock" 2>&1)
expect_eq "parser program: a group-writable one fails start-up" 1 $?
expect_match "parser program: and is named" \
    "parser program $T/bin/dived-parser: must be an executable file owned by root and writable by no one else" \
    "$out"
chmod g-w "$T/bin/dived-parser"
chown 65534 "$T/bin/dived-parser"
out=$("$T/bin/dived" "$T/x.sock" 2>&1)
expect_match "parser program: one owned by another user is refused" \
    "$T/bin/dived-parser: must be an executable file owned by root" "$out"
rm "$T/bin/dived-parser"
if [ -e /usr/local/libexec/dive/dived-parser ]; then
	skip "parser program: a missing one fails start-up" \
	    "one is installed in /usr/local/libexec/dive"
else
	out=$("$T/bin/dived" "$T/x.sock" 2>&1)
	expect_match "parser program: a missing one fails start-up, named" \
	    "parser program /usr/local/libexec/dive/dived-parser: No such file" \
	    "$out"
fi
expect_eq "parser program: refused start-up leaves no socket" absent \
    "$([ -e "$T/x.sock" ] && echo present || echo absent)"
# A parser program on a noexec mount (here a file bind-mounted noexec)
# could never run: that is said at start.
mkdir -p "$T/nx"
cp "$DIVED" "$BIN/dived-parser" "$BIN/dived-recorder" "$T/nx/"
if mount --bind "$T/nx/dived-parser" "$T/nx/dived-parser" 2>/dev/null &&
    mount -o remount,bind,noexec "$T/nx/dived-parser" 2>/dev/null; then
	out=$("$T/nx/dived" "$T/x.sock" 2>&1)
	expect_eq "parser program: one on a noexec mount fails start-up" 1 $?
	expect_match "parser program: and says so" \
	    "$T/nx/dived-parser: its file system is mounted noexec" "$out"
else
	skip "parser program: on a noexec mount" "cannot bind-mount here"
fi
umount "$T/nx/dived-parser" 2>/dev/null
# One that cannot run: dived could serve no one, so it does not start,
# and says why.
printf 'not a program\n' >"$T/bin/dived-parser"
chmod 755 "$T/bin/dived-parser"
S4=$T/ps4.sock
out=$(timeout 10 "$T/bin/dived" "$S4" 2>&1)
expect_eq "parser program: one that cannot run fails start-up" 1 $?
expect_match "parser program: and says why" \
    "dived(\[[0-9]+\])?: $S4: cannot serve, not starting: parser program: Exec format error" \
    "$out"
expect_eq "parser program: one that cannot run leaves no socket" absent \
    "$([ -e "$S4" ] && echo present || echo absent)"

# So is the recorder program, which any session may need (a rule read
# again on SIGHUP may record): checked at start, as the parser is.
cp "$BIN/dived-parser" "$T/bin/"
chmod g+w "$T/bin/dived-recorder"
out=$("$T/bin/dived" "$T/x.sock" 2>&1)
expect_eq "recorder program: a group-writable one fails start-up" 1 $?
expect_match "recorder program: and is named" \
    "recorder program $T/bin/dived-recorder: must be an executable file owned by root and writable by no one else" \
    "$out"
rm "$T/bin/dived-recorder"
if [ -e /usr/local/libexec/dive/dived-recorder ]; then
	skip "recorder program: a missing one fails start-up" \
	    "one is installed in /usr/local/libexec/dive"
else
	out=$("$T/bin/dived" "$T/x.sock" 2>&1)
	expect_match "recorder program: a missing one fails start-up, named" \
	    "recorder program /usr/local/libexec/dive/dived-recorder: No such file" \
	    "$out"
fi
expect_eq "recorder program: refused start-up leaves no socket" absent \
    "$([ -e "$T/x.sock" ] && echo present || echo absent)"

S2=$T/ps2.sock
start_dived "$S2" --privsep-user daemon --privsep-dir "$T/new/empty"
expect_eq "privsep options: a missing directory is created root-owned 555" \
    "0 555" "$(stat -c '%u %a' "$T/new/empty")"
"$RAW" "$S2" stall >/dev/null &
raw=$!
wait_for has_child "$DIVED_PID"
monitor=$(children "$DIVED_PID")
wait_for has_child "$monitor"
parser=$(children "$monitor")
expect_eq "privsep options: parser runs as the chosen user" "$(id -u daemon)" \
    "$(awk '$1 == "Uid:" { print $2 }' "/proc/$parser/status")"
expect_eq "privsep options: parser is chrooted to the chosen directory" \
    "$T/new/empty" "$(readlink "/proc/$parser/root")"
kill "$raw" 2>/dev/null
wait "$raw" 2>/dev/null

help=$("$DIVED" --help)
expect_match "help: names the default privilege-separation user" \
    "default _dived" "$help"
expect_match "help: names the default privilege-separation directory" \
    "default /run/dived/empty" "$help"

# A killed monitor takes its parser with it and the client is not left
# waiting.
S3=$T/ps3.sock
start_dived "$S3"
"$DIVE" "$S3" sleep 5 2>"$T/orphan.err" &
d=$!
wait_for has_session "$DIVED_PID"
monitor=$(sessions "$DIVED_PID" | head -n 1)
wait_for has_child "$monitor"
parser=$(pgrep -P "$monitor" | while read -r p; do
	[ "$(title "$p")" = "dived: parser [uid 0]" ] && echo "$p"; done)
kill -KILL "$monitor"
wait "$d" 2>/dev/null
expect_eq "monitor killed: the client ends with a failure" 125 $?
expect_eq "monitor killed: and says the connection was lost" \
    "dive: dived closed the connection" "$(cat "$T/orphan.err")"
expect_eq "monitor killed: no orphaned parser is left" gone \
    "$(wait_for sh -c "! kill -0 $parser" && echo gone)"
pkill -f '^sleep 5$'
