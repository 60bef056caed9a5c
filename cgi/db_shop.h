/* db_shop.h — the shop's SQL: catalog, carts, the checkout transaction, order look-ups. */
#ifndef ORDERSYNC_DB_SHOP_H
#define ORDERSYNC_DB_SHOP_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "order.h"
#include "product.h"

/* One product row; strings owned. */
struct shop_product {
	int64_t	 id;
	char	*sku, *name, *description;
	int64_t	 price_cents;
	int64_t	 stock;
	int	 active;
	struct product_media	 image, thumb;	/* the photo's renditions; id "" when none */
};
struct shop_products {
	struct shop_product	*v;
	size_t			 n;
};

/*
 * The active products of store_id, by id, into out (emptied first). On error
 * out is empty. Free with db_shop_products_free(); NULL is a no-op.
 */
enum db_status	db_shop_products(struct db *db, int64_t store_id,
		    struct shop_products *out);
void		db_shop_products_free(struct shop_products *p);

/* A cart; the tokens are 64 hex characters. */
struct shop_cart {
	int64_t	id;
	int64_t	store_id;	/* the store whose storefront made it */
	char	token[65];
	char	form_token[65];
};

/* The cart whose cookie token is token: DB_NOTFOUND when there is none. */
enum db_status	db_shop_cart_find(struct db *db, const char *token,
		    struct shop_cart *out);
/*
 * Creates an empty cart of store_id with a new random cookie token and form
 * token (libsodium), filling out. DB_BUSY/DB_ERROR on failure.
 */
enum db_status	db_shop_cart_create(struct db *db, int64_t store_id,
		    struct shop_cart *out);

/* One cart line joined to its product as it is now; strings owned. */
struct shop_line {
	int64_t	 product_id;
	char	*sku, *name;
	int64_t	 unit_price_cents;
	int	 qty;
	int64_t	 stock;
	int	 active;
	struct product_media	 image, thumb;	/* the product's photo; id "" when none */
};
/* The lines of a cart, oldest first; count sums the quantities. */
struct shop_lines {
	struct shop_line	*v;
	size_t			 n;
	int			 count;
	int64_t			 total_cents;
};

/* The cart's lines (emptied first; empty on error). Free with db_shop_lines_free(). */
enum db_status	db_shop_cart_lines(struct db *db, int64_t cart_id,
		    struct shop_lines *out);
void		db_shop_lines_free(struct shop_lines *l);
/* The number of items (sum of quantities) in the cart, into *count. */
enum db_status	db_shop_cart_count(struct db *db, int64_t cart_id, int *count);

/* Why db_shop_cart_put refused a change. */
enum shop_put {
	SHOP_PUT_OK = 0,
	SHOP_PUT_NO_PRODUCT,	/* no such active product in the store */
	SHOP_PUT_STOCK,		/* the cart would hold more than the stock */
	SHOP_PUT_LIMIT		/* the cart would hold more than ORDER_QTY_MAX */
};
struct shop_put_result {
	enum shop_put	 outcome;
	int		 qty;		/* the product's quantity in the cart now */
	int64_t		 stock;		/* the product's stock */
	char		*name;		/* the product's name (owned), or NULL */
};

/*
 * Changes one line of a cart in one transaction. add: qty (1..99) is added
 * to what the cart holds; else the line is set to qty, and 0 removes it (an
 * inactive product can always be removed). A line may never exceed the stock
 * nor ORDER_QTY_MAX. Returns DB_OK with res->outcome saying whether the change
 * was made (nothing is written otherwise); DB_BUSY/DB_ERROR on failure.
 * res->name is the caller's to free (shop_put_result_free).
 */
enum db_status	db_shop_cart_put(struct db *db, int64_t cart_id, int64_t store_id,
		    int64_t product_id, int qty, int add, struct shop_put_result *res);
void		shop_put_result_free(struct shop_put_result *res);

/* One requested line of a JSON API order. */
struct shop_item_req {
	const char	*sku;
	int		 qty;
};

/*
 * A checkout request. Web: cart_id and the posted form_token; the lines are
 * the cart's. API: cart_id 0 and items (skus unique, each qty 1..99).
 * idempotency_key is "form:<form_token>" or "api:<Idempotency-Key>";
 * request_hash (API only, else NULL) tells a replay from another request.
 * source is "web", "api" or "counter" (a seller's: created_by the user,
 * name and email may be ""; 0 for the others); fulfilment "pickup" or "delivery" (address,
 * postcode and city: "" or NULL for pickup); language the customer's ("en").
 * Every string is borrowed.
 */
struct shop_checkout {
	int64_t				 store_id;
	int64_t				 cart_id;
	const char			*form_token;
	const struct shop_item_req	*items;
	size_t				 nitems;
	const char			*idempotency_key;
	const char			*request_hash;
	const char			*name, *email, *phone, *notes;
	const char			*currency;
	const char			*source;
	const char			*fulfilment;
	const char			*address, *postcode, *city;
	const char			*language;
	int64_t				 created_by;
};

enum shop_outcome {
	SHOP_CREATED = 0,	/* a new order: number and access_token are set */
	SHOP_REPLAY,		/* the key already names an order (same request): set too */
	SHOP_KEY_REUSED,	/* the key names an order made from another request */
	SHOP_EMPTY,		/* the cart has no lines */
	SHOP_BAD_TOKEN,		/* form_token is not the cart's */
	SHOP_SHORT,		/* a product is short of stock (or gone): product names it */
	SHOP_UNKNOWN		/* an API sku names no active product: product is the sku */
};

struct shop_checkout_result {
	enum shop_outcome	 outcome;
	char			 number[24];
	char			 access_token[65];
	int64_t			 order_id;
	char			*product;	/* owned; SHOP_SHORT, SHOP_UNKNOWN */
	int64_t			 available;	/* SHOP_SHORT: the stock left */
};

/*
 * The checkout, as ONE BEGIN IMMEDIATE transaction: looks the order up by
 * idempotency key first (replay); checks the cart's form token; re-prices
 * every line from products; takes the stock with a guarded UPDATE (a short
 * line rolls everything back); inserts the order (a new unique number, a new
 * access token, items_count = total quantity) and its items as sold, the
 * order_created event; empties the cart and rotates its form token; commits.
 * Returns DB_OK with res->outcome set (only SHOP_CREATED wrote anything), or
 * DB_BUSY/DB_ERROR, with nothing written. Free res with
 * shop_checkout_result_free().
 */
enum db_status	db_shop_checkout(struct db *db, const struct shop_checkout *co,
		    struct shop_checkout_result *res);
void		shop_checkout_result_free(struct shop_checkout_result *res);

/*
 * The order holding idempotency key key, outside any transaction: DB_OK with
 * number and access_token (buffers of 24 and 65 bytes) and, when hash is not
 * NULL, its request hash (*hash, caller frees; "" for none); DB_NOTFOUND.
 */
enum db_status	db_shop_order_by_key(struct db *db, const char *key, char *number,
		    char *access_token, char **hash);

#endif
