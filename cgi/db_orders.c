/* db_orders.c — the orders' SQL: reading orders (one, a list, their counts), status changes, feed events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_impl.h"
#include "db_notify.h"
#include "db_orders.h"
#include "payment.h"

/* The columns every order query selects, in this order; read by read_order(). */
#define ORDER_COLS \
	"o.id, o.store_id, o.number, o.status, o.currency, o.customer_name, " \
	"o.email, o.phone, o.notes, coalesce(t.name, ''), o.total_cents, o.items_count, " \
	"o.created_at, o.updated_at, o.access_token, o.source, o.fulfilment, o.address, " \
	"o.postcode, o.city, o.language, o.paid_cents "
#define ORDER_FROM "FROM orders o JOIN stores t ON t.id = o.store_id "

/* Fills o from a row of ORDER_COLS. */
static void
read_order(struct db_stmt *st, struct order *o)
{
	o->id = db_col_int64(st, 0);
	o->store_id = db_col_int64(st, 1);
	db_col_copy(st, 2, o->number, sizeof o->number);
	o->status = order_status_parse(db_col_text(st, 3));
	db_col_copy(st, 4, o->currency, sizeof o->currency);
	o->customer_name = db_col_strdup(st, 5);
	o->email = db_col_strdup(st, 6);
	o->phone = db_col_strdup(st, 7);
	o->notes = db_col_strdup(st, 8);
	o->store_name = db_col_strdup(st, 9);
	o->total_cents = db_col_int64(st, 10);
	o->items_count = db_col_int64(st, 11);
	o->created_at = db_col_int64(st, 12);
	o->updated_at = db_col_int64(st, 13);
	db_col_copy(st, 14, o->access_token, sizeof o->access_token);
	db_col_copy(st, 15, o->source, sizeof o->source);
	db_col_copy(st, 16, o->fulfilment, sizeof o->fulfilment);
	o->address = db_col_strdup(st, 17);
	o->postcode = db_col_strdup(st, 18);
	o->city = db_col_strdup(st, 19);
	db_col_copy(st, 20, o->language, sizeof o->language);
	o->paid_cents = db_col_int64(st, 21);
}

