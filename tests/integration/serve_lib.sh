# Helpers for the serve_*.sh tests: start `embargo serve` on a free
# loopback port (port 0: the kernel picks one and the server prints it),
# call it with curl, stop it. Sourced after lib.sh.
. "$(dirname "$0")/lib.sh"

ADMIN_KEY=admin-secret-0123456789abcdef
SCREEN_KEY=screen-secret-0123456789abcdef
KEYS=$TMP/keys
printf '# test keys\nalice admin %s\n\nbob screen %s\n' "$ADMIN_KEY" "$SCREEN_KEY" >"$KEYS"
chmod 600 "$KEYS"
SPID=
URL=

# The server is always stopped, whatever happens to the test.
serve_cleanup() {
  if [ -n "$SPID" ]; then
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap serve_cleanup EXIT
trap 'exit 1' INT TERM

# start_server ARGS...: starts the server with ARGS (plus --listen and,
# unless ARGS has --insecure-no-auth or --keys, the test keys); waits
# until it listens (up to 120 s: ASan builds load slowly).
start_server() {
  extra="--keys $KEYS"
  case " $* " in *" --insecure-no-auth "* | *" --keys "*) extra= ;; esac
  : >"$TMP/server.log"
  # shellcheck disable=SC2086
  "$E" serve --listen 127.0.0.1:0 $extra "$@" 2>"$TMP/server.log" &
  SPID=$!
  PORT=
  i=0
  while [ $i -lt 1200 ]; do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/server.log")
    [ -n "$PORT" ] && break
    if ! kill -0 "$SPID" 2>/dev/null; then
      fail "the server exited at start: $(cat "$TMP/server.log")"
      SPID=
      return 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
  [ -n "$PORT" ] || { fail "the server did not start"; return 1; }
  URL=http://127.0.0.1:$PORT
}

# stop_server [SIGNAL]: stops the server (SIGTERM by default) and sets RC
# to its exit status.
stop_server() {
  kill -"${1:-TERM}" "$SPID"
  wait "$SPID"
  RC=$?
  SPID=
}

# call METHOD PATH KEY [CURL ARGS...]: one request; the body lands in
# $TMP/out, the headers in $TMP/hdr, the status in CODE. KEY "-" sends
# no key.
call() {
  m=$1 p=$2 k=$3
  shift 3
  if [ "$k" = - ]; then
    CODE=$(curl -s -X "$m" -D "$TMP/hdr" -o "$TMP/out" -w '%{http_code}' "$@" "$URL$p")
  else
    CODE=$(curl -s -X "$m" -D "$TMP/hdr" -o "$TMP/out" -w '%{http_code}' \
      -H "Authorization: Bearer $k" "$@" "$URL$p")
  fi
}

# post PATH KEY JSON [CURL ARGS...]: POSTs JSON.
post() {
  p=$1 k=$2 body=$3
  shift 3
  call POST "$p" "$k" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# expect_code WANT WHAT: checks the status of the last call.
expect_code() {
  [ "$CODE" = "$1" ] || fail "$2: HTTP $CODE, wanted $1: $(head -c 300 "$TMP/out")"
}

# expect_error WANT CODE_NAME WHAT: a JSON error with this status and code.
expect_error() {
  expect_code "$1" "$3"
  jq -e --arg c "$2" '.error.code == $c and (.error.message | length > 0)' \
    "$TMP/out" >/dev/null 2>&1 || fail "$3: wanted error code $2, got $(head -c 300 "$TMP/out")"
}
