# make install and make uninstall on a copy of the tree, as a
# distribution's build runs them: PREFIX=/usr under a DESTDIR, with its
# compiler and linker flags in the environment; then with the defaults.

copy_tree "$T/src" || {
	fail "install: copy the tree" "copy_tree failed"
	return 0
}
mk() { clean_env make -C "$T/src" -j"$(nproc)" "$@" >>"$T/make.log" 2>&1; }
V=$(cat VERSION)

# What a distribution sets (dpkg-buildflags' hardening), with a
# _FORTIFY_SOURCE other than the project's own and two marks to find in
# the programs: a code generation flag recorded by -frecord-gcc-switches,
# and a linker flag recorded in the dynamic section.
D=$T/usr-root
CPPFLAGS="-Wdate-time -D_FORTIFY_SOURCE=3" \
CFLAGS="-g -O2 -fstack-protector-strong -Wformat -Werror=format-security \
-frecord-gcc-switches -fno-omit-frame-pointer" \
LDFLAGS="-Wl,-z,relro -Wl,-z,now -Wl,-z,origin" \
    mk install DESTDIR="$D" PREFIX=/usr LIBEXEC=/usr/libexec/dive
expect_eq "install: PREFIX=/usr builds and installs with a distribution's flags" \
    0 $?

# The files: the programs, the schema, the example rules, every man page
# of man/ and the bash completions the tree has.
want=$(
	printf '%s\n' etc/dive/rules.example usr/bin/dive \
	    usr/libexec/dive/dived-parser usr/libexec/dive/dived-recorder \
	    usr/sbin/dived \
	    usr/share/dive/dived-audit.schema.json
	for m in man/*.[1-8]; do
		echo "usr/share/man/man${m##*.}/${m##*/}"
	done
	for c in dist/bash-completion/*; do
		[ -e "$c" ] && echo "usr/share/bash-completion/completions/${c##*/}"
	done
)
expect_eq "install: PREFIX=/usr installs the programs, pages, schema and example rules" \
    "$(sort <<<"$want")" "$(cd "$D" 2>/dev/null && find . -type f | cut -c3- | sort)"
expect_eq "install: the parser, the recorder and the example rules have their modes" \
    "755 755 644" "$(stat -c %a "$D/usr/libexec/dive/dived-parser" \
    "$D/usr/libexec/dive/dived-recorder" \
    "$D/etc/dive/rules.example" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
left=
for p in unit rawclient dived-hooks dived-parser-hooks dived-recorder-hooks \
    tiocsti sigign nsattack svcmgr; do
	[ -e "$T/src/build/$p" ] && left="$left $p"
done
expect_eq "install: builds none of the programs only the tests use" "" "$left"

# Each program, whichever compiler built it, has the project's flags and
# the distribution's.
for p in usr/bin/dive usr/sbin/dived usr/libexec/dive/dived-parser \
    usr/libexec/dive/dived-recorder; do
	rec=$(readelf -p .GCC.command.line "$D/$p" 2>&1)
	expect_match "install: ${p##*/} is built with the project's CFLAGS and the environment's" \
	    '-fstack-clash-protection.*-fno-omit-frame-pointer' "$rec"
	dyn=$(readelf -dW "$D/$p" 2>&1)
	expect_match "install: ${p##*/} is linked with the project's LDFLAGS and the environment's" \
	    'FLAGS_1\) +Flags: (NOW ORIGIN|ORIGIN NOW)' "$dyn"
done
expect_match "install: dived is fortified at the environment's _FORTIFY_SOURCE" \
    '__[a-z0-9]+_chk@' "$(nm -D "$D/usr/sbin/dived" 2>&1)"
static="usr/libexec/dive/dived-parser usr/libexec/dive/dived-recorder"
command -v musl-gcc >/dev/null && static="usr/bin/dive $static"
for f in $static; do
	expect_eq "install: ${f##*/} is static-pie with its RELRO under those LDFLAGS" \
	    "DYN no-interp relro" \
	    "$(readelf -hlW "$D/$f" | awk '
		/Type:/ { t = $2 } /INTERP/ { i = 1 } /GNU_RELRO/ { r = 1 }
		END { print t, (i ? "interp" : "no-interp"), (r ? "relro" : "none") }')"
