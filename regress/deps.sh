#!/bin/sh
# Installs what building and testing dive/dived needs on Debian, when it is
# missing: the compiler, make, pkg-config, the libcap, libseccomp and libbsd
# development packages, and the tools the tests use (openbsd-inetd for
# dived -i; the tests run their own inetd, never the system's; clang with
# libFuzzer for the fuzzers; tmux to type at a terminal for the
# pseudo-terminal tests), and musl, with which dive starts faster.  The package lists are updated first, as a
# fresh system may never have fetched them.
set -e
need=
for pkg in gcc make pkg-config libc6-dev libcap-dev libseccomp-dev libbsd-dev \
    procps util-linux passwd perl strace openbsd-inetd clang tmux musl-tools; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
	    grep -q '^install ok installed$' || need="$need $pkg"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$need (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >/dev/null
case " $need " in
*" openbsd-inetd "*)
	# The package starts the system's inetd and enables it at boot.
	service openbsd-inetd stop >/dev/null 2>&1 || true
	update-rc.d openbsd-inetd disable >/dev/null 2>&1 || true
	;;
esac
