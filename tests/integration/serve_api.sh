# embargo serve: every endpoint answers with the CLI's JSON shapes, the
# audit log records what was asked, decisions mark later hits, and the web
# page's files are served safely.
. "$(dirname "$0")/serve_lib.sh"
EX=$(dirname "$0")/../../examples
AUDIT=$TMP/audit.db
# Known owners for the 50% rules of /v1/check.
cat >"$TMP/owners.jsonl" <<'OWN'
{"format":"embargo-ownership","version":1,"source":"test fixture"}
{"entity":"Example Optics","owners":[{"name":"Huawei Technologies Co., Ltd.","share_pct":60}],"citation":"test fixture"}
OWN
start_server --audit "$AUDIT" --ownership "$TMP/owners.jsonl" || finish

# Health needs no key.
call GET /healthz -
expect_code 200 healthz
jq_true '.status == "ok" and (.lists | startswith("lists:")) and (.rules | startswith("rules:")) and .entities > 0 and .snapshot == 1 and .audit == true'

# One name: the same object as `embargo screen --format json`.
post /v1/screen "$SCREEN_KEY" '{"name": "SMIC"}'
expect_code 200 "screen SMIC"
cp "$TMP/out" "$TMP/api.json"
jq_true '.query == "SMIC" and ([.hits[] | select(.match and .list == "EL")] | length >= 1)'
grep -qi '^X-Embargo-Lists-Version: lists:' "$TMP/hdr" || fail "no X-Embargo-Lists-Version header"
"$E" screen --format json SMIC >"$TMP/cli.json"
jq -e --slurpfile c "$TMP/cli.json" '.hits | map(.entity_id, .score, .match) == ($c[0].hits | map(.entity_id, .score, .match))' "$TMP/api.json" >/dev/null ||
  fail "the API's hits differ from the CLI's"
jq_true '.hits[0] | has("explain") and has("entity_id") and has("matched_name") and has("score")'

# Options.
post /v1/screen "$SCREEN_KEY" '{"name": "Huawei Technologies", "lists": ["EL"], "limit": 2, "country": "CN", "type": "organization", "min_score": 0.5, "threshold": 0.9, "as_of": "2024-01-01"}'
expect_code 200 "screen with options"
jq_true '(.hits | length) <= 2 and ([.hits[] | select(.list != "EL")] | length == 0)'

# Batches: names (in order) and queries with their own options.
post /v1/screen "$SCREEN_KEY" '{"names": ["SMIC", "Nobody In Particular", "华为技术有限公司"], "limit": 3}'
expect_code 200 "batch names"
jq_true '(.results | length) == 3 and .results[0].query == "SMIC" and .results[1].query == "Nobody In Particular" and ([.results[1].hits[] | select(.match)] | length == 0) and ([.results[2].hits[] | select(.match)] | length >= 1)'
post /v1/screen "$SCREEN_KEY" '{"queries": [{"name": "SMIC", "lists": ["EL"]}, {"name": "Huawei", "limit": 1}]}'
expect_code 200 "batch queries"
jq_true '(.results | length) == 2 and ([.results[0].hits[] | select(.list != "EL")] | length == 0) and (.results[1].hits | length) <= 1'
# 1,000 names is the most a batch takes.
python3 -c 'import json; print(json.dumps({"names": ["Name %d" % i for i in range(1000)], "limit": 1}))' >"$TMP/b1000"
post /v1/screen "$SCREEN_KEY" "@$TMP/b1000"
expect_code 200 "batch of 1000"
jq_true '.results | length == 1000'
python3 -c 'import json; print(json.dumps({"names": ["n"] * 1001}))' >"$TMP/b1001"
post /v1/screen "$SCREEN_KEY" "@$TMP/b1001"
expect_error 400 ETOOBIG "batch of 1001"

# Compare: the CLI's compare object.
post /v1/compare "$SCREEN_KEY" '{"name1": "Huawei Technologies Co., Ltd.", "name2": "HUAWEI TECHNOLOGIES COMPANY LIMITED"}'
expect_code 200 compare
jq_true '.match == true and .score >= 0.84 and has("explain") and .name1 == "Huawei Technologies Co., Ltd."'
post /v1/compare "$SCREEN_KEY" '{"name1": "John Smith", "name2": "Jane Doe", "type": "person", "threshold": 0.9}'
expect_code 200 "compare persons"
jq_true '.match == false'

