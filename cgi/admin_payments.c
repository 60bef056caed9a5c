/* admin_payments.c — payments at the till: taking, confirming, voiding and refunding an order's payments, and the order page's payments section. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_payments.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_orders.h"
#include "db_payments.h"
#include "payment.h"
#include "product.h"
#include "role.h"
#include "valid.h"
#include "view.h"

/* ---- answers ---- */

/* The payment's method or status in the request's language ("Espèces", "Reçu"). */
static const char *
word(struct app *app, struct http_request *rq, const char *kind, const char *name)
{
	char key[64];

	snprintf(key, sizeof key, "pay.%s.%s", kind, name != NULL ? name : "");
	return view_text(app, rq, key);
}

/* The JSON answer of a payment change: {"payment": {…}, "order": {…}}. */
static struct json_object *
outcome_json(const char *number, const struct db_payment_outcome *out)
{
	struct json_object *m = json_object_new_object(), *p, *o;
	const struct db_payment *y = &out->payment;
	const struct db_till *t = &out->till;

	p = json_object_new_object();
	json_object_object_add(p, "id", json_object_new_int64(y->id));
	json_object_object_add(p, "amount_cents", json_object_new_int64(y->amount_cents));
	view_add_str(p, "method", payment_method_name(y->method));
	view_add_str(p, "status", payment_status_name(y->status));
	if (y->tendered_cents > 0) {
		json_object_object_add(p, "tendered_cents", json_object_new_int64(y->tendered_cents));
		json_object_object_add(p, "change_cents",
		    json_object_new_int64(payment_change(y->amount_cents, y->tendered_cents)));
	}
	json_object_object_add(m, "payment", p);
	o = json_object_new_object();
	view_add_str(o, "number", number);
	view_add_str(o, "status", order_status_name(t->order_status));
	json_object_object_add(o, "total_cents", json_object_new_int64(t->total_cents));
	json_object_object_add(o, "paid_cents", json_object_new_int64(t->paid_cents));
	json_object_object_add(o, "balance_cents",
	    json_object_new_int64(payment_balance(t->total_cents, t->paid_cents)));
	json_object_object_add(m, "order", o);
	return m;
}

/* Success: the object for a JSON client (status), else 303 to the order page naming the payment. */
static void
answer_done(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *number, const struct db_payment_outcome *out, int status)
{
	char path[96], *loc;

	if (rq->wants_json) {
		view_json(rs, status, outcome_json(number, out));
		return;
	}
	snprintf(path, sizeof path, "/admin/orders/%s?payment=%" PRId64 "#payments", number,
	    out->payment.id);
	loc = view_url(app, path);
	http_redirect(rs, 303, loc);
	free(loc);
}

/* 422 naming the field (JSON: {"error": "invalid", "message", "fields": {field: message}}). */
static void
invalid(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *field, const char *key)
{
	struct json_object *m, *f;

	if (!rq->wants_json) {
		view_fail(app, rq, rs, 422, "invalid", key);
		return;
	}
	m = json_object_new_object();
	view_add_str(m, "error", "invalid");
	view_add_str(m, "message", view_text(app, rq, key));
	f = json_object_new_object();
	view_add_str(f, field, view_text(app, rq, key));
	json_object_object_add(m, "fields", f);
	view_json(rs, 422, m);
}

/* A formatted amount in the order's currency for the request's language. Static buffer of the caller. */
static void
money(struct app *app, struct http_request *rq, char *out, size_t outsz, int64_t cents,
    const char *currency)
{
	struct json_object *tmp = json_object_new_object(), *v;

	view_add_price(tmp, "p", cents, currency, view_lang(app, rq));
	json_object_object_get_ex(tmp, "p", &v);
	snprintf(out, outsz, "%s", json_object_get_string(v));
	json_object_put(tmp);
}

/* The 409 for a take that payment.h's rules refused, naming why. */
static void
refused_take(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct db_payment_outcome *out, const char *currency)
{
	const struct db_till *t = &out->till;
	char open[64], *msg;

	switch (out->refusal) {
	case PAYMENT_NOT_OPEN:
		msg = view_textf(app, rq, "pay.errors.not_open", "status",
		    admin_view_status_label(app, rq, t->order_status), (char *)NULL);
		view_error(app, rq, rs, 409, "order_closed", msg);
		free(msg);
		return;
	case PAYMENT_OVER:
		money(app, rq, open, sizeof open, payment_open_balance(t->total_cents,
		    t->paid_cents, t->pending_cents), currency);
		msg = view_textf(app, rq, "pay.errors.over", "open", open, (char *)NULL);
		view_error(app, rq, rs, 409, "over_balance", msg);
		free(msg);
		return;
	case PAYMENT_ZERO:
		view_fail(app, rq, rs, 409, "nothing_open", "pay.errors.nothing_open");
		return;
	case PAYMENT_TENDERED_SHORT:
		view_fail(app, rq, rs, 409, "tendered_short", "pay.errors.tendered_short");
		return;
	case PAYMENT_OK:
		break;
	}
	view_fail(app, rq, rs, 409, "refused", "pay.errors.changed");
}

