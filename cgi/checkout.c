/* checkout.c — placing orders: POST /checkout, the confirmation page and its status, POST /api/orders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "cart.h"
#include "checkout.h"
#include "db_shop.h"
#include "db_orders.h"
#include "valid.h"
#include "view.h"

/* ---- validation ---- */

static const struct valid_field checkout_fields[CHECKOUT__MAX] = {
	[CHECKOUT_NAME] =  { "name", VALID_TEXT, 1, 1, 100, "checkout.errors.name" },
	[CHECKOUT_EMAIL] = { "email", VALID_EMAIL, 1, 3, 254, "checkout.errors.email" },
	[CHECKOUT_PHONE] = { "phone", VALID_PHONE, 0, 0, 20, "checkout.errors.phone" },
	[CHECKOUT_NOTES] = { "notes", VALID_LINES, 0, 0, 1000, "checkout.errors.notes" },
};

static const struct valid_field item_fields[] = {
	{ "sku", VALID_TEXT, 1, 1, 64, "checkout.errors.sku" },
	{ "qty", VALID_INT, 1, 1, ORDER_QTY_MAX, "checkout.errors.qty" },
};
enum { ITEM_SKU, ITEM_QTY, ITEM__MAX };

int
checkout_validate_form(const struct kvlist *form, struct valid_result *res)
{
	return valid_form(checkout_fields, CHECKOUT__MAX, form, res);
}

int
checkout_key_valid(const char *key)
{
	size_t n;

	for (n = 0; key[n]; n++)
		if ((unsigned char)key[n] < 0x20 || (unsigned char)key[n] > 0x7e)
			return 0;
	return n >= 1 && n <= 100;
}

static void
field_error(struct json_object *fields, const char *name, const char *key, int *n)
{
	if (!json_object_object_get_ex(fields, name, NULL))
		json_object_object_add(fields, name, json_object_new_string(key));
	(*n)++;
}

/* Checks and merges the "items" array into out; returns the problems found. */
static int
api_items(struct json_object *arr, struct checkout_api *out, struct json_object *fields)
{
	struct valid_result r;
	struct json_object *it;
	char name[48];
	size_t i, j, len;
	int bad = 0, dup;

	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    (len = json_object_array_length(arr)) == 0 || len > ORDER_LINES_MAX) {
		field_error(fields, "items", "checkout.errors.items", &bad);
		return bad;
	}
	for (i = 0; i < len; i++) {
		it = json_object_array_get_idx(arr, i);
		if (it == NULL || !json_object_is_type(it, json_type_object)) {
			snprintf(name, sizeof name, "items[%zu]", i);
			field_error(fields, name, "checkout.errors.items", &bad);
			continue;
		}
		valid_json(item_fields, ITEM__MAX, it, &r);
		if (r.error[ITEM_SKU]) {
			snprintf(name, sizeof name, "items[%zu].sku", i);
			field_error(fields, name, r.error[ITEM_SKU], &bad);
		}
		if (r.error[ITEM_QTY]) {
			snprintf(name, sizeof name, "items[%zu].qty", i);
			field_error(fields, name, r.error[ITEM_QTY], &bad);
		}
		if (r.nerrors == 0) {
			/* The same sku twice is one line of their sum. */
			for (dup = 0, j = 0; j < out->nitems; j++)
				if (strcmp(out->items[j].sku, r.text[ITEM_SKU]) == 0) {
					out->items[j].qty += (int)r.num[ITEM_QTY];
					if (out->items[j].qty > ORDER_QTY_MAX) {
						snprintf(name, sizeof name, "items[%zu].qty", i);
						field_error(fields, name, "checkout.errors.qty", &bad);
					}
					dup = 1;
				}
			if (!dup) {
				out->items[out->nitems].sku = r.text[ITEM_SKU];
				out->items[out->nitems].qty = (int)r.num[ITEM_QTY];
				out->nitems++;
				r.text[ITEM_SKU] = NULL;	/* moved */
			}
		}
		valid_result_free(&r);
	}
	return bad;
}

