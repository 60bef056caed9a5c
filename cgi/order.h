/* order.h — the order domain: statuses and their workflow, numbers, totals, times, the one order struct and its JSON. No I/O. */
#ifndef ORDERSYNC_ORDER_H
#define ORDERSYNC_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

/*
 * This header is a leaf: it includes nothing of ours, so every layer may
 * use its types and pure functions — the db layer fills a struct order and
 * stores order_snapshot() in the feed, the handlers ask the workflow.
 */

/*
 * The statuses, in workflow order (DESIGN.md "Data"):
 *   pending → processing → ready → completed, processing → completed,
 *   pending | processing | ready → cancelled.
 */
enum order_status {
	ORDER_PENDING = 0,
	ORDER_PROCESSING,
	ORDER_READY,
	ORDER_COMPLETED,
	ORDER_CANCELLED,
	ORDER_NSTATUS
};

/* "CMD-YYYYMMDD-XXXXXX": 19 characters. */
#define ORDER_NUMBER_LEN	19
/* "2026-11-21T17:03:04Z" and its NUL. */
#define ORDER_TIME_LEN		21
/* Random tokens, as bytes; they are written as twice as many hex digits. */
#define ORDER_TOKEN_BYTES	16	/* an order's access token: 32 hex */
#define ORDER_CART_BYTES	32	/* a cart's cookie and form token: 64 hex */
/* One order line holds 1..ORDER_QTY_MAX of a product; an order at most ORDER_LINES_MAX lines. */
#define ORDER_QTY_MAX		99
#define ORDER_LINES_MAX		50

/* The status's name as stored and sent ("pending"); NULL when s is not a status. */
const char	*order_status_name(int s);
/* The status named name, or -1 when name (may be NULL) is none. */
int		 order_status_parse(const char *name);
/* 1 when the workflow lets an order go from from to to, else 0. */
int		 order_transition_ok(int from, int to);
/*
 * The workflow's one-click next step from s (pending → processing →
 * ready → completed), or -1 when there is none (final statuses).
 */
int		 order_next_step(int s);
/* 1 for the statuses nothing leaves (completed, cancelled). */
int		 order_status_final(int s);
/* 1 when an order in status s may still be cancelled. */
int		 order_cancellable(int s);

/*
 * Writes a new order number for the local date of now into out (at least
 * ORDER_NUMBER_LEN + 1 bytes): "CMD-", the date, "-" and six characters
 * drawn uniformly from A-Z0-9 with libsodium (36^6 ≈ 2.2 billion a day).
 * Uniqueness is the caller's: the checkout retries a number it already has.
 */
void	order_number_new(char *out, time_t now);
/* 1 when s (may be NULL) has the shape of an order number (the schema's GLOB). */
int	order_number_valid(const char *s);
/*
 * Writes nbytes (at most 64) random bytes as 2 * nbytes lowercase hex digits
 * and a NUL into out (2 * nbytes + 1 bytes): access, cart and form tokens.
 */
void	order_token_new(char *out, size_t nbytes);

/* t as RFC 3339 UTC ("2026-11-21T17:03:04Z") into out (ORDER_TIME_LEN bytes). */
void	order_rfc3339(char out[ORDER_TIME_LEN], int64_t t);
/* The unix time of the local midnight that starts now's day ("today"). */
int64_t	order_day_start(time_t now);

/*
 * unit_price_cents × qty into *out; -1 (and *out untouched) when it does not
 * fit or an argument is negative, else 0.
 */
int	order_line_total(int64_t unit_price_cents, int64_t qty, int64_t *out);
/* Adds one line (unit × qty) to *total; -1 (and *total untouched) on overflow, else 0. */
int	order_total_add(int64_t *total, int64_t unit_price_cents, int64_t qty);

/* One line of an order as sold; strings owned. */
struct order_item {
	char	*sku;
	char	*name;
	int64_t	 unit_price_cents;
	int64_t	 qty;
};

/*
 * One order, as the db layer fills it for the shop and the back office
 * alike. Strings and items owned; release with order_clear().
 */
struct order {
	int64_t			 id;
	int64_t			 store_id;
	char			 number[ORDER_NUMBER_LEN + 5];
	int			 status;	/* enum order_status */
	char			 currency[4];
	char			*customer_name;
	char			*email;
	char			*phone;
	char			*notes;
	char			*store_name;
	char			 access_token[2 * ORDER_TOKEN_BYTES + 1];
	int64_t			 total_cents;
	int64_t			 paid_cents;	/* completed payments less refunds */
	int64_t			 items_count;
	int64_t			 created_at;
	int64_t			 updated_at;
	char			 source[8];	/* "web", "api", "counter" */
	char			 fulfilment[9];	/* "pickup", "delivery" */
	char			*address;	/* delivery: street, postcode, city; "" for pickup */
	char			*postcode;
	char			*city;
	char			 language[3];	/* the customer's ("en"), for mail */
	char			*created_by_name;	/* counter orders: the seller (order_seller_name), else NULL */
	struct order_item	*items;		/* NULL unless asked for */
	size_t			 nitems;
};

/*
 * The name a seller goes by in alerts, from their account's email: the part
 * before the "@" ("lea" for lea@shop.example), the whole text when that
 * part is missing or empty. A new string the caller frees.
 */
char	*order_seller_name(const char *email);

/* Frees what o owns and zeroes it; NULL is a no-op. */
void	order_clear(struct order *o);
/* order_clear()s each of the n orders of v, then frees v; NULL is a no-op. */
void	order_free_all(struct order *v, size_t n);

/* The confirmation page's path: base_url "/orders/NUMBER?t=TOKEN". Caller frees. */
char	*order_url(const char *base_url, const char *number, const char *token);

/*
 * The order as the JSON API shows it: number, status, items (sku, name,
 * unit_price_cents, qty, line_total_cents), items_count, total_cents,
 * currency, customer {name, email, phone}, notes, source, fulfilment,
 * delivery ({address, postcode, city} for delivery orders, else null),
 * language, created_at, updated_at and url (order_url; base_url is the
 * storefront's prefix). A new object the caller owns (json_object_put).
 */
struct json_object *order_json(const struct order *o, const char *base_url);

/*
 * The snapshot a change-feed event carries (DESIGN.md "The change feed"):
 * {"order": {number, status, total_cents, currency, customer_name,
 * items_count, created_at, source, fulfilment, paid_cents, created_by_name
 * (counter orders whose seller is known)}} and, when from is a status (>= 0), "from" and
 * "to" (the order's status). Returns the JSON text; the caller frees it.
 */
char	*order_snapshot(const struct order *o, int from);

#endif