/* Reads the lines of order o into o->items. */
static enum db_status
read_items(struct db *db, struct order *o)
{
	struct order_item *it;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	st = db_stmt(db, "SELECT sku, name, unit_price_cents, qty FROM order_items "
	    "WHERE order_id = ? ORDER BY id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, o->id);
	while ((rc = db_step(st)) == DB_ROW) {
		o->items = xgrow(o->items, &cap, o->nitems, sizeof *o->items);
		it = &o->items[o->nitems++];
		it->sku = db_col_strdup(st, 0);
		it->name = db_col_strdup(st, 1);
		it->unit_price_cents = db_col_int64(st, 2);
		it->qty = db_col_int64(st, 3);
	}
	db_reset(st);
	return db_status_of(db, rc, "read order items");
}

/* Steps st (bound, selecting ORDER_COLS) for one order into out. */
static enum db_status
one_order(struct db *db, struct db_stmt *st, int with_items, struct order *out)
{
	enum db_status rc;
	int step;

	if ((step = db_step(st)) == DB_ROW)
		read_order(st, out);
	db_reset(st);
	if (step == DB_DONE)
		return DB_NOTFOUND;
	if (step != DB_ROW)
		return db_status_of(db, step, "read order");
	if (with_items && (rc = read_items(db, out)) != DB_OK) {
		order_clear(out);
		return rc;
	}
	return DB_OK;
}

enum db_status
db_order_get(struct db *db, int64_t store_id, const char *number, int with_items,
    struct order *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM
	    "WHERE o.number = ?1 AND (?2 = 0 OR o.store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, number);
	db_bind_int64(st, 2, store_id);
	return one_order(db, st, with_items, out);
}

enum db_status
db_order_get_by_id(struct db *db, int64_t id, int with_items, struct order *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM "WHERE o.id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	return one_order(db, st, with_items, out);
}

static void
read_order_cb(struct db_stmt *st, void *o)
{
	read_order(st, o);
}

static void
clear_order_cb(void *o)
{
	order_clear(o);
}

/*
 * The conditions every list query shares; ?1..?7 as bound by
 * list_prepare() (a search's text is ?8: the numbers have no gap, and
 * "?2 IS NULL" comes after the use that gives ?2 its type, for PostgreSQL).
 * Dates filter the rows walked newest first: a recent range stops early,
 * an old one walks the newer orders (ids are not assumed to follow the
 * clock, which may step back).
 */
#define LIST_WHERE \
	"(?1 = 0 OR o.store_id = ?1) AND (o.status = ?2 OR ?2 IS NULL) " \
	"AND (?3 <= 0 OR o.id < ?3) AND +o.created_at >= ?6 AND +o.created_at < ?7 "
#define LIST_TAIL "ORDER BY o.id DESC LIMIT ?4 OFFSET ?5"

/*
 * The statement for the kind of search: the full-text tables come first
 * (CROSS JOIN keeps them the outer loop) and yield ids newest first.
 */
static struct db_stmt *
list_stmt(struct db *db, enum search_kind kind, int dense)
{
	switch (kind) {
	/*
	 * The engines search differently (schema.sql and schema-pg.sql,
	 * migration 8): SQLite's FTS5 tables take search_query.text, an FTS5
	 * expression; PostgreSQL's generated columns take .plain (list_bind),
	 * its words folded and made prefix terms here, its digits a LIKE
	 * pattern for the trigram index.
	 */
	case SEARCH_WORDS:
		return db_stmt(db, DB_SQL(db,
		    "SELECT " ORDER_COLS "FROM order_words f "
		    "CROSS JOIN orders o ON o.id = f.rowid JOIN stores t ON t.id = o.store_id "
		    "WHERE f.order_words MATCH ?8 AND " LIST_WHERE
		    "ORDER BY f.rowid DESC LIMIT ?4 OFFSET ?5",
		    "SELECT " ORDER_COLS ORDER_FROM
		    "WHERE o.search_words @@ to_tsquery('simple', (SELECT "
		    "  string_agg(w || ':*', ' & ') FROM regexp_split_to_table("
		    "  search_fold(?8), ' ') AS w WHERE w <> '')) AND " LIST_WHERE
		    LIST_TAIL));
	case SEARCH_PHONE:
		return db_stmt(db, DB_SQL(db,
		    "SELECT " ORDER_COLS "FROM order_phones f "
		    "CROSS JOIN orders o ON o.id = f.rowid JOIN stores t ON t.id = o.store_id "
		    "WHERE f.order_phones MATCH ?8 AND " LIST_WHERE
		    "ORDER BY f.rowid DESC LIMIT ?4 OFFSET ?5",
		    "SELECT " ORDER_COLS ORDER_FROM
		    "WHERE o.phone_digits LIKE '%' || ?8 || '%' AND " LIST_WHERE
		    LIST_TAIL));
	case SEARCH_NUMBER:
		/*
		 * dense: the numbers' index walked backwards, latest day first
		 * (a number starts with its day), stopping at a full page.
		 * Walking ids newest first instead read every newer order before
		 * the first match: seconds for a day two weeks back at 1M orders.
		 */
		if (dense)
			return db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM
			    "WHERE o.number >= ?8 AND o.number < ?8 || '~' AND "
			    LIST_WHERE "ORDER BY o.number DESC LIMIT ?4 OFFSET ?5");
		return db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM
		    "WHERE o.number >= ?8 AND o.number < ?8 || '~' AND " LIST_WHERE
		    LIST_TAIL);
	default:
		return db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM "WHERE " LIST_WHERE
		    LIST_TAIL);
	}
}

/*
 * 1 when a number prefix matches so many orders (a day, a month) that
 * sorting every match by id would cost more than taking them in the
 * numbers' own order (latest day first); counted through that index, up to
 * a bound.
 */
#define NUMBER_DENSE	2000
static enum db_status
number_dense(struct db *db, const char *prefix, int *dense)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t n = 0;

	*dense = 0;
	st = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM orders "
	    "WHERE number >= ?1 AND number < ?1 || '~' LIMIT ?2) AS m");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, prefix);
	db_bind_int(st, 2, NUMBER_DENSE);
	if ((rc = db_one_int(db, st, &n, "count numbers")) != DB_OK)
		return rc;
	*dense = n >= NUMBER_DENSE;
	return DB_OK;
}

/*
 * The list statement for f, bound, in *st; limit < 0: every match. DB_OK
 * with *st NULL when the search can match nothing.
 */
