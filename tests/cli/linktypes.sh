#!/bin/sh
# linktypes.sh: the same Teltonika session in every link type and file format
# decodes to the same four messages; broken files give a clear error and exit 1.
set -u
. tests/cli/lib.sh
test_setup "$1"
"$B/tests/mklinktypes" "$TMP" || { echo "mklinktypes failed"; exit 1; }
# a file per link type linklayer.c reads and IP version it carries, at least these
for f in en10mb en10mb-ipv6 linux_sll linux_sll-ipv6 linux_sll2 linux_sll2-ipv6 null null-ipv6 loop loop-ipv6 \
         raw raw-ipv6 ipv4 ipv6 vlan qinq vlan6 nano; do
    [ -s "$TMP/$f.pcap" ] && ok || bad "mklinktypes wrote no $f.pcap"
done
for p in "$TMP"/*.pcap; do
    f=$(basename "$p" .pcap)
    [ "$f" = truncated ] && continue
    expect_rc 0 "$T" -r "$p"
    eq "$(lines "$OUT" ' 356307042441013 ')" 4 "$f: messages with the IMEI"
    has "$OUT" "teltonika 356307042441013 position time=2019-06-10T10:04:46Z lat=0.000000 lon=0.000000"
    has "$OUT" "ack login=accepted ok"
    has "$OUT" "ack records=1 ok"
done
expect_rc 0 "$T" -r "$TMP/single.pcapng"
eq "$(lines "$OUT" ' 356307042441013 ')" 4 "pcapng: messages"
expect_rc 0 "$T" -r - <"$TMP/en10mb.pcap"
eq "$(lines "$OUT" ' 356307042441013 ')" 4 "stdin: messages"
expect_rc 1 "$T" -r "$TMP/mixed.pcapng"
has "$ERR" "pcapng file mixes link types"
expect_rc 1 "$T" -r "$TMP/truncated.pcap"
has "$ERR" "capture file is damaged after 5 packets"
eq "$(lines "$OUT" ' 356307042441013 ')" 2 "truncated: messages before the cut"
done_tests linktypes
