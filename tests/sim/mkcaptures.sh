#!/bin/sh
# mkcaptures.sh: regenerates the bundled captures in captures/ by running the
# tracker simulator (tests/sim/trksim.c) under tcpdump on the loopback interface.
#
# Usage (as root):  tests/sim/mkcaptures.sh [--only NAME[,NAME...]]... [TRKSIM]
#   TRKSIM  a built simulator; default: compile tests/sim/trksim.c into a temp dir.
#   --only  build only these captures and leave every other file alone.  NAMEs:
#           demo midstream lost-segment any udp ipv6 split rst, proto-<protocol>
#           for each protocol of `trksim --list-protocols` besides teltonika and
#           gt06 (2 devices, 4 messages each, on its own port), and the groups
#           'base' (the first eight) and 'proto' (every proto-<protocol>),
#           report-<scenario> (below) and the group 'report' (all of them).
#           Without --only everything is built.
# Needs tcpdump, tshark and editcap; the report captures also need ip
# (iproute2) and report-port-unanswered nft (nftables).  Writes
# captures/<name>.pcap and captures/<name>.manifest (the simulator's list of
# messages sent, plus '# capture:' comments describing what the capture holds).
# Re-runnable; every tcpdump it starts is stopped and every network namespace it
# creates is deleted before it exits.
#
# Report captures: one fault each, for `trackdump report` ("why are my devices
# offline").  Each runs in its own network namespace (ip netns; lo is its only
# interface, so no other traffic of the host gets in), lasts a few seconds, and
# uses 250 ms between a device's messages.  IMEIs: teltonika 356307042441005,
# ...013, ...021 (device 0, 1, 2), gt06 358608010000006, ...014, ...022, ...030,
# ...048, ...055.
#   report-healthy          3 teltonika + 3 gt06, logins, 8 messages each, all
#                           answered, correct times, FIN closes: nothing wrong
#   report-port-closed      nothing listens on 5027: each of 3 teltonika devices
#                           tries 3 times, 300 ms apart, every SYN gets an RST;
#                           3 gt06 on 5023 healthy
#   report-port-unanswered  an nftables rule in the namespace drops every packet
#                           to 5027: 3 attempts per teltonika device, each given
#                           up after 1.5 s (the kernel retransmits the SYN once,
#                           at 1 s); 3 gt06 healthy
#   report-clock-skew       every device timestamp 10800 s (3 h) behind the
#                           capture time (the server clock is 3 h fast)
#   report-gps-rollover     2 teltonika + 2 gt06 healthy, but gt06 device 1 dates
#                           its fixes 1024 weeks (619315200 s) back
#   report-carrier-silent   6 gt06: 3 from 127.0.1.10-12, 3 from 127.0.2.10-12;
#                           the 127.0.1.x devices send 3 messages and then
#                           nothing, their connections staying open to the end
#                           of the capture (no FIN: the carrier's network went
#                           away, as seen from the server); the others send 14
#   report-model-silent     3 teltonika + 3 gt06 from 127.0.0.1: every gt06
#                           sends 3 messages and closes its connection (FIN),
#                           the teltonika devices send 14
#   report-bad-firmware     teltonika device 1 also sends 3 AVL packets with the
#                           unknown codec 0x77 (length and CRC valid; the server
#                           answers 0 records), gt06 device 1 also sends 3
#                           locations with a wrong CRC (the server drops them
#                           unanswered); the other two devices healthy
#   report-rejects          the server answers 0x00 to the login of teltonika
#                           devices 0 and 1 and closes; they retry 3 times,
#                           300 ms apart; device 2 accepted and healthy
#   report-no-ack           the server accepts the teltonika logins but never
#                           answers their AVL packets: each device resends its
#                           packet after 1 s, twice, then closes and reconnects
#                           (3 connections per device); 3 gt06 healthy
# Besides '# capture:' lines each report manifest has '# expect: KIND key=value...'
# lines, the ground truth a report must find: KIND is healthy, port-closed,
# port-unanswered, clock-skew, gps-rollover, silent-network, active-network,
# silent-model, active-model, unsupported, malformed, login-rejected, unacked;
# lists are comma-separated, times in seconds or ms as the key says.  The
# simulator's own '# scenario', '# attempt', '# outcome', '# bad', '# resend',
# '# mute', '# muted' and '# server:' comments record what it did.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/captures
TMP=$(mktemp -d /tmp/mkcaptures.XXXXXX)
TD=""
NS=""      # the report captures' network namespace
NSX=""     # its command prefix (ip netns exec NS), empty for the other captures

cleanup() {
    if [ -n "$TD" ] && kill -0 "$TD" 2>/dev/null; then
        kill -INT "$TD" 2>/dev/null || true
        wait "$TD" 2>/dev/null || true
    fi
    [ -z "$NS" ] || ip netns del "$NS" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "mkcaptures: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (tcpdump on lo)"
for t in tcpdump tshark editcap; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found"
done

ONLY=""
while [ $# -ge 1 ]; do
    case $1 in
    --only) [ $# -ge 2 ] || die "--only needs a list of names"; ONLY="$ONLY $(echo "$2" | tr ',' ' ')"; shift 2 ;;
    --only=*) ONLY="$ONLY $(echo "${1#--only=}" | tr ',' ' ')"; shift ;;
    -*) die "unknown option $1" ;;
    *) break ;;
    esac
