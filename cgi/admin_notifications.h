/* admin_notifications.h — /admin/notifications: mail status, a store's webhook endpoints and their deliveries, the alert self-test. */
#ifndef ORDERSYNC_ADMIN_NOTIFICATIONS_H
#define ORDERSYNC_ADMIN_NOTIFICATIONS_H

#include <stddef.h>

#include "router.h"

/*
 * GET /admin/notifications (every role: staff and sellers see the
 * self-test only), POST /admin/notifications/webhooks and
 * /admin/notifications/webhooks/{id}/delete · /active · /test (admins);
 * main.c lists the table.
 */
extern const struct route	admin_notifications_routes[];
extern const size_t		admin_notifications_nroutes;

#endif
