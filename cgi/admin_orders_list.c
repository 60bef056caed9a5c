/* admin_orders_list.c — GET /admin/orders: the live list of orders, searched, filtered and paged. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_orders_list.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_orders.h"
#include "feed.h"
#include "mustache.h"
#include "order_filter.h"
#include "valid.h"
#include "view.h"

enum { L_PAGE, L_BEFORE, L__MAX };
static const struct valid_field list_fields[L__MAX] = {
	[L_PAGE]   = { "page", VALID_INT, 0, 1, 1000000, "admin.bad_page" },
	[L_BEFORE] = { "before", VALID_INT, 0, 1, LONG_MAX, "admin.bad_page" },
};

/* What one list request asks for, validated. */
struct list_query {
	struct order_filter f;	/* ?status=, ?q=, ?from=, ?to= */
	int	 status;	/* f.status: enum order_status, -1: any */
	long	 page;		/* 1.. (page paging) */
	int64_t	 before_id;	/* > 0: keyset paging below this id */
};

/*
 * Reads the filters, ?page= and ?before= into q; NULL, or the locale key of
 * the error and *code its status (400 bad paging, 422 a bad date). Release q
 * with order_filter_free(&q->f) either way.
 */
static const char *
list_query(struct http_request *rq, struct list_query *q, int *code)
{
	struct valid_result vr;
	const char *err;

	memset(q, 0, sizeof *q);
	q->page = 1;
	*code = 422;
	err = order_filter_read(&rq->query, &q->f);
	q->status = q->f.status;
	if (err != NULL) {
		*code = strcmp(err, "admin.bad_filter") == 0 ? 400 : 422;
		return err;
	}
	*code = 400;
	if (valid_form(list_fields, L__MAX, &rq->query, &vr) != 0)
		err = vr.error[L_PAGE] ? vr.error[L_PAGE] : vr.error[L_BEFORE];
	if (vr.present[L_PAGE])
		q->page = vr.num[L_PAGE];
	if (vr.present[L_BEFORE])
		q->before_id = vr.num[L_BEFORE];
	valid_result_free(&vr);
	return err;
}

/* "/admin/orders" with q's filters, status as given (-1: any) and page (> 1) or before. Caller frees. */
static char *
list_path(const struct list_query *q, int status, long page, int64_t before)
{
	struct order_filter f = q->f;
	struct buf b;
	char sep;

	f.status = status;
	buf_init(&b);
	buf_puts(&b, "/admin/orders");
	sep = order_filter_put(&b, &f, '?');
	if (before > 0)
		buf_printf(&b, "%cbefore=%" PRId64, sep, before);
	else if (page > 1)
		buf_printf(&b, "%cpage=%ld", sep, page);
	return buf_detach(&b);
}

/*
 * The rows of the list: as data in *rows for JSON clients, else as text from
 * the per-process cache (rendered now on a miss) in *hit. An HTML page whose
 * rows were rendered at this database version, for this key, reuses their
 * text: the 50 rows' query, model and rendering are most of the page's cost.
 * Returns 0, -1 for a database error, -2 for a template error (logged).
 */
static int
list_rows(struct app *app, struct http_request *rq, const struct db_order_filter *f,
    struct admin_rows_slot *key, const char *path, struct json_object **rows,
    const struct admin_rows_slot **hit)
{
	struct order *v = NULL;
	struct mus_error err;
	size_t n = 0, i;

	*rows = NULL;
	if (!rq->wants_json && (*hit = admin_rows_find(app->admin, key)) != NULL)
		return 0;
	if (db_orders_list(app->db, f, &v, &n) != DB_OK)
		return -1;
	key->n = n;
	key->last_id = n > 0 ? v[n - 1].id : 0;
	*rows = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(*rows, admin_view_order_row(app, rq, &v[i],
		    key->multi_store, key->may_change, key->day_start, path));
	order_free_all(v, n);
	if (rq->wants_json)
		return 0;
	if (admin_rows_render(app, key, *rows, &err) != MUS_OK) {
		log_msg(&app->log, LOG_ERROR, "template %s:%d:%d: %s",
		    err.name, err.line, err.col, err.msg);
		json_object_put(*rows);
		*rows = NULL;
		return -2;
	}
	json_object_put(*rows);
	*rows = NULL;
	*hit = admin_rows_keep(app->admin, key);
	return 0;
}

/*
 * The status filter chips: "All" and one per status, keeping the search
 * and dates; with their counts only when nothing else narrows the list
 * (the counts are of every order, not of a search's matches).
 */
