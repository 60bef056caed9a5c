#!/usr/bin/env python3
"""webhook_receiver.py — a webhook endpoint for the tests (stdlib only).

Usage: webhook_receiver.py DIR

Listens on 127.0.0.1 on a port the system picks and writes it to DIR/port.
Every request is appended to DIR/requests.jsonl as one JSON object: path,
method, headers (names lowercased), body (text), the mode it was answered
in, and sig_ok — whether Ordersync-Signature ("t=<unix>,v1=<hex>") is the
HMAC-SHA256 of "<t>.<body>" keyed with the secret's text. DIR/secrets
holds one "PATH SECRET" line per endpoint (read at each request, so the
test adds a line once the app has made the endpoint); sig_ok is null when
the request's path has no line.

How it answers is DIR/mode (read at each request; default ok):
  ok        204
  500 404 408 429   that status
  hang      nothing for 30 s (the sender must give up first), then 204
  redirect  302 to /redirected on this server (a request there is logged too)
A path under /redirected always answers 204, whatever the mode.
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
LOCK = threading.Lock()


def read(name, default=None):
    try:
        with open(os.path.join(DIR, name), encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def secret_of(path):
    for line in (read("secrets", "") or "").splitlines():
        p, _, secret = line.partition(" ")
        if p == path and secret:
            return secret
    return None


def signature_ok(secret, header, body):
    if secret is None:
        return None
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return False
    mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the requests file says it all
        pass

    def answer(self, status, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        mode = "ok" if self.path.startswith("/redirected") else read("mode", "ok")
        rec = {
            "time": time.time(),
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "mode": mode,
            "sig_ok": signature_ok(secret_of(self.path), self.headers.get("Ordersync-Signature"), body),
        }
        with LOCK, open(os.path.join(DIR, "requests.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        if mode == "hang":
            time.sleep(30)
            self.answer(204)
        elif mode == "redirect":
            port = self.server.server_address[1]
            self.answer(302, [("Location", "http://127.0.0.1:%d/redirected" % port)])
        elif mode in ("500", "404", "408", "429"):
            self.answer(int(mode))
        else:
            self.answer(204)

    do_POST = handle_any
    do_GET = handle_any


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, os.path.join(DIR, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
