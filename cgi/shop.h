/* shop.h — the customer's catalog and cart: GET /, GET /cart, POST /cart/items[/{product_id}]. */
#ifndef ORDERSYNC_SHOP_H
#define ORDERSYNC_SHOP_H

#include <stdint.h>

#include <json-c/json.h>

#include "db.h"
#include "http.h"
#include "router.h"

struct app;

extern const struct route shop_routes[];
extern const size_t shop_nroutes;

/*
 * The form (or JSON object, when json is not NULL) of POST /cart/items:
 * product_id (required, a positive integer) and qty (required, 1..99; empty
 * or missing is refused).
 * Returns 1 with the values set, or 0 with *error_key naming the locale text.
 */
int	shop_validate_add(const struct kvlist *form, struct json_object *json,
	    int64_t *product_id, int *qty, const char **error_key);
/*
 * The form (or JSON object) of POST /cart/items/{product_id}: the route's
 * product_id (a positive integer) and qty (required, 0..99; 0 removes).
 * Returns 1 or 0 as shop_validate_add does.
 */
int	shop_validate_set(const char *product_param, const struct kvlist *form,
	    struct json_object *json, int64_t *product_id, int *qty,
	    const char **error_key);

#endif
