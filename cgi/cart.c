/* cart.c — the customer's cart as the pages need it: its cookie, loading or making it, its view model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cart.h"
#include "db_shop.h"
#include "order.h"
#include "store.h"
#include "valid.h"
#include "view.h"

/* The store's cart cookie name into name (32 bytes). */
static void
cookie_name(const struct http_request *rq, char name[32])
{
	if (rq->store->id == STORE_DEFAULT_ID)
		snprintf(name, 32, "%s", CART_COOKIE);
	else
		snprintf(name, 32, "%s_%lld", CART_COOKIE, (long long)rq->store->id);
}

enum db_status
cart_load(struct app *app, struct http_request *rq, struct shop_cart *cart,
    int *found)
{
	const char *token;
	enum db_status rc;
	char name[32];

	cookie_name(rq, name);
	token = kv_get(&rq->cookies, name);
	*found = 0;
	memset(cart, 0, sizeof *cart);
	if (token == NULL || !valid_hex_token(token, 2 * ORDER_CART_BYTES,
	    2 * ORDER_CART_BYTES))
		return DB_OK;
	rc = db_shop_cart_find(app->db, token, cart);
	if (rc == DB_NOTFOUND || (rc == DB_OK && cart->store_id != rq->store->id)) {
		/* Another store's cart is no cart here. */
		memset(cart, 0, sizeof *cart);
		return DB_OK;
	}
	if (rc == DB_OK)
		*found = 1;
	return rc;
}

enum db_status
cart_get_or_create(struct app *app, struct http_request *rq, struct http_response *rs,
    struct shop_cart *cart)
{
	enum db_status rc;
	char name[32], *path;
	int found;

	if ((rc = cart_load(app, rq, cart, &found)) != DB_OK || found)
		return rc;
	if ((rc = db_shop_cart_create(app->db, rq->store->id, cart)) != DB_OK)
		return rc;
	cookie_name(rq, name);
	path = rq->store->id == STORE_DEFAULT_ID ?
	    xstrdup(*app->cfg.base_url ? app->cfg.base_url : "/") :
	    view_shop_url(app, rq, "/");
	http_set_cookie(rs, name, cart->token, path, CART_MAX_AGE, app->cfg.secure_cookies);
	free(path);
	return DB_OK;
}

static struct json_object *
line_json(struct app *app, struct http_request *rq, const struct shop_line *l)
{
	struct json_object *j = json_object_new_object();
	char *problem = NULL;
	int64_t max = l->stock < ORDER_QTY_MAX ? l->stock : ORDER_QTY_MAX;

	json_object_object_add(j, "product_id", json_object_new_int64(l->product_id));
	json_object_object_add(j, "sku", json_object_new_string(l->sku));
	json_object_object_add(j, "name", json_object_new_string(l->name));
	json_object_object_add(j, "qty", json_object_new_int(l->qty));
	json_object_object_add(j, "unit_price_cents", json_object_new_int64(l->unit_price_cents));
	json_object_object_add(j, "line_total_cents",
	    json_object_new_int64(l->unit_price_cents * l->qty));
	json_object_object_add(j, "stock", json_object_new_int64(l->active ? l->stock : 0));
	json_object_object_add(j, "price", view_price(app, rq, l->unit_price_cents));
	json_object_object_add(j, "line_total", view_price(app, rq, l->unit_price_cents * l->qty));
	json_object_object_add(j, "max_qty", json_object_new_int64(max < 0 ? 0 : max));
	if (!rq->wants_json) {
		/* The line's picture: the photo, or the catalog's letter tile. */
		struct json_object *photo = product_photo_json(&l->image, &l->thumb,
		    app->cfg.base_url);

		if (photo != NULL)
			json_object_object_add(j, "photo", photo);
		json_object_object_add(j, "initial", json_object_new_string_len(l->name,
		    (int)product_initial_len(l->name)));
		json_object_object_add(j, "tone", json_object_new_int((int)(l->product_id % 6)));
	}
	if (!l->active)
		problem = view_textf(app, rq, "cart.unavailable",
		    "name", l->name, (char *)NULL);
	else if (l->qty > l->stock)
		problem = view_textf(app, rq, "cart.only_left", "name", l->name,
		    "n", UTIL_I64(l->stock), (char *)NULL);
	if (problem != NULL) {
		json_object_object_add(j, "problem", json_object_new_string(problem));
		free(problem);
	}
	return j;
}

enum db_status
cart_model(struct app *app, struct http_request *rq, const struct shop_cart *cart,
    struct json_object **out)
{
	struct json_object *m, *c, *lines, *co;
	struct shop_lines l;
	enum db_status rc;
	size_t i;

	*out = NULL;
	memset(&l, 0, sizeof l);
	if (cart != NULL && (rc = db_shop_cart_lines(app->db, cart->id, &l)) != DB_OK)
		return rc;
	m = json_object_new_object();
	c = json_object_new_object();
	lines = json_object_new_array();
	for (i = 0; i < l.n; i++)
		json_object_array_add(lines, line_json(app, rq, &l.v[i]));
	json_object_object_add(c, "count", json_object_new_int(l.count));
	json_object_object_add(c, "lines", lines);
	json_object_object_add(c, "total_cents", json_object_new_int64(l.total_cents));
	json_object_object_add(c, "currency", json_object_new_string(rq->store->currency));
	json_object_object_add(c, "total", view_price(app, rq, l.total_cents));
	json_object_object_add(c, "empty", json_object_new_boolean(l.n == 0));
	json_object_object_add(m, "cart", c);
	json_object_object_add(m, "form_token",
	    cart != NULL ? json_object_new_string(cart->form_token) : NULL);
	co = json_object_new_object();
	json_object_object_add(co, "open", json_object_new_boolean(0));
	/* How the order reaches the customer: asked only when the store offers both. */
	json_object_object_add(co, "choose", json_object_new_boolean(
	    rq->store->fulfilment == STORE_BOTH));
	json_object_object_add(co, "delivery", json_object_new_boolean(
	    store_offers(rq->store, STORE_DELIVERY)));
	json_object_object_add(co, "delivery_only", json_object_new_boolean(
	    rq->store->fulfilment == STORE_DELIVERY));
	json_object_object_add(co, "is_delivery", json_object_new_boolean(
	    rq->store->fulfilment == STORE_DELIVERY));
	json_object_object_add(co, "values", json_object_new_object());
	json_object_object_add(co, "errors", json_object_new_object());
	json_object_object_add(m, "checkout", co);
	if (!rq->wants_json)
		json_object_object_add(m, "nav_cart", json_object_new_boolean(1));
	db_shop_lines_free(&l);
	*out = m;
	return DB_OK;
}
