/* auth.c — admin authentication: passwords, sessions, CSRF tokens, device cookies, login throttling, the session cache. */
/*
 * A little over the house's ~600 lines: the session cache, the cookies it is keyed by
 * and the throttle that decides before a password is checked are one
 * security boundary (the forgotten-password throttle included), kept in
 * one file so it is read and reviewed whole.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "view.h"

/*
 * An Argon2id hash of a random password nobody knows, made with the same
 * limits as `ordersyncctl user add` (OPSLIMIT/MEMLIMIT_INTERACTIVE), so
 * checking a password for an unknown email costs what a real check costs.
 */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$6JL5FhTmPSQ774vmEvQXxg$"
    "B/kuC/D4FDC18TZP32015YTBAOekAwvpo5PR1n//7T4";

/* ---- pure helpers ---- */

void
auth_token_new(char out[AUTH_TOKEN_HEX + 1])
{
	unsigned char raw[AUTH_TOKEN_HEX / 2];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, AUTH_TOKEN_HEX + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void
auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX + 1])
{
	unsigned char h[AUTH_TOKEN_HEX / 2];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token),
	    NULL, 0);
	sodium_bin2hex(out, AUTH_TOKEN_HEX + 1, h, sizeof h);
}

int
auth_token_wellformed(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < AUTH_TOKEN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[AUTH_TOKEN_HEX] == '\0';
}

int
auth_csrf_ok(const char *expected, const char *given)
{
	if (!auth_token_wellformed(expected) || !auth_token_wellformed(given))
		return 0;
	/* Both are 64 bytes here: sodium_memcmp runs in constant time. */
	return sodium_memcmp(expected, given, AUTH_TOKEN_HEX) == 0;
}

int
auth_next_ok(const char *next)
{
	const unsigned char *p;

	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return 0;
	for (p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return (size_t)(p - (const unsigned char *)next) <= AUTH_NEXT_MAX;
}

char *
auth_query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	unsigned char c;

	buf_init(&b);
	for (; *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c) != NULL)
			buf_putc(&b, c);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[c >> 4]);
			buf_putc(&b, hex[c & 15]);
		}
	}
	return buf_detach(&b);
}

int
auth_password_verify(const char *hash, const char *password)
{
	size_t n = strlen(password);
	int ok;

	ok = crypto_pwhash_str_verify(hash ? hash : dummy_hash, password, n) == 0;
	return hash != NULL && ok;
}

/* ---- the session cache ---- */

static struct auth_cache_slot *
cache_find(struct auth_cache *c, const char *token_hash)
{
	size_t i;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (c->slot[i].used && strcmp(c->slot[i].token_hash, token_hash) == 0)
			return &c->slot[i];
	return NULL;
}

/* A free slot, or the least recently used one (its pending polls are lost). */
static struct auth_cache_slot *
cache_take(struct auth_cache *c, const char *token_hash)
{
	struct auth_cache_slot *s = &c->slot[0];
	size_t i;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		if (!c->slot[i].used) {
			s = &c->slot[i];
			break;
		}
		if (c->slot[i].last_used < s->last_used)
			s = &c->slot[i];
	}
	memset(s, 0, sizeof *s);
	s->used = 1;
	snprintf(s->token_hash, sizeof s->token_hash, "%s", token_hash);
	return s;
}

static void
cache_forget(struct auth_cache *c, const char *token_hash)
{
	struct auth_cache_slot *s = cache_find(c, token_hash);

	if (s != NULL)
		memset(s, 0, sizeof *s);
}

/*
 * After this process wrote something to the sessions table that it already
 * applied to slot s: the slot stays fresh (same data_version, our own new
 * change count), so the next request does not read the row back.
 */
static void
cache_rebase(struct app *app, struct auth_cache_slot *s, const struct db_version *before)
{
	if (db_admin_version_eq(&s->checked, before))
		s->checked.changes = db_admin_changes(app->db);
}

/* The cookie's path: the admin area under the mount prefix. */
static char *
cookie_path(struct app *app)
{
	return view_url(app, "/admin");
}

