/* admin_catalog.c — the catalog in the back office: the product list, new and edit forms, stock adjustments, deletion. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_catalog.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_catalog.h"
#include "db_media.h"
#include "feed.h"
#include "image.h"
#include "product.h"
#include "product_input.h"
#include "role.h"
#include "valid.h"
#include "view.h"

#define CATALOG_LIST_MAX	500	/* products on the list page */

/* The route's {id}: a positive integer, else 0 (a 404). */
static int64_t
route_id(struct http_request *rq)
{
	long id;

	if (!valid_int(kv_get(&rq->params, "id") ? kv_get(&rq->params, "id") : "", 1,
	    LONG_MAX, &id))
		return 0;
	return id;
}

static void
not_found(struct app *app, struct http_request *rq, struct http_response *rs)
{
	view_fail(app, rq, rs, 404, "not_found", "products.not_found");
}

/* One product as the list and the form show it (the JSON fields and the page's words; prices in currency). */
static struct json_object *
product_row(struct app *app, struct http_request *rq, const struct product *p,
    const char *currency)
{
	struct json_object *r = product_json(p, app->cfg.base_url);
	char path[64], price[24], *thumb;

	snprintf(path, sizeof path, "/admin/products/%" PRId64, p->id);
	view_add_owned(r, "url", view_url(app, path));
	view_add_price(r, "price", p->price_cents, currency, view_lang(app, rq));
	product_price_input(price, sizeof price, p->price_cents, view_lang(app, rq));
	view_add_str(r, "price_input", price);
	view_add_str(r, "store_name", admin_view_store_name(app, rq, p->store_name));
	if (product_is_low(p->stock, p->low_stock_at))
		json_object_object_add(r, "low", json_object_new_boolean(1));
	if (p->sold)
		json_object_object_add(r, "sold", json_object_new_boolean(1));
	if ((thumb = product_media_url(app->cfg.base_url, &p->thumb)) != NULL) {
		view_add_owned(r, "thumb_url", thumb);
		json_object_object_add(r, "thumb_width", json_object_new_int(p->thumb.width));
		json_object_object_add(r, "thumb_height", json_object_new_int(p->thumb.height));
	}
	return r;
}

/* ---- the list ---- */

enum { L_Q, L_ACTIVE, L__MAX };
static const struct valid_field list_fields[L__MAX] = {
	[L_Q]      = { "q", VALID_TEXT, 0, 0, 100, "products.errors.search" },
	[L_ACTIVE] = { "active", VALID_INT, 0, 0, 1, "products.errors.search" },
};

/* GET /admin/products: ?q= (name or SKU), ?active=0|1. */
static void
products_list(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct db_product_filter f;
	struct product *list = NULL;
	struct json_object *m, *arr;
	struct admin_locale loc;
	int64_t head, nstores = 1;
	size_t n = 0, i;

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_CATALOG, "products.forbidden"))
		return;
	if (valid_form(list_fields, L__MAX, &rq->query, &v) != 0) {
		view_fail(app, rq, rs, 400, "bad_request", "products.errors.search");
		goto out;
	}
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.q = v.text[L_Q];
	f.active = v.present[L_ACTIVE] ? (int)v.num[L_ACTIVE] : -1;
	f.limit = CATALOG_LIST_MAX;
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK ||
	    db_catalog_list(app->db, &f, &list, &n) != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	admin_view_locale(app, &s, &loc);
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, product_row(app, rq, &list[i], loc.currency));
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "products", arr);
		view_json(rs, 200, m);
		goto out;
	}
	m = admin_view_page(app, rq, &s, "nav_products", head);
	json_object_object_add(m, "products", arr);
	json_object_object_add(m, "has_products", json_object_new_boolean(n > 0));
	view_add_str(m, "q", f.q);
	json_object_object_add(m, f.active < 0 ? "filter_all" : f.active ? "filter_active" :
	    "filter_inactive", json_object_new_boolean(1));
	json_object_object_add(m, "multi_store",
	    json_object_new_boolean(s.row.store_id == DB_ALL_STORES && nstores > 1));
	view_add_owned(m, "new_url", view_url(app, "/admin/products/new"));
	view_add_owned(m, "self_url", view_url(app, "/admin/products"));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_products", m);
