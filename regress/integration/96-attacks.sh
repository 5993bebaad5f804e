# Attacks of a local user on a root dived: a root the client chooses run
# as someone else, a rule's root left through the client's directory or
# descriptors, name-service modules planted in a root, what a program run
# as another user inherits of the client, the socket file swapped while
# its mode is set, a client's pid given to another process, rules read
# again while a request waits, a program that stops the parsers, files
# planted where dived writes and client strings that would split an
# audit record; and on root's dive, through a server that is not dived.
# Each attack runs as nobody and checks that it fails, and that nothing
# was started, written or sent.

if ! is_root; then
	skip "attacks: tests" "need root to run dived as root and switch users"
	return 0
fi

TMO=(timeout -k 2 20)
dv() { "${TMO[@]}" "$DIVE" "$@"; }
# dv_nobody SOCKET CMD...: dive as nobody, from / (where nobody may be).
dv_nobody() { (cd / && as_nobody "${TMO[@]}" "$DIVE" "$@"); }

cd "$T" || return 0

# rules NAME TEXT: a rule file only root may write.
rules() {
	printf '%s\n' "$2" >"$T/$1"
	chmod 644 "$T/$1"
	echo "$T/$1"
}

# A root directory with a shell and a few tools, as root's.
mkjail() {
	local r=$1
	mkdir -p "$r/etc" "$r/tmp"
	copy_tools "$r" sh cat ls id true pwd grep
	echo jail >"$r/etc/marker"
	chmod -R a+rX "$r"
	chmod 1777 "$r/tmp"
}

# ------------------------------------------- a root the client chooses

# nobody's own root: its own "whoami" that reports who it ran as and
# tries the way out of a chroot that root has.
NR=$T/nobodyroot
mkjail "$NR"
mkdir -p "$NR/usr/bin"
cat >"$NR/usr/bin/whoami" <<'EOF'
#!/bin/sh
id -u
if [ -r /proc/self/status ]; then grep NoNewPrivs /proc/self/status
else echo "no /proc"; fi
EOF
chmod 755 "$NR/usr/bin/whoami"
chown -R 65534:65534 "$NR"

P=$(rules clientroot-as.rules "permit clientroot nobody as root cmd /usr/bin/whoami")
out=$(timeout 5 "$DIVED" --check-policy "$P" 2>&1)
expect_eq "clientroot as root: --check-policy refuses it at its column" \
    "1 $P:1:8: clientroot: the client chooses this root, so its programs run only as the client itself, not as root" \
    "$? $out"
out=$(timeout 5 "$DIVED" "$T/cr.sock" --policy "$P" 2>&1)
expect_match "clientroot as root: dived refuses to start, naming line and column" \
    "$P:1:8: clientroot" "$out"
[ -e "$T/cr.sock" ] && fail "clientroot as root: no socket is left" "$T/cr.sock"

P=$(rules clientroot-u.rules "permit clientroot nobody cmd /usr/bin/whoami")
out=$(timeout 5 "$DIVED" "$T/cru.sock" -u root --policy "$P" 2>&1)
expect_match "clientroot under -u root: dived refuses to start" \
    "$P:1:8: clientroot: dived's -u, -g or -e runs programs as another user" \
    "$out"
for o in "-u root" "-e root" "-g root" "-P"; do
	# shellcheck disable=SC2086
	out=$(timeout 5 "$DIVED" "$T/r.sock" -C 0777 -r $o 2>&1)
	expect_eq "-r with $o: refused at start, with a usage error" \
	    "4 dived: -r cannot be combined with -P, -u, -g or -e: a root the client chooses runs programs only as the client itself" \
	    "$? $(head -n 1 <<<"$out")"
done

S=$T/cr-own.sock
P=$(rules clientroot-own.rules "permit clientroot nobody cmd /usr/bin/whoami")
start_dived "$S" -C 0777 --policy "$P"
out=$(DIVE_ROOTDIR=$NR dv_nobody "$S" /usr/bin/whoami 2>&1)
expect_eq "clientroot: the client's own program runs as the client, with no_new_privs" \
    "65534 no /proc" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
S=$T/r-own.sock
start_dived "$S" -C 0777 -r
out=$(DIVE_ROOTDIR=$NR dv_nobody "$S" /usr/bin/whoami 2>&1)
expect_eq "-r: the client's own program runs as the client" \
    "65534 no /proc" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
# A set-user-ID root program in the client's tree, as a hard link would
# put it there where protected_hardlinks is off, gives nothing.
printf '#include <stdio.h>\n#include <unistd.h>\nint main(void) { printf("%%d\\n", (int)geteuid()); return 0; }\n' >"$T/euid.c"
if cc -o "$NR/bin/euid" "$T/euid.c"; then
	chown root:root "$NR/bin/euid" && chmod 4755 "$NR/bin/euid"
	expect_eq "-r: a set-user-ID root program in the client's root runs as the client" \
	    "65534" "$(DIVE_ROOTDIR=$NR dv_nobody "$S" /bin/euid 2>&1)"
else
	fail "-r: build the set-user-ID probe" "cc failed"
fi
mkdir -p "$NR/proc" && mount -t proc proc "$NR/proc" && {
	out=$(DIVE_ROOTDIR=$NR dv_nobody "$S" /usr/bin/whoami 2>&1)
	expect_eq "-r: no_new_privs is set in the client's root" \
	    "65534 NoNewPrivs: 1" "$(tr '\n\t' '  ' <<<"$out" | tr -s ' ' |
	    sed 's/ $//')"
	umount "$NR/proc"
}

# -------------------------- name-service modules planted in a root
#
# A root whose nsswitch.conf sends every lookup to a module of its own,
# whose constructor notes the effective uid it was loaded as.  dived
# looks up nothing after it enters a root: only the program may load the
# module, as the user it runs as.

