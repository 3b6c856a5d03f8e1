#!/bin/sh
# hostile/valgrind.sh: the golden test under valgrind: every bundled capture,
# decoded verbosely, gives its expected text with no memory error and no block
# of ours left allocated at exit (definitely, indirectly, possibly lost or still
# reachable; blocks the libraries keep for themselves are theirs).
# Normal build only (valgrind and ASan do not mix).
#   usage: tests/hostile/valgrind.sh BUILD
set -u
B=$1
T="$B/trackdump"
case $B in *asan*) echo "valgrind: skipped on the sanitizer build"; exit 77 ;; esac
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: skipped: not installed (apt-get install valgrind)"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/cli/lib.sh
ours=$(cd src && ls *.c; cd ../dissectors && ls *.c)
for cap in captures/*.pcap; do
    name=$(basename "$cap" .pcap)
    valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=definite,indirect,possible --log-file="$TMP/$name.vg" \
        "$T" -r "$cap" -v >"$TMP/$name.txt" 2>"$TMP/$name.err"
    rc=$?
    eq "$rc" 0 "$name: exit status under valgrind (99: memory errors or leaks)"
    grep -q 'ERROR SUMMARY: 0 errors' "$TMP/$name.vg" && ok || bad "$name: $(grep 'ERROR SUMMARY' "$TMP/$name.vg")"
    if cmp -s "$TMP/$name.txt" "tests/golden/$name.txt"; then ok; else bad "$name: output differs from tests/golden/$name.txt"; fi
    # still reachable blocks allocated by our code (a table not freed at exit)
    mine=$(grep -o '([a-z_0-9]*\.c:[0-9]*)' "$TMP/$name.vg" | tr -d '()' | cut -d: -f1 | sort -u |
           while read -r f; do printf '%s\n' "$ours" | grep -qx "$f" && echo "$f"; done)
    if [ -z "$mine" ]; then ok; else
        bad "$name: blocks allocated in $(echo $mine) still held at exit:"
        grep -B2 -A12 'in loss record' "$TMP/$name.vg" | head -n 40
    fi
done
echo "valgrind: $(ls captures/*.pcap | wc -l) captures, $(grep -h 'total heap usage' "$TMP"/*.vg | tr -d , | awk '{ a += $5 } END { print a }') allocations checked"
done_tests valgrind
