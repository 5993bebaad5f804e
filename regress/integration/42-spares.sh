# --spares: monitors started ahead of their connections, each with its
# parser already confined; what they hold, how they are replaced, retired
# and stopped, and that a broken one costs no client anything.

if ! is_root; then
	skip "spares: tests" "need root to observe the parser's setuid and chroot"
	return 0
fi

title() { ps -o args= -p "$1"; }
spares_of() { pgrep -P "$1" -f '^dived: monitor \[spare\]$' | sort -n; }
nspares() { spares_of "$1" | wc -l; }
# spares_are N: whether the current master has N spares.
spares_are() { [ "$(nspares "$DIVED_PID")" = "$1" ]; }
parser_of() { pgrep -P "$1" | head -n 1; }
has_parser() { [ -n "$(parser_of "$1")" ]; }
# The parser takes its spare's title once it has confined itself.
has_confined_parser() {
	[ "$(title "$(parser_of "$1")")" = "dived: parser [spare]" ]
}

S=$T/spares.sock
start_dived "$S" -C 0777
expect_eq "spares: one by default" 1 \
    "$(wait_for spares_are 1; nspares "$DIVED_PID")"
spare=$(spares_of "$DIVED_PID")
wait_for has_parser "$spare"
sparser=$(parser_of "$spare")
status=$(cat "/proc/$sparser/status")
field() { awk -v f="$1:" '$1 == f { print $2 }' <<<"$status"; }
expect_eq "spares: the parser is titled a spare" "dived: parser [spare]" \
    "$(title "$sparser")"
expect_eq "spares: its parser is confined before any client: uid" \
    "$(id -u _dived)" "$(field Uid)"
expect_eq "spares: ... no capabilities" 0000000000000000 "$(field CapBnd)"
expect_eq "spares: ... seccomp filter mode" 2 "$(field Seccomp)"
expect_eq "spares: ... the empty root" /run/dived/empty \
    "$(readlink "/proc/$sparser/root")"
expect_eq "spares: ... only /dev/null and the monitor socket" "0 1 2 4" \
    "$(ls "/proc/$sparser/fd" | sort -n | tr '\n' ' ' | sed 's/ $//')"

# A connection goes to the spare, and another spare takes its place.
out=$("$DIVE" "$S" sh -c 'echo $PPID')
expect_eq "spares: the spare serves the next connection" "$spare" "$out"
wait_for spares_are 1
next=$(spares_of "$DIVED_PID")
expect_eq "spares: a new spare replaces it" yes \
    "$([ -n "$next" ] && [ "$next" != "$spare" ] && echo yes)"
expect_eq "spares: as nobody too" 65534 \
    "$(cd / && as_nobody "$DIVE" "$S" id -u)"
expect_match "spares: the session is logged under its own ID" \
    "session [0-9]+-$DIVED_PID-2: .*allowed" "$(cat "$T/dived.log")"

# A spare whose parser is killed is not given a connection: it ends, the
# master says so, the client is served all the same, and spares come back.
# (Killed once confined: one killed before has failed to confine itself.)
wait_for spares_are 1
spare=$(spares_of "$DIVED_PID")
wait_for has_confined_parser "$spare"
kill -KILL "$(parser_of "$spare")"
wait_for sh -c "! kill -0 $spare"
expect_eq "spares: a spare whose parser died is gone" gone \
    "$(kill -0 "$spare" 2>/dev/null || echo gone)"
expect_eq "spares: the next client is served without it" served \
    "$("$DIVE" "$S" echo served)"
expect_match "spares: the loss is logged" \
    "spare monitor $spare ended before its connection" "$(cat "$T/dived.log")"
expect_match "spares: with the reason" \
    "spare monitor: its parser ended before a connection came" \
    "$(cat "$T/dived.log")"
expect_eq "spares: a new spare comes after a pause" 1 \
    "$(wait_for spares_are 1; nspares "$DIVED_PID")"

# A spare that is killed itself is replaced the same way.
spare=$(spares_of "$DIVED_PID")
kill -KILL "$spare"
# (A connection handed over in the instant the kill lands is lost with
# the spare: the next one after it is the one that must be served.)
wait_for sh -c "! kill -0 $spare"
expect_eq "spares: a killed spare costs no client" ok \
    "$("$DIVE" "$S" echo ok)"
expect_eq "spares: its parser dies with it" "" \
    "$(wait_for sh -c "! pgrep -P $spare"; pgrep -P "$spare")"

# Stopping dived retires the spares with it.
wait_for spares_are 1
spare=$(spares_of "$DIVED_PID")
sparser=$(parser_of "$spare")
stop_dived "$DIVED_PID"
expect_eq "spares: stopped with dived, monitor and parser" gone \
    "$(kill -0 "$spare" 2>/dev/null || kill -0 "$sparser" 2>/dev/null ||
    echo gone)"

# --spares N keeps N; 0 keeps none and still serves.
S2=$T/spares3.sock
start_dived "$S2" --spares 3
expect_eq "spares: --spares 3 keeps three" 3 \
    "$(wait_for spares_are 3; nspares "$DIVED_PID")"
for i in 1 2 3 4 5; do "$DIVE" "$S2" true; done
expect_eq "spares: and three again after five sessions" 3 \
    "$(wait_for spares_are 3; nspares "$DIVED_PID")"
stop_dived "$DIVED_PID"
S3=$T/spares0.sock
start_dived "$S3" --spares 0
sleep 0.2
expect_eq "spares: --spares 0 keeps none" "" "$(pgrep -P "$DIVED_PID")"
expect_eq "spares: and serves all the same" 7 "$("$DIVE" "$S3" sh -c 'exit 7'; echo $?)"
stop_dived "$DIVED_PID"
for bad in -1 65 x ''; do
	out=$("$DIVED" "$T/bad.sock" --spares "$bad" 2>&1)
	expect_eq "spares: --spares '$bad' is a usage error" 4 $?
	expect_match "spares: --spares '$bad' says the range" \
	    "expected a number from 0 to 64" "$out"
done

# SIGHUP retires the spares, which hold the old rules, for new ones.
P=$T/spares.rules
A=$T/spares.audit
printf 'permit root\n' >"$P"
S4=$T/spareshup.sock
start_dived "$S4" --policy "$P" --audit-log "$A" --spares 2
wait_for spares_are 2
old=$(spares_of "$DIVED_PID" | tr '\n' ' ')
printf 'deny root\n' >"$P.new" && mv "$P.new" "$P"
kill -HUP "$DIVED_PID"
changed() { [ "$(spares_of "$DIVED_PID" | tr '\n' ' ')" != "$old" ] &&
    [ "$(nspares "$DIVED_PID")" = 2 ]; }
expect_eq "spares: SIGHUP replaces every spare" yes \
    "$(wait_for changed && echo yes)"
old_gone() {
	local p
	for p in $old; do
		! kill -0 "$p" 2>/dev/null || return 1
	done
}
expect_eq "spares: the old ones are gone" yes "$(wait_for old_gone && echo yes)"
out=$("$DIVE" "$S4" true 2>&1)
expect_eq "spares: the next session has the new rules" 125 $?
expect_match "spares: and says so" "denied by the rule at line 1" "$out"
stop_dived "$DIVED_PID"
