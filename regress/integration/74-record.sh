# Recorded sessions: an interactive shell typed at in a tmux pane, as an
# auditor's replay shows it; output and, with record input, the keys of
# sessions without a terminal; the file, its mode and owner, and the
# audit records naming it; a file or link already at its path, the size
# limit, a full disk; a client flooding its input; a recorder taken over
# by what the client types; and sessions not recorded, which start no
# recorder.

if ! command -v tmux >/dev/null || ! command -v script >/dev/null; then
	skip "record: tests" "tmux or script(1) is not installed"
	return 0
fi
if ! is_root; then
	skip "record: tests" "the recordings are root's: run as root"
	return 0
fi

REC=$T/rec
AUD=$T/audit.log

# cast_py FILE EXPR: EXPR in python, over the recording as asciicast v2:
# h the header, ev the events, out and inp the output and input joined,
# kinds the event types.  Prints "invalid: WHY" for a file that is not.
cast_py() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as fp:
        lines = fp.read().split("\n")
    assert lines[-1] == "", "the last line does not end"
    h = json.loads(lines[0])
    assert type(h) is dict and h["version"] == 2, "no v2 header"
    for k in ("width", "height", "timestamp"):
        assert type(h[k]) is int and h[k] > 0, "header: " + k
    ev = [json.loads(l) for l in lines[1:-1]]
    last = 0.0
    for e in ev:
        assert type(e) is list and len(e) == 3, "not an event: %r" % e
        assert type(e[0]) in (int, float) and e[0] >= last, "time %r" % e
        assert e[1] in "oirm" and type(e[2]) is str, "event %r" % e
        last = e[0]
except Exception as e:
    print("invalid: %s" % e)
    sys.exit(0)
out = "".join(e[2] for e in ev if e[1] == "o")
inp = "".join(e[2] for e in ev if e[1] == "i")
kinds = "".join(sorted(set(e[1] for e in ev)))
print(eval(sys.argv[2]))
EOF
}

# The last audit record of an event: its session's recording, as
# "FILE INPUT BYTES CUT ERROR", or "null".
record_of() {
	python3 - "$AUD" "$1" <<'EOF'
import json, sys
rec = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] == sys.argv[2]:
        rec = r
if rec is None:
    print("none")
elif rec["recording"] is None:
    print("null")
else:
    g = rec["recording"]
    print(g["file"], str(g["input"]).lower(), g["bytes"],
          str(g["cut"]).lower(), g["error"])
EOF
}

# The field of the last audit record of an event.
last_field() {
	python3 -c 'import json, sys
r = None
for line in open(sys.argv[1]):
    x = json.loads(line)
    if x["event"] == sys.argv[2]: r = x
print(r[sys.argv[3]] if r else "none")' "$AUD" "$1" "$2"
}

last_file() {
	record_of end | cut -d' ' -f1
}

# The recorders among the children of a master's session monitors.
recorders_of() {
	local m
	for m in $(sessions "$1"); do
		ps -o args= --ppid "$m"
	done | grep -c '^dived: recorder'
}

# Rules: record and record input for root; a plain socket besides.
printf 'permit record root\n' >"$T/rec.rules"
printf 'permit record input root\n' >"$T/input.rules"
chmod 600 "$T/rec.rules" "$T/input.rules"
S=$T/rec.sock
start_dived "$S" --policy "$T/rec.rules" --record-dir "$REC" \
    --audit-log "$AUD"
SPID=$DIVED_PID
SI=$T/input.sock
start_dived "$SI" --policy "$T/input.rules" --record-dir "$REC" \
    --audit-log "$AUD"
SIPID=$DIVED_PID
S0=$T/plain.sock
start_dived "$S0" --audit-log "$AUD"
S0PID=$DIVED_PID

expect_eq "record: the directory is made root's alone, 0700" "0 700" \
    "$(stat -c '%u %a' "$REC")"

# --- An interactive shell, typed at in a tmux pane. ---
unset DIVE_PTY
start_pane

wait_pane '^\$ ' || fail "record: the tmux pane starts a shell" "$(pane)"

