/* admin.c — the back office: sign-in, dashboard, order list and detail, status changes; the admin route table. */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "app.h"
#include "auth.h"
#include "feed.h"
#include "mustache.h"
#include "valid.h"
#include "view.h"

/* The chart of the dashboard: 24 bars in a 480 × 170 SVG viewBox. */
#define CHART_SLOT	20
#define CHART_BAR	14
#define CHART_TOP	14
#define CHART_HEIGHT	120
#define CHART_LABEL_Y	154

/* ---- helpers ---- */

char *
admin_fill(const char *text, ...)
{
	struct buf b;
	const char *p = text, *name, *val, *close;
	va_list ap;
	size_t n;
	int found;

	buf_init(&b);
	while (*p) {
		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			buf_putc(&b, *p++);
			continue;
		}
		n = (size_t)(close - p - 1);
		found = 0;
		va_start(ap, text);
		while ((name = va_arg(ap, const char *)) != NULL) {
			val = va_arg(ap, const char *);
			if (!found && strlen(name) == n && strncmp(name, p + 1, n) == 0) {
				buf_puts(&b, val ? val : "");
				found = 1;
			}
		}
		va_end(ap);
		if (found)
			p = close + 1;
		else
			buf_putc(&b, *p++);
	}
	return buf_detach(&b);
}

int
admin_number_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 19 || strncmp(s, "CMD-", 4) != 0 || s[12] != '-')
		return 0;
	for (i = 4; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	for (i = 13; i < 19; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'A' && s[i] <= 'Z'))
			return 0;
	return 1;
}

static const char *
text(struct app *app, struct http_request *rq, const char *key)
{
	return view_text(app, rq, key);
}

/* The status's name for people ("En préparation"); the status itself when unknown. */
static const char *
status_label(struct app *app, struct http_request *rq, const char *status)
{
	char key[32];

	if (db_admin_status_index(status) < 0)
		return status;
	snprintf(key, sizeof key, "status.%s", status);
	return text(app, rq, key);
}

static int64_t
local_day_start(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void
add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val ? val : ""));
}

/* Adds key: a new string the caller allocated (and this frees). */
static void
add_owned(struct json_object *o, const char *key, char *val)
{
	add_str(o, key, val);
	free(val);
}

static void
add_price(struct json_object *o, const char *key, int64_t cents, const char *currency,
    const char *lang)
{
	char buf[64];

	i18n_price(buf, sizeof buf, cents, currency, lang);
	add_str(o, key, buf);
}

/* A 4xx/5xx with the request's language; the page or {"error","message"}. */
static void
fail(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const char *code, const char *key)
{
	view_error(app, rq, rs, status, code, text(app, rq, key));
}

