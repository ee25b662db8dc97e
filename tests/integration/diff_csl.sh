#!/bin/sh
# embargo lists diff on the real CSL files of 2019, 2023 and 2026 and on the
# handmade fixtures (docs/lists-diff.md).
. "$(dirname "$0")/lib.sh"
CSL=$LISTS/us-csl
V19=$CSL/consolidated-2019-sample.csv
V23=$CSL/consolidated-2023-11-30-partial.csv
V26=$CSL/consolidated-2026-07-31-reduced.csv
FIX=${EMBARGO_TEST_DATA:?}/diff

# Usage and data errors.
expect_rc 2 "$E" lists diff "$V19"
expect_rc 2 "$E" lists diff --format xml "$V19" "$V23"
expect_rc 3 "$E" lists diff "$V19" "$TMP/nothing-here"
expect_rc 0 "$E" lists diff --help

# A version against itself: no difference, exit 0.
expect_rc 0 "$E" lists diff --format jsonl "$V23" "$V23"
jq_all 'length == 1 and .[0].total == {"added":0,"removed":0,"changed":0}'

# Fixtures: one change of every type (the unit test checks each field).
expect_rc 1 "$E" lists diff --format jsonl "$FIX/old.csv" "$FIX/new.csv"
jq_all '[.[] | select(.change)] | length == 10'
jq_all '.[-1].summary.SDN == {"added":1,"removed":1,"changed":3,"unchanged":1}'
jq_all '[.[] | select(.entity_id == "SDN:1002")][0].fields.name == {"old":"KARIMI, Reza","new":"KARIMI, Reza Ali"}'
jq_all '[.[] | select(.change == "changed" and .name == "Gamma Electronics Co.")][0].fields.license_policy.new == "Policy of denial."'
jq_all '.[-1].not_compared | map(.list + " " + .field) == ["DTC addresses","DTC countries","UVL remarks"]'
expect_rc 1 "$E" lists diff "$FIX/old.csv" "$FIX/new.csv"
grep -q '^SDN: 1 added, 1 removed, 3 changed, 1 unchanged' "$TMP/out" ||
  fail "table: no SDN count line"
grep -q '^  + OMEGA EXCHANGE' "$TMP/out" || fail "table: OMEGA EXCHANGE not added"
expect_rc 1 "$E" lists diff --format json --list EL "$FIX/old.csv" "$FIX/new.csv"
jq_true '(.changes | length) == 5 and (.summary | keys) == ["EL"]'

# 2019 -> 2026: SMIC (Dec 2020) and YMTC (Dec 2022) were added to the
# Entity List; the 2019 sample's Huawei affiliate written "Gui'an ...,
# Guiyang, Guizhou" (a stray control character for the apostrophe) has no
# number and another name in 2026, so it shows as removed.
expect_rc 1 "$E" lists diff --format jsonl --list EL "$V19" "$V26"
jq_all '[.[] | select(.change == "added") | .name] | any(.[]; . == "Semiconductor Manufacturing International Corporation (SMIC)")'
jq_all '[.[] | select(.change == "added") | .name] | any(.[]; . == "Yangtze Memory Technologies Co., Ltd.")'
jq_all '[.[] | select(.change == "removed") | .name] | any(.[]; startswith("Gui") and endswith("New District Huawei Investment Co., Ltd., Guiyang, Guizhou"))'

# 2023 -> 2026: the reduced file's empty dates and remarks and its
# country-only addresses are reported once per list, not per entity.
expect_rc 1 "$E" lists diff --format jsonl "$V23" "$V26"
jq_all '.[-1].not_compared | map(select(.list == "EL") | .field) | (["start_date","remarks","addresses"] - .) == []'
jq_all '[.[] | select(.change == "changed") | .fields | keys[] | select(. == "addresses" or . == "remarks" or . == "start_date")] | length == 0'
# Treasury entries keep their numbers: CMIC did not change at all.
jq_all '.[-1].summary.CMIC == {"added":0,"removed":0,"changed":0,"unchanged":68}'
# Most Entity List entries of 2023 are found again in 2026.
jq_all '.[-1].summary.EL.removed < 50 and .[-1].summary.EL.unchanged > 500'
# The counts add up to the changes printed.
jq_all '([.[] | select(.change == "added")] | length) == .[-1].total.added'
# Every change names its list and entity.
jq_all 'map(select(.change) | (.list != null and .entity_id != null and .name != null)) | all'

finish
