# The Debian packages: the audit log's rotation, then the packages built
# from a copy of the tree as dpkg-buildpackage builds them, checked by
# lintian, unpacked into a scratch root and run from there.  Nothing is
# installed on the system.

V=$(cat VERSION)

# ------------------------------------------------------------ logrotate

# The postrotate script of debian/dived.dive.logrotate, for an audit log
# in $T/log instead of /var/log/dive: it must reach the dived that writes
# the log, which reopens it, and no other dived, which SIGHUP would stop.
if is_root; then
	mkdir -p "$T/log"
	sed -n '/^\tpostrotate$/,/^\tendscript$/p' debian/dived.dive.logrotate |
	    sed '1d;$d' | sed "s|/var/log/dive/|$T/log/|g" >"$T/postrotate"
	start_dived "$T/writer.sock" --audit-log "$T/log/audit.log"
	writer=$DIVED_PID
	start_dived "$T/other.sock"
	other=$DIVED_PID
	"$DIVE" "$T/writer.sock" echo before >/dev/null
	mv "$T/log/audit.log" "$T/log/audit.log.1"
	sh "$T/postrotate"
	wait_for test -e "$T/log/audit.log"
	"$DIVE" "$T/writer.sock" echo after >/dev/null
	new=$(grep -c '"after"' "$T/log/audit.log" 2>&1)
	old=$(grep -c '"after"' "$T/log/audit.log.1")
	expect_eq "logrotate: dived writes the records after the rotation to a new log" \
	    "new 2, rotated 0" "new $new, rotated $old"
	expect_match "logrotate: the rotated log keeps the records before it" \
	    '^[1-9]' "$(grep -c '"before"' "$T/log/audit.log.1")"
	alive "$writer"
	expect_eq "logrotate: the dived writing the log runs on" 0 $?
	alive "$other"
	expect_eq "logrotate: a dived without --audit-log gets no SIGHUP" 0 $?
	stop_dived "$writer"
	stop_dived "$other"
else
	skip "logrotate: postrotate" "needs root to signal a dived"
fi

# ------------------------------------------------------------ build

missing=
for t in dpkg-buildpackage dpkg-checkbuilddeps dh; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	skip "package: build" "no$missing (dpkg-dev and debhelper)"
	return 0
fi
P=$T/pkg
copy_tree "$P/src" || {
	fail "package: copy the tree" "copy_tree failed"
	return 0
}
if ! unmet=$(cd "$P/src" && dpkg-checkbuilddeps 2>&1); then
	skip "package: build" "$unmet"
	return 0
fi
start=$(date +%s)
(cd "$P/src" && clean_env DEB_BUILD_OPTIONS="parallel=$(nproc)" \
    dpkg-buildpackage -us -uc -b) >"$P/build.log" 2>&1
rc=$?
expect_eq "package: dpkg-buildpackage -b builds from a copy of the tree" 0 "$rc"
[ "$rc" = 0 ] || { tail -n 20 "$P/build.log"; return 0; }
echo "# package built in $(( $(date +%s) - start )) s"
expect_eq "package: the packages dive and dived, with their debug symbols" \
    "dive-dbgsym_${V}_ dive_${V}_ dived-dbgsym_${V}_ dived_${V}_" \
    "$(cd "$P" && ls -- *.deb | sed 's/[^_]*\.deb$//' | tr '\n' ' ' | sed 's/ $//')"

