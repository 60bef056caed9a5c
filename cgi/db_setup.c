/* db_setup.c — the db layer's set-up operations for ordersyncctl: demo catalog, users. */
#include <string.h>
#include <time.h>

#include "db_impl.h"
#include "db_setup.h"

static const struct {
	const char	*sku, *name, *description;
	int		 price_cents, stock;
} demo[] = {
	{ "COF-ESP-250", "Espresso beans, 250 g", "Dark roast, notes of cocoa and hazelnut.", 1290, 40 },
	{ "COF-FIL-500", "Filter coffee, 500 g", "Washed Ethiopian, bright and floral.", 1890, 25 },
	{ "TEA-EGR-100", "Earl Grey tea, 100 g", "Black tea with bergamot, loose leaf.", 850, 30 },
	{ "MUG-STO-350", "Stoneware mug", "Hand-glazed, 350 ml, dishwasher safe.", 1600, 18 },
	{ "GRN-HND-01", "Hand grinder", "Ceramic burrs, 30 g hopper.", 4500, 8 },
	{ "PRS-FRN-08", "French press, 8 cups", "Borosilicate glass and steel.", 3290, 12 },
	{ "KET-GOO-1L", "Gooseneck kettle, 1 l", "Precise pour for filter brewing.", 5490, 6 },
	{ "GFT-BOX-01", "Gift box", "Beans, mug and a tasting card.", 8999, 10 },
};

enum db_status
db_seed_demo(struct db *db, int *inserted)
{
	struct db_stmt *st;
	enum db_status rc;
	size_t i;

	*inserted = 0;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	for (i = 0; i < NELEM(demo); i++) {
		st = db_stmt(db, "INSERT INTO products "
		    "(store_id, sku, name, description, price_cents, stock, active) "
		    "VALUES (1, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING");
		if (st == NULL) {
			rc = DB_ERROR;
			goto fail;
		}
		db_bind_text(st, 1, demo[i].sku);
		db_bind_text(st, 2, demo[i].name);
		db_bind_text(st, 3, demo[i].description);
		db_bind_int(st, 4, demo[i].price_cents);
		db_bind_int(st, 5, demo[i].stock);
		if ((rc = db_step_done(db, st, "seed demo")) != DB_OK)
			goto fail;
		*inserted += db_changes(db);
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

/* Runs st (bound to one demo SKU) and adds the rows it changed to *n. */
static enum db_status
demo_step(struct db *db, struct db_stmt *st, const char *sku, int *n)
{
	enum db_status rc;

	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, sku);
	if ((rc = db_step_done(db, st, "remove demo")) == DB_OK)
		*n += db_changes(db);
	return rc;
}

enum db_status
db_demo_remove(struct db *db, int *deleted, int *deactivated)
{
	enum db_status rc;
	size_t i;
	int carts = 0;

	*deleted = *deactivated = 0;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	for (i = 0; i < NELEM(demo); i++) {
		if ((rc = demo_step(db, db_stmt(db, "DELETE FROM cart_items WHERE product_id IN "
		    "(SELECT p.id FROM products p WHERE p.store_id = 1 AND p.sku = ?1 AND NOT "
		    "EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id) AND NOT "
		    "EXISTS (SELECT 1 FROM order_events e WHERE e.product_id = p.id))"),
		    demo[i].sku, &carts)) != DB_OK ||
		    (rc = demo_step(db, db_stmt(db, "DELETE FROM products WHERE store_id = 1 AND "
		    "sku = ?1 AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = "
		    "products.id) AND NOT EXISTS (SELECT 1 FROM order_events e WHERE "
		    "e.product_id = products.id)"), demo[i].sku, deleted)) != DB_OK ||
		    (rc = demo_step(db, db_stmt(db, "UPDATE products SET active = 0 WHERE "
		    "store_id = 1 AND sku = ?1 AND active = 1"), demo[i].sku, deactivated)) != DB_OK)
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

enum db_status
db_user_add(struct db *db, const char *email, const char *password_hash,
    const char *role, const char *store_slug)
{
	struct db_stmt *st;
	int64_t store_id = 0;
	int rc;

	if (store_slug != NULL) {
		st = db_stmt(db, "SELECT id FROM stores WHERE slug = ?");
		if (st == NULL)
			return DB_ERROR;
		db_bind_text(st, 1, store_slug);
		rc = db_step(st);
		if (rc == DB_ROW)
			store_id = db_col_int64(st, 0);
		db_reset(st);
		if (rc == DB_DONE)
			return DB_NOTFOUND;
		if (rc != DB_ROW)
			return db_status_of(db, rc, "find store");
	}
	st = db_stmt(db, "INSERT INTO users (email, password_hash, role, store_id, created_at) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, password_hash);
	db_bind_text(st, 3, role);
	if (store_slug != NULL)
		db_bind_int64(st, 4, store_id);
	else
		db_bind_null(st, 4);
	db_bind_int64(st, 5, (int64_t)time(NULL));
	return db_step_done(db, st, "add user");
}

enum db_status
db_user_find(struct db *db, const char *email, char *role, size_t rolesz,
    char *store, size_t storesz)
{
	struct db_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT u.role, coalesce(s.slug, '') FROM users u "
	    "LEFT JOIN stores s ON s.id = u.store_id WHERE u.email = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(role, rolesz, "%s", db_col_text(st, 0));
		snprintf(store, storesz, "%s", db_col_text(st, 1));
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "find user");
}