done
BASE="demo midstream lost-segment any udp ipv6 split rst"
REPORT="report-healthy report-port-closed report-port-unanswered report-clock-skew report-gps-rollover"
REPORT="$REPORT report-carrier-silent report-model-silent report-bad-firmware report-rejects report-no-ack"

if [ $# -ge 1 ]; then
    SIM=$1
else
    SIM=$TMP/trksim
    ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -O2 -o "$SIM" "$ROOT/tests/sim/trksim.c" -lm
fi
[ -x "$SIM" ] || die "no simulator at $SIM"
"$SIM" --self-test >/dev/null || die "simulator self-test failed"
mkdir -p "$OUT"

# protocols with a proto-<name> capture: "name port transport" lines
"$SIM" --list-protocols | grep -v -e '^teltonika ' -e '^gt06 ' >"$TMP/protocols" || die "--list-protocols failed"
PROTO=$(awk '{ printf "proto-%s ", $1 }' "$TMP/protocols")
if [ -z "$ONLY" ]; then
    ONLY="$BASE $PROTO $REPORT"
fi
SEL=""
for n in $ONLY; do
    case $n in
    base) SEL="$SEL $BASE" ;;
    proto) SEL="$SEL $PROTO" ;;
    report) SEL="$SEL $REPORT" ;;
    *)
        case " $BASE $PROTO $REPORT " in
        *" $n "*) SEL="$SEL $n" ;;
        *) die "unknown capture name '$n' (known: $BASE $PROTO $REPORT base proto report)" ;;
        esac
        ;;
    esac
done
# want NAME: is NAME selected?
want() { case " $SEL " in *" $1 "*) return 0 ;; esac; return 1; }

# the report captures' own prerequisites
case " $SEL " in *" report-"*)
    command -v ip >/dev/null 2>&1 || die "ip not found (Debian package iproute2): the report captures run in a network namespace"
    ;;
esac
if want report-port-unanswered; then
    command -v nft >/dev/null 2>&1 ||
        die "nft not found: report-port-unanswered drops SYNs with an nftables rule (Debian: apt-get install -y nftables)"
fi

TCPF='tcp port 5027 or tcp port 5023'

# start_capture NAME IFACE FILTER: tcpdump in the background, returns once it listens
start_capture() {
    rm -f "$TMP/$1.pcap"
    # a 32 MB buffer: with snaplen 262144 in immediate mode the default 2 MB ring
    # holds only 8 packets, and `-i any` then drops some on a loopback burst
    $NSX tcpdump -i "$2" -s 262144 -B 32768 --immediate-mode -U -Z root -w "$TMP/$1.pcap" "$3" \
        2>"$TMP/$1.err" &
    TD=$!
    n=0
    until grep -q 'listening on' "$TMP/$1.err" 2>/dev/null; do
        n=$((n + 1))
        [ $n -le 50 ] || die "tcpdump did not start: $(cat "$TMP/$1.err")"
        kill -0 "$TD" 2>/dev/null || die "tcpdump exited: $(cat "$TMP/$1.err")"
        sleep 0.1
    done
    sleep 0.3
}

# stop_capture NAME: let the last packets arrive, stop tcpdump, install the file
stop_capture() {
    sleep 0.5
    kill -INT "$TD"
    wait "$TD" || true
    TD=""
    [ -s "$TMP/$1.pcap" ] || die "$1: empty capture"
    grep -q '^0 packets dropped by kernel' "$TMP/$1.err" || die "$1: tcpdump dropped packets: $(cat "$TMP/$1.err")"
    cp "$TMP/$1.pcap" "$OUT/$1.pcap"
}

# sim NAME ARGS...: run the simulator with a manifest for NAME
sim() {
    name=$1
    shift
    $NSX "$SIM" --quiet --manifest "$OUT/$name.manifest" "$@" || die "$name: simulator failed"
}

describe() { echo "# capture: $2" >>"$OUT/$1.manifest"; }

count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l | tr -d ' '; }

# capture NAME IFACE FILTER SIMARGS...: the common case
capture() {
    name=$1 iface=$2 filter=$3
    shift 3
    start_capture "$name" "$iface" "$filter"
    sim "$name" "$@"
    stop_capture "$name"
}

if want demo; then
    echo "mkcaptures: demo" >&2
    capture demo lo "$TCPF" --seed 1 --messages 4
    describe demo "normal traffic on lo, 2 teltonika (codec 8) + 2 gt06 devices, handshakes, logins, 4 messages each, FIN closes"
fi

