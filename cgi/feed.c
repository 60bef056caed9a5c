/* feed.c — the change feed's model: the heads cache, the answer written as text, the stats; admin_feed.c serves them. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "feed.h"
#include "notify.h"
#include "role.h"
#include "view.h"

/* ---- parsing ---- */

/* ---- the head cache ---- */

enum db_status
feed_head(struct app *app, int64_t store_id, const struct db_version *v, int64_t *head)
{
	struct feed_cache *c = app->feed;
	struct feed_head_slot *slot = NULL;
	enum db_status rc;
	size_t i;

	if (!c->valid || !db_admin_version_eq(&c->version, v)) {
		memset(c->head, 0, sizeof c->head);
		c->has_oldest = 0;
		c->version = *v;
		c->valid = 1;
	}
	for (i = 0; i < FEED_HEAD_SLOTS; i++)
		if (c->head[i].used && c->head[i].store_id == store_id) {
			c->hits++;
			*head = c->head[i].head;
			return DB_OK;
		}
	c->misses++;
	if ((rc = db_admin_feed_head(app->db, store_id, head)) != DB_OK)
		return rc;
	for (i = 0; i < FEED_HEAD_SLOTS && slot == NULL; i++)
		if (!c->head[i].used)
			slot = &c->head[i];
	if (slot == NULL)	/* more scopes than slots: reuse one at random-ish */
		slot = &c->head[(size_t)store_id % FEED_HEAD_SLOTS];
	slot->used = 1;
	slot->store_id = store_id;
	slot->head = *head;
	return DB_OK;
}

/* ---- the feed ---- */

void
feed_json_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	char esc[6];

	buf_putc(b, '"');
	for (run = s; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, run, (size_t)(s - run));
		run = s + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_append(b, esc, 2);
		} else {	/* a control character: \u00XX */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			buf_append(b, esc, 6);
		}
	}
	buf_append(b, run, (size_t)(s - run));
	buf_putc(b, '"');
}

/*
 * 1 when p looks like the object text db_event_add stores: '{', at least one
 * member, '}'. The members are SQLite's json_object() output, and the column
 * is CHECK (json_valid(payload)) (schema.sql): valid JSON, so an object when
 * it starts with '{', and it is spliced without parsing (no tree, no re-print).
 */
static int
payload_spliceable(const char *p, size_t *len /* OUT: strlen(p) */)
{
	size_t n, i;

	if (p == NULL || p[0] != '{')
		return 0;
	n = strlen(p);
	if (n < 3 || p[n - 1] != '}')
		return 0;
	for (i = 1; i < n - 1 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r'); i++)
		;
	if (i == n - 1)		/* "{}" or "{ }": no "order" */
		return 0;
	*len = n;
	return 1;
}

void
feed_event_text(struct buf *b, const struct db_admin_event *ev)
{
	char at[32];
	size_t n;

	buf_printf(b, "{\"id\":%" PRId64 ",\"type\":", ev->id);
	feed_json_string(b, ev->type);
	order_rfc3339(at, ev->created_at);
	buf_puts(b, ",\"at\":");
	feed_json_string(b, at);
	buf_putc(b, ',');
	if (payload_spliceable(ev->payload, &n))
		buf_append(b, ev->payload + 1, n - 1);	/* its members and its '}' */
	else
		buf_puts(b, "\"order\":null}");
}

/* {"reset":true,"epoch":E,"cursor":head,"poll_ms":P,"wait_max":W} */
static void
reset_text(struct app *app, struct buf *b, int64_t head)
{
	buf_puts(b, "{\"reset\":true,\"epoch\":");
	feed_json_string(b, db_epoch(app->db));
	buf_printf(b, ",\"cursor\":%" PRId64 ",\"poll_ms\":%d,\"wait_max\":%d}", head,
	    app->cfg.poll_ms, app->cfg.wait_max);
}

/* {"epoch":E,"cursor":C,"events":[ev[0..n)],"more":M,"poll_ms":P,"wait_max":W} */
static void
page_text(struct app *app, struct buf *b, int64_t cursor,
    const struct db_admin_event *ev, size_t n, int more)
{
	size_t i;

	buf_puts(b, "{\"epoch\":");
	feed_json_string(b, db_epoch(app->db));
	buf_printf(b, ",\"cursor\":%" PRId64 ",\"events\":[", cursor);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		feed_event_text(b, &ev[i]);
	}
	buf_printf(b, "],\"more\":%s,\"poll_ms\":%d,\"wait_max\":%d}",
	    more ? "true" : "false", app->cfg.poll_ms, app->cfg.wait_max);
}

