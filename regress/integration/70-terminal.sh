# The terminal handling without a pseudo-terminal (dive -T, as dive always
# did): a new session for the program and, when dived is root, the
# client's terminal as its controlling terminal.  The pseudo-terminal,
# the default, is 72-pty.sh's.

if ! command -v script >/dev/null; then
	skip "terminal: tests" "script(1) is not installed"
	return 0
fi

S=$T/tty.sock
start_dived "$S"

# Inside a pseudo-terminal made by script(1): the program reports its
# terminal, its controlling terminal and whether it leads its session.
probe='t=$(tty); c=$(ps -o tty= -p $$); s=$(ps -o sid= -p $$); echo "tty=$t ctty=/dev/${c# } leader=$([ $s -eq $$ ] && echo yes || echo no)"'
out=$(script -qec "$DIVE -T $S sh -c '$probe'" /dev/null </dev/null | tr -d '\r')
tty=$(sed -n 's/^tty=\([^ ]*\) .*/\1/p' <<<"$out")
expect_match "terminal: stdin of the program is the client's terminal" \
    "^tty=/dev/pts/[0-9]+ " "$out"
expect_eq "terminal: the program leads a new session" yes \
    "$(sed -n 's/.*leader=//p' <<<"$out")"
if is_root; then
	expect_eq "terminal: as root the client's terminal becomes the controlling one" \
	    "$tty" "$(sed -n 's/.* ctty=\([^ ]*\) .*/\1/p' <<<"$out")"
fi
out=$(script -qec "env DIVE_TERMINAL= $DIVE -T $S sh -c '$probe'" /dev/null </dev/null | tr -d '\r')
expect_match "terminal: DIVE_TERMINAL empty leaves the program without one" \
    "ctty=/dev/\? " "$out"
out=$(DIVE_TERMINAL=/dev/null "$DIVE" "$S" sh -c "$probe" </dev/null)
expect_match "terminal: DIVE_TERMINAL naming a non-terminal is harmless" \
    "ctty=/dev/\? " "$out"
err=$(DIVE_TERMINAL=/nonexistent/tty "$DIVE" "$S" true 2>&1)
expect_eq "terminal: DIVE_TERMINAL naming nothing fails" 125 $?
expect_match "terminal: and says which path" "/nonexistent/tty" "$err"

# Another user's terminal: a root session's terminal, held by a nobody
# process in a session of its own (as after su), stays that session's.
# Were it made the program's controlling terminal, the program could type
# into the root shell with TIOCSTI.
if is_root && [ -x "$BIN/tiocsti" ]; then
	script -qec "exec sleep 30" /dev/null </dev/null >/dev/null 2>&1 &
	holder=$!
	wait_for sh -c "pgrep -P $holder -x sleep >/dev/null"
	victim=$(pgrep -P "$holder" -x sleep)
	pts=$(readlink "/proc/$victim/fd/0")
	S=$T/tty-all.sock
	start_dived "$S" -C 0777
	out=$(as_nobody setsid -w env DIVE_PTY=0 "$DIVE" "$S" sh -c \
	    "$probe; $BIN/tiocsti x" <"$pts" 2>&1 | tr -d '\r')
	expect_match "terminal: another session's terminal is not taken from it" \
	    "ctty=/dev/\? " "$out"
	expect_match "terminal: so the program cannot type into that session" \
	    "TIOCSTI: Operation not permitted" "$out"
	out=$(as_nobody setsid -w env DIVE_PTY=0 "$DIVE" "$S" sh -c \
	    "$probe" <"$pts" 2>&1 | tr -d '\r')
	expect_eq "terminal: the session keeps its terminal" "$pts" \
	    "/dev/$(ps -o tty= -p "$victim" | tr -d ' ')"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
fi
