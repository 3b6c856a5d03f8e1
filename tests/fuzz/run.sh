#!/bin/sh
# fuzz/run.sh: builds every libFuzzer target (tests/fuzz/fuzz_*.c), replays the
# regression inputs of tests/fuzz/regress/, then fuzzes each target from seeds
# made of the corpus and the bundled captures.
#   usage: tests/fuzz/run.sh brief            (a few seconds each, for make check)
#          tests/fuzz/run.sh long SECONDS     (make fuzz)
set -u
mode=${1:-brief}
secs=${2:-10}
[ "$mode" = brief ] && secs=${FUZZ_BRIEF_SECONDS:-5}
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang not installed: 0 passed, 0 failed (skipped)"
    exit 0
fi
make -s fuzz-build >/dev/null || { echo "fuzz: build failed"; exit 1; }
make -s build/tests/seeds >/dev/null || exit 1
pass=0 fail=0
for t in build/fuzz/fuzz_*; do
    name=$(basename "$t" | sed 's/^fuzz_//')
    seeds="build/fuzz/seeds-$name"
    work="build/fuzz/work-$name"
    mkdir -p "$seeds" "$work"
    build/tests/seeds tests/corpus/traccar-vectors.tsv "$name" "$seeds" >/dev/null 2>&1 || true
    regress=$(ls tests/fuzz/regress/"$name"-* 2>/dev/null)
    if [ -n "$regress" ]; then
        if "$t" -artifact_prefix="$work/" $regress >"$work/regress.log" 2>&1; then :; else
            fail=$((fail + 1)); echo "fuzz $name: a regression input crashes:"; tail -n 20 "$work/regress.log"; continue
        fi
    fi
    if "$t" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" "$work" "$seeds" >"$work/fuzz.log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$')
        pass=$((pass + 1)); echo "fuzz $name: ${execs:-?} executions in ${secs}s, no crash"
    else
        fail=$((fail + 1)); echo "fuzz $name: CRASH (the input is in $work/crash-*; add it to tests/fuzz/regress/)"
        grep -m 30 -E 'ERROR|SUMMARY|#[0-9]+ 0x|Test unit written' "$work/fuzz.log"
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