if command -v lintian >/dev/null; then
	lintian --pedantic -I "$P"/*.changes >"$P/lintian.log" 2>&1
	expect_eq "package: lintian reports no error" "" \
	    "$(grep '^E:' "$P/lintian.log")"
	expect_eq "package: lintian reports no warning" "" \
	    "$(grep '^W:' "$P/lintian.log")"
else
	skip "package: lintian" "lintian is not installed"
fi

# ------------------------------------------------------------ contents

deb() { echo "$P/${1}_${V}_$(dpkg --print-architecture).deb"; }
R=$P/root
for p in dive dived; do
	dpkg-deb -x "$(deb "$p")" "$R"
done
# What each package holds but its documentation: the client alone in
# dive, and with the tree's man pages of section 5 (the rule file's) and
# bash completions where they belong.
holds() {
	dpkg-deb -c "$(deb "$1")" | awk '$6 !~ /\/$/ && $6 !~ /share\/(doc|lintian)\// {
	    sub(/^\.\//, "", $6); print $6 }' | sort
}
want_dive="usr/bin/dive usr/share/man/man1/dive.1.gz"
want_dived="etc/dive/rules etc/logrotate.d/dive usr/libexec/dive/dived-parser
    usr/libexec/dive/dived-recorder
    usr/sbin/dived usr/share/dive/dived-audit.schema.json
    usr/share/man/man8/dived.8.gz"
for m in man/*.5; do
	[ -e "$m" ] && want_dived="$want_dived usr/share/man/man5/${m##*/}.gz"
done
for u in dist/systemd/*.socket dist/systemd/*.service; do
	[ -e "$u" ] && want_dived="$want_dived lib/systemd/system/${u##*/}"
done
C=usr/share/bash-completion/completions
[ -e dist/bash-completion/dive ] && want_dive="$want_dive $C/dive"
[ -e dist/bash-completion/dived ] && want_dived="$want_dived $C/dived"
expect_eq "package: dive holds the client, its page and its completion" \
    "$(printf '%s\n' $want_dive | sort)" "$(holds dive)"
expect_eq "package: dived holds the server, parser, pages, schema, rules and logrotate" \
    "$(printf '%s\n' $want_dived | sort)" "$(holds dived)"
expect_eq "package: dived makes the audit log's directory" "drwxr-xr-x root/root" \
    "$(dpkg-deb -c "$(deb dived)" | awk '$6 == "./var/log/dive/" { print $1, $2 }')"
expect_eq "package: the rule file and the logrotate file are conffiles" \
    "/etc/dive/rules /etc/logrotate.d/dive" \
    "$(dpkg-deb -I "$(deb dived)" conffiles | grep -E '^/etc/(dive/rules|logrotate\.d/dive)$' |
    sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "package: /etc/dive/rules is the example, which permits nothing" \
    "$(cat dist/dive.rules)" "$(cat "$R/etc/dive/rules")"
expect_eq "package: the rule file is root's and writable by root alone" \
    "root root 644" "$(stat -c '%U %G %a' "$R/etc/dive/rules")"
musl=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' musl-dev 2>/dev/null)
for p in dive dived; do
	expect_eq "package: $p names the musl its static programs contain" \
	    "$musl" "$(dpkg-deb -f "$(deb "$p")" Built-Using)"
	expect_eq "package: $p's version is the one VERSION names" \
	    "$V" "$(dpkg-deb -f "$(deb "$p")" Version)"
done
expect_match "package: dived's postinst creates the system user _dived" \
    'adduser --system .*--no-create-home .*--shell /usr/sbin/nologin' \
    "$(dpkg-deb -I "$(deb dived)" postinst | tr -d '\\\n\t')"
if [ -e dist/systemd/dived.socket ]; then
	expect_match "package: dived's postinst enables and starts dived.socket" \
	    "enable 'dived\.socket'.*deb-systemd-invoke [^ ]* 'dived\.socket'" \
	    "$(dpkg-deb -I "$(deb dived)" postinst | tr '\n' ' ')"
else
	skip "package: dived.socket" "the tree has no dist/systemd/dived.socket"
fi
expect_match "package: dived depends on adduser, which its postinst runs" \
    '(^|, )adduser(,|$)' "$(dpkg-deb -f "$(deb dived)" Depends)"
expect_eq "package: dived.8 names the parser in /usr/libexec/dive" 1 \
    "$(zcat "$R/usr/share/man/man8/dived.8.gz" |
    grep -cx '\.It Pa /usr/libexec/dive/dived\\-parser')"
