/* admin_view.c — what every back-office page shares: the page frame, order rows, list links, the browser's texts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_view.h"
#include "app.h"
#include "db_stores.h"
#include "mustache.h"
#include "payment.h"
#include "role.h"
#include "view.h"

struct admin_cache *
admin_cache_new(void)
{
	return xcalloc(1, sizeof(struct admin_cache));
}

void
admin_cache_free(struct admin_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < ADMIN_ROWS_SLOTS; i++)
		free(c->rows[i].html);
	for (i = 0; i < ADMIN_TEXTS_SLOTS; i++)
		free(c->texts[i].json);
	free(c);
}

int
admin_view_require(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *s, int post, int right, const char *forbidden_key)
{
	if (!auth_require(app, rq, rs, s) || (post && !auth_require_csrf(app, rq, rs, s)))
		return 0;
	if (!role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    (enum role_right)right)) {
		view_fail(app, rq, rs, 403, "forbidden", forbidden_key);
		return 0;
	}
	return 1;
}

int
admin_view_may_change(const struct auth_session *s)
{
	return role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    RIGHT_CHANGE_ORDERS);
}

const char *
admin_view_status_label(struct app *app, struct http_request *rq, int s)
{
	char key[32];

	if (order_status_name(s) == NULL)
		return "";
	snprintf(key, sizeof key, "status.%s", order_status_name(s));
	return view_text(app, rq, key);
}

const char *
admin_view_filter_label(struct app *app, struct http_request *rq, int s)
{
	char key[40];

	if (order_status_name(s) == NULL)
		return view_text(app, rq, "admin.filter_all");
	snprintf(key, sizeof key, "admin.filter_%s", order_status_name(s));
	return view_text(app, rq, key);
}

const char *
admin_view_store_name(struct app *app, struct http_request *rq, const char *name)
{
	(void)rq;
	/* A store without its own name goes by the environment's shop name. */
	if (name == NULL || *name == '\0')
		return app->cfg.shop_name;
	return name;
}

/* 1 when an order in status s shows its paid badge: every status but cancelled. */
static int
shows_paid(int s)
{
	return s != ORDER_CANCELLED;
}

/*
 * The workflow as the browser needs it to update a row in place, from the
 * order module (the one copy of the rules): {"pending": {"next":
 * "processing", "action": "Accept", "final": false}, …}.
 */
static struct json_object *
workflow(struct app *app, struct http_request *rq)
{
	struct json_object *w = json_object_new_object(), *one;
	char key[48];
	int s, next;

	for (s = 0; s < ORDER_NSTATUS; s++) {
		one = json_object_new_object();
		next = order_next_step(s);
		if (next >= 0) {
			view_add_str(one, "next", order_status_name(next));
			snprintf(key, sizeof key, "admin.action.%s", order_status_name(next));
			view_add_str(one, "action", view_text(app, rq, key));
		} else {
			json_object_object_add(one, "next", NULL);
			json_object_object_add(one, "action", NULL);
		}
		json_object_object_add(one, "final", json_object_new_boolean(order_status_final(s)));
		json_object_object_add(one, "paid_badge", json_object_new_boolean(shows_paid(s)));
		json_object_object_add(w, order_status_name(s), one);
	}
	return w;
}

