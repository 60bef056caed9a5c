/* admin_feed.h — the change feed's routes: GET /admin/api/since (the feed) and GET /admin/api/stats. */
#ifndef ORDERSYNC_ADMIN_FEED_H
#define ORDERSYNC_ADMIN_FEED_H

#include <stddef.h>

#include "router.h"

/* The feed's JSON routes; main.c lists the table. */
extern const struct route	admin_feed_routes[];
extern const size_t		admin_feed_nroutes;

#endif