# One recorded shell for each socket: the same keys, a resize, ^C.
shell_session() {
	local sock=$1 tag=$2
	# Keys typed before the program starts are not recorded: the
	# inner shell's prompt first.
	typeln "PS1='$tag> ' $DIVE $sock bash --norc --noprofile -i; echo $tag-RC-\$?"
	wait_pane "^$tag> \$"
	typeln "echo $tag-MARK-\$((6*7))"
	expect_pane "record $tag: the recorded shell runs what is typed" \
	    "^$tag-MARK-42\$"
	"${TM[@]}" resize-window -t t -x 100 -y 30
	sleep 0.5
	typeln 'echo SIZE-$(stty size)'
	expect_pane "record $tag: a resize reaches the program" '^SIZE-30 100$'
	"${TM[@]}" resize-window -t t -x 80 -y 24
	typeln 'sleep 100'
	sleep 0.5
	"${TM[@]}" send-keys -t t C-c
	typeln 'echo INT-$((1+2))'
	expect_pane "record $tag: ^C interrupts the program's sleep" '^INT-3$'
	# Typed without echo: on the screen nowhere, in the keys only.
	typeln 'read -rs pw; echo GOT-${#pw}'
	sleep 0.3
	typeln 'hunter2-SECRET'
	expect_pane "record $tag: a password is read without echo" '^GOT-14$'
	typeln 'exit 3'
	expect_pane "record $tag: dive ends as the shell did" "^$tag-RC-3\$"
}

shell_session "$S" OUT
f=$(last_file)
expect_match "record: the audit record names the recording" \
    "^$REC/[0-9]+-[0-9]+-[0-9]+\\.cast\$" "$f"
expect_eq "record: it is the session's ID, a file of root's alone" \
    "$(last_field end session).cast 0 0 600 regular file" \
    "$(stat -c '%n %u %g %a %F' "$f" | sed "s|^$REC/||")"
expect_eq "record: the file is asciicast v2 (python3 json)" ok \
    "$(cast_py "$f" '"ok"')"
expect_eq "record: the header has the size, TERM and the session" \
    "80 24 screen True" \
    "$(cast_py "$f" 'h["width"], h["height"], h["env"]["TERM"], '"'$(last_field end session)'"' in h["title"]' |
    tr -d "(),'")"
expect_eq "record: the output has what the screen showed" True \
    "$(cast_py "$f" '"OUT-MARK-42" in out and "SIZE-30 100" in out and "INT-3" in out')"
expect_eq "record: the resize is an r event with the new size" True \
    "$(cast_py "$f" '"100x30" in [e[2] for e in ev if e[1] == "r"]')"
expect_eq "record: plain record has no input events" "or" \
    "$(cast_py "$f" 'kinds')"
expect_eq "record: nor the password typed without echo" False \
    "$(cast_py "$f" '"hunter2" in out')"
expect_eq "record: the file holds no trace of the password at all" 0 \
    "$(grep -c hunter2 "$f")"
if command -v asciinema >/dev/null; then
	# It asks for a terminal, even to print.
	expect_match "record: asciinema cat prints the session's output" \
	    'OUT-MARK-42' "$(script -qec "asciinema cat $f" /dev/null \
	    </dev/null 2>&1 | tr -d '\r')"
else
	skip "record: asciinema cat" "asciinema is not installed"
fi
expect_match "record: the end record says its size, not cut, no error" \
    "^$f false [0-9]+ false None\$" "$(record_of end)"
expect_match "record: the decision record names it too" \
    "^$f false None false None\$" "$(record_of decision)"

shell_session "$SI" IN
f=$(last_file)
expect_eq "record input: the keys are input events" True \
    "$(cast_py "$f" '"echo IN-MARK" in inp')"
expect_eq "record input: with the password typed without echo" True \
    "$(cast_py "$f" '"hunter2-SECRET" in inp and "hunter2" not in out')"
expect_eq "record input: ^C is among them as it was typed" True \
    "$(cast_py "$f" '"\x03" in inp')"
