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
#           'base' (the first eight) and 'proto' (every proto-<protocol>).
#           Without --only everything is built.
# Needs tcpdump, tshark and editcap.  Writes captures/<name>.pcap and
# captures/<name>.manifest (the simulator's list of messages sent, plus
# '# capture:' comments describing what the capture holds).  Re-runnable; every
# tcpdump it starts is stopped before it exits.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/captures
TMP=$(mktemp -d /tmp/mkcaptures.XXXXXX)
TD=""

cleanup() {
    if [ -n "$TD" ] && kill -0 "$TD" 2>/dev/null; then
        kill -INT "$TD" 2>/dev/null || true
        wait "$TD" 2>/dev/null || true
    fi
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
    ONLY="$BASE $PROTO"
fi
SEL=""
for n in $ONLY; do
    case $n in
    base) SEL="$SEL $BASE" ;;
    proto) SEL="$SEL $PROTO" ;;
    *)
        case " $BASE $PROTO " in
        *" $n "*) SEL="$SEL $n" ;;
        *) die "unknown capture name '$n' (known: $BASE $PROTO base proto)" ;;
        esac
        ;;
    esac
done
# want NAME: is NAME selected?
want() { case " $SEL " in *" $1 "*) return 0 ;; esac; return 1; }

TCPF='tcp port 5027 or tcp port 5023'

# start_capture NAME IFACE FILTER: tcpdump in the background, returns once it listens
start_capture() {
    rm -f "$TMP/$1.pcap"
    # a 32 MB buffer: with snaplen 262144 in immediate mode the default 2 MB ring
    # holds only 8 packets, and `-i any` then drops some on a loopback burst
    tcpdump -i "$2" -s 262144 -B 32768 --immediate-mode -U -Z root -w "$TMP/$1.pcap" "$3" \
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
    "$SIM" --quiet --manifest "$OUT/$name.manifest" "$@" || die "$name: simulator failed"
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

for n in $SEL; do
    printf '%-22s %6s bytes %4s packets\n' "$n.pcap" "$(wc -c <"$OUT/$n.pcap" | tr -d ' ')" \
        "$(tcpdump -r "$OUT/$n.pcap" 2>/dev/null | wc -l | tr -d ' ')" >&2
done
