# embargo serve: refusals. Keys (401/403), bodies (413, 415), malformed
# JSON naming the position, invalid UTF-8, unknown fields and wrong types
# (400), unknown paths (404), wrong methods (405 with Allow), no audit
# log (503); and the start-up checks of the keys file.
. "$(dirname "$0")/serve_lib.sh"

# Start-up: no keys, a bad keys file (named with its line), a short secret.
expect_rc 2 $E serve --listen 127.0.0.1:0
grep -q 'without API keys' "$TMP/err" || fail "no keys: $(cat "$TMP/err")"
printf 'ok admin aaaaaaaaaaaaaaaaaaaa\nbad superuser bbbbbbbbbbbbbbbbbbbb\n' >"$TMP/badkeys"
chmod 600 "$TMP/badkeys"
expect_rc 3 $E serve --listen 127.0.0.1:0 --keys "$TMP/badkeys"
grep -q "badkeys:2: ROLE must be screen or admin" "$TMP/err" || fail "bad role: $(cat "$TMP/err")"
printf '# comment\n\nshort screen abc\n' >"$TMP/badkeys"
expect_rc 3 $E serve --listen 127.0.0.1:0 --keys "$TMP/badkeys"
grep -q "badkeys:3: SECRET must be 16" "$TMP/err" || fail "short secret: $(cat "$TMP/err")"
printf 'a screen aaaaaaaaaaaaaaaaaaaa\na admin bbbbbbbbbbbbbbbbbbbbbb\n' >"$TMP/badkeys"
expect_rc 3 $E serve --listen 127.0.0.1:0 --keys "$TMP/badkeys"
grep -q "badkeys:2: key ID 'a' given twice" "$TMP/err" || fail "duplicate id: $(cat "$TMP/err")"
expect_rc 2 $E serve --listen nowhere --insecure-no-auth
expect_rc 2 $E serve --insecure-no-auth --listen 0.0.0.0:0
grep -q "loopback only" "$TMP/err" || fail "insecure mode on a public address: $(cat "$TMP/err")"
expect_rc 2 $E serve --bogus
expect_rc 0 $E serve --help
grep -q -- '--max-body' "$TMP/out" || fail "help lacks --max-body"

start_server --max-body 4096 || finish
S=/v1/screen

# 401: no key, a wrong key, a malformed header; X-API-Key is accepted.
post $S - '{"name": "SMIC"}'
expect_error 401 EINVAL "no key"
grep -qi '^WWW-Authenticate: Bearer' "$TMP/hdr" || fail "401 without WWW-Authenticate"
post $S wrong-secret-0123456789abcdef '{"name": "SMIC"}'
expect_error 401 EINVAL "wrong key"
post $S - '{"name": "SMIC"}' -H "Authorization: Basic $SCREEN_KEY"
expect_error 401 EINVAL "not a bearer key"
post $S - '{"name": "SMIC"}' -H "X-API-Key: $SCREEN_KEY"
expect_code 200 "X-API-Key"
post $S - '{"name": "SMIC"}' -H "X-API-Key: $SCREEN_KEY"x
expect_error 401 EINVAL "X-API-Key with a wrong key"

# 403: the screen role on admin endpoints.
call POST /v1/lists/reload "$SCREEN_KEY"
expect_error 403 EINVAL "reload as screen"
call GET /v1/audit "$SCREEN_KEY"
expect_error 403 EINVAL "audit as screen"
call GET /v1/audit/verify "$SCREEN_KEY"
expect_error 403 EINVAL "verify as screen"

# 413: declared too big (refused before reading), and chunked past it.
python3 -c 'print("{\"name\": \"" + "A" * 5000 + "\"}")' >"$TMP/big"
post $S "$SCREEN_KEY" "@$TMP/big"
expect_error 413 ETOOBIG "oversized body"
post $S "$SCREEN_KEY" "@$TMP/big" -H 'Transfer-Encoding: chunked'
expect_error 413 ETOOBIG "oversized chunked body"
# A body at the limit is read whole (and then judged on its content).
python3 -c 'import sys; sys.stdout.write("{\"name\": \"" + "A" * 1000 + "\"" + " " * (4096 - 1012) + "}")' >"$TMP/limit"
[ "$(wc -c <"$TMP/limit")" = 4096 ] || fail "test body is not 4096 bytes"
post $S "$SCREEN_KEY" "@$TMP/limit"
expect_code 200 "body at the limit"

# 415: a body that is not declared JSON.
call POST $S "$SCREEN_KEY" --data-binary '{"name": "SMIC"}'
expect_error 415 EINVAL "form content type"
call POST $S "$SCREEN_KEY" -H 'Content-Type: text/plain' --data-binary '{"name": "SMIC"}'
expect_error 415 EINVAL "text/plain"
post $S "$SCREEN_KEY" '{"name": "SMIC"}' -H 'Content-Type: application/json; charset=utf-8'
expect_code 200 "json with charset"

# 400: malformed JSON names line, column and byte.
post $S "$SCREEN_KEY" '{"name": "SMIC",
  "limit": }'
expect_error 400 EPARSE "malformed JSON"
jq_true '.error.message | test("line 2, column [0-9]+ \\(byte [0-9]+\\)")'
post $S "$SCREEN_KEY" '{"name": "SMIC"'
expect_error 400 EPARSE "truncated JSON"
jq_true '.error.message | test("line 1")'
post $S "$SCREEN_KEY" ''
expect_error 400 EPARSE "empty body"
post $S "$SCREEN_KEY" '["SMIC"]'
expect_error 400 EINVAL "not an object"
post $S "$SCREEN_KEY" '{"name": "a", "name": "b"}'
expect_error 400 EPARSE "duplicate key"

