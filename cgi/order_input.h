/* order_input.h — what a customer's order request must be: the checkout form and the JSON API body, checked against tables. */
#ifndef ORDERSYNC_ORDER_INPUT_H
#define ORDERSYNC_ORDER_INPUT_H

#include <stddef.h>

#include <json-c/json.h>

#include "db_shop.h"
#include "http.h"
#include "order.h"
#include "store.h"
#include "valid.h"

/* The checkout form's fields, in the order of its validation table. */
enum order_input_field {
	ORDER_IN_NAME,		/* required, 1..100 characters */
	ORDER_IN_EMAIL,		/* required, a sane address, <= 254 */
	ORDER_IN_PHONE,		/* optional: digits, spaces, + ( ) -, <= 20 */
	ORDER_IN_NOTES,		/* optional, <= 1000 characters, newlines allowed */
	ORDER_IN_FULFILMENT,	/* "pickup" | "delivery", one the store offers; absent: the store's first */
	ORDER_IN_ADDRESS,	/* delivery: required, 1..200 characters; pickup: ignored */
	ORDER_IN_POSTCODE,	/* delivery: required, 1..20 */
	ORDER_IN_CITY,		/* delivery: required, 1..100 */
	ORDER_IN__MAX
};

/* The checkout form's table: names, kinds, limits and error keys (the form re-rendered names its fields from it). */
extern const struct valid_field order_input_fields[ORDER_IN__MAX];

/*
 * Checks the checkout form (name, email, phone, notes, fulfilment, address,
 * postcode, city) against its table; the fulfilment rules are
 * order_input_form_fulfilment()'s.
 * Returns the number of wrong fields; res is always filled (text[] holds the
 * trimmed values, error[] the locale keys) and released with
 * valid_result_free().
 */
int	order_input_form(const struct kvlist *form, struct valid_result *res);

/*
 * How an order is fulfilled, for a store that offers offers: choice ("",
 * "pickup" or "delivery") and the delivery address (address, postcode,
 * city; "" when absent). "" picks the store's first (pickup when it offers
 * both). Delivery needs the three address parts; pickup ignores them. *out
 * receives STORE_PICKUP or STORE_DELIVERY; err[0..3] the locale key of the
 * problem with the choice, address, postcode and city (NULL: none).
 * Returns the number of problems.
 */
int	order_input_fulfilment(enum store_fulfilment offers, const char *choice,
	    const char *address, const char *postcode, const char *city,
	    enum store_fulfilment *out /* OUT */, const char *err[4] /* OUT */);
/*
 * Applies order_input_fulfilment() to a checked form (res of
 * order_input_form): its errors join res's (a pickup order's address errors
 * are dropped). Returns res->nerrors; *out as order_input_fulfilment().
 */
int	order_input_form_fulfilment(enum store_fulfilment offers, struct valid_result *res,
	    enum store_fulfilment *out /* OUT */);

/* A validated JSON API order. Strings owned; release with order_input_free(). */
struct order_input {
	char			*name, *email, *phone, *notes;
	enum store_fulfilment	 fulfilment;		/* order_input_api_fulfilment */
	char			*address, *postcode, *city;	/* delivery; NULL for pickup */
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
/*
 * Checks a JSON "items" array alone (order_input_api()'s rules) into out's
 * items; problems are added to fields. Returns the number of problems.
 */
int	order_input_items(struct json_object *items, struct order_input *out,
	    struct json_object *fields);
/*
 * Checks a POST /api/orders body's optional "fulfilment" and "delivery":
 * {"address", "postcode", "city"} for a store that offers offers (rules of
 * order_input_fulfilment()); problems are added to fields as "fulfilment",
 * "delivery.address", … → locale key. Fills out->fulfilment and, for
 * delivery, out->address, postcode and city (freed by order_input_free()).
 * Returns the number of problems.
 */
int	order_input_api_fulfilment(struct json_object *body, enum store_fulfilment offers,
	    struct order_input *out, struct json_object *fields);

/* 1 when an Idempotency-Key is 1..100 printable ASCII characters (0x20-0x7e). */
int	order_input_key_ok(const char *key);

#endif
