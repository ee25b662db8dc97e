# Helpers for the integration tests: run the real binary, check JSON with jq.
# Each test script sources this file; a failed check prints what was
# expected and what came, and the script exits non-zero at the end.
set -u
E=${EMBARGO_BIN:?EMBARGO_BIN not set}
SHARED=${EMBARGO_SHARED_DATA:?EMBARGO_SHARED_DATA not set}
LISTS=$SHARED/lists
FAILS=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
  echo "FAIL: $*" >&2
  FAILS=$((FAILS + 1))
}

# expect_rc WANT CMD...: runs CMD, checks its exit code; output in $TMP/out.
expect_rc() {
  want=$1
  shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc, wanted $want: $* ($(head -c 300 "$TMP/err"))"
}

# check WANT_EXIT JSON [OPTIONS...]: runs embargo check --format json on
# the transaction (written to $TMP/txn.json), wanting that exit code.
check() {
  want=$1
  txn=$2
  shift 2
  printf '%s\n' "$txn" >"$TMP/txn.json"
  expect_rc "$want" $E check --format json "$@" "$TMP/txn.json"
}

# jq_true FILTER [FILE]: the jq filter must print true for the JSON output.
jq_true() {
  f=${2:-$TMP/out}
  r=$(jq -e "$1" "$f" 2>&1) || fail "jq '$1' gave '$r' on $(head -c 400 "$f")"
}

finish() {
  if [ "$FAILS" -gt 0 ]; then
    echo "$FAILS checks failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}

# jq_all FILTER: like jq_true over all JSON lines of the output, slurped.
jq_all() {
  r=$(jq -e -s "$1" "$TMP/out" 2>&1) || fail "jq -s '$1' gave '$r' on $(head -c 400 "$TMP/out")"
}
