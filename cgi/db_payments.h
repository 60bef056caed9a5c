/* db_payments.h — the till's SQL: an order's payments, taking one, completing, voiding and refunding it, each with its feed events in one transaction. */
#ifndef ORDERSYNC_DB_PAYMENTS_H
#define ORDERSYNC_DB_PAYMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "payment.h"

/* One payment as the order page shows it; fixed-size. */
struct db_payment {
	int64_t	id;
	int64_t	amount_cents;
	int64_t	tendered_cents;		/* cash handed over; 0 when not given */
	int	method;			/* enum payment_method */
	int	status;			/* enum payment_status */
	char	by[256];		/* email of who took it; "" when unknown */
	int64_t	created_at;
	int64_t	completed_at;		/* 0: not completed */
	int64_t	refunded_at;		/* 0: not refunded */
};

/* An order's money as the till sees it. */
struct db_till {
	int64_t	order_id;
	int	order_status;		/* enum order_status */
	int64_t	total_cents;
	int64_t	paid_cents;		/* completed payments (refunded ones no longer count) */
	int64_t	pending_cents;		/* what pending payments reserve */
};

/* What a payment change did, for the answer. */
struct db_payment_outcome {
	enum payment_refusal	refusal;	/* why a take was refused (DB_CONFLICT) */
	struct db_payment	payment;	/* the payment as it is now */
	struct db_till		till;		/* the order's money as it is now */
	int			settled;	/* 1: the order moved to completed */
};

/* The payments of order order_id, oldest first; *out (n) is the caller's to free. */
enum db_status	db_payments_list(struct db *db, int64_t order_id,
		    struct db_payment **out /* OUT */, size_t *n /* OUT */);
/* The money of order number within the scope (0: every store); DB_NOTFOUND. */
enum db_status	db_till_get(struct db *db, int64_t store_id, const char *number,
		    struct db_till *out /* OUT */);

/*
 * Takes a payment of amount_cents (0: the open balance) by method on order
 * number within the scope, for user_id at now, in one BEGIN IMMEDIATE
 * transaction: the payment (pending) and its payment_created event; when
 * complete, also its completion (payment_completed, paid_cents) and, when
 * payments now cover the total, the order's move to completed with its own
 * order_updated event. tendered_cents: cash handed over (0: not given).
 * DB_NOTFOUND: no such order in the scope; DB_CONFLICT: payment.h's rules
 * refuse (out->refusal says why) — nothing is written then.
 */
enum db_status	db_payment_take(struct db *db, int64_t store_id, const char *number,
		    int64_t amount_cents, int method, int64_t tendered_cents, int complete,
		    int64_t user_id, int64_t now, struct db_payment_outcome *out /* OUT */);
/*
 * Completes, voids or refunds payment payment_id of order number (within
 * the scope) at now, in one transaction guarded by the payment's status:
 * of two cashiers completing the same payment at once, one wins and the
 * other gets DB_CONFLICT. Completing writes payment_completed and may
 * settle the order (as db_payment_take); refunding writes payment_refunded
 * and lowers paid_cents (a completed order stays completed: a return);
 * voiding writes no event (no money moved). DB_NOTFOUND: no such order or
 * payment in the scope; DB_CONFLICT: payment_after() refuses.
 */
enum db_status	db_payment_act(struct db *db, int64_t store_id, const char *number,
		    int64_t payment_id, enum payment_action action, int64_t now,
		    struct db_payment_outcome *out /* OUT */);

#endif
