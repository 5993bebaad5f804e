# The rule file (--policy, --check-policy, SIGHUP) and the audit log
# (--audit-log): who may run what, as whom, and the record of each
# decision and each end; and the two controls --time-limit and
# --die-with-client.

if ! is_root; then
	skip "policy: tests" "need root to create users and switch to them"
	return 0
fi

add_test_user dpol1 && add_test_user dpol2 || {
	fail "policy: create test users" "useradd failed"
	return 0
}
u1=$(id -u dpol1)
g1=$(id -g dpol1)
u2=$(id -u dpol2)
g2=$(id -g dpol2)

# as_user USER CMD...: CMD as USER with the user's groups, from /.
as_user() {
	local u=$1
	shift
	(cd / && setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
	    --init-groups -- "$@")
}

# The audit records of a file, one per line, through a JSON parser:
# prints "event outcome rule-line argv0" per record, or "BAD LINE".
audit_summary() {
	python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    try:
        r = json.loads(line)
    except ValueError:
        print("BAD", line)
        continue
    rule = r["rule"]["line"] if r["rule"] else "-"
    argv = r["argv"][0] if r["argv"] else "-"
    print(r["event"], r["outcome"], rule, argv)
' "$1"
}

P=$T/policy.conf
cat >"$P" <<'EOF'
# Test rules: the first that matches decides.
deny dpol2 cmd /bin/false
permit :dpol1s as dpol2 cmd /usr/bin/id
permit env { KEEP SET=fixed } dpol2 cmd /usr/bin/env
permit timelimit 1 dpol2 cmd /bin/sleep
permit nocwd dpol1 cmd /bin/pwd args
permit "root"
EOF

# --check-policy
out=$("$DIVED" --check-policy "$P" 2>&1)
expect_eq "check: a good file is accepted" \
    "0 $P: 6 rules, no errors
sha256: $(sha256sum "$P" | cut -d' ' -f1)" "$? $out"
cp "$P" "$T/open.conf"
chmod 0666 "$T/open.conf"
out=$("$DIVED" --check-policy "$T/open.conf" 2>&1)
expect_eq "check: a file others may write is refused" \
    "1 $T/open.conf: writable by group or others" "$? $out"
chmod 0644 "$T/open.conf"
chown nobody "$T/open.conf"
out=$("$DIVED" --check-policy "$T/open.conf" 2>&1)
expect_eq "check: a file of another user is refused" \
    "1 $T/open.conf: owned by another user than root or dived's own" \
    "$? $out"
cat >"$T/bad.conf" <<'EOF'
permit dpol1
allow dpol1
permit nobody-such-user
permit dpol1 cmd id
permit timelimit 0 dpol1
permit env { PATH dpol1
EOF
out=$("$DIVED" --check-policy "$T/bad.conf" 2>&1)
expect_eq "check: a bad file exits 1" 1 $?
expect_eq "check: every error as FILE:LINE:COL: message" \
"$T/bad.conf:2:1: allow: expected permit or deny
$T/bad.conf:3:8: nobody-such-user: no such user
$T/bad.conf:4:18: cmd id: not an absolute path
$T/bad.conf:5:18: timelimit 0: expected seconds from 1 to 31536000
$T/bad.conf:6:8: env: missing }" "$out"
for i in $(seq 70); do echo bad; done >"$T/many.conf"
out=$("$DIVED" --check-policy "$T/many.conf" 2>&1)
expect_eq "check: the errors past 64 are counted" \
    "$T/many.conf: 6 more errors" "$(echo "$out" | tail -n 1)"
out=$("$DIVED" --check-policy "$T/missing.conf" 2>&1)
expect_eq "check: a missing file says so" \
    "1 $T/missing.conf: No such file or directory" "$? $out"
out=$("$DIVED" --check-policy "$P" --as dpol1 -- /usr/bin/id -un 2>&1)
expect_eq "check: --as tells an allowed request's rule" 0 $?
expect_match "check: the deciding rule is shown as the file has it" \
    "^rule: $P:3: permit :dpol1s as dpol2 cmd /usr/bin/id$" "$out"
expect_match "check: and the target" "as: uid $u2 euid $u2 gid $g2 user dpol2" \
    "$out"
