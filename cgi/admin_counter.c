/* admin_counter.c — counter orders keyed in by sellers: GET/POST /admin/orders/new (DESIGN.md v2). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_counter.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_orders.h"
#include "db_shop.h"
#include "db_stores.h"
#include "order_input.h"
#include "role.h"
#include "store.h"
#include "valid.h"
#include "view.h"

/* The page's one-time form token (32 hex): the idempotency key of its order. */
#define COUNTER_TOKEN_BYTES	16

/* Everything but the lines: the customer (all optional), the store, the page's token. */
enum { C_NAME, C_EMAIL, C_PHONE, C_NOTES, C_STORE, C_TOKEN, C__MAX };
static const struct valid_field counter_fields[C__MAX] = {
	[C_NAME]  = { "name", VALID_TEXT, 0, 1, 100, "checkout.errors.name" },
	[C_EMAIL] = { "email", VALID_EMAIL, 0, 3, 254, "checkout.errors.email" },
	[C_PHONE] = { "phone", VALID_PHONE, 0, 0, 20, "checkout.errors.phone" },
	[C_NOTES] = { "notes", VALID_LINES, 0, 0, 1000, "checkout.errors.notes" },
	[C_STORE] = { "store", VALID_TEXT, 0, 1, STORE_SLUG_MAX, "counter.errors.store" },
	[C_TOKEN] = { "form_token", VALID_TOKEN, 0, 2 * COUNTER_TOKEN_BYTES,
	    2 * COUNTER_TOKEN_BYTES, "counter.errors.token" },
};
static const struct valid_field qty_field =
	{ "qty", VALID_INT, 0, 0, ORDER_QTY_MAX, "checkout.errors.qty" };
static const struct valid_field sku_field =
	{ "sku", VALID_TEXT, 1, 1, 64, "checkout.errors.sku" };

/* One counter request: who, for which store, what was sent, what went wrong. */
struct counter {
	struct auth_session	 s;
	struct store		 store;		/* defaults applied; id 0 until chosen */
	struct valid_result	 v;		/* counter_fields */
	struct order_input	 in;		/* the lines (in.items) */
	struct json_object	*fields;	/* JSON clients: field → locale key */
	const char		*error;		/* locale key of the page's message, or NULL */
	char			*message;	/* ... or the message itself (owned) */
};

static void
counter_free(struct counter *c)
{
	store_free(&c->store);
	valid_result_free(&c->v);
	order_input_free(&c->in);
	json_object_put(c->fields);
	free(c->message);
}

/*
 * The store the order is for, into c->store: a one-store user's own (a
 * store field naming another is refused: 403), an every-store admin's by
 * slug (none: the default store; an unknown slug: 422). Returns the HTTP
 * status of the refusal, 503 for the database, 0 when chosen.
 */
static int
pick_store(struct app *app, struct counter *c, const char *slug)
{
	enum db_status rc;

	if (c->s.row.store_id != DB_ALL_STORES) {
		rc = db_store_get(app->db, c->s.row.store_id, &c->store);
		if (rc == DB_OK && slug != NULL && *slug != '\0' &&
		    strcmp(slug, c->store.slug) != 0)
			return 403;
	} else if (slug == NULL || *slug == '\0')
		rc = db_store_get(app->db, STORE_DEFAULT_ID, &c->store);
	else if ((rc = db_store_by_slug(app->db, slug, &c->store)) == DB_NOTFOUND)
		return 422;
	if (rc != DB_OK)
		return 503;
	store_defaults(&c->store, &app->cfg);
	return 0;
}

/* Adds qty of sku to the lines (the same sku twice is one line); the locale key of a problem, or NULL. */
static const char *
add_line(struct order_input *in, const char *sku, int qty)
{
	size_t i;

	for (i = 0; i < in->nitems; i++)
		if (strcmp(in->items[i].sku, sku) == 0) {
			in->items[i].qty += qty;
			return in->items[i].qty > ORDER_QTY_MAX ? "checkout.errors.qty" : NULL;
		}
	if (in->nitems == ORDER_LINES_MAX)
		return "checkout.errors.items";
	in->items[in->nitems].sku = xstrdup(sku);
	in->items[in->nitems++].qty = qty;
	return NULL;
}

