#!/bin/sh
# top.sh: `trackdump top` driven in tmux over the bundled captures, asserting
# what the screen shows: the devices and their counts (against the JSON of the
# main command), sorting, filtering, search, grouping, the drill-down into a
# malformed message with its problem and highlighted bytes, the help, pause,
# writing a device's pcap (against -w --imei), 80x24 monochrome, a resize, and
# quitting with the terminal restored.
#   usage: tests/cli/top.sh BUILD     (skips, exit 77, without tmux)
set -u
B=${1:-build}
TD=${TRACKDUMP:-$B/trackdump}
ROOT=$(pwd)
case $TD in /*) ;; *) TD=$ROOT/$TD ;; esac
. tests/cli/lib.sh
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: top not tested"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "jq is not installed: top not tested"; exit 77; }
TMP=$(mktemp -d)
SOCK=$TMP/tmux.sock
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# a session that keeps the server up while the views come and go
if ! tm new-session -d -s keep -x 80 -y 24 "sleep 600" 2>"$TMP/tmux.err"; then
    echo "tmux cannot start a server here ($(head -c 200 "$TMP/tmux.err")): top not tested"
    exit 77
fi

# start W H ARGS...: the view in a new session (cwd $TMP); the pane stays after it exits
start() {
    w=$1 h=$2; shift 2
    tm kill-session -t v 2>/dev/null
    tm new-session -d -s v -x "$w" -y "$h" -c "$TMP" \
        "$TD top $* 2>$TMP/top.err; echo EXIT=\$?; sleep 60"
}
# wait_for PATTERN: up to 5 s (WAIT_TENTHS) for the screen to show PATTERN (grep -E); the screen in $SCREEN
wait_for() {
    i=0
    while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
        SCREEN=$(tm capture-pane -p -t v)
        printf '%s\n' "$SCREEN" | grep -Eq -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# see PATTERN WHAT: the screen shows PATTERN
see() {
    if wait_for "$1"; then ok; else bad "$2: '$1' not on the screen:"; printf '%s\n' "$SCREEN" | sed 's/^/    | /'; fi
}
keys() { tm send-keys -t v "$@"; }
# the IMEIs of the table's rows, in screen order
rows() { printf '%s\n' "$SCREEN" | grep -Eo '^[0-9]{15} ' | tr -d ' ' | tr '\n' ' '; }

# ---- udp.pcap: devices, counts, sorting ----
CAP=$ROOT/captures/udp.pcap
"$TD" -r "$CAP" -j 2>/dev/null | jq -r 'select(.dir=="up") | .imei' | sort | uniq -c >"$TMP/counts"
ndev=$(wc -l <"$TMP/counts")
nmsg=$("$TD" -r "$CAP" -j 2>/dev/null | jq -s 'map(select(.status=="ok")) | length')
start 120 40 -r "$CAP" --speed max --no-color
see 'end of file' "the replay reaches the end"
see "devices $ndev: " "device count in the header"
see "total $nmsg ok, 0 malformed" "message totals in the header"
while read -r n imei; do
    if printf '%s\n' "$SCREEN" | grep -Eq "^$imei +[a-z0-9]+ +[0-9]+ +[a-z]+ +[0-9a-z-]+ +$n "; then ok
    else bad "row of $imei with $n messages not on the screen"; printf '%s\n' "$SCREEN" | sed 's/^/    | /'; fi
done <"$TMP/counts"
eq "$(rows)" "$(awk '{print $2}' "$TMP/counts" | sort | tr '\n' ' ')" "rows sorted by IMEI at start"
keys '>' '>' '>' '>' '>'
see 'sort MSGS descending' "> moves the sort to MSGS"
eq "$(rows)" "$(sort -k1,1nr -k2,2 "$TMP/counts" | awk '{printf "%s ", $2}')" "rows by messages, most first"
keys I
see 'sort MSGS ascending' "I inverts the sort"
eq "$(rows)" "$(sort -k1,1n -k2,2 "$TMP/counts" | awk '{printf "%s ", $2}')" "rows by messages, fewest first (ties by IMEI)"
keys '<' '<' '<' '<' I
see 'sort PROTO ascending' "< moves the sort back to PROTO"
first=$(rows | awk '{print $1}')
eq "$("$TD" -r "$CAP" -j 2>/dev/null | jq -r "select(.imei==\"$first\") | .proto" | head -1)" gt06 "PROTO ascending puts gt06 first"

# ---- filter, search, group ----
tele=$(awk '{print $2}' "$TMP/counts" | while read -r i; do
    "$TD" -r "$CAP" -j 2>/dev/null | jq -r "select(.imei==\"$i\" and .proto==\"teltonika\") | .imei" | head -1; done | sort | tr '\n' ' ')
ntele=$(printf '%s' "$tele" | wc -w)
keys -l '\'
keys -l 'teltonika'
see "$ntele of $ndev shown.*filter .teltonika" "the filter keeps the teltonika rows"
keys Enter
eq "$(rows | tr ' ' '\n' | sort | tr '\n' ' ')" "$tele" "the filtered rows are the teltonika devices"
keys -l '\'
keys -l '(x'
see "bad regular expression 'teltonika\(x'.*missing closing parenthesis" "an expression that does not compile is reported"
see "$ntele of $ndev shown" "the last filter that compiled stays applied"
keys Escape
see "$ntele of $ndev shown, sort PROTO ascending, filter .teltonika" "Esc in the line restores the filter"
keys Escape
see "$ndev of $ndev shown, sort PROTO" "Esc clears the filter"
keys g
see "^protocol gt06: [0-9]+ devices?, " "g groups by protocol with counts"
see "^protocol teltonika: $ntele devices?, " "the teltonika group counts its devices"
keys g g g g
see "$ndev of $ndev shown, sort PROTO ascending *$" "g cycles back to no group"
last=$(awk '{print $2}' "$TMP/counts" | sort | tail -1)
keys -l /
keys -l "${last#??????????}"
keys Enter Enter
see "^Messages of $last " "search then Enter opens the device found"
keys Escape

# ---- pause, help, quit ----
keys Z
see 'PAUSED' "Z pauses the display"
keys Z
keys '?'
see 'Z space +pause the display' "the help lists the keys"
see '\\ F4 +filter: a PCRE2 expression' "the help lists the filter key"
keys Escape
see "sort PROTO" "Esc closes the help"
keys q
see '^EXIT=0' "q quits with status 0"
eq "$(tm display-message -p -t v '#{alternate_on}')" 0 "the terminal is back on its normal screen"
eq "$(tm display-message -p -t v '#{cursor_flag}')" 1 "the cursor is visible again"
has "$(cat "$TMP/top.err")" "trackdump: $nmsg messages: $nmsg ok"

# ---- lost-segment.pcap: drill-down into a malformed message; w ----
CAP=$ROOT/captures/lost-segment.pcap
"$TD" -r "$CAP" -e -j 2>/dev/null | jq -r 'select(.proto=="teltonika") | "\(.imei)\t\(.problem)\t\(.hex)"' | head -1 >"$TMP/bad"
IFS='	' read -r bimei bproblem bhex <"$TMP/bad"
start 120 40 -r "$CAP" --speed max
see 'end of file' "the replay reaches the end"
keys -l '\'
keys -l "^$bimei"
keys Enter Enter
see "^Messages of $bimei " "Enter opens the device's messages"
keys e Enter
see "problem: $bproblem" "e then Enter shows the malformed message's problem"
nbytes=$((${#bhex} / 2))
see "raw: $nbytes bytes; the problem's bytes \(offset 0 to $((nbytes - 1))\) highlighted" "the problem's bytes are named"
hex0=$(printf '%s' "$bhex" | cut -c1-16 | sed 's/../& /g; s/ $//')
see "^0000  $hex0 " "the hex dump starts with the message's bytes"
tm capture-pane -e -p -t v >"$TMP/esc"
if grep -q "$(printf '\033')\[[0-9;]*7m" "$TMP/esc" || grep -q "$(printf '\033')\[[0-9;]*4[0-7]m" "$TMP/esc"; then ok
else bad "no highlighted bytes (reverse or background colour) in the hex dump"; fi
keys w
see "wrote [0-9]+ packets of $bimei to trackdump-$bimei-" "w writes the device's packets"
pcap=$(ls "$TMP"/trackdump-"$bimei"-*.pcap 2>/dev/null | head -1)
"$TD" -r "$CAP" --imei "^$bimei\$" -w "$TMP/ref.pcap" -q 2>"$TMP/ref.err"
want=$(sed -n 's/^trackdump: \([0-9]*\) packets written$/\1/p' "$TMP/ref.err")
got=$(printf '%s\n' "$SCREEN" | sed -n "s/.*wrote \([0-9]*\) packets of $bimei.*/\1/p")
eq "$got" "$want" "w writes as many packets as -w --imei"
if [ -n "$pcap" ]; then
    eq "$("$TD" -r "$pcap" -j 2>/dev/null | jq -r .imei | sort -u | tr '\n' ' ')" "$bimei " "the pcap holds that device only"
