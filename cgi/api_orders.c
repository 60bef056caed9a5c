/* api_orders.c — POST /api/orders: an order from a program, made once per Idempotency-Key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_orders.h"
#include "app.h"
#include "db_orders.h"
#include "db_shop.h"
#include "order_input.h"
#include "store.h"
#include "view.h"

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
	char *url, *shop;

	if (db_order_get(app->db, rq->store->id, number, 1, &o) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	shop = view_shop_url(app, rq, "");
	if (status == 201) {
		url = order_url(shop, o.number, o.access_token);
		http_add_header(rs, "Location", "%s", url);
		free(url);
	}
	http_add_header(rs, "Cache-Control", "no-store");
	view_json(rs, status, order_json(&o, shop));
	order_clear(&o);
	free(shop);
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

/* What the API answers once the transaction has decided. */
static void
api_answer(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct shop_checkout_result *res)
{
	struct json_object *f;
	char *msg;

	switch (res->outcome) {
	case SHOP_CREATED:
		log_msg(&app->log, LOG_INFO, "order %s created through the API", res->number);
		api_order(app, rq, rs, 201, res->number);
		break;
	case SHOP_REPLAY:
		api_order(app, rq, rs, 200, res->number);
		break;
	case SHOP_KEY_REUSED:
		api_key_reused(app, rq, rs);
		break;
	case SHOP_SHORT:
		msg = view_textf(app, rq, res->available > 0 ? "checkout.errors.stock" :
		    "checkout.errors.sold_out", "name", res->product,
		    "n", UTIL_I64(res->available), (char *)NULL);
		f = json_object_new_object();
		json_object_object_add(f, "error", json_object_new_string("out_of_stock"));
		json_object_object_add(f, "message", json_object_new_string(msg));
		json_object_object_add(f, "product", json_object_new_string(res->product));
		json_object_object_add(f, "available", json_object_new_int64(res->available));
		view_json(rs, 409, f);
		free(msg);
		break;
	case SHOP_UNKNOWN:
		msg = view_textf(app, rq, "checkout.errors.unknown",
		    "name", res->product, (char *)NULL);
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
}

/* The Idempotency-Key and the body's shape; 1 when good, else 0 with rs set. */
static int
api_request_ok(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *hkey)
{
	struct json_object *f;

	if (hkey == NULL || *hkey == '\0') {
		api_error(rs, 400, "idempotency_key_required",
		    view_text(app, rq, "checkout.errors.key_missing"), NULL);
		return 0;
	}
	if (!order_input_key_ok(hkey)) {
		f = json_object_new_object();
		json_object_object_add(f, "Idempotency-Key", json_object_new_string(
		    view_text(app, rq, "checkout.errors.key_invalid")));
		api_error(rs, 422, "invalid", view_text(app, rq, "checkout.errors.key_invalid"), f);
		return 0;
	}
	if (rq->json == NULL || !json_object_is_type(rq->json, json_type_object)) {
		api_error(rs, 400, "bad_request", view_text(app, rq, "checkout.errors.body"), NULL);
		return 0;
	}
	return 1;
}

/*
 * POST /api/orders with an Idempotency-Key: 201 and the order; the same key
 * and body again: 200 and the same order; the same key, another body: 409.
 */
static void
api_create(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *hkey = http_header(rq, "Idempotency-Key");
	struct json_object *fields = NULL;
	struct order_input a;
	struct shop_checkout co;
	struct shop_checkout_result res;
	char key[136], hash[65], number[24], access[65], *old = NULL;
	enum db_status rc;

	memset(&a, 0, sizeof a);
	memset(&res, 0, sizeof res);
	if (!api_request_ok(app, rq, rs, hkey))
		return;
	/* Keys are the client's per store: the default store's keep their old form. */
	if (rq->store->id == STORE_DEFAULT_ID)
		snprintf(key, sizeof key, "api:%s", hkey);
	else
		snprintf(key, sizeof key, "api:%lld:%s", (long long)rq->store->id, hkey);
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
	if (order_input_api(rq->json, &a, fields) +
	    order_input_api_fulfilment(rq->json, rq->store->fulfilment, &a, fields) != 0) {
		api_error(rs, 422, "invalid", view_text(app, rq, "checkout.errors.api_invalid"),
		    localized_fields(app, rq, fields));
		goto out;
	}
	memset(&co, 0, sizeof co);
	co.store_id = rq->store->id;
	co.items = a.items;
	co.nitems = a.nitems;
	co.idempotency_key = key;
	co.request_hash = hash;
	co.name = a.name;
	co.email = a.email;
	co.phone = a.phone;
	co.notes = a.notes;
	co.currency = rq->store->currency;
	co.source = "api";
	co.fulfilment = store_fulfilment_name(a.fulfilment);
	co.address = a.address;
	co.postcode = a.postcode;
	co.city = a.city;
	co.language = view_lang(app, rq);
	if (db_shop_checkout(app->db, &co, &res) != DB_OK)
		goto unavailable;
	api_answer(app, rq, rs, &res);
	goto out;
unavailable:
	view_unavailable(app, rq, rs);
out:
	json_object_put(fields);
	free(old);
	order_input_free(&a);
	shop_checkout_result_free(&res);
}

const struct route api_orders_routes[] = {
	{ "POST", "/api/orders", api_create, ROUTE_JSON | ROUTE_SHOP },
};
const size_t api_orders_nroutes = NELEM(api_orders_routes);