EVIL=$T/evil.c
cat >"$EVIL" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void
noted(void)
{
	char line[64];
	int fd = open("/tmp/nss-loaded", O_WRONLY | O_CREAT | O_APPEND, 0666);

	if (fd == -1)
		return;
	snprintf(line, sizeof(line), "euid %d pid %d\n", (int)geteuid(),
	    (int)getpid());
	(void)!write(fd, line, strlen(line));
	close(fd);
}
EOF
nsjail() {
	local r=$1 libdir
	mkjail "$r"
	libdir=$(dirname "$(ldd /bin/sh | grep -o '/[^ ]*libc.so[^ ]*')")
	mkdir -p "$r$libdir"
	cc -shared -fPIC -o "$r$libdir/libnss_evil.so.2" "$EVIL" &&
	    printf 'passwd: evil\ngroup: evil\nshadow: evil\ninitgroups: evil\nhosts: evil\n' \
	    >"$r/etc/nsswitch.conf"
}
if nsjail "$T/nsroot"; then
	mkjail "$T/nsroot-probe"
	cp -a "$T/nsroot/etc/nsswitch.conf" "$T/nsroot-probe/etc/"
	cp -a "$T/nsroot"/lib* "$T/nsroot"/usr "$T/nsroot-probe/" 2>/dev/null
	# The module works: a lookup by the program loads it.
	chroot "$T/nsroot-probe" /bin/id -un 0 >/dev/null 2>&1
	expect_match "nss: the planted module is loaded by a lookup" \
	    "euid 0" "$(cat "$T/nsroot-probe/tmp/nss-loaded" 2>&1)"
	chown -R 65534:65534 "$T/nsroot"
	S=$T/ns-r.sock
	start_dived "$S" -C 0777 -r
	DIVE_ROOTDIR=$T/nsroot dv_nobody "$S" /bin/id -un >/dev/null 2>&1
	S=$T/ns-rule.sock
	P=$(rules ns.rules "permit clientroot nobody")
	start_dived "$S" -C 0777 --policy "$P"
	DIVE_ROOTDIR=$T/nsroot dv_nobody "$S" /bin/id -un >/dev/null 2>&1
	expect_no_match "nss: in the client's root the module never runs as root" \
	    "euid 0 " "$(cat "$T/nsroot/tmp/nss-loaded" 2>&1)"
	expect_match "nss: the program's own lookups load it as the client" \
	    "euid 65534 " "$(cat "$T/nsroot/tmp/nss-loaded" 2>&1)"
	# Configured roots: the program looks nothing up, so no line at all
	# may appear, whoever it runs as.
	chown -R 0:0 "$T/nsroot"
	chmod 1777 "$T/nsroot/tmp"
	rm -f "$T/nsroot/tmp/nss-loaded"
	add_test_user dvatk1
	S=$T/ns-R.sock
	start_dived "$S" -C 0777 -R "$T/nsroot" -u dvatk1 -h /
	dv_nobody "$S" /bin/true
	S=$T/ns-V.sock
	start_dived "$S" -C 0777 -s fs -V "$T/nsroot" tmp -u dvatk1
	dv_nobody "$S" /bin/true
	S=$T/ns-chroot.sock
	P=$(rules nschroot.rules "permit chroot $T/nsroot nobody as dvatk1 cmd /bin/true
permit chroot $T/nsroot nobody as root cmd /bin/cat")
	start_dived "$S" -C 0777 --policy "$P"
	dv_nobody "$S" /bin/true
	dv_nobody "$S" /bin/cat /etc/marker >/dev/null
	expect_eq "nss: dived loads nothing after entering -R, -V or a rule's root" \
	    "none" "$(cat "$T/nsroot/tmp/nss-loaded" 2>/dev/null || echo none)"
else
	fail "nss: build the planted module" "cc failed"
fi

# ---------------------------- a rule's root and the way out of it

J=$T/jail
mkjail "$J"
S=$T/jail.sock
P=$(rules jail.rules "permit chroot $J nobody as root cmd /bin/sh")
start_dived "$S" -C 0777 --policy "$P"
out=$(timeout 5 "$DIVED" --check-policy "$P" --as nobody -- /bin/sh 2>&1)
expect_match "chroot rule: --check-policy tells where it starts and what it gets" \
    "descriptors: 0-2 only, umask: with 022 added.root: $J \\(the program starts at its top and is given no directory\\)" \
    "$(tr '\n' '.' <<<"$out")"
out=$(cd / && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/sh -c \
    'pwd; cat etc/marker; head -c 5 etc/shadow' 2>&1)
expect_eq "chroot rule: the program starts at the root's top, not the client's directory" \
    "/ jail" "$(head -n 2 <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
expect_no_match "chroot rule: the host's /etc/shadow is out of reach" \
    "^root" "$(sed -n 3p <<<"$out")"
expect_match "chroot rule: the log names the root's top as its directory" \
    'run "/bin/sh" "-c" "pwd; cat etc/marker; head -c 5 etc/shadow" as uid 0 gid 0 cwd "/"$' \
    "$(cat "$T/dived.log")"
# dived's own directory ($T) has an etc too: the root's is the one taken.
mkdir -p "$T/etc"
start_dived "$T/jailh.sock" -C 0777 -h etc --policy "$P"
expect_eq "chroot rule: a relative -h is taken inside the root" "/etc jail" \
    "$(dv_nobody "$T/jailh.sock" /bin/sh -c 'pwd; cat marker' 2>&1 |
    tr '\n' ' ' | sed 's/ $//')"
# -h is looked up for each program: one that only dived's directory has
# must not lead the program out of its root.
mkdir -p "$T/outside"
start_dived "$T/jailho.sock" -C 0777 -h outside --policy "$P"
rm -f "$J/tmp/started"
out=$(dv_nobody "$T/jailho.sock" /bin/sh -c 'echo x >/tmp/started; pwd' 2>&1)
expect_eq "chroot rule: a relative -h only dived's directory has is not entered" \
    "125 dive: chdir outside: No such file or directory absent" \
    "$? $out $([ -e "$J/tmp/started" ] && echo started || echo absent)"

