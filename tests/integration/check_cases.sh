# embargo check on the built-in rules (data/rules) and lists: the cases of
# issue #3 and more from the regulation. Each case names its source.
. "$(dirname "$0")/lib.sh"

RULES=${EMBARGO_DATA_DIR:?}/rules
if ! ls "$RULES"/us-ear/*.jsonl >/dev/null 2>&1; then
  echo "no rule packs in $RULES: skipped"
  exit 77
fi

# Reasons of the US-EAR regime with a given rule id.
has_rule() { jq_true "[.regimes[0].reasons[] | select(.rule == \"$1\" and .determination == \"$2\")] | length >= 1"; }
no_rule() { jq_true "[.regimes[0].reasons[] | select(.rule == \"$1\")] | length == 0"; }

SMIC='{"role":"end_user","name":"SMIC","country":"CN"}'
HUAWEI='{"role":"end_user","name":"Huawei Technologies Co., Ltd.","country":"CN"}'

# 1. SMIC before the letter and the listing: EAR99 needs no licence
#    (85 FR 83416 lists SMIC only from 2020-12-18).
check 0 '{"date":"2020-09-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
jq_true '.overall == "no_license_required" and (.regimes[0].reasons | length) == 0'
jq_true '.regimes[0].items[0].subject == true and .regimes[0].items[0].citation == "15 CFR 734.3(a)(2)"'

# 2. 3A991 (Supplement No. 2 to Part 744) to SMIC after BIS's letters of
#    about 2020-09-25: licence required under 15 CFR 744.21(b).
check 1 '{"date":"2020-10-15","from":"US","to":"CN","items":[{"eccn":"3A991","origin":"US"}],"parties":['"$SMIC"']}'
jq_true '.overall == "license_required"'
jq_true '[.regimes[0].reasons[] | select(.kind == "informed_party" and (.citation | test("744.21\\(b\\)")))] | length == 1'
no_rule ear-744.11-entity-list

# 3. EAR99 to SMIC on the same day: the military end-use letter covers
#    only Supplement No. 2 items (15 CFR 744.21(a), (b)).
check 0 '{"date":"2020-10-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
jq_true '.overall == "no_license_required"'

# 4. EAR99 to SMIC on 2021-01-15: Entity List (85 FR 83416, effective
#    2020-12-18), all items subject to the EAR, with the entry's policy as
#    it was then (the Dec 2020 terms, recorded in the entry's history and
#    marked unverified: secondary sources only), not today's.
check 1 '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
has_rule ear-744.11-entity-list license_required
jq_true '[.regimes[0].reasons[] | select(.rule == "ear-744.11-entity-list")][0] | (.policy | test("Presumption of denial")) and (.parties[0].entity_id == "EL:smic") and (.parties[0].listed_from == "2020-12-18") and (.citation | test("744.11"))'
jq_true '[.regimes[0].reasons[] | select(.rule == "ear-744.11-entity-list")][0] | (.policy | test("10 nanometers and below")) and (.policy | test("case-by-case review for all other items")) and .terms_basis == "history 2020-12-18..2024-12-01" and (.citation | test("85 FR 83416")) and .terms_verified == false and (.parties[0].footnotes == null)'
# The same shipment on 2025-03-01: the entry's current terms (revised by
# 89 FR 96837, effective 2024-12-02), with footnote 5.
check 1 '{"date":"2025-03-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
jq_true '[.regimes[0].reasons[] | select(.rule == "ear-744.11-entity-list")][0] | (.policy | test("^Presumption of denial for all items")) and (.policy | test("10 nanometers") | not) and .terms_basis == "current" and (.parties[0].footnotes | index("5") != null)'
# The table says which terms it shows.
printf '%s\n' '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}' >"$TMP/t4.json"
expect_rc 1 $E check "$TMP/t4.json"
grep -q "Terms: *as in force 2020-12-18 to 2024-12-01" "$TMP/out" || fail "table: no terms basis"
grep -q "10 nanometers and below" "$TMP/out" || fail "table: not the Dec 2020 policy"
# --as-of moves the date back before the listing.
check 0 '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}' --as-of 2020-09-01
jq_true '.as_of == "2020-09-01" and .as_of_source == "as_of"'

# 5. Huawei (85 FR 29849 of 2020-05-15; 85 FR 51596 of 2020-08-17): a chip
#    made in Taiwan with US chip-design technology, no US content.
CHIP='{"eccn":"3A001","origin":"TW","us_content_pct":0,"direct_product_of_us_technology":true}'
check 0 '{"date":"2020-04-01","from":"TW","to":"CN","items":['"$CHIP"'],"parties":['"$HUAWEI"']}'
jq_true '.overall == "no_license_required" and .regimes[0].items[0].subject == false'
check 1 '{"date":"2020-10-01","from":"TW","to":"CN","items":['"$CHIP"'],"parties":['"$HUAWEI"']}'
jq_true '[.regimes[0].reasons[] | select(.kind == "foreign_direct_product" and .determination == "license_required" and (.citation | test("85 FR 51596")))] | length == 1'
jq_true '.regimes[0].items[0].subject == true and (.regimes[0].items[0].basis | test("direct product"))'
jq_true '[.regimes[0].reasons[] | select(.kind == "foreign_direct_product")][0].parties[0].footnotes | index("1") != null'
# In the May 2020 rule's savings window the savings condition decides.
check 4 '{"date":"2020-07-01","from":"TW","to":"CN","items":['"$CHIP"'],"parties":['"$HUAWEI"']}'
jq_true '.overall == "cannot_determine" and (.regimes[0].missing | map(.missing) | index("savings_condition") != null)'
# Huawei itself on the Entity List from 2019-05-16 (84 FR 22961).
check 0 '{"date":"2019-05-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$HUAWEI"']}'
check 1 '{"date":"2019-06-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$HUAWEI"']}'
has_rule ear-744.11-entity-list license_required

# 6. 3A090 to China after the rule of 2022-10-07 (87 FR 62186): RS.
check 1 '{"date":"2023-01-10","from":"US","to":"CN","items":[{"eccn":"3A090","origin":"US"}]}'
jq_true '[.regimes[0].reasons[] | select(.kind == "country_chart" and (.control | test("^RS")))] | length >= 1'
# Before the ECCN existed its classification on that date is needed.
check 4 '{"date":"2021-01-10","from":"US","to":"CN","items":[{"eccn":"3A090","origin":"US"}]}'
jq_true '.regimes[0].missing == [{"missing":"eccn","item":0}]'
# 3B001 to a Chinese fab making advanced-node logic (15 CFR 744.23(a)(2),
# 87 FR 62186; 88 FR 73458 from 2023-11-17).
check 1 '{"date":"2024-01-10","from":"US","to":"CN","items":[{"eccn":"3B001.c","origin":"US"}],"parties":[{"role":"end_user","name":"Acme Wafer Fab","country":"CN"}],"end_uses":["advanced_node_ic_production"]}'
jq_true '[.regimes[0].reasons[] | select(.kind == "end_use" and (.citation | test("744.23")) and .determination == "license_required")] | length == 1'
jq_true '[.regimes[0].reasons[] | select(.kind == "country_chart")] | length >= 1'

# 7. 20% controlled US content, made in Germany (15 CFR 734.4; 84 FR
#    56117): 25% level to China, 10% to Cuba (E:2), then the Cuba embargo
#    (15 CFR 746.2).
check 0 '{"date":"2024-01-10","from":"DE","to":"CN","items":[{"eccn":"EAR99","origin":"DE","us_content_pct":20}]}'
jq_true '.regimes[0].items[0].subject == false and .regimes[0].items[0].de_minimis_pct == 25'
check 1 '{"date":"2024-01-10","from":"DE","to":"CU","items":[{"eccn":"EAR99","origin":"DE","us_content_pct":20}]}'
jq_true '.regimes[0].items[0].subject == true and .regimes[0].items[0].de_minimis_pct == 10'
has_rule ear-746.2-cuba license_required

# 8. Unknown ECCN and no US-content share: cannot_determine naming the
#    fact (15 CFR 738.4 needs the classification; 734.4 the share).
check 4 '{"date":"2024-01-10","from":"US","to":"CN","items":[{"eccn":"4A999","origin":"US"}]}'
jq_true '.overall == "cannot_determine" and .regimes[0].missing == [{"missing":"eccn","item":0}]'
check 4 '{"date":"2024-01-10","from":"DE","to":"CN","items":[{"eccn":"EAR99","origin":"DE"}]}'
jq_true '.regimes[0].missing == [{"missing":"us_content_pct","item":0}]'

# More from the regulation.
# US-origin EAR99 to Cuba (15 CFR 746.2).
check 1 '{"date":"2024-01-10","from":"US","to":"CU","items":[{"eccn":"EAR99","origin":"US"}]}'
has_rule ear-746.2-cuba license_required
# Russia: any CCL item from 2022-04-08 (87 FR 22130), not before the
# Feb. 2022 rules for an EAR99 item.
check 1 '{"date":"2022-06-01","from":"US","to":"RU","items":[{"eccn":"3A991","origin":"US"}]}'
has_rule ear-746.8-ru-by-ccl-2022 license_required
check 0 '{"date":"2021-06-01","from":"US","to":"RU","items":[{"eccn":"EAR99","origin":"US"}]}'
# Military end use in China for a Supplement No. 2 item (15 CFR 744.21(a),
# 85 FR 23459 from 2020-06-29), and not before.
check 1 '{"date":"2021-06-01","from":"US","to":"CN","items":[{"eccn":"3A991","origin":"US"}],"end_uses":["military"]}'
has_rule ear-744.21-meu-cn-ve-2020 license_required
check 0 '{"date":"2020-06-01","from":"US","to":"CN","items":[{"eccn":"3A991","origin":"US"}],"end_uses":["military"]}'
# National security: 3A001 needs a licence to China (NS2 marked for China
# in Supp. No. 1 to Part 738), not to the United Kingdom.
check 1 '{"date":"2024-01-10","from":"US","to":"CN","items":[{"eccn":"3A001","origin":"US"}]}'
jq_true '[.regimes[0].reasons[] | select(.kind == "country_chart" and .control == "NS2")] | length == 1'
# Denied Persons List (15 CFR 736.2(b)(4)): a denial order prohibits.
check 1 '{"date":"2024-01-10","from":"US","to":"MX","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"purchaser","name":"ABDIEL PADRON MADRID"}]}' --data "$LISTS/bis"
jq_true '.overall == "prohibited"'
has_rule ear-736.2b4-denied-persons prohibited
# MEU List (85 FR 83793, entries at 85 FR 83799, effective 2020-12-23):
# the reduced CSL has no start dates, so the FR citation dates the entry.
MEU='{"role":"end_user","name":"AECC Aviation Power Co. Ltd.","country":"CN"}'
check 1 '{"date":"2021-06-01","from":"US","to":"CN","items":[{"eccn":"3A991","origin":"US"}],"parties":['"$MEU"']}' --data "$LISTS/us-csl/consolidated-2026-07-31-reduced.csv"
has_rule ear-744.21-meu-list license_required
jq_true '[.regimes[0].reasons[] | select(.rule == "ear-744.21-meu-list")][0].parties[0] | .listed_from == "2020-12-23" and .listed_from_basis == "federal_register"'
check 0 '{"date":"2020-12-01","from":"US","to":"CN","items":[{"eccn":"3A991","origin":"US"}],"parties":['"$MEU"']}' --data "$LISTS/us-csl/consolidated-2026-07-31-reduced.csv"

# The result's shape (docs/check.md).
check 1 '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
jq_true 'has("overall") and has("regimes") and has("screening") and has("data_versions")'
jq_true '.regimes[0] | has("regime") and has("determination") and has("reasons")'
jq_true '.regimes[0].reasons[0] | has("rule") and has("kind") and has("citation") and has("policy") and has("exceptions") and has("parties") and has("summary") and has("item")'
jq_true '.data_versions | (.lists | length) >= 1 and (.rules | length) >= 1 and (.rules[0].sha256 | length) == 64 and (.reference_as_of | test("^[0-9]{4}-"))'
jq_true '.screening[0].name == "SMIC" and (.screening[0].hits | map(.entity_id) | index("EL:smic") != null)'

# The table a compliance officer reads.
printf '%s\n' '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}' >"$TMP/t.json"
expect_rc 1 $E check "$TMP/t.json"
grep -q "^OVERALL: LICENCE REQUIRED" "$TMP/out" || fail "table: no overall line"
grep -q "Citation: .*744.11" "$TMP/out" || fail "table: no citation"
grep -q "Why: " "$TMP/out" || fail "table: no one-line reason"

# --jsonl: one result per line, a bad line gives an error object and the
# run goes on; the exit code says the worst.
{
  echo '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":['"$SMIC"']}'
  echo '{"date":"2021-01-15","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US","us_content_pct":120}]}'
  echo 'not json'
  echo '{"date":"2021-01-15","from":"US","to":"DE","items":[{"eccn":"EAR99","origin":"US"}]}'
} >"$TMP/in.jsonl"
expect_rc 3 $E check --jsonl - <"$TMP/in.jsonl"
[ "$(wc -l <"$TMP/out")" = 4 ] || fail "jsonl: $(wc -l <"$TMP/out") lines, wanted 4"
jq_all '.[0].overall == "license_required" and .[1].error.code == "ETXN" and (.[1].error.message | test("^line 2: items\\[0\\].us_content_pct")) and .[2].error.code == "EPARSE" and .[3].overall == "no_license_required"'
head -1 "$TMP/in.jsonl" >"$TMP/one.jsonl"
sed -n 4p "$TMP/in.jsonl" >>"$TMP/one.jsonl"
expect_rc 1 $E check --jsonl - <"$TMP/one.jsonl"
sed -n 4p "$TMP/in.jsonl" >"$TMP/nlr.jsonl"
expect_rc 0 $E check --jsonl "$TMP/nlr.jsonl"

# Usage and data errors.
expect_rc 0 $E check --help
grep -q "usage: embargo check" "$TMP/out" || fail "check --help prints no usage"
expect_rc 2 $E check
expect_rc 2 $E check --format xml "$TMP/t.json"
expect_rc 2 $E check --as-of 2021-02-30 "$TMP/t.json"
expect_rc 2 $E check --no-such-option "$TMP/t.json"
expect_rc 3 $E check --rules /nonexistent "$TMP/t.json"
expect_rc 3 $E check /nonexistent/txn.json
printf '{"from":"US","to":"CN","items":[]}' >"$TMP/bad.json"
expect_rc 3 $E check "$TMP/bad.json"
grep -q "items: missing or empty" "$TMP/err" || fail "bad transaction not explained"
# A broken pack fails the whole load, naming file, line and field.
mkdir -p "$TMP/rules"
cp -r "$RULES/ref" "$TMP/rules/ref"
printf '%s\n%s\n' '{"format":"embargo-rules","version":1,"regime":"US-EAR","pack":"x"}' \
  '{"id":"x1","kind":"nope","title":"t","summary":"s","effective_from":"2020-01-01","citation":"c","params":{}}' \
  >"$TMP/rules/x.jsonl"
expect_rc 3 $E check --rules "$TMP/rules" "$TMP/t.json"
grep -q 'x.jsonl:2: field "kind"' "$TMP/err" || fail "broken pack not named: $(cat "$TMP/err")"

finish
