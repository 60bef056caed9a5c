/* checkout.c — the web checkout (POST /checkout) and the customer's order page and its status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cart.h"
#include "checkout.h"
#include "order_input.h"
#include "db_shop.h"
#include "db_orders.h"
#include "valid.h"
#include "store.h"
#include "view.h"

/* ---- shared pieces ---- */

/* The same 404 for a missing order and a wrong token: nothing is revealed. */
static void
order_not_found(struct app *app, struct http_request *rq, struct http_response *rs)
{
	view_error(app, rq, rs, 404, "not_found", view_text(app, rq, "error.not_found"));
}

/*
 * Loads the order of the route's {number} when the query's t is its access
 * token (compared in constant time). Returns DB_OK, DB_NOTFOUND (also for a
 * malformed number or a wrong token), or DB_BUSY/DB_ERROR.
 */
/* The order page's query: t, the order's access token. */
static const struct valid_field access_fields[] = {
	{ "t", VALID_TOKEN, 1, 2 * ORDER_TOKEN_BYTES, 2 * ORDER_TOKEN_BYTES, NULL },
};

static enum db_status
order_for_request(struct app *app, struct http_request *rq, int with_items,
    struct order *o)
{
	const char *number = kv_get(&rq->params, "number");
	struct valid_result v;
	enum db_status rc = DB_NOTFOUND;

	memset(o, 0, sizeof *o);
	if (valid_form(access_fields, NELEM(access_fields), &rq->query, &v) != 0 ||
	    !order_number_valid(number))
		goto out;
	if ((rc = db_order_get(app->db, rq->store->id, number, with_items, o)) != DB_OK)
		goto out;
	if (!util_secret_eq(o->access_token, v.text[0])) {
		order_clear(o);
		rc = DB_NOTFOUND;
	}
out:
	valid_result_free(&v);
	return rc;
}

static void
redirect_to_order(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *number, const char *token)
{
	char *shop = view_shop_url(app, rq, "");
	char *url = order_url(shop, number, token);

	http_redirect(rs, 303, url);
	free(url);
	free(shop);
}

/* ---- POST /checkout ---- */

