/* admin_orders.c — the orders in the back office: one order's detail and its status changes (the list: admin_orders_list.c). */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_orders.h"
#include "admin_payments.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_orders.h"
#include "feed.h"
#include "payment.h"
#include "role.h"
#include "valid.h"
#include "view.h"

/* ---- one order ---- */

/* A payment event's "12,50 € · Espèces" (currency: the order's), or NULL. Caller frees. */
static char *
event_payment(struct app *app, struct http_request *rq, struct json_object *payload,
    const char *currency)
{
	struct json_object *p, *amount, *method, *tmp, *price;
	char key[48];
	char *s;

	if (!json_object_object_get_ex(payload, "payment", &p) ||
	    !json_object_object_get_ex(p, "amount_cents", &amount) ||
	    !json_object_object_get_ex(p, "method", &method))
		return NULL;
	tmp = json_object_new_object();
	view_add_price(tmp, "p", json_object_get_int64(amount), currency, view_lang(app, rq));
	json_object_object_get_ex(tmp, "p", &price);
	snprintf(key, sizeof key, "pay.method.%s", json_object_get_string(method));
	s = view_textf(app, rq, "pay.event", "amount", json_object_get_string(price),
	    "method", view_text(app, rq, key), (char *)NULL);
	json_object_put(tmp);
	return s;
}

/* One event of the order's history, newest first on the page. */
static struct json_object *
event_row(struct app *app, struct http_request *rq, const struct db_admin_event *ev,
    const char *currency)
{
	struct json_object *r = json_object_new_object(), *payload, *from, *to;
	char *paid;
	char key[48], buf[64];

	view_add_str(r, "type", ev->type);
	snprintf(key, sizeof key, "admin.event_%s", ev->type);
	view_add_str(r, "label", view_text(app, rq, key));
	view_add_time(r, "at", ev->created_at);
	i18n_datetime(buf, sizeof buf, (time_t)ev->created_at, view_lang(app, rq));
	view_add_str(r, "at_local", buf);
	payload = json_tokener_parse(ev->payload ? ev->payload : "");
	if (payload != NULL && json_object_object_get_ex(payload, "from", &from) &&
	    json_object_object_get_ex(payload, "to", &to) && from && to) {
		view_add_owned(r, "change", view_textf(app, rq, "admin.from_to",
		    "from", admin_view_status_label(app, rq,
		    order_status_parse(json_object_get_string(from))),
		    "to", admin_view_status_label(app, rq,
		    order_status_parse(json_object_get_string(to))), (char *)NULL));
	} else if (payload != NULL && (paid = event_payment(app, rq, payload, currency)) != NULL)
		view_add_owned(r, "change", paid);
	json_object_put(payload);
	return r;
}

/* The order itself as the detail page shows it. */
static struct json_object *
detail_order(struct app *app, struct http_request *rq, const struct order *o,
    int show_store)
{
	struct json_object *jo = json_object_new_object();
	const char *lang = view_lang(app, rq);
	char buf[64], path[64];

	view_add_str(jo, "number", o->number);
	view_add_owned(jo, "title", view_textf(app, rq, "admin.order_title",
	    "number", o->number, (char *)NULL));
	view_add_str(jo, "status", order_status_name(o->status));
	view_add_str(jo, "status_label", admin_view_status_label(app, rq, o->status));
	view_add_str(jo, "customer_name", o->customer_name);
	view_add_str(jo, "email", o->email);
	view_add_str(jo, "phone", o->phone);
	view_add_str(jo, "notes", o->notes);
	view_add_str(jo, "store_name", admin_view_store_name(app, rq, o->store_name));
	if (show_store)
		json_object_object_add(jo, "show_store", json_object_new_boolean(1));
	json_object_object_add(jo, "items_count", json_object_new_int64(o->items_count));
	json_object_object_add(jo, "total_cents", json_object_new_int64(o->total_cents));
	view_add_str(jo, "currency", o->currency);
	view_add_price(jo, "total", o->total_cents, o->currency, lang);
	view_add_str(jo, "fulfilment", o->fulfilment);
	if (strcmp(o->fulfilment, "delivery") == 0) {
		/* Where it goes; a pickup order has no address. */
		struct json_object *d = json_object_new_object();

		view_add_str(d, "address", o->address);
		view_add_str(d, "postcode", o->postcode);
		view_add_str(d, "city", o->city);
		json_object_object_add(jo, "delivery", d);
	}
	view_add_time(jo, "created_at", o->created_at);
	i18n_datetime(buf, sizeof buf, (time_t)o->created_at, lang);
	view_add_str(jo, "created_local", buf);
	view_add_time(jo, "updated_at", o->updated_at);
	i18n_datetime(buf, sizeof buf, (time_t)o->updated_at, lang);
	view_add_str(jo, "updated_local", buf);
	snprintf(path, sizeof path, "/admin/orders/%s/status", o->number);
	view_add_owned(jo, "status_url", view_url(app, path));
	return jo;
}