/* The texts the browser code needs, as one JSON string for a data-* attribute. */
static char *
js_texts(struct app *app, struct http_request *rq)
{
	static const char *const admin_keys[] = {
		"col_number", "col_time", "col_customer", "col_items", "col_total",
		"col_status", "col_actions", "action_accept", "action_complete",
		"empty", "empty_filtered", "showing",
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
	for (i = 0; i < NELEM(admin_keys); i++) {
		char key[64];

		snprintf(key, sizeof key, "admin.%s", admin_keys[i]);
		add_str(a, admin_keys[i], text(app, rq, key));
	}
	json_object_object_add(o, "admin", a);
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
	const char *lang = view_lang(app, rq);
	size_t i;

	for (i = 0; i < ADMIN_TEXTS_SLOTS; i++) {
		if (app->admin.texts[i].json == NULL || i == ADMIN_TEXTS_SLOTS - 1)
			break;
		if (strcmp(app->admin.texts[i].lang, lang) == 0)
			return app->admin.texts[i].json;
	}
	if (app->admin.texts[i].json != NULL && strcmp(app->admin.texts[i].lang, lang) == 0)
		return app->admin.texts[i].json;
	free(app->admin.texts[i].json);
	snprintf(app->admin.texts[i].lang, sizeof app->admin.texts[i].lang, "%s", lang);
	app->admin.texts[i].json = js_texts(app, rq);
	return app->admin.texts[i].json;
}

/*
 * What every back-office page shares: the user, the CSRF token for its
 * forms, which nav entry is current, and what the browser code needs to
 * follow the change feed (epoch and cursor are the scope's head now: the
 * page shows everything up to it, the feed brings what comes after).
 */
static struct json_object *
base_model(struct app *app, struct http_request *rq, const struct auth_session *s,
    const char *nav, int64_t head)
{
	struct json_object *m = json_object_new_object(), *user, *live;
	char key[32], cur[32];

	add_str(m, "csrf", s->row.csrf);
	user = json_object_new_object();
	add_str(user, "email", s->row.email);
	snprintf(key, sizeof key, "admin.role_%s", s->row.role);
	add_str(user, "role", text(app, rq, key));
	add_str(user, "scope", s->row.store_id == DB_ADMIN_ALL_STORES ?
	    text(app, rq, "admin.all_stores") : s->row.store_name);
	json_object_object_add(m, "user", user);
	if (nav != NULL)
		json_object_object_add(m, nav, json_object_new_boolean(1));
	live = json_object_new_object();
	add_str(live, "epoch", db_epoch(app->db));
	snprintf(cur, sizeof cur, "%" PRId64, head);
	add_str(live, "cursor", cur);
	add_owned(live, "feed_url", view_url(app, "/admin/api/since"));
	add_owned(live, "stats_url", view_url(app, "/admin/api/stats"));
	add_owned(live, "orders_url", view_url(app, "/admin/orders"));
	add_owned(live, "login_url", view_url(app, "/admin/login"));
	add_owned(live, "worker_url", view_url(app, "/static/js/feed-worker.js?v=1"));
	add_str(live, "texts", js_texts_cached(app, rq));
	add_str(live, "currency", app->cfg.currency);
	add_str(live, "tz", app->cfg.tz);
	json_object_object_add(m, "live", live);
	return m;
}

/*
 * Without JavaScript a page reloads itself through <meta http-equiv=refresh>
 * every `seconds`: the delay for the tag (refresh_s) and the sentence that
 * tells the reader so (auto_refresh, shown in a <noscript> of the live bar).
 */
static void
add_refresh(struct app *app, struct http_request *rq, struct json_object *m, int seconds)
{
	char n[16];

	snprintf(n, sizeof n, "%d", seconds);
	json_object_object_add(m, "refresh_s", json_object_new_int(seconds));
	add_owned(m, "auto_refresh", admin_fill(text(app, rq, "admin.auto_refresh"),
	    "n", n, (char *)NULL));
}

/* One order as a list row (the same fields the browser code renders from). */
static struct json_object *
order_row(struct app *app, struct http_request *rq, const char *lang,
    const struct db_admin_order *o, int multi_store, int64_t day_start,
    const char *return_to)
{
	struct json_object *r = json_object_new_object(), *next;
	char buf[64], path[64];
	int si = db_admin_status_index(o->status);

	add_str(r, "number", o->number);
	snprintf(path, sizeof path, "/admin/orders/%s", o->number);
	add_owned(r, "url", view_url(app, path));
	add_str(r, "status", o->status);
	add_str(r, "status_label", status_label(app, rq, o->status));
	add_str(r, "customer_name", o->customer_name);
	json_object_object_add(r, "items_count", json_object_new_int64(o->items_count));
	json_object_object_add(r, "total_cents", json_object_new_int64(o->total_cents));
	add_str(r, "currency", o->currency);
	add_price(r, "total", o->total_cents, o->currency, lang);
	feed_rfc3339(buf, sizeof buf, o->created_at);
	add_str(r, "created_at", buf);
	if (o->created_at >= day_start)
		i18n_time(buf, sizeof buf, (time_t)o->created_at);
	else
		i18n_datetime(buf, sizeof buf, (time_t)o->created_at, lang);
	add_str(r, "created_local", buf);
	add_str(r, "store_name", o->store_name);
	if (multi_store)
		json_object_object_add(r, "show_store", json_object_new_boolean(1));
	/* The one-click next step of the workflow, when there is one. */
	if (si == 0 || si == 1) {
		next = json_object_new_object();
		add_str(next, "to", si == 0 ? "processing" : "completed");
		add_str(next, "label", text(app, rq, si == 0 ? "admin.action_accept" :
		    "admin.action_complete"));
		add_str(next, "return_to", return_to);
		json_object_object_add(r, "next_action", next);
	}
	return r;
}

/* The local form value, or a JSON body's string member. Borrowed. */
static const char *
field(struct http_request *rq, const char *name)
{
	struct json_object *v;
	const char *s = kv_get(&rq->form, name);

	if (s == NULL && rq->json != NULL && json_object_is_type(rq->json, json_type_object) &&
	    json_object_object_get_ex(rq->json, name, &v) &&
	    json_object_is_type(v, json_type_string))
		s = json_object_get_string(v);
	return s;
}

/* ---- sign-in ---- */

static void
login_page(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const char *next, const char *email, const char *error_key, const char *notice_key)
{
	struct json_object *m = json_object_new_object();

	add_str(m, "next", next && auth_next_ok(next) ? next : "");
	add_str(m, "email", email);
	if (error_key != NULL)
		add_str(m, "error", text(app, rq, error_key));
	if (notice_key != NULL)
		add_str(m, "notice", text(app, rq, notice_key));
	http_add_header(rs, "Cache-Control", "no-store");
	if (rq->wants_json && error_key != NULL) {
		/* JSON clients get the error shape every other route uses. */
		json_object_put(m);
		view_error(app, rq, rs, status, status == 429 ? "throttled" :
		    status == 401 ? "bad_credentials" : "invalid", text(app, rq, error_key));
		return;
	}
	view_render(app, rq, rs, status, "admin_login", m);
}

/* Where to go after signing in: base + next, or the order list. Caller frees. */
static char *
after_login(struct app *app, const char *next)
{
	return view_url(app, next && auth_next_ok(next) ? next : "/admin/orders");
}

/* GET /admin/login */
static void
login_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	const char *next = kv_get(&rq->query, "next");
	char *loc;

	if (auth_session_find(app, rq, rs, &s) == AUTH_OK) {
		loc = after_login(app, next);
		http_redirect(rs, 303, loc);
		free(loc);
		return;
	}
	login_page(app, rq, rs, 200, next, "", NULL,
	    kv_get(&rq->query, "out") ? "login.signed_out" :
	    next != NULL ? "login.required" : NULL);
}