out=$(dv_nobody "$S" /bin/sh -c 'echo x >/tmp/started' 0</ 2>&1)
expect_eq "chroot rule: a directory on 0 is refused, and nothing starts" \
    "125 dive: descriptor 0 is a directory, which leads out of the program's root: close it or pass another absent" \
    "$? $out $([ -e "$J/tmp/started" ] && echo started || echo absent)"
# Descriptors above 2 reach another user's program only with keepfds.
S=$T/jailfds.sock
P=$(rules jailfds.rules "permit keepfds chroot $J nobody as root")
start_dived "$S" -C 0777 --policy "$P"
for how in "5</" "7</etc" "5</proc/self/ns/mnt"; do
	rm -f "$J/tmp/started"
	out=$(cd / && eval "as_nobody ${TMO[*]} $DIVE $S /bin/sh -c 'echo x >/tmp/started' $how" 2>&1)
	rc=$?
	expect_match "chroot rule: $how is refused, naming the descriptor" \
	    "^dive: descriptor [0-9]+ is (a directory|a namespace), which leads out of the program's root" \
	    "$out"
	expect_eq "chroot rule: $how starts nothing" "125 absent" \
	    "$rc $([ -e "$J/tmp/started" ] && echo started || echo absent)"
done
out=$(cd / && as_nobody "${TMO[@]}" python3 -c '
import os, sys
p = os.open("/etc/hostname", os.O_PATH)
d = os.pidfd_open(os.getppid())
for fd, what in ((p, "O_PATH"), (d, "pidfd")):
    os.dup2(fd, 9)
    r = os.spawnv(os.P_WAIT, sys.argv[1], [sys.argv[1], sys.argv[2], "/bin/true"])
    print(what, r)
' "$DIVE" "$S" 2>&1)
expect_eq "chroot rule: O_PATH and pidfd descriptors are refused" \
    "dive: descriptor 9 is opened with O_PATH, which leads out of the program's root: close it or pass another
O_PATH 125
dive: descriptor 9 is a process, which leads out of the program's root: close it or pass another
pidfd 125" "$out"
expect_match "chroot rule: the refusal is logged" \
    "refused: descriptor 5 is a directory" "$(cat "$T/dived.log")"
expect_eq "chroot rule: dived lives on" "alive" \
    "$(alive "$DIVED_PID" && echo alive)"

mkdir -p "$J/old"
for putold in old / "$J/old"; do
	S=$T/jailv.sock
	rm -f "$S"
	P=$(rules jailv.rules "permit nobody as root cmd /bin/sh")
	start_dived "$S" -C 0777 -s fs -V "$J" "$putold" --policy "$P"
	expect_eq "-V $putold under a rule: the old root is not kept" \
	    "jail /old:" "$(dv_nobody "$S" /bin/sh -c 'cat /etc/marker; cd /old && echo /old: $(ls)' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
	stop_dived "$DIVED_PID"
done

P=$(rules jailw.rules "permit chroot $J nobody as root cmd /bin/sh")
out=$(timeout 5 "$DIVED" "$T/jw.sock" -W --policy "$P" 2>&1)
expect_match "chroot rule under -W: refused at start, with line and column" \
    "$P:1:8: chroot: dived's -W would start the program outside this root" \
    "$out"
out=$(timeout 5 "$DIVED" --check-policy "$P" -W 2>&1)
expect_match "chroot rule under -W: --check-policy explains" \
    "$P:1:8: chroot: dived's -W" "$out"

: >"$T/warn.log"
"$DIVED" "$T/warn.sock" --log-stderr -R "$J" -u nobody 2>"$T/warn.log" &
W=$!
DIVED_PIDS+=("$W")
wait_for listening "$T/warn.sock"
expect_match "-R with -u: dived warns at start" \
    "warning: -R with -u, -g or -e: programs run as another user than the client, and the client's directory and its directory descriptors lead out of the new root" \
    "$(cat "$T/warn.log")"
stop_dived "$W"
"$DIVED" "$T/nowarn.sock" --log-stderr -R "$J" -h / 2>"$T/warn.log" &
W=$!
DIVED_PIDS+=("$W")
wait_for listening "$T/nowarn.sock"
expect_no_match "-R as the client: no warning" "warning" "$(cat "$T/warn.log")"
stop_dived "$W"

# ------------------------- what another user's program inherits

S=$T/asroot.sock
P=$(rules asroot.rules "permit nobody as root cmd /bin/sh
permit keepumask keepfds nobody as root cmd /bin/bash
permit nobody cmd /bin/dash")
start_dived "$S" -C 0777 --policy "$P"
expect_eq "as root: the client's umask 000 becomes 022" "0022" \
    "$(cd / && umask 000 && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/sh -c umask)"
expect_eq "as root with keepumask: the client's umask stays" "0000" \
    "$(cd / && umask 000 && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/bash -c umask)"
expect_eq "as oneself: the client's umask stays" "0000" \
    "$(cd / && umask 000 && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/dash -c umask)"
expect_eq "as root: a closed standard input is /dev/null" "/dev/null" \
    "$(dv_nobody "$S" /bin/sh -c 'readlink /proc/self/fd/0' 0<&-)"
dv_nobody "$S" /bin/sh -c "x=\$(readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 \
    /proc/\$\$/fd/2); echo \$x >$T/std.out" 0<&- 1>&- 2>&-
expect_eq "as root: closed 0-2 are all /dev/null" \
    "/dev/null /dev/null /dev/null" "$(tr '\n' ' ' <"$T/std.out" | sed 's/ $//')"
expect_eq "as oneself: a closed standard input stays closed" "closed" \
    "$(dv_nobody "$S" /bin/dash -c '[ -e /proc/self/fd/0 ] || echo closed' 0<&-)"
expect_eq "as root: descriptors above 2 are not passed" "absent" \
    "$(dv_nobody "$S" /bin/sh -c '[ -e /proc/self/fd/5 ] && echo present || echo absent' 5</etc/hostname)"
expect_eq "as root with keepfds: they are" "present" \
    "$(dv_nobody "$S" /bin/bash -c '[ -e /proc/self/fd/5 ] && echo present || echo absent' 5</etc/hostname)"
expect_eq "as oneself: they are" "present" \
    "$(dv_nobody "$S" /bin/dash -c '[ -e /proc/self/fd/5 ] && echo present || echo absent' 5</etc/hostname)"

S=$T/opt-u.sock
start_dived "$S" -C 0777 -u root
expect_eq "-u root: the umask gains 022 too" "0022" \
    "$(cd / && umask 000 && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/sh -c umask)"
expect_eq "-u root: descriptors above 2 stay, as in dive 1.x" "present" \
    "$(dv_nobody "$S" /bin/sh -c '[ -e /proc/self/fd/5 ] && echo present || echo absent' 5</etc/hostname)"
S=$T/opt-keep.sock
start_dived "$S" -C 0777 -u root --keep-umask
expect_eq "-u root --keep-umask: the client's umask stays" "0000" \
    "$(cd / && umask 000 && as_nobody "${TMO[@]}" "$DIVE" "$S" /bin/sh -c umask)"

# ------------------------------------ the socket file's owner and mode

# dived-hooks pauses once the socket is bound, before its owner and mode
# are set; nobody uses the pause to put something else at the name in a
# directory everyone may write.  The pause only widens a window that
# inotify finds without it.
HOOKED=$BIN/dived-hooks
pub=$T/pub
mkdir "$pub"
chmod 777 "$pub"
echo secret >"$T/rootfile"
chmod 600 "$T/rootfile"

# hooked_bind ERR DIVED-ARGS...: dived-hooks on $pub/s, paused 1.5 s
# after the bind; the caller attacks meanwhile and waits for it.
hooked_bind() {
	local e=$1
	shift
	DIVED_TESTHOOK_BOUND_MS=1500 "${TMO[@]}" "$HOOKED" "$pub/s" \
	    --log-stderr "$@" 2>"$e" &
	HOOKED_PID=$!
	wait_for test -S "$pub/s"
}

hooked_bind "$T/swap1.err" -C 0666
as_nobody sh -c "mv '$pub/s' '$pub/moved' && ln -s '$T/rootfile' '$pub/s'"
wait "$HOOKED_PID"
expect_eq "socket swapped for a link: dived stops" 1 "$?"
expect_match "socket swapped for a link: and says why" \
    "replaced before its owner and mode were set" "$(cat "$T/swap1.err")"
expect_eq "socket swapped for a link: the file linked keeps its mode" \
    "600 root" "$(stat -c '%a %U' "$T/rootfile")"
expect_eq "socket swapped: the moved socket stays closed to others" \
    "600 root" "$(stat -c '%a %U' "$pub/moved")"
expect_match "a directory everyone may write: dived warns at start" \
    "warning: .*directory $pub is writable by others without the sticky bit" \
    "$(cat "$T/swap1.err")"
rm -f "$pub/s" "$pub/moved"

hooked_bind "$T/swap2.err" -U nobody:nogroup
as_nobody sh -c "mv '$pub/s' '$pub/moved' && ln -s '$T/rootfile' '$pub/s'"
wait "$HOOKED_PID"
expect_eq "socket swapped before chown: dived stops" 1 "$?"
expect_eq "socket swapped before chown: the file linked keeps its owner" \
    "600 root" "$(stat -c '%a %U' "$T/rootfile")"
rm -f "$pub/s" "$pub/moved"

# nobody's own socket at the name, and another socket of root's, which
# only the inode the kernel bound tells apart.
hooked_bind "$T/swap3.err" -C 0666
# bindsock PATH: a socket file at PATH, bound under the umask 077.
bindsock() {
	perl -MIO::Socket::UNIX -e 'umask 077;
	    IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die' "$1"
}
as_nobody mv "$pub/s" "$pub/moved"
as_nobody bash -c "$(declare -f bindsock); bindsock '$pub/s'"
wait "$HOOKED_PID"
expect_eq "socket swapped for nobody's: dived stops" 1 "$?"
expect_eq "socket swapped for nobody's: which keeps owner and mode" \
    "700 nobody" "$(stat -c "%a %U" "$pub/s")"
rm -f "$pub/s" "$pub/moved"
hooked_bind "$T/swap4.err" -C 0666
mv "$pub/s" "$pub/moved"
bindsock "$pub/s"
wait "$HOOKED_PID"
expect_eq "socket swapped for another of root's: dived stops" 1 "$?"
expect_eq "socket swapped for another of root's: which keeps its mode" \
    "700" "$(stat -c '%a' "$pub/s")"
rm -f "$pub/s" "$pub/moved"

# Where only root may replace names, the owner and mode are set as asked,
# without a warning.
mkdir -m 1777 "$T/sticky"
S=$T/sticky/s
start_dived "$S" -C 0660 -U nobody:nogroup
expect_eq "a sticky directory: owner and mode set" "660 nobody nogroup" \
    "$(stat -c '%a %U %G' "$S")"
expect_no_match "a sticky directory: no warning" "$T/sticky is" \
    "$(cat "$T/dived.log")"
expect_eq "a sticky directory: nobody connects" "65534" \
    "$(dv_nobody "$S" /usr/bin/id -u)"

# ------------------------------------- a client's pid, after the client

# tty_nr PID: the controlling terminal of a process, as /proc shows it.
tty_nr() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f5
}

# nobody connects, leaves the connection to a child and exits; its pid
# then goes to a root process whose controlling terminal is nobody's
# pseudo-terminal (as after root's su in nobody's terminal).  The child
# asks for a program with that terminal as its own: were the pid the
# client's word, the monitor would take root's terminal for nobody's
# program, which could then type into root's session.
S=$T/pin.sock
start_dived "$S" -C 0777 --audit-log "$T/pin.audit"
mkfifo -m 666 "$T/orphan.in" "$T/orphan.out"
(cd / && as_nobody "${TMO[@]}" "$RAW" "$S" orphan <"$T/orphan.in" \
    >"$T/orphan.out" 2>&1 &)
exec 7>"$T/orphan.in" 8<"$T/orphan.out"
read -r cpid pts <&8
wait_for sh -c "! test -e /proc/$cpid"
victim=
for try in 1 2 3 4 5 6 7 8; do
	echo $((cpid - 1)) >/proc/sys/kernel/ns_last_pid
	setsid -c sleep 60 <"$pts" >/dev/null 2>&1 &
	[ "$!" = "$cpid" ] && { victim=$!; break; }
	kill "$!"
done
if [ -z "$victim" ]; then
	fail "a client's pid reused: arranged" "pid $cpid went elsewhere"
else
	ok "a client's pid reused: arranged"
	wait_for test "$(tty_nr "$victim")" != 0
	before=$(tty_nr "$victim")
	echo go >&7
	out=
	while IFS= read -r -t 20 line <&8 && [ "$line" != eof ]; do
		out="$out$line
"
	done
	expect_match "a client's pid reused: the program runs" "exit 0 0" \
	    "$out"
	expect_eq "a client's pid reused: the program has no terminal" "0" \
	    "$(printf '%s\n' "$out" | grep '(cat)' | sed 's/.*) //' |
	    cut -d' ' -f5)"
	expect_eq "a client's pid reused: root's session keeps its terminal" \
	    "$before" "$(tty_nr "$victim")"
	expect_match "a client's pid reused: the audit record has no pid for it" \
	    '"peer":\{"pid":0,' "$(grep '"event":"decision"' "$T/pin.audit")"
	expect_no_match "a client's pid reused: the program gets no DIVE_PID" \
	    '"DIVE_PID"' "$(grep '"event":"decision"' "$T/pin.audit")"
	kill "$victim"
