#!/bin/sh
# run.sh: every test suite against one build directory (build/ or build/asan/).
#   usage: tests/run.sh BUILD
# Prints one PASS/FAIL/SKIP line per suite, the corpus table, and a closing
# "N passed, N failed" line; exits non-zero if any suite failed.
set -u
B=${1:-build}
export TRACKDUMP="$B/trackdump"
LOG="$B/logs"
mkdir -p "$LOG"
pass=0 fail=0 skip=0

suite() {
    name=$1; shift
    if "$@" >"$LOG/$name.log" 2>&1; then
        pass=$((pass + 1)); echo "PASS $name: $(tail -n 1 "$LOG/$name.log")"
    else
        rc=$?
        if [ "$rc" = 77 ]; then
            skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$LOG/$name.log")"
        else
            fail=$((fail + 1)); echo "FAIL $name (exit $rc), last lines of $LOG/$name.log:"
            tail -n 25 "$LOG/$name.log" | sed 's/^/    /'
        fi
    fi
}

for t in "$B"/tests/test_*; do
    n=$(basename "$t")
    case $n in test_corpus|test_frames) continue ;; esac
    suite "$n" "$t"
done
suite frames "$B/tests/test_frames" tests/corpus/traccar-frames.tsv
suite corpus "$B/tests/test_corpus" tests/corpus/traccar-vectors.tsv
sed -n '/^protocol /,/^corpus:/p' "$LOG/corpus.log"
suite golden sh tests/golden/run.sh "$B"
suite manifests sh tests/cli/manifests.sh "$B"
suite linktypes sh tests/cli/linktypes.sh "$B"
suite cli sh tests/cli/cli.sh "$B"
suite top sh tests/cli/top.sh "$B"
suite report sh tests/cli/report.sh "$B"
suite terminal sh tests/cli/terminal.sh "$B"
suite manpage sh tests/cli/manpage.sh "$B"
suite install sh tests/cli/install.sh "$B"
suite readme sh tests/cli/readme.sh "$B"
suite live sh tests/live/live_lo.sh "$B"
suite hostile-files sh tests/hostile/files.sh "$B"
suite hostile-output sh tests/hostile/output.sh "$B"
suite hostile-live sh tests/hostile/live.sh "$B"
suite garbage sh tests/hostile/garbage.sh "$B"
suite synflood sh tests/hostile/synflood.sh "$B"
suite valgrind sh tests/hostile/valgrind.sh "$B"
echo "$B: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
