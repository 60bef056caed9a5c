/* db_catalog_csv.c — the catalog import's SQL: a checked file upserted by SKU in one transaction. */
#include <string.h>
#include <time.h>

#include "db_catalog.h"
#include "db_catalog_csv.h"
#include "db_impl.h"

/* The stock and threshold the store's product sku has now; DB_NOTFOUND for a new SKU. */
static enum db_status
current(struct db *db, int64_t store_id, const char *sku, int64_t *stock, int64_t *low)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT stock, low_stock_at FROM products WHERE store_id = ? AND sku = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, sku);
	if ((rc = db_step(st)) == DB_ROW) {
		*stock = db_col_int64(st, 0);
		*low = db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "import: read product");
}

/* The upsert of one row; *id and *low receive the product's id and threshold as stored. */
static enum db_status
upsert(struct db *db, int64_t store_id, const struct product_csv_row *r, int64_t *id,
    int64_t *low)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "INSERT INTO products (store_id, sku, name, description, price_cents, "
	    "stock, active, low_stock_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (store_id, sku) DO UPDATE SET name = excluded.name, "
	    "description = CASE WHEN ?9 <> 0 THEN excluded.description "
	    "  ELSE products.description END, "
	    "price_cents = excluded.price_cents, stock = excluded.stock, "
	    "active = CASE WHEN ?10 <> 0 THEN excluded.active ELSE products.active END, "
	    "low_stock_at = CASE WHEN ?11 <> 0 THEN excluded.low_stock_at "
	    "  ELSE products.low_stock_at END "
	    "RETURNING id, low_stock_at");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, r->p.sku);
	db_bind_text(st, 3, r->p.name);
	db_bind_text(st, 4, r->p.description ? r->p.description : "");
	db_bind_int64(st, 5, r->p.price_cents);
	db_bind_int64(st, 6, r->p.stock);
	db_bind_int(st, 7, r->p.active ? 1 : 0);
	db_bind_int64(st, 8, r->p.low_stock_at);
	db_bind_int(st, 9, r->has_desc);
	db_bind_int(st, 10, r->has_active);
	db_bind_int(st, 11, r->has_low);
	if ((rc = db_step(st)) == DB_ROW) {
		*id = db_col_int64(st, 0);
		*low = db_col_int64(st, 1);
		rc = db_step(st);
	}
	db_reset(st);
	return rc == DB_DONE ? DB_OK : db_status_of(db, rc, "import: upsert product");
}

/* A stock the import changed, as a stock move (the history the adjustments keep). */
static enum db_status
record_move(struct db *db, int64_t id, int64_t before, int64_t after, const char *reason)
{
	struct db_stmt *st;

	st = db_stmt(db, "INSERT INTO stock_moves (product_id, delta, stock_after, reason, "
	    "user_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, after - before);
	db_bind_int64(st, 3, after);
	db_bind_text(st, 4, reason ? reason : "");
	db_bind_int64(st, 5, (int64_t)time(NULL));
	return db_step_done(db, st, "import: stock move");
}

/* One row inside the transaction. */
static enum db_status
import_row(struct db *db, int64_t store_id, const struct product_csv_row *r,
    const char *reason, struct db_import_count *count)
{
	enum db_status rc;
	int64_t before = 0, old_low = 0, id = 0, low = 0;
	int existed;

	if ((rc = current(db, store_id, r->p.sku, &before, &old_low)) != DB_OK &&
	    rc != DB_NOTFOUND)
		return rc;
	existed = rc == DB_OK;
	if ((rc = upsert(db, store_id, r, &id, &low)) != DB_OK)
		return rc;
	if (!existed) {
		count->created++;
		return DB_OK;	/* a new product crosses nothing (db_catalog_create) */
	}
	count->updated++;
	if (before != r->p.stock && (rc = record_move(db, id, before, r->p.stock, reason)) != DB_OK)
		return rc;
	if (product_crossed_low(before, r->p.stock, low))
		return db_catalog_stock_low(db, id);
	return DB_OK;
}

enum db_status
db_catalog_import(struct db *db, int64_t store_id, const struct product_csv_row *rows,
    size_t n, const char *reason, struct db_import_count *count)
{
	enum db_status rc;
	size_t i;

	memset(count, 0, sizeof *count);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = import_row(db, store_id, &rows[i], reason, count)) != DB_OK)
			goto fail;
	if ((rc = db_commit(db)) == DB_OK)
		return DB_OK;
fail:
	db_rollback(db);
	memset(count, 0, sizeof *count);
	return rc;
}

enum db_status
db_catalog_find_sku(struct db *db, int64_t store_id, const char *sku, int64_t *id)
{
	struct db_stmt *st = db_stmt(db, "SELECT id FROM products WHERE store_id = ? AND sku = ?");

	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, sku);
	return db_one_int(db, st, id, "find product by SKU");
}