/*
 * The form's lines: pairs of sku and qty fields in order (a qty of 0 or ""
 * is a product not ordered). Returns the locale key of the first problem,
 * or NULL.
 */
static const char *
form_lines(const struct kvlist *form, struct order_input *in)
{
	const char *sku = NULL, *err = NULL, *q;
	struct kvlist one = { 0 };
	struct valid_result r;
	size_t i;

	for (i = 0; i < form->n && err == NULL; i++) {
		if (strcmp(form->v[i].key, "sku") == 0) {
			if (sku != NULL)
				err = "counter.errors.pairs";
			sku = form->v[i].val;
			continue;
		}
		if (strcmp(form->v[i].key, "qty") != 0)
			continue;
		if (sku == NULL) {
			err = "counter.errors.pairs";
			break;
		}
		kv_add(&one, "sku", 3, sku, strlen(sku));
		q = form->v[i].val;
		kv_add(&one, "qty", 3, q, strlen(q));
		if (valid_form(&sku_field, 1, &one, &r) != 0)
			err = r.error[0];
		valid_result_free(&r);
		if (err == NULL && valid_form(&qty_field, 1, &one, &r) == 0 && r.num[0] > 0)
			err = add_line(in, sku, (int)r.num[0]);
		else if (err == NULL && r.nerrors > 0)
			err = r.error[0];
		valid_result_free(&r);
		kv_free(&one);
		sku = NULL;
	}
	if (err == NULL && sku != NULL)
		err = "counter.errors.pairs";
	if (err == NULL && in->nitems == 0)
		err = "counter.errors.nothing";
	return err;
}

/*
 * A JSON client's body: the /api/orders body, the customer optional, plus
 * "store" and "form_token". Problems go to c->fields (locale keys);
 * returns their number.
 */
static int
json_input(struct http_request *rq, struct counter *c)
{
	struct json_object *customer = NULL, *items = NULL;
	struct valid_result r;
	int bad = 0, i;
	char name[32];

	c->fields = json_object_new_object();
	if (rq->json == NULL || !json_object_is_type(rq->json, json_type_object)) {
		view_add_str(c->fields, "body", "checkout.errors.body");
		valid_json(counter_fields, C__MAX, NULL, &c->v);
		return 1;
	}
	valid_json(&counter_fields[C_NOTES], C__MAX - C_NOTES, rq->json, &r);
	if (json_object_object_get_ex(rq->json, "customer", &customer) && customer != NULL &&
	    !json_object_is_type(customer, json_type_object)) {
		view_add_str(c->fields, "customer", "checkout.errors.customer");
		customer = NULL;
		bad++;
	}
	valid_json(counter_fields, C_NOTES, customer, &c->v);
	for (i = C_NOTES; i < C__MAX; i++) {	/* the body's own fields join the customer's */
		c->v.text[i] = r.text[i - C_NOTES];
		c->v.present[i] = r.present[i - C_NOTES];
		c->v.error[i] = r.error[i - C_NOTES];
		r.text[i - C_NOTES] = NULL;
	}
	valid_result_free(&r);
	for (i = 0; i < C__MAX; i++)
		if (c->v.error[i] != NULL) {
			snprintf(name, sizeof name, "%s%s", i < C_NOTES ? "customer." : "",
			    counter_fields[i].name);
			view_add_str(c->fields, name, c->v.error[i]);
			bad++;
		}
	json_object_object_get_ex(rq->json, "items", &items);
	return bad + order_input_items(items, &c->in, c->fields);
}

