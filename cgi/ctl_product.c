/* ctl_product.c — ordersyncctl's catalog commands: product add|set|list, import FILE.csv, demo --remove. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csv.h"
#include "ctl.h"
#include "db_catalog.h"
#include "db_catalog_csv.h"
#include "db_setup.h"
#include "i18n.h"
#include "product_csv.h"
#include "valid.h"

#define EXIT_USAGE 2

/* The common options of a catalog command, and the database. */
struct pctx {
	const char	*dbpath;
	struct logger	*lg;
	struct db	*db;
	const char	*store;		/* --store SLUG, NULL: the default store */
	int64_t		 store_id;
};

/* Opens the database and finds --store; prints why not and returns -1. */
static int
open_store(struct pctx *c)
{
	if ((c->db = ctl_open_db(c->dbpath, c->lg)) == NULL)
		return -1;
	c->store_id = 1;
	if (c->store != NULL && db_catalog_store_id(c->db, c->store, &c->store_id) != DB_OK) {
		fprintf(stderr, "ordersyncctl: no store with slug %s\n", c->store);
		return -1;
	}
	return 0;
}

/* One text field against the product form's limit; prints why not. */
static int
check_text(const char *what, const char *s, size_t min, size_t max, int multiline)
{
	size_t n;

	if (valid_utf8(s, multiline, &n) && n >= min && n <= max)
		return 0;
	fprintf(stderr, "ordersyncctl: the %s must be %zu to %zu characters%s\n", what, min, max,
	    multiline ? "" : " on one line");
	return -1;
}

/* A count of units (stock, threshold): 0..PRODUCT_STOCK_MAX; prints why not. */
static int
check_units(const char *what, const char *s, int64_t *out)
{
	long v;

	if (valid_int(s, 0, PRODUCT_STOCK_MAX, &v)) {
		*out = v;
		return 0;
	}
	fprintf(stderr, "ordersyncctl: %s %s is not a whole number from 0 to %d\n", what, s,
	    PRODUCT_STOCK_MAX);
	return -1;
}

static int
check_price(const char *s, int64_t *cents)
{
	if (product_price_parse(s, cents) == 0)
		return 0;
	fprintf(stderr, "ordersyncctl: price %s is not one: write 12.90 or 12,90 "
	    "(at most two decimals, no thousands separator)\n", s);
	return -1;
}

/* ordersyncctl product add SKU NAME PRICE STOCK [--store S] [--description T] [--inactive] [--low N] */
static int
product_add(struct pctx *c, int argc, char **argv)
{
	struct product p;
	enum db_status rc;
	int i;

	if (argc < 4)
		return fputs("usage: ordersyncctl product add SKU NAME PRICE STOCK [--store SLUG] "
		    "[--description TEXT] [--inactive] [--low N]\n", stderr), EXIT_USAGE;
	memset(&p, 0, sizeof p);
	p.sku = argv[0];
	p.name = argv[1];
	p.description = "";
	p.active = 1;
	p.low_stock_at = PRODUCT_LOW_DEFAULT;
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
			c->store = argv[++i];
		else if (strcmp(argv[i], "--description") == 0 && i + 1 < argc)
			p.description = argv[++i];
		else if (strcmp(argv[i], "--inactive") == 0)
			p.active = 0;
		else if (strcmp(argv[i], "--low") == 0 && i + 1 < argc) {
			if (check_units("--low", argv[++i], &p.low_stock_at) != 0)
				return EXIT_USAGE;
		} else
			return fprintf(stderr, "ordersyncctl: unknown option %s\n", argv[i]),
			    EXIT_USAGE;
	}
	if (check_text("SKU", p.sku, 1, PRODUCT_SKU_MAX, 0) != 0 ||
	    check_text("name", p.name, 1, PRODUCT_NAME_MAX, 0) != 0 ||
	    check_text("description", p.description, 0, PRODUCT_DESC_MAX, 1) != 0 ||
	    check_price(argv[2], &p.price_cents) != 0 ||
	    check_units("stock", argv[3], &p.stock) != 0)
		return EXIT_USAGE;
	if (open_store(c) != 0)
		return EXIT_FAILURE;
	p.store_id = c->store_id;
	if ((rc = db_catalog_create(c->db, &p)) == DB_CONFLICT) {
		fprintf(stderr, "ordersyncctl: the SKU %s is already used in this store "
		    "(change it with: product set %s ...)\n", p.sku, p.sku);
		return EXIT_FAILURE;
	}
	if (rc != DB_OK)
		return fputs("ordersyncctl: database error\n", stderr), EXIT_FAILURE;
	printf("added %s (id %" PRId64 ")\n", p.sku, p.id);
	return EXIT_SUCCESS;
}

