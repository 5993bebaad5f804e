# The pseudo-terminal mode, typed at for real in a tmux pane: an
# interactive shell with job control, ^C and ^D reaching the program, a
# resize reaching it, the caller's terminal left as it was, and a program
# of another user unable to type into the caller's shell.  Then, through
# script(1), the mode's choices, the server's rules, and the behaviour
# without a pseudo-terminal (dive -T), with and without dived -T.

if ! command -v tmux >/dev/null || ! command -v script >/dev/null; then
	skip "pty: tests" "tmux or script(1) is not installed"
	return 0
fi

# The default, as a user has it (lib.sh turns it off for the other tests).
unset DIVE_PTY
S=$T/pty.sock
start_dived "$S"
start_pane

# The pane's terminal modes now, as stty -g prints them.
modes_now() {
	rm -f "$T/modes"
	typeln "stty -g >$T/modes.tmp && mv $T/modes.tmp $T/modes"
	wait_for test -s "$T/modes" && cat "$T/modes"
}

# bash puts its own terminal modes back after a job killed by a signal.
# "$T/left NAME COMMAND..." runs the command, keeps the modes it left in
# $T/left.NAME before any shell can, and prints NAME-RC- and its status.
printf '#!/bin/sh\nn=$1; shift\n"$@"\nrc=$?\nstty -g >"%s/left.$n"\necho "$n-RC-$rc"\n' \
    "$T" >"$T/left"
chmod 755 "$T/left"

wait_pane '^\$ ' || fail "pty: the tmux pane starts a shell" "$(pane)"
modes=$(modes_now)
paneterm=$("${TM[@]}" display-message -p -t t '#{pane_tty}')

# An interactive shell through dive, with job control.
typeln "$DIVE $S bash --norc --noprofile -i"
typeln 'echo JC-$(set -o | awk '\''$1 == "monitor" { print $2 }'\'')-$((6*7))'
expect_pane "pty: an interactive shell through dive has job control" \
    '^JC-on-42$'
expect_eq "pty: without a complaint about job control" "" \
    "$(pane | grep -i 'no job control')"
typeln 'echo TTY-$(tty)-$((1+1))'
wait_pane '^TTY-.*-2$'
inner=$(pane | sed -n 's/^TTY-\(.*\)-2$/\1/p' | tail -n 1)
expect_match "pty: the shell's terminal is a new pseudo-terminal" \
    '^/dev/pts/[0-9]+$' "$inner"
if [ "$inner" != "$paneterm" ]; then ok "pty: not the caller's terminal"
else fail "pty: not the caller's terminal" "both are $inner"; fi
typeln 'sleep 100 &'
typeln 'jobs; echo JOBS-$((2+2))'
expect_pane "pty: a background job of the inner shell is listed" \
    '^\[1\]\+ +Running +sleep 100 &$'
typeln 'kill %1; exit'
wait_pane '^\[1\]\+ +Terminated'
typeln 'echo BACK-$((3+4))'
expect_pane "pty: exit ends the inner shell and dive" '^BACK-7$'

# The program's terminal starts with the caller's modes.
typeln "$DIVE $S sh -c 'echo MODES-\$(stty -g)'"
expect_pane "pty: the program's terminal has the caller's modes" \
    "^MODES-$modes\$"

# ^C is a key for the program's terminal: the program gets SIGINT.
typeln "$DIVE $S sh -c 'trap \"echo GOT-INT; exit 3\" INT; echo READY-\$((1+1)); while :; do sleep 0.2; done'; echo DIVE-RC-\$?"
wait_pane '^READY-2$'
"${TM[@]}" send-keys -t t C-c
expect_pane "pty: ^C reaches the program as SIGINT" 'GOT-INT$'
expect_pane "pty: and dive ends as the program did" '^DIVE-RC-3$'

# ^D ends the program's input.
typeln "$DIVE $S sh -c 'echo READY-\$((2+1)); cat >/dev/null; echo CAT-\$((4+4))'"
wait_pane '^READY-3$'
typeln "some text"
"${TM[@]}" send-keys -t t C-d
expect_pane "pty: ^D reaches the program as the end of its input" '^CAT-8$'

# The window size, at the start and after a change.
typeln "$DIVE $S sh -c 'echo SIZE-\$(stty size); read x; echo SIZE-\$(stty size)'"
expect_pane "pty: the program starts with the caller's window size" \
    '^SIZE-24 80$'
