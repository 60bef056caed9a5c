/* check_till.c — the till's rules (payment.h), search queries (search.h), and both against the schema: payments' CHECKs, paid_cents, the search indexes and their triggers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_impl.h"	/* the tests reach the connection for direct SQL */
#include "db_orders.h"
#include "db_payments.h"
#include "log.h"
#include "order.h"
#include "payment.h"
#include "search.h"
#include "unit.h"
#include "unit_db.h"

/* ---- payments ---- */

START_TEST(test_names)
{
	int i;

	for (i = 0; i < PAYMENT_NMETHOD; i++)
		ck_assert_int_eq(payment_method_parse(payment_method_name(i)), i);
	for (i = 0; i < PAYMENT_NSTATUS; i++)
		ck_assert_int_eq(payment_status_parse(payment_status_name(i)), i);
	ck_assert_int_eq(payment_method_parse("Cash"), -1);
	ck_assert_int_eq(payment_method_parse("bitcoin"), -1);
	ck_assert_int_eq(payment_method_parse(NULL), -1);
	ck_assert_ptr_null(payment_method_name(PAYMENT_NMETHOD));
	ck_assert_ptr_null(payment_status_name(-1));
}
END_TEST

START_TEST(test_transitions)
{
	/* every cell: from each status, each action */
	ck_assert_int_eq(payment_after(PAYMENT_PENDING, PAYMENT_COMPLETE), PAYMENT_COMPLETED);
	ck_assert_int_eq(payment_after(PAYMENT_PENDING, PAYMENT_VOID), PAYMENT_VOIDED);
	ck_assert_int_eq(payment_after(PAYMENT_PENDING, PAYMENT_REFUND), -1);
	ck_assert_int_eq(payment_after(PAYMENT_COMPLETED, PAYMENT_COMPLETE), -1);
	ck_assert_int_eq(payment_after(PAYMENT_COMPLETED, PAYMENT_VOID), -1);
	ck_assert_int_eq(payment_after(PAYMENT_COMPLETED, PAYMENT_REFUND), PAYMENT_REFUNDED);
	ck_assert_int_eq(payment_after(PAYMENT_VOIDED, PAYMENT_COMPLETE), -1);
	ck_assert_int_eq(payment_after(PAYMENT_VOIDED, PAYMENT_VOID), -1);
	ck_assert_int_eq(payment_after(PAYMENT_VOIDED, PAYMENT_REFUND), -1);
	ck_assert_int_eq(payment_after(PAYMENT_REFUNDED, PAYMENT_COMPLETE), -1);
	ck_assert_int_eq(payment_after(PAYMENT_REFUNDED, PAYMENT_VOID), -1);
	ck_assert_int_eq(payment_after(PAYMENT_REFUNDED, PAYMENT_REFUND), -1);
}
END_TEST

START_TEST(test_balance)
{
	ck_assert_int_eq(payment_balance(2450, 0), 2450);
	ck_assert_int_eq(payment_balance(2450, 1000), 1450);
	ck_assert_int_eq(payment_balance(2450, 2450), 0);
	ck_assert_int_eq(payment_balance(2450, 3000), 0);
	ck_assert_int_eq(payment_open_balance(2450, 1000, 400), 1050);
	ck_assert_int_eq(payment_open_balance(2450, 1000, 1450), 0);
	ck_assert_int_eq(payment_open_balance(2450, 1000, 2000), 0);
	/* partial payments add up; the last one takes exactly the rest */
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 1000, 0, 1450,
	    PAYMENT_CARD, 0), PAYMENT_OK);
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 1000, 0, 1451,
	    PAYMENT_CARD, 0), PAYMENT_OVER);
	/* a pending payment reserves its amount */
	ck_assert_int_eq(payment_check_amount(ORDER_READY, 2450, 0, 2450, 1,
	    PAYMENT_CARD, 0), PAYMENT_OVER);
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 0, 0, 0,
	    PAYMENT_CASH, 0), PAYMENT_ZERO);
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 0, 0, -500,
	    PAYMENT_CASH, 0), PAYMENT_ZERO);
	ck_assert_int_eq(payment_check_amount(ORDER_CANCELLED, 2450, 0, 0, 100,
	    PAYMENT_CASH, 0), PAYMENT_NOT_OPEN);
	ck_assert_int_eq(payment_check_amount(ORDER_COMPLETED, 2450, 0, 0, 100,
	    PAYMENT_CASH, 0), PAYMENT_NOT_OPEN);
	/* cash: what is handed over covers the amount; the change */
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 0, 0, 2450,
	    PAYMENT_CASH, 2000), PAYMENT_TENDERED_SHORT);
	ck_assert_int_eq(payment_check_amount(ORDER_PENDING, 2450, 0, 0, 2450,
	    PAYMENT_CASH, 5000), PAYMENT_OK);
	ck_assert_int_eq(payment_change(2450, 5000), 2550);
	ck_assert_int_eq(payment_change(2450, 0), 0);
	ck_assert_int_eq(payment_change(2450, 2450), 0);
}
END_TEST