/* The texts the browser code needs, as one JSON string for a data-* attribute. Caller frees. */
static char *
js_texts(struct app *app, struct http_request *rq)
{
	static const char *const admin_keys[] = {
		"col_number", "col_time", "col_customer", "col_items", "col_total",
		"col_status", "col_actions", "empty", "empty_filtered", "showing",
	};
	struct json_object *t = i18n_table(&app->i18n, view_lang(app, rq));
	struct json_object *o = json_object_new_object(), *a = json_object_new_object(), *v;
	char *s;
	size_t i;

	if (json_object_object_get_ex(t, "feed", &v))
		json_object_object_add(o, "feed", json_object_get(v));
	if (json_object_object_get_ex(t, "status", &v))
		json_object_object_add(o, "status", json_object_get(v));
	if (json_object_object_get_ex(t, "dashboard", &v))
		json_object_object_add(o, "dashboard", json_object_get(v));
	if (json_object_object_get_ex(t, "selftest", &v))	/* the alert self-test's words */
		json_object_object_add(o, "selftest", json_object_get(v));
	if (json_object_object_get_ex(t, "pay", &v) &&
	    json_object_object_get_ex(v, "badge", &v))	/* the rows' paid badges */
		json_object_object_add(o, "pay_badge", json_object_get(v));
	for (i = 0; i < NELEM(admin_keys); i++) {
		char key[64];

		snprintf(key, sizeof key, "admin.%s", admin_keys[i]);
		view_add_str(a, admin_keys[i], view_text(app, rq, key));
	}
	json_object_object_add(o, "admin", a);
	json_object_object_add(o, "workflow", workflow(app, rq));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/*
 * js_texts() for the request's language, made once per process and language:
 * the locale tables are loaded at start-up and never change. Borrowed from
 * app->admin; a language beyond ADMIN_TEXTS_SLOTS is recomputed into the last
 * slot (there are as many languages as locale files, a handful).
 */
static const char *
js_texts_cached(struct app *app, struct http_request *rq)
{
	struct admin_cache *c = app->admin;
	const char *lang = view_lang(app, rq);
	size_t i;

	for (i = 0; i < ADMIN_TEXTS_SLOTS; i++) {
		if (c->texts[i].json == NULL || i == ADMIN_TEXTS_SLOTS - 1)
			break;
		if (strcmp(c->texts[i].lang, lang) == 0)
			return c->texts[i].json;
	}
	if (c->texts[i].json != NULL && strcmp(c->texts[i].lang, lang) == 0)
		return c->texts[i].json;
	free(c->texts[i].json);
	snprintf(c->texts[i].lang, sizeof c->texts[i].lang, "%s", lang);
	c->texts[i].json = js_texts(app, rq);
	return c->texts[i].json;
}

void
admin_view_locale(struct app *app, const struct auth_session *s, struct admin_locale *out)
{
	struct store st;
	const char *tz;
	int ok;

	/* Only the two settings are read: no store_defaults(), which copies the name too. */
	ok = db_store_get(app->db, s->row.store_id == DB_ALL_STORES ? STORE_DEFAULT_ID :
	    s->row.store_id, &st) == DB_OK;
	snprintf(out->currency, sizeof out->currency, "%s", ok && st.own_currency ?
	    st.currency : app->cfg.currency);
	tz = ok && st.own_tz ? st.tz : app->cfg.tz;
	snprintf(out->tz, sizeof out->tz, "%s", tz != NULL ? tz : "UTC");
	store_free(&st);
}

struct json_object *
admin_view_page(struct app *app, struct http_request *rq, const struct auth_session *s,
    const char *nav, int64_t head)
{
	struct json_object *m = json_object_new_object(), *user, *live;
	struct admin_locale loc;
	char key[32], cur[32];

	view_add_str(m, "csrf", s->row.csrf);
	user = json_object_new_object();
	view_add_str(user, "email", s->row.email);
	snprintf(key, sizeof key, "admin.role_%s", s->row.role);
	view_add_str(user, "role", view_text(app, rq, key));
	view_add_str(user, "scope", s->row.store_id == DB_ALL_STORES ?
	    view_text(app, rq, "admin.all_stores") :
	    admin_view_store_name(app, rq, s->row.store_name));
	json_object_object_add(m, "user", user);
	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_CATALOG))
		json_object_object_add(m, "can_catalog", json_object_new_boolean(1));
	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_STAFF))
		json_object_object_add(m, "can_staff", json_object_new_boolean(1));
	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_SETTINGS))
		json_object_object_add(m, "can_settings", json_object_new_boolean(1));
	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_STORES))
		json_object_object_add(m, "can_stores", json_object_new_boolean(1));
	if (role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_COUNTER))
		json_object_object_add(m, "can_counter", json_object_new_boolean(1));
	if (role_parse(s->row.role) == ROLE_SELLER)	/* the counter is a seller's main page */
		json_object_object_add(m, "nav_counter_link", json_object_new_boolean(1));
	if (nav != NULL)
		json_object_object_add(m, nav, json_object_new_boolean(1));
	live = json_object_new_object();
	view_add_str(live, "epoch", db_epoch(app->db));
	snprintf(cur, sizeof cur, "%" PRId64, head);
	view_add_str(live, "cursor", cur);
	view_add_owned(live, "feed_url", view_url(app, "/admin/api/since"));
	view_add_owned(live, "stats_url", view_url(app, "/admin/api/stats"));
	view_add_owned(live, "orders_url", view_url(app, "/admin/orders"));
	view_add_owned(live, "login_url", view_url(app, "/admin/login"));
	view_add_owned(live, "worker_url", view_url(app, "/static/js/feed-worker.js?v=4"));
	view_add_str(live, "texts", js_texts_cached(app, rq));
	admin_view_locale(app, s, &loc);
	view_add_str(live, "currency", loc.currency);
	view_add_str(live, "tz", loc.tz);
	if (admin_view_may_change(s))
		json_object_object_add(live, "may_change", json_object_new_boolean(1));
	json_object_object_add(m, "live", live);
	return m;
}

