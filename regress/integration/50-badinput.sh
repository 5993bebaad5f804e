# Bad input from clients: each gets a clear error and a non-zero end,
# nothing is started, the refusal is logged, and dived goes on serving.

S=$T/bad.sock
start_dived "$S" --request-timeout 2

served() {
	expect_eq "$1: dived still serves the next client" ok \
	    "$("$DIVE" "$S" echo ok 2>&1)"
}

out=$("$RAW" "$S" garbage)
expect_match "garbage: the client is told it is no dive client" \
    "^error 125 not a dive client \(bad greeting\)" "$out"
served garbage

proto=$("$DIVE" --version | sed 's/.*protocol \([0-9]*\).*/\1/')
out=$("$RAW" "$S" hello 99)
expect_match "version: a wrong protocol version is named on the server side" \
    "^error 125 protocol version mismatch: dive speaks 99, dived speaks $proto" "$out"
expect_match "version: dived greets with its own version first" "^hello $proto" "$out"

"$RAW" --serve "$T/fake.sock" 7 >"$T/fake.out" &
fake=$!
wait_for grep -q listening "$T/fake.out"
err=$("$DIVE" "$T/fake.sock" true 2>&1)
rc=$?
wait "$fake"
expect_eq "version: dive refuses a dived of another version" 125 "$rc"
expect_eq "version: dive names both versions" \
    "dive: $T/fake.sock: dived speaks protocol 7, dive speaks $proto" "$err"

# A client's own DIVE_* variables, among others: the parser drops them
# and passes every other one on.
"$RAW" "$S" request /bin/sh -c "env >$T/rawenv" >/dev/null
out=$(cat "$T/rawenv")
expect_eq "env: a raw client's variables around its DIVE_* ones arrive" \
    "A=1 B=2 C=3 PATH=/usr/bin:/bin" \
    "$(grep -E '^(A|B|C|PATH)=' <<<"$out" | sort | tr '\n' ' ' | sed 's/ $//')"
expect_no_match "env: a raw client's DIVE_* variables do not" \
    "DIVE_FORGED|DIVE_UID=12345" "$out"

# A large request goes in a sealed memfd (MSG_SEALED).  One the client
# could still change, one in a plain file, one of another size than it
# says and one without its memfd are each refused, and start nothing.
for how in unsealed file size nofd; do
	rm -f "$T/sealed-$how"
	out=$("$RAW" "$S" sealed "$how" /bin/sh -c ": >$T/sealed-$how")
	case $how in
	unsealed) want="request memfd not sealed against change" ;;
	file) want="sealed request not in a memfd" ;;
	size) want="request memfd of another size than announced" ;;
	nofd) want="malformed sealed request" ;;
	esac
	expect_match "sealed, $how: the client is told why" "^error 125 $want" \
	    "$out"
	expect_eq "sealed, $how: nothing ran" absent \
	    "$([ -e "$T/sealed-$how" ] && echo present || echo absent)"
	expect_match "sealed, $how: the refusal is logged" "refused: $want" \
	    "$(tail -n 5 "$T/dived.log")"
done
served sealed
# A sealed one as dive makes it runs, without the client's DIVE_*.
"$RAW" "$S" sealed ok /bin/sh -c "env >$T/sealedenv" >/dev/null
out=$(cat "$T/sealedenv")
expect_eq "sealed: the request's variables arrive" \
    "A=1 B=2 C=3 PATH=/usr/bin:/bin" \
    "$(grep -E '^(A|B|C|PATH)=' <<<"$out" | sort | tr '\n' ' ' | sed 's/ $//')"
expect_no_match "sealed: the client's DIVE_* variables do not" \
    "DIVE_FORGED|DIVE_UID=12345" "$out"

out=$("$RAW" "$S" oversize)
expect_match "oversize: a frame over the maximum is refused" \
    "^error 125 request too large" "$out"
served oversize

out=$("$RAW" "$S" manyargs)
expect_match "argv: more arguments than allowed are refused" \
    "^error 125 too many arguments" "$out"