int
checkout_validate_api(struct json_object *body, struct checkout_api *out,
    struct json_object *fields)
{
	struct json_object *customer = NULL, *items = NULL;
	struct valid_result r;
	char name[32];
	int bad = 0, i;

	memset(out, 0, sizeof *out);
	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		field_error(fields, "body", "checkout.errors.body", &bad);
		return bad;
	}
	if (!json_object_object_get_ex(body, "customer", &customer) || customer == NULL ||
	    !json_object_is_type(customer, json_type_object)) {
		field_error(fields, "customer", "checkout.errors.customer", &bad);
	} else {
		valid_json(checkout_fields, CHECKOUT_NOTES, customer, &r);
		for (i = 0; i < CHECKOUT_NOTES; i++)
			if (r.error[i]) {
				snprintf(name, sizeof name, "customer.%s", checkout_fields[i].name);
				field_error(fields, name, r.error[i], &bad);
			}
		out->name = r.text[CHECKOUT_NAME];
		out->email = r.text[CHECKOUT_EMAIL];
		out->phone = r.text[CHECKOUT_PHONE];
		r.text[CHECKOUT_NAME] = r.text[CHECKOUT_EMAIL] = r.text[CHECKOUT_PHONE] = NULL;
		valid_result_free(&r);
	}
	valid_json(&checkout_fields[CHECKOUT_NOTES], 1, body, &r);
	if (r.error[0])
		field_error(fields, "notes", r.error[0], &bad);
	out->notes = r.text[0];
	r.text[0] = NULL;
	valid_result_free(&r);
	json_object_object_get_ex(body, "items", &items);
	bad += api_items(items, out, fields);
	return bad;
}

void
checkout_api_free(struct checkout_api *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->name);
	free(a->email);
	free(a->phone);
	free(a->notes);
	for (i = 0; i < a->nitems; i++)
		free((char *)a->items[i].sku);
	memset(a, 0, sizeof *a);
}

/* ---- shared pieces ---- */

/* A JSON error with a message, for the API. */
static void
api_error(struct http_response *rs, int status, const char *code, const char *message,
    struct json_object *extra_fields)
{
	struct json_object *m = json_object_new_object();

	json_object_object_add(m, "error", json_object_new_string(code));
	json_object_object_add(m, "message", json_object_new_string(message));
	if (extra_fields != NULL)
		json_object_object_add(m, "fields", extra_fields);
	view_json(rs, status, m);
}

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
static enum db_status
order_for_request(struct app *app, struct http_request *rq, int with_items,
    struct order *o)
{
	const char *number = kv_get(&rq->params, "number");
	const char *t = kv_get(&rq->query, "t");
	enum db_status rc;

	memset(o, 0, sizeof *o);
	if (!order_number_valid(number) || t == NULL ||
	    !valid_hex_token(t, 2 * ORDER_TOKEN_BYTES, 2 * ORDER_TOKEN_BYTES))
		return DB_NOTFOUND;
	if ((rc = db_order_get(app->db, SHOP_STORE_ID, number, with_items, o)) != DB_OK)
		return rc;
	if (!util_secret_eq(o->access_token, t)) {
		order_clear(o);
		return DB_NOTFOUND;
	}
	return DB_OK;
}