done

# The pages name the files where this PREFIX puts them, and the version.
m8=$D/usr/share/man/man8/dived.8
expect_match "install: dived.8 names the parser under LIBEXEC" '^[1-9]' \
    "$(grep -cx '\.It Pa /usr/libexec/dive/dived\\-parser' "$m8")"
expect_match "install: dived.8 names the schema under PREFIX" '^[1-9]' \
    "$(grep -cx '\.\(It \)\{0,1\}Pa /usr/share/dive/dived\\-audit\.schema\.json' "$m8")"
expect_eq "install: no installed page names /usr/local for a file installed elsewhere" "" \
    "$(grep -rhoE '/usr/local/(libexec/dive|share/dive|sbin/dived)' \
    "$D/usr/share/man" 2>&1)"
expect_eq "install: every installed page's footer names dive $V" \
    "$(grep -c '' <<<"$(ls man/*.[1-8])")" \
    "$(grep -lx "\.Os dive ${V//./\\.}" "$D"/usr/share/man/man*/* | wc -l)"
if command -v mandoc >/dev/null 2>&1; then
	expect_eq "install: the installed pages are clean under mandoc -Tlint" "" \
	    "$(mandoc -Tlint -W style "$D"/usr/share/man/man*/* 2>&1 |
	    grep -v -e 'referenced manual not found' -e 'mandoc\.db')"
else
	skip "install: mandoc -Tlint" "mandoc is not installed"
fi

# The example rules permit nothing, and the rules it shows are valid.
R=$D/etc/dive/rules.example
out=$("$D/usr/sbin/dived" --check-policy "$R" 2>&1)
expect_match "install: dived --check-policy accepts the example rule file" \
    ': 0 rules, no errors$' "$(head -n 1 <<<"$out")"
out=$("$D/usr/sbin/dived" --check-policy "$R" --as root -- /bin/true 2>&1)
expect_match "install: the example rule file permits nothing" \
    '^denied: no rule permits' "$out"
sed -n 's/^#permit /permit /p' "$R" >"$T/examples"
chmod 644 "$T/examples"
out=$("$D/usr/sbin/dived" --check-policy "$T/examples" 2>&1)
expect_match "install: the rules the example file shows are valid" \
    ': [1-9][0-9]* rules, no errors$' "$(head -n 1 <<<"$out")"

# make uninstall takes away exactly that, and leaves the administrator's
# rules.
echo 'permit root' >"$D/etc/dive/rules"
mk uninstall DESTDIR="$D" PREFIX=/usr LIBEXEC=/usr/libexec/dive
expect_eq "uninstall: removes every file install put there" "etc/dive/rules" \
    "$(cd "$D" && find . -type f | cut -c3-)"
expect_eq "uninstall: removes dive's own directories, but one still in use" \
    "etc/dive" \
    "$(cd "$D" && find . -type d -path '*dive*' | cut -c3-)"

# The defaults: /usr/local, and an example in /usr/local/etc.
mk install DESTDIR="$T/local-root"
L=$T/local-root/usr/local
expect_eq "install: the default PREFIX is /usr/local, its rules example in /usr/local/etc" \
    "etc/dive/rules.example libexec/dive/dived-parser libexec/dive/dived-recorder sbin/dived" \
    "$(cd "$L" 2>/dev/null && ls etc/dive/rules.example \
    libexec/dive/dived-parser libexec/dive/dived-recorder sbin/dived 2>&1 |
    tr '\n' ' ' | sed 's/ $//')"
expect_match "install: dived.8 of the default PREFIX names /usr/local/libexec/dive" '^[1-9]' \
    "$(grep -cx '\.It Pa /usr/local/libexec/dive/dived\\-parser' \
    "$L/share/man/man8/dived.8")"
mk uninstall DESTDIR="$T/local-root"
expect_eq "uninstall: the default PREFIX leaves no file" "" \
    "$(find "$T/local-root" -type f)"
