#!/usr/bin/env python3
# feed_reader.py — follows the change feed as the admin page does, alternating
# between app hosts, until told to stop; writes what it saw.
#
# usage: feed_reader.py OUT STOPFILE BASE1 [BASE2 ...]
# Signs in as $ORDERSYNC_ADMIN_EMAIL / $ORDERSYNC_ADMIN_PASSWORD, takes the
# head as its cursor (written to OUT.ready once known), then polls host after
# host with cursor = the last answer's cursor. Once STOPFILE exists it drains:
# it stops after one poll on every host that returns no event and more=false.
# OUT gets one line per event, "id type order-number host", then a line
# "end POLLS BAD" (BAD: answers that were not 200, or a reset). Gives up after
# $READER_TIMEOUT seconds (default 120), exiting 2.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feed import Feed


def main():
	out, stop, bases = sys.argv[1], sys.argv[2], sys.argv[3:]
	deadline = time.monotonic() + float(os.environ.get("READER_TIMEOUT", "120"))
	f = Feed(bases)
	f.login(os.environ["ORDERSYNC_ADMIN_EMAIL"], os.environ["ORDERSYNC_ADMIN_PASSWORD"])
	st, b, _ = f.read(None)
	if st != 200:
		raise RuntimeError("head: status %d" % st)
	cursor = b["cursor"]
	with open(out + ".ready", "w") as r:
		r.write("%d\n" % cursor)
	lines, polls, bad, quiet = [], 0, [], set()
	while True:
		if time.monotonic() > deadline:
			bad.append("timeout")
			break
		draining = os.path.exists(stop)
		st, b, base = f.read(cursor)
		polls += 1
		if st != 200 or b.get("reset"):
			bad.append("%s:%d%s" % (base, st, " reset" if b and b.get("reset") else ""))
			time.sleep(0.05)
			continue
		for e in b["events"]:
			num = (e.get("order") or {}).get("number", "-")
			lines.append("%d %s %s %s" % (e["id"], e["type"], num, base))
		cursor = b["cursor"]
		if b["events"] or b.get("more"):
			quiet.clear()
			continue
		if draining:
			quiet.add(base)
			if len(quiet) == len(bases):
				break
		else:
			time.sleep(0.02)
	with open(out, "w") as o:
		for l in lines:
			o.write(l + "\n")
		o.write("end %d %d %s\n" % (polls, len(bad), ",".join(bad[:5])))
	return 2 if "timeout" in bad else 0


if __name__ == "__main__":
	sys.exit(main())
