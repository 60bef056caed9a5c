/* check_db.c — tests of cgi/db.h and cgi/db_setup.h on fresh temporary databases: migrations, transactions, schema rules. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "db_admin.h"
#include "db_impl.h"	/* the statement cache, tested from outside */
#include "db_setup.h"
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

/*
 * The parent makes one base directory per test case (unchecked fixture) and
 * removes it with everything in it afterwards, so a test that fails in its
 * forked child, before any teardown of its own, leaves nothing in /tmp.
 * Each test (each loop iteration) gets its own directory inside it.
 */
static char base[64];
static char dir[128];
static char path[320];

static void
base_setup(void)
{
	unit_tmpdir(base, sizeof base, "db");
}

static void
base_teardown(void)
{
	unit_rmtree(base);
}

static void
setup(void)
{
	snprintf(dir, sizeof dir, "%s/XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unit_db_path(path, sizeof path, dir, "test.db", "db");
}

/* Opens the test database through the module; fails the test when it cannot. */
static struct db *
open_ok(void)
{
	struct buf err;
	struct db *db;

	buf_init(&err);
	db = db_open(path, 1, NULL, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	ck_assert_str_eq(buf_str(&err), "");
	buf_free(&err);
	return db;
}

/* A second, independent connection, as another process would have (db_close it). */
static struct db *
other(void)
{
	return unit_db_other(path);
}

/* Runs sql on its own connection; returns its db_status (DB_CONFLICT: a rule refused it). */
static int
exec_other(const char *sql)
{
	struct db *c = other();
	int rc = unit_sql_try(c, sql);

	db_close(c);
	return rc;
}

/* The first column of the first row of sql as text, into out ("" if none). */
static void
query_text(const char *sql, char *out, size_t outsz)
{
	struct db *c = other();

	unit_sql_text(c, sql, out, outsz);
	db_close(c);
}

/* The query that reads the schema version (PRAGMA user_version's counterpart). */
static const char *
user_version_sql(void)
{
	return unit_pg() ? "SELECT version FROM schema_version" : "PRAGMA user_version";
}

static long
query_long(const char *sql)
{
	char v[64];

	query_text(sql, v, sizeof v);
	return strtol(v, NULL, 10);
}

/* ---- opening and migrations ---- */

START_TEST(test_fresh_database)
{
	struct db *db = open_ok();
	const char *epoch = db_epoch(db);
	char v[64];
	size_t i;

	ck_assert_int_ge(db_schema_version(), 1);
	ck_assert_int_eq(db_user_version(db), db_schema_version());
	ck_assert_int_eq(query_long(user_version_sql()), db_schema_version());
	ck_assert_uint_eq(strlen(epoch), 32);
	for (i = 0; i < 32; i++)
		ck_assert_msg(strchr("0123456789abcdef", epoch[i]) != NULL,
		    "epoch %s is not lower-case hex", epoch);
	query_text("SELECT value FROM meta WHERE key = 'epoch'", v, sizeof v);
	ck_assert_str_eq(v, epoch);
	if (unit_pg()) {	/* byte order, as SQLite's BINARY */
		query_text("SELECT datcollate FROM pg_database WHERE datname = "
		    "current_database()", v, sizeof v);
		ck_assert_str_eq(v, "C.UTF-8");
	} else {
		query_text("PRAGMA journal_mode", v, sizeof v);
		ck_assert_str_eq(v, "wal");
	}
	query_text("SELECT slug FROM stores WHERE id = 1", v, sizeof v);
	ck_assert_str_eq(v, "default");
	db_close(db);
}
END_TEST

START_TEST(test_two_databases_two_epochs)
{
	char first[33], second[320];
	struct buf err;
	struct db *db = open_ok();

	snprintf(first, sizeof first, "%s", db_epoch(db));
	db_close(db);
	unit_db_path(second, sizeof second, dir, "second.db", "db2");
	buf_init(&err);
	db = db_open(second, 0, NULL, &err);
	ck_assert_msg(db != NULL, "%s", buf_str(&err));
	ck_assert_str_ne(db_epoch(db), first);
	db_close(db);
	buf_free(&err);
}
END_TEST

START_TEST(test_reopen_keeps_epoch)
{
	char epoch[33];
	struct db *db = open_ok();

	snprintf(epoch, sizeof epoch, "%s", db_epoch(db));
	db_close(db);
	ck_assert_int_eq(exec_other("INSERT INTO stores (slug, name) VALUES ('kept', 'Kept')"),
	    DB_OK);
	db = open_ok();
	ck_assert_str_eq(db_epoch(db), epoch);
	ck_assert_int_eq(db_user_version(db), db_schema_version());
	db_close(db);
	/* Nothing ran twice: one epoch row, the default store once, data kept. */
	ck_assert_int_eq(query_long("SELECT count(*) FROM meta"), 1);
	ck_assert_int_eq(query_long("SELECT count(*) FROM stores WHERE slug = 'default'"), 1);
	ck_assert_int_eq(query_long("SELECT count(*) FROM stores WHERE slug = 'kept'"), 1);
	ck_assert_int_eq(query_long(user_version_sql()), db_schema_version());
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	char sql[64], want[160];
	struct buf err;
	struct db *db = open_ok();
	int newer = db_schema_version() + 1;

	db_close(db);
	snprintf(sql, sizeof sql, unit_pg() ? "UPDATE schema_version SET version = %d" :
	    "PRAGMA user_version = %d", newer);
	ck_assert_int_eq(exec_other(sql), DB_OK);
	buf_init(&err);
	ck_assert_ptr_null(db_open(path, 1, NULL, &err));
	snprintf(want, sizeof want, "the database has schema version %d, newer than "
	    "this program's %d", newer, db_schema_version());
	ck_assert_str_eq(buf_str(&err), want);
	/* Refused untouched (read past db_open, which refuses it). */
	ck_assert_int_eq(unit_sql_raw_int(path, user_version_sql(), -1), newer);
	buf_free(&err);
}
END_TEST

START_TEST(test_open_failures)
{
	struct buf err;
	FILE *f;
	char junk[256];

	buf_init(&err);
	if (unit_pg()) {
		/* No such database on the cluster: refused, saying so; nothing made. */
		snprintf(junk, sizeof junk, "postgresql:///ordersync_no_such_db?host=%s&port=%s",
		    getenv("PGHOST"), getenv("PGPORT"));
		ck_assert_ptr_null(db_open(junk, 1, NULL, &err));
		ck_assert_msg(strstr(buf_str(&err), "cannot connect to PostgreSQL") ==
		    buf_str(&err), "message: %s", buf_str(&err));
		ck_assert_ptr_nonnull(strstr(buf_str(&err), "ordersync_no_such_db"));
		buf_free(&err);
		db_close(NULL);
		return;
	}
	ck_assert_ptr_null(db_open("/nonexistent-ordersync-dir/x.db", 1, NULL, &err));
	ck_assert_msg(strstr(buf_str(&err), "cannot open /nonexistent-ordersync-dir/x.db")
	    == buf_str(&err), "message: %s", buf_str(&err));
	buf_reset(&err);

	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	ck_assert_ptr_nonnull(f = fopen(junk, "w"));
	fputs("this is not an SQLite database, just some text that is long enough "
	    "to fill a header and more; this is not an SQLite database\n", f);
	fclose(f);
	ck_assert_ptr_null(db_open(junk, 1, NULL, &err));
	ck_assert_uint_gt(err.len, 0);
	buf_free(&err);
	db_close(NULL);
}
END_TEST

/* ---- health, change detection, transactions ---- */

START_TEST(test_ping)
{
	struct db *db = open_ok();

	ck_assert_int_eq(db_ping(db), DB_OK);
	ck_assert_int_eq(db_ping(db), DB_OK);	/* the cached statement is reusable */
	db_close(db);
}
END_TEST

START_TEST(test_data_version)
{
	struct db *db = open_ok();
	int64_t v1 = -1, v2 = -1, v3 = -1, v4 = -1;

	ck_assert_int_eq(db_data_version(db, &v1), DB_OK);
	ck_assert_int_eq(db_data_version(db, &v2), DB_OK);
	ck_assert_int_eq(v1, v2);
	ck_assert_int_eq(exec_other("INSERT INTO stores (slug, name) VALUES ('b', 'B')"),
	    DB_OK);
	ck_assert_int_eq(db_data_version(db, &v3), DB_OK);
	ck_assert_int_ne(v3, v2);
	if (unit_pg()) {
		/*
		 * PostgreSQL's version is the snapshot: every commit moves it,
		 * this connection's own too (the feed relies on neither).
		 */
		db_close(db);
		return;
	}
	/*
	 * SQLite semantics the feed must keep in mind: a commit on this same
	 * connection does not change its own data_version.
	 */
	ck_assert_int_eq(db_begin(db), DB_OK);
	ck_assert_int_eq(add_store(db, "c", "C"), DB_OK);
	ck_assert_int_eq(db_commit(db), DB_OK);
	ck_assert_int_eq(db_data_version(db, &v4), DB_OK);
	ck_assert_int_eq(v4, v3);
	db_close(db);
}
END_TEST

/*
 * The statement cache never finalizes a statement a caller may still hold:
 * filled past its size while one statement is mid-way through its rows, it
 * refuses new texts instead of evicting, and the held statement goes on.
 */
START_TEST(test_stmt_cache_keeps_held_statements)
{
	/* Static storage, as the string literals db_stmt is given have. */
	static char texts[DB_STMT_CACHE + 8][32];
	static const char rows[] = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n";
	struct db *db = open_ok();
	struct db_stmt *held, *st, *first = NULL;
	int i, refused = 0, served = 0;

	ck_assert_int_eq(db_ping(db), DB_OK);	/* its statement is cached now */
	held = db_stmt(db, rows);
	ck_assert_ptr_nonnull(held);
	ck_assert_int_eq(db_step(held), DB_ROW);
	ck_assert_int_eq(db_col_int(held, 0), 1);
	for (i = 0; i < (int)NELEM(texts); i++) {
		snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
		if ((st = db_stmt(db, texts[i])) == NULL) {
			refused++;
			continue;
		}
		if (first == NULL)
			first = st;
		served++;
		ck_assert_int_eq(db_step(st), DB_ROW);
		ck_assert_int_eq(db_col_int(st, 0), i);
		db_reset(st);
	}
	/* The held statement was not finalized: it goes on where it was. */
	ck_assert_int_eq(db_step(held), DB_ROW);
	ck_assert_int_eq(db_col_int(held, 0), 2);
	ck_assert_int_eq(db_step(held), DB_ROW);
	ck_assert_int_eq(db_col_int(held, 0), 3);
	ck_assert_int_eq(db_step(held), DB_DONE);
	ck_assert_msg(refused > 0, "a full cache must refuse, not evict");
	ck_assert_int_lt(served, DB_STMT_CACHE);
	/* Cached statements are still served, the same ones. */
	ck_assert_ptr_eq(db_stmt(db, rows), held);
	ck_assert_ptr_eq(db_stmt(db, texts[0]), first);
	ck_assert_int_eq(db_ping(db), DB_OK);
	/* A text not cached yet is refused, never a reason to evict. */
	ck_assert_ptr_null(db_stmt(db, "SELECT 'one text too many'"));
	db_close(db);
}
END_TEST

START_TEST(test_transactions)
{
	struct db *db = open_ok();

	ck_assert_int_eq(db_begin(db), DB_OK);
	ck_assert_int_eq(add_store(db, "gone", "Gone"), DB_OK);
	ck_assert_int_eq(query_long("SELECT count(*) FROM stores WHERE slug = 'gone'"), 0);
	db_rollback(db);
	ck_assert_int_eq(query_long("SELECT count(*) FROM stores WHERE slug = 'gone'"), 0);

	ck_assert_int_eq(db_begin(db), DB_OK);
	ck_assert_int_eq(db_begin(db), DB_ERROR);	/* no nesting */
	ck_assert_int_eq(add_store(db, "kept", "Kept"), DB_OK);
	ck_assert_int_eq(db_commit(db), DB_OK);
	ck_assert_int_eq(query_long("SELECT count(*) FROM stores WHERE slug = 'kept'"), 1);

	db_rollback(db);				/* outside a transaction: no-op */
	ck_assert_int_eq(db_commit(db), DB_ERROR);	/* nothing to commit */
	ck_assert_int_eq(db_ping(db), DB_OK);
	db_close(db);
}
END_TEST

/*
 * Another connection is in a write transaction: db_begin times out as
 * DB_BUSY (SQLite: BEGIN IMMEDIATE's write lock; PostgreSQL: the feed lock
 * every transaction takes first, under lock_timeout).
 */
START_TEST(test_busy)
{
	struct db *db = open_ok();
	struct db *c = other();

	ck_assert_int_eq(db_begin(c), DB_OK);
	ck_assert_int_eq(db_begin(db), DB_BUSY);
	ck_assert_int_eq(db_ping(db), DB_OK);		/* readers go on in WAL mode */
	db_rollback(c);
	db_close(c);
	ck_assert_int_eq(db_begin(db), DB_OK);
	db_rollback(db);
	db_close(db);
}
END_TEST

/* ---- the schema's own rules, by direct SQL ---- */

#define ORDER_COLS "INSERT INTO orders (store_id, number, status, customer_name, " \
	"email, total_cents, currency, access_token, created_at, updated_at) VALUES "

static const char fixture_sql[] =
	"INSERT INTO stores (id, slug, name) VALUES (2, 'second', 'Second');"
	"INSERT INTO products (id, store_id, sku, name, price_cents, stock) "
	"    VALUES (10, 1, 'SKU-1', 'One', 100, 5);"
	ORDER_COLS "(1, 'CMD-20261121-AAAAAA', 'pending', 'Ann', 'a@x.fr', 100, "
	"    'EUR', 't', 0, 0);"
	"INSERT INTO carts (id, token, store_id, form_token, created_at, updated_at) "
	"    VALUES (1, 'tok', 1, 'ft', 0, 0);"
	"INSERT INTO users (email, password_hash, role, created_at) "
	"    VALUES ('boss@example.com', 'h', 'admin', 0);";

static const struct {
	const char	*sql;
	int		 rc;
} rules[] = {
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'S0', 'n', 1, 0)", DB_OK },
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'S0', 'n', 1, -1)", DB_CONFLICT },
	{ "UPDATE products SET stock = stock - 6 WHERE id = 10", DB_CONFLICT },
	{ "UPDATE products SET stock = stock - 5 WHERE id = 10", DB_OK },
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'S0', 'n', -1, 0)", DB_CONFLICT },
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'SKU-1', 'n', 1, 1)", DB_CONFLICT },
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (2, 'SKU-1', 'n', 1, 1)", DB_OK },
	{ "INSERT INTO products (store_id, sku, name, price_cents, stock, active) VALUES (1, 'S0', 'n', 1, 1, 2)", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-20261121-BBBBBB', 'processing', 'B', 'b@x.fr', 0, 'EUR', 't', 0, 0)", DB_OK },
	{ ORDER_COLS "(1, 'CMD-20261121-BBBBBB', 'shipped', 'B', 'b@x.fr', 0, 'EUR', 't', 0, 0)", DB_CONFLICT },
	{ "UPDATE orders SET status = 'completed' WHERE id = 1", DB_OK },
	{ "UPDATE orders SET status = 'lost' WHERE id = 1", DB_CONFLICT },
	{ "UPDATE orders SET status = 'Pending' WHERE id = 1", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-20261121-AAAAAA', 'pending', 'B', 'b@x.fr', 0, 'EUR', 't', 0, 0)", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-2026-AAAAAA', 'pending', 'B', 'b@x.fr', 0, 'EUR', 't', 0, 0)", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-20261121-aaaaaa', 'pending', 'B', 'b@x.fr', 0, 'EUR', 't', 0, 0)", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-20261121-CCCCCC', 'pending', 'B', 'b@x.fr', -1, 'EUR', 't', 0, 0)", DB_CONFLICT },
	{ ORDER_COLS "(1, 'CMD-20261121-CCCCCC', 'pending', 'B', 'b@x.fr', 0, 'EURO', 't', 0, 0)", DB_CONFLICT },
	/* v6: a counter order may have no customer name and no email */
	{ ORDER_COLS "(1, 'CMD-20261121-CCCCCC', 'pending', '', '', 0, 'EUR', 't', 0, 0)", DB_OK },
	{ "UPDATE orders SET source = 'phone' WHERE id = 1", DB_CONFLICT },
	{ "UPDATE orders SET fulfilment = 'both' WHERE id = 1", DB_CONFLICT },
	{ "UPDATE orders SET source = 'counter', fulfilment = 'delivery' WHERE id = 1", DB_OK },
	{ "INSERT INTO stores (slug, name) VALUES ('Caps', 'C')", DB_CONFLICT },
	{ "INSERT INTO stores (slug, name) VALUES ('a b', 'C')", DB_CONFLICT },
	{ "INSERT INTO stores (slug, name) VALUES ('..', 'C')", DB_CONFLICT },
	{ "INSERT INTO stores (slug) VALUES ('no-name')", DB_OK },
	{ "UPDATE stores SET currency = 'eur' WHERE id = 1", DB_CONFLICT },
	{ "UPDATE stores SET fulfilment = 'post' WHERE id = 1", DB_CONFLICT },
	{ "UPDATE stores SET escalate_minutes = 1441 WHERE id = 1", DB_CONFLICT },
	{ "INSERT INTO cart_items (cart_id, product_id, qty, added_at) VALUES (1, 10, 99, 0)", DB_OK },
	{ "INSERT INTO cart_items (cart_id, product_id, qty, added_at) VALUES (1, 10, 0, 0)", DB_CONFLICT },
	{ "INSERT INTO cart_items (cart_id, product_id, qty, added_at) VALUES (1, 10, 100, 0)", DB_CONFLICT },
	{ "INSERT INTO users (email, password_hash, role, created_at) VALUES ('BOSS@example.com', 'h', 'admin', 0)", DB_CONFLICT },
	{ "INSERT INTO users (email, password_hash, role, created_at) VALUES ('s@example.com', 'h', 'root', 0)", DB_CONFLICT },
	{ "INSERT INTO stores (slug, name) VALUES ('default', 'Again')", DB_CONFLICT },
	{ "INSERT INTO order_events (store_id, order_id, type, payload, created_at) VALUES (1, 1, 'order_created', '{}', 0)", DB_OK },
	{ "INSERT INTO order_events (store_id, order_id, type, payload, created_at) VALUES (1, 1, 'order_shipped', '{}', 0)", DB_CONFLICT },
	{ "INSERT INTO order_events (store_id, order_id, type, payload, created_at) VALUES (1, 1, 'order_created', '{nope', 0)", DB_CONFLICT },
	{ "INSERT INTO payments (order_id, amount_cents, method, status, created_at, updated_at) VALUES (1, 100, 'card', 'refunded', 0, 0)", DB_CONFLICT },
};

