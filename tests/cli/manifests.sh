#!/bin/sh
# manifests.sh: every complete bundled capture, decoded, gives exactly the
# messages the simulator says it sent (its .manifest): the same count for each
# (direction, protocol, IMEI, type), all with status ok.  The captures with a
# deliberate hole or a late start (lost-segment, midstream) are covered by the
# golden tests instead.  Every capture also decodes the same with --auto, where
# each flow's protocol comes from its first bytes instead of the port map.
set -u
. tests/cli/lib.sh
test_setup "$1"
for cap in captures/*.pcap; do
    name=$(basename "$cap" .pcap)
    man="captures/$name.manifest"
    case $name in lost-segment|midstream) continue ;; esac
    [ -f "$man" ] || continue
    if ! "$T" -r "$cap" -j >"$TMP/out" 2>"$TMP/err"; then bad "$name: exit status"; continue; fi
    sed -n 's/.*"dir":"\([a-z]*\)","proto":"\([a-z0-9]*\)","imei":"\([^"]*\)","type":"\([a-z-]*\)".*/\1 \2 \3 \4/p' \
        "$TMP/out" | sort | uniq -c >"$TMP/got"
    grep -v '^#' "$man" | sort | uniq -c >"$TMP/want"
    if cmp -s "$TMP/got" "$TMP/want"; then ok; else bad "$name: decoded messages differ from the manifest"; diff "$TMP/want" "$TMP/got" | head -8; fi
    n=$(grep -c . "$TMP/out"); nok=$(grep -c '"status":"ok"' "$TMP/out")
    nbad=$(grep -c '^# bad ' "$man")      # messages the simulator spoiled on purpose
    eq "$((nok + nbad))" "$n" "$name: messages with status ok, besides the manifest's '# bad' ones"
done
for cap in captures/*.pcap; do
    "$T" -r "$cap" -j >"$TMP/mapped" 2>/dev/null
    "$T" -r "$cap" -j --auto >"$TMP/auto" 2>/dev/null
    if cmp -s "$TMP/mapped" "$TMP/auto"; then ok; else bad "$(basename "$cap"): --auto decodes differently"; fi
done
done_tests manifests
