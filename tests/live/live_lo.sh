#!/bin/sh
# live_lo.sh: live end-to-end test.  trackdump captures on the loopback
# interface while the simulator (tests/sim/trksim.c) plays Teltonika and GT06
# devices and their server; every message the simulator sent must come out of
# trackdump's JSON Lines exactly once, with the right direction, protocol,
# IMEI and type, status ok, and plausible records.
#
# Usage: tests/live/live_lo.sh BUILD_DIR
#   needs BUILD_DIR/trackdump and BUILD_DIR/tests/trksim; runs as root only
#   (exit 77 = skipped).  LIVE_CASES selects scenarios (default: all of
#   "tcp udp ipv6 split rst any midstream report protos"; proto-<name> runs one protocol
#   of `trksim --list-protocols`, 2 devices on port LIVE_PORT_BASE (default 10000)
#   + its default port, and protos all of them); LIVE_KEEP=1 keeps the work directory;
#   LIVE_VERBOSE=1 lists the passed checks too; LIVE_PORT_TELTONIKA and
#   LIVE_PORT_GT06 change the ports (default 15027 and 15023).
# Prints "live: N passed, N failed"; exits 1 when something failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "live test skipped: needs root"
    exit 77
fi

BUILD=$1
TD=$BUILD/trackdump
SIM=$BUILD/tests/trksim
CASES=${LIVE_CASES:-tcp udp ipv6 split rst any midstream report protos}
PT=${LIVE_PORT_TELTONIKA:-15027}
PG=${LIVE_PORT_GT06:-15023}
XTD=""     # extra trackdump options of a proto-<name> case

PASS=0
FAIL=0
TDPID=""
SIMPID=""
TMP=$(mktemp -d /tmp/live_lo.XXXXXX)

cleanup() {
    for p in $TDPID $SIMPID; do
        if kill -0 "$p" 2>/dev/null; then
            kill -INT "$p" 2>/dev/null
            sleep 0.5
            kill -KILL "$p" 2>/dev/null
            wait "$p" 2>/dev/null
        fi
    done
    if [ -n "${LIVE_KEEP:-}" ]; then echo "live: work files kept in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { PASS=$((PASS + 1)); [ -z "${LIVE_VERBOSE:-}" ] || echo "ok   $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

for f in "$TD" "$SIM"; do
    if [ ! -x "$f" ]; then
        echo "live: $f is missing (build it first)"
        echo "live: 0 passed, 1 failed"
        exit 1
    fi
done

# wait_exit PID SECONDS: 0 once PID has exited, 1 on timeout
wait_exit() {
    n=0
    while kill -0 "$1" 2>/dev/null; do
        n=$((n + 1))
        [ $n -le $(($2 * 10)) ] || return 1
        sleep 0.1
    done
    return 0
}

# start_trackdump DIR IFACE: returns once trackdump says it is listening
start_trackdump() {
    # shellcheck disable=SC2086
    "$TD" -i "$2" -j --port "$PT=teltonika" --port "$PG=gt06" $XTD >"$1/out.jsonl" 2>"$1/td.err" &
    TDPID=$!
    n=0
    until grep -q 'listening on' "$1/td.err" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt 50 ] || ! kill -0 "$TDPID" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
    sleep 0.3
    return 0
}

# stop_trackdump DIR NAME: SIGINT, wait, check the exit status and the summary
stop_trackdump() {
    sleep 1
    kill -INT "$TDPID" 2>/dev/null
    if wait_exit "$TDPID" 10; then
        wait "$TDPID"
        rc=$?
        if [ $rc -eq 0 ]; then pass "$2: trackdump exit status 0"; else fail "$2: trackdump exited $rc"; fi
    else
        kill -KILL "$TDPID" 2>/dev/null
        wait "$TDPID" 2>/dev/null
        fail "$2: trackdump did not stop within 10 s of SIGINT"
    fi
    TDPID=""
    if grep -Eq '^trackdump: [0-9]+ messages: ' "$1/td.err" && grep -Eq '^trackdump: [0-9]+ packets read' "$1/td.err"; then
        pass "$2: summary printed"
    else
        fail "$2: no summary on stderr"
    fi
    if grep -Eq 'packets read, [1-9][0-9]* dropped by the kernel' "$1/td.err"; then
        echo "note $2: $(grep 'dropped by the kernel' "$1/td.err")"
    fi
}

