# dived's options that change what the program gets, each checked from
# inside the started program: identity (-u, -g, -e, -P), what of the
# request is ignored (-A, -E, -H, -h, -O, -M), session and terminal (-S,
# -T), running in place (-J, -j), and a forced prefix with client
# arguments.  Every option's bad input is checked where it has one.

if ! is_root; then
	skip "options: tests" "need root to run dived as root and create users"
	return 0
fi

# Every client and every dived that might block runs under a timeout.
TMO=(timeout -k 2 20)
dv() { "${TMO[@]}" "$DIVE" "$@"; }
dv_nobody() { as_nobody "${TMO[@]}" "$DIVE" "$@"; }
# dived expected to refuse to start: a dived that starts anyway is killed.
dived_fails() { timeout -k 1 5 "$DIVED" "$@"; }
sorted() { tr -s ' \t' '\n' | grep . | sort -n | tr '\n' ' '; }
status_line() { tr '\t' ' ' | sed 's/ *$//'; }

# Clients stand in a directory every user may enter.
cd "$T" || return 0

# A test user with a primary and a supplementary group.
U=dvopt$$
G1=${U}p
G2=${U}s
add_test_user "$U" || {
	fail "options: create test user" "useradd failed"
	return 0
}
uid=$(id -u "$U")
gid=$(getent group "$G1" | cut -d: -f3)
gid2=$(getent group "$G2" | cut -d: -f3)
dv_user() {
	setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
	    "${TMO[@]}" "$DIVE" "$@"
}
ugroups=$(id -G "$U" | sorted)

# A user ID and a group ID without entries, for -u and -e by number.
NOUID=123213
while getent passwd "$NOUID" >/dev/null; do NOUID=$((NOUID + 1)); done
NOGID=9999
while getent group "$NOGID" >/dev/null; do NOGID=$((NOGID + 1)); done

# ---------------------------------------------------------------- -u

S=$T/u.sock
start_dived "$S" -C 0777 -u "$U"
expect_eq "-u name: root client runs as the user, its primary group" \
    "$uid $gid" "$(dv "$S" sh -c 'echo $(id -u) $(id -g)')"
expect_eq "-u name: real, effective and saved uid are the user's" \
    "Uid: $uid $uid $uid $uid" \
    "$(dv "$S" grep '^Uid:' /proc/self/status | status_line)"
expect_eq "-u name: the user's initgroups groups" "$ugroups" \
    "$(dv "$S" id -G | sorted)"
expect_eq "-u name: DIVE_UID and DIVE_USER name the root client" \
    "0 0 root" "$(dv "$S" sh -c 'echo $DIVE_UID $DIVE_GID $DIVE_USER')"
expect_eq "-u name: nobody client runs as the user too" "$uid $ugroups" \
    "$(dv_nobody "$S" sh -c 'echo $(id -u) $(id -G)' |
    { read -r a g; echo "$a $(echo "$g" | sorted)"; })"
expect_eq "-u name: DIVE_UID and DIVE_USER name the nobody client" \
    "65534 65534 nobody" \
    "$(dv_nobody "$S" sh -c 'echo $DIVE_UID $DIVE_GID $DIVE_USER')"

S=$T/unum.sock
start_dived "$S" -C 0777 -u "$uid"
expect_eq "-u number: runs as the user with its initgroups groups" \
    "$uid $gid $ugroups" \
    "$(dv_nobody "$S" sh -c 'echo $(id -u) $(id -g); id -G' |
    { read -r a; read -r g; echo "$a $(echo "$g" | sorted)"; })"
expect_eq "-u number: DIVE_UID still names the client" "65534 nobody" \
    "$(dv_nobody "$S" sh -c 'echo $DIVE_UID $DIVE_USER')"

err=$(dived_fails "$T/bad.sock" -u "nosuchuser$$" 2>&1)
rc=$?
expect_eq "-u unknown user: dived does not start, status 1" 1 "$rc"
expect_eq "-u unknown user: the message names it" \
    "dived: -u nosuchuser$$: no such user" "$err"
