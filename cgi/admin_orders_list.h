/* admin_orders_list.h — GET /admin/orders: the live list of orders, searched, filtered and paged. */
#ifndef ORDERSYNC_ADMIN_ORDERS_LIST_H
#define ORDERSYNC_ADMIN_ORDERS_LIST_H

#include <stddef.h>

#include "router.h"

/* GET /admin/orders; listed by main.c. */
extern const struct route	admin_orders_list_routes[];
extern const size_t		admin_orders_list_nroutes;

#endif