if want midstream; then
    echo "mkcaptures: midstream" >&2
    # logins and 3 messages per device, a 3 s pause during which tcpdump starts, then 5 more
    "$SIM" --quiet --manifest "$OUT/midstream.manifest" --seed 2 --messages 8 \
        --pause-after 3 --pause-ms 3000 --hold-ms 200 &
    SIMPID=$!
    sleep 0.8
    start_capture midstream lo "$TCPF"
    wait $SIMPID || die "midstream: simulator failed"
    stop_capture midstream
    [ "$(count "$OUT/midstream.pcap" 'tcp.flags.syn==1')" = 0 ] || die "midstream: capture started too early (SYN seen)"
    describe midstream "started during the pause: no handshakes, no logins; only the lines after '# pause' are in the capture"
fi

if want lost-segment; then
    echo "mkcaptures: lost-segment" >&2
    start_capture lost-segment lo "$TCPF"
    sim lost-segment --seed 3 --messages 6 --split
    stop_capture lost-segment
    # Drop one device->server data segment from the middle of the first connection
    # of each protocol.  Only a segment whose bytes appear in no other frame will do:
    # with the receiver in delayed-ACK mode the sender's tail loss probe retransmits
    # the last segment of a burst, and removing one of those would leave no hole.
    drop=""
    for port in 5027 5023; do
        stream=$(tshark -r "$OUT/lost-segment.pcap" -Y "tcp.dstport==$port && tcp.flags.syn==1 && tcp.flags.ack==0" \
            -T fields -e tcp.stream 2>/dev/null | head -n 1)
        tshark -r "$OUT/lost-segment.pcap" -Y "tcp.len>0 && tcp.dstport==$port && tcp.stream==$stream" \
            -T fields -e frame.number -e tcp.seq -e tcp.len 2>/dev/null >"$TMP/segs"
        # frames whose sequence number occurs once, without the first (login) and the last
        awk 'NR == FNR { n[$2]++; last = FNR; next } FNR > 1 && FNR < last && n[$2] == 1' \
            "$TMP/segs" "$TMP/segs" >"$TMP/unique"
        total=$(wc -l <"$TMP/unique" | tr -d ' ')
        [ "$total" -ge 3 ] || die "lost-segment: only $total candidate segments to port $port"
        set -- $(sed -n "$((total / 2 + 1))p" "$TMP/unique")
        cport=$(tshark -r "$OUT/lost-segment.pcap" -Y "frame.number==$1" -T fields -e tcp.srcport 2>/dev/null)
        describe lost-segment "removed frame $1 of the original capture: client port $cport -> $port, relative seq $2, $3 bytes; the server had acknowledged it"
        drop="$drop $1"
    done
    # shellcheck disable=SC2086
    editcap -F pcap "$OUT/lost-segment.pcap" "$TMP/lost.pcap" $drop
    cp "$TMP/lost.pcap" "$OUT/lost-segment.pcap"
    describe lost-segment "one up message on the first teltonika and on the first gt06 connection is damaged (a hole inside it); --split: every message in 2-4 segments"
fi

if want any; then
    echo "mkcaptures: any" >&2
    capture any any "$TCPF" --seed 4 --messages 4 --codec 8e
    describe any "tcpdump -i any (LINUX_SLL2 link type), teltonika codec 8E"
fi

if want udp; then
    echo "mkcaptures: udp" >&2
    capture udp lo "udp port 5027 or tcp port 5023" --seed 5 --messages 4 --udp --codec mix
    describe udp "teltonika over UDP (codecs 8, 8E, 16 in turn; IMEI in every datagram, 7-byte ACKs) + gt06 over TCP"
fi

if want ipv6; then
    echo "mkcaptures: ipv6" >&2
    capture ipv6 lo "$TCPF" --seed 6 --messages 4 --ipv6 --codec 16
    describe ipv6 "the demo traffic over ::1, teltonika codec 16"
fi

if want split; then
    echo "mkcaptures: split" >&2
    capture split lo "$TCPF" --seed 7 --messages 6 --split --coalesce --codec mix
    describe split "--split --coalesce: pairs of messages written together, cut into 2-4 segments at random points"
fi

if want rst; then
    echo "mkcaptures: rst" >&2
    capture rst lo "$TCPF" --seed 8 --messages 4 --rst
    describe rst "the last gt06 device's connection ends with an RST (SO_LINGER 0), the others with FIN"
    [ "$(count "$OUT/rst.pcap" 'tcp.flags.reset==1')" -ge 1 ] || die "rst: no RST in the capture"
fi