out:
	product_free_all(list, n);
	valid_result_free(&v);
}

/* ---- the form: new and edit ---- */

/* The form's page: values as posted (or the product's), errors beside their fields. */
static void
form_page(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int status, const struct product *p,
    const struct valid_result *v, const char *notice)
{
	struct json_object *m = NULL, *vals, *errs;
	struct admin_locale loc;
	char path[64];
	size_t i;

	if (rq->wants_json && v != NULL && v->nerrors > 0) {
		errs = json_object_new_object();
		for (i = 0; i < PRODUCT_IN__MAX; i++)
			if (v->error[i] != NULL)
				view_add_str(errs, product_input_fields[i].name, view_text(app, rq, v->error[i]));
		m = json_object_new_object();
		view_add_str(m, "error", "invalid");
		view_add_str(m, "message", view_text(app, rq, "products.errors.summary"));
		json_object_object_add(m, "fields", errs);
		view_json(rs, status, m);
		return;
	}
	m = admin_view_page(app, rq, s, "nav_products", 0);
	admin_view_locale(app, s, &loc);
	vals = p != NULL && p->id > 0 ? product_row(app, rq, p, loc.currency) :
	    json_object_new_object();
	errs = json_object_new_object();
	for (i = 0; v != NULL && i < PRODUCT_IN__MAX; i++) {
		if (v->text[i] != NULL && i != PRODUCT_IN_STOCK_WAS && (v->present[i] || v->error[i]))
			view_add_str(vals, i == PRODUCT_IN_PRICE ? "price_input" : product_input_fields[i].name,
			    v->text[i]);
		if (v->error[i] != NULL)
			view_add_str(errs, product_input_fields[i].name, view_text(app, rq, v->error[i]));
	}
	if (p == NULL || p->id == 0) {
		json_object_object_add(m, "is_new", json_object_new_boolean(1));
		if (v == NULL) {
			view_add_str(vals, "low_stock_at", "3");
			json_object_object_add(vals, "active", json_object_new_boolean(1));
		}
		view_add_owned(m, "action_url", view_url(app, "/admin/products/new"));
	} else {
		snprintf(path, sizeof path, "/admin/products/%" PRId64, p->id);
		view_add_owned(m, "action_url", view_url(app, path));
		snprintf(path, sizeof path, "/admin/products/%" PRId64 "/stock", p->id);
		view_add_owned(m, "stock_url", view_url(app, path));
		snprintf(path, sizeof path, "/admin/products/%" PRId64 "/delete", p->id);
		view_add_owned(m, "delete_url", view_url(app, path));
	}
	if (v != NULL && v->nerrors > 0)
		view_add_str(m, "summary", view_text(app, rq, "products.errors.summary"));
	if (notice != NULL)
		view_add_str(m, "notice", notice);
	json_object_object_add(m, "product", vals);
	json_object_object_add(m, "errors", errs);
	json_object_object_add(m, "pick_store",
	    json_object_new_boolean(s->row.store_id == DB_ALL_STORES));
	view_add_owned(m, "back_url", view_url(app, "/admin/products"));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, status, "admin_product", m);
}

/* What a request asks of the product's photo. */
enum photo_change { PHOTO_KEEP, PHOTO_SET, PHOTO_REMOVE };

/*
 * The photo of a product form: a "photo" file part with bytes is made into
 * the renditions (out, released by the caller with image_out_clear());
 * remove_photo=1 clears it; a part with no file chosen (no name, no bytes)
 * or none at all keeps it. A refused file (empty, not JPEG/PNG/WebP, over
 * 40 megapixels, unreadable) sets v's photo error and returns -1: the form
 * answers 422 and nothing is written.
 */
