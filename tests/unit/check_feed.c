/* check_feed.c — the change feed (cgi/feed.h) and the admin data layer (cgi/db_admin.h) on temporary databases: parsing, limits, scoping, caches, transitions, stats. */
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "db_admin.h"
#include "db_payments.h"
#include "db_impl.h"	/* the tests reach the connection to trace and to insert rows */
#include "db_setup.h"
#include "feed.h"
#include "unit.h"
#include "valid.h"
#include "unit_db.h"
#include "unit_sql.h"

static char base[64];
static char path[320];
static struct app app;

static void
setup(void)
{
	struct buf err;

	unit_tmpdir(base, sizeof base, "feed");
	unit_db_path(path, sizeof path, base, "test.db", "feed");
	memset(&app, 0, sizeof app);
	app_caches_new(&app);
	log_init(&app.log, LOG_ERROR);
	app.cfg.poll_ms = 5000;
	app.cfg.base_url = (char *)"";
	snprintf(app.cfg.currency, sizeof app.cfg.currency, "EUR");
	buf_init(&err);
	app.db = db_open(path, 0, &app.log, &err);
	ck_assert_msg(app.db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
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

/* An order of store, as checkout would write it, with its order_created event. */
static int64_t
add_order(int64_t store, int n, const char *status, int64_t total, int64_t created)
{
	char *sql;
	int64_t id;

	sql = unit_sqlf("INSERT INTO orders (store_id, number, status, customer_name, "
	    "email, total_cents, currency, items_count, access_token, created_at, updated_at) "
	    "VALUES (%lld, 'CMD-20261121-%06d', %Q, 'Ana %d', 'ana@example.com', %lld, 'EUR', 2, "
	    "'tok', %lld, %lld) RETURNING id", (long long)store, n, status, n, (long long)total,
	    (long long)created, (long long)created);
	id = unit_sql_insert_id(app.db, sql);
	unit_sql_free(sql);
	ck_assert_int_eq(db_order_event_add(app.db, id, "order_created", -1), DB_OK);
	return id;
}

static void
version(struct db_version *v)
{
	ck_assert_int_eq(db_admin_version(app.db, v), DB_OK);
}

/* A feed answer with its text parsed back: body NULL for a 304, else the caller puts it. */
struct answer {
	int			 status;
	struct json_object	*body;
	char			 etag[128];
};

/* Parses text as one JSON object, asserting it is exactly that. Caller puts it. */
static struct json_object *
parse_object(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	ck_assert_msg(o != NULL && json_tokener_get_error(tok) == json_tokener_success,
	    "not JSON: %s", text);
	ck_assert_msg((size_t)json_tokener_get_parse_end(tok) == strlen(text),
	    "trailing bytes: %s", text);
	ck_assert_msg(json_object_is_type(o, json_type_object), "not an object: %s", text);
	json_tokener_free(tok);
	return o;
}

/* Answers a feed request for scope; returns the reply (body owned by the caller). */
static struct answer
ask(int64_t store, int has_cursor, int64_t cursor, const char *epoch, const char *inm)
{
	struct db_version v;
	struct feed_query q = { has_cursor, cursor, epoch, inm };
	struct feed_reply fr;
	struct answer r;
	struct buf text;

	buf_init(&text);
	version(&v);
	ck_assert_int_eq(feed_answer(&app, store, &v, &q, &text, &fr), DB_OK);
	memset(&r, 0, sizeof r);
	r.status = fr.status;
	memcpy(r.etag, fr.etag, sizeof r.etag);
	if (fr.status == 304)
		ck_assert_uint_eq(text.len, 0);
	else
		r.body = parse_object(buf_str(&text));
	buf_free(&text);
	return r;
}

static int64_t
get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return json_object_get_int64(v);
}

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* ---- parsing ---- */

START_TEST(test_cursor_parsing)
{
	static const struct {
		const char	*in;
		int		 ok;
		int64_t		 want;
	} cases[] = {
		{ "0", 1, 0 },
		{ "1", 1, 1 },
		{ "42", 1, 42 },
		{ "007", 1, 7 },
		{ "999999999999999999", 1, INT64_C(999999999999999999) },	/* 18 digits */
		/* Any length: beyond int64_t is simply ahead of every head. */
		{ "1000000000000000000", 1, INT64_C(1000000000000000000) },	/* 19 digits */
		{ "9223372036854775807", 1, INT64_MAX },
		{ "9223372036854775808", 1, INT64_MAX },	/* 2^63: held at the top */
		{ "9223372036854775810", 1, INT64_MAX },
		{ "99999999999999999999999999", 1, INT64_MAX },
		{ "00000000000000000000000000000042", 1, 42 },	/* long, but small */
		{ "000000000000000000000000000000000", 1, 0 },
		{ "", 0, 0 },
		{ "-1", 0, 0 },
		{ "-0", 0, 0 },
		{ "+5", 0, 0 },
		{ " 5", 0, 0 },
		{ "5 ", 0, 0 },
		{ "5a", 0, 0 },
		{ "abc", 0, 0 },
		{ "0x10", 0, 0 },
		{ "1e3", 0, 0 },
		{ "1.5", 0, 0 },
		{ "١٢", 0, 0 },	/* Arabic-Indic digits are not ASCII digits */
	};
	size_t i;
	int64_t v;

	for (i = 0; i < NELEM(cases); i++) {
		v = -1;
		ck_assert_msg(valid_cursor(cases[i].in, &v) == cases[i].ok,
		    "cursor \"%s\"", cases[i].in);
		if (cases[i].ok)
			ck_assert_int_eq(v, cases[i].want);
	}
	ck_assert_int_eq(valid_cursor(NULL, &v), 0);
}
END_TEST

START_TEST(test_epoch_parsing)
{
	static const struct {
		const char	*in;
		int		 ok;
	} cases[] = {
		{ "0123456789abcdef0123456789abcdef", 1 },
		{ "a", 1 },
		{ "", 0 },
		{ "ABCDEF", 0 },
		{ "xyz", 0 },
		{ "12 34", 0 },
		{ "1234567890123456789012345678901234567890123456789012345678901234", 1 },	/* 64 */
		/* Any length: a long one is simply another database's epoch. */
		{ "12345678901234567890123456789012345678901234567890123456789012345", 1 },	/* 65 */
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", 0 },
		{ "-1", 0 },
		{ "+a", 0 },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(valid_hex_token(cases[i].in, 1, SIZE_MAX) == cases[i].ok,
		    "epoch \"%s\"", cases[i].in);
}
END_TEST

/* ---- the status workflow ---- */

START_TEST(test_set_status)
{
	struct db_admin_event *ev;
	int from;
	size_t n;
	int64_t id, now = time(NULL);
	struct json_object *j;
	struct buf text;

	id = add_order(1, 1, "pending", 8999, now);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    ORDER_PROCESSING, now, &from), DB_OK);
	ck_assert_int_eq(from, ORDER_PENDING);
	ck_assert_int_eq(db_admin_order_events(app.db, id, &ev, &n), DB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ev[1].type, "order_updated");
	buf_init(&text);
	feed_event_text(&text, &ev[1]);
	j = parse_object(buf_str(&text));
	buf_free(&text);
	ck_assert_str_eq(json_object_get_string(get(j, "from")), "pending");
	ck_assert_str_eq(json_object_get_string(get(j, "to")), "processing");
	ck_assert_str_eq(json_object_get_string(get(get(j, "order"), "status")), "processing");
	json_object_put(j);
	db_admin_events_free(ev, n);

	/* Refused transitions write nothing. */
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    ORDER_PENDING, now, &from), DB_CONFLICT);
	ck_assert_int_eq(from, ORDER_PROCESSING);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    ORDER_PROCESSING, now, &from), DB_CONFLICT);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    99, now, &from), DB_CONFLICT);
	ck_assert_int_eq(one_int("SELECT count(*) FROM order_events"), 2);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    ORDER_COMPLETED, now, &from), DB_OK);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000001",
	    ORDER_CANCELLED, now, &from), DB_CONFLICT);
	ck_assert_int_eq(from, ORDER_COMPLETED);
	ck_assert_int_eq(one_int("SELECT count(*) FROM order_events"), 3);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-999999",
	    ORDER_PROCESSING, now, &from), DB_NOTFOUND);
}
END_TEST

