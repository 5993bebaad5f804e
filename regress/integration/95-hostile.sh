# A compromised parser, simulated.  The test build of dived
# ($BIN/dived-hooks, compiled with -DDIVE_TESTHOOKS) lets a request whose
# argv[0] is "@dive-testhook:NAME" make its parser, already confined, try
# a system call its filter forbids or send the monitor forged messages
# asking to run "touch MARKER".  The filter must kill it; the monitor must
# refuse, log why, start nothing, and dived must go on serving.

HOOKED=$BIN/dived-hooks

# The hooks live in the parser program; dived-hooks starts the hooked one.
expect_eq "hooks: the normal dived has no test hooks" 0 \
    "$(grep -ac -- '@dive-testhook:' "$DIVED")"
expect_eq "hooks: the normal parser program has none" 0 \
    "$(grep -ac -- '@dive-testhook:' "$BIN/dived-parser")"

if ! [ -x "$HOOKED" ] || ! [ -x "$BIN/dived-parser-hooks" ]; then
	skip "hostile: tests" "$HOOKED was not built (make all builds it)"
	return 0
fi
expect_eq "hooks: the test build has them" 1 \
    "$(grep -ac -- '@dive-testhook:' "$BIN/dived-parser-hooks")"

S=$T/hostile.sock
DIVED=$HOOKED start_dived "$S" -C 0777 --request-timeout 10
master=$DIVED_PID

no_children() { no_sessions "$1"; }

# hostile NAME SOCKET MASTER EXPECTED-REFUSAL: one hook, and everything
# that must hold after it.
hostile() {
	local name=$1 sock=$2 pid=$3 want=$4 before started out rc new
	local marker=$T/marker-$name

	rm -f "$marker"
	before=$(wc -l <"$T/dived.log")
	started=$(grep -c ': started pid ' "$T/dived.log")
	out=$(cd / && "$DIVE" "$sock" "@dive-testhook:$name" "$marker" 2>&1)
	rc=$?
	expect_eq "$name: the client fails with 125" 125 "$rc"
	expect_match "$name: the client is told why" "^dive: $want" "$out"
	wait_for no_children "$pid"
	new=$(tail -n +"$((before + 1))" "$T/dived.log")
	expect_match "$name: the monitor logged the refusal" \
	    "session [0-9]+-[0-9]+-[0-9]+: peer pid [0-9]+ uid [0-9]+ gid [0-9]+: refused: $want" \
	    "$new"
	expect_eq "$name: nothing was started" "$started" \
	    "$(grep -c ': started pid ' "$T/dived.log")"
	expect_eq "$name: the forged program did not run" absent \
	    "$([ -e "$marker" ] && echo present || echo absent)"
	expect_eq "$name: no parser or monitor is left" "" "$(sessions "$pid")"
	expect_eq "$name: the master lives on" yes "$(alive "$pid" && echo yes)"
	expect_eq "$name: the next client is served" ok \
	    "$(cd / && "$DIVE" "$sock" echo ok 2>&1)"
}

# (a) System calls outside the allow-list: the filter kills the parser.
# Among them, memory made executable: a new mapping, or a page of the heap
# changed by mprotect or pkey_mprotect.  mmap and mprotect are allowed only
# without PROT_EXEC, pkey_mprotect not at all.
killed=(open execve socket ptrace kill
    mmap-rwx mprotect-rx mprotect-wx pkey-mprotect-rx)
for h in "${killed[@]}"; do
	hostile "$h" "$S" "$master" "request parser killed by its seccomp filter"
done

# (b) Forged messages: the monitor's decoder refuses every one.
hostile forge-nfds "$S" "$master" \
    "bad request from parser: descriptor count does not match"
hostile forge-count "$S" "$master" \
    "bad request from parser: malformed descriptor batch"
hostile forge-own-monitor "$S" "$master" \
    "bad request from parser: one of dived's own descriptors"
hostile forge-own-client "$S" "$master" \
    "bad request from parser: one of dived's own descriptors"
hostile forge-huge "$S" "$master" "request parser failed: Message too long"
hostile forge-unterminated "$S" "$master" \
    "bad request from parser: unterminated or over-long string"
hostile forge-argc "$S" "$master" \
    "bad request from parser: too many arguments"
hostile forge-dive-env "$S" "$master" \
    "bad request from parser: malformed or reserved environment entry"
