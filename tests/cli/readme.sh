#!/bin/sh
# readme.sh: every example in README.md that shows a command with its output
# (a fenced block starting "$ ./trackdump ...") is run against the bundled
# captures; each output line shown must be a line of the real output, in
# order ("..." stands for lines left out).
set -u
B=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/cli/lib.sh
mkdir -p "$TMP/bin"
ln -s "$(cd "$(dirname "$B/trackdump")" && pwd)/trackdump" "$TMP/bin/trackdump"

# split the README's command blocks into $TMP/ex.N.cmd and $TMP/ex.N.want
awk -v dir="$TMP" '
    /^```/ { fence = !fence; inb = 0; first = fence; next }
    fence && first { first = 0; inb = ($0 ~ /^\$ \.\/trackdump /) }
    inb && /^\$ / { n++; sub(/^\$ /, ""); print > (dir "/ex." n ".cmd"); printf "" > (dir "/ex." n ".want"); next }
    inb { print > (dir "/ex." n ".want") }
' README.md
n=0
for cmd in "$TMP"/ex.*.cmd; do
    [ -e "$cmd" ] || break
    want=${cmd%.cmd}.want
    c=$(cat "$cmd")
    n=$((n + 1))
    # ./trackdump is the build under test
    PATH="$TMP/bin:$PATH" sh -c "$(printf '%s' "$c" | sed 's|\./trackdump|trackdump|g')" >"$TMP/got" 2>&1
    # each shown line, in order, among the real lines
    missing=$(awk 'NR == FNR { if ($0 != "...") want[++w] = $0; next }
                   i < w && $0 == want[i + 1] { i++ }
                   END { if (i < w) print want[i + 1] }' i=0 "$want" "$TMP/got")
    if [ -z "$missing" ] && [ -s "$want" ]; then ok; else
        bad "README example '$c': line not in its output: $missing"
    fi
done
[ "$n" -ge 5 ] && ok || bad "only $n README examples found"
echo "readme: $n examples run"
done_tests readme
