# embargo batch on the real lists: CSV and JSONL inputs, ids, bad rows
# with their line numbers, CSV output, the filter mode, --check, the
# summary and the report, and the exit codes.
. "$(dirname "$0")/lib.sh"

# jq_file FILTER FILE: the filter over all JSON lines of FILE, slurped.
jq_file() {
  r=$(jq -e -s "$1" "$2" 2>&1) || fail "jq -s '$1' gave '$r' on $(head -c 400 "$2")"
}
D="--data $LISTS/us-csl/consolidated-2026-07-31-reduced.csv --data $LISTS/ofac"
B="$E batch $D --quiet --threads 2"

# A customer file with a quoted comma, a Chinese name, an empty name
# (line 5), a broken quote (line 6), a bad country (line 7) and a quoted
# line break inside a field (row 7 spans lines 8-9).
cat >"$TMP/in.csv" <<'EOF'
cust_id,Company Name,cc
c1,SMIC,CN
c2,"Huawei Technologies Co., Ltd.",
c3,Bakery of John Smith,US
c4,,
c5,"broken "quote,US
c6,Banco Nacional de Cuba,Cuba
c7,"Banco Nacional
de Cuba",
c8,Zzyzx Pastry Collective,
EOF
expect_rc 1 $B --input "$TMP/in.csv" --output "$TMP/out.jsonl" \
  --name-column "company name" --id-column cust_id --country-column cc
[ -f "$TMP/out.jsonl.tmp" ] && fail "the temporary output is left behind"
[ -f "$TMP/out.jsonl.checkpoint" ] && fail "the checkpoint is left behind"
cp "$TMP/out.jsonl" "$TMP/out"
jq_all 'length == 5'
jq_all 'map(.id) == ["c1","c2","c3","c7","c8"]'
jq_all 'map(.row) == [1,2,3,7,8]'
jq_all '.[0].query == "SMIC" and ([.[0].hits[] | select(.match and .list == "CMIC")] | length) >= 1'
jq_all '.[2].hits | map(select(.match)) | length == 0'
jq_all 'all(.[]; has("id") and has("row") and has("query") and has("hits"))'
jq_all '[.[] | select(.id == "c7")][0].query == "Banco Nacional\nde Cuba"'
# The hits are in the screen shape: the same as `embargo screen` gives.
$E screen $D --format json --country CN SMIC >"$TMP/screen.json" 2>/dev/null
jq -c '.hits' "$TMP/screen.json" >"$TMP/h1"
jq -c 'select(.id == "c1") | .hits' "$TMP/out.jsonl" >"$TMP/h2"
cmp -s "$TMP/h1" "$TMP/h2" || fail "batch hits differ from screen's for SMIC"

# Bad rows: in the error file with their lines, and counted.
E1="$TMP/out.jsonl.errors.jsonl"
[ "$(wc -l <"$E1")" = 3 ] || fail "wanted 3 error lines: $(cat "$E1")"
jq_file '[.[].line] == [5,6,7]' "$E1"
jq_file '[.[].row] == [4,5,6]' "$E1"
jq_file '[.[].error.code] == ["EINVAL","EPARSE","EINVAL"]' "$E1"
jq_file 'all(.[]; .error.message | test("in.csv line [0-9]+: "))' "$E1"
S="$TMP/out.jsonl.summary.json"
jq_true '.rows == 8 and .screened == 5 and .errors == 3' "$S"
jq_true '.rows_with_matches >= 2 and .matches >= 2 and .matches_by_list.CMIC >= 1' "$S"
jq_true '(.score_histogram | length) == 20 and (.data | length) >= 2' "$S"
jq_true '.threshold == 0.84 and (.seconds | type) == "number"' "$S"

# CSV output: one line per hit, one line with empty hit fields without.
expect_rc 1 $B --input "$TMP/in.csv" --output "$TMP/out.csv" \
  --name-column "Company Name" --id-column cust_id
head -1 "$TMP/out.csv" | grep -qx 'id,row,name,entity_id,list,matched_name,score,match' ||
  fail "CSV header: $(head -1 "$TMP/out.csv")"
