/* auth.c — admin authentication: passwords, sessions, CSRF tokens, login throttling, the session cache. */
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

/* ---- login throttling ---- */

enum db_status
auth_throttle(struct app *app, const char *email, const char *addr, int64_t *retry_after)
{
	int64_t now = (int64_t)time(NULL), until;
	enum db_status rc;

	*retry_after = 0;
	rc = db_admin_login_blocked_until(app->db, email, addr, now, AUTH_THROTTLE_WINDOW,
	    AUTH_THROTTLE_MAX, &until);
	if (rc == DB_OK && until > now)
		*retry_after = until - now;
	return rc;
}

enum db_status
auth_record_attempt(struct app *app, const char *email, const char *addr, int ok)
{
	int64_t now = (int64_t)time(NULL);
	enum db_status rc;

	if ((rc = db_admin_login_record(app->db, email, addr, now, ok)) != DB_OK)
		return rc;
	if (ok || now - app->auth->last_prune >= 3600) {
		app->auth->last_prune = now;
		(void)db_admin_prune(app->db, now, now - 86400);	/* housekeeping: failure is harmless */
	}
	return DB_OK;
}
