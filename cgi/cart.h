/* cart.h — the customer's cart as the pages need it: its cookie, loading or making it, its view model. */
#ifndef ORDERSYNC_CART_H
#define ORDERSYNC_CART_H

#include <json-c/json.h>

#include "db.h"
#include "http.h"

struct app;
struct shop_cart;

/*
 * The cart cookie (RFC 6265): 64 hex characters naming a carts row. The
 * default store's is "cart"; another store's "cart_<id>", its Path the
 * storefront's prefix, so two stores' carts never meet.
 */
#define CART_COOKIE	"cart"
#define CART_MAX_AGE	(30L * 24 * 3600)

/*
 * The cart the request's cookie (of rq->store) names into *cart; *found is
 * 0 when there is no cookie, a malformed one, one naming no cart, or a cart
 * of another store (each treated as no cart).
 * Returns DB_OK, or DB_BUSY/DB_ERROR.
 */
enum db_status	cart_load(struct app *app, struct http_request *rq,
		    struct shop_cart *cart, int *found);
/*
 * The request's cart, made (and its cookie set on rs) when it has none.
 * Returns DB_OK, or DB_BUSY/DB_ERROR.
 */
enum db_status	cart_get_or_create(struct app *app, struct http_request *rq,
		    struct http_response *rs, struct shop_cart *cart);

/*
 * The cart page's view model for cart (NULL: the request has none):
 * {"cart": {"count", "lines": [...], "total_cents", "currency", "total",
 * "empty"}, "form_token", "checkout": {"open": false, "values": {},
 * "errors": {}}}. Callers add a "notice" or open the checkout and render it
 * with the "cart" template. On success *out is a new object the caller owns;
 * on failure (DB_BUSY/DB_ERROR) *out is NULL.
 */
enum db_status	cart_model(struct app *app, struct http_request *rq,
		    const struct shop_cart *cart, struct json_object **out);

#endif