void
admin_view_refresh(struct app *app, struct http_request *rq, struct json_object *m,
    int seconds)
{
	char n[16];

	snprintf(n, sizeof n, "%d", seconds);
	json_object_object_add(m, "refresh_s", json_object_new_int(seconds));
	view_add_owned(m, "auto_refresh", view_textf(app, rq, "admin.auto_refresh",
	    "n", n, (char *)NULL));
}

struct json_object *
admin_view_order_row(struct app *app, struct http_request *rq, const struct order *o,
    int multi_store, int may_change, int64_t day_start, const char *return_to)
{
	struct json_object *r = json_object_new_object(), *next;
	const char *lang = view_lang(app, rq);
	char buf[64], path[64], key[48];
	int to = order_next_step(o->status);

	view_add_str(r, "number", o->number);
	snprintf(path, sizeof path, "/admin/orders/%s", o->number);
	view_add_owned(r, "url", view_url(app, path));
	view_add_str(r, "status", order_status_name(o->status));
	view_add_str(r, "status_label", admin_view_status_label(app, rq, o->status));
	view_add_str(r, "customer_name", o->customer_name);
	json_object_object_add(r, "items_count", json_object_new_int64(o->items_count));
	json_object_object_add(r, "total_cents", json_object_new_int64(o->total_cents));
	view_add_str(r, "currency", o->currency);
	view_add_price(r, "total", o->total_cents, o->currency, lang);
	view_add_time(r, "created_at", o->created_at);
	if (o->created_at >= day_start)
		i18n_time(buf, sizeof buf, (time_t)o->created_at);
	else
		i18n_datetime(buf, sizeof buf, (time_t)o->created_at, lang);
	view_add_str(r, "created_local", buf);
	view_add_str(r, "store_name", admin_view_store_name(app, rq, o->store_name));
	if (multi_store)
		json_object_object_add(r, "show_store", json_object_new_boolean(1));
	json_object_object_add(r, "paid_cents", json_object_new_int64(o->paid_cents));
	if (shows_paid(o->status)) {	/* Paid / Part-paid / Unpaid (payment.h) */
		struct json_object *pay = json_object_new_object();

		view_add_str(pay, "badge", payment_badge(o->total_cents, o->paid_cents));
		snprintf(key, sizeof key, "pay.badge.%s", payment_badge(o->total_cents,
		    o->paid_cents));
		view_add_str(pay, "label", view_text(app, rq, key));
		json_object_object_add(r, "pay", pay);
	}
	/* The one-click next step of the workflow, when there is one. */
	if (to >= 0 && may_change) {
		next = json_object_new_object();
		view_add_str(next, "to", order_status_name(to));
		snprintf(key, sizeof key, "admin.action.%s", order_status_name(to));
		view_add_str(next, "label", view_text(app, rq, key));
		view_add_str(next, "return_to", return_to);
		json_object_object_add(r, "next_action", next);
	}
	return r;
}

char *
admin_view_list_path(int status, long page)
{
	const char *name = order_status_name(status);
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "/admin/orders");
	if (name != NULL)
		buf_printf(&b, "?status=%s", name);
	if (page > 1)
		buf_printf(&b, "%cpage=%ld", name != NULL ? '&' : '?', page);
	return buf_detach(&b);
}

/* ---- the order list's rendered rows, cached per process ---- */

/* 1 when slot c was rendered for key k (every field but the cached text). */
static int
rows_key_eq(const struct admin_rows_slot *c, const struct admin_rows_slot *k)
{
	return c->used && db_admin_version_eq(&c->version, &k->version) &&
	    c->store_id == k->store_id && c->status == k->status &&
	    c->page == k->page && c->before_id == k->before_id &&
	    strcmp(c->q, k->q) == 0 && c->from == k->from && c->to == k->to &&
	    c->day_start == k->day_start && c->multi_store == k->multi_store &&
	    c->may_change == k->may_change &&
	    strcmp(c->lang, k->lang) == 0 && strcmp(c->csrf, k->csrf) == 0;
}