/* POST /admin/login: form (or JSON) email, password, next. */
static void
login_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct db_admin_user u;
	const char *site = http_header(rq, "Sec-Fetch-Site");
	const char *raw = field(rq, "email"), *password = field(rq, "password");
	const char *next = field(rq, "next");
	char email[256], masked[280], *loc;
	int64_t retry;
	size_t i, n;
	enum db_status rc;
	int ok;

	/* Login CSRF: a browser tells us when another site posts this form. */
	if (site != NULL && strcmp(site, "cross-site") == 0) {
		fail(app, rq, rs, 403, "cross_site", "login.cross_site");
		return;
	}
	n = 0;
	if (raw != NULL) {
		while (*raw == ' ' || *raw == '\t')
			raw++;
		n = strlen(raw);
		while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
			n--;
	}
	if (raw == NULL || n < 3 || n >= sizeof email || password == NULL ||
	    *password == '\0' || strlen(password) > AUTH_PASSWORD_MAX) {
		login_page(app, rq, rs, 422, next, raw && n < sizeof email ? raw : "",
		    "login.invalid", NULL);
		return;
	}
	for (i = 0; i < n; i++)
		email[i] = (char)tolower((unsigned char)raw[i]);
	email[n] = '\0';
	if (!valid_utf8(email, 0, NULL) || strchr(email, '@') == NULL) {
		login_page(app, rq, rs, 422, next, "", "login.invalid", NULL);
		return;
	}
	log_mask_email(email, masked, sizeof masked);

	if ((rc = auth_throttle(app, email, rq->remote_addr, &retry)) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (retry > 0) {
		log_msg(&app->log, LOG_WARN, "admin: sign-in throttled for %s from %s",
		    masked, rq->remote_addr);
		http_add_header(rs, "Retry-After", "%" PRId64, retry);
		login_page(app, rq, rs, 429, next, email, "login.throttled", NULL);
		return;
	}
	rc = db_admin_user_by_email(app->db, email, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		view_unavailable(app, rq, rs);
		return;
	}
	/* Always one Argon2id check: an unknown email takes as long as a known one. */
	ok = auth_password_verify(rc == DB_OK ? u.password_hash : NULL, password);
	if (auth_record_attempt(app, email, rq->remote_addr, ok) != DB_OK) {
		db_admin_user_clear(&u);
		view_unavailable(app, rq, rs);
		return;
	}
	if (!ok) {
		db_admin_user_clear(&u);
		log_msg(&app->log, LOG_INFO, "admin: failed sign-in for %s from %s",
		    masked, rq->remote_addr);
		login_page(app, rq, rs, 401, next, email, "login.failed", NULL);
		return;
	}
	rc = auth_session_start(app, rq, rs, u.id);
	db_admin_user_clear(&u);
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	log_msg(&app->log, LOG_INFO, "admin: %s signed in from %s", masked, rq->remote_addr);
	loc = after_login(app, next);
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "ok", json_object_new_boolean(1));
		add_str(m, "next", loc);
		view_json(rs, 200, m);
	} else
		http_redirect(rs, 303, loc);
	free(loc);
}

