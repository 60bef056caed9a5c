/* db_escalate.h — the escalation's SQL: orders still pending past their store's limit, and the one transaction that escalates each once. */
#ifndef ORDERSYNC_DB_ESCALATE_H
#define ORDERSYNC_DB_ESCALATE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/*
 * The ids of at most max orders, oldest first, still pending at now past
 * their store's escalate_minutes (> 0) and not escalated yet (the
 * orders_pending index). *ids (n of them, NULL when none) is the caller's
 * to free.
 */
enum db_status	db_escalate_due(struct db *db, int64_t now, size_t max,
		    int64_t **ids /* OUT */, size_t *n /* OUT */);

/*
 * Escalates order order_id at now, in one transaction: sets its
 * escalated_at only when it is still pending, not escalated, and past its
 * store's limit (the claim: of two ticks at once, one wins); then queues a
 * staff_unattended job mail to each of the store's escalate_emails (when
 * mail is on, db_notify_mail_on) and the order_unattended webhook
 * deliveries of its latest event. *done is 1 when this call escalated it,
 * 0 when it no longer needed to. Not inside a transaction. DB_OK or the
 * error (then nothing is written).
 */
enum db_status	db_escalate_order(struct db *db, int64_t order_id, int64_t now,
		    int *done /* OUT */);

#endif