START_TEST(test_cancel_restores_stock)
{
	char *sql;
	int from;
	int64_t id, now = time(NULL);
	int inserted;

	ck_assert_int_eq(db_seed_demo(app.db, &inserted), DB_OK);
	id = add_order(1, 2, "pending", 3*1290 + 1600, now);
	/* Two lines of one product and one of another, as checkout took them. */
	sql = unit_sqlf("INSERT INTO order_items (order_id, product_id, sku, name, "
	    "unit_price_cents, qty) SELECT %lld, id, sku, name, price_cents, 2 FROM products "
	    "WHERE sku = 'COF-ESP-250' UNION ALL SELECT %lld, id, sku, name, price_cents, 1 "
	    "FROM products WHERE sku = 'COF-ESP-250' UNION ALL SELECT %lld, id, sku, name, "
	    "price_cents, 1 FROM products WHERE sku = 'MUG-STO-350'", (long long)id,
	    (long long)id, (long long)id);
	exec_ok(sql);
	unit_sql_free(sql);
	exec_ok("UPDATE products SET stock = stock - 3 WHERE sku = 'COF-ESP-250'");
	exec_ok("UPDATE products SET stock = stock - 1 WHERE sku = 'MUG-STO-350'");
	ck_assert_int_eq(one_int("SELECT stock FROM products WHERE sku = 'COF-ESP-250'"), 37);

	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000002",
	    ORDER_CANCELLED, now, &from), DB_OK);
	ck_assert_int_eq(one_int("SELECT stock FROM products WHERE sku = 'COF-ESP-250'"), 40);
	ck_assert_int_eq(one_int("SELECT stock FROM products WHERE sku = 'MUG-STO-350'"), 18);
	ck_assert_int_eq(one_int("SELECT stock FROM products WHERE sku = 'TEA-EGR-100'"), 30);
	ck_assert_int_eq(one_int("SELECT count(*) FROM order_events WHERE type = 'order_cancelled'"), 1);
	/* Cancelled is final: no second restock. */
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000002",
	    ORDER_CANCELLED, now, &from), DB_CONFLICT);
	ck_assert_int_eq(one_int("SELECT stock FROM products WHERE sku = 'COF-ESP-250'"), 40);
}
END_TEST

/* ---- the feed ---- */

START_TEST(test_feed_head_without_cursor)
{
	struct answer r;
	char etag[128];

	r = ask(0, 0, 0, NULL, NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(get_int(r.body, "cursor"), 0);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 0);
	ck_assert_str_eq(json_object_get_string(get(r.body, "epoch")), db_epoch(app.db));
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "more")), 0);
	ck_assert_int_eq(get_int(r.body, "poll_ms"), 5000);
	json_object_put(r.body);

	add_order(1, 1, "pending", 100, time(NULL));
	add_order(1, 2, "pending", 100, time(NULL));
	r = ask(0, 0, 0, NULL, NULL);
	ck_assert_int_eq(get_int(r.body, "cursor"), 2);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 0);
	snprintf(etag, sizeof etag, "\"%s-all-2\"", db_epoch(app.db));
	ck_assert_str_eq(r.etag, etag);
	json_object_put(r.body);
}
END_TEST