static enum db_status
list_prepare(struct db *db, const struct db_order_filter *f, int limit, struct db_stmt **st)
{
	enum search_kind kind = f->q != NULL ? f->q->kind : SEARCH_ALL;
	enum db_status rc;
	int dense = 0;

	*st = NULL;
	if (kind == SEARCH_NOTHING)
		return DB_OK;
	if (kind == SEARCH_NUMBER && (rc = number_dense(db, f->q->text, &dense)) != DB_OK)
		return rc;
	if ((*st = list_stmt(db, kind, dense)) == NULL)
		return DB_ERROR;
	db_bind_int64(*st, 1, f->store_id);
	db_bind_text(*st, 2, order_status_name(f->status));
	db_bind_int64(*st, 3, f->before_id);
	/* limit < 0: the largest (LIMIT -1 is SQLite's alone). */
	db_bind_int64(*st, 4, limit < 0 ? INT64_MAX : limit);
	db_bind_int64(*st, 5, f->offset > 0 ? f->offset : 0);
	db_bind_int64(*st, 6, f->to > 0 ? f->from : INT64_MIN);
	db_bind_int64(*st, 7, f->to > 0 ? f->to : INT64_MAX);
	if (kind != SEARCH_ALL)
		db_bind_text(*st, 8, DB_SQL(db, f->q->text, f->q->plain));
	return DB_OK;
}

enum db_status
db_orders_list(struct db *db, const struct db_order_filter *f, struct order **out,
    size_t *n)
{
	struct db_stmt *st;
	enum db_status rc;
	void *v;

	*out = NULL;
	*n = 0;
	if ((rc = list_prepare(db, f, f->limit, &st)) != DB_OK || st == NULL)
		return rc;
	rc = db_collect(db, st, sizeof **out, read_order_cb, clear_order_cb, &v, n,
	    "list orders");
	*out = v;
	return rc;
}

/* An export in progress: the list statement, stepped one order at a time. */
struct db_orders_cursor {
	struct db	*db;
	struct db_stmt	*st;		/* NULL: nothing (left) to read */
};

enum db_status
db_orders_export_open(struct db *db, const struct db_order_filter *f,
    struct db_orders_cursor **out)
{
	struct db_order_filter all = *f;
	struct db_stmt *st;
	enum db_status rc;

	*out = NULL;
	all.before_id = 0;
	all.offset = 0;
	if ((rc = list_prepare(db, &all, -1, &st)) != DB_OK)
		return rc;
	*out = xmalloc(sizeof **out);
	(*out)->db = db;
	(*out)->st = st;
	return DB_OK;
}

enum db_status
db_orders_export_next(struct db_orders_cursor *c, struct order *out)
{
	enum db_status rc;
	int step;

	memset(out, 0, sizeof *out);
	if (c->st == NULL)
		return DB_NOTFOUND;
	if ((step = db_step(c->st)) != DB_ROW) {
		db_reset(c->st);
		c->st = NULL;
		return step == DB_DONE ? DB_NOTFOUND :
		    db_status_of(c->db, step, "export orders");
	}
	read_order(c->st, out);
	if ((rc = read_items(c->db, out)) != DB_OK) {
		order_clear(out);
		return rc;
	}
	return DB_OK;
}

void
db_orders_export_close(struct db_orders_cursor *c)
{
	if (c == NULL)
		return;
	if (c->st != NULL)
		db_reset(c->st);
	free(c);
}

enum db_status
db_orders_count(struct db *db, int64_t store_id, int64_t counts[ORDER_NSTATUS])
{
	struct db_stmt *st;
	int rc, s;

	memset(counts, 0, ORDER_NSTATUS * sizeof counts[0]);
	/* order_counts is kept by triggers on orders (schema.sql): a few rows, not a scan. */
	st = db_stmt(db, "SELECT status, sum(n) FROM order_counts "
	    "WHERE (?1 = 0 OR store_id = ?1) GROUP BY status");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	while ((rc = db_step(st)) == DB_ROW)
		if ((s = order_status_parse(db_col_text(st, 0))) >= 0)
			counts[s] = db_col_int64(st, 1);
	db_reset(st);
	return db_status_of(db, rc, "count orders");
}

/*
 * Voids the pending payments of order id (a cancellation: no money moved,
 * so no event), so nothing can complete on a cancelled order.
 */
static enum db_status
void_pending(struct db *db, int64_t id, int64_t now)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE payments SET status = 'voided', updated_at = ?2 "
	    "WHERE order_id = ?1 AND status = 'pending'");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	return db_step_done(db, st, "void pending payments");
}

/* Puts the stock of every line of order id back (a cancellation). */
static enum db_status
restore_stock(struct db *db, int64_t id)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE products SET stock = stock + "
	    "(SELECT sum(i.qty) FROM order_items i "
	    " WHERE i.order_id = ?1 AND i.product_id = products.id) "
	    "WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?1)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	return db_step_done(db, st, "restore stock");
}