out=$("$DIVED" --check-policy "$P" --as dpol2 -- /bin/false 2>&1)
expect_eq "check: a denied request exits 1" 1 $?
expect_eq "check: and names its rule" \
    "rule: $P:2: deny dpol2 cmd /bin/false
denied: denied by the rule at line 2" "$out"
out=$("$DIVED" --check-policy "$P" --as dpol1 -- /bin/ls 2>&1)
expect_eq "check: no match denies" \
    "1 rule: none matches
denied: no rule permits uid $u1 to run /bin/ls" "$(echo $?) $out"
out=$("$DIVED" --check-policy "$P" --as dpol1 2>&1)
expect_eq "check: --as without a command is a usage error" 4 $?
out=$("$DIVED" "$T/x.sock" --policy "$T/bad.conf" 2>&1)
expect_eq "start: a bad rule file stops dived" 1 $?
expect_match "start: with the errors" "bad.conf:2:1: allow" "$out"

# Rule matching, end to end.
S=$T/pol.sock
A=$T/audit.log
start_dived "$S" -C 0777 --policy "$P" --audit-log "$A"
expect_eq "match: a group rule runs the program as its target" dpol2 \
    "$(as_user dpol1 "$DIVE" "$S" /usr/bin/id -un 2>&1)"
out=$(cd / && setpriv --reuid="$u1" --regid="$g1" --clear-groups -- \
    "$DIVE" "$S" /usr/bin/id -un 2>&1)
expect_eq "match: the group comes from the client's credentials" \
    "125 dive: no rule permits uid $u1 to run /usr/bin/id" "$? $out"
out=$(as_user dpol2 "$DIVE" "$S" /bin/false 2>&1)
expect_eq "match: a deny rule refuses" \
    "125 dive: denied by the rule at line 2" "$? $out"
out=$(as_user dpol2 env KEEP=1 DROP=2 "$DIVE" "$S" /usr/bin/env 2>&1)
expect_eq "match: env keeps what is listed and sets values" \
    "KEEP=1 SET=fixed" "$(echo "$out" | grep -v '^DIVE_' | sort | xargs)"
expect_eq "match: env still has dived's DIVE_ variables" \
    "DIVE_GID DIVE_PID DIVE_UID DIVE_USER" \
    "$(echo "$out" | grep '^DIVE_' | cut -d= -f1 | sort | xargs)"
expect_eq "match: nocwd starts in dived's directory" "$PWD" \
    "$(cd "$T" && setpriv --reuid="$u1" --regid="$g1" --init-groups -- \
    "$DIVE" "$S" /bin/pwd 2>&1)"
out=$(as_user dpol1 "$DIVE" "$S" /bin/pwd -P 2>&1)
expect_eq "match: exact arguments: one more is refused" \
    "125 dive: no rule permits uid $u1 to run /bin/pwd" "$? $out"

# The time limit: SIGTERM, and the client sees it.
start=$(date +%s)
st=$(cd / && wait_status setpriv --reuid="$u2" --regid="$g2" --init-groups \
    -- "$DIVE" "$S" /bin/sleep 30)
expect_eq "time limit: the program ends by SIGTERM" "signal 15" "$st"
expect_eq "time limit: after about its seconds" yes \
    "$([ $(($(date +%s) - start)) -lt 10 ] && echo yes || echo no)"

# The audit file: every record is one JSON line.
expect_eq "audit: the records of allowed, denied and timed-out sessions" \
"decision allowed 3 /usr/bin/id
end exited 3 /usr/bin/id
decision denied - /usr/bin/id
decision denied 2 /bin/false
decision allowed 4 /usr/bin/env
end exited 4 /usr/bin/env
decision allowed 6 /bin/pwd
end exited 6 /bin/pwd
decision denied - /bin/pwd
decision allowed 5 /bin/sleep
end signaled 5 /bin/sleep" "$(audit_summary "$A")"
expect_eq "audit: the fields of a decision" \
    "dpol1 $u1 $g1 $u2 $g2 /usr/bin/id,-un $P 3" \
    "$(head -n 1 "$A" | python3 -c '