/* The store's active products as the page lists them, with the quantities asked for. */
static struct json_object *
page_products(struct app *app, struct http_request *rq, const struct counter *c,
    const struct shop_products *p)
{
	struct json_object *arr = json_object_new_array(), *r;
	const char *lang = view_lang(app, rq);
	size_t i, j;
	int qty;

	for (i = 0; i < p->n; i++) {
		r = json_object_new_object();
		json_object_object_add(r, "idx", json_object_new_int64((int64_t)i));
		view_add_str(r, "sku", p->v[i].sku);
		view_add_str(r, "name", p->v[i].name);
		json_object_object_add(r, "price_cents", json_object_new_int64(p->v[i].price_cents));
		view_add_price(r, "price", p->v[i].price_cents, c->store.currency, lang);
		json_object_object_add(r, "stock", json_object_new_int64(p->v[i].stock));
		if (p->v[i].stock == 0)
			json_object_object_add(r, "sold_out", json_object_new_boolean(1));
		for (qty = 0, j = 0; j < c->in.nitems; j++)
			if (strcmp(c->in.items[j].sku, p->v[i].sku) == 0)
				qty = c->in.items[j].qty;
		json_object_object_add(r, "qty", json_object_new_int(qty));
		json_object_object_add(r, "max", json_object_new_int(
		    p->v[i].stock < ORDER_QTY_MAX ? (int)p->v[i].stock : ORDER_QTY_MAX));
		json_object_array_add(arr, r);
	}
	return arr;
}

/* The store select of every-store admins: every store, the chosen one selected. */
static struct json_object *
page_stores(struct app *app, struct http_request *rq, const struct counter *c)
{
	struct json_object *arr = json_object_new_array(), *r;
	struct db_store_row *rows = NULL;
	size_t n = 0, i;

	if (db_stores_list(app->db, &rows, &n) != DB_OK)
		n = 0;
	for (i = 0; i < n; i++) {
		r = json_object_new_object();
		view_add_str(r, "slug", rows[i].slug);
		view_add_str(r, "name", admin_view_store_name(app, rq, rows[i].name));
		if (rows[i].id == c->store.id)
			json_object_object_add(r, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, r);
	}
	free(rows);
	return arr;
}

/*
 * The page with status: the store's products with the quantities asked for,
 * the customer as typed, the message (c->message or c->error) and errors
 * beside their fields, and the one-time form token (the one posted, or a
 * new one). JSON clients get the error object instead of a page.
 */
static void
counter_page(struct app *app, struct http_request *rq, struct http_response *rs,
    struct counter *c, int status)
{
	struct json_object *m, *vals, *errs, *stores;
	struct shop_products p;
	char token[2 * COUNTER_TOKEN_BYTES + 1];
	size_t i;

	if (db_shop_products(app->db, c->store.id, &p) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	m = admin_view_page(app, rq, &c->s, "nav_counter", 0);
	vals = json_object_new_object();
	errs = json_object_new_object();
	for (i = 0; i < C__MAX; i++) {
		if (c->v.text[i] != NULL && i < C_STORE)
			view_add_str(vals, counter_fields[i].name, c->v.text[i]);
		if (c->v.error[i] != NULL)
			view_add_str(errs, counter_fields[i].name, view_text(app, rq, c->v.error[i]));
	}
	if (c->v.present[C_TOKEN] && c->v.error[C_TOKEN] == NULL)
		snprintf(token, sizeof token, "%s", c->v.text[C_TOKEN]);
	else
		order_token_new(token, COUNTER_TOKEN_BYTES);
	view_add_str(m, "form_token", token);
	if (c->message != NULL)
		view_add_str(m, "message", c->message);
	else if (c->error != NULL)
		view_add_str(m, "message", view_text(app, rq, c->error));
	json_object_object_add(m, "customer", vals);
	json_object_object_add(m, "errors", errs);
	json_object_object_add(m, "products", page_products(app, rq, c, &p));
	json_object_object_add(m, "has_products", json_object_new_boolean(p.n > 0));
	view_add_str(m, "store_slug", c->store.slug);
	view_add_str(m, "store_name", admin_view_store_name(app, rq, c->store.name));
	view_add_str(m, "currency", c->store.currency);
	if (c->s.row.store_id == DB_ALL_STORES) {
		stores = page_stores(app, rq, c);
		json_object_object_add(m, "pick_store",
		    json_object_new_boolean(json_object_array_length(stores) > 1));
		json_object_object_add(m, "stores", stores);
	}
	view_add_owned(m, "action_url", view_url(app, "/admin/orders/new"));
	view_add_owned(m, "back_url", view_url(app, "/admin/orders"));
	db_shop_products_free(&p);
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, status, "admin_counter", m);
}