# proto-<name>: 2 devices of one protocol, 4 messages each, on its default port
seed=20
# (read on fd 3: tcpdump, tshark and the simulator must not eat the list)
while read -r proto port transport <&3; do
    seed=$((seed + 1))
    want "proto-$proto" || continue
    echo "mkcaptures: proto-$proto" >&2
    capture "proto-$proto" lo "$transport port $port" --seed $seed --teltonika 0 --gt06 0 --proto "$proto=2" --messages 4
    describe "proto-$proto" "2 $proto devices over $transport on lo port $port, their logins (if the protocol has one), 4 messages each and the server's answers$([ "$transport" = tcp ] && echo '; FIN closes')"
    # one conversation per device
    convs=$(tshark -r "$OUT/proto-$proto.pcap" -q -z "conv,$transport" 2>/dev/null | grep -c ' <-> ')
    [ "$convs" = 2 ] || die "proto-$proto: $convs $transport conversations, wanted 2"
    grep -q '^# result ok$' "$OUT/proto-$proto.manifest" || die "proto-$proto: simulator result not ok"
done 3<"$TMP/protocols"

# ---------------------------------------------------------------- report captures
# Each in a fresh network namespace whose lo is up; nothing of the host gets in.
ns_up() {
    NS=mkcaptures-$$
    ip netns add "$NS" || die "ip netns add $NS failed"
    NSX="ip netns exec $NS"
    ip -n "$NS" link set lo up || die "cannot bring up lo in $NS"
}
ns_down() {
    ip netns del "$NS" || die "ip netns del $NS failed"
    NS="" NSX=""
}

expect() { echo "# expect: $2" >>"$OUT/$1.manifest"; }
# check NAME WHAT GOT WANT: stop unless GOT = WANT
check() { [ "$3" = "$4" ] || die "$1: $2: $3, wanted $4"; }
# imeis NAME PROTO: the IMEIs with a login of PROTO in the manifest, comma-separated
imeis() {
    awk -v p="$2" '$1 == "up" && $2 == p && $4 == "login" { print $3 }' "$OUT/$1.manifest" | sort -u | paste -sd, -
}
# outcomes NAME PROTO KIND: the IMEIs of the simulator's '# outcome PROTO IMEI KIND:' lines
outcomes() {
    awk -v p="$2" -v k="$3:" '$2 == "outcome" && $3 == p && $5 == k { print $4 }' "$OUT/$1.manifest" | sort -u | paste -sd, -
}
# ups NAME IMEI [TYPE]: up messages of the device, of TYPE or all but logins
ups() {
    awk -v i="$2" -v t="${3:-}" '$1 == "up" && $3 == i && (t == "" ? $4 != "login" : $4 == t)' \
        "$OUT/$1.manifest" | wc -l | tr -d ' '
}
# per_imei NAME IMEIS N [TYPE]: every device of the list sent N such up messages
per_imei() {
    for i in $(echo "$2" | tr ',' ' '); do check "$1" "$i ${4:-} messages" "$(ups "$1" "$i" "${4:-}")" "$3"; done
}
# report_ok NAME: the simulator carried out the plan
report_ok() { grep -q '^# result ok$' "$OUT/$1.manifest" || die "$1: simulator result not ok"; }
# syns FILE PORT: client SYNs to PORT (retransmissions included); synacks, rsts: the server's
syns() { count "$1" "tcp.dstport==$2 && tcp.flags.syn==1 && tcp.flags.ack==0"; }
synacks() { count "$1" "tcp.srcport==$2 && tcp.flags.syn==1 && tcp.flags.ack==1"; }
rsts() { count "$1" "tcp.srcport==$2 && tcp.flags.reset==1"; }
# fins FILE PORT: FINs of the clients of PORT
fins() { count "$1" "tcp.dstport==$2 && tcp.flags.fin==1"; }
# report NAME SIMARGS...: the common case
report() {
    name=$1
    shift
    echo "mkcaptures: $name" >&2
    ns_up
    capture "$name" lo "$TCPF" "$@"
    ns_down
    report_ok "$name"
}
RI=250     # ms between a device's messages

if want report-healthy; then
    report report-healthy --seed 101 --teltonika 3 --gt06 3 --messages 8 --interval-ms $RI
    f=$OUT/report-healthy.pcap
    tel=$(imeis report-healthy teltonika) gt=$(imeis report-healthy gt06)
    per_imei report-healthy "$tel,$gt" 8
    check report-healthy "SYNs to 5027" "$(syns "$f" 5027)" 3
    check report-healthy "SYNs to 5023" "$(syns "$f" 5023)" 3
    check report-healthy "RSTs" "$(count "$f" 'tcp.flags.reset==1')" 0
    check report-healthy "client FINs" "$(($(fins "$f" 5027) + $(fins "$f" 5023)))" 6
    describe report-healthy "3 teltonika (codec 8) + 3 gt06 devices from 127.0.0.1, handshakes, logins, 8 messages each (gt06: 6 locations + 2 heartbeats), every message answered, fix times 0.3-2.3 s (teltonika) / 1-2 s (gt06: whole seconds) before their packet, FIN closes: nothing wrong"
    expect report-healthy "healthy devices=6 teltonika=$tel gt06=$gt messages_per_device=8 interval_ms=$RI unanswered=0 rejected=0 malformed=0 unsupported=0 rst=0 time_offset=0"
fi

