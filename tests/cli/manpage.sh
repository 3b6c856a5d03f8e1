#!/bin/sh
# manpage.sh: doc/trackdump.1 renders without a warning, carries the version
# trackdump prints, and documents exactly the options of every command: the
# options listed by `trackdump CMD --help` and those in the man page's OPTIONS
# subsections whose title names CMD must be the same sets.  Commands come from
# the usage lines of `trackdump --help` and the man page's SYNOPSIS; one
# without a --help yet is skipped and checked once it has one.  Also: every
# finding id (of `report --help` and of the diagnosis) and every protocol of
# `protocols` is described.
set -u
B=$1
T="$B/trackdump"
MAN=doc/trackdump.1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/cli/lib.sh

# ---- it renders ----
if command -v groff >/dev/null 2>&1; then
    eq "$(groff -ww -z -man "$MAN" 2>&1)" "" "groff -ww warnings"
else
    echo "manpage: groff missing, rendering not checked"
fi
if command -v man >/dev/null 2>&1; then
    eq "$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)" "" "man --warnings"
    text=$(MANWIDTH=80 man -l "$MAN" 2>/dev/null | col -b)
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS OUTPUT REPORT PROTOCOLS ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        has "$text" "^$s\$"
    done
fi
# the version in the title line is the program's
version=$("$T" --version | head -n 1 | sed 's/^trackdump //')
has "$(grep '^\.TH ' "$MAN")" "\"trackdump $version\""

# ---- options: --help against the man page ----
# option words of the help text: lines "  -x, --long ARG   what it does"
help_options() {
    sed -n 's/^  \(-[^ ].*\)/\1/p' | sed 's/   *.*//' | tr ', ' '\n\n' | grep -- '^-' | sort -u
}
# option words of the tags (.TP lines) in the OPTIONS subsections naming $1
man_options() {
    awk -v cmd="$1" '
        /^\.SH/ { inopt = ($0 ~ /^\.SH +"?OPTIONS"?$/); next }
        !inopt { next }
        /^\.SS/ { title = $0; gsub(/[^A-Za-z0-9]+/, " ", title); mine = ((" " title " ") ~ (" " cmd " ")); next }
        mine && tag { print; tag = 0; next }
        mine && /^\.TP/ { tag = 1 }
    ' "$MAN" | sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* //; s/"//g' |
        tr ' ,|=' '\n\n\n\n' | grep -- '^--\{0,1\}[A-Za-z0-9]' | sort -u
}
# the commands: usage lines of the main help, and the man page's synopsis
"$T" --help >"$TMP/help" 2>&1
commands=$( { sed -n 's/^\(Usage:\)\{0,1\} *trackdump \([a-z][a-z]*\).*/\2/p' "$TMP/help"
              sed -n 's/^\.B trackdump \([a-z][a-z]*\)$/\1/p' "$MAN"; } | sort -u)
for c in $commands; do
    grep -q "^\.B trackdump $c\$" "$MAN" && ok || bad "command '$c' is not in the man page's SYNOPSIS"
done
checked=0
for c in main $commands; do
    if [ "$c" = main ]; then name=trackdump; else name=$c; fi
    if [ "$c" = main ]; then "$T" --help >"$TMP/h" 2>&1; else "$T" "$c" --help >"$TMP/h" 2>&1; fi
    rc=$?
    want="Usage: trackdump"
    [ "$c" = main ] || want="$want $c"
    if [ $rc -ne 0 ] || ! head -n 1 "$TMP/h" | grep -q "^$want"; then
        echo "manpage: '$name' has no --help yet (exit $rc), not checked"
        continue
    fi
    checked=$((checked + 1))
    help_options <"$TMP/h" >"$TMP/help.opts"
    man_options "$name" >"$TMP/man.opts"
    for o in $(comm -23 "$TMP/help.opts" "$TMP/man.opts"); do
        bad "$name: option $o of --help is not in the man page"
    done
    for o in $(comm -13 "$TMP/help.opts" "$TMP/man.opts"); do
        bad "$name: option $o of the man page is not in --help"
    done
    n=$(wc -l <"$TMP/help.opts")
    if [ "$n" -gt 0 ] || [ "$c" = protocols ]; then ok; else bad "$name: no option found in --help"; fi
    echo "manpage: $name: $n options in --help, $(wc -l <"$TMP/man.opts") in the man page"
done
[ "$checked" -ge 4 ] && ok || bad "only $checked commands had a --help"

# ---- every finding id of the report, every protocol and its ports ----
"$T" report --help >"$TMP/rh" 2>&1
# the ids named by report --help and those the diagnosis can raise (src/diagnose.c)
ids=$( { sed -n '1,/^Input:/p' "$TMP/rh" | grep -o '[a-z][a-z]*\(-[a-z][a-z]*\)\{1,\}'
         grep 'add(d, ' src/diagnose.c | grep -o '"[a-z][a-z]*\(-[a-z][a-z]*\)\{1,\}"' | tr -d '"'; } | sort -u)
nid=0
for id in $ids; do
    nid=$((nid + 1))
    awk '/^\.SH REPORT/{r=1; next} /^\.SH/{r=0} r' "$MAN" | grep -q "^\.B $(echo "$id" | sed 's/-/\\\\-/g')\$" &&
        ok || bad "finding id $id is not described in REPORT"
done
[ "$nid" -ge 13 ] && ok || bad "only $nid finding ids found"
protos=$(awk '/^\.SH PROTOCOLS/{p=1; next} /^\.SH/{p=0} p' "$MAN" | sed 's/\\-/-/g')
"$T" protocols | awk 'NR > 1 { print $1, $2 }' | while read -r p ports; do
    want="^$p  *$(echo "$ports" | sed 's/,/, /g')  "
    printf '%s\n' "$protos" | grep -q "$want" || echo "protocol $p ($ports) is not in PROTOCOLS"
done >"$TMP/protos"
eq "$(cat "$TMP/protos")" "" "protocols of 'trackdump protocols' in the man page"
eq "$("$T" protocols | awk 'NR > 1' | wc -l)" "$(printf '%s\n' "$protos" | grep -c '^[a-z0-9]*  *[0-9]')" "protocol rows"
# exit statuses
for s in 0 1 2; do
    awk '/^\.SH "EXIT STATUS"/{e=1; next} /^\.SH/{e=0} e' "$MAN" | grep -q "^\.B $s\$" && ok || bad "exit status $s"
done
done_tests manpage
