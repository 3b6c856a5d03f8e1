#!/bin/sh
# bench.sh: `make bench`.  Generates a reproducible workload (genload), checks that
# trackdump decodes exactly what was written, then times side by side, several
# runs each: the bare libpcap read loop (the floor), libnids alone, trackdump -q,
# trackdump -j, trackdump report, tshark and tcpflow (when installed).  Prints a
# table (median and spread of seconds, MB/s, messages/s, ratio to the floor, peak
# RSS), the targets, the time against device count, and writes them to
# tests/bench/results.md (its section between the bench markers; the rest stays).
#   bench.sh BUILD_DIR
# Environment: BENCH_DEVICES (20000) BENCH_MB (200) BENCH_MINUTES (10)
#   BENCH_CONCURRENCY (devices/2) BENCH_RUNS (3) BENCH_SCALE ("10000 100000")
#   BENCH_SECTION (bench: the markers written) BENCH_RESULTS (tests/bench/results.md)
#   BENCH_WORK (BUILD_DIR/bench/work) BENCH_STRICT=1: exit 1 when a target is missed
#   BENCH_SCALE=none: no device-count rows
#   BENCH_MEMCONNS=N: only the memory check, N devices all connected at once
#     (section "memory" of the results)
# Exit status: 0 done, 1 trackdump's counts differ from the generator's (or a
# target missed with BENCH_STRICT=1), 2 a tool is missing.
set -u
BUILD=${1:-build}
DEVICES=${BENCH_DEVICES:-20000}
MB=${BENCH_MB:-200}
MINUTES=${BENCH_MINUTES:-10}
CONC=${BENCH_CONCURRENCY:-$((DEVICES / 2))}
RUNS=${BENCH_RUNS:-3}
SCALE=${BENCH_SCALE:-10000 100000}
SECTION=${BENCH_SECTION:-bench}
RESULTS=${BENCH_RESULTS:-tests/bench/results.md}
WORK=${BENCH_WORK:-$BUILD/bench/work}
TD=$BUILD/trackdump
GEN=$BUILD/bench/genload
PCAPREAD=$BUILD/bench/pcapread
NIDSREAD=$BUILD/bench/nidsread
RUNSTAT=$BUILD/bench/runstat

say() { printf '%s\n' "$*" >&2; }
. tests/bench/results.sh
die() { say "bench: $*"; exit "${2:-1}"; }

for t in "$TD" "$GEN" "$PCAPREAD" "$NIDSREAD" "$RUNSTAT"; do
    [ -x "$t" ] || die "$t is missing (make bench builds it)" 2
done
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RESULTS_ABS=$(cd "$(dirname "$RESULTS")" && pwd)/$(basename "$RESULTS")

# ---------------------------------------------------------------- helpers

# key VALUE from a genload counts file
count() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# run NAME CMD...: RUNS times; appends "NAME wall_us rss_kb cpu_s" lines to $WORK/times
run() {
    name=$1; shift
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        i=$((i + 1))
        if [ -n "${PRE:-}" ]; then sh -c "$PRE"; fi
        "$RUNSTAT" "$WORK/cost" "$@" >/dev/null 2>"$WORK/stderr"
        rc=$?
        if [ "$rc" != 0 ]; then
            say "bench: $name exited $rc:"; sed 's/^/  /' "$WORK/stderr" >&2
            echo "$name fail 0" >>"$WORK/times"
            return 1
        fi
        awk -v n="$name" '{ print n, $1, $3, $2 / 1e6 }' "$WORK/cost" >>"$WORK/times"
    done
}

# stats NAME: "median min max rss_kb cpu_median" (seconds) from $WORK/times
stats() {
    cpu=$(awk -v n="$1" '$1 == n && $2 != "fail" { print $4 }' "$WORK/times" | sort -n |
          awk '{ c[NR] = $1 } END { if (NR) print NR % 2 ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2 }')
    awk -v n="$1" '$1 == n && $2 != "fail" { print $2, $3 }' "$WORK/times" | sort -n |
        awk -v cpu="$cpu" '{ t[NR] = $1 / 1e6; if ($2 > rss) rss = $2 }
             END { if (!NR) exit; m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                   printf "%.3f %.3f %.3f %d %.3f\n", m, t[1], t[NR], rss, cpu }'
}


# ---------------------------------------------------------------- memory only

