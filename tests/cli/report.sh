#!/bin/sh
# report.sh: `trackdump report` on the diagnosis scenarios of captures/report-*.pcap
# (made by tests/sim/mkcaptures.sh; their manifests state the ground truth):
# the exact findings, devices and evidence numbers of each, a healthy capture
# without warnings, --expect, the three formats, and the per-message ACK verdicts.
#   usage: tests/cli/report.sh BUILD
set -u
B=${1:-build}
TD=${TRACKDUMP:-$B/trackdump}
C=captures
TMP=$(mktemp -d /tmp/trackdump-report.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "report: jq not installed"; exit 77; }

# rep NAME [ARGS]: the JSON report of captures/NAME.pcap in $TMP/NAME.json
rep() {
    name=$1; shift
    if "$TD" report -r "$C/$name.pcap" --format json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"; then ok
    else bad "report $name failed: $(cat "$TMP/$name.err")"; fi
}
# q NAME JQ: a jq query on NAME's report (raw output, one line)
q() { jq -r "$2" "$TMP/$1.json" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }
# ids NAME: the finding ids with their severity, sorted
ids() { q "$1" '[.findings[] | "\(.severity):\(.id)"] | sort | join(",")'; }
# ev NAME ID KEY: evidence KEY of the first finding ID
ev() { q "$1" "[.findings[] | select(.id == \"$2\")][0].evidence.$3"; }
# devs NAME ID: the devices of the first finding ID, sorted
devs() { q "$1" "[.findings[] | select(.id == \"$2\")][0].devices | sort | join(\",\")"; }
near() { awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= e) }' && ok || bad "$4: got $1, expected $2 +- $3"; }
TELT=356307042441005,356307042441013,356307042441021
GT06=358608010000006,358608010000014,358608010000022

# healthy: no warning or critical finding; every device online or closed, every request answered
rep report-healthy
eq "$(ids report-healthy)" "" "healthy: findings"
eq "$(q report-healthy '.devices | length')" 6 "healthy: devices"
eq "$(q report-healthy '[.devices[].id] | sort | join(",")')" "$TELT,$GT06" "healthy: IMEIs"
eq "$(q report-healthy '[.devices[].messages.ok] | unique | join(",")')" 9 "healthy: login + 8 messages per device"
eq "$(q report-healthy '[.devices[] | .acks.ok == .acks.requests and .acks.missing == 0] | all')" true "healthy: every request answered"
eq "$(q report-healthy '[.devices[].interval_s | . > 0.2 and . < 0.3] | all')" true "healthy: interval 250 ms"
eq "$(q report-healthy '[.devices[].clock_offset_s | . > -3 and . <= 0] | all')" true "healthy: fix times 0-3 s old"
eq "$(q report-healthy '.capture.unanswered_requests')" 0 "healthy: unanswered"
eq "$(q report-healthy '[.ports[] | "\(.port):\(.proto):\(.connections)"] | sort | join(",")')" "5023:gt06:3,5027:teltonika:3" "healthy: ports"

# port closed: 9 SYNs answered by RST on 5027; gt06 on 5023 unaffected
rep report-port-closed
eq "$(ids report-port-closed)" "critical:port-closed" "port-closed: findings"
eq "$(ev report-port-closed port-closed port)" 5027 "port-closed: port"
eq "$(ev report-port-closed port-closed syn_rst)" 9 "port-closed: SYNs answered by RST"
eq "$(ev report-port-closed port-closed connections_established)" 0 "port-closed: connections"
eq "$(q report-port-closed '[.ports[] | select(.port == 5027)][0].syn_rst')" 9 "port-closed: port table"
eq "$(q report-port-closed '[.devices[].id] | sort | join(",")')" "$GT06" "port-closed: only the gt06 devices got through"

# port unanswered: 9 connection attempts (their SYN retransmissions are not new attempts)
rep report-port-unanswered
eq "$(ids report-port-unanswered)" "critical:port-unanswered" "port-unanswered: findings"
eq "$(ev report-port-unanswered port-unanswered port)" 5027 "port-unanswered: port"
eq "$(ev report-port-unanswered port-unanswered syn_unanswered)" 9 "port-unanswered: SYNs"
has "$(q report-port-unanswered '.findings[0].evidence.examples[0]')" "SYN never answered"

# server clock 3 h fast: one finding, every device, no device-clock noise
rep report-clock-skew
eq "$(ids report-clock-skew)" "critical:server-clock-skew" "clock-skew: findings"
near "$(ev report-clock-skew server-clock-skew offset_s)" -10800 5 "clock-skew: offset"
eq "$(ev report-clock-skew server-clock-skew devices_agreeing)" 6 "clock-skew: devices"
eq "$(devs report-clock-skew server-clock-skew)" "$TELT,$GT06" "clock-skew: IMEIs"
has "$(q report-clock-skew '.findings[0].summary')" "3 h 0 min fast (ahead)"