static void
set_cookie(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *value, long max_age)
{
	char *path = cookie_path(app);

	http_set_cookie(rs, AUTH_COOKIE, value, path, max_age,
	    app->cfg.secure_cookies || rq->https);
	free(path);
}

enum auth_status
auth_session_find(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *out)
{
	struct auth_cache *c = app->auth;
	struct auth_cache_slot *s;
	struct db_version v, before;
	const char *token;
	char hash[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL), pending = 0;
	enum db_status rc;

	memset(out, 0, sizeof *out);
	token = kv_get(&rq->cookies, AUTH_COOKIE);
	if (!auth_token_wellformed(token))
		return AUTH_NONE;
	auth_token_hash(token, hash);
	if (db_admin_version(app->db, &v) != DB_OK)
		return AUTH_UNAVAILABLE;
	s = cache_find(c, hash);
	if (s != NULL && db_admin_version_eq(&s->checked, &v) &&
	    now - s->checked_at < AUTH_CACHE_SECS && now >= s->checked_at &&
	    s->row.expires_at > now) {
		c->hits++;
	} else {
		c->misses++;
		if (s != NULL)
			pending = s->pending_polls;
		if (s == NULL)
			s = cache_take(c, hash);
		rc = db_admin_session_get(app->db, hash, now, &s->row);
		if (rc != DB_OK) {
			memset(s, 0, sizeof *s);
			return rc == DB_NOTFOUND ? AUTH_NONE : AUTH_UNAVAILABLE;
		}
		s->pending_polls = pending;
		s->checked = v;
		s->checked_at = now;
	}
	s->last_used = now;
	if (now - s->row.last_seen_at >= AUTH_TOUCH_SECS) {
		before = v;
		if (db_admin_session_touch(app->db, hash, now, now + AUTH_IDLE_SECS) == DB_OK) {
			s->row.last_seen_at = now;
			s->row.expires_at = now + AUTH_IDLE_SECS;
			cache_rebase(app, s, &before);
			v = s->checked;
			set_cookie(app, rq, rs, token, AUTH_IDLE_SECS);
		}
		/* A failed touch is not fatal: the session is still valid. */
	}
	snprintf(out->token_hash, sizeof out->token_hash, "%s", hash);
	out->row = s->row;
	out->version = v;
	return AUTH_OK;
}

int
auth_require(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *out)
{
	const char *qs;
	char *next, *enc, *loc;

	switch (auth_session_find(app, rq, rs, out)) {
	case AUTH_OK:
		/* The back office's times are in the user's store's zone. */
		util_use_zone(*out->row.tz ? out->row.tz : app->cfg.tz);
		return 1;
	case AUTH_UNAVAILABLE:
		view_unavailable(app, rq, rs);
		return 0;
	case AUTH_NONE:
		break;
	}
	http_add_header(rs, "Cache-Control", "no-store");
	if (kv_get(&rq->cookies, AUTH_COOKIE) != NULL)
		set_cookie(app, rq, rs, "", 0);	/* a dead cookie: drop it */
	if (rq->wants_json || strncmp(rq->path, "/admin/api/", 11) == 0) {
		view_error(app, rq, rs, 401, "unauthorized",
		    view_text(app, rq, "login.required"));
		return 0;
	}
	qs = http_param(rq, "QUERY_STRING");
	next = qs && *qs && rq->method != HTTP_POST ?
	    xasprintf("%s?%s", rq->path, qs) : xstrdup(rq->path);
	if (!auth_next_ok(next)) {
		free(next);
		next = xstrdup("/admin/orders");
	}
	enc = auth_query_escape(next);
	loc = xasprintf("%s/admin/login?next=%s", app->cfg.base_url, enc);
	http_redirect(rs, 303, loc);
	free(loc);
	free(enc);
	free(next);
	return 0;
}