START_TEST(test_settle_cancel_badge)
{
	ck_assert(payment_settles(ORDER_PENDING, 2450, 2450));
	ck_assert(payment_settles(ORDER_READY, 2450, 2450));
	ck_assert(!payment_settles(ORDER_PROCESSING, 2450, 2449));
	ck_assert(!payment_settles(ORDER_COMPLETED, 2450, 2450));
	ck_assert(!payment_settles(ORDER_CANCELLED, 2450, 2450));
	ck_assert(payment_cancellable(0));
	ck_assert(!payment_cancellable(1));
	ck_assert_str_eq(payment_badge(2450, 0), "unpaid");
	ck_assert_str_eq(payment_badge(2450, 1), "part");
	ck_assert_str_eq(payment_badge(2450, 2450), "paid");
	ck_assert_str_eq(payment_badge(0, 0), "paid");
}
END_TEST

/* ---- search queries ---- */

static const struct {
	const char		*q;
	enum search_kind	 kind;
	const char		*text;
} queries[] = {
	{ NULL, SEARCH_ALL, NULL },
	{ "", SEARCH_ALL, NULL },
	{ "   ", SEARCH_ALL, NULL },
	{ "cmd-2026", SEARCH_NUMBER, "CMD-2026" },
	{ " CMD-20261130-AB ", SEARCH_NUMBER, "CMD-20261130-AB" },
	{ "06 12 34", SEARCH_PHONE, "\"061234\"" },
	{ "+33 (0)6-12", SEARCH_PHONE, "\"330612\"" },
	{ "061", SEARCH_WORDS, "\"061\"*" },
	{ "elodie", SEARCH_WORDS, "\"elodie\"*" },
	{ "Élodie Dup", SEARCH_WORDS, "\"Élodie\"* \"Dup\"*" },
	{ "elodie@example.fr", SEARCH_WORDS, "\"elodie\"* \"example\"* \"fr\"*" },
	{ "%", SEARCH_NOTHING, NULL },
	{ "_", SEARCH_NOTHING, NULL },
	{ "\"", SEARCH_NOTHING, NULL },
	{ "*", SEARCH_NOTHING, NULL },
	{ "NEAR(", SEARCH_WORDS, "\"NEAR\"*" },
	{ "a OR b", SEARCH_WORDS, "\"a\"* \"OR\"* \"b\"*" },
	{ "x\" OR \"y", SEARCH_WORDS, "\"x\"* \"OR\"* \"y\"*" },
	{ "a b c d e f g h i j", SEARCH_WORDS,
	    "\"a\"* \"b\"* \"c\"* \"d\"* \"e\"* \"f\"* \"g\"* \"h\"*" },
};

