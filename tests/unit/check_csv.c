/* check_csv.c — the CSV service and the catalog's CSV rows: line numbers, BOM, separators, quoted line breaks, refusals, the writer and its formula guard. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "csv.h"
#include "product_csv.h"
#include "unit.h"
#include "util.h"

/* Parses s (n bytes; 0: strlen) with max_rows; returns csv_parse_doc's result. */
static int
parse(const char *s, size_t n, size_t max_rows, struct csv_doc *doc, struct csv_issues *is)
{
	memset(is, 0, sizeof *is);
	return csv_parse_doc(s, n ? n : strlen(s), max_rows, doc, is);
}

START_TEST(test_rows_and_lines)
{
	struct csv_doc d;
	struct csv_issues is;

	ck_assert_int_eq(parse("a,b\n1,2\n\n  \r\n3,4\n", 0, 0, &d, &is), 0);
	ck_assert_uint_eq(d.nrow, 3);
	ck_assert_int_eq(d.sep, ',');
	ck_assert_uint_eq(d.row[0].line, 1);
	ck_assert_uint_eq(d.row[1].line, 2);
	ck_assert_uint_eq(d.row[2].line, 5);	/* blank lines are skipped, still counted */
	ck_assert_str_eq(d.row[2].field[1], "4");
	csv_doc_free(&d);
	/* No final newline; CRLF; spaces around unquoted fields trimmed. */
	ck_assert_int_eq(parse("a,b\r\n 1 , 2\r\nx,y", 0, 0, &d, &is), 0);
	ck_assert_uint_eq(d.nrow, 3);
	ck_assert_str_eq(d.row[1].field[0], "1");
	ck_assert_str_eq(d.row[1].field[1], "2");
	ck_assert_uint_eq(d.row[2].line, 3);
	csv_doc_free(&d);
	/* A CR alone ends a line too (old Mac files): each record its own line. */
	ck_assert_int_eq(parse("s;d\r,0,2\rx;y", 0, 0, &d, &is), 0);
	ck_assert_uint_eq(d.nrow, 3);
	ck_assert_uint_eq(d.row[1].line, 2);
	ck_assert_uint_eq(d.row[2].line, 3);
	csv_doc_free(&d);
}
END_TEST

START_TEST(test_quoted_newline)
{
	struct csv_doc d;
	struct csv_issues is;

	ck_assert_int_eq(parse("sku,name\n1,\"two\r\nlines, \"\"quoted\"\"\"\n2,c\n", 0, 0, &d,
	    &is), 0);
	ck_assert_uint_eq(d.nrow, 3);
	ck_assert_uint_eq(d.row[1].line, 2);
	ck_assert_str_eq(d.row[1].field[1], "two\nlines, \"quoted\"");
	ck_assert_uint_eq(d.row[2].line, 4);	/* after the quoted line break */
	csv_doc_free(&d);
}
END_TEST

START_TEST(test_bom_and_semicolons)
{
	struct csv_doc d;
	struct csv_issues is;

	ck_assert_int_eq(parse("\xef\xbb\xbfsku;name;price\nA;Café, crème;12,90\n", 0, 0, &d,
	    &is), 0);
	ck_assert_int_eq(d.sep, ';');
	ck_assert_str_eq(d.row[0].field[0], "sku");	/* the BOM is not part of the name */
	ck_assert_uint_eq(d.row[1].nfield, 3);
	ck_assert_str_eq(d.row[1].field[1], "Café, crème");
	ck_assert_str_eq(d.row[1].field[2], "12,90");
	csv_doc_free(&d);
	/* A semicolon inside quotes does not make the file semicolon-separated. */
	ck_assert_int_eq(parse("a,\"b;c;d\"\n1,2\n", 0, 0, &d, &is), 0);
	ck_assert_int_eq(d.sep, ',');
	csv_doc_free(&d);
}
END_TEST

