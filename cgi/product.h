/* product.h — the product domain: limits, prices as people type them, stock arithmetic, the low-stock rule, the product's JSON. No I/O. */
#ifndef ORDERSYNC_PRODUCT_H
#define ORDERSYNC_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/*
 * A leaf like order.h: the db layer fills struct product, the handlers ask
 * the rules.
 */

#define PRODUCT_SKU_MAX		64		/* characters */
#define PRODUCT_NAME_MAX	200
#define PRODUCT_DESC_MAX	2000
#define PRODUCT_STOCK_MAX	1000000		/* units, and the largest threshold */
#define PRODUCT_PRICE_MAX	99999999	/* cents: 999 999.99 */
#define PRODUCT_LOW_DEFAULT	3		/* a new product's low-stock threshold */
#define PRODUCT_REASON_MAX	200		/* characters of a stock adjustment's reason */
#define PRODUCT_MEDIA_ID_LEN	64		/* hex SHA-256 of a rendition */

/*
 * Reads a price as a shop writes it: digits, then optionally "," or "." and
 * one or two digits ("12", "12,9", "12.90"). No sign, no thousands
 * separator ("1 299,00", "12,999"), no exponent, at most PRODUCT_PRICE_MAX
 * cents. Surrounding spaces are not accepted (the validation layer trims).
 * Returns 0 and sets *cents, or -1.
 */
int	product_price_parse(const char *s, int64_t *cents /* OUT */);
/*
 * Writes cents as a form shows it back for lang ("12,90" in French, "12.90"
 * otherwise) into out (at least 24 bytes).
 */
void	product_price_input(char *out, size_t outsz, int64_t cents, const char *lang);

/*
 * Reads a stock change as people write it: an optional sign ("+", "-" or
 * the typographic minus U+2212 "−"), then digits: "+12", "-1", "−1", "5".
 * Returns 0 and sets *delta (never 0, within ±PRODUCT_STOCK_MAX), or -1.
 */
int	product_delta_parse(const char *s, int64_t *delta /* OUT */);
/*
 * stock + delta into *out: -1 (and *out untouched) when the result would be
 * below 0 or above PRODUCT_STOCK_MAX, else 0.
 */
int	product_stock_apply(int64_t stock, int64_t delta, int64_t *out);
/*
 * The low-stock rule (DESIGN.md, stock_low): 1 when a change takes the
 * stock from above the threshold to at or below it. Staying below, or
 * starting at or below, is not a new crossing.
 */
int	product_crossed_low(int64_t before, int64_t after, int64_t threshold);
/* 1 when stock is at or below the threshold (listed first, flagged). */
int	product_is_low(int64_t stock, int64_t threshold);

/* A photo rendition as a page needs it: its id and size. */
struct product_media {
	char	id[PRODUCT_MEDIA_ID_LEN + 1];	/* "" when there is none */
	int	width, height;
};

/* One product; strings owned; release with product_clear(). */
struct product {
	int64_t			 id;
	int64_t			 store_id;
	char			*sku;
	char			*name;
	char			*description;
	char			*store_name;	/* NULL unless the query joins it */
	int64_t			 price_cents;
	int64_t			 stock;
	int64_t			 low_stock_at;
	int			 active;
	int			 sold;		/* 1 when an order has it (it cannot be deleted) */
	struct product_media	 image;		/* the large rendition */
	struct product_media	 thumb;		/* the small one */
};

/* Frees what p owns and zeroes it; NULL is a no-op. */
void	product_clear(struct product *p);
/* product_clear()s each of the n products of v, then frees v; NULL is a no-op. */
void	product_free_all(struct product *v, size_t n);

/* The path of a rendition, base_url "/media/ID"; NULL when it has none. Caller frees. */
char	*product_media_url(const char *base_url, const struct product_media *m);

/* The byte length of name's first UTF-8 character, the letter of its tile (0 for ""). */
size_t	product_initial_len(const char *name);
/*
 * The photo as a page's <img> needs it: {"src" (the small rendition),
 * "srcset" ("URL 480w, URL 1200w" with the renditions' real widths; one
 * entry when both are the same picture), "width", "height" (the large
 * rendition's: the box's aspect ratio)}. NULL when there is no photo. A new
 * object the caller owns.
 */
struct json_object *product_photo_json(const struct product_media *image,
		    const struct product_media *thumb, const char *base_url);
/*
 * The product as the JSON API shows it (DESIGN.md): {id, sku, name,
 * description, price_cents, stock, active, low_stock_at, image} with image
 * the large rendition's URL or null. A new object the caller owns.
 */
struct json_object *product_json(const struct product *p, const char *base_url);
/*
 * The snapshot a stock_low event carries: {"product": {id, sku, name,
 * stock, low_stock_at}}. Returns the JSON text; the caller frees it.
 */
char	*product_snapshot(const struct product *p);

#endif