expect_eq "-u unknown user: no socket is left" absent \
    "$([ -e "$T/bad.sock" ] && echo present || echo absent)"
err=$(dived_fails "$T/bad.sock" -u "$NOUID" 2>&1)
rc=$?
expect_eq "-u number without passwd entry and no -g: status 1" 1 "$rc"
expect_match "-u number without passwd entry: says -g is needed" \
    "^dived: -u $NOUID: .*-g" "$err"
err=$(dived_fails "$T/bad.sock" -u "" 2>&1)
expect_eq "-u empty: usage error" 4 $?

# ---------------------------------------------------------------- -g

S=$T/g.sock
start_dived "$S" -C 0777 -g "$G2,4242,$G1"
want=$(echo "$gid2 4242 $gid" | sorted)
expect_eq "-g names and numbers: the first is the primary group" \
    "$gid2" "$(dv "$S" id -g)"
expect_eq "-g: real, effective and saved gid are the first group" \
    "Gid: $gid2 $gid2 $gid2 $gid2" \
    "$(dv "$S" grep '^Gid:' /proc/self/status | status_line)"
expect_eq "-g: the supplementary groups are exactly the list" "$want" \
    "$(dv "$S" grep '^Groups:' /proc/self/status | sed 's/^Groups://' |
    sorted)"
expect_eq "-g without -u: the root client keeps its uid" 0 \
    "$(dv "$S" id -u)"
expect_eq "-g: nobody client keeps its uid, gets exactly the list" \
    "65534 $gid2 $want" \
    "$(dv_nobody "$S" sh -c 'echo $(id -u) $(id -g); grep "^Groups:" /proc/self/status' |
    { read -r a b; read -r _ g; echo "$a $b $(echo "$g" | sorted)"; })"

S=$T/ug.sock
start_dived "$S" -C 0777 -u "$U" -g 4242
expect_eq "-u with -g: the user's uid, only the -g groups (no initgroups)" \
    "$uid 4242 4242 " \
    "$(dv_nobody "$S" sh -c 'echo $(id -u) $(id -g) $(id -G)' |
    { read -r a b c; echo "$a $b $(echo "$c" | sorted)"; })"

if [ "$(getent group man | cut -d: -f3)" = 12 ] &&
    [ "$(getent group utmp | cut -d: -f3)" = 43 ] &&
    ! getent group 9999 >/dev/null && ! getent passwd 123213 >/dev/null; then
	S=$T/man.sock
	start_dived "$S" -C 0777 -u 123213 -g man,9999,43
	expect_eq "-u number with -g: the manual's example, over the socket" \
	    "uid=123213 gid=12(man) groups=12(man),43(utmp),9999" \
	    "$(dv_nobody "$S" /usr/bin/id)"
	expect_eq "-u number with -g: the manual's example with -J" \
	    "uid=123213 gid=12(man) groups=12(man),43(utmp),9999" \
	    "$("${TMO[@]}" "$DIVED" -J -S -T -u 123213 -g man,9999,43 -- /usr/bin/id)"
else
	S=$T/man.sock
	start_dived "$S" -C 0777 -u "$NOUID" -g "$G1,$NOGID"
	expect_eq "-u number with -g: runs without passwd or group entries" \
	    "uid=$NOUID gid=$gid($G1) groups=$gid($G1),$NOGID" \
	    "$(dv_nobody "$S" /usr/bin/id)"
	skip "-u number with -g: the manual's example with -J" \
	    "groups man/utmp not 12/43 or 123213/9999 taken"
fi

err=$(dived_fails "$T/bad.sock" -g "root,nosuchgroup$$" 2>&1)
rc=$?
expect_eq "-g unknown group: dived does not start, status 1" 1 "$rc"
expect_match "-g unknown group: the message names it" \
    "^dived: -g .*nosuchgroup$$" "$err"