expect_match "record input: the audit record says input is recorded" \
    "^$f true " "$(record_of end)"

# The client's own terminal would pass by the recording.
typeln "DIVE_PTY=0 $DIVE $S true; echo TTY-RC-\$?"
expect_pane "record: a client passing its own terminal is refused" \
    '^TTY-RC-125$'
expect_match "record: and told why" "dive: this session is recorded.*dive without -T" \
    "$(pane)"
export DIVE_PTY=0
"${TM[@]}" kill-server 2>/dev/null

# --- Without a terminal: pipes, the same exit statuses and signals. ---
out=$(cd / && "$DIVE" "$S" sh -c 'echo OUT-$((2+3)); echo ERR-$((3+4)) >&2; exit 7' 2>"$T/err")
expect_eq "pipes: the client gets output, errors and the exit status" \
    "7 OUT-5 ERR-7" "$? $out $(cat "$T/err")"
f=$(last_file)
expect_eq "pipes: both are recorded as output" True \
    "$(cast_py "$f" '"OUT-5\n" in out and "ERR-7\n" in out')"
for how in 'exit 0' 'exit 5' 'kill -TERM $$' 'kill -KILL $$' 'kill -INT $$'; do
	expect_eq "pipes: '$how' ends dive as it does unrecorded" \
	    "$(cd / && wait_status "$DIVE" "$S0" sh -c "$how")" \
	    "$(cd / && wait_status "$DIVE" "$S" sh -c "$how")"
done
# SIGTERM to dive: forwarded to the program, which it ends, and so dive.
sig_status() {
	local c
	(cd / && exec "$DIVE" "$1" sleep 10) &
	c=$!
	sleep 1
	kill -TERM "$c"
	wait "$c"
	echo $?
}
expect_eq "pipes: a signal to dive ends it as it does unrecorded" \
    "$(sig_status "$S0")" "$(sig_status "$S")"
# The same through a terminal (script(1)).
pty_status() {
	script -qec "$DIVE -t $1 sh -c '$2'; echo PTY-RC-\$?" /dev/null \
	    </dev/null | tr -d '\r' | sed -n 's/.*PTY-RC-//p'
}
for how in 'exit 6' 'kill -TERM $$' 'kill -HUP $$'; do
	expect_eq "pty: '$how' ends dive as it does unrecorded" \
	    "$(pty_status "$S0" "$how")" "$(pty_status "$S" "$how")"
done
out=$(seq 1 20000 | (cd / && "$DIVE" "$S" cat) | tail -n 1)
expect_eq "pipes: output through the recorder is complete" 20000 "$out"
expect_eq "pipes: and all of it is in the recording" True \
    "$(cast_py "$(last_file)" 'out.endswith("19999\n20000\n")')"
out=$(echo IN-$((4+4)) | (cd / && "$DIVE" "$S" sh -c '[ -p /dev/stdin ] && cat'))
expect_eq "pipes: unrecorded input is the client's own, untouched" IN-8 "$out"
expect_eq "pipes: and is no event" "o" "$(cast_py "$(last_file)" 'kinds')"
out=$(echo KEYS-$((5+5)) | (cd / && "$DIVE" "$SI" cat))
expect_eq "pipes: recorded input reaches the program" KEYS-10 "$out"
expect_eq "pipes: and is an input event" True \
    "$(cast_py "$(last_file)" '"KEYS-10\n" in inp and "KEYS-10\n" in out')"
expect_eq "pipes: a NUL, escapes and bytes not UTF-8 are recorded as JSON" \
    True "$(printf 'a\0b\033[1m\377\n' | (cd / && "$DIVE" "$SI" cat) >/dev/null;
    cast_py "$(last_file)" 'inp == "a\x00b\x1b[1m\ufffd\n" and out == inp')"

# --- Sessions not recorded start no recorder. ---
(cd / && "$DIVE" "$S0" sleep 2) &
c=$!
wait_for sh -c "[ -n \"\$(ps -o args= --ppid \$(pgrep -P $S0PID | head -n 1) 2>/dev/null)\" ]"
sleep 0.5
expect_eq "unrecorded: no recorder runs for a session" 0 "$(recorders_of "$S0PID")"
wait "$c"
expect_eq "unrecorded: its audit record names no recording" null \
    "$(record_of end)"
