/* db_catalog.c — the catalog's SQL: products for the back office, stock adjustments, stock_low events. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_catalog.h"
#include "db_notify.h"
#include "db_impl.h"
#include "db_media.h"

/* The columns every product query selects, in this order; read by read_product(). */
#define PRODUCT_COLS \
	"p.id, p.store_id, p.sku, p.name, p.description, coalesce(t.name, ''), p.price_cents, " \
	"p.stock, p.low_stock_at, p.active, " \
	"CASE WHEN EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id) " \
	"THEN 1 ELSE 0 END, " DB_PHOTO_COLS
#define PRODUCT_FROM \
	"FROM products p JOIN stores t ON t.id = p.store_id " DB_PHOTO_JOIN

/* Fills p from a row of PRODUCT_COLS. */
static void
read_product(struct db_stmt *st, struct product *p)
{
	p->id = db_col_int64(st, 0);
	p->store_id = db_col_int64(st, 1);
	p->sku = db_col_strdup(st, 2);
	p->name = db_col_strdup(st, 3);
	p->description = db_col_strdup(st, 4);
	p->store_name = db_col_strdup(st, 5);
	p->price_cents = db_col_int64(st, 6);
	p->stock = db_col_int64(st, 7);
	p->low_stock_at = db_col_int64(st, 8);
	p->active = db_col_int(st, 9);
	p->sold = db_col_int(st, 10);
	db_read_photo(st, 11, &p->image, &p->thumb);
}

/* "%q%" for LIKE with q's own % _ and \ escaped (ESCAPE '\'). Caller frees. */
static char *
like_pattern(const char *q)
{
	struct buf b;

	buf_init(&b);
	buf_putc(&b, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '%');
	return buf_detach(&b);
}

static void
read_product_cb(struct db_stmt *st, void *p)
{
	read_product(st, p);
}

static void
clear_product_cb(void *p)
{
	product_clear(p);
}

enum db_status
db_catalog_list(struct db *db, const struct db_product_filter *f, struct product **out,
    size_t *n)
{
	struct db_stmt *st;
	enum db_status rc;
	char *pat = NULL;
	void *v;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT " PRODUCT_COLS PRODUCT_FROM
	    "WHERE (?1 = 0 OR p.store_id = ?1) AND (?2 < 0 OR p.active = ?2) "
	    "AND (lower(p.name) LIKE lower(?3) ESCAPE '\\' "
	    "  OR lower(p.sku) LIKE lower(?3) ESCAPE '\\' OR ?3 IS NULL) "
	    "AND (?5 = 0 OR p.stock <= p.low_stock_at) "
	    "ORDER BY p.stock <= p.low_stock_at DESC, lower(p.name), p.id LIMIT ?4");
	if (st == NULL)
		return DB_ERROR;
	if (f->q != NULL && *f->q != '\0')
		pat = like_pattern(f->q);
	db_bind_int64(st, 1, f->store_id);
	db_bind_int(st, 2, f->active);
	db_bind_text(st, 3, pat);
	/* No limit: the largest (LIMIT -1 is SQLite's alone). */
	db_bind_int64(st, 4, f->limit > 0 ? f->limit : INT64_MAX);
	db_bind_int(st, 5, f->low_only ? 1 : 0);
	rc = db_collect(db, st, sizeof **out, read_product_cb, clear_product_cb, &v, n,
	    "list products");
	*out = v;
	free(pat);
	return rc;
}

enum db_status
db_catalog_get(struct db *db, int64_t store_id, int64_t id, struct product *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT " PRODUCT_COLS PRODUCT_FROM
	    "WHERE p.id = ?1 AND (?2 = 0 OR p.store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	if ((rc = db_step(st)) == DB_ROW)
		read_product(st, out);
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "read product");
}

enum db_status
db_catalog_create(struct db *db, struct product *p)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "INSERT INTO products (store_id, sku, name, description, "
	    "price_cents, stock, active, low_stock_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, p->store_id);
	db_bind_text(st, 2, p->sku);
	db_bind_text(st, 3, p->name);
	db_bind_text(st, 4, p->description ? p->description : "");
	db_bind_int64(st, 5, p->price_cents);
	db_bind_int64(st, 6, p->stock);
	db_bind_int(st, 7, p->active ? 1 : 0);
	db_bind_int64(st, 8, p->low_stock_at);
	if ((rc = db_one_int(db, st, &p->id, "add product")) == DB_NOTFOUND)
		rc = DB_ERROR;
	return rc;
}

/* The stock and threshold of product id in the scope (inside a transaction). */
static enum db_status
stock_of(struct db *db, int64_t store_id, int64_t id, int64_t *stock, int64_t *low)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT stock, low_stock_at FROM products "
	    "WHERE id = ?1 AND (?2 = 0 OR store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	if ((rc = db_step(st)) == DB_ROW) {
		*stock = db_col_int64(st, 0);
		*low = db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "product stock");
}

enum db_status
db_catalog_update(struct db *db, int64_t store_id, const struct product *p, int set_stock)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t before = 0, low = 0;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = stock_of(db, store_id, p->id, &before, &low)) != DB_OK)
		goto fail;
	st = db_stmt(db, "UPDATE products SET sku = ?1, name = ?2, description = ?3, "
	    "price_cents = ?4, active = ?5, low_stock_at = ?6, "
	    "stock = CASE WHEN ?7 <> 0 THEN ?8 ELSE stock END WHERE id = ?9");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, p->sku);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->description ? p->description : "");
	db_bind_int64(st, 4, p->price_cents);
	db_bind_int(st, 5, p->active ? 1 : 0);
	db_bind_int64(st, 6, p->low_stock_at);
	db_bind_int(st, 7, set_stock ? 1 : 0);
	db_bind_int64(st, 8, p->stock);
	db_bind_int64(st, 9, p->id);
	if ((rc = db_step_done(db, st, "update product")) != DB_OK)
		goto fail;
	if (set_stock && product_crossed_low(before, p->stock, p->low_stock_at) &&
	    (rc = db_catalog_stock_low(db, p->id)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) == DB_OK)
		return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

