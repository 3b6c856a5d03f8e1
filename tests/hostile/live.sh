#!/bin/sh
# hostile/live.sh: a live capture on lo as root, stopped by SIGTERM or SIGINT
# while it writes -w: trackdump runs as nobody (by default) or as -Z's user once
# the device is open, the -w file (in a directory only root may enter, so it was
# opened before the drop) is a complete pcap tshark reads with every packet the
# summary says was written, the summary is printed, and every message the
# simulator sent was decoded (or the difference is no more than the kernel's
# reported drops).  Also -Z errors, -Z without root, and a binary given
# CAP_NET_RAW by setcap giving its capabilities up.  Root only (exit 77).
#   usage: tests/hostile/live.sh BUILD
set -u
B=$1
T="$B/trackdump"
SIM="$B/tests/trksim"
if [ "$(id -u)" != 0 ]; then echo "live privileges test skipped: needs root"; exit 77; fi
TMP=$(mktemp -d)         # mode 700, owned by root
TDPID=""
cleanup() {
    [ -n "$TDPID" ] && kill -KILL "$TDPID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
. tests/cli/lib.sh
PT=${LIVE_PORT_TELTONIKA:-25027}
PG=${LIVE_PORT_GT06:-25023}

# ids FIELD PID: the four ids of Uid/Gid, or the Groups line, of a process
ids() { awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$2/status"; }

# start DIR SIGNAL ARGS...: trackdump -i lo writing DIR/cap.pcap; returns once it listens
start() {
    d=$1
    shift
    "$T" -i lo -j --port "$PT=teltonika" --port "$PG=gt06" -w "$d/cap.pcap" "$@" >"$d/out.jsonl" 2>"$d/td.err" &
    TDPID=$!
    n=0
    until grep -q 'listening on' "$d/td.err" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt 50 ] || ! kill -0 "$TDPID" 2>/dev/null; then bad "trackdump did not start: $(head -n 3 "$d/td.err")"; return 1; fi
        sleep 0.1
    done
    sleep 0.3
}

# stop DIR SIGNAL NAME: the signal, exit 0, the summary, the pcap and the counts
stop() {
    sleep 0.5
    kill "-$2" "$TDPID"
    n=0
    while kill -0 "$TDPID" 2>/dev/null && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.1; done
    wait "$TDPID"
    rc=$?
    TDPID=""
    eq "$rc" 0 "$3: exit status after SIG$2"
    err=$(cat "$1/td.err")
    has "$err" "^trackdump: [0-9]* packets read, [0-9]* dropped by the kernel"
    has "$err" "^trackdump: [0-9]* messages: "
    written=$(printf '%s\n' "$err" | sed -n 's/^trackdump: \([0-9]*\) packets written$/\1/p')
    [ -n "$written" ] && [ "$written" -gt 0 ] && ok || bad "$3: no 'packets written' line: $err"
    if command -v tshark >/dev/null 2>&1; then
        tshark -r "$1/cap.pcap" >"$1/tshark.out" 2>"$1/tshark.err"
        eq "$?" 0 "$3: tshark reads the -w file ($(grep -iv 'running as user' "$1/tshark.err" | head -c 200))"
        eq "$(wc -l <"$1/tshark.out")" "${written:-?}" "$3: packets in the -w file"
    fi
    sent=$(grep -c -v '^#' "$1/manifest")
    got=$(grep -c '"status":"ok"' "$1/out.jsonl")
    drops=$(printf '%s\n' "$err" | sed -n 's/.*packets read, \([0-9]*\) dropped by the kernel.*/\1/p')
    if [ "$got" = "$sent" ] || { [ "$got" -lt "$sent" ] && [ $((sent - got)) -le "${drops:-0}" ]; }; then ok; else
        bad "$3: the simulator sent $sent messages, trackdump decoded $got (kernel drops: ${drops:-?})"; fi
    echo "$3: sent $sent, decoded $got, kernel drops ${drops:-?}, $written packets written and read back"
}

# a live capture as root drops to nobody by default; SIGTERM ends it
mkdir -p "$TMP/a"
if start "$TMP/a"; then
    eq "$(ids Uid "$TDPID")" "65534 65534 65534 65534" "default drop: uids"
    eq "$(ids Gid "$TDPID")" "65534 65534 65534 65534" "default drop: gids"
    eq "$(ids Groups "$TDPID")" "65534" "default drop: groups"
    eq "$(ids CapEff "$TDPID")" "0000000000000000" "default drop: capabilities"
    "$SIM" --quiet --port-teltonika "$PT" --port-gt06 "$PG" --manifest "$TMP/a/manifest" --seed 31 2>"$TMP/a/sim.err" ||
        bad "simulator: $(tail -n 2 "$TMP/a/sim.err")"
    stop "$TMP/a" TERM "default user, SIGTERM"
fi
# -Z daemon (another user than nobody), SIGINT
if getent passwd daemon >/dev/null 2>&1; then
    uid=$(id -u daemon) gid=$(getent passwd daemon | cut -d: -f4)
    mkdir -p "$TMP/b"
    if start "$TMP/b" -Z daemon; then
        eq "$(ids Uid "$TDPID")" "$uid $uid $uid $uid" "-Z daemon: uids"
        eq "$(ids Gid "$TDPID")" "$gid $gid $gid $gid" "-Z daemon: gids"
        eq "$(ids Groups "$TDPID")" "$gid" "-Z daemon: groups"
        "$SIM" --quiet --port-teltonika "$PT" --port-gt06 "$PG" --manifest "$TMP/b/manifest" --seed 32 --split 2>"$TMP/b/sim.err" ||
            bad "simulator: $(tail -n 2 "$TMP/b/sim.err")"
        stop "$TMP/b" INT "-Z daemon, SIGINT"
    fi
fi
# -Z root keeps root
mkdir -p "$TMP/c"
if start "$TMP/c" -Z root; then
    eq "$(ids Uid "$TDPID")" "0 0 0 0" "-Z root: uids"
    kill -INT "$TDPID"; wait "$TDPID"; TDPID=""
fi

# not root, with CAP_NET_RAW from setcap: the capabilities go once the device is open
if command -v setcap >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; then
    mkdir -m 755 "$TMP/cap" 2>/dev/null || mkdir "$TMP/cap"
    chmod 755 "$TMP" "$TMP/cap"
    cp "$T" "$TMP/cap/trackdump"
    if setcap cap_net_raw,cap_net_admin=eip "$TMP/cap/trackdump" 2>/dev/null; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/cap/trackdump" -i lo -q 2>"$TMP/cap/err" &
        TDPID=$!
        n=0
        until grep -q 'listening on' "$TMP/cap/err" 2>/dev/null || [ $n -gt 50 ]; do n=$((n + 1)); sleep 0.1; done
        sleep 0.3
        eq "$(ids CapEff "$TDPID") $(ids CapPrm "$TDPID")" "0000000000000000 0000000000000000" "setcap binary: capabilities after opening"
        kill -INT "$TDPID"; wait "$TDPID"; eq "$?" 0 "setcap binary: exit status"; TDPID=""
        has "$(cat "$TMP/cap/err")" "0 dropped by the kernel"
    fi
    chmod 700 "$TMP"
fi

# reading a file as root: no drop unless -Z
"$B/tests/mkhostile" files "$TMP" || bad "mkhostile"
(cat "$TMP/header-only.pcap"; sleep 1) | "$T" -r - -q 2>/dev/null &
p=$!
sleep 0.5
eq "$(ids Uid "$p")" "0 0 0 0" "-r as root without -Z: stays root"
wait
(cat "$TMP/header-only.pcap"; sleep 1) | "$T" -r - -q -Z nobody 2>/dev/null &
p=$!
sleep 0.5
eq "$(ids Uid "$p")" "65534 65534 65534 65534" "-r with -Z nobody"
wait
# errors
expect_rc 2 "$T" -r "$TMP/sound.pcap" -Z no-such-user-here
has "$ERR" "^trackdump: -Z: no such user 'no-such-user-here'$"
expect_rc 2 "$T" -r "$TMP/sound.pcap" -Z
has "$ERR" "option -Z needs an argument"
if command -v setpriv >/dev/null 2>&1; then
    # (the file comes on standard input: the directory is root's alone)
    expect_rc 1 sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups \"$T\" -r - -Z root <\"$TMP/sound.pcap\""
    has "$ERR" "^trackdump: cannot switch to user 'root': not running as root$"
    expect_rc 0 sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups \"$T\" -r - -Z nobody <\"$TMP/sound.pcap\""
    has "$ERR" "4 messages: 4 ok"
fi
done_tests hostile-live