/* The workflow's next step and cancelling (apart, behind a confirmation), or why none. */
static void
detail_actions(struct app *app, struct http_request *rq, struct json_object *m,
    const struct order *o)
{
	struct json_object *arr = json_object_new_array(), *r;
	int to = order_next_step(o->status);
	char key[48];

	if (to >= 0) {
		r = json_object_new_object();
		view_add_str(r, "to", order_status_name(to));
		snprintf(key, sizeof key, "admin.to.%s", order_status_name(to));
		view_add_str(r, "label", view_text(app, rq, key));
		json_object_array_add(arr, r);
	}
	if (order_cancellable(o->status) && payment_cancellable(o->paid_cents))
		json_object_object_add(m, "can_cancel", json_object_new_boolean(1));
	else if (order_cancellable(o->status))	/* money taken: refund it first */
		view_add_str(m, "cancel_blocked", view_text(app, rq, "pay.cancel_paid"));
	if (order_status_final(o->status))
		view_add_owned(m, "final_text", view_textf(app, rq, "admin.final",
		    "status", admin_view_status_label(app, rq, o->status), (char *)NULL));
	json_object_object_add(m, "actions", arr);
}

static const struct valid_field detail_fields[] = {
	{ "changed", VALID_TEXT, 0, 1, 16, NULL },
	{ "payment", VALID_INT, 0, 1, LONG_MAX, NULL },	/* a payment form's redirect */
};

/* GET /admin/orders/{number} */
static void
order_detail(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct order o;
	struct db_admin_event *ev = NULL;
	struct json_object *m, *arr;
	const char *number = kv_get(&rq->params, "number");
	struct valid_result v;
	int changed, may_change;
	int64_t shown_payment;
	char path[64];
	size_t ne = 0, i;
	int64_t head, nstores = 1;
	enum db_status rc;

	memset(&o, 0, sizeof o);
	if (!auth_require(app, rq, rs, &s))
		return;
	if (!order_number_valid(number)) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	/* ?changed=STATUS: the status form's redirect, for its notice; anything else is ignored. */
	valid_form(detail_fields, NELEM(detail_fields), &rq->query, &v);
	changed = v.error[0] ? -1 : order_status_parse(v.text[0]);
	shown_payment = v.error[1] == NULL && v.present[1] ? v.num[1] : 0;
	valid_result_free(&v);
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK)
		goto unavailable;
	rc = db_order_get(app->db, s.row.store_id, number, 1, &o);
	if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (rc != DB_OK || db_admin_order_events(app->db, o.id, &ev, &ne) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK)
		goto unavailable;

	m = admin_view_page(app, rq, &s, "nav_orders", head);
	json_object_object_add(m, "order", detail_order(app, rq, &o,
	    s.row.store_id == DB_ALL_STORES && nstores > 1));
	json_object_object_add(m, "items", admin_view_order_items(app, rq, &o));
	arr = json_object_new_array();
	for (i = ne; i > 0; i--)	/* newest first */
		json_object_array_add(arr, event_row(app, rq, &ev[i - 1], o.currency));
	json_object_object_add(m, "events", arr);
	may_change = role_may(role_parse(s.row.role), s.row.store_id == DB_ALL_STORES,
	    RIGHT_CHANGE_ORDERS);
	if (may_change)
		detail_actions(app, rq, m, &o);
	if (admin_payments_detail(app, rq, m, &o, may_change, shown_payment) != 0) {
		json_object_put(m);
		goto unavailable;
	}
	if (changed >= 0 && changed == o.status)
		view_add_owned(m, "notice", view_textf(app, rq, "admin.status_changed",
		    "status", admin_view_status_label(app, rq, changed), (char *)NULL));
	view_add_owned(m, "back_url", view_url(app, "/admin/orders"));
	snprintf(path, sizeof path, "/admin/orders/%s", o.number);
	view_add_owned(m, "self_url", view_url(app, path));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_order", m);
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	order_clear(&o);
	db_admin_events_free(ev, ne);
}