if want report-port-closed; then
    report report-port-closed --seed 102 --teltonika 3 --gt06 3 --messages 8 --interval-ms $RI \
        --no-server teltonika --attempts 3 --retry-ms 300 --connect-timeout-ms 1500
    f=$OUT/report-port-closed.pcap
    tel=$(outcomes report-port-closed teltonika unreachable) gt=$(imeis report-port-closed gt06)
    check report-port-closed "unreachable devices" "$(echo "$tel" | tr ',' '\n' | wc -l | tr -d ' ')" 3
    check report-port-closed "refused attempts" "$(grep -c '^# attempt teltonika .*: connect: Connection refused$' "$OUT/report-port-closed.manifest")" 9
    check report-port-closed "SYNs to 5027" "$(syns "$f" 5027)" 9
    check report-port-closed "RSTs from 5027" "$(rsts "$f" 5027)" 9
    check report-port-closed "SYN-ACKs from 5027" "$(synacks "$f" 5027)" 0
    check report-port-closed "client ports of 5027" "$(tshark -r "$f" -Y 'tcp.dstport==5027' -T fields -e tcp.srcport 2>/dev/null | sort -u | wc -l | tr -d ' ')" 9
    check report-port-closed "teltonika messages" "$(grep -c '^up teltonika' "$OUT/report-port-closed.manifest" || true)" 0
    per_imei report-port-closed "$gt" 8
    describe report-port-closed "nothing listens on 127.0.0.1:5027: 3 teltonika devices ($tel, never seen in the capture: no login gets through) try 3 times each, 300 ms apart; each of the 9 SYNs (9 client ports) is answered by an RST-ACK; 3 gt06 devices on 5023 healthy (logins, 8 messages each, all answered)"
    expect report-port-closed "port-closed port=5027 server=127.0.0.1 clients=127.0.0.1 syn=9 rst=9 synack=0 connections=9 attempts_per_device=3 retry_ms=300 devices=$tel"
    expect report-port-closed "healthy port=5023 devices=$gt messages_per_device=8"
fi

if want report-port-unanswered; then
    echo "mkcaptures: report-port-unanswered" >&2
    ns_up
    # dropped on input: tcpdump on lo still sees each SYN leave, nothing answers it
    $NSX nft -f - <<'NFT' || die "report-port-unanswered: nft failed"
table inet mkcaptures {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 5027 drop
    }
}
NFT
    # 32 gt06 messages (8 s): the capture goes on > 3 s after the last SYN
    capture report-port-unanswered lo "$TCPF" --seed 103 --teltonika 3 --gt06 3 --messages 32 --interval-ms $RI \
        --no-server teltonika --attempts 3 --retry-ms 300 --connect-timeout-ms 1500
    ns_down
    report_ok report-port-unanswered
    f=$OUT/report-port-unanswered.pcap
    tel=$(outcomes report-port-unanswered teltonika unreachable) gt=$(imeis report-port-unanswered gt06)
    check report-port-unanswered "timed-out attempts" "$(grep -c '^# attempt teltonika .*: connect: no answer in 1500 ms$' "$OUT/report-port-unanswered.manifest")" 9
    check report-port-unanswered "SYNs to 5027" "$(syns "$f" 5027)" 18
    check report-port-unanswered "retransmitted SYNs to 5027" "$(count "$f" 'tcp.dstport==5027 && tcp.flags.syn==1 && tcp.analysis.retransmission')" 9
    check report-port-unanswered "packets from 5027" "$(count "$f" 'tcp.srcport==5027')" 0
    check report-port-unanswered "client ports of 5027" "$(tshark -r "$f" -Y 'tcp.dstport==5027' -T fields -e tcp.srcport 2>/dev/null | sort -u | wc -l | tr -d ' ')" 9
    per_imei report-port-unanswered "$gt" 32
    lastsyn=$(tshark -r "$f" -Y 'tcp.dstport==5027' -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    end=$(tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    gap=$(awk -v a="$lastsyn" -v b="$end" 'BEGIN { printf "%d", (b - a) * 1000 }')
    [ "$gap" -gt 3000 ] || die "report-port-unanswered: the capture ends $gap ms after the last SYN, wanted > 3000"
    describe report-port-unanswered "every packet to 127.0.0.1:5027 is dropped (nftables input rule in the capture's namespace; nothing listens there either): 3 teltonika devices ($tel, never seen: no login gets through) try 3 times each, give each attempt up after 1.5 s and wait 300 ms; each attempt is a SYN and the kernel's retransmission 1 s later: 18 SYNs from 9 client ports, no SYN-ACK, no RST; the last SYN is $gap ms before the end of the capture; 3 gt06 devices on 5023 healthy (32 messages each, $RI ms apart)"
    expect report-port-unanswered "port-unanswered port=5027 server=127.0.0.1 clients=127.0.0.1 syn=18 syn_retransmissions=9 connections=9 synack=0 rst=0 attempts_per_device=3 connect_timeout_ms=1500 devices=$tel"
    expect report-port-unanswered "healthy port=5023 devices=$gt messages_per_device=32"
fi

if want report-clock-skew; then
    report report-clock-skew --seed 104 --teltonika 3 --gt06 3 --messages 8 --interval-ms $RI --time-offset -10800
    tel=$(imeis report-clock-skew teltonika) gt=$(imeis report-clock-skew gt06)
    per_imei report-clock-skew "$tel,$gt" 8
    describe report-clock-skew "the server clock is 3 h fast, as seen from the devices: every fix time of all 6 devices (3 teltonika, 3 gt06) is 10800 s behind its packet's capture time (plus the usual age: 0.3-2.3 s teltonika, 1-2 s gt06); every message answered"
    expect report-clock-skew "clock-skew offset_s=-10800 devices=$tel,$gt"
fi

if want report-gps-rollover; then
    report report-gps-rollover --seed 105 --teltonika 2 --gt06 2 --messages 8 --interval-ms $RI \
        --device-time-offset gt06:1=-619315200
    tel=$(imeis report-gps-rollover teltonika) gt=$(imeis report-gps-rollover gt06)
    roll=358608010000014
    case ",$gt," in *",$roll,"*) ;; *) die "report-gps-rollover: no device $roll" ;; esac
    ok=$(echo "$tel,$gt" | tr ',' '\n' | grep -v "^$roll\$" | paste -sd, -)
    per_imei report-gps-rollover "$tel,$gt" 8
    describe report-gps-rollover "2 teltonika + 2 gt06 devices, all answered; gt06 $roll dates its fixes exactly 1024 GPS weeks (619315200 s, 7168 days) before their packets (the GPS week-number rollover; plus the usual 1-2 s of age); the others' times are right"
    expect report-gps-rollover "gps-rollover offset_s=-619315200 weeks=1024 devices=$roll"
    expect report-gps-rollover "healthy devices=$ok time_offset=0"
