#!/usr/bin/env python3
# etag_check.py — the feed's 304 path across hosts: a host's per-process
# caches must be checked against the database on every poll, since another
# host may have written (issue 16).
#
# usage: etag_check.py BASE1 BASE2 SKU (sign-in from ORDERSYNC_ADMIN_*).
# For each direction: the head and its ETag on one host; the same poll with
# If-None-Match is 304 on both hosts; an order placed on the OTHER host; the
# first host, asked again with the old ETag, answers 200 with that order's
# event (not a stale 304). Prints "ok - …" / "FAIL - …" lines.

import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feed import Feed

results = []
POLLS = 2 * int(os.environ.get("SCALE_PROCS", "4"))


def check(cond, what, detail=""):
	results.append(cond)
	print(("ok   - " if cond else "FAIL - ") + what)
	if not cond and detail:
		print("       " + detail)


def place(base, key, sku):
	body = json.dumps({"customer": {"name": "Etag " + key, "email": key + "@example.com"},
	    "items": [{"sku": sku, "qty": 1}]}).encode()
	req = urllib.request.Request(base + "/api/orders", data=body, method="POST",
	    headers={"Content-Type": "application/json", "Idempotency-Key": key})
	with urllib.request.urlopen(req, timeout=15) as r:
		return r.status, json.loads(r.read())["number"]


def main():
	b1, b2, sku = sys.argv[1], sys.argv[2], sys.argv[3]
	f = Feed([b1, b2])
	f.login(os.environ["ORDERSYNC_ADMIN_EMAIL"], os.environ["ORDERSYNC_ADMIN_PASSWORD"])
	for n, (here, there) in enumerate(((b1, b2), (b2, b1)), 1):
		st, b, _ = f.read(None, here)
		cursor = b["cursor"]
		st, b, _ = f.read(cursor, here)
		tag = f.headers.get("ETag")
		# Several polls each, so that every FastCGI process of both
		# hosts has cached the head (lighttpd spreads them).
		sts = [f.read(cursor, h, tag)[0] for h in (here, there) for _ in range(POLLS)]
		check(tag is not None and set(sts) == {304},
		    "etag %d: nothing new: 304 on both hosts with the head's ETag (%d polls)" % (n, len(sts)),
		    "ETag %s, statuses %s" % (tag, sts))
		st, number = place(there, "etag-%d-%d" % (n, os.getpid()), sku)
		bad = []
		for _ in range(POLLS):
			st, b, _ = f.read(cursor, here, tag)
			got = [e.get("order", {}).get("number") for e in (b or {}).get("events", [])]
			if st != 200 or number not in got:
				bad.append("%d %s" % (st, got))
		check(not bad,
		    "etag %d: an order placed on the other host: this host answers 200 with its event, never a stale 304 (%d polls)" % (n, POLLS),
		    "want %s; got %s" % (number, bad[:3]))
	return 0 if all(results) else 1


if __name__ == "__main__":
	sys.exit(main())