static struct json_object *
list_filters(struct app *app, struct http_request *rq, const struct list_query *q,
    const int64_t counts[ORDER_NSTATUS], int64_t total)
{
	struct json_object *filters = json_object_new_array(), *fo;
	int narrowed = order_filter_narrowed(&q->f);
	char *path;
	int st;

	for (st = -1; st < ORDER_NSTATUS; st++) {
		fo = json_object_new_object();
		view_add_str(fo, "status", st >= 0 ? order_status_name(st) : "");
		view_add_str(fo, "label", admin_view_filter_label(app, rq, st));
		if (!narrowed) {
			json_object_object_add(fo, "count", json_object_new_int64(st >= 0 ?
			    counts[st] : total));
			json_object_object_add(fo, "show_count", json_object_new_boolean(1));
		}
		path = list_path(q, st, 1, 0);
		view_add_owned(fo, "url", view_url(app, path));
		free(path);
		if (st == q->status)
			json_object_object_add(fo, "current", json_object_new_boolean(1));
		json_object_array_add(filters, fo);
	}
	return filters;
}

/* The summary ("Orders 1–50 of 120", or "Results 1–50" of a search). */
static void
list_summary(struct app *app, struct http_request *rq, struct json_object *m,
    const struct list_query *q, int64_t offset, size_t n_rows, int64_t total)
{
	char from[24], to[24], tot[24];

	/* summary_from lets the page recount live; a search's rows are not live. */
	if (q->before_id == 0 && !order_filter_narrowed(&q->f))
		json_object_object_add(m, "summary_from", json_object_new_int64(offset + 1));
	if (n_rows == 0 || q->before_id != 0)
		return;
	snprintf(from, sizeof from, "%" PRId64, offset + 1);
	snprintf(to, sizeof to, "%" PRId64, offset + (int64_t)n_rows);
	snprintf(tot, sizeof tot, "%" PRId64, total);
	view_add_owned(m, "summary", view_textf(app, rq, order_filter_narrowed(&q->f) ?
	    "admin.showing_found" : "admin.showing",
	    "from", from, "to", to, "total", tot, (char *)NULL));
}

/*
 * The newer/older links of the list, keeping every filter. total < 0: not
 * known (a search), so a full page offers an older one.
 */
static void
list_paging(struct app *app, struct http_request *rq, struct json_object *m,
    const struct list_query *q, int64_t offset, size_t n_rows, int64_t last_id,
    int64_t total)
{
	char *path;
	int more;

	list_summary(app, rq, m, q, offset, n_rows, total);
	if (q->page > 1 && q->before_id == 0) {
		path = list_path(q, q->status, q->page - 1, 0);
		view_add_owned(m, "newer_url", view_url(app, path));
		free(path);
	}
	if (q->before_id || total < 0)
		more = n_rows >= ADMIN_PAGE_SIZE;
	else
		more = offset + (int64_t)n_rows < total;
	if (n_rows == 0 || !more)
		return;
	path = q->before_id ? list_path(q, q->status, 0, last_id) :
	    list_path(q, q->status, q->page + 1, 0);
	view_add_owned(m, "older_url", view_url(app, path));
	free(path);
}

/* What the list's rendered rows depend on: the cache key (admin_view.h). */
static void
list_key(struct app *app, struct http_request *rq, const struct auth_session *s,
    const struct list_query *q, int64_t nstores, struct admin_rows_slot *key)
{
	memset(key, 0, sizeof *key);
	key->version = s->version;
	key->store_id = s->row.store_id;
	key->status = q->status;
	key->page = q->page;
	key->before_id = q->before_id;
	snprintf(key->q, sizeof key->q, "%s", q->f.sq.kind == SEARCH_NOTHING ?
	    "\x01" : q->f.q);
	key->from = q->f.from;
	key->to = q->f.to;
	key->day_start = order_day_start(time(NULL));
	key->multi_store = s->row.store_id == DB_ALL_STORES && nstores > 1;
	key->may_change = admin_view_may_change(s);
	snprintf(key->lang, sizeof key->lang, "%s", view_lang(app, rq));
	snprintf(key->csrf, sizeof key->csrf, "%s", s->row.csrf);
}

/* The search form's values and links: what is typed, the dates, where Clear goes. */
static void
list_search_form(struct app *app, struct json_object *m, const struct list_query *q)
{
	char *path, *csv;

	view_add_str(m, "q", q->f.q);
	view_add_str(m, "from_day", q->f.from_day);
	view_add_str(m, "to_day", q->f.to_day);
	view_add_owned(m, "search_url", view_url(app, "/admin/orders"));
	/* the CSV of the same filters: the list path's query after "/admin/orders" */
	path = list_path(q, q->status, 1, 0);
	csv = xasprintf("/admin/orders.csv%s", path + strlen("/admin/orders"));
	view_add_owned(m, "csv_url", view_url(app, csv));
	free(csv);
	free(path);
	if (order_filter_narrowed(&q->f)) {
		struct list_query all = *q;

		memset(&all.f, 0, sizeof all.f);
		path = list_path(&all, q->status, 1, 0);
		view_add_owned(m, "clear_url", view_url(app, path));
		free(path);
		json_object_object_add(m, "searching", json_object_new_boolean(1));
	}
}

