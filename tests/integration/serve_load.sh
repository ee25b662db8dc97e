# embargo serve under load: reloads while wrk (or parallel curl loops)
# screens must not fail a single request; SIGTERM finishes the requests in
# flight (a body still arriving is read and answered), refuses new
# connections, and leaves every audit row on disk.
. "$(dirname "$0")/serve_lib.sh"
L=$TMP/lists
mkdir -p "$L"
cp "$LISTS/us-csl/consolidated-small.csv" "$LISTS/us-csl/consolidated-2019-sample.csv" "$LISTS/bis/dpl.txt" "$L/"
python3 - "$TMP/bodies" <<'PY'
import json, sys
names = ["SMIC", "Huawei Technologies", "I. ASH", "John Smith", "Banco Nacional",
         "Acme Trading LLC", "中芯国际", "Rosoboronexport", "Maria Garcia"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(200):
        f.write(json.dumps({"name": names[i % len(names)] + ("" if i < 9 else " %d" % i)},
                           ensure_ascii=False) + "\n")
PY
start_server --data "$L" --audit "$TMP/audit.db" || finish

# Reloads in a loop while the load runs; every one must succeed.
reloads() {
  n=0
  while [ $n -lt 6 ]; do
    c=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/v1/lists/reload")
    echo "$c" >>"$TMP/reload_codes"
    n=$((n + 1))
  done
}
: >"$TMP/reload_codes"
if command -v wrk >/dev/null; then
  reloads &
  RL=$!
  EMBARGO_BENCH_BODIES="$TMP/bodies" EMBARGO_BENCH_KEY="$SCREEN_KEY" \
    wrk -t2 -c16 -d6s --timeout 20s -s "$(dirname "$0")/../../bench/bench_serve.lua" "$URL" >"$TMP/wrk" 2>&1
  wait $RL
  r=$(sed -n 's/^RESULT //p' "$TMP/wrk")
  echo "load: $r"
  case $r in
  *" non2xx=0 socket_errors=0"*) ;;
  *) fail "requests failed under reloads: $(cat "$TMP/wrk")" ;;
  esac
  reqs=$(echo "$r" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  [ "${reqs:-0}" -gt 100 ] || fail "too few requests under load: $r"
else
  # Without wrk: four curl loops.
  : >"$TMP/codes"
  for w in 1 2 3 4; do
    (
      i=0
      while [ $i -lt 150 ]; do
        curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $SCREEN_KEY" \
          -H 'Content-Type: application/json' -d '{"name": "SMIC"}' "$URL/v1/screen" >>"$TMP/codes"
        i=$((i + 1))
      done
    ) &
  done
  reloads
  wait
  [ "$(grep -cv '^200$' "$TMP/codes")" = 0 ] || fail "requests failed under reloads: $(sort "$TMP/codes" | uniq -c)"
fi
[ "$(grep -c '^200$' "$TMP/reload_codes")" = 6 ] || fail "reloads under load: $(tr '\n' ' ' <"$TMP/reload_codes")"
call GET /healthz -
jq_true '.snapshot == 7'

# SIGTERM while a request's body is still arriving (curl -T - streams
# stdin as it comes, chunked): the request is
# answered in full, new connections are refused, the server exits 0.
(
  printf '{"names": ["SMIC", '
  sleep 2
  printf '"Huawei"]}'
) | curl -s -o "$TMP/slow" -w '%{http_code}' -H "Authorization: Bearer $SCREEN_KEY" \
  -H 'Content-Type: application/json' -X POST -T - "$URL/v1/screen" >"$TMP/slow_code" &
SLOW=$!
sleep 1
kill -TERM "$SPID"
sleep 0.5
c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/healthz")
[ "$c" = 000 ] || fail "a new connection was accepted during shutdown (HTTP $c)"
wait $SLOW
[ "$(cat "$TMP/slow_code")" = 200 ] || fail "the request in flight got HTTP $(cat "$TMP/slow_code")"
jq_true '(.results | length) == 2 and .results[1].query == "Huawei"' "$TMP/slow"
wait "$SPID"
RC=$?
SPID=
[ "$RC" = 0 ] || fail "exit $RC after SIGTERM"
grep -q 'finishing 1 requests in flight' "$TMP/server.log" || fail "log: $(cat "$TMP/server.log")"

# Every screening reached the audit log, and the chain holds.
start_server --data "$L" --audit "$TMP/audit.db" || finish
call GET /v1/audit/verify "$ADMIN_KEY"
jq_true '.ok == true and .rows > 100'
# The batch answered during the shutdown was the last screening logged.
last=$(jq .rows "$TMP/out")
call GET "/v1/audit?kind=screen&after=$((last - 10))" "$ADMIN_KEY"
jq_true '[.rows[].request.name] | .[-2:] == ["SMIC", "Huawei"]'
stop_server TERM
finish