for bad in ",$G1" "$G1," "$G1,,$G2" ""; do
	err=$(dived_fails "$T/bad.sock" -g "$bad" 2>&1)
	rc=$?
	expect_eq "-g '$bad': malformed list is a usage error, status 4" 4 "$rc"
	expect_match "-g '$bad': the message says what is expected" \
	    "^dived: .*-g.*" "$(head -n 1 <<<"$err")"
done

# ---------------------------------------------------------------- -e

# dash drops a differing euid at start, so the program is grep itself.
S=$T/e.sock
start_dived "$S" -C 0777 -e "$U"
expect_eq "-e: root client: real uid 0, effective and saved the user's" \
    "Uid: 0 $uid $uid $uid" \
    "$(dv "$S" grep '^Uid:' /proc/self/status | status_line)"
expect_eq "-e: nobody client: real uid 65534, effective and saved the user's" \
    "Uid: 65534 $uid $uid $uid" \
    "$(dv_nobody "$S" grep '^Uid:' /proc/self/status | status_line)"
expect_eq "-e: the group stays the client's" "Gid: 65534 65534 65534 65534" \
    "$(dv_nobody "$S" grep '^Gid:' /proc/self/status | status_line)"
expect_match "-e: DIVE_UID names the client" "^DIVE_UID=65534$" \
    "$(dv_nobody "$S" env)"

S=$T/enum.sock
start_dived "$S" -C 0777 -e "$NOUID"
expect_eq "-e number without passwd entry: effective and saved uid" \
    "Uid: $uid $NOUID $NOUID $NOUID" \
    "$(dv_user "$S" grep '^Uid:' /proc/self/status | status_line)"

err=$(dived_fails "$T/bad.sock" -e "nosuchuser$$" 2>&1)
rc=$?
expect_eq "-e unknown user: dived does not start, status 1" 1 "$rc"
expect_eq "-e unknown user: the message names it" \
    "dived: -e nosuchuser$$: no such user" "$err"

# ---------------------------------------------------------------- -P

S=$T/P.sock
start_dived "$S" -C 0777 -P
expect_eq "-P: nobody client's program runs as root" \
    "0 0 $(id -G | sorted)" \
    "$(dv_nobody "$S" sh -c 'echo $(id -u) $(id -g) $(id -G)' |
    { read -r a b c; echo "$a $b $(echo "$c" | sorted)"; })"
expect_eq "-P: test user's program runs as root, all ids" \
    "Uid: 0 0 0 0" \
    "$(dv_user "$S" grep '^Uid:' /proc/self/status | status_line)"
expect_eq "-P: DIVE_UID and DIVE_USER still name the client" \
    "$uid $U" "$(dv_user "$S" sh -c 'echo $DIVE_UID $DIVE_USER')"
for o in "-u nobody" "-g nogroup" "-e nobody"; do
	# shellcheck disable=SC2086
	err=$(dived_fails "$T/bad.sock" -P $o 2>&1)
	rc=$?
	expect_eq "-P with $o: usage error, status 4" 4 "$rc"
	expect_match "-P with $o: the message says why" \
	    "^dived: -P cannot be combined" "$(head -n 1 <<<"$err")"
done
err=$(dived_fails "$T/bad.sock" -u nobody -P 2>&1)
expect_eq "-u before -P: usage error too" 4 $?

# ------------------------------------------- -u/-g/-e with dived unprivileged

for o in "-u nobody" "-g nogroup" "-e nobody"; do
	# shellcheck disable=SC2086
	err=$(as_nobody timeout -k 1 5 "$DIVED" "@dive-opt-$$" $o 2>&1)
	rc=$?
	expect_eq "unprivileged dived with $o: does not start, status 1" 1 "$rc"
	expect_match "unprivileged dived with $o: says root is needed" \
	    "^dived: .*need dived to run as root" "$err"
done

# ---------------------------------------------------------------- -A

S=$T/A.sock
start_dived "$S" -C 0777 -A -- printf '<%s>' fixed
expect_eq "-A with --: the client's arguments are ignored" "<fixed>" \
    "$(dv "$S" a 'b c' -u root)"
