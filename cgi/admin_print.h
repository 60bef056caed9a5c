/* admin_print.h — GET /admin/orders/{number}/print: an order's printable slip, A4 or an 80 mm receipt. */
#ifndef ORDERSYNC_ADMIN_PRINT_H
#define ORDERSYNC_ADMIN_PRINT_H

#include <stddef.h>

#include "router.h"

extern const struct route	admin_print_routes[];
extern const size_t		admin_print_nroutes;

#endif