START_TEST(test_bad_bytes)
{
	struct csv_doc d;
	struct csv_issues is;

	/* Every line with a byte that is not UTF-8 is named, once. */
	ck_assert_int_eq(parse("a,b\nok,caf\xe9 \xe9\nok,ok\n\xc3\x28,x\n\xed\xa0\x80,s\n", 0, 0,
	    &d, &is), -1);
	ck_assert_uint_eq(d.nrow, 0);
	ck_assert_uint_eq(is.n, 3);
	ck_assert_uint_eq(is.v[0].line, 2);
	ck_assert_str_eq(is.v[0].code, "utf8");
	ck_assert_uint_eq(is.v[1].line, 4);
	ck_assert_uint_eq(is.v[2].line, 5);	/* a surrogate is not UTF-8 either */
	csv_issues_free(&is);
	ck_assert_int_eq(parse("a,b\n1,2\nx,y\0z\n", 14, 0, &d, &is), -1);
	ck_assert_uint_eq(is.n, 1);
	ck_assert_str_eq(is.v[0].code, "nul");
	ck_assert_uint_eq(is.v[0].line, 3);
	csv_issues_free(&is);
	ck_assert_int_eq(parse("a,b\n1,\"never closed\n2,3\n", 0, 0, &d, &is), -1);
	ck_assert_str_eq(is.v[0].code, "quote");
	ck_assert_uint_eq(is.v[0].line, 2);
	csv_issues_free(&is);
	ck_assert_int_eq(parse("a,b\n1,x\"y\n", 0, 0, &d, &is), -1);	/* strict: a stray quote */
	ck_assert_str_eq(is.v[0].code, "quote");
	csv_issues_free(&is);
	ck_assert_int_eq(parse("", 0, 0, &d, &is), -1);
	ck_assert_str_eq(is.v[0].code, "empty");
	csv_issues_free(&is);
	ck_assert_int_eq(parse(",,\n , \n\n", 0, 0, &d, &is), -1);	/* only empty records */
	ck_assert_str_eq(is.v[0].code, "empty");
	csv_issues_free(&is);
}
END_TEST

START_TEST(test_too_many)
{
	struct csv_doc d;
	struct csv_issues is;
	struct buf b;
	int i;

	ck_assert_int_eq(parse("h\n1\n2\n3\n", 0, 3, &d, &is), 0);	/* exactly the limit */
	csv_doc_free(&d);
	ck_assert_int_eq(parse("h\n1\n2\n3\n4\n5\n", 0, 3, &d, &is), -1);
	ck_assert_uint_eq(is.n, 1);
	ck_assert_str_eq(is.v[0].code, "too_many");
	ck_assert_str_eq(is.v[0].arg, "3");
	ck_assert_uint_eq(is.v[0].line, 5);	/* the first row past the limit */
	csv_issues_free(&is);
	/* The default limit: 100,000 data lines pass, 100,001 do not. */
	buf_init(&b);
	buf_puts(&b, "sku\n");
	for (i = 1; i <= CSV_MAX_ROWS; i++)
		buf_printf(&b, "S%d\n", i);
	ck_assert_int_eq(parse(b.data, b.len, 0, &d, &is), 0);
	ck_assert_uint_eq(d.nrow, CSV_MAX_ROWS + 1);
	csv_doc_free(&d);
	buf_puts(&b, "S0\n");
	ck_assert_int_eq(parse(b.data, b.len, 0, &d, &is), -1);
	ck_assert_uint_eq(is.v[0].line, CSV_MAX_ROWS + 2);
	csv_issues_free(&is);
	/* A record of more fields than CSV_MAX_FIELDS stops the parse, named. */
	buf_reset(&b);
	buf_puts(&b, "a,b\n1,2\n");
	for (i = 0; i <= CSV_MAX_FIELDS; i++)
		buf_puts(&b, "x,");
	buf_puts(&b, "\n");
	ck_assert_int_eq(parse(b.data, b.len, 0, &d, &is), -1);
	ck_assert_str_eq(is.v[0].code, "too_wide");
	ck_assert_uint_eq(is.v[0].line, 3);
	csv_issues_free(&is);
	buf_free(&b);
}
END_TEST