import json, sys
r = json.load(sys.stdin)
p, t = r["peer"], r["target"]
print(p["user"], p["uid"], p["gid"], t["uid"], t["gid"], ",".join(r["argv"]),
      r["rule"]["file"], r["rule"]["line"])')"
expect_eq "audit: the end of a timed-out program" \
    "None 15 time-limit 1 True" \
    "$(tail -n 1 "$A" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(r["exit"], r["signal"], r["ended_by"], r["time_limit"],
      r["duration"] > 0.5 and r["pid"] > 0)')"

# A client in more groups than a session has room for at first (64): the
# rule's group is the last of 100.
many=$(seq -s, 70001 70099),$(getent group dpol1s | cut -d: -f3)
expect_eq "match: the group is found among the 100 the client holds" dpol2 \
    "$(cd / && setpriv --reuid="$u1" --regid="$g1" --groups="$many" -- \
    "$DIVE" "$S" /usr/bin/id -un 2>&1)"

# Hostile strings cannot split or forge a record.
: >"$A"
perl -e '$ENV{"EVIL\n{\"event\":\"forged\"}"} = "v"; exec @ARGV' -- \
    "$DIVE" "$S" /bin/true "$(printf 'a\nb')" '"}, {"event": "forged' \
    "$(printf '\001\033[31m\177')" "$(printf '\377\376')" "$(printf 'caf\303\251')"
expect_eq "escaping: still two records" 2 "$(wc -l <"$A")"
expect_eq "escaping: argv comes back byte for byte" ok "$(python3 -c '
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
a = rs[0]["argv"]
want = ["/bin/true", "a\nb", "\"}, {\"event\": \"forged", "\x01\x1b[31m\x7f",
        {"hex": "fffe"}, "caf\u00e9"]
env = "EVIL\n{\"event\":\"forged\"}" in rs[0]["env"]
print("ok" if a == want and env and all(r["event"] != "forged" for r in rs)
      else repr((a, rs[0]["env"])))' "$A")"
# A long argument is cut, and the record says so and how long it was.
: >"$A"
long=$(printf 'x%.0s' $(seq 1100))
"$DIVE" "$S" /bin/true "$long" "$(printf '\377')$long" \
    "xx$(head -c 1100 /dev/zero | tr '\0' '\200')"
expect_eq "audit: a cut argument says it is cut, and its whole length" \
    "1100 1024 1101 2048 1102 hex" "$(head -n 1 "$A" | python3 -c '
import json, sys
a = json.load(sys.stdin)["argv"]
print(a[1]["bytes"], len(a[1]["text"]), a[2]["bytes"], len(a[2]["hex"]),
      a[3]["bytes"], "hex" if "hex" in a[3] else "text")')"
expect_no_match "escaping: no raw control byte in the file" \
    "$(printf '[\001\033\177]')" "$(cat "$A")"

# The audit log's descriptor stays out of programs.
expect_no_match "audit: the log is not open in the program" "audit\.log" \
    "$("$DIVE" "$S" sh -c 'ls -l /proc/self/fd/' 2>&1)"

# A failed start is recorded, and so is a parser the filter killed.
: >"$A"
"$DIVE" "$S" /nonexistent/program 2>/dev/null
expect_eq "audit: a program that cannot start is recorded as failed" \
    "decision allowed 7 /nonexistent/program
end failed 7 /nonexistent/program" "$(audit_summary "$A")"
expect_match "audit: with the reason" '"reason":"[^"]*nonexistent' \
    "$(tail -n 1 "$A")"
expect_eq "audit: a failed start has no exit status" "None None" \
    "$(tail -n 1 "$A" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(r.get("exit"), r.get("signal"))')"

# SIGHUP: new rules for new sessions; a broken file keeps the old ones.
cp "$P" "$T/policy.old"
{ echo "deny root cmd /bin/echo"; cat "$T/policy.old"; } >"$P"
kill -HUP "$DIVED_PID"
sleep 0.5
out=$("$DIVE" "$S" /bin/echo hi 2>&1)
expect_eq "reload: SIGHUP reads the new rules" \
    "125 dive: denied by the rule at line 1" "$? $out"
