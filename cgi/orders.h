/* orders.h — order numbers, random tokens, times, and the order as JSON. */
#ifndef ORDERSYNC_ORDERS_H
#define ORDERSYNC_ORDERS_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

struct shop_order;

/* "CMD-YYYYMMDD-XXXXXX": 19 characters. */
#define ORDERS_NUMBER_LEN	19
/* Access tokens and cookie tokens: hex of random bytes. */
#define ORDERS_TOKEN_BYTES	16	/* order access token: 32 hex characters */
#define ORDERS_CART_BYTES	32	/* cart cookie and form token: 64 hex */

/*
 * Writes a new order number for the shop's local date of now into out
 * (at least ORDERS_NUMBER_LEN + 1 bytes): "CMD-" the date "-" and six
 * characters drawn uniformly from A-Z0-9 with libsodium's
 * randombytes_uniform (36^6 ≈ 2.2 billion a day). Uniqueness is the
 * caller's: the checkout retries a number the database already has.
 */
void	orders_new_number(char *out, time_t now);
/* 1 when s has the shape of an order number (the schema's GLOB), else 0. */
int	orders_number_valid(const char *s);
/*
 * Writes nbytes random bytes (libsodium) as 2 * nbytes lowercase hex
 * characters and a NUL into out (2 * nbytes + 1 bytes).
 */
void	orders_random_hex(char *out, size_t nbytes);
/* t as RFC 3339 UTC, "2026-11-21T17:03:04Z", into out (at least 21 bytes). */
void	orders_rfc3339(char *out, size_t outsz, time_t t);

/*
 * The order as the JSON API shows it: number, status, items (sku, name,
 * unit_price_cents, qty, line_total_cents), items_count, total_cents,
 * currency, customer {name, email, phone}, notes, created_at, updated_at
 * and url, the confirmation page's path under base_url with the access
 * token. Returns a new object the caller owns (json_object_put).
 */
struct json_object *orders_json(const struct shop_order *o, const char *base_url);
/* The confirmation page's path: base_url "/orders/NUMBER?t=TOKEN". Caller frees. */
char	*orders_url(const char *base_url, const char *number, const char *token);

#endif
