/* db_admin.c — the admin side's SQL: users, sessions, login attempts, order lists and detail, status changes, feed reads, stats. */
#include <stdlib.h>
#include <string.h>

#include "db_admin.h"
#include "db_impl.h"

/* Copies column text into a fixed array, truncating; "" for NULL. */
static void
col_copy(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/* Steps a one-row, one-integer query; DB_NOTFOUND without a row. Resets st. */
static enum db_status
one_int(struct db *db, sqlite3_stmt *st, int64_t *out, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, what);
}

enum db_status
db_admin_version(struct db *db, struct db_version *out)
{
	enum db_status rc;

	if ((rc = db_data_version(db, &out->data_version)) != DB_OK)
		return rc;
	out->changes = (int64_t)sqlite3_total_changes64(db->conn);
	return DB_OK;
}

int
db_admin_version_eq(const struct db_version *a, const struct db_version *b)
{
	return a->data_version == b->data_version && a->changes == b->changes;
}

int64_t
db_admin_changes(struct db *db)
{
	return (int64_t)sqlite3_total_changes64(db->conn);
}

/* ---- users and sessions ---- */

enum db_status
db_admin_user_by_email(struct db *db, const char *email, struct db_admin_user *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((st = db_stmt(db, "SELECT id, password_hash FROM users WHERE email = ?")) == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->password_hash = db_col_strdup(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "find user");
}

void
db_admin_user_clear(struct db_admin_user *u)
{
	if (u == NULL)
		return;
	free(u->password_hash);
	memset(u, 0, sizeof *u);
}

enum db_status
db_admin_session_get(struct db *db, const char *token_hash, int64_t now,
    struct db_admin_session *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db,
	    "SELECT s.user_id, coalesce(u.store_id, 0), u.role, u.email, "
	    "  coalesce(t.name, ''), s.csrf_token, s.expires_at, s.last_seen_at, "
	    "  s.last_poll_at "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "LEFT JOIN stores t ON t.id = u.store_id "
	    "WHERE s.token_hash = ?1 AND s.expires_at > ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		out->store_id = sqlite3_column_int64(st, 1);
		col_copy(st, 2, out->role, sizeof out->role);
		col_copy(st, 3, out->email, sizeof out->email);
		col_copy(st, 4, out->store_name, sizeof out->store_name);
		col_copy(st, 5, out->csrf, sizeof out->csrf);
		out->expires_at = sqlite3_column_int64(st, 6);
		out->last_seen_at = sqlite3_column_int64(st, 7);
		out->last_poll_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "read session");
}

enum db_status
db_admin_session_create(struct db *db, const char *token_hash, int64_t user_id,
    const char *csrf, int64_t now, int64_t expires_at)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO sessions (token_hash, user_id, csrf_token, "
	    "created_at, expires_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	return db_step_done(db, st, "create session");
}

enum db_status
db_admin_session_touch(struct db *db, const char *token_hash, int64_t now,
    int64_t expires_at)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE sessions SET last_seen_at = ?2, expires_at = ?3 "
	    "WHERE token_hash = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, expires_at);
	return db_step_done(db, st, "touch session");
}

enum db_status
db_admin_session_polled(struct db *db, const char *token_hash, int64_t now,
    int64_t npolls)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE sessions SET last_poll_at = max(last_poll_at, ?2), "
	    "polls = polls + ?3 WHERE token_hash = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, npolls);
	return db_step_done(db, st, "record polls");
}

enum db_status
db_admin_session_delete(struct db *db, const char *token_hash)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE token_hash = ?");

	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	return db_step_done(db, st, "delete session");
}

enum db_status
db_admin_prune(struct db *db, int64_t now, int64_t attempts_before)
{
	sqlite3_stmt *st;
	enum db_status rc;

	if ((st = db_stmt(db, "DELETE FROM sessions WHERE expires_at <= ?")) == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = db_step_done(db, st, "prune sessions")) != DB_OK)
		return rc;
	if ((st = db_stmt(db, "DELETE FROM login_attempts WHERE at < ?")) == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, attempts_before);
	return db_step_done(db, st, "prune login attempts");
}

/* ---- login throttling ---- */

enum db_status
db_admin_login_record(struct db *db, const char *email, const char *addr,
    int64_t now, int ok)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO login_attempts (email, addr, at, ok) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, addr);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, ok ? 1 : 0);
	return db_step_done(db, st, "record login attempt");
}

