/* check_staff.c — staff accounts: who may manage whom (role.h), the password rules (password.h), accounts and set-password links (db_users.h), disabling seen by the session cache at once. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "db_impl.h"	/* the tests reach the connection to age rows */
#include "db_setup.h"
#include "db_users.h"
#include "password.h"
#include "role.h"
#include "db_stores.h"
#include "unit.h"
#include "unit_db.h"

/* A store with no settings copied, as ordersyncctl store add makes it. */
static enum db_status
add_store(struct db *db, const char *slug, const char *name)
{
	int64_t id;

	return db_store_create(db, slug, name, 0, 0, &id);
}

/* ---- who may manage whom ---- */

START_TEST(test_staff_right)
{
	/* DESIGN.md "Roles", the "staff accounts" row, every cell. */
	ck_assert(role_may(ROLE_ADMIN, 1, RIGHT_STAFF));
	ck_assert(role_may(ROLE_ADMIN, 0, RIGHT_STAFF));
	ck_assert(!role_may(ROLE_STAFF, 1, RIGHT_STAFF));
	ck_assert(!role_may(ROLE_STAFF, 0, RIGHT_STAFF));
	ck_assert(!role_may(ROLE_SELLER, 1, RIGHT_STAFF));
	ck_assert(!role_may(ROLE_SELLER, 0, RIGHT_STAFF));
}
END_TEST

START_TEST(test_assign)
{
	int t;

	/* An every-store admin: anyone, anywhere, any role. */
	for (t = 0; t < ROLE_N; t++) {
		ck_assert(role_may_assign(ROLE_ADMIN, 0, t, 0));
		ck_assert(role_may_assign(ROLE_ADMIN, 0, t, 7));
	}
	/* A one-store admin: staff and sellers of their store only. */
	ck_assert(role_may_assign(ROLE_ADMIN, 3, ROLE_STAFF, 3));
	ck_assert(role_may_assign(ROLE_ADMIN, 3, ROLE_SELLER, 3));
	ck_assert(!role_may_assign(ROLE_ADMIN, 3, ROLE_ADMIN, 3));
	ck_assert(!role_may_assign(ROLE_ADMIN, 3, ROLE_STAFF, 4));
	ck_assert(!role_may_assign(ROLE_ADMIN, 3, ROLE_STAFF, 0));
	/* Staff and sellers: nobody. */
	for (t = 0; t < ROLE_N; t++) {
		ck_assert(!role_may_assign(ROLE_STAFF, 3, t, 3));
		ck_assert(!role_may_assign(ROLE_STAFF, 0, t, 0));
		ck_assert(!role_may_assign(ROLE_SELLER, 3, t, 3));
	}
	/* Not a role. */
	ck_assert(!role_may_assign(ROLE_ADMIN, 0, -1, 0));
	ck_assert(!role_may_assign(ROLE_ADMIN, 0, ROLE_N, 0));
	ck_assert(!role_may_assign(-1, 0, ROLE_STAFF, 0));
}
END_TEST

/* ---- the password rules ---- */

