# The manual pages: each passes mandoc's checks, every example rule file
# of dive.rules.5 is one dived accepts, and dive.rules.5 documents every
# keyword the rule parser knows, so that page and parser cannot drift.

PAGE=$ROOT/man/dive.rules.5

# A page named in SEE ALSO need not be installed where the tests run.
if command -v mandoc >/dev/null 2>&1; then
	for page in "$ROOT"/man/*.[1-9]; do
		expect_eq "pages: ${page##*/} is clean under mandoc -Tlint" "" \
		    "$(mandoc -Tlint -W style "$page" 2>&1 |
		    grep -v -e 'referenced manual not found' -e 'mandoc\.db')"
	done
else
	skip "pages: mandoc -Tlint" "mandoc is not installed"
fi

# .Sx names a section of the same page; mandoc does not check that.  The
# name runs to a lone punctuation mark or the next macro.
for page in "$ROOT"/man/*.[1-9]; do
	expect_eq "pages: every .Sx of ${page##*/} names one of its sections" "" \
	    "$(comm -23 <(awk '{
		for (i = 1; i <= NF; i++) {
			if ($i != "Sx" && $i != ".Sx")
				continue
			t = ""
			for (j = i + 1; j <= NF && $j !~ /^([.,;:()]|[A-Z][a-z])$/; j++)
				t = t (t == "" ? "" : " ") $j
			print t
		}
	    }' "$page" | sort -u) <(sed -n 's/^\.S[hs] //p' "$page" | sort -u))"
done

# Each subsection of EXAMPLES begins with its rule file, a literal block
# right after the .Ss line; commands and their output come after it.
mkdir "$T/examples"
awk -v dir="$T/examples" '
/^\.Sh / { ex = $0 == ".Sh EXAMPLES" }
ex && /^\.Ss / { n++; want = 1; print substr($0, 5) >(dir "/" n ".title"); next }
want && /^\.Bd -literal/ { inb = 1; want = 0; next }
{ want = 0 }
inb && /^\.Ed/ { inb = 0; next }
inb {
	gsub(/\\e/, "\\"); gsub(/\\\(dq/, "\""); gsub(/\\&/, ""); gsub(/\\-/, "-")
	print >(dir "/" n ".rules")
}' "$PAGE"
titles=$(find "$T/examples" -name '*.title' | wc -l)
files=$(find "$T/examples" -name '*.rules' | wc -l)
expect_eq "dive.rules.5: every example begins with its rule file" \
    "$titles" "$files"
expect_match "dive.rules.5: there are examples for sudo, chroot and a container" \
    '^([3-9]|[1-9][0-9])$' "$files"
for f in "$T"/examples/*.rules; do
	[ -e "$f" ] || continue
	chmod 600 "$f"
	expect_match "dive.rules.5: dived accepts the example \"$(cat "${f%.rules}.title")\"" \
	    "^$f: [1-9][0-9]* rules, no errors" \
	    "$("$DIVED" --check-policy "$f" 2>&1)"
done

# The parser's keywords: the words it compares with is(), and the table of
# options that take a value.
kws=$( {
	grep -oE '\bis\([^"()]*(\([^)]*\))?[^"()]*"[^"]+"\)' "$ROOT/policy/rules.c" |
	    sed -E 's/.*"([^"]+)"\)$/\1/'
	sed -n '/kws\[\] = {/,/};/p' "$ROOT/policy/rules.c" | grep -oE '"[^"]+"' |
	    tr -d '"'
} | sort -u)
grammar='permit deny as cmd args prefix { }'
expect_match "dive.rules.5: the rule parser's keywords are found" \
    '^([2-9][0-9])$' "$(printf '%s\n' "$kws" | wc -l)"
parser_opts=$(printf '%s\n' "$kws" | grep -vxF -f <(tr ' ' '\n' <<<"$grammar"))
page_opts=$(sed -n '/^\.Ss Options$/,/^\.S[sh] /p' "$PAGE" |
    sed -nE 's/^\.It Cm ([a-z]+).*/\1/p' | sort -u)
expect_eq "dive.rules.5: Options lists exactly the options the parser accepts" \
    "$parser_opts" "$page_opts"
missing=
for kw in $grammar; do
	[ "$kw" = "{" ] || [ "$kw" = "}" ] && continue
	sed -n '/^rule     = /,/^\.Ed/p' "$PAGE" | grep -qF "\"$kw\"" ||
	    missing="$missing $kw"
	grep -qE "^\.(It )?Cm $kw( |$)" "$PAGE" || missing="$missing $kw"
done
expect_eq "dive.rules.5: the grammar and the text name every rule keyword" \
    "" "$missing"
