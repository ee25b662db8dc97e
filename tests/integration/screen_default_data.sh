# Screening the built-in default data: scripts, aliases, subsidiaries.
. "$(dirname "$0")/lib.sh"

# Traditional Chinese finds Huawei's simplified-Chinese name.
expect_rc 1 $E screen --format json "華為技術有限公司"
jq_true '[.hits[] | select(.match and (.name | test("Huawei Technologies"; "i")))] | length >= 1'
expect_rc 1 $E screen --format json "华为技术有限公司"
jq_true '.hits[0].score >= 0.99'
# SMIC by its Chinese name, its alias, and its English name; subsidiaries.
expect_rc 1 $E screen --format json "中芯国际集成电路制造有限公司"
jq_true '[.hits[] | select(.match and .list == "EL" and (.name | test("Semiconductor Manufacturing International Corporation"; "i")))] | length >= 1'
expect_rc 1 $E screen --format json "SMIC"
jq_true '[.hits[] | select(.match)] | length >= 1'
expect_rc 1 $E screen --format json "Semiconductor Manufacturing International (Beijing) Corporation"
jq_true '.hits[0].match and (.hits[0].name | test("Beijing"))'
# Date filter: SMIC was not on the Entity List before 18 Dec 2020.
expect_rc 0 $E screen --format json --list EL --as-of 2020-10-15 "SMIC"
jq_true '[.hits[] | select(.match)] | length == 0'
expect_rc 1 $E screen --format json --list EL --as-of 2021-01-15 "SMIC"
# No hit for unrelated names.
expect_rc 0 $E screen --format json "Acme Widgets Limited"
jq_true '[.hits[] | select(.match)] | length == 0'

finish
