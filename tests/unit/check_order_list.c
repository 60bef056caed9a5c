/* check_order_list.c — the order list's statements against the schema: an unfiltered page sorts nothing, the export cursor walks every match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_impl.h"	/* the tests reach the connection for direct SQL and statement counters */
#include "db_orders.h"
#include "log.h"
#include "order.h"
#include "order_filter.h"
#include "search.h"
#include "unit.h"
#include "unit_db.h"

static char dir[64];
static struct db *db;
static struct logger lg;

static void
setup(void)
{
	char path[320], *sql;
	struct buf err;

	unit_tmpdir(dir, sizeof dir, "olist");
	unit_db_path(path, sizeof path, dir, "test.db", "olist");
	log_init(&lg, LOG_ERROR);
	buf_init(&err);
	db = db_open(path, 0, &lg, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	/* 2,000 orders, one a minute, names alternating */
	sql = unit_sqlf("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO orders (store_id, number, "
	    "customer_name, email, phone, total_cents, currency, access_token, created_at, "
	    "updated_at) SELECT 1, 'CMD-20261130-' || %s, CASE WHEN i %% 2 = 1 THEN "
	    "'Élodie Martin' ELSE 'Marc Petit' END, 'x@example.com', '06 12 34 56 78', 100, "
	    "'EUR', 't', 1000000 + i * 60, 1000000 + i * 60 FROM n; ANALYZE;",
	    unit_pg() ? "lpad(i::text, 6, '0')" : "printf('%06d', i)");
	unit_sql(db, sql);
	unit_sql_free(sql);
}

static void
teardown(void)
{
	db_close(db);
	unit_rmtree(dir);
}

/*
 * Sort steps of every statement of the connection, since they were last
 * read. SQLite's statement counters: PostgreSQL has none per statement, so
 * there the results are asserted and the plan is not (0, said once).
 */
static int
sorts(void)
{
	static int said;
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (unit_pg()) {
		if (!said++)
			printf("order_list: plan assertions (sort and full-scan steps) are "
			    "SQLite's statement counters: not checked on PostgreSQL\n");
		return 0;
	}
	while ((st = sqlite3_next_stmt(db->conn, st)) != NULL)
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 1);
	return n;
}

/* Full-scan steps of every statement of the connection since last read (0 on PostgreSQL: see sorts). */
static int
fullscans(void)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (unit_pg())
		return 0;
	while ((st = sqlite3_next_stmt(db->conn, st)) != NULL)
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	return n;
}

/* The unfiltered first page walks orders newest first: no sort of every order (the date bounds, always bound, must not drive it). */
START_TEST(test_unfiltered_no_sort)
{
	struct db_order_filter f;
	struct order *v = NULL;
	size_t n = 0;

	memset(&f, 0, sizeof f);
	f.status = -1;
	f.limit = 50;
	sorts();
	ck_assert_int_eq(db_orders_list(db, &f, &v, &n), DB_OK);
	ck_assert_uint_eq(n, 50);
	ck_assert_str_eq(v[0].number, "CMD-20261130-002000");
	order_free_all(v, n);
	ck_assert_int_eq(sorts(), 0);
}
END_TEST

/* The cursor yields every match newest first with items, ignoring the page's limit and offset. */
START_TEST(test_export_cursor)
{
	struct db_order_filter f;
	struct db_orders_cursor *c = NULL;
	struct search_query sq;
	struct order o;
	enum db_status rc;
	int64_t last = INT64_MAX, count = 0;

	unit_sql(db, "INSERT INTO order_items (order_id, sku, "
	    "name, unit_price_cents, qty) VALUES (1999, 'B', 'Baguette', 120, 2)");
	search_parse("elodie", &sq);
	memset(&f, 0, sizeof f);
	f.status = -1;
	f.limit = 50;
	f.offset = 100;
	f.q = &sq;
	ck_assert_int_eq(db_orders_export_open(db, &f, &c), DB_OK);
	while ((rc = db_orders_export_next(c, &o)) == DB_OK) {
		ck_assert_int_lt(o.id, last);
		last = o.id;
		ck_assert_str_eq(o.customer_name, "Élodie Martin");
		if (o.id == 1999) {
			ck_assert_uint_eq(o.nitems, 1);
			ck_assert_str_eq(o.items[0].name, "Baguette");
		}
		count++;
		order_clear(&o);
	}
	ck_assert_int_eq(rc, DB_NOTFOUND);
	ck_assert_int_eq(count, 1000);
	db_orders_export_close(c);
	search_query_free(&sq);
	/* a query that matches nothing: an empty cursor */
	search_parse("%", &sq);
	f.q = &sq;
	ck_assert_int_eq(db_orders_export_open(db, &f, &c), DB_OK);
	ck_assert_int_eq(db_orders_export_next(c, &o), DB_NOTFOUND);
	db_orders_export_close(c);
	search_query_free(&sq);
}
END_TEST

/* Days read as local midnights; not-dates refused. */
START_TEST(test_filter_days)
{
	int64_t a, b;

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	ck_assert_int_eq(order_filter_day("2026-03-10", 0, &a), 0);
	ck_assert_int_eq(a, 1773097200);	/* 2026-03-09 23:00 UTC */
	ck_assert_int_eq(order_filter_day("2026-03-10", 1, &b), 0);
	ck_assert_int_eq(b - a, 86400);
	ck_assert_int_eq(order_filter_day("2026-03-29", 1, &b), 0);	/* the spring change: 23 h */
	ck_assert_int_eq(order_filter_day("2026-03-29", 0, &a), 0);
	ck_assert_int_eq(b - a, 23 * 3600);
	ck_assert_int_eq(order_filter_day("2026-13-45", 0, &a), -1);
	ck_assert_int_eq(order_filter_day("2026-02-30", 0, &a), -1);
	ck_assert_int_eq(order_filter_day("2026-3-10", 0, &a), -1);
	ck_assert_int_eq(order_filter_day("2026-03-10x", 0, &a), -1);
	ck_assert_int_eq(order_filter_day("", 0, &a), -1);
}
END_TEST

/* A number prefix that matches thousands: taken through the numbers' index, latest first, no sort and no walk of every order. */
START_TEST(test_dense_number)
{
	struct db_order_filter f;
	struct search_query sq;
	struct order *v = NULL;
	size_t n = 0;

	search_parse("CMD-20261130", &sq);
	memset(&f, 0, sizeof f);
	f.status = -1;
	f.limit = 50;
	f.q = &sq;
	sorts();
	fullscans();
	ck_assert_int_eq(db_orders_list(db, &f, &v, &n), DB_OK);
	ck_assert_uint_eq(n, 50);
	ck_assert_str_eq(v[0].number, "CMD-20261130-002000");
	ck_assert_str_eq(v[49].number, "CMD-20261130-001951");
	order_free_all(v, n);
	search_query_free(&sq);
	ck_assert_int_eq(sorts(), 0);
	ck_assert_int_eq(fullscans(), 0);
}
END_TEST

static Suite *
order_list_suite(void)
{
	Suite *s = suite_create("order_list");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unfiltered_no_sort);
	tcase_add_test(tc, test_export_cursor);
	tcase_add_test(tc, test_filter_days);
	tcase_add_test(tc, test_dense_number);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(order_list_suite)