START_TEST(test_feed_one_event_snapshot)
{
	struct answer r;
	struct json_object *e, *o;

	add_order(1, 7, "pending", 8999, 1795280584);
	/* The feed reads the snapshot, never the orders table. */
	exec_ok("UPDATE orders SET customer_name = 'changed later', total_cents = 1");
	r = ask(0, 1, 0, db_epoch(app.db), NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 1);
	e = json_object_array_get_idx(get(r.body, "events"), 0);
	ck_assert_int_eq(get_int(e, "id"), 1);
	ck_assert_str_eq(json_object_get_string(get(e, "type")), "order_created");
	ck_assert_ptr_nonnull(get(e, "at"));
	ck_assert_ptr_null(get(e, "from"));
	o = get(e, "order");
	ck_assert_str_eq(json_object_get_string(get(o, "number")), "CMD-20261121-000007");
	ck_assert_str_eq(json_object_get_string(get(o, "status")), "pending");
	ck_assert_int_eq(get_int(o, "total_cents"), 8999);
	ck_assert_str_eq(json_object_get_string(get(o, "currency")), "EUR");
	ck_assert_str_eq(json_object_get_string(get(o, "customer_name")), "Ana 7");
	ck_assert_int_eq(get_int(o, "items_count"), 2);
	ck_assert_str_eq(json_object_get_string(get(o, "created_at")), "2026-11-21T17:03:04Z");
	ck_assert_int_eq(get_int(r.body, "cursor"), 1);
	json_object_put(r.body);
}
END_TEST

START_TEST(test_feed_limit_and_more)
{
	struct answer r;
	struct json_object *events;
	int64_t i, cursor;

	ck_assert_int_eq(db_begin(app.db), DB_OK);
	for (i = 1; i <= 150; i++)
		add_order(1, (int)i, "pending", 100, time(NULL));
	ck_assert_int_eq(db_commit(app.db), DB_OK);
	r = ask(0, 1, 0, NULL, NULL);
	events = get(r.body, "events");
	ck_assert_uint_eq(json_object_array_length(events), 100);
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "more")), 1);
	for (i = 0; i < 100; i++)	/* oldest first, no gap */
		ck_assert_int_eq(get_int(json_object_array_get_idx(events, (size_t)i), "id"), i + 1);
	cursor = get_int(r.body, "cursor");
	ck_assert_int_eq(cursor, 100);
	json_object_put(r.body);

	r = ask(0, 1, cursor, NULL, NULL);
	events = get(r.body, "events");
	ck_assert_uint_eq(json_object_array_length(events), 50);
	ck_assert_int_eq(get_int(json_object_array_get_idx(events, 0), "id"), 101);
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "more")), 0);
	ck_assert_int_eq(get_int(r.body, "cursor"), 150);
	json_object_put(r.body);

	/* Exactly 100 left: no "more". */
	r = ask(0, 1, 50, NULL, NULL);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 100);
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "more")), 0);
	json_object_put(r.body);
}
END_TEST

START_TEST(test_feed_304_and_reset)
{
	struct answer r, again;
	char etag[128];

	add_order(1, 1, "pending", 100, time(NULL));
	r = ask(0, 1, 0, NULL, NULL);
	snprintf(etag, sizeof etag, "%s", r.etag);
	json_object_put(r.body);

	/* At the head, with the head's tag: 304, no body. */
	again = ask(0, 1, 1, db_epoch(app.db), etag);
	ck_assert_int_eq(again.status, 304);
	ck_assert_ptr_null(again.body);
	/* Weak form and lists match too (RFC 7232 weak comparison). */
	{
		char list[300];

		snprintf(list, sizeof list, "\"nope\", W/%s", etag);
		again = ask(0, 1, 1, NULL, list);
		ck_assert_int_eq(again.status, 304);
	}
	/* At the head without the tag: an empty 200. */
	again = ask(0, 1, 1, NULL, NULL);
	ck_assert_int_eq(again.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(again.body, "events")), 0);
	json_object_put(again.body);
	/* Behind the head with the head's tag: the events, never a 304. */
	again = ask(0, 1, 0, NULL, etag);
	ck_assert_int_eq(again.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(again.body, "events")), 1);
	json_object_put(again.body);
	/* A new event changes the tag: the old one no longer matches. */
	add_order(1, 2, "pending", 100, time(NULL));
	again = ask(0, 1, 1, NULL, etag);
	ck_assert_int_eq(again.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(again.body, "events")), 1);
	ck_assert_str_ne(again.etag, etag);
	json_object_put(again.body);

	/* Ahead of the head, or another database: reset to the head. */
	again = ask(0, 1, 99, NULL, NULL);
	ck_assert_int_eq(json_object_get_boolean(get(again.body, "reset")), 1);
	ck_assert_int_eq(get_int(again.body, "cursor"), 2);
	ck_assert_ptr_null(get(again.body, "events"));
	json_object_put(again.body);
	again = ask(0, 1, 1, "0123456789abcdef0123456789abcdef", NULL);
	ck_assert_int_eq(json_object_get_boolean(get(again.body, "reset")), 1);
	ck_assert_str_eq(json_object_get_string(get(again.body, "epoch")), db_epoch(app.db));
	json_object_put(again.body);

	/* Older than the oldest kept event (were events ever pruned): reset. */
	exec_ok("DELETE FROM order_events WHERE id = 1");
	add_order(1, 3, "pending", 100, time(NULL));
	add_order(1, 4, "pending", 100, time(NULL));
	exec_ok("DELETE FROM order_events WHERE id = 2");
	again = ask(0, 1, 0, NULL, NULL);
	ck_assert_int_eq(json_object_get_boolean(get(again.body, "reset")), 1);
	ck_assert_int_eq(get_int(again.body, "cursor"), 4);
	json_object_put(again.body);
	again = ask(0, 1, 2, NULL, NULL);	/* = oldest - 1: still known */
	ck_assert_ptr_null(get(again.body, "reset"));
	ck_assert_uint_eq(json_object_array_length(get(again.body, "events")), 2);
	json_object_put(again.body);
}
END_TEST

