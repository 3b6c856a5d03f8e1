#!/bin/sh
# terminal.sh: how trackdump behaves towards terminals and pipes: colour only
# on a terminal (a pseudo-terminal made by script(1)) and never with NO_COLOR,
# TERM=dumb, --no-color, JSON or a pipe; the coloured text is the plain text
# plus escape sequences and nothing else; lines reach a reader of a pipe as
# they are decoded; --localtime; -n; JSON Lines that jq reads with the
# documented schema and types.
set -u
. tests/cli/lib.sh
test_setup "$1"
ESC=$(printf '\033')
RED="${ESC}\[1;31m" YELLOW="${ESC}\[33m" RESET="${ESC}\[0m"
AVL=000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CE

# on a pseudo-terminal: standard output of "$@" (stderr dropped, CRs removed)
on_tty() {
    script -qec "$(for a in "$@"; do printf "'%s' " "$a"; done) 2>/dev/null" /dev/null </dev/null | tr -d '\r'
}
strip() { sed "s/${ESC}\[[0-9;]*m//g"; }

if command -v script >/dev/null 2>&1; then
    unset NO_COLOR
    export TERM=xterm
    # malformed in red: the status and its problem, nothing else
    tty=$(on_tty "$T" -r captures/lost-segment.pcap -e)
    eq "$(printf '%s\n' "$tty" | grep -c "${RED}malformed: [^$ESC]*${RESET}\$")" 2 "red malformed lines"
    plain=$("$T" -r captures/lost-segment.pcap -e 2>/dev/null)
    eq "$(printf '%s\n' "$tty" | strip)" "$plain" "coloured text without its colour is the plain text"
    # a whole capture: only non-ok statuses and answers are coloured
    tty=$(on_tty "$T" -r captures/lost-segment.pcap)
    eq "$(printf '%s\n' "$tty" | grep -c "$ESC")" "$(printf '%s\n' "$tty" | grep -v ' ok ack=[0-9.]*m\{0,1\}s$' | grep -vc ' ok$')" \
       "colour on exactly the lines with a problem"
    eq "$(printf '%s\n' "$tty" | strip)" "$("$T" -r captures/lost-segment.pcap 2>/dev/null)" "whole capture, colour stripped"
    # an answer the capture ended before: yellow
    has "$(on_tty "$T" -r captures/demo.pcap -c 1)" " ${YELLOW}ack=pending${RESET}\$"
    # decode is coloured the same way
    has "$(on_tty "$T" decode "$AVL")" "${RED}malformed: crc mismatch: field 0xC7CE, computed 0xC7CF${RESET}\$"
    # --grep matches the line as it reads, whatever the colour
    gt=$(on_tty "$T" -r captures/report-bad-firmware.pcap --grep ' malformed: crc')
    eq "$(printf '%s\n' "$gt" | strip | grep -c ' malformed: crc')" 3 "--grep on a terminal"
    eq "$(printf '%s\n' "$gt" | grep -c "${RED}malformed: crc")" 3 "--grep on a terminal keeps the colour"
    # never: NO_COLOR (any non-empty value), TERM=dumb, --no-color, JSON
    hasnt "$(NO_COLOR=1 on_tty "$T" -r captures/lost-segment.pcap -e)" "$ESC"
    hasnt "$(NO_COLOR=yes on_tty "$T" decode "$AVL")" "$ESC"
    has "$(NO_COLOR= on_tty "$T" -r captures/lost-segment.pcap -e)" "$RED"
    hasnt "$(TERM=dumb on_tty "$T" -r captures/lost-segment.pcap -e)" "$ESC"
    hasnt "$(on_tty "$T" -r captures/lost-segment.pcap -e --no-color)" "$ESC"
    hasnt "$(on_tty "$T" decode --no-color "$AVL")" "$ESC"
    hasnt "$(on_tty "$T" -r captures/lost-segment.pcap -e -j)" "$ESC"
    eq "$(NO_COLOR=1 on_tty "$T" -r captures/lost-segment.pcap -e)" "$plain" "NO_COLOR text"
else
    echo "terminal: script(1) missing, colour on a terminal not checked"
fi
# a pipe or a file: never coloured
hasnt "$("$T" -r captures/lost-segment.pcap -e 2>/dev/null | cat)" "$ESC"
"$T" -r captures/lost-segment.pcap >"$TMP/file" 2>/dev/null
hasnt "$(cat "$TMP/file")" "$ESC"
hasnt "$("$T" decode "$AVL" | cat)" "$ESC"

# a pipe gets each line as it is decoded: the reader has the first line while
# trackdump still waits for the rest of its input
rm -f "$TMP/first"
( { cat captures/demo.pcap; sleep 3; } | "$T" -r - --grep 'login=accepted' 2>/dev/null |
  { IFS= read -r line; printf '%s\n' "$line" >"$TMP/first"; cat >/dev/null; } ) &
