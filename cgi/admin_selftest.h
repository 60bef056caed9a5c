/* admin_selftest.h — the alert self-test: POST /admin/notifications/selftest sends a test event through the feed. */
#ifndef ORDERSYNC_ADMIN_SELFTEST_H
#define ORDERSYNC_ADMIN_SELFTEST_H

#include <stddef.h>

#include "router.h"

/* The self-test's route; main.c lists the table. */
extern const struct route admin_selftest_routes[];
extern const size_t admin_selftest_nroutes;

#endif