# compare DIR NAME MODE: manifest against JSON Lines (MODE full or midstream)
compare() {
    awk -v name="$2" -v mode="$3" '
    function jget(line, k,   s) {
        if (!match(line, "\"" k "\":(\"[^\"]*\"|[^,}]*)")) return ""
        s = substr(line, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
        gsub(/^"|"$/, "", s)
        return s
    }
    # seconds since the epoch of an RFC 3339 UTC time 2025-11-23T20:22:31[.fff]Z
    function epoch(t,   y, m, d) {
        y = substr(t, 1, 4) + 0; m = substr(t, 6, 2) + 0; d = substr(t, 9, 2) + 0
        if (m <= 2) { y--; m += 12 }
        d = 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d - 719469
        return d * 86400 + substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 2)
    }
    function count(s, re,   n) { n = gsub(re, "", s); return n }
    function ok(msg) { print "ok   " name ": " msg }
    function bad(msg) { print "FAIL " name ": " msg }
    FNR == NR {                                   # the manifest
        if ($0 ~ /^# pause/) { paused = 1; if (mode == "midstream") delete want; next }
        if ($0 ~ /^# records /) { recs[$3] = $4 + 0; next }
        if ($0 ~ /^#/ || NF < 4) next
        if (mode == "midstream") $3 = "-"
        want[$1 " " $2 " " $3 " " $4]++
        next
    }
    {                                             # trackdump JSON Lines
        nlines++
        dir = jget($0, "dir"); proto = jget($0, "proto"); imei = jget($0, "imei")
        type = jget($0, "type"); status = jget($0, "status")
        if (dir == "" || proto == "" || type == "" || status == "") {
            if (nbadjson++ < 5) bad("not a message object: " substr($0, 1, 120))
            next
        }
        if (mode == "midstream") {
            if (imei != "" && nimei++ < 5) bad("IMEI " imei " on a connection whose login was not captured")
            imei = "-"
        } else if (imei == "") imei = "-"
        got[dir " " proto " " imei " " type]++
        if (status != "ok" && nstatus++ < 5)
            bad("status " status " (" jget($0, "problem") "): " dir " " proto " " imei " " type)
        if (dir != "up" || type != "position") next
        ts = epoch(jget($0, "ts"))
        r = $0
        if (!match(r, /"records":\[[^]]*\]/)) { bad("position without records"); next }
        r = substr(r, RSTART, RLENGTH)
        n = count(r, "\"time\":\"")
        nrec[proto] += n
        if (count(r, "\"valid\":true") != n && ninvalid++ < 5) bad(proto " " imei ": a record is not valid: " substr(r, 1, 160))
        if (proto == "teltonika" && (count(r, "\"239\":1") != n || count(r, "\"240\":1") != n) && nio++ < 5)
            bad("teltonika " imei ": IO 239/240 missing: " substr(r, 1, 160))
        while (match(r, /"time":"[^"]*"/)) {
            t = epoch(substr(r, RSTART + 8, RLENGTH - 9))
            r = substr(r, RSTART + RLENGTH)
            if ((t - ts > 60 || ts - t > 60) && nskew++ < 5)
                bad(proto " " imei ": record time " (t - ts) " s from the capture time")
        }
    }
    END {
        if (mode == "midstream" && !paused) bad("manifest has no # pause line")
        for (k in want) {
            if (got[k] == want[k]) { nok++; continue }
            bad(k ": sent " want[k] ", trackdump decoded " (got[k] + 0))
        }
        for (k in got) if (!(k in want)) bad(k ": decoded " got[k] " times, never sent")
        if (nok) ok(nok " (dir, proto, imei, type) counts match")
        if (!nbadjson) ok(nlines " JSON lines parsed")
        if (!nstatus) ok("every message has status ok")
        if (!nimei && mode == "midstream") ok("no IMEI claimed without a login")
        if (mode != "midstream") {
            for (p in recs) {
                if (nrec[p] + 0 == recs[p]) ok(p " records: " recs[p])
                else bad(p " records: sent " recs[p] ", decoded " (nrec[p] + 0))
            }
        }
        if (!ninvalid) ok("every record valid")
        if (!nio) ok("teltonika IO 239/240 in every record")
        if (!nskew) ok("record times within 60 s of the capture time")
    }' "$1/manifest" "$1/out.jsonl" >"$1/compare.out"
    while IFS= read -r line; do
        case $line in
        "ok   "*) pass "${line#ok   }" ;;
        *) fail "${line#FAIL }" ;;
        esac
    done <"$1/compare.out"
}