static int
read_photo(struct app *app, struct http_request *rq, struct valid_result *v,
    struct image_out out[IMAGE__NOUT], enum photo_change *change)
{
	const struct http_file *f = http_file_get(&rq->files, "photo");
	const char *why = NULL;
	enum image_status st;

	memset(out, 0, IMAGE__NOUT * sizeof *out);
	*change = v->present[PRODUCT_IN_REMOVE_PHOTO] && v->num[PRODUCT_IN_REMOVE_PHOTO] == 1 ?
	    PHOTO_REMOVE : PHOTO_KEEP;
	if (f == NULL || (f->filename[0] == '\0' && f->len == 0))
		return 0;
	switch ((st = image_renditions(f->data, f->len, out, &why))) {
	case IMAGE_OK:
		*change = PHOTO_SET;
		return 0;
	case IMAGE_EMPTY:
		v->error[PRODUCT_IN_PHOTO] = "products.errors.photo_empty";
		break;
	case IMAGE_UNSUPPORTED:
		v->error[PRODUCT_IN_PHOTO] = "products.errors.photo_type";
		break;
	case IMAGE_TOO_LARGE:
		v->error[PRODUCT_IN_PHOTO] = "products.errors.photo_large";
		break;
	default:
		v->error[PRODUCT_IN_PHOTO] = "products.errors.photo_unreadable";
		break;
	}
	v->nerrors++;
	log_msg(&app->log, LOG_INFO, "catalog: photo refused (%s): %s", f->filename, why);
	return -1;
}

/* Applies a photo change to product id (scope store_id); DB_OK when there is none. */
static enum db_status
save_photo(struct app *app, int64_t store_id, int64_t id, enum photo_change change,
    const struct image_out out[IMAGE__NOUT])
{
	struct db_media_blob image, thumb;

	if (change == PHOTO_KEEP)
		return DB_OK;
	if (change == PHOTO_REMOVE)
		return db_media_set_photo(app->db, store_id, id, NULL, NULL);
	image = (struct db_media_blob){ out[IMAGE_LARGE].data, out[IMAGE_LARGE].len,
	    out[IMAGE_LARGE].width, out[IMAGE_LARGE].height };
	thumb = (struct db_media_blob){ out[IMAGE_THUMB].data, out[IMAGE_THUMB].len,
	    out[IMAGE_THUMB].width, out[IMAGE_THUMB].height };
	return db_media_set_photo(app->db, store_id, id, &image, &thumb);
}

/* Where a saved product goes: its page (303), or {"product"} for JSON clients. */
static void
saved(struct app *app, struct http_request *rq, struct http_response *rs, int64_t store_id,
    int64_t id, int status)
{
	struct json_object *m;
	struct product p;
	char path[80], *loc;

	if (!rq->wants_json) {
		snprintf(path, sizeof path, "/admin/products/%" PRId64 "?saved=1", id);
		loc = view_url(app, path);
		http_redirect(rs, 303, loc);
		free(loc);
		return;
	}
	if (db_catalog_get(app->db, store_id, id, &p) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	m = json_object_new_object();
	json_object_object_add(m, "product", product_json(&p, app->cfg.base_url));
	product_clear(&p);
	view_json(rs, status, m);
}

/* 409 naming the SKU another product of the store has. */
static void
duplicate_sku(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *sku)
{
	char *msg = view_textf(app, rq, "products.errors.duplicate", "sku", sku, (char *)NULL);

	view_error(app, rq, rs, 409, "duplicate_sku", msg);
	free(msg);
}

/* The store a new product goes to: the session's, or ?store= slug for every-store admins. */
static int
target_store(struct app *app, const struct auth_session *s, struct valid_result *v,
    int64_t *store_id)
{
	if (s->row.store_id != DB_ALL_STORES) {
		*store_id = s->row.store_id;
		return 1;
	}
	*store_id = 1;	/* the default store */
	if (!v->present[PRODUCT_IN_STORE])
		return 1;
	if (db_catalog_store_id(app->db, v->text[PRODUCT_IN_STORE], store_id) == DB_OK)
		return 1;
	v->error[PRODUCT_IN_STORE] = "products.errors.store";
	v->nerrors++;
	return 0;
}

/* GET /admin/products/new */
static void
product_new_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;

	if (admin_view_require(app, rq, rs, &s, 0, RIGHT_CATALOG, "products.forbidden"))
		form_page(app, rq, rs, &s, 200, NULL, NULL, NULL);
}

