/* escalate.h — an order nobody has started: still pending escalate_minutes after it was placed, its store's escalation contacts are told, once. */
#ifndef ORDERSYNC_ESCALATE_H
#define ORDERSYNC_ESCALATE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct logger;

/*
 * When an order placed at created_at in a store whose escalate_minutes is
 * minutes escalates if still pending: created_at + minutes × 60; -1 when
 * the store does not escalate (minutes <= 0).
 */
int64_t	escalate_at(int64_t created_at, int minutes);

/*
 * Escalates every order due at now (escalate_at() passed, still pending,
 * not escalated yet), each in its own transaction (db_escalate_order: a
 * staff_unattended mail to the store's escalation contacts when mail is on,
 * an order_unattended webhook), logging each. *n (may be NULL) counts the
 * orders this call escalated; another process running at once never
 * escalates the same order twice. DB_OK, or the database error that
 * stopped it.
 */
enum db_status	escalate_run(struct db *db, struct logger *lg, int64_t now, size_t *n /* OUT */);

#endif