enum db_status
feed_answer(struct app *app, int64_t store_id, const struct db_version *v,
    const struct feed_query *q, struct buf *body, struct feed_reply *out)
{
	struct db_admin_event *ev = NULL;
	const char *epoch = db_epoch(app->db);
	int64_t head, oldest, cursor;
	enum db_status rc;
	size_t n = 0;
	int more;

	memset(out, 0, sizeof *out);
	if ((rc = feed_head(app, store_id, v, &head)) != DB_OK)
		return rc;
	/* RFC 7232 §2.3: the tag names the database, the scope and its head. */
	if (store_id == DB_ALL_STORES)
		snprintf(out->etag, sizeof out->etag, "\"%s-all-%" PRId64 "\"", epoch, head);
	else
		snprintf(out->etag, sizeof out->etag, "\"%s-s%" PRId64 "-%" PRId64 "\"",
		    epoch, store_id, head);
	out->status = 200;
	out->head = head;

	if (q->epoch != NULL && strcmp(q->epoch, epoch) != 0) {
		reset_text(app, body, head);
		return DB_OK;
	}
	cursor = q->has_cursor ? q->cursor : head;
	if (cursor > head) {
		reset_text(app, body, head);
		return DB_OK;
	}
	if (cursor == head) {
		/*
		 * Nothing new: the cheap answer. 304 only when the client is at
		 * the head it names, so a client behind it never mistakes a 304
		 * for "no events" (RFC 7232 §3.2 lets us send the 200 instead).
		 */
		out->idle = q->has_cursor;
		if (http_etag_matches(q->if_none_match, out->etag))
			out->status = 304;
		else
			page_text(app, body, head, NULL, 0, 0);
		return DB_OK;
	}
	/*
	 * Events are never deleted today; should old ones ever be pruned, a
	 * cursor from before the oldest kept event has lost events: reset.
	 * Cached beside the heads (feed_head just checked the version): a
	 * poll that is behind costs one statement, the read, not two.
	 */
	if (!app->feed->has_oldest) {
		if ((rc = db_admin_feed_oldest(app->db, &app->feed->oldest)) != DB_OK)
			return rc;
		app->feed->has_oldest = 1;
	}
	oldest = app->feed->oldest;
	if (oldest > 0 && cursor < oldest - 1) {
		reset_text(app, body, head);
		return DB_OK;
	}
	rc = db_admin_feed_read(app->db, store_id, cursor, FEED_MAX_EVENTS + 1, &ev, &n);
	if (rc != DB_OK)
		return rc;
	more = n > FEED_MAX_EVENTS;
	if (more)
		n = FEED_MAX_EVENTS;
	page_text(app, body, n > 0 ? ev[n - 1].id : head, ev, n, more);
	db_admin_events_free(ev, more ? n + 1 : n);
	return DB_OK;
}


int64_t
feed_wait_secs(int present, int64_t asked, int wait_max)
{
	if (!present || asked <= 0 || wait_max <= 0)
		return 0;
	return asked < wait_max ? asked : wait_max;
}

/* ---- the long-poll watcher's side (serve.c's hooks, wired by main.c) ---- */

int
feed_watch_fd(struct app *app)
{
	return db_watch_fd(app->db);
}

int
feed_watch_changed(struct app *app)
{
	return db_watch_changed(app->db);
}

int
feed_watch_head(struct app *app, int64_t scope, int64_t *head)
{
	struct db_version v;

	if (db_admin_version(app->db, &v) != DB_OK ||
	    feed_head(app, scope, &v, head) != DB_OK)
		return -1;
	return 0;
}

/* ---- stats ---- */

/*
 * Polls per minute for a scope from the samples of its sessions.polls total.
 * Measured: growth since the oldest sample 60 s..10 min old. Until a process
 * has such a sample (just started), nominal: sessions polling × 60000/poll_ms.
 */
