#!/bin/sh
# Load test of `embargo serve` with wrk on loopback: POST /v1/screen with
# varied real names (listed names and the negative samples of
# ../shared/data/names) at 16 and 256 connections, with the audit log on.
# Prints requests/s, p50/p99 latency, errors and the server's peak RSS.
#
#   bench/bench_serve.sh [BUILD_DIR] [SECONDS]      (defaults: build, 10)
#
# Environment: EMBARGO_SHARED_DATA (default ../shared/data),
# BENCH_THREADS (server threads; default one per core), BENCH_WRK_THREADS
# (default 2), BENCH_AUDIT=0 to run without the audit log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
SECS=${2:-10}
E=$BUILD/embargo
SHARED=${EMBARGO_SHARED_DATA:-$ROOT/../shared/data}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
command -v wrk >/dev/null || { echo "bench_serve: wrk is not installed" >&2; exit 2; }
[ -x "$E" ] || { echo "bench_serve: no $E (build first)" >&2; exit 2; }

TMP=$(mktemp -d)
SPID=
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

KEY=bench-secret-0123456789abcdef
printf 'bench screen %s\n' "$KEY" >"$TMP/keys"
chmod 600 "$TMP/keys"

# Bodies: 2,000 listed names (primary names of the 2026 CSL file) and the
# 2,000 negative samples, interleaved, one JSON object per line.
python3 - "$SHARED" "$TMP/bodies" <<'PY'
import csv, json, sys, glob
shared, out = sys.argv[1], sys.argv[2]
listed = []
with open(shared + "/lists/us-csl/consolidated-2026-07-31-reduced.csv",
          encoding="utf-8", errors="replace") as f:
    for row in csv.DictReader(f):
        n = (row.get("name") or "").strip()
        if n and len(n) < 200:
            listed.append(n)
listed = listed[::max(1, len(listed) // 2000)][:2000]
neg = []
for p in sorted(glob.glob(shared + "/names/negatives-sample-*.csv")):
    with open(p, encoding="utf-8") as f:
        neg += [r["full_name"] for r in csv.DictReader(f) if r["full_name"]]
names = [x for pair in zip(listed, neg) for x in pair]
with open(out, "w", encoding="utf-8") as f:
    for n in names:
        f.write(json.dumps({"name": n}, ensure_ascii=False) + "\n")
print(f"bench_serve: {len(names)} names ({len(listed)} listed, {len(neg)} negative)", file=sys.stderr)
PY

AUDIT=
[ "${BENCH_AUDIT:-1}" = 0 ] || AUDIT="--audit $TMP/audit.db"
THREADS=
[ -n "${BENCH_THREADS:-}" ] && THREADS="--threads $BENCH_THREADS"
# shellcheck disable=SC2086
"$E" serve --data "$SHARED/lists" --keys "$TMP/keys" --listen 127.0.0.1:0 \
  $AUDIT $THREADS 2>"$TMP/server.log" &
SPID=$!
PORT=
for _ in $(seq 1 300); do
  PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/server.log")
  [ -n "$PORT" ] && break
  kill -0 "$SPID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "bench_serve: the server did not start" >&2; exit 1; }
URL=http://127.0.0.1:$PORT
echo "bench_serve: server pid $SPID on $URL, $(nproc) cores, audit $([ -n "$AUDIT" ] && echo on || echo off)"
echo "bench_serve: RSS after load: $(sed -n 's/VmRSS:\s*//p' /proc/$SPID/status)"

export EMBARGO_BENCH_BODIES="$TMP/bodies" EMBARGO_BENCH_KEY="$KEY"
# A short warm-up so that the first run does not pay for page faults.
wrk -t1 -c4 -d2s -s "$ROOT/bench/bench_serve.lua" "$URL" >/dev/null
for c in 16 256; do
  t=$WRK_THREADS
  [ "$t" -gt "$c" ] && t=$c
  printf 'connections %-4s ' "$c"
  wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 5s -s "$ROOT/bench/bench_serve.lua" \
    "$URL" | sed -n 's/^RESULT //p'
done
echo "bench_serve: server peak RSS (VmHWM): $(sed -n 's/VmHWM:\s*//p' /proc/$SPID/status)"
if [ -n "$AUDIT" ]; then
  kill -TERM "$SPID"
  wait "$SPID" || true
  SPID=
  echo "bench_serve: audit rows written: $(sqlite3 "$TMP/audit.db" 'select count(*) from events' 2>/dev/null || echo '?')"
fi