fi
exec 7>&- 8<&-

# ------------------------------- rules read again while a request waits

# A connection opened before SIGHUP and sent after it is decided by the
# rules in force when it is decided, and its record names them.
S=$T/gen.sock
R=$T/gen.rules
printf 'permit nobody cmd /usr/bin/id\n' >"$R"
chmod 644 "$R"
start_dived "$S" -C 0777 --policy "$R" --audit-log "$T/gen.audit"

# later NAME: rawclient as nobody, greeted and waiting to send its request
# for /usr/bin/id; fd 7 gives it the go, fd 8 has its replies.
later() {
	rm -f "$T/$1.in" "$T/$1.out"
	mkfifo -m 666 "$T/$1.in" "$T/$1.out"
	(cd / && as_nobody "${TMO[@]}" "$RAW" "$S" later /usr/bin/id \
	    <"$T/$1.in" >"$T/$1.out" 2>&1 &)
	exec 7>"$T/$1.in" 8<"$T/$1.out"
	read -r _ <&8
}
# replies: what the waiting client is told once it sends.
replies() {
	echo go >&7
	timeout 20 cat <&8
	exec 7>&- 8<&-
}
# reread: the file becomes TEXT, and dived has read it when this returns.
reread() {
	local n
	n=$(grep -c 'rules read' "$T/dived.log")
	printf '%s\n' "$1" >"$R"
	kill -HUP "$DIVED_PID"
	wait_for test "$(grep -c 'rules read' "$T/dived.log")" -gt "$n"
}

