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
};

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
	for (i = 0; i < a->nitems; i++)
		free((char *)a->items[i].sku);
	memset(a, 0, sizeof *a);
}
