# Remote start behaves like running the program directly: arguments,
# environment, umask, directory and the way the program ended.

S=$T/basic.sock
start_dived "$S" -C 0777

out=$("$DIVE" "$S" printf '[%s]' 'two words' '' '*' 'ünï' $'a\nb')
expect_eq "argv: arguments arrive unsplit, empty and special ones included" \
    $'[two words][][*][ünï][a\nb]' "$out"

"$DIVE" "$S" sh -c 'exit 0'
expect_eq "exit status: 0 is mirrored" 0 $?
"$DIVE" "$S" sh -c 'exit 7'
expect_eq "exit status: 7 is mirrored" 7 $?
"$DIVE" "$S" sh -c 'exit 255'
expect_eq "exit status: 255 is mirrored" 255 $?

expect_eq "signal: program killed by SIGTERM makes dive die by SIGTERM" \
    "signal 15" "$(wait_status "$DIVE" "$S" sh -c 'kill -TERM $$')"
expect_eq "signal: SIGKILL mirrored" \
    "signal 9" "$(wait_status "$DIVE" "$S" sh -c 'kill -KILL $$')"
(cd "$T" && wait_status "$DIVE" "$S" sh -c 'kill -SEGV $$' >"$T/segv")
expect_eq "signal: SIGSEGV mirrored" "signal 11" "$(cat "$T/segv")"
expect_eq "signal: dive leaves no core file of its own" "" \
    "$(ls "$T" | grep -E '^core' || true)"
expect_eq "exit status: exit 143 stays an exit, not a signal" "exit 143" \
    "$(wait_status "$DIVE" "$S" sh -c 'exit 143')"

err=$("$DIVE" "$S" /nonexistent/prog 2>&1)
rc=$?
expect_eq "exec: missing program gives 127" 127 "$rc"
expect_eq "exec: missing program message names it and the reason" \
    "dive: /nonexistent/prog: No such file or directory" "$err"
err=$("$DIVE" "$S" no-such-command-anywhere 2>&1)
expect_eq "exec: command not on PATH gives 127" 127 $?
printf 'echo hi\n' >"$T/noexec"
chmod 644 "$T/noexec"
err=$("$DIVE" "$S" "$T/noexec" 2>&1)
rc=$?
expect_eq "exec: non-executable file gives 126" 126 "$rc"
expect_eq "exec: non-executable message says permission denied" \
    "dive: $T/noexec: Permission denied" "$err"
err=$("$DIVE" "$S" 2>&1)
rc=$?
expect_eq "exec: no program at all is refused" 125 "$rc"
expect_eq "exec: no program message" "dive: no program given" "$err"

printf '#!/bin/sh\necho script-ran "$@"\n' >"$T/script"
chmod 755 "$T/script"
expect_eq "exec: PATH of the client is searched" "script-ran x" \
    "$(PATH=$T:$PATH "$DIVE" "$S" script x)"

out=$(env -i PATH=/usr/bin:/bin FOO='bar baz' EMPTY= "$DIVE" "$S" env)
expect_match "env: client variables arrive" "^FOO=bar baz$" "$out"
expect_match "env: empty variables arrive" "^EMPTY=$" "$out"
expect_no_match "env: nothing of dived's own environment leaks" \
    "^(HOME|TERM|BIN|RESULTS)=" "$out"
out=$(DIVE_FOO=forged DIVE_UID=0 "$DIVE" "$S" env)
expect_no_match "env: client DIVE_* variables are dropped" \
    "DIVE_FOO|DIVE_UID=0.*DIVE_UID" "$out"
# An entry without a name is no variable: dive leaves it out, and the
# rest of the environment still travels.
out2=$(NAMED=kept perl -e '$ENV{""} = "nameless"; exec @ARGV' \
    "$DIVE" "$S" env; echo "status $?")
expect_match "env: a client entry without a name does not stop dive" \
    "^NAMED=kept$" "$out2"
expect_no_match "env: a client entry without a name is not passed" \
    "^=nameless$" "$out2"
expect_match "env: a client entry without a name: the program succeeds" \
    "^status 0$" "$out2"
expect_eq "env: DIVE_UID is the client's uid" "DIVE_UID=$(id -u)" \
    "$(grep '^DIVE_UID=' <<<"$out")"
expect_eq "env: DIVE_GID is the client's gid" "DIVE_GID=$(id -g)" \
    "$(grep '^DIVE_GID=' <<<"$out")"
expect_eq "env: DIVE_USER is the client's name" "DIVE_USER=$(id -un)" \
    "$(grep '^DIVE_USER=' <<<"$out")"
out=$(sh -c 'echo $$; exec "$0" "$1" sh -c "echo \$DIVE_PID"' "$DIVE" "$S")
expect_eq "env: DIVE_PID is the pid of the dive process" \
    "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")"

