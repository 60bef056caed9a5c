/* db_payments.c — the till's SQL: an order's payments, taking one, completing, voiding and refunding it, each with its feed events in one transaction. */
#include <string.h>

#include "db_impl.h"
#include "db_orders.h"
#include "db_payments.h"
#include "order.h"

#define PAYMENT_COLS \
	"SELECT p.id, p.amount_cents, coalesce(p.tendered_cents, 0), p.method, p.status, " \
	"  coalesce(u.email, ''), p.created_at, coalesce(p.completed_at, 0), " \
	"  coalesce(p.refunded_at, 0) " \
	"FROM payments p LEFT JOIN users u ON u.id = p.created_by "

static void
read_payment(struct db_stmt *st, void *p)
{
	struct db_payment *y = p;

	y->id = db_col_int64(st, 0);
	y->amount_cents = db_col_int64(st, 1);
	y->tendered_cents = db_col_int64(st, 2);
	y->method = payment_method_parse(db_col_text(st, 3));
	y->status = payment_status_parse(db_col_text(st, 4));
	db_col_copy(st, 5, y->by, sizeof y->by);
	y->created_at = db_col_int64(st, 6);
	y->completed_at = db_col_int64(st, 7);
	y->refunded_at = db_col_int64(st, 8);
}

static void
clear_payment(void *p)
{
	(void)p;
}

