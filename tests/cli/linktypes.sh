#!/bin/sh
# linktypes.sh: the same Teltonika session in every link type and file format
# decodes to the same four messages; broken files give a clear error and exit 1.
set -u
B=$1
T="$B/trackdump"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/cli/lib.sh
"$B/tests/mklinktypes" "$TMP" || { echo "mklinktypes failed"; exit 1; }
for f in en10mb vlan qinq vlan6 sll sll2 null loop raw ipv4 ipv6 nano; do
    expect_rc 0 "$T" -r "$TMP/$f.pcap"
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
