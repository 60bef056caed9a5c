/* db_admin_stats.c — the dashboard's SQL (declared in db_admin.h): orders and takings today and this week, left to collect, hours, polls, best sellers, low stock. */
#include <stdlib.h>
#include <string.h>

#include "db_admin.h"
#include "db_impl.h"

/*
 * The scope's stores as an IN list: "store_id IN (" SCOPE_STORES ")" turns
 * one scope or every store into an indexed look-up per store, so the
 * (store_id, time) indexes serve every-store admins too.
 */
#define SCOPE_STORES	"SELECT id FROM stores WHERE ?1 = 0 OR id = ?1"

/* Orders and cancellations since day_start (the orders_created range). */
static enum db_status
stats_orders(struct db *db, int64_t store_id, int64_t day_start, struct db_admin_stats *out)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT count(*), count(CASE WHEN status = 'cancelled' THEN 1 END) "
	    "FROM orders WHERE created_at >= ?2 AND (?1 = 0 OR store_id = ?1)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, day_start);
	if ((rc = db_step(st)) == DB_ROW) {
		out->orders_today = db_col_int64(st, 0);
		out->cancelled_today = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc == DB_ROW ? DB_OK : db_status_of(db, rc, "stats today");
}

/*
 * Takings of the day and of the week, and left to collect: payments by
 * completed_at and refunds by refunded_at (the payments_completed and
 * payments_refunded ranges of each store of the scope), open orders by the
 * orders_store_status index. Only orders in currency count.
 */
static enum db_status
stats_money(struct db *db, int64_t store_id, const char *currency,
    const struct db_admin_stats_since *since, struct db_admin_stats *out)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT c.day - r.day, c.week - r.week, l.due FROM "
	    "(SELECT coalesce(sum(CASE WHEN p.completed_at >= ?3 THEN p.amount_cents END), 0) "
	    "   AS day, coalesce(sum(p.amount_cents), 0) AS week FROM payments p "
	    "   JOIN orders o ON o.id = p.order_id AND o.currency = ?4 "
	    "   WHERE p.store_id IN (" SCOPE_STORES ") AND p.completed_at >= ?2) c, "
	    "(SELECT coalesce(sum(CASE WHEN p.refunded_at >= ?3 THEN p.amount_cents END), 0) "
	    "   AS day, coalesce(sum(p.amount_cents), 0) AS week FROM payments p "
	    "   JOIN orders o ON o.id = p.order_id AND o.currency = ?4 "
	    "   WHERE p.store_id IN (" SCOPE_STORES ") AND p.refunded_at >= ?2) r, "
	    "(SELECT coalesce(sum(total_cents - paid_cents), 0) AS due FROM orders "
	    "   WHERE store_id IN (" SCOPE_STORES ") "
	    "   AND status IN ('pending', 'processing', 'ready') AND currency = ?4) l");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, since->week_start);
	db_bind_int64(st, 3, since->day_start);
	db_bind_text(st, 4, currency);
	if ((rc = db_step(st)) == DB_ROW) {
		out->takings_today_cents = db_col_int64(st, 0);
		out->takings_week_cents = db_col_int64(st, 1);
		out->left_to_collect_cents = db_col_int64(st, 2);
	}
	db_reset(st);
	return rc == DB_ROW ? DB_OK : db_status_of(db, rc, "stats money");
}