/*
 * Checks product set's options (pairs after the SKU) into p and own (new
 * name, description); *set_stock says whether --stock was given. Prints
 * why and returns -1 on a bad one.
 */
static int
set_options(struct pctx *c, int argc, char **argv, struct product *p, char **own,
    int *set_stock)
{
	long v;
	int i, bad;

	for (i = 1; i + 1 < argc; i += 2) {
		const char *o = argv[i], *a = argv[i + 1];

		bad = 0;
		if (strcmp(o, "--store") == 0)
			c->store = a;
		else if (strcmp(o, "--name") == 0) {
			if (!(bad = check_text("name", a, 1, PRODUCT_NAME_MAX, 0)))
				own[0] = xstrdup(a);
		} else if (strcmp(o, "--description") == 0) {
			if (!(bad = check_text("description", a, 0, PRODUCT_DESC_MAX, 1)))
				own[1] = xstrdup(a);
		} else if (strcmp(o, "--price") == 0)
			bad = check_price(a, &p->price_cents);
		else if (strcmp(o, "--stock") == 0)
			*set_stock = !(bad = check_units("--stock", a, &p->stock));
		else if (strcmp(o, "--low") == 0)
			bad = check_units("--low", a, &p->low_stock_at);
		else if (strcmp(o, "--active") == 0) {
			if (!(bad = !valid_int(a, 0, 1, &v)))
				p->active = (int)v;
			else
				fputs("ordersyncctl: --active is 0 or 1\n", stderr);
		} else
			return fprintf(stderr, "ordersyncctl: unknown option %s\n", o), -1;
		if (bad)
			return -1;
	}
	if (i < argc)
		return fprintf(stderr, "ordersyncctl: %s needs a value\n", argv[i]), -1;
	return 0;
}

/*
 * ordersyncctl product set SKU [--name N] [--description T] [--price P]
 * [--stock N] [--active 0|1] [--low N] [--store SLUG]: what is not given stays.
 */
static int
product_set(struct pctx *c, int argc, char **argv)
{
	struct product cur, p;
	char *own[2] = { NULL, NULL };
	int64_t id;
	int set_stock = 0, rc = EXIT_FAILURE;
	enum db_status st;

	memset(&cur, 0, sizeof cur);
	if (argc < 2)
		return fputs("usage: ordersyncctl product set SKU [--name N] [--description T] "
		    "[--price P] [--stock N] [--active 0|1] [--low N] [--store SLUG]\n", stderr),
		    EXIT_USAGE;
	/* The options are checked first, against a scratch product, then applied to the stored one. */
	memset(&p, 0, sizeof p);
	p.price_cents = -1;
	p.low_stock_at = -1;
	p.active = -1;
	if (set_options(c, argc, argv, &p, own, &set_stock) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (open_store(c) != 0)
		goto out;
	if ((st = db_catalog_find_sku(c->db, c->store_id, argv[0], &id)) == DB_NOTFOUND ||
	    (st == DB_OK && (st = db_catalog_get(c->db, c->store_id, id, &cur)) == DB_NOTFOUND)) {
		fprintf(stderr, "ordersyncctl: no product with SKU %s in this store\n", argv[0]);
		goto out;
	}
	if (st != DB_OK)
		goto dberr;
	if (own[0]) { free(cur.name); cur.name = own[0]; own[0] = NULL; }
	if (own[1]) { free(cur.description); cur.description = own[1]; own[1] = NULL; }
	if (p.price_cents >= 0) cur.price_cents = p.price_cents;
	if (p.low_stock_at >= 0) cur.low_stock_at = p.low_stock_at;
	if (p.active >= 0) cur.active = p.active;
	if (set_stock) cur.stock = p.stock;
	if ((st = db_catalog_update(c->db, c->store_id, &cur, set_stock)) != DB_OK)
		goto dberr;
	printf("updated %s\n", cur.sku);
	rc = EXIT_SUCCESS;
	goto out;
dberr:
	fputs("ordersyncctl: database error\n", stderr);
out:
	free(own[0]);
	free(own[1]);
	product_clear(&cur);
	return rc;
}

/* s with tabs and line breaks made spaces, for one tab-separated cell. */
static void
put_tsv(const char *s, int last)
{
	for (; *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
	putchar(last ? '\n' : '\t');
}

/* ordersyncctl product list [--store SLUG] [--csv] */
static int
product_list(struct pctx *c, int argc, char **argv)
{
	struct db_product_filter f;
	struct product *v = NULL;
	struct buf b;
	char price[24];
	size_t n = 0, i;
	int csv = 0, k;

	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "--store") == 0 && k + 1 < argc)
			c->store = argv[++k];
		else if (strcmp(argv[k], "--csv") == 0)
			csv = 1;
		else
			return fprintf(stderr, "ordersyncctl: unknown option %s\n", argv[k]),
			    EXIT_USAGE;
	}
	if (open_store(c) != 0)
		return EXIT_FAILURE;
	memset(&f, 0, sizeof f);
	f.store_id = c->store_id;
	f.active = -1;
	if (db_catalog_list(c->db, &f, &v, &n) != DB_OK)
		return fputs("ordersyncctl: database error\n", stderr), EXIT_FAILURE;
	if (csv) {
		buf_init(&b);
		product_csv_write(&b, v, n, ',');
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		puts("sku\tname\tprice\tstock\tactive\tlow_stock_at");
		for (i = 0; i < n; i++) {
			product_price_input(price, sizeof price, v[i].price_cents, "en");
			put_tsv(v[i].sku, 0);
			put_tsv(v[i].name, 0);
			printf("%s\t%" PRId64 "\t%d\t%" PRId64 "\n", price, v[i].stock, v[i].active,
			    v[i].low_stock_at);
		}
	}
	product_free_all(v, n);
	return EXIT_SUCCESS;
}

