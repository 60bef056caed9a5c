/* fuzz_csv.c — libFuzzer harness for the CSV service (cgi/csv.c over libcsv) and the catalog's CSV rows (cgi/product_csv.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "product_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rows of a parsed file start on lines in order, within the file, and hold fields. */
static void
check_doc(const struct csv_doc *doc, const char *s, size_t size)
{
	size_t lines = 1, i;

	for (i = 0; i < size; i++)
		lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 == size || s[i + 1] != '\n'));
	for (i = 0; i < doc->nrow; i++) {
		if (doc->row[i].nfield == 0 || doc->row[i].line < 1 || doc->row[i].line > lines ||
		    (i > 0 && doc->row[i].line <= doc->row[i - 1].line))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_doc doc;
	struct csv_issues is;
	struct product_csv_row *rows;
	struct buf b;
	size_t n, i;
	/* Exactly size bytes on the heap and no NUL after them: ASan sees any read past the end. */
	char *s = malloc(size ? size : 1);

	memcpy(s, data, size);
	memset(&is, 0, sizeof is);
	if (csv_parse_doc(s, size, 1000, &doc, &is) == 0) {
		check_doc(&doc, s, size);
		/* Every field written back is one cell of valid RFC 4180. */
		buf_init(&b);
		for (i = 0; i < doc.nrow; i++)
			csv_put_row(&b, (const char *const *)doc.row[i].field, doc.row[i].nfield,
			    doc.sep);
		buf_free(&b);
		csv_doc_free(&doc);
	} else if (is.n == 0 || doc.nrow != 0)
		abort();	/* a refusal always says why, and leaves nothing */
	csv_issues_free(&is);
	if (product_csv_read(s, size, 1000, &rows, &n, &is) == 0) {
		buf_init(&b);
		for (i = 0; i < n; i++)
			if (rows[i].p.sku == NULL || rows[i].p.stock < 0 ||
			    rows[i].p.price_cents < 0)
				abort();
		buf_free(&b);
		product_csv_rows_free(rows, n);
	} else if (is.n == 0)
		abort();
	csv_issues_free(&is);
	free(s);
	return 0;
}
