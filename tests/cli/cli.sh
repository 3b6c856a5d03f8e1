#!/bin/sh
# cli.sh: the command line: errors and exit codes, filters, -c, -q, -w, JSON,
# decode and protocols, against the bundled captures.
set -u
. tests/cli/lib.sh
test_setup "$1"

# usage errors: exit 2 with one clear line
expect_rc 2 "$T"
has "$ERR" "give either -i IFACE or -r FILE"
expect_rc 2 "$T" -r captures/demo.pcap --imei '(35'
has "$ERR" "at offset 3"
expect_rc 2 "$T" -r captures/demo.pcap --port 5000=nosuch
has "$ERR" "unknown protocol 'nosuch'"
expect_rc 2 "$T" -r captures/demo.pcap --port 70000=gt06
expect_rc 2 "$T" --bogus
expect_rc 2 "$T" -r captures/demo.pcap 'tcp port'
has "$ERR" "bad filter expression"
# runtime errors: exit 1
expect_rc 1 "$T" -r /nonexistent.pcap
has "$ERR" "cannot read '/nonexistent.pcap'"
printf 'not a capture file at all' >"$TMP/junk"
expect_rc 1 "$T" -r "$TMP/junk"
has "$ERR" "cannot read"
expect_rc 1 "$T" -i nosuchif0
has "$ERR" "nosuchif0"
# no permission to capture: as an unprivileged user (when we can become one)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$T" -i lo >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -ne 126 ] && [ $rc -ne 127 ]; then
        eq "$rc" 1 "capture without permission: exit status"
        has "$(cat "$TMP/err")" "no permission to capture on 'lo'"
    fi
fi
expect_rc 0 "$T" --help
has "$OUT" "Usage: trackdump"
expect_rc 0 "$T" --version
has "$OUT" "libpcap"
has "$OUT" "libnids"
has "$OUT" "PCRE2"

# the demo: both protocols, every message ok, the summary on stderr
expect_rc 0 "$T" -r captures/demo.pcap
has "$OUT" " teltonika 3563070424410[0-9][0-9] login imei=3563070424410[0-9][0-9] ok"
has "$OUT" " gt06 35860801[0-9]* login "
has "$ERR" "packets read"
has "$ERR" "messages: .* ok, 0 malformed, 0 unsupported, 0 unknown"
all=$(lines "$OUT" .)
# -c, -q, -e
expect_rc 0 "$T" -r captures/demo.pcap -c 3
eq "$(lines "$OUT" .)" 3 "-c 3"
expect_rc 0 "$T" -r captures/demo.pcap -q
eq "$OUT" "" "-q prints no messages"
has "$ERR" "messages:"
expect_rc 0 "$T" -r captures/demo.pcap -e
eq "$OUT" "" "-e on a healthy capture"
expect_rc 0 "$T" -r captures/lost-segment.pcap -e
has "$OUT" "malformed: .* bytes skipped after a capture gap"
hasnt "$OUT" " ok$"
# --imei and --grep
imei=$("$T" -r captures/demo.pcap 2>/dev/null | awk '$5 == "teltonika" {print $6; exit}')
expect_rc 0 "$T" -r captures/demo.pcap --imei "^$imei\$"
eq "$(lines "$OUT" " $imei ")" "$(lines "$OUT" .)" "--imei keeps only that device"
n_imei=$(lines "$OUT" .)
[ "$n_imei" -gt 2 ] && ok || bad "--imei found $n_imei messages"
expect_rc 0 "$T" -r captures/demo.pcap --grep 'login=accepted'
eq "$(lines "$OUT" .)" "$(lines "$OUT" 'login=accepted')" "--grep"
# -w with --imei: a pcap of exactly that device's connection
expect_rc 0 "$T" -r captures/demo.pcap --imei "^$imei\$" -w "$TMP/one.pcap" -q
has "$ERR" "packets written"
expect_rc 0 "$T" -r "$TMP/one.pcap"
eq "$(lines "$OUT" .)" "$n_imei" "messages in the -w file"
eq "$(lines "$OUT" " $imei ")" "$n_imei" "all of them that device's"
has "$ERR" "1 connections"
if command -v tshark >/dev/null 2>&1; then
    tshark -r "$TMP/one.pcap" >/dev/null 2>&1 && ok || bad "tshark cannot read the -w file"
fi
# -w without filters copies every packet
expect_rc 0 "$T" -r captures/demo.pcap -w "$TMP/all.pcap" -q
has "$ERR" "packets written"
expect_rc 0 "$T" -r "$TMP/all.pcap"
eq "$(lines "$OUT" .)" "$all" "-w all: same messages"
expect_rc 1 "$T" -r captures/demo.pcap -w /nonexistent-dir/x.pcap
has "$ERR" "cannot write"