enum db_status
db_admin_login_blocked_until(struct db *db, const char *email, const char *addr,
    int64_t now, int64_t window, int max, int64_t *until)
{
	sqlite3_stmt *st;
	enum db_status rc;
	int64_t at = 0;

	*until = 0;
	if (max < 1)
		return DB_OK;
	/*
	 * The max-th most recent failure in the window: while it is in the
	 * window there are max failures in it, so the block lasts until it
	 * leaves the window.
	 */
	st = db_stmt(db, "SELECT at FROM login_attempts WHERE email = ?1 AND ok = 0 "
	    "AND at > max(?2, coalesce((SELECT max(at) FROM login_attempts "
	    "  WHERE email = ?1 AND ok = 1), 0)) "
	    "ORDER BY at DESC LIMIT 1 OFFSET ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	sqlite3_bind_int64(st, 2, now - window);
	sqlite3_bind_int(st, 3, max - 1);
	rc = one_int(db, st, &at, "throttle by account");
	if (rc == DB_OK && at + window > *until)
		*until = at + window;
	else if (rc != DB_NOTFOUND && rc != DB_OK)
		return rc;
	if (addr == NULL || *addr == '\0')
		return DB_OK;
	st = db_stmt(db, "SELECT at FROM login_attempts WHERE addr = ?1 AND ok = 0 "
	    "AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, addr);
	sqlite3_bind_int64(st, 2, now - window);
	sqlite3_bind_int(st, 3, max - 1);
	rc = one_int(db, st, &at, "throttle by address");
	if (rc == DB_OK && at + window > *until)
		*until = at + window;
	else if (rc != DB_NOTFOUND && rc != DB_OK)
		return rc;
	if (*until <= now)
		*until = 0;
	return DB_OK;
}

/* ---- orders ---- */

const char *const db_admin_statuses[DB_ADMIN_NSTATUS] = {
	"pending", "processing", "completed", "cancelled"
};

int
db_admin_status_index(const char *status)
{
	int i;

	if (status == NULL)
		return -1;
	for (i = 0; i < DB_ADMIN_NSTATUS; i++)
		if (strcmp(status, db_admin_statuses[i]) == 0)
			return i;
	return -1;
}

int
db_admin_transition_ok(const char *from, const char *to)
{
	/* allowed[from][to], in the order of db_admin_statuses. */
	static const unsigned char allowed[DB_ADMIN_NSTATUS][DB_ADMIN_NSTATUS] = {
		/* pending    */ { 0, 1, 0, 1 },
		/* processing */ { 0, 0, 1, 1 },
		/* completed  */ { 0, 0, 0, 0 },
		/* cancelled  */ { 0, 0, 0, 0 },
	};
	int f = db_admin_status_index(from), t = db_admin_status_index(to);

	return f >= 0 && t >= 0 && allowed[f][t];
}

void
db_admin_order_clear(struct db_admin_order *o)
{
	if (o == NULL)
		return;
	free(o->customer_name);
	free(o->email);
	free(o->phone);
	free(o->notes);
	free(o->store_name);
	memset(o, 0, sizeof *o);
}

void
db_admin_orders_free(struct db_admin_order *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		db_admin_order_clear(&v[i]);
	free(v);
}

/* The columns every order query selects, in this order; read by order_row(). */
#define ORDER_COLS \
	"o.id, o.store_id, o.number, o.status, o.currency, o.customer_name, " \
	"o.email, o.phone, o.notes, t.name, o.total_cents, o.items_count, " \
	"o.created_at, o.updated_at "

static void
order_row(sqlite3_stmt *st, struct db_admin_order *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->store_id = sqlite3_column_int64(st, 1);
	col_copy(st, 2, o->number, sizeof o->number);
	col_copy(st, 3, o->status, sizeof o->status);
	col_copy(st, 4, o->currency, sizeof o->currency);
	o->customer_name = db_col_strdup(st, 5);
	o->email = db_col_strdup(st, 6);
	o->phone = db_col_strdup(st, 7);
	o->notes = db_col_strdup(st, 8);
	o->store_name = db_col_strdup(st, 9);
	o->total_cents = sqlite3_column_int64(st, 10);
	o->items_count = sqlite3_column_int64(st, 11);
	o->created_at = sqlite3_column_int64(st, 12);
	o->updated_at = sqlite3_column_int64(st, 13);
}

enum db_status
db_admin_orders_list(struct db *db, const struct db_admin_filter *f,
    struct db_admin_order **out, size_t *n)
{
	struct db_admin_order *v = NULL;
	sqlite3_stmt *st;
	size_t cap = 0, len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT " ORDER_COLS
	    "FROM orders o JOIN stores t ON t.id = o.store_id "
	    "WHERE (?1 = 0 OR o.store_id = ?1) AND (?2 IS NULL OR o.status = ?2) "
	    "AND (?3 <= 0 OR o.id < ?3) "
	    "ORDER BY o.id DESC LIMIT ?4 OFFSET ?5");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, f->store_id);
	db_bind_text(st, 2, f->status);
	sqlite3_bind_int64(st, 3, f->before_id);
	sqlite3_bind_int(st, 4, f->limit);
	sqlite3_bind_int64(st, 5, f->offset > 0 ? f->offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		memset(&v[len], 0, sizeof v[len]);
		order_row(st, &v[len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_admin_orders_free(v, len);
		return db_status_of(db, rc, "list orders");
	}
	*out = v;
	*n = len;
	return DB_OK;
}

enum db_status
db_admin_status_counts(struct db *db, int64_t store_id, int64_t counts[DB_ADMIN_NSTATUS])
{
	sqlite3_stmt *st;
	int rc, i;

	memset(counts, 0, DB_ADMIN_NSTATUS * sizeof counts[0]);
	/* order_counts is kept by triggers on orders (schema.sql): a few rows, not a scan. */
	st = db_stmt(db, "SELECT status, sum(n) FROM order_counts "
	    "WHERE (?1 = 0 OR store_id = ?1) GROUP BY status");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, store_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((i = db_admin_status_index((const char *)sqlite3_column_text(st, 0))) >= 0)
			counts[i] = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return db_status_of(db, rc, "count orders");
}

enum db_status
db_admin_store_count(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM stores");

	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return one_int(db, st, n, "count stores");
}

enum db_status
db_admin_order_get(struct db *db, int64_t store_id, const char *number,
    struct db_admin_order *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT " ORDER_COLS
	    "FROM orders o JOIN stores t ON t.id = o.store_id "
	    "WHERE o.number = ?1 AND (?2 = 0 OR o.store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, number);
	sqlite3_bind_int64(st, 2, store_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		order_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "read order");
}

void
db_admin_items_free(struct db_admin_item *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].sku);
		free(v[i].name);
	}
	free(v);
}

