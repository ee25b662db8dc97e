#!/bin/sh
# `embargo lists update` against a loopback server serving copies of the
# real lists: a first install, unchanged runs (304 and same bytes), a new
# version with the old one kept, --dry-run, and recovery after a crash in
# the middle of a replacement.
. "$(dirname "$0")/update_lib.sh"
M=$DEST/.embargo-manifest.json

# A first install: every file fetched, validated and moved in.
make_sources "$TMP/s.json"
expect_rc 0 upd "$TMP/s.json"
jq_true '.updated == 10 and .failed == 0 and .dry_run == false'
jq_true '[.files[].state] | all(. == "updated")'
for f in $FILES; do
  cmp -s "$SRV/$f" "$DEST/$f" || fail "$f was not installed"
  jq_true ".files[\"$f\"].sha256 == \"$(sha "$SRV/$f")\"" "$M"
done
jq_true '.files["sdn.csv"] | .source == "ofac-sdn" and .group == "ofac-sdn"
  and (.url | endswith("/ok/sdn.csv")) and .size > 1000000 and .rows > 0
  and .entities > 1000 and (.fetched | test("^20..-..-..T..:..:..Z$"))
  and (.etag | length > 0) and (.last_modified | length > 0)
  and .previous_sha256 == null and .format == "ofac-sdn-csv"' "$M"
jq_true '.files["un-consolidated.xml"].entities > 500' "$M"
[ -e "$DEST/.embargo-journal.json" ] && fail "journal left behind"
ls -a "$DEST" | grep -q '^\.incoming-' && fail "incoming directory left behind"
expect_rc 0 "$E" lists --data "$DEST" --format json
jq_true '([.sources[].format] | sort) ==
  ["csl-csv", "ofac-cons-csv", "ofac-sdn-csv", "un-xml"]'
jq_true '.rejected_files == 0 and .entities > 10000'
r=$(jq -s 'all(.user_agent | test("^embargo/[0-9]+\\.[0-9]+"))' "$REQ")
[ "$r" = true ] || fail "User-Agent is not embargo/VERSION: $(head -n 1 "$REQ")"
ino_before=$(stat -c %i "$DEST/sdn.csv")
cp "$M" "$TMP/manifest.1"

# A second run: the server answers 304 to If-None-Match; nothing moves.
: >"$REQ"
expect_rc 0 upd "$TMP/s.json"
jq_true '.unchanged == 10 and .updated == 0 and .failed == 0'
jq_true '[.files[] | .previous_sha256] | all(. == null)'
r=$(jq -s 'length == 10 and all(.status == 304 and (.if_none_match | length > 0))' "$REQ")
[ "$r" = true ] || fail "second run did not send If-None-Match / get 304: $(cat "$REQ")"
[ "$(stat -c %i "$DEST/sdn.csv")" = "$ino_before" ] || fail "sdn.csv was rewritten"
[ "$(jq -S .files "$M" | grep -v '"checked"')" = "$(jq -S .files "$TMP/manifest.1" | grep -v '"checked"')" ] ||
  fail "manifest changed on an unchanged run"
[ -d "$DEST/.previous" ] && [ -n "$(ls -A "$DEST/.previous")" ] &&
  fail ".previous filled on an unchanged run"

# A lost manifest: the files in place are fetched again, found identical,
# validated and recorded; nothing moves.
rm "$M"
expect_rc 0 upd "$TMP/s.json"
jq_true '.unchanged == 10 and .updated == 0'
jq_true '(.files | length) == 10 and ([.files[].entities] | all(. > 0))' "$M"
[ "$(stat -c %i "$DEST/sdn.csv")" = "$ino_before" ] || fail "sdn.csv was rewritten (2)"

# Unchanged bytes from a server without ETag or Last-Modified: fetched,
# found identical by SHA-256, not moved.
make_sources "$TMP/plain.json" us-csl.csv=plain/us-csl.csv un-consolidated.xml=plain/un-consolidated.xml
expect_rc 0 upd "$TMP/plain.json"
jq_true '.unchanged == 10 and .updated == 0'
file_is us-csl.csv '.http_status == 200 and .state == "unchanged"'