expect_eq "package: the logrotate file rotates the audit log in /var/log/dive" \
    "/var/log/dive/audit.log {" "$(grep '^/' "$R/etc/logrotate.d/dive")"
expect_eq "package: dive and dived print the version VERSION names" \
    "dive $V dived $V" \
    "$("$R/usr/bin/dive" --version | cut -d' ' -f1-2) $("$R/usr/sbin/dived" --version | cut -d' ' -f1-2)"

# ------------------------------------------------------------ running

# dived looks for its parser next to itself, then in /usr/libexec/dive:
# in a mount namespace of its own, which ends with it, the scratch root's
# /usr/libexec stands over the system's, so that dived finds the
# packaged parser and no other.
if ! is_root; then
	skip "package: a session through the packaged programs" \
	    "needs root to mount in a namespace of its own"
	return 0
fi
S=$T/pkg.sock
unshare -m --propagation private sh -c \
    'mount --bind "$1/usr/libexec" /usr/libexec && shift && exec "$@"' \
    sh "$R" "$R/usr/sbin/dived" "$S" -C 0777 --log-stderr 2>>"$T/dived.log" &
DIVED_PID=$!
DIVED_PIDS+=("$DIVED_PID")
wait_for listening "$S"
expect_eq "package: root's session through the packaged dive and dived" \
    "0 hello" "$("$R/usr/bin/dive" "$S" sh -c 'echo $(id -u) hello')"
expect_eq "package: nobody's session runs as nobody" \
    65534 "$(as_nobody "$R/usr/bin/dive" "$S" id -u)"
parser=
for m in $(pgrep -P "$DIVED_PID"); do
	for p in $(pgrep -P "$m"); do
		case $(ps -o args= -p "$p") in "dived: parser"*) parser=$p ;; esac
	done
done
expect_eq "package: the parser dived runs is the packaged one" \
    "$(stat -c %d:%i "$R/usr/libexec/dive/dived-parser")" \
    "$(stat -L -c %d:%i "/proc/$parser/exe" 2>&1)"
stop_dived "$DIVED_PID"

# The packaged dived as its service managers start it: from the socket
# dived.socket would pass, and with s6's readiness descriptor.  Each runs
# in a mount namespace of its own, as above.
packaged() {
	exec unshare -m --propagation private sh -c \
	    'mount --bind "$1/usr/libexec" /usr/libexec && shift && exec "$@"' \
	    sh "$R" "$@"
}
if command -v systemd-socket-activate >/dev/null; then
	S=$T/pkg-sa.sock
	(packaged systemd-socket-activate -l "$S" "$R/usr/sbin/dived" "$S" \
	    --log-stderr 2>>"$T/dived-sa.log") &
	DIVED_PID=$!
	DIVED_PIDS+=("$DIVED_PID")
	wait_for listening "$S"
	expect_eq "package: the packaged dived serves a session under socket activation" \
	    "0 served" "$("$R/usr/bin/dive" "$S" sh -c 'echo $(id -u) served')"
	expect_match "package: the packaged dived says the service manager passed the socket" \
	    "listening on $S \(passed by the service manager" "$(cat "$T/dived-sa.log")"
	stop_dived "$DIVED_PID"
else
	skip "package: the packaged dived under socket activation" \
	    "systemd-socket-activate is missing (package systemd)"
fi
S=$T/pkg-s6.sock
mkfifo "$T/ready"
(packaged "$R/usr/sbin/dived" "$S" --ready-fd 3 3>"$T/ready" \
    2>>"$T/dived-s6.log") &
DIVED_PID=$!
DIVED_PIDS+=("$DIVED_PID")
expect_eq "package: the packaged dived says it is ready on --ready-fd, as s6 asks" \
    "$(printf 'ready\n')" "$(timeout 10 head -c 1 "$T/ready" | od -An -c |
    tr -d ' ' | sed 's/\\n/ready/')"
expect_eq "package: once ready, the packaged dived serves a session" served \
    "$("$R/usr/bin/dive" "$S" echo served)"
stop_dived "$DIVED_PID"