(cd / && "$DIVE" "$S" sleep 2) &
c=$!
sleep 1
expect_eq "record: a recorded one runs one (the check can see it)" 1 \
    "$(recorders_of "$SPID")"
wait "$c"

# --- A file or a link at the session's path: never followed or reused. ---
# The next connection's number follows the last session's.
next_file() {
	local id
	id=$(last_field end session)
	echo "$REC/${id%-*}-$((${id##*-} + 1)).cast"
}
(cd / && "$DIVE" "$S" true)
f=$(next_file)
echo "not for dived" >"$T/target"
ln -s "$T/target" "$f"
out=$(cd / && "$DIVE" "$S" echo ran 2>&1)
expect_eq "link: a link at the session's path fails the session" \
    "125 dive: recording $f: File exists" "$? $out"
expect_eq "link: its target is untouched" "not for dived" "$(cat "$T/target")"
expect_match "link: the failure is audited, with the recording's error" \
    "^$f false None false File exists\$" "$(record_of end)"
expect_eq "link: as a failed session" failed "$(last_field end outcome)"
rm -f "$f"
f=$(next_file)
echo "an older recording" >"$f"
out=$(cd / && "$DIVE" "$S" echo ran 2>&1)
expect_eq "file: a file at the session's path fails the session" \
    "125 dive: recording $f: File exists" "$? $out"
expect_eq "file: and is not overwritten" "an older recording" "$(cat "$f")"
expect_eq "file: nothing was started" 0 \
    "$(grep -c "session $(last_field end session): started" "$T/dived.log")"

# --- The size limit. ---
SM=$T/max.sock
start_dived "$SM" --record --record-max 2000 --record-dir "$REC" \
    --audit-log "$AUD"
out=$(cd / && "$DIVE" "$SM" seq 1 3000 | wc -l)
expect_eq "max: the client gets all of the output" 3000 "$out"
f=$(last_file)
expect_eq "max: the recording ends with a marker" \
    "m recording cut: the limit of 2000 bytes is reached" \
    "$(cast_py "$f" 'ev[-1][1] + " " + ev[-1][2]')"
expect_eq "max: the events before it stay within the limit" yes \
    "$([ "$(head -n -1 "$f" | wc -c)" -le 2000 ] && echo yes || echo no)"
expect_match "max: the audit record says it was cut" "^$f false [0-9]+ true None\$" \
    "$(record_of end)"
stop_dived "$DIVED_PID"

# --- A full disk: the session ends, unless it may fail open. ---
mkdir -p "$T/full"
if mount -t tmpfs -o size=64k,mode=0700 dive-record "$T/full" 2>/dev/null; then
	SF=$T/full.sock
	printf 'permit record root cmd /bin/sh\npermit record failopen root\n' \
	    >"$T/full.rules"
	chmod 600 "$T/full.rules"
	start_dived "$SF" --policy "$T/full.rules" --record-dir "$T/full" \
	    --audit-log "$AUD"
	dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
	truncate -s -8192 "$T/full/filler"
	s0=$(date +%s)
	out=$(cd / && "$DIVE" "$SF" /bin/sh -c 'seq 1 100000; sleep 8; echo NOT-REACHED' 2>&1 >/dev/null)
	expect_eq "full: a recording that cannot be written ends the session" \
	    "125 dive: the session's recording failed (No space left on device), and so the session was ended" \
	    "$? $out"
	expect_eq "full: at once, not when the program would have ended" yes \
	    "$([ $(($(date +%s) - s0)) -lt 6 ] && echo yes || echo no)"
	expect_eq "full: audited as failed, ended by the recording" \
	    "failed record-failed" \
	    "$(last_field end outcome) $(last_field end ended_by)"
	expect_match "full: with the recording's error" \
	    " No space left on device\$" "$(record_of end)"
	expect_eq "full: the recording holds whole lines only" True \
	    "$(cast_py "$(last_file)" 'len(ev) > 0')"
	rm -f "$(last_file)"
	(cd / && "$DIVE" "$SF" sh -c 'seq 1 100000; exit 4') >"$T/fo.out" \
	    2>"$T/fo.err"
	expect_eq "full: failopen lets the session go on to its end" \
	    "4 100000 " "$? $(tail -n 1 "$T/fo.out") $(cat "$T/fo.err")"
	expect_eq "full: audited as exited, with the recording's error" \
	    "exited No space left on device" \
	    "$(last_field end outcome) $(record_of end | sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* //')"
	rm -f "$T/full/filler"
	stop_dived "$DIVED_PID"
	umount "$T/full"