enum db_status
db_admin_order_items(struct db *db, int64_t order_id, struct db_admin_item **out,
    size_t *n)
{
	struct db_admin_item *v = NULL;
	sqlite3_stmt *st;
	size_t cap = 0, len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT sku, name, unit_price_cents, qty FROM order_items "
	    "WHERE order_id = ? ORDER BY id");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, order_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[len].sku = db_col_strdup(st, 0);
		v[len].name = db_col_strdup(st, 1);
		v[len].unit_price_cents = sqlite3_column_int64(st, 2);
		v[len].qty = sqlite3_column_int64(st, 3);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_admin_items_free(v, len);
		return db_status_of(db, rc, "read order items");
	}
	*out = v;
	*n = len;
	return DB_OK;
}

enum db_status
db_admin_order_set_status(struct db *db, int64_t store_id, const char *number,
    const char *to, int64_t now, char from[12])
{
	sqlite3_stmt *st;
	enum db_status rc;
	int64_t id = 0;
	int step;

	from[0] = '\0';
	if (db_admin_status_index(to) < 0)
		return DB_CONFLICT;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	st = db_stmt(db, "SELECT id, status FROM orders "
	    "WHERE number = ?1 AND (?2 = 0 OR store_id = ?2)");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, number);
	sqlite3_bind_int64(st, 2, store_id);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, from, 12);
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? DB_NOTFOUND : db_status_of(db, step, "find order");
		goto fail;
	}
	if (!db_admin_transition_ok(from, to)) {
		rc = DB_CONFLICT;
		goto fail;
	}
	/* The guard: a concurrent change between our read and write loses here. */
	st = db_stmt(db, "UPDATE orders SET status = ?1, updated_at = ?2 "
	    "WHERE id = ?3 AND status = ?4");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, to);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	db_bind_text(st, 4, from);
	if ((rc = db_step_done(db, st, "set status")) != DB_OK)
		goto fail;
	if (sqlite3_changes(db->conn) != 1) {
		rc = DB_CONFLICT;
		goto fail;
	}
	if (strcmp(to, "cancelled") == 0) {
		st = db_stmt(db, "UPDATE products SET stock = stock + "
		    "(SELECT sum(i.qty) FROM order_items i "
		    " WHERE i.order_id = ?1 AND i.product_id = products.id) "
		    "WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?1)");
		if (st == NULL) {
			rc = DB_ERROR;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, id);
		if ((rc = db_step_done(db, st, "restore stock")) != DB_OK)
			goto fail;
	}
	if ((rc = db_event_add(db, id, strcmp(to, "cancelled") == 0 ?
	    "order_cancelled" : "order_updated", from, to)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

/* ---- the change feed ---- */

void
db_admin_events_free(struct db_admin_event *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].payload);
	free(v);
}

