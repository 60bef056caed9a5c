/* shop.c — the customer's catalog, cart and legal page: GET /, GET /cart, POST /cart/items[/{product_id}], GET /legal. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "cart.h"
#include "db_shop.h"
#include "i18n.h"
#include "order.h"
#include "shop.h"
#include "store.h"
#include "valid.h"
#include "view.h"

/* Products with this stock or less say "Only N left". */
#define LOW_STOCK 5

/* ---- validation tables ---- */

static const struct valid_field add_fields[] = {
	{ "product_id", VALID_INT, 1, 1, LONG_MAX, "cart.errors.product" },
	/* Required: an empty or missing quantity is refused, never taken as 1. */
	{ "qty", VALID_INT, 1, 1, ORDER_QTY_MAX, "cart.errors.qty" },
};
enum { ADD_PRODUCT, ADD_QTY, ADD__MAX };

static const struct valid_field set_fields[] = {
	{ "qty", VALID_INT, 1, 0, ORDER_QTY_MAX, "cart.errors.qty" },
};
enum { SET_QTY, SET__MAX };

static int
validate(const struct valid_field *tbl, size_t n, const struct kvlist *form,
    struct json_object *json, struct valid_result *res)
{
	if (json != NULL)
		return json_object_is_type(json, json_type_object) ?
		    valid_json(tbl, n, json, res) : valid_json(tbl, n, NULL, res);
	return valid_form(tbl, n, form, res);
}

int
shop_validate_add(const struct kvlist *form, struct json_object *json,
    int64_t *product_id, int *qty, const char **error_key)
{
	struct valid_result r;
	int ok;

	validate(add_fields, ADD__MAX, form, json, &r);
	*error_key = r.error[ADD_PRODUCT] ? r.error[ADD_PRODUCT] : r.error[ADD_QTY];
	ok = r.nerrors == 0;
	if (ok) {
		*product_id = r.num[ADD_PRODUCT];
		*qty = (int)r.num[ADD_QTY];
	}
	valid_result_free(&r);
	return ok;
}

int
shop_validate_set(const char *product_param, const struct kvlist *form,
    struct json_object *json, int64_t *product_id, int *qty, const char **error_key)
{
	struct valid_result r;
	long id;
	int ok;

	if (product_param == NULL || !valid_int(product_param, 1, LONG_MAX, &id)) {
		*error_key = "cart.errors.product";
		return 0;
	}
	validate(set_fields, SET__MAX, form, json, &r);
	*error_key = r.error[SET_QTY];
	ok = r.nerrors == 0;
	if (ok) {
		*product_id = id;
		*qty = (int)r.num[SET_QTY];
	}
	valid_result_free(&r);
	return ok;
}

/*
 * A refused cart change: JSON clients get {"error", "message", "cart"};
 * browsers the cart page with the message above it.
 */
