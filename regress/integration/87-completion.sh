# The bash completions of dist/bash-completion: what each offers for a
# few command lines, and that dived's lists exactly the options of
# dived --help, so that the two cannot drift.

DIST=$ROOT/dist/bash-completion
BC=/usr/share/bash-completion/bash_completion

# dived --help's options, as 85-options.sh reads them, and --.
help_opts=$( { "$DIVED" --help 2>&1 | sed -nE \
    's/^  (-[A-Za-z]+), (--[a-z0-9-]+).*/\1 \2/p; t; s/^  (--[a-z0-9-]*) .*/\1/p; t; s/^  (-[A-Za-z]+) .*/\1/p' |
    tr ' ' '\n'; printf '%s\n' --help --version; } | grep . | sort -u)
expect_eq "completion: dived's completion offers exactly the options of dived --help" \
    "$help_opts" \
    "$(sed -n "/local opts='/,/'\$/p" "$DIST/dived" | sed "s/local opts=//" |
    tr -d "'" | tr -s ' \t' '\n' | grep . | sort -u)"

if ! [ -r "$BC" ]; then
	skip "completion: offers" "bash-completion is not installed"
	return 0
fi

# comp FILE LINE: the words the completion in FILE offers at the end of
# LINE, sorted, one per line.  Words are split at blanks only, so LINE
# holds no : or =.  compopt acts only on a completion in progress.
comp() {
	bash -c '
	. "$0" && . "$1" || exit 1
	compopt() { :; }
	COMP_LINE=$2
	COMP_POINT=${#COMP_LINE}
	read -ra COMP_WORDS <<<"$COMP_LINE"
	[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	spec=$(complete -p "${COMP_WORDS[0]}") || exit 1
	spec=${spec#*-F }
	"${spec%% *}" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
	    "${COMP_WORDS[COMP_CWORD - 1]}"
	printf "%s\n" "${COMPREPLY[@]}" | sort -u
	' "$BC" "$@" 2>&1
}

# offers WORD WORDS: yes when WORD is one of the lines of WORDS.
offers() {
	grep -qxF -- "$1" <<<"$2" && echo yes
}

D=$T/comp
mkdir -p "$D/sub"
: >"$D/plain"
perl -MSocket -e 'socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
    bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!"' "$D/a.sock"

expect_eq "completion: dived --pol offers --policy" "--policy" \
    "$(comp "$DIST/dived" "dived --pol")"
expect_eq "completion: dived's first argument offers the modes first" \
    "$(printf '%s\n' --inetd --just-execute --just-execute2 | sort)" \
    "$(comp "$DIST/dived" "dived --i"; comp "$DIST/dived" "dived --j")"
expect_eq "completion: dived SOCK --privsep-u offers --privsep-user" \
    "--privsep-user" "$(comp "$DIST/dived" "dived $D/x.sock --privsep-u")"
expect_eq "completion: dived -u offers users" yes \
    "$(offers root "$(comp "$DIST/dived" "dived $D/x.sock -u ro")")"
expect_eq "completion: dived -s completes the last namespace of a list" \
    "net,pid" "$(comp "$DIST/dived" "dived $D/x.sock -s net,pi")"
expect_eq "completion: dived -l offers resource names with =" \
    "nofile=" "$(comp "$DIST/dived" "dived $D/x.sock -l nof")"
expect_eq "completion: dived --policy offers files" "$D/plain" \
    "$(comp "$DIST/dived" "dived $D/x.sock --policy $D/pl")"
expect_eq "completion: dived --check-policy offers files" "$D/plain" \
    "$(comp "$DIST/dived" "dived --check-policy $D/pl")"
expect_eq "completion: dived -V offers directories, twice" \
    "$D/sub $D/sub" \
    "$(comp "$DIST/dived" "dived $D/x.sock -s fs -V $D/s") $(comp "$DIST/dived" "dived $D/x.sock -s fs -V $D/sub $D/s")"
expect_eq "completion: dived -- offers commands" yes \
    "$(offers echo "$(comp "$DIST/dived" "dived $D/x.sock -- ec")")"

expect_eq "completion: dive offers sockets and directories, not other files" \
    "$(printf '%s\n' "$D/a.sock" "$D/sub")" "$(comp "$DIST/dive" "dive $D/")"
expect_eq "completion: dive offers its options where the socket goes" \
    "$(printf '%s\n' -- --help --version -T -h -l -t | sort)" \
    "$(comp "$DIST/dive" "dive -")"
expect_eq "completion: dive offers sockets after -t --" "$D/a.sock" \
    "$(comp "$DIST/dive" "dive -t -- $D/a")"
expect_eq "completion: dive SOCK ec offers echo" yes \
    "$(offers echo "$(comp "$DIST/dive" "dive $D/a.sock ec")")"
expect_eq "completion: dive SOCK ls --col completes as ls's own completion" \
    yes "$(offers --color "$(comp "$DIST/dive" "dive $D/a.sock ls --col")")"
A=@dive-comp-$$
start_dived "$A"
expect_eq "completion: dive @ offers the abstract names that listen" "$A" \
    "$(comp "$DIST/dive" "dive @dive-comp-$$" | grep -x -- "$A")"