# Check: the determination JSON of `embargo check --format json`.
call POST /v1/check "$SCREEN_KEY" -H 'Content-Type: application/json' --data-binary "@$EX/smic-ear99-2021.json"
expect_code 200 check
jq_true '.overall == "license_required"'
"$E" check --format json "$EX/smic-ear99-2021.json" >"$TMP/cli.json"
jq -e --slurpfile c "$TMP/cli.json" '.overall == $c[0].overall and .as_of == $c[0].as_of' "$TMP/out" >/dev/null || fail "check differs from the CLI"
call POST "/v1/check?as_of=2020-09-01" "$SCREEN_KEY" -H 'Content-Type: application/json' --data-binary "@$EX/smic-ear99-2021.json"
expect_code 200 "check as_of"
jq_true '.overall == "no_license_required" and .as_of == "2020-09-01"'
# regime=: one determination per regime named; every regime is listed
# under considered; an unknown regime is refused.
call POST "/v1/check?regime=NL,US-EAR" "$SCREEN_KEY" -H 'Content-Type: application/json' --data-binary "@$EX/nl-scanner-smic-2024.json"
expect_code 200 "check regime"
jq_true '[.regimes[].regime] == ["US-EAR","NL"] and .overall == "license_required" and ([.considered[] | select(.regime == "CN")][0].applies == false)'
post "/v1/check?regime=US-EAR" "$SCREEN_KEY" '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics"}]}'
expect_code 200 "check with the server's ownership file"
jq_true '.overall == "license_required" and .regimes[0].reasons[0].kind == "ownership" and .regimes[0].reasons[0].ownership_chain[0].source == "ownership file"'
call POST "/v1/check?regime=XX" "$SCREEN_KEY" -H 'Content-Type: application/json' --data-binary "@$EX/nl-scanner-smic-2024.json"
expect_error 400 ENOTFOUND "check with an unknown regime"
call POST "/v1/check?as_of=2020-13-01" "$SCREEN_KEY" -H 'Content-Type: application/json' --data-binary "@$EX/smic-ear99-2021.json"
expect_error 400 EDATE "check with a bad as_of"
post /v1/check "$SCREEN_KEY" '{"items": [], "bogus": 1}'
expect_code 400 "check with a bad transaction"

# Lists: the CLI's lists object plus the version.
call GET /v1/lists "$SCREEN_KEY"
expect_code 200 lists
jq_true '(.version | startswith("lists:")) and .entities > 0 and (.sources | length) >= 1 and (.sources[0] | has("sha256"))'
V1=$(jq -r .version "$TMP/out")

# Reload (admin): same files, same version, next snapshot.
call POST /v1/lists/reload "$ADMIN_KEY"
expect_code 200 reload
jq_true '.status == "reloaded" and .snapshot == 2'
jq -e --arg v "$V1" '.version == $v and .previous_version == $v' "$TMP/out" >/dev/null || fail "a reload of the same files changed the version"

# Decisions: a false positive clears the hit in later results.
post /v1/decisions "$SCREEN_KEY" '{"query": "SMIC", "entity_id": "EL:smic", "decision": "false_positive", "reviewer": "Ann Analyst", "note": "test"}'
expect_code 201 decision
jq_true '.decision == "false_positive" and .entity_id == "EL:smic" and (.list_version | length == 64) and .caller == "bob" and .reviewer == "Ann Analyst"'
post /v1/screen "$SCREEN_KEY" '{"name": "smic"}'
jq_true '[.hits[] | select(.entity_id == "EL:smic")][0] | .cleared == true and .decision.decision == "false_positive"'
post /v1/decisions "$SCREEN_KEY" '{"query": "SMIC", "entity_id": "EL:no-such-entity", "decision": "true_match", "reviewer": "Ann"}'
expect_error 404 ENOTFOUND "decision on an unknown entity"
post /v1/decisions "$SCREEN_KEY" '{"query": "SMIC", "entity_id": "EL:smic", "decision": "maybe", "reviewer": "Ann"}'
expect_error 400 EINVAL "decision of an unknown kind"