/* Records a hand-made stock move (inside the caller's transaction). */
static enum db_status
record_move(struct db *db, int64_t id, int64_t delta, int64_t after, const char *reason,
    int64_t user_id)
{
	struct db_stmt *st;

	st = db_stmt(db, "INSERT INTO stock_moves (product_id, delta, stock_after, reason, "
	    "user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, delta);
	db_bind_int64(st, 3, after);
	db_bind_text(st, 4, reason ? reason : "");
	if (user_id > 0)
		db_bind_int64(st, 5, user_id);
	else
		db_bind_null(st, 5);
	db_bind_int64(st, 6, (int64_t)time(NULL));
	return db_step_done(db, st, "record stock move");
}

enum db_status
db_catalog_adjust(struct db *db, int64_t store_id, int64_t id, int64_t delta,
    const char *reason, int64_t user_id, struct product *after)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t stock = 0, low = 0;
	int step;

	memset(after, 0, sizeof *after);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	/* The guard keeps the range; a concurrent sale is added to, never overwritten. */
	st = db_stmt(db, "UPDATE products SET stock = stock + ?1 "
	    "WHERE id = ?2 AND (?3 = 0 OR store_id = ?3) AND stock + ?1 BETWEEN 0 AND ?4 "
	    "RETURNING stock, low_stock_at");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, delta);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, store_id);
	db_bind_int64(st, 4, PRODUCT_STOCK_MAX);
	if ((step = db_step(st)) == DB_ROW) {
		stock = db_col_int64(st, 0);
		low = db_col_int64(st, 1);
	}
	while (step == DB_ROW)
		step = db_step(st);
	db_reset(st);
	if (step != DB_DONE) {
		rc = db_status_of(db, step, "adjust stock");
		goto fail;
	}
	if (db_changes(db) != 1) {
		/* Nothing changed: no such product, or the range refused the delta. */
		rc = stock_of(db, store_id, id, &stock, &low) == DB_OK ? DB_CONFLICT : DB_NOTFOUND;
		goto fail;
	}
	if ((rc = record_move(db, id, delta, stock, reason, user_id)) != DB_OK)
		goto fail;
	if (product_crossed_low(stock - delta, stock, low) &&
	    (rc = db_catalog_stock_low(db, id)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	return db_catalog_get(db, store_id, id, after);
fail:
	db_rollback(db);
	return rc;
}

enum db_status
db_catalog_delete(struct db *db, int64_t store_id, int64_t id)
{
	struct db_stmt *st;
	enum db_status rc;
	struct product p;
	int64_t kept = 0;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_catalog_get(db, store_id, id, &p)) != DB_OK)
		goto fail;
	product_clear(&p);
	/* Sold, or named by the feed's history (stock_low): kept, only hidden. */
	st = db_stmt(db, "SELECT CASE WHEN EXISTS (SELECT 1 FROM order_items "
	    "WHERE product_id = ?1) OR EXISTS (SELECT 1 FROM order_events "
	    "WHERE product_id = ?1) THEN 1 ELSE 0 END");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, id);
	if ((rc = db_one_int(db, st, &kept, "product history")) != DB_OK)
		goto fail;
	if (kept) {
		rc = DB_CONFLICT;
		goto fail;
	}
	st = db_stmt(db, "DELETE FROM cart_items WHERE product_id = ?");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, "drop cart lines")) != DB_OK)
		goto fail;
	st = db_stmt(db, "DELETE FROM products WHERE id = ?");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, id);
	/* Its photo's renditions go with it, unless another product has the same picture. */
	if ((rc = db_step_done(db, st, "delete product")) != DB_OK ||
	    (rc = db_media_prune(db)) != DB_OK || (rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

enum db_status
db_catalog_stock_low(struct db *db, int64_t product_id)
{
	struct product p;
	struct db_stmt *st;
	enum db_status rc;
	int64_t event_id;
	char *payload;

	if ((rc = db_catalog_get(db, 0, product_id, &p)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	payload = product_snapshot(&p);
	st = db_stmt(db, "INSERT INTO order_events (store_id, order_id, product_id, type, "
	    "payload, created_at) VALUES (?, NULL, ?, 'stock_low', ?, ?) RETURNING id");
	if (st == NULL)
		rc = DB_ERROR;
	else {
		db_bind_int64(st, 1, p.store_id);
		db_bind_int64(st, 2, p.id);
		db_bind_text(st, 3, payload);
		db_bind_int64(st, 4, (int64_t)time(NULL));
		if ((rc = db_one_int(db, st, &event_id, "stock_low event")) == DB_OK)
			rc = db_notify_webhooks(db, p.store_id, "stock_low", event_id, 0, "");
		else if (rc == DB_NOTFOUND)
			rc = DB_ERROR;
	}
	free(payload);
	product_clear(&p);
	return rc;
}

enum db_status
db_catalog_store_id(struct db *db, const char *slug, int64_t *id)
{
	struct db_stmt *st = db_stmt(db, "SELECT id FROM stores WHERE slug = ?");

	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, slug);
	return db_one_int(db, st, id, "find store");
}
