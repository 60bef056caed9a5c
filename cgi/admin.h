/* admin.h — the back office: sign-in, dashboard, order list and detail, status changes; the admin route table. */
#ifndef ORDERSYNC_ADMIN_H
#define ORDERSYNC_ADMIN_H

#include <stddef.h>

#include "router.h"

#define ADMIN_PAGE_SIZE		50	/* orders per list page */
#define ADMIN_LATEST		6	/* orders on the dashboard */
#define ADMIN_LIST_REFRESH_S	30	/* without JS the order list reloads itself */
#define ADMIN_DASH_REFRESH_S	60	/* ... and the dashboard */

/*
 * Every /admin route: the pages and forms here, the feed and stats of
 * feed.h. main.c lists the table in route_tables[].
 */
extern const struct route	admin_routes[];
extern const size_t		admin_nroutes;

/*
 * Fills "{name}" placeholders of a locale text: the variadic arguments are
 * name, value pairs ending with NULL. Unknown placeholders stay as they
 * are. Returns a new string; the caller frees it.
 */
char	*admin_fill(const char *text, ...) __attribute__((sentinel));

/* 1 when s has the shape of an order number, CMD-YYYYMMDD-XXXXXX. */
int	admin_number_ok(const char *s);

#endif
