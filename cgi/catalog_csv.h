/* catalog_csv.h — the catalog as CSV in the back office: GET /admin/products.csv exports, POST imports (all or nothing), and the import page. */
#ifndef ORDERSYNC_CATALOG_CSV_H
#define ORDERSYNC_CATALOG_CSV_H

#include <stddef.h>

#include "router.h"

/*
 * /admin/products.csv and /admin/products/import; main.c lists the table
 * before admin_catalog's, whose /admin/products/{id} would take "import".
 */
extern const struct route	catalog_csv_routes[];
extern const size_t		catalog_csv_nroutes;

#endif
