# Helpers for the integration tests.  Each test file runs in its own
# subshell with this sourced; results go to $RESULTS, one line per check.

: "${BIN:?}" "${RESULTS:?}"
DIVE=$BIN/dive
DIVED=$BIN/dived
RAW=$BIN/rawclient
T=$(mktemp -d /tmp/dive-test.XXXXXX)
chmod 755 "$T"
DIVED_PIDS=()
TEST_USERS=()
# The tests compare what a program gets with the descriptors they pass, so
# dive passes them as they are, also when the suite runs at a terminal;
# 72-pty.sh tests the pseudo-terminal, the default, on terminals of its own.
export DIVE_PTY=0

# The audit records a test file left under $T, kept in $RECORDS/NAME
# when regress/run gives a $RECORDS to check them against the schema:
# audit logs whole, and the records of the "dived[PID]: audit {...}"
# lines of --log-stderr logs.  Found by their content, whatever the
# files are named.
keep_records() {
	local f to
	[ -n "${RECORDS:-}" ] || return 0
	while IFS= read -r -d '' f; do
		to=$RECORDS/${TEST_FILE:-test}/${f#"$T"/}
		if grep -qIE '^\{"time":"[^"]*","event":' "$f"; then
			mkdir -p "${to%/*}" && cp "$f" "$to"
		elif grep -qIE '^dived\[[0-9]+\]: audit \{' "$f"; then
			mkdir -p "${to%/*}" &&
			    sed -nE 's/^dived\[[0-9]+\]: audit \{/{/p' "$f" >"$to"
		fi
	done < <(find "$T" -xdev -type f -print0)
}

cleanup() {
	local p u
	for u in "${TEST_USERS[@]}"; do
		userdel "$u" 2>/dev/null
		groupdel "${u}p" 2>/dev/null
		groupdel "${u}s" 2>/dev/null
	done
	for p in "${DIVED_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${DIVED_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	keep_records
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	echo "ok $1"
	echo "ok" >>"$RESULTS"
}

fail() {
	echo "FAIL $1: $2"
	echo "fail" >>"$RESULTS"
}

skip() {
	echo "skip $1: $2"
	echo "skip" >>"$RESULTS"
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		fail "$1" "expected [$2], got [$3]"; fi
}

# expect_match NAME EXTENDED-REGEX ACTUAL
expect_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok "$1"; else
		fail "$1" "[$3] does not match /$2/"; fi
}

# expect_no_match NAME EXTENDED-REGEX ACTUAL
expect_no_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		fail "$1" "[$3] matches /$2/"; else ok "$1"; fi
}

# expect_default_signals NAME STATUS: a /proc/PID/status text shows no
# signal blocked, ignored or caught.
expect_default_signals() {
	expect_eq "$1" \
	    $'SigBlk: 0000000000000000\nSigIgn: 0000000000000000\nSigCgt: 0000000000000000' \
	    "$(grep -E '^Sig(Blk|Ign|Cgt):' <<<"$2" | tr -s '\t ' ' ')"
}

# add_test_user NAME: a user NAME with the primary group NAMEp and the
# supplementary group NAMEs, all removed when the test file ends.
add_test_user() {
	TEST_USERS+=("$1")
	groupadd "${1}p" && groupadd "${1}s" &&
	    useradd -M -N -g "${1}p" -G "${1}s" -s /bin/sh "$1"
}

# copy_tools ROOT TOOL...: each tool into ROOT/bin, with the libraries it
# is linked with at their paths, for a root directory to run it in.
copy_tools() {
	local r=$1 b l
	shift
	mkdir -p "$r/bin"
	for b; do
		b=$(type -P "$b")
		cp "$(readlink -f "$b")" "$r/bin/${b##*/}"
		for l in $(ldd "$b" | grep -o '/[^ ]*'); do
			mkdir -p "$r${l%/*}"
			cp -n "$l" "$r$l"
		done
	done
}

# copy_tree DIR: the source tree, as it is in the working tree, into DIR,
# without build outputs: the files git tracks or would (not those it
# ignores), or, outside a git checkout, every file but build*/.
copy_tree() {
	mkdir -p "$1" || return
	if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		    tar -C "$ROOT" --null -T - --ignore-failed-read -cf - 2>/dev/null
	else
		tar -C "$ROOT" --exclude='./build*' -cf - .
	fi | tar -C "$1" -xf -
}

