#!/bin/sh
# `embargo lists update` refuses what it should, keeps the last good lists
# and says which file failed which check: truncated, corrupted, wrong
# format, HTML error page, collapsed row count, 404/500, timeout, too big,
# bad redirects, a broken file in the OFAC group, a locked destination,
# non-loopback plain http; then a partial success; and usage errors.
. "$(dirname "$0")/update_lib.sh"

make_sources "$TMP/s.json"
expect_rc 0 upd "$TMP/s.json"
jq_true '.updated == 10'
# A second version of the CSL so that .previous is not empty either.
cp "$LISTS/us-csl/consolidated-2026-07-31-reduced.csv" "$SRV/us-csl.csv"
expect_rc 0 upd "$TMP/s.json" --only us-csl
jq_true '.updated == 1'
snap=$(snapshot)

# refused NAME CHECKS FILTER [make_sources overrides...] [-- upd args]:
# the update exits 3, FILE failed with one of CHECKS (a jq array), its
# reason names it, and the destination is exactly as before.
refused() {
  file=$1 checks=$2
  shift 2
  over=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    over="$over $1"
    shift
  done
  [ "${1:-}" = -- ] && shift
  # shellcheck disable=SC2086
  make_sources "$TMP/r.json" $over
  expect_rc 3 upd "$TMP/r.json" "$@"
  file_is "$file" ".state == \"failed\" and (.check as \$c | $checks | index(\$c))
    and (.reason | contains(\"$file\"))"
  grep -q "$file failed check" "$TMP/err" || fail "no reason on stderr for $file: $(cat "$TMP/err")"
  [ "$(snapshot)" = "$snap" ] || fail "the destination changed after refusing $file ($over)"
}

# Cut in the middle of the transfer: fewer bytes than Content-Length.
refused us-csl.csv '["size"]' us-csl.csv=truncate/us-csl.csv -- --only us-csl
jq_true '.files[0].reason | test("ended early|Content-Length")'
# A file that is itself cut in the middle (the XML does not close).
head -c 1000000 "$SRV/un-consolidated.xml" >"$SRV/un-cut.xml"
refused un-consolidated.xml '["load", "format"]' un-consolidated.xml=ok/un-cut.xml -- --only un-sc
# Garbage bytes.
head -c 300000 /dev/urandom >"$SRV/garbage.csv"
refused us-csl.csv '["format", "load"]' us-csl.csv=ok/garbage.csv -- --only us-csl
# An HTML error page served with 200.
refused us-csl.csv '["format"]' us-csl.csv=html/us-csl.csv -- --only us-csl
# A valid list of another format than expected.
refused us-csl.csv '["format"]' us-csl.csv=ok/un-consolidated.xml -- --only us-csl
jq_true '.files[0].reason | test("recognised as un-xml, not the expected csl-csv")'
# A valid CSL with 1% of the rows: suspicious.
n=$(($(wc -l <"$SRV/us-csl.csv") / 100))
head -n "$n" "$SRV/us-csl.csv" >"$SRV/us-csl-1pct.csv"
refused us-csl.csv '["ratio"]' us-csl.csv=ok/us-csl-1pct.csv -- --only us-csl
jq_true '.files[0].reason | test("suspicious")'
# ... which --min-ratio 0 would let through (so the check is what refused).
make_sources "$TMP/r.json" us-csl.csv=ok/us-csl-1pct.csv
expect_rc 0 upd "$TMP/r.json" --only us-csl --min-ratio 0 --dry-run
file_is us-csl.csv '.state == "validated"'
# HTTP errors, a timeout, a size limit.
refused us-csl.csv '["http"]' us-csl.csv=status/404 -- --only us-csl
file_is us-csl.csv '.http_status == 404 and (.reason | test("HTTP 404"))'
refused un-consolidated.xml '["http"]' un-consolidated.xml=status/500 -- --only un-sc
refused us-csl.csv '["timeout"]' us-csl.csv=slow/us-csl.csv -- --only us-csl --timeout 2
refused us-csl.csv '["size"]' us-csl.csv=plain/us-csl.csv -- --only us-csl --max-size 100000
jq_true '.files[0].reason | test("larger than the limit of 100000 bytes")'
# Redirects: followed on loopback; refused when they leave it over plain
# http; a loop is cut.
make_sources "$TMP/r.json" us-csl.csv=redirect/us-csl.csv
expect_rc 0 upd "$TMP/r.json" --only us-csl
file_is us-csl.csv '.state == "unchanged"'
refused us-csl.csv '["url"]' us-csl.csv=redirect-out/us-csl.csv -- --only us-csl
jq_true '.files[0].reason | test("loopback")'
refused us-csl.csv '["http"]' us-csl.csv=loop/0 -- --only us-csl
# One broken file of the OFAC group refuses the whole group.
refused alt.csv '["format", "load"]' alt.csv=ok/garbage.csv -- --only ofac-sdn
file_is sdn.csv '.state == "failed" and (.reason | test("group ofac-sdn refused: alt.csv"))'
jq_true '[.files[] | select(.group == "ofac-sdn")] | length == 4 and all(.state == "failed")'
refused cons_alt.csv '["http"]' cons_alt.csv=status/404 -- --only ofac-cons

# A locked destination: a second update does not run.
flock "$DEST/.lock" sleep 3 &
LOCKER=$!
sleep 0.5
expect_rc 3 upd "$TMP/s.json"
grep -q "another update of this directory is running" "$TMP/err" ||
  fail "no lock message: $(cat "$TMP/err")"
jq_true '.error.code == "EIO"'
wait "$LOCKER"

# Plain http to a host that is not loopback is refused in the sources.
sed "s|http://127.0.0.1:$PORT|http://example.com|" "$TMP/s.json" >"$TMP/bad.json"
expect_rc 3 upd "$TMP/bad.json"
grep -q "plain http is allowed only to a loopback host" "$TMP/err" ||
  fail "non-loopback http not refused: $(cat "$TMP/err")"
[ "$(snapshot)" = "$snap" ] || fail "the destination changed after refusals"

# Partial success: the CSL fails, a new UN file goes in; exit 3.
printf '<!-- a later edition -->\n' >>"$SRV/un-consolidated.xml"
make_sources "$TMP/r.json" us-csl.csv=status/500
expect_rc 3 upd "$TMP/r.json"
file_is un-consolidated.xml '.state == "updated"'
file_is us-csl.csv '.state == "failed" and .check == "http"'
jq_true '.updated == 1 and .failed == 1 and .unchanged == 8'
cmp -s "$SRV/un-consolidated.xml" "$DEST/un-consolidated.xml" || fail "UN not updated"
expect_rc 0 "$E" lists --data "$DEST" --strict --format json

# Usage errors exit 2.
expect_rc 2 "$E" lists update --dest "$DEST" --sources "$TMP/s.json" --min-ratio 2
expect_rc 2 "$E" lists update --dest "$DEST" --sources "$TMP/s.json" --timeout 0
expect_rc 2 "$E" lists update --dest "$DEST" --sources "$TMP/s.json" --only nosuch
expect_rc 2 "$E" lists update --dest "$DEST" --sources "$TMP/s.json" --format csv
expect_rc 2 "$E" lists update --dest "$DEST" extra
expect_rc 2 "$E" lists update --bogus
expect_rc 0 "$E" lists update --help
grep -q -- "--min-ratio" "$TMP/out" || fail "--help does not list --min-ratio"
# A sources file that does not parse is a data error naming the place.
printf '{"sources": [{"id": "x"}]}' >"$TMP/broken.json"
expect_rc 3 "$E" lists update --dest "$DEST" --sources "$TMP/broken.json"
grep -q 'sources\[0\]: field "url" is missing' "$TMP/err" ||
  fail "sources error does not name the field: $(cat "$TMP/err")"
finish
