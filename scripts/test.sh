#!/usr/bin/env bash
# Runs the whole test suite four ways: a normal build, an ASan+UBSan
# build, the unit tests under valgrind, and every libFuzzer target for a
# bounded time (clang; EMBARGO_FUZZ_SECONDS, default 15 s each). The last
# line is the summary "N passed, N failed" summed over the meson test runs.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh || exit 1
passed=0
failed=0
run() { # name, build dir, meson setup args, meson test args[, CC]
  local name=$1 dir=$2 setup=$3 targs=$4 cc=${5:-}
  echo "== $name =="
  if [ ! -d "$dir" ]; then
    if [ -n "$cc" ]; then
      CC=$cc meson setup "$dir" $setup >/dev/null || { failed=$((failed + 1)); return; }
    else
      meson setup "$dir" $setup >/dev/null || { failed=$((failed + 1)); return; }
    fi
  fi
  ninja -C "$dir" >/dev/null || { echo "build failed"; failed=$((failed + 1)); return; }
  local log
  log=$(meson test -C "$dir" --print-errorlogs $targs 2>&1)
  echo "$log" | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout|Skipped|Unexpected Pass|Expected Fail):'
  local ok fail to
  ok=$(echo "$log" | sed -n 's/^Ok: *\([0-9]*\).*/\1/p' | tail -1)
  fail=$(echo "$log" | sed -n 's/^Fail: *\([0-9]*\).*/\1/p' | tail -1)
  to=$(echo "$log" | sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' | tail -1)
  if [ -z "$ok" ]; then
    echo "$log" | tail -20
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + ok))
  failed=$((failed + ${fail:-0} + ${to:-0}))
  if [ "${fail:-0}" != 0 ] || [ "${to:-0}" != 0 ]; then
    echo "$log" | grep -E -A40 '^=+ [0-9]+/[0-9]+ =+' | head -200
  fi
}
run "tests" build "--buildtype=debugoptimized" ""
run "tests under ASan+UBSan" build-asan \
  "--buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false" ""
run "unit tests under valgrind" build \
  "" "--suite unit --wrap=$PWD/scripts/valgrind-wrap.sh --timeout-multiplier=10"
# Every libFuzzer target (parsers of lists, rows, transactions, requests,
# sources, audit logs), each for a bounded time (-Dfuzz_seconds).
run "fuzzers, ${EMBARGO_FUZZ_SECONDS:-15} s each" build-fuzz \
  "-Dfuzz=true -Dfuzz_seconds=${EMBARGO_FUZZ_SECONDS:-15} -Db_sanitize=address,undefined -Db_lundef=false" \
  "--suite fuzz" clang
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