START_TEST(test_feed_store_scope)
{
	struct answer r;
	struct json_object *events;
	int64_t big;
	size_t i;

	exec_ok("INSERT INTO stores (id, slug, name) VALUES (2, 'lyon', 'Lyon')");
	add_order(1, 1, "pending", 100, time(NULL));	/* event 1 */
	add_order(2, 2, "pending", 200, time(NULL));	/* event 2 */
	add_order(1, 3, "pending", 300, time(NULL));	/* event 3 */
	add_order(2, 4, "pending", 400, time(NULL));	/* event 4 */
	add_order(1, 5, "pending", 500, time(NULL));	/* event 5 */

	r = ask(2, 1, 0, NULL, NULL);
	events = get(r.body, "events");
	ck_assert_uint_eq(json_object_array_length(events), 2);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(get_int(get(json_object_array_get_idx(events, i), "order"),
		    "total_cents") % 200, 0);
	ck_assert_int_eq(get_int(r.body, "cursor"), 4);
	ck_assert_ptr_nonnull(strstr(r.etag, "-s2-4\""));
	json_object_put(r.body);

	/* The store's head is its own: 4, so cursor 5 is ahead of it for store 2. */
	r = ask(2, 1, 5, NULL, NULL);
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "reset")), 1);
	ck_assert_int_eq(get_int(r.body, "cursor"), 4);
	json_object_put(r.body);

	/* A cursor past int64_t, as valid_cursor holds it, is ahead too. */
	ck_assert_int_eq(valid_cursor("99999999999999999999999", &big), 1);
	r = ask(2, 1, big, NULL, NULL);
	ck_assert_int_eq(json_object_get_boolean(get(r.body, "reset")), 1);
	ck_assert_int_eq(get_int(r.body, "cursor"), 4);
	json_object_put(r.body);

	r = ask(1, 1, 0, NULL, NULL);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 3);
	ck_assert_int_eq(get_int(r.body, "cursor"), 5);
	json_object_put(r.body);

	r = ask(0, 1, 0, NULL, NULL);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 5);
	json_object_put(r.body);

	/* Another store's order is not found by a store-scoped lookup or change. */
	{
		struct order o;
		int from;

		ck_assert_int_eq(db_order_get(app.db, 2, "CMD-20261121-000001", 0, &o), DB_NOTFOUND);
		ck_assert_int_eq(db_order_get(app.db, 1, "CMD-20261121-000001", 0, &o), DB_OK);
		order_clear(&o);
		ck_assert_int_eq(db_order_set_status(app.db, 2, "CMD-20261121-000001",
		    ORDER_PROCESSING, time(NULL), &from), DB_NOTFOUND);
		ck_assert_int_eq(one_int("SELECT count(*) FROM order_events"), 5);
	}
	/* Lists and counts, scoped. */
	{
		struct db_order_filter f = { .store_id = 2, .status = -1, .limit = 50 };
		struct order *v;
		int64_t counts[ORDER_NSTATUS];
		size_t n;

		ck_assert_int_eq(db_orders_list(app.db, &f, &v, &n), DB_OK);
		ck_assert_uint_eq(n, 2);
		ck_assert_str_eq(v[0].number, "CMD-20261121-000004");	/* newest first */
		ck_assert_str_eq(v[0].store_name, "Lyon");
		order_free_all(v, n);
		ck_assert_int_eq(db_orders_count(app.db, 2, counts), DB_OK);
		ck_assert_int_eq(counts[0], 2);
		ck_assert_int_eq(db_orders_count(app.db, 0, counts), DB_OK);
		ck_assert_int_eq(counts[0], 5);
	}
}
END_TEST

static struct unit_trace trace;

START_TEST(test_feed_304_costs_no_query)
{
	struct db_version v;
	struct feed_query q;
	struct feed_reply fr;
	struct answer r;
	struct buf text;
	char etag[128];

	add_order(1, 1, "pending", 100, time(NULL));
	r = ask(0, 1, 0, NULL, NULL);	/* warms the head cache */
	snprintf(etag, sizeof etag, "%s", r.etag);
	json_object_put(r.body);

	unit_trace_start(app.db, &trace);
	version(&v);
	ck_assert_int_eq(trace.n, 1);
	ck_assert_str_eq(trace.last, unit_data_version_sql(app.db));
	memset(&q, 0, sizeof q);
	q.has_cursor = 1;
	q.cursor = 1;
	q.if_none_match = etag;
	trace.n = 0;
	buf_init(&text);
	ck_assert_int_eq(feed_answer(&app, 0, &v, &q, &text, &fr), DB_OK);
	ck_assert_int_eq(fr.status, 304);
	ck_assert_uint_eq(text.len, 0);
	buf_free(&text);
	ck_assert_msg(trace.n == 0, "a cached 304 ran %d statements (last: %s)", trace.n, trace.last);

	/* Our own write (data_version does not see it) invalidates the cache. */
	unit_trace_stop(app.db);
	add_order(1, 2, "pending", 100, time(NULL));
	r = ask(0, 1, 1, NULL, etag);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 1);
	json_object_put(r.body);
	ck_assert_uint_gt(app.feed->misses, 1);
}
END_TEST

START_TEST(test_feed_sees_other_connections)
{
	struct answer r;
	char etag[128];
	struct db *other;

	add_order(1, 1, "pending", 100, time(NULL));
	r = ask(0, 1, 0, NULL, NULL);
	snprintf(etag, sizeof etag, "%s", r.etag);
	json_object_put(r.body);
	r = ask(0, 1, 1, NULL, etag);
	ck_assert_int_eq(r.status, 304);

	/* Another process commits an order: data_version moves, the cache follows. */
	other = unit_db_other(path);
	unit_sql(other,
	    "INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, "
	    "currency, items_count, access_token, created_at, updated_at) VALUES (1, "
	    "'CMD-20261121-OTHER1', 'pending', 'Bo', 'bo@example.com', 5, 'EUR', 1, 't', 1, 1);"
	    "INSERT INTO order_events (store_id, order_id, type, payload, created_at) "
	    "SELECT 1, id, 'order_created', '{\"order\":{\"number\":\"' || number || "
	    "'\",\"status\":\"' || status || '\"}}', 1 FROM orders "
	    "WHERE number = 'CMD-20261121-OTHER1';");
	db_close(other);
	r = ask(0, 1, 1, NULL, etag);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_object_array_length(get(r.body, "events")), 1);
	json_object_put(r.body);
}
END_TEST