out=$( (ulimit -n 4096; "$RAW" "$S" manyfds 1100 true) )
expect_match "fds: more descriptors than allowed are refused" \
    "^error 125 too many descriptors \(at most 1024\)" "$out"
expect_no_match "fds: nothing started with too many descriptors" "started" "$out"
out=$( (ulimit -n 4096; "$RAW" "$S" manyfds 1024 true) )
expect_match "fds: exactly the maximum is accepted" "exit 0 0" "$out"

out=$("$RAW" "$S" bigbatch)
expect_match "fds: one message with too many descriptors is refused" \
    "^error 125 too many descriptors in one message" "$out"

out=$("$RAW" "$S" dupfd)
expect_match "fds: a descriptor number sent twice is refused" \
    "^error 125 descriptor 5 sent twice" "$out"

rm -f "$T/marker"
out=$("$RAW" "$S" truncated "$T/never-run")
expect_match "truncated: a request cut short is refused" \
    "^error 125 truncated message from client" "$out"

before=$(grep -c 'refused' "$T/dived.log")
"$RAW" "$S" vanish /bin/true
more_refused() { [ "$(grep -c 'refused' "$T/dived.log")" -gt "$before" ]; }
wait_for more_refused
expect_match "vanish: a client leaving mid-request is logged" \
    "refused: truncated message from client" "$(tail -n 3 "$T/dived.log")"
served vanish

start=$(date +%s)
out=$("$RAW" "$S" stall)
took=$(( $(date +%s) - start ))
expect_match "deadline: a silent client is dropped with a reason" \
    "^error 125 no complete request within 2 seconds" "$out"
expect_eq "deadline: it is dropped near the deadline, not later" yes \
    "$([ "$took" -le 6 ] && echo yes)"
served deadline

# Several stalled clients do not block others.
stallers=()
for i in 1 2 3 4 5; do
	"$RAW" "$S" stall >/dev/null &
	stallers+=($!)
done
expect_eq "stall: other clients are served while some stall" ok \
    "$("$DIVE" "$S" echo ok)"
wait "${stallers[@]}"

out=$("$RAW" "$S" aftergarbage)
expect_match "after start: garbage after the request does not stop the program" \
    "started" "$out"
expect_match "after start: the program's end is still reported" "exit 0 0" "$out"
expect_match "after start: the protocol error is logged" \
    "protocol error after the request" "$(cat "$T/dived.log")"

expect_eq "log: every refusal above has a record" yes \
    "$([ "$(grep -c ': refused: ' "$T/dived.log")" -ge 10 ] && echo yes)"
expect_eq "master: survived all of it" yes "$(alive "$DIVED_PID" && echo yes)"
expect_eq "zombies: none left under the master" "" \
    "$(ps -o stat= --ppid "$DIVED_PID" | grep Z)"

# dive's own checks.
err=$("$DIVE" 2>&1)
expect_eq "dive usage: no arguments exit 4" 4 $?
expect_match "dive usage: prints usage" "^usage: dive \[-t \| -T\] \[--\] socket" "$err"
err=$("$DIVE" "$T/nothing-here.sock" true 2>&1)
expect_eq "dive: a missing socket exits 125" 125 $?
expect_match "dive: a missing socket is named" \
    "no dived listening at $T/nothing-here.sock: no such file" "$err"
err=$(DIVE_WAITMODE=9 "$DIVE" "$S" true 2>&1)
expect_eq "dive: a bad DIVE_WAITMODE is a usage error" 4 $?
expect_match "dive: a bad DIVE_WAITMODE is named" "DIVE_WAITMODE=9" "$err"
err=$(DIVE_TERMINAL=@77 "$DIVE" "$S" true 2>&1)
expect_eq "dive: DIVE_TERMINAL naming a closed descriptor is a usage error" 4 $?

# Client strings cannot forge or split log records.
"$DIVE" "$S" $'/no/such\ndived[1]: session 99: forged' 2>/dev/null
expect_no_match "log: a newline in argv cannot start a forged record" \
    "^dived\[1\]: session 99" "$(cat "$T/dived.log")"
