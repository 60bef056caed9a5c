/* product_input.h — what a product form or JSON body must be: its table, and how absent fields keep their values. */
#ifndef ORDERSYNC_PRODUCT_INPUT_H
#define ORDERSYNC_PRODUCT_INPUT_H

#include "http.h"
#include "product.h"
#include "valid.h"

/* The product form's fields, in the order of its validation table. */
enum product_input_field {
	PRODUCT_IN_SKU, PRODUCT_IN_NAME, PRODUCT_IN_DESC, PRODUCT_IN_PRICE, PRODUCT_IN_STOCK,
	PRODUCT_IN_ACTIVE, PRODUCT_IN_LOW, PRODUCT_IN_STORE, PRODUCT_IN_STOCK_WAS,
	PRODUCT_IN_PHOTO, PRODUCT_IN_REMOVE_PHOTO, PRODUCT_IN__MAX
};

/* The table: names, kinds, limits and error keys (the page names its fields from it). */
extern const struct valid_field product_input_fields[PRODUCT_IN__MAX];

/*
 * The product form as posted. JSON clients send the same fields with
 * price_cents (cents) in place of price and active as a boolean or 0/1.
 * A field the request does not name keeps cur's value (cur NULL: a new
 * product, the defaults), so a JSON client may send only what changes; a
 * form's unticked "active" box is the one absence that means 0.
 * Returns the number of wrong fields; v holds the texts and error keys
 * (release it with valid_result_free()); p's strings are borrowed from v
 * (or cur).
 */
int	product_input_read(struct http_request *rq, struct valid_result *v, struct product *p,
	    const struct product *cur);

#endif