/* POST /admin/products/new → 303 /admin/products/{id}; JSON 201 {"product"}. */
static void
product_create(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct product p;
	struct image_out photo[IMAGE__NOUT] = { { 0 } };
	enum photo_change change;
	enum db_status rc;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_CATALOG, "products.forbidden"))
		return;
	memset(&p, 0, sizeof p);
	if (product_input_read(rq, &v, &p, NULL) != 0 || !target_store(app, &s, &v, &p.store_id) ||
	    read_photo(app, rq, &v, photo, &change) != 0) {
		form_page(app, rq, rs, &s, 422, NULL, &v, NULL);
		goto out;
	}
	if ((rc = db_catalog_create(app->db, &p)) == DB_OK)
		rc = save_photo(app, p.store_id, p.id, change, photo);
	if (rc == DB_CONFLICT)
		duplicate_sku(app, rq, rs, p.sku);
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else {
		log_msg(&app->log, LOG_INFO, "catalog: product %" PRId64 " added", p.id);
		saved(app, rq, rs, s.row.store_id, p.id, 201);
	}
out:
	image_out_clear(&photo[0]);
	image_out_clear(&photo[1]);
	valid_result_free(&v);
}

/* GET /admin/products/{id} (?saved=1 after a change) */
static void
product_edit_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct product p;
	struct json_object *m;
	enum db_status rc;
	int64_t id = route_id(rq);

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_CATALOG, "products.forbidden"))
		return;
	if (id == 0 || (rc = db_catalog_get(app->db, s.row.store_id, id, &p)) == DB_NOTFOUND) {
		not_found(app, rq, rs);
		return;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "product", product_json(&p, app->cfg.base_url));
		view_json(rs, 200, m);
	} else
		form_page(app, rq, rs, &s, 200, &p, NULL, kv_get(&rq->query, "saved") ?
		    view_text(app, rq, "products.saved") : NULL);
	product_clear(&p);
}

/*
 * POST /admin/products/{id}. The page's form sends the stock it showed
 * (stock_was): a different stock is applied as the difference, atomically,
 * so sales made while the form was open are kept. Without stock_was (a JSON
 * client) stock is set as given; without stock it is left alone.
 */
static void
product_update(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct product p, cur, after;
	struct image_out photo[IMAGE__NOUT] = { { 0 } };
	enum photo_change change;
	enum db_status rc;
	int64_t id = route_id(rq);
	int set_stock;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_CATALOG, "products.forbidden"))
		return;
	if (id == 0 || (rc = db_catalog_get(app->db, s.row.store_id, id, &cur)) == DB_NOTFOUND) {
		not_found(app, rq, rs);
		return;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	memset(&p, 0, sizeof p);
	if (product_input_read(rq, &v, &p, &cur) != 0 ||
	    read_photo(app, rq, &v, photo, &change) != 0) {
		form_page(app, rq, rs, &s, 422, &cur, &v, NULL);
		goto out;
	}
	p.id = id;
	set_stock = v.present[PRODUCT_IN_STOCK] && !v.present[PRODUCT_IN_STOCK_WAS];
	if ((rc = db_catalog_update(app->db, s.row.store_id, &p, set_stock)) == DB_OK &&
	    v.present[PRODUCT_IN_STOCK] && v.present[PRODUCT_IN_STOCK_WAS] &&
	    p.stock != v.num[PRODUCT_IN_STOCK_WAS]) {
		rc = db_catalog_adjust(app->db, s.row.store_id, id, p.stock - v.num[PRODUCT_IN_STOCK_WAS],
		    view_text(app, rq, "products.edited"), s.row.user_id, &after);
		product_clear(&after);
	}
	if (rc == DB_OK)
		rc = save_photo(app, s.row.store_id, id, change, photo);
	if (rc == DB_CONFLICT)
		duplicate_sku(app, rq, rs, p.sku);
	else if (rc == DB_NOTFOUND)
		not_found(app, rq, rs);
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else
		saved(app, rq, rs, s.row.store_id, id, 200);
out:
	image_out_clear(&photo[0]);
	image_out_clear(&photo[1]);
	product_clear(&cur);
	valid_result_free(&v);
}