/* POST /admin/logout: csrf. */
static void
logout(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	char *loc;

	if (!auth_require(app, rq, rs, &s) || !auth_require_csrf(app, rq, rs, &s))
		return;
	if (auth_session_end(app, rq, rs, &s) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	loc = view_url(app, "/admin/login?out=1");
	http_redirect(rs, 303, loc);
	free(loc);
}

/* ---- the order list ---- */

enum { L_STATUS, L_PAGE, L_BEFORE, L__MAX };
static const struct valid_field list_fields[L__MAX] = {
	[L_STATUS] = { "status", VALID_TEXT, 0, 1, 16, "admin.bad_filter" },
	[L_PAGE]   = { "page", VALID_INT, 0, 1, 1000000, "admin.bad_page" },
	[L_BEFORE] = { "before", VALID_INT, 0, 1, LONG_MAX, "admin.bad_page" },
};

/* "/admin/orders?status=x&page=n" with what is set. Caller frees. */
static char *
list_path(const char *status, long page)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "/admin/orders");
	if (status != NULL && *status)
		buf_printf(&b, "?status=%s", status);
	if (page > 1)
		buf_printf(&b, "%cpage=%ld", status && *status ? '&' : '?', page);
	return buf_detach(&b);
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
	memset(c, 0, sizeof *c);
}

/* 1 when slot c was rendered for key k (every field but the cached text). */
static int
rows_key_eq(const struct admin_rows_slot *c, const struct admin_rows_slot *k)
{
	return c->used && db_admin_version_eq(&c->version, &k->version) &&
	    c->store_id == k->store_id && c->status == k->status &&
	    c->page == k->page && c->before_id == k->before_id &&
	    c->day_start == k->day_start && c->multi_store == k->multi_store &&
	    strcmp(c->lang, k->lang) == 0 && strcmp(c->csrf, k->csrf) == 0;
}

/* The cached rows for k, marked as just used, or NULL. */
static const struct admin_rows_slot *
rows_find(struct admin_cache *c, const struct admin_rows_slot *k)
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
static const struct admin_rows_slot *
rows_keep(struct admin_cache *c, struct admin_rows_slot *k)
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
static int
rows_html(struct app *app, struct admin_rows_slot *k, struct json_object *rows,
    struct mus_error *err)
{
	struct json_object *ctx = json_object_new_object();
	struct buf b;
	int rc;

	json_object_object_add(ctx, "t", json_object_get(i18n_table(&app->i18n, k->lang)));
	add_str(ctx, "csrf", k->csrf);
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

/* GET /admin/orders: ?status=, ?page=N or ?before=ID. */
static void
orders_list(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result vr;
	struct db_admin_filter f;
	struct db_admin_order *v = NULL;
	struct json_object *m = NULL, *rows = NULL, *filters, *fo;
	struct admin_rows_slot key;
	const struct admin_rows_slot *hit = NULL;
	struct mus_error err;
	const char *lang = view_lang(app, rq), *status = NULL;
	int64_t head, counts[DB_ADMIN_NSTATUS], total = 0, nstores = 1, day_start, last_id;
	size_t n_rows;
	char *path, *summary, from[24], to[24], tot[24];
	size_t n = 0, i;
	long page = 1;
	int si = -1;

	if (!auth_require(app, rq, rs, &s))
		return;
	if (valid_form(list_fields, L__MAX, &rq->query, &vr) != 0) {
		fail(app, rq, rs, 400, "bad_request", vr.error[L_STATUS] ?
		    vr.error[L_STATUS] : vr.error[L_PAGE] ? vr.error[L_PAGE] : vr.error[L_BEFORE]);
		goto done;
	}
	if (vr.present[L_STATUS]) {
		if ((si = db_admin_status_index(vr.text[L_STATUS])) < 0) {
			fail(app, rq, rs, 400, "bad_request", "admin.bad_filter");
			goto done;
		}
		status = db_admin_statuses[si];
	}
	if (vr.present[L_PAGE])
		page = vr.num[L_PAGE];
	/* The head first: anything newer than what the list shows comes by the feed. */
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK)
		goto unavailable;
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.status = status;
	f.limit = ADMIN_PAGE_SIZE;
	if (vr.present[L_BEFORE])
		f.before_id = vr.num[L_BEFORE];
	else
		f.offset = (int64_t)(page - 1) * ADMIN_PAGE_SIZE;
	if (db_admin_status_counts(app->db, s.row.store_id, counts) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK)
		goto unavailable;
	day_start = local_day_start(time(NULL));

