/* admin_orders.h — the orders in the back office: one order's detail and its status changes. */
#ifndef ORDERSYNC_ADMIN_ORDERS_H
#define ORDERSYNC_ADMIN_ORDERS_H

#include <stddef.h>

#include "router.h"

/* GET /admin/orders/{number}, POST …/status; listed by main.c. */
extern const struct route	admin_orders_routes[];
extern const size_t		admin_orders_nroutes;

#endif