int
auth_require_csrf(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s)
{
	const char *given = kv_get(&rq->form, "csrf");

	if (given == NULL)
		given = http_header(rq, "X-CSRF-Token");
	if (auth_csrf_ok(s->row.csrf, given))
		return 1;
	log_msg(&app->log, LOG_WARN, "admin: CSRF token %s on %s %s",
	    given ? "wrong" : "missing", rq->method_name, rq->path);
	view_error(app, rq, rs, 403, "csrf", view_text(app, rq, "login.csrf_failed"));
	return 0;
}

enum db_status
auth_session_start(struct app *app, struct http_request *rq, struct http_response *rs,
    int64_t user_id)
{
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
	const char *old = kv_get(&rq->cookies, AUTH_COOKIE);
	int64_t now = (int64_t)time(NULL);
	enum db_status rc;

	/* The session the client had (if any) ends here: no fixation. */
	if (auth_token_wellformed(old)) {
		auth_token_hash(old, hash);
		cache_forget(app->auth, hash);
		if ((rc = db_admin_session_delete(app->db, hash)) != DB_OK)
			return rc;
	}
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	rc = db_admin_session_create(app->db, hash, user_id, csrf, now, now + AUTH_IDLE_SECS);
	if (rc == DB_OK)
		set_cookie(app, rq, rs, token, AUTH_IDLE_SECS);
	sodium_memzero(token, sizeof token);
	return rc;
}

enum db_status
auth_session_end(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s)
{
	const char *token;
	char hash[AUTH_TOKEN_HEX + 1];
	enum db_status rc = DB_OK;

	if (s != NULL)
		snprintf(hash, sizeof hash, "%s", s->token_hash);
	else if (auth_token_wellformed(token = kv_get(&rq->cookies, AUTH_COOKIE)))
		auth_token_hash(token, hash);
	else
		hash[0] = '\0';
	if (hash[0] != '\0') {
		cache_forget(app->auth, hash);
		rc = db_admin_session_delete(app->db, hash);
	}
	set_cookie(app, rq, rs, "", 0);
	return rc;
}

void
auth_note_poll(struct app *app, const struct auth_session *sess)
{
	struct auth_cache_slot *s = cache_find(app->auth, sess->token_hash);
	struct db_version before;
	int64_t now = (int64_t)time(NULL);

	if (s == NULL)
		return;
	s->pending_polls++;
	if (now - s->row.last_poll_at < AUTH_POLL_WRITE_SECS)
		return;
	before = s->checked;
	if (db_admin_session_polled(app->db, s->token_hash, now, s->pending_polls) != DB_OK)
		return;		/* logged; the count waits for the next poll */
	s->row.last_poll_at = now;
	s->pending_polls = 0;
	cache_rebase(app, s, &before);
}

/* ---- cookies only the sign-in page reads ---- */

/* The sign-in page's path under the mount prefix. Caller frees. */
static char *
login_path(struct app *app)
{
	return view_url(app, "/admin/login");
}

/*
 * Sets a cookie as http_set_cookie() does (RFC 6265 §4.1) but SameSite=
 * Strict: these two are only ever needed on a same-origin POST of the
 * sign-in form, so a browser never sends them on a request another site
 * starts. Path is the sign-in page: they ride on nothing else (the feed's
 * polls included).
 */
static void
set_strict_cookie(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *name, const char *value, long max_age)
{
	char *path = login_path(app);

	http_add_header(rs, "Set-Cookie", "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; "
	    "SameSite=Strict%s", name, value, path, max_age,
	    app->cfg.secure_cookies || rq->https ? "; Secure" : "");
	free(path);
}

/* ---- login CSRF: the pre-session token ---- */

void
auth_login_token(struct app *app, struct http_request *rq, struct http_response *rs,
    char out[AUTH_TOKEN_HEX + 1])
{
	const char *have = kv_get(&rq->cookies, AUTH_LOGIN_COOKIE);

	if (auth_token_wellformed(have))
		snprintf(out, AUTH_TOKEN_HEX + 1, "%s", have);
	else
		auth_token_new(out);
	set_strict_cookie(app, rq, rs, AUTH_LOGIN_COOKIE, out, AUTH_LOGIN_SECS);
}