# JSON Lines: one object per message with the contract's keys
expect_rc 0 "$T" -r captures/demo.pcap -j
eq "$(lines "$OUT" '^{"schema":"trackdump.message/1","ts":"20[0-9-]*T[0-9:.]*Z","src":"127.0.0.1:[0-9]*","dst":"127.0.0.1:[0-9]*","transport":"tcp","dir":"\(up\|down\)","proto":"\(teltonika\|gt06\)","imei":"[0-9]*","type":"[a-z-]*","status":"ok","records":\[.*\],"fields":{.*},"hex":"[0-9a-f]*"\(,"ack":{"status":"ok","latency_ms":[0-9.]*}\)\?}$')" "$all" "JSON lines"
has "$OUT" '"records":\[{"time":"20[0-9-]*T[0-9:.]*Z","valid":true,"lat":[0-9.-]*,"lon":[0-9.-]*'

# JSON: the bytes of a problem, as the dissector that found it names them
# (report-bad-firmware: 3 GT06 CRC mismatches, 3 Teltonika codec 0x77)
expect_rc 0 "$T" -r captures/report-bad-firmware.pcap -j
eq "$(lines "$OUT" '"status":"ok".*"problem_bytes"')" 0 "JSON: no problem bytes on ok messages"
eq "$(lines "$OUT" '"proto":"gt06".*"problem":"crc mismatch: field 0x[0-9A-F]*, computed 0x[0-9A-F]*","problem_bytes":{"offset":35,"length":2}')" 3 \
    "JSON: GT06 CRC mismatches name the CRC's 2 bytes before 0d0a of 39"
eq "$(lines "$OUT" '"proto":"teltonika".*"problem":"unsupported codec 0x77","problem_bytes":{"offset":8,"length":1}')" 3 \
    "JSON: unsupported codec names the codec byte"
# the bytes named hold the values the problem text names
printf '%s\n' "$OUT" | sed -n 's/.*"problem":"[^"]*\(field \|codec \)0x\([0-9A-F]*\)[^"]*","problem_bytes":{"offset":\([0-9]*\),"length":\([0-9]*\)}.*"hex":"\([0-9a-f]*\)".*/\2 \3 \4 \5/p' >"$TMP/spans"
eq "$(wc -l <"$TMP/spans")" 6 "JSON: 6 problems with their bytes"
while read -r value off len hex; do
    eq "$(printf '%s' "$hex" | cut -c$((2 * off + 1))-$((2 * (off + len))))" "$(printf '%s' "$value" | tr 'A-F' 'a-f')" \
        "JSON: the bytes at $off..$((off + len - 1)) are the value named"
done <"$TMP/spans"

# decode: the Teltonika vendor example, auto-detected
AVL=000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF
expect_rc 0 "$T" decode $AVL
has "$OUT" "^\[1\] up teltonika - position time=2019-06-10T10:04:46Z lat=0.000000 lon=0.000000 alt=0 speed=0.0 course=0 sats=0 valid=no"
# a login binds the IMEI to the next input; JSON carries the input index
expect_rc 0 "$T" decode -j 000f333536333037303432343431303133 $AVL
has "$OUT" '{"schema":"trackdump.message/1","input":2,"transport":"tcp","dir":"up","proto":"teltonika","imei":"356307042441013","type":"position","status":"ok"'
# stdin, 0x/space/colon noise, a log line with HEX:
printf '0x00 0f:33 35 36 33 30 37 30 34 32 34 34 31 30 31 33\n2024-01-01 INFO HEX: %s\n' $AVL | "$T" decode - >"$TMP/o" 2>&1
has "$(cat "$TMP/o")" "\[2\] up teltonika 356307042441013 position"
# a bad CRC names both values
BADCRC=$(echo $AVL | sed 's/C7CF$/C7CE/')
expect_rc 0 "$T" decode -P teltonika $BADCRC
has "$OUT" "malformed: crc mismatch: field 0xC7CE, computed 0xC7CF"
expect_rc 0 "$T" decode -j -P teltonika $BADCRC
has "$OUT" '"problem":"crc mismatch: field 0xC7CE, computed 0xC7CF","problem_bytes":{"offset":62,"length":4}'
# GT06 login and its reply, by alias and auto-detection
expect_rc 0 "$T" decode 78780D01012345678901234500018CDD0D0A
has "$OUT" "gt06 123456789012345 login"
expect_rc 0 "$T" decode --down -P gt06 787805010001D9DC0D0A
has "$OUT" "\[1\] down gt06 - ack"
expect_rc 2 "$T" decode -P nosuch 00
has "$ERR" "unknown protocol 'nosuch'"
expect_rc 2 "$T" decode zz
has "$ERR" "not hex"
expect_rc 1 "$T" decode 414243
has "$ERR" "cannot recognise the protocol"

# protocols: every one of the CLI contract, with its default port
expect_rc 0 "$T" protocols
has "$OUT" "^teltonika *5027 *tcp,udp"
has "$OUT" "^gt06 *5023 *tcp"
for p in teltonika gt06 queclink h02 meitrack ruptela galileosky wialon suntech tk103 gps103 jt808 \
         meiligao navtelecom egts arnavi topflytech calamp osmand watch atrack cellocator gosafe; do
    has "$OUT" "^$p "
done
eq "$(printf '%s\n' "$OUT" | grep -c '^[a-z0-9]* *[0-9]')" 23 "protocols listed"
# the names the corpus (and Traccar users) use are accepted
for a in gl200 galileo navis t800x huabao; do
    expect_rc 0 "$T" decode -P "$a" 00
done
done_tests cli