expect_match "log: the failed program is still recorded, escaped" \
    'allowed: run "/no/such\\ndived\[1\]: session 99: forged"' \
    "$(cat "$T/dived.log")"

# Signals reach dive itself until the program runs.
"$RAW" --serve "$T/silent.sock" "$proto" >"$T/silent.out" &
silent=$!
wait_for grep -q listening "$T/silent.out"
"$DIVE" "$T/silent.sock" true 2>/dev/null &
waiting=$!
sleep 0.3
kill -TERM "$waiting"
wait "$waiting" 2>/dev/null
expect_eq "signals: dive waiting for a silent server can be interrupted" \
    143 $?
wait "$silent"

# Session limits, in all and per uid: counted by the master from
# SO_PEERCRED, over them a clear error, and the slots come back.
L=$T/limits.sock
start_dived "$L" -C 0777 --max-sessions 3 --max-per-uid 2 --request-timeout 20
holders=()
for i in 1 2; do
	"$RAW" "$L" stall >/dev/null &
	holders+=($!)
done
at_least() { [ "$(sessions "$DIVED_PID" | wc -l)" -ge "$1" ]; }
wait_for at_least 2
err=$("$DIVE" "$L" true 2>&1)
expect_eq "limits: a third session of one uid is refused" \
    "125 dive: too many sessions for uid 0 (at most 2)" "$? $err"
expect_eq "limits: another uid is still served" 65534 \
    "$(cd / && as_nobody "$DIVE" "$L" id -u)"
(cd / && as_nobody "$RAW" "$L" stall >/dev/null) &
holders+=($!)
wait_for at_least 3
err=$(cd / && as_nobody "$DIVE" "$L" true 2>&1)
expect_eq "limits: over the total every uid is refused" \
    "125 dive: too many sessions (at most 3)" "$? $err"
expect_match "limits: refusals are logged with the peer" \
    "peer pid [0-9]+ uid 65534 gid 65534: refused: too many sessions \(at most 3\)" \
    "$(cat "$T/dived.log")"
kill "${holders[@]}" 2>/dev/null
wait "${holders[@]}" 2>/dev/null
wait_for no_sessions "$DIVED_PID"
expect_eq "limits: slots come back when sessions end" back \
    "$("$DIVE" "$L" echo back)"
# A session's slot is free by the time its client hears the end: one
# client after another never meets its own previous session, served by a
# spare, by a forked monitor, or refused.
for spares in 1 0; do
	L1=$T/one$spares.sock
	start_dived "$L1" --max-per-uid 1 --spares "$spares"
	refused=0
	for i in $(seq 150); do
		"$DIVE" "$L1" true 2>/dev/null || refused=$((refused + 1))
		"$DIVE" "$L1" /no/such/program 2>/dev/null
		[ $? = 127 ] || refused=$((refused + 1))
	done
	expect_eq "limits: --max-per-uid 1, --spares $spares: 300 sessions one after another, none refused" \
	    0 "$refused"
	stop_dived "$DIVED_PID"
done
# With -w the program is the monitor: it holds the slot until it ends.
L1=$T/onew.sock
start_dived "$L1" --max-per-uid 1 -w
"$DIVE" "$L1" sleep 2 &
held=$!
wait_for pgrep -f '^sleep 2$'
err=$("$DIVE" "$L1" true 2>&1)
expect_eq "limits: with -w the running program holds its slot" \
    "125 dive: too many sessions for uid 0 (at most 1)" "$? $err"
wait "$held"
expect_eq "limits: with -w the slot comes back when the program ends" back \
    "$(wait_for no_sessions "$DIVED_PID"; "$DIVE" "$L1" echo back)"
stop_dived "$DIVED_PID"

out=$("$DIVED" "$T/l2.sock" --max-sessions 0 2>&1)
expect_eq "limits: --max-sessions 0 is a usage error" 4 $?
expect_match "limits: and is named" "--max-sessions 0: expected a number" "$out"