int
auth_login_token_ok(const struct http_request *rq)
{
	/*
	 * A JSON body needs no token. It comes with Content-Type:
	 * application/json (http.c parses nothing else as JSON), which an HTML
	 * form cannot send, and a script on another site can send only after
	 * a CORS preflight that this application never grants. So a JSON
	 * sign-in is always the client's own (scripts, the test suites, a
	 * native app), and login CSRF needs a form. (A form with text/plain
	 * or multipart bodies is refused with 415 before any handler runs.)
	 * The Origin and Fetch-Metadata checks still apply to it.
	 */
	if (rq->json != NULL)
		return 1;
	return auth_csrf_ok(kv_get(&rq->cookies, AUTH_LOGIN_COOKIE), kv_get(&rq->form, "csrf"));
}

/* ---- device cookies ---- */

/* mac = HMAC-SHA256 under key of "ordersync-device." + payload[0..n). */
static void
device_mac(const unsigned char key[AUTH_DEVICE_KEY], const char *payload, size_t n,
    unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	static const char domain[] = "ordersync-device.";
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, AUTH_DEVICE_KEY);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)domain, sizeof domain - 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, n);
	crypto_auth_hmacsha256_final(&st, mac);
}

void
auth_device_sign(const unsigned char key[AUTH_DEVICE_KEY], int64_t user_id,
    int64_t issued_at, const char *id, char *out, size_t outsz)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof mac + 1];
	int n;

	n = snprintf(out, outsz, "%" PRId64 ".%" PRId64 ".%s", user_id, issued_at, id);
	if (n < 0 || (size_t)n + 1 + sizeof hex > outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return;
	}
	device_mac(key, out, (size_t)n, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out + n, outsz - (size_t)n, ".%s", hex);
}

/* 1 when s[0..n) is n lowercase hex digits. */
static int
lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
auth_device_verify(const unsigned char key[AUTH_DEVICE_KEY], const char *value,
    int64_t user_id, int64_t now, char id[AUTH_DEVICE_ID_HEX + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES], want[sizeof mac];
	const char *dot;
	char idbuf[AUTH_DEVICE_ID_HEX + 1];
	long long uid, at;
	size_t n;
	int end = 0, ok;

	id[0] = '\0';
	if (value == NULL || (n = strlen(value)) >= AUTH_DEVICE_MAX ||
	    (dot = strrchr(value, '.')) == NULL || strlen(dot + 1) != 2 * sizeof mac ||
	    !lower_hex(dot + 1, 2 * sizeof mac) ||
	    sodium_hex2bin(mac, sizeof mac, dot + 1, 2 * sizeof mac, NULL, NULL, NULL) != 0)
		return 0;
	/* The MAC first: what follows parses only text this server wrote. */
	device_mac(key, value, (size_t)(dot - value), want);
	ok = sodium_memcmp(mac, want, sizeof mac) == 0;
	sodium_memzero(want, sizeof want);
	if (!ok)
		return 0;
	if (sscanf(value, "%lld.%lld.%32[0-9a-f]%n", &uid, &at, idbuf, &end) != 3 ||
	    value + end != dot || strlen(idbuf) != AUTH_DEVICE_ID_HEX)
		return 0;
	if (uid != user_id || at > now + 300 || now - at >= AUTH_DEVICE_SECS)
		return 0;
	snprintf(id, AUTH_DEVICE_ID_HEX + 1, "%s", idbuf);
	return 1;
}

/* The device key from the database (made on first use), as bytes. */
static enum db_status
device_key(struct app *app, unsigned char key[AUTH_DEVICE_KEY])
{
	char hex[2 * AUTH_DEVICE_KEY + 1], fresh[2 * AUTH_DEVICE_KEY + 1];
	enum db_status rc;

	randombytes_buf(key, AUTH_DEVICE_KEY);
	sodium_bin2hex(fresh, sizeof fresh, key, AUTH_DEVICE_KEY);
	rc = db_admin_device_key(app->db, fresh, hex);
	sodium_memzero(fresh, sizeof fresh);
	if (rc != DB_OK)
		return rc;
	rc = sodium_hex2bin(key, AUTH_DEVICE_KEY, hex, strlen(hex), NULL, NULL, NULL) == 0 ?
	    DB_OK : DB_ERROR;
	sodium_memzero(hex, sizeof hex);
	return rc;
}