echo "permit bogus-user-dpol" >"$P"
kill -HUP "$DIVED_PID"
sleep 0.5
out=$("$DIVE" "$S" /bin/echo hi 2>&1)
expect_eq "reload: a broken file keeps the previous rules" \
    "125 dive: denied by the rule at line 1" "$? $out"
expect_match "reload: and the log says why" \
    "policy.conf:1:8: bogus-user-dpol: no such user.*previous rules stay" \
    "$(tr '\n' ' ' <"$T/dived.log")"
expect_eq "reload: dived still serves" still "$("$DIVE" "$S" sh -c 'echo still')"

# SIGHUP reopens the audit log (rotation).
mv "$A" "$A.1"
kill -HUP "$DIVED_PID"
sleep 0.5
"$DIVE" "$S" /bin/true
expect_eq "reload: the audit log is reopened" "decision allowed" \
    "$(audit_summary "$A" 2>/dev/null | head -n 1 | cut -d' ' -f1,2)"
stop_dived "$DIVED_PID"

# Fail closed: no record, no program.  The log is on a file system with
# no room left (the audit log must be a regular file, so not /dev/full).
S2=$T/full.sock
mkdir "$T/full"
if mount -t tmpfs -o size=4k,mode=0755 dive-test "$T/full"; then
	: >"$T/full/audit.log"
	head -c 8192 /dev/zero >"$T/full/filler" 2>/dev/null
	start_dived "$S2" --audit-log "$T/full/audit.log"
	rm -f "$T/marker"
	out=$("$DIVE" "$S2" touch "$T/marker" 2>&1)
	expect_eq "fail closed: an audit write that fails refuses the session" \
	    "125 dive: the audit log cannot be written" "$? $out"
	expect_eq "fail closed: nothing ran" absent \
	    "$([ -e "$T/marker" ] && echo present || echo absent)"
	expect_match "fail closed: the failure is reported" \
	    "audit log: No space left on device" "$(cat "$T/dived.log")"
	stop_dived "$DIVED_PID"
	umount "$T/full"
else
	skip "fail closed: an audit write that fails" "cannot mount a tmpfs"
fi

# A record that fits only in part is taken back whole: the log never
# holds half a record for the next one to be appended to, and the reason
# logged is the kernel's.  One page is left for the log; the first
# session's records fill most of it, the second's decision overflows.
S3=$T/torn.sock
if mount -t tmpfs -o size=8k,mode=0755 dive-test "$T/full"; then
	: >"$T/full/audit.log"
	head -c 4096 /dev/zero >"$T/full/filler"
	start_dived "$S3" --audit-log "$T/full/audit.log"
	big=$(head -c 500 /dev/zero | tr '\0' x)
	"$DIVE" "$S3" /bin/true "$big"
	expect_eq "torn record: the first session is recorded" 0 "$?"
	n=$(wc -l <"$T/dived.log")
	out=$("$DIVE" "$S3" /bin/true "$big" "$big" 2>&1)
	expect_eq "torn record: the session that cannot be recorded is refused" \
	    "125 dive: the audit log cannot be written" "$? $out"
	expect_match "torn record: the kernel's reason is logged" \
	    "audit log: No space left on device" \
	    "$(tail -n +"$((n + 1))" "$T/dived.log")"
	expect_eq "torn record: the log ends with a whole line" 1 \
	    "$(tail -c 1 "$T/full/audit.log" | od -An -c | grep -c '\\n')"
	rm -f "$T/full/filler"
	"$DIVE" "$S3" /bin/true
	expect_eq "torn record: once there is room, records go on" 0 "$?"
	wait_for test "$(grep -c . "$T/full/audit.log")" -ge 4
	expect_eq "torn record: every line is one JSON record" "0 4" \
	    "$(perl -MJSON::PP -ne 'eval { decode_json($_); 1 } or $bad++;
	    END { print $bad + 0, " ", $. }' "$T/full/audit.log")"
	stop_dived "$DIVED_PID"
	umount "$T/full"
else
	skip "torn record: tests" "cannot mount a tmpfs"
fi

