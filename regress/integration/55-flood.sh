# A thousand clients at once: every one gets an answer, dived neither
# crashes nor wedges, leaves no zombie, and the master does not grow.

S=$T/flood.sock
start_dived "$S"
# Its anonymous memory, where a leak would show: the program text it maps
# on first use of a path (64 KiB at a time) is no growth.
rss() { awk '$1 == "RssAnon:" { print $2 }' "/proc/$DIVED_PID/status"; }
nfd() { ls "/proc/$DIVED_PID/fd" | wc -l; }
"$DIVE" "$S" true
rss0=$(rss)
fd0=$(nfd)

out=$( (ulimit -n 4096; "$RAW" "$S" flood 1000) )
served=$(awk '$1 == "exit0" { print $2 }' <<<"$out")
limited=$(awk '$1 == "limited" { print $2 }' <<<"$out")
expect_eq "flood: each of 1000 clients is served or told the limit" 1000 \
    "$((served + limited))"
expect_match "flood: nothing is lost or fails otherwise" \
    "exit-other 0.*error-other 0.*lost 0" "$(echo $out)"
expect_eq "flood: the master lives on" yes "$(alive "$DIVED_PID" && echo yes)"
wait_for no_sessions "$DIVED_PID"
expect_eq "flood: no zombie or stray session is left" "" \
    "$(ps -o pid=,stat=,args= --ppid "$DIVED_PID" |
    grep -v ' S *dived: monitor \[spare\]$')"
expect_eq "flood: the next client succeeds" next "$("$DIVE" "$S" echo next)"
expect_eq "flood: the master holds no more descriptors than before" "$fd0" "$(nfd)"
# AddressSanitizer's allocator keeps what is freed in caches of its own,
# so its resident size says nothing there; LeakSanitizer checks instead.
if ldd "$DIVED" | grep -q libasan; then
	skip "flood: the master's memory did not grow" \
	    "resident size is not a measure under AddressSanitizer"
else
	expect_eq "flood: the master's memory did not grow" yes \
	    "$([ "$(rss)" -le $((rss0 + 64)) ] && echo yes ||
	    echo "no: $rss0 -> $(rss) KiB")"
fi

# With limits raised, all thousand run at once.
B=$T/flood-big.sock
start_dived "$B" --max-sessions 1000 --max-per-uid 1000
out=$( (ulimit -n 4096; "$RAW" "$B" flood 1000) )
expect_eq "flood: with room for all, all 1000 programs run and exit 0" \
    "exit0 1000" "$(head -n 1 <<<"$out")"
expect_eq "flood: and the next client succeeds" next "$("$DIVE" "$B" echo next)"