/* Orders per hour in the 24 hours from hour0 (the orders_created range). */
static enum db_status
stats_hours(struct db *db, int64_t store_id, int64_t hour0, struct db_admin_stats *out)
{
	struct db_stmt *st;
	int64_t h;
	int rc;

	st = db_stmt(db, "SELECT (created_at - ?2) / 3600, count(*) FROM orders "
	    "WHERE created_at >= ?2 AND created_at < ?2 + 86400 "
	    "AND (?1 = 0 OR store_id = ?1) GROUP BY 1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, hour0);
	while ((rc = db_step(st)) == DB_ROW) {
		h = db_col_int64(st, 0);
		if (h >= 0 && h < 24)
			out->per_hour[h] = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc == DB_DONE ? DB_OK : db_status_of(db, rc, "stats per hour");
}

/* Sessions of the store's users and of every-store users watch this scope. */
static enum db_status
stats_polls(struct db *db, int64_t store_id, int64_t polling_since, struct db_admin_stats *out)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT count(CASE WHEN s.last_poll_at >= ?2 THEN 1 END), "
	    "  coalesce(sum(s.polls), 0) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE ?1 = 0 OR u.store_id IS NULL OR u.store_id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, polling_since);
	if ((rc = db_step(st)) == DB_ROW) {
		out->polling_sessions = db_col_int64(st, 0);
		out->polls_total = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc == DB_ROW ? DB_OK : db_status_of(db, rc, "stats polls");
}

enum db_status
db_admin_stats(struct db *db, int64_t store_id, const char *currency,
    const struct db_admin_stats_since *since, struct db_admin_stats *out)
{
	enum db_status rc;

	memset(out, 0, sizeof *out);
	if ((rc = stats_orders(db, store_id, since->day_start, out)) != DB_OK ||
	    (rc = stats_money(db, store_id, currency, since, out)) != DB_OK ||
	    (rc = stats_hours(db, store_id, since->hour0, out)) != DB_OK)
		return rc;
	return stats_polls(db, store_id, since->polling_since, out);
}

enum db_status
db_admin_best_sellers(struct db *db, int64_t store_id, const char *currency,
    int64_t since, struct db_admin_seller *out, size_t n_max, size_t *n)
{
	struct db_stmt *st;
	struct db_admin_seller *x;
	int rc = DB_DONE;

	*n = 0;
	st = db_stmt(db, "SELECT coalesce(i.product_id, 0), i.sku, max(i.name), sum(i.qty), "
	    "  sum(i.qty * i.unit_price_cents) "
	    "FROM orders o JOIN order_items i ON i.order_id = o.id "
	    "WHERE o.created_at >= ?2 AND (?1 = 0 OR o.store_id = ?1) "
	    "AND o.status <> 'cancelled' AND o.currency = ?3 "
	    "GROUP BY i.product_id, i.sku ORDER BY 4 DESC, 5 DESC, 3 LIMIT ?4");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, since);
	db_bind_text(st, 3, currency);
	db_bind_int64(st, 4, (int64_t)n_max);
	while (*n < n_max && (rc = db_step(st)) == DB_ROW) {
		x = &out[(*n)++];
		x->product_id = db_col_int64(st, 0);
		db_col_copy(st, 1, x->sku, sizeof x->sku);
		db_col_copy(st, 2, x->name, sizeof x->name);
		x->qty = db_col_int64(st, 3);
		x->amount_cents = db_col_int64(st, 4);
	}
	if (*n == n_max)
		rc = DB_DONE;
	db_reset(st);
	return rc == DB_DONE ? DB_OK : db_status_of(db, rc, "best sellers");
}

enum db_status
db_admin_low_stock(struct db *db, int64_t store_id, struct db_admin_low *out,
    size_t n_max, size_t *n)
{
	struct db_stmt *st;
	struct db_admin_low *x;
	int rc = DB_DONE;

	*n = 0;
	st = db_stmt(db, "SELECT id, sku, name, stock, low_stock_at FROM products "
	    "WHERE store_id IN (" SCOPE_STORES ") AND active = 1 AND stock <= low_stock_at "
	    "ORDER BY stock, lower(name), id LIMIT ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, (int64_t)n_max);
	while (*n < n_max && (rc = db_step(st)) == DB_ROW) {
		x = &out[(*n)++];
		x->product_id = db_col_int64(st, 0);
		db_col_copy(st, 1, x->sku, sizeof x->sku);
		db_col_copy(st, 2, x->name, sizeof x->name);
		x->stock = db_col_int64(st, 3);
		x->low_stock_at = db_col_int64(st, 4);
	}
	if (*n == n_max)
		rc = DB_DONE;
	db_reset(st);
	return rc == DB_DONE ? DB_OK : db_status_of(db, rc, "low stock");
}
