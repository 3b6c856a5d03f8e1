#!/bin/sh
# golden/run.sh: each bundled capture decoded as text and as JSON Lines must equal
# the expected output checked in beside this script.
#   usage: tests/golden/run.sh BUILD        compare
#          tests/golden/run.sh BUILD --update   rewrite the expected files
set -u
B=$1
T="$B/trackdump"
D=tests/golden
mkdir -p "$B/logs"
pass=0 fail=0
for cap in captures/*.pcap; do
    name=$(basename "$cap" .pcap)
    for fmt in txt jsonl; do
        if [ "$fmt" = txt ]; then args="-v"; else args="-j"; fi
        out="$B/logs/golden-$name.$fmt"
        "$T" -r "$cap" $args >"$out" 2>"$out.err"
        rc=$?
        if [ "${2:-}" = --update ]; then cp "$out" "$D/$name.$fmt"; continue; fi
        if [ $rc -eq 0 ] && cmp -s "$out" "$D/$name.$fmt"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "golden $name.$fmt differs (exit $rc):"
            diff "$D/$name.$fmt" "$out" | head -n 10
        fi
    done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
