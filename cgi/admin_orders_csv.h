/* admin_orders_csv.h — GET /admin/orders.csv: the order list's matches as a spreadsheet, streamed. */
#ifndef ORDERSYNC_ADMIN_ORDERS_CSV_H
#define ORDERSYNC_ADMIN_ORDERS_CSV_H

#include <stddef.h>

#include "router.h"

extern const struct route	admin_orders_csv_routes[];
extern const size_t		admin_orders_csv_nroutes;

#endif
