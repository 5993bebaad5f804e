# dive's environment knobs, each with its bad values.

S=$T/knobs.sock
start_dived "$S"

err=$(DIVE_CURDIR=/nonexistent/dir "$DIVE" "$S" pwd 2>&1)
expect_eq "DIVE_CURDIR: a missing directory fails before connecting" \
    "125 dive: /nonexistent/dir from DIVE_CURDIR: No such file or directory" \
    "$? $err"
err=$(DIVE_CURDIR=/etc/passwd "$DIVE" "$S" pwd 2>&1)
expect_eq "DIVE_CURDIR: a file is not a directory" \
    "125 dive: /etc/passwd from DIVE_CURDIR: Not a directory" "$? $err"
err=$(DIVE_ROOTDIR=/nonexistent/root "$DIVE" "$S" true 2>&1)
expect_eq "DIVE_ROOTDIR: a missing directory fails" \
    "125 dive: /nonexistent/root from DIVE_ROOTDIR: No such file or directory" \
    "$? $err"
expect_eq "DIVE_ROOTDIR: without -r dived keeps its own root" / \
    "$(DIVE_ROOTDIR=/usr "$DIVE" "$S" readlink /proc/self/root)"
expect_no_match "knobs: no refusal reached dived for local failures" \
    "refused: .*(nonexistent|passwd)" "$(cat "$T/dived.log")"

for bad in x -1 3 01x ' 1' +1; do
	err=$(DIVE_SIGFWMODE=$bad "$DIVE" "$S" true 2>&1)
	expect_eq "DIVE_SIGFWMODE=[$bad] is a usage error" 4 $?
done
for bad in x 3 -0; do
	err=$(DIVE_WAITMODE=$bad "$DIVE" "$S" true 2>&1)
	expect_eq "DIVE_WAITMODE=[$bad] is a usage error" 4 $?
done
err=$(DIVE_TERMINAL=@x "$DIVE" "$S" true 2>&1)
expect_eq "DIVE_TERMINAL=@x is a usage error" 4 $?
expect_match "DIVE_TERMINAL: the bad value is named" "DIVE_TERMINAL=@x" "$err"

# DIVE_SIGFWMODE=2: dive signals the program's whole process group.
group='sh -c "trap \"echo child >>$0; exit 0\" TERM; while :; do sleep 0.1; done" & trap "echo parent >>\"$0\"; wait; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
DIVE_SIGFWMODE=2 "$DIVE" "$S" sh -c "$group" "$T/grp.out" >"$T/grp.ready" &
d=$!
wait_for grep -q ready "$T/grp.ready"
wait_forwarding "$d" TERM
kill -TERM "$d"
wait "$d" 2>/dev/null
expect_eq "DIVE_SIGFWMODE=2: the program's group gets the signal" \
    "9 child parent" "$? $(sort "$T/grp.out" | tr '\n' ' ' | sed 's/ $//')"
single='sh -c "trap \"echo child >>$0; exit 0\" TERM; while :; do sleep 0.1; done" & trap "echo parent >>\"$0\"; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
DIVE_SIGFWMODE=1 "$DIVE" "$S" sh -c "$single" "$T/one.out" >"$T/one.ready" &
d=$!
wait_for grep -q ready "$T/one.ready"
wait_forwarding "$d" TERM
kill -TERM "$d"
wait "$d" 2>/dev/null
rc=$?
sleep 0.3
expect_eq "DIVE_SIGFWMODE=1: only the program's pid gets it" "9 parent" \
    "$rc $(cat "$T/one.out" | tr '\n' ' ' | sed 's/ $//')"
pkill -KILL -f "^sh -c trap \"echo child >>$T/one.out" 2>/dev/null
