# The CLI contract of issue #2: help, exit codes, JSON shapes, stdin modes.
. "$(dirname "$0")/lib.sh"

for c in screen compare lists; do
  expect_rc 0 $E $c --help
  grep -q "usage: embargo $c" "$TMP/out" || fail "$c --help prints no usage"
  expect_rc 2 $E $c --no-such-option
done
expect_rc 2 $E
expect_rc 2 $E frobnicate
expect_rc 2 $E screen
expect_rc 2 $E screen --as-of 2021-02-30 SMIC
expect_rc 2 $E screen --limit 0 SMIC
expect_rc 2 $E screen --min-score 2 SMIC
expect_rc 2 $E screen --type robot SMIC
expect_rc 2 $E screen --country CHN SMIC
expect_rc 2 $E screen --format xml SMIC
expect_rc 3 $E screen --data /nonexistent/dir SMIC
expect_rc 3 $E lists --data "$SHARED/names"

# A file that is not a list is an error and nothing of it loads; the rest
# loads. --strict turns it into a failure.
printf 'hello,world\n1,2\n' >"$TMP/notalist.csv"
cp "$LISTS/bis/dpl.txt" "$TMP/dpl.txt"
expect_rc 0 $E lists --format json --data "$TMP"
jq_true '.rejected_files == 1 and (.sources | length) == 1 and .sources[0].format == "bis-dpl-tsv"'
grep -q "notalist.csv" "$TMP/err" || fail "rejected file not named on stderr"
expect_rc 3 $E lists --strict --data "$TMP"

# A FIFO given as --data is refused at once instead of blocking; a large
# file that is not a list costs only the probe of its first 64 KiB.
mkfifo "$TMP/fifo"
expect_rc 3 timeout 10 $E lists --data "$TMP/fifo"
grep -q "not a regular file" "$TMP/err" || fail "FIFO not refused by name"
mkdir "$TMP/big"
truncate -s 2G "$TMP/big/blob.bin" # sparse: no disk used
cp "$LISTS/bis/dpl.txt" "$TMP/big/"
expect_rc 0 timeout 10 $E lists --format json --data "$TMP/big"
jq_true '.rejected_files == 0 and (.sources | length) == 1'
rm -f "$TMP/big/blob.bin"

# compare: JSON shape, match exit code, CSV on stdin with RFC 4180 quoting.
expect_rc 1 $E compare --format json "Huawei Technologies Co., Ltd." "HUAWEI TECHNOLOGIES COMPANY LIMITED"
jq_true 'has("name1") and has("name2") and (.score >= 0.9) and .match == true and (.explain.pairs | length >= 1)'
expect_rc 0 $E compare --format json "Huawei Technologies" "Lockheed Martin"
jq_true '.match == false and .score < 0.5'
expect_rc 1 $E compare --type person --format json "SMITH, John" "John Smith"
jq_true '.score >= 0.99'
printf '%s\n' '"Smith, John",John Smith' 'Acme,Zenith' '"Multi' 'line, Co",x' >"$TMP/pairs.csv"
expect_rc 1 $E compare - <"$TMP/pairs.csv"
[ "$(wc -l <"$TMP/out")" = 3 ] || fail "compare - wrote $(wc -l <"$TMP/out") lines, wanted 3"
jq_all 'length == 3 and .[0].name1 == "Smith, John" and .[0].match and (.[1].match | not) and .[2].name1 == "Multi\nline, Co"'

# screen -: one JSON object per input line, in input order, errors inline.
printf 'SMIC\n\nHuawei\n' >"$TMP/names.txt"
printf 'bad \377 utf8\n' >>"$TMP/names.txt"
expect_rc 3 $E screen - <"$TMP/names.txt"
[ "$(wc -l <"$TMP/out")" = 4 ] || fail "screen - wrote $(wc -l <"$TMP/out") lines, wanted 4"
jq_all '.[0].query == "SMIC" and .[1].query == "" and .[2].query == "Huawei" and .[3].error.code == "EUTF8"'

# 100,000 lines on stdin, in order.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "Company %d Trading Limited\n", i }' >"$TMP/many.txt"
expect_rc 0 $E screen --data "$LISTS/bis" - <"$TMP/many.txt"
[ "$(wc -l <"$TMP/out")" = 100000 ] || fail "100k stdin lines gave $(wc -l <"$TMP/out") results"
[ "$(sed -n '99999p' "$TMP/out" | jq -r .query)" = "Company 99998 Trading Limited" ] || fail "stdin output out of order"

# lists on the real data: every format recognised, counts and hashes.
expect_rc 0 $E lists --format json --data "$LISTS"
jq_true '[.sources[].format] | (index("csl-csv") != null) and (index("ofac-sdn-csv") != null) and (index("ofac-cons-csv") != null) and (index("bis-dpl-tsv") != null) and (index("un-xml") != null)'
jq_true '[.sources[] | select(.path | endswith("consolidated-2026-07-31-reduced.csv"))][0].entities == 25921'
jq_true '[.sources[] | select(.format == "un-xml")][0].entities == 1003'
jq_true '[.sources[] | select(.format == "ofac-sdn-csv")][0].entities == 8976'
jq_true '[.sources[] | select(.path | endswith("consolidated-2023-11-30-partial.csv"))][0].skipped >= 1'
jq_true '[.sources[] | .sha256 | length == 64] | all'

finish
