#!/bin/sh
# Installs what building and testing dive/dived needs on Debian, when it is
# missing: the compiler, make, pkg-config, the libcap, libseccomp and libbsd
# development packages, and the tools the tests use (openbsd-inetd for
# dived -i; the tests run their own inetd, never the system's; clang with
# libFuzzer for the fuzzers; tmux to type at a terminal for the
# pseudo-terminal tests; python3 and python3-jsonschema to check the audit
# records against their schema; asciinema to play a recorded session
# back; mandoc to check the manual pages; bash-completion to try the
# completions; dpkg-dev, debhelper and lintian to build and check the
# Debian packages; systemd for systemd-socket-activate and
# systemd-analyze, which start dived and check its units as systemd
# would, without making it the init system), and musl, with which dive
# starts faster.  The package lists are updated first, as a
# fresh system may never have fetched them.  Then it creates the system
# user _dived, which a root dived runs its parser as, when it is missing.
set -e
need=
for pkg in gcc make pkg-config libc6-dev libcap-dev libseccomp-dev libbsd-dev \
    procps util-linux passwd perl strace openbsd-inetd clang tmux musl-tools \
    python3 python3-jsonschema asciinema mandoc bash-completion dpkg-dev \
    debhelper lintian systemd; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
	    grep -q '^install ok installed$' || need="$need $pkg"
done
if [ -n "$need" ] && [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$need (run as root to install them)" >&2
	exit 1
fi
if [ -n "$need" ]; then
	echo "deps: installing$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
case " $need " in
*" openbsd-inetd "*)
	# The package starts the system's inetd and enables it at boot.
	service openbsd-inetd stop >/dev/null 2>&1 || true
	update-rc.d openbsd-inetd disable >/dev/null 2>&1 || true
	;;
esac
# A user nothing else runs as, so that no program can signal a parser
# (SECURITY.md); only a root dived switches to it, so an ordinary user
# can build and test without it.
if ! getent passwd _dived >/dev/null; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: no user _dived, which a root dived runs its" \
		    "parser as (run as root to create it)" >&2
		exit 0
	fi
	echo "deps: creating the system user _dived"
	# Another run may have created it meanwhile.
	useradd --system --user-group --home-dir /nonexistent \
	    --no-create-home --shell /usr/sbin/nologin \
	    --comment "dived privilege separation" _dived ||
	    getent passwd _dived >/dev/null
fi
