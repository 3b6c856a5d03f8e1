#!/bin/sh
# deps.sh: makes sure the Debian packages trackdump needs are installed.
# As root it installs what is missing; otherwise it prints the apt-get line and fails.
#   deps.sh build   what `make` needs
#   deps.sh test    what `make check` needs on top
set -u
build="gcc make libpcap-dev libnids-dev libncurses-dev libpcre2-dev"
test="clang libclang-rt-14-dev tshark jq groff-base man-db bsdutils tmux valgrind cppcheck clang-tidy time"
case "${1:-build}" in
    build) want="$build" ;;
    test) want="$build $test" ;;
    *) echo "usage: deps.sh build|test" >&2; exit 2 ;;
esac
command -v dpkg-query >/dev/null 2>&1 || exit 0     # not Debian: trust the toolchain
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "trackdump: installing missing packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null || {
        echo "trackdump: apt-get install failed for:$missing" >&2; exit 1; }
    exit 0
fi
echo "trackdump: missing Debian packages:$missing" >&2
echo "install them with:  sudo apt-get install -y$missing" >&2
exit 1
