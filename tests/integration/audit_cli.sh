# The audit log through the CLI (docs/audit.md): --audit on screen,
# compare and check, verify naming the row after each kind of tampering
# (done with the sqlite3 CLI), decisions marking later results, head and
# the examiners' export.
. "$(dirname "$0")/lib.sh"
L=$TMP/audit.db
EX=$(dirname "$0")/../../examples

# --- Recording. ---
expect_rc 1 "$E" screen --audit "$L" --format json SMIC
jq_true '.hits[0].entity_id == "EL:smic" and (.hits[0] | has("decision") | not)'
expect_rc 0 "$E" screen --audit "$L" --list EL --limit 3 "Totally Unrelated Bakery"
expect_rc 1 "$E" compare --audit "$L" "Huawei Technologies Co., Ltd." "HUAWEI TECHNOLOGIES COMPANY LIMITED"
expect_rc 1 "$E" check --audit "$L" --format json "$EX/smic-ear99-2021.json"
printf 'SMIC\nHuawei\n\377bad\n' >"$TMP/names"
expect_rc 3 "$E" screen --audit "$L" - <"$TMP/names"
expect_rc 0 "$E" audit verify --audit "$L"
grep -q '^intact: 9 rows' "$TMP/out" || fail "verify: $(cat "$TMP/out")"

expect_rc 0 "$E" audit export --audit "$L"
# One "lists" row (the same lists every time), one "rules" row, 5
# screenings (one of them an error), one comparison, one determination.
jq_all 'map(.kind) == ["lists","screen","screen","compare","rules","check","screen","screen","screen"]'
jq_all '[.[] | select(.kind=="lists")] | length == 1'
jq_all '[.[] | select(.kind=="rules")] | length == 1'
jq_all '[.[] | select(.kind=="screen")] | length == 5'
jq_all '[.[] | select(.kind=="compare" or .kind=="check")] | length == 2'
jq_all '[.[].seq] == [range(1; 10)]'
jq_all '.[0].prev_hash == ("0" * 64) and all(.[]; .hash | test("^[0-9a-f]{64}$"))'
jq_all '[.[] | select(.kind=="screen")][0] | .request.name == "SMIC" and .request.options.threshold == 0.84 and (.lists | test("^lists:[0-9a-f]{16}$"))'
# The compact result: four fields per hit, no explanation.
jq_all '[.[] | select(.kind=="screen")][0].result.hits | length > 0 and all(.[]; keys == ["entity_id","list","match","score"])'
jq_all '[.[] | select(.kind=="screen" and .request.line == 3)][0].result.error.code == "EUTF8"'
jq_all '[.[] | select(.kind=="lists")][0].result.sources[0].sha256 | test("^[0-9a-f]{64}$")'
jq_all '[.[] | select(.kind=="check")][0] | .rules | test("^rules:")'
jq_all 'all(.[]; .caller | test("^cli(:.+)?$"))'
jq_all 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$"))'

# --- Head. ---
expect_rc 0 "$E" audit head --audit "$L"
last=$(sqlite3 "$L" "SELECT seq || ' ' || hash FROM events ORDER BY seq DESC LIMIT 1")
[ "$(cat "$TMP/out")" = "$last" ] || fail "head '$(cat "$TMP/out")' is not the last row '$last'"

# verify --head: the published head must still be in the chain.
expect_rc 0 "$E" audit verify --audit "$L" --head "$last"
expect_rc 2 "$E" audit verify --audit "$L" --head "1 nothex"
cp "$L" "$TMP/forged.db"
sqlite3 "$TMP/forged.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
h1=$(sqlite3 "$TMP/forged.db" "SELECT hash FROM events WHERE seq=1")
expect_rc 1 "$E" audit verify --audit "$TMP/forged.db" --head "1 $(printf '%064d' 1)"
grep -q "row 1: hash differs from the published head" "$TMP/out" || fail "verify --head: $(cat "$TMP/out")"
expect_rc 0 "$E" audit verify --audit "$TMP/forged.db" --head "1:$h1"

