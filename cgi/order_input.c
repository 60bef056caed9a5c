/* order_input.c — what a customer's order request must be: the checkout form and the JSON API body, checked against tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_input.h"

const struct valid_field order_input_fields[ORDER_IN__MAX] = {
	[ORDER_IN_NAME] =  { "name", VALID_TEXT, 1, 1, 100, "checkout.errors.name" },
	[ORDER_IN_EMAIL] = { "email", VALID_EMAIL, 1, 3, 254, "checkout.errors.email" },
	[ORDER_IN_PHONE] = { "phone", VALID_PHONE, 0, 0, 20, "checkout.errors.phone" },
	[ORDER_IN_NOTES] = { "notes", VALID_LINES, 0, 0, 1000, "checkout.errors.notes" },
	/* Required or not by the fulfilment: order_input_fulfilment() decides. */
	[ORDER_IN_FULFILMENT] = { "fulfilment", VALID_TEXT, 0, 0, 20,
	    "checkout.errors.fulfilment" },
	[ORDER_IN_ADDRESS] = { "address", VALID_TEXT, 0, 0, 200, "checkout.errors.address" },
	[ORDER_IN_POSTCODE] = { "postcode", VALID_TEXT, 0, 0, 20, "checkout.errors.postcode" },
	[ORDER_IN_CITY] = { "city", VALID_TEXT, 0, 0, 100, "checkout.errors.city" },
};

/* The API's "delivery" object: the form's three address fields. */
static const struct valid_field *const delivery_fields = &order_input_fields[ORDER_IN_ADDRESS];

static const struct valid_field item_fields[] = {
	{ "sku", VALID_TEXT, 1, 1, 64, "checkout.errors.sku" },
	{ "qty", VALID_INT, 1, 1, ORDER_QTY_MAX, "checkout.errors.qty" },
};
enum { ITEM_SKU, ITEM_QTY, ITEM__MAX };

int
order_input_form(const struct kvlist *form, struct valid_result *res)
{
	return valid_form(order_input_fields, ORDER_IN__MAX, form, res);
}

int
order_input_fulfilment(enum store_fulfilment offers, const char *choice,
    const char *address, const char *postcode, const char *city,
    enum store_fulfilment *out, const char *err[4])
{
	const char *parts[3] = { address, postcode, city };
	enum store_fulfilment f;
	int bad = 0, i;

	for (i = 0; i < 4; i++)
		err[i] = NULL;
	*out = offers == STORE_DELIVERY ? STORE_DELIVERY : STORE_PICKUP;
	if (choice != NULL && *choice != '\0') {
		if (store_fulfilment_parse(choice, &f) != 0 || f == STORE_BOTH ||
		    (offers != STORE_BOTH && offers != f)) {
			err[0] = "checkout.errors.fulfilment";
			return 1;
		}
		*out = f;
	}
	if (*out != STORE_DELIVERY)
		return 0;
	for (i = 0; i < 3; i++)
		if (parts[i] == NULL || *parts[i] == '\0') {
			err[i + 1] = order_input_fields[ORDER_IN_ADDRESS + i].error_key;
			bad++;
		}
	return bad;
}

int
order_input_form_fulfilment(enum store_fulfilment offers, struct valid_result *res,
    enum store_fulfilment *out)
{
	const char *err[4];
	int i, idx;

	order_input_fulfilment(offers, res->text[ORDER_IN_FULFILMENT],
	    res->text[ORDER_IN_ADDRESS], res->text[ORDER_IN_POSTCODE],
	    res->text[ORDER_IN_CITY], out, err);
	for (i = 0; i < 4; i++) {
		idx = ORDER_IN_FULFILMENT + i;
		if (i > 0 && (*out != STORE_DELIVERY || err[0] != NULL) && res->error[idx]) {
			/* Not a delivery: the address is not read, its errors neither. */
			res->error[idx] = NULL;
			res->nerrors--;
		}
		if (err[i] != NULL && res->error[idx] == NULL) {
			res->error[idx] = err[i];
			res->nerrors++;
		}
	}
	return res->nerrors;
}

int
order_input_key_ok(const char *key)
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
api_items(struct json_object *arr, struct order_input *out, struct json_object *fields)
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
order_input_items(struct json_object *items, struct order_input *out,
    struct json_object *fields)
{
	return api_items(items, out, fields);
}

int
order_input_api(struct json_object *body, struct order_input *out,
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
		valid_json(order_input_fields, ORDER_IN_NOTES, customer, &r);
		for (i = 0; i < ORDER_IN_NOTES; i++)
			if (r.error[i]) {
				snprintf(name, sizeof name, "customer.%s", order_input_fields[i].name);
				field_error(fields, name, r.error[i], &bad);
			}
		out->name = r.text[ORDER_IN_NAME];
		out->email = r.text[ORDER_IN_EMAIL];
		out->phone = r.text[ORDER_IN_PHONE];
		r.text[ORDER_IN_NAME] = r.text[ORDER_IN_EMAIL] = r.text[ORDER_IN_PHONE] = NULL;
		valid_result_free(&r);
	}
	valid_json(&order_input_fields[ORDER_IN_NOTES], 1, body, &r);
	if (r.error[0])
		field_error(fields, "notes", r.error[0], &bad);
	out->notes = r.text[0];
	r.text[0] = NULL;
	valid_result_free(&r);
	json_object_object_get_ex(body, "items", &items);
	bad += api_items(items, out, fields);
	return bad;
}

int
order_input_api_fulfilment(struct json_object *body, enum store_fulfilment offers,
    struct order_input *out, struct json_object *fields)
{
	static const char *const names[4] = { "fulfilment", "delivery.address",
	    "delivery.postcode", "delivery.city" };
	struct json_object *d = NULL;
	struct valid_result f, r;
	const char *err[4];
	int bad = 0, i;

	valid_json(&order_input_fields[ORDER_IN_FULFILMENT], 1, body, &f);
	if (json_object_object_get_ex(body, "delivery", &d) && d != NULL &&
	    !json_object_is_type(d, json_type_object)) {
		field_error(fields, "delivery", "checkout.errors.delivery", &bad);
		d = NULL;
	}
	valid_json(delivery_fields, 3, d, &r);
	order_input_fulfilment(offers, f.error[0] ? "?" : f.text[0], r.text[0], r.text[1],
	    r.text[2], &out->fulfilment, err);
	for (i = 0; i < 4; i++) {
		if (i > 0 && out->fulfilment == STORE_DELIVERY && err[0] == NULL &&
		    r.error[i - 1] != NULL)
			err[i] = r.error[i - 1];
		if (err[i] != NULL)
			field_error(fields, names[i], err[i], &bad);
	}
	if (out->fulfilment == STORE_DELIVERY) {
		out->address = r.text[0];
		out->postcode = r.text[1];
		out->city = r.text[2];
		r.text[0] = r.text[1] = r.text[2] = NULL;
	}
	valid_result_free(&f);
	valid_result_free(&r);
	return bad;
}

void
order_input_free(struct order_input *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->name);
	free(a->email);
	free(a->phone);
	free(a->notes);
	free(a->address);
	free(a->postcode);
	free(a->city);
	for (i = 0; i < a->nitems; i++)
		free((char *)a->items[i].sku);
	memset(a, 0, sizeof *a);
}