static void
redirect_to_order(struct app *app, struct http_response *rs, const char *number,
    const char *token)
{
	char *url = order_url(app->cfg.base_url, number, token);

	http_redirect(rs, 303, url);
	free(url);
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
		for (i = 0; v != NULL && i < CHECKOUT__MAX; i++) {
			json_object_object_add(values, checkout_fields[i].name,
			    json_object_new_string(v->text[i] ? v->text[i] : ""));
			if (v->error[i])
				json_object_object_add(errors, checkout_fields[i].name,
				    json_object_new_string(view_text(app, rq, v->error[i])));
		}
		json_object_object_add(co, "open", json_object_new_boolean(open));
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
twin_order(struct app *app, struct http_response *rs, const char *key)
{
	char number[24], access[65];
	enum db_status rc;

	if ((rc = db_shop_order_by_key(app->db, key, number, access, NULL)) == DB_OK)
		redirect_to_order(app, rs, number, access);
	return rc;
}

/* POST /checkout: name, email, phone?, notes?, form_token → 303 /orders/{number}?t=…. */
static void
checkout_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *token = kv_get(&rq->form, "form_token");
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct shop_cart cart;
	struct valid_result v;
	char key[80], *msg;
	int found, count;
	enum db_status rc;

	memset(&v, 0, sizeof v);
	memset(&res, 0, sizeof res);
	if (!http_origin_ok(rq) || token == NULL ||
	    !valid_hex_token(token, 2 * ORDER_CART_BYTES, 2 * ORDER_CART_BYTES)) {
		checkout_forbidden(app, rq, rs);
		return;
	}
	snprintf(key, sizeof key, "form:%s", token);

	/* The same form posted again (double click, back and resubmit): its order. */
	if ((rc = twin_order(app, rs, key)) == DB_OK)
		return;
	if (rc != DB_NOTFOUND)
		goto unavailable;

	/*
	 * From here on a twin of this post (double click) may commit the
	 * order at any moment, rotating the cart's token and emptying it:
	 * a stale token or an empty cart first asks whether that happened.
	 */
	if (cart_load(app, rq, &cart, &found) != DB_OK)
		goto unavailable;
	if (!found || !util_secret_eq(cart.form_token, token)) {
		if ((rc = twin_order(app, rs, key)) == DB_NOTFOUND)
			checkout_forbidden(app, rq, rs);
		else if (rc != DB_OK)
			goto unavailable;
		return;
	}
	if (db_shop_cart_count(app->db, cart.id, &count) != DB_OK)
		goto unavailable;
	if (count == 0) {
		if ((rc = twin_order(app, rs, key)) == DB_NOTFOUND)
			checkout_again(app, rq, rs, 422, &cart, NULL, 0,
			    view_text(app, rq, "checkout.errors.empty"));
		else if (rc != DB_OK)
			goto unavailable;
		return;
	}
	if (checkout_validate_form(&rq->form, &v) != 0) {
		checkout_again(app, rq, rs, 422, &cart, &v, 1, NULL);
		goto out;
	}

	memset(&co, 0, sizeof co);
	co.store_id = SHOP_STORE_ID;
	co.cart_id = cart.id;
	co.form_token = token;
	co.idempotency_key = key;
	co.name = v.text[CHECKOUT_NAME];
	co.email = v.text[CHECKOUT_EMAIL];
	co.phone = v.text[CHECKOUT_PHONE];
	co.notes = v.text[CHECKOUT_NOTES];
	co.currency = app->cfg.currency;
	if (db_shop_checkout(app->db, &co, &res) != DB_OK)
		goto unavailable;
	switch (res.outcome) {
	case SHOP_CREATED:
		log_msg(&app->log, LOG_INFO, "order %s created from the web checkout",
		    res.number);
		/* FALLTHROUGH */
	case SHOP_REPLAY:
	case SHOP_KEY_REUSED:
		redirect_to_order(app, rs, res.number, res.access_token);
		break;
	case SHOP_BAD_TOKEN:
		checkout_forbidden(app, rq, rs);
		break;
	case SHOP_EMPTY:
		checkout_again(app, rq, rs, 422, &cart, NULL, 0,
		    view_text(app, rq, "checkout.errors.empty"));
		break;
	case SHOP_SHORT:
	case SHOP_UNKNOWN:
		msg = view_textf(app, rq, res.available > 0 ? "checkout.errors.stock" :
		    "checkout.errors.sold_out", "name", res.product,
		    "n", UTIL_I64(res.available), (char *)NULL);
		checkout_again(app, rq, rs, 409, &cart, &v, 0, msg);
		free(msg);
		break;
	}
	goto out;
unavailable:
	view_unavailable(app, rq, rs);
out:
	shop_checkout_result_free(&res);
	valid_result_free(&v);
}

/* ---- the confirmation page and its status ---- */