# A new version of the CSL: moved in, the old one kept in .previous.
old=$(sha "$DEST/us-csl.csv")
cp "$DEST/us-csl.csv" "$TMP/csl.old"
cp "$LISTS/us-csl/consolidated-2026-07-31-reduced.csv" "$SRV/us-csl.csv"
expect_rc 0 upd "$TMP/s.json"
jq_true '.updated == 1 and .unchanged == 9'
file_is us-csl.csv ".state == \"updated\" and .previous_sha256 == \"$old\"
  and .sha256 == \"$(sha "$SRV/us-csl.csv")\" and .entities > 20000"
cmp -s "$SRV/us-csl.csv" "$DEST/us-csl.csv" || fail "new CSL not in place"
cmp -s "$TMP/csl.old" "$DEST/.previous/us-csl.csv" || fail "old CSL not kept"
jq_true ".files[\"us-csl.csv\"].previous_sha256 == \"$old\"" "$M"
expect_rc 1 "$E" screen --data "$DEST" --list EL --format json "Semiconductor Manufacturing International Corporation"

# --dry-run: a valid new UN file is validated, nothing is replaced.
cp "$DEST/un-consolidated.xml" "$TMP/un.old"
printf '<!-- a later edition -->\n' >>"$SRV/un-consolidated.xml"
snap=$(snapshot)
expect_rc 0 upd "$TMP/s.json" --dry-run
jq_true '.dry_run == true and .validated == 1 and .updated == 0'
file_is un-consolidated.xml '.state == "validated" and .entities > 500'
[ "$(snapshot)" = "$snap" ] || fail "--dry-run changed the destination"
cp "$TMP/un.old" "$SRV/un-consolidated.xml"

# A crash between the renames of the OFAC group (4 files): the next run
# finishes the replacement from the journal.
for f in sdn.csv add.csv alt.csv sdn_comments.csv; do
  cp "$DEST/$f" "$TMP/$f.old"
done
sed -i '$d' "$SRV/add.csv" "$SRV/alt.csv"
printf '\n' >>"$SRV/sdn.csv"
printf '\n' >>"$SRV/sdn_comments.csv"
EMBARGO_TEST_CRASH_AFTER=3 "$E" lists update --dest "$DEST" \
  --sources "$TMP/s.json" --format json --only ofac-sdn >"$TMP/out" 2>"$TMP/err"
[ $? = 99 ] || fail "the crash hook did not fire"
[ -e "$DEST/.embargo-journal.json" ] || fail "no journal after the crash"
[ -e "$DEST/add.csv" ] && cmp -s "$DEST/add.csv" "$SRV/add.csv" &&
  fail "crash came too late to test anything"
expect_rc 0 upd "$TMP/s.json" --only ofac-sdn
jq_true '.recovered | test("finished the interrupted replacement of group ofac-sdn")'
jq_true '.failed == 0'
for f in sdn.csv add.csv alt.csv sdn_comments.csv; do
  cmp -s "$SRV/$f" "$DEST/$f" || fail "$f not the new version after recovery"
  cmp -s "$TMP/$f.old" "$DEST/.previous/$f" || fail "$f: old version not kept"
  jq_true ".files[\"$f\"].sha256 == \"$(sha "$SRV/$f")\"" "$M"
done
[ -e "$DEST/.embargo-journal.json" ] && fail "journal left after recovery"
ls -a "$DEST" | grep -q '^\.incoming-' && fail "incoming left after recovery"
expect_rc 0 "$E" lists --data "$DEST" --strict --format json

# A crash, then the incoming copy lost: the next run rolls back.
for f in sdn.csv add.csv alt.csv sdn_comments.csv; do cp "$DEST/$f" "$TMP/$f.old"; done
sed -i '$d' "$SRV/add.csv" "$SRV/alt.csv"
EMBARGO_TEST_CRASH_AFTER=2 "$E" lists update --dest "$DEST" \
  --sources "$TMP/s.json" --only ofac-sdn >/dev/null 2>&1
[ $? = 99 ] || fail "the crash hook did not fire (2)"
rm -f "$DEST"/.incoming-*/ofac-sdn/alt.csv
expect_rc 0 upd "$TMP/s.json" --only un-sc
jq_true '.recovered | test("rolled back")'
for f in sdn.csv add.csv alt.csv sdn_comments.csv; do
  cmp -s "$TMP/$f.old" "$DEST/$f" || fail "$f not rolled back"
done
expect_rc 0 "$E" lists --data "$DEST" --strict --format json
finish