later gen1
reread $'# nobody may no longer run id\ndeny nobody cmd /usr/bin/id'
out=$(replies)
expect_match "rules read again while a request waits: the new ones decide" \
    "error [0-9]+ .*denied" "$out"
rec=$(grep '"event":"decision"' "$T/gen.audit" | tail -1)
expect_match "rules read again while a request waits: the record names them" \
    "\"rules_sha256\":\"$(sha256sum "$R" | cut -d' ' -f1)\"" "$rec"

later gen2
reread 'permit nobody cmd /usr/bin/id'
printf '%s\n' 'deny nobody cmd /usr/bin/id' >"$R"
out=$(replies)
expect_match "rules changed again without SIGHUP: the request is refused" \
    "error [0-9]+ .*the rules changed while the request was decided" "$out"
expect_no_match "rules changed again without SIGHUP: nothing ran" \
    "started" "$out"
printf '%s\n' 'permit nobody cmd /usr/bin/id' >"$R"

later gen3
out=$(replies)
expect_match "rules unchanged: the request runs" "started [0-9]+" "$out"
rec=$(grep '"event":"decision"' "$T/gen.audit" | tail -1)
expect_match "rules unchanged: the record names the rule and the rules" \
    "\"rule\":\\{\"file\":\"$R\",\"line\":1\\},\"rules_sha256\":\"$(sha256sum "$R" | cut -d' ' -f1)\"" \
    "$rec"
# ------------------------------------------- a server that is not dived
#
# Anyone may bind an abstract name, or a path in a directory they can
# write, before dived does.  nobody's fake server keeps every byte and
# counts every descriptor it is sent; root's dive must ask the kernel who
# listens (SO_PEERCRED) and send it nothing: no descriptor, no
# environment.  What a trusted server hands back as the program's
# terminal must be a pseudo-terminal's master.