enum db_status
db_order_set_status(struct db *db, int64_t store_id, const char *number, int to,
    int64_t now, int *from)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t id = 0, paid = 0;
	int step;

	*from = -1;
	if (order_status_name(to) == NULL)
		return DB_CONFLICT;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	st = db_stmt(db, "SELECT id, status, paid_cents FROM orders "
	    "WHERE number = ?1 AND (?2 = 0 OR store_id = ?2)");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, number);
	db_bind_int64(st, 2, store_id);
	if ((step = db_step(st)) == DB_ROW) {
		id = db_col_int64(st, 0);
		*from = order_status_parse(db_col_text(st, 1));
		paid = db_col_int64(st, 2);
	}
	db_reset(st);
	if (step != DB_ROW) {
		rc = step == DB_DONE ? DB_NOTFOUND : db_status_of(db, step, "find order");
		goto fail;
	}
	if (!order_transition_ok(*from, to)) {
		rc = DB_CONFLICT;
		goto fail;
	}
	/* Money taken must be given back before the order can be cancelled. */
	if (to == ORDER_CANCELLED && !payment_cancellable(paid)) {
		rc = DB_PAID;
		goto fail;
	}
	/* The guard: a concurrent change between our read and write loses here. */
	st = db_stmt(db, "UPDATE orders SET status = ?1, updated_at = ?2 "
	    "WHERE id = ?3 AND status = ?4");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, order_status_name(to));
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, id);
	db_bind_text(st, 4, order_status_name(*from));
	if ((rc = db_step_done(db, st, "set status")) != DB_OK)
		goto fail;
	if (db_changes(db) != 1) {
		rc = DB_CONFLICT;
		goto fail;
	}
	if (to == ORDER_CANCELLED && ((rc = restore_stock(db, id)) != DB_OK ||
	    (rc = void_pending(db, id, now)) != DB_OK))
		goto fail;
	if ((rc = db_order_event_add(db, id, to == ORDER_CANCELLED ?
	    "order_cancelled" : "order_updated", *from)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

/* A counter order's seller, for the event's snapshot: o->created_by_name (NULL when none). */
static enum db_status
order_seller(struct db *db, struct order *o)
{
	struct db_stmt *st;
	int step;

	if (strcmp(o->source, "counter") != 0)
		return DB_OK;
	st = db_stmt(db, "SELECT u.email FROM orders o JOIN users u ON u.id = o.created_by "
	    "WHERE o.id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, o->id);
	if ((step = db_step(st)) == DB_ROW)
		o->created_by_name = order_seller_name(db_col_text(st, 0));
	db_reset(st);
	return step == DB_ROW || step == DB_DONE ? DB_OK :
	    db_status_of(db, step, "order seller");
}

enum db_status
db_order_event_add(struct db *db, int64_t order_id, const char *type, int from)
{
	return db_order_event_add_with(db, order_id, type, from, NULL, NULL);
}

/* The snapshot text with key: extra added to its top level (extra taken over); caller frees. */
static char *
snapshot_with(const struct order *o, int from, const char *key, struct json_object *extra)
{
	struct json_object *j;
	char *text = order_snapshot(o, from);

	if (key == NULL || extra == NULL || (j = json_tokener_parse(text)) == NULL) {
		json_object_put(extra);
		return text;
	}
	free(text);
	json_object_object_add(j, key, extra);
	text = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return text;
}

enum db_status
db_order_event_add_with(struct db *db, int64_t order_id, const char *type, int from,
    const char *key, struct json_object *extra)
{
	struct order o;
	struct db_stmt *st;
	enum db_status rc;
	int64_t event_id;
	char *payload;

	memset(&o, 0, sizeof o);
	st = db_stmt(db, "SELECT " ORDER_COLS ORDER_FROM "WHERE o.id = ?");
	if (st == NULL) {
		json_object_put(extra);
		return DB_ERROR;
	}
	db_bind_int64(st, 1, order_id);
	if ((rc = one_order(db, st, 0, &o)) != DB_OK) {
		json_object_put(extra);
		return rc;
	}
	if ((rc = order_seller(db, &o)) != DB_OK) {
		json_object_put(extra);
		order_clear(&o);
		return rc;
	}
	payload = snapshot_with(&o, from, key, extra);
	st = db_stmt(db, "INSERT INTO order_events "
	    "(store_id, order_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?) "
	    "RETURNING id");
	if (st == NULL) {
		rc = DB_ERROR;
		goto done;
	}
	db_bind_int64(st, 1, o.store_id);
	db_bind_int64(st, 2, o.id);
	db_bind_text(st, 3, type);
	db_bind_text(st, 4, payload);
	db_bind_int64(st, 5, (int64_t)time(NULL));
	if ((rc = db_one_int(db, st, &event_id, "add event")) == DB_OK)
		rc = db_notify_order_event(db, &o, event_id, type, from);
	else if (rc == DB_NOTFOUND)
		rc = DB_ERROR;
done:
	free(payload);
	order_clear(&o);
	return rc;
}