/* wait=S: absent, 0, or long-poll off answer now; else S clamped to wait_max. */
START_TEST(test_wait_secs)
{
	ck_assert_int_eq(feed_wait_secs(0, 0, 25), 0);		/* absent */
	ck_assert_int_eq(feed_wait_secs(0, 10, 25), 0);		/* absent, whatever num holds */
	ck_assert_int_eq(feed_wait_secs(1, 0, 25), 0);
	ck_assert_int_eq(feed_wait_secs(1, 1, 25), 1);
	ck_assert_int_eq(feed_wait_secs(1, 24, 25), 24);
	ck_assert_int_eq(feed_wait_secs(1, 25, 25), 25);
	ck_assert_int_eq(feed_wait_secs(1, 26, 25), 25);
	ck_assert_int_eq(feed_wait_secs(1, 3600, 25), 25);
	ck_assert_int_eq(feed_wait_secs(1, INT64_MAX, 25), 25);	/* any number of digits */
	ck_assert_int_eq(feed_wait_secs(1, INT64_MAX, 300), 300);
	ck_assert_int_eq(feed_wait_secs(1, 1, 300), 1);
	ck_assert_int_eq(feed_wait_secs(1, 1, 0), 0);		/* long-poll off */
	ck_assert_int_eq(feed_wait_secs(1, 25, 0), 0);
	ck_assert_int_eq(feed_wait_secs(1, INT64_MAX, 0), 0);
	ck_assert_int_eq(feed_wait_secs(1, -1, 25), 0);		/* never given by the parser */
}
END_TEST

/* Waits (at most 10 s) until feed_watch_changed says so, sleeping on fd when there is one. */
static int
await_watch_change(int fd)
{
	int64_t end = util_now_ms() + 10000;
	struct pollfd pf;

	for (;;) {
		if (feed_watch_changed(&app) > 0)
			return 1;
		if (util_now_ms() >= end)
			return 0;
		if (fd >= 0) {
			pf.fd = fd;
			pf.events = POLLIN;
			pf.revents = 0;
			(void)poll(&pf, 1, 100);
		} else
			usleep(10000);
	}
}

/*
 * The long-poll watcher's questions (serve.c's hooks): an event another
 * connection commits is seen as a change (SQLite: data_version; PostgreSQL:
 * the notification on the descriptor), moves its store's head and the
 * all-stores head, and leaves another store's head where it was.
 */
START_TEST(test_watch_sees_other_connections)
{
	struct db *other;
	int64_t h1, h2, hall, n;
	int fd;

	exec_ok("INSERT INTO stores (id, slug, name) VALUES (2, 'lyon', 'Lyon')");
	add_order(1, 1, "pending", 100, time(NULL));
	add_order(2, 2, "pending", 200, time(NULL));
	fd = feed_watch_fd(&app);
	ck_assert_int_eq(fd >= 0, unit_pg());	/* SQLite has no descriptor: the watcher ticks */
	(void)feed_watch_changed(&app);		/* the first answer may be 1 */
	ck_assert_int_eq(feed_watch_changed(&app), 0);
	ck_assert_int_eq(feed_watch_head(&app, 1, &h1), 0);
	ck_assert_int_eq(feed_watch_head(&app, 2, &h2), 0);
	ck_assert_int_eq(feed_watch_head(&app, DB_ALL_STORES, &hall), 0);
	ck_assert_int_gt(h1, 0);
	ck_assert_int_gt(h2, 0);
	ck_assert_int_eq(hall, h1 > h2 ? h1 : h2);

	other = unit_db_other(path);
	unit_sql(other,
	    "INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, "
	    "currency, items_count, access_token, created_at, updated_at) VALUES (1, "
	    "'CMD-20261121-OTHER1', 'pending', 'Bo', 'bo@example.com', 5, 'EUR', 1, 't', 1, 1);"
	    "INSERT INTO order_events (store_id, order_id, type, payload, created_at) "
	    "SELECT 1, id, 'order_created', '{\"order\":{\"number\":\"' || number || "
	    "'\",\"status\":\"' || status || '\"}}', 1 FROM orders "
	    "WHERE number = 'CMD-20261121-OTHER1';");
	db_close(other);

	ck_assert_msg(await_watch_change(fd), "another connection's event was not seen");
	ck_assert_int_eq(feed_watch_head(&app, 1, &n), 0);
	ck_assert_int_gt(n, h1);
	ck_assert_int_eq(feed_watch_head(&app, DB_ALL_STORES, &n), 0);
	ck_assert_int_gt(n, hall);
	ck_assert_int_eq(feed_watch_head(&app, 2, &n), 0);
	ck_assert_int_eq(n, h2);
	ck_assert_int_eq(feed_watch_changed(&app), 0);	/* nothing since */
}
END_TEST

/* ---- stats ---- */

/* The number add_order gives order n. */
static const char *
num(int n)
{
	static char b[4][32];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof b[k], "CMD-20261121-%06d", n);
	return b[k];
}

/* A payment of amount on order n of store, taken (and completed when complete) at t; its id. */
static int64_t
pay(int64_t store, int n, int64_t amount, int complete, int64_t t)
{
	struct db_payment_outcome o;

	ck_assert_int_eq(db_payment_take(app.db, store, num(n), amount, PAYMENT_CASH, 0,
	    complete, 0, t, &o), DB_OK);
	return o.payment.id;
}

/* Does action to payment id of order n of store at t. */
static void
act(int64_t store, int n, int64_t id, enum payment_action action, int64_t t)
{
	struct db_payment_outcome o;

	ck_assert_int_eq(db_payment_act(app.db, store, num(n), id, action, t, &o), DB_OK);
}