NB=$T/nobodydir
mkdir -p "$NB"
chown 65534:65534 "$NB"
# fake_record SOCKET: nobody's recorder on SOCKET, keeping in $NB/got.
fake_record() {
	rm -f "$NB/got"
	(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    "$RAW" --record "$1" "$NB/got") >"$T/record.out" &
	FAKE=$!
	wait_for listening "$1"
}
for sock in "@dive-fake-$$" "$NB/fake.sock"; do
	fake_record "$sock"
	out=$(cd / && PEERCHECK_SECRET=peercheck-$$ dv "$sock" id 7</etc/shadow 2>&1)
	rc=$?
	wait "$FAKE"
	expect_eq "fake server on $sock: root's dive refuses it, exit 125" \
	    125 "$rc"
	expect_eq "fake server on $sock: the refusal names uid 65534 and the socket" \
	    "dive: $sock: the server runs as uid 65534, not as root, the caller or DIVE_SERVERUID: nothing sent" \
	    "$out"
	expect_eq "fake server on $sock: it received no byte and no descriptor" \
	    "0 bytes, descriptors 0" \
	    "$(stat -c %s "$NB/got") bytes, $(tail -n 1 "$T/record.out")"
	expect_eq "fake server on $sock: root's environment did not reach it" \
	    0 "$(grep -ac "peercheck-$$" "$NB/got")"
done

A=@dive-nobodys-$$
start_dived_nobody "$A"
expect_eq "nobody's dived: nobody's own dive is served" "65534" \
    "$(dv_nobody "$A" id -u 2>&1)"
out=$(cd / && dv "$A" id -u 2>&1)
expect_eq "nobody's dived: root's dive refuses it, naming uid 65534" \
    "125 dive: $A: the server runs as uid 65534, not as root, the caller or DIVE_SERVERUID: nothing sent" \
    "$? $out"
expect_eq "nobody's dived: DIVE_SERVERUID=nobody lets root use it" "65534" \
    "$(cd / && DIVE_SERVERUID=nobody dv "$A" id -u 2>&1)"
expect_eq "nobody's dived: so does DIVE_SERVERUID=65534" "65534" \
    "$(cd / && DIVE_SERVERUID=65534 dv "$A" id -u 2>&1)"
out=$(cd / && DIVE_SERVERUID=1 dv "$A" id -u 2>&1)
expect_eq "nobody's dived: DIVE_SERVERUID naming another user does not" \
    "125" "$?"
out=$(cd / && DIVE_SERVERUID=no-such-user-$$ dv "$A" id -u 2>&1)
expect_eq "DIVE_SERVERUID: an unknown user is a usage error" \
    "4 dive: DIVE_SERVERUID=no-such-user-$$: neither a user ID nor a user's name" \
    "$? $out"
stop_dived "$DIVED_PID"

# fake_pty SOCKET [ENV...]: root's dive -t, on a terminal of its own,
# against a fake server; prints dive's output, its status, and whether
# the terminal's modes are as before.
fake_pty() {
	local sock=$1
	shift
	script -qec "m=\$(stty -g); env $* $DIVE -t $sock sh -c 'echo ran'; \
	    echo rc=\$?; [ \"\$(stty -g)\" = \"\$m\" ] && echo modes-kept" \
	    /dev/null </dev/null 2>&1 | tr -d '\r'
}
if command -v script >/dev/null; then
	echo planted-output >"$T/planted"
	chmod 644 "$T/planted"
	P=@dive-fakepty-$$
	"$RAW" --fakepty "$P" "$T/planted" >"$T/fakepty.out" &
	FAKE=$!
	wait_for listening "$P"
	out=$(fake_pty "$P")
	wait "$FAKE"
	expect_eq "fake pty master: a file from root's own server is refused" \
	    "dive: $P: the server sent a descriptor that is not a pseudo-terminal's master as the program's terminal
rc=125
modes-kept" "$out"
	P=@dive-fakepts-$$
	(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    "$RAW" --fakepty "$P" slave) >"$T/fakepty.out" &
	FAKE=$!
	wait_for listening "$P"
	out=$(fake_pty "$P" DIVE_SERVERUID=nobody)
	wait "$FAKE"
	expect_eq "fake pty master: a slave from a server DIVE_SERVERUID trusts is refused" \
	    "dive: $P: the server sent a descriptor that is not a pseudo-terminal's master as the program's terminal
rc=125
modes-kept" "$out"
else
	skip "fake pty master: tests" "script(1) is not installed"
fi
# ---------------------------------- a program that stops the parsers

# A program whose uid is the parsers' may signal them: stopped, an idle
# parser (a spare's, waiting for the next connection) holds up the next
# client, root included, until its deadline.  Parsers run as a user of
# their own, so a program run as nobody, through root's dived, is
# refused each one.
S=$T/stop.sock
start_dived "$S" -C 0777 --spares 2
parsers() { pgrep -f '^dived: parser' -P "$(pgrep -d, -P "$DIVED_PID")"; }
spare_parsers() { pgrep -f '^dived: parser \[spare\]$' -P "$(pgrep -d, -P "$DIVED_PID")"; }
two_spares() { [ "$(spare_parsers | wc -l)" = 2 ]; }
wait_for two_spares
cat >"$T/stopper" <<'STOPPER'
#!/bin/sh
# Stops every parser of the dived whose pid is $1: a line for each.
for m in $(pgrep -P "$1"); do
	pgrep -f '^dived: parser' -P "$m"
done | perl -ne 'chomp; print kill("STOP", $_) ? "stopped\n" : "$!\n"'
STOPPER
chmod 755 "$T/stopper"
out=$(dv_nobody "$S" "$T/stopper" "$DIVED_PID")
expect_match "stop the parsers: the program as nobody finds this dived's parsers" \
    "^[2-9]$" "$(grep -c . <<<"$out")"
expect_eq "stop the parsers: each one refuses it" \
    "Operation not permitted" "$(sort -u <<<"$out")"