	/*
	 * The rows. An HTML page whose rows were rendered at this database
	 * version, for this key, reuses their text: the 50 rows' query, model
	 * and rendering are most of the page's cost. JSON clients always get
	 * the rows as data.
	 */
	memset(&key, 0, sizeof key);
	key.version = s.version;
	key.store_id = s.row.store_id;
	key.status = si;
	key.page = page;
	key.before_id = f.before_id;
	key.day_start = day_start;
	key.multi_store = s.row.store_id == DB_ADMIN_ALL_STORES && nstores > 1;
	snprintf(key.lang, sizeof key.lang, "%s", lang);
	snprintf(key.csrf, sizeof key.csrf, "%s", s.row.csrf);
	path = list_path(status, page);
	if (!rq->wants_json && (hit = rows_find(&app->admin, &key)) != NULL) {
		n_rows = hit->n;
		last_id = hit->last_id;
	} else {
		if (db_admin_orders_list(app->db, &f, &v, &n) != DB_OK) {
			free(path);
			goto unavailable;
		}
		n_rows = n;
		last_id = n > 0 ? v[n - 1].id : 0;
		rows = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(rows, order_row(app, rq, lang, &v[i],
			    key.multi_store, day_start, path));
		if (!rq->wants_json) {
			if (rows_html(app, &key, rows, &err) != MUS_OK) {
				log_msg(&app->log, LOG_ERROR, "template %s:%d:%d: %s",
				    err.name, err.line, err.col, err.msg);
				json_object_put(rows);
				free(path);
				/* A broken template is a bug: the answer view_render gives one. */
				rs->status = 500;
				rs->content_type = "text/plain; charset=utf-8";
				buf_reset(&rs->body);
				buf_puts(&rs->body, "Internal error: a page template failed.\n");
				goto done;
			}
			key.n = n;
			key.last_id = last_id;
			json_object_put(rows);
			rows = NULL;
			hit = rows_keep(&app->admin, &key);
		}
	}

	m = base_model(app, rq, &s, "nav_orders", head);
	add_refresh(app, rq, m, ADMIN_LIST_REFRESH_S);
	add_owned(m, "list_url", view_url(app, path));
	add_owned(m, "self_url", view_url(app, path));
	add_str(m, "return_to", path);
	free(path);
	if (rows != NULL)
		json_object_object_add(m, "orders", rows);
	else
		json_object_object_add(m, "rows_html",
		    json_object_new_string_len(hit->html, (int)hit->len));
	json_object_object_add(m, "has_orders", json_object_new_boolean(n_rows > 0));

	filters = json_object_new_array();
	for (i = 0; i < DB_ADMIN_NSTATUS; i++)
		total += counts[i];
	for (i = 0; i <= DB_ADMIN_NSTATUS; i++) {
		const char *st = i == 0 ? NULL : db_admin_statuses[i - 1];

		fo = json_object_new_object();
		add_str(fo, "status", st ? st : "");
		add_str(fo, "label", st ? status_label(app, rq, st) : text(app, rq, "admin.filter_all"));
		json_object_object_add(fo, "count", json_object_new_int64(st ? counts[i - 1] : total));
		path = list_path(st, 1);
		add_owned(fo, "url", view_url(app, path));
		free(path);
		if ((st == NULL && status == NULL) || (st && status && strcmp(st, status) == 0))
			json_object_object_add(fo, "current", json_object_new_boolean(1));
		json_object_array_add(filters, fo);
	}
	json_object_object_add(m, "filters", filters);
	add_str(m, "filter", status ? status : "");
	if (status != NULL)
		add_str(m, "filter_label", status_label(app, rq, status));

