# The remote-start modes: authentication (-a), signals over the socket
# (-n, --signals-pgid), no wait (-w) and the client's wait modes.

if ! is_root; then
	skip "remote modes: tests" "need root to run programs as other users"
	return 0
fi

# -a: the command sees the client's stdin and DIVE_*; its status decides.
A=$T/auth.sock
start_dived "$A" -C 0777 -a 'read pw; [ "$pw" = sesame ] && [ "$DIVE_UID" = 65534 ] && echo "auth ok for $DIVE_USER" >&2'
out=$(cd / && echo sesame | as_nobody "$DIVE" "$A" id -u 2>&1)
expect_eq "-a: the right answer on the client's stdin lets the client in" \
    "auth ok for nobody
65534" "$out"
rm -f "$T/auth-marker"
err=$(cd / && echo wrong | as_nobody "$DIVE" "$A" touch "$T/auth-marker" 2>&1)
rc=$?
expect_eq "-a: a non-zero status rejects the client" 125 "$rc"
expect_eq "-a: the rejection says so" "dive: authentication failed (status 1)" "$err"
expect_eq "-a: nothing is started after a rejection" absent \
    "$([ -e "$T/auth-marker" ] && echo present || echo absent)"
expect_match "-a: the rejection is logged" "refused: authentication failed" \
    "$(cat "$T/dived.log")"
B=$T/auth2.sock
start_dived "$B" -C 0777 -a "echo \"\$DIVE_UID:\$DIVE_GID:\$DIVE_USER:\$(id -u)\" >$T/auth2.out; test -z \"\$SECRET\""
(cd / && SECRET=x as_nobody "$DIVE" "$B" true)
rc=$?
expect_eq "-a: runs as dived's user with the client's DIVE_* set" \
    "65534:65534:nobody:0" "$(cat "$T/auth2.out" 2>/dev/null)"
expect_eq "-a: does not see the client's environment" 0 "$rc"
# The -a command, like the program, starts with every signal at its
# default, 32 and 33 included, whatever dived was started with.
C=$T/auth3.sock
"$BIN/sigign" 2 10 32 33 -- "$DIVED" "$C" -C 0777 --log-stderr \
    -a "cat /proc/self/status >$T/auth3.out" 2>>"$T/dived.log" &
DIVED_PIDS+=("$!")
wait_for listening "$C"
"$DIVE" "$C" true
expect_default_signals "-a: no signal blocked, ignored or caught in the command" \
    "$(cat "$T/auth3.out" 2>/dev/null)"