else
	skip "full: a recording on a full disk" "cannot mount a tmpfs here"
fi

# --- A client flooding its input: bounded memory, other sessions served. ---
rss() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}
# What "small" is, in KiB: far below the flood; the sanitizer build's
# runtime alone takes some megabytes.
SMALL=16384
(cd / && head -c 50000000 /dev/zero | "$DIVE" "$SI" sleep 4) &
c=$!
sleep 2
mon=$(sessions "$SIPID" | head -n 1)
recp=$(pgrep -P "${mon:-0}" -f '^dived: recorder' | head -n 1)
r1=$(rss "$recp")
m1=$(rss "$mon")
sleep 1
r2=$(rss "$recp")
m2=$(rss "$mon")
expect_eq "flood: the recorder stays small while the client floods" yes \
    "$([ -n "$r2" ] && [ "$r2" -lt "$SMALL" ] && [ "$r2" -le $((r1 + 64)) ] && echo yes || echo "no ($r1 then $r2 KiB)")"
expect_eq "flood: so does the monitor" yes \
    "$([ -n "$m2" ] && [ "$m2" -le $((m1 + 64)) ] && [ "$m2" -lt $((4 * SMALL)) ] && echo yes || echo "no ($m1 then $m2 KiB)")"
expect_eq "flood: another session is served meanwhile" served \
    "$(cd / && timeout 5 "$DIVE" "$SI" echo served)"
wait "$c"
expect_eq "flood: the flooded session ends as its program did" 0 "$?"
# The same through a terminal: dive copies what script(1) is given,
# which script keeps in its own memory once no one reads it.
recorder_of() {
	local m
	for m in $(sessions "$1"); do
		pgrep -P "$m" -f '^dived: recorder'
	done | head -n 1
}
head -c 4000000 /dev/zero | script -qec "$DIVE -t $SI sleep 3" /dev/null \
    >/dev/null &
c=$!
for i in $(seq 50); do
	recp=$(recorder_of "$SIPID")
	[ -n "$recp" ] && break
	sleep 0.1
done
sleep 1.5
expect_eq "flood: through a terminal the recorder stays small too" yes \
    "$(r=$(rss "$recp"); [ -n "$r" ] && [ "$r" -lt "$SMALL" ] && echo yes || echo "no (${r:-?} KiB)")"
wait "$c"

# --- The directory must be root's alone; -w cannot record. ---
mkdir -m 0770 "$T/open"
out=$("$DIVED" "$T/x.sock" --record --record-dir "$T/open" 2>&1)
expect_eq "start: a recording directory others may write is refused" \
    "1 dived: --record-dir: $T/open: must be a directory owned by root and writable by no one else" \
    "$? $out"
out=$("$DIVED" "$T/x.sock" --policy "$T/rec.rules" --record-dir "$T/open" 2>&1)
expect_match "start: so it is for rules that record" \
    "a rule records, and --record-dir cannot serve" "$out"
expect_eq "start: refused start-ups leave no socket" absent \
    "$([ -e "$T/x.sock" ] && echo present || echo absent)"
"$DIVED" "$T/x.sock" -w --record >/dev/null 2>&1
expect_eq "-w: --record is a usage error" 4 $?
SW=$T/w.sock
start_dived "$SW" -w --policy "$T/rec.rules" --record-dir "$REC"
out=$(cd / && "$DIVE" "$SW" true 2>&1)
expect_eq "-w: a rule that records denies the request" \
    "125 dive: the rule at line 1 records the session, which -w cannot: the program would hold the client's terminal and descriptors itself" \
    "$? $out"