if [ -n "${BENCH_MEMCONNS:-}" ]; then
    n=$BENCH_MEMCONNS
    say "bench: memory with $n devices connected at once"
    "$GEN" -o "$WORK/mem.pcap" --devices "$n" --concurrency "$n" --minutes 3 --mb $((n / 200 + 20)) \
        --counts "$WORK/mem.counts" || die "genload failed"
    "$GEN" -o "$WORK/tiny.pcap" --devices 4 --minutes 1 --mb 1 2>/dev/null
    p=$(count peak_connections "$WORK/mem.counts")
    mf=$((p * 2 > 65536 ? p * 2 : 65536))
    "$RUNSTAT" "$WORK/cost" "$TD" --max-flows "$mf" -q -r "$WORK/tiny.pcap" 2>/dev/null
    base=$(awk '{ print $3 }' "$WORK/cost")
    "$RUNSTAT" "$WORK/cost" "$TD" --max-flows "$mf" -q -r "$WORK/mem.pcap" 2>"$WORK/summary" || die "trackdump failed"
    rss=$(awk '{ print $3 }' "$WORK/cost")
    "$RUNSTAT" "$WORK/cost" "$NIDSREAD" "$WORK/mem.pcap" "$mf" >/dev/null 2>&1
    nrss=$(awk '{ print $3 }' "$WORK/cost")
    BODY=$WORK/section
    awk -v n="$n" -v p="$p" -v r="$rss" -v b="$base" -v nr="$nrss" -v mf="$mf" \
        -v mb="$(count bytes "$WORK/mem.counts")" -v when="$(date -u +%Y-%m-%d)" 'BEGIN {
        printf "## Memory: %d devices connected at once\n\n", n
        printf "`genload --devices %d --concurrency %d --minutes 3` (%.0f MB): %d connections open at the peak.\n", n, n, mb / 1e6, p
        printf "`trackdump --max-flows %d -q -r`: peak RSS %.0f MB, %.0f MB of it with no traffic (the tables sized for\n", mf, r / 1024, b / 1024
        printf "%d flows), so %.1f KB per open connection (target: at most 10 KB, %s).\n", mf, (r - b) / p, (r - b) / p <= 10 ? "met" : "MISSED"
        printf "libnids alone (`nidsread`, empty callback) peaks at %.0f MB on the same file. Run on %s.\n", nr / 1024, when }' >"$BODY"
    cat "$BODY"
    put_section memory "$RESULTS_ABS" "$BODY"
    rm -f "$WORK/mem.pcap"
    exit 0
fi

# ---------------------------------------------------------------- the workload

PCAP=$WORK/load.pcap
COUNTS=$WORK/load.counts
say "bench: generating $DEVICES devices, $MINUTES minutes, about $MB MB (concurrency $CONC)"
"$GEN" -o "$PCAP" --devices "$DEVICES" --minutes "$MINUTES" --concurrency "$CONC" --mb "$MB" \
    --counts "$COUNTS" || die "genload failed"
BYTES=$(count bytes "$COUNTS")
MSGS=$(count messages "$COUNTS")
PEAK=$(count peak_connections "$COUNTS")
MAXF=$((PEAK * 2 > 65536 ? PEAK * 2 : 65536))
TDOPT="--max-flows $MAXF"

# ---------------------------------------------------------------- correctness

say "bench: checking trackdump's counts against the generator's"
"$TD" $TDOPT -r "$PCAP" >"$WORK/text" 2>"$WORK/summary" || die "trackdump -r failed: $(cat "$WORK/summary")"
fail=0
check() {   # check WHAT GOT WANT
    if [ "$2" != "$3" ]; then say "bench: MISMATCH $1: trackdump $2, generator $3"; fail=1; fi
}
sum_field() { sed -n "$1" "$WORK/summary"; }
check "messages" "$(sum_field 's/^trackdump: \([0-9]*\) messages:.*/\1/p')" "$MSGS"
check "ok" "$(sum_field 's/.* messages: \([0-9]*\) ok.*/\1/p')" "$(count ok "$COUNTS")"
check "malformed" "$(sum_field 's/.* ok, \([0-9]*\) malformed.*/\1/p')" "$(count malformed "$COUNTS")"
check "unsupported" "$(sum_field 's/.* malformed, \([0-9]*\) unsupported.*/\1/p')" 0
check "unknown" "$(sum_field 's/.* unsupported, \([0-9]*\) unknown.*/\1/p')" 0
check "connections" "$(sum_field 's/^trackdump: \([0-9]*\) connections (.*/\1/p')" "$(count connections "$COUNTS")"
check "mid-stream" "$(sum_field 's/.* (\([0-9]*\) picked up mid-stream).*/\1/p')" 0
check "udp flows" "$(sum_field 's/.*, \([0-9]*\) udp flows;.*/\1/p')" "$(count udp_flows "$COUNTS")"
check "fin closes" "$(sum_field 's/.* closed: \([0-9]*\) fin.*/\1/p')" "$(count fin "$COUNTS")"
check "rst closes" "$(sum_field 's/.* fin, \([0-9]*\) rst.*/\1/p')" "$(count rst "$COUNTS")"
check "evicted" "$(sum_field 's/.* idle, \([0-9]*\) evicted.*/\1/p')" 0
check "open at end" "$(sum_field 's/.* reused, \([0-9]*\) open at end.*/\1/p')" \
    "$(( $(count open_end "$COUNTS") + $(count udp_flows "$COUNTS") ))"