expect_eq "-A with --: for a nobody client too" "<fixed>" \
    "$(dv_nobody "$S" rm -rf /)"
expect_eq "-A with --: and with no client arguments" "<fixed>" "$(dv "$S")"

out=$("$DIVED" "$T/Anone.sock" -C 0777 -A 2>&1)
expect_eq "-A without a prefix: a usage error at start" 4 $?
expect_match "-A without a prefix: says a command is needed" \
    "dived: -A needs -- and a command" "$out"
expect_eq "-A without a prefix: no socket is left" absent \
    "$([ -e "$T/Anone.sock" ] && echo present || echo absent)"

# ---------------------------------------------------------------- -E

S=$T/E.sock
env -i FOO=fromdived PATH=/usr/bin:/bin DIVE_UID=4711 DIVE_SMUGGLED=yes \
    "$DIVED" "$S" --log-stderr -C 0777 -E 2>>"$T/dived.log" &
DIVED_PIDS+=("$!")
wait_for listening "$S"
out=$(env BAR=fromclient DIVE_UID=999 "$DIVE" "$S" env)
expect_eq "-E: the environment is dived's own plus DIVE_* (root client)" \
    "DIVE_GID DIVE_PID DIVE_UID DIVE_USER FOO PATH " \
    "$(cut -d= -f1 <<<"$out" | sort | tr '\n' ' ')"
expect_match "-E: dived's variable arrives" "^FOO=fromdived$" "$out"
expect_match "-E: dived's PATH is the program's" "^PATH=/usr/bin:/bin$" "$out"
expect_no_match "-E: the client's variable is absent" "BAR" "$out"
expect_no_match "-E: a DIVE_* of dived's own environment is not passed" \
    "DIVE_SMUGGLED|4711" "$out"
expect_eq "-E: DIVE_UID, DIVE_GID, DIVE_USER name the root client" \
    "DIVE_UID=0 DIVE_GID=0 DIVE_USER=root" \
    "$(for v in UID GID USER; do grep "^DIVE_$v=" <<<"$out"; done |
    tr '\n' ' ' | sed 's/ $//')"
out=$(as_nobody sh -c 'echo $$; exec env BAR=fromclient "$0" "$1" env' "$DIVE" "$S")
expect_eq "-E: DIVE_* name the nobody client, DIVE_PID is the client's pid" \
    "DIVE_UID=65534 DIVE_GID=65534 DIVE_PID=$(sed -n 1p <<<"$out") DIVE_USER=nobody" \
    "$(for v in UID GID PID USER; do grep "^DIVE_$v=" <<<"$out"; done |
    tr '\n' ' ' | sed 's/ $//')"
expect_no_match "-E: nobody client's variable is absent" "BAR" "$out"

# ---------------------------------------------------------------- -H, -h

mkdir -p "$T/dcwd" "$T/ccwd"
cd "$T/dcwd" && start_dived "$T/H.sock" -C 0777 -H
cd "$T/ccwd" || return 0
expect_eq "-H: the program's directory is dived's (root client)" \
    "$T/dcwd" "$(dv "$T/H.sock" pwd -P)"
expect_eq "-H: the program's directory is dived's (nobody client)" \
    "$T/dcwd" "$(dv_nobody "$T/H.sock" pwd -P)"
expect_eq "-H: DIVE_CURDIR is ignored too" \
    "$T/dcwd" "$(DIVE_CURDIR=/usr dv "$T/H.sock" pwd -P)"

start_dived "$T/h.sock" -C 0777 -h /usr/share
expect_eq "-h: the program starts in the directory (root client)" \
    /usr/share "$(dv "$T/h.sock" pwd -P)"
expect_eq "-h: the program starts in the directory (nobody client)" \
    /usr/share "$(dv_nobody "$T/h.sock" pwd -P)"
expect_eq "-h: rather than DIVE_CURDIR" \
    /usr/share "$(DIVE_CURDIR=/ dv "$T/h.sock" pwd -P)"

