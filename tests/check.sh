#!/bin/sh
# check.sh: the whole of `make check` once the builds exist: every suite on the
# normal build, again on the ASan+UBSan build, then the fuzz targets briefly.
# Closes with one "check: N passed, N failed" line over all suites.
set -u
pass=0 fail=0
tally() {   # the last "N passed, N failed" line of a suite's output
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
}
mkdir -p build/logs
sh tests/run.sh build | tee build/logs/check-build.out
tally build/logs/check-build.out
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    sh tests/run.sh build/asan | tee build/logs/check-asan.out
tally build/logs/check-asan.out
sh tests/fuzz/run.sh brief | tee build/logs/check-fuzz.out
tally build/logs/check-fuzz.out
echo "check: $pass passed, $fail failed"
[ "$fail" = 0 ]
