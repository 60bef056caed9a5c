/* db_selftest.h — the alert self-test's feed event: an 'alert_test' row of order_events, without an order. */
#ifndef ORDERSYNC_DB_SELFTEST_H
#define ORDERSYNC_DB_SELFTEST_H

#include <stdint.h>

#include "db.h"

/*
 * Writes one 'alert_test' event for store_id (order_id and product_id
 * NULL; payload {"order": null, "by": by}, by the sender's name as alerts
 * show it) at now, in its own IMMEDIATE transaction, so it takes its place
 * in the feed's id order like any other event. *event_id receives its id.
 * DB_BUSY/DB_ERROR: nothing written (logged).
 */
enum db_status	db_selftest_event_add(struct db *db, int64_t store_id, const char *by,
		    int64_t now, int64_t *event_id /* OUT */);

#endif
