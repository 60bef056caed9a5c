/* product_csv.h — the catalog as a CSV file: its columns, each row checked by the product form's rules, and the export. No I/O. */
#ifndef ORDERSYNC_PRODUCT_CSV_H
#define ORDERSYNC_PRODUCT_CSV_H

#include <stddef.h>

#include "csv.h"
#include "product.h"

/*
 * The columns, in the order the export writes them. sku, name, price and
 * stock are required; description, active and low_stock_at may be left
 * out: a new product then gets "", 1 and PRODUCT_LOW_DEFAULT, an existing
 * one keeps what it has. An empty active or low_stock_at cell means the
 * same; an empty description cell is an empty description (the export
 * writes one so, and it must read back).
 */
enum {
	PCSV_SKU, PCSV_NAME, PCSV_DESC, PCSV_PRICE, PCSV_STOCK, PCSV_ACTIVE, PCSV_LOW,
	PCSV__MAX
};

/* One product of a file, checked, and what its row said. */
struct product_csv_row {
	struct product	p;		/* sku, name, description, price_cents, stock, active, low_stock_at */
	size_t		line;		/* the line the row starts on */
	int		has_desc;	/* the row gives a description (else: keep, or "") */
	int		has_active;	/* ... active */
	int		has_low;	/* ... low_stock_at */
};

/*
 * Reads a whole catalog file (csv_parse_doc(): UTF-8, ',' or ';', quoted
 * line breaks) and checks every row as the product form does: SKU 1..64
 * characters on one line, unique in the file; name 1..200; description up
 * to 2000 (line breaks allowed); price as product_price_parse() reads it
 * ("12,90" or "12.90"); stock and low_stock_at integers 0..1,000,000;
 * active 1/0, true/false, yes/no, oui/non (any case). A text cell that a
 * spreadsheet-safe export wrote as "'=…" (a quote before = + - @) loses
 * that quote; any other text, "=HYPERLINK(…)" included, is kept as it is.
 * Returns 0 with *out (*n rows; free with product_csv_rows_free()), or -1
 * with every problem found in issues and *out NULL: nothing is half-read.
 */
int	product_csv_read(const char *data, size_t len, size_t max_rows,
	    struct product_csv_row **out /* OUT */, size_t *n /* OUT */,
	    struct csv_issues *issues /* OUT: appended */);
/* Frees n rows and the array; NULL is a no-op. */
void	product_csv_rows_free(struct product_csv_row *v, size_t n);

/*
 * Appends the header line and one line per product to b (csv_put_row():
 * RFC 4180, CRLF, formula cells guarded), prices with a '.' when sep is ','
 * and a ',' when it is ';' (a spreadsheet set to French), active as 1/0.
 */
void	product_csv_write(struct buf *b, const struct product *v, size_t n, char sep);

#endif
