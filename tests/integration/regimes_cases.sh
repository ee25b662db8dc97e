# embargo check across regimes (issue #6): the Netherlands, Japan,
# servicing, China, the ownership (50%) rules, --regime and --ownership,
# on the built-in rules. Each case names the rule and its source; the
# packs (data/rules/*) cite the texts and mark what is unverified.
. "$(dirname "$0")/lib.sh"

RULES=${EMBARGO_DATA_DIR:?}/rules
if ! ls "$RULES"/nl/*.jsonl "$RULES"/jp/*.jsonl "$RULES"/cn/*.jsonl >/dev/null 2>&1; then
  echo "no NL/JP/CN rule packs in $RULES: skipped"
  exit 77
fi

# The result of one regime.
R() { printf '(.regimes[] | select(.regime == "%s"))' "$1"; }
# regime REGIME DETERMINATION
regime() { jq_true "$(R "$1").determination == \"$2\""; }
# fired REGIME RULE DETERMINATION: the rule gave that determination.
fired() { jq_true "[$(R "$1").reasons[] | select(.rule == \"$2\" and .determination == \"$3\")] | length >= 1"; }
# silent REGIME RULE: the rule gave no reason.
silent() { jq_true "[$(R "$1").reasons[]? | select(.rule == \"$2\")] | length == 0"; }
# applied REGIME true|false
applied() { jq_true "[.considered[] | select(.regime == \"$1\")][0].applies == $2"; }

# ---- The Netherlands (data/rules/nl/lithography.jsonl) ----
# An NXT:2050i (NL national list 3B001.f.4, Regeling geavanceerde
# productieapparatuur voor halfgeleiders, in force 2023-09-01) from NL to a
# Chinese fab. Before the regulation: no NL licence.
SCANNER='"items":[{"description":"ASML TWINSCAN NXT:2050i","origin":"NL","classification":{"NL":"3B001.f.4","EU":"none"}}],"parties":[{"role":"end_user","name":"Example Fab Co.","country":"CN"}]'
check 0 '{"date":"2023-08-15","from":"NL","to":"CN",'"$SCANNER"'}' --regime NL
applied NL true
regime NL no_license_required
jq_true '[.considered[] | select(.regime == "NL")][0].why | test("Netherlands")'
check 1 '{"date":"2023-09-01","from":"NL","to":"CN",'"$SCANNER"'}' --regime NL
fired NL nl-rgph-2023 license_required
jq_true "$(R NL).reasons[0] | .control == \"NL\" and .matched == \"3B001.f.4\" and (.summary | test(\"NL control list entry 3B001.f.4\")) and .verified == false"
# The 2024 amendment (in force 2024-09-07) replaces the annex: the later
# record applies, the earlier one has ended.
check 1 '{"date":"2024-10-01","from":"NL","to":"CN",'"$SCANNER"'}' --regime NL
fired NL nl-rgph-2024 license_required
silent NL nl-rgph-2023
# Inside the EU: no licence (the regulation covers exports outside the EU).
check 0 '{"date":"2024-10-01","from":"NL","to":"DE",'"$SCANNER"'}' --regime NL
regime NL no_license_required
# Not classified against the Dutch list: the answer needs the code.
check 4 '{"date":"2024-10-01","from":"NL","to":"CN","items":[{"description":"scanner","origin":"NL"}]}' --regime NL
jq_true "[$(R NL).reasons[] | select(.determination == \"cannot_determine\" and .missing == \"classification.NL\")] | length >= 1"
jq_true "$(R NL).missing | map(.missing) | index(\"classification.NL\") != null"
# Not exported from the Netherlands: the regime is not applied.
check 0 '{"date":"2024-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}]}'
applied NL false
jq_true '[.regimes[] | select(.regime == "NL")] | length == 0'
# EUV (EU dual-use 3B001.f.1) from NL to China.
check 1 '{"date":"2022-06-01","from":"NL","to":"CN","items":[{"description":"ASML NXE:3600D","origin":"NL","classification":{"EU":"3B001.f.1.a","NL":"none"}}]}' --regime NL
fired NL nl-eu-3b001f1-2021 license_required

# A licence revoked (ASML, 2024-01-01: licences for NXT:2050i/2100i to
# China partly revoked): a licence granted in 2023 no longer covers the
# shipment from 2024-01-01; one granted later is not touched.
REVOKE='"items":[{"description":"ASML TWINSCAN NXT:2100i","origin":"NL","classification":{"NL":"3B001.f.4","EU":"none"}}],"licences":[{"regime":"NL","number":"TEST-0001","granted":"2023-10-02"}]'
check 1 '{"date":"2023-12-15","from":"NL","to":"CN",'"$REVOKE"'}' --regime NL
silent NL nl-revocation-nxt2050i-2100i-2024
check 1 '{"date":"2024-01-02","from":"NL","to":"CN",'"$REVOKE"'}' --regime NL
fired NL nl-revocation-nxt2050i-2100i-2024 license_required
jq_true "[$(R NL).reasons[] | select(.kind == \"licence_revocation\")][0] | .licence == \"TEST-0001\" and (.summary | test(\"licence TEST-0001 .* was revoked\"))"
check 1 '{"date":"2024-03-01","from":"NL","to":"CN","items":[{"description":"NXT:2100i","origin":"NL","classification":{"NL":"3B001.f.4"}}],"licences":[{"regime":"NL","number":"TEST-0002","granted":"2024-02-01"}]}' --regime NL
silent NL nl-revocation-nxt2050i-2100i-2024
# A licence without its grant date: the revocation cannot be decided.
check 1 '{"date":"2024-03-01","from":"NL","to":"CN","items":[{"description":"NXT:2100i","origin":"NL","classification":{"NL":"3B001.f.4"}}],"licences":[{"regime":"NL","number":"TEST-0003"}]}' --regime NL
jq_true "[$(R NL).reasons[] | select(.kind == \"licence_revocation\" and .missing == \"licences.granted\")] | length == 1"

# ---- Japan (data/rules/jp/sme.jsonl): 23 kinds of equipment from
# 2023-07-23 (METI amendment of 2023-05-23). ----
JPITEM='"items":[{"description":"EUV resist coater/developer","origin":"JP","classification":{"JP":"6.17.ru"}}]'
check 0 '{"date":"2023-07-22","from":"JP","to":"CN",'"$JPITEM"'}' --regime JP
regime JP no_license_required
check 1 '{"date":"2023-08-01","from":"JP","to":"CN",'"$JPITEM"'}' --regime JP
fired JP jp-sme-2023-individual license_required
silent JP jp-sme-2023-group-a
# To a friendly country: a licence, with the general bulk licence.
check 1 '{"date":"2023-08-01","from":"JP","to":"NL",'"$JPITEM"'}' --regime JP
fired JP jp-sme-2023-group-a license_required
jq_true "[$(R JP).reasons[] | select(.rule == \"jp-sme-2023-group-a\")][0].exceptions | index(\"JP-GENERAL-BULK\") != null"
# An item on none of the 23 entries.
check 0 '{"date":"2023-08-01","from":"JP","to":"CN","items":[{"description":"office chairs","origin":"JP","classification":{"JP":"none"}}]}' --regime JP
regime JP no_license_required

# ---- Servicing (activity "service") ----
# A spare part for an installed NXT:2000i in China, from NL: the Dutch
# servicing rule, not the export rule.
check 1 '{"date":"2024-10-01","from":"NL","to":"CN","activity":"service","items":[{"description":"wafer-stage module for NXT:2000i","origin":"NL","classification":{"NL":"3B001.f.4","EU":"none"}}]}' --regime NL
fired NL nl-rgph-service-2024 license_required
silent NL nl-rgph-2024
check 0 '{"date":"2023-08-31","from":"NL","to":"CN","activity":"service","items":[{"description":"spare part","origin":"NL","classification":{"NL":"3B001.f.4","EU":"none"}}]}' --regime NL
regime NL no_license_required
# US-person servicing of an advanced-node fab: China from 2022-10-12
# (744.6(c)(2), 87 FR 62186), Macau from 2023-01-18 (88 FR 2821).
SVC='"activity":"service","items":[{"eccn":"EAR99","description":"on-site maintenance","origin":"US"}],"end_uses":["advanced_node_ic_production"]'
check 1 '{"date":"2022-11-01","from":"US","to":"CN",'"$SVC"'}' --regime US-EAR
fired US-EAR ear-744.6c2-advanced-node-2022 license_required
check 1 '{"date":"2023-01-18","from":"US","to":"MO",'"$SVC"'}' --regime US-EAR
fired US-EAR ear-744.6c2-advanced-node-mo-2023 license_required
check 0 '{"date":"2023-01-17","from":"US","to":"MO","activity":"service","items":[{"eccn":"EAR99","origin":"US"}],"end_uses":["advanced_node_ic_production"]}' --regime US-EAR
silent US-EAR ear-744.6c2-advanced-node-mo-2023
# An Entity List party is a party to a service as to an export.
check 1 '{"date":"2024-10-01","from":"US","to":"CN","activity":"service","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"SMIC","country":"CN"}]}' --regime US-EAR
fired US-EAR ear-744.11-entity-list license_required

# ---- China ----
# Micron (CAC, 2023-05-21): operators of critical information
# infrastructure must stop buying Micron products.
MICRON='"activity":"purchase","from":"US","to":"CN","items":[{"description":"DDR4 DRAM","manufacturer":"Micron Technology, Inc."}],"parties":[{"role":"purchaser","name":"Example Provincial Power Grid Co.","country":"CN","flags":["ciio"]},{"role":"supplier","name":"Micron Technology, Inc.","country":"US"}]'
check 0 '{"date":"2023-05-20",'"$MICRON"'}' --regime CN
regime CN no_license_required
check 1 '{"date":"2023-05-22",'"$MICRON"'}' --regime CN
fired CN cn-cac-micron-ciio-2023 prohibited
jq_true "[$(R CN).reasons[] | select(.kind == \"purchase_ban\")][0] | .matched != null and (.parties | map(.role) | index(\"purchaser\") != null) and (.summary | test(\"buying products of\"))"
# The maker, written in Chinese, on the item alone.
check 1 '{"date":"2024-01-10","activity":"purchase","from":"CN","to":"CN","items":[{"description":"SSD","manufacturer":"美光科技"}],"parties":[{"role":"purchaser","name":"Example Telecom Operator","country":"CN","flags":["ciio"]}]}' --regime CN
fired CN cn-cac-micron-ciio-2023 prohibited
# Not a CIIO: not covered.
check 0 '{"date":"2023-05-22","activity":"purchase","from":"US","to":"CN","items":[{"description":"DRAM","manufacturer":"Micron Technology, Inc."}],"parties":[{"role":"purchaser","name":"Example Retailer","country":"CN"}]}' --regime CN
regime CN no_license_required
# Another maker: not covered; the maker unknown: cannot be determined.
check 0 '{"date":"2023-05-22","activity":"purchase","from":"KR","to":"CN","items":[{"description":"DRAM","manufacturer":"Samsung Electronics Co., Ltd."}],"parties":[{"role":"purchaser","name":"Example Grid","country":"CN","flags":["ciio"]}]}' --regime CN
regime CN no_license_required
check 4 '{"date":"2023-05-22","activity":"purchase","from":"KR","to":"CN","items":[{"description":"DRAM"}],"parties":[{"role":"purchaser","name":"Example Grid","country":"CN","flags":["ciio"]}]}' --regime CN
jq_true "[$(R CN).reasons[] | select(.missing == \"manufacturer\")] | length == 1"

# Gallium (MOFCOM/GAC Announcement No. 23 of 2023, from 2023-08-01) and
# "in principle not licensed" to the US (No. 46 of 2024, clause 2, from
# 2024-12-03: a licence requirement with an in-principle denial policy),
# suspended from 2025-11-09 to 2026-11-27.
GAAS='"from":"CN","to":"US","items":[{"description":"GaAs wafers","origin":"CN","classification":{"CN":"CN-GA.5"}}],"parties":[{"role":"ultimate_consignee","name":"Example Photonics Inc.","country":"US"}]'
check 0 '{"date":"2023-07-31",'"$GAAS"'}' --regime CN
regime CN no_license_required
check 1 '{"date":"2023-08-01",'"$GAAS"'}' --regime CN
fired CN cn-ec-2023-23-gallium license_required
regime CN license_required
check 1 '{"date":"2024-12-10",'"$GAAS"'}' --regime CN
fired CN cn-ec-2024-46-us-ban license_required
jq_true "[$(R CN).reasons[] | select(.rule == \"cn-ec-2024-46-us-ban\")][0].policy | test(\"[Ii]n principle not licensed\")"
check 1 '{"date":"2026-01-15",'"$GAAS"'}' --regime CN
regime CN license_required
silent CN cn-ec-2024-46-us-ban
# To another country: a licence, never the US ban.
check 1 '{"date":"2024-12-10","from":"CN","to":"DE","items":[{"description":"GaAs","origin":"CN","classification":{"CN":"CN-GA.5"}}]}' --regime CN
regime CN license_required
# Clause 1 (no dual-use items to US military users) reaches China's own
# exports only: not a German export with a supplier in China.
check 1 '{"date":"2025-01-10","from":"CN","to":"US","items":[{"description":"x","origin":"CN","classification":{"CN":"none"}}],"end_uses":["military"]}' --regime CN
fired CN cn-ec-2024-46-us-military prohibited
check 0 '{"date":"2025-01-10","from":"DE","to":"US","items":[{"eccn":"EAR99","origin":"DE","classification":{"CN":"none"}}],"parties":[{"role":"supplier","name":"Example Trading Co","country":"CN"}],"end_uses":["military"]}' --regime CN
silent CN cn-ec-2024-46-us-military
# Imported into China: China's export controls do not apply.
check 0 '{"date":"2024-12-10","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US","classification":{"CN":"CN-GA.5"}}]}' --regime CN
regime CN no_license_required

# The Unreliable Entity List (first used 2023-02-16: Lockheed Martin).
UEL='"from":"CN","to":"US","items":[{"description":"parts","origin":"CN","classification":{"CN":"none"}}],"parties":[{"role":"end_user","name":"Lockheed Martin Corporation","country":"US"}]'
check 0 '{"date":"2023-02-15",'"$UEL"'}' --regime CN
silent CN cn-uel-listed-party
check 1 '{"date":"2023-02-17",'"$UEL"'}' --regime CN
fired CN cn-uel-listed-party prohibited
jq_true "[$(R CN).reasons[] | select(.rule == \"cn-uel-listed-party\")][0].parties[0].list == \"CN-UEL\""
# Buying from a listed firm: the supplier is a party too.
check 1 '{"date":"2024-02-17","from":"US","to":"CN","activity":"purchase","items":[{"description":"parts"}],"parties":[{"role":"purchaser","name":"Example Importer","country":"CN"},{"role":"supplier","name":"Lockheed Martin Corporation","country":"US"}]}' --regime CN
fired CN cn-uel-listed-party prohibited
jq_true "[$(R CN).reasons[] | select(.rule == \"cn-uel-listed-party\")] | length == 1"
$E screen --format json "洛克希德·马丁公司" >"$TMP/uel.json" 2>/dev/null
jq -e '[.hits[]? | select(.list == "CN-UEL")] | length >= 1' "$TMP/uel.json" >/dev/null ||
  jq -e '[.[]?.hits[]? | select(.list == "CN-UEL")] | length >= 1' "$TMP/uel.json" >/dev/null ||
  fail "screen: the Chinese name of Lockheed Martin does not find its UEL entry"

# ---- Ownership (50% rules) ----
# A party 60% owned by Huawei (Entity List): the affiliates rule
# (90 FR 47201, in force 2025-09-29), stayed from 2025-11-10 (90 FR 50857).
AFF='"from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics Shenzhen Co., Ltd.","country":"CN","owners":[{"name":"Huawei Technologies Co., Ltd.","share_pct":60,"country":"CN"}]}]'
check 1 '{"date":"2025-10-01",'"$AFF"'}' --regime US-EAR
fired US-EAR ear-744.11-affiliates-2025 license_required
silent US-EAR ear-744.11-entity-list
jq_true "[$(R US-EAR).reasons[] | select(.kind == \"ownership\")][0] | .owned_pct == 60 and .ownership_chain[0].owner == \"Huawei Technologies Co., Ltd.\" and .ownership_chain[0].list == \"EL\" and (.policy | test(\"[Pp]resumption of denial\")) and .parties[0].entity_id != null"
check 0 '{"date":"2026-01-15",'"$AFF"'}' --regime US-EAR
silent US-EAR ear-744.11-affiliates-2025
regime US-EAR no_license_required
# 40% is below the threshold.
check 0 '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics","owners":[{"name":"Huawei Technologies Co., Ltd.","share_pct":40},{"name":"Example Investor Ltd","share_pct":60}]}]}' --regime US-EAR
regime US-EAR no_license_required
# Indirect: Huawei owns 100% of a holding that owns 50% of the party.
check 1 '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics","owners":[{"name":"Example Holding Ltd","share_pct":50,"owners":[{"name":"Huawei Technologies Co., Ltd.","share_pct":100}]}]}]}' --regime US-EAR
jq_true "[$(R US-EAR).reasons[] | select(.kind == \"ownership\")][0] | .owned_pct == 50 and (.ownership_chain | length) == 2 and .ownership_chain[0].owner == \"Example Holding Ltd\" and .ownership_chain[0].entity_id == null and .ownership_chain[1].owner == \"Huawei Technologies Co., Ltd.\" and .ownership_chain[1].depth == 2"
# The same owners from an ownership file instead of the transaction.
cat >"$TMP/owners.jsonl" <<'OWN'
{"format":"embargo-ownership","version":1,"source":"test registry extract","as_of":"2025-09-30"}
{"entity":"Example Optics","owners":[{"name":"Example Holding Ltd","share_pct":50}],"citation":"test fixture"}
{"entity":"EXAMPLE HOLDING LTD.","owners":[{"name":"Huawei Technologies Co., Ltd.","share_pct":100}],"citation":"test fixture"}
OWN
check 1 '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics"}]}' --regime US-EAR --ownership "$TMP/owners.jsonl"
jq_true "[$(R US-EAR).reasons[] | select(.kind == \"ownership\")][0] | .owned_pct == 50 and .ownership_chain[0].source == \"ownership file\""
# Two SDN owners, 30% + 25%: blocked in the aggregate (OFAC, 2014 guidance);
# the 2008 guidance needed one owner of 50%.
SDN='"from":"US","to":"AE","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"ultimate_consignee","name":"Example Gulf Trading LLC","country":"AE","owners":[{"name":"AEROCARIBBEAN AIRLINES","share_pct":30},{"name":"BANCO NACIONAL DE CUBA","share_pct":25}]}]'
check 1 '{"date":"2026-03-02",'"$SDN"'}' --data "$EMBARGO_TEST_DATA/ofac-mini" --regime US-OFAC
fired US-OFAC ofac-50pct-2014 prohibited
jq_true "[$(R US-OFAC).reasons[] | select(.rule == \"ofac-50pct-2014\")][0] | .owned_pct == 55 and (.ownership_chain | length) == 2"
check 0 '{"date":"2013-06-03",'"$SDN"'}' --data "$EMBARGO_TEST_DATA/ofac-mini" --regime US-OFAC
silent US-OFAC ofac-50pct-2008
# A cycle of owners ends.
check 0 '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Loop A","owners":[{"name":"Loop B","share_pct":100,"owners":[{"name":"Loop A","share_pct":100}]}]}]}' --regime US-EAR
# A bad ownership file is refused, naming the line and field.
printf '%s\n' '{"format":"embargo-ownership","version":1}' '{"entity":"X","owners":[{"name":"Y","share_pct":120}],"citation":"c"}' >"$TMP/bad-owners.jsonl"
expect_rc 3 $E check --ownership "$TMP/bad-owners.jsonl" "$TMP/txn.json"
grep -q 'bad-owners.jsonl:2: field "owners\[0\].share_pct": 120 is outside 0..100' "$TMP/err" || fail "ownership error not named: $(cat "$TMP/err")"

# ---- One shipment, several regimes ----
# An NL-made DUV scanner with 30% US content (above the 25% de minimis
# level) to SMIC, on the Entity List, in Oct 2024: the Netherlands requires
# a licence for the export (nl-rgph-2024); the US EAR for the item (subject
# by de minimis, 15 CFR 734.4) because SMIC is a party (744.11); China's
# rules are considered (shipped to China) and require nothing; Japan's are
# not applied.
MULTI='{"date":"2024-10-01","from":"NL","to":"CN","items":[{"eccn":"3B001.f.4","description":"ASML TWINSCAN NXT:2000i","origin":"NL","us_content_pct":30,"classification":{"NL":"3B001.f.4","EU":"none","CN":"none"}}],"parties":[{"role":"end_user","name":"Semiconductor Manufacturing International Corporation","country":"CN"}]}'
check 1 "$MULTI"
jq_true '.overall == "license_required"'
regime NL license_required
fired NL nl-rgph-2024 license_required
regime US-EAR license_required
fired US-EAR ear-744.11-entity-list license_required
jq_true "$(R US-EAR).items[0].subject == true and ($(R US-EAR).items[0].basis | test(\"de minimis\"))"
regime CN no_license_required
applied JP false
jq_true '[.regimes[].regime] == ["US-EAR","NL","CN"]'
jq_true '.considered | map(.regime) == ["US-EAR","US-OFAC","NL","JP","CN"]'
# --regime narrows it; a regime named explicitly applies regardless.
check 1 "$MULTI" --regime NL,JP
jq_true '[.regimes[].regime] == ["NL","JP"]'
jq_true '[.considered[] | select(.regime == "JP")][0] | .applies and (.why | test("selected explicitly"))'
jq_true '[.considered[] | select(.regime == "US-EAR")][0] | (.applies | not) and .why == "not selected (--regime)"'
expect_rc 2 $E check --regime US-EAR,XX "$TMP/txn.json"
grep -q "no rule pack of regime 'XX'" "$TMP/err" || fail "--regime XX not refused"
# The table lists every regime considered.
expect_rc 1 $E check "$TMP/txn.json"
grep -q "Regimes considered:" "$TMP/out" || fail "table: no regimes considered"
grep -q "JP *not applied: not exported from Japan" "$TMP/out" || fail "table: JP line"

# Batch: --regime and --ownership with --check, as embargo check does; a
# resume with other regimes is refused.
printf '%s\n' "$MULTI" '{"date":"2025-10-01","from":"US","to":"CN","items":[{"eccn":"EAR99","origin":"US"}],"parties":[{"role":"end_user","name":"Example Optics"}]}' >"$TMP/batch.jsonl"
expect_rc 1 $E batch --check --quiet --input "$TMP/batch.jsonl" --output "$TMP/batch-out.jsonl" --regime NL,US-EAR --ownership "$TMP/owners.jsonl"
jq -s -e '(.[0].regimes | map(.regime)) == ["US-EAR","NL"] and (.[1].regimes[0].reasons | map(.kind) | index("ownership") != null)' "$TMP/batch-out.jsonl" >/dev/null || fail "batch --regime/--ownership: $(head -c 300 "$TMP/batch-out.jsonl")"
expect_rc 2 $E batch --quiet --input "$TMP/batch.jsonl" --output "$TMP/batch-out2.jsonl" --regime NL
expect_rc 2 $E batch --check --quiet --input "$TMP/batch.jsonl" --output "$TMP/batch-out2.jsonl" --regime XX
finish
