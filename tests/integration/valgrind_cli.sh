# The real binary under valgrind's memcheck on each subcommand and input
# path (built-in data with ICU, a real CSL file, stdin modes): no invalid
# access, no leak. Skipped (exit 77) when valgrind is missing or the build
# uses sanitizers, which cannot run under valgrind.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || exit 77
if nm "$E" 2>/dev/null | grep -q __asan_init; then exit 77; fi
V="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible"

expect_rc 1 $V $E screen --format json "華為技術有限公司"
expect_rc 1 $V $E screen --data "$LISTS/us-csl/consolidated-small.csv" --format json "Sinobright Import and Export Company"
printf 'SMIC\nHuawie Technologies\n\377bad\n' >"$TMP/in.txt"
expect_rc 3 $V $E screen - <"$TMP/in.txt"
printf '"Smith, John",John Smith\n' >"$TMP/pairs.csv"
expect_rc 1 $V $E compare - <"$TMP/pairs.csv"
expect_rc 0 $V $E lists --data "$LISTS/un" --data "$LISTS/bis"
expect_rc 0 $V $E lists --data "$LISTS/invalid" --data "$LISTS/bis"
finish