	total = si >= 0 ? counts[si] : total;
	json_object_object_add(m, "total", json_object_new_int64(total));
	json_object_object_add(m, "page", json_object_new_int64(vr.present[L_BEFORE] ? 0 : page));
	/* Where this page starts, so the browser can keep the summary true as rows arrive. */
	if (!vr.present[L_BEFORE])
		json_object_object_add(m, "summary_from", json_object_new_int64(f.offset + 1));
	if (n_rows > 0 && !vr.present[L_BEFORE]) {
		snprintf(from, sizeof from, "%" PRId64, f.offset + 1);
		snprintf(to, sizeof to, "%" PRId64, f.offset + (int64_t)n_rows);
		snprintf(tot, sizeof tot, "%" PRId64, total);
		summary = admin_fill(text(app, rq, "admin.showing"), "from", from, "to", to,
		    "total", tot, (char *)NULL);
		add_owned(m, "summary", summary);
	}
	if (page > 1 && !vr.present[L_BEFORE]) {
		path = list_path(status, page - 1);
		add_owned(m, "newer_url", view_url(app, path));
		free(path);
	}
	if (n_rows > 0 && (vr.present[L_BEFORE] ? n_rows == ADMIN_PAGE_SIZE :
	    f.offset + (int64_t)n_rows < total)) {
		if (vr.present[L_BEFORE]) {
			char p2[96];

			snprintf(p2, sizeof p2, "/admin/orders?before=%" PRId64 "%s%s",
			    last_id, status ? "&status=" : "", status ? status : "");
			add_owned(m, "older_url", view_url(app, p2));
		} else {
			path = list_path(status, page + 1);
			add_owned(m, "older_url", view_url(app, path));
			free(path);
		}
	}
	add_str(m, "empty_text", text(app, rq, status ? "admin.empty_filtered" : "admin.empty"));
	/* New orders are prepended live only where they belong: the first page. */
	if (page == 1 && !vr.present[L_BEFORE])
		json_object_object_add(m, "live_list", json_object_new_boolean(1));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_orders", m);
	m = NULL;
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	json_object_put(m);
	db_admin_orders_free(v, n);
	valid_result_free(&vr);
}

/* ---- one order ---- */

static struct json_object *
event_row(struct app *app, struct http_request *rq, const char *lang,
    const struct db_admin_event *ev)
{
	struct json_object *r = json_object_new_object(), *payload, *from, *to;
	char key[48], buf[64];

	add_str(r, "type", ev->type);
	snprintf(key, sizeof key, "admin.event_%s", ev->type);
	add_str(r, "label", text(app, rq, key));
	feed_rfc3339(buf, sizeof buf, ev->created_at);
	add_str(r, "at", buf);
	i18n_datetime(buf, sizeof buf, (time_t)ev->created_at, lang);
	add_str(r, "at_local", buf);
	payload = json_tokener_parse(ev->payload ? ev->payload : "");
	if (payload != NULL && json_object_object_get_ex(payload, "from", &from) &&
	    json_object_object_get_ex(payload, "to", &to) && from && to) {
		add_owned(r, "change", admin_fill(text(app, rq, "admin.from_to"),
		    "from", status_label(app, rq, json_object_get_string(from)),
		    "to", status_label(app, rq, json_object_get_string(to)), (char *)NULL));
	}
	json_object_put(payload);
	return r;
}

