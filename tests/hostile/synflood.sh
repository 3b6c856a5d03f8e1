#!/bin/sh
# hostile/synflood.sh: 1,000,000 SYNs from random sources to the tracker ports
# within one second, while a Teltonika and a GT06 session are open and talking
# (tests/tools/mkhostile.c, generated into `trackdump -r -`).  The half-open
# connections are forgotten first (and counted), the live sessions are never
# evicted and every message of theirs decodes, and the peak memory
# (/usr/bin/time) is the same for 1,000,000 SYNs as for 20,000: the flow table
# bound holds.  Normal build only.
#   usage: tests/hostile/synflood.sh BUILD        SYNFLOOD_N=1000000 by default
set -u
. tests/cli/lib.sh
test_setup "$1"
needs_timed_build synflood
G="$B/tests/mkhostile"
N=${SYNFLOOD_N:-1000000}

# flood SYNS [OPTIONS]: sets RC, OUT, ERR, RSS (KiB)
flood() {
    n=$1
    shift
    "$G" synflood "$n" | /usr/bin/time -f '%M' -o "$TMP/rss" "$T" -r - "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    OUT=$(cat "$TMP/out") ERR=$(cat "$TMP/err")
    RSS=$(tail -n 1 "$TMP/rss")
}

# check SYNS TABLE: the sessions survived the flood of SYNS with a table of TABLE flows
check() {
    eq "$RC" 0 "$1 SYNs: exit status"
    has "$ERR" "^trackdump: $(($1 + 48)) packets read"
    has "$ERR" "2 connections (0 picked up mid-stream), 0 udp flows; closed: 2 fin, 0 rst, 0 idle, 0 evicted"
    hasnt "$ERR" "live connections evicted\|[1-9][0-9]* live"
    has "$ERR" "36 messages: 36 ok, 0 malformed, 0 unsupported, 0 unknown; 2 devices"
    eq "$(lines "$OUT" 'teltonika 356307042441013 position .* ok ack=1.0ms$')" 11 "$1 SYNs: teltonika positions, each answered"
    eq "$(lines "$OUT" 'gt06 358608010000006 heartbeat .* ok')" 10 "$1 SYNs: gt06 heartbeats"
    if [ "$2" -lt "$1" ]; then
        has "$ERR" "flow table full ($2 flows): $(($1 - $2 + 2)) half-open connections (a SYN alone) forgotten"
    fi
}

flood 20000 --max-flows 4096
check 20000 4096
rss_small=$RSS
flood "$N" --max-flows 4096
check "$N" 4096
if [ "$RSS" -le $((rss_small + 1024)) ]; then ok; else bad "$N SYNs: peak memory $RSS KiB, with 20000: $rss_small KiB"; fi
echo "synflood: $N SYNs, --max-flows 4096: peak RSS $RSS KiB (20000 SYNs: $rss_small KiB)"
# the default table size (from the available memory)
flood "$N"
check "$N" "$N"
has "$ERR" "flow table full ([0-9]* flows): [0-9]* half-open connections"
echo "synflood: $N SYNs, default table: peak RSS $RSS KiB; $(printf '%s\n' "$ERR" | grep 'flow table full')"
done_tests synflood