expect_eq "stop the parsers: none is stopped" "" \
    "$(for p in $(parsers); do ps -o stat= -p "$p"; done | grep T)"
expect_eq "stop the parsers: root's next request is served at once" served \
    "$(timeout 5 "$DIVE" "$S" echo served 2>&1)"
for p in $(parsers); do kill -CONT "$p"; done
stop_dived "$DIVED_PID"

# Told at start, and for new rules on SIGHUP: a privilege-separation user
# that programs may run as.  dived starts all the same.
# psu_dived NAME OPTIONS...: dived on $T/NAME.sock, its log in $T/NAME.log.
psu_dived() {
	local n=$1
	shift
	"$DIVED" "$T/$n.sock" --log-stderr "$@" 2>"$T/$n.log" &
	W=$!
	DIVED_PIDS+=("$W")
	wait_for listening "$T/$n.sock"
}
shared="programs run as the privilege-separation user daemon, and can stop every parser and so hold up every client; the parser needs a user that nothing else runs as"
psu_dived psu-nobody -C 0777 --privsep-user nobody
expect_match "--privsep-user nobody: dived warns at start" \
    "warning: --privsep-user nobody: programs commonly run as nobody, and can stop every parser and so hold up every client" \
    "$(cat "$T/psu-nobody.log")"
expect_eq "--privsep-user nobody: and serves all the same" served \
    "$("${TMO[@]}" "$DIVE" "$T/psu-nobody.sock" echo served 2>&1)"
stop_dived "$W"
psu_dived psu-u -C 0777 --privsep-user daemon -u daemon
expect_match "-u naming the privilege-separation user: dived warns at start" \
    "warning: -u daemon: $shared" "$(cat "$T/psu-u.log")"
stop_dived "$W"
psu_dived psu-e -C 0777 --privsep-user daemon -e daemon
expect_match "-e naming the privilege-separation user: dived warns at start" \
    "warning: -e daemon: $shared" "$(cat "$T/psu-e.log")"