enum { A_DELTA, A_REASON, A__MAX };
static const struct valid_field adjust_fields[A__MAX] = {
	[A_DELTA]  = { "delta", VALID_TEXT, 1, 1, 16, "products.errors.delta" },
	[A_REASON] = { "reason", VALID_TEXT, 0, 0, PRODUCT_REASON_MAX, "products.errors.reason" },
};

/* POST /admin/products/{id}/stock: delta ("+12", "−1"), reason → 303 back; JSON the product. */
static void
product_adjust(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct product after;
	enum db_status rc;
	int64_t id = route_id(rq), delta = 0;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_CATALOG, "products.forbidden"))
		return;
	if (id == 0) {
		not_found(app, rq, rs);
		return;
	}
	if (valid_request(adjust_fields, A__MAX, rq, &v) != 0 ||
	    product_delta_parse(v.text[A_DELTA], &delta) != 0) {
		view_fail(app, rq, rs, 422, "invalid", v.error[A_REASON] ?
		    "products.errors.reason" : "products.errors.delta");
		goto out;
	}
	rc = db_catalog_adjust(app->db, s.row.store_id, id, delta, v.text[A_REASON],
	    s.row.user_id, &after);
	if (rc == DB_NOTFOUND)
		not_found(app, rq, rs);
	else if (rc == DB_CONFLICT)
		view_fail(app, rq, rs, 409, "stock_range", "products.errors.stock_range");
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else {
		log_msg(&app->log, LOG_INFO, "catalog: product %" PRId64 " stock %+" PRId64
		    " -> %" PRId64, id, delta, after.stock);
		product_clear(&after);
		saved(app, rq, rs, s.row.store_id, id, 200);
	}
out:
	valid_result_free(&v);
}

/* POST /admin/products/{id}/delete: only a product never sold; else 409 (deactivate it). */
static void
product_delete(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct json_object *m;
	enum db_status rc;
	int64_t id = route_id(rq);
	char *loc;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_CATALOG, "products.forbidden"))
		return;
	rc = id == 0 ? DB_NOTFOUND : db_catalog_delete(app->db, s.row.store_id, id);
	if (rc == DB_NOTFOUND)
		not_found(app, rq, rs);
	else if (rc == DB_CONFLICT)
		view_fail(app, rq, rs, 409, "sold", "products.errors.sold");
	else if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "deleted", json_object_new_boolean(1));
		view_json(rs, 200, m);
	} else {
		loc = view_url(app, "/admin/products");
		http_redirect(rs, 303, loc);
		free(loc);
	}
}

const struct route admin_catalog_routes[] = {
	{ "GET",  "/admin/products",			products_list,		0 },
	{ "GET",  "/admin/products/new",		product_new_form,	0 },
	{ "POST", "/admin/products/new",		product_create,		ROUTE_UPLOAD },
	{ "GET",  "/admin/products/{id}",		product_edit_form,	0 },
	{ "POST", "/admin/products/{id}",		product_update,		ROUTE_UPLOAD },
	{ "POST", "/admin/products/{id}/stock",		product_adjust,		0 },
	{ "POST", "/admin/products/{id}/delete",	product_delete,		0 },
};
const size_t admin_catalog_nroutes = NELEM(admin_catalog_routes);