# --- Export filters and formats. ---
expect_rc 0 "$E" audit export --audit "$L" --kind check
jq_all 'length == 1 and .[0].kind == "check" and (.[0].request.transaction | type == "object")'
expect_rc 0 "$E" audit export --audit "$L" --since 2999-01-01
[ -s "$TMP/out" ] && fail "export --since in the future is not empty"
expect_rc 0 "$E" audit export --audit "$L" --until 2000-01-01T00:00Z --format csv
[ "$(wc -l <"$TMP/out")" = 1 ] || fail "csv export of nothing is not just a header"
today=$(date -u +%Y-%m-%d)
expect_rc 0 "$E" audit export --audit "$L" --since "$today" --format csv --output "$TMP/x.csv"
head -1 "$TMP/x.csv" | grep -q '^seq,time,kind,caller,request,result,lists,rules,prev_hash,hash' || fail "csv header"
# Nine rows, each one CSV record (JSON quoted): python's csv module counts.
n=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$TMP/x.csv")
[ "$n" = 9 ] || fail "csv export has $n records, want 9"
expect_rc 2 "$E" audit export --audit "$L" --since yesterday
expect_rc 2 "$E" audit export --audit "$L" --format xml
expect_rc 2 "$E" audit export --audit "$L" --reviewer x
expect_rc 3 "$E" audit export --audit "$TMP/none.db"
[ -e "$TMP/none.db" ] && fail "export created a log"

# --- Decisions. ---
expect_rc 0 "$E" audit decide --audit "$L" --query "smic" --entity EL:smic --decision false_positive --reviewer alice --note "the foundry's customer, not SMIC"
jq_true '.list_version | test("^[0-9a-f]{64}$")'
expect_rc 1 "$E" screen --audit "$L" --format json "S.M.I.C."
jq_true '.hits[] | select(.entity_id=="EL:smic") | .cleared == true and .decision.reviewer == "alice" and .decision.decision == "false_positive"'
jq_true '[.hits[] | select(.entity_id!="EL:smic") | has("cleared")] | any | not'
# Without --audit nothing is marked; another name is not marked.
expect_rc 1 "$E" screen --format json SMIC
jq_true '[.hits[] | has("decision")] | any | not'
expect_rc 1 "$E" screen --audit "$L" --format json "SMIC Beijing"
jq_true '[.hits[] | has("cleared")] | any | not'
# A decision on another list version does not mark this one.
expect_rc 0 "$E" audit decide --audit "$L" --query "Huawei" --entity EL:huawei --decision false_positive --reviewer bob --list-version "$(printf '%064d' 0)"
expect_rc 1 "$E" screen --audit "$L" --format json Huawei
jq_true '[.hits[] | has("cleared")] | any | not'
# true_match is shown, not cleared; the table shows the decision.
expect_rc 0 "$E" audit decide --audit "$L" --query "Huawei" --entity EL:huawei --decision true_match --reviewer bob
expect_rc 1 "$E" screen --audit "$L" Huawei
grep -q 'decision: true_match by bob' "$TMP/out" || fail "table lacks the decision: $(head -c 600 "$TMP/out")"
expect_rc 2 "$E" audit decide --audit "$L" --query SMIC --entity EL:smic --decision maybe --reviewer a
expect_rc 2 "$E" audit decide --audit "$L" --query SMIC --entity EL:smic --decision true_match
expect_rc 3 "$E" audit decide --audit "$L" --query SMIC --entity EL:nope --decision true_match --reviewer a
expect_rc 0 "$E" audit export --audit "$L" --kind decision
jq_all 'length == 3 and .[0].request.query_key == "smic" and .[0].result.reviewer == "alice"'
expect_rc 0 "$E" audit verify "$L"
# The decisions index is not chained: an entry edited to turn the true
# match into a cleared false positive changes no result, and verify names
# the row; so does an entry deleted.
cp "$L" "$TMP/dec.db"
sqlite3 "$TMP/dec.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
dseq=$(sqlite3 "$TMP/dec.db" "SELECT seq FROM decisions WHERE reviewer='bob' AND decision='true_match'")
sqlite3 "$TMP/dec.db" "UPDATE decisions SET decision='false_positive' WHERE seq=$dseq"
expect_rc 1 "$E" screen --audit "$TMP/dec.db" --format json Huawei
jq_true '[.hits[] | has("cleared")] | any | not'
expect_rc 1 "$E" audit verify "$TMP/dec.db"
grep -q "row $dseq: its entry in the decisions index does not match" "$TMP/out" ||
  fail "verify after a decisions edit: $(cat "$TMP/out")"