START_TEST(test_search_parse)
{
	struct search_query sq;

	search_parse(queries[_i].q, &sq);
	ck_assert_msg(sq.kind == queries[_i].kind, "q \"%s\": kind %d, want %d",
	    queries[_i].q ? queries[_i].q : "(null)", sq.kind, queries[_i].kind);
	if (queries[_i].text == NULL)
		ck_assert_ptr_null(sq.text);
	else
		ck_assert_str_eq(sq.text, queries[_i].text);
	search_query_free(&sq);
}
END_TEST

START_TEST(test_search_long)
{
	struct search_query sq;
	char *q = malloc(10001);

	memset(q, 'a', 10000);
	q[10000] = '\0';
	search_parse(q, &sq);
	ck_assert_int_eq(sq.kind, SEARCH_NOTHING);
	search_query_free(&sq);
	free(q);
}
END_TEST

/* ---- against the schema ---- */

static char dir[64];
static struct db *db;
static struct logger lg;

static void
setup(void)
{
	char path[320];
	struct buf err;

	unit_tmpdir(dir, sizeof dir, "till");
	unit_db_path(path, sizeof path, dir, "test.db", "till");
	log_init(&lg, LOG_ERROR);
	buf_init(&err);
	db = db_open(path, 0, &lg, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
}

static void
teardown(void)
{
	db_close(db);
	unit_rmtree(dir);
}

static void
exec_ok(const char *sql)
{
	unit_sql(db, sql);
}

/* The db_status of running sql (DB_CONFLICT: a constraint refused it). */
static int
exec_rc(const char *sql)
{
	return unit_sql_try(db, sql);
}

/* The ids the query's rows hold in column 0, as "1,3" ("" for none); arg (if not NULL) binds ?1. */
static void
ids_of(const char *sql, const char *arg, char *out, size_t outsz)
{
	struct db_stmt *st = db_stmt_new(db, sql);
	size_t n = 0;
	int rc;

	out[0] = '\0';
	ck_assert_msg(st != NULL, "cannot prepare: %s", sql);
	if (arg != NULL)
		db_bind_text(st, 1, arg);
	while ((rc = db_step(st)) == DB_ROW)
		n += (size_t)snprintf(out + n, outsz - n, "%s%lld", n ? "," : "",
		    (long long)db_col_int64(st, 0));
	db_stmt_free(st);
	ck_assert_msg(rc == DB_DONE, "SQL failed: %s", sql);
}

/* ids_of without a parameter. */
static void
ids(const char *sql, char *out, size_t outsz)
{
	ids_of(sql, NULL, out, outsz);
}

#define ORDER_ROW(id, name, email, phone) \
	"INSERT INTO orders (id, store_id, number, customer_name, email, phone, " \
	"total_cents, currency, access_token, created_at, updated_at) VALUES (" #id \
	", 1, 'CMD-20261130-00000" #id "', '" name "', '" email "', '" phone \
	"', 2450, 'EUR', 't', 0, 0);"

/* The ids (as "1,3") of table's rows matching what search_parse makes of q. */
static void
matched(const char *table, const char *q, char *out, size_t outsz)
{
	struct search_query sq;
	char sql[512];

	search_parse(q, &sq);
	ck_assert_ptr_nonnull(sq.text);
	if (unit_pg()) {
		/*
		 * PostgreSQL has orders' generated columns instead of the FTS5
		 * tables (schema-pg.sql migration 8), read as db_orders.c's
		 * list does from search_query.plain.
		 */
		ck_assert_ptr_nonnull(sq.plain);
		ids_of(strcmp(table, "order_words") == 0 ?
		    "SELECT id FROM orders WHERE search_words @@ to_tsquery('simple', "
		    "(SELECT string_agg(w || ':*', ' & ') FROM regexp_split_to_table("
		    "search_fold(?1), ' ') AS w WHERE w <> '')) ORDER BY id" :
		    "SELECT id FROM orders WHERE phone_digits LIKE '%' || ?1 || '%' ORDER BY id",
		    sq.plain, out, outsz);
		search_query_free(&sq);
		return;
	}
	snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH '%s' ORDER BY rowid",
	    table, table, sq.text);
	search_query_free(&sq);
	ids(sql, out, outsz);
}