/* GET /admin/orders/{number} */
static void
order_detail(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_admin_order o;
	struct db_admin_item *items = NULL;
	struct db_admin_event *ev = NULL;
	struct json_object *m = NULL, *jo, *arr, *r;
	const char *lang = view_lang(app, rq), *number = kv_get(&rq->params, "number");
	const char *changed = kv_get(&rq->query, "changed");
	char buf[64], path[64];
	size_t ni = 0, ne = 0, i;
	int64_t head, nstores = 1;
	enum db_status rc;
	int si;

	memset(&o, 0, sizeof o);
	if (!auth_require(app, rq, rs, &s))
		return;
	if (!admin_number_ok(number)) {
		fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK)
		goto unavailable;
	rc = db_admin_order_get(app->db, s.row.store_id, number, &o);
	if (rc == DB_NOTFOUND) {
		fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (rc != DB_OK || db_admin_order_items(app->db, o.id, &items, &ni) != DB_OK ||
	    db_admin_order_events(app->db, o.id, &ev, &ne) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK)
		goto unavailable;

	m = base_model(app, rq, &s, "nav_orders", head);
	si = db_admin_status_index(o.status);
	jo = json_object_new_object();
	add_str(jo, "number", o.number);
	add_owned(jo, "title", admin_fill(text(app, rq, "admin.order_title"),
	    "number", o.number, (char *)NULL));
	add_str(jo, "status", o.status);
	add_str(jo, "status_label", status_label(app, rq, o.status));
	add_str(jo, "customer_name", o.customer_name);
	add_str(jo, "email", o.email);
	add_str(jo, "phone", o.phone);
	add_str(jo, "notes", o.notes);
	add_str(jo, "store_name", o.store_name);
	if (s.row.store_id == DB_ADMIN_ALL_STORES && nstores > 1)
		json_object_object_add(jo, "show_store", json_object_new_boolean(1));
	json_object_object_add(jo, "items_count", json_object_new_int64(o.items_count));
	json_object_object_add(jo, "total_cents", json_object_new_int64(o.total_cents));
	add_str(jo, "currency", o.currency);
	add_price(jo, "total", o.total_cents, o.currency, lang);
	feed_rfc3339(buf, sizeof buf, o.created_at);
	add_str(jo, "created_at", buf);
	i18n_datetime(buf, sizeof buf, (time_t)o.created_at, lang);
	add_str(jo, "created_local", buf);
	feed_rfc3339(buf, sizeof buf, o.updated_at);
	add_str(jo, "updated_at", buf);
	i18n_datetime(buf, sizeof buf, (time_t)o.updated_at, lang);
	add_str(jo, "updated_local", buf);
	snprintf(path, sizeof path, "/admin/orders/%s/status", o.number);
	add_owned(jo, "status_url", view_url(app, path));
	json_object_object_add(m, "order", jo);

	arr = json_object_new_array();
	for (i = 0; i < ni; i++) {
		r = json_object_new_object();
		add_str(r, "sku", items[i].sku);
		add_str(r, "name", items[i].name);
		json_object_object_add(r, "qty", json_object_new_int64(items[i].qty));
		json_object_object_add(r, "unit_price_cents",
		    json_object_new_int64(items[i].unit_price_cents));
		add_price(r, "unit_price", items[i].unit_price_cents, o.currency, lang);
		add_price(r, "amount", items[i].unit_price_cents * items[i].qty, o.currency, lang);
		json_object_array_add(arr, r);
	}
	json_object_object_add(m, "items", arr);
	arr = json_object_new_array();
	for (i = ne; i > 0; i--)	/* newest first */
		json_object_array_add(arr, event_row(app, rq, lang, &ev[i - 1]));
	json_object_object_add(m, "events", arr);

	/* The workflow's next steps; cancelling sits apart, behind a confirmation. */
	arr = json_object_new_array();
	if (si == 0 || si == 1) {
		r = json_object_new_object();
		add_str(r, "to", si == 0 ? "processing" : "completed");
		add_str(r, "label", text(app, rq, si == 0 ? "admin.to_processing" :
		    "admin.to_completed"));
		json_object_array_add(arr, r);
		json_object_object_add(m, "can_cancel", json_object_new_boolean(1));
	} else
		add_owned(m, "final_text", admin_fill(text(app, rq, "admin.final"),
		    "status", status_label(app, rq, o.status), (char *)NULL));
	json_object_object_add(m, "actions", arr);
	if (changed != NULL && db_admin_status_index(changed) >= 0 && strcmp(changed, o.status) == 0)
		add_owned(m, "notice", admin_fill(text(app, rq, "admin.status_changed"),
		    "status", status_label(app, rq, changed), (char *)NULL));
	add_owned(m, "back_url", view_url(app, "/admin/orders"));
	snprintf(path, sizeof path, "/admin/orders/%s", o.number);
	add_owned(m, "self_url", view_url(app, path));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_order", m);
	m = NULL;
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	json_object_put(m);
	db_admin_order_clear(&o);
	db_admin_items_free(items, ni);
	db_admin_events_free(ev, ne);
}

/* POST /admin/orders/{number}/status: form status, csrf, return_to?. */
static void
order_status(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	const char *number = kv_get(&rq->params, "number");
	const char *to = field(rq, "status"), *back = field(rq, "return_to");
	char from[12], *msg, *loc, path[96];
	enum db_status rc;

	if (!auth_require(app, rq, rs, &s) || !auth_require_csrf(app, rq, rs, &s))
		return;
	if (!admin_number_ok(number)) {
		fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	}
	if (db_admin_status_index(to) < 0) {
		fail(app, rq, rs, 400, "bad_status", "admin.unknown_status");
		return;
	}
	rc = db_admin_order_set_status(app->db, s.row.store_id, number, to,
	    (int64_t)time(NULL), from);
	switch (rc) {
	case DB_OK:
		break;
	case DB_NOTFOUND:
		fail(app, rq, rs, 404, "not_found", "admin.order_not_found");
		return;
	case DB_CONFLICT:
		msg = admin_fill(text(app, rq, "admin.bad_transition"),
		    "from", status_label(app, rq, from[0] ? from : "pending"),
		    "to", status_label(app, rq, to), (char *)NULL);
		view_error(app, rq, rs, 409, "bad_transition", msg);
		free(msg);
		return;
	default:
		view_unavailable(app, rq, rs);
		return;
	}
	log_msg(&app->log, LOG_INFO, "admin: order %s %s -> %s", number, from, to);
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		add_str(m, "number", number);
		add_str(m, "from", from);
		add_str(m, "status", to);
		view_json(rs, 200, m);
		return;
	}
	if (back != NULL && auth_next_ok(back) &&
	    (strcmp(back, "/admin") == 0 || strncmp(back, "/admin/", 7) == 0))
		loc = view_url(app, back);
	else {
		snprintf(path, sizeof path, "/admin/orders/%s?changed=%s", number, to);
		loc = view_url(app, path);
	}
	http_redirect(rs, 303, loc);
	free(loc);
}