# messages by protocol and direction, from the text lines (the server is 127.0.0.1)
awk '{ i = ($5 == "udp") ? 6 : 5; d = ($4 ~ /^127\.0\.0\.1:/) ? "up" : "down"; n[$i " " d]++ }
     END { for (k in n) print k, n[k] }' "$WORK/text" | sort >"$WORK/got"
awk '$1 == "proto" { if ($3) print $2, "up", $3; if ($4) print $2, "down", $4 }' "$COUNTS" | sort >"$WORK/want"
if ! cmp -s "$WORK/got" "$WORK/want"; then
    say "bench: MISMATCH in messages by protocol and direction (< trackdump, > generator):"
    diff "$WORK/got" "$WORK/want" | grep '^[<>]' >&2
    fail=1
fi
rm -f "$WORK/text"
NPROTO=$(awk '{ print $1 }' "$WORK/want" | sort -u | wc -l)
if [ "$fail" = 0 ]; then
    CHECK="trackdump's counts equal the generator's: $MSGS messages ($(count malformed "$COUNTS") malformed) of $NPROTO protocols, by protocol and direction; $(count connections "$COUNTS") connections, $(count fin "$COUNTS") FIN and $(count rst "$COUNTS") RST closes, $(count udp_flows "$COUNTS") UDP flows"
    say "bench: $CHECK"
else
    CHECK="**trackdump's counts differ from the generator's** (see the bench output)"
fi

# ---------------------------------------------------------------- timings

: >"$WORK/times"
cat "$PCAP" >/dev/null                                  # the file in the page cache for every tool
"$GEN" -o "$WORK/tiny.pcap" --devices 4 --minutes 1 --mb 1 2>/dev/null
"$RUNSTAT" "$WORK/cost" "$TD" $TDOPT -q -r "$WORK/tiny.pcap" 2>/dev/null
BASE_RSS=$(awk '{ print $3 }' "$WORK/cost")
"$TD" report -r "$WORK/tiny.pcap" >/dev/null 2>&1
REPORT_RC=$?

say "bench: timing, $RUNS runs each"
run pcapread "$PCAPREAD" "$PCAP"
run nidsread "$NIDSREAD" "$PCAP" "$MAXF"
run td-q "$TD" $TDOPT -q -r "$PCAP"
run td-j "$TD" $TDOPT -j -r "$PCAP"
[ "$REPORT_RC" != 2 ] && run td-report "$TD" report $TDOPT -r "$PCAP"
if command -v tshark >/dev/null 2>&1; then run tshark tshark -r "$PCAP" -q -z conv,tcp; fi
if command -v tcpflow >/dev/null 2>&1; then
    PRE="rm -rf '$WORK/tcpflow' && mkdir '$WORK/tcpflow'"
    run tcpflow tcpflow -r "$PCAP" -o "$WORK/tcpflow"
    PRE=
    rm -rf "$WORK/tcpflow"
fi