START_TEST(test_search_index)
{
	static const struct {
		const char	*table, *q, *want;
	} cases[] = {
		/* words: accents and case folded, prefixes, name and email */
		{ "order_words", "elodie", "1" },
		{ "order_words", "LE", "2" },
		{ "order_words", "ZOE ØRST", "3" },
		{ "order_words", "example", "1,2,3" },
		/* phone digits wherever they stand, whatever the spacing */
		{ "order_phones", "3456", "1" },
		{ "order_phones", "98 76 54", "2" },
		/* FTS syntax typed by a user is plain text */
		{ "order_words", "NEAR( OR \"", "" },
	};
	char got[64];
	size_t i;

	exec_ok(ORDER_ROW(1, "Élodie Martin", "elodie.m@example.fr", "06 12 34 56 78"));
	exec_ok(ORDER_ROW(2, "Léa Dupont", "lea@example.com", "+33 6 98-76-54-32"));
	exec_ok(ORDER_ROW(3, "Zoë Ørsted", "zoe@example.org", ""));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		matched(cases[i].table, cases[i].q, got, sizeof got);
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s ~ \"%s\": \"%s\", want \"%s\"",
		    cases[i].table, cases[i].q, got, cases[i].want);
	}
	/* a deleted order leaves the indexes */
	exec_ok("DELETE FROM orders WHERE id = 1");
	matched("order_words", "elodie", got, sizeof got);
	ck_assert_str_eq(got, "");
	matched("order_phones", "3456", got, sizeof got);
	ck_assert_str_eq(got, "");
}
END_TEST

START_TEST(test_payment_rules)
{
	exec_ok(ORDER_ROW(1, "Ann", "a@x.fr", ""));
	exec_ok("INSERT INTO payments (store_id, order_id, amount_cents, method, status, "
	    "created_at, updated_at) VALUES (1, 1, 100, 'cash', 'pending', 0, 0)");
	ck_assert_int_eq(exec_rc("INSERT INTO payments (store_id, order_id, amount_cents, "
	    "method, created_at, updated_at) VALUES (1, 1, 0, 'cash', 0, 0)"), DB_CONFLICT);
	ck_assert_int_eq(exec_rc("INSERT INTO payments (store_id, order_id, amount_cents, "
	    "method, created_at, updated_at) VALUES (1, 1, 100, 'bitcoin', 0, 0)"),
	    DB_CONFLICT);
	ck_assert_int_eq(exec_rc("INSERT INTO payments (store_id, order_id, amount_cents, "
	    "method, tendered_cents, created_at, updated_at) VALUES (1, 1, 100, 'cash', 50, "
	    "0, 0)"), DB_CONFLICT);
	/* completed needs completed_at; refunded needs both times */
	ck_assert_int_eq(exec_rc("UPDATE payments SET status = 'completed'"), DB_CONFLICT);
	exec_ok("UPDATE payments SET status = 'completed', completed_at = 5");
	ck_assert_int_eq(exec_rc("UPDATE payments SET status = 'refunded'"), DB_CONFLICT);
	exec_ok("UPDATE payments SET status = 'refunded', refunded_at = 6");
	ck_assert_int_eq(exec_rc("UPDATE orders SET paid_cents = -1"), DB_CONFLICT);
}
END_TEST

/* The number of events of type for order 1. */
static int64_t
events(const char *type)
{
	struct db_stmt *st = db_stmt_new(db, "SELECT count(*) FROM order_events "
	    "WHERE order_id = 1 AND type = ?");
	int64_t n;

	ck_assert_ptr_nonnull(st);
	db_bind_text(st, 1, type);
	ck_assert_int_eq(db_step(st), DB_ROW);
	n = db_col_int64(st, 0);
	db_stmt_free(st);
	return n;
}

#define NUM1 "CMD-20261130-000001"