/* A line of qty × price cents of sku on order id. */
static void
add_item(int64_t order_id, const char *sku, int qty, int64_t price)
{
	char *sql = unit_sqlf("INSERT INTO order_items (order_id, sku, name, "
	    "unit_price_cents, qty) VALUES (%lld, %Q, 'Name ' || %Q, %lld, %d)",
	    (long long)order_id, sku, sku, (long long)price, qty);

	exec_ok(sql);
	unit_sql_free(sql);
}

/* A product of store with its stock, threshold and active flag. */
static void
add_product(int64_t store, const char *sku, int64_t stock, int64_t low, int active)
{
	char *sql = unit_sqlf("INSERT INTO products (store_id, sku, name, price_cents, "
	    "stock, low_stock_at, active) VALUES (%lld, %Q, 'P ' || %Q, 100, %lld, %lld, %d)",
	    (long long)store, sku, sku, (long long)stock, (long long)low, active);

	exec_ok(sql);
	unit_sql_free(sql);
}

/* The stats of scope store at t, asserted to exist. Caller puts it. */
static struct json_object *
stats_of(int64_t store, const char *lang, time_t t)
{
	struct auth_session s;
	struct json_object *m;

	memset(&s, 0, sizeof s);
	s.row.store_id = store;
	snprintf(s.row.role, sizeof s.row.role, "admin");
	m = feed_stats_model(&app, &s, lang, t);
	ck_assert_ptr_nonnull(m);
	return m;
}

START_TEST(test_stats)
{
	struct auth_session s;
	struct json_object *m, *today, *hours;
	const time_t now = 1795280584;	/* 2026-11-21T17:03:04Z */
	char *sql;
	int from;
	int64_t sum = 0;
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	add_order(1, 1, "pending", 1000, now);
	add_order(1, 2, "pending", 2000, now - 60);
	add_order(1, 3, "pending", 4000, now - 3600);		/* 16:03, the hour before */
	add_order(1, 4, "pending", 8000, now - 3 * 86400);	/* not today, not in 24 h */
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000002",
	    ORDER_CANCELLED, now, &from), DB_OK);
	ck_assert_int_eq(db_order_set_status(app.db, 0, "CMD-20261121-000003",
	    ORDER_PROCESSING, now, &from), DB_OK);
	/* One admin session that polled 10 s ago, 100 polls so far. */
	exec_ok("INSERT INTO users (id, email, password_hash, role, created_at) "
	    "VALUES (1, 'a@example.com', 'x', 'admin', 0)");
	sql = unit_sqlf("INSERT INTO sessions (token_hash, user_id, csrf_token, "
	    "created_at, expires_at, last_seen_at, last_poll_at, polls) VALUES "
	    "('h1', 1, 'c', 0, %lld, 0, %lld, 100)", (long long)now + 3600, (long long)now - 10);
	exec_ok(sql);
	unit_sql_free(sql);

	memset(&s, 0, sizeof s);
	m = feed_stats_model(&app, &s, "en", now);
	ck_assert_ptr_nonnull(m);
	today = get(m, "today");
	ck_assert_int_eq(get_int(today, "orders"), 3);
	ck_assert_int_eq(get_int(today, "cancelled"), 1);
	/* no payment taken: order totals are not takings (v2) */
	ck_assert_int_eq(get_int(today, "revenue_cents"), 0);
	ck_assert_str_eq(json_object_get_string(get(today, "revenue")), "€0.00");
	/* but open orders owe their totals whatever their day; the cancelled one nothing */
	ck_assert_int_eq(get_int(m, "left_to_collect_cents"), 1000 + 4000 + 8000);
	ck_assert_int_eq(get_int(m, "pending"), 2);
	ck_assert_int_eq(get_int(m, "processing"), 1);
	hours = get(m, "orders_per_hour");
	ck_assert_uint_eq(json_object_array_length(hours), 24);
	for (i = 0; i < 24; i++)
		sum += get_int(json_object_array_get_idx(hours, i), "count");
	ck_assert_int_eq(sum, 3);
	ck_assert_int_eq(get_int(json_object_array_get_idx(hours, 23), "count"), 2);
	ck_assert_int_eq(get_int(json_object_array_get_idx(hours, 22), "count"), 1);
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(hours, 23), "hour")),
	    "2026-11-21T17:00:00Z");
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(hours, 0), "label")),
	    "18:00");
	ck_assert_int_eq(get_int(m, "admins_polling"), 1);
	/* No sample a minute old yet: the nominal rate, 1 session x 60000/5000. */
	ck_assert_str_eq(json_object_get_string(get(m, "polls_per_minute_source")), "nominal");
	ck_assert(json_object_get_double(get(m, "polls_per_minute")) > 11.9);
	json_object_put(m);

	/* Two minutes and 60 recorded polls later: measured, 30 a minute. */
	exec_ok("UPDATE sessions SET polls = 160");
	m = feed_stats_model(&app, &s, "en", now + 120);
	ck_assert_str_eq(json_object_get_string(get(m, "polls_per_minute_source")), "measured");
	ck_assert(json_object_get_double(get(m, "polls_per_minute")) > 29.9);
	ck_assert(json_object_get_double(get(m, "polls_per_minute")) < 30.1);
	/* 130 s since the last poll: nobody is watching now. */
	ck_assert_int_eq(get_int(m, "admins_polling"), 0);
	json_object_put(m);

	/* Store 2's staff see store 2 only. */
	exec_ok("INSERT INTO stores (id, slug, name) VALUES (2, 'lyon', 'Lyon')");
	add_order(2, 5, "pending", 700, now);
	s.row.store_id = 2;
	m = feed_stats_model(&app, &s, "fr", now);
	ck_assert_int_eq(get_int(get(m, "today"), "orders"), 1);
	ck_assert_int_eq(get_int(m, "pending"), 1);
	ck_assert_str_eq(json_object_get_string(get(m, "left_to_collect")), "7,00\u00a0€");
	json_object_put(m);
}
END_TEST

/*
 * Takings are money taken: payments by the day they completed, refunds by
 * the day they were refunded, never order totals; left to collect is what
 * open orders still owe; best sellers and low stock of the scope only.
 */
