/* check_auth.c — admin authentication (cgi/auth.h): tokens, CSRF, next paths, passwords, device cookies, sessions and their cache, login tokens, throttling. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "db_impl.h"	/* the tests reach the connection to trace and to age rows */
#include "db_setup.h"
#include "db_stores.h"
#include "unit.h"
#include "unit_db.h"
#include "unit_sql.h"

/* A store with no settings copied, as ordersyncctl store add makes it. */
static enum db_status
add_store(struct db *db, const char *slug, const char *name)
{
	int64_t id;

	return db_store_create(db, slug, name, 0, 0, &id);
}

/* ---- pure helpers ---- */

START_TEST(test_tokens)
{
	char a[AUTH_TOKEN_HEX + 1], b[AUTH_TOKEN_HEX + 1], h[AUTH_TOKEN_HEX + 1], h2[AUTH_TOKEN_HEX + 1];

	ck_assert_int_ge(sodium_init(), 0);
	auth_token_new(a);
	auth_token_new(b);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert(auth_token_wellformed(a));
	ck_assert_str_ne(a, b);
	auth_token_hash(a, h);
	auth_token_hash(a, h2);
	ck_assert_str_eq(h, h2);
	ck_assert_str_ne(h, a);
	ck_assert(auth_token_wellformed(h));
	/* BLAKE2b-256("abc"), RFC 7693 parameters with a 32-byte digest. */
	auth_token_hash("abc", h);
	ck_assert_str_eq(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}
END_TEST

START_TEST(test_token_shape)
{
	static const struct {
		const char	*in;
		int		 ok;
	} cases[] = {
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1 },
		{ "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 0 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", 0 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", 0 },
		{ "", 0 },
		{ "deadbeef", 0 },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(auth_token_wellformed(cases[i].in) == cases[i].ok, "\"%s\"", cases[i].in);
	ck_assert_int_eq(auth_token_wellformed(NULL), 0);
}
END_TEST

START_TEST(test_csrf)
{
	const char *good = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	static const struct {
		const char	*given;
		int		 ok;
	} cases[] = {
		{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1 },
		{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef0", 0 },
		{ "10112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 0 },
		{ "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF", 0 },
		{ "00112233445566778899aabbccddeeff", 0 },
		{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(auth_csrf_ok(good, cases[i].given) == cases[i].ok, "\"%s\"", cases[i].given);
	ck_assert_int_eq(auth_csrf_ok(good, NULL), 0);
	ck_assert_int_eq(auth_csrf_ok(NULL, good), 0);
	ck_assert_int_eq(auth_csrf_ok("", ""), 0);	/* two empty tokens are not a match */
}
END_TEST

START_TEST(test_next)
{
	static const struct {
		const char	*in;
		int		 ok;
	} cases[] = {
		{ "/admin/orders", 1 },
		{ "/admin/orders?status=pending&page=2", 1 },
		{ "/admin/orders/CMD-20261121-ABC123", 1 },
		{ "/", 1 },
		{ "//evil.example", 0 },
		{ "///evil.example", 0 },
		{ "/\\evil.example", 0 },
		{ "/admin\\..\\x", 0 },
		{ "https://evil.example/", 0 },
		{ "javascript:alert(1)", 0 },
		{ "admin/orders", 0 },
		{ "", 0 },
		{ "/\t/evil.example", 0 },
		{ "/admin\r\nSet-Cookie: x=1", 0 },
		{ "/a\x7f", 0 },
	};
	char longpath[600];
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(auth_next_ok(cases[i].in) == cases[i].ok, "next \"%s\"", cases[i].in);
	ck_assert_int_eq(auth_next_ok(NULL), 0);
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	ck_assert_int_eq(auth_next_ok(longpath), 0);
	longpath[AUTH_NEXT_MAX] = '\0';
	ck_assert_int_eq(auth_next_ok(longpath), 1);
}
END_TEST

START_TEST(test_query_escape)
{
	char *s = auth_query_escape("/admin/orders?status=pending&page=2 é");

	ck_assert_str_eq(s, "/admin/orders%3Fstatus%3Dpending%26page%3D2%20%C3%A9");
	free(s);
	s = auth_query_escape("");
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_passwords)
{
	char hash[crypto_pwhash_STRBYTES];

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str(hash, "correct-horse-battery", 21,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	ck_assert_int_eq(auth_password_verify(hash, "correct-horse-battery"), 1);
	ck_assert_int_eq(auth_password_verify(hash, "correct-horse-batter"), 0);
	ck_assert_int_eq(auth_password_verify(hash, ""), 0);
	/* An unknown user: a real (dummy) check runs, and it never succeeds. */
	ck_assert_int_eq(auth_password_verify(NULL, "correct-horse-battery"), 0);
	ck_assert_int_eq(auth_password_verify(NULL, ""), 0);
	ck_assert_int_eq(auth_password_verify("not a hash", "x"), 0);
}
END_TEST

START_TEST(test_device_cookie)
{
	static const unsigned char key[AUTH_DEVICE_KEY] = "0123456789abcdef0123456789abcdef";
	static const unsigned char other[AUTH_DEVICE_KEY] = "0123456789abcdef0123456789abcdeF";
	static const char id[] = "00112233445566778899aabbccddeeff";
	const int64_t now = 1800000000;
	char good[AUTH_DEVICE_MAX], v[AUTH_DEVICE_MAX + 40], got[AUTH_DEVICE_ID_HEX + 1];
	size_t n;
	int i;

	ck_assert_int_ge(sodium_init(), 0);
	auth_device_sign(key, 42, now - 10, id, good, sizeof good);
	ck_assert_int_eq(strncmp(good, "42.1799999990.00112233445566778899aabbccddeeff.", 47), 0);
	ck_assert_uint_eq(strlen(good), 47 + 64);
	ck_assert_int_eq(auth_device_verify(key, good, 42, now, got), 1);
	ck_assert_str_eq(got, id);
	/* The same input signs the same way; anything else does not verify. */
	auth_device_sign(key, 42, now - 10, id, v, sizeof v);
	ck_assert_str_eq(v, good);
	ck_assert_int_eq(auth_device_verify(other, good, 42, now, got), 0);
	ck_assert_str_eq(got, "");
	ck_assert_int_eq(auth_device_verify(key, good, 43, now, got), 0);	/* another account */
	ck_assert_int_eq(auth_device_verify(key, good, 42, now - 10 + AUTH_DEVICE_SECS, got), 0);
	ck_assert_int_eq(auth_device_verify(key, good, 42, now - 10 + AUTH_DEVICE_SECS - 1, got), 1);
	ck_assert_int_eq(auth_device_verify(key, good, 42, now - 400, got), 0);	/* from the future */
	ck_assert_int_eq(auth_device_verify(key, NULL, 42, now, got), 0);
	ck_assert_int_eq(auth_device_verify(key, "", 42, now, got), 0);
	ck_assert_int_eq(auth_device_verify(key, "42.1799999990", 42, now, got), 0);
	/* Every single changed character of a good cookie is refused. */
	n = strlen(good);
	for (i = 0; i < (int)n; i++) {
		snprintf(v, sizeof v, "%s", good);
		v[i] = v[i] == '1' ? '2' : '1';
		ck_assert_msg(auth_device_verify(key, v, 42, now, got) == 0, "changed at %d: %s", i, v);
	}
	/* Upper-case hex, a trailing byte, an oversized value. */
	snprintf(v, sizeof v, "%s", good);
	for (i = 47; v[i]; i++)
		if (v[i] >= 'a' && v[i] <= 'f')
			v[i] = (char)(v[i] - 'a' + 'A');
	ck_assert_int_eq(auth_device_verify(key, v, 42, now, got), 0);
	snprintf(v, sizeof v, "%s0", good);
	ck_assert_int_eq(auth_device_verify(key, v, 42, now, got), 0);
	memset(v, '1', sizeof v - 1);
	v[sizeof v - 1] = '\0';
	ck_assert_int_eq(auth_device_verify(key, v, 42, now, got), 0);
	/* A payload that is not ours never parses, even with a valid MAC over it. */
	auth_device_sign(key, 42, now - 10, "short", v, sizeof v);
	ck_assert_int_eq(auth_device_verify(key, v, 42, now, got), 0);
}
END_TEST

/* ---- sessions on a database ---- */

static char base[64];
static char path[320];
static struct app app;

static void
setup(void)
{
	struct buf err;

	ck_assert_int_ge(sodium_init(), 0);
	unit_tmpdir(base, sizeof base, "auth");
	unit_db_path(path, sizeof path, base, "test.db", "auth");
	memset(&app, 0, sizeof app);
	app_caches_new(&app);
	log_init(&app.log, LOG_ERROR);
	app.cfg.poll_ms = 5000;
	app.cfg.base_url = (char *)"";
	buf_init(&err);
	app.db = db_open(path, 0, &app.log, &err);
	ck_assert_msg(app.db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	ck_assert_int_eq(db_user_add(app.db, "admin@example.com", "$argon2id$unused",
	    "admin", NULL), DB_OK);
	ck_assert_int_eq(add_store(app.db, "lyon", "Lyon"), DB_OK);
	ck_assert_int_eq(db_user_add(app.db, "staff@example.com", "$argon2id$unused",
	    "staff", "lyon"), DB_OK);
}

static void
teardown(void)
{
	app_caches_free(&app);
	db_close(app.db);
	app.db = NULL;
	unit_rmtree(base);
}

static void
exec_ok(const char *sql)
{
	unit_sql(app.db, sql);
}

static int64_t
one_int(const char *sql)
{
	return unit_sql_int(app.db, sql, -1);
}

static char *env_none[] = { NULL };

/* A request for path carrying the session cookie token (NULL: none). */
static void
request(struct http_request *rq, const char *method, const char *p, const char *token)
{
	memset(rq, 0, sizeof *rq);
	snprintf(rq->method_name, sizeof rq->method_name, "%s", method);
	rq->method = strcmp(method, "POST") == 0 ? HTTP_POST : HTTP_GET;
	rq->path = xstrdup(p);
	rq->remote_addr = xstrdup("192.0.2.7");
	rq->envp = env_none;
	rq->wants_json = strncmp(p, "/admin/api/", 11) == 0;
	if (token != NULL)
		kv_add(&rq->cookies, AUTH_COOKIE, strlen(AUTH_COOKIE), token, strlen(token));
}

/* The token of the Set-Cookie header in rs, into out ("" when none). */
static void
cookie_of(struct http_response *rs, char out[AUTH_TOKEN_HEX + 1])
{
	const char *p = strstr(buf_str(&rs->headers), "Set-Cookie: " AUTH_COOKIE "=");

	out[0] = '\0';
	if (p != NULL) {
		p += strlen("Set-Cookie: " AUTH_COOKIE "=");
		snprintf(out, AUTH_TOKEN_HEX + 1, "%.*s", (int)strcspn(p, ";\r"), p);
	}
}

/* Signs user_id in; the new cookie's token is written to token. */
static void
sign_in(int64_t user_id, const char *old, char token[AUTH_TOKEN_HEX + 1])
{
	struct http_request rq;
	struct http_response rs;

	request(&rq, "POST", "/admin/login", old);
	http_response_init(&rs);
	ck_assert_int_eq(auth_session_start(&app, &rq, &rs, user_id), DB_OK);
	cookie_of(&rs, token);
	ck_assert(auth_token_wellformed(token));
	http_response_free(&rs);
	http_request_free(&rq);
}

static enum auth_status
find(const char *token, struct auth_session *s, struct http_response *rs)
{
	struct http_request rq;
	enum auth_status st;

	request(&rq, "GET", "/admin/orders", token);
	st = auth_session_find(&app, &rq, rs, s);
	http_request_free(&rq);
	return st;
}

static struct unit_trace trace;

START_TEST(test_session_cycle)
{
	struct http_response rs;
	struct auth_session s;
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1], again[AUTH_TOKEN_HEX + 1];
	const char *h;

	http_response_init(&rs);
	sign_in(1, NULL, token);
	auth_token_hash(token, hash);
	/* Only the hash is stored. */
	ck_assert_int_eq(one_int("SELECT count(*) FROM sessions"), 1);
	{
		char sql[200];

		snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", hash);
		ck_assert_int_eq(one_int(sql), 1);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", token);
		ck_assert_int_eq(one_int(sql), 0);
	}
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	ck_assert_str_eq(s.row.email, "admin@example.com");
	ck_assert_str_eq(s.row.role, "admin");
	ck_assert_int_eq(s.row.store_id, 0);
	ck_assert(auth_token_wellformed(s.row.csrf));
	ck_assert_str_ne(s.row.csrf, token);

	/* Unknown, malformed and missing cookies. */
	auth_token_new(again);
	ck_assert_int_eq(find(again, &s, &rs), AUTH_NONE);
	ck_assert_int_eq(find("short", &s, &rs), AUTH_NONE);
	ck_assert_int_eq(find(NULL, &s, &rs), AUTH_NONE);

	/* The store's staff carry their store. */
	sign_in(2, NULL, again);
	ck_assert_int_eq(find(again, &s, &rs), AUTH_OK);
	ck_assert_int_eq(s.row.store_id, 2);
	ck_assert_str_eq(s.row.store_name, "Lyon");

	/* The cookie: HttpOnly, SameSite=Lax, the admin path, 12 h; Secure on request. */
	http_response_free(&rs);
	{
		struct http_request rq;

		request(&rq, "POST", "/admin/login", NULL);
		http_response_init(&rs);
		ck_assert_int_eq(auth_session_start(&app, &rq, &rs, 1), DB_OK);
		h = buf_str(&rs.headers);
		ck_assert_ptr_nonnull(strstr(h, "Path=/admin;"));
		ck_assert_ptr_nonnull(strstr(h, "Max-Age=43200"));
		ck_assert_ptr_nonnull(strstr(h, "HttpOnly"));
		ck_assert_ptr_nonnull(strstr(h, "SameSite=Lax"));
		ck_assert_ptr_null(strstr(h, "Secure"));
		http_response_free(&rs);
		app.cfg.secure_cookies = 1;
		app.cfg.base_url = (char *)"/shop";
		http_response_init(&rs);
		ck_assert_int_eq(auth_session_start(&app, &rq, &rs, 1), DB_OK);
		h = buf_str(&rs.headers);
		ck_assert_ptr_nonnull(strstr(h, "Secure"));
		ck_assert_ptr_nonnull(strstr(h, "Path=/shop/admin;"));
		app.cfg.secure_cookies = 0;
		app.cfg.base_url = (char *)"";
		http_request_free(&rq);
	}
	http_response_free(&rs);
}
END_TEST

START_TEST(test_no_fixation_and_logout)
{
	struct http_response rs;
	struct http_request rq;
	struct auth_session s;
	char first[AUTH_TOKEN_HEX + 1], second[AUTH_TOKEN_HEX + 1], planted[AUTH_TOKEN_HEX + 1];

	http_response_init(&rs);
	sign_in(1, NULL, first);
	ck_assert_int_eq(find(first, &s, &rs), AUTH_OK);
	/* Signing in again with that cookie ends it: a new token, the old one dead. */
	sign_in(1, first, second);
	ck_assert_str_ne(first, second);
	ck_assert_int_eq(find(first, &s, &rs), AUTH_NONE);
	ck_assert_int_eq(find(second, &s, &rs), AUTH_OK);
	ck_assert_int_eq(one_int("SELECT count(*) FROM sessions"), 1);
	/* A token planted before login never becomes the session. */
	auth_token_new(planted);
	sign_in(1, planted, first);
	ck_assert_str_ne(first, planted);
	ck_assert_int_eq(find(planted, &s, &rs), AUTH_NONE);

	/* Logout deletes the row and clears the cookie. */
	ck_assert_int_eq(find(second, &s, &rs), AUTH_OK);
	http_response_free(&rs);
	http_response_init(&rs);
	request(&rq, "POST", "/admin/logout", second);
	ck_assert_int_eq(auth_session_end(&app, &rq, &rs, &s), DB_OK);
	ck_assert_ptr_nonnull(strstr(buf_str(&rs.headers), AUTH_COOKIE "=; Path=/admin; Max-Age=0"));
	http_request_free(&rq);
	ck_assert_int_eq(find(second, &s, &rs), AUTH_NONE);
	ck_assert_int_eq(find(first, &s, &rs), AUTH_OK);
	http_response_free(&rs);
}
END_TEST

START_TEST(test_expiry_and_touch)
{
	struct http_response rs;
	struct auth_session s;
	char token[AUTH_TOKEN_HEX + 1], sql[256];
	int64_t now = (int64_t)time(NULL);

	http_response_init(&rs);
	sign_in(1, NULL, token);
	/* Seen two minutes ago: this request slides the expiry and resends the cookie. */
	snprintf(sql, sizeof sql, "UPDATE sessions SET last_seen_at = %lld, expires_at = %lld",
	    (long long)(now - 120), (long long)(now + 600));
	exec_ok(sql);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	ck_assert_int_ge(s.row.last_seen_at, now);
	ck_assert_int_ge(one_int("SELECT expires_at FROM sessions"), now + AUTH_IDLE_SECS);
	ck_assert_ptr_nonnull(strstr(buf_str(&rs.headers), "Set-Cookie: " AUTH_COOKIE "="));
	http_response_free(&rs);
	/* Seen just now: no write, no cookie. */
	http_response_init(&rs);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	ck_assert_ptr_null(strstr(buf_str(&rs.headers), "Set-Cookie"));
	/* Idle past its expiry: gone, at once, even from the cache. */
	snprintf(sql, sizeof sql, "UPDATE sessions SET expires_at = %lld", (long long)(now - 1));
	exec_ok(sql);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_NONE);
	http_response_free(&rs);
}
END_TEST

START_TEST(test_cache_costs_one_pragma)
{
	struct http_response rs;
	struct auth_session s;
	char token[AUTH_TOKEN_HEX + 1];
	struct db *other;

	http_response_init(&rs);
	sign_in(1, NULL, token);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);	/* fills the cache */
	unit_trace_start(app.db, &trace);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	ck_assert_msg(trace.n == 1, "%d statements, last %s", trace.n, trace.last);
	ck_assert_str_eq(trace.last, unit_data_version_sql(app.db));
	ck_assert_uint_ge(app.auth->hits, 1);

	/* A logout in another process is seen at once: data_version moved. */
	other = unit_db_other(path);
	unit_sql(other, "DELETE FROM sessions");
	db_close(other);
	trace.n = 0;
	ck_assert_int_eq(find(token, &s, &rs), AUTH_NONE);
	ck_assert_int_eq(trace.n, 2);	/* the pragma, then the row */
	unit_trace_stop(app.db);
	http_response_free(&rs);
}
END_TEST

START_TEST(test_polls_are_batched)
{
	struct http_response rs;
	struct auth_session s;
	char token[AUTH_TOKEN_HEX + 1];
	int i;

	http_response_init(&rs);
	sign_in(1, NULL, token);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	auth_note_poll(&app, &s);	/* the first poll is written at once */
	ck_assert_int_eq(one_int("SELECT polls FROM sessions"), 1);
	ck_assert_int_ge(one_int("SELECT last_poll_at FROM sessions"), (int64_t)time(NULL) - 1);
	/*
	 * That write was this connection's own: SQLite's data_version does not
	 * move, PostgreSQL's snapshot does, and its next look-up reads the row
	 * again once. Look once more before counting.
	 */
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	unit_trace_start(app.db, &trace);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
		auth_note_poll(&app, &s);
	}
	ck_assert_msg(trace.n == 20, "20 polls within 30 s ran %d statements", trace.n);
	unit_trace_stop(app.db);
	ck_assert_int_eq(one_int("SELECT polls FROM sessions"), 1);
	/* 30 s later the next poll writes the 20 waiting and itself. */
	for (i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (app.auth->slot[i].used && strcmp(app.auth->slot[i].token_hash, s.token_hash) == 0)
			app.auth->slot[i].row.last_poll_at -= AUTH_POLL_WRITE_SECS;
	auth_note_poll(&app, &s);
	ck_assert_int_eq(one_int("SELECT polls FROM sessions"), 22);
	http_response_free(&rs);
}
END_TEST

START_TEST(test_require)
{
	static char *env_csrf[] = { NULL, NULL };
	static char *env_qs[] = { "QUERY_STRING=status=pending", NULL };
	struct http_request rq;
	struct http_response rs;
	struct auth_session s;
	char token[AUTH_TOKEN_HEX + 1], header[96];
	const char *h;

	/* A page without a session: 303 to the login page, coming back here after. */
	request(&rq, "GET", "/admin/orders", NULL);
	rq.envp = env_qs;
	http_response_init(&rs);
	ck_assert_int_eq(auth_require(&app, &rq, &rs, &s), 0);
	ck_assert_int_eq(rs.status, 303);
	h = buf_str(&rs.headers);
	ck_assert_ptr_nonnull(strstr(h, "Location: /admin/login?next=/admin/orders%3Fstatus%3Dpending\r\n"));
	http_response_free(&rs);
	http_request_free(&rq);

	/* The API: 401 JSON. */
	request(&rq, "GET", "/admin/api/since", NULL);
	http_response_init(&rs);
	ck_assert_int_eq(auth_require(&app, &rq, &rs, &s), 0);
	ck_assert_int_eq(rs.status, 401);
	ck_assert_str_eq(rs.content_type, "application/json");
	ck_assert_ptr_nonnull(strstr(buf_str(&rs.body), "\"error\":\"unauthorized\""));
	http_response_free(&rs);
	http_request_free(&rq);

	/* CSRF: the form field or the header, else 403. */
	sign_in(1, NULL, token);
	request(&rq, "POST", "/admin/api/x", token);
	http_response_init(&rs);
	ck_assert_int_eq(auth_require(&app, &rq, &rs, &s), 1);
	ck_assert_int_eq(auth_require_csrf(&app, &rq, &rs, &s), 0);
	ck_assert_int_eq(rs.status, 403);
	http_response_free(&rs);
	http_response_init(&rs);
	kv_add(&rq.form, "csrf", 4, token, strlen(token));	/* the cookie is not the CSRF token */
	ck_assert_int_eq(auth_require_csrf(&app, &rq, &rs, &s), 0);
	http_response_free(&rs);
	kv_free(&rq.form);
	kv_add(&rq.form, "csrf", 4, s.row.csrf, strlen(s.row.csrf));
	http_response_init(&rs);
	ck_assert_int_eq(auth_require_csrf(&app, &rq, &rs, &s), 1);
	http_response_free(&rs);
	kv_free(&rq.form);
	snprintf(header, sizeof header, "HTTP_X_CSRF_TOKEN=%s", s.row.csrf);
	env_csrf[0] = header;
	rq.envp = env_csrf;
	http_response_init(&rs);
	ck_assert_int_eq(auth_require_csrf(&app, &rq, &rs, &s), 1);
	http_response_free(&rs);
	http_request_free(&rq);
}
END_TEST

/* Opens an attempt for email from addr with device ("": none); 1 when allowed. */
static int
attempt(const char *email, const char *addr, const char *device, int ok, int64_t *retry)
{
	struct auth_attempt a;

	ck_assert_int_eq(auth_attempt_begin(&app, email, addr, device, &a), DB_OK);
	*retry = a.retry_after;
	if (a.retry_after > 0) {
		ck_assert_int_eq(a.id, 0);
		return 0;
	}
	ck_assert_int_gt(a.id, 0);
	ck_assert_int_eq(auth_attempt_end(&app, &a, ok), DB_OK);
	return 1;
}

START_TEST(test_throttle_pairs)
{
	int64_t retry;
	int i;

	for (i = 0; i < AUTH_THROTTLE_PAIR; i++)
		ck_assert(attempt("admin@example.com", "192.0.2.1", "", 0, &retry));
	/* Five failures of the pair: that pair waits about 15 minutes ... */
	ck_assert(!attempt("admin@example.com", "192.0.2.1", "", 1, &retry));
	ck_assert_int_gt(retry, AUTH_THROTTLE_WINDOW - 5);
	ck_assert_int_le(retry, AUTH_THROTTLE_WINDOW);
	/* ... and nobody else: the account from another address, another account here. */
	ck_assert(attempt("admin@example.com", "192.0.2.9", "", 1, &retry));
	ck_assert(attempt("staff@example.com", "192.0.2.1", "", 1, &retry));
	/* The owner's success elsewhere does not unlock the stranger's pair. */
	ck_assert(!attempt("admin@example.com", "192.0.2.1", "", 1, &retry));
	/* Refused attempts are not recorded: 5 failures, 2 successes. */
	ck_assert_int_eq(one_int("SELECT count(*) FROM login_attempts WHERE ok = 0"), 5);
	ck_assert_int_eq(one_int("SELECT count(*) FROM login_attempts WHERE ok = 1"), 2);

	/* Failures older than the window do not count. */
	exec_ok("UPDATE login_attempts SET at = at - 901 WHERE addr = '192.0.2.1'");
	ck_assert(attempt("admin@example.com", "192.0.2.1", "", 0, &retry));

	/* A success of the pair resets its count (not the address's). */
	for (i = 0; i < AUTH_THROTTLE_PAIR - 1; i++)
		ck_assert(attempt("staff@example.com", "203.0.113.1", "", 0, &retry));
	ck_assert(attempt("staff@example.com", "203.0.113.1", "", 1, &retry));
	for (i = 0; i < AUTH_THROTTLE_PAIR; i++)
		ck_assert(attempt("staff@example.com", "203.0.113.1", "", 0, &retry));
	ck_assert(!attempt("staff@example.com", "203.0.113.1", "", 0, &retry));
}
END_TEST

START_TEST(test_throttle_address)
{
	int64_t retry;
	char email[64];
	int i;

	/* Fifty failures from one address, one per account: the address waits. */
	for (i = 0; i < AUTH_THROTTLE_ADDR; i++) {
		snprintf(email, sizeof email, "guess%d@example.com", i);
		ck_assert_msg(attempt(email, "198.51.100.4", "", 0, &retry), "attempt %d", i);
	}
	ck_assert(!attempt("staff@example.com", "198.51.100.4", "", 1, &retry));
	ck_assert_int_gt(retry, 0);
	ck_assert(attempt("staff@example.com", "198.51.100.5", "", 1, &retry));
	/* A success there does not reset it: one valid account is no skeleton key. */
	ck_assert(!attempt("admin@example.com", "198.51.100.4", "", 1, &retry));
	/* A device cookie of the account gets through. */
	ck_assert(attempt("admin@example.com", "198.51.100.4", "00112233445566778899aabbccddeeff",
	    1, &retry));

	/* No address known (a server that sets no REMOTE_ADDR): not one shared bucket. */
	for (i = 0; i < AUTH_THROTTLE_ADDR; i++) {
		snprintf(email, sizeof email, "spray%d@example.com", i);
		ck_assert(attempt(email, "", "", 0, &retry));
	}
	ck_assert(attempt("staff@example.com", "", "", 1, &retry));
}
END_TEST

START_TEST(test_throttle_devices)
{
	const char *dev = "00112233445566778899aabbccddeeff";
	const char *dev2 = "ffeeddccbbaa99887766554433221100";
	int64_t retry;
	int i;

	/* A stranger locks the pair ... */
	for (i = 0; i < AUTH_THROTTLE_PAIR; i++)
		ck_assert(attempt("admin@example.com", "192.0.2.1", "", 0, &retry));
	ck_assert(!attempt("admin@example.com", "192.0.2.1", "", 1, &retry));
	/* ... not the owner's browser at the same address. */
	ck_assert(attempt("admin@example.com", "192.0.2.1", dev, 1, &retry));
	ck_assert_int_eq(one_int("SELECT count(*) FROM login_attempts WHERE device != ''"), 1);
	/* A device has its own limit (a stolen cookie is no unlimited pass) ... */
	for (i = 0; i < AUTH_THROTTLE_DEVICE; i++)
		ck_assert(attempt("admin@example.com", "192.0.2.1", dev, 0, &retry));
	ck_assert(!attempt("admin@example.com", "192.0.2.1", dev, 1, &retry));
	ck_assert_int_gt(retry, 0);
	/* ... that no other device shares. */
	ck_assert(attempt("admin@example.com", "192.0.2.1", dev2, 1, &retry));
	/* A device's success resets its count, not the stranger's pair. */
	ck_assert(!attempt("admin@example.com", "192.0.2.1", "", 1, &retry));
}
END_TEST

START_TEST(test_attempts_in_flight_count)
{
	struct auth_attempt a[AUTH_THROTTLE_PAIR + 1];
	int i;

	/*
	 * Attempts not yet closed (their passwords still being checked) count
	 * as failures: the sixth is refused before any of them finishes.
	 */
	for (i = 0; i < AUTH_THROTTLE_PAIR; i++) {
		ck_assert_int_eq(auth_attempt_begin(&app, "admin@example.com", "192.0.2.1", "",
		    &a[i]), DB_OK);
		ck_assert_int_gt(a[i].id, 0);
	}
	ck_assert_int_eq(auth_attempt_begin(&app, "admin@example.com", "192.0.2.1", "",
	    &a[i]), DB_OK);
	ck_assert_int_eq(a[i].id, 0);
	ck_assert_int_gt(a[i].retry_after, 0);
	/* One of them was the right password: the pair starts again after it. */
	ck_assert_int_eq(auth_attempt_end(&app, &a[4], 1), DB_OK);
	ck_assert_int_eq(one_int("SELECT count(*) FROM login_attempts WHERE ok = 1"), 1);
	ck_assert_int_eq(auth_attempt_begin(&app, "admin@example.com", "192.0.2.1", "",
	    &a[5]), DB_OK);
	ck_assert_int_gt(a[5].id, 0);
}
END_TEST

START_TEST(test_login_token)
{
	struct http_request rq;
	struct http_response rs;
	char token[AUTH_TOKEN_HEX + 1], again[AUTH_TOKEN_HEX + 1], other[AUTH_TOKEN_HEX + 1];
	const char *h;

	/* A new token, in a strict cookie on the sign-in path. */
	request(&rq, "GET", "/admin/login", NULL);
	http_response_init(&rs);
	auth_login_token(&app, &rq, &rs, token);
	ck_assert(auth_token_wellformed(token));
	h = buf_str(&rs.headers);
	ck_assert_ptr_nonnull(strstr(h, "Set-Cookie: " AUTH_LOGIN_COOKIE "="));
	ck_assert_ptr_nonnull(strstr(h, token));
	ck_assert_ptr_nonnull(strstr(h, "; Path=/admin/login; Max-Age=3600; HttpOnly; SameSite=Strict\r\n"));
	http_response_free(&rs);
	/* The browser's token is kept (two tabs), a malformed one replaced. */
	kv_add(&rq.cookies, AUTH_LOGIN_COOKIE, strlen(AUTH_LOGIN_COOKIE), token, strlen(token));
	http_response_init(&rs);
	auth_login_token(&app, &rq, &rs, again);
	ck_assert_str_eq(again, token);
	http_response_free(&rs);
	http_request_free(&rq);
	request(&rq, "GET", "/admin/login", NULL);
	kv_add(&rq.cookies, AUTH_LOGIN_COOKIE, strlen(AUTH_LOGIN_COOKIE), "abc", 3);
	http_response_init(&rs);
	auth_login_token(&app, &rq, &rs, again);
	ck_assert_str_ne(again, "abc");
	ck_assert(auth_token_wellformed(again));
	http_response_free(&rs);
	http_request_free(&rq);

	/* The POST: the field must equal the cookie. */
	auth_token_new(other);
	request(&rq, "POST", "/admin/login", NULL);
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);				/* neither */
	kv_add(&rq.form, "csrf", 4, token, strlen(token));
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);				/* no cookie */
	kv_add(&rq.cookies, AUTH_LOGIN_COOKIE, strlen(AUTH_LOGIN_COOKIE), other, strlen(other));
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);				/* another one */
	kv_free(&rq.cookies);
	kv_add(&rq.cookies, AUTH_LOGIN_COOKIE, strlen(AUTH_LOGIN_COOKIE), token, strlen(token));
	ck_assert_int_eq(auth_login_token_ok(&rq), 1);
	kv_free(&rq.form);
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);				/* no field */
	kv_add(&rq.form, "csrf", 4, "", 0);
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);
	kv_free(&rq.cookies);
	kv_add(&rq.cookies, AUTH_LOGIN_COOKIE, strlen(AUTH_LOGIN_COOKIE), "", 0);
	ck_assert_int_eq(auth_login_token_ok(&rq), 0);				/* two empty ones */
	/* A JSON body (Content-Type: application/json) needs none. */
	rq.json = json_object_new_object();
	ck_assert_int_eq(auth_login_token_ok(&rq), 1);
	http_request_free(&rq);
}
END_TEST

