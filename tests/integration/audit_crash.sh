# Crash safety of the audit log: a process appending as fast as it can
# (`embargo screen --audit L -` fed a long stdin) is killed with SIGKILL at
# a random moment, several times over on the same log. After each kill the
# log must verify, hold a plausible number of rows (at least one, at most
# the names read), and accept more appends. A verify run while the
# appender is still writing must pass too (WAL readers see a snapshot).
. "$(dirname "$0")/lib.sh"
L=$TMP/crash.db
NAMES=200000
# Names that give hits and names that do not.
awk -v n=$NAMES 'BEGIN { for (i = 0; i < n; i++) print (i % 3 ? "Huawei Technologies " i : "SMIC") }' >"$TMP/names"

total=0
for round in 1 2 3 4; do
  "$E" screen --audit "$L" - <"$TMP/names" >/dev/null 2>"$TMP/err.$round" &
  pid=$!
  # Wait until this run's rows are being committed (loading the lists
  # takes a while under the sanitizers), then let it run a random while.
  i=0
  while [ "$i" -lt 300 ]; do
    n=$(sqlite3 "$L" "SELECT count(*) FROM events WHERE kind='screen'" 2>/dev/null || echo 0)
    [ "${n:-0}" -gt "$total" ] && break
    sleep 0.1
    i=$((i + 1))
  done
  sleep "0.$(awk -v s="$round" 'BEGIN { srand(s); printf "%d", 2 + rand() * 7 }')"
  # A verify while the appender is running.
  expect_rc 0 "$E" audit verify --audit "$L"
  kill -9 "$pid" 2>/dev/null || fail "round $round: the appender ended before the kill (make NAMES larger)"
  wait "$pid" 2>/dev/null
  expect_rc 0 "$E" audit verify --audit "$L"
  grep -q '^intact' "$TMP/out" || fail "round $round: $(cat "$TMP/out")"
  rows=$(sqlite3 "$L" "SELECT count(*) FROM events WHERE kind='screen'")
  added=$((rows - total))
  [ "$added" -ge 1 ] || fail "round $round: no row survived"
  [ "$added" -le "$NAMES" ] || fail "round $round: $added rows from $NAMES names"
  echo "round $round: $added screenings recorded before the kill"
  total=$rows
done
# The log takes appends after the crashes and still verifies.
expect_rc 1 "$E" screen --audit "$L" SMIC
expect_rc 0 "$E" audit verify --audit "$L"
[ "$(sqlite3 "$L" "SELECT count(*) FROM events WHERE kind='screen'")" = $((total + 1)) ] || fail "the append after the crashes is missing"
# Only one "lists" row: every run used the same lists.
[ "$(sqlite3 "$L" "SELECT count(*) FROM events WHERE kind='lists'")" = 1 ] || fail "lists rows"
finish
