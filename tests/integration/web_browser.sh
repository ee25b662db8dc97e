#!/bin/sh
# The analysts' web page in a real browser (issue #4): starts `embargo
# serve` on a free loopback port with a temporary keys file (one screen
# key, one admin key) and audit log, then drives Debian's Chromium with
# playwright-core through tests/browser/web_test.js: screen "SMIC", read the
# explanation, record decisions, find them in the audit export, check a
# transaction. Afterwards the audit chain must verify.
#
# playwright-core comes from npm (tests/browser/package-lock.json) and is
# installed with `npm ci` into the build directory, never into the source
# tree; EMBARGO_BROWSER_DEPS names another directory. EMBARGO_SHOTS keeps
# the screenshots somewhere that outlives the test.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# Without node or the browser the test cannot run at all: skip (77), and
# say why, rather than pass.
for tool in node npm "$CHROMIUM" curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (scripts/deps.sh installs it)" >&2
    exit 77
  fi
done

# Install playwright-core when missing or when the lock file changed.
BUILD=$(cd "$(dirname "$E")" && pwd)
DEPS=${EMBARGO_BROWSER_DEPS:-$BUILD/browser-deps}
if [ ! -f "$DEPS/node_modules/playwright-core/package.json" ] ||
  ! cmp -s "$SRC/tests/browser/package-lock.json" "$DEPS/package-lock.json"; then
  mkdir -p "$DEPS"
  cp "$SRC/tests/browser/package.json" "$SRC/tests/browser/package-lock.json" \
    "$DEPS/"
  if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$DEPS" \
    --ignore-scripts --no-audit --no-fund >"$TMP/npm.log" 2>&1; then
    cat "$TMP/npm.log" >&2
    fail "npm ci --prefix $DEPS failed"
    finish
  fi
fi

# Keys: random secrets, a file only the owner can read.
secret() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}
SCREEN_KEY=$(secret)
ADMIN_KEY=$(secret)
umask 077
printf '# keys for the browser test\nanalyst screen %s\nexaminer admin %s\n' \
  "$SCREEN_KEY" "$ADMIN_KEY" >"$TMP/keys"

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

SPID=
SERVE_RC=
stop_server() {
  if [ -n "$SPID" ]; then
    kill -TERM "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SERVE_RC=$?
    SPID=
  fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

# Start the server; another process may grab the port between the probe
# and the bind, so try a few ports.
URL=
for attempt in 1 2 3; do
  PORT=$(free_port)
  "$E" serve --keys "$TMP/keys" --audit "$TMP/audit.db" \
    --listen "127.0.0.1:$PORT" --web "$SRC/web" >"$TMP/serve.log" 2>&1 &
  SPID=$!
  i=0
  while [ $i -lt 150 ]; do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
      URL="http://127.0.0.1:$PORT/"
      break
    fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.2
    i=$((i + 1))
  done
  [ -n "$URL" ] && break
  stop_server
done
if [ -z "$URL" ]; then
  fail "embargo serve did not answer /healthz: $(tail -c 600 "$TMP/serve.log")"
  finish
fi

# The static files are served without a key and with the right types.
ct=$(curl -fsS -o /dev/null -w '%{content_type}' "${URL}ui/app.js")
case $ct in
*javascript*) ;;
*) fail "GET /ui/app.js: content type '$ct', wanted JavaScript" ;;
esac
ct=$(curl -fsS -o /dev/null -w '%{content_type}' "${URL}ui/app.css")
case $ct in
text/css*) ;;
*) fail "GET /ui/app.css: content type '$ct', wanted text/css" ;;
esac

SHOTS=${EMBARGO_SHOTS:-$TMP/shots}
mkdir -p "$SHOTS" "$TMP/profile"
if ! EMBARGO_URL=$URL EMBARGO_SCREEN_KEY=$SCREEN_KEY \
  EMBARGO_SCREEN_KEY_ID=analyst EMBARGO_ADMIN_KEY=$ADMIN_KEY \
  EMBARGO_SHOTS=$SHOTS EMBARGO_PROFILE=$TMP/profile CHROMIUM=$CHROMIUM \
  NODE_PATH=$DEPS/node_modules \
  timeout 180 node "$SRC/tests/browser/web_test.js"; then
  fail "the browser test failed (screenshots in $SHOTS); server log: $(tail -c 600 "$TMP/serve.log")"
fi

# A graceful stop exits 0 (under ASan: with no leak or error report) and
# flushes the log; its chain must verify.
stop_server
[ "$SERVE_RC" = 0 ] ||
  fail "embargo serve exited $SERVE_RC after SIGTERM: $(tail -c 800 "$TMP/serve.log")"
expect_rc 0 "$E" audit verify --audit "$TMP/audit.db"
finish