grep -q '^c3,3,Bakery of John Smith,,,,,$' "$TMP/out.csv" ||
  fail "no empty-hit line for c3: $(cat "$TMP/out.csv")"
grep -q '^c1,1,SMIC,[^,]*,CMIC,' "$TMP/out.csv" || fail "no CMIC line for SMIC"
n1=$(grep -c '^c2,2,"Huawei Technologies Co., Ltd.",' "$TMP/out.csv")
n2=$(jq -r 'select(.id == "c2") | .hits | length' "$TMP/out.jsonl")
[ "$n1" = "$n2" ] || fail "c2: $n1 CSV lines for $n2 hits"

# JSONL input, ids from a key (strings or numbers), bad lines.
cat >"$TMP/in.jsonl" <<'EOF'
{"ref": 17, "name": "Banco Nacional de Cuba"}
{"ref": "x2", "name": "Zzyzx Pastry Collective"}
not json
{"ref": "x4"}

{"ref": "x6", "name": 5}
{"ref": "x7", "name": "SMIC", "country": "CN"}
EOF
printf '{"ref":"x8","name":"\377"}\n' >>"$TMP/in.jsonl"
expect_rc 1 $B --input "$TMP/in.jsonl" --output "$TMP/j.jsonl" --id-column ref
cp "$TMP/j.jsonl" "$TMP/out"
jq_all 'map(.id) == ["17","x2","x7"] and map(.row) == [1,2,6]'
jq_file 'map(.line) == [3,4,6,8] and map(.error.code) == ["EPARSE","EPARSE","EPARSE","EUTF8"]' "$TMP/j.jsonl.errors.jsonl"

# Filter mode: stdin to stdout, errors to stderr as JSONL.
expect_rc 1 sh -c "$B --input - --input-format jsonl --output - --id-column ref < '$TMP/in.jsonl'"
jq_all 'map(.id) == ["17","x2","x7"]'
grep -c '"error"' "$TMP/err" | grep -qx 4 || fail "filter mode: errors on stderr: $(cat "$TMP/err")"
[ -e "$TMP/-" ] && fail "filter mode wrote a file named -"
# No matches at all: exit 0.
printf 'name\nZzyzx Pastry Collective\nQuuxbar Florists\n' >"$TMP/none.csv"
expect_rc 0 $B --input "$TMP/none.csv" --output "$TMP/none.jsonl"

# Usage and data errors.
expect_rc 2 $B --input "$TMP/in.csv"
expect_rc 2 $B --output "$TMP/x.jsonl"
expect_rc 2 $B --input - --output -
expect_rc 2 $B --input "$TMP/in.csv" --output "$TMP/x" --format xml
expect_rc 2 $B --input "$TMP/in.csv" --output - --resume
expect_rc 2 $B --input "$TMP/in.csv" --output "$TMP/x" --threads 0
expect_rc 3 $B --input "$TMP/in.csv" --output "$TMP/x.jsonl" --name-column nope
grep -q "no column 'nope'" "$TMP/err" || fail "missing column message: $(cat "$TMP/err")"
expect_rc 3 $B --input "$TMP/does-not-exist.csv" --output "$TMP/x.jsonl"

# --check: every JSONL row is a transaction; the determination of check.
expect_rc 1 $E batch --quiet --check --input "$EMBARGO_DATA_DIR/../examples/mixed.jsonl" \
  --output "$TMP/chk.jsonl"
n=$(grep -c . "$EMBARGO_DATA_DIR/../examples/mixed.jsonl")
cp "$TMP/chk.jsonl" "$TMP/out"
jq_all "length == $n and all(.[]; has(\"id\") and has(\"row\") and has(\"overall\"))"
$E check --jsonl "$EMBARGO_DATA_DIR/../examples/mixed.jsonl" >"$TMP/chk2.jsonl" 2>/dev/null
# (sed, not jq: jq would rewrite the numbers.)
sed 's/^{"id":"[0-9]*","row":[0-9]*,/{/' "$TMP/chk.jsonl" >"$TMP/chk1.jsonl"
cmp -s "$TMP/chk1.jsonl" "$TMP/chk2.jsonl" || fail "batch --check differs from check --jsonl"

