/* db_notify.h — the outbox rows an event queues in its own transaction: order mails as jobs, one webhook delivery per endpoint that asked. */
#ifndef ORDERSYNC_DB_NOTIFY_H
#define ORDERSYNC_DB_NOTIFY_H

#include <stdint.h>

#include "db.h"

struct order;

/*
 * What the events of this connection queue beyond the open tab: mails
 * only when mail_on (ORDERSYNC_MAIL set: with mail off nothing promises
 * one); "nobody watching" means no session of the store's staff polled the
 * feed in the last watch_secs seconds (notify_watch_secs). Webhooks are
 * queued either way. Set once after db_open(); until then mail is off.
 */
void		db_notify_configure(struct db *db, int mail_on, int64_t watch_secs);
/* 1 when db_notify_configure() turned mail on. */
int		db_notify_mail_on(const struct db *db);

/*
 * Inside the caller's transaction (so the rows commit or roll back with
 * the event): queues what event event_id of type, which moved order o from
 * status from (-1: it did not move) to o->status, sends — the mails of
 * notify_order_mails() (a customer's when o has an email, the staff's to
 * each of the store's alert emails, marked {"unwatched": true} when nobody
 * is watching) and one webhook delivery per active endpoint of o's store
 * that asked for type, its body built from the event when it is sent.
 */
enum db_status	db_notify_order_event(struct db *db, const struct order *o, int64_t event_id,
		    const char *type, int from);
/*
 * Inside the caller's transaction: one webhook delivery per active
 * endpoint of store_id that asked for type — of event event_id (its body
 * built when sent), or, for an event without a row (event_id 0), of body.
 */
enum db_status	db_notify_webhooks(struct db *db, int64_t store_id, const char *type,
		    int64_t event_id, int64_t order_id, const char *body);

#endif