/* The cached rows for k, marked as just used, or NULL. */
const struct admin_rows_slot *
admin_rows_find(struct admin_cache *c, const struct admin_rows_slot *k)
{
	size_t i;

	for (i = 0; i < ADMIN_ROWS_SLOTS; i++)
		if (rows_key_eq(&c->rows[i], k)) {
			c->rows[i].stamp = ++c->clock;
			c->hits++;
			return &c->rows[i];
		}
	c->misses++;
	return NULL;
}

/*
 * Keeps k (its html taken over: k->html is NULL afterwards) in a free slot,
 * or in place of the least recently used one, whose text is freed.
 * Returns the slot (valid until the next rows_keep).
 */
const struct admin_rows_slot *
admin_rows_keep(struct admin_cache *c, struct admin_rows_slot *k)
{
	struct admin_rows_slot *dst = &c->rows[0];
	size_t i;

	for (i = 0; i < ADMIN_ROWS_SLOTS; i++) {
		if (!c->rows[i].used) {
			dst = &c->rows[i];
			break;
		}
		if (c->rows[i].stamp < dst->stamp)
			dst = &c->rows[i];
	}
	free(dst->html);
	*dst = *k;
	dst->used = 1;
	dst->stamp = ++c->clock;
	k->html = NULL;
	return dst;
}

/*
 * Renders the list's rows (templates/admin_order_rows: admin_order_row per
 * order, the same partial the dashboard uses) into k->html (malloc'd; the
 * caller owns it). The row template reads only the row's own fields, the
 * texts (t) and the session's csrf, so those are the whole context. Returns
 * MUS_OK, or the engine's status with *err filled.
 *
 * The page inserts this text unescaped ({{{rows_html}}}). That is safe
 * because every byte of it comes from our own template, in which each value
 * from the database goes through an escaping {{name}} tag: it is already HTML,
 * escaped exactly as it was when the rows were rendered inside the page.
 */
int
admin_rows_render(struct app *app, struct admin_rows_slot *k, struct json_object *rows,
    struct mus_error *err)
{
	struct json_object *ctx = json_object_new_object();
	struct buf b;
	int rc;

	json_object_object_add(ctx, "t", json_object_get(i18n_table(&app->i18n, k->lang)));
	view_add_str(ctx, "csrf", k->csrf);
	json_object_object_add(ctx, "orders", json_object_get(rows));
	buf_init(&b);
	if ((rc = mus_render(app->tmpl, "admin_order_rows", ctx, &b, err)) == MUS_OK) {
		k->len = b.len;
		k->html = buf_detach(&b);
	}
	buf_free(&b);
	json_object_put(ctx);
	return rc;
}

struct json_object *
admin_view_order_items(struct app *app, struct http_request *rq, const struct order *o)
{
	struct json_object *arr = json_object_new_array(), *r;
	const char *lang = view_lang(app, rq);
	int64_t line;
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		r = json_object_new_object();
		view_add_str(r, "sku", o->items[i].sku);
		view_add_str(r, "name", o->items[i].name);
		json_object_object_add(r, "qty", json_object_new_int64(o->items[i].qty));
		json_object_object_add(r, "unit_price_cents",
		    json_object_new_int64(o->items[i].unit_price_cents));
		view_add_price(r, "unit_price", o->items[i].unit_price_cents, o->currency, lang);
		if (order_line_total(o->items[i].unit_price_cents, o->items[i].qty, &line) != 0)
			line = 0;
		view_add_price(r, "amount", line, o->currency, lang);
		json_object_array_add(arr, r);
	}
	return arr;
}

struct json_object *
admin_view_store_choices(struct app *app, struct http_request *rq, int64_t selected)
{
	struct json_object *arr = json_object_new_array(), *o;
	struct db_store_row *v = NULL;
	size_t n = 0, i;

	if (db_stores_list(app->db, &v, &n) != DB_OK)
		return arr;
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		view_add_str(o, "slug", v[i].slug);
		view_add_str(o, "name", admin_view_store_name(app, rq, v[i].name));
		if (v[i].id == selected)
			json_object_object_add(o, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	free(v);
	return arr;
}
