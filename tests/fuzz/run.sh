#!/bin/sh
# fuzz/run.sh: builds every libFuzzer target (tests/fuzz/fuzz_*.c), replays the
# regression inputs of tests/fuzz/regress/ (NAME-*.bin belong to fuzz_NAME),
# then fuzzes each target from seeds made of the conformance corpus and the
# bundled captures.  A run that crashes, leaks, hangs (-timeout) or grows past
# -rss_limit_mb fails, and its input is left in build/fuzz/work-NAME/.
#   usage: tests/fuzz/run.sh brief            (a few seconds each, for make check)
#          tests/fuzz/run.sh long SECONDS     (make fuzz)
#   FUZZ_TARGETS="session pipeline" limits the targets.
set -u
mode=${1:-brief}
secs=${2:-10}
[ "$mode" = brief ] && secs=${FUZZ_BRIEF_SECONDS:-4}
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang not installed: 0 passed, 0 failed (skipped)"
    exit 0
fi
make -s fuzz-build >/dev/null || { echo "fuzz: build failed"; exit 1; }
make -s build/trackdump build/tests/seeds build/tests/fuzzseeds build/tests/mklinktypes >/dev/null || exit 1
TSV=tests/corpus/traccar-vectors.tsv
# what every capture holds: one "proto hex" line per message, and the link-type files
mkdir -p build/fuzz/captures
if [ ! -s build/fuzz/captures/messages.txt ] || [ -n "$(find captures -newer build/fuzz/captures/messages.txt -name '*.pcap')" ]; then
    for c in captures/*.pcap; do
        build/trackdump -r "$c" -j 2>/dev/null |
            sed -n 's/.*"proto":"\([a-z0-9]*\)".*"hex":"\([0-9a-f]*\)".*/\1 \2/p'
    done >build/fuzz/captures/messages.txt
fi
build/tests/mklinktypes build/fuzz/captures >/dev/null 2>&1

seed() {    # seed NAME DIR: the seed corpus of fuzz_NAME
    case $1 in
    linklayer) build/tests/fuzzseeds linklayer "$2" captures/*.pcap build/fuzz/captures/*.pcap ;;
    session|decode) build/tests/fuzzseeds "$1" "$TSV" "$2" ;;
    pipeline) cp captures/*.pcap build/fuzz/captures/*.pcap build/fuzz/captures/*.pcapng "$2"/ ;;
    *)
        build/tests/seeds "$TSV" "$1" "$2"
        awk -v p="$1" '$1 == p { print $2 }' build/fuzz/captures/messages.txt |
            build/tests/fuzzseeds hex "$2" capture ;;
    esac
}

pass=0 fail=0
for t in build/fuzz/fuzz_*; do
    name=$(basename "$t" | sed 's/^fuzz_//')
    if [ -n "${FUZZ_TARGETS:-}" ]; then
        case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
    fi
    seeds="build/fuzz/seeds-$name"
    work="build/fuzz/work-$name"
    mkdir -p "$seeds" "$work/corpus"
    seed "$name" "$seeds" >/dev/null 2>&1 || true
    opts="-close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$work/"
    regress=$(ls tests/fuzz/regress/"$name"-* 2>/dev/null)
    if [ -n "$regress" ]; then
        # shellcheck disable=SC2086
        if "$t" $opts $regress >"$work/regress.log" 2>&1; then :; else
            fail=$((fail + 1)); echo "fuzz $name: a regression input fails:"; tail -n 20 "$work/regress.log"; continue
        fi
    fi
    # shellcheck disable=SC2086
    if "$t" $opts -max_total_time="$secs" -print_final_stats=1 "$work/corpus" "$seeds" >"$work/fuzz.log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$')
        pass=$((pass + 1)); echo "fuzz $name: ${execs:-?} executions in ${secs}s, no crash"
    else
        fail=$((fail + 1)); echo "fuzz $name: FAILED (the input is in $work/; add it to tests/fuzz/regress/ as $name-WHAT.bin)"
        grep -m 30 -E 'ERROR|SUMMARY|#[0-9]+ 0x|Test unit written|Slowest unit' "$work/fuzz.log"
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