static double
poll_rate(struct feed_cache *c, int64_t store_id, int64_t now, int64_t total,
    int64_t polling, int poll_ms, const char **source)
{
	struct feed_rate_scope *r = NULL;
	double rate = -1;
	int i, keep;

	for (i = 0; i < FEED_RATE_SCOPES && r == NULL; i++)
		if (c->rate[i].used && c->rate[i].store_id == store_id)
			r = &c->rate[i];
	for (i = 0; i < FEED_RATE_SCOPES && r == NULL; i++)
		if (!c->rate[i].used)
			r = &c->rate[i];
	if (r == NULL)
		r = &c->rate[(size_t)store_id % FEED_RATE_SCOPES];
	if (!r->used || r->store_id != store_id) {
		memset(r, 0, sizeof *r);
		r->used = 1;
		r->store_id = store_id;
	}
	/* Forget samples too old, from the future, or above today's total (logouts). */
	for (i = 0, keep = 0; i < r->n; i++)
		if (now - r->sample[i].at <= 600 && r->sample[i].at <= now &&
		    r->sample[i].polls <= total)
			r->sample[keep++] = r->sample[i];
	r->n = keep;
	for (i = 0; i < r->n; i++)
		if (now - r->sample[i].at >= 60) {
			rate = (double)(total - r->sample[i].polls) * 60.0 /
			    (double)(now - r->sample[i].at);
			break;
		}
	if (r->n == 0 || now - r->sample[r->n - 1].at >= 20) {
		if (r->n == FEED_RATE_SAMPLES) {
			memmove(&r->sample[0], &r->sample[1],
			    (FEED_RATE_SAMPLES - 1) * sizeof r->sample[0]);
			r->n--;
		}
		r->sample[r->n].at = now;
		r->sample[r->n].polls = total;
		r->n++;
	}
	if (rate >= 0) {
		*source = "measured";
		return rate;
	}
	*source = "nominal";
	return (double)polling * 60000.0 / (double)(poll_ms > 0 ? poll_ms : 5000);
}

#define STATS_TOP	5	/* best sellers and low-stock products listed */

/* This week's Monday 00:00 in the local zone (the request's store's). */
static int64_t
week_start(time_t now)
{
	struct tm tm;

	util_localtime(now, &tm);
	tm.tm_mday -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)util_mktime(&tm);
}

/* Adds key_cents and key (the amount written for lang) to o. */
static void
add_money(struct json_object *o, const char *key, int64_t cents, const char *currency,
    const char *lang)
{
	char k[48], buf[64];

	snprintf(k, sizeof k, "%s_cents", key);
	json_object_object_add(o, k, json_object_new_int64(cents));
	i18n_price(buf, sizeof buf, cents, currency, lang);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* The week's best sellers as [{product_id, sku, name, qty, amount_cents, amount}]; NULL on error. */
static struct json_object *
best_sellers(struct app *app, int64_t store_id, const char *currency, const char *lang,
    int64_t since)
{
	struct db_admin_seller v[STATS_TOP];
	struct json_object *arr, *r;
	size_t n, i;

	if (db_admin_best_sellers(app->db, store_id, currency, since, v, STATS_TOP, &n) != DB_OK)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_new_object();
		json_object_object_add(r, "product_id", json_object_new_int64(v[i].product_id));
		json_object_object_add(r, "sku", json_object_new_string(v[i].sku));
		json_object_object_add(r, "name", json_object_new_string(v[i].name));
		json_object_object_add(r, "qty", json_object_new_int64(v[i].qty));
		add_money(r, "amount", v[i].amount_cents, currency, lang);
		json_object_array_add(arr, r);
	}
	return arr;
}

/*
 * The low-stock products as [{id, sku, name, stock, low_stock_at, out, url}]
 * (url: the product page, for those who may run the catalog); NULL on error.
 */
static struct json_object *
low_stock(struct app *app, const struct auth_session *s)
{
	struct db_admin_low v[STATS_TOP];
	struct json_object *arr, *r;
	char path[64];
	size_t n, i;
	int links = role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    RIGHT_CATALOG);

	if (db_admin_low_stock(app->db, s->row.store_id, v, STATS_TOP, &n) != DB_OK)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_new_object();
		json_object_object_add(r, "id", json_object_new_int64(v[i].product_id));
		json_object_object_add(r, "sku", json_object_new_string(v[i].sku));
		json_object_object_add(r, "name", json_object_new_string(v[i].name));
		json_object_object_add(r, "stock", json_object_new_int64(v[i].stock));
		json_object_object_add(r, "low_stock_at", json_object_new_int64(v[i].low_stock_at));
		json_object_object_add(r, "out", json_object_new_boolean(v[i].stock <= 0));
		if (links) {
			snprintf(path, sizeof path, "/admin/products/%" PRId64, v[i].product_id);
			view_add_owned(r, "url", view_url(app, path));
		}
		json_object_array_add(arr, r);
	}
	return arr;
}

