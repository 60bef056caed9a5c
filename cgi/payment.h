/* payment.h — the till's rules: methods, statuses and their transitions, the balance, cash change, when payments settle or block an order. No I/O. */
#ifndef ORDERSYNC_PAYMENT_H
#define ORDERSYNC_PAYMENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * A leaf like order.h. Money is integer cents. An order's "paid" is the sum
 * of its completed payments (a refunded payment no longer counts); pending
 * payments reserve their amount until they are completed or voided, so two
 * terminals can never together take more than the order's total.
 */

enum payment_method {
	PAYMENT_CASH = 0,
	PAYMENT_CARD,
	PAYMENT_TRANSFER,
	PAYMENT_OTHER,
	PAYMENT_NMETHOD
};

enum payment_status {
	PAYMENT_PENDING = 0,
	PAYMENT_COMPLETED,
	PAYMENT_VOIDED,
	PAYMENT_REFUNDED,
	PAYMENT_NSTATUS
};

/* What a cashier does to a payment (the routes' last segment). */
enum payment_action {
	PAYMENT_COMPLETE = 0,	/* pending → completed */
	PAYMENT_VOID,		/* pending → voided */
	PAYMENT_REFUND		/* completed → refunded */
};

/* Names as stored and sent ("cash", "pending"); NULL when out of range. */
const char	*payment_method_name(int m);
const char	*payment_status_name(int s);
/* The method or status named name (may be NULL), or -1. */
int		 payment_method_parse(const char *name);
int		 payment_status_parse(const char *name);

/*
 * The status action takes a payment in status from to, or -1 when the
 * action does not apply (completing a voided or refunded payment, refunding
 * twice, voiding a completed one): a 409.
 */
int	payment_after(int from, enum payment_action action);

/* Why an amount cannot be taken (payment_check_amount). */
enum payment_refusal {
	PAYMENT_OK = 0,
	PAYMENT_NOT_OPEN,	/* the order is completed or cancelled */
	PAYMENT_ZERO,		/* amount <= 0 */
	PAYMENT_OVER,		/* more than the open balance */
	PAYMENT_TENDERED_SHORT	/* cash handed over is less than the amount */
};

/*
 * The balance still to collect: total − paid, never below 0. open is the
 * balance less what pending payments reserve: what a new payment may take.
 */
int64_t	payment_balance(int64_t total_cents, int64_t paid_cents);
int64_t	payment_open_balance(int64_t total_cents, int64_t paid_cents,
	    int64_t pending_cents);
/*
 * Whether a new payment of amount may be taken on an order in order_status
 * (enum order_status) with the given total, paid and pending sums; for
 * cash, tendered (0: not given) must cover the amount.
 */
enum payment_refusal payment_check_amount(int order_status, int64_t total_cents,
	    int64_t paid_cents, int64_t pending_cents, int64_t amount_cents,
	    int method, int64_t tendered_cents);
/* The change to give back for cash: tendered − amount (0 when not given). */
int64_t	payment_change(int64_t amount_cents, int64_t tendered_cents);

/*
 * 1 when an open order whose completed payments now reach its total moves
 * to completed in the same transaction (DESIGN.md: payments settle an
 * order from any open status); 0 otherwise.
 */
int	payment_settles(int order_status, int64_t total_cents, int64_t paid_cents);
/*
 * 1 when an order with paid cents of completed payments may be cancelled:
 * only once they are refunded (paid == 0). The caller answers 409 else.
 */
int	payment_cancellable(int64_t paid_cents);

/* The badge: "paid", "part" (part-paid) or "unpaid". */
const char *payment_badge(int64_t total_cents, int64_t paid_cents);

#endif
