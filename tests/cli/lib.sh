# lib.sh: assertions shared by the shell test suites (sourced).
pass=0 fail=0
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
