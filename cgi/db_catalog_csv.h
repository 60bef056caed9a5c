/* db_catalog_csv.h — the catalog import's SQL: every row of a checked file upserted by SKU in one transaction. */
#ifndef ORDERSYNC_DB_CATALOG_CSV_H
#define ORDERSYNC_DB_CATALOG_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "product_csv.h"

/* What an import did. */
struct db_import_count {
	size_t	created;	/* SKUs the store did not have */
	size_t	updated;	/* SKUs it had */
};

/*
 * Upserts the n checked rows into store store_id by SKU (INSERT … ON
 * CONFLICT (store_id, sku) DO UPDATE), all in one transaction: name,
 * price and stock are set; description, active and low_stock_at when the
 * row gives them (product_csv_row.has_*). A stock that changes records a
 * stock move (reason) and, when it takes the product from above its
 * threshold to at or below it, a stock_low event, in the same transaction.
 * Prepared statements are reused across rows. On any failure nothing is
 * written (rolled back) and the status says why (DB_BUSY, DB_ERROR).
 */
enum db_status	db_catalog_import(struct db *db, int64_t store_id,
		    const struct product_csv_row *rows, size_t n, const char *reason,
		    struct db_import_count *count /* OUT */);

/* The id of store_id's product whose SKU is sku, into *id; DB_NOTFOUND. */
enum db_status	db_catalog_find_sku(struct db *db, int64_t store_id, const char *sku,
		    int64_t *id /* OUT */);

#endif