# Authentication failures and seccomp kills are recorded as denials.
S3=$T/auth.sock
A3=$T/audit3.log
start_dived "$S3" -a false --audit-log "$A3"
"$DIVE" "$S3" true 2>/dev/null
expect_match "audit: an authentication failure is a denial" \
    '"event":"decision".*"outcome":"denied","reason":"authentication failed' \
    "$(cat "$A3")"
stop_dived "$DIVED_PID"
if [ -x "$BIN/dived-hooks" ]; then
	S4=$T/hook.sock
	"$BIN/dived-hooks" "$S4" --audit-log "$A3" 2>>"$T/dived.log" &
	DIVED_PID=$!
	DIVED_PIDS+=("$DIVED_PID")
	wait_for listening "$S4"
	"$DIVE" "$S4" @dive-testhook:open "$T/marker" 2>/dev/null
	expect_match "audit: a parser killed by its filter is recorded" \
	    '"reason":"request parser killed by its seccomp filter"' \
	    "$(cat "$A3")"
	stop_dived "$DIVED_PID"
fi

# --time-limit: SIGKILL after the grace period when SIGTERM is ignored.
S5=$T/limit.sock
start_dived "$S5" --time-limit 1
start=$(date +%s)
st=$(wait_status "$DIVE" "$S5" sh -c 'trap "" TERM; sleep 30; exit 0')
expect_eq "time limit: an ignored SIGTERM is followed by SIGKILL" \
    "signal 9" "$st"
expect_eq "time limit: within the grace period" yes \
    "$([ $(($(date +%s) - start)) -lt 10 ] && echo yes || echo no)"
expect_eq "time limit: a quick program is untouched" "exit 3" \
    "$(wait_status "$DIVE" "$S5" sh -c 'exit 3')"
stop_dived "$DIVED_PID"

# --die-with-client: the program ends when its client goes.
S6=$T/die.sock
A6=$T/audit6.log
start_dived "$S6" --die-with-client --audit-log "$A6"
rm -f "$T/prog.pid"
"$DIVE" "$S6" sh -c 'echo $$ >"$1"; exec sleep 60' - "$T/prog.pid" &
client=$!
wait_for test -s "$T/prog.pid"
prog=$(cat "$T/prog.pid")
# (bash reports a killed job on stderr; it is expected here)
exec 3>&2 2>/dev/null
kill -KILL "$client"
wait "$client"
exec 2>&3 3>&-
gone() { ! kill -0 "$1" 2>/dev/null; }
if wait_for gone "$prog"; then
	ok "die with client: the program ends with its client"
else
	fail "die with client: the program ends with its client" "pid $prog alive"
	kill -KILL "$prog" 2>/dev/null
fi
wait_for grep -q '"event":"end"' "$A6"
expect_match "die with client: recorded" \
    '"signal":9,.*"ended_by":"client-gone"' "$(grep '"event":"end"' "$A6")"
expect_eq "die with client: a client that stays gets the status" "exit 0" \
    "$(wait_status "$DIVE" "$S6" true)"
stop_dived "$DIVED_PID"

# -w cannot keep a time limit: refused at start, or per rule.
out=$("$DIVED" "$T/w.sock" -w --time-limit 5 2>&1)
expect_eq "-w: --time-limit is a usage error" 4 $?
echo "permit timelimit 5 *" >"$T/w.conf"
S8=$T/w.sock
start_dived "$S8" -w --policy "$T/w.conf"
out=$("$DIVE" "$S8" true 2>&1)
expect_eq "-w: a rule's time limit denies the request" \
    "125 dive: the rule at line 1 sets a time limit or die-with-client, which -w cannot keep" \
    "$? $out"
stop_dived "$DIVED_PID"

# A session over a bound is recorded by the master.
S9=$T/bound.sock
A9=$T/audit9.log
start_dived "$S9" --max-per-uid 1 --audit-log "$A9"
"$DIVE" "$S9" sleep 3 &
busy=$!
wait_for grep -q '"outcome":"allowed"' "$A9"
"$DIVE" "$S9" true 2>/dev/null
expect_match "audit: a session over a bound is a denial" \
    '"outcome":"denied","reason":"too many sessions for uid 0' "$(cat "$A9")"
wait "$busy"
stop_dived "$DIVED_PID"

