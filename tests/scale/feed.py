# feed.py — a signed-in staff client of the change feed (GET /admin/api/since),
# shared by feed_reader.py and naive_writer.py (python3, standard library only).
#
# The session lives in the database, so one sign-in is good on every app
# host: the cookie jar ignores ports and sends it to each.

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request


class Feed:
	def __init__(self, bases, timeout=15):
		self.bases = list(bases)
		self.timeout = timeout
		self.jar = http.cookiejar.CookieJar()
		self.opener = urllib.request.build_opener(
		    urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
		self.turn = 0
		self.epoch = None

	def _open(self, req):
		try:
			r = self.opener.open(req, timeout=self.timeout)
			self.headers = r.headers
			return r.status, r.read().decode("utf-8", "replace")
		except urllib.error.HTTPError as e:
			self.headers = e.headers
			return e.code, e.read().decode("utf-8", "replace")

	def login(self, email, password):
		"""Signs in as a browser does: the form (its pre-session cookie
		and hidden csrf), then the POST; raises unless it answers 303."""
		base = self.bases[0]
		st, body = self._open(urllib.request.Request(base + "/admin/login"))
		m = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
		if st != 200 or m is None:
			raise RuntimeError("login form: status %d" % st)
		data = urllib.parse.urlencode({"csrf": m.group(1), "email": email,
		    "password": password}).encode()
		st, body = self._open(urllib.request.Request(base + "/admin/login",
		    data=data, method="POST"))
		if st != 303:
			raise RuntimeError("login: status %d: %s" % (st, body[:200]))

	def read(self, cursor, base=None, etag=None):
		"""One poll from cursor (None: the head) on base, or on the next
		host in turn, with If-None-Match: etag if given. Returns (status,
		body dict or None, base); the answer's headers are in .headers."""
		if base is None:
			base = self.bases[self.turn % len(self.bases)]
			self.turn += 1
		q = {}
		if cursor is not None:
			q["cursor"] = str(cursor)
			if self.epoch:
				q["epoch"] = self.epoch
		url = base + "/admin/api/since" + ("?" + urllib.parse.urlencode(q) if q else "")
		req = urllib.request.Request(url)
		if etag:
			req.add_header("If-None-Match", etag)
		st, body = self._open(req)
		b = None
		if st == 200:
			b = json.loads(body)
			self.epoch = b.get("epoch", self.epoch)
		return st, b, base


class NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, req, fp, code, msg, headers, newurl):
		return None
