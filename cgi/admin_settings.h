/* admin_settings.h — a store's settings in the back office (admin_settings.c) and the stores' list and creation (admin_stores.c). */
#ifndef ORDERSYNC_ADMIN_SETTINGS_H
#define ORDERSYNC_ADMIN_SETTINGS_H

#include <stddef.h>

#include "router.h"

/* GET/POST /admin/settings; main.c lists the table. */
extern const struct route	admin_settings_routes[];
extern const size_t		admin_settings_nroutes;
/* GET /admin/stores, GET/POST /admin/stores/new; main.c lists the table. */
extern const struct route	admin_stores_routes[];
extern const size_t		admin_stores_nroutes;

#endif