/* A refusal: the page again (HTML) or {"error", "message", "fields"} (JSON). */
static void
counter_refuse(struct app *app, struct http_request *rq, struct http_response *rs,
    struct counter *c, int status, const char *code)
{
	struct json_object *m, *f;
	const char *msg;

	if (!rq->wants_json) {
		counter_page(app, rq, rs, c, status);
		return;
	}
	msg = c->message != NULL ? c->message : view_text(app, rq, c->error != NULL ?
	    c->error : "counter.errors.summary");
	m = json_object_new_object();
	view_add_str(m, "error", code);
	view_add_str(m, "message", msg);
	if (c->fields != NULL && json_object_object_length(c->fields) > 0) {
		f = json_object_new_object();
		json_object_object_foreach(c->fields, k, v)
			view_add_str(f, k, view_text(app, rq, json_object_get_string(v)));
		json_object_object_add(m, "fields", f);
	}
	view_json(rs, status, m);
}

/* The order made (or made before with the same key): 303 to it, or 201/200 and {"order"}. */
static void
counter_done(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct counter *c, const char *number, int created)
{
	struct json_object *m;
	struct order o;
	char path[64], *url, *shop;

	snprintf(path, sizeof path, "/admin/orders/%s", number);
	url = view_url(app, path);
	if (!rq->wants_json) {
		http_redirect(rs, 303, url);
		free(url);
		return;
	}
	if (db_order_get(app->db, c->store.id, number, 1, &o) != DB_OK) {
		free(url);
		view_unavailable(app, rq, rs);
		return;
	}
	http_add_header(rs, "Location", "%s", url);
	http_add_header(rs, "Cache-Control", "no-store");
	shop = c->store.id == STORE_DEFAULT_ID ? view_url(app, "") :
	    xasprintf("%s/s/%s", app->cfg.base_url, c->store.slug);
	m = json_object_new_object();
	json_object_object_add(m, "order", order_json(&o, shop));
	view_json(rs, created ? 201 : 200, m);
	order_clear(&o);
	free(shop);
	free(url);
}

/* The order's idempotency key into key: the page's token, a JSON client's Idempotency-Key, or a new one. 0, or -1 when refused. */
static int
counter_key(struct http_request *rq, const struct counter *c, char *key, size_t keysz)
{
	const char *h = rq->json != NULL ? http_header(rq, "Idempotency-Key") : NULL;
	char fresh[2 * COUNTER_TOKEN_BYTES + 1];

	if (h != NULL && !order_input_key_ok(h))
		return -1;
	if (h == NULL && c->v.present[C_TOKEN])
		h = c->v.text[C_TOKEN];
	if (h == NULL) {
		if (rq->json == NULL)
			return -1;	/* the page always sends its token */
		order_token_new(fresh, COUNTER_TOKEN_BYTES);
		h = fresh;
	}
	/* Per user: a key never names another seller's order. */
	snprintf(key, keysz, "counter:%" PRId64 ":%s", c->s.row.user_id, h);
	return 0;
}

/* What the transaction decided, answered. */
static void
counter_answer(struct app *app, struct http_request *rq, struct http_response *rs,
    struct counter *c, const struct shop_checkout_result *res)
{
	struct json_object *m;

	switch (res->outcome) {
	case SHOP_CREATED:
		log_msg(&app->log, LOG_INFO, "order %s keyed in at the counter", res->number);
		/* FALLTHROUGH */
	case SHOP_REPLAY:
		counter_done(app, rq, rs, c, res->number, res->outcome == SHOP_CREATED);
		return;
	case SHOP_SHORT:
		c->message = view_textf(app, rq, res->available > 0 ? "checkout.errors.stock" :
		    "checkout.errors.sold_out", "name", res->product,
		    "n", UTIL_I64(res->available), (char *)NULL);
		if (!rq->wants_json) {
			counter_page(app, rq, rs, c, 409);
			return;
		}
		m = json_object_new_object();
		view_add_str(m, "error", "out_of_stock");
		view_add_str(m, "message", c->message);
		view_add_str(m, "product", res->product);
		json_object_object_add(m, "available", json_object_new_int64(res->available));
		view_json(rs, 409, m);
		return;
	case SHOP_UNKNOWN:
		c->message = view_textf(app, rq, "checkout.errors.unknown",
		    "name", res->product, (char *)NULL);
		counter_refuse(app, rq, rs, c, 422, "invalid");
		return;
	case SHOP_KEY_REUSED:
		c->error = "checkout.errors.key_reused";
		counter_refuse(app, rq, rs, c, 409, "idempotency_key_reused");
		return;
	case SHOP_EMPTY:
	case SHOP_BAD_TOKEN:
		c->error = "counter.errors.nothing";
		counter_refuse(app, rq, rs, c, 422, "invalid");
		return;
	}
}