stop_dived "$W"
P=$(rules psu-as.rules "permit nobody cmd /bin/true
permit nobody as daemon cmd /bin/true")
psu_dived psu-as -C 0777 --privsep-user daemon --policy "$P"
expect_match "a rule's as naming the privilege-separation user: dived warns, naming the line" \
    "warning: $P:2: as daemon: $shared" "$(cat "$T/psu-as.log")"
expect_eq "a rule's as naming it: the other rule is not named" 1 \
    "$(grep -c "warning: $P" "$T/psu-as.log")"
stop_dived "$W"
P=$(rules psu-hup.rules "permit nobody cmd /bin/true")
psu_dived psu-hup -C 0777 --privsep-user daemon --policy "$P"
rules psu-hup.rules "permit nobody cmd /bin/true
permit nobody as 1 cmd /bin/true" >/dev/null
kill -HUP "$W"
wait_for grep -q "2 rules read" "$T/psu-hup.log"
expect_match "a new rule's as naming it: dived warns on SIGHUP" \
    "warning: $P:2: as 1: $shared" "$(cat "$T/psu-hup.log")"
expect_eq "a new rule's as naming it: once, after the rules are read" \
    "rules read warning" "$(grep -o "rules read\|warning" "$T/psu-hup.log" | tr '\n' ' ' | sed 's/ $//')"
stop_dived "$W"
P=$(rules psu-own.rules "permit nobody as nobody cmd /bin/true")
psu_dived psu-own -C 0777 -u nobody -e nobody --policy "$P"
expect_no_match "_dived, with programs as nobody: no warning" "warning" \
    "$(cat "$T/psu-own.log")"
stop_dived "$W"
# ----------------------------------- files planted where dived writes

# A directory anyone may write to, sticky, as /tmp is; and a file only
# root may read or write, which no link may make dived touch.
PD=$T/public
mkdir "$PD"
chmod 1777 "$PD"
printf 'root only\n' >"$T/rootfile"
chmod 600 "$T/rootfile"

# planted NAME OPTION FILE REASON: a root dived given OPTION FILE must
# refuse to start, naming FILE and REASON, and FILE must keep what it
# held, even after a client has come should dived have started after all.
planted() {
	local s=$PD/planted.sock before pid st i
	before=$(cat "$3" 2>/dev/null | od -c)
	rm -f "$s"
	"$DIVED" "$s" -C 0777 "$2" "$3" >"$T/planted.out" 2>&1 &
	pid=$!
	DIVED_PIDS+=("$pid")
	# dived listens before it writes its pidfiles, so a socket that
	# listens does not mean it started: one that refuses exits soon after.
	for i in $(seq 50); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		dv_nobody "$s" /bin/echo planted >/dev/null 2>&1
		stop_dived "$pid"
		st=started
	else
		wait "$pid"
		st="exit $?"
	fi
	expect_eq "files: $1: dived refuses to start" "exit 1" "$st"
	expect_match "files: $1: the message names the file and why" \
	    "^dived: (pidfile|--audit-log) $3: $4" "$(cat "$T/planted.out")"
	expect_eq "files: $1: nothing is written into it" "$before" \
	    "$(cat "$3" 2>/dev/null | od -c)"
}

as_nobody sh -c "echo nobody >'$PD/audit.log'; echo 4242 >'$PD/dived.pid'"
planted "an audit log nobody made first" --audit-log "$PD/audit.log" \
    "owned by uid 65534, not by dived's uid 0"
planted "a pidfile nobody made first" -p "$PD/dived.pid" \
    "owned by uid 65534, not by dived's uid 0"
# Refused before the socket is bound: once bound, the hooked dived would
# pause 3 s, past the 2 s it is given.
rm -f "$PD/early.sock"
st=$(DIVED_TESTHOOK_BOUND_MS=3000 timeout -k 1 2 "$HOOKED" "$PD/early.sock" \
    -p "$PD/dived.pid" >/dev/null 2>&1; echo $?)
expect_eq "files: a pidfile nobody made first: refused before the socket \
is bound" 1 "$st"
expect_eq "files: a pidfile nobody made first: no socket file is made" \
    "no socket" "$([ -e "$PD/early.sock" ] && echo socket || echo no socket)"
as_nobody ln -s "$T/rootfile" "$PD/link.log"
as_nobody ln -s "$T/rootfile" "$PD/link.pid"
planted "an audit log that is nobody's link to a root file" --audit-log \
    "$PD/link.log" "is a symbolic link"
planted "a pidfile that is nobody's link to a root file" -p "$PD/link.pid" \
    "is a symbolic link"
expect_eq "files: the link's target is untouched" "600 root only" \
    "$(stat -c %a "$T/rootfile") $(cat "$T/rootfile")"
printf 'root\n' >"$PD/open.log"
chmod 666 "$PD/open.log"
cp -p "$PD/open.log" "$PD/open.pid"
planted "a root audit log of mode 0666" --audit-log "$PD/open.log" \
    "writable by its group or others \(mode 0666\)"
planted "a root pidfile of mode 0666" -p "$PD/open.pid" \
    "writable by its group or others \(mode 0666\)"
# What nobody could do where fs.protected_hardlinks is 0: a second name
# for a root file, which no permission shows.
ln "$T/rootfile" "$PD/hard.log"
planted "an audit log that is a hard link to a root file" --audit-log \
    "$PD/hard.log" "has 2 names \(hard links\), not one"
rm -f "$PD/hard.log"
ln "$T/rootfile" "$PD/hard.pid"
planted "a pidfile that is a hard link to a root file" -p "$PD/hard.pid" \
    "has 2 names \(hard links\), not one"
rm -f "$PD/hard.pid"

# Made by dived, with whatever umask: the log 0600, the pidfile 0644.
S=$PD/good.sock
A=$PD/good.log
mask=$(umask)
umask 000
start_dived "$S" -C 0777 --audit-log "$A" -p "$PD/good.pid"
umask "$mask"
expect_eq "files: the audit log dived makes is root's and 0600" "600 root" \
    "$(stat -c '%a %U' "$A")"
expect_eq "files: the pidfile dived makes is root's and 0644" "644 root" \
    "$(stat -c '%a %U' "$PD/good.pid")"
dv_nobody "$S" /bin/true
expect_eq "files: records go to the audit log dived made" 2 \
    "$(wc -l <"$A")"

# Rotation: the log is moved away, and nobody is quicker than dived.
mv "$A" "$A.1"
as_nobody sh -c "echo nobody >'$A'"
kill -HUP "$DIVED_PID"
sleep 0.5
dv_nobody "$S" /bin/true
expect_eq "files: a log planted before SIGHUP gets nothing" nobody \
    "$(cat "$A")"
expect_eq "files: the records go on to the old log" 4 "$(wc -l <"$A.1")"
expect_match "files: the refused reopen is logged, with why" \
    "--audit-log $A: cannot reopen, writing on to the old file: owned by uid 65534" \
    "$(cat "$T/dived.log")"
expect_eq "files: dived lives on after the refused reopen" alive \
    "$(alive "$DIVED_PID" && echo alive)"
stop_dived "$DIVED_PID"

# ------------------------- client strings that would split a record

# U+2028 and U+2029 end lines for Unicode-aware readers, as U+0085 (NEL)
# does for some others; U+009B starts a terminal's control sequence and
# U+202E turns the text after it around.
LS=$'\xe2\x80\xa8'
PS=$'\xe2\x80\xa9'
NEL=$'\xc2\x85'
CSI=$'\xc2\x9b'
RLO=$'\xe2\x80\xae'
S=$T/records.sock
A=$T/records.log
start_dived "$S" -C 0777 --audit-log "$A"
dv_nobody "$S" /bin/echo "a${LS}b" "c${PS}d" "e${NEL}f" "${CSI}31mg" \
    "h${RLO}i" >/dev/null
stop_dived "$DIVED_PID"
expect_eq "records: two records are two lines for a Unicode line splitter" 2 \
    "$(python3 -c 'import sys
print(len(open(sys.argv[1], encoding="utf-8").read().splitlines()))' "$A")"
expect_eq "records: and two lines for grep" 2 "$(grep -c . "$A")"
expect_eq "records: none of the raw characters is in the log" 0 \
    "$(LC_ALL=C grep -c -e "$LS" -e "$PS" -e "$NEL" -e "$CSI" -e "$RLO" "$A")"
expect_match "records: each is written escaped" \
    '"argv":\["/bin/echo","a\\u2028b","c\\u2029d","e\\u0085f","\\u009b31mg","h\\u202ei"\]' \
    "$(head -n 1 "$A")"
expect_eq "records: a JSON reader gets the arguments back as they were" yes \
    "$(python3 -c 'import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").readline())
print("yes" if r["argv"][1:] == sys.argv[2:] else r["argv"])' "$A" \
    "a${LS}b" "c${PS}d" "e${NEL}f" "${CSI}31mg" "h${RLO}i")"

# A command no rule permits reaches the log unquoted: the net under it.
P=$(rules records.rules "permit nobody cmd /bin/true")
start_dived "$S" -C 0777 --policy "$P"
dv_nobody "$S" "/bin/x${LS}y${CSI}2J${NEL}z" 2>/dev/null
stop_dived "$DIVED_PID"
expect_match "records: the log shows such characters as ?" \
    "no rule permits uid 65534 to run /bin/x\?y\?2J\?z" "$(cat "$T/dived.log")"
expect_eq "records: none of them reaches the log raw" 0 \
    "$(LC_ALL=C grep -c -e "$LS" -e "$NEL" -e "$CSI" "$T/dived.log")"