/* The cookie name for user_id's device cookie into out. */
static void
device_cookie_name(int64_t user_id, char out[48])
{
	snprintf(out, 48, "%s%" PRId64, AUTH_DEVICE_COOKIE, user_id);
}

enum db_status
auth_device_find(struct app *app, const struct http_request *rq, int64_t user_id,
    char id[AUTH_DEVICE_ID_HEX + 1])
{
	unsigned char key[AUTH_DEVICE_KEY];
	const char *value;
	char name[48];
	enum db_status rc;

	id[0] = '\0';
	device_cookie_name(user_id, name);
	if ((value = kv_get(&rq->cookies, name)) == NULL)
		return DB_OK;
	if ((rc = device_key(app, key)) != DB_OK)
		return rc;
	(void)auth_device_verify(key, value, user_id, (int64_t)time(NULL), id);
	sodium_memzero(key, sizeof key);
	return DB_OK;
}

enum db_status
auth_device_issue(struct app *app, struct http_request *rq, struct http_response *rs,
    int64_t user_id)
{
	unsigned char key[AUTH_DEVICE_KEY], raw[AUTH_DEVICE_ID_HEX / 2];
	char id[AUTH_DEVICE_ID_HEX + 1], value[AUTH_DEVICE_MAX], name[48];
	enum db_status rc;

	if ((rc = device_key(app, key)) != DB_OK)
		return rc;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(id, sizeof id, raw, sizeof raw);
	auth_device_sign(key, user_id, (int64_t)time(NULL), id, value, sizeof value);
	sodium_memzero(key, sizeof key);
	device_cookie_name(user_id, name);
	set_strict_cookie(app, rq, rs, name, value, AUTH_DEVICE_SECS);
	return DB_OK;
}

/* ---- login throttling ---- */

enum db_status
auth_attempt_begin(struct app *app, const char *email, const char *addr,
    const char *device, struct auth_attempt *out)
{
	static const struct db_admin_login_limits lim = {
		AUTH_THROTTLE_WINDOW, AUTH_THROTTLE_PAIR, AUTH_THROTTLE_ADDR,
		AUTH_THROTTLE_DEVICE
	};
	int64_t now = (int64_t)time(NULL), until;
	enum db_status rc;

	memset(out, 0, sizeof *out);
	rc = db_admin_login_begin(app->db, email, addr, device, now, &lim, &out->id, &until);
	if (rc == DB_OK && out->id == 0)
		out->retry_after = until > now ? until - now : 1;
	return rc;
}

enum db_status
auth_attempt_end(struct app *app, const struct auth_attempt *a, int ok)
{
	int64_t now = (int64_t)time(NULL);
	enum db_status rc;

	if (ok && (rc = db_admin_login_succeeded(app->db, a->id)) != DB_OK)
		return rc;
	if (ok || now - app->auth->last_prune >= 3600) {
		app->auth->last_prune = now;
		(void)db_admin_prune(app->db, now, now - 86400);	/* housekeeping: failure is harmless */
	}
	return DB_OK;
}

enum db_status
auth_forgot_begin(struct app *app, const char *email, int64_t *retry_after)
{
	char key[300];
	struct auth_attempt at;
	enum db_status rc;

	/* The device key alone counts (device_blocked): per address, whatever the IP. */
	snprintf(key, sizeof key, "forgot:%s", email);
	rc = auth_attempt_begin(app, key, "", key, &at);
	*retry_after = rc == DB_OK ? at.retry_after : 0;
	if (rc == DB_OK && at.id != 0)
		(void)auth_attempt_end(app, &at, 0);	/* housekeeping only */
	return rc;
}
