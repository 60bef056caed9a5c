#!/usr/bin/env python3
# naive_writer.py — the feed's commit-order proof (issue 16): two transactions
# write an event each so that the lower id commits after the higher one, with
# a feed read between the two commits.
#
# usage: naive_writer.py naive|locked ORDER_ID BASE1 [BASE2 ...]
# (psql connection from PGHOST/PGPORT/PGUSER/PGDATABASE; staff sign-in from
# ORDERSYNC_ADMIN_EMAIL/PASSWORD). ORDER_ID: an order whose order_created
# event is copied (a valid row). Prints "ok - …" / "FAIL - …" lines.
#
# naive: A and B insert without a lock; A draws the lower id, B the higher;
# B commits, the reader polls (cursor passes B's id), A commits, the reader
# polls again. A reader following "id > cursor" has skipped A's event: that
# is what must happen here (the test would catch a skip).
# locked: each transaction first takes the app's feed lock
# (pg_advisory_xact_lock(hashtextextended('ordersync.feed', 0))), as db_pg.c
# does. B's lock waits (seen in pg_stat_activity) while A is open, so B cannot
# draw an id, let alone commit, before A commits: A's lower id commits first
# and the reader sees both, in order.

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feed import Feed

LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('ordersync.feed', 0));"
MARK = "@@done@@"
results = []


def check(cond, what, detail=""):
	results.append(cond)
	print(("ok   - " if cond else "FAIL - ") + what)
	if not cond and detail:
		print("       " + detail)


class Session:
	"""One psql process driven through stdin: each command is followed by
	\\echo MARK and its output read up to that line (bounded)."""

	def __init__(self):
		self.p = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
		    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
		    text=True, bufsize=1)

	def send(self, sql):
		self.p.stdin.write(sql + "\n\\echo " + MARK + "\n")
		self.p.stdin.flush()

	def wait(self, timeout=20):
		out = []
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			line = self.p.stdout.readline()
			if line == "":
				raise RuntimeError("psql ended: " + " | ".join(out))
			line = line.rstrip("\n")
			if line == MARK:
				return out
			out.append(line)
		raise RuntimeError("psql did not answer within %ds" % timeout)

	def run(self, sql):
		self.send(sql)
		return self.wait()

	def close(self):
		try:
			self.p.stdin.close()
			self.p.wait(timeout=10)
		except Exception:
			self.p.kill()


def one(sql):
	return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-c", sql], capture_output=True,
	    text=True, timeout=20, check=True).stdout.strip()


def main():
	mode, order_id, bases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
	locked = mode == "locked"
	copy = ("INSERT INTO order_events (store_id, order_id, type, payload, created_at) "
	    "SELECT store_id, order_id, type, payload, created_at FROM order_events "
	    "WHERE order_id = %d AND type = 'order_created' LIMIT 1 RETURNING id;" % order_id)
	f = Feed(bases)
	f.login(os.environ["ORDERSYNC_ADMIN_EMAIL"], os.environ["ORDERSYNC_ADMIN_PASSWORD"])
	st, b, _ = f.read(None)
	cursor = b["cursor"]
	seen = []

	def poll():
		nonlocal cursor
		while True:
			st, b, _ = f.read(cursor)
			if st != 200:
				raise RuntimeError("feed: status %d" % st)
			seen.extend(e["id"] for e in b["events"])
			cursor = b["cursor"]
			if not b.get("more"):
				return

	a, bs = Session(), Session()
	try:
		a.run("BEGIN;")
		if locked:
			a.run(LOCK)
		id_a = int(a.run(copy)[0])
		bs.run("BEGIN;")
		b_pid = int(bs.run("SELECT pg_backend_pid();")[0])
		if locked:
			# B asks for the lock while A holds it: it must wait.
			bs.send(LOCK)
			waiting = False
			for _ in range(200):
				w = one("SELECT wait_event_type || '/' || wait_event FROM pg_stat_activity "
				    "WHERE pid = %d" % b_pid)
				if w == "Lock/advisory":
					waiting = True
					break
				time.sleep(0.05)
			check(waiting, "locked: B's feed lock waits while A is open (pg_stat_activity: Lock/advisory)")
			poll()		# the read between: B could not commit anything
			a.run("COMMIT;")
			bs.wait()	# the lock is B's now
			id_b = int(bs.run(copy)[0])
			poll()
			bs.run("COMMIT;")
			check(id_b > id_a, "locked: B draws its id after A committed (%d > %d)" % (id_b, id_a))
		else:
			id_b = int(bs.run(copy)[0])
			check(id_b > id_a, "naive: A holds the lower id (%d < %d)" % (id_a, id_b))
			bs.run("COMMIT;")	# the higher id commits first
			poll()			# the reader's cursor passes B's id
			a.run("COMMIT;")	# the lower id commits late
		poll()
	finally:
		a.close()
		bs.close()
	both = one("SELECT count(*) FROM order_events WHERE id IN (%d, %d)" % (id_a, id_b))
	check(both == "2", "%s: both events are committed" % mode)
	inc = all(x < y for x, y in zip(seen, seen[1:]))
	check(inc, "%s: the reader saw ids strictly increasing" % mode, str(seen))
	if locked:
		check(id_a in seen and id_b in seen, "locked: the reader saw both events (%d, %d)" % (id_a, id_b),
		    "seen %s" % seen)
	else:
		check(id_b in seen and id_a not in seen,
		    "naive: the reader following id > cursor skipped the late event %d (the test can fail)" % id_a,
		    "seen %s" % seen)
	return 0 if all(results) else 1


if __name__ == "__main__":
	sys.exit(main())
