#!/bin/sh
# live.sh: the live side of the benchmark.  Replays a genload workload with
# tcpreplay, in a loop, into one end of a veth pair inside a network namespace
# made for the run (removed on exit), while `trackdump -q -i` captures on the
# other end; rate after rate, for LIVE_SECONDS each, until the kernel drops
# packets.  Reports the highest rate with zero kernel drops, and the same for
# `trackdump top` when it exists, and writes them to tests/bench/results.md
# (between the live markers).  The addresses are 127.0.0.0/8 and the frames are
# addressed to no host of the namespace: nothing leaves it.
#   live.sh BUILD_DIR
# Environment: LIVE_SECONDS (60) LIVE_RATES ("25000 50000 100000 200000 400000 top")
#   LIVE_DEVICES (5000) LIVE_MB (50) LIVE_COMMANDS ("sniff top": which ladders)
#   LIVE_SECTION (live: the markers written) BENCH_RESULTS (tests/bench/results.md)
# Exit status: 0 done, 77 not root or no tcpreplay/ip, 1 a step failed.
set -u
BUILD=${1:-build}
SECONDS_EACH=${LIVE_SECONDS:-60}
RATES=${LIVE_RATES:-25000 50000 100000 200000 400000 top}
RESULTS=${BENCH_RESULTS:-tests/bench/results.md}
COMMANDS=${LIVE_COMMANDS:-sniff top}
SECTION=${LIVE_SECTION:-live}
TD=$(cd "$(dirname "$BUILD/trackdump")" && pwd)/trackdump
GEN=$BUILD/bench/genload
NS=tdbench$$
WORK=$(mktemp -d /tmp/trackdump-live.XXXXXX)

say() { printf '%s\n' "$*" >&2; }
. tests/bench/results.sh
[ "$(id -u)" = 0 ] || { say "live: needs root (network namespace, capture)"; exit 77; }
if ! command -v tcpreplay >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpreplay >/dev/null 2>&1
fi
command -v tcpreplay >/dev/null 2>&1 || { say "live: tcpreplay is missing: apt-get install -y tcpreplay"; exit 77; }
command -v ip >/dev/null 2>&1 || { say "live: ip (iproute2) is missing"; exit 77; }
[ -x "$TD" ] && [ -x "$GEN" ] || { say "live: build first: make bench-tools"; exit 1; }

cleanup() {
    [ -n "${TDPID:-}" ] && kill "$TDPID" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ip netns add "$NS" || exit 1
ip -n "$NS" link add rep0 type veth peer name cap0 || exit 1
ip -n "$NS" link set lo up
ip -n "$NS" link set rep0 up
ip -n "$NS" link set cap0 up

"$GEN" -o "$WORK/live.pcap" --devices "${LIVE_DEVICES:-5000}" --minutes 10 --mb "${LIVE_MB:-50}" \
    --counts "$WORK/counts" 2>/dev/null || exit 1
PKTS=$(awk '$1 == "packets" { print $2 }' "$WORK/counts")
BYTES=$(awk '$1 == "bytes" { print $2 }' "$WORK/counts")

# step CMD_NAME RATE: prints "sent_pps read dropped ifdropped"
step() {
    what=$1 rate=$2
    : >"$WORK/td.err"
    if [ "$what" = top ]; then
        # the view on a pseudo-terminal of script's; its messages and summary (stderr) to td.err
        TERM=xterm ip netns exec "$NS" script -qefc "$TD top -i cap0 2>$WORK/td.err" /dev/null >/dev/null 2>&1 &
    else
        ip netns exec "$NS" "$TD" -q -i cap0 2>"$WORK/td.err" &
    fi
    TDPID=$!
    i=0
    while ! grep -q listening "$WORK/td.err" 2>/dev/null && [ $i -lt 50 ] && kill -0 "$TDPID" 2>/dev/null; do
        sleep 0.1; i=$((i + 1))
    done
    if [ "$rate" = top ]; then speed=--topspeed; else speed="--pps=$rate"; fi
    ip netns exec "$NS" tcpreplay -i rep0 $speed --loop=0 --duration="$SECONDS_EACH" "$WORK/live.pcap" \
        >"$WORK/replay.out" 2>&1
    sleep 1
    if [ "$what" = top ]; then                 # to the view itself: script would hang it up
        pkill -INT -f "^$TD top -i cap0" 2>/dev/null
    else
        kill -INT "$TDPID" 2>/dev/null
    fi
    wait "$TDPID" 2>/dev/null
    TDPID=
    sent=$(sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' "$WORK/replay.out" | head -1)
    attempted=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$WORK/replay.out" | head -1)
    read=$(sed -n 's/^trackdump: \([0-9]*\) packets read.*/\1/p' "$WORK/td.err")
    drop=$(sed -n 's/.* \([0-9]*\) dropped by the kernel.*/\1/p' "$WORK/td.err")
    ifdrop=$(sed -n 's/.* \([0-9]*\) dropped by the interface.*/\1/p' "$WORK/td.err")
    echo "${sent:-?} ${attempted:-?} ${read:-?} ${drop:-?} ${ifdrop:-?}"
}

TABLE=$WORK/table
best_q="none of the rates tried" best_top="none of the rates tried"
for what in $COMMANDS; do
    if [ "$what" = top ] && ! command -v script >/dev/null 2>&1; then
        echo "| \`trackdump top -i\` | n/a (script(1) of bsdutils is missing) | | | | |" >>"$TABLE"
        continue
    fi
    for rate in $RATES; do
        say "live: $what at ${rate} packets/s for ${SECONDS_EACH} s"
        set -- $(step "$what" "$rate")
        shown="trackdump -q -i"; [ "$what" = top ] && shown="trackdump top -i"
        echo "| \`$shown\` | $rate | $1 | $2 | $3 | $4 |" >>"$TABLE"
        say "live:   sent $1 packets/s ($2 packets), trackdump read $3, kernel dropped $4"
        if [ "$4" = 0 ]; then
            if [ "$what" = top ]; then best_top=$1; else best_q=$1; fi
        else
            break
        fi
    done
done

BODY=$WORK/section
{
    echo "## Live capture: \`tests/bench/live.sh\`"
    echo
    echo "tcpreplay replays a genload capture of ${LIVE_DEVICES:-5000} devices ($PKTS packets, $(awk -v b="$BYTES" 'BEGIN { printf "%.0f", b / 1e6 }') MB," \
         "in a loop) into one end of a veth pair in a network namespace made for the run; trackdump captures" \
         "on the other end.  Each rate runs $SECONDS_EACH s; the ladder stops at the first rate with kernel drops." \
         "Machine: $(machine) (shared: tcpreplay runs on the same cores); run on $(date -u +%Y-%m-%d)."
    echo
    echo "| command | asked packets/s | sent packets/s | sent packets | trackdump read | kernel drops |"
    echo "|---|---:|---:|---:|---:|---:|"
    cat "$TABLE"
    echo
    printf 'Highest rate with zero kernel drops over %s s:' "$SECONDS_EACH"
    case " $COMMANDS " in *" sniff "*) printf ' `trackdump -q -i` %s packets/s;' "$best_q" ;; esac
    case " $COMMANDS " in *" top "*) printf ' `trackdump top -i` %s packets/s.' "$best_top" ;; esac
    echo
} >"$BODY"
cat "$BODY"
put_section "$SECTION" "$RESULTS" "$BODY"
say "live: written to $RESULTS"
