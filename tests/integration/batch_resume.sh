# Crash safety of embargo batch: a run over a large generated input is
# killed with SIGKILL at several points, resumed each time with --resume,
# and the final output and error file must equal an uninterrupted run's
# byte for byte, the summary's counts too. A resume with other options or
# a changed input is refused.
. "$(dirname "$0")/lib.sh"
D="--data $LISTS/us-csl --data $LISTS/ofac --data $LISTS/bis"
ROWS=${EMBARGO_BATCH_TEST_ROWS:-150000}
# Frequent checkpoints, so that every run below is stopped well before the
# end of the input however fast the machine is.
export EMBARGO_BATCH_CHECKPOINT_SECONDS=0.1

# Listed names (some with a typo), synthetic names, and a bad row every
# 997 rows (an empty name), so that the error file is resumed too.
python3 - "$TMP/in.csv" "$ROWS" <<'EOF'
import random, sys
random.seed(20261122)
listed = ["SMIC", "Semiconductor Manufacturing International Corporation",
          "Huawei Technologies Co., Ltd.", "Banco Nacional de Cuba",
          "Rosoboronexport", "Hikvision", "China Electronics Technology Group",
          "Bank Melli Iran", "Sinopec", "Zhejiang Dahua Technology"]
words = ("alpha nordic trading logistics systems global tech industrial "
         "holdings limited group electronics precision materials services "
         "partners bakery florists harbour textile").split()
with open(sys.argv[1], "w") as f:
    f.write("id,name,country\n")
    for i in range(int(sys.argv[2])):
        if i % 997 == 500:
            f.write("r%d,,\n" % i)
            continue
        if random.random() < 0.15:
            n = random.choice(listed)
            if random.random() < 0.5:
                k = random.randrange(len(n))
                n = n[:k] + n[k + 1:]
        else:
            n = " ".join(random.choice(words).capitalize()
                         for _ in range(random.randint(2, 4)))
            n += " %d" % random.randint(0, 99999)
        f.write('r%d,"%s",%s\n' % (i, n.replace('"', '""'),
                                    random.choice(["", "", "CN", "US"])))
EOF

B="$E batch $D --quiet --threads 2 --input $TMP/in.csv --id-column id --country-column country"
expect_rc 1 $B --output "$TMP/ref.jsonl"
[ "$(wc -l <"$TMP/ref.jsonl.errors.jsonl")" -ge 1 ] || fail "no bad rows in the reference run"

# Rows done according to the checkpoint, or 0.
done_rows() {
  jq -r '.rows_done' "$TMP/out.jsonl.checkpoint" 2>/dev/null || echo 0
}

# Starts a (resumed) run and kills it with SIGKILL: with "early", before
# it can have written anything; else once it has written a checkpoint of
# its own and then worked $1 seconds more (so that rows past the last
# checkpoint are in the output and must be cut off on resume).
run_and_kill() {
  before=$(done_rows)
  $B --output "$TMP/out.jsonl" --resume 2>>"$TMP/runs.err" &
  pid=$!
  if [ "$1" = early ]; then
    sleep 0.2
  else
    i=0
    while kill -0 $pid 2>/dev/null && [ "$(done_rows)" -le "$before" ] && [ $i -lt 3000 ]; do
      sleep 0.05
      i=$((i + 1))
    done
    sleep "$1"
  fi
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  echo "killed at checkpoint $(done_rows) ($1)" >>"$TMP/kills"
}

run_and_kill early
run_and_kill 0.05
# Other options: the resume is refused, and nothing is touched.
cp "$TMP/out.jsonl.checkpoint" "$TMP/ck.before" 2>/dev/null
expect_rc 3 $B --output "$TMP/out.jsonl" --resume --threshold 0.9
grep -q "options" "$TMP/err" || fail "refusal does not say why: $(cat "$TMP/err")"
cmp -s "$TMP/ck.before" "$TMP/out.jsonl.checkpoint" || fail "a refused resume changed the checkpoint"
run_and_kill 0.15
# SIGTERM (as SIGINT): a clean stop with exit 130 and a checkpoint of the
# rows written so far.
before=$(done_rows)
$B --output "$TMP/out.jsonl" --resume 2>"$TMP/term.err" &
pid=$!
i=0
while kill -0 $pid 2>/dev/null && [ "$(done_rows)" -le "$before" ] && [ $i -lt 3000 ]; do
  sleep 0.05
  i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
[ "$rc" = 130 ] || fail "SIGTERM: exit $rc, wanted 130 ($(cat "$TMP/term.err"))"
grep -q "interrupted after row" "$TMP/term.err" || fail "SIGTERM: no message: $(cat "$TMP/term.err")"
[ "$(done_rows)" -gt "$before" ] || fail "SIGTERM: no checkpoint"
echo "terminated at checkpoint $(done_rows)" >>"$TMP/kills"
run_and_kill 0.02
resumed_from=$(done_rows)
[ "$resumed_from" -gt 0 ] || fail "the last kill did not land mid-run: $(cat "$TMP/kills" | tr '\n' ';')"
expect_rc 1 $B --output "$TMP/out.jsonl" --resume
[ -f "$TMP/out.jsonl.tmp" ] && fail "the temporary output is left behind"
[ -f "$TMP/out.jsonl.checkpoint" ] && fail "the checkpoint is left behind"
cmp "$TMP/ref.jsonl" "$TMP/out.jsonl" >/dev/null || fail "resumed output differs from an uninterrupted run ($(cat "$TMP/kills" | tr '\n' ';'))"
cmp "$TMP/ref.jsonl.errors.jsonl" "$TMP/out.jsonl.errors.jsonl" >/dev/null || fail "resumed error file differs"
strip='del(.seconds, .rows_per_second, .resumed_at_row, .cache, .output)'
jq -S "$strip" "$TMP/ref.jsonl.summary.json" >"$TMP/s1"
jq -S "$strip" "$TMP/out.jsonl.summary.json" >"$TMP/s2"
cmp -s "$TMP/s1" "$TMP/s2" || fail "resumed summary counts differ: $(diff "$TMP/s1" "$TMP/s2" | head -5)"
jq_true ".rows == $ROWS and .resumed_at_row == $resumed_from" "$TMP/out.jsonl.summary.json"
# Every input row is accounted for exactly once.
ok=$(wc -l <"$TMP/out.jsonl")
bad=$(wc -l <"$TMP/out.jsonl.errors.jsonl")
[ $((ok + bad)) = "$ROWS" ] || fail "$ok rows + $bad errors != $ROWS"
[ "$(jq -r .row "$TMP/out.jsonl" | sort -n | uniq -d | wc -l)" = 0 ] || fail "a row is written twice"

# A changed input is refused.
cp "$TMP/in.csv" "$TMP/in2.csv"
B2="$E batch $D --quiet --threads 1 --input $TMP/in2.csv --id-column id"
$B2 --output "$TMP/o2.jsonl" 2>/dev/null &
pid=$!
i=0
while [ ! -f "$TMP/o2.jsonl.checkpoint" ] && kill -0 $pid 2>/dev/null && [ $i -lt 2000 ]; do
  sleep 0.05
  i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -f "$TMP/o2.jsonl.checkpoint" ]; then
  echo 'r999999,"Appended Row",' >>"$TMP/in2.csv"
  expect_rc 3 $B2 --output "$TMP/o2.jsonl" --resume
  grep -q "input" "$TMP/err" || fail "refusal does not name the input: $(cat "$TMP/err")"
else
  fail "the single-thread run finished before its first checkpoint"
fi

finish