/* Collects the rows (id, type, created_at, payload) of a prepared, bound query. */
static enum db_status
read_events(struct db *db, sqlite3_stmt *st, struct db_admin_event **out, size_t *n)
{
	struct db_admin_event *v = NULL;
	size_t cap = 0, len = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[len].id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, v[len].type, sizeof v[len].type);
		v[len].created_at = sqlite3_column_int64(st, 2);
		v[len].payload = db_col_strdup(st, 3);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_admin_events_free(v, len);
		return db_status_of(db, rc, "read events");
	}
	*out = v;
	*n = len;
	return DB_OK;
}

enum db_status
db_admin_feed_head(struct db *db, int64_t store_id, int64_t *head)
{
	sqlite3_stmt *st;

	*head = 0;
	/* Two statements so each is a single b-tree seek (max() optimisation). */
	if (store_id == DB_ADMIN_ALL_STORES)
		st = db_stmt(db, "SELECT coalesce(max(id), 0) FROM order_events");
	else {
		st = db_stmt(db, "SELECT coalesce(max(id), 0) FROM order_events "
		    "WHERE store_id = ?");
		if (st != NULL)
			sqlite3_bind_int64(st, 1, store_id);
	}
	if (st == NULL)
		return DB_ERROR;
	return one_int(db, st, head, "feed head");
}

enum db_status
db_admin_feed_oldest(struct db *db, int64_t *oldest)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(min(id), 0) FROM order_events");

	*oldest = 0;
	if (st == NULL)
		return DB_ERROR;
	return one_int(db, st, oldest, "feed oldest");
}

enum db_status
db_admin_feed_read(struct db *db, int64_t store_id, int64_t after, int limit,
    struct db_admin_event **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (store_id == DB_ADMIN_ALL_STORES) {
		st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
		    "WHERE id > ?1 ORDER BY id LIMIT ?2");
		if (st == NULL)
			return DB_ERROR;
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int(st, 2, limit);
	} else {
		st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
		    "WHERE store_id = ?3 AND id > ?1 ORDER BY id LIMIT ?2");
		if (st == NULL)
			return DB_ERROR;
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int(st, 2, limit);
		sqlite3_bind_int64(st, 3, store_id);
	}
	return read_events(db, st, out, n);
}

enum db_status
db_admin_order_events(struct db *db, int64_t order_id, struct db_admin_event **out,
    size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
	    "WHERE order_id = ? ORDER BY id");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, order_id);
	return read_events(db, st, out, n);
}

/* ---- stats ---- */

enum db_status
db_admin_stats(struct db *db, int64_t store_id, const char *currency,
    int64_t day_start, int64_t hour0, int64_t polling_since, struct db_admin_stats *out)
{
	sqlite3_stmt *st;
	int64_t h;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT count(*), "
	    "  count(CASE WHEN status = 'cancelled' THEN 1 END), "
	    "  coalesce(sum(CASE WHEN status != 'cancelled' AND currency = ?3 "
	    "    THEN total_cents END), 0) "
	    "FROM orders WHERE created_at >= ?2 AND (?1 = 0 OR store_id = ?1)");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, store_id);
	sqlite3_bind_int64(st, 2, day_start);
	db_bind_text(st, 3, currency);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->orders_today = sqlite3_column_int64(st, 0);
		out->cancelled_today = sqlite3_column_int64(st, 1);
		out->revenue_today_cents = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_status_of(db, rc, "stats today");

	st = db_stmt(db, "SELECT (created_at - ?2) / 3600, count(*) FROM orders "
	    "WHERE created_at >= ?2 AND created_at < ?2 + 86400 "
	    "AND (?1 = 0 OR store_id = ?1) GROUP BY 1");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, store_id);
	sqlite3_bind_int64(st, 2, hour0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h = sqlite3_column_int64(st, 0);
		if (h >= 0 && h < 24)
			out->per_hour[h] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_status_of(db, rc, "stats per hour");

	/* Sessions of the store's users and of every-store users watch this scope. */
	st = db_stmt(db, "SELECT count(CASE WHEN s.last_poll_at >= ?2 THEN 1 END), "
	    "  coalesce(sum(s.polls), 0) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE ?1 = 0 OR u.store_id IS NULL OR u.store_id = ?1");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, store_id);
	sqlite3_bind_int64(st, 2, polling_since);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->polling_sessions = sqlite3_column_int64(st, 0);
		out->polls_total = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_status_of(db, rc, "stats polls");
}