START_TEST(test_columns)
{
	static const char *const names[] = { "sku", "name", "price", "description" };
	static const int req[] = { 1, 1, 1, 0 };
	struct csv_doc d;
	struct csv_issues is;
	int col[4];

	ck_assert_int_eq(parse("Name,SKU,price\n", 0, 0, &d, &is), 0);
	ck_assert_int_eq(csv_columns(&d, names, req, 4, col, &is), 0);
	ck_assert_int_eq(col[0], 1);
	ck_assert_int_eq(col[1], 0);
	ck_assert_int_eq(col[3], -1);	/* optional, absent */
	csv_doc_free(&d);
	ck_assert_int_eq(parse("sku,name,colour,name\n", 0, 0, &d, &is), 0);
	ck_assert_int_eq(csv_columns(&d, names, req, 4, col, &is), 3);
	ck_assert_str_eq(is.v[0].code, "unknown_column");
	ck_assert_str_eq(is.v[0].arg, "colour");
	ck_assert_str_eq(is.v[1].code, "duplicate_column");
	ck_assert_str_eq(is.v[2].code, "missing_column");
	ck_assert_str_eq(is.v[2].arg, "price");
	ck_assert_uint_eq(is.v[2].line, 1);
	csv_doc_free(&d);
	csv_issues_free(&is);
}
END_TEST

static const struct {
	const char	*in;
	char		 sep;
	const char	*out;
} cell_cases[] = {
	{ "plain", ',', "plain" },
	{ "a,b", ',', "\"a,b\"" },
	{ "a,b", ';', "a,b" },
	{ "a;b", ';', "\"a;b\"" },
	{ "say \"hi\"", ',', "\"say \"\"hi\"\"\"" },
	{ "two\nlines", ',', "\"two\nlines\"" },
	{ " padded", ',', "\" padded\"" },
	{ "", ',', "" },
	{ "=HYPERLINK(\"http://x\",\"y\")", ',', "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ "+33 6", ',', "'+33 6" },
	{ "-1", ',', "'-1" },
	{ "@SUM(A1)", ';', "'@SUM(A1)" },
	{ "\tx", ',', "\"'\tx\"" },
	{ "a=b", ',', "a=b" },
	{ "Café", ',', "Café" },
};

START_TEST(test_writer)
{
	struct buf b;

	buf_init(&b);
	csv_put_cell(&b, cell_cases[_i].in, cell_cases[_i].sep, 0);
	ck_assert_str_eq(buf_str(&b), cell_cases[_i].out);
	buf_free(&b);
}
END_TEST

START_TEST(test_writer_rows)
{
	static const char *const cells[] = { "1", "-5", "x" };
	struct buf b;

	buf_init(&b);
	csv_put_row(&b, cells, 3, ';');
	csv_put_row(&b, cells, 1, ';');
	ck_assert_str_eq(buf_str(&b), "1;'-5;x\r\n1\r\n");
	buf_reset(&b);
	csv_put_cell(&b, "-5", ',', 1);	/* a number the program wrote keeps its sign */
	ck_assert_str_eq(buf_str(&b), "-5");
	buf_free(&b);
	ck_assert_int_eq(csv_sep_named("semicolon"), ';');
	ck_assert_int_eq(csv_sep_named(NULL), ',');
	ck_assert_int_eq(csv_sep_named("tab"), ',');
}
END_TEST

/* Reads a catalog file; returns product_csv_read's result. */
static int
read_catalog(const char *s, struct product_csv_row **v, size_t *n, struct csv_issues *is)
{
	memset(is, 0, sizeof *is);
	return product_csv_read(s, strlen(s), 0, v, n, is);
}

START_TEST(test_catalog_rows)
{
	struct product_csv_row *v;
	struct csv_issues is;
	size_t n;

	ck_assert_int_eq(read_catalog("sku;name;price;stock;active;low_stock_at;description\r\n"
	    "A-1;Thé;12,90;5;non;;\"deux\nlignes\"\r\n"
	    "B-2;\"=HYPERLINK(\"\"http://x\"\")\";0.5;0;YES;7;\r\n", &v, &n, &is), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].p.sku, "A-1");
	ck_assert_int_eq(v[0].p.price_cents, 1290);
	ck_assert_int_eq(v[0].p.stock, 5);
	ck_assert_int_eq(v[0].p.active, 0);
	ck_assert_int_eq(v[0].has_active, 1);
	ck_assert_int_eq(v[0].has_low, 0);	/* empty: keep, or the default */
	ck_assert_int_eq(v[0].p.low_stock_at, 3);
	ck_assert_str_eq(v[0].p.description, "deux\nlignes");
	ck_assert_uint_eq(v[1].line, 4);
	ck_assert_str_eq(v[1].p.name, "=HYPERLINK(\"http://x\")");	/* text, as it is */
	ck_assert_int_eq(v[1].p.price_cents, 50);
	ck_assert_int_eq(v[1].p.low_stock_at, 7);
	ck_assert_int_eq(v[1].has_desc, 1);
	product_csv_rows_free(v, n);
}
END_TEST

