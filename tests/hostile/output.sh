#!/bin/sh
# hostile/output.sh: nothing lost or invented at the output end: a full disk
# (/dev/full) or an unwritable -w file is an error with exit status 1, never
# silence nor a claim of packets written; SIGTERM and SIGINT in the middle of a
# long read from standard input leave a -w file tshark reads whole, with as
# many packets as the summary says.
#   usage: tests/hostile/output.sh BUILD
set -u
. tests/cli/lib.sh
test_setup "$1"

# a full disk
expect_rc 1 "$T" -r captures/demo.pcap -w /dev/full -q
has "$ERR" "^trackdump: write error on '/dev/full': No space left on device$"
hasnt "$ERR" "packets written$"
expect_rc 1 sh -c "\"$T\" -r captures/demo.pcap >/dev/full"
has "$ERR" "^trackdump: cannot write the output: No space left on device$"
expect_rc 1 sh -c "\"$T\" -r captures/demo.pcap -j >/dev/full"
has "$ERR" "^trackdump: cannot write the output: No space left on device$"
expect_rc 1 sh -c "\"$T\" decode 000f333536333037303432343431303133 >/dev/full"
has "$ERR" "cannot write the output: No space left on device"
# unwritable -w
expect_rc 1 "$T" -r captures/demo.pcap -w "$TMP"
has "$ERR" "^trackdump: cannot write '$TMP': "
expect_rc 1 "$T" -r captures/demo.pcap -w "$TMP/no/such/dir/x.pcap"
has "$ERR" "^trackdump: cannot write '$TMP/no/such/dir/x.pcap': "

# signals in the middle of a long read: a valid file and a summary
for sig in TERM INT; do
    "$B/tests/mkhostile" garbage 100000 5027 random | "$T" -r - -w "$TMP/$sig.pcap" -q 2>"$TMP/$sig.err" &
    pid=$!
    sleep 1
    kill "-$sig" "$pid"
    wait "$pid"
    eq "$?" 0 "SIG$sig while reading: exit status"
    err=$(cat "$TMP/$sig.err")
    has "$err" "^trackdump: [0-9]* packets read$"
    has "$err" "^trackdump: [0-9]* connections"
    written=$(printf '%s\n' "$err" | sed -n 's/^trackdump: \([0-9]*\) packets written$/\1/p')
    [ "${written:-0}" -gt 100 ] && ok || bad "SIG$sig: $written packets written"
    if command -v tshark >/dev/null 2>&1; then
        tshark -r "$TMP/$sig.pcap" >"$TMP/$sig.list" 2>"$TMP/$sig.tshark"
        eq "$?" 0 "SIG$sig: tshark reads the -w file ($(grep -iv 'running as user' "$TMP/$sig.tshark" | head -c 200))"
        eq "$(wc -l <"$TMP/$sig.list")" "${written:-?}" "SIG$sig: packets in the -w file"
    fi
    echo "SIG$sig after 1 s of a 100 GB stream: exit 0, $written packets written and read back by tshark"
done
done_tests hostile-output