else
    bad "no pcap written in $TMP"
fi
keys Escape Escape
keys F10
see '^EXIT=0' "F10 quits with status 0"

# ---- report-bad-firmware.pcap: a CRC mismatch, its checksum bytes highlighted ----
CAP=$ROOT/captures/report-bad-firmware.pcap
if [ -f "$CAP" ]; then
    "$TD" -r "$CAP" -e -j 2>/dev/null | jq -r 'select(.problem | startswith("crc mismatch")) | "\(.imei)\t\(.problem)\t\(.hex)"' \
        | head -1 >"$TMP/crc"
    IFS='	' read -r cimei cproblem chex <"$TMP/crc"
    field=$(printf '%s' "$cproblem" | sed -n 's/.*field 0x\([0-9A-Fa-f]*\).*/\1/p' | tr 'A-F' 'a-f')
    # where the field's bytes are in the message (the last even position of its hex)
    pos=$(printf '%s' "$chex" | awk -v f="$field" '{for (i = length($0) - length(f) + 1; i > 0; i -= 1)
        if (i % 2 == 1 && substr($0, i, length(f)) == f) { print (i - 1) / 2; exit }}')
    start 120 40 -r "$CAP" --speed max
    see 'end of file' "bad firmware: the replay reaches the end"
    keys -l '\'
    keys -l "^$cimei"
    keys Enter Enter e Enter
    see "problem: $cproblem" "the CRC mismatch's problem"
    see "the problem's bytes \(offset $pos to $((pos + ${#field} / 2 - 1))\) highlighted" "the CRC field's bytes are the ones named"
    # the findings: the report's, worst first, in the header and in the panel
    "$TD" report -r "$CAP" 2>/dev/null | grep -E '^(critical|warning|info) ' | cut -d: -f1 >"$TMP/findings"
    read -r sev1 id1 <"$TMP/findings"
    see "^worst finding \[$sev1\] $id1: " "the header shows the report's first finding"
    keys r
    while read -r sev id; do see "^$sev $id: " "the findings panel lists $id"; done <"$TMP/findings"
    keys Escape
    see "^raw: " "Esc closes the findings panel"
    keys q
    see '^EXIT=0' "q quits"
