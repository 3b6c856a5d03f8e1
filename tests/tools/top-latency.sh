#!/bin/sh
# top-latency.sh: how fast `trackdump top` answers a key.  In a tmux pane of
# 120x40 the view runs with the given arguments; once WAIT_FOR shows, the sort
# column is moved (> then <, alternately) COUNT times and each time the pane is
# polled until the new sort shows.  Prints each time and the median and the
# maximum in ms (the polling itself costs a few ms per look).
#   usage: tests/tools/top-latency.sh TRACKDUMP WAIT_FOR COUNT TOP-ARGS...
#   e.g.   tests/tools/top-latency.sh build/trackdump 'end of file' 20 -r fleet.pcap --speed max
set -u
TD=$1 WAIT=$2 COUNT=$3
shift 3
TMP=$(mktemp -d)
tm() { tmux -S "$TMP/sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
tm new-session -d -s v -x 120 -y 40 "$TD top $* 2>$TMP/err; sleep 600" || exit 1
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(now_ms)
until tm capture-pane -p -t v | grep -q -- "$WAIT"; do sleep 0.05; done
echo "ready after $(( $(now_ms) - t0 )) ms"
: >"$TMP/times"
i=0
while [ $i -lt "$COUNT" ]; do
    if [ $((i % 2)) = 0 ]; then k='>'; want='sort PROTO'; else k='<'; want='sort IMEI'; fi
    start=$(now_ms)
    tm send-keys -t v "$k"
    until tm capture-pane -p -t v | grep -q "$want"; do :; done
    echo $(( $(now_ms) - start )) >>"$TMP/times"
    sleep 0.3
    i=$((i + 1))
done
echo "key to screen, ms: $(tr '\n' ' ' <"$TMP/times")"
sort -n "$TMP/times" | awk '{v[NR]=$1} END {printf "median %d ms, max %d ms over %d keys\n", v[int((NR+1)/2)], v[NR], NR}'
tm capture-pane -p -t v | sed -n '1,5p'
tm send-keys -t v q
i=0; while [ $i -lt 100 ] && ! grep -q 'packets read' "$TMP/err" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
sleep 0.2
cat "$TMP/err"
