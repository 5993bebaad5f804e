# One version for the release: the VERSION file, which the build compiles
# into both programs, is the one NEWS starts with and the one dive and
# dived print.

V=$(cat VERSION)
expect_match "release: VERSION holds one version number" \
    '^[0-9]+\.[0-9]+(\.[0-9]+)?$' "$V"
expect_eq "release: NEWS starts with the version VERSION names" "$V" \
    "$(sed -n 's/^\([0-9][0-9.]*\) (.*/\1/p' NEWS | head -n 1)"
expect_match "release: dive --version prints the version VERSION names" \
    "^dive ${V//./\\.} \(protocol [0-9]+\)$" "$("$DIVE" --version)"
expect_match "release: dived --version prints the version VERSION names" \
    "^dived ${V//./\\.} \(protocol [0-9]+\)$" "$("$DIVED" --version)"
expect_eq "release: debian/changelog's newest entry is the version VERSION names" \
    "$V" "$(sed -n '1s/^[a-z0-9.+-]* (\([^)]*\)).*/\1/p' debian/changelog)"