# 400: invalid UTF-8 (raw bytes; an overlong form; a lone surrogate).
printf '{"name": "SM\377IC"}' >"$TMP/bad"
post $S "$SCREEN_KEY" "@$TMP/bad"
expect_error 400 EUTF8 "invalid UTF-8"
jq_true '.error.message | test("byte 12")'
printf '{"name": "\300\257"}' >"$TMP/bad"
post $S "$SCREEN_KEY" "@$TMP/bad"
expect_error 400 EUTF8 "overlong UTF-8"
printf '{"name": "\355\240\200"}' >"$TMP/bad"
post $S "$SCREEN_KEY" "@$TMP/bad"
expect_error 400 EUTF8 "surrogate"
post $S "$SCREEN_KEY" '{"name": "a\u0000b"}'
expect_error 400 EPARSE "NUL escape"

# 400: unknown fields and wrong types, named.
post $S "$SCREEN_KEY" '{"name": "SMIC", "fuzzy": true}'
expect_error 400 EINVAL "unknown field"
jq_true '.error.message | test("fuzzy")'
post $S "$SCREEN_KEY" '{"queries": [{"name": "SMIC", "nmae": "x"}]}'
expect_error 400 EINVAL "unknown field in a query"
jq_true '.error.message | test("queries\\[0\\]\\.unknown field .nmae.")'
post $S "$SCREEN_KEY" '{"name": 42}'
expect_error 400 EINVAL "name not a string"
post $S "$SCREEN_KEY" '{"name": ""}'
expect_error 400 EINVAL "empty name"
post $S "$SCREEN_KEY" '{"name": "SMIC", "limit": "5"}'
expect_error 400 EINVAL "limit as a string"
jq_true '.error.message | test("^limit")'
post $S "$SCREEN_KEY" '{"name": "SMIC", "limit": 0}'
expect_error 400 EINVAL "limit 0"
post $S "$SCREEN_KEY" '{"name": "SMIC", "threshold": 2}'
expect_error 400 EINVAL "threshold 2"
post $S "$SCREEN_KEY" '{"name": "SMIC", "country": "CHN"}'
expect_error 400 EINVAL "country of three letters"
post $S "$SCREEN_KEY" '{"name": "SMIC", "type": "robot"}'
expect_error 400 EINVAL "type robot"
post $S "$SCREEN_KEY" '{"name": "SMIC", "as_of": "2021-02-30"}'
expect_error 400 EINVAL "as_of 30 February"
post $S "$SCREEN_KEY" '{"name": "SMIC", "lists": "EL"}'
expect_error 400 EINVAL "lists not an array"
post $S "$SCREEN_KEY" '{"names": ["SMIC", 7]}'
expect_error 400 EINVAL "names[1] not a string"
jq_true '.error.message | test("names\\[1\\]")'
post $S "$SCREEN_KEY" '{"name": "SMIC", "names": ["x"]}'
expect_error 400 EINVAL "name and names"
post $S "$SCREEN_KEY" '{}'
expect_error 400 EINVAL "no name"
post $S "$SCREEN_KEY" '{"names": []}'
expect_error 400 EINVAL "empty batch"
python3 -c 'print("{\"name\": \"" + "A" * 1025 + "\"}")' >"$TMP/long"
post $S "$SCREEN_KEY" "@$TMP/long"
expect_error 400 ETOOBIG "name past 1024 bytes"
post /v1/compare "$SCREEN_KEY" '{"name1": "a"}'
expect_error 400 EINVAL "compare without name2"
post /v1/compare "$SCREEN_KEY" '{"name1": "a", "name2": "b", "extra": 1}'
expect_error 400 EINVAL "compare unknown field"
post /v1/check "$SCREEN_KEY" '{"items": [{"eccn": "EAR99"}], "destination": "CN", "colour": "red"}'
expect_code 400 "check unknown field"
jq_true '.error.message | test("unknown field")'
post /v1/check "$SCREEN_KEY" '{"items": '
expect_error 400 EPARSE "check malformed"
call GET "/v1/lists?x=1" "$SCREEN_KEY"
expect_error 400 EINVAL "lists with a parameter"

# 404 and 405.
call GET /v2/screen "$SCREEN_KEY"
expect_error 404 ENOTFOUND "unknown path"
call GET /v1/screen "$SCREEN_KEY"
expect_error 405 EINVAL "GET on screen"
grep -qi '^Allow: POST' "$TMP/hdr" || fail "405 without Allow: POST"
call DELETE /v1/lists "$ADMIN_KEY"
expect_code 405 "DELETE on lists"
grep -qi '^Allow: GET, HEAD' "$TMP/hdr" || fail "405 without Allow: GET, HEAD"

# 503: decisions and audit need --audit.
post /v1/decisions "$SCREEN_KEY" '{"query": "SMIC", "entity_id": "EL:smic", "decision": "true_match", "reviewer": "a"}'
expect_code 503 "decision without an audit log"
call GET /v1/audit "$ADMIN_KEY"
expect_code 503 "audit without an audit log"

# Errors are counted by endpoint and status.
call GET /metrics "$SCREEN_KEY"
grep -q 'embargo_requests_total{endpoint="/v1/screen",code="413"} 2' "$TMP/out" || fail "413s not counted"
grep -q 'embargo_requests_total{endpoint="/v1/screen",code="401"} 4' "$TMP/out" || fail "401s not counted: $(grep 401 "$TMP/out")"
stop_server TERM
[ "$RC" = 0 ] || fail "exit $RC after SIGTERM"

# --insecure-no-auth: anonymous, admin on loopback.
start_server --insecure-no-auth || finish
call POST /v1/lists/reload -
expect_code 200 "anonymous reload from loopback"
post $S - '{"name": "SMIC"}'
expect_code 200 "anonymous screen"
stop_server TERM
finish