# busy PORT...: true when some socket other than TIME-WAIT uses one of the ports
# (another run of this test, or a real service); needs ss, else assumes free
busy() {
    command -v ss >/dev/null 2>&1 || return 1
    for p in "$@"; do
        ss -Hantu 2>/dev/null | awk -v p=":$p" '$2 != "TIME-WAIT" && (substr($5, length($5) - length(p) + 1) == p || substr($6, length($6) - length(p) + 1) == p) { f = 1 } END { exit !f }' && return 0
    done
    return 1
}

# pick_ports: move both ports up in steps of 100 while they are in use
pick_ports() {
    n=0
    while busy "$PT" "$PG"; do
        n=$((n + 1))
        if [ $n -gt 20 ] || [ -n "${LIVE_PORT_TELTONIKA:-}${LIVE_PORT_GT06:-}" ]; then
            echo "note: ports $PT/$PG are in use; trying anyway"
            return
        fi
        PT=$((PT + 100)) PG=$((PG + 100))
        echo "note: ports in use, moving to $PT (teltonika) and $PG (gt06)"
    done
}

# run_case NAME IFACE MODE SIMARGS...
run_case() {
    name=$1 iface=$2 mode=$3
    shift 3
    dir=$TMP/$name
    mkdir -p "$dir"
    pick_ports
    if [ "$mode" = midstream ]; then
        # the devices log in and send 2 messages, pause 3 s (trackdump starts then), send 4 more
        "$SIM" --quiet --port-teltonika $PT --port-gt06 $PG --manifest "$dir/manifest" \
            --messages 6 --pause-after 2 --pause-ms 3000 "$@" 2>"$dir/sim.err" &
        SIMPID=$!
        sleep 0.8
    fi
    if ! start_trackdump "$dir" "$iface"; then
        fail "$name: trackdump did not start listening within 5 s: $(head -n 3 "$dir/td.err")"
        kill -INT "$TDPID" 2>/dev/null
        wait_exit "$TDPID" 2 || kill -KILL "$TDPID" 2>/dev/null
        wait "$TDPID" 2>/dev/null
        TDPID=""
        if [ -n "$SIMPID" ]; then wait "$SIMPID" 2>/dev/null; SIMPID=""; fi
        return
    fi
    if [ "$mode" = midstream ]; then
        wait "$SIMPID"
        rc=$?
        SIMPID=""
    else
        "$SIM" --quiet --port-teltonika $PT --port-gt06 $PG --manifest "$dir/manifest" "$@" 2>"$dir/sim.err"
        rc=$?
    fi
    if [ $rc -eq 0 ]; then pass "$name: simulator"; else fail "$name: simulator exited $rc: $(tail -n 3 "$dir/sim.err")"; fi
    stop_trackdump "$dir" "$name"
    compare "$dir" "$name" "$mode"
}

