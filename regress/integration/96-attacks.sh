# Attacks of a local user on a root dived's roots and identities: a root
# the client chooses run as someone else, a rule's root left through the
# client's directory or descriptors, name-service modules planted in a
# root, and what a program run as another user inherits of the client;
# and on what a root dived writes: files planted where it writes, and
# client strings that would split an audit record.
# Each attack runs as nobody and checks that it fails, and that nothing
# was started or written.

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
# dived checks a relative -h from its own directory ($T) at start.
mkdir -p "$T/etc"
start_dived "$T/jailh.sock" -C 0777 -h etc --policy "$P"
expect_eq "chroot rule: a relative -h is taken inside the root" "/etc jail" \
    "$(dv_nobody "$T/jailh.sock" /bin/sh -c 'pwd; cat marker' 2>&1 |
    tr '\n' ' ' | sed 's/ $//')"

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
for putold in old /; do
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
	for i in $(seq 50); do
		alive "$pid" && ! listening "$s" || break
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
