/* admin_orders_csv.c — GET /admin/orders.csv: the order list's matches as a spreadsheet, streamed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_orders_csv.h"
#include "admin_view.h"
#include "app.h"
#include "csv.h"
#include "db_orders.h"
#include "db_payments.h"
#include "order_filter.h"
#include "payment.h"
#include "product.h"
#include "role.h"
#include "view.h"

#define EXPORT_BATCH	200	/* orders written per piece of the body */

enum { C_NUMBER, C_DATE, C_STATUS, C_SOURCE, C_CUSTOMER, C_EMAIL, C_PHONE, C_ITEMS,
	C_TOTAL, C_PAID, C_METHODS, C__MAX };
static const char *const export_header[C__MAX] = {
	"number", "date", "status", "source", "customer", "email", "phone", "items",
	"total", "paid", "method",
};

/* A streamed export: the filter it was asked for and where it stands. */
struct export {
	struct app		*app;
	struct order_filter	 of;
	struct db_orders_cursor	*cur;
	char			 sep;
	int			 started;	/* the header is out */
};

/* "2× Baguette; 1× Croissant" into b. */
static void
export_items(struct buf *b, const struct order *o)
{
	size_t i;

	for (i = 0; i < o->nitems; i++)
		buf_printf(b, "%s%" PRId64 "\xc3\x97 %s", i ? "; " : "", o->items[i].qty,
		    o->items[i].name ? o->items[i].name : "");
}

/* What completed payments (refunded ones no longer count) brought: paid and their methods. */
static int
export_paid(struct app *app, const struct order *o, int64_t *paid, struct buf *methods)
{
	struct db_payment *p = NULL;
	int seen[PAYMENT_NMETHOD] = { 0 };
	size_t n = 0, i;

	*paid = 0;
	if (db_payments_list(app->db, o->id, &p, &n) != DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i].status != PAYMENT_COMPLETED)
			continue;
		*paid += p[i].amount_cents;
		if (p[i].method >= 0 && p[i].method < PAYMENT_NMETHOD && !seen[p[i].method]) {
			seen[p[i].method] = 1;
			buf_printf(methods, "%s%s", methods->len ? ", " : "",
			    payment_method_name(p[i].method));
		}
	}
	free(p);
	return 0;
}

/* One order as a record. Returns 0, -1 on a database error. */
static int
export_row(struct export *e, const struct order *o, struct buf *out)
{
	const char *lang = e->sep == ';' ? "fr" : "en";
	const char *cells[C__MAX];
	struct buf items, methods;
	char date[32], total[32], paid_s[32];
	time_t t = (time_t)o->created_at;
	struct tm tm;
	int64_t paid;

	buf_init(&items);
	buf_init(&methods);
	if (export_paid(e->app, o, &paid, &methods) != 0) {
		buf_free(&methods);
		return -1;
	}
	export_items(&items, o);
	util_localtime(t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	product_price_input(total, sizeof total, o->total_cents, lang);
	product_price_input(paid_s, sizeof paid_s, paid, lang);
	cells[C_NUMBER] = o->number;
	cells[C_DATE] = date;
	cells[C_STATUS] = order_status_name(o->status);
	cells[C_SOURCE] = o->source;
	cells[C_CUSTOMER] = o->customer_name ? o->customer_name : "";
	cells[C_EMAIL] = o->email ? o->email : "";
	cells[C_PHONE] = o->phone ? o->phone : "";
	cells[C_ITEMS] = items.data ? items.data : "";
	cells[C_TOTAL] = total;
	cells[C_PAID] = paid_s;
	cells[C_METHODS] = methods.data ? methods.data : "";
	csv_put_row(out, cells, C__MAX, e->sep);
	buf_free(&items);
	buf_free(&methods);
	return 0;
}

/* http_stream next: the header first, then EXPORT_BATCH orders a piece. */
static int
export_next(void *arg, struct buf *out)
{
	struct export *e = arg;
	struct order o;
	enum db_status rc;
	int i;

	if (!e->started) {
		e->started = 1;
		if (e->sep == ';')
			buf_puts(out, "\xef\xbb\xbf");	/* Excel reads UTF-8 by this mark */
		csv_put_row(out, export_header, C__MAX, e->sep);
	}
	for (i = 0; i < EXPORT_BATCH; i++) {
		if ((rc = db_orders_export_next(e->cur, &o)) == DB_NOTFOUND)
			return 0;
		if (rc != DB_OK || export_row(e, &o, out) != 0) {
			/* The status is sent: all we can do is stop and say why in the log. */
			log_msg(&e->app->log, LOG_ERROR, "orders.csv: export stopped (database)");
			if (rc == DB_OK)
				order_clear(&o);
			return 0;
		}
		order_clear(&o);
	}
	return 1;
}

static void
export_free(void *arg)
{
	struct export *e = arg;

	db_orders_export_close(e->cur);
	order_filter_free(&e->of);
	free(e);
}

/*
 * GET /admin/orders.csv[?status=][&q=][&from=&to=][&sep=semicolon]: every
 * order of the session's scope the list would show for these filters, newest
 * first, RFC 4180 UTF-8 with a header row; amounts with a decimal comma for
 * a semicolon file.
 */
static void
orders_csv(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_order_filter f;
	struct export *e;
	const char *err;
	char name[64];
	time_t now = time(NULL);
	struct tm tm;

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_SEE_ORDERS, "admin.orders_forbidden"))
		return;
	e = xmalloc(sizeof *e);
	memset(e, 0, sizeof *e);
	e->app = app;
	e->sep = csv_sep_named(kv_get(&rq->query, "sep"));
	if ((err = order_filter_read(&rq->query, &e->of)) != NULL) {
		view_fail(app, rq, rs, 422, "bad_filter", err);
		export_free(e);
		return;
	}
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.status = e->of.status;
	f.q = &e->of.sq;
	f.from = e->of.from;
	f.to = e->of.to;
	if (db_orders_export_open(app->db, &f, &e->cur) != DB_OK) {
		export_free(e);
		view_unavailable(app, rq, rs);
		return;
	}
	util_localtime(now, &tm);
	strftime(name, sizeof name, "orders-%Y-%m-%d.csv", &tm);
	rs->status = 200;
	rs->content_type = "text/csv; charset=utf-8";
	http_add_header(rs, "Content-Disposition", "attachment; filename=\"%s\"", name);
	http_add_header(rs, "Cache-Control", "no-store");
	rs->stream.next = export_next;
	rs->stream.free = export_free;
	rs->stream.arg = e;
}

const struct route admin_orders_csv_routes[] = {
	{ "GET",  "/admin/orders.csv",	orders_csv,	0 },
};
const size_t admin_orders_csv_nroutes = NELEM(admin_orders_csv_routes);
