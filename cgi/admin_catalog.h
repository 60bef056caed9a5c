/* admin_catalog.h — the catalog in the back office: the product list, new and edit forms, stock adjustments, deletion. */
#ifndef ORDERSYNC_ADMIN_CATALOG_H
#define ORDERSYNC_ADMIN_CATALOG_H

#include <stddef.h>

#include "router.h"

/* /admin/products…; main.c lists the table. */
extern const struct route	admin_catalog_routes[];
extern const size_t		admin_catalog_nroutes;

#endif