else
    echo "no captures/report-bad-firmware.pcap: CRC highlight not tested"
fi

# ---- 80x24, monochrome through NO_COLOR; a resize ----
tm kill-session -t v 2>/dev/null
tm new-session -d -s v -x 80 -y 24 -c "$TMP" \
    "NO_COLOR=1 $TD top -r $ROOT/captures/demo.pcap --speed max 2>$TMP/top.err; echo EXIT=\$?; sleep 60"
see 'end of file' "80x24: the header"
see '^IMEI +PROTO +PORT +STATE +SEEN +MSGS +INTVL +LAST TYPE' "80x24: the column titles fit"
eq "$(printf '%s\n' "$SCREEN" | sed -n 24p | cut -c1-6)" "F1Help" "80x24: the key bar on the last row"
eq "$(printf '%s\n' "$SCREEN" | grep -Ec '^[0-9]{15} ' | tr -d ' ')" 4 "80x24: the 4 devices of demo.pcap"
tm capture-pane -e -p -t v >"$TMP/esc"
if grep -q "$(printf '\033')\[[0-9;]*3[0-7]m" "$TMP/esc"; then bad "NO_COLOR: colours on the screen"; else ok; fi
tm resize-window -t v -x 100 -y 30
i=0; while [ $i -lt 30 ] && [ "$(tm capture-pane -p -t v | sed -n 30p | cut -c1-6)" != F1Help ]; do sleep 0.1; i=$((i + 1)); done
eq "$(tm capture-pane -p -t v | sed -n 30p | cut -c1-6)" "F1Help" "after a resize the key bar is on the new last row"
keys q
see '^EXIT=0' "q quits at 80x24"