/* The cart page again with a notice, and the checkout form as posted (open or not). */
static void
checkout_again(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const struct shop_cart *cart, const struct valid_result *v,
    int open, const char *notice)
{
	struct json_object *m, *co, *values, *errors, *n;
	size_t i;

	if (cart_model(app, rq, cart, &m) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (json_object_object_get_ex(m, "checkout", &co)) {
		values = json_object_new_object();
		errors = json_object_new_object();
		for (i = 0; v != NULL && i < ORDER_IN__MAX; i++) {
			json_object_object_add(values, order_input_fields[i].name,
			    json_object_new_string(v->text[i] ? v->text[i] : ""));
			if (v->error[i])
				json_object_object_add(errors, order_input_fields[i].name,
				    json_object_new_string(view_text(app, rq, v->error[i])));
		}
		json_object_object_add(co, "open", json_object_new_boolean(open));
		if (v != NULL && v->text[ORDER_IN_FULFILMENT] != NULL &&
		    strcmp(v->text[ORDER_IN_FULFILMENT], "delivery") == 0)
			json_object_object_add(co, "is_delivery", json_object_new_boolean(1));
		json_object_object_add(co, "values", values);
		json_object_object_add(co, "errors", errors);
		if (v != NULL && v->nerrors > 0)
			json_object_object_add(co, "summary",
			    json_object_new_string(view_text(app, rq, "checkout.errors.summary")));
	}
	if (notice != NULL) {
		n = json_object_new_object();
		json_object_object_add(n, "error", json_object_new_string(notice));
		json_object_object_add(m, "notice", n);
	}
	if (rq->wants_json) {
		json_object_object_add(m, "error", json_object_new_string(
		    status == 409 ? "out_of_stock" : "invalid"));
		if (notice != NULL)
			json_object_object_add(m, "message", json_object_new_string(notice));
	}
	http_add_header(rs, "Cache-Control", "private, no-store");
	view_render(app, rq, rs, status, "cart", m);
}

static void
checkout_forbidden(struct app *app, struct http_request *rq, struct http_response *rs)
{
	view_error(app, rq, rs, 403, "forbidden", view_text(app, rq, "checkout.errors.token"));
}

/*
 * Redirects to the order a form's idempotency key already names, if any:
 * DB_OK when it did, DB_NOTFOUND when there is none, else a db error.
 */
static enum db_status
twin_order(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *key)
{
	char number[24], access[65];
	enum db_status rc;

	if ((rc = db_shop_order_by_key(app->db, key, number, access, NULL)) == DB_OK)
		redirect_to_order(app, rq, rs, number, access);
	return rc;
}

/* What the checkout answers once the transaction has decided. */
static void
checkout_answer(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct shop_cart *cart, const struct valid_result *v,
    const struct shop_checkout_result *res)
{
	char *msg;

	switch (res->outcome) {
	case SHOP_CREATED:
		log_msg(&app->log, LOG_INFO, "order %s created from the web checkout",
		    res->number);
		/* FALLTHROUGH */
	case SHOP_REPLAY:
	case SHOP_KEY_REUSED:
		redirect_to_order(app, rq, rs, res->number, res->access_token);
		break;
	case SHOP_BAD_TOKEN:
		checkout_forbidden(app, rq, rs);
		break;
	case SHOP_EMPTY:
		checkout_again(app, rq, rs, 422, cart, NULL, 0,
		    view_text(app, rq, "checkout.errors.empty"));
		break;
	case SHOP_SHORT:
	case SHOP_UNKNOWN:
		msg = view_textf(app, rq, res->available > 0 ? "checkout.errors.stock" :
		    "checkout.errors.sold_out", "name", res->product,
		    "n", UTIL_I64(res->available), (char *)NULL);
		checkout_again(app, rq, rs, 409, cart, v, 0, msg);
		free(msg);
		break;
	}
}

/* The form token: the cart's checkout token (a CSRF token and idempotency key). */
static const struct valid_field token_fields[] = {
	{ "form_token", VALID_TOKEN, 1, 2 * ORDER_CART_BYTES, 2 * ORDER_CART_BYTES, NULL },
};

/*
 * The checks before the transaction: the origin, the form token, the cart it
 * belongs to and its lines. A double-clicked twin of this post may commit the
 * order at any moment (rotating the cart's token and emptying it), so a stale
 * token or an empty cart first asks whether that happened. Returns 1 with
 * *cart loaded when the checkout may go on; 0 when rs holds the answer.
 */
static int
checkout_ready(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *token, const char *key, struct shop_cart *cart)
{
	enum db_status rc;
	int found, count;

	/* The same form posted again (double click, back and resubmit): its order. */
	if ((rc = twin_order(app, rq, rs, key)) == DB_OK)
		return 0;
	if (rc != DB_NOTFOUND || cart_load(app, rq, cart, &found) != DB_OK)
		goto unavailable;
	if (!found || !util_secret_eq(cart->form_token, token)) {
		if ((rc = twin_order(app, rq, rs, key)) == DB_NOTFOUND)
			checkout_forbidden(app, rq, rs);
		else if (rc != DB_OK)
			goto unavailable;
		return 0;
	}
	if (db_shop_cart_count(app->db, cart->id, &count) != DB_OK)
		goto unavailable;
	if (count > 0)
		return 1;
	if ((rc = twin_order(app, rq, rs, key)) == DB_NOTFOUND)
		checkout_again(app, rq, rs, 422, cart, NULL, 0,
		    view_text(app, rq, "checkout.errors.empty"));
	else if (rc != DB_OK)
		goto unavailable;
	return 0;
unavailable:
	view_unavailable(app, rq, rs);
	return 0;
}

/*
 * POST /checkout: name, email, phone?, notes?, fulfilment?, address,
 * postcode, city (delivery), form_token → 303 /orders/{number}?t=….
 */
static void
checkout_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct shop_cart cart;
	struct valid_result t, v;
	enum store_fulfilment how;
	char key[80];

	memset(&t, 0, sizeof t);
	memset(&v, 0, sizeof v);
	memset(&res, 0, sizeof res);
	if (!http_origin_ok(rq) || valid_form(token_fields, NELEM(token_fields),
	    &rq->form, &t) != 0) {
		checkout_forbidden(app, rq, rs);
		goto out;
	}
	snprintf(key, sizeof key, "form:%s", t.text[0]);
	if (!checkout_ready(app, rq, rs, t.text[0], key, &cart))
		goto out;
	order_input_form(&rq->form, &v);
	if (order_input_form_fulfilment(rq->store->fulfilment, &v, &how) != 0) {
		checkout_again(app, rq, rs, 422, &cart, &v, 1, NULL);
		goto out;
	}
	memset(&co, 0, sizeof co);
	co.store_id = rq->store->id;
	co.cart_id = cart.id;
	co.form_token = t.text[0];
	co.idempotency_key = key;
	co.name = v.text[ORDER_IN_NAME];
	co.email = v.text[ORDER_IN_EMAIL];
	co.phone = v.text[ORDER_IN_PHONE];
	co.notes = v.text[ORDER_IN_NOTES];
	co.currency = rq->store->currency;
	co.source = "web";
	co.fulfilment = store_fulfilment_name(how);
	co.address = v.text[ORDER_IN_ADDRESS];
	co.postcode = v.text[ORDER_IN_POSTCODE];
	co.city = v.text[ORDER_IN_CITY];
	co.language = view_lang(app, rq);
	if (db_shop_checkout(app->db, &co, &res) != DB_OK)
		view_unavailable(app, rq, rs);
	else
		checkout_answer(app, rq, rs, &cart, &v, &res);
out:
	shop_checkout_result_free(&res);
	valid_result_free(&t);
	valid_result_free(&v);
}

