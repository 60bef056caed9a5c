/* check_auth.c — admin authentication (cgi/auth.h): tokens, CSRF, next paths, passwords, sessions and their cache, throttling. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "app.h"
#include "auth.h"
#include "db_impl.h"	/* the tests reach the connection to trace and to age rows */
#include "db_setup.h"
#include "unit.h"
#include "unit_sql.h"

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

/* ---- sessions on a database ---- */

static char base[64];
static char path[192];
static struct app app;

static void
setup(void)
{
	struct buf err;

	ck_assert_int_ge(sodium_init(), 0);
	unit_tmpdir(base, sizeof base, "auth");
	snprintf(path, sizeof path, "%s/test.db", base);
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
	ck_assert_int_eq(db_store_add(app.db, "lyon", "Lyon"), DB_OK);
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
	ck_assert_int_eq(sqlite3_exec(app.db->conn, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t
one_int(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(app.db->conn, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
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
	sqlite3 *other;

	http_response_init(&rs);
	sign_in(1, NULL, token);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);	/* fills the cache */
	unit_trace_start(app.db->conn, &trace);
	ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
	ck_assert_msg(trace.n == 1, "%d statements, last %s", trace.n, trace.last);
	ck_assert_str_eq(trace.last, "PRAGMA data_version");
	ck_assert_uint_ge(app.auth->hits, 1);

	/* A logout in another process is seen at once: data_version moved. */
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "DELETE FROM sessions", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	trace.n = 0;
	ck_assert_int_eq(find(token, &s, &rs), AUTH_NONE);
	ck_assert_int_eq(trace.n, 2);	/* the pragma, then the row */
	unit_trace_stop(app.db->conn);
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
	unit_trace_start(app.db->conn, &trace);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(find(token, &s, &rs), AUTH_OK);
		auth_note_poll(&app, &s);
	}
	ck_assert_msg(trace.n == 20, "20 polls within 30 s ran %d statements", trace.n);
	unit_trace_stop(app.db->conn);
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

START_TEST(test_throttle)
{
	int64_t retry;
	int i;

	for (i = 0; i < AUTH_THROTTLE_MAX - 1; i++)
		ck_assert_int_eq(auth_record_attempt(&app, "admin@example.com", "192.0.2.1", 0), DB_OK);
	ck_assert_int_eq(auth_throttle(&app, "admin@example.com", "192.0.2.9", &retry), DB_OK);
	ck_assert_int_eq(retry, 0);
	ck_assert_int_eq(auth_record_attempt(&app, "admin@example.com", "192.0.2.2", 0), DB_OK);
	/* Five failures for the account, from any address: blocked about 15 minutes. */
	ck_assert_int_eq(auth_throttle(&app, "admin@example.com", "192.0.2.9", &retry), DB_OK);
	ck_assert_int_gt(retry, AUTH_THROTTLE_WINDOW - 5);
	ck_assert_int_le(retry, AUTH_THROTTLE_WINDOW);
	ck_assert_int_eq(auth_throttle(&app, "staff@example.com", "192.0.2.9", &retry), DB_OK);
	ck_assert_int_eq(retry, 0);

	/* Five failures from one address, over several accounts: that address is blocked. */
	for (i = 0; i < AUTH_THROTTLE_MAX; i++) {
		char email[64];

		snprintf(email, sizeof email, "guess%d@example.com", i);
		ck_assert_int_eq(auth_record_attempt(&app, email, "198.51.100.4", 0), DB_OK);
	}
	ck_assert_int_eq(auth_throttle(&app, "staff@example.com", "198.51.100.4", &retry), DB_OK);
	ck_assert_int_gt(retry, 0);
	ck_assert_int_eq(auth_throttle(&app, "staff@example.com", "198.51.100.5", &retry), DB_OK);
	ck_assert_int_eq(retry, 0);

	/* Failures older than the window do not count. */
	exec_ok("UPDATE login_attempts SET at = at - 901 WHERE email = 'admin@example.com'");
	ck_assert_int_eq(auth_throttle(&app, "admin@example.com", "192.0.2.9", &retry), DB_OK);
	ck_assert_int_eq(retry, 0);

	/* A success resets the account's count (not the address's). */
	for (i = 0; i < AUTH_THROTTLE_MAX - 1; i++)
		ck_assert_int_eq(auth_record_attempt(&app, "staff@example.com", "203.0.113.1", 0), DB_OK);
	exec_ok("UPDATE login_attempts SET at = at - 2 WHERE email = 'staff@example.com'");
	ck_assert_int_eq(auth_record_attempt(&app, "staff@example.com", "203.0.113.1", 1), DB_OK);
	ck_assert_int_eq(auth_record_attempt(&app, "staff@example.com", "203.0.113.2", 0), DB_OK);
	ck_assert_int_eq(auth_throttle(&app, "staff@example.com", "203.0.113.3", &retry), DB_OK);
	ck_assert_int_eq(retry, 0);
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
	tcase_add_test(tc, test_throttle);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(auth_suite)
