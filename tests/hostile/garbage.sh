#!/bin/sh
# hostile/garbage.sh: a TCP stream of 1 GiB of random bytes on a tracker port,
# generated on the fly into `trackdump -r -`, between two sound sessions: it is
# skipped and counted, the sessions decode, and the peak memory (/usr/bin/time)
# does not grow with the stream.  Then every protocol's port gets 1 MiB and
# 8 MiB of each kind of garbage (random, zeros, letters without a line end, a
# frame header claiming 2 GB): 8 MiB must take under 4 s and no more memory than
# 2 MiB (4 MiB of slack).  Normal build only (the sanitizer build is too slow).
#   usage: tests/hostile/garbage.sh BUILD        GARBAGE_MIB=1024 by default
set -u
. tests/cli/lib.sh
test_setup "$1"
needs_timed_build garbage
G="$B/tests/mkhostile"
IMEI=356307042441013
MIB=${GARBAGE_MIB:-1024}

# run MIB PORT KIND [OPTION]: trackdump on the generated stream; sets RC, OUT, ERR, RSS (KiB), SECS
run() {
    start=$(date +%s%N)
    # (timeout in the foreground: it signals trackdump alone, never a process group)
    "$G" garbage "$1" "$2" "$3" |
        /usr/bin/time -f '%M' -o "$TMP/rss" timeout --foreground "${LIMIT:-6}" "$T" -r - ${4:-} >"$TMP/out" 2>"$TMP/err"
    RC=$?
    SECS=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    ERR=$(cat "$TMP/err")
    OUT=$(cat "$TMP/out")
    RSS=$(tail -n 1 "$TMP/rss" 2>/dev/null)
    case $RSS in ''|*[!0-9]*) RSS=0 ;; esac
}

# the big one, against a small one for the memory
run 16 5027 random
rss_small=$RSS
LIMIT=120 run "$MIB" 5027 random
eq "$RC" 0 "$MIB MiB of garbage: exit status"
has "$ERR" "3 connections (0 picked up mid-stream), 0 udp flows; closed: 3 fin"
has "$ERR" "messages: .* 0 unknown; 2 devices"
eq "$(lines "$OUT" "teltonika $IMEI .* ok")" 8 "the sound sessions' messages"
eq "$(lines "$OUT" "teltonika $IMEI position .* ok ack=1.0ms")" 2 "their positions, answered"
skipped=$(printf '%s\n' "$ERR" | sed -n 's/.*resynchronisations (\([0-9]*\) bytes skipped).*/\1/p')
total=$((MIB * 1048576))
if [ "${skipped:-0}" -gt $((total - 65536)) ] && [ "${skipped:-0}" -le "$total" ]; then ok; else
    bad "$MIB MiB of garbage: $skipped bytes skipped, expected about $total"; fi
if [ "$RSS" -gt 0 ] && [ "$RSS" -le $((rss_small + 4096)) ]; then ok; else
    bad "$MIB MiB of garbage: peak memory $RSS KiB, with 16 MiB $rss_small KiB"; fi
echo "garbage: $MIB MiB random on 5027 in ${SECS}s, peak RSS $RSS KiB (16 MiB: $rss_small KiB), $skipped bytes skipped"

# every protocol's port, every kind
ports=$("$T" protocols | awk 'NR > 1 && $3 ~ /tcp/ { split($2, p, ","); print $1 ":" p[1] }')
for pp in $ports; do
    name=${pp%%:*} port=${pp#*:}
    for kind in random zeros text hugelen; do
        run 2 "$port" "$kind" -q
        r1=$RSS
        run 8 "$port" "$kind" -q
        slow=$(awk -v s="$SECS" 'BEGIN { print (s > 4) ? 1 : 0 }')
        if [ "$RC" = 0 ] && [ "$slow" = 0 ] && [ "$RSS" -le $((r1 + 4096)) ]; then ok; else
            bad "$name (port $port), 8 MiB of $kind garbage: exit $RC in ${SECS}s, peak $RSS KiB (2 MiB: $r1 KiB)"
        fi
    done
done
done_tests garbage