hostile forge-magic "$S" "$master" \
    "bad request from parser: malformed spawn request"
hostile forge-pty-over "$S" "$master" \
    "bad request from parser: a descriptor sent where the pseudo-terminal goes"
hostile forge-pty-tty "$S" "$master" \
    "bad request from parser: a terminal sent with a pseudo-terminal request"

# A refusal text with a newline, a carriage return and terminal escapes:
# escaped in the log and to the client, no forged record, and the valid
# spawn request sent after it starts nothing.
hostile forge-fail-text "$S" "$master" \
    'test hook\\nFORGED-RECORD dived: session 1: allowed: run /usr/bin/touch\\r\\033\[2K\\a'
expect_no_match "forge-fail-text: no forged record in the log" \
    "^FORGED-RECORD" "$(cat "$T/dived.log")"
expect_eq "forge-fail-text: no control byte in the log" 0 \
    "$(LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]' "$T/dived.log")"

# A valid request runs; a second spawn request and garbage after it are
# logged and ignored, and nothing else is started.
marker=$T/marker-forge-after
rm -f "$marker" "$T/first"
before=$(wc -l <"$T/dived.log")
started=$(grep -c ': started pid ' "$T/dived.log")
out=$(cd / && "$DIVE" "$S" @dive-testhook:forge-after "$marker" "$T/first" 2>&1)
expect_eq "forge-after: the valid request runs to its end" "0 " "$? $out"
expect_eq "forge-after: its program ran" present \
    "$([ -e "$T/first" ] && echo present || echo absent)"
expect_eq "forge-after: the second request started nothing" absent \
    "$([ -e "$marker" ] && echo present || echo absent)"
wait_for no_children "$master"
new=$(tail -n +"$((before + 1))" "$T/dived.log")
expect_eq "forge-after: exactly one program was started" "$((started + 1))" \
    "$(grep -c ': started pid ' "$T/dived.log")"
expect_eq "forge-after: both messages after the start are logged" 2 \
    "$(grep -c 'malformed message from the parser after the start' <<<"$new")"
expect_match "forge-after: the program's end is logged" \
    "exited with status 0" "$new"
expect_eq "forge-after: no parser or monitor is left" "" "$(sessions "$master")"
expect_eq "forge-after: the master lives on" yes "$(alive "$master" && echo yes)"

# An unknown hook name is a plain refusal, not a crash.
out=$(cd / && "$DIVE" "$S" @dive-testhook:no-such-hook "$T/x" 2>&1)
expect_eq "unknown hook: refused by the parser" \
    "125 dive: unknown test hook no-such-hook" "$? $out"

# Descriptor numbers sent in reverse: the client's 3-110, each on a file
# holding its number, named 110-3 (the hook does it for a batch naming
# 77).  The monitor holds them at numbers among those targets, so some
# must be read before others take their place, and pairs wait on each
# other: every one must still land where the parser said.
mkdir "$T/rev"
for n in $(seq 3 110); do echo "$n" >"$T/rev/$n"; done
out=$(cd / && python3 -c '
import os, sys
os.closerange(3, 65536)
for n in range(3, 111):
	fd = os.open("%s/%d" % (sys.argv[1], n), os.O_RDONLY)
	if fd != n:
		os.dup2(fd, n)
		os.close(fd)
	os.set_inheritable(n, True)
os.execv(sys.argv[2], sys.argv[2:])' "$T/rev" "$DIVE" "$S" bash -c '
	for n in $(seq 3 110); do
		read -r x <&"$n"
		[ "$x" = $((113 - n)) ] || echo "descriptor $n holds $x"
	done
	echo placed' 2>&1)
expect_eq "reversed descriptors: each lands on the number the parser named" \
    placed "$out"

# An unprivileged dived (no chroot, no uid change) relies on the filter
# alone: the same system calls kill its parser.
if is_root; then
	A=@dive-hostile-$$
	DIVED=$HOOKED start_dived_nobody "$A" --request-timeout 10
	# Root's dive talks to nobody's dived only when told to.
	export DIVE_SERVERUID=nobody
	for h in "${killed[@]}"; do
		hostile "$h" "$A" "$DIVED_PID" \
		    "request parser killed by its seccomp filter"
	done
	unset DIVE_SERVERUID
	stop_dived "$DIVED_PID"
else
	skip "hostile: unprivileged dived" "already unprivileged above"
fi
stop_dived "$master"
