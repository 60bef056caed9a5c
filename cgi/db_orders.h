/* db_orders.h — the orders' SQL: reading orders (one, a list, their counts), status changes, feed events. */
#ifndef ORDERSYNC_DB_ORDERS_H
#define ORDERSYNC_DB_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "order.h"
#include "search.h"

/*
 * A store scope: 0 means every store (a user whose store_id is NULL), any
 * other value one store's id. Every read below that takes a scope returns
 * only that store's rows.
 */
#define DB_ALL_STORES 0

/*
 * The order numbered number within the scope store_id, with its items when
 * with_items (one indexed look-up when not). DB_NOTFOUND when there is none
 * in the scope. On success release out with order_clear(); on failure it
 * holds nothing to release.
 */
enum db_status	db_order_get(struct db *db, int64_t store_id, const char *number,
		    int with_items, struct order *out /* OUT */);

/*
 * The order of id, in any store, with its items when with_items (a job
 * that names its order: the outbox). As db_order_get() otherwise.
 */
enum db_status	db_order_get_by_id(struct db *db, int64_t id, int with_items,
		    struct order *out /* OUT */);

/* Which orders a list shows: newest first. */
struct db_order_filter {
	int64_t		 store_id;	/* scope */
	int		 status;	/* enum order_status, or -1: any */
	int64_t		 before_id;	/* > 0: only ids below it (keyset paging) */
	int64_t		 offset;	/* rows to skip (page paging) */
	int		 limit;
	const struct search_query *q;	/* NULL or SEARCH_ALL: no search (search.h) */
	int64_t		 from, to;	/* to > 0: only created_at in [from, to) */
};

/*
 * Lists the orders matching f (without items) into *out, *n of them; the
 * caller frees with order_free_all(). On error *out is NULL and *n 0.
 * A search is driven by its index, newest first, so it stops once a page
 * is full: words and phone digits walk the full-text index by descending
 * order id, a number prefix the numbers' index (up to NUMBER_DENSE
 * matches sorted by id; more taken by number, latest day first).
 * SEARCH_NOTHING lists nothing.
 */
enum db_status	db_orders_list(struct db *db, const struct db_order_filter *f,
		    struct order **out /* OUT */, size_t *n /* OUT */);
/*
 * An export: every order matching f (its before_id, offset and limit
 * ignored), newest first, one at a time, so a list of any length never sits
 * in memory. open: DB_OK with *out to step (release with
 * db_orders_export_close(), NULL is a no-op) or an error and *out NULL.
 * next: DB_OK with out filled, items included (release with
 * order_clear()); DB_NOTFOUND at the end; another status on error, out
 * empty. The cursor holds a read of the database until closed.
 */
struct db_orders_cursor;
enum db_status	db_orders_export_open(struct db *db, const struct db_order_filter *f,
		    struct db_orders_cursor **out /* OUT */);
enum db_status	db_orders_export_next(struct db_orders_cursor *c, struct order *out /* OUT */);
void		db_orders_export_close(struct db_orders_cursor *c);

/*
 * counts[s] = the scope's orders in status s. Reads order_counts, which
 * triggers on orders keep exact in the writing transaction: a few indexed
 * rows, whatever the number of orders.
 */
enum db_status	db_orders_count(struct db *db, int64_t store_id,
		    int64_t counts[ORDER_NSTATUS] /* OUT */);

/*
 * Moves order number (within the scope) to status to, in one BEGIN
 * IMMEDIATE transaction guarded by "WHERE status = <from>": restores stock
 * when cancelling and writes the order_updated / order_cancelled event.
 * *from receives the status the order had (-1 when not found). DB_NOTFOUND:
 * no such order in the scope; DB_CONFLICT: the workflow (order.h) refuses
 * from → to, or the order changed under us; DB_PAID: cancelling an order
 * whose completed payments are not all refunded (payment_cancellable);
 * nothing is written then. Cancelling voids the order's pending payments.
 */
enum db_status	db_order_set_status(struct db *db, int64_t store_id,
		    const char *number, int to, int64_t now, int *from /* OUT */);

/*
 * Appends a change-feed event for order order_id inside the caller's
 * transaction (between db_begin and db_commit, after the change): its
 * payload is order_snapshot() of the order row as it is now, with from
 * (a status, or -1 for none). type is one of order_created, order_updated,
 * order_cancelled, payment_created, payment_completed, payment_refunded. DB_NOTFOUND when
 * there is no such order.
 */
enum db_status	db_order_event_add(struct db *db, int64_t order_id, const char *type,
		    int from);
/*
 * The same, with key: extra added beside "order" in the payload (a payment
 * event's "payment"). extra (may be NULL) is taken over, whatever the result.
 */
enum db_status	db_order_event_add_with(struct db *db, int64_t order_id,
		    const char *type, int from, const char *key, struct json_object *extra);

#endif