/* ---- the routes ---- */

/*
 * The session, when it may take payments on order number; else answers
 * (not signed in, bad CSRF, no such order or another store's: 404; a role
 * without the right, a seller, on an order of its scope: 403) and returns 0.
 */
static int
allowed(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *s, const char *number, char currency[4])
{
	struct order o;
	enum db_status rc;

	if (!auth_require(app, rq, rs, s) || !auth_require_csrf(app, rq, rs, s))
		return 0;
	if (!order_number_valid(number)) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return 0;
	}
	rc = db_order_get(app->db, s->row.store_id, number, 0, &o);
	if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return 0;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return 0;
	}
	snprintf(currency, 4, "%s", o.currency);
	order_clear(&o);
	if (!role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    RIGHT_CHANGE_ORDERS)) {
		view_fail(app, rq, rs, 403, "forbidden", "pay.errors.forbidden");
		return 0;
	}
	return 1;
}

enum { P_AMOUNT, P_METHOD, P_COMPLETE, P_TENDERED, P__MAX };
static const struct valid_field take_fields[P__MAX] = {
	[P_AMOUNT]   = { "amount", VALID_TEXT, 0, 0, 16, "pay.errors.amount" },
	[P_METHOD]   = { "method", VALID_TEXT, 1, 1, 16, "pay.errors.method" },
	[P_COMPLETE] = { "complete", VALID_INT, 0, 0, 1, "pay.errors.complete" },
	[P_TENDERED] = { "tendered", VALID_TEXT, 0, 0, 16, "pay.errors.tendered" },
};

/* What a take asks for, validated. */
struct take_input {
	int64_t	amount;		/* 0: the open balance */
	int	method;
	int	complete;
	int64_t	tendered;	/* 0: not given */
};

/* Reads the take's fields into in; 0, or answers 422 naming the field and returns -1. */
static int
take_read(struct app *app, struct http_request *rq, struct http_response *rs,
    struct take_input *in)
{
	struct valid_result v;
	int rc = -1;

	memset(in, 0, sizeof *in);
	valid_request(take_fields, P__MAX, rq, &v);
	if (v.error[P_AMOUNT] != NULL || (v.text[P_AMOUNT][0] != '\0' &&
	    (product_price_parse(v.text[P_AMOUNT], &in->amount) != 0 || in->amount <= 0)))
		invalid(app, rq, rs, "amount", "pay.errors.amount");
	else if (v.error[P_METHOD] != NULL ||
	    (in->method = payment_method_parse(v.text[P_METHOD])) < 0)
		invalid(app, rq, rs, "method", "pay.errors.method");
	else if (v.error[P_COMPLETE] != NULL)
		invalid(app, rq, rs, "complete", "pay.errors.complete");
	else if (v.error[P_TENDERED] != NULL || (in->method == PAYMENT_CASH &&
	    v.text[P_TENDERED][0] != '\0' &&
	    (product_price_parse(v.text[P_TENDERED], &in->tendered) != 0 || in->tendered <= 0)))
		invalid(app, rq, rs, "tendered", "pay.errors.tendered");
	else {
		in->complete = v.present[P_COMPLETE] && v.num[P_COMPLETE] == 1;
		rc = 0;
	}
	valid_result_free(&v);
	return rc;
}