/* ---- the dashboard ---- */

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
	struct db_admin_filter f;
	struct db_admin_order *v = NULL;
	struct json_object *m = NULL, *stats, *hours, *today, *rows, *x;
	const char *lang = view_lang(app, rq);
	time_t now = time(NULL);
	int64_t head, nstores = 1, day_start = local_day_start(now);
	char buf[32], *path;
	size_t n = 0, i;

	if (!auth_require(app, rq, rs, &s))
		return;
	if (feed_head(app, s.row.store_id, &s.version, &head) != DB_OK ||
	    (stats = feed_stats_model(app, &s, lang, now)) == NULL)
		goto unavailable;
	memset(&f, 0, sizeof f);
	f.store_id = s.row.store_id;
	f.limit = ADMIN_LATEST;
	if (db_admin_orders_list(app->db, &f, &v, &n) != DB_OK ||
	    db_admin_store_count(app->db, &nstores) != DB_OK) {
		json_object_put(stats);
		goto unavailable;
	}
	m = base_model(app, rq, &s, "nav_dashboard", head);
	add_refresh(app, rq, m, ADMIN_DASH_REFRESH_S);
	if (json_object_object_get_ex(stats, "orders_per_hour", &hours))
		json_object_object_add(m, "chart", chart(hours));
	if (json_object_object_get_ex(stats, "today", &today) &&
	    json_object_object_get_ex(today, "cancelled", &x)) {
		snprintf(buf, sizeof buf, "%" PRId64, json_object_get_int64(x));
		add_owned(m, "cancelled_text", admin_fill(text(app, rq,
		    "dashboard.cancelled_today"), "n", buf, (char *)NULL));
	}
	if (json_object_object_get_ex(stats, "polls_per_minute_source", &x))
		add_str(m, "rate_note", text(app, rq, strcmp(json_object_get_string(x),
		    "measured") == 0 ? "dashboard.measured" : "dashboard.nominal"));
	i18n_time(buf, sizeof buf, now);
	add_owned(m, "updated_text", admin_fill(text(app, rq, "dashboard.updated"),
	    "time", buf, (char *)NULL));
	json_object_object_add(m, "stats", stats);
	path = list_path("pending", 1);
	add_owned(m, "pending_url", view_url(app, path));
	free(path);
	path = list_path("processing", 1);
	add_owned(m, "processing_url", view_url(app, path));
	free(path);
	add_owned(m, "orders_url", view_url(app, "/admin/orders"));
	rows = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(rows, order_row(app, rq, lang, &v[i],
		    s.row.store_id == DB_ADMIN_ALL_STORES && nstores > 1, day_start, "/admin"));
	json_object_object_add(m, "orders", rows);
	json_object_object_add(m, "has_orders", json_object_new_boolean(n > 0));
	add_owned(m, "self_url", view_url(app, "/admin"));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_dashboard", m);
	m = NULL;
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	json_object_put(m);
	db_admin_orders_free(v, n);
}

const struct route admin_routes[] = {
	{ "GET",  "/admin",				dashboard },
	{ "GET",  "/admin/login",			login_form },
	{ "POST", "/admin/login",			login_post },
	{ "POST", "/admin/logout",			logout },
	{ "GET",  "/admin/orders",			orders_list },
	{ "GET",  "/admin/orders/{number}",		order_detail },
	{ "POST", "/admin/orders/{number}/status",	order_status },
	{ "GET",  "/admin/api/since",			feed_since },
	{ "GET",  "/admin/api/stats",			feed_stats },
};
const size_t admin_nroutes = NELEM(admin_routes);