/*
 * What the order page's script needs to follow the status without a copy of
 * the workflow: {"pending": {"label", "help", "final"}, …} as JSON text for
 * a data-* attribute. A new string owned by the returned json object.
 */
static struct json_object *
statuses_json(struct app *app, struct http_request *rq)
{
	struct json_object *all = json_object_new_object(), *one, *ret;
	char key[48];
	int s;

	for (s = 0; s < ORDER_NSTATUS; s++) {
		one = json_object_new_object();
		snprintf(key, sizeof key, "order.status.%s", order_status_name(s));
		json_object_object_add(one, "label", json_object_new_string(view_text(app, rq, key)));
		snprintf(key, sizeof key, "order.help.%s", order_status_name(s));
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
	char key[48], when[64], *url;
	int found, count = 0;
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
	m = json_object_new_object();
	oj = order_json(&o, app->cfg.base_url);
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
		snprintf(key, sizeof key, "order.status.%s", order_status_name(o.status));
		json_object_object_add(oj, "status_label",
		    json_object_new_string(view_text(app, rq, key)));
		snprintf(key, sizeof key, "order.help.%s", order_status_name(o.status));
		json_object_object_add(oj, "status_help",
		    json_object_new_string(view_text(app, rq, key)));
		json_object_object_add(oj, "statuses_json", statuses_json(app, rq));
		i18n_datetime(when, sizeof when, (time_t)o.created_at, view_lang(app, rq));
		json_object_object_add(oj, "created", json_object_new_string(when));
		json_object_object_add(oj, "final", json_object_new_boolean(order_status_final(o.status)));
		url = xasprintf("%s/orders/%s/status?t=%s", app->cfg.base_url, o.number,
		    o.access_token);
		json_object_object_add(oj, "status_url", json_object_new_string(url));
		free(url);
		c = json_object_new_object();
		json_object_object_add(c, "count", json_object_new_int(count));
		json_object_object_add(m, "cart", c);
	}
	json_object_object_add(m, "order", oj);
	order_clear(&o);
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

/* ---- POST /api/orders ---- */

/* A hash of the request's canonical form: its JSON re-serialised, hex of BLAKE2b-256. */
static void
request_hash(struct json_object *body, char *out /* 65 bytes */)
{
	unsigned char h[32];
	const char *s = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);

	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Answers with the order numbered number as JSON, with status. */
static void
api_order(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const char *number)
{
	struct order o;
	char *url;

	if (db_order_get(app->db, SHOP_STORE_ID, number, 1, &o) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (status == 201) {
		url = order_url(app->cfg.base_url, o.number, o.access_token);
		http_add_header(rs, "Location", "%s", url);
		free(url);
	}
	http_add_header(rs, "Cache-Control", "no-store");
	view_json(rs, status, order_json(&o, app->cfg.base_url));
	order_clear(&o);
}

/* The fields object with each locale key replaced by its text. */
static struct json_object *
localized_fields(struct app *app, struct http_request *rq, struct json_object *fields)
{
	struct json_object *out = json_object_new_object();

	json_object_object_foreach(fields, k, v)
		json_object_object_add(out, k,
		    json_object_new_string(view_text(app, rq, json_object_get_string(v))));
	return out;
}

static void
api_key_reused(struct app *app, struct http_request *rq, struct http_response *rs)
{
	api_error(rs, 409, "idempotency_key_reused",
	    view_text(app, rq, "checkout.errors.key_reused"), NULL);
}

/*
 * POST /api/orders with an Idempotency-Key: 201 and the order; the same key
 * and body again: 200 and the same order; the same key, another body: 409.
 */
static void
api_create(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *hkey = http_header(rq, "Idempotency-Key");
	struct json_object *fields = NULL, *f;
	struct checkout_api a;
	struct shop_checkout co;
	struct shop_checkout_result res;
	char key[112], hash[65], number[24], access[65], *old = NULL, *msg;
	enum db_status rc;

	memset(&a, 0, sizeof a);
	memset(&res, 0, sizeof res);
	if (hkey == NULL || *hkey == '\0') {
		api_error(rs, 400, "idempotency_key_required",
		    view_text(app, rq, "checkout.errors.key_missing"), NULL);
		return;
	}
	if (!checkout_key_valid(hkey)) {
		f = json_object_new_object();
		json_object_object_add(f, "Idempotency-Key", json_object_new_string(
		    view_text(app, rq, "checkout.errors.key_invalid")));
		api_error(rs, 422, "invalid", view_text(app, rq, "checkout.errors.key_invalid"), f);
		return;
	}
	if (rq->json == NULL || !json_object_is_type(rq->json, json_type_object)) {
		api_error(rs, 400, "bad_request", view_text(app, rq, "checkout.errors.body"), NULL);
		return;
	}
	snprintf(key, sizeof key, "api:%s", hkey);
	request_hash(rq->json, hash);

	rc = db_shop_order_by_key(app->db, key, number, access, &old);
	if (rc == DB_OK) {
		if (strcmp(old, hash) == 0)
			api_order(app, rq, rs, 200, number);
		else
			api_key_reused(app, rq, rs);
		goto out;
	}
	if (rc != DB_NOTFOUND)
		goto unavailable;

	fields = json_object_new_object();
	if (checkout_validate_api(rq->json, &a, fields) != 0) {
		api_error(rs, 422, "invalid", view_text(app, rq, "checkout.errors.api_invalid"),
		    localized_fields(app, rq, fields));
		goto out;
	}
	memset(&co, 0, sizeof co);
	co.store_id = SHOP_STORE_ID;
	co.items = a.items;
	co.nitems = a.nitems;
	co.idempotency_key = key;
	co.request_hash = hash;
	co.name = a.name;
	co.email = a.email;
	co.phone = a.phone;
	co.notes = a.notes;
	co.currency = app->cfg.currency;
	if (db_shop_checkout(app->db, &co, &res) != DB_OK)
		goto unavailable;
	switch (res.outcome) {
	case SHOP_CREATED:
		log_msg(&app->log, LOG_INFO, "order %s created through the API", res.number);
		api_order(app, rq, rs, 201, res.number);
		break;
	case SHOP_REPLAY:
		api_order(app, rq, rs, 200, res.number);
		break;
	case SHOP_KEY_REUSED:
		api_key_reused(app, rq, rs);
		break;
	case SHOP_SHORT:
		msg = view_textf(app, rq, res.available > 0 ? "checkout.errors.stock" :
		    "checkout.errors.sold_out", "name", res.product,
		    "n", UTIL_I64(res.available), (char *)NULL);
		f = json_object_new_object();
		json_object_object_add(f, "error", json_object_new_string("out_of_stock"));
		json_object_object_add(f, "message", json_object_new_string(msg));
		json_object_object_add(f, "product", json_object_new_string(res.product));
		json_object_object_add(f, "available", json_object_new_int64(res.available));
		view_json(rs, 409, f);
		free(msg);
		break;
	case SHOP_UNKNOWN:
		msg = view_textf(app, rq, "checkout.errors.unknown",
		    "name", res.product, (char *)NULL);
		f = json_object_new_object();
		json_object_object_add(f, "items", json_object_new_string(msg));
		api_error(rs, 422, "invalid", msg, f);
		free(msg);
		break;
	case SHOP_EMPTY:
	case SHOP_BAD_TOKEN:
		api_error(rs, 422, "invalid", view_text(app, rq, "checkout.errors.items"), NULL);
		break;
	}
	goto out;
unavailable:
	view_unavailable(app, rq, rs);
out:
	json_object_put(fields);
	free(old);
	checkout_api_free(&a);
	shop_checkout_result_free(&res);
}

const struct route checkout_routes[] = {
	{ "POST", "/checkout", checkout_post, 0 },
	{ "GET", "/orders/{number}", order_page, 0 },
	{ "GET", "/orders/{number}/status", order_status, ROUTE_JSON },
	{ "POST", "/api/orders", api_create, ROUTE_JSON },
};
const size_t checkout_nroutes = NELEM(checkout_routes);