# one device 1024 weeks behind: device-clock, the fleet is fine
rep report-gps-rollover
eq "$(ids report-gps-rollover)" "warning:device-clock" "rollover: findings"
eq "$(ev report-gps-rollover device-clock kind)" gps-week-rollover "rollover: kind"
near "$(ev report-gps-rollover device-clock offset_s)" -619315200 5 "rollover: offset"
eq "$(devs report-gps-rollover device-clock)" 358608010000014 "rollover: IMEI"

# a carrier's devices go silent: grouped by source network
rep report-carrier-silent
eq "$(ids report-carrier-silent)" "critical:devices-silent" "carrier: findings"
eq "$(ev report-carrier-silent devices-silent silent)" 3 "carrier: silent devices"
eq "$(devs report-carrier-silent devices-silent)" "$GT06" "carrier: IMEIs"
has "$(ev report-carrier-silent devices-silent common_cause)" "network_24 127.0.1.0/24 (3 of its 3 devices silent, 0 of 3 others)"
eq "$(ev report-carrier-silent devices-silent simultaneous)" 3 "carrier: simultaneous"
eq "$(q report-carrier-silent '[.devices[] | select(.state == "silent")] | length')" 3 "carrier: device states"

# one model goes silent: grouped by protocol
rep report-model-silent
eq "$(ids report-model-silent)" "critical:devices-silent" "model: findings"
eq "$(devs report-model-silent devices-silent)" "$GT06" "model: IMEIs"
has "$(ev report-model-silent devices-silent common_cause)" "protocol gt06 (3 of its 3 devices silent, 0 of 3 others)"
eq "$(q report-model-silent '[.devices[] | select(.proto == "gt06")][0].connections.fin')" 1 "model: closed by FIN"

# new firmware: an unknown codec and bad CRCs, one finding each, with the bytes
rep report-bad-firmware
eq "$(ids report-bad-firmware)" "warning:malformed-messages,warning:unsupported-messages" "firmware: findings"
eq "$(ev report-bad-firmware unsupported-messages messages)" 3 "firmware: unsupported count"
eq "$(devs report-bad-firmware unsupported-messages)" 356307042441013 "firmware: unsupported IMEI"
eq "$(ev report-bad-firmware unsupported-messages problem)" "unsupported codec N" "firmware: problem shape"
has "$(q report-bad-firmware '[.findings[] | select(.id == "unsupported-messages")][0].evidence.examples[0]')" "unsupported codec 0x77; hex 00000000"
eq "$(ev report-bad-firmware malformed-messages messages)" 3 "firmware: malformed count"
eq "$(devs report-bad-firmware malformed-messages)" 358608010000014 "firmware: malformed IMEI"
has "$(ev report-bad-firmware malformed-messages problem)" "crc mismatch"
has "$(q report-bad-firmware '[.findings[] | select(.id == "malformed-messages")][0].evidence.examples[0]')" "hex 7878"

# the server rejects two IMEIs at login and closes
rep report-rejects
eq "$(ids report-rejects)" "warning:server-rejects" "rejects: findings"
eq "$(devs report-rejects server-rejects)" 356307042441005,356307042441013 "rejects: IMEIs"
eq "$(ev report-rejects server-rejects rejected_answers)" 6 "rejects: rejected logins"
eq "$(ev report-rejects server-rejects closed_after_login)" 6 "rejects: closed after login"
eq "$(q report-rejects '[.devices[] | select(.state == "rejected") | .acks.logins_rejected] | join(",")')" "3,3" "rejects: per device"

# the server never ACKs data: unanswered requests, resends, reconnects
rep report-no-ack
eq "$(ids report-no-ack)" "critical:server-not-responding,warning:reconnect-churn" "no-ack: findings"
eq "$(ev report-no-ack server-not-responding port)" 5027 "no-ack: port"
eq "$(ev report-no-ack server-not-responding unanswered)" 27 "no-ack: unanswered"
eq "$(ev report-no-ack server-not-responding resent_by_devices)" 18 "no-ack: resends"
eq "$(devs report-no-ack server-not-responding)" "$TELT" "no-ack: IMEIs"
eq "$(ev report-no-ack reconnect-churn reconnects)" 6 "no-ack: reconnects"
eq "$(devs report-no-ack reconnect-churn)" "$TELT" "no-ack: churning IMEIs"

# a capture with holes: the loss is named, the cut messages are not blamed on devices
rep lost-segment
eq "$(ids lost-segment)" "info:capture-loss" "lost-segment: findings"
eq "$(ev lost-segment capture-loss stream_gaps)" 2 "lost-segment: gaps"
eq "$(ev lost-segment capture-loss gap_bytes)" "$(grep -o 'removed frame [0-9]* .*, [0-9]* bytes' "$C/lost-segment.manifest" | awk '{ s += $(NF - 1) } END { print s }')" "lost-segment: bytes lost"