enum { ST_STATUS, ST_RETURN, ST__MAX };
static const struct valid_field status_fields[ST__MAX] = {
	[ST_STATUS] = { "status", VALID_TEXT, 1, 1, 16, "admin.unknown_status" },
	[ST_RETURN] = { "return_to", VALID_TEXT, 0, 1, AUTH_NEXT_MAX, "admin.unknown_status" },
};

/* Where a status form goes back to: a back-office page it names, else the order. Caller frees. */
static char *
status_return(struct app *app, const char *back, const char *number, int to)
{
	char path[96];

	if (back != NULL && *back != '\0' && auth_next_ok(back) &&
	    (strcmp(back, "/admin") == 0 || strncmp(back, "/admin/", 7) == 0))
		return view_url(app, back);
	snprintf(path, sizeof path, "/admin/orders/%s?changed=%s", number,
	    order_status_name(to));
	return view_url(app, path);
}

/*
 * 1 when the session may change the status of order number; else answers
 * (another store's or no order: 404; a role without the right, such as a
 * seller, on an order of their scope: 403) and returns 0.
 */
static int
status_allowed(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, const char *number)
{
	struct order o;
	enum db_status rc;

	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    RIGHT_CHANGE_ORDERS))
		return 1;
	rc = db_order_get(app->db, s->row.store_id, number, 0, &o);
	if (rc == DB_OK) {
		order_clear(&o);
		view_fail(app, rq, rs, 403, "forbidden", "admin.status_forbidden");
	} else if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
	} else {
		view_unavailable(app, rq, rs);
	}
	return 0;
}

/* POST /admin/orders/{number}/status: form status, csrf, return_to?. */
static void
order_status(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	const char *number = kv_get(&rq->params, "number");
	char *msg, *loc;
	enum db_status rc;
	int to, from;

	if (!auth_require(app, rq, rs, &s) || !auth_require_csrf(app, rq, rs, &s))
		return;
	if (!order_number_valid(number)) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (!status_allowed(app, rq, rs, &s, number))
		return;
	valid_request(status_fields, ST__MAX, rq, &v);
	if (v.error[ST_STATUS] != NULL ||
	    (to = order_status_parse(v.text[ST_STATUS])) < 0) {
		view_fail(app, rq, rs, 400, "bad_status", "admin.unknown_status");
		goto done;
	}
	rc = db_order_set_status(app->db, s.row.store_id, number, to,
	    (int64_t)time(NULL), &from);
	if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		goto done;
	}
	if (rc == DB_PAID) {
		view_fail(app, rq, rs, 409, "paid", "pay.cancel_paid");
		goto done;
	}
	if (rc == DB_CONFLICT) {
		msg = view_textf(app, rq, "admin.bad_transition",
		    "from", admin_view_status_label(app, rq, from >= 0 ? from : ORDER_PENDING),
		    "to", admin_view_status_label(app, rq, to), (char *)NULL);
		view_error(app, rq, rs, 409, "bad_transition", msg);
		free(msg);
		goto done;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		goto done;
	}
	log_msg(&app->log, LOG_INFO, "admin: order %s %s -> %s", number,
	    order_status_name(from), order_status_name(to));
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		view_add_str(m, "number", number);
		view_add_str(m, "from", order_status_name(from));
		view_add_str(m, "status", order_status_name(to));
		view_json(rs, 200, m);
		goto done;
	}
	loc = status_return(app, v.error[ST_RETURN] ? NULL : v.text[ST_RETURN], number, to);
	http_redirect(rs, 303, loc);
	free(loc);
done:
	valid_result_free(&v);
}

const struct route admin_orders_routes[] = {
	{ "GET",  "/admin/orders/{number}",		order_detail,	0 },
	{ "POST", "/admin/orders/{number}/status",	order_status,	0 },
};
const size_t admin_orders_nroutes = NELEM(admin_orders_routes);
