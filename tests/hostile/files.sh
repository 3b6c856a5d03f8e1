#!/bin/sh
# hostile/files.sh: broken and strange capture files (made by tests/tools/mkhostile.c):
# each gives one clear line or a counted anomaly, the right exit status, and
# whatever sound packets it holds still decode.  Prints the table
# "input -> exit status, message" into the log.
#   usage: tests/hostile/files.sh BUILD
set -u
. tests/cli/lib.sh
test_setup "$1"
"$B/tests/mkhostile" files "$TMP" || { echo "mkhostile failed"; exit 1; }
IMEI=356307042441013

# case FILE WANT_RC WANT_MESSAGES STDERR_PATTERN...: exit status, messages of the
# sound session (lines with its IMEI), each pattern in stderr, and no sanitizer report
case_() {
    f=$1 rc=$2 msgs=$3
    shift 3
    expect_rc "$rc" "$T" -r "$TMP/$f" -v
    eq "$(lines "$OUT" " $IMEI ")" "$msgs" "$f: messages decoded"
    for p in "$@"; do has "$ERR" "$p"; done
    hasnt "$ERR" "runtime error\|AddressSanitizer\|LeakSanitizer"
    hasnt "$OUT" "^1969-"                 # no time made up from a wrapped timestamp
    first=$(printf '%s\n' "$ERR" | head -n 1)
    printf '%-28s -> exit %s, %s messages: %s\n' "$f" "$rc" "$msgs" "$first"
}

case_ sound.pcap 0 4 "4 messages: 4 ok, 0 malformed"
case_ empty.pcap 1 0 "^trackdump: cannot read '$TMP/empty.pcap': truncated dump file; tried to read 4 file header bytes, only got 0$"
case_ trunc-file-header.pcap 1 0 "cannot read '.*': truncated dump file; tried to read 24 file header bytes, only got 8"
case_ header-only.pcap 0 0 "^trackdump: 0 packets read$"
case_ trunc-record-header.pcap 1 2 "^trackdump: capture file is damaged after 5 packets: truncated dump file; tried to read 16 header bytes, only got 8$" "1 open at end"
case_ trunc-packet.pcap 1 2 "capture file is damaged after 5 packets: truncated dump file; tried to read 106 captured bytes, only got 20"
case_ trunc-packet.pcapng 1 2 "capture file is damaged after 5 packets: truncated pcapng dump file"
case_ trunc-section.pcapng 1 0 "cannot read '.*': unknown file format"
case_ bad-magic.pcap 1 0 "cannot read '.*': unknown file format"
case_ caplen-over-snaplen.pcap 0 3 "1 capture gaps (66 bytes lost" "3 messages: 3 ok"
case_ caplen-huge.pcap 1 4 "capture file is damaged after 10 packets: invalid packet capture length 300000, bigger than snaplen of 262144"
case_ zero-length.pcap 0 0 "capture anomalies: 2 empty frames, 0 impossible timestamps"
case_ zero-then-session.pcap 0 4 "capture anomalies: 5 empty frames" "4 messages: 4 ok"
case_ time-strange.pcap 0 4 "capture anomalies: 0 empty frames, 3 impossible timestamps (replaced by the previous frame's), 2 frames stamped earlier than the frame before" "4 messages: 4 ok"
case_ time-huge.pcapng 0 4 "6 impossible timestamps" "4 messages: 4 ok"
case_ mixed-linktypes.pcapng 1 0 "pcapng file mixes link types"
case_ bad-ip-headers.pcap 0 4 "anomalies: 3 bad link/IP headers, 1 bad TCP/UDP headers" "4 messages: 4 ok"
case_ fragments.pcap 0 5 "5 IPv4 fragments, 1 datagrams reassembled from them" "1 udp flows" "5 messages: 5 ok"
# the datagram made of overlapping fragments decodes (first copy wins)
has "$OUT" "teltonika $IMEI position .* ok"
eq "$(printf '%s\n' "$OUT" | grep -c '192.0.2.4:41002 > 192.0.2.1:5027 udp teltonika')" 1 "fragmented UDP datagram decoded once"
# a strange time is never printed: the replaced ones carry the previous frame's
expect_rc 0 "$T" -r "$TMP/time-huge.pcapng" -j
hasnt "$OUT" '"ts":"1969'
# standard input: the same messages and errors as from a file
expect_rc 1 sh -c "\"$T\" -r - < \"$TMP/trunc-packet.pcap\""
has "$ERR" "capture file is damaged after 5 packets"
expect_rc 1 sh -c "\"$T\" -r - < \"$TMP/bad-magic.pcap\""
has "$ERR" "cannot read 'standard input': unknown file format"
done_tests hostile-files