# per-message verdicts match the report
expect_rc 0 "$TD" -r "$C/report-no-ack.pcap"
eq "$(lines "$OUT" 'teltonika .* position .* ack=missing(resent)$')" 18 "no-ack: lines marked resent"
eq "$(lines "$OUT" 'teltonika .* position .* ack=missing(closed)$')" 9 "no-ack: lines marked closed"
eq "$(lines "$OUT" 'teltonika .* login .* ack=[0-9.]*ms$')" 9 "no-ack: logins answered"
expect_rc 0 "$TD" -r "$C/report-rejects.pcap" -j
eq "$(printf '%s\n' "$OUT" | jq -r 'select(.ack.status == "rejected") | .imei' | sort | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' ')" \
   "3:356307042441005 3:356307042441013 " "rejects: JSON ack objects"

# ticket artifact: -w --imei keeps every connection of the device, handshakes included
expect_rc 0 "$TD" -r "$C/report-rejects.pcap" --imei '^356307042441005$' -w "$TMP/dev.pcap" -q
if command -v tshark >/dev/null 2>&1; then
    eq "$(tshark -r "$TMP/dev.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | wc -l | tr -d ' ')" 3 "-w --imei: the 3 SYNs"
    eq "$(tshark -r "$TMP/dev.pcap" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l | tr -d ' ')" 3 "-w --imei: 3 connections"
fi
expect_rc 0 "$TD" -r "$TMP/dev.pcap"
eq "$(lines "$OUT" ' login imei=356307042441005 ok ack=rejected(')" 3 "-w --imei: the 3 rejected logins"
eq "$(printf '%s\n' "$OUT" | awk '{ print $6 }' | sort -u | tr '\n' ' ')" "356307042441005 " "-w --imei: no other device"

# --expect: expected devices never seen, grouped by the file's columns
cat >"$TMP/expect.csv" <<EOT
imei,model,carrier,port
356307042441005,FMB920,carrierA,5027
356307042441013,FMB920,carrierA,5027
356307042441021,FMB920,carrierA,5027
358608010000006,GT06N,carrierB,5023
358608010000014,GT06N,carrierB,5023
358608010000022,GT06N,carrierB,5023
861230040000001,GT06N,carrierC,5023
861230040000019,GT06N,carrierC,5023
EOT
rep report-healthy --expect "$TMP/expect.csv"
eq "$(ids report-healthy)" "warning:devices-silent" "expect: findings"
eq "$(ev report-healthy devices-silent never_seen)" 2 "expect: never seen"
eq "$(ev report-healthy devices-silent silent)" 0 "expect: silent"
eq "$(devs report-healthy devices-silent)" 861230040000001,861230040000019 "expect: IMEIs"
has "$(ev report-healthy devices-silent never_seen_by_carrier)" "carrierC: 2 of 2 never seen"
has "$(ev report-healthy devices-silent never_seen_by_model)" "GT06N: 2 of 5 never seen"
printf '356307042441005,FMB920,carrierA,99999\n' >"$TMP/bad.csv"
expect_rc 1 "$TD" report -r "$C/report-healthy.pcap" --expect "$TMP/bad.csv"
has "$ERR" "line 1: port '99999' is not 1..65535"
expect_rc 1 "$TD" report -r "$C/report-healthy.pcap" --expect "$TMP/none.csv"
has "$ERR" "cannot read --expect file"

# formats and options
expect_rc 0 "$TD" report -r "$C/report-port-closed.pcap"
has "$OUT" "^critical port-closed: Port 5027 refuses connections: 9 SYNs"
has "$OUT" "action: Nothing accepts connections on port 5027"
expect_rc 0 "$TD" report -r "$C/report-port-closed.pcap" --format markdown
has "$OUT" '^# trackdump report'
has "$OUT" '^### critical `port-closed`'
has "$OUT" '^| 5027 | - | 0 | 0 | 9 | 0 | 0 | 0 | 0 |$'
expect_rc 0 "$TD" report -r "$C/report-healthy.pcap" -o "$TMP/r.txt"
eq "$OUT" "" "-o: nothing on stdout"
has "$(cat "$TMP/r.txt")" "no problem found"
expect_rc 2 "$TD" report -r "$C/report-healthy.pcap" --format xml
has "$ERR" "--format is text, markdown or json"
expect_rc 2 "$TD" report -r "$C/report-healthy.pcap" -G 5
has "$ERR" "-G limits a live capture"
expect_rc 0 "$TD" report --help
has "$OUT" "--expect FILE"

done_tests report
