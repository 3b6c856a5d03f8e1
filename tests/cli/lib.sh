# lib.sh: assertions shared by the shell test suites (sourced).
pass=0 fail=0

# test_setup BUILD: B the build, T its trackdump, TMP a directory removed on exit
test_setup() {
    B=$1
    T="$B/trackdump"
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
}

# needs_timed_build NAME: skips (77) on the sanitizer build, which is too slow for
# the suite's time and memory bounds, and without /usr/bin/time, which measures them
needs_timed_build() {
    case $B in *asan*) echo "$1: skipped on the sanitizer build"; exit 77 ;; esac
    [ -x /usr/bin/time ] || { echo "$1: skipped: /usr/bin/time is missing (apt-get install time)"; exit 77; }
}
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect_rc WANT CMD...: run CMD, keep stdout in $OUT and stderr in $ERR
expect_rc() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
    if [ "$rc" = "$want" ]; then ok; else bad "exit $rc, expected $want: $*"; sed 's/^/    /' "$TMP/err" | head -5; fi
}
has() { if printf '%s\n' "$1" | grep -q -- "$2"; then ok; else bad "'$2' not in: $(printf '%s' "$1" | head -c 300)"; fi; }
hasnt() { if printf '%s\n' "$1" | grep -q -- "$2"; then bad "'$2' unexpectedly in output"; else ok; fi; }
lines() { printf '%s\n' "$1" | grep -c -- "$2"; }
eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
done_tests() { echo "$1: $pass passed, $fail failed"; [ "$fail" = 0 ]; }