pipeline=$!
i=0
while [ ! -s "$TMP/first" ] && [ $i -lt 25 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pipeline 2>/dev/null; then running=yes; else running=no; fi
eq "$running" yes "trackdump still reading when the first line arrived"
has "$(cat "$TMP/first" 2>/dev/null)" " teltonika [0-9]* ack login=accepted ok$"
wait $pipeline

# --localtime: the same instant in the local zone, with its offset
utc=$("$T" -r captures/demo.pcap -c 1 2>/dev/null | cut -d' ' -f1)
has "$utc" "^2026-[0-9-]*T[0-9:]*\.[0-9]\{6\}Z$"
for tz in IST-5:30 EST5 UTC0; do
    want=$(TZ=$tz date -d "$(echo "$utc" | sed 's/\.[0-9]*Z$/Z/')" +%Y-%m-%dT%H:%M:%S)$(echo "$utc" | sed 's/.*\(\.[0-9]*\)Z$/\1/')$(TZ=$tz date -d "$(echo "$utc" | sed 's/\.[0-9]*Z$/Z/')" +%:z)
    got=$(TZ=$tz "$T" -r captures/demo.pcap -c 1 --localtime 2>/dev/null | cut -d' ' -f1)
    eq "$got" "$want" "--localtime in $tz"
    got=$(TZ=$tz "$T" -r captures/demo.pcap -c 1 --localtime -j 2>/dev/null | sed 's/.*"ts":"\([^"]*\)".*/\1/')
    eq "$got" "$want" "--localtime -j in $tz"
done
eq "$(TZ=IST-5:30 "$T" -r captures/demo.pcap -c 1 2>/dev/null | cut -d' ' -f1)" "$utc" "UTC without --localtime"

# -n is accepted and changes nothing
eq "$("$T" -n -r captures/demo.pcap 2>/dev/null)" "$("$T" -r captures/demo.pcap 2>/dev/null)" "-n"

# JSON Lines: every object of every bundled capture parses, starts with the
# schema, and has its documented types
if command -v jq >/dev/null 2>&1; then
    for cap in captures/*.pcap; do
        "$T" -r "$cap" -j 2>/dev/null
    done >"$TMP/all.jsonl"
    n=$(wc -l <"$TMP/all.jsonl")
    [ "$n" -gt 500 ] && ok || bad "only $n JSON lines"
    eq "$(jq -c . "$TMP/all.jsonl" 2>&1 | wc -l)" "$n" "every line is one JSON object"
    eq "$(jq -r 'keys_unsorted[0] + "=" + .schema' "$TMP/all.jsonl" | sort -u)" "schema=trackdump.message/1" "schema first"
    bad_types=$(jq -r '
        select((.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$") | not)
            or (.src | type) != "string" or (.dst | type) != "string"
            or (.imei | type) != "string" or (.status | IN("ok","malformed","unsupported","unknown") | not)
            or (.transport | IN("tcp","udp") | not) or (.dir | IN("up","down") | not)
            or ((.status == "ok") != (has("problem") | not))
            or (.records | type) != "array" or (.fields | type) != "object" or (.hex | test("^([0-9a-f]{2})*$") | not)
            or any(.records[]; (has("lat") and (.lat | type) != "number") or (has("lon") and (.lon | type) != "number")
                   or (has("speed") and (.speed | type) != "number") or (has("sats") and (.sats | type) != "number")
                   or (has("valid") and (.valid | type) != "boolean")
                   or (has("time") and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\\.[0-9]{3})?Z$") | not)))
            or (has("ack") and ((.ack.status | IN("ok","wrong","rejected","missing","pending") | not)
                or (.ack.status == "ok" and (.ack.latency_ms | type) != "number")
                or (.ack.status == "pending" and .ack.cause != "end")))) | .hex' "$TMP/all.jsonl" | head -n 3)
    eq "$bad_types" "" "JSON types"
    eq "$(jq -r 'select(has("ack")) | .dir' "$TMP/all.jsonl" | sort -u)" "up" "answers are on requests"
    acks=$(jq -r 'select(has("ack")) | .ack.status' "$TMP/all.jsonl" | wc -l)
    [ "$acks" -gt 100 ] && ok || bad "only $acks requests with an answer"
    # decode -j: "input" instead of the capture fields
    eq "$("$T" decode -j "$AVL" | jq -c '[keys_unsorted[0:2], .input, has("ts"), has("src")]')" \
       '[["schema","input"],1,false,false]' "decode -j"
else
    echo "terminal: jq missing, JSON not checked"
fi
done_tests terminal
