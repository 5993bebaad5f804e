# dive's own command line: its options before the socket, help and
# version, usage errors, a socket whose path begins with a dash, and what
# dive says when no dived listens.

usage='^usage: dive \[-t \| -T\] \[--\] socket_path\|@abstract_name'
# dive_run ARG...: dive's status, standard output and standard error in
# rc, out and err.
dive_run() {
	out=$("$DIVE" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}

for opt in -h --help; do
	dive_run "$opt"
	expect_eq "usage: dive $opt exits 0, silent on standard error" "0 " \
	    "$rc $err"
	expect_match "usage: dive $opt prints the usage on standard output" \
	    "$usage" "$out"
done
# The options --help lists and those dive.1 describes are the same.
expect_eq "docs: dive --help and dive.1 list the same options" \
    "$(sed -nE 's/^  (-[^ ,]*)(, (--[a-z-]+))?.*/\1 \3/p' <<<"$out" |
    tr ' ' '\n' | grep . | sort)" \
    "$(grep '^\.It Fl' "$ROOT/man/dive.1" | sed 's/\\-/-/g' |
    grep -oE 'Fl -?-?[A-Za-z0-9-]*' | sed 's/^Fl /-/' | sort)"

dive_run --version
expect_eq "usage: dive --version exits 0, silent on standard error" "0 " \
    "$rc $err"
expect_match "usage: dive --version prints dive's and the protocol's versions" \
    '^dive [0-9][0-9.]* \(protocol [0-9]+\)$' "$out"
dive_run -T --version
expect_match "usage: --version is an option wherever the socket may follow" \
    '^0 dive [0-9]' "$rc $out"

for opt in -x --frobnicate -help - -t-; do
	dive_run "$opt" /run/dived.sock true
	expect_eq "usage: dive $opt is an unknown option, status 4" "4 " \
	    "$rc $out"
	expect_eq "usage: dive $opt is named on standard error" \
	    "dive: $opt: unknown option" "$(head -n 1 <<<"$err")"
	expect_match "usage: dive $opt is followed by the usage" \
	    "$usage" "$(sed -n 2p <<<"$err")"
done
dive_run -t -x
expect_eq "usage: an unknown option after -t is still one" \
    "4 dive: -x: unknown option" "$rc $(head -n 1 <<<"$err")"
for args in "-t" "--" "-T --"; do
	# shellcheck disable=SC2086
	dive_run $args
	expect_match "usage: dive $args without a socket prints the usage, status 4" \
	    "^4 ${usage#^}" "$rc $err"
done

# A socket whose path begins with a dash: after --, or as ./-x.
S=$T/sock
start_dived "$S"
start_dived "$T/-x"
expect_eq "dash: -- makes the next argument the socket" "via --" \
    "$(cd "$T" && "$DIVE" -- -x echo via --)"
expect_eq "dash: ./-x names the socket -x" "via ./" \
    "$(cd "$T" && "$DIVE" ./-x echo via ./)"
expect_eq "dash: -x alone is an option, even with a socket of that name" 4 \
    "$(cd "$T" && "$DIVE" -x echo no 2>/dev/null; echo "$?")"
expect_eq "dash: after the socket, every argument is the program's" \
    "--help -x -- --version" "$("$DIVE" "$S" echo --help -x -- --version)"
expect_eq "dash: -t and -T still come before --" "ok" \
    "$("$DIVE" -T -- "$S" echo ok)"

A=@dive-usage-$$
start_dived "$A"
expect_eq "abstract: an @name is a socket, never an option" "ok" \
    "$("$DIVE" "$A" echo ok)"

# No dived: said plainly, status 125, nothing on standard output.
dive_run "$T/none.sock" true
expect_eq "no dived: a missing socket file says so, status 125" \
    "125  dive: no dived listening at $T/none.sock: no such file" \
    "$rc $out $err"
perl -MSocket -e 'socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
    bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!"' "$T/stale.sock"
dive_run "$T/stale.sock" true
expect_eq "no dived: a socket file nothing accepts on says so, status 125" \
    "125  dive: no dived listening at $T/stale.sock: the socket file exists, but nothing accepts connections on it" \
    "$rc $out $err"
: >"$T/plain"
dive_run "$T/plain" true
expect_eq "no dived: a regular file is not a socket, status 125" \
    "125  dive: no dived listening at $T/plain: the file is not a socket" \
    "$rc $out $err"
dive_run "$T" true
expect_eq "no dived: a directory is not a socket, status 125" \
    "125  dive: no dived listening at $T: the file is not a socket" \
    "$rc $out $err"
dive_run "@dive-usage-none-$$" true
expect_eq "no dived: an abstract name nothing listens on says so, status 125" \
    "125  dive: no dived listening at @dive-usage-none-$$: no socket by that abstract name accepts connections" \
    "$rc $out $err"