fi

if want report-carrier-silent; then
    echo "mkcaptures: report-carrier-silent" >&2
    ns_up
    rm -f "$OUT/report-carrier-silent.manifest"     # the wait below reads the new one
    start_capture report-carrier-silent lo "$TCPF"
    # the muted connections are closed --mute-hold-ms after the others are done:
    # the capture stops before that, so they end open
    $NSX "$SIM" --quiet --manifest "$OUT/report-carrier-silent.manifest" --seed 106 --teltonika 0 --gt06 6 \
        --messages 14 --interval-ms $RI --source gt06:0=127.0.1.10 --source gt06:1=127.0.1.11 \
        --source gt06:2=127.0.1.12 --source gt06:3=127.0.2.10 --source gt06:4=127.0.2.11 \
        --source gt06:5=127.0.2.12 --mute-after gt06:0,gt06:1,gt06:2=3 --mute-hold-ms 3000 &
    SIMPID=$!
    n=0
    until grep -q '^# muted: ' "$OUT/report-carrier-silent.manifest" 2>/dev/null; do
        n=$((n + 1))
        [ $n -le 200 ] || die "report-carrier-silent: the simulator never muted"
        kill -0 $SIMPID 2>/dev/null || die "report-carrier-silent: simulator exited early"
        sleep 0.1
    done
    stop_capture report-carrier-silent
    wait $SIMPID || die "report-carrier-silent: simulator failed"
    ns_down
    report_ok report-carrier-silent
    f=$OUT/report-carrier-silent.pcap
    silent=$(grep '^# mute gt06 ' "$OUT/report-carrier-silent.manifest" | awk '{ print $4 }' | sort | paste -sd, -)
    active=$(imeis report-carrier-silent gt06 | tr ',' '\n' | grep -v -x -F "$(echo "$silent" | tr ',' '\n')" | paste -sd, -)
    per_imei report-carrier-silent "$silent" 3
    per_imei report-carrier-silent "$active" 14
    check report-carrier-silent "SYNs from 127.0.1.0/24" "$(count "$f" 'ip.src==127.0.1.0/24 && tcp.flags.syn==1')" 3
    check report-carrier-silent "SYNs from 127.0.2.0/24" "$(count "$f" 'ip.src==127.0.2.0/24 && tcp.flags.syn==1')" 3
    check report-carrier-silent "FIN/RST on 127.0.1.0/24 connections" "$(count "$f" 'ip.addr==127.0.1.0/24 && (tcp.flags.fin==1 || tcp.flags.reset==1)')" 0
    check report-carrier-silent "FINs from 127.0.2.0/24" "$(count "$f" 'ip.src==127.0.2.0/24 && tcp.flags.fin==1')" 3
    # silence: from the 127.0.1.x devices' last data to the end of the capture
    last1=$(tshark -r "$f" -Y 'ip.src==127.0.1.0/24 && tcp.len>0' -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    last2=$(tshark -r "$f" -Y 'ip.src==127.0.2.0/24 && tcp.len>0' -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    end=$(tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    gap=$(awk -v a="$last1" -v b="$end" 'BEGIN { printf "%d", (b - a) * 1000 }')
    gap2=$(awk -v a="$last1" -v b="$last2" 'BEGIN { printf "%d", (b - a) * 1000 }')
    [ "$gap" -gt $((3 * RI)) ] || die "report-carrier-silent: silence of $gap ms, wanted > $((3 * RI))"
    describe report-carrier-silent "6 gt06 devices to 127.0.0.1:5023; carrier A = 127.0.1.10, .11, .12 ($silent), carrier B = 127.0.2.10, .11, .12 ($active); carrier A's devices log in, send 3 messages (all answered) and then nothing: their connections stay open to the end of the capture (no FIN, no RST); carrier B's devices send 14 messages each, $RI ms apart, and close with FIN; carrier A's last data is $gap2 ms before carrier B's and $gap ms before the end of the capture"
    expect report-carrier-silent "silent-network net=127.0.1.0/24 sources=127.0.1.10,127.0.1.11,127.0.1.12 devices=$silent messages_per_device=3 interval_ms=$RI connections=open silent_ms=$gap"
    expect report-carrier-silent "active-network net=127.0.2.0/24 sources=127.0.2.10,127.0.2.11,127.0.2.12 devices=$active messages_per_device=14 interval_ms=$RI"
fi

if want report-model-silent; then
    report report-model-silent --seed 107 --teltonika 3 --gt06 3 --messages 14 --interval-ms $RI --stop-after gt06=3
    f=$OUT/report-model-silent.pcap
    tel=$(imeis report-model-silent teltonika) gt=$(imeis report-model-silent gt06)
    per_imei report-model-silent "$gt" 3
    per_imei report-model-silent "$tel" 14
    check report-model-silent "FINs from gt06 clients" "$(fins "$f" 5023)" 3
    check report-model-silent "RSTs" "$(count "$f" 'tcp.flags.reset==1')" 0
    # the gt06 devices' FINs lie within a few ms of each other
    spread=$(tshark -r "$f" -Y 'tcp.dstport==5023 && tcp.flags.fin==1' -T fields -e frame.time_epoch 2>/dev/null |
        awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d", (hi - lo) * 1000 }')
    [ "$spread" -le 100 ] || die "report-model-silent: gt06 FINs spread over $spread ms"
    last1=$(tshark -r "$f" -Y 'tcp.dstport==5023 && tcp.len>0' -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    end=$(tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
    gap=$(awk -v a="$last1" -v b="$end" 'BEGIN { printf "%d", (b - a) * 1000 }')
    describe report-model-silent "3 teltonika + 3 gt06 devices, all from 127.0.0.1: every gt06 device logs in, sends 3 messages (all answered) and closes its connection with FIN (the 3 FINs within $spread ms); the teltonika devices send 14 messages each, $RI ms apart; the gt06 devices' last data is $gap ms before the end of the capture"
    expect report-model-silent "silent-model proto=gt06 devices=$gt messages_per_device=3 interval_ms=$RI connections=closed-fin silent_ms=$gap"
    expect report-model-silent "active-model proto=teltonika devices=$tel messages_per_device=14 interval_ms=$RI"
fi

if want report-bad-firmware; then
    report report-bad-firmware --seed 108 --teltonika 2 --gt06 2 --messages 8 --interval-ms $RI \
        --unknown-codec teltonika:1=3 --bad-crc gt06:1=3
    m=$OUT/report-bad-firmware.manifest
    ut=$(grep '^# outcome teltonika .* bad: 3 ' "$m" | awk '{ print $4 }')
    bg=$(grep '^# outcome gt06 .* bad: 3 ' "$m" | awk '{ print $4 }')
    check report-bad-firmware "unknown-codec device" "$ut" 356307042441013
    check report-bad-firmware "bad-CRC device" "$bg" 358608010000014
    check report-bad-firmware "codec 0x77 packets" "$(ups report-bad-firmware "$ut" unknown)" 3
    check report-bad-firmware "0-record answers" "$(grep -c "^# server: teltonika $ut codec 0x77 unknown, answered 0 records\$" "$m")" 3
    check report-bad-firmware "dropped bad CRCs" "$(grep -c "^# server: gt06 $bg .*: CRC wrong, dropped unanswered\$" "$m")" 3
    per_imei report-bad-firmware "$ut,$bg" 11
    ok=$(echo "$(imeis report-bad-firmware teltonika),$(imeis report-bad-firmware gt06)" | tr ',' '\n' | grep -v -x -e "$ut" -e "$bg" | paste -sd, -)
    per_imei report-bad-firmware "$ok" 8
    describe report-bad-firmware "2 teltonika + 2 gt06 devices, 8 good messages each; teltonika $ut also sends 3 AVL packets with codec id 0x77 (a codec 8 record under an unknown id; length and CRC-16 valid), after its 2nd, 3rd and 4th good message: the server answers each with 00000000 (0 records accepted); gt06 $bg also sends 3 location packets (0x22) whose CRC-16/X-25 is off by one bit: the server drops them without an answer; every other message answered"
    expect report-bad-firmware "unsupported proto=teltonika device=$ut codec=0x77 count=3 answer=0-records"
    expect report-bad-firmware "malformed proto=gt06 device=$bg problem=crc type=position protocol=0x22 count=3 answer=none"
    expect report-bad-firmware "healthy devices=$ok messages_per_device=8"
fi

if want report-rejects; then
    report report-rejects --seed 109 --teltonika 3 --gt06 0 --messages 8 --interval-ms $RI \
        --reject-imei teltonika:0,teltonika:1 --attempts 3 --retry-ms 300
    f=$OUT/report-rejects.pcap
    rej=$(outcomes report-rejects teltonika rejected)
    acc=$(imeis report-rejects teltonika | tr ',' '\n' | grep -v -x -F "$(echo "$rej" | tr ',' '\n')" | paste -sd, -)
    check report-rejects "rejected devices" "$rej" 356307042441005,356307042441013
    check report-rejects "rejected logins" "$(grep -c '^# server: teltonika .* login rejected (0x00), connection closed$' "$OUT/report-rejects.manifest")" 6
    for i in $(echo "$rej" | tr ',' ' '); do
        check report-rejects "$i logins" "$(ups report-rejects "$i" login)" 3
        check report-rejects "$i messages" "$(ups report-rejects "$i")" 0
    done
    per_imei report-rejects "$acc" 8
    check report-rejects "SYNs to 5027" "$(syns "$f" 5027)" 7
    check report-rejects "0x00 answers" "$(count "$f" 'tcp.srcport==5027 && tcp.len==1 && tcp.payload==00')" 6
    check report-rejects "server FINs" "$(count "$f" 'tcp.srcport==5027 && tcp.flags.fin==1')" 7
    describe report-rejects "3 teltonika devices; the server answers the IMEI login of $rej with 0x00 and closes the connection (FIN) at once; each of them reconnects 300 ms later, 3 attempts in all (3 logins, 3 rejections, 3 connections each); $acc is accepted (0x01) and sends 8 messages, all answered"
    expect report-rejects "login-rejected proto=teltonika port=5027 devices=$rej attempts_per_device=3 rejects=6 answer=0x00 closed_by=server retry_ms=300"
    expect report-rejects "healthy devices=$acc messages_per_device=8"
fi

if want report-no-ack; then
    # 40 gt06 messages (10 s) keep the healthy devices busy as long as the teltonika retries last
    report report-no-ack --seed 110 --teltonika 3 --gt06 3 --messages 40 --interval-ms $RI \
        --no-ack teltonika --attempts 3 --ack-timeout-ms 1000 --resends 2 --retry-ms 300
    f=$OUT/report-no-ack.pcap
    tel=$(outcomes report-no-ack teltonika unacked) gt=$(imeis report-no-ack gt06)
    check report-no-ack "unanswered devices" "$tel" "$(imeis report-no-ack teltonika)"
    for i in $(echo "$tel" | tr ',' ' '); do
        check report-no-ack "$i logins" "$(ups report-no-ack "$i" login)" 3
        check report-no-ack "$i AVL packets" "$(ups report-no-ack "$i" position)" 9
    done
    check report-no-ack "unanswered AVL packets" "$(grep -c '^# server: teltonika .* not answered$' "$OUT/report-no-ack.manifest")" 27
    check report-no-ack "SYNs to 5027" "$(syns "$f" 5027)" 9
    check report-no-ack "teltonika client FINs" "$(fins "$f" 5027)" 9
    check report-no-ack "server data on 5027 besides login answers" "$(count "$f" 'tcp.srcport==5027 && tcp.len>0 && !(tcp.len==1 && tcp.payload==01)')" 0
    check report-no-ack "login answers" "$(count "$f" 'tcp.srcport==5027 && tcp.len==1 && tcp.payload==01')" 9
    per_imei report-no-ack "$gt" 40
    describe report-no-ack "3 teltonika + 3 gt06 devices; the server accepts every teltonika login (0x01) but never answers an AVL packet: each teltonika device sends its first AVL packet, resends the same bytes after 1 s and again after 2 s, closes (FIN) 1 s later and reconnects 300 ms after that, logs in again and sends the same packet again; 3 connections per device, 9 sends of one packet each; 3 gt06 devices healthy, sending 40 messages over the same 10 s"
    expect report-no-ack "unacked proto=teltonika port=5027 devices=$tel logins_accepted=9 connections=9 connections_per_device=3 sends_per_device=9 unanswered=27 resend_after_ms=1000 resends_per_connection=2 reconnects=6"
    expect report-no-ack "healthy port=5023 devices=$gt messages_per_device=40"
fi

for n in $SEL; do
    printf '%-22s %6s bytes %4s packets\n' "$n.pcap" "$(wc -c <"$OUT/$n.pcap" | tr -d ' ')" \
        "$(tcpdump -r "$OUT/$n.pcap" 2>/dev/null | wc -l | tr -d ' ')" >&2
done
