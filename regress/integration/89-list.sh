# dive -l: what a client may run, or whether one command line may run,
# answered from the kernel's word on who asks, never naming the rules of
# others, running nothing, recorded, logged and counted as a session;
# and malformed or forged list requests, from a client or a parser.

if ! is_root; then
	skip "list: tests" "need root to create users and switch to them"
	return 0
fi

add_test_user dlst1 && add_test_user dlst2 && add_test_user dlst3 || {
	fail "list: create test users" "useradd failed"
	return 0
}
u1=$(id -u dlst1)
u2=$(id -u dlst2)
g2=$(id -g dlst2)
u3=$(id -u dlst3)

# as_user USER CMD...: CMD as USER with the user's groups, from /.
as_user() {
	local u=$1
	shift
	(cd / && setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
	    --init-groups -- "$@")
}

# list_run USER ARG...: dive -l ARG... as USER; rc, out and err.
list_run() {
	local u=$1
	shift
	out=$(as_user "$u" "$DIVE" -l "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}

# The list records of an audit log, one per line: "outcome uid argv".
list_records() {
	python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    r = json.loads(line)
    if r["event"] != "list":
        continue
    argv = " ".join(r["argv"]) if r["argv"] is not None else "-"
    print(r["outcome"], r["peer"]["uid"], argv)
' "$1"
}

P=$T/list.rules
cat >"$P" <<'EOF'
# Who may run what, for dive -l.
permit dlst1 as root cmd /usr/bin/id args -u
deny dlst1 cmd /bin/false
permit timelimit 30 :dlst1s as dlst2 cmd /usr/bin/whoami
permit dlst1 cmd /usr/bin/touch
permit dlst2 as root cmd /usr/bin/only-for-dlst2
permit :dlst2s cmd /bin/only-for-group-dlst2s
deny dlst3 cmd /bin/true
EOF
chmod 644 "$P"
S=$T/list.sock
A=$T/list-audit.log
start_dived "$S" -C 0777 --policy "$P" --audit-log "$A" \
    -a "touch $T/authenticated"
master=$DIVED_PID

# ---------------------------------------------------------------- the rules
list_run dlst1 "$S"
expect_eq "rules: a user sees the rules that name it, in order, with targets and options" \
    "0 rules for uid $u1 (dlst1), in order; the first that matches a command line decides:
rule: $P:2: permit dlst1 as root cmd /usr/bin/id args -u
rule: $P:3: deny dlst1 cmd /bin/false
rule: $P:4: permit timelimit 30 :dlst1s as dlst2 cmd /usr/bin/whoami
rule: $P:5: permit dlst1 cmd /usr/bin/touch" "$rc $out"
expect_eq "rules: nothing on standard error" "" "$err"
expect_no_match "rules: another user's rules never appear, nor their commands" \
    "only-for|:6:|:7:|:8:|dlst2 as root|dlst3" "$out"

list_run dlst2 "$S"
expect_eq "rules: the other user sees its own rules, by user and by group" \
    "0 rules for uid $u2 (dlst2), in order; the first that matches a command line decides:
rule: $P:6: permit dlst2 as root cmd /usr/bin/only-for-dlst2
rule: $P:7: permit :dlst2s cmd /bin/only-for-group-dlst2s" "$rc $out"
expect_no_match "rules: and none of the first user's" "/usr/bin/id|whoami|touch|false" \
    "$out"

out=$(cd / && setpriv --reuid="$u1" --regid="$(id -g dlst1)" --clear-groups \
    -- "$DIVE" -l "$S" 2>&1)
expect_no_match "rules: a group rule is shown only to a client holding the group" \
    ":4:" "$out"

list_run dlst3 "$S"
expect_eq "rules: a user no rule permits is told so, status 1" \
    "1 rules for uid $u3 (dlst3), in order; the first that matches a command line decides:
rule: $P:8: deny dlst3 cmd /bin/true
no rule permits uid $u3 (dlst3) to run anything" "$rc $out"
out=$(as_nobody "$DIVE" -l "$S" 2>&1)
expect_eq "rules: a user no rule names is told so alone, status 1" \
    "1 no rule permits uid 65534 (nobody) to run anything" "$? $out"

# ------------------------------------------------------------ one command
list_run dlst1 "$S" /usr/bin/id -u
expect_eq "command: a permitted command line exits 0" 0 "$rc"
expect_eq "command: it names the deciding rule, then allowed" \
    "rule: $P:2: permit dlst1 as root cmd /usr/bin/id args -u
allowed
command: \"/usr/bin/id\" \"-u\"
as: uid 0 euid 0 gid 0 user root" "$(head -n 4 <<<"$out")"
expect_match "command: and what the program would get" \
    "descriptors: 0-2 only, umask: with 022 added" "$out"
expect_no_match "command: but no environment" "^environment" "$out"
list_run dlst1 "$S" /usr/bin/whoami
expect_match "command: a group rule's target and time limit are named" \
    "as: uid $u2 euid $u2 gid $g2 user dlst2.*time limit: 30 seconds" \
    "$(tr '\n' ' ' <<<"$out")"

list_run dlst1 "$S" /bin/false
expect_eq "command: a denied command line exits 1, naming the rule" \
    "1 rule: $P:3: deny dlst1 cmd /bin/false
denied: denied by the rule at line 3" "$rc $out"
list_run dlst1 "$S" /bin/ls
expect_eq "command: a command line no rule matches is denied" \
    "1 rule: none matches
denied: no rule permits uid $u1 to run /bin/ls" "$rc $out"
list_run dlst1 "$S" id -u
expect_eq "command: the program is matched as given, as a request's is" \
    "1 rule: none matches
denied: no rule permits uid $u1 to run id" "$rc $out"
list_run dlst2 "$S" /usr/bin/id -u
expect_match "command: another user's rule does not answer for this one" \
    "^rule: none matches" "$out"

# The answer is the decision a request gets.
out=$(as_user dlst1 "$DIVE" "$S" /usr/bin/id -u 2>&1)
expect_eq "same: the permitted command runs, as root" "0 0" "$? $out"
out=$(as_user dlst1 "$DIVE" "$S" /bin/false 2>&1)
expect_eq "same: the denied command is refused with the same reason" \
    "125 dive: denied by the rule at line 3" "$? $out"

# -------------------------------------------------------------- nothing runs
W=$T/w
mkdir -m 1777 "$W"
rm -f "$T/authenticated"
started=$(grep -c ': started pid ' "$T/dived.log")
list_run dlst1 "$S" /usr/bin/touch "$W/marker"
expect_eq "nothing: a permitted command is not run" "0 absent" \
    "$rc $([ -e "$W/marker" ] && echo present || echo absent)"
expect_eq "nothing: no program was started for any list request" \
    "$started" "$(grep -c ': started pid ' "$T/dived.log")"
expect_eq "nothing: the -a command is not run for a list request" absent \
    "$([ -e "$T/authenticated" ] && echo present || echo absent)"
as_user dlst1 "$DIVE" "$S" /usr/bin/touch "$W/marker" 2>/dev/null
expect_eq "nothing: while a request runs both" "present present" \
    "$([ -e "$W/marker" ] && echo present) $([ -e "$T/authenticated" ] && echo present)"
wait_for no_sessions "$master"
expect_eq "nothing: no session is left after list requests" "" \
    "$(sessions "$master")"

# What dive -l sends: its greeting and the question, no descriptor, no
# environment; a server that never answers makes it fail, status 125.
"$RAW" --record "$T/rec.sock" "$T/rec.bin" >"$T/rec.out" &
rec=$!
wait_for grep -q listening "$T/rec.out"
out=$(DIVE_PTY=1 SECRET_VALUE=x "$DIVE" -l "$T/rec.sock" /bin/true 2>&1 \
    5</dev/null)
rc=$?
wait "$rec"
expect_eq "sent: dive -l sends no descriptor" "descriptors 0" \
    "$(tail -n 1 "$T/rec.out")"
expect_eq "sent: only the greeting and the command line, 34 bytes" \
    "34 1" "$(stat -c %s "$T/rec.bin") $(grep -c /bin/true "$T/rec.bin")"
expect_eq "sent: no answer is a failure, status 125" \
    "125 dive: dived closed the connection" "$rc $out"

# ------------------------------------------------------- the log and record
expect_match "log: a listing is logged with the client's identity" \
    "session [0-9-]+: peer pid [0-9]+ uid $u1 gid [0-9]+ user dlst1: list: listed$" \
    "$(cat "$T/dived.log")"
expect_match "log: an answer for a command names it and the rule" \
    "user dlst1: list \"/usr/bin/id\" \"-u\": permitted by the rule at line 2$" \
    "$(cat "$T/dived.log")"
expect_match "log: a denied answer gives the reason" \
    "user dlst1: list \"/bin/false\": denied: denied by the rule at line 3$" \
    "$(cat "$T/dived.log")"
recs=$(list_records "$A")
expect_eq "audit: each answer has a record of event list, in order" \
    "listed $u1 -
listed $u2 -
listed $u1 -
denied $u3 -
denied 65534 -
permitted $u1 /usr/bin/id -u
permitted $u1 /usr/bin/whoami
denied $u1 /bin/false
denied $u1 /bin/ls
denied $u1 id -u
denied $u2 /usr/bin/id -u
permitted $u1 /usr/bin/touch $W/marker" "$recs"
expect_eq "audit: a permitted answer's record names its rule and target" \
    "2 0 null" "$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] == "list" and r["outcome"] == "permitted":
        print(r["rule"]["line"], r["target"]["uid"], json.dumps(r["env"]))
        break
' "$A")"

# An answer over its bound is cut between lines, and says so.
B=$T/long.rules
for i in $(seq 2000); do
	echo "permit dlst1 cmd /usr/bin/a-command-with-a-long-name-$i"
done >"$B"
start_dived "$T/long.sock" -C 0777 --policy "$B"
list_run dlst1 "$T/long.sock"
expect_eq "bound: a long answer still permits, status 0" 0 "$rc"
expect_eq "bound: it is cut after whole lines, under 64 KiB, and says so" \
    "yes (cut here: the whole text is over 65536 bytes)" \
    "$([ "$(printf '%s\n' "$out" | wc -c)" -le 65536 ] && echo yes) $(tail -n 1 <<<"$out")"
expect_match "bound: the lines before the note are whole rules" \
    "^rule: $B:[0-9]+: permit dlst1 cmd /usr/bin/a-command-with-a-long-name-[0-9]+$" \
    "$(tail -n 2 <<<"$out" | head -n 1)"
stop_dived "$DIVED_PID"

# -------------------------------------------------------- the options alone
S2=$T/opts.sock
start_dived "$S2" -C 0777 -u dlst2 -s net --time-limit 60 -- /bin/echo forced
list_run dlst1 "$S2"
expect_eq "options: without rules, what the options allow is listed" \
    "0 no rules: dived's options decide every request
command, then the client's arguments: \"/bin/echo\" \"forced\"
as: uid $u2 euid $u2 gid $g2 user dlst2" "$rc $(head -n 3 <<<"$out")"
expect_match "options: with their namespaces, time limit and capabilities" \
    "new namespaces: net.*time limit: 60 seconds.*capabilities: " \
    "$(tr '\n' ' ' <<<"$out")"
list_run dlst1 "$S2" hello
expect_eq "options: a command line gets the forced prefix, and no rule line" \
    "0 allowed
command: \"/bin/echo\" \"forced\" \"hello\"" "$rc $(head -n 2 <<<"$out")"
stop_dived "$DIVED_PID"

# ----------------------------------------------------- counted as a session
S3=$T/limit.sock
start_dived "$S3" -C 0777 --max-per-uid 2 --die-with-client
limited=$DIVED_PID
# setpriv execs dive: the pids are those of the two clients.
setpriv --reuid="$u1" --regid="$(id -g dlst1)" --init-groups -- \
    "$DIVE" "$S3" sleep 30 &
h1=$!
setpriv --reuid="$u1" --regid="$(id -g dlst1)" --init-groups -- \
    "$DIVE" "$S3" sleep 30 &
h2=$!
two() { [ "$(sessions "$limited" | wc -l)" -eq 2 ]; }
wait_for two
list_run dlst1 "$S3"
expect_eq "limits: a list request over --max-per-uid is refused" \
    "125 dive: too many sessions for uid $u1 (at most 2)" "$rc $err"
expect_eq "limits: and prints nothing on standard output" "" "$out"
list_run dlst2 "$S3"
expect_eq "limits: another uid still gets its answer" 0 "$rc"
kill "$h1" "$h2" 2>/dev/null
wait "$h1" "$h2" 2>/dev/null
wait_for no_sessions "$limited"
list_run dlst1 "$S3"
expect_eq "limits: once sessions end, the answer comes" 0 "$rc"
for i in 1 2 3 4; do
	as_user dlst1 "$DIVE" -l "$S3" >/dev/null 2>&1 || break
done
expect_eq "limits: a list request frees its session when answered" 4 "$i"
stop_dived "$limited"

# ------------------------------------------------- hostile clients
for how in "list-argc 3:truncated list request" \
    "list-argc 65537:too many arguments" \
    "list-fds:a list request takes no descriptors" \
    "fds-list:a list request takes no descriptors" \
    "list-oversize:request too large"; do
	# shellcheck disable=SC2086
	out=$(as_user dlst1 "$RAW" "$S" ${how%%:*})
	expect_match "hostile: ${how%%:*} is refused with a reason" \
	    "^error 125 ${how#*:}" "$(sed -n 2p <<<"$out")"
	expect_no_match "hostile: ${how%%:*} gets no answer" "^listing" "$out"
	expect_eq "hostile: after ${how%%:*}, dived answers the next client" 0 \
	    "$(as_user dlst1 "$DIVE" -l "$S" >/dev/null 2>&1; echo $?)"
done
expect_eq "hostile: the master lives on" yes "$(alive "$master" && echo yes)"
expect_match "hostile: refusals are recorded" \
    '"outcome":"denied","reason":"a list request takes no descriptors"' \
    "$(cat "$A")"

# A dive that speaks another protocol: said plainly, both ways.
"$RAW" --serve "$T/old.sock" 3 >"$T/old.out" &
old=$!
wait_for grep -q listening "$T/old.out"
out=$("$DIVE" -l "$T/old.sock" 2>&1)
rc=$?
wait "$old"
proto=$("$DIVE" --version | sed 's/.*protocol \([0-9]*\).*/\1/')
expect_eq "version: dive -l names both versions against an older dived" \
    "125 dive: $T/old.sock: dived speaks protocol 3, dive speaks $proto" \
    "$rc $out"
out=$("$RAW" "$S" hello 3)
expect_match "version: dived names both versions to an older dive" \
    "^error 125 protocol version mismatch: dive speaks 3, dived speaks $proto" \
    "$out"
stop_dived "$master"

# ------------------------------------------------- a hostile parser
HOOKED=$BIN/dived-hooks
if ! [ -x "$HOOKED" ]; then
	skip "forged list: tests" "$HOOKED was not built (make all builds it)"
	return 0
fi
SH=$T/hooks.sock
AH=$T/hooks-audit.log
DIVED=$HOOKED start_dived "$SH" -C 0777 --policy "$P" --audit-log "$AH"
out=$(as_user dlst2 "$RAW" "$SH" request @dive-testhook:forge-list "$T/m")
expect_eq "forged list: answered for the client the kernel names" \
    "listing 0
rules for uid $u2 (dlst2), in order; the first that matches a command line decides:" \
    "$(sed -n 2,3p <<<"$out")"
expect_no_match "forged list: never with another's rules" \
    "dlst1|/usr/bin/id" "$out"
expect_eq "forged list: recorded under the client's uid" "listed $u2 -" \
    "$(list_records "$AH" | tail -n 1)"
for h in uid:"trailing bytes in list request" \
    fds:"a list request takes no descriptors" \
    attached:"a list request takes no descriptors"; do
	out=$(as_user dlst2 "$RAW" "$SH" request "@dive-testhook:forge-list-${h%%:*}" \
	    "$T/m")
	expect_match "forged list: forge-list-${h%%:*} is refused by the monitor" \
	    "^error 125 bad request from parser: ${h#*:}" "$(sed -n 2p <<<"$out")"
done
expect_eq "forged list: the master lives on" yes \
    "$(alive "$DIVED_PID" && echo yes)"
stop_dived "$DIVED_PID"
