#!/usr/bin/env python3
"""A loopback HTTP server for the `embargo lists update` tests.

Serves the files of --dir on 127.0.0.1 at a free port, which it prints on
the first line of stdout. The first path segment says how to misbehave:

  /ok/FILE            the file, with ETag and Last-Modified; answers 304 to a
                      matching If-None-Match or a current If-Modified-Since
  /plain/FILE         the file without ETag or Last-Modified
  /truncate/FILE      announces the whole Content-Length, sends half, closes
  /html/FILE          200 with an HTML error page instead of the file
  /slow/FILE          waits 30 s before answering
  /status/CODE        answers with that status code (404, 500, ...)
  /redirect/FILE      302 to /ok/FILE
  /redirect-out/FILE  302 to plain http on a host that is not loopback
  /loop/N             302 to /loop/N+1, forever

Each request is appended to --log as one JSON line (path, User-Agent,
If-None-Match, If-Modified-Since, status) so that tests can check them.
"""
import argparse
import email.utils
import hashlib
import http.server
import json
import os
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "embargo-test/1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        entry = {
            "path": self.path,
            "user_agent": self.headers.get("User-Agent"),
            "if_none_match": self.headers.get("If-None-Match"),
            "if_modified_since": self.headers.get("If-Modified-Since"),
            "status": status,
        }
        with self.server.log_lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def simple(self, status, body=b"", ctype="text/plain", extra=None):
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def read_file(self, name):
        if "/" in name or name.startswith("."):
            return None
        path = os.path.join(self.server.root, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
            return data, os.stat(path).st_mtime
        except OSError:
            return None

    def do_GET(self):
        parts = self.path.lstrip("/").split("/", 1)
        mode, rest = parts[0], parts[1] if len(parts) > 1 else ""
        if mode == "status":
            code = int(rest) if rest.isdigit() else 500
            self.simple(code, b"error %d\n" % code)
            return
        if mode == "loop":
            n = int(rest) + 1 if rest.isdigit() else 0
            self.simple(302, extra={"Location": "/loop/%d" % n})
            return
        if mode == "redirect":
            self.simple(302, extra={"Location": "/ok/" + rest})
            return
        if mode == "redirect-out":
            self.simple(302, extra={"Location": "http://example.com/" + rest})
            return
        got = self.read_file(rest)
        if got is None:
            self.simple(404, b"not found\n")
            return
        data, mtime = got
        if mode == "slow":
            time.sleep(30)
            self.simple(200, data)
        elif mode == "html":
            page = (b"<!DOCTYPE html><html><head><title>Service unavailable"
                    b"</title></head><body><h1>Down for maintenance</h1>"
                    b"</body></html>\n")
            self.simple(200, page, "text/html")
        elif mode == "truncate":
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif mode == "plain":
            self.simple(200, data, "text/csv")
        elif mode == "ok":
            etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
            lm = email.utils.formatdate(mtime, usegmt=True)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = False
            if inm is not None:
                fresh = inm.strip() == etag
            elif ims is not None:
                try:
                    when = email.utils.parsedate_to_datetime(ims).timestamp()
                    fresh = int(mtime) <= when
                except (TypeError, ValueError):
                    fresh = False
            if fresh:
                self.record(304)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.simple(200, data, "text/csv",
                        {"ETag": etag, "Last-Modified": lm})
        else:
            self.simple(404, b"unknown mode\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.root = args.dir
    srv.log_path = args.log
    srv.log_lock = threading.Lock()
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