START_TEST(test_device_issue_and_find)
{
	struct http_request rq;
	struct http_response rs;
	char id[AUTH_DEVICE_ID_HEX + 1], value[AUTH_DEVICE_MAX], key1[65], key2[65];
	char fresh1[65], fresh2[65];
	const char *h, *p;

	auth_token_new(fresh1);
	auth_token_new(fresh2);

	/* The key is made on first use, once per database, and kept. */
	ck_assert_int_eq(one_int("SELECT count(*) FROM meta WHERE key = 'device_key'"), 0);
	ck_assert_int_eq(db_admin_device_key(app.db, fresh1, key1), DB_OK);
	ck_assert_str_eq(key1, fresh1);
	ck_assert_int_eq(one_int("SELECT length(value) FROM meta WHERE key = 'device_key'"), 64);
	ck_assert_int_eq(db_admin_device_key(app.db, fresh2, key2), DB_OK);
	ck_assert_str_eq(key2, key1);

	request(&rq, "POST", "/admin/login", NULL);
	http_response_init(&rs);
	ck_assert_int_eq(auth_device_issue(&app, &rq, &rs, 1), DB_OK);
	h = buf_str(&rs.headers);
	p = strstr(h, "Set-Cookie: " AUTH_DEVICE_COOKIE "1=");
	ck_assert_ptr_nonnull(p);
	p += strlen("Set-Cookie: " AUTH_DEVICE_COOKIE "1=");
	snprintf(value, sizeof value, "%.*s", (int)strcspn(p, ";"), p);
	ck_assert_ptr_nonnull(strstr(h, "; Path=/admin/login; Max-Age=31536000; HttpOnly; SameSite=Strict\r\n"));
	http_response_free(&rs);
	http_request_free(&rq);

	/* Back on the next sign-in: its device id, for that account only. */
	request(&rq, "POST", "/admin/login", NULL);
	ck_assert_int_eq(auth_device_find(&app, &rq, 1, id), DB_OK);
	ck_assert_str_eq(id, "");
	kv_add(&rq.cookies, AUTH_DEVICE_COOKIE "1", strlen(AUTH_DEVICE_COOKIE "1"), value, strlen(value));
	ck_assert_int_eq(auth_device_find(&app, &rq, 1, id), DB_OK);
	ck_assert_uint_eq(strlen(id), AUTH_DEVICE_ID_HEX);
	ck_assert_int_eq(auth_device_find(&app, &rq, 2, id), DB_OK);
	ck_assert_str_eq(id, "");
	http_request_free(&rq);
	/* Under a cookie name of another account it does not count either. */
	request(&rq, "POST", "/admin/login", NULL);
	kv_add(&rq.cookies, AUTH_DEVICE_COOKIE "2", strlen(AUTH_DEVICE_COOKIE "2"), value, strlen(value));
	ck_assert_int_eq(auth_device_find(&app, &rq, 2, id), DB_OK);
	ck_assert_str_eq(id, "");
	/* A new key (the row deleted) voids every device cookie. */
	http_request_free(&rq);
	request(&rq, "POST", "/admin/login", NULL);
	kv_add(&rq.cookies, AUTH_DEVICE_COOKIE "1", strlen(AUTH_DEVICE_COOKIE "1"), value, strlen(value));
	exec_ok("DELETE FROM meta WHERE key = 'device_key'");
	ck_assert_int_eq(auth_device_find(&app, &rq, 1, id), DB_OK);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(db_admin_device_key(app.db, fresh2, key2), DB_OK);
	ck_assert_str_ne(key1, key2);
	http_request_free(&rq);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc;

	tc = tcase_create("helpers");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_token_shape);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_query_escape);
	tcase_add_test(tc, test_passwords);
	tcase_add_test(tc, test_device_cookie);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_session_cycle);
	tcase_add_test(tc, test_no_fixation_and_logout);
	tcase_add_test(tc, test_expiry_and_touch);
	tcase_add_test(tc, test_cache_costs_one_pragma);
	tcase_add_test(tc, test_polls_are_batched);
	tcase_add_test(tc, test_require);
	tcase_add_test(tc, test_throttle_pairs);
	tcase_add_test(tc, test_throttle_address);
	tcase_add_test(tc, test_throttle_devices);
	tcase_add_test(tc, test_attempts_in_flight_count);
	tcase_add_test(tc, test_login_token);
	tcase_add_test(tc, test_device_issue_and_find);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(auth_suite)