sqlite3 "$TMP/dec.db" "DELETE FROM decisions WHERE seq=$dseq"
expect_rc 1 "$E" audit verify "$TMP/dec.db"
grep -q "row $dseq: the decision has no entry in the decisions index" "$TMP/out" ||
  fail "verify after a decisions delete: $(cat "$TMP/out")"

# --- Two processes appending to one log at once: one chain. ---
C=$TMP/concurrent.db
awk 'BEGIN { for (i = 0; i < 3000; i++) print "Huawei " i }' >"$TMP/many"
"$E" screen --audit "$C" - <"$TMP/many" >/dev/null 2>&1 &
p1=$!
"$E" screen --audit "$C" - <"$TMP/many" >/dev/null 2>&1 &
p2=$!
wait "$p1"
wait "$p2"
expect_rc 0 "$E" audit verify --audit "$C"
[ "$(sqlite3 "$C" "SELECT count(*) FROM events WHERE kind='screen'")" = 6000 ] || fail "two appenders: $(sqlite3 "$C" "SELECT count(*) FROM events WHERE kind='screen'") screen rows, want 6000"

# --- Not an audit log, usage. ---
echo "not a database" >"$TMP/text.db"
expect_rc 3 "$E" audit verify --audit "$TMP/text.db"
expect_rc 3 "$E" audit verify --audit "$TMP/missing.db"
expect_rc 3 "$E" screen --audit "$TMP/text.db" SMIC
expect_rc 2 "$E" audit
expect_rc 2 "$E" audit frobnicate --audit "$L"
expect_rc 2 "$E" audit verify
expect_rc 0 "$E" audit --help

# --- Tampering, each on a fresh copy; verify names the row. ---
# tamper SQL WANT: runs SQL on a copy of the log; verify must exit 1 and
# its message contain WANT.
tamper() {
  cp "$L" "$TMP/t.db"
  sqlite3 "$TMP/t.db" "$1" || fail "sqlite3 $1"
  expect_rc 1 "$E" audit verify --audit "$TMP/t.db"
  grep -q "$2" "$TMP/out" || fail "after '$1': '$(cat "$TMP/out")' does not say '$2'"
  rm -f "$TMP/t.db" "$TMP/t.db-wal" "$TMP/t.db-shm"
}
# The log is checkpointed into the main file first, so cp copies it all.
sqlite3 "$L" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
tamper "UPDATE events SET result='{\"query\":\"SMIC\",\"hits\":[]}' WHERE seq=2" "row 2: content hash mismatch"
tamper "DELETE FROM events WHERE seq=4" "row 4 missing"
tamper "UPDATE events SET (time,kind,caller,request,result,lists,rules,prev_hash,hash)=(SELECT time,kind,caller,request,result,lists,rules,prev_hash,hash FROM events e WHERE e.seq=IIF(events.seq=5,6,5)) WHERE seq IN (5,6)" "row 5: content hash mismatch"
tamper "DELETE FROM events WHERE seq > 8" "truncated"
tamper "DELETE FROM events WHERE seq = 3; UPDATE events SET seq = seq - 1 WHERE seq > 3" "row 3: content hash mismatch"
expect_rc 0 "$E" audit verify --format json --audit "$L"
jq_true ".intact == true and .bad_seq == 0"
finish