mkdir -m 0700 "$T/private"
start_dived "$T/hp.sock" -C 0777 -h "$T/private"
expect_eq "-h: root enters a 0700 directory" \
    "$T/private" "$(dv "$T/hp.sock" pwd -P)"
rm -f "$T/h-marker"
err=$(dv_nobody "$T/hp.sock" touch "$T/h-marker" 2>&1)
rc=$?
expect_eq "-h: a directory the user may not enter fails with 125" 125 "$rc"
expect_eq "-h: the client is told why" \
    "dive: chdir $T/private: Permission denied" "$err"
expect_eq "-h: nothing was started" absent \
    "$([ -e "$T/h-marker" ] && echo present || echo absent)"
start_dived "$T/hpu.sock" -C 0777 -u "$U" -h "$T/private"
err=$(dv "$T/hpu.sock" touch "$T/h-marker" 2>&1)
expect_eq "-h with -u: the target user's permissions decide, not root's" \
    "125 dive: chdir $T/private: Permission denied" "$? $err"
expect_eq "-h with -u: nothing was started" absent \
    "$([ -e "$T/h-marker" ] && echo present || echo absent)"
# dive 1.x looks -h up for each program: a directory made after dived
# started serves, and one missing at start is only a warning.
: >"$T/dived.log"
start_dived "$T/hm.sock" -C 0777 -h "$T/missing" --audit-log "$T/hm.audit"
expect_match "-h to a missing directory: dived starts, with a warning" \
    "warning: -h $T/missing: No such file or directory" "$(cat "$T/dived.log")"
rm -f "$T/h-marker"
err=$(dv "$T/hm.sock" touch "$T/h-marker" 2>&1)
expect_eq "-h missing: the client is told which directory and why, 125" \
    "125 dive: chdir $T/missing: No such file or directory" "$? $err"
expect_eq "-h missing: nothing was started" absent \
    "$([ -e "$T/h-marker" ] && echo present || echo absent)"
expect_match "-h missing: the session's failure is logged" \
    "failed: chdir $T/missing: No such file or directory" \
    "$(cat "$T/dived.log")"
expect_match "-h missing: and recorded" \
    "\"event\":\"end\".*\"outcome\":\"failed\",\"reason\":\"chdir $T/missing: No such file or directory\"" \
    "$(cat "$T/hm.audit")"
mkdir "$T/missing"
expect_eq "-h: a directory made after dived started serves" \
    "$T/missing" "$(dv "$T/hm.sock" pwd -P)"
stop_dived "$DIVED_PID"
: >"$T/dived.log"
start_dived "$T/hf.sock" -C 0777 -h /etc/passwd
expect_match "-h to a file: dived starts, with a warning" \
    "warning: -h /etc/passwd: not a directory" "$(cat "$T/dived.log")"
err=$(dv "$T/hf.sock" true 2>&1)
expect_eq "-h to a file: the program fails to start, 125" \
    "125 dive: chdir /etc/passwd: Not a directory" "$? $err"
stop_dived "$DIVED_PID"
err=$(timeout 10 "$DIVED" -J -h "$T/nowhere" -- true 2>&1)
expect_eq "-J -h to a missing directory: refused before anything runs" \
    "1 dived: -h $T/nowhere: No such file or directory" "$? $err"
err=$(dived_fails "$T/bad.sock" -h "" 2>&1)
expect_eq "-h empty: usage error" 4 $?
cd "$T" || return 0

# ---------------------------------------------------------------- -O

S=$T/O.sock
start_dived "$S" -C 0777 -O >>"$T/O.out"
# The program's descriptors, without the one ls opens to list them.
fdlist() {
	awk '/ -> / && $NF !~ /^\/proc\/[0-9]+\/fd$/ { print $(NF - 2), $NF }' \
	    "$T/O.out"
}
out=$(exec 7>"$T/seven" 8<"$T/seven"; dv "$S" ls -l /proc/self/fd)
expect_eq "-O: nothing reaches the client's stdout" "" "$out"
out=$(fdlist)
expect_eq "-O: the program has dived's 0-2 and nothing else (root client)" \
    "0 /dev/null|1 $T/O.out|2 $T/dived.log|" \
    "$(tr '\n' '|' <<<"$out")"