# Audit (admin): every screening is a row, pages chain, formats.
call GET "/v1/audit?kind=screen&limit=2" "$ADMIN_KEY"
expect_code 200 audit
jq_true '(.rows | length) == 2 and .rows[0].kind == "screen" and .rows[0].caller == "bob" and .rows[0].request.name == "SMIC" and (.rows[0].lists | startswith("lists:")) and .more == true and .next_after == .rows[1].seq'
A=$(jq .next_after "$TMP/out")
call GET "/v1/audit?kind=screen&after=$A&limit=10000" "$ADMIN_KEY"
jq_true '.rows | length >= 5'
jq -e --argjson a "$A" 'all(.rows[]; .seq > $a)' "$TMP/out" >/dev/null || fail "audit paging returned old rows"
# Each name of a batch is a row: 3 + 2 + 1000 batch names.
call GET "/v1/audit?kind=screen&limit=10000" "$ADMIN_KEY"
jq_true '(.rows | length) >= 1006'
call GET "/v1/audit?kind=check" "$ADMIN_KEY"
jq_true '(.rows | length) == 4 and .rows[0].result.outcome == "license_required" and (.rows[0].rules | startswith("rules:"))'
call GET "/v1/audit?kind=decision" "$ADMIN_KEY"
jq_true '(.rows | length) == 1'
call GET "/v1/audit?format=jsonl&kind=compare" "$ADMIN_KEY"
expect_code 200 "audit jsonl"
jq_all 'length == 2 and all(.[]; .kind == "compare")'
grep -qi '^Content-Type: application/x-ndjson' "$TMP/hdr" || fail "jsonl content type"
call GET "/v1/audit?format=csv&since=2000-01-01&until=2999-01-01" "$ADMIN_KEY"
expect_code 200 "audit csv"
head -1 "$TMP/out" | grep -q '^seq,time,kind,caller' || fail "csv header: $(head -1 "$TMP/out")"
grep -qi '^Content-Type: text/csv' "$TMP/hdr" || fail "csv content type"
call GET "/v1/audit?format=xml" "$ADMIN_KEY"
expect_error 400 EINVAL "audit format xml"
call GET "/v1/audit?limit=10001" "$ADMIN_KEY"
expect_error 400 EINVAL "audit limit past 10000"
call GET "/v1/audit?bogus=1" "$ADMIN_KEY"
expect_error 400 EINVAL "audit unknown parameter"
call GET /v1/audit/verify "$ADMIN_KEY"
expect_code 200 verify
jq_true '.ok == true and .rows > 1000 and .bad_seq == 0'

# Metrics (any key): Prometheus text.
call GET /metrics "$SCREEN_KEY"
expect_code 200 metrics
for m in 'embargo_requests_total{endpoint="/v1/screen",code="200"}' \
  'embargo_request_duration_seconds_bucket{endpoint="/v1/screen",le="+Inf"}' \
  'embargo_lists_entities ' 'embargo_list_source_info{path=' \
  'embargo_snapshot_reloads_total{result="ok"} 1'; do
  grep -qF "$m" "$TMP/out" || fail "metrics lack $m"
done
call GET /metrics -
expect_code 401 "metrics without a key"

# The web page: no key, right types, nothing outside the web directory.
call GET / -
expect_code 200 "index.html"
grep -qi '^Content-Type: text/html' "$TMP/hdr" || fail "index.html type"
WEB=$(dirname "$0")/../../web
for f in "$WEB"/*; do
  n=$(basename "$f")
  call GET "/ui/$n" -
  expect_code 200 "/ui/$n"
  cmp -s "$f" "$TMP/out" || fail "/ui/$n differs from $f"
  case $n in
  *.js) grep -qi '^Content-Type: text/javascript' "$TMP/hdr" || fail "$n type" ;;
  *.css) grep -qi '^Content-Type: text/css' "$TMP/hdr" || fail "$n type" ;;
  esac
done
for p in /ui/../meson.build /ui/..%2fmeson.build /ui/%2e%2e/meson.build /ui//etc/passwd /ui/.hidden.js /ui/ /ui/missing.js /ui/x%00.js /ui/index.sh; do
  CODE=$(curl -s --path-as-is -o "$TMP/out" -w '%{http_code}' "$URL$p")
  expect_code 404 "traversal $p"
done
call HEAD /healthz -
expect_code 200 "HEAD healthz"

# SIGTERM: a clean stop; the audit log verifies afterwards.
stop_server TERM
[ "$RC" = 0 ] || fail "the server exited $RC after SIGTERM: $(tail -3 "$TMP/server.log")"
grep -q 'stopped' "$TMP/server.log" || fail "no 'stopped' in the log"
finish
