/* checkout.h — the web checkout (POST /checkout) and the customer's order page and its status. */
#ifndef ORDERSYNC_CHECKOUT_H
#define ORDERSYNC_CHECKOUT_H

#include <stddef.h>

#include "router.h"

/* The checkout and order-page routes; main.c lists the table. */
extern const struct route checkout_routes[];
extern const size_t checkout_nroutes;

#endif
