# Who the program runs as: the client, when dived is root; dived's own
# user otherwise.  The target user's permissions decide the directory.

if ! is_root; then
	skip "identity: tests" "need root to create users and switch to them"
	return 0
fi

S=$T/id.sock
start_dived "$S" -C 0777

expect_eq "identity: root client runs as root" "0 0" \
    "$("$DIVE" "$S" sh -c 'echo $(id -u) $(id -g)')"
expect_eq "identity: nobody client runs as nobody" "65534 65534" \
    "$(cd / && as_nobody "$DIVE" "$S" sh -c 'echo $(id -u) $(id -g)')"
expect_eq "identity: DIVE_USER of a nobody client" "nobody" \
    "$(cd / && as_nobody "$DIVE" "$S" sh -c 'echo $DIVE_USER')"

# A user with supplementary groups: the program gets them (initgroups),
# not whatever groups the client process happened to have.
U=divetest$$
G1=${U}p
add_test_user "$U" || {
	fail "identity: create test user" "useradd failed"
	return 0
}
uid=$(id -u "$U")
gid=$(getent group "$G1" | cut -d: -f3)
want=$(id -G "$U" | tr ' ' '\n' | sort -n | tr '\n' ' ')
got=$(cd / && setpriv --reuid="$uid" --regid="$gid" --groups=4242 \
    "$DIVE" "$S" id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')
expect_eq "identity: program gets the user's initgroups, not the client's" \
    "$want" "$got"
# More groups than the first guess of room for them (32): all of them.
extra=()
for i in $(seq 40); do
	groupadd "${U}g$i" && extra+=("${U}g$i")
done
usermod -a -G "$(IFS=,; echo "${extra[*]}")" "$U"
want=$(id -G "$U" | tr ' ' '\n' | sort -n | tr '\n' ' ')
got=$(cd / && setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    "$DIVE" "$S" id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')
expect_eq "identity: a user in 42 groups gets every one" "$want" "$got"
expect_eq "identity: ... that is 42" 42 "$(wc -w <<<"$got")"
for g in "${extra[@]}"; do
	groupdel "$g"
done
usermod -G "${U}s" "$U"

expect_eq "identity: uid of the test user" "$uid $U" \
    "$(cd / && setpriv --reuid="$uid" --regid="$gid" --init-groups \
    "$DIVE" "$S" sh -c 'echo $(id -u) $DIVE_USER')"

# A uid without a passwd entry: gid only, no DIVE_USER.
out=$(cd / && setpriv --reuid=54321 --regid=54321 --clear-groups \
    "$DIVE" "$S" sh -c 'echo $(id -u) $(id -G) user=${DIVE_USER-unset}')
expect_eq "identity: a uid with no name runs with its gid only" \
    "54321 54321 user=unset" "$out"

# The client may stand in a directory only a group it holds right now can
# enter; the program, with the user's real groups, cannot.
mkdir "$T/grp-only"
chgrp 4242 "$T/grp-only"
chmod 0770 "$T/grp-only"
rm -f "$T/marker"
err=$(cd / && setpriv --reuid="$uid" --regid="$gid" --groups=4242 \
    sh -c 'cd "$1" && exec "$2" "$3" touch "$4"' - "$T/grp-only" "$DIVE" "$S" \
    "$T/marker" 2>&1)
rc=$?
expect_eq "cwd: a directory the target may not enter is refused" 125 "$rc"
expect_eq "cwd: the refusal says why" \
    "dive: cannot enter the current directory: Permission denied" "$err"
expect_eq "cwd: nothing was started" "absent" \
    "$([ -e "$T/marker" ] && echo present || echo absent)"
expect_match "cwd: the failure is logged" \
    "failed: cannot enter the current directory" "$(cat "$T/dived.log")"

# dived as an ordinary user runs programs as itself; root's dive trusts
# it once told to.
A=@dive-nobody-$$
start_dived_nobody "$A"
expect_eq "unprivileged: programs run as dived's user" "65534" \
    "$(cd / && DIVE_SERVERUID=nobody "$DIVE" "$A" id -u)"
expect_eq "unprivileged: DIVE_UID still names the client" "0" \
    "$(cd / && DIVE_SERVERUID=nobody "$DIVE" "$A" sh -c 'echo $DIVE_UID')"
