/* shop.h — the customer's catalog and cart: GET /, GET /cart, POST /cart/items[/{product_id}]. */
#ifndef ORDERSYNC_SHOP_H
#define ORDERSYNC_SHOP_H

#include <stdint.h>

#include <json-c/json.h>

#include "db.h"
#include "http.h"
#include "router.h"

struct app;
struct shop_cart;

extern const struct route shop_routes[];
extern const size_t shop_nroutes;

/* The cart cookie (RFC 6265): 64 hex characters naming a carts row. */
#define SHOP_CART_COOKIE	"cart"
#define SHOP_CART_MAX_AGE	(30L * 24 * 3600)

/*
 * The cart the request's cookie names into *cart; *found is 0 when there is
 * no cookie, a malformed one, or one naming no cart (treated as no cart).
 * Returns DB_OK, or DB_BUSY/DB_ERROR.
 */
enum db_status	shop_cart_load(struct app *app, struct http_request *rq,
		    struct shop_cart *cart, int *found);

/*
 * The cart page's view model for cart (NULL: the request has none):
 * {"cart": {"count", "lines": [...], "total_cents", "currency", "total",
 * "empty"}, "form_token", "checkout": {"open": false, "values": {},
 * "errors": {}}}. Callers add a "notice" or open the checkout and render it
 * with the "cart" template. On success *out is a new object the caller owns;
 * on failure (DB_BUSY/DB_ERROR) *out is NULL.
 */
enum db_status	shop_cart_model(struct app *app, struct http_request *rq,
		    const struct shop_cart *cart, struct json_object **out);

/* cents formatted for the request's language in the shop's currency, as a new JSON string. */
struct json_object *shop_price(struct app *app, struct http_request *rq, int64_t cents);

/*
 * CSRF defence for cookie-identified POSTs (with the SameSite=Lax cookie):
 * 1 when the request carries no Origin and no Referer, or when the one it
 * carries (Origin first) names the same host and port as the Host header;
 * 0 otherwise ("Origin: null" included).
 */
int	shop_origin_ok(const struct http_request *rq);

/*
 * The form (or JSON object, when json is not NULL) of POST /cart/items:
 * product_id (required, a positive integer) and qty (1..99, 1 when absent).
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
