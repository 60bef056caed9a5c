/* admin_dashboard.h — GET /admin: today's figures, orders per hour, the latest orders. */
#ifndef ORDERSYNC_ADMIN_DASHBOARD_H
#define ORDERSYNC_ADMIN_DASHBOARD_H

#include <stddef.h>

#include "router.h"

/* The dashboard route; main.c lists the table. */
extern const struct route	admin_dashboard_routes[];
extern const size_t		admin_dashboard_nroutes;

#endif