START_TEST(test_stats_takings)
{
	struct json_object *m, *v, *x;
	const time_t now = 1795280584;		/* Saturday 2026-11-21T17:03:04Z */
	const int64_t day = 1795219200;		/* 2026-11-21T00:00:00Z */
	int64_t id, o1, o2, o7, o8;

	setenv("TZ", "UTC", 1);
	tzset();
	exec_ok("INSERT INTO stores (id, slug, name) VALUES (2, 'lyon', 'Lyon')");
	o1 = add_order(1, 1, "pending", 5000, now - 100);
	pay(1, 1, 2000, 1, now);			/* completed today: counts */
	o2 = add_order(1, 2, "pending", 3000, now - 200);
	pay(1, 2, 1000, 0, now);			/* pending: does not count */
	id = pay(1, 2, 500, 0, now);
	act(1, 2, id, PAYMENT_VOID, now);		/* voided: does not count */
	add_order(1, 3, "pending", 1200, day - 3600);
	id = pay(1, 3, 1200, 1, day - 1800);		/* completed yesterday... */
	act(1, 3, id, PAYMENT_REFUND, now - 10);	/* ...refunded today: today only */
	add_order(1, 4, "pending", 1500, now - 50);
	id = pay(1, 4, 1500, 1, now - 40);
	act(1, 4, id, PAYMENT_REFUND, now - 30);	/* both today: nets to nothing */
	add_order(2, 5, "pending", 9999, now);
	pay(2, 5, 9999, 1, now);			/* another store's */
	add_order(2, 6, "pending", 1000, now);
	exec_ok("UPDATE orders SET currency = 'GBP' WHERE number = 'CMD-20261121-000006'");
	pay(2, 6, 777, 1, now);				/* pence: never added to euros */
	o7 = add_order(1, 7, "pending", 2500, day - 3 * 86400);
	pay(1, 7, 2500, 1, day - 3 * 86400 + 60);	/* Wednesday: this week only */
	o8 = add_order(1, 8, "cancelled", 800, now);	/* owes nothing */
	add_order(1, 11, "pending", 700, day - 6 * 86400);
	pay(1, 11, 700, 1, day - 5 * 86400 - 1);	/* Sunday 23:59:59: last week's */
	add_order(1, 12, "pending", 300, day - 6 * 86400);
	pay(1, 12, 300, 1, day - 5 * 86400);		/* Monday 00:00:00: this week's */
	id = add_order(1, 9, "completed", 10000, day - 6 * 86400);	/* last week */

	add_item(o1, "A", 3, 500);
	add_item(o1, "B", 1, 3500);
	add_item(o2, "B", 2, 1500);
	add_item(o7, "C", 1, 2500);
	add_item(o8, "A", 50, 16);			/* cancelled: not a sale */
	add_item(id, "C", 10, 1000);			/* last week: not this week's */
	add_item(add_order(2, 10, "pending", 90, now), "D", 9, 10);

	add_product(1, "P1", 0, 5, 1);
	add_product(1, "P2", 3, 5, 1);
	add_product(1, "P3", 10, 5, 1);			/* above: not low */
	add_product(1, "P4", 5, 5, 1);			/* at the threshold: low */
	add_product(1, "P5", 0, 5, 0);			/* inactive */
	add_product(2, "Q1", 0, 5, 1);			/* another store's */

	m = stats_of(1, "en", now);
	v = get(m, "today");
	ck_assert_int_eq(get_int(v, "takings_cents"), 2000 - 1200);
	ck_assert_int_eq(get_int(v, "revenue_cents"), 2000 - 1200);
	ck_assert_str_eq(json_object_get_string(get(v, "takings")), "€8.00");
	ck_assert_str_eq(json_object_get_string(get(v, "revenue")), "€8.00");
	ck_assert_int_eq(get_int(get(m, "week"), "takings_cents"),
	    2000 + 1200 + 1500 + 2500 + 300 - 1200 - 1500);
	ck_assert_str_eq(json_object_get_string(get(get(m, "week"), "since")),
	    "2026-11-16T00:00:00Z");
	/* 5000 - 2000 on order 1, 3000 on order 2 (a pending payment is not money) */
	ck_assert_int_eq(get_int(m, "left_to_collect_cents"), 3000 + 3000);
	ck_assert_str_eq(json_object_get_string(get(m, "left_to_collect")), "€60.00");
	v = get(m, "best_sellers");
	ck_assert_uint_eq(json_object_array_length(v), 3);
	x = json_object_array_get_idx(v, 0);		/* 3 of B and 3 of A: B's amount is larger */
	ck_assert_str_eq(json_object_get_string(get(x, "sku")), "B");
	ck_assert_int_eq(get_int(x, "qty"), 3);
	ck_assert_int_eq(get_int(x, "amount_cents"), 3500 + 2 * 1500);
	x = json_object_array_get_idx(v, 1);
	ck_assert_str_eq(json_object_get_string(get(x, "sku")), "A");
	ck_assert_int_eq(get_int(x, "qty"), 3);
	x = json_object_array_get_idx(v, 2);
	ck_assert_str_eq(json_object_get_string(get(x, "sku")), "C");
	ck_assert_int_eq(get_int(x, "qty"), 1);
	v = get(m, "low_stock");
	ck_assert_uint_eq(json_object_array_length(v), 3);
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(v, 0), "sku")), "P1");
	ck_assert(json_object_get_boolean(get(json_object_array_get_idx(v, 0), "out")));
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(v, 1), "sku")), "P2");
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(v, 2), "sku")), "P4");
	ck_assert(!json_object_get_boolean(get(json_object_array_get_idx(v, 2), "out")));
	/* an admin may run the catalog: each product links to its page */
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(v, 0), "url", NULL));
	json_object_put(m);

	/* Tomorrow: yesterday's refund is no longer today's. */
	m = stats_of(1, "en", now + 86400);
	ck_assert_int_eq(get_int(get(m, "today"), "takings_cents"), 0);
	json_object_put(m);

	/* Store 2: its own euros only. */
	m = stats_of(2, "fr", now);
	ck_assert_int_eq(get_int(get(m, "today"), "takings_cents"), 9999);
	ck_assert_int_eq(get_int(m, "left_to_collect_cents"), 90);
	ck_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(
	    get(m, "best_sellers"), 0), "sku")), "D");
	ck_assert_uint_eq(json_object_array_length(get(m, "low_stock")), 1);
	json_object_put(m);

	/* Every store, in the default store's currency: the euros of both, no pence. */
	m = stats_of(0, "en", now);
	ck_assert_int_eq(get_int(get(m, "today"), "takings_cents"), 800 + 9999);
	ck_assert_int_eq(get_int(m, "left_to_collect_cents"), 6000 + 90);
	json_object_put(m);

	/* The week starts on the store's Monday: in Paris, an hour before UTC's. */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	m = stats_of(1, "en", now);
	ck_assert_str_eq(json_object_get_string(get(get(m, "week"), "since")),
	    "2026-11-15T23:00:00Z");
	json_object_put(m);
	setenv("TZ", "UTC", 1);
	tzset();

	/* A staff member of store 1 sees no link to the catalog. */
	{
		struct auth_session s;

		memset(&s, 0, sizeof s);
		s.row.store_id = 1;
		snprintf(s.row.role, sizeof s.row.role, "staff");
		m = feed_stats_model(&app, &s, "en", now);
		ck_assert_ptr_nonnull(m);
		ck_assert(!json_object_object_get_ex(json_object_array_get_idx(
		    get(m, "low_stock"), 0), "url", NULL));
		json_object_put(m);
	}
}
END_TEST