struct json_object *
feed_stats_model(struct app *app, const struct auth_session *s, const char *lang,
    time_t now)
{
	struct db_admin_stats st;
	struct db_admin_stats_since since;
	struct admin_locale loc;
	struct json_object *m, *today, *week, *hours, *h, *best, *low;
	int64_t counts[ORDER_NSTATUS], hour_start, window;
	const char *source;
	char buf[64];
	struct tm tm;
	double rate;
	int i;

	util_localtime(now, &tm);
	hour_start = (int64_t)now - (tm.tm_min * 60 + tm.tm_sec);
	since.hour0 = hour_start - 23 * 3600;
	since.day_start = order_day_start(now);
	since.week_start = week_start(now);
	window = notify_watch_secs(app->cfg.poll_ms);
	since.polling_since = (int64_t)now - window;
	admin_view_locale(app, s, &loc);
	if (db_admin_stats(app->db, s->row.store_id, loc.currency, &since, &st) != DB_OK ||
	    db_orders_count(app->db, s->row.store_id, counts) != DB_OK)
		return NULL;
	if ((best = best_sellers(app, s->row.store_id, loc.currency, lang,
	    since.week_start)) == NULL)
		return NULL;
	if ((low = low_stock(app, s)) == NULL) {
		json_object_put(best);
		return NULL;
	}
	rate = poll_rate(app->feed, s->row.store_id, (int64_t)now, st.polls_total,
	    st.polling_sessions, app->cfg.poll_ms, &source);

	m = json_object_new_object();
	order_rfc3339(buf, (int64_t)now);
	json_object_object_add(m, "generated_at", json_object_new_string(buf));
	json_object_object_add(m, "currency", json_object_new_string(loc.currency));
	today = json_object_new_object();
	json_object_object_add(today, "orders", json_object_new_int64(st.orders_today));
	json_object_object_add(today, "cancelled", json_object_new_int64(st.cancelled_today));
	/* revenue is the takings since v2; both names stay for older clients */
	add_money(today, "takings", st.takings_today_cents, loc.currency, lang);
	add_money(today, "revenue", st.takings_today_cents, loc.currency, lang);
	json_object_object_add(m, "today", today);
	week = json_object_new_object();
	order_rfc3339(buf, since.week_start);
	json_object_object_add(week, "since", json_object_new_string(buf));
	add_money(week, "takings", st.takings_week_cents, loc.currency, lang);
	json_object_object_add(m, "week", week);
	add_money(m, "left_to_collect", st.left_to_collect_cents, loc.currency, lang);
	json_object_object_add(m, "pending", json_object_new_int64(counts[ORDER_PENDING]));
	json_object_object_add(m, "processing", json_object_new_int64(counts[ORDER_PROCESSING]));
	json_object_object_add(m, "ready", json_object_new_int64(counts[ORDER_READY]));
	json_object_object_add(m, "best_sellers", best);
	json_object_object_add(m, "low_stock", low);
	hours = json_object_new_array();
	for (i = 0; i < 24; i++) {
		h = json_object_new_object();
		order_rfc3339(buf, since.hour0 + (int64_t)i * 3600);
		json_object_object_add(h, "hour", json_object_new_string(buf));
		i18n_time(buf, sizeof buf, (time_t)(since.hour0 + (int64_t)i * 3600));
		json_object_object_add(h, "label", json_object_new_string(buf));
		json_object_object_add(h, "count", json_object_new_int64(st.per_hour[i]));
		json_object_array_add(hours, h);
	}
	json_object_object_add(m, "orders_per_hour", hours);
	json_object_object_add(m, "admins_polling", json_object_new_int64(st.polling_sessions));
	json_object_object_add(m, "polls_per_minute",
	    json_object_new_double((double)(int64_t)(rate * 10 + 0.5) / 10));
	json_object_object_add(m, "polls_per_minute_source", json_object_new_string(source));
	json_object_object_add(m, "poll_ms", json_object_new_int(app->cfg.poll_ms));
	return m;
}