# -n: a client that may not signal the program itself (it runs as root
# under -P) has its signals delivered by dived.
N=$T/sig.sock
start_dived "$N" -C 0777 -P -n
trapper='trap "echo got-usr1 >\"$0\"; exit 7" USR1; echo ready; while :; do sleep 0.1; done'
(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$DIVE" "$N" sh -c "$trapper" "$T/n.out") >"$T/n.ready" &
d=$!
wait_for grep -q ready "$T/n.ready"
wait_forwarding "$d" USR1
kill -USR1 "$d"
wait "$d" 2>/dev/null
rc=$?
expect_eq "-n: the client's signal reaches a program it could not signal" \
    "7 got-usr1" "$rc $(cat "$T/n.out" 2>/dev/null)"
expect_match "-n: the program ran as root" "uid 0" "$(grep -c . "$T/dived.log" >/dev/null; grep 'allowed: run "sh"' "$T/dived.log" | tail -n 1)"

P=$T/nosig.sock
start_dived "$P" -C 0777 -P
(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$DIVE" "$P" sh -c "$trapper" "$T/p.out") >"$T/p.ready" &
d=$!
wait_for grep -q ready "$T/p.ready"
wait_forwarding "$d" USR1
kill -USR1 "$d"
sleep 0.5
expect_eq "without -n: a client cannot signal a program of another user" \
    "absent" "$([ -e "$T/p.out" ] && echo present || echo absent)"
pkill -KILL -f '^sh -c trap "echo got-usr1'
wait "$d" 2>/dev/null

G=$T/pgid.sock
start_dived "$G" -C 0777 -P --signals-pgid
grouped='sh -c "trap \"echo child >>$0; exit 0\" TERM; while :; do sleep 0.1; done" & trap "echo parent >>\"$0\"; wait; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$DIVE" "$G" sh -c "$grouped" "$T/g.out") >"$T/g.ready" &
d=$!
wait_for grep -q ready "$T/g.ready"
wait_forwarding "$d" TERM
kill -TERM "$d"
wait "$d" 2>/dev/null
rc=$?
expect_eq "--signals-pgid: the whole process group gets the signal" \
    "9 child parent" "$rc $(sort "$T/g.out" | tr '\n' ' ' | sed 's/ $//')"

# -w: the monitor becomes the program; no status, but the client waits.
W=$T/nowait.sock
start_dived "$W" -w
start=$(date +%s%N)
"$DIVE" "$W" sh -c 'sleep 0.5; exit 3'
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "-w: no exit status is reported, dive exits 0" 0 "$rc"
expect_eq "-w: dive still waits for the program" yes \
    "$([ "$took" -ge 450 ] && echo yes || echo "no ($took ms)")"
out=$("$DIVE" "$W" sh -c 'echo $$; ps -o comm= -p $PPID')
expect_eq "-w: the program runs in the process dived forked for the client" \
    dived "$(sed -n 2p <<<"$out")"
err=$("$DIVE" "$W" /no/such/program 2>&1)
expect_eq "-w: a program that cannot be run still gives 127" 127 $?
expect_eq "-w: and says why" "dive: /no/such/program: No such file or directory" "$err"

# The client's wait modes.
S=$T/wait.sock
start_dived "$S"
start=$(date +%s%N)
DIVE_WAITMODE=1 "$DIVE" "$S" sh -c 'sleep 3; exit 4'
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "DIVE_WAITMODE=1: dive returns 0 without waiting for the program" \
    "0 yes" "$rc $([ "$took" -lt 2500 ] && echo yes || echo "no ($took ms)")"
out=$(DIVE_WAITMODE=2 "$DIVE" "$S" sh -c '(sleep 0.5; echo grandchild) & echo parent; exit 6')
rc=$?
expect_eq "DIVE_WAITMODE=2: dive waits for what the program left behind" \
    "parent grandchild" "$(echo $out)"
expect_eq "DIVE_WAITMODE=2: the program's own status is still mirrored" 6 "$rc"
out=$("$DIVE" "$S" sh -c '(sleep 0.5; echo late) >/dev/null & echo quick')
expect_eq "DIVE_WAITMODE=0: dive returns when the program ends" quick "$out"
start=$(date +%s%N)
"$DIVE" "$S" sh -c 'sleep 3 & exit 5' >"$T/held.out"
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "DIVE_WAITMODE=0: a process left holding dive's output does not hold dive" \
    "5 yes" "$rc $([ "$took" -lt 2500 ] && echo yes || echo "no ($took ms)")"

# A signal sent to dive while the authentication command runs never
# reaches that command: dive forwards nothing before the program starts.
Q=$T/authsig.sock
start_dived "$Q" -n -a "trap 'echo signalled >$T/authsig.out' TERM INT USR1; echo >$T/authsig.run; sleep 3; echo finished >>$T/authsig.out"
"$DIVE" "$Q" true 2>/dev/null &
d=$!
wait_for test -e "$T/authsig.run"
kill -USR1 "$d"
wait "$d" 2>/dev/null
expect_eq "-a: a signal to dive during authentication ends dive" 138 $?
wait_for grep -q finished "$T/authsig.out"
expect_eq "-a: the authentication command never receives it" finished \
    "$(cat "$T/authsig.out" 2>/dev/null)"

# -w with -D: the monitor already leads a session of its own, which the
# program, being that process, keeps.
WD=$T/nowait-daemon.sock
start_dived "$WD" -w -D
out=$("$DIVE" "$WD" sh -c 'echo $$ $(ps -o sid= -p $$)')
expect_eq "-w -D: the program runs and leads its session" \
    "$(cut -d' ' -f1 <<<"$out")" "$(cut -d' ' -f2 <<<"$out")"
