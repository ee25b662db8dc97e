# Screening the real lists in ../shared/data/lists: known hits, known
# non-hits, typos and word order.
. "$(dirname "$0")/lib.sh"
D="--data $LISTS"

# SMIC's CMIC entry, by its long name with abbreviations and by "SMIC".
expect_rc 1 $E screen $D --format json "Semiconductor Manufacturing Intl Corp"
jq_true '[.hits[] | select(.match and .list == "CMIC" and (.name | test("Semiconductor Manufacturing International Corporation"; "i")))] | length >= 1'
expect_rc 1 $E screen $D --format json "SMIC"
jq_true '[.hits[] | select(.match and .list == "CMIC")] | length >= 1'
jq_true '[.hits[] | select(.match and .list == "EL" and (.name | test("SMIC|Semiconductor Manufacturing"; "i")))] | length >= 1'

# Common words and look-alike tokens must not reach the threshold.
for q in "CORP" "Kosmicheskii" "Submicron Systems" "INTERNATIONAL TECHNOLOGY CORPORATION" "Micronesia Trading"; do
  expect_rc 0 $E screen $D --format json "$q"
  jq_true '[.hits[] | select(.match)] | length == 0'
done

# Typos and reordered words still find the entry.
expect_rc 1 $E screen $D --format json "Semiconductor Manufacturing Internatonal Corporation"
jq_true '[.hits[] | select(.match and (.name | test("Semiconductor Manufacturing International"; "i")))] | length >= 1'
expect_rc 1 $E screen $D --format json "Cuba Banco Nacional de"
jq_true '[.hits[] | select(.match and .name == "BANCO NACIONAL DE CUBA")] | length >= 1'
expect_rc 1 $E screen $D --format json "Huawie Technologies"
jq_true '[.hits[] | select(.match and (.name | test("huawei"; "i")))] | length >= 1'

# Every hit explains itself.
expect_rc 1 $E screen $D --format json "Banco Nacional de Cuba"
jq_true '.hits[0].explain.pairs | length >= 1'
jq_true '.hits[0] | has("entity_id") and has("name") and has("matched_name") and has("list") and has("source") and has("score") and has("match")'

# Filters: list, type, as-of.
expect_rc 1 $E screen $D --format json --list SDN "Banco Nacional de Cuba"
jq_true '[.hits[] | select(.list != "SDN")] | length == 0'
expect_rc 0 $E screen $D --format json --list DPL "Banco Nacional de Cuba"
jq_true '[.hits[] | select(.match)] | length == 0'
expect_rc 0 $E screen $D --format json --type person "Banco Nacional de Cuba"
expect_rc 0 $E screen $D --format json --type vessel --list SDN "Banco Nacional de Cuba"

finish