/* Every issue as "line N: message" on stderr, in ORDERSYNC_LANG's words when the locales load. */
static void
print_issues(const struct csv_issues *is)
{
	struct i18n in;
	const char *lang;
	int have = ctl_texts(&in, &lang);
	size_t i;

	for (i = 0; i < is->n; i++) {
		char *msg = have ? csv_issue_text(&in, lang, &is->v[i]) :
		    xasprintf("%s %s %s", is->v[i].code, is->v[i].arg ? is->v[i].arg : "",
		    is->v[i].arg2 ? is->v[i].arg2 : "");

		fprintf(stderr, "line %zu: %s\n", is->v[i].line, msg);
		free(msg);
	}
	if (is->total > is->n)
		fprintf(stderr, "... and %zu more\n", is->total - is->n);
	if (have)
		i18n_free(&in);
}

/* ordersyncctl import FILE.csv [--store SLUG]: the page's import, all or nothing. */
static int
import_file(struct pctx *c, int argc, char **argv)
{
	struct product_csv_row *rows = NULL;
	struct csv_issues is;
	struct db_import_count count;
	char *data;
	size_t len, n = 0;
	int rc = EXIT_FAILURE, k;

	if (argc < 1)
		return fputs("usage: ordersyncctl import FILE.csv [--store SLUG]\n", stderr), EXIT_USAGE;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--store") == 0 && k + 1 < argc)
			c->store = argv[++k];
		else
			return fprintf(stderr, "ordersyncctl: unknown option %s\n", argv[k]),
			    EXIT_USAGE;
	}
	if ((data = util_read_file(argv[0], &len)) == NULL) {
		perror(argv[0]);
		return EXIT_FAILURE;
	}
	memset(&is, 0, sizeof is);
	if (product_csv_read(data, len, 0, &rows, &n, &is) != 0) {
		print_issues(&is);
		fprintf(stderr, "ordersyncctl: %s: nothing imported\n", argv[0]);
	} else if (open_store(c) == 0) {
		if (db_catalog_import(c->db, c->store_id, rows, n, "CSV import", &count) != DB_OK)
			fputs("ordersyncctl: database error: nothing imported\n", stderr);
		else {
			printf("imported %zu products (%zu new, %zu updated)\n", n, count.created,
			    count.updated);
			rc = EXIT_SUCCESS;
		}
	}
	product_csv_rows_free(rows, n);
	csv_issues_free(&is);
	free(data);
	return rc;
}

int
ctl_product(const char *dbpath, struct logger *lg, int argc, char **argv)
{
	struct pctx c;
	int rc = EXIT_USAGE;

	memset(&c, 0, sizeof c);
	c.dbpath = dbpath;
	c.lg = lg;
	if (strcmp(argv[0], "import") == 0)
		rc = import_file(&c, argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "add") == 0)
		rc = product_add(&c, argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "set") == 0)
		rc = product_set(&c, argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "list") == 0)
		rc = product_list(&c, argc - 2, argv + 2);
	else
		fputs("usage: ordersyncctl product add|set|list ...\n", stderr);
	db_close(c.db);
	return rc;
}

int
ctl_demo_remove(const char *dbpath, struct logger *lg)
{
	struct pctx c;
	int deleted, deactivated, rc = EXIT_FAILURE;

	memset(&c, 0, sizeof c);
	c.dbpath = dbpath;
	c.lg = lg;
	if (open_store(&c) == 0) {
		if (db_demo_remove(c.db, &deleted, &deactivated) != DB_OK)
			fputs("ordersyncctl: could not remove the demo catalog\n", stderr);
		else {
			printf("demo catalog: %d products deleted, %d sold ones deactivated\n",
			    deleted, deactivated);
			rc = EXIT_SUCCESS;
		}
	}
	db_close(c.db);
	return rc;
}