expect_eq "umask: 027 is kept" 0027 "$(umask 027 && "$DIVE" "$S" sh -c umask)"
expect_eq "umask: 0 is kept" 0000 "$(umask 0 && "$DIVE" "$S" sh -c umask)"
(umask 077 && cd "$T" && "$DIVE" "$S" touch "$T/umask-file")
expect_eq "umask: applies to files the program creates" 600 \
    "$(stat -c %a "$T/umask-file")"

mkdir -p "$T/some dir"
expect_eq "cwd: the client's directory is current" "$T/some dir" \
    "$(cd "$T/some dir" && "$DIVE" "$S" pwd -P)"
expect_eq "cwd: DIVE_CURDIR chooses another" "/usr" \
    "$(DIVE_CURDIR=/usr "$DIVE" "$S" pwd -P)"
mkdir "$T/gone" && (cd "$T/gone" && rmdir "$T/gone" &&
    "$DIVE" "$S" sh -c 'ls -d "$PWD" 2>/dev/null; readlink /proc/self/cwd') \
    >"$T/gone.out" 2>/dev/null
expect_match "cwd: a deleted directory stays the current one" "deleted" \
    "$(cat "$T/gone.out")"

A=@dive-test-$$
start_dived "$A"
expect_eq "abstract: dived @name serves dive @name" "abstract" \
    "$("$DIVE" "$A" echo abstract)"

P=$T/prefix.sock
start_dived "$P" -- printf '<%s>'
expect_eq "prefix: forced command line comes first" "<a><b c>" \
    "$("$DIVE" "$P" a 'b c')"
expect_eq "prefix: works with no client arguments" "<>" "$("$DIVE" "$P")"

"$DIVE" "$S" sh -c 'sleep 1; echo first' >"$T/par1" &
p1=$!
expect_eq "sessions: a second session runs while the first is busy" second \
    "$("$DIVE" "$S" echo second)"
wait $p1
expect_eq "sessions: the busy session completes" first "$(cat "$T/par1")"

# Every signal starts at its default in the program, unblocked, whatever
# dived itself inherited or set up for its own use.
S2=$T/signals.sock
# 32 and 33 are the C library's own, which make(1), for one, leaves ignored.
"$BIN/sigign" 10 12 15 32 33 -- "$DIVED" "$S2" --log-stderr \
    2>>"$T/dived.log" &
DIVED_PIDS+=("$!")
wait_for listening "$S2"
expect_default_signals "signals: none blocked, ignored or caught in the program" \
    "$("$DIVE" "$S2" cat /proc/self/status)"
expect_default_signals \
    "signals: -J starts the program with every signal at its default" \
    "$("$BIN/sigign" 1 2 10 32 33 -- "$DIVED" -J -- cat /proc/self/status)"

# A large request, 200 arguments and 200 variables of 2000 bytes: dive
# passes it in a sealed memfd, and the program gets every byte.
big=$(head -c 1999 /dev/zero | tr '\0' 'b')
bigargs=()
bigenv=()
for i in $(seq 200); do
	bigargs+=("$i$big")
	bigenv+=("BIG$i=$big")
done
bigsum() { sh -c 'printf "%s\n" "$@" | md5sum; env | grep "^BIG" | sort | md5sum' - "$@"; }
direct=$(env "${bigenv[@]}" bash -c "$(declare -f bigsum); bigsum \"\$@\"" - "${bigargs[@]}")
remote=$(env "${bigenv[@]}" "$DIVE" "$S" bash -c "$(declare -f bigsum); bigsum \"\$@\"" - \
    "${bigargs[@]}")
expect_eq "large: 800 KiB of arguments and environment arrive whole" \
    "$direct" "$remote"
# How it is sent: a sealed request, its memfd the only descriptor.
"$RAW" --record "$T/big.sock" "$T/big.bin" >"$T/big.out" &
rec=$!
wait_for grep -q listening "$T/big.out"
"$DIVE" "$T/big.sock" true "${bigargs[@]}" </dev/null >/dev/null 2>&1
wait "$rec"
expect_eq "large: dive sends it in a memfd, not through the socket" \
    "small 1" "$([ "$(stat -c %s "$T/big.bin")" -lt 4096 ] && echo small) $(grep -c "^descriptors [1-9]" "$T/big.out")"
# Under a file size limit a memfd cannot hold it: it goes in its frame.
remote=$(ulimit -f 100; env "${bigenv[@]}" "$DIVE" "$S" bash -c \
    "$(declare -f bigsum); bigsum \"\$@\"" - "${bigargs[@]}")
expect_eq "large: under ulimit -f it arrives whole in its frame" \
    "$direct" "$remote"
