/* api_orders.h — POST /api/orders: an order from a program, made once per Idempotency-Key. */
#ifndef ORDERSYNC_API_ORDERS_H
#define ORDERSYNC_API_ORDERS_H

#include <stddef.h>

#include "router.h"

/* The JSON API's routes; main.c lists the table. */
extern const struct route	api_orders_routes[];
extern const size_t		api_orders_nroutes;

#endif
