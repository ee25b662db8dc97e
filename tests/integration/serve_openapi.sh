# docs/openapi.yaml matches the server: every documented path and method
# answers (not 404 or 405, no 500), with a documented status; and every
# route in src/server/http.c is documented.
. "$(dirname "$0")/serve_lib.sh"
ROOT=$(dirname "$0")/../..
DOC=$ROOT/docs/openapi.yaml
[ -f "$DOC" ] || { fail "no $DOC"; finish; }

# "METHOD PATH STATUS,STATUS..." for each operation, by indentation
# (paths at 2 spaces, methods at 4, status codes at 8 under responses).
python3 - "$DOC" >"$TMP/ops" <<'PY'
import re, sys
ops, path, op, in_resp = [], None, None, False
for line in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"^\S", line):
        section = line.strip()
        path = op = None
        continue
    m = re.match(r"^  (/\S*):\s*$", line)
    if m and section == "paths:":
        path, op = m.group(1), None
        continue
    m = re.match(r"^    (get|post|put|delete|patch|head):\s*$", line)
    if m and path:
        op = [m.group(1).upper(), path, []]
        ops.append(op)
        in_resp = False
        continue
    if op and re.match(r"^      responses:", line):
        in_resp = True
        continue
    m = re.match(r"^        '(\d{3})':", line)
    if op and in_resp and m:
        op[2].append(m.group(1))
for m, p, codes in ops:
    print(m, p, ",".join(codes))
PY
[ "$(wc -l <"$TMP/ops")" -ge 12 ] || fail "too few operations parsed: $(cat "$TMP/ops")"

# Every route of the server is documented ("/ui/" as "/ui/{file}").
grep -o '^    {"/[^"]*", "[A-Z]*"' "$ROOT/src/server/http.c" | sed 's/^    {"\([^"]*\)", "\([A-Z]*\)"/\2 \1/' |
  sed 's|/ui/$|/ui/{file}|' | grep -v ' /index.html$' >"$TMP/routes"
[ -s "$TMP/routes" ] || fail "no routes found in http.c"
while read -r m p; do
  grep -q "^$m $p " "$TMP/ops" || fail "route $m $p is not in docs/openapi.yaml"
done <"$TMP/routes"

start_server --audit "$TMP/audit.db" || finish
while read -r m p codes; do
  u=$(echo "$p" | sed 's|{file}|app.js|')
  if [ "$m" = POST ]; then
    # An empty JSON object: each endpoint answers it (400 for a missing
    # field, 200 for a reload).
    post "$u" "$ADMIN_KEY" '{}'
  else
    call "$m" "$u" "$ADMIN_KEY"
  fi
  case $CODE in
  404 | 405 | 000 | 500) fail "$m $p answered $CODE: $(head -c 200 "$TMP/out")" ;;
  esac
  case ",$codes," in
  *",$CODE,"*) ;;
  *) fail "$m $p answered $CODE, which docs/openapi.yaml does not list ($codes)" ;;
  esac
  case $p in
  /v1/*) grep -qi '^Content-Type: application/json' "$TMP/hdr" || fail "$m $p is not JSON" ;;
  esac
done <"$TMP/ops"
stop_server TERM
finish