# ratios are of CPU time (user + system): the machine may be shared, wall time is shown too
FLOOR=$(stats pcapread | awk '{ print ($5 > 0 ? $5 : 0.001) }')
TABLE=$WORK/table
{
    echo "| # | tool | median s | spread s (min-max) | CPU s | MB/s | messages/s | x bare read (CPU) | peak RSS MB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$TABLE"
row() {   # row NUM NAME SHOWN
    s=$(stats "$2")
    if [ -z "$s" ]; then
        echo "| $1 | \`$3\` | n/a (not available) | | | | | | |" >>"$TABLE"
        return
    fi
    echo "$s" | awk -v num="$1" -v shown="$3" -v b="$BYTES" -v m="$MSGS" -v f="$FLOOR" '
        { printf "| %s | `%s` | %.3f | %.3f-%.3f | %.3f | %.0f | %.0f | %.1f | %.1f |\n",
          num, shown, $1, $2, $3, $5, b / 1e6 / $1, m / $1, $5 / f, $4 / 1024 }' >>"$TABLE"
}
row 1 pcapread "pcapread FILE (bare libpcap loop)"
row 2 nidsread "nidsread FILE (libnids, empty callback)"
row 3 td-q "trackdump -q -r FILE"
row 4 td-j "trackdump -j -r FILE > /dev/null"
row 5 td-report "trackdump report -r FILE"
if command -v tshark >/dev/null 2>&1; then row 6 tshark "tshark -r FILE -q -z conv,tcp"
else echo "| 6 | \`tshark -r FILE -q -z conv,tcp\` | n/a (not installed) | | | | | | |" >>"$TABLE"; fi
if command -v tcpflow >/dev/null 2>&1; then row 7 tcpflow "tcpflow -r FILE -o DIR"
else echo "| 7 | \`tcpflow -r FILE -o DIR\` | n/a (not installed) | | | | | | |" >>"$TABLE"; fi

# targets
missed=0
ratio() { s=$(stats "$1"); [ -n "$s" ] && echo "$s" | awk -v f="$FLOOR" '{ printf "%.1f", $5 / f }'; }
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v != "" && v + 0 <= lim + 0) ? "met" : "MISSED" }'; }
RQ=$(ratio td-q); RJ=$(ratio td-j)
RSSQ=$(stats td-q | awk '{ print $4 }')
PERCONN=$(awk -v r="${RSSQ:-0}" -v b="$BASE_RSS" -v p="$PEAK" 'BEGIN { printf "%.1f", p ? (r - b) / p : 0 }')
V1=$(verdict "$RQ" 5); V2=$(verdict "$RJ" 8); V3=$(verdict "$PERCONN" 10)
for v in "$V1" "$V2" "$V3"; do [ "$v" = MISSED ] && missed=1; done
{
    echo
    echo "Targets (ratios of CPU time to the bare read's, so they hold on any machine):"
    echo
    echo "- full decode (3) at most 5x the bare read: ${RQ:-n/a}x, $V1"
    echo "- JSON output (4) at most 8x the bare read: ${RJ:-n/a}x, $V2"
    echo "- memory at most 10 KB per concurrent connection: $PERCONN KB ((peak RSS of (3) $((${RSSQ:-0} / 1024)) MB - $((BASE_RSS / 1024)) MB on a 4-device capture) / $PEAK connections open at the peak), $V3"
} >>"$TABLE"

# ---------------------------------------------------------------- scale

SC=$WORK/scale
{
    echo "| devices | capture MB | connections (peak open) | trackdump -q CPU s | us per device | trackdump report CPU s | us per device |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
} >"$SC"
[ "$SCALE" = none ] && SCALE=
for n in $SCALE; do
    say "bench: scale: $n devices"
    F=$WORK/scale-$n.pcap
    "$GEN" -o "$F" --devices "$n" --once 3 --counts "$WORK/scale.counts" 2>/dev/null || die "genload failed"
    sp=$(count peak_connections "$WORK/scale.counts")
    smf=$((sp * 2 > 65536 ? sp * 2 : 65536))
    cat "$F" >/dev/null
    run "scale-q-$n" "$TD" --max-flows "$smf" -q -r "$F"
    [ "$REPORT_RC" != 2 ] && run "scale-r-$n" "$TD" report --max-flows "$smf" -r "$F"
    q=$(stats "scale-q-$n" | awk '{ print $5 }')
    r=$(stats "scale-r-$n" | awk '{ print $5 }')
    awk -v n="$n" -v b="$(count bytes "$WORK/scale.counts")" -v c="$(count connections "$WORK/scale.counts")" \
        -v p="$sp" -v q="$q" -v r="$r" 'BEGIN {
        printf "| %d | %.0f | %d (%d) | %.3f | %.1f | %s | %s |\n", n, b / 1e6, c, p, q, q * 1e6 / n,
               r == "" ? "n/a (not available)" : sprintf("%.3f", r), r == "" ? "" : sprintf("%.1f", r * 1e6 / n) }' >>"$SC"
    rm -f "$F"
done

# ---------------------------------------------------------------- report

BODY=$WORK/section
{
    echo "## \`make bench\`: $DEVICES devices, about $MB MB"
    echo
    echo "Machine: $(machine); $("$TD" --version 2>&1 | tr '\n' ' ' | sed 's/ *$//')."
    echo
    echo "Workload: \`genload --devices $DEVICES --minutes $MINUTES --concurrency $CONC --mb $MB\`:" \
         "$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $(count packets "$COUNTS") packets," \
         "$MSGS messages, $(count connections "$COUNTS") TCP connections (at most $PEAK open at once)," \
         "$(count seconds "$COUNTS") s of capture, a report every $(count interval "$COUNTS") s per device."
    echo "Checked: $CHECK."
    echo "Each tool ran $RUNS times on the file in the page cache (run on $(date -u +%Y-%m-%d)," \
         "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))."
    echo
    cat "$TABLE"
    echo
    echo "Time against device count (each device connects once, sends 3 reports 10 s apart and closes," \
         "over 10 minutes; \`us per device\` flat means linear):"
    echo
    cat "$SC"
} >"$BODY"
cat "$BODY"
put_section "$SECTION" "$RESULTS_ABS" "$BODY"
say "bench: written to $RESULTS"
[ "$fail" = 1 ] && exit 1
[ "${BENCH_STRICT:-0}" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0