: >"$T/O.out"
(exec 7>"$T/seven"; dv_nobody "$S" ls -l /proc/self/fd) >/dev/null
out=$(fdlist)
expect_eq "-O: the program has dived's 0-2 and nothing else (nobody client)" \
    "0 /dev/null|1 $T/O.out|2 $T/dived.log|" \
    "$(tr '\n' '|' <<<"$out")"
: >"$T/O.out"
echo from-client | dv "$S" sh -c 'cat; echo to-dived-stdout' >"$T/O.client"
expect_eq "-O: the output lands in dived's stdout" "to-dived-stdout" \
    "$(cat "$T/O.out")"
expect_eq "-O: the client's stdin is not the program's" "" \
    "$(cat "$T/O.client")"

# ---------------------------------------------------------------- -M

old=$(umask)
umask 077
start_dived "$T/M.sock" -C 0777 -M
umask "$old"
expect_eq "-M: the program's umask is dived's (root client)" 0077 \
    "$(umask 022 && dv "$T/M.sock" sh -c umask)"
expect_eq "-M: the program's umask is dived's (nobody client)" 0077 \
    "$(umask 0 && dv_nobody "$T/M.sock" sh -c umask)"
(umask 0 && dv "$T/M.sock" touch "$T/M-file")
expect_eq "-M: files the program creates follow dived's umask" 600 \
    "$(stat -c %a "$T/M-file")"

# ---------------------------------------------------------------- -S, -T

sidprobe='echo $(ps -o sid= -p $$) $$'
start_dived "$T/S.sock" -C 0777 -S
dsid=$(ps -o sid= -p "$DIVED_PID" | tr -d ' ')
out=$(dv "$T/S.sock" sh -c "$sidprobe")
expect_eq "-S: the program stays in dived's session (root client)" \
    "$dsid" "${out%% *}"