enum db_status
db_payments_list(struct db *db, int64_t order_id, struct db_payment **out, size_t *n)
{
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	if ((st = db_stmt(db, PAYMENT_COLS "WHERE p.order_id = ? ORDER BY p.id")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, order_id);
	return db_collect(db, st, sizeof **out, read_payment, clear_payment, (void **)out, n,
	    "list payments");
}

/* One payment of order order_id into out; DB_NOTFOUND. */
static enum db_status
payment_get(struct db *db, int64_t order_id, int64_t id, struct db_payment *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, PAYMENT_COLS "WHERE p.id = ? AND p.order_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, order_id);
	return db_one_row(db, st, read_payment, out, "get payment");
}

enum db_status
db_till_get(struct db *db, int64_t store_id, const char *number, struct db_till *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT o.id, o.status, o.total_cents, o.paid_cents, "
	    "  (SELECT coalesce(sum(amount_cents), 0) FROM payments p "
	    "   WHERE p.order_id = o.id AND p.status = 'pending') "
	    "FROM orders o WHERE o.number = ?1 AND (?2 = 0 OR o.store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, number);
	db_bind_int64(st, 2, store_id);
	if ((rc = db_step(st)) == DB_ROW) {
		out->order_id = db_col_int64(st, 0);
		out->order_status = order_status_parse(db_col_text(st, 1));
		out->total_cents = db_col_int64(st, 2);
		out->paid_cents = db_col_int64(st, 3);
		out->pending_cents = db_col_int64(st, 4);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return rc == DB_ROW ? DB_OK : db_status_of(db, rc, "get till");
}

/*
 * Moves payment id from status from to status to at now (guarded by from:
 * DB_CONFLICT when someone else moved it first), stamping completed_at or
 * refunded_at.
 */
static enum db_status
payment_move(struct db *db, int64_t id, int from, int to, int64_t now)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "UPDATE payments SET status = ?3, updated_at = ?4, "
	    "  completed_at = CASE WHEN ?3 = 'completed' THEN ?4 ELSE completed_at END, "
	    "  refunded_at = CASE WHEN ?3 = 'refunded' THEN ?4 ELSE refunded_at END "
	    "WHERE id = ?1 AND status = ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, payment_status_name(from));
	db_bind_text(st, 3, payment_status_name(to));
	db_bind_int64(st, 4, now);
	if ((rc = db_step_done(db, st, "move payment")) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_CONFLICT;
}

/*
 * Appends the payment event type for payment id of the till's order, its
 * "payment" ({id, amount_cents, method, status}, as it is now) beside the
 * order's snapshot (DESIGN.md "The change feed").
 */
static enum db_status
payment_event(struct db *db, const struct db_till *t, const char *type, int64_t id)
{
	struct db_payment y;
	struct json_object *p;
	enum db_status rc;

	if ((rc = payment_get(db, t->order_id, id, &y)) != DB_OK)
		return rc;
	p = json_object_new_object();
	json_object_object_add(p, "id", json_object_new_int64(y.id));
	json_object_object_add(p, "amount_cents", json_object_new_int64(y.amount_cents));
	json_object_object_add(p, "method", json_object_new_string(payment_method_name(y.method)));
	json_object_object_add(p, "status", json_object_new_string(payment_status_name(y.status)));
	return db_order_event_add_with(db, t->order_id, type, -1, "payment", p);
}

/* Adds delta to the order's paid_cents (and its updated_at) in the transaction. */
static enum db_status
paid_add(struct db *db, struct db_till *t, int64_t delta, int64_t now)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE orders SET paid_cents = paid_cents + ?1, updated_at = ?2 "
	    "WHERE id = ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, delta);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, t->order_id);
	t->paid_cents += delta;
	return db_step_done(db, st, "update paid");
}

/*
 * Payment id (pending, amount) is completed: paid goes up, payment_completed
 * is written, and when payments now cover the total the order moves to
 * completed with its own order_updated event (*settled = 1).
 */
static enum db_status
complete(struct db *db, struct db_till *t, int64_t id, int64_t amount, int64_t now,
    int *settled)
{
	struct db_stmt *st;
	enum db_status rc;
	int from = t->order_status;

	/* Belt and braces: reservations make this impossible; never overpay. */
	if (t->paid_cents + amount > t->total_cents)
		return DB_CONFLICT;
	if ((rc = payment_move(db, id, PAYMENT_PENDING, PAYMENT_COMPLETED, now)) != DB_OK ||
	    (rc = paid_add(db, t, amount, now)) != DB_OK)
		return rc;
	t->pending_cents -= amount;
	if ((rc = payment_event(db, t, "payment_completed", id)) != DB_OK)
		return rc;
	if (!payment_settles(from, t->total_cents, t->paid_cents))
		return DB_OK;
	st = db_stmt(db, "UPDATE orders SET status = 'completed', updated_at = ?1 "
	    "WHERE id = ?2 AND status = ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, t->order_id);
	db_bind_text(st, 3, order_status_name(from));
	if ((rc = db_step_done(db, st, "settle order")) != DB_OK)
		return rc;
	if (db_changes(db) != 1)
		return DB_CONFLICT;
	t->order_status = ORDER_COMPLETED;
	*settled = 1;
	return db_order_event_add(db, t->order_id, "order_updated", from);
}

/* Inserts the pending payment of a take and its payment_created event; *id is the new payment's. */
static enum db_status
insert_payment(struct db *db, const struct db_till *t, int64_t amount, int method,
    int64_t tendered, int64_t user_id, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "INSERT INTO payments (store_id, order_id, amount_cents, method, "
	    "  tendered_cents, created_by, created_at, updated_at) "
	    "SELECT store_id, id, ?2, ?3, ?4, ?5, ?6, ?6 FROM orders WHERE id = ?1 "
	    "RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, t->order_id);
	db_bind_int64(st, 2, amount);
	db_bind_text(st, 3, payment_method_name(method));
	if (tendered > 0)
		db_bind_int64(st, 4, tendered);
	if (user_id > 0)
		db_bind_int64(st, 5, user_id);
	db_bind_int64(st, 6, now);
	if ((rc = db_one_int(db, st, id, "insert payment")) != DB_OK)
		return rc;
	return payment_event(db, t, "payment_created", *id);
}

enum db_status
db_payment_take(struct db *db, int64_t store_id, const char *number, int64_t amount,
    int method, int64_t tendered, int complete_now, int64_t user_id, int64_t now,
    struct db_payment_outcome *out)
{
	struct db_till *t = &out->till;
	enum db_status rc;
	int64_t id = 0;

	memset(out, 0, sizeof *out);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_till_get(db, store_id, number, t)) != DB_OK)
		goto fail;
	if (amount == 0)
		amount = payment_open_balance(t->total_cents, t->paid_cents, t->pending_cents);
	out->refusal = payment_check_amount(t->order_status, t->total_cents, t->paid_cents,
	    t->pending_cents, amount, method, tendered);
	if (out->refusal != PAYMENT_OK || payment_method_name(method) == NULL) {
		rc = DB_CONFLICT;
		goto fail;
	}
	if ((rc = insert_payment(db, t, amount, method, tendered, user_id, now, &id)) != DB_OK)
		goto fail;
	t->pending_cents += amount;
	if (complete_now && (rc = complete(db, t, id, amount, now, &out->settled)) != DB_OK)
		goto fail;
	if ((rc = payment_get(db, t->order_id, id, &out->payment)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

enum db_status
db_payment_act(struct db *db, int64_t store_id, const char *number, int64_t payment_id,
    enum payment_action action, int64_t now, struct db_payment_outcome *out)
{
	struct db_till *t = &out->till;
	struct db_payment *y = &out->payment;
	enum db_status rc;
	int to;

	memset(out, 0, sizeof *out);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_till_get(db, store_id, number, t)) != DB_OK ||
	    (rc = payment_get(db, t->order_id, payment_id, y)) != DB_OK)
		goto fail;
	if ((to = payment_after(y->status, action)) < 0) {
		rc = DB_CONFLICT;
		goto fail;
	}
	if (action == PAYMENT_COMPLETE)
		rc = complete(db, t, y->id, y->amount_cents, now, &out->settled);
	else if ((rc = payment_move(db, y->id, y->status, to, now)) == DB_OK) {
		if (action == PAYMENT_VOID)
			t->pending_cents -= y->amount_cents;
		else if ((rc = paid_add(db, t, -y->amount_cents, now)) == DB_OK)
			rc = payment_event(db, t, "payment_refunded", y->id);
	}
	if (rc != DB_OK || (rc = payment_get(db, t->order_id, payment_id, y)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}
