# Hostile input to the CLI: loops in the data directory, stdin lines that
# are very long or hold NUL bytes, a query whose typo corrections outgrow
# it, and list text that is not UTF-8.
. "$(dirname "$0")/lib.sh"

# A data directory with links to itself and to its parent loads each file
# once and finishes at once (the walk was exponential in the depth limit).
mkdir -p "$TMP/loop/sub"
cp "$LISTS/bis/dpl.txt" "$TMP/loop/sub/dpl.txt"
ln -s . "$TMP/loop/sub/self"
ln -s .. "$TMP/loop/sub/up"
ln -s ../sub "$TMP/loop/sub/again"
expect_rc 0 timeout 20 $E lists --format json --data "$TMP/loop" --data "$TMP/loop/sub/dpl.txt"
jq_true '(.sources | length) == 1 and .sources[0].format == "bis-dpl-tsv"'

# stdin: a NUL byte is echoed, not cut off; a line of megabytes is an error
# line (memory stays bounded) and the lines after it still come, in order.
{
  printf 'foo\000bar\r\n'
  head -c 3000000 /dev/zero | tr '\0' 'A'
  printf '\nSMIC\n'
} >"$TMP/hostile.txt"
expect_rc 3 $E screen - <"$TMP/hostile.txt"
[ "$(wc -l <"$TMP/out")" = 3 ] || fail "hostile stdin gave $(wc -l <"$TMP/out") lines, wanted 3"
jq_all '.[0].query == "foo\u0000bar" and .[1].query == null and .[1].error.code == "ETOOBIG" and .[2].query == "SMIC" and (.[2].hits | length) > 0'

# A query of the largest size whose typo'd words each get corrected one
# letter longer (it overflowed a stack buffer).
q=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "COMPNY,"; for (i = 0; i < 324; i++) printf "," }')
expect_rc 0 $E screen --format json "$q"
jq_true '.hits == []'

# List text in Windows-1252 comes out as UTF-8, so "name" is never missing.
printf 'source,entity_number,name,alt_names\nEntity List (EL) - Bureau of Industry and Security,9,M\374ller Zwirbelwerk GmbH,Zwirbelwerk Quantenfabrik\n' >"$TMP/cp1252.csv"
expect_rc 1 $E screen --format json --data "$TMP/cp1252.csv" "Zwirbelwerk Quantenfabrik"
jq_true '.hits[0].name == "Müller Zwirbelwerk GmbH"'

finish