# clean_env COMMAND...: COMMAND, for a build of its own, without the
# variables the make that started this suite passes on to others, in
# MAKEFLAGS and the environment: O, and SANITIZE under make sanitize.
clean_env() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u O -u SANITIZE "$@"
}

is_root() {
	[ "$(id -u)" = 0 ]
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# Waits up to 5 s for a command to succeed.
wait_for() {
	local i
	for i in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# A socket some process is listening on (a stale socket file is not).
listening() {
	awk -v n="$1" '$4 == "00010000" && $NF == n { f = 1 } END { exit !f }' \
	    /proc/net/unix
}

# start_dived SOCKET [options...]: logs go to $T/dived.log; sets DIVED_PID.
start_dived() {
	local sock=$1
	shift
	"$DIVED" "$sock" --log-stderr "$@" 2>>"$T/dived.log" &
	DIVED_PID=$!
	DIVED_PIDS+=("$DIVED_PID")
	wait_for listening "$sock"
}

# Same, but dived runs as nobody.
start_dived_nobody() {
	local sock=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    "$DIVED" "$sock" --log-stderr "$@" 2>>"$T/dived.log" &
	DIVED_PID=$!
	DIVED_PIDS+=("$DIVED_PID")
	wait_for listening "$sock"
}

stop_dived() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

alive() {
	kill -0 "$1" 2>/dev/null
}

# The wait status of a command as "exit N" or "signal S" (bash folds both
# into $?, perl does not).
wait_status() {
	perl -e 'my $r = system { $ARGV[0] } @ARGV; $r == -1 and die;
	    print $r & 127 ? "signal " . ($r & 127) : "exit " . ($r >> 8)' "$@"
}

# sessions PID: the session processes of a dived master, that is its
# children but the spare monitors waiting for a connection (--spares).
sessions() {
	local p
	for p in $(pgrep -P "$1"); do
		[ "$(ps -o args= -p "$p")" = "dived: monitor [spare]" ] ||
		    echo "$p"
	done
}
no_sessions() { [ -z "$(sessions "$1")" ]; }

# Descendants named like "dived: parser" of a pid.
find_proc() {
	pgrep -f "^dived: $1" | head -n 1
}

# wait_forwarding PID SIGNAL: waits until dive (PID) catches SIGNAL, which
# it does once the program has started: from then on the signal is the
# program's, while before it would end dive itself.
wait_forwarding() {
	local bit
	bit=$(( $(kill -l "$2") - 1 ))
	wait_for sh -c "[ \$(( 0x\$(awk '\$1 == \"SigCgt:\" { print \$2 }' \
	    /proc/$1/status) >> $bit & 1 )) = 1 ]"
}

# ---------------------------------------------- a terminal to type at

# start_pane: a tmux server of the test's own (TM), whose pane runs a
# plain interactive bash in $T, where nobody may enter; it ends with the
# test.
start_pane() {
	TM=(tmux -S "$T/tmux.sock" -f /dev/null)
	trap pane_cleanup EXIT
	"${TM[@]}" new-session -d -s t -x 80 -y 24 -c "$T" \
	    env -i PATH="$PATH" HOME="$T" TERM=screen PS1='$ ' \
	    bash --norc --noprofile -i
	"${TM[@]}" set-option -g history-limit 5000 >/dev/null
}

pane_cleanup() {
	"${TM[@]}" kill-server 2>/dev/null
	cleanup
}

pane() {
	"${TM[@]}" capture-pane -p -J -t t -S -
}

# Waits up to 10 s for the pane to show a line matching an ERE.
wait_pane() {
	local i
	for i in $(seq 100); do
		pane | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Types a line and Enter.  Markers the tests wait for are computed, like
# M-$((1+1)), so that the typed line itself never matches.
typeln() {
	"${TM[@]}" send-keys -t t -l -- "$1"
	"${TM[@]}" send-keys -t t Enter
}

# expect_pane NAME ERE: the pane shows it within 10 s.
expect_pane() {
	if wait_pane "$2"; then ok "$1"; else
		fail "$1" "no /$2/ on the screen: $(pane | tail -n 8 | tr '\n' '|')"
	fi
}