# run_xcase NAME: 2 devices of protocol NAME (not teltonika/gt06), 4 messages each
run_xcase() {
    line=$("$SIM" --list-protocols | awk -v n="$1" '$1 == n && n != "teltonika" && n != "gt06"')
    if [ -z "$line" ]; then
        fail "unknown protocol '$1' (see $SIM --list-protocols)"
        return
    fi
    # shellcheck disable=SC2086
    set -- $line
    xp=$((${LIVE_PORT_BASE:-10000} + $2))
    XTD="--port $xp=$1"
    run_case "proto-$1" lo full --seed 21 --teltonika 0 --gt06 0 --proto "$1=2" --port "$1=$xp" --messages 4
    XTD=""
}

# run_report: `trackdump report -i lo -G 4` while 2 + 2 devices send 4 messages each
run_report() {
    dir=$TMP/report
    mkdir -p "$dir"
    pick_ports
    "$TD" report -i lo -G 4 --format json --port "$PT=teltonika" --port "$PG=gt06" \
        >"$dir/report.json" 2>"$dir/td.err" &
    TDPID=$!
    n=0
    until grep -q 'listening on' "$dir/td.err" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt 50 ]; then fail "report: did not start: $(head -n 3 "$dir/td.err")"; return; fi
        sleep 0.1
    done
    "$SIM" --quiet --port-teltonika $PT --port-gt06 $PG --manifest "$dir/manifest" --seed 18 --messages 4 \
        2>"$dir/sim.err" || fail "report: simulator: $(tail -n 3 "$dir/sim.err")"
    if wait_exit "$TDPID" 10; then
        wait "$TDPID"
        rc=$?
        TDPID=""
        [ $rc -eq 0 ] && pass "report: -G 4 exits 0 by itself" || fail "report: exit $rc: $(head -n 3 "$dir/td.err")"
    else
        fail "report: still running 10 s after -G 4"
        kill -KILL "$TDPID" 2>/dev/null
        TDPID=""
        return
    fi
    if ! command -v jq >/dev/null 2>&1; then fail "report: jq not installed"; return; fi
    want=$(awk '$1 == "up" { print $3 }' "$dir/manifest" | sort -u | tr '\n' ',')
    got=$(jq -r '[.devices[].id] | sort | join(",")' "$dir/report.json" 2>&1),
    [ "$got" = "$want" ] && pass "report: the 4 devices" || fail "report: devices '$got', expected '$want'"
    for imei in $(echo "$want" | tr ',' ' '); do
        sent=$(awk -v i="$imei" '$1 == "up" && $3 == i' "$dir/manifest" | wc -l | tr -d ' ')
        seen=$(jq -r --arg i "$imei" '.devices[] | select(.id == $i) | .messages.ok' "$dir/report.json")
        [ "$sent" = "$seen" ] && pass "report: $imei $sent messages" || fail "report: $imei: $seen messages, the simulator sent $sent"
    done
    live=$(jq -r '.capture.live' "$dir/report.json")
    [ "$live" = true ] && pass "report: live capture" || fail "report: capture.live is $live"
}

for c in $CASES; do
    case $c in
    report) run_report ;;
    protos) for x in $("$SIM" --list-protocols | awk '$1 != "teltonika" && $1 != "gt06" { print $1 }'); do run_xcase "$x"; done ;;
    proto-*) run_xcase "${c#proto-}" ;;
    tcp) run_case tcp lo full --seed 11 ;;
    udp) run_case udp lo full --seed 12 --udp --codec mix ;;
    ipv6) run_case ipv6 lo full --seed 13 --ipv6 --codec 8e ;;
    split) run_case split lo full --seed 14 --split --coalesce --codec mix --messages 6 ;;
    rst) run_case rst lo full --seed 15 --rst --codec 16 ;;
    any) run_case any any full --seed 16 ;;
    midstream) run_case midstream lo midstream --seed 17 ;;
    *) fail "unknown case '$c'" ;;
    esac
done

echo "live: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