/* POST /admin/orders/{number}/payments: amount?, method, complete?, tendered?, csrf. */
static void
payment_take(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *number = kv_get(&rq->params, "number");
	struct db_payment_outcome out;
	struct auth_session s;
	struct take_input in;
	enum db_status rc;
	char currency[4];

	if (!allowed(app, rq, rs, &s, number, currency) || take_read(app, rq, rs, &in) != 0)
		return;
	rc = db_payment_take(app->db, s.row.store_id, number, in.amount, in.method,
	    in.tendered, in.complete, s.row.user_id, (int64_t)time(NULL), &out);
	if (rc == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
	else if (rc == DB_CONFLICT)
		refused_take(app, rq, rs, &out, currency);
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else {
		log_msg(&app->log, LOG_INFO, "till: order %s payment %" PRId64 " %s %" PRId64
		    " %s%s", number, out.payment.id, payment_method_name(in.method),
		    out.payment.amount_cents, payment_status_name(out.payment.status),
		    out.settled ? ", order completed" : "");
		answer_done(app, rq, rs, number, &out, 201);
	}
}

/* The 409 for an action on a payment in the wrong status, naming the status. */
static void
refused_act(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct db_payment *y, enum payment_action action)
{
	static const char *const keys[] = {
		[PAYMENT_COMPLETE] = "pay.errors.cannot_complete",
		[PAYMENT_VOID] = "pay.errors.cannot_void",
		[PAYMENT_REFUND] = "pay.errors.cannot_refund",
	};
	char *msg;

	/* Its status allowed the action when read: someone changed it meanwhile. */
	if (payment_after(y->status, action) >= 0) {
		view_fail(app, rq, rs, 409, "changed", "pay.errors.changed");
		return;
	}
	msg = view_textf(app, rq, keys[action], "status",
	    word(app, rq, "status", payment_status_name(y->status)), (char *)NULL);
	view_error(app, rq, rs, 409, "bad_payment_status", msg);
	free(msg);
}

/* POST /admin/orders/{number}/payments/{id}/{complete,void,refund}: csrf. */
static void
payment_act(struct app *app, struct http_request *rq, struct http_response *rs,
    enum payment_action action)
{
	const char *number = kv_get(&rq->params, "number"), *sid = kv_get(&rq->params, "id");
	struct db_payment_outcome out;
	struct auth_session s;
	enum db_status rc;
	char currency[4];
	long id;

	if (!allowed(app, rq, rs, &s, number, currency))
		return;
	if (sid == NULL || !valid_int(sid, 1, LONG_MAX, &id)) {
		view_fail(app, rq, rs, 404, "not_found", "pay.errors.not_found");
		return;
	}
	rc = db_payment_act(app->db, s.row.store_id, number, id, action,
	    (int64_t)time(NULL), &out);
	if (rc == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "pay.errors.not_found");
	else if (rc == DB_CONFLICT)
		refused_act(app, rq, rs, &out.payment, action);
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else {
		log_msg(&app->log, LOG_INFO, "till: order %s payment %ld %s%s", number, id,
		    payment_status_name(out.payment.status),
		    out.settled ? ", order completed" : "");
		answer_done(app, rq, rs, number, &out, 200);
	}
}

static void
payment_complete(struct app *app, struct http_request *rq, struct http_response *rs)
{
	payment_act(app, rq, rs, PAYMENT_COMPLETE);
}

static void
payment_void(struct app *app, struct http_request *rq, struct http_response *rs)
{
	payment_act(app, rq, rs, PAYMENT_VOID);
}

static void
payment_refund(struct app *app, struct http_request *rq, struct http_response *rs)
{
	payment_act(app, rq, rs, PAYMENT_REFUND);
}

const struct route admin_payments_routes[] = {
	{ "POST", "/admin/orders/{number}/payments",			payment_take,	0 },
	{ "POST", "/admin/orders/{number}/payments/{id}/complete",	payment_complete, 0 },
	{ "POST", "/admin/orders/{number}/payments/{id}/void",		payment_void,	0 },
	{ "POST", "/admin/orders/{number}/payments/{id}/refund",	payment_refund,	0 },
};
const size_t admin_payments_nroutes = NELEM(admin_payments_routes);

/* ---- the order page's section ---- */

/* One payment as the order page lists it (and as JSON clients get it). */
static struct json_object *
payment_row(struct app *app, struct http_request *rq, const struct order *o,
    const struct db_payment *y, int may_change)
{
	struct json_object *r = json_object_new_object();
	const char *lang = view_lang(app, rq);
	char buf[64], path[128];

	json_object_object_add(r, "id", json_object_new_int64(y->id));
	json_object_object_add(r, "amount_cents", json_object_new_int64(y->amount_cents));
	view_add_str(r, "method", payment_method_name(y->method));
	view_add_str(r, "status", payment_status_name(y->status));
	json_object_object_add(r, "tendered_cents", json_object_new_int64(y->tendered_cents));
	view_add_str(r, "by", y->by);
	view_add_time(r, "created_at", y->created_at);
	view_add_price(r, "amount", y->amount_cents, o->currency, lang);
	view_add_str(r, "method_label", word(app, rq, "method", payment_method_name(y->method)));
	view_add_str(r, "status_label", word(app, rq, "status", payment_status_name(y->status)));
	i18n_datetime(buf, sizeof buf, (time_t)y->created_at, lang);
	view_add_str(r, "created_local", buf);
	if (!may_change)
		return r;
	snprintf(path, sizeof path, "/admin/orders/%s/payments/%" PRId64, o->number, y->id);
	view_add_owned(r, "url", view_url(app, path));
	if (y->status == PAYMENT_PENDING)
		json_object_object_add(r, "can_settle", json_object_new_boolean(1));
	if (y->status == PAYMENT_COMPLETED)
		json_object_object_add(r, "can_refund", json_object_new_boolean(1));
	return r;
}

/* The "Take payment" form's values: the open balance pre-filled, the methods. */
static struct json_object *
take_form(struct app *app, struct http_request *rq, const struct order *o, int64_t open)
{
	struct json_object *f = json_object_new_object(), *arr = json_object_new_array(), *m;
	char buf[32], path[64];
	int i;

	product_price_input(buf, sizeof buf, open, view_lang(app, rq));
	view_add_str(f, "amount", buf);
	json_object_object_add(f, "open_cents", json_object_new_int64(open));
	view_add_price(f, "open", open, o->currency, view_lang(app, rq));
	for (i = 0; i < PAYMENT_NMETHOD; i++) {
		m = json_object_new_object();
		view_add_str(m, "value", payment_method_name(i));
		view_add_str(m, "label", word(app, rq, "method", payment_method_name(i)));
		if (i == PAYMENT_CASH)
			json_object_object_add(m, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, m);
	}
	json_object_object_add(f, "methods", arr);
	snprintf(path, sizeof path, "/admin/orders/%s/payments", o->number);
	view_add_owned(f, "url", view_url(app, path));
	return f;
}

/* The notice for the payment the page was sent back to: what was done, and the change for cash. */
static char *
shown_notice(struct app *app, struct http_request *rq, const struct order *o,
    const struct db_payment *y)
{
	char amount[64], change[64];
	const char *key;

	money(app, rq, amount, sizeof amount, y->amount_cents, o->currency);
	if (y->status == PAYMENT_COMPLETED && y->method == PAYMENT_CASH &&
	    payment_change(y->amount_cents, y->tendered_cents) > 0) {
		money(app, rq, change, sizeof change,
		    payment_change(y->amount_cents, y->tendered_cents), o->currency);
		return view_textf(app, rq, "pay.notice_change", "amount", amount,
		    "change", change, (char *)NULL);
	}
	key = y->status == PAYMENT_PENDING ? "pay.notice_pending" :
	    y->status == PAYMENT_COMPLETED ? "pay.notice_completed" :
	    y->status == PAYMENT_VOIDED ? "pay.notice_voided" : "pay.notice_refunded";
	return view_textf(app, rq, key, "amount", amount, (char *)NULL);
}

int
admin_payments_detail(struct app *app, struct http_request *rq, struct json_object *m,
    const struct order *o, int may_change, int64_t shown_id)
{
	struct db_payment *v = NULL;
	struct json_object *arr, *pay;
	const char *lang = view_lang(app, rq), *badge;
	int64_t pending = 0, balance, open;
	char key[32];
	size_t n = 0, i;

	if (db_payments_list(app->db, o->id, &v, &n) != DB_OK)
		return -1;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		if (v[i].status == PAYMENT_PENDING)
			pending += v[i].amount_cents;
		json_object_array_add(arr, payment_row(app, rq, o, &v[i], may_change));
		if (v[i].id == shown_id)
			view_add_owned(m, "pay_notice", shown_notice(app, rq, o, &v[i]));
	}
	json_object_object_add(m, "payments", arr);
	balance = payment_balance(o->total_cents, o->paid_cents);
	open = payment_open_balance(o->total_cents, o->paid_cents, pending);
	json_object_object_add(m, "paid_cents", json_object_new_int64(o->paid_cents));
	json_object_object_add(m, "balance_cents", json_object_new_int64(balance));
	pay = json_object_new_object();
	view_add_price(pay, "paid", o->paid_cents, o->currency, lang);
	view_add_price(pay, "balance", balance, o->currency, lang);
	if (pending > 0)
		view_add_price(pay, "pending", pending, o->currency, lang);
	badge = payment_badge(o->total_cents, o->paid_cents);
	view_add_str(pay, "badge", badge);
	snprintf(key, sizeof key, "pay.badge.%s", badge);
	view_add_str(pay, "badge_label", view_text(app, rq, key));
	if (n > 0)
		json_object_object_add(pay, "has_payments", json_object_new_boolean(1));
	if (may_change && !order_status_final(o->status) && open > 0)
		json_object_object_add(pay, "take", take_form(app, rq, o, open));
	json_object_object_add(m, "pay", pay);
	free(v);
	return 0;
}
