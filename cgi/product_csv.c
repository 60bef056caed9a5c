/* product_csv.c — the catalog as a CSV file: columns, row checks with the product form's rules, the export. No I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "product_csv.h"
#include "valid.h"

static const char *const columns[PCSV__MAX] = {
	[PCSV_SKU] = "sku", [PCSV_NAME] = "name", [PCSV_DESC] = "description",
	[PCSV_PRICE] = "price", [PCSV_STOCK] = "stock", [PCSV_ACTIVE] = "active",
	[PCSV_LOW] = "low_stock_at",
};
static const int required[PCSV__MAX] = {
	[PCSV_SKU] = 1, [PCSV_NAME] = 1, [PCSV_PRICE] = 1, [PCSV_STOCK] = 1,
};

/* s without its surrounding ASCII spaces and tabs, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* "'=…" as our export guards a formula → "=…"; anything else as it is. */
static char *
unguard(char *s)
{
	if (s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL)
		return s + 1;
	return s;
}

/* Text of 1..max (min 0 when optional) characters; multiline allows line breaks and tabs. */
static int
text_ok(const char *s, size_t min, size_t max, int multiline)
{
	size_t n;

	return valid_utf8(s, multiline, &n) && n >= min && n <= max;
}

/* 1/0 and their words; -1 when it is none of them. */
static int
parse_active(const char *s)
{
	static const char *const yes[] = { "1", "true", "yes", "oui", "y", "o" };
	static const char *const no[] = { "0", "false", "no", "non", "n" };
	size_t i;

	for (i = 0; i < NELEM(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; i < NELEM(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* The cell of column c in row r, trimmed; "" when the file has no such column. */
static char *
cell(const struct csv_row *r, const int *col, int c)
{
	return col[c] < 0 ? (char *)"" : trim(r->field[col[c]]);
}

/* Checks one data row into out; returns the number of issues added. */
static int
read_row(const struct csv_row *r, const int *col, struct product_csv_row *out,
    struct csv_issues *is)
{
	struct product *p = &out->p;
	const char *s;
	long v;
	int bad = 0;

	memset(out, 0, sizeof *out);
	out->line = r->line;
	s = unguard(cell(r, col, PCSV_SKU));
	if (!text_ok(s, 1, PRODUCT_SKU_MAX, 0))
		csv_issue_add(is, r->line, "sku", NULL, NULL), bad++;
	p->sku = xstrdup(s);
	s = unguard(cell(r, col, PCSV_NAME));
	if (!text_ok(s, 1, PRODUCT_NAME_MAX, 0))
		csv_issue_add(is, r->line, "name", NULL, NULL), bad++;
	p->name = xstrdup(s);
	s = unguard(cell(r, col, PCSV_DESC));
	out->has_desc = col[PCSV_DESC] >= 0;
	if (!text_ok(s, 0, PRODUCT_DESC_MAX, 1))
		csv_issue_add(is, r->line, "description", NULL, NULL), bad++;
	p->description = xstrdup(s);
	if (product_price_parse(cell(r, col, PCSV_PRICE), &p->price_cents) != 0)
		csv_issue_add(is, r->line, "price", cell(r, col, PCSV_PRICE), NULL), bad++;
	if (!valid_int(cell(r, col, PCSV_STOCK), 0, PRODUCT_STOCK_MAX, &v))
		csv_issue_add(is, r->line, "stock", cell(r, col, PCSV_STOCK), NULL), bad++;
	else
		p->stock = v;
	s = cell(r, col, PCSV_ACTIVE);
	p->active = 1;
	if ((out->has_active = *s != '\0') && (p->active = parse_active(s)) < 0)
		csv_issue_add(is, r->line, "active", s, NULL), bad++;
	s = cell(r, col, PCSV_LOW);
	p->low_stock_at = PRODUCT_LOW_DEFAULT;
	if ((out->has_low = *s != '\0') && !valid_int(s, 0, PRODUCT_STOCK_MAX, &v))
		csv_issue_add(is, r->line, "low_stock_at", s, NULL), bad++;
	else if (out->has_low)
		p->low_stock_at = v;
	return bad;
}

static int
by_sku(const void *a, const void *b)
{
	const struct product_csv_row *x = *(const struct product_csv_row *const *)a;
	const struct product_csv_row *y = *(const struct product_csv_row *const *)b;
	int c = strcmp(x->p.sku, y->p.sku);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Each SKU given again after its first line is an issue on the later line. */
static int
check_duplicates(struct product_csv_row *v, size_t n, struct csv_issues *is)
{
	struct product_csv_row **s;
	char first[24];
	size_t i;
	int bad = 0;

	if (n < 2)
		return 0;
	s = xmalloc(n * sizeof *s);
	for (i = 0; i < n; i++)
		s[i] = &v[i];
	qsort(s, n, sizeof *s, by_sku);
	for (i = 1; i < n; i++) {
		size_t k = i;

		if (*s[i]->p.sku == '\0' || strcmp(s[i]->p.sku, s[i - 1]->p.sku) != 0)
			continue;
		while (k > 0 && strcmp(s[k - 1]->p.sku, s[i]->p.sku) == 0)
			k--;
		snprintf(first, sizeof first, "%zu", s[k]->line);
		csv_issue_add(is, s[i]->line, "duplicate_sku", s[i]->p.sku, first);
		bad++;
	}
	free(s);
	return bad;
}

static int
by_line(const void *a, const void *b)
{
	const struct csv_issue *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* The fields of each data row into out; returns the number of issues added. */
static int
read_rows(const struct csv_doc *doc, const int *col, struct product_csv_row *out,
    struct csv_issues *is)
{
	char want[24], got[24];
	size_t i;
	int bad = 0;

	snprintf(want, sizeof want, "%zu", doc->row[0].nfield);
	for (i = 1; i < doc->nrow; i++) {
		const struct csv_row *r = &doc->row[i];

		if (r->nfield != doc->row[0].nfield) {
			snprintf(got, sizeof got, "%zu", r->nfield);
			csv_issue_add(is, r->line, "fields", got, want);
			memset(&out[i - 1], 0, sizeof out[i - 1]);
			out[i - 1].line = r->line;
			bad++;
			continue;
		}
		bad += read_row(r, col, &out[i - 1], is);
	}
	return bad;
}

int
product_csv_read(const char *data, size_t len, size_t max_rows,
    struct product_csv_row **out, size_t *n, struct csv_issues *is)
{
	struct csv_doc doc;
	struct product_csv_row *v = NULL;
	int col[PCSV__MAX], bad;
	size_t nv = 0, first = is->n;

	*out = NULL;
	*n = 0;
	if (csv_parse_doc(data, len, max_rows, &doc, is) != 0)
		return -1;
	if (csv_columns(&doc, columns, required, PCSV__MAX, col, is) != 0) {
		csv_doc_free(&doc);
		return -1;
	}
	nv = doc.nrow - 1;
	v = xcalloc(nv ? nv : 1, sizeof *v);
	bad = read_rows(&doc, col, v, is);
	csv_doc_free(&doc);
	for (size_t i = 0; i < nv; i++)
		if (v[i].p.sku == NULL)
			v[i].p.sku = xstrdup("");
	bad += check_duplicates(v, nv, is);
	if (bad > 0) {
		/* Duplicates were found after the rows: put the list back in line order. */
		qsort(is->v + first, is->n - first, sizeof *is->v, by_line);
		product_csv_rows_free(v, nv);
		return -1;
	}
	*out = v;
	*n = nv;
	return 0;
}

void
product_csv_rows_free(struct product_csv_row *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		product_clear(&v[i].p);
	free(v);
}

void
product_csv_write(struct buf *b, const struct product *v, size_t n, char sep)
{
	char price[24], stock[24], low[24];
	const char *cells[PCSV__MAX];
	size_t i;

	csv_put_row(b, columns, PCSV__MAX, sep);
	for (i = 0; i < n; i++) {
		product_price_input(price, sizeof price, v[i].price_cents, sep == ';' ? "fr" : "en");
		snprintf(stock, sizeof stock, "%lld", (long long)v[i].stock);
		snprintf(low, sizeof low, "%lld", (long long)v[i].low_stock_at);
		cells[PCSV_SKU] = v[i].sku;
		cells[PCSV_NAME] = v[i].name;
		cells[PCSV_DESC] = v[i].description ? v[i].description : "";
		cells[PCSV_PRICE] = price;
		cells[PCSV_STOCK] = stock;
		cells[PCSV_ACTIVE] = v[i].active ? "1" : "0";
		cells[PCSV_LOW] = low;
		csv_put_row(b, cells, PCSV__MAX, sep);
	}
}
