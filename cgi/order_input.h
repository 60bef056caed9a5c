/* order_input.h — what a customer's order request must be: the checkout form and the JSON API body, checked against tables. */
#ifndef ORDERSYNC_ORDER_INPUT_H
#define ORDERSYNC_ORDER_INPUT_H

#include <stddef.h>

#include <json-c/json.h>

#include "db_shop.h"
#include "http.h"
#include "order.h"
#include "valid.h"

/* The checkout form's fields, in the order of its validation table. */
enum order_input_field {
	ORDER_IN_NAME,		/* required, 1..100 characters */
	ORDER_IN_EMAIL,		/* required, a sane address, <= 254 */
	ORDER_IN_PHONE,		/* optional: digits, spaces, + ( ) -, <= 20 */
	ORDER_IN_NOTES,		/* optional, <= 1000 characters, newlines allowed */
	ORDER_IN__MAX
};

/* The checkout form's table: names, kinds, limits and error keys (the form re-rendered names its fields from it). */
extern const struct valid_field order_input_fields[ORDER_IN__MAX];

/*
 * Checks the checkout form (name, email, phone, notes) against its table.
 * Returns the number of wrong fields; res is always filled (text[] holds the
 * trimmed values, error[] the locale keys) and released with
 * valid_result_free().
 */
int	order_input_form(const struct kvlist *form, struct valid_result *res);

/* A validated JSON API order. Strings owned; release with order_input_free(). */
struct order_input {
	char			*name, *email, *phone, *notes;
	struct shop_item_req	 items[ORDER_LINES_MAX];
	size_t			 nitems;
};

/*
 * Checks a POST /api/orders body: {"customer": {"name", "email", "phone"},
 * "items": [{"sku", "qty"}] (1..50 lines, sku 1..64 characters, qty 1..99;
 * lines naming the same sku are merged, their sum still at most 99),
 * "notes"}. Returns the number of problems; each is added to fields (an
 * object the caller owns) as "customer.email" → locale key. On 0, out holds
 * the order; release it with order_input_free() in every case.
 */
int	order_input_api(struct json_object *body, struct order_input *out,
	    struct json_object *fields);
void	order_input_free(struct order_input *a);

/* 1 when an Idempotency-Key is 1..100 printable ASCII characters (0x20-0x7e). */
int	order_input_key_ok(const char *key);

#endif