START_TEST(test_take_complete_settle)
{
	struct db_payment_outcome o;
	struct db_payment *v;
	size_t n;

	exec_ok(ORDER_ROW(1, "Ann", "a@x.fr", ""));
	/* two steps: a card terminal's pending payment, then its completion */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 1000, PAYMENT_CARD, 0, 0, 0, 10, &o),
	    DB_OK);
	ck_assert_int_eq(o.payment.status, PAYMENT_PENDING);
	ck_assert_int_eq(o.till.paid_cents, 0);
	ck_assert_int_eq(o.till.pending_cents, 1000);
	ck_assert_int_eq(events("payment_created"), 1);
	/* the pending 10.00 is reserved: 14.51 is more than is open */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 1451, PAYMENT_CASH, 0, 1, 0, 11, &o),
	    DB_CONFLICT);
	ck_assert_int_eq(o.refusal, PAYMENT_OVER);
	ck_assert_int_eq(events("payment_created"), 1);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_COMPLETE, 12, &o), DB_OK);
	ck_assert_int_eq(o.till.paid_cents, 1000);
	ck_assert(!o.settled);
	/* completing twice: the second cashier loses */
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_COMPLETE, 13, &o), DB_CONFLICT);
	/* one step with cash for the rest (amount 0: the open balance) settles the order */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 0, PAYMENT_CASH, 2000, 1, 0, 14, &o),
	    DB_OK);
	ck_assert_int_eq(o.payment.amount_cents, 1450);
	ck_assert_int_eq(o.payment.tendered_cents, 2000);
	ck_assert_int_eq(o.payment.status, PAYMENT_COMPLETED);
	ck_assert(o.settled);
	ck_assert_int_eq(o.till.order_status, ORDER_COMPLETED);
	ck_assert_int_eq(o.till.paid_cents, 2450);
	ck_assert_int_eq(events("payment_completed"), 2);
	ck_assert_int_eq(events("order_updated"), 1);
	/* nothing more can be taken on a completed order */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 1, PAYMENT_CASH, 0, 1, 0, 15, &o),
	    DB_CONFLICT);
	ck_assert_int_eq(o.refusal, PAYMENT_NOT_OPEN);
	/* a return: refund once, the order stays completed */
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 2, PAYMENT_REFUND, 16, &o), DB_OK);
	ck_assert_int_eq(o.till.paid_cents, 1000);
	ck_assert_int_eq(o.till.order_status, ORDER_COMPLETED);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 2, PAYMENT_REFUND, 17, &o), DB_CONFLICT);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 2, PAYMENT_COMPLETE, 17, &o), DB_CONFLICT);
	ck_assert_int_eq(events("payment_refunded"), 1);
	ck_assert_int_eq(db_payments_list(db, 1, &v, &n), DB_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].completed_at, 12);
	ck_assert_int_eq(v[1].refunded_at, 16);
	free(v);
}
END_TEST

START_TEST(test_void_scope)
{
	struct db_payment_outcome o;

	exec_ok(ORDER_ROW(1, "Ann", "a@x.fr", ""));
	exec_ok("INSERT INTO stores (id, slug) VALUES (2, 'b')");
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 2450, PAYMENT_CARD, 0, 0, 0, 10, &o),
	    DB_OK);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_REFUND, 11, &o), DB_CONFLICT);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_VOID, 11, &o), DB_OK);
	ck_assert_int_eq(o.till.pending_cents, 0);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_COMPLETE, 12, &o), DB_CONFLICT);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_VOID, 12, &o), DB_CONFLICT);
	/* the whole balance is open again */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 2450, PAYMENT_CARD, 0, 0, 0, 13, &o),
	    DB_OK);
	/* another store's scope, another order's payment, an unknown order */
	ck_assert_int_eq(db_payment_take(db, 2, NUM1, 1, PAYMENT_CARD, 0, 0, 0, 14, &o),
	    DB_NOTFOUND);
	ck_assert_int_eq(db_payment_act(db, 2, NUM1, 2, PAYMENT_COMPLETE, 14, &o), DB_NOTFOUND);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 99, PAYMENT_COMPLETE, 14, &o), DB_NOTFOUND);
	ck_assert_int_eq(db_payment_take(db, 0, "CMD-20261130-ZZZZZZ", 1, PAYMENT_CARD, 0, 0,
	    0, 14, &o), DB_NOTFOUND);
	/* cash handed over short of the amount */
	ck_assert_int_eq(db_payment_act(db, 0, NUM1, 2, PAYMENT_VOID, 15, &o), DB_OK);
	ck_assert_int_eq(db_payment_take(db, 0, NUM1, 2450, PAYMENT_CASH, 2000, 1, 0, 16, &o),
	    DB_CONFLICT);
	ck_assert_int_eq(o.refusal, PAYMENT_TENDERED_SHORT);
}
END_TEST