static void
cart_refused(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const char *code, const char *message, const struct shop_cart *cart)
{
	struct json_object *m, *c = NULL, *notice;

	if (cart_model(app, rq, cart, &m) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (rq->wants_json) {
		json_object_object_get_ex(m, "cart", &c);
		json_object_get(c);
		json_object_put(m);
		m = json_object_new_object();
		json_object_object_add(m, "error", json_object_new_string(code));
		json_object_object_add(m, "message", json_object_new_string(message));
		json_object_object_add(m, "cart", c);
		view_json(rs, status, m);
		return;
	}
	notice = json_object_new_object();
	json_object_object_add(notice, "error", json_object_new_string(message));
	json_object_object_add(m, "notice", notice);
	view_render(app, rq, rs, status, "cart", m);
}

/* After a cart change: 303 to the cart page, or 200 and the cart for fetch(). */
static void
cart_changed(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct shop_cart *cart)
{
	struct json_object *m;
	char *url;

	if (!rq->wants_json) {
		url = view_shop_url(app, rq, "/cart");
		http_redirect(rs, 303, url);
		free(url);
		return;
	}
	if (cart_model(app, rq, cart, &m) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	http_add_header(rs, "Cache-Control", "no-store");
	view_json(rs, 200, m);
}

/* Applies one change (add or set) to the request's cart and answers. */
static void
cart_change(struct app *app, struct http_request *rq, struct http_response *rs,
    int64_t product_id, int qty, int add)
{
	struct shop_cart cart;
	struct shop_put_result res;
	char *msg;

	if (cart_get_or_create(app, rq, rs, &cart) != DB_OK ||
	    db_shop_cart_put(app->db, cart.id, rq->store->id, product_id, qty, add,
	    &res) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	switch (res.outcome) {
	case SHOP_PUT_OK:
		cart_changed(app, rq, rs, &cart);
		break;
	case SHOP_PUT_NO_PRODUCT:
		cart_refused(app, rq, rs, 422, "unavailable",
		    view_text(app, rq, "cart.errors.product"), &cart);
		break;
	case SHOP_PUT_LIMIT:
		msg = view_textf(app, rq, "cart.errors.limit", "name", res.name,
		    "n", UTIL_I64(ORDER_QTY_MAX), (char *)NULL);
		cart_refused(app, rq, rs, 422, "limit", msg, &cart);
		free(msg);
		break;
	case SHOP_PUT_STOCK:
		msg = view_textf(app, rq, res.stock > 0 ? "cart.errors.stock" :
		    "cart.errors.sold_out", "name", res.name, "n", UTIL_I64(res.stock),
		    (char *)NULL);
		cart_refused(app, rq, rs, 409, "out_of_stock", msg, &cart);
		free(msg);
		break;
	}
	shop_put_result_free(&res);
}

/* ---- handlers ---- */

/* POST /cart/items: product_id, qty → 303 /cart (JSON: 200 and the cart). */
static void
cart_add(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *err;
	int64_t product_id;
	int qty;

	if (!http_origin_ok(rq)) {
		view_error(app, rq, rs, 403, "forbidden", view_text(app, rq, "cart.errors.origin"));
		return;
	}
	if (!shop_validate_add(&rq->form, rq->json, &product_id, &qty, &err)) {
		struct shop_cart cart;
		int found;

		if (cart_load(app, rq, &cart, &found) != DB_OK) {
			view_unavailable(app, rq, rs);
			return;
		}
		cart_refused(app, rq, rs, 422, "invalid", view_text(app, rq, err),
		    found ? &cart : NULL);
		return;
	}
	cart_change(app, rq, rs, product_id, qty, 1);
}

/* POST /cart/items/{product_id}: qty (0 removes) → 303 /cart. */
static void
cart_set(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *err;
	int64_t product_id;
	int qty;

	if (!http_origin_ok(rq)) {
		view_error(app, rq, rs, 403, "forbidden", view_text(app, rq, "cart.errors.origin"));
		return;
	}
	if (!shop_validate_set(kv_get(&rq->params, "product_id"), &rq->form, rq->json,
	    &product_id, &qty, &err)) {
		struct shop_cart cart;
		int found;

		if (cart_load(app, rq, &cart, &found) != DB_OK) {
			view_unavailable(app, rq, rs);
			return;
		}
		cart_refused(app, rq, rs, 422, "invalid", view_text(app, rq, err),
		    found ? &cart : NULL);
		return;
	}
	cart_change(app, rq, rs, product_id, qty, 0);
}

static struct json_object *
catalog_product_json(struct app *app, struct http_request *rq, const struct shop_product *p)
{
	struct json_object *j = json_object_new_object();
	int64_t max = p->stock < ORDER_QTY_MAX ? p->stock : ORDER_QTY_MAX;
	struct json_object *photo;
	char *s, *url;

	json_object_object_add(j, "id", json_object_new_int64(p->id));
	json_object_object_add(j, "sku", json_object_new_string(p->sku));
	json_object_object_add(j, "name", json_object_new_string(p->name));
	json_object_object_add(j, "description", json_object_new_string(p->description));
	json_object_object_add(j, "price_cents", json_object_new_int64(p->price_cents));
	json_object_object_add(j, "currency", json_object_new_string(rq->store->currency));
	json_object_object_add(j, "stock", json_object_new_int64(p->stock));
	json_object_object_add(j, "price", view_price(app, rq, p->price_cents));
	json_object_object_add(j, "in_stock", json_object_new_boolean(p->stock > 0));
	json_object_object_add(j, "low_stock",
	    json_object_new_boolean(p->stock > 0 && p->stock <= LOW_STOCK));
	json_object_object_add(j, "max_qty", json_object_new_int64(max < 0 ? 0 : max));
	if (p->stock <= 0)
		s = view_textf(app, rq, "catalog.out_of_stock", (char *)NULL);
	else if (p->stock <= LOW_STOCK)
		s = view_textf(app, rq, "catalog.only_left",
		    "n", UTIL_I64(p->stock), (char *)NULL);
	else
		s = view_textf(app, rq, "catalog.in_stock",
		    "n", UTIL_I64(p->stock), (char *)NULL);
	json_object_object_add(j, "stock_text", json_object_new_string(s));
	free(s);
	photo = product_photo_json(&p->image, &p->thumb, app->cfg.base_url);
	url = product_media_url(app->cfg.base_url, &p->image);
	json_object_object_add(j, "image", url != NULL ? json_object_new_string(url) : NULL);
	free(url);
	if (photo != NULL && !rq->wants_json)
		json_object_object_add(j, "photo", photo);
	else
		json_object_put(photo);
	if (!rq->wants_json) {
		/* The product tile: its first letter on one of six tones. */
		json_object_object_add(j, "initial", json_object_new_string_len(p->name,
		    (int)product_initial_len(p->name)));
		json_object_object_add(j, "tone", json_object_new_int((int)(p->id % 6)));
	}
	return j;
}

/* GET /: the active products and the cart's count. */
static void
catalog(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct shop_products p;
	struct shop_cart cart;
	struct json_object *m, *list, *c;
	int found, count = 0;
	size_t i;

	if (cart_load(app, rq, &cart, &found) != DB_OK ||
	    (found && db_shop_cart_count(app->db, cart.id, &count) != DB_OK)) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (db_shop_products(app->db, rq->store->id, &p) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	m = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < p.n; i++)
		json_object_array_add(list, catalog_product_json(app, rq, &p.v[i]));
	json_object_object_add(m, "products", list);
	c = json_object_new_object();
	json_object_object_add(c, "count", json_object_new_int(count));
	json_object_object_add(m, "cart", c);
	if (!rq->wants_json)
		json_object_object_add(m, "nav_catalog", json_object_new_boolean(1));
	db_shop_products_free(&p);
	http_add_header(rs, "Cache-Control", "private, no-cache");
	view_render(app, rq, rs, 200, "catalog", m);
}

/* GET /cart (?checkout=1 opens the checkout form, for browsers without JavaScript). */
static void
cart_page(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct shop_cart cart;
	struct json_object *m, *co, *c, *empty;
	const char *open = kv_get(&rq->query, "checkout");
	int found;

	if (cart_load(app, rq, &cart, &found) != DB_OK ||
	    cart_model(app, rq, found ? &cart : NULL, &m) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (open != NULL && strcmp(open, "1") == 0 &&
	    json_object_object_get_ex(m, "cart", &c) &&
	    json_object_object_get_ex(c, "empty", &empty) && !json_object_get_boolean(empty) &&
	    json_object_object_get_ex(m, "checkout", &co))
		json_object_object_add(co, "open", json_object_new_boolean(1));
	http_add_header(rs, "Cache-Control", "private, no-store");
	view_render(app, rq, rs, 200, "cart", m);
}

/*
 * Where the paragraph that starts at p ends: at the first blank line (a
 * line of nothing but spaces and CRs, whatever the line ends are) or the end.
 */
static const char *
paragraph_end(const char *p)
{
	const char *q;

	for (; *p != '\0'; p++) {
		if (*p != '\n')
			continue;
		for (q = p + 1; *q == ' ' || *q == '\r'; q++)
			;
		if (*q == '\n' || *q == '\0')
			return p;
	}
	return p;
}

/* Plain text as paragraphs: the pieces between blank lines, lines kept (CSS pre-line). */
static struct json_object *
paragraphs(const char *text)
{
	struct json_object *a = json_object_new_array();
	const char *p = text, *end;
	size_t n;

	for (;;) {
		while (*p == '\n' || *p == '\r' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = paragraph_end(p);
		for (n = (size_t)(end - p); n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '); n--)
			;
		json_object_array_add(a, json_object_new_string_len(p, (int)n));
		p = end;
	}
	return a;
}

/* GET /legal: the store's legal notice, contact, address and opening hours. */
static void
legal_page(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct shop_cart cart;
	struct json_object *m, *c;
	int found, count = 0;

	if (cart_load(app, rq, &cart, &found) != DB_OK ||
	    (found && db_shop_cart_count(app->db, cart.id, &count) != DB_OK)) {
		view_unavailable(app, rq, rs);
		return;
	}
	m = json_object_new_object();
	json_object_object_add(m, "legal", paragraphs(rq->store->legal));
	json_object_object_add(m, "has_legal",
	    json_object_new_boolean(json_object_array_length(
	    json_object_object_get(m, "legal")) > 0));
	c = json_object_new_object();
	json_object_object_add(c, "count", json_object_new_int(count));
	json_object_object_add(m, "cart", c);
	if (!rq->wants_json)
		json_object_object_add(m, "nav_legal", json_object_new_boolean(1));
	http_add_header(rs, "Cache-Control", "private, no-cache");
	view_render(app, rq, rs, 200, "legal", m);
}

const struct route shop_routes[] = {
	{ "GET", "/", catalog, ROUTE_SHOP },
	{ "GET", "/cart", cart_page, ROUTE_SHOP },
	{ "POST", "/cart/items", cart_add, ROUTE_SHOP },
	{ "POST", "/cart/items/{product_id}", cart_set, ROUTE_SHOP },
	{ "GET", "/legal", legal_page, ROUTE_SHOP },
};
const size_t shop_nroutes = NELEM(shop_routes);