START_TEST(test_schema_rule)
{
	struct db *db = open_ok();	/* creates the schema */
	struct db *c;
	int rc;

	db_close(db);
	c = other();
	unit_sql(c, fixture_sql);
	rc = unit_sql_try(c, rules[_i].sql);
	/*
	 * PostgreSQL refuses a payload that is not JSON in the cast its
	 * CHECK makes (22P02, DB_ERROR), SQLite in json_valid (DB_CONFLICT).
	 */
	if (unit_pg() && rc == DB_ERROR && strstr(rules[_i].sql, "'{nope'") != NULL)
		rc = DB_CONFLICT;
	ck_assert_msg(rc == rules[_i].rc, "%s: %d, want %d", rules[_i].sql, rc, rules[_i].rc);
	db_close(c);
}
END_TEST

/* ---- db_setup ---- */

START_TEST(test_seed_demo)
{
	struct db *db = open_ok();
	int n = -1;

	ck_assert_int_eq(db_seed_demo(db, &n), DB_OK);
	ck_assert_int_eq(n, 8);
	ck_assert_int_eq(query_long("SELECT count(*) FROM products WHERE store_id = 1 "
	    "AND active = 1 AND stock > 0 AND price_cents > 0"), 8);
	ck_assert_int_eq(db_seed_demo(db, &n), DB_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(query_long("SELECT count(*) FROM products"), 8);
	ck_assert_int_eq(query_long("SELECT price_cents FROM products WHERE sku = 'GFT-BOX-01'"),
	    8999);
	/* A missing one comes back; the others are left as they are. */
	ck_assert_int_eq(exec_other("DELETE FROM products WHERE sku = 'MUG-STO-350';"
	    "UPDATE products SET stock = 1 WHERE sku = 'COF-ESP-250'"), DB_OK);
	ck_assert_int_eq(db_seed_demo(db, &n), DB_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(query_long("SELECT stock FROM products WHERE sku = 'COF-ESP-250'"), 1);
	db_close(db);
}
END_TEST

/* Steps run in order on one database. */
static const struct {
	const char	*email, *role, *store;
	enum db_status	 want;
} user_steps[] = {
	{ "admin@example.com",	"admin", NULL,		DB_OK },
	{ "staff@example.com",	"staff", "default",	DB_OK },
	{ "paris@example.com",	"staff", "paris",	DB_OK },
	{ "admin@example.com",	"admin", NULL,		DB_CONFLICT },
	{ "ADMIN@Example.com",	"staff", NULL,		DB_CONFLICT },	/* NOCASE */
	{ "x@example.com",	"staff", "nowhere",	DB_NOTFOUND },
	{ "y@example.com",	"root",	 NULL,		DB_CONFLICT },	/* role CHECK */
};

static const struct {
	const char	*email;
	enum db_status	 want;
	const char	*role, *store;
} user_finds[] = {
	{ "admin@example.com",	DB_OK, "admin", "" },
	{ "Admin@Example.COM",	DB_OK, "admin", "" },
	{ "staff@example.com",	DB_OK, "staff", "default" },
	{ "paris@example.com",	DB_OK, "staff", "paris" },
	{ "x@example.com",	DB_NOTFOUND, NULL, NULL },
	{ "y@example.com",	DB_NOTFOUND, NULL, NULL },
	{ "",			DB_NOTFOUND, NULL, NULL },
};

START_TEST(test_users)
{
	struct db *db = open_ok();
	char role[16], store[16];
	size_t i;

	ck_assert_int_eq(add_store(db, "paris", "Paris"), DB_OK);
	ck_assert_int_eq(add_store(db, "paris", "Paris again"), DB_CONFLICT);
	for (i = 0; i < NELEM(user_steps); i++)
		ck_assert_msg(db_user_add(db, user_steps[i].email, "hash",
		    user_steps[i].role, user_steps[i].store) == user_steps[i].want,
		    "add %s (%s, %s): want %d", user_steps[i].email, user_steps[i].role,
		    user_steps[i].store ? user_steps[i].store : "all", user_steps[i].want);
	for (i = 0; i < NELEM(user_finds); i++) {
		strcpy(role, "untouched");
		strcpy(store, "untouched");
		ck_assert_int_eq(db_user_find(db, user_finds[i].email, role, sizeof role,
		    store, sizeof store), user_finds[i].want);
		if (user_finds[i].want == DB_OK) {
			ck_assert_str_eq(role, user_finds[i].role);
			ck_assert_str_eq(store, user_finds[i].store);
		}
	}
	ck_assert_int_eq(query_long("SELECT count(*) FROM users"), 3);
	db_close(db);
}
END_TEST


/*
 * order_counts (kept by triggers on orders) against a real count(*) after
 * inserts, status changes, cancels, a store move and deletes, per store and
 * for every store (store_id 0).
 */
static void
counts_match(struct db *db)
{
	static const int64_t scopes[] = { 0, 1, 2 };
	int64_t counts[ORDER_NSTATUS], n;
	char sql[256];
	size_t i, k;

	for (k = 0; k < NELEM(scopes); k++) {
		ck_assert_int_eq(db_orders_count(db, scopes[k], counts), DB_OK);
		for (i = 0; i < ORDER_NSTATUS; i++) {
			snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE "
			    "(%lld = 0 OR store_id = %lld) AND status = '%s'",
			    (long long)scopes[k], (long long)scopes[k], order_status_name((int)i));
			n = unit_sql_int(db, sql, -1);	/* this connection: one per query is slow on PostgreSQL */
			ck_assert_msg(counts[i] == n, "store %lld, %s: %lld, count(*) %lld",
			    (long long)scopes[k], order_status_name((int)i),
			    (long long)counts[i], (long long)n);
		}
	}
}

START_TEST(test_order_counts)
{
	static const char *const steps[] = {
		"INSERT INTO stores (id, slug, name) VALUES (2, 'lyon', 'Lyon')",
		/* 30 orders over two stores, all pending. */
		"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 30) "
		"INSERT INTO orders (store_id, number, customer_name, email, total_cents, "
		"currency, access_token, created_at, updated_at) "
		"SELECT 1 + i % 2, 'CMD-20261121-' || substr('00000' || i, length(CAST(i AS TEXT)), 6), "
		"'C', 'c@x.io', 100, 'EUR', 't', 0, 0 FROM s",
		"UPDATE orders SET status = 'processing' WHERE id % 3 = 0",
		"UPDATE orders SET status = 'completed' WHERE id % 5 = 0",
		"UPDATE orders SET status = 'cancelled' WHERE id % 7 = 0",
		"UPDATE orders SET status = status WHERE id < 10",		/* no change */
		"UPDATE orders SET customer_name = 'D' WHERE id < 10",	/* not the status */
		"UPDATE orders SET store_id = 2 WHERE id IN (1, 3, 5)",
		"UPDATE orders SET status = 'pending', store_id = 1 WHERE id = 6",
		"DELETE FROM orders WHERE id > 25",
		"INSERT INTO orders (store_id, number, status, customer_name, email, "
		"total_cents, currency, access_token, created_at, updated_at) VALUES "
		"(2, 'CMD-20261121-0000ZZ', 'completed', 'C', 'c@x.io', 1, 'EUR', 't', 0, 0)",
	};
	struct db *db = open_ok();
	size_t i;

	counts_match(db);
	for (i = 0; i < NELEM(steps); i++) {
		ck_assert_msg(exec_other(steps[i]) == DB_OK, "step %zu", i);
		counts_match(db);
	}
	/* A rolled-back change leaves the counts as they were. */
	ck_assert_int_eq(exec_other("BEGIN; UPDATE orders SET status = 'cancelled'; "
	    "ROLLBACK"), DB_OK);
	counts_match(db);
	ck_assert_int_eq(query_long("SELECT count(*) FROM order_counts WHERE n < 0"), 0);
	db_close(db);
}
END_TEST

static Suite *
db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_fresh_database);
	tcase_add_test(tc, test_two_databases_two_epochs);
	tcase_add_test(tc, test_reopen_keeps_epoch);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_open_failures);
	suite_add_tcase(s, tc);

	tc = tcase_create("runtime");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);	/* test_busy waits out the 5 s busy timeout */
	tcase_add_test(tc, test_ping);
	tcase_add_test(tc, test_data_version);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_stmt_cache_keeps_held_statements);
	tcase_add_test(tc, test_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("schema");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_schema_rule, 0, (int)NELEM(rules));
	suite_add_tcase(s, tc);

	tc = tcase_create("setup");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_seed_demo);
	tcase_add_test(tc, test_users);
	tcase_add_test(tc, test_order_counts);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(db_suite)
