/* admin_print.c — GET /admin/orders/{number}/print: an order's printable slip, A4 or an 80 mm receipt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_print.h"
#include "admin_view.h"
#include "app.h"
#include "db_orders.h"
#include "db_payments.h"
#include "db_stores.h"
#include "order.h"
#include "payment.h"
#include "role.h"
#include "store.h"
#include "view.h"

/* The shop's header: name, address, contact, VAT note from the store's settings. */
static struct json_object *
print_shop(struct app *app, struct http_request *rq, const struct store *st)
{
	struct json_object *jo = json_object_new_object();

	view_add_str(jo, "name", admin_view_store_name(app, rq, st->name));
	view_add_str(jo, "address", st->address);
	view_add_str(jo, "phone", st->phone);
	view_add_str(jo, "email", st->contact_email);
	view_add_str(jo, "vat_note", st->vat_note);
	return jo;
}

/* The payments (what they are, when) and what is paid and left to pay, into m. */
static void
print_payments(struct app *app, struct http_request *rq, struct json_object *m,
    const struct order *o, const struct db_payment *p, size_t n)
{
	struct json_object *arr = json_object_new_array(), *r;
	const char *lang = view_lang(app, rq);
	char key[64], at[64];
	int64_t paid = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		r = json_object_new_object();
		snprintf(key, sizeof key, "print.method_%s", payment_method_name(p[i].method));
		view_add_str(r, "method", view_text(app, rq, key));
		snprintf(key, sizeof key, "print.payment_%s", payment_status_name(p[i].status));
		view_add_str(r, "status", view_text(app, rq, key));
		i18n_datetime(at, sizeof at, (time_t)p[i].created_at, lang);
		view_add_str(r, "at", at);
		view_add_price(r, "amount", p[i].amount_cents, o->currency, lang);
		if (p[i].status == PAYMENT_COMPLETED)
			paid += p[i].amount_cents;
		json_object_array_add(arr, r);
	}
	json_object_object_add(m, "payments", arr);
	json_object_object_add(m, "has_payments", json_object_new_boolean(n > 0));
	view_add_price(m, "paid", paid, o->currency, lang);
	view_add_price(m, "balance", o->total_cents > paid ? o->total_cents - paid : 0,
	    o->currency, lang);
}

/* The order itself: number, date, status, customer, fulfilment, total, notes. */
static struct json_object *
print_order(struct app *app, struct http_request *rq, const struct order *o)
{
	struct json_object *jo = json_object_new_object();
	const char *lang = view_lang(app, rq);
	char buf[64];

	view_add_str(jo, "number", o->number);
	i18n_datetime(buf, sizeof buf, (time_t)o->created_at, lang);
	view_add_str(jo, "created_local", buf);
	view_add_str(jo, "status_label", admin_view_status_label(app, rq, o->status));
	view_add_str(jo, "customer_name", o->customer_name);
	view_add_str(jo, "email", o->email);
	view_add_str(jo, "phone", o->phone);
	view_add_str(jo, "notes", o->notes);
	view_add_price(jo, "total", o->total_cents, o->currency, lang);
	if (strcmp(o->fulfilment, "delivery") == 0) {
		struct json_object *d = json_object_new_object();

		view_add_str(d, "address", o->address);
		view_add_str(d, "postcode", o->postcode);
		view_add_str(d, "city", o->city);
		json_object_object_add(jo, "delivery", d);
	} else
		json_object_object_add(jo, "pickup", json_object_new_boolean(1));
	return jo;
}

/* GET /admin/orders/{number}/print[?format=receipt] */
static void
order_print(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct order o;
	struct store st;
	struct db_payment *p = NULL;
	struct json_object *m;
	const char *number = kv_get(&rq->params, "number");
	const char *format = kv_get(&rq->query, "format");
	int receipt = format != NULL && strcmp(format, "receipt") == 0;
	char path[96];
	size_t n = 0;
	enum db_status rc;

	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_SEE_ORDERS, "admin.orders_forbidden"))
		return;
	if (!order_number_valid(number)) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	rc = db_order_get(app->db, s.row.store_id, number, 1, &o);
	if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (rc != DB_OK || db_store_get(app->db, o.store_id, &st) != DB_OK ||
	    db_payments_list(app->db, o.id, &p, &n) != DB_OK) {
		view_unavailable(app, rq, rs);
		goto done;
	}
	store_defaults(&st, &app->cfg);
	m = json_object_new_object();
	json_object_object_add(m, "store", print_shop(app, rq, &st));
	json_object_object_add(m, "order", print_order(app, rq, &o));
	json_object_object_add(m, "items", admin_view_order_items(app, rq, &o));
	print_payments(app, rq, m, &o, p, n);
	view_add_str(m, "format", receipt ? "receipt" : "a4");
	if (receipt)
		json_object_object_add(m, "receipt", json_object_new_boolean(1));
	snprintf(path, sizeof path, "/admin/orders/%s", o.number);
	view_add_owned(m, "back_url", view_url(app, path));
	snprintf(path, sizeof path, "/admin/orders/%s/print%s", o.number,
	    receipt ? "" : "?format=receipt");
	view_add_owned(m, "other_url", view_url(app, path));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_print", m);
done:
	free(p);
	store_free(&st);
	order_clear(&o);
}

const struct route admin_print_routes[] = {
	{ "GET",  "/admin/orders/{number}/print",	order_print,	0 },
};
const size_t admin_print_nroutes = NELEM(admin_print_routes);