stop_dived "$DIVED_PID"

# --- Another user, as root: the recording is not theirs to read. ---
U=divrec$$
if add_test_user "$U"; then
	printf 'permit record %s as root\n' "$U" >"$T/user.rules"
	chmod 600 "$T/user.rules"
	SU=$T/user.sock
	start_dived "$SU" -C 0777 --policy "$T/user.rules" --record-dir "$REC" \
	    --audit-log "$AUD"
	out=$(cd / && setpriv --reuid="$U" --regid="${U}p" --init-groups \
	    "$DIVE" "$SU" sh -c 'id -u; echo AS-ROOT-$((2*5))')
	expect_eq "user: a rule runs the program as root, recorded" \
	    "0 AS-ROOT-10" "$(echo $out)"
	f=$(last_file)
	expect_eq "user: the recording has it" True \
	    "$(cast_py "$f" '"AS-ROOT-10" in out')"
	expect_eq "user: the user cannot read the recording" denied \
	    "$(setpriv --reuid="$U" --regid="${U}p" --init-groups cat "$f" \
	    >/dev/null 2>&1 && echo read || echo denied)"
	stop_dived "$DIVED_PID"
else
	skip "user: recorded as root" "cannot add a test user"
fi

# --- An unprivileged dived records as its own user. ---
mkdir -m 0700 "$T/nrec"
chown nobody "$T/nrec"
NS=@dive-record-$$
start_dived_nobody "$NS" --record --record-dir "$T/nrec"
out=$(cd / && DIVE_SERVERUID=nobody "$DIVE" "$NS" echo NOBODY-$((3*3)))
expect_eq "unprivileged: the session runs" NOBODY-9 "$out"
f=$(ls "$T"/nrec/*.cast 2>/dev/null | head -n 1)
expect_eq "unprivileged: its recording is dived's user's, 0600" \
    "nobody 600 True" \
    "$(stat -c '%U %a' "$f" 2>&1) $(cast_py "$f" '"NOBODY-9" in out')"
stop_dived "$DIVED_PID"

# --- A recorder taken over by what the client types. ---
expect_eq "hooks: the normal recorder program has no test hooks" 0 \
    "$(grep -ac -- '@dive-testhook:' "$BIN/dived-recorder")"
if [ -x "$BIN/dived-hooks" ] && [ -x "$BIN/dived-recorder-hooks" ]; then
	SH=$T/hooks.sock
	DIVED=$BIN/dived-hooks start_dived "$SH" --record-input \
	    --record-dir "$REC" --audit-log "$AUD"
	for h in open execve socket kill; do
		s0=$(date +%s)
		out=$(echo "@dive-testhook:$h" | (cd / && "$DIVE" "$SH" sleep 10) 2>&1)
		expect_eq "hostile $h: the recorder's filter kills it, the session ends" \
		    "125 dive: the session's recording failed (the recorder was killed by its seccomp filter), and so the session was ended" \
		    "$? $out"
		expect_eq "hostile $h: at once, not when the program ends" yes \
		    "$([ $(($(date +%s) - s0)) -lt 8 ] && echo yes || echo no)"
		expect_eq "hostile $h: audited as ended by the recording" \
		    "failed record-failed" \
		    "$(last_field end outcome) $(last_field end ended_by)"
		expect_eq "hostile $h: no session process is left" "" \
		    "$(wait_for no_sessions "$DIVED_PID"; sessions "$DIVED_PID")"
	done
	expect_eq "hostile: dived serves on" ok \
	    "$(cd / && "$DIVE" "$SH" echo ok 2>&1)"
	stop_dived "$DIVED_PID"
else
	skip "hostile: a recorder taken over" "the test build was not made"
fi

expect_eq "record: no session process is left" "" \
    "$(for p in "$SPID" "$SIPID" "$S0PID"; do sessions "$p"; done)"