/* Answers a list request's bad input: 400 or 422 with the locale text. */
static void
list_refuse(struct app *app, struct http_request *rq, struct http_response *rs,
    int code, const char *err)
{
	view_fail(app, rq, rs, code, code == 422 ? "bad_filter" : "bad_request", err);
}

/* The page around the rows: chips, summary, paging, the search form, liveness. */
static void
list_model(struct app *app, struct http_request *rq, struct json_object *m,
    const struct list_query *q, const struct admin_rows_slot *key,
    const int64_t counts[ORDER_NSTATUS], int64_t offset)
{
	int64_t total = 0;
	int i, narrowed = order_filter_narrowed(&q->f);

	json_object_object_add(m, "has_orders", json_object_new_boolean(key->n > 0));
	for (i = 0; i < ORDER_NSTATUS; i++)
		total += counts[i];
	json_object_object_add(m, "filters", list_filters(app, rq, q, counts, total));
	view_add_str(m, "filter", q->status >= 0 ? order_status_name(q->status) : "");
	if (q->status >= 0)
		view_add_str(m, "filter_label", admin_view_filter_label(app, rq, q->status));
	total = narrowed ? -1 : q->status >= 0 ? counts[q->status] : total;
	if (total >= 0)
		json_object_object_add(m, "total", json_object_new_int64(total));
	json_object_object_add(m, "page", json_object_new_int64(q->before_id ? 0 : q->page));
	list_paging(app, rq, m, q, offset, key->n, key->last_id, total);
	view_add_str(m, "empty_text", view_text(app, rq, narrowed ? "admin.empty_search" :
	    q->status >= 0 ? "admin.empty_filtered" : "admin.empty"));
	list_search_form(app, m, q);
	/*
	 * New orders are prepended live only where they belong: the first page
	 * of a list no search narrows (a new order may not match one; the
	 * "new orders elsewhere" notice offers them instead).
	 */
	if (q->page == 1 && q->before_id == 0 && !narrowed)
		json_object_object_add(m, "live_list", json_object_new_boolean(1));
}

/* GET /admin/orders: ?status=, ?q=, ?from=&to=, ?page=N or ?before=ID. */
static void
orders_list(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct list_query q;
	struct db_order_filter f;
	struct json_object *m, *rows;
	struct admin_rows_slot key;
	const struct admin_rows_slot *hit = NULL;
	int64_t head, counts[ORDER_NSTATUS], nstores = 1;
	const char *err;
	char *path;
	int rc, code;

	if (!auth_require(app, rq, rs, &s))
		return;
	if ((err = list_query(rq, &q, &code)) != NULL) {
		list_refuse(app, rq, rs, code, err);
		goto done;
	}
	/* The head first: anything newer than what the list shows comes by the feed. */
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK ||
	    db_orders_count(app->db, s.row.store_id, counts) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK) {
		view_unavailable(app, rq, rs);
		goto done;
	}
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.status = q.status;
	f.limit = ADMIN_PAGE_SIZE;
	f.before_id = q.before_id;
	f.q = &q.f.sq;
	f.from = q.f.from;
	f.to = q.f.to;
	if (q.before_id == 0)
		f.offset = (int64_t)(q.page - 1) * ADMIN_PAGE_SIZE;
	list_key(app, rq, &s, &q, nstores, &key);
	path = list_path(&q, q.status, q.page, q.before_id);
	if ((rc = list_rows(app, rq, &f, &key, path, &rows, &hit)) != 0) {
		free(path);
		if (rc == -1)
			view_unavailable(app, rq, rs);
		else
			view_internal_error(rs);
		goto done;
	}

	m = admin_view_page(app, rq, &s, "nav_orders", head);
	admin_view_refresh(app, rq, m, ADMIN_LIST_REFRESH_S);
	view_add_owned(m, "list_url", view_url(app, path));
	view_add_owned(m, "self_url", view_url(app, path));
	view_add_str(m, "return_to", path);
	free(path);
	if (hit != NULL) {
		key.n = hit->n;
		key.last_id = hit->last_id;
		json_object_object_add(m, "rows_html",
		    json_object_new_string_len(hit->html, (int)hit->len));
	} else
		json_object_object_add(m, "orders", rows);
	list_model(app, rq, m, &q, &key, counts, f.offset);
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_orders", m);
done:
	order_filter_free(&q.f);
}

const struct route admin_orders_list_routes[] = {
	{ "GET",  "/admin/orders",			orders_list,	0 },
};
const size_t admin_orders_list_nroutes = NELEM(admin_orders_list_routes);
