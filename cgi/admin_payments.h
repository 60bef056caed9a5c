/* admin_payments.h — payments at the till: taking, confirming, voiding and refunding an order's payments, and the order page's payments section. */
#ifndef ORDERSYNC_ADMIN_PAYMENTS_H
#define ORDERSYNC_ADMIN_PAYMENTS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "http.h"
#include "order.h"
#include "router.h"

struct app;

/* POST /admin/orders/{number}/payments and …/payments/{id}/complete|void|refund; listed by main.c. */
extern const struct route	admin_payments_routes[];
extern const size_t		admin_payments_nroutes;

/*
 * Adds the payments of order o to the order page's model m: "payments"
 * (each with its words, and its buttons when may_change), "paid_cents",
 * "balance_cents", "pay" (paid, balance, badge, and the "Take payment"
 * form's values when may_change and money is still open), and, when
 * shown_id names one of them, a notice of it (its amount and the change to
 * give). Returns 0, or -1 when the database failed (m unchanged then but
 * for what was added; the caller answers 503).
 */
int	admin_payments_detail(struct app *app, struct http_request *rq,
	    struct json_object *m, const struct order *o, int may_change,
	    int64_t shown_id);

#endif