# ---- a fleet of 20000 devices: counts, a filter applied over every row, group, next error ----
MKFLEET=$ROOT/$B/tests/mkfleet
if [ -x "$MKFLEET" ] && ! "$MKFLEET" 20000 2 30 "$TMP/fleet.pcap" 2>"$TMP/mkfleet.err"; then
    bad "fleet: mkfleet failed: $(head -c 300 "$TMP/mkfleet.err")"
elif [ -x "$MKFLEET" ]; then
    start 120 40 -r "$TMP/fleet.pcap" --speed max --max-flows 65536 --no-color
    WAIT_TENTHS=600 see 'end of file' "fleet: the replay reaches the end"
    see 'devices 20000: online 20000 ' "fleet: 20000 devices online"
    see 'with errors 20 ' "fleet: every 1000th device sent a bad CRC"
    see 'total 119980 ok, 20 malformed' "fleet: the message counts (server replies too)"
    keys '\' '^8600000000123[45]' Enter
    WAIT_TENTHS=300 see ' 20 of 20000 shown, sort IMEI ascending, filter \\\^8600000000123\[45\] *$' \
        "fleet: the filter kept exactly 860000000012340..59"
    eq "$(rows | cut -d' ' -f1,20)" "860000000012340 860000000012359" "fleet: the first and last rows kept"
    keys Escape
    see ' 20000 of 20000 shown, sort IMEI ascending *$' "fleet: Esc drops the filter"
    keys g
    see '^protocol gt06: 20000 devices, 20000 online, 0 silent, 0 closed, 0 rejected, 20 with errors' "fleet: grouped"
    keys g g g g
    see ' 20000 of 20000 shown, sort IMEI ascending *$' "fleet: group none again"
    keys e
    see '^860000000000999 .* 1/0 ' "fleet: e goes to the first device with an error"
    keys q
    see '^EXIT=0' "fleet: q quits"
else
    bad "fleet: $MKFLEET is missing"
fi

# ---- usage errors ----
expect_rc 2 "$TD" top -r "$ROOT/captures/demo.pcap" --speed fast
has "$ERR" "speed takes a factor"
expect_rc 2 "$TD" top
has "$ERR" "give either -i IFACE or -r FILE"
expect_rc 2 "$TD" top -r - <"$ROOT/captures/demo.pcap"
has "$ERR" "not -r -"
expect_rc 1 "$TD" top -r "$ROOT/captures/demo.pcap" </dev/null
has "$ERR" "top needs a terminal"
done_tests top
