# embargo serve: POST /v1/lists/reload builds a new snapshot off the
# request path. A truncated or broken list file is refused with its
# diagnostics while the old snapshot keeps serving; a good change is
# picked up with a new version; SIGHUP reloads too.
. "$(dirname "$0")/serve_lib.sh"
L=$TMP/lists
mkdir -p "$L"
cp "$LISTS/us-csl/consolidated-small.csv" "$LISTS/bis/dpl.txt" "$L/"
chmod u+w "$L"/*
# A name listed only in the DPL file, to see that list being served.
DPLNAME=$(sed -n '2p' "$L/dpl.txt" | cut -f1 | tr -d '"' | sed 's/^ *//')
start_server --data "$L" --audit "$TMP/audit.db" || finish

screen_dpl() {
  post /v1/screen "$SCREEN_KEY" "{\"name\": \"$DPLNAME\", \"lists\": [\"DPL\"]}"
  expect_code 200 "screen $DPLNAME ($1)"
  jq_true '[.hits[] | select(.match and .list == "DPL")] | length >= 1'
}

call GET /v1/lists "$SCREEN_KEY"
V1=$(jq -r .version "$TMP/out")
N1=$(jq .entities "$TMP/out")
screen_dpl "first snapshot"

# Same files: 200, same version.
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 200 "reload of the same files"
jq -e --arg v "$V1" '.status == "reloaded" and .version == $v and .snapshot == 2' "$TMP/out" >/dev/null || fail "same-files reload: $(cat "$TMP/out")"

# A truncated DPL file is rejected by the loader: the reload is refused,
# names the file, and the old snapshot (with the DPL) keeps serving.
cp "$L/dpl.txt" "$TMP/dpl.good"
head -c 300 "$TMP/dpl.good" >"$L/dpl.txt"
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 422 "reload with a truncated file"
jq -e --arg v "$V1" '.error.code == "EFORMAT" and (.error.message | test("dpl.txt")) and .version == $v and ([.diagnostics[] | select(.severity == "error" and (.file | test("dpl.txt")))] | length >= 1)' "$TMP/out" >/dev/null ||
  fail "truncated-file reload: $(head -c 600 "$TMP/out")"
call GET /v1/lists "$SCREEN_KEY"
jq -e --arg v "$V1" --argjson n "$N1" '.version == $v and .entities == $n and .snapshot == 2' "$TMP/out" >/dev/null || fail "the old snapshot is not serving: $(head -c 300 "$TMP/out")"
screen_dpl "after a refused reload"
cp "$TMP/dpl.good" "$L/dpl.txt"

# A broken CSL file added next to good ones: refused, named.
cp "$LISTS/invalid/csl-broken.csv" "$L/"
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 422 "reload with a broken file"
jq_true '(.error.message | test("csl-broken.csv")) and (.diagnostics | length >= 1)'
call GET /healthz -
jq -e --arg v "$V1" '.lists == $v and .snapshot == 2' "$TMP/out" >/dev/null || fail "healthz after refusal: $(cat "$TMP/out")"
rm "$L/csl-broken.csv"

# A good new file: accepted, new version, more entities, and its names
# are found.
cp "$LISTS/us-csl/consolidated-2019-sample.csv" "$L/"
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 200 "reload with a new file"
jq -e --arg v "$V1" '.version != $v and .previous_version == $v and .snapshot == 3' "$TMP/out" >/dev/null || fail "new-file reload: $(head -c 400 "$TMP/out")"
V3=$(jq -r .version "$TMP/out")
call GET /v1/lists "$SCREEN_KEY"
jq -e --argjson n "$N1" '.entities > $n and (.sources | length) == 3' "$TMP/out" >/dev/null || fail "new file not served: $(head -c 300 "$TMP/out")"
screen_dpl "after a good reload"

# SIGHUP reloads too (nobody waits for it: poll the snapshot number).
rm "$L/consolidated-2019-sample.csv"
kill -HUP "$SPID"
i=0
while [ $i -lt 300 ]; do
  call GET /healthz -
  [ "$(jq .snapshot "$TMP/out")" = 4 ] && break
  sleep 0.1
  i=$((i + 1))
done
jq -e --arg v "$V1" '.snapshot == 4 and .lists == $v' "$TMP/out" >/dev/null || fail "SIGHUP reload: $(cat "$TMP/out")"

# The audit log holds a "lists" row per version; the reload counts.
call GET "/v1/audit?kind=lists" "$ADMIN_KEY"
jq -e --arg a "$V1" --arg b "$V3" '[.rows[].lists] | index($a) != null and index($b) != null' "$TMP/out" >/dev/null || fail "lists rows: $(head -c 300 "$TMP/out")"
call GET /metrics "$SCREEN_KEY"
grep -q 'embargo_snapshot_reloads_total{result="failed"} 2' "$TMP/out" || fail "failed reloads not counted"
grep -q 'embargo_snapshot_reloads_total{result="ok"} 3' "$TMP/out" || fail "good reloads not counted"
stop_server TERM
[ "$RC" = 0 ] || fail "exit $RC"

# A file already rejected at start does not block later reloads.
cp "$LISTS/invalid/csl-broken.csv" "$L/"
start_server --data "$L" || finish
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 200 "reload with a file rejected since start"
jq_true '.rejected_files == 1'
stop_server TERM
finish