/* ---- the confirmation page and its status ---- */

/*
 * The locale key of a status's label or help (kind "status" or "help") into
 * key: a delivery order's "ready" reads "Out for delivery" (DESIGN.md "Data").
 */
static void
status_key(char *key, size_t n, const char *kind, int status, int delivery)
{
	snprintf(key, n, "order.%s.%s%s", kind, order_status_name(status),
	    delivery && status == ORDER_READY ? "_delivery" : "");
}

/*
 * What the order page's script needs to follow the status without a copy of
 * the workflow: {"pending": {"label", "help", "final"}, …} as JSON text for
 * a data-* attribute, in the words of the order's fulfilment (delivery).
 * A new string owned by the returned json object.
 */
static struct json_object *
statuses_json(struct app *app, struct http_request *rq, int delivery)
{
	struct json_object *all = json_object_new_object(), *one, *ret;
	char key[48];
	int s;

	for (s = 0; s < ORDER_NSTATUS; s++) {
		one = json_object_new_object();
		status_key(key, sizeof key, "status", s, delivery);
		json_object_object_add(one, "label", json_object_new_string(view_text(app, rq, key)));
		status_key(key, sizeof key, "help", s, delivery);
		json_object_object_add(one, "help", json_object_new_string(view_text(app, rq, key)));
		json_object_object_add(one, "final",
		    json_object_new_boolean(order_status_final(s)));
		json_object_object_add(all, order_status_name(s), one);
	}
	ret = json_object_new_string(json_object_to_json_string_ext(all,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	return ret;
}

/* GET /orders/{number}?t=…: the order, its status kept live by order-status.js. */
static void
order_page(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct order o;
	struct shop_cart cart;
	struct json_object *m, *oj, *items, *it, *c;
	char key[48], when[64], *url, *shop;
	int found, count = 0, delivery;
	size_t i;
	enum db_status rc;

	if ((rc = order_for_request(app, rq, 1, &o)) == DB_NOTFOUND) {
		order_not_found(app, rq, rs);
		return;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (cart_load(app, rq, &cart, &found) != DB_OK ||
	    (found && db_shop_cart_count(app->db, cart.id, &count) != DB_OK)) {
		order_clear(&o);
		view_unavailable(app, rq, rs);
		return;
	}
	delivery = strcmp(o.fulfilment, "delivery") == 0;
	m = json_object_new_object();
	shop = view_shop_url(app, rq, "");
	oj = order_json(&o, shop);
	if (!rq->wants_json) {
		/* What the page shows beside the data: words and formatted numbers. */
		json_object_object_get_ex(oj, "items", &items);
		for (i = 0; i < o.nitems; i++) {
			it = json_object_array_get_idx(items, i);
			json_object_object_add(it, "price",
			    view_price(app, rq, o.items[i].unit_price_cents));
			json_object_object_get_ex(it, "line_total_cents", &c);
			json_object_object_add(it, "line_total", view_price(app, rq,
			    json_object_get_int64(c)));
		}
		json_object_object_add(oj, "total", view_price(app, rq, o.total_cents));
		status_key(key, sizeof key, "status", o.status, delivery);
		json_object_object_add(oj, "status_label",
		    json_object_new_string(view_text(app, rq, key)));
		status_key(key, sizeof key, "help", o.status, delivery);
		json_object_object_add(oj, "status_help",
		    json_object_new_string(view_text(app, rq, key)));
		json_object_object_add(oj, "statuses_json", statuses_json(app, rq, delivery));
		i18n_datetime(when, sizeof when, (time_t)o.created_at, view_lang(app, rq));
		json_object_object_add(oj, "created", json_object_new_string(when));
		json_object_object_add(oj, "final", json_object_new_boolean(order_status_final(o.status)));
		json_object_object_add(oj, "pickup", json_object_new_boolean(!delivery));
		if (o.email != NULL && o.email[0] != '\0')
			view_add_owned(oj, "mailed_to", view_textf(app, rq,
			    "order_mail.mailed_to", "email", o.email, NULL));
		url = xasprintf("%s/orders/%s/status?t=%s", shop, o.number, o.access_token);
		json_object_object_add(oj, "status_url", json_object_new_string(url));
		free(url);
		c = json_object_new_object();
		json_object_object_add(c, "count", json_object_new_int(count));
		json_object_object_add(m, "cart", c);
	}
	json_object_object_add(m, "order", oj);
	order_clear(&o);
	free(shop);
	http_add_header(rs, "Cache-Control", "private, no-store");
	view_render(app, rq, rs, 200, "confirmation", m);
}

/* GET /orders/{number}/status?t=…: {number, status, updated_at}; ETag/304 (RFC 7232 §4.1). */
static void
order_status(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct order o;
	struct json_object *m;
	char etag[64], when[ORDER_TIME_LEN];
	enum db_status rc;

	if ((rc = order_for_request(app, rq, 0, &o)) == DB_NOTFOUND) {
		order_not_found(app, rq, rs);
		return;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	snprintf(etag, sizeof etag, "\"%s-%lld\"", order_status_name(o.status),
	    (long long)o.updated_at);
	http_add_header(rs, "ETag", "%s", etag);
	http_add_header(rs, "Cache-Control", "no-cache");
	if (http_etag_matches(http_header(rq, "If-None-Match"), etag)) {
		rs->status = 304;
		rs->content_type = "application/json";
		order_clear(&o);
		return;
	}
	m = json_object_new_object();
	json_object_object_add(m, "number", json_object_new_string(o.number));
	json_object_object_add(m, "status", json_object_new_string(order_status_name(o.status)));
	order_rfc3339(when, o.updated_at);
	json_object_object_add(m, "updated_at", json_object_new_string(when));
	order_clear(&o);
	view_json(rs, 200, m);
}

const struct route checkout_routes[] = {
	{ "POST", "/checkout", checkout_post, ROUTE_SHOP },
	{ "GET", "/orders/{number}", order_page, ROUTE_SHOP },
	{ "GET", "/orders/{number}/status", order_status, ROUTE_JSON | ROUTE_SHOP },
};
const size_t checkout_nroutes = NELEM(checkout_routes);