/* The text writer: stored payloads spliced or refused, strings escaped, always valid JSON. */
START_TEST(test_event_text)
{
	static const struct {
		const char	*type;
		const char	*payload;	/* NULL: none */
		const char	*want;		/* exact text after "at" */
	} cases[] = {
		{ "order_created", "{\"order\":{\"number\":\"CMD-1\",\"total_cents\":5}}",
		  "\"order\":{\"number\":\"CMD-1\",\"total_cents\":5}}" },
		{ "order_updated", "{\"order\":{\"status\":\"processing\"},\"from\":\"pending\","
		  "\"to\":\"processing\"}",
		  "\"order\":{\"status\":\"processing\"},\"from\":\"pending\",\"to\":\"processing\"}" },
		{ "order_created", "{\"order\":{\"customer_name\":\"A \\\"q\\\" \\\\ \\u0001 é/\"}}",
		  "\"order\":{\"customer_name\":\"A \\\"q\\\" \\\\ \\u0001 é/\"}}" },
		{ "order_created", NULL, "\"order\":null}" },
		{ "order_created", "", "\"order\":null}" },
		{ "order_created", "{}", "\"order\":null}" },
		{ "order_created", "{ }", "\"order\":null}" },
		{ "order_created", "[1,2]", "\"order\":null}" },
		{ "odd\"type\\\n\x01", "{\"order\":{}}", "\"order\":{}}" },
	};
	struct db_admin_event ev;
	struct json_object *o, *v;
	struct buf b;
	const char *text;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		memset(&ev, 0, sizeof ev);
		ev.id = 42 + (int64_t)i;
		snprintf(ev.type, sizeof ev.type, "%s", cases[i].type);
		ev.created_at = 1795280584;
		ev.payload = (char *)cases[i].payload;
		buf_init(&b);
		feed_event_text(&b, &ev);
		text = buf_str(&b);
		ck_assert_msg(strstr(text, "\"at\":\"2026-11-21T17:03:04Z\",") != NULL, "%s", text);
		ck_assert_str_eq(strstr(text, "\"at\":\"2026-11-21T17:03:04Z\",") +
		    strlen("\"at\":\"2026-11-21T17:03:04Z\","), cases[i].want);
		o = parse_object(text);
		ck_assert_int_eq(get_int(o, "id"), 42 + (int64_t)i);
		ck_assert_str_eq(json_object_get_string(get(o, "type")), cases[i].type);
		ck_assert_str_eq(json_object_get_string(get(o, "at")), "2026-11-21T17:03:04Z");
		ck_assert_msg(json_object_object_get_ex(o, "order", &v), "no order: %s", text);
		json_object_put(o);
		buf_free(&b);
	}
	/* Every control character and the two that must be escaped, in a string. */
	{
		char all[40];
		int c;

		for (c = 1; c < 0x20; c++)
			all[c - 1] = (char)c;
		all[31] = '"';
		all[32] = '\\';
		all[33] = '/';
		all[34] = '\0';
		buf_init(&b);
		buf_puts(&b, "{\"s\":");
		feed_json_string(&b, all);
		buf_putc(&b, '}');
		o = parse_object(buf_str(&b));
		ck_assert_str_eq(json_object_get_string(get(o, "s")), all);
		json_object_put(o);
		buf_free(&b);
	}
}
END_TEST

static Suite *
feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc;

	tc = tcase_create("parsing");
	tcase_add_test(tc, test_cursor_parsing);
	tcase_add_test(tc, test_epoch_parsing);
	tcase_add_test(tc, test_event_text);
	tcase_add_test(tc, test_wait_secs);
	suite_add_tcase(s, tc);

	tc = tcase_create("database");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_set_status);
	tcase_add_test(tc, test_cancel_restores_stock);
	tcase_add_test(tc, test_feed_head_without_cursor);
	tcase_add_test(tc, test_feed_one_event_snapshot);
	tcase_add_test(tc, test_feed_limit_and_more);
	tcase_add_test(tc, test_feed_304_and_reset);
	tcase_add_test(tc, test_feed_store_scope);
	tcase_add_test(tc, test_feed_304_costs_no_query);
	tcase_add_test(tc, test_feed_sees_other_connections);
	tcase_add_test(tc, test_watch_sees_other_connections);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_stats_takings);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(feed_suite)
