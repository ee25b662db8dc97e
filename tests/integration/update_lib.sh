# Shared set-up of the `embargo lists update` tests: copies of the real
# lists in a temporary directory, served by update_server.py on loopback,
# and helpers to write sources files and run the update.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SRV=$TMP/srv
DEST=$TMP/dest
REQ=$TMP/requests.jsonl
mkdir -p "$SRV"
cp "$LISTS/us-csl/consolidated-2023-11-30-partial.csv" "$SRV/us-csl.csv"
cp "$LISTS"/ofac/*.csv "$SRV/"
cp "$LISTS/un/consolidated.xml" "$SRV/un-consolidated.xml"
: >"$REQ"

python3 "$HERE/update_server.py" --dir "$SRV" --log "$REQ" >"$TMP/port" \
  2>"$TMP/server.err" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
  sleep 0.1
  i=$((i + 1))
done
PORT=$(head -n 1 "$TMP/port")
[ -n "$PORT" ] || {
  echo "the test server did not start: $(cat "$TMP/server.err")" >&2
  exit 1
}
BASE=http://127.0.0.1:$PORT
FILES="us-csl.csv sdn.csv add.csv alt.csv sdn_comments.csv cons_prim.csv cons_add.csv cons_alt.csv cons_comments.csv un-consolidated.xml"

# make_sources OUT [FILE=MODE/SERVED ...]: a sources file for the test
# server; every file is fetched from /ok/FILE unless overridden.
make_sources() {
  python3 - "$BASE" "$@" <<'PY'
import json, sys
base, out, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]
over = dict(o.split("=", 1) for o in overrides)
rows = [
    ("us-csl", "us-csl", "csl-csv", "us-csl.csv"),
    ("ofac-sdn", "ofac-sdn", "ofac-sdn-csv", "sdn.csv"),
    ("ofac-sdn-add", "ofac-sdn", "ofac-sdn-csv", "add.csv"),
    ("ofac-sdn-alt", "ofac-sdn", "ofac-sdn-csv", "alt.csv"),
    ("ofac-sdn-comments", "ofac-sdn", "ofac-sdn-csv", "sdn_comments.csv"),
    ("ofac-cons", "ofac-cons", "ofac-cons-csv", "cons_prim.csv"),
    ("ofac-cons-add", "ofac-cons", "ofac-cons-csv", "cons_add.csv"),
    ("ofac-cons-alt", "ofac-cons", "ofac-cons-csv", "cons_alt.csv"),
    ("ofac-cons-comments", "ofac-cons", "ofac-cons-csv", "cons_comments.csv"),
    ("un-sc", "un-sc", "un-xml", "un-consolidated.xml"),
]
src = []
for sid, group, fmt, f in rows:
    src.append({"id": sid, "group": group, "format": fmt, "file": f,
                "url": "%s/%s" % (base, over.get(f, "ok/" + f)),
                "min_rows": 0})
json.dump({"version": 1, "sources": src}, open(out, "w"), indent=1)
PY
}

# upd SOURCES [ARGS...]: one update of $DEST, JSON on stdout.
upd() {
  s=$1
  shift
  "$E" lists update --dest "$DEST" --sources "$s" --format json --timeout 20 "$@"
}

sha() {
  sha256sum "$1" | cut -c1-64
}

# snapshot: the digests of everything in $DEST, .previous and manifest
# included, to prove that a refused update changed nothing.
snapshot() {
  (cd "$DEST" && find . -path ./.lock -prune -o -type f -print | sort |
    xargs sha256sum)
}

# file_is FILE FILTER: the jq filter holds for FILE's entry in the output.
file_is() {
  jq_true "(.files[] | select(.file == \"$1\")) | $2"
}