expect_eq "-S: and does not lead a session of its own" no \
    "$([ "${out%% *}" = "${out##* }" ] && echo yes || echo no)"
out=$(dv_nobody "$T/S.sock" sh -c "$sidprobe")
expect_eq "-S: the program stays in dived's session (nobody client)" \
    "$dsid no" \
    "${out%% *} $([ "${out%% *}" = "${out##* }" ] && echo yes || echo no)"
start_dived "$T/noS.sock" -C 0777
out=$(dv_nobody "$T/noS.sock" sh -c "$sidprobe")
expect_eq "default: the program leads its own session (nobody client)" \
    yes "$([ "${out%% *}" = "${out##* }" ] && echo yes || echo no)"

if command -v script >/dev/null; then
	# dive -T: the client's own terminal, not a pseudo-terminal (72-pty.sh).
	ttyprobe='c=$(ps -o tty= -p $$); s=$(ps -o sid= -p $$); echo "tty=$(tty) ctty=/dev/${c# } leader=$([ $s -eq $$ ] && echo yes || echo no)"'
	start_dived "$T/T.sock" -C 0777 -T
	out=$(script -qec "${TMO[*]} $DIVE -T $T/T.sock sh -c '$ttyprobe'" /dev/null \
	    </dev/null | tr -d '\r')
	expect_match "-T: the program still has the client's terminal as stdin" \
	    "^tty=/dev/pts/[0-9]+ " "$out"
	expect_match "-T: no controlling terminal (root client)" \
	    "ctty=/dev/\? leader=yes" "$out"
	out=$(as_nobody script -qec "${TMO[*]} $DIVE -T $T/T.sock sh -c '$ttyprobe'" \
	    /dev/null </dev/null | tr -d '\r')
	expect_match "-T: no controlling terminal (nobody client)" \
	    "ctty=/dev/\? leader=yes" "$out"

	# Without -T the client's terminal becomes the controlling one; as
	# root for every client, as dived.8 says: "taken from any session
	# that has it".  The script(1) terminal is its shell's already.
	start_dived "$T/noT.sock" -C 0777
	out=$(as_nobody script -qec "${TMO[*]} $DIVE -T $T/noT.sock sh -c '$ttyprobe'" \
	    /dev/null </dev/null | tr -d '\r')
	tty=$(sed -n 's/^tty=\([^ ]*\) .*/\1/p' <<<"$out")
	expect_match "no -T: nobody client's program has its terminal as stdin" \
	    "^tty=/dev/pts/[0-9]+ " "$out"
	expect_eq "no -T: nobody client's terminal is the controlling one" \
	    "$tty" "$(sed -n 's/.* ctty=\([^ ]*\) .*/\1/p' <<<"$out")"
	start_dived "$T/noTu.sock" -C 0777 -u nobody
	out=$(script -qec "${TMO[*]} $DIVE -T $T/noTu.sock sh -c '$ttyprobe'" \
	    /dev/null </dev/null | tr -d '\r')
	tty=$(sed -n 's/^tty=\([^ ]*\) .*/\1/p' <<<"$out")
	expect_eq "no -T, -u nobody: root client's terminal is the controlling one" \
	    "$tty" "$(sed -n 's/.* ctty=\([^ ]*\) .*/\1/p' <<<"$out")"
	out=$(script -qec "${TMO[*]} $DIVE -T $T/S.sock sh -c '$ttyprobe'" \
	    /dev/null </dev/null | tr -d '\r')
	expect_match "-S: no new session, so the terminal is not taken" \
	    "leader=no" "$out"
else
	skip "-T: tests" "script(1) is not installed"
fi

# ---------------------------------------------------------------- -J, -j

out=$("${TMO[@]}" "$DIVED" -J -- id -u)
expect_eq "-J: runs the command directly" "0 0" "$? $out"
err=$(dived_fails -J 2>&1)
expect_eq "-J without --: usage error" 4 $?
expect_eq "-J without --: the message" "dived: -J and -j need -- and a command" \
    "$(head -n 1 <<<"$err")"
err=$(dived_fails -J -u nobody id 2>&1)
expect_eq "-J with options but no --: usage error" 4 $?
err=$(dived_fails -J -- 2>&1)
expect_eq "-J with -- but no command: usage error" 4 $?
err=$(dived_fails -j 2>&1)
expect_eq "-j without --: usage error" 4 $?
out=$("${TMO[@]}" sh -c 'echo $$; exec "$0" -j -- sh -c "echo \$\$"' "$DIVED")
expect_eq "-j: the command replaces dived (same pid)" \
    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"
out=$("${TMO[@]}" sh -c 'echo $$; exec "$0" -J -- sh -c "echo \$\$"' "$DIVED")
expect_eq "-J: the command replaces dived (same pid)" \
    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"
out=$("${TMO[@]}" "$DIVED" -J -- sh -c "$sidprobe")
expect_eq "-J: the command leads a new session" yes \
    "$([ "${out%% *}" = "${out##* }" ] && echo yes || echo no)"
out=$("${TMO[@]}" "$DIVED" -j -- sh -c "$sidprobe")
expect_eq "-j: the command stays in the invoker's session (-S)" \
    "$(ps -o sid= -p $$ | tr -d ' ')" "${out%% *}"
expect_eq "-J -u nobody: runs as nobody with its groups" "65534 65534 65534" \
    "$("${TMO[@]}" "$DIVED" -J -u nobody -- sh -c 'echo $(id -u) $(id -g) $(id -G)')"
expect_eq "-J -u nobody: DIVE_UID names the invoker" "0" \
    "$("${TMO[@]}" "$DIVED" -J -u nobody -- sh -c 'echo $DIVE_UID')"
expect_eq "-j invoked by nobody: runs as nobody" 65534 \
    "$(as_nobody "${TMO[@]}" "$DIVED" -j -- id -u)"
err=$(dived_fails -j -u nobody -- id 2>&1)
expect_eq "-j (implies -P) with -u: usage error" 4 $?
"${TMO[@]}" "$DIVED" -J -- sh -c 'exit 7'
expect_eq "-J: the exit status is the program's" 7 $?
expect_eq "-J: death by a signal is the program's" "signal 15" \
    "$(wait_status "$DIVED" -J -- sh -c 'kill -TERM $$')"
err=$("${TMO[@]}" "$DIVED" -J -- /nonexistent/prog 2>&1)
rc=$?
expect_eq "-J: missing program gives 127" 127 "$rc"
expect_eq "-J: missing program message" \
    "dived: /nonexistent/prog: No such file or directory" "$err"
expect_eq "-J: the program has exactly the invoker's descriptors" \
    "$(ls /proc/self/fd | sort -n | tr '\n' ' ')" \
    "$("${TMO[@]}" "$DIVED" -J -- ls /proc/self/fd | sort -n | tr '\n' ' ')"
expect_eq "-J -h: starts in the directory" /usr/share \
    "$("${TMO[@]}" "$DIVED" -J -h /usr/share -- pwd -P)"

# --------------------------------------------------- prefix and client args

S=$T/pfx.sock
start_dived "$S" -C 0777 -u "$U" -- sh -c 'echo "$(id -u) <$*>"' prefix
expect_eq "prefix: client arguments follow it, run as the -u user" \
    "$uid <a -- -u root>" "$(dv_nobody "$S" a -- -u root)"
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "pfx-script $*"\n' >"$T/bin/pfx-script"
chmod 755 "$T/bin/pfx-script"
start_dived "$T/pfx2.sock" -C 0777 -- pfx-script fixed
expect_eq "prefix: a command without a slash is searched in the client's PATH" \
    "pfx-script fixed x" "$(PATH=$T/bin:$PATH dv "$T/pfx2.sock" x)"
err=$(PATH=/usr/bin:/bin dv "$T/pfx2.sock" x 2>&1)
expect_eq "prefix: not on the client's PATH gives 127" \
    "127 dive: pfx-script: No such file or directory" "$? $err"

# -J started as a process group leader (as from an interactive shell)
# still gets a session of its own.
out=$(perl -e 'setpgrp(0, 0); exec @ARGV or exit 127' "$DIVED" -J -- \
    sh -c 'echo $$ $(ps -o sid= -p $$)')
expect_eq "-J: a group leader still starts its own session" \
    "$(cut -d' ' -f1 <<<"$out")" "$(cut -d' ' -f2 <<<"$out")"

# The option table (as --help prints it) and dived.8 list the same
# options, and dive.1 every DIVE_ variable dive reads: they cannot drift.
help_opts=$( { "$DIVED" --help 2>&1 | sed -nE \
    's/^  (-[A-Za-z]+), (--[a-z0-9-]+).*/\1 \2/p; t; s/^  (--[a-z0-9-]+).*/\1/p; t; s/^  (-[A-Za-z]+) .*/\1/p' |
    tr ' ' '\n'; printf '%s\n' --help --version; } | grep . | sort -u)
man_opts=$(grep '^\.It Fl' "$ROOT/man/dived.8" | sed -E 's/\\-/-/g' |
    grep -oE 'Fl -{0,2}[A-Za-z][A-Za-z0-9-]*' | sed 's/^Fl /-/' | sort -u)
expect_eq "docs: dived --help and dived.8 list the same options" \
    "$help_opts" "$man_opts"
expect_match "docs: and there are many of them" "^[0-9]{3}$" \
    "$(printf '%s\n' "$help_opts" | wc -l)"
expect_eq "docs: dive.1 lists every DIVE_ variable dive reads" \
    "$(grep -ohE '"DIVE_[A-Z_]+"' "$ROOT"/dive/*.c | tr -d '"' | sort -u)" \
    "$(grep '^\.It Ev DIVE_' "$ROOT/man/dive.1" | awk '{ print $3 }' | sort -u)"