START_TEST(test_password_rules)
{
	char longpw[PASSWORD_MAX + 2];

	ck_assert_ptr_null(password_check("plum tree by the river"));
	ck_assert_ptr_null(password_check("0123456789x"));
	ck_assert_str_eq(password_check("short1"), "password.errors.short");
	ck_assert_str_eq(password_check("123456789"), "password.errors.short");
	/* Ten characters, not ten bytes: "été été é" is 9 characters. */
	ck_assert_str_eq(password_check("\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3\xa9"),
	    "password.errors.short");
	ck_assert_ptr_null(password_check("\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3\xa9t"));
	ck_assert_str_eq(password_check("password123"), "password.errors.common");
	ck_assert_str_eq(password_check("PassWord123"), "password.errors.common");
	ck_assert_str_eq(password_check("1234567890"), "password.errors.common");
	ck_assert_str_eq(password_check("qwertyuiop"), "password.errors.common");
	ck_assert_str_eq(password_check("motdepasse"), "password.errors.common");
	ck_assert_str_eq(password_check("bad\xff utf-8 text"), "password.errors.short");
	ck_assert_str_eq(password_check(NULL), "password.errors.short");
	memset(longpw, 'a', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	ck_assert_str_eq(password_check(longpw), "password.errors.short");
	ck_assert(password_is_common("AZERTY"));
	ck_assert(!password_is_common("azerty1"));
}
END_TEST

START_TEST(test_password_hash)
{
	char h[PASSWORD_HASH_MAX];

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(password_hash("plum tree by the river", h), 0);
	ck_assert_int_eq(strncmp(h, "$argon2id$", 10), 0);
	ck_assert(auth_password_verify(h, "plum tree by the river"));
	ck_assert(!auth_password_verify(h, "plum tree by the rivers"));
	/* An invited account's placeholder matches no password. */
	ck_assert(!auth_password_verify("!", ""));
	ck_assert(!auth_password_verify("!", "!"));
}
END_TEST

/* ---- accounts and links on a database ---- */

static char base[64];
static char path[320];
static struct app app;

static void
setup(void)
{
	struct buf err;

	ck_assert_int_ge(sodium_init(), 0);
	unit_tmpdir(base, sizeof base, "staff");
	unit_db_path(path, sizeof path, base, "test.db", "staff");
	memset(&app, 0, sizeof app);
	app_caches_new(&app);
	log_init(&app.log, LOG_ERROR);
	app.cfg.base_url = (char *)"";
	buf_init(&err);
	app.db = db_open(path, 0, &app.log, &err);
	ck_assert_msg(app.db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	ck_assert_int_eq(db_user_add(app.db, "admin@example.com", "$argon2id$unused",
	    "admin", NULL), DB_OK);
	ck_assert_int_eq(add_store(app.db, "lyon", "Lyon"), DB_OK);
}

static void
teardown(void)
{
	app_caches_free(&app);
	db_close(app.db);
	app.db = NULL;
	unit_rmtree(base);
}

static int64_t
one_int(const char *sql)
{
	return unit_sql_int(app.db, sql, -1);
}

/* Invites email (staff of store 2) with a new link: its token into token, the id returned. */
static int64_t
invite(const char *email, int64_t now, char token[AUTH_TOKEN_HEX + 1])
{
	char hash[AUTH_TOKEN_HEX + 1];
	int64_t id = 0;

	auth_token_new(token);
	auth_token_hash(token, hash);
	ck_assert_int_eq(db_users_invite(app.db, email, "staff", 2, hash, now,
	    now + PASSWORD_LINK_SECS, &id), DB_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

START_TEST(test_link_lifecycle)
{
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1], bad[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL), id, uid;
	struct db_user u;

	id = invite("new@example.com", now, token);
	auth_token_hash(token, hash);
	/* Stored hashed: the token itself is nowhere. */
	ck_assert_int_eq(one_int("SELECT count(*) FROM password_tokens"), 1);
	ck_assert_int_eq(db_users_token_find(app.db, token, now, &uid), DB_NOTFOUND);
	ck_assert_int_eq(db_users_token_find(app.db, hash, now, &uid), DB_OK);
	ck_assert_int_eq(uid, id);
	/* Usable for 48 hours, not a second more. */
	ck_assert_int_eq(db_users_token_find(app.db, hash, now + PASSWORD_LINK_SECS - 1, &uid),
	    DB_OK);
	ck_assert_int_eq(db_users_token_find(app.db, hash, now + PASSWORD_LINK_SECS, &uid),
	    DB_NOTFOUND);
	ck_assert_int_eq(db_users_token_use(app.db, hash, now + PASSWORD_LINK_SECS, "$x"),
	    DB_NOTFOUND);
	/* Altered by one character: another hash, nothing found. */
	memcpy(bad, token, sizeof bad);
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	auth_token_hash(bad, bad);
	ck_assert_int_eq(db_users_token_use(app.db, bad, now, "$x"), DB_NOTFOUND);
	/* Used once, then never again. */
	ck_assert_int_eq(db_users_token_use(app.db, hash, now, "$argon2id$new"), DB_OK);
	ck_assert_int_eq(db_users_token_use(app.db, hash, now, "$argon2id$again"), DB_NOTFOUND);
	ck_assert_int_eq(one_int("SELECT count(*) FROM users WHERE password_hash = "
	    "'$argon2id$new'"), 1);
	ck_assert_int_eq(db_users_get(app.db, 2, id, &u), DB_OK);
	ck_assert_str_eq(u.email, "new@example.com");
	ck_assert_str_eq(u.store_slug, "lyon");
	/* Another store's scope does not see it. */
	ck_assert_int_eq(db_users_get(app.db, 1, id, &u), DB_NOTFOUND);
	/* A taken email (any case). */
	ck_assert_int_eq(db_users_invite(app.db, "NEW@example.com", "staff", 2, "0000", now,
	    now + 1, &uid), DB_CONFLICT);
	ck_assert_int_eq(uid, 0);
}
END_TEST

START_TEST(test_reset_voids_old_links)
{
	char token[AUTH_TOKEN_HEX + 1], old[AUTH_TOKEN_HEX + 1], neu[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL), id, uid;

	id = invite("r@example.com", now, token);
	auth_token_hash(token, old);
	auth_token_new(token);
	auth_token_hash(token, neu);
	ck_assert_int_eq(db_users_reset(app.db, id, neu, now, now + PASSWORD_LINK_SECS), DB_OK);
	ck_assert_int_eq(db_users_token_find(app.db, old, now, &uid), DB_NOTFOUND);
	ck_assert_int_eq(db_users_token_find(app.db, neu, now, &uid), DB_OK);
	/* Disabling voids the link too. */
	ck_assert_int_eq(db_users_update(app.db, id, "staff", 2, 1), DB_OK);
	ck_assert_int_eq(db_users_token_find(app.db, neu, now, &uid), DB_NOTFOUND);
	ck_assert_int_eq(db_users_update(app.db, 999, "staff", 2, 0), DB_NOTFOUND);
	/* The CHECK holds the roles. */
	ck_assert_int_eq(db_users_update(app.db, id, "owner", 2, 0), DB_CONFLICT);
}
END_TEST

static char *env_none[] = { NULL };

START_TEST(test_disable_ends_cached_session)
{
	struct http_request rq;
	struct http_response rs;
	struct auth_session s;
	const char *h, *c;
	char token[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL), id;
	size_t i;

	id = invite("d@example.com", now, token);
	memset(&rq, 0, sizeof rq);
	snprintf(rq.method_name, sizeof rq.method_name, "GET");
	rq.path = xstrdup("/admin/orders");
	rq.remote_addr = xstrdup("192.0.2.7");
	rq.envp = env_none;
	http_response_init(&rs);
	ck_assert_int_eq(auth_session_start(&app, &rq, &rs, id), DB_OK);
	h = buf_str(&rs.headers);
	c = strstr(h, AUTH_COOKIE "=");
	ck_assert_ptr_nonnull(c);
	c += strlen(AUTH_COOKIE "=");
	for (i = 0; i < AUTH_TOKEN_HEX; i++)
		token[i] = c[i];
	token[AUTH_TOKEN_HEX] = '\0';
	kv_add(&rq.cookies, AUTH_COOKIE, strlen(AUTH_COOKIE), token, strlen(token));
	http_response_free(&rs);
	http_response_init(&rs);
	ck_assert_int_eq(auth_session_find(&app, &rq, &rs, &s), AUTH_OK);
	ck_assert_int_eq(auth_session_find(&app, &rq, &rs, &s), AUTH_OK);	/* now cached */
	ck_assert_int_gt(one_int("SELECT last_login_at FROM users WHERE email = 'd@example.com'"), 0);
	ck_assert_int_eq(db_users_update(app.db, id, "staff", 2, 1), DB_OK);
	ck_assert_int_eq(auth_session_find(&app, &rq, &rs, &s), AUTH_NONE);
	ck_assert_int_eq(one_int("SELECT count(*) FROM sessions"), 0);
	/* Enabled again, the old cookie stays dead: its session was deleted. */
	ck_assert_int_eq(db_users_update(app.db, id, "staff", 2, 0), DB_OK);
	ck_assert_int_eq(auth_session_find(&app, &rq, &rs, &s), AUTH_NONE);
	http_response_free(&rs);
	http_request_free(&rq);
}
END_TEST

static Suite *
staff_suite(void)
{
	Suite *s = suite_create("staff");
	TCase *tc;

	tc = tcase_create("rules");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_staff_right);
	tcase_add_test(tc, test_assign);
	tcase_add_test(tc, test_password_rules);
	tcase_add_test(tc, test_password_hash);
	suite_add_tcase(s, tc);

	tc = tcase_create("accounts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_link_lifecycle);
	tcase_add_test(tc, test_reset_voids_old_links);
	tcase_add_test(tc, test_disable_ends_cached_session);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(staff_suite)