/* The payload of the newest event of order 1 (caller frees). */
static char *
last_payload(void)
{
	char buf[4096];

	ck_assert(unit_sql_text(db, "SELECT payload FROM order_events "
	    "WHERE order_id = 1 ORDER BY id DESC LIMIT 1", buf, sizeof buf));
	return strdup(buf);
}

/* Payment events carry the payment (DESIGN.md "The change feed") beside the order's paid_cents. */
START_TEST(test_payment_events)
{
	struct db_payment_outcome o;
	char *p;

	exec_ok(ORDER_ROW(1, "Ann", "a@x.fr", ""));
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 1000, PAYMENT_CARD, 0, 0, 0, 10, &o),
	    DB_OK);
	p = last_payload();
	ck_assert_ptr_nonnull(strstr(p, "\"payment\":{\"id\":1,\"amount_cents\":1000,"
	    "\"method\":\"card\",\"status\":\"pending\"}"));
	ck_assert_ptr_nonnull(strstr(p, "\"paid_cents\":0"));
	free(p);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_COMPLETE, 11, &o), DB_OK);
	p = last_payload();
	ck_assert_ptr_nonnull(strstr(p, "\"status\":\"completed\"}"));
	ck_assert_ptr_nonnull(strstr(p, "\"paid_cents\":1000"));
	free(p);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_REFUND, 12, &o), DB_OK);
	p = last_payload();
	ck_assert_ptr_nonnull(strstr(p, "\"status\":\"refunded\"}"));
	ck_assert_ptr_nonnull(strstr(p, "\"paid_cents\":0"));
	free(p);
	/* one step with settling: the order_updated after it carries no payment */
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 0, PAYMENT_CASH, 0, 1, 0, 13, &o), DB_OK);
	p = last_payload();
	ck_assert_ptr_null(strstr(p, "\"payment\""));
	ck_assert_ptr_nonnull(strstr(p, "\"to\":\"completed\""));
	free(p);
}
END_TEST

/* A paid open order cannot be cancelled until refunded; cancelling voids pending payments. */
START_TEST(test_cancel_paid)
{
	struct db_payment_outcome o;
	struct order got;
	char *snap;
	int from;

	exec_ok(ORDER_ROW(1, "Ann", "a@x.fr", ""));
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 1000, PAYMENT_CARD, 0, 1, 0, 10, &o),
	    DB_OK);
	ck_assert_int_eq(db_payment_take(db, 1, NUM1, 500, PAYMENT_CARD, 0, 0, 0, 11, &o),
	    DB_OK);
	/* the order row carries what was paid, and so does the feed's snapshot */
	ck_assert_int_eq(db_order_get(db, 1, NUM1, 0, &got), DB_OK);
	ck_assert_int_eq(got.paid_cents, 1000);
	snap = order_snapshot(&got, -1);
	ck_assert_ptr_nonnull(strstr(snap, "\"paid_cents\":1000"));
	free(snap);
	order_clear(&got);
	ck_assert_int_eq(db_order_set_status(db, 1, NUM1, ORDER_CANCELLED, 12, &from),
	    DB_PAID);
	ck_assert_int_eq(from, ORDER_PENDING);
	ck_assert_int_eq(events("order_cancelled"), 0);
	/* other moves stay allowed */
	ck_assert_int_eq(db_order_set_status(db, 1, NUM1, ORDER_PROCESSING, 13, &from), DB_OK);
	/* refunded: now it may be cancelled, and the pending payment is voided with it */
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 1, PAYMENT_REFUND, 14, &o), DB_OK);
	ck_assert_int_eq(db_order_set_status(db, 1, NUM1, ORDER_CANCELLED, 15, &from), DB_OK);
	ck_assert_int_eq(events("order_cancelled"), 1);
	ck_assert_int_eq(db_till_get(db, 1, NUM1, &o.till), DB_OK);
	ck_assert_int_eq(o.till.pending_cents, 0);
	ck_assert_int_eq(db_payment_act(db, 1, NUM1, 2, PAYMENT_COMPLETE, 16, &o), DB_CONFLICT);
}
END_TEST