"${TM[@]}" resize-window -t t -x 100 -y 30
sleep 0.5
typeln ""
expect_pane "pty: a resize reaches the program (stty size)" '^SIZE-30 100$'

# Output still buffered when the program exits is not lost.
typeln "$DIVE $S sh -c 'seq 1 20000; echo LAST-\$((5+5))'"
expect_pane "pty: the last output of a program that exits is shown" \
    '^LAST-10$'

# A program that exits leaving a process that keeps writing to its
# terminal: dive shows that output for at most a second, then gives the
# terminal back and ends as the program did.  The process ignores the
# SIGHUP the program's exit sends it, and ends once the terminal is gone.
typeln "s=\$(date +%s%N); $DIVE $S sh -c 'trap \"\" HUP; (while echo LEFT; do sleep 0.1; done) & exit 3'; echo LEFT-RC-\$?-\$(( (\$(date +%s%N) - s) / 1000000 ))"
if wait_pane '^LEFT-RC-[0-9]+-[0-9]+$'; then
	left=$(pane | sed -n 's/^LEFT-RC-\([0-9]*\)-\([0-9]*\)$/\1 \2/p' |
	    tail -n 1)
	expect_eq "pty: a program that leaves a writer behind ends dive with its status" \
	    3 "${left% *}"
	expect_eq "pty: within seconds, not for as long as the writer writes" yes \
	    "$([ "${left#* }" -lt 5000 ] && echo yes || echo "no (${left#* } ms)")"
else
	fail "pty: a program that leaves a writer behind ends dive with its status" \
	    "dive still runs: $(pane | tail -n 3 | tr '\n' '|')"
fi
expect_eq "pty: the terminal modes are restored after the writer's output" \
    "$modes" "$(modes_now)"

# A signal while dive shows that output ends dive at once, by the signal:
# the program has ended, there is no one to forward it to.  Sent once the
# program is gone, as the output keeps coming.
typeln "$T/left DRAINSIG $DIVE $S sh -c 'trap \"\" HUP; p=\$\$; (while echo LEFT; do sleep 0.05; done) & (while kill -0 \$p 2>/dev/null; do sleep 0.05; done; sleep 0.2; kill -TERM \$DIVE_PID) & exit 3'"
expect_pane "pty: SIGTERM after the program's end ends dive by it" \
    '^DRAINSIG-RC-143$'
expect_eq "pty: the terminal modes are restored after that SIGTERM" \
    "$modes" "$(cat "$T/left.DRAINSIG")"

# The -a command talks to the caller through the pseudo-terminal too.
SA=$T/auth.sock
start_dived "$SA" -a 'printf "Password: "; read -r pw; [ "$pw" = secret ]'
typeln "$DIVE $SA sh -c 'echo AUTHORIZED-\$((3*3))'; echo AUTH-RC-\$?"
wait_pane 'Password: $'
typeln "secret"
expect_pane "pty: the -a command reads a password through the pseudo-terminal" \
    '^AUTHORIZED-9$'
typeln "$DIVE $SA true; echo AUTH-RC-\$?"
wait_pane 'Password: $'
typeln "wrong"
expect_pane "pty: a wrong one is refused" '^AUTH-RC-125$'
# While the -a command reads, the terminal is raw and the program has not
# started: SIGTERM ends dive, which gives the terminal its modes back.
SB=$T/authpid.sock
start_dived "$SB" -a 'echo AUTHPID=$DIVE_PID; read -r pw'
typeln "$T/left AUTHSIG $DIVE $SB true"
# (Not anchored: a command line of the terminal's width is joined with
# the output that follows it.)
wait_pane 'AUTHPID=[0-9]+$'
kill -TERM "$(pane | sed -n 's/.*AUTHPID=//p' | tail -n 1)"
expect_pane "pty: SIGTERM while the -a command reads ends dive by it" \
    '^AUTHSIG-RC-143$'
expect_eq "pty: the terminal modes are restored after SIGTERM during -a" \
    "$modes" "$(cat "$T/left.AUTHSIG")"

# The caller's terminal afterwards: same modes, echo on.
expect_eq "pty: the caller's terminal modes are restored" "$modes" \
    "$(modes_now)"
typeln 'echo AFTER-$((40+2))'
expect_pane "pty: the caller's shell runs commands afterwards" '^AFTER-42$'
expect_pane "pty: and echoes what is typed" 'echo AFTER-\$\(\(40\+2\)\)'

# In the background, with job control: no raw mode, no key taken, no
# stop; brought to the foreground, it takes the keys.
typeln "$DIVE $S sh -c 'sleep 1; echo BG-\$((3+3))' & wait; echo WAITED-\$((1+8))"
expect_pane "pty: a background dive runs to its end" '^WAITED-9$'
expect_eq "pty: a background dive leaves the terminal modes alone" \
    "$modes" "$(modes_now)"
typeln "$DIVE $S sh -c 'echo STOPPID=\$DIVE_PID; read x; echo GOT-\$x'"
wait_pane 'STOPPID=[0-9]+$'
kill -TSTP "$(pane | sed -n 's/.*STOPPID=//p' | tail -n 1)"
expect_pane "pty: SIGTSTP stops dive" 'Stopped .*STOPPID'
expect_eq "pty: and gives the caller's shell its terminal modes back" \
    "$modes" "$(modes_now)"
typeln 'fg'
sleep 0.5
typeln "typed-in-fg"
expect_pane "pty: a dive stopped and brought back takes the keys again" \
    '^GOT-typed-in-fg$'
typeln "$DIVE $S sh -c 'read x; echo GOT2-\$x' &"
sleep 0.5
typeln 'fg'
sleep 0.5
typeln "typed-later"
expect_pane "pty: a dive moved to the foreground while running takes the keys" \
    '^GOT2-typed-later$'
expect_eq "pty: and leaves the modes as they were" "$modes" "$(modes_now)"

# In a script without job control, started with &: stdin is /dev/null,
# the terminal is output only and its modes stay.
typeln "sh -c '$DIVE $S sh -c \"echo SCRIPTBG-\\\$((2+5))\" & wait'"
expect_pane "pty: a dive in the background of a script shows its output" \
    '^SCRIPTBG-7$'
expect_eq "pty: and does not leave the terminal raw" "$modes" "$(modes_now)"

# dive killed by a signal it forwards, and dive losing its server.
typeln "$DIVE $S sh -c 'echo DIVEPID=\$DIVE_PID; exec sleep 30'; echo KILLED-\$?"
wait_pane 'DIVEPID=[0-9]+$'
kill -TERM "$(pane | sed -n 's/.*DIVEPID=//p' | tail -n 1)"
expect_pane "pty: SIGTERM to dive ends the program and dive by it" \
    '^KILLED-143$'
expect_eq "pty: the terminal is restored after a signal" "$modes" \
    "$(modes_now)"
typeln "DIVE_SIGFWMODE=0 $T/left NOFW $DIVE $S sh -c 'echo NOFWPID=\$DIVE_PID; exec sleep 30'"
wait_pane 'NOFWPID=[0-9]+$'
kill -TERM "$(pane | sed -n 's/.*NOFWPID=//p' | tail -n 1)"
expect_pane "pty: with DIVE_SIGFWMODE=0, SIGTERM ends dive by it" \
    '^NOFW-RC-143$'
expect_eq "pty: the terminal modes are restored after the unforwarded SIGTERM" \
    "$modes" "$(cat "$T/left.NOFW")"
typeln "$DIVE $S sh -c 'echo MONITOR=\$PPID; exec sleep 30'; echo LOST-\$?"
wait_pane '^MONITOR=[0-9]+$'
kill -KILL "$(pane | sed -n 's/^MONITOR=//p' | tail -n 1)"
expect_pane "pty: a lost server ends dive with 125" '^LOST-125$'
expect_eq "pty: the terminal is restored when the server is gone" \
    "$modes" "$(modes_now)"

# A program running as nobody types into its terminal with TIOCSTI: that
# is its own pseudo-terminal, never the caller's shell.
if is_root; then
	SN=$T/nobody.sock
	start_dived "$SN" -u nobody
	cp "$BIN/tiocsti" "$T/tiocsti"
	printf '#!/bin/sh\nexec %s "touch %s\n"\n' "$T/tiocsti" \
	    "$T/injected-pty" >"$T/inject"
	chmod 755 "$T/tiocsti" "$T/inject"
	typeln "$DIVE $SN $T/inject; echo INJECT-\$((9+9))"
	expect_pane "tiocsti: the program as nobody pushes text into its terminal" \
	    '^tiocsti: pushed [0-9]+ bytes'
	wait_pane '^INJECT-18$'
	sleep 1
	if [ -e "$T/injected-pty" ]; then
		fail "tiocsti: the pushed text does not reach the caller's shell" \
		    "$T/injected-pty was created"
	else
		ok "tiocsti: the pushed text does not reach the caller's shell"
	fi
	typeln 'echo STILL-$((50+5))'
	expect_pane "tiocsti: the caller's shell still works" '^STILL-55$'
	expect_eq "tiocsti: the slave belongs to the program's user" \
	    "nobody:620" "$(script -qec "$DIVE $SN sh -c 'stat -c %U:%a \$(tty)'" \
	    /dev/null </dev/null | grep -o '[a-z]*:[0-7]*')"
fi

# Through script(1): the program's view of its terminal.  What script
# sends at the end of its empty input may be echoed before or after the
# program's line, so each check picks its own field out of the output.
probe='t=$(tty); c=$(ps -o tty= -p $$); s=$(ps -o sid= -p $$); echo "tty=$t ctty=/dev/${c# } leader=$([ $s -eq $$ ] && echo yes || echo no)"'
field() {
	sed -n "s/^\\(.* \\)\\{0,1\\}$1=\\([^ ]*\\).*/\\2/p" <<<"$2"
}
# script(1) passes the end of its empty input on as a ^D, which a program
# in raw mode reads as a NUL, echoed as ^@: not part of the output.
in_script() {
	script -qec "$1" /dev/null </dev/null | tr -d '\r' | sed 's/\^@//g'
}

out=$(in_script "tty; $DIVE $S sh -c '$probe'")
outer=$(sed -n 1p <<<"$out")
out=$(sed -n 2p <<<"$out")
expect_match "mode: by default a terminal gets a pseudo-terminal" \
    '^tty=/dev/pts/[0-9]+ ' "$out"
if [ "$(field tty "$out")" != "$outer" ]; then
	ok "mode: which is not the caller's terminal"
else
	fail "mode: which is not the caller's terminal" "both are $outer"
fi
expect_eq "mode: it is the program's controlling terminal" \
    "$(field tty "$out")" "$(field ctty "$out")"
expect_eq "mode: the program leads its session" yes "$(field leader "$out")"
out=$(in_script "sh -c 'cd /proc/\$\$/fd && echo *'; $DIVE $S sh -c 'cd /proc/\$\$/fd && echo *'")
expect_eq "mode: the program has the descriptors it would have without dive" \
    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"

for how in -T DIVE_PTY=0; do
	if [ "$how" = -T ]; then cmd="$DIVE -T"; else cmd="env $how $DIVE"; fi
	out=$(in_script "tty; $cmd $S sh -c '$probe'")
	outer=$(sed -n 1p <<<"$out")
	out=$(sed -n 2p <<<"$out")
	expect_eq "mode: $how: the program gets the caller's terminal" \
	    "$outer" "$(field tty "$out")"
	if is_root; then
		expect_eq "mode: $how: which a root dived makes its controlling one" \
		    "$outer" "$(field ctty "$out")"
	fi
done
out=$(in_script "env DIVE_PTY=0 $DIVE -t $S sh -c '$probe'")
expect_match "mode: -t overrides DIVE_PTY=0" '^tty=/dev/pts/[0-9]+ ' "$out"

out=$(in_script "echo x | $DIVE $S sh -c '[ -p /dev/stdin ] && echo stdin-pipe; [ -t 1 ] && echo stdout-tty; tr x y'")
expect_eq "mode: a pipe on stdin passes untouched beside the pseudo-terminal" \
    $'stdin-pipe\nstdout-tty\ny' "$out"
expect_eq "mode: no terminal at all, no pseudo-terminal" "y" \
    "$(echo x | "$DIVE" "$S" sh -c '[ -t 0 ] || [ -t 1 ] || tr x y')"
out=$(in_script "$DIVE $S sh -c 'seq 1 100000' | tail -n 1; $DIVE $S seq 1 100000 | wc -l")
expect_eq "mode: output is complete when the program exits at once" \
    $'100000\n100000' "$out"
out=$(in_script "$DIVE $S seq 1 50000" | tail -n 1)
expect_eq "mode: output relayed through the pseudo-terminal is complete" \
    50000 "$out"

"$DIVE" -t "$S" true </dev/null >/dev/null 2>"$T/err"
expect_eq "mode: -t without a terminal is a usage error" 4 $?
expect_match "mode: and says so" "none of standard input" "$(cat "$T/err")"
DIVE_PTY=2 "$DIVE" "$S" true 2>/dev/null
expect_eq "mode: DIVE_PTY=2 is a usage error" 4 $?

# The default behaviour without a pseudo-terminal, with dived -T.
ST=$T/notty.sock
start_dived "$ST" -T
out=$(in_script "tty; $DIVE -T $ST sh -c '$probe'")
outer=$(sed -n 1p <<<"$out")
out=$(sed -n 2p <<<"$out")
expect_eq "mode: -T with dived -T: the program gets the caller's terminal" \
    "$outer" "$(field tty "$out")"
expect_eq "mode: -T with dived -T: but no controlling terminal" "/dev/?" \
    "$(field ctty "$out")"
out=$(in_script "$DIVE $ST sh -c '$probe'")
expect_eq "mode: dived -T leaves a pseudo-terminal no controlling one" \
    "/dev/?" "$(field ctty "$out")"

# The server's rules.
SF=$T/forbid.sock
start_dived "$SF" --no-pty
out=$(in_script "tty; $DIVE $SF sh -c '$probe'")
outer=$(sed -n 1p <<<"$out")
expect_eq "rule: with --no-pty the default is the caller's terminal" \
    "$outer" "$(field tty "$(sed -n 2p <<<"$out")")"
out=$(in_script "$DIVE -t $SF true; echo rc=\$?")
expect_match "rule: with --no-pty, -t is refused with a reason" \
    "dive: .*no pseudo-terminals" "$out"
expect_match "rule: with exit status 125" "rc=125" "$out"
# dive never sends a terminal along with a pseudo-terminal request;
# another client that does is refused by the server, and nothing runs.
out=$(in_script "$BIN/rawclient $S ptytty")
expect_match "rule: a terminal sent with a pseudo-terminal is refused" \
    "^error 125 descriptor 5 is a terminal" "$out"
expect_no_match "rule: and nothing is started for it" "^started" "$out"

SP=$T/force.sock
start_dived "$SP" --pty
out=$(in_script "$DIVE -T $SP true; echo rc=\$?")
expect_match "rule: with --pty, passing the terminal is refused" \
    "dive: .*--pty" "$out"
expect_match "rule: with exit status 125" "rc=125" "$out"
out=$(in_script "env DIVE_TERMINAL= $DIVE $SP sh -c '$probe'")
expect_match "rule: with --pty an empty DIVE_TERMINAL still gets one" \
    '^tty=/dev/pts/[0-9]+ ' "$out"
expect_eq "rule: with --pty a client without a terminal is served" "y" \
    "$(echo x | "$DIVE" -T "$SP" tr x y 2>&1)"
if wait_for no_sessions "$DIVED_PID"; then
	ok "rule: refusals leave no session process behind"
else
	fail "rule: refusals leave no session process behind" \
	    "$(sessions "$DIVED_PID")"
fi

# Last, as it takes the pane's terminal away from its shell: without a
# pseudo-terminal, a root dived hands the caller's terminal to the
# program, and TIOCSTI then reaches the caller's shell.  This shows that
# the check above would see an injection.
if is_root && [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 1 ]; then
	printf '#!/bin/sh\nexec %s "touch %s\n"\n' "$T/tiocsti" \
	    "$T/injected-tty" >"$T/inject"
	typeln "$DIVE -T $SN $T/inject"
	if wait_for test -e "$T/injected-tty"; then
		ok "tiocsti: without a pseudo-terminal the same text does reach the caller's shell"
	else
		fail "tiocsti: without a pseudo-terminal the same text does reach the caller's shell" \
		    "$(pane | tail -n 5 | tr '\n' '|')"
	fi
else
	skip "tiocsti: the injection without a pseudo-terminal" \
	    "not root, or TIOCSTI is disabled (dev.tty.legacy_tiocsti)"
fi