# Session IDs stay unique in a log that outlives a run of dived: two
# runs in turn on one audit log, and two with -F, share none, and each
# allowed decision pairs with exactly one end by its ID, a denial with
# none.  The log names each session by the same ID.
S10=$T/ids.sock
A10=$T/ids.audit
printf '%s\n' 'deny dpol2 cmd /bin/false' 'permit root' >"$T/ids.conf"
ends=0
for run in 1 2 F1 F2; do
	case $run in
	F*)
		start_dived "$S10" -F -C 0777 --policy "$T/ids.conf" \
		    --audit-log "$A10"
		"$DIVE" "$S10" true
		ends=$((ends + 1))
		wait_for gone "$DIVED_PID"
		;;
	*)
		start_dived "$S10" -C 0777 --policy "$T/ids.conf" \
		    --audit-log "$A10"
		"$DIVE" "$S10" true
		"$DIVE" "$S10" sh -c 'exit 3'
		as_user dpol2 "$DIVE" "$S10" /bin/false 2>/dev/null
		"$DIVE" "$S10" /nonexistent/program 2>/dev/null
		ends=$((ends + 3))
		;;
	esac
	wait_for test "$(grep -c '"event":"end"' "$A10")" -ge "$ends"
	stop_dived "$DIVED_PID"
	echo "$run $(grep -c . "$A10")"
done >"$T/ids.runs"
ids_check() {
	python3 - "$1" "$A10" "$T/ids.runs" "$T/dived.log" <<'PY'
import collections, json, re, sys
what, audit, runs, log = sys.argv[1:]
recs = [json.loads(l) for l in open(audit)]
ids, start = [], 0
for line in open(runs):
    end = int(line.split()[1])
    ids.append({r["session"] for r in recs[start:end]})
    start = end
if what == "shared":
    seen = collections.Counter(i for run in ids for i in run)
    print(sum(1 for run in ids if run), "runs,",
          sum(1 for n in seen.values() if n > 1), "IDs shared")
elif what == "pairs":
    got = collections.defaultdict(list)
    for r in recs:
        got[r["session"]].append(r["event"] + " " + r["outcome"])
    odd = [i for i, ev in got.items() if len(ev) != 2 - (ev[0] ==
           "decision denied") or not ev[0].startswith("decision")]
    print(len(got), "sessions, unpaired:", " ".join(odd) or "none")
elif what == "log":
    text = open(log).read()
    miss = [i for i in set().union(*ids) if
            not re.search("session " + re.escape(i) + ": peer pid", text)]
    print("not logged:", " ".join(miss) or "none")
PY
}
expect_eq "ids: runs of dived in turn on one log share no session ID" \
    "4 runs, 0 IDs shared" "$(ids_check shared)"
expect_eq "ids: each decision pairs with its end by ID, a denial with none" \
    "10 sessions, unpaired: none" "$(ids_check pairs)"
expect_eq "ids: the log names each session by its record's ID" \
    "not logged: none" "$(ids_check log)"

# Every form a string or a list takes in a record, in a log that stays
# for regress/run to check each record against the schema.
S11=$T/forms.sock
A11=$T/forms.audit
start_dived "$S11" --audit-log "$A11"
long=$(printf 'x%.0s' $(seq 1100))
env $(printf 'V%s=1 ' $(seq 300)) "$DIVE" "$S11" /bin/true "$long" \
    "$(printf '\377\376')" "$(printf '\377')$long" $(seq 300)
wait_for grep -q '"event":"end"' "$A11"
expect_eq "audit: cut, hex and cut hex strings, and the counts of the rest" \
    "bytes,text hex bytes,hex 48 yes" "$(head -n 1 "$A11" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(*(",".join(sorted(a)) for a in r["argv"][1:4]), r["argv_more"],
      "yes" if r["env_more"] > 0 else "no")')"
stop_dived "$DIVED_PID"

# Without --policy or --audit-log, SIGHUP still stops dived.
S7=$T/plain.sock
start_dived "$S7"
kill -HUP "$DIVED_PID"
if wait_for gone "$DIVED_PID"; then
	ok "reload: without a rule file or audit log SIGHUP stops dived"
else
	fail "reload: without a rule file or audit log SIGHUP stops dived" \
	    "still running"
fi
