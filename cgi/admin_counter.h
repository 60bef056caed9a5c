/* admin_counter.h — counter orders keyed in by sellers: GET/POST /admin/orders/new. */
#ifndef ORDERSYNC_ADMIN_COUNTER_H
#define ORDERSYNC_ADMIN_COUNTER_H

#include <stddef.h>

#include "router.h"

/*
 * GET and POST /admin/orders/new; listed by main.c before admin_orders'
 * table, whose /admin/orders/{number} would take "new".
 */
extern const struct route	admin_counter_routes[];
extern const size_t		admin_counter_nroutes;

#endif
