/* db_catalog.h — the catalog's SQL: products for the back office, stock adjustments, stock_low events, photo renditions. */
#ifndef ORDERSYNC_DB_CATALOG_H
#define ORDERSYNC_DB_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "product.h"

/* Which products a back-office list shows. */
struct db_product_filter {
	int64_t		 store_id;	/* scope: 0 every store */
	const char	*q;		/* NULL/"": any; else a name or SKU containing it (case-insensitive) */
	int		 active;	/* -1 any, 0 inactive, 1 active */
	int		 low_only;	/* 1: only products at or below their threshold */
	int		 limit;		/* at most this many (<= 0: no limit) */
};

/*
 * The products matching f, low stock first (stock at or below its
 * threshold), then by name; with their store's name. *out (n of them) is
 * freed with product_free_all(); on error it is NULL and *n 0.
 */
enum db_status	db_catalog_list(struct db *db, const struct db_product_filter *f,
		    struct product **out /* OUT */, size_t *n /* OUT */);
/* Product id within the scope (0: any store); DB_NOTFOUND when absent or another store's. */
enum db_status	db_catalog_get(struct db *db, int64_t store_id, int64_t id,
		    struct product *out /* OUT */);
/*
 * Inserts p (store_id, sku, name, description, price_cents, stock, active,
 * low_stock_at) and sets p->id. DB_CONFLICT when the store already has the
 * SKU. If the new product starts at or below its threshold no event is
 * written: only a change crosses it.
 */
enum db_status	db_catalog_create(struct db *db, struct product *p);
/*
 * Updates product p->id of the scope store_id from p (sku, name,
 * description, price_cents, active, low_stock_at, and stock when set_stock)
 * in one transaction; a stock set across the threshold writes a stock_low
 * event. DB_NOTFOUND: no such product in the scope; DB_CONFLICT: the SKU is
 * another product's.
 */
enum db_status	db_catalog_update(struct db *db, int64_t store_id, const struct product *p,
		    int set_stock);
/*
 * Adds delta to product id's stock atomically (stock = stock + delta,
 * guarded so it stays within 0..PRODUCT_STOCK_MAX: a concurrent sale is
 * never overwritten), records the move with its reason and user_id (0:
 * none), and writes stock_low when the change crosses the threshold, all in
 * one transaction. *after receives the product as it is now. DB_NOTFOUND:
 * no such product in the scope; DB_CONFLICT: the stock would leave its
 * range (nothing written).
 */
enum db_status	db_catalog_adjust(struct db *db, int64_t store_id, int64_t id,
		    int64_t delta, const char *reason, int64_t user_id,
		    struct product *after /* OUT */);
/*
 * Deletes product id of the scope, with its lines in carts and the photo
 * renditions no other product uses, in one transaction. DB_CONFLICT when an
 * order has it or the feed names it (a stock_low event): such a product
 * keeps its history and is only deactivated. DB_NOTFOUND.
 */
enum db_status	db_catalog_delete(struct db *db, int64_t store_id, int64_t id);
/*
 * Inside the caller's transaction: writes a stock_low event for product id
 * (a product snapshot, order_id NULL). For the checkout's stock taking as
 * much as for adjustments.
 */
enum db_status	db_catalog_stock_low(struct db *db, int64_t product_id);
/* The id of the store whose slug is slug, into *id; DB_NOTFOUND. */
enum db_status	db_catalog_store_id(struct db *db, const char *slug, int64_t *id /* OUT */);

#endif
