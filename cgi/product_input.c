/* product_input.c — what a product form or JSON body must be: its table, and how absent fields keep their values. */
#include <string.h>

#include <json-c/json.h>

#include "product_input.h"

const struct valid_field product_input_fields[PRODUCT_IN__MAX] = {
	[PRODUCT_IN_SKU] =	{ "sku", VALID_TEXT, 1, 1, PRODUCT_SKU_MAX, "products.errors.sku" },
	[PRODUCT_IN_NAME] =	{ "name", VALID_TEXT, 1, 1, PRODUCT_NAME_MAX,
				  "products.errors.name" },
	[PRODUCT_IN_DESC] =	{ "description", VALID_LINES, 0, 0, PRODUCT_DESC_MAX,
				  "products.errors.description" },
	[PRODUCT_IN_PRICE] =	{ "price", VALID_TEXT, 1, 1, 16, "products.errors.price" },
	[PRODUCT_IN_STOCK] =	{ "stock", VALID_INT, 0, 0, PRODUCT_STOCK_MAX,
				  "products.errors.stock" },
	[PRODUCT_IN_ACTIVE] =	{ "active", VALID_INT, 0, 0, 1, "products.errors.active" },
	[PRODUCT_IN_LOW] =	{ "low_stock_at", VALID_INT, 0, 0, PRODUCT_STOCK_MAX,
				  "products.errors.low_stock_at" },
	[PRODUCT_IN_STORE] =	{ "store", VALID_TEXT, 0, 1, 64, "products.errors.store" },
	[PRODUCT_IN_STOCK_WAS] = { "stock_was", VALID_INT, 0, 0, PRODUCT_STOCK_MAX,
				  "products.errors.stock" },
	/* A file part (rq->files); as a text field it can only be empty. */
	[PRODUCT_IN_PHOTO] =	{ "photo", VALID_TEXT, 0, 0, 0, "products.errors.photo" },
	[PRODUCT_IN_REMOVE_PHOTO] = { "remove_photo", VALID_INT, 0, 0, 1,
				  "products.errors.remove_photo" },
};

/* 1 when the request names the field at all (a form's "x=" or a JSON member). */
static int
given(const struct http_request *rq, const char *name)
{
	if (rq->json != NULL)
		return json_object_object_get_ex(rq->json, name, NULL);
	return kv_get(&rq->form, name) != NULL;
}

int
product_input_read(struct http_request *rq, struct valid_result *v, struct product *p,
    const struct product *cur)
{
	struct json_object *j;
	int is_new = cur == NULL;

	valid_request(product_input_fields, PRODUCT_IN__MAX, rq, v);
	if (rq->json != NULL && json_object_object_get_ex(rq->json, "price_cents", &j)) {
		/* JSON: money in cents (DESIGN.md); "price" then is not asked for. */
		if (v->error[PRODUCT_IN_PRICE] != NULL && !v->present[PRODUCT_IN_PRICE]) {
			v->error[PRODUCT_IN_PRICE] = NULL;
			v->nerrors--;
		}
		if (!json_object_is_type(j, json_type_int) || json_object_get_int64(j) < 0 ||
		    json_object_get_int64(j) > PRODUCT_PRICE_MAX) {
			v->error[PRODUCT_IN_PRICE] = "products.errors.price";
			v->nerrors++;
		} else
			p->price_cents = json_object_get_int64(j);
	} else if (!is_new && !given(rq, "price")) {
		/* Edit without a price: it stays. */
		if (v->error[PRODUCT_IN_PRICE] != NULL) {
			v->error[PRODUCT_IN_PRICE] = NULL;
			v->nerrors--;
		}
		p->price_cents = cur->price_cents;
	} else if (v->error[PRODUCT_IN_PRICE] == NULL &&
	    product_price_parse(v->text[PRODUCT_IN_PRICE], &p->price_cents) != 0) {
		v->error[PRODUCT_IN_PRICE] = "products.errors.price";
		v->nerrors++;
	}
	if (rq->json != NULL && json_object_object_get_ex(rq->json, "active", &j) &&
	    json_object_is_type(j, json_type_boolean)) {
		if (v->error[PRODUCT_IN_ACTIVE] != NULL) {
			v->error[PRODUCT_IN_ACTIVE] = NULL;
			v->nerrors--;
		}
		p->active = json_object_get_boolean(j);
	} else if (rq->json != NULL)
		p->active = v->present[PRODUCT_IN_ACTIVE] ? (int)v->num[PRODUCT_IN_ACTIVE] :
		    is_new ? 1 : cur->active;
	else	/* a checkbox: sent when ticked */
		p->active = v->present[PRODUCT_IN_ACTIVE] && v->num[PRODUCT_IN_ACTIVE] == 1;
	if (is_new && !v->present[PRODUCT_IN_STOCK] && v->error[PRODUCT_IN_STOCK] == NULL) {
		v->error[PRODUCT_IN_STOCK] = "products.errors.stock";
		v->nerrors++;
	}
	p->sku = v->text[PRODUCT_IN_SKU];
	p->name = v->text[PRODUCT_IN_NAME];
	p->description = given(rq, "description") || is_new ? v->text[PRODUCT_IN_DESC] :
	    cur->description;
	p->stock = v->num[PRODUCT_IN_STOCK];
	p->low_stock_at = v->present[PRODUCT_IN_LOW] ? v->num[PRODUCT_IN_LOW] :
	    is_new ? PRODUCT_LOW_DEFAULT : cur->low_stock_at;
	return v->nerrors;
}