# Progress: nothing on a pipe; a bar with rate and ETA on a terminal
# (util-linux `script` gives the run a pseudo-terminal).
python3 -c 'print("name"); [print("Zzyzx Quuxbar Florists %d" % i) for i in range(20000)]' >"$TMP/many.csv"
expect_rc 0 $E batch $D --threads 2 --input "$TMP/many.csv" --output "$TMP/many.jsonl"
grep -q "$(printf '\r')" "$TMP/err" && fail "progress drawn on a pipe"
grep -q "embargo batch: 20000 rows" "$TMP/err" || fail "no summary line: $(cat "$TMP/err")"
if command -v script >/dev/null 2>&1; then
  script -qec "$E batch $D --threads 1 --input '$TMP/many.csv' --output '$TMP/many.jsonl'" \
    /dev/null >"$TMP/tty.log" 2>&1
  grep -q "rows/s" "$TMP/tty.log" && grep -q "ETA" "$TMP/tty.log" ||
    fail "no progress bar on a terminal: $(head -c 300 "$TMP/tty.log")"
fi

# A full disk mid-run: exit 3 with a message, no hang.
expect_rc 3 sh -c "$E batch $D --quiet --threads 2 --input '$TMP/many.csv' --output - > /dev/full"
grep -q "cannot write" "$TMP/err" || fail "no write error message: $(cat "$TMP/err")"

# --check with ids from a key the transaction format does not know, a bad
# transaction and a line that is not JSON.
head -2 "$EMBARGO_DATA_DIR/../examples/mixed.jsonl" |
  jq -c '. + {ref: "T\(input_line_number)"}' >"$TMP/tx.jsonl"
printf '{"ref":"bad","items":[]}\ngarbage\n' >>"$TMP/tx.jsonl"
expect_rc 1 $E batch --quiet --check --input "$TMP/tx.jsonl" --output "$TMP/tx.out" \
  --id-column ref --format jsonl
cp "$TMP/tx.out" "$TMP/out"
jq_all 'map(.id) == ["T1","T2"] and map(.overall) == ["no_license_required","license_required"]'
jq_file 'map(.error.code) == ["ETXN","EPARSE"] and map(.id) == ["bad","4"]' "$TMP/tx.out.errors.jsonl"
expect_rc 2 $E batch --check --input "$TMP/in.csv" --output "$TMP/x.jsonl"

# The report: self-contained HTML with both charts, and no script.
expect_rc 1 $B --input "$TMP/in.csv" --output "$TMP/r.jsonl" --report "$TMP/r.html" \
  --name-column "Company Name"
grep -q '<svg' "$TMP/r.html" || fail "no SVG in the report"
[ "$(grep -c '<svg' "$TMP/r.html")" -ge 2 ] || fail "wanted two charts"
grep -qi '<script' "$TMP/r.html" && fail "the report has a script"
grep -q 'CMIC' "$TMP/r.html" || fail "the report does not name the CMIC list"

# --audit: one "batch" row ties the output file to the chained log by its
# SHA-256, with the input's digest and the summary; editing the output
# afterwards shows against the row.
expect_rc 1 $B --input "$TMP/in.csv" --output "$TMP/au.jsonl" \
  --name-column "Company Name" --audit "$TMP/au.db"
expect_rc 0 $E audit export --audit "$TMP/au.db" --kind batch
out_sum=$(sha256sum "$TMP/au.jsonl" | cut -d' ' -f1)
in_sum=$(sha256sum "$TMP/in.csv" | cut -d' ' -f1)
jq_true ".result.output_sha256 == \"$out_sum\" and .request.input_sha256 == \"$in_sum\" and .result.summary.rows > 0 and (.lists | startswith(\"lists:\"))"
expect_rc 0 $E audit verify --audit "$TMP/au.db"
echo '{"id":"forged"}' >> "$TMP/au.jsonl"
[ "$(sha256sum "$TMP/au.jsonl" | cut -d' ' -f1)" != "$out_sum" ] ||
  fail "an edited output kept its digest"

finish
