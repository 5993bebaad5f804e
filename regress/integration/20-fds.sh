# Every descriptor of the client reaches the program under its own number,
# and nothing of dived's does.

S=$T/fds.sock
start_dived "$S"

# What ls sees of its own descriptors, run directly and through dive.
fdnorm() {
	awk 'NR > 1 { print $9, $10, $11 }' | grep -v '/proc/.*/fd$' |
	    sed 's/pipe:\[[0-9]*\]/pipe/'
}
fdlist() {
	ls -l /proc/self/fd | fdnorm
}
direct=$(exec 5</etc/hostname 77>"$T/out77" 1000</dev/null; fdlist)
remote=$(exec 5</etc/hostname 77>"$T/out77" 1000</dev/null
    "$DIVE" "$S" ls -l /proc/self/fd | fdnorm)
expect_eq "fds: the program sees exactly the descriptors it would see run directly" \
    "$direct" "$remote"
expect_no_match "fds: no socket of dived reaches the program" "socket:" "$remote"

out=$(exec 9</etc/hostname; "$DIVE" "$S" sh -c 'cat <&9')
expect_eq "fds: a read descriptor works under its number" \
    "$(cat /etc/hostname)" "$out"
(exec 1000>"$T/high"; "$DIVE" "$S" bash -c 'echo high >&1000')
expect_eq "fds: descriptor 1000 works" high "$(cat "$T/high")"
(ulimit -n 5000; exec 4321>"$T/higher"; "$DIVE" "$S" bash -c 'echo higher >&4321')
expect_eq "fds: descriptor 4321 works" higher "$(cat "$T/higher")"

# 300 open descriptors: all of them, not only 0-2, in batches.
many=$(bash -c '
	for i in $(seq 10 309); do eval "exec $i</dev/null"; done
	"$1" "$2" sh -c "ls /proc/self/fd | wc -l"' - "$DIVE" "$S")
direct=$(bash -c '
	for i in $(seq 10 309); do eval "exec $i</dev/null"; done
	sh -c "ls /proc/self/fd | wc -l"')
expect_eq "fds: 300 descriptors all arrive" "$direct" "$many"

# O_PATH descriptors, below 64 and above, which poll(2) does not see.
opath() {
	python3 -c '
import os, sys
p = os.open("/etc/hostname", os.O_PATH)
for fd in (7, 700):
	os.dup2(p, fd)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}
direct=$(opath ls -l /proc/self/fd | fdnorm)
remote=$(opath "$DIVE" "$S" ls -l /proc/self/fd | fdnorm)
expect_eq "fds: O_PATH descriptors at 7 and 700 reach the program" \
    "$direct" "$remote"
expect_match "fds: ...the program does see them" "^700 -> /etc/hostname" \
    "$remote"
# A descriptor past a soft limit lowered after it was opened.
(exec 1000>"$T/lowered"; ulimit -Sn 100
    "$DIVE" "$S" bash -c 'echo lowered >&1000')
expect_eq "fds: descriptor 1000 works under a soft limit of 100" lowered \
    "$(cat "$T/lowered")"

expect_eq "fds: a pipe on stdin works" "y" "$(echo x | "$DIVE" "$S" tr x y)"
"$DIVE" "$S" sh -c 'echo to-stderr >&2' 2>"$T/stderr"
expect_eq "fds: stderr goes where the client's goes" to-stderr "$(cat "$T/stderr")"
expect_eq "fds: a closed stdin stays closed" "closed" \
    "$("$DIVE" "$S" sh -c 'if [ -e /proc/self/fd/0 ]; then echo open; else echo closed; fi' <&-)"

# The program's end of a pipe closes when it exits, even if dive lingers.
out=$( { "$DIVE" "$S" sh -c 'echo a; exec >&-; sleep 0.2; echo b >&2' 2>/dev/null; } | cat)
expect_eq "fds: output before the program closes stdout arrives" a "$out"

# dived's own descriptors stay out even when dived has extra ones open.
S2=$T/fds2.sock
exec 7>"$T/dived-private"
start_dived "$S2"
exec 7>&-
out=$("$DIVE" "$S2" sh -c 'ls -l /proc/self/fd')
expect_no_match "fds: a descriptor dived inherited does not reach programs" \
    "dived-private" "$out"

# Several inherited at numbers below, among and above the client's: the
# program's descriptors are exactly those it would have run directly.
S2b=$T/fds2b.sock
(exec 3>"$T/inh3" 10>"$T/inh10" 251>"$T/inh251" 1001>"$T/inh1001"
    start_dived "$S2b"; echo "$DIVED_PID" >"$T/fds2b.pid")
DIVED_PIDS+=("$(cat "$T/fds2b.pid")")
wait_for listening "$S2b"
direct=$(exec 5</etc/hostname 77>"$T/out77"; fdlist)
remote=$(exec 5</etc/hostname 77>"$T/out77"
    "$DIVE" "$S2b" ls -l /proc/self/fd | fdnorm)
expect_eq "fds: descriptors dived inherited at 3, 10, 251 and 1001 reach no program" \
    "$direct" "$remote"

# The same with -n (signals over the socket) and -F (one connection,
# served by the process that accepted it).
S3=$T/fds-n.sock
start_dived "$S3" -n
remote=$(exec 5</etc/hostname 77>"$T/out77" 1000</dev/null
    "$DIVE" "$S3" ls -l /proc/self/fd | fdnorm)
direct=$(exec 5</etc/hostname 77>"$T/out77" 1000</dev/null; fdlist)
expect_eq "fds: with -n the program sees exactly its own descriptors" \
    "$direct" "$remote"
S4=$T/fds-F.sock
start_dived "$S4" -F
remote=$(exec 5</etc/hostname 77>"$T/out77" 1000</dev/null
    "$DIVE" "$S4" ls -l /proc/self/fd | fdnorm)
expect_eq "fds: with -F the program sees exactly its own descriptors" \
    "$direct" "$remote"