/* The numbers' last digits db_orders_list gives for q with the filter, as "3,1". */
static void
listed(const char *q, int status, int64_t store, int64_t from, int64_t to, char *out,
    size_t outsz)
{
	struct db_order_filter f;
	struct search_query sq;
	struct order *v;
	size_t i, n, len = 0;

	memset(&f, 0, sizeof f);
	search_parse(q, &sq);
	f.q = &sq;
	f.status = status;
	f.store_id = store;
	f.limit = 50;
	f.from = from;
	f.to = to;
	ck_assert_int_eq(db_orders_list(db, &f, &v, &n), DB_OK);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, outsz - len, "%s%c", i ? "," : "",
		    v[i].number[ORDER_NUMBER_LEN - 1]);
	order_free_all(v, n);
	search_query_free(&sq);
}

START_TEST(test_list_search)
{
	char got[64];

	exec_ok(ORDER_ROW(1, "Élodie Martin", "elodie.m@example.fr", "06 12 34 56 78"));
	exec_ok(ORDER_ROW(2, "Léa Dupont", "lea@example.com", "+33 6 98-76-54-32"));
	exec_ok(ORDER_ROW(3, "Elodie Durand", "durand@example.org", ""));
	exec_ok("INSERT INTO stores (id, slug) VALUES (2, 'b');"
	    "UPDATE orders SET store_id = 2, created_at = 100 WHERE id = 3;"
	    "UPDATE orders SET status = 'ready', created_at = 50 WHERE id = 2;");
	listed("elodie", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "3,1");
	listed("ELO", -1, 1, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "1");
	listed("example", ORDER_READY, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "2");
	listed("5678", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "1");
	listed("cmd-20261130-00000", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "3,2,1");
	listed("CMD-20261130-000002", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "2");
	listed("%", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "");
	listed("NEAR( OR \"x", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "");
	listed("", -1, 0, 0, 0, got, sizeof got);
	ck_assert_str_eq(got, "3,2,1");
	/* dates: created_at in [from, to) */
	listed("", -1, 0, 50, 101, got, sizeof got);
	ck_assert_str_eq(got, "3,2");
	listed("", -1, 0, 1, 100, got, sizeof got);
	ck_assert_str_eq(got, "2");
	listed("elodie", -1, 0, 100, 200, got, sizeof got);
	ck_assert_str_eq(got, "3");
	listed("", -1, 0, 200, 300, got, sizeof got);
	ck_assert_str_eq(got, "");
}
END_TEST

static Suite *
till_suite(void)
{
	Suite *s = suite_create("till");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_transitions);
	tcase_add_test(tc, test_balance);
	tcase_add_test(tc, test_settle_cancel_badge);
	tcase_add_loop_test(tc, test_search_parse, 0, (int)(sizeof queries / sizeof queries[0]));
	tcase_add_test(tc, test_search_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("schema");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_search_index);
	tcase_add_test(tc, test_payment_rules);
	tcase_add_test(tc, test_take_complete_settle);
	tcase_add_test(tc, test_void_scope);
	tcase_add_test(tc, test_cancel_paid);
	tcase_add_test(tc, test_payment_events);
	tcase_add_test(tc, test_list_search);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(till_suite)
