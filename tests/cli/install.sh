#!/bin/sh
# install.sh: `make install` into a temporary DESTDIR with PREFIX=/usr puts
# exactly the binary, the man page and the bash completion in place; the
# installed binary runs, man finds and renders the page, the completion
# completes commands, options, protocol names and interfaces; `make uninstall`
# leaves no file behind.  The build under test is installed as it is (never
# rebuilt).
set -u
. tests/cli/lib.sh
test_setup "$1"
D="$TMP/root"
mk() { make -s --no-print-directory -o "$B/trackdump" BUILD="$B" "$@"; }

# the default prefix is /usr/local
mk -n install DESTDIR="$D" >"$TMP/dry" 2>&1
has "$(cat "$TMP/dry")" "$D/usr/local/bin/trackdump"
has "$(cat "$TMP/dry")" "$D/usr/local/share/man/man1/trackdump.1"
has "$(cat "$TMP/dry")" "$D/usr/local/share/bash-completion/completions/trackdump"

expect_rc 0 mk install DESTDIR="$D" PREFIX=/usr
eq "$(cd "$D" && find . ! -type d | sort | tr '\n' ' ')" \
   "./usr/bin/trackdump ./usr/share/bash-completion/completions/trackdump ./usr/share/man/man1/trackdump.1 " \
   "installed files"
eq "$(stat -c %a "$D/usr/bin/trackdump")" 755 "binary mode"
eq "$(stat -c %a "$D/usr/share/man/man1/trackdump.1")" 644 "man page mode"
eq "$(stat -c %a "$D/usr/share/bash-completion/completions/trackdump")" 644 "completion mode"
cmp -s "$T" "$D/usr/bin/trackdump" && ok || bad "the installed binary is not the build's"

# the installed binary: --version names trackdump and its libraries
expect_rc 0 "$D/usr/bin/trackdump" --version
eq "$(printf '%s\n' "$OUT" | head -n 1)" "$("$T" --version | head -n 1)" "installed version"
has "$OUT" "^trackdump [0-9][0-9.]*$"
has "$OUT" "^libpcap version [0-9]"
has "$OUT" "^libnids [0-9]"
has "$OUT" "^ncurses [0-9]"
has "$OUT" "^PCRE2 [0-9]"
expect_rc 0 "$D/usr/bin/trackdump" -r captures/demo.pcap -c 2
eq "$(lines "$OUT" ' teltonika ')" 2 "the installed binary decodes"

# man finds the page where it was installed and renders it without warnings
if command -v man >/dev/null 2>&1; then
    page=$(MANPATH="$D/usr/share/man" man -w trackdump 2>/dev/null)
    eq "$page" "$D/usr/share/man/man1/trackdump.1" "man -w finds the installed page"
    eq "$(MANWIDTH=80 man --warnings -l "$D/usr/share/man/man1/trackdump.1" 2>&1 >/dev/null)" "" "man warnings"
    has "$(MANWIDTH=80 man -l "$D/usr/share/man/man1/trackdump.1" 2>/dev/null | col -b)" "^NAME"
fi

# the completion, sourced in a fresh bash, with the installed binary on PATH
if command -v bash >/dev/null 2>&1; then
    complete_line() {
        PATH="$D/usr/bin:$PATH" bash -c '
            . "$1"
            complete -p trackdump >/dev/null || { echo "not registered"; exit 1; }
            COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<<"$COMP_LINE"
            [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _trackdump
            printf "%s\n" "${COMPREPLY[@]}"' sh "$D/usr/share/bash-completion/completions/trackdump" "$1"
    }
    eq "$(complete_line 'trackdump --vers')" "--version" "option --vers"
    eq "$(complete_line 'trackdump --no-c')" "--no-color" "option --no-c"
    eq "$(complete_line 'trackdump rep')" "report" "command rep"
    has "$(complete_line 'trackdump ')" "^decode$"
    has "$(complete_line 'trackdump ')" "^protocols$"
    eq "$(complete_line 'trackdump report --form')" "--format" "report option"
    eq "$(complete_line 'trackdump report --format ')" "$(printf 'text\nmarkdown\njson')" "report --format values"
    eq "$(complete_line 'trackdump decode -P telt')" "teltonika" "protocol telt"
    eq "$(complete_line 'trackdump decode --proto hua')" "huabao" "protocol alias hua"
    eq "$(complete_line 'trackdump --port 6000=gt0')" "gt06" "--port PORT=PROTO"
    eq "$(complete_line 'trackdump decode --p')" "--proto" "decode option"
    # every protocol and alias is offered after -P
    want=$("$T" protocols | awk 'NR > 1 { print $1; if ($4 != "-") { n = split($4, a, ","); for (i = 1; i <= n; i++) print a[i] } }' | sort)
    eq "$(complete_line 'trackdump decode -P ' | sort)" "$want" "all protocol names"
    if [ -e /sys/class/net/lo ]; then
        has "$(complete_line 'trackdump -i ')" "^any$"
        has "$(complete_line 'trackdump -i l')" "^lo$"
    fi
    has "$(complete_line 'trackdump -r captures/dem')" "^captures/demo.pcap$"
else
    echo "install: bash missing, completion not checked"
fi

# uninstall leaves no file
expect_rc 0 mk uninstall DESTDIR="$D" PREFIX=/usr
eq "$(find "$D" ! -type d | wc -l)" 0 "files left after uninstall"
done_tests install