START_TEST(test_catalog_bad_rows)
{
	struct product_csv_row *v;
	struct csv_issues is;
	size_t n;

	ck_assert_int_eq(read_catalog("sku,name,price,stock\n"
	    "A,a,1,1\nB,b,1,1\nC,c,12.999,1\nD,d,1,-1\nA,again,1,1\n,e,1,1\nF,f,1\n"
	    "G,g,1e9,1000001\n", &v, &n, &is), -1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(is.n, 7);
	ck_assert_uint_eq(is.v[0].line, 4);
	ck_assert_str_eq(is.v[0].code, "price");
	ck_assert_str_eq(is.v[0].arg, "12.999");
	ck_assert_uint_eq(is.v[1].line, 5);
	ck_assert_str_eq(is.v[1].code, "stock");
	ck_assert_uint_eq(is.v[2].line, 6);
	ck_assert_str_eq(is.v[2].code, "duplicate_sku");
	ck_assert_str_eq(is.v[2].arg2, "2");
	ck_assert_uint_eq(is.v[3].line, 7);
	ck_assert_str_eq(is.v[3].code, "sku");
	ck_assert_uint_eq(is.v[4].line, 8);
	ck_assert_str_eq(is.v[4].code, "fields");
	ck_assert_uint_eq(is.v[5].line, 9);
	ck_assert_uint_eq(is.v[6].line, 9);
	csv_issues_free(&is);
	ck_assert_int_eq(read_catalog("sku,name,stock\nA,a,1\n", &v, &n, &is), -1);
	ck_assert_str_eq(is.v[0].code, "missing_column");
	ck_assert_str_eq(is.v[0].arg, "price");
	csv_issues_free(&is);
	ck_assert_int_eq(read_catalog("sku,name,price,stock,active\nA,a,1,1,maybe\n", &v, &n, &is),
	    -1);
	ck_assert_str_eq(is.v[0].code, "active");
	csv_issues_free(&is);
}
END_TEST

/* What the export writes, the import reads back as the same products, formulas included. */
START_TEST(test_catalog_round_trip)
{
	struct product p[2];
	struct product_csv_row *v;
	struct csv_issues is;
	struct buf b;
	size_t n;
	char sep = _i ? ';' : ',';

	memset(p, 0, sizeof p);
	p[0].sku = "=CMD()"; p[0].name = "+33 Café, \"fin\""; p[0].description = "a\nb; c";
	p[0].price_cents = 1290; p[0].stock = 4; p[0].active = 1; p[0].low_stock_at = 2;
	p[1].sku = "-X"; p[1].name = "@here"; p[1].description = "";
	p[1].price_cents = 5; p[1].stock = 0; p[1].active = 0; p[1].low_stock_at = 0;
	buf_init(&b);
	product_csv_write(&b, p, 2, sep);
	ck_assert_ptr_null(strstr(b.data, "\n=") );	/* no cell starts with a bare formula */
	memset(&is, 0, sizeof is);
	ck_assert_int_eq(product_csv_read(b.data, b.len, 0, &v, &n, &is), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(v[i].p.sku, p[i].sku);
		ck_assert_str_eq(v[i].p.name, p[i].name);
		ck_assert_str_eq(v[i].p.description, p[i].description);
		ck_assert_int_eq(v[i].p.price_cents, p[i].price_cents);
		ck_assert_int_eq(v[i].p.stock, p[i].stock);
		ck_assert_int_eq(v[i].p.active, p[i].active);
		ck_assert_int_eq(v[i].p.low_stock_at, p[i].low_stock_at);
	}
	product_csv_rows_free(v, n);
	buf_free(&b);
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rows_and_lines);
	tcase_add_test(tc, test_quoted_newline);
	tcase_add_test(tc, test_bom_and_semicolons);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_columns);
	tcase_add_loop_test(tc, test_writer, 0, NELEM(cell_cases));
	tcase_add_test(tc, test_writer_rows);
	tcase_add_test(tc, test_catalog_rows);
	tcase_add_test(tc, test_catalog_bad_rows);
	tcase_add_loop_test(tc, test_catalog_round_trip, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(csv_suite)
