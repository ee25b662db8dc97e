#!/bin/sh
# embargo rescreen between the 2023 and 2026 CSL files, checked against a
# brute-force full screen of both versions (docs/lists-diff.md).
. "$(dirname "$0")/lib.sh"
CSL=$LISTS/us-csl
V23=$CSL/consolidated-2023-11-30-partial.csv
V26=$CSL/consolidated-2026-07-31-reduced.csv
FIX=${EMBARGO_TEST_DATA:?}/diff
HERE=$(dirname "$0")

expect_rc 2 "$E" rescreen --old "$V23" --new "$V26"
expect_rc 2 "$E" rescreen --input x.csv --old "$V23" --new "$V26" --format xml
expect_rc 0 "$E" rescreen --help

# Fixtures: each kind of result change, in CSV and JSONL input.
printf 'id,name,cc\nA1,Omega Exchange,AF\nA2,Old Havana Shipping,\nA3,Gamma Electronics Co,\nA4,Alpha Trading LLC,\n' >"$TMP/c.csv"
expect_rc 1 "$E" rescreen --input "$TMP/c.csv" --id-column id --country-column cc --old "$FIX/old.csv" --new "$FIX/new.csv"
jq_all 'map(.id + " " + .change) | sort == ["A1 new_hit","A2 hit_gone","A3 hit_changed"]'
jq_all 'map(select(.id == "A3"))[0].entity_fields == ["license_policy","citation"]'
printf '{"name":"Omega Exchange"}\n{"name":"Nobody Special"}\n' >"$TMP/c.jsonl"
expect_rc 1 "$E" rescreen --input "$TMP/c.jsonl" --old "$FIX/old.csv" --new "$FIX/new.csv" --format csv --output "$TMP/o.csv"
[ "$(sed -n 2p "$TMP/o.csv" | cut -d, -f1-4)" = "1,1,Omega Exchange,new_hit" ] ||
  fail "csv output: $(cat "$TMP/o.csv")"
[ -e "$TMP/o.csv.tmp" ] && fail "temporary output left behind"
# No changed customer: exit 0, nothing printed.
printf 'name\nAlpha Trading LLC\n' >"$TMP/n.csv"
expect_rc 0 "$E" rescreen --input "$TMP/n.csv" --old "$FIX/old.csv" --new "$FIX/new.csv"
[ -s "$TMP/out" ] && fail "output for an unchanged customer"
# A bad row is reported with its line, and the run goes on.
printf 'name\n"Omega Exchange\n' >"$TMP/b.csv"
expect_rc 3 "$E" rescreen --input "$TMP/b.csv" --old "$FIX/old.csv" --new "$FIX/new.csv"
grep -q 'line 2' "$TMP/err" || fail "bad row not reported with its line: $(cat "$TMP/err")"

# Real data: a sample of about 3,000 customers, names taken from both list
# versions (so that hits come and go) and from the negatives samples.
python3 - "$V23" "$V26" "$SHARED/names" "$TMP/cust.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
v23, v26, names_dir, out = sys.argv[1:5]
names = []
for path, step in ((v23, 5), (v26, 20)):
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, r in enumerate(csv.DictReader(f)):
            n = (r.get("name") or "").strip()
            if i % step == 0 and n and n != "name":
                names.append(n)
for f in ("negatives-sample-us.csv", "negatives-sample-global.csv"):
    with open(names_dir + "/" + f, encoding="utf-8") as fh:
        names += [r["full_name"] for r in list(csv.DictReader(fh))[:500]]
with open(out, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "name"])
    for i, n in enumerate(names):
        w.writerow(["C%05d" % i, n])
PY
expect_rc 1 "$E" lists diff --format jsonl "$V23" "$V26"
cp "$TMP/out" "$TMP/diff.jsonl"
expect_rc 1 "$E" rescreen --input "$TMP/cust.csv" --id-column id --old "$V23" --new "$V26" --output "$TMP/rs.jsonl"
jq -e -s 'length > 1000' "$TMP/rs.jsonl" >/dev/null || fail "too few result changes"
python3 "$HERE/rescreen_check.py" "$E" "$V23" "$V26" "$TMP/cust.csv" "$TMP/rs.jsonl" "$TMP/diff.jsonl" 0.05 >"$TMP/check" 2>"$TMP/check.err" ||
  fail "rescreen differs from a full screen: $(cat "$TMP/check") $(head -c 2000 "$TMP/check.err")"
cat "$TMP/check"

finish