/* Reads the request (form or JSON) into c; the number of problems (c->error names the first line's). */
static int
counter_read(struct http_request *rq, struct counter *c)
{
	int bad;

	if (rq->json != NULL)
		return json_input(rq, c);
	bad = valid_form(counter_fields, C__MAX, &rq->form, &c->v);
	if ((c->error = form_lines(&rq->form, &c->in)) != NULL)
		bad++;
	return bad;
}

/* POST /admin/orders/new: the counter order, in the checkout's one transaction. */
static void
counter_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct counter c;
	struct shop_checkout co;
	struct shop_checkout_result res;
	char key[160];
	int bad, st;

	memset(&c, 0, sizeof c);
	memset(&res, 0, sizeof res);
	if (!admin_view_require(app, rq, rs, &c.s, 1, RIGHT_COUNTER, "counter.forbidden"))
		return;
	bad = counter_read(rq, &c);
	if ((st = pick_store(app, &c, c.v.text[C_STORE])) == 403) {
		view_fail(app, rq, rs, 403, "forbidden", "counter.errors.store_forbidden");
		goto out;
	}
	if (st == 422) {
		c.error = "counter.errors.store";
		st = pick_store(app, &c, NULL);
		bad++;
	}
	if (st != 0) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	if (bad == 0 && counter_key(rq, &c, key, sizeof key) != 0) {
		c.error = "counter.errors.token";
		bad++;
	}
	if (bad > 0) {
		if (c.error == NULL)
			c.error = "counter.errors.summary";
		counter_refuse(app, rq, rs, &c, 422, "invalid");
		goto out;
	}
	memset(&co, 0, sizeof co);
	co.store_id = c.store.id;
	co.items = c.in.items;
	co.nitems = c.in.nitems;
	co.idempotency_key = key;
	co.name = c.v.text[C_NAME];
	co.email = c.v.text[C_EMAIL];
	co.phone = c.v.text[C_PHONE];
	co.notes = c.v.text[C_NOTES];
	co.currency = c.store.currency;
	co.source = "counter";
	co.fulfilment = "pickup";
	co.language = view_lang(app, rq);
	co.created_by = c.s.row.user_id;
	if (db_shop_checkout(app->db, &co, &res) != DB_OK)
		view_unavailable(app, rq, rs);
	else
		counter_answer(app, rq, rs, &c, &res);
out:
	shop_checkout_result_free(&res);
	counter_free(&c);
}

/* GET /admin/orders/new: the page, for the user's store (every-store admins: ?store=slug). */
static void
counter_get(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct counter c;
	int st;

	memset(&c, 0, sizeof c);
	if (!admin_view_require(app, rq, rs, &c.s, 0, RIGHT_COUNTER, "counter.forbidden"))
		return;
	valid_form(counter_fields, C__MAX, &rq->query, &c.v);
	if ((st = pick_store(app, &c, c.v.error[C_STORE] ? "?" : c.v.text[C_STORE])) == 403)
		view_fail(app, rq, rs, 403, "forbidden", "counter.errors.store_forbidden");
	else if (st == 422)
		view_fail(app, rq, rs, 404, "not_found", "counter.errors.store");
	else if (st != 0)
		view_unavailable(app, rq, rs);
	else
		counter_page(app, rq, rs, &c, 200);
	counter_free(&c);
}

const struct route admin_counter_routes[] = {
	{ "GET", "/admin/orders/new", counter_get, 0 },
	{ "POST", "/admin/orders/new", counter_post, 0 },
};
const size_t admin_counter_nroutes = NELEM(admin_counter_routes);
