/* admin_dashboard.c — GET /admin: today's takings and orders, the week's, low stock, orders per hour, the latest orders, the System panel. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_dashboard.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_orders.h"
#include "feed.h"
#include "view.h"

/* The chart of the dashboard: 24 bars in a 480 × 170 SVG viewBox. */
#define CHART_SLOT	20
#define CHART_BAR	14
#define CHART_TOP	14
#define CHART_HEIGHT	120
#define CHART_LABEL_Y	154

/* The bar chart's geometry, computed here so the page needs no script to draw it. */
static struct json_object *
chart(struct json_object *hours)
{
	struct json_object *c = json_object_new_object(), *bars = json_object_new_array();
	struct json_object *h, *b, *v;
	int64_t count, max = 0, ht;
	size_t i, n = json_object_array_length(hours);

	for (i = 0; i < n; i++) {
		h = json_object_array_get_idx(hours, i);
		if (json_object_object_get_ex(h, "count", &v) && json_object_get_int64(v) > max)
			max = json_object_get_int64(v);
	}
	for (i = 0; i < n; i++) {
		h = json_object_array_get_idx(hours, i);
		count = json_object_object_get_ex(h, "count", &v) ? json_object_get_int64(v) : 0;
		ht = max > 0 ? (count * CHART_HEIGHT + max - 1) / max : 0;
		if (count > 0 && ht < 3)
			ht = 3;
		b = json_object_new_object();
		json_object_object_add(b, "x", json_object_new_int((int)i * CHART_SLOT + 3));
		json_object_object_add(b, "y", json_object_new_int64(CHART_TOP + CHART_HEIGHT - ht));
		json_object_object_add(b, "width", json_object_new_int(CHART_BAR));
		json_object_object_add(b, "height", json_object_new_int64(ht));
		json_object_object_add(b, "count", json_object_new_int64(count));
		if (json_object_object_get_ex(h, "label", &v))
			json_object_object_add(b, "label", json_object_get(v));
		json_object_object_add(b, "label_x", json_object_new_int((int)i * CHART_SLOT + 10));
		if ((n - 1 - i) % 4 == 0)
			json_object_object_add(b, "show_label", json_object_new_boolean(1));
		if (i == n - 1)
			json_object_object_add(b, "current", json_object_new_boolean(1));
		json_object_array_add(bars, b);
	}
	json_object_object_add(c, "bars", bars);
	json_object_object_add(c, "max", json_object_new_int64(max));
	json_object_object_add(c, "top", json_object_new_int(CHART_TOP));
	json_object_object_add(c, "plot_height", json_object_new_int(CHART_HEIGHT));
	json_object_object_add(c, "base", json_object_new_int(CHART_TOP + CHART_HEIGHT));
	json_object_object_add(c, "label_y", json_object_new_int(CHART_LABEL_Y));
	return c;
}

/* GET /admin */
static void
dashboard(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_order_filter f;
	struct order *v = NULL;
	struct json_object *m = NULL, *stats, *hours, *today, *rows, *x;
	const char *lang = view_lang(app, rq);
	time_t now = time(NULL);
	int64_t head, nstores = 1, day_start = order_day_start(now);
	char buf[32], *path;
	size_t n = 0, i;

	if (!auth_require(app, rq, rs, &s))
		return;
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK ||
	    (stats = feed_stats_model(app, &s, lang, now)) == NULL)
		goto unavailable;
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.status = -1;
	f.limit = ADMIN_LATEST;
	if (db_orders_list(app->db, &f, &v, &n) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK) {
		json_object_put(stats);
		goto unavailable;
	}
	m = admin_view_page(app, rq, &s, "nav_dashboard", head);
	admin_view_refresh(app, rq, m, ADMIN_DASH_REFRESH_S);
	if (json_object_object_get_ex(stats, "orders_per_hour", &hours))
		json_object_object_add(m, "chart", chart(hours));
	if (json_object_object_get_ex(stats, "today", &today) &&
	    json_object_object_get_ex(today, "cancelled", &x)) {
		snprintf(buf, sizeof buf, "%" PRId64, json_object_get_int64(x));
		view_add_owned(m, "cancelled_text", view_textf(app, rq,
		    "dashboard.cancelled_today", "n", buf, (char *)NULL));
	}
	if (json_object_object_get_ex(stats, "processing", &x)) {
		snprintf(buf, sizeof buf, "%" PRId64, json_object_get_int64(x));
		view_add_owned(m, "processing_text", view_textf(app, rq,
		    "dashboard.processing_text", "n", buf, (char *)NULL));
	}
	if (json_object_object_get_ex(stats, "polls_per_minute_source", &x))
		view_add_str(m, "rate_note", view_text(app, rq, strcmp(json_object_get_string(x),
		    "measured") == 0 ? "dashboard.measured" : "dashboard.nominal"));
	i18n_time(buf, sizeof buf, now);
	view_add_owned(m, "updated_text", view_textf(app, rq, "dashboard.updated",
	    "time", buf, (char *)NULL));
	json_object_object_add(m, "stats", stats);
	path = admin_view_list_path(ORDER_PENDING, 1);
	view_add_owned(m, "pending_url", view_url(app, path));
	free(path);
	path = admin_view_list_path(ORDER_PROCESSING, 1);
	view_add_owned(m, "processing_url", view_url(app, path));
	free(path);
	path = admin_view_list_path(ORDER_READY, 1);
	view_add_owned(m, "ready_url", view_url(app, path));
	free(path);
	view_add_owned(m, "orders_url", view_url(app, "/admin/orders"));
	rows = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(rows, admin_view_order_row(app, rq, &v[i],
		    s.row.store_id == DB_ALL_STORES && nstores > 1, admin_view_may_change(&s),
		    day_start, "/admin"));
	json_object_object_add(m, "orders", rows);
	json_object_object_add(m, "has_orders", json_object_new_boolean(n > 0));
	view_add_owned(m, "self_url", view_url(app, "/admin"));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_dashboard", m);
	m = NULL;
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	json_object_put(m);
	order_free_all(v, n);
}

const struct route admin_dashboard_routes[] = {
	{ "GET",  "/admin",	dashboard,	0 },
};
const size_t admin_dashboard_nroutes = NELEM(admin_dashboard_routes);
