/* checkout.h — placing orders: POST /checkout, the confirmation page and its status, POST /api/orders. */
#ifndef ORDERSYNC_CHECKOUT_H
#define ORDERSYNC_CHECKOUT_H

#include <stddef.h>

#include <json-c/json.h>

#include "db_shop.h"
#include "http.h"
#include "router.h"
#include "valid.h"

extern const struct route checkout_routes[];
extern const size_t checkout_nroutes;

/* The checkout form's fields, in the order of its validation table. */
enum checkout_field {
	CHECKOUT_NAME,		/* required, 1..100 characters */
	CHECKOUT_EMAIL,		/* required, a sane address, <= 254 */
	CHECKOUT_PHONE,		/* optional: digits, spaces, + ( ) -, <= 20 */
	CHECKOUT_NOTES,		/* optional, <= 1000 characters, newlines allowed */
	CHECKOUT__MAX
};

/*
 * Checks the checkout form (name, email, phone, notes) against its table.
 * Returns the number of wrong fields; res is always filled (text[] holds the
 * trimmed values, error[] the locale keys) and released with
 * valid_result_free().
 */
int	checkout_validate_form(const struct kvlist *form, struct valid_result *res);

/* A validated JSON API order. Strings owned; release with checkout_api_free(). */
struct checkout_api {
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
 * the order; release it with checkout_api_free() in every case.
 */
int	checkout_validate_api(struct json_object *body, struct checkout_api *out,
	    struct json_object *fields);
void	checkout_api_free(struct checkout_api *a);

/* 1 when an Idempotency-Key is 1..100 printable ASCII characters (0x20-0x7e). */
int	checkout_key_valid(const char *key);

#endif
