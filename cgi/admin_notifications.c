/* admin_notifications.c — /admin/notifications: mail status, a store's webhook endpoints (create, pause, delete, send a test) with their last deliveries, and the alert self-test's section. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_notifications.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_stores.h"
#include "db_webhooks.h"
#include "feed.h"
#include "i18n.h"
#include "notify.h"
#include "role.h"
#include "valid.h"
#include "view.h"
#include "webhook.h"

#define EVENTS_MAX	1000	/* bytes of a normalised events list (schema.sql) */

enum { F_URL, F__MAX };
static const struct valid_field create_fields[F__MAX] = {
	[F_URL] = { "url", VALID_TEXT, 1, 1, WEBHOOK_URL_MAX, "notifications.errors.url" },
};

/* What the create form brings back when it is shown again (or once, with the secret). */
struct form_state {
	const char	*url;		/* as typed */
	const char	*events;	/* normalised, or as typed when wrong */
	const char	*url_error;	/* a message, or NULL */
	const char	*events_error;
	int64_t		 new_id;	/* the endpoint just made; 0 for none */
	const char	*secret;	/* its secret, shown this once */
};

/* 1 when the session's user may change webhooks: an administrator (DESIGN.md "Roles"). */
static int
may_manage(const struct auth_session *s)
{
	return role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES,
	    RIGHT_SETTINGS);
}

/* 1 when the user may pick any store. */
static int
every_store(const struct auth_session *s)
{
	return role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_STORES);
}

/*
 * The store the request is about (as /admin/settings does): ?store=slug for
 * an every-store admin, default the default store; a one-store user's own,
 * another named is a 404. Else answers and returns 0.
 */
static int
page_store(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, struct store *st)
{
	const char *slug = kv_get(&rq->query, "store");
	int any = every_store(s) || s->row.store_id == DB_ALL_STORES;
	enum db_status rc;

	if (any && slug != NULL && *slug != '\0')
		rc = db_store_by_slug(app->db, slug, st);
	else
		rc = db_store_get(app->db, any ? STORE_DEFAULT_ID : s->row.store_id, st);
	if (rc == DB_OK && !any && slug != NULL && *slug != '\0' && strcmp(slug, st->slug) != 0) {
		store_free(st);
		rc = DB_NOTFOUND;
	}
	if (rc == DB_OK) {
		store_defaults(st, &app->cfg);
		return 1;
	}
	if (rc == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "notifications.not_found");
	else
		view_unavailable(app, rq, rs);
	return 0;
}

/* "/admin/notifications[suffix]?store=slug" under the mount prefix. Caller frees. */
static char *
page_url(struct app *app, const char *suffix, const char *slug)
{
	char *path = xasprintf("/admin/notifications%s?store=%s", suffix, slug), *url;

	url = view_url(app, path);
	free(path);
	return url;
}

/* ORDERSYNC_MAIL as it may be shown: a URL's user and password as ***. Caller frees. */
static char *
masked_transport(const struct config *cfg)
{
	const char *u = cfg->mail_url, *host, *at;

	if (cfg->mail == CFG_MAIL_SENDMAIL)
		return xasprintf("sendmail (%s)", cfg->sendmail);
	if (cfg->mail != CFG_MAIL_SMTP || u == NULL)
		return xstrdup("");
	host = strstr(u, "://");
	host = host != NULL ? host + 3 : u;
	if ((at = strrchr(host, '@')) == NULL)
		return xstrdup(u);
	return xasprintf("%.*s***%s", (int)(host - u), u, at);
}

/* The mail section: how mail leaves, the store's alert settings, the last day's counts. */
static struct json_object *
mail_model(struct app *app, struct http_request *rq, const struct store *st)
{
	struct json_object *o = json_object_new_object();
	struct db_mail_counts c;
	char n[24];

	if (app->cfg.mail != CFG_MAIL_OFF)
		json_object_object_add(o, "on", json_object_new_boolean(1));
	view_add_owned(o, "transport", masked_transport(&app->cfg));
	view_add_str(o, "from", app->cfg.mail_from);
	view_add_str(o, "public_url", app->cfg.public_url ? app->cfg.public_url : "");
	view_add_str(o, "alert_emails", st->alert_emails ? st->alert_emails : "");
	view_add_str(o, "escalate_emails", st->escalate_emails ? st->escalate_emails : "");
	if (st->escalate_minutes > 0)
		view_add_owned(o, "escalate", view_textf(app, rq, "notifications.escalate_after",
		    "n", util_i64(n, st->escalate_minutes), NULL));
	view_add_owned(o, "settings_url", xasprintf("%s/admin/settings?store=%s",
	    app->cfg.base_url, st->slug));
	if (db_webhooks_mail_counts(app->db, st->id, (int64_t)time(NULL) - 86400, &c) == DB_OK) {
		json_object_object_add(o, "sent", json_object_new_int64(c.sent));
		json_object_object_add(o, "pending", json_object_new_int64(c.pending));
		json_object_object_add(o, "failed", json_object_new_int64(c.failed));
	}
	return o;
}

/* One delivery as the page lists it. */
static struct json_object *
delivery_model(struct app *app, struct http_request *rq, const struct db_webhook_delivery *d)
{
	static const char *const states[] = { "pending", "done", "failed" };
	struct json_object *o = json_object_new_object();
	char buf[64], key[48];

	json_object_object_add(o, "id", json_object_new_int64(d->id));
	i18n_datetime(buf, sizeof buf, (time_t)d->created_at, view_lang(app, rq));
	view_add_str(o, "when", buf);
	view_add_str(o, "type", d->type);
	json_object_object_add(o, "attempts", json_object_new_int(d->attempts));
	view_add_str(o, "state", states[d->state]);
	snprintf(key, sizeof key, "notifications.state_%s", states[d->state]);
	view_add_str(o, "state_label", view_text(app, rq, key));
	if (d->http_status > 0) {
		snprintf(buf, sizeof buf, "%ld", d->http_status);
		view_add_str(o, "http_status", buf);
	}
	if (d->latency_ms >= 0) {
		snprintf(buf, sizeof buf, "%" PRId64 " ms", d->latency_ms);
		view_add_str(o, "latency", buf);
	}
	if (d->last_error != NULL && d->last_error[0] != '\0')
		view_add_str(o, "error", d->last_error);
	return o;
}

/* An endpoint's event types as a list of names. */
static struct json_object *
event_names(const char *events)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; notify_webhook_types[i] != NULL; i++)
		if (notify_events_has(events, notify_webhook_types[i]))
			json_object_array_add(arr, json_object_new_string(notify_webhook_types[i]));
	return arr;
}

/* The store's endpoints, each with its last deliveries and its forms' URLs. */
static struct json_object *
webhooks_model(struct app *app, struct http_request *rq, const struct store *st)
{
	struct json_object *arr = json_object_new_array(), *o, *dl;
	struct db_webhook_delivery *d;
	struct db_webhook *v = NULL;
	size_t n = 0, nd, i, j;
	char suffix[96];

	if (db_webhooks_list(app->db, st->id, &v, &n) != DB_OK)
		return arr;
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(v[i].id));
		view_add_str(o, "url", v[i].url);
		json_object_object_add(o, "events", event_names(v[i].events));
		json_object_object_add(o, v[i].active ? "active" : "paused",
		    json_object_new_boolean(1));
		snprintf(suffix, sizeof suffix, "/webhooks/%" PRId64 "/delete", v[i].id);
		view_add_owned(o, "delete_url", page_url(app, suffix, st->slug));
		snprintf(suffix, sizeof suffix, "/webhooks/%" PRId64 "/active", v[i].id);
		view_add_owned(o, "active_url", page_url(app, suffix, st->slug));
		snprintf(suffix, sizeof suffix, "/webhooks/%" PRId64 "/test", v[i].id);
		view_add_owned(o, "test_url", page_url(app, suffix, st->slug));
		dl = json_object_new_array();
		d = NULL;
		nd = 0;
		if (db_webhooks_deliveries(app->db, v[i].id, &d, &nd) == DB_OK)
			for (j = 0; j < nd; j++)
				json_object_array_add(dl, delivery_model(app, rq, &d[j]));
		db_webhook_deliveries_free(d, nd);
		if (nd > 0)
			json_object_object_add(o, "has_deliveries", json_object_new_boolean(1));
		json_object_object_add(o, "deliveries", dl);
		json_object_array_add(arr, o);
	}
	db_webhooks_free(v, n);
	return arr;
}

/* The create form's event checkboxes, those of events checked. */
static struct json_object *
event_choices(const char *events)
{
	struct json_object *arr = json_object_new_array(), *o;
	size_t i;

	for (i = 0; notify_webhook_types[i] != NULL; i++) {
		o = json_object_new_object();
		view_add_str(o, "value", notify_webhook_types[i]);
		if (events != NULL && notify_events_has(events, notify_webhook_types[i]))
			json_object_object_add(o, "checked", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The page, for every role; an admin's sections with f's values and errors. */
static void
page(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int status, const struct store *st,
    const struct form_state *f, const char *notice)
{
	struct json_object *m, *form;
	int64_t head = 0;
	int live;

	/* The live bar (alerts and the self-test's checks) needs the feed's head. */
	live = feed_head(app, s->row.store_id, &s->version, &head) == DB_OK;
	m = admin_view_page(app, rq, s, "nav_notifications", head);
	if (live)
		json_object_object_add(m, "with_live", json_object_new_boolean(1));
	json_object_object_add(m, "selftest_inline", json_object_new_boolean(1));
	view_add_str(m, "store_label", admin_view_store_name(app, rq, st->name));
	if (notice != NULL)
		view_add_str(m, "notice", notice);
	if (may_manage(s)) {
		json_object_object_add(m, "manage", json_object_new_boolean(1));
		if (every_store(s)) {
			json_object_object_add(m, "pick_store", json_object_new_boolean(1));
			json_object_object_add(m, "stores", admin_view_store_choices(app, rq, st->id));
			view_add_owned(m, "pick_url", view_url(app, "/admin/notifications"));
		}
		json_object_object_add(m, "mail", mail_model(app, rq, st));
		json_object_object_add(m, "webhooks", webhooks_model(app, rq, st));
		form = json_object_new_object();
		view_add_owned(form, "action", page_url(app, "/webhooks", st->slug));
		view_add_str(form, "url", f && !f->secret ? f->url : "");
		json_object_object_add(form, "events", event_choices(f && !f->secret ?
		    f->events : NULL));
		if (f && f->url_error)
			view_add_str(form, "url_error", f->url_error);
		if (f && f->events_error)
			view_add_str(form, "events_error", f->events_error);
		if (f && (f->url_error || f->events_error))
			view_add_str(m, "summary", view_text(app, rq,
			    "notifications.errors.summary"));
		json_object_object_add(m, "form", form);
		if (app->cfg.webhook_allow_private)
			json_object_object_add(m, "allow_private", json_object_new_boolean(1));
		if (f && f->secret) {
			view_add_str(m, "secret", f->secret);
			view_add_str(m, "secret_url", f->url);
		}
	}
	view_render(app, rq, rs, status, "admin_notifications", m);
}

/* The route's {id}: a positive integer, else 0 (a 404). */
static int64_t
route_id(struct http_request *rq)
{
	const char *p = kv_get(&rq->params, "id");
	long id;

	return valid_int(p ? p : "", 1, LONG_MAX, &id) ? id : 0;
}

/* GET /admin/notifications[?store=slug] */
static void
notifications_get(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_SEE_ORDERS, "notifications.forbidden"))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	if (!page_store(app, rq, rs, &s, &st))
		return;
	page(app, rq, rs, &s, 200, &st, NULL, kv_get(&rq->query, "done") != NULL ?
	    view_text(app, rq, "notifications.saved") : NULL);
	store_free(&st);
}

/* A POST's session (an administrator's, CSRF checked) and store; else answers, 0. */
static int
manage_session(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *s, struct store *st)
{
	if (!admin_view_require(app, rq, rs, s, 1, RIGHT_SETTINGS, "notifications.forbidden"))
		return 0;
	http_add_header(rs, "Cache-Control", "no-store");
	return page_store(app, rq, rs, s, st);
}

/*
 * The events asked for, into b as typed: the JSON body's "events" (a
 * comma-separated string, or an array of names), or every "events" field
 * of the form (one per checkbox, or one comma-separated value), joined.
 */
static void
events_given(const struct http_request *rq, struct buf *b)
{
	struct json_object *v, *e;
	size_t i, n;

	if (rq->json != NULL && json_object_object_get_ex(rq->json, "events", &v)) {
		if (json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++) {
				e = json_object_array_get_idx(v, i);
				if (i > 0)
					buf_putc(b, ',');
				buf_puts(b, json_object_is_type(e, json_type_string) ?
				    json_object_get_string(e) : "?");
			}
		} else if (json_object_is_type(v, json_type_string))
			buf_puts(b, json_object_get_string(v));
		else
			buf_puts(b, "?");
		return;
	}
	for (i = 0; i < rq->form.n; i++) {
		if (strcmp(rq->form.v[i].key, "events") != 0)
			continue;
		if (b->len > 0)
			buf_putc(b, ',');
		buf_puts(b, rq->form.v[i].val);
	}
}

/* The JSON of a refusal: 422 {"error": "invalid", "fields": {…}}. */
static void
invalid_json(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct form_state *f)
{
	struct json_object *m = json_object_new_object(), *fields = json_object_new_object();

	view_add_str(m, "error", "invalid");
	view_add_str(m, "message", view_text(app, rq, "notifications.errors.summary"));
	if (f->url_error)
		view_add_str(fields, "url", f->url_error);
	if (f->events_error)
		view_add_str(fields, "events", f->events_error);
	json_object_object_add(m, "fields", fields);
	view_json(rs, 422, m);
}

/* POST /admin/notifications/webhooks: url events → the secret, shown once. */
static void
webhook_create(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;
	struct valid_result v;
	struct form_state f;
	struct json_object *m, *w;
	char events[EVENTS_MAX + 1], secret[WEBHOOK_SECRET_LEN + 1];
	struct buf given;
	enum webhook_url why = WEBHOOK_URL_OK;
	enum db_status rc;
	int64_t id;

	if (!manage_session(app, rq, rs, &s, &st))
		return;
	memset(&f, 0, sizeof f);
	buf_init(&given);
	valid_request(create_fields, F__MAX, rq, &v);
	events_given(rq, &given);
	f.url = v.text[F_URL];
	f.events = buf_str(&given);
	if (v.error[F_URL] != NULL)
		f.url_error = view_text(app, rq, v.error[F_URL]);
	else if ((why = webhook_url_check(f.url, app->cfg.webhook_allow_private, NULL)) !=
	    WEBHOOK_URL_OK)
		f.url_error = view_text(app, rq, webhook_url_error_key(why));
	if (given.len == 0 || notify_events_parse(buf_str(&given), events, sizeof events) != 0)
		f.events_error = view_text(app, rq, given.len == 0 ?
		    "notifications.errors.events_none" : "notifications.errors.events");
	else
		f.events = events;
	if (f.url_error || f.events_error) {
		if (rq->wants_json)
			invalid_json(app, rq, rs, &f);
		else
			page(app, rq, rs, &s, 422, &st, &f, NULL);
		goto out;
	}
	webhook_secret_new(secret);
	rc = db_webhooks_create(app->db, st.id, f.url, secret, events, (int64_t)time(NULL), &id);
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	log_msg(&app->log, LOG_INFO, "notifications: webhook %" PRId64 " of store %" PRId64
	    " made by %" PRId64, id, st.id, s.row.user_id);
	if (rq->wants_json) {
		m = json_object_new_object();
		w = json_object_new_object();
		json_object_object_add(w, "id", json_object_new_int64(id));
		view_add_str(w, "url", f.url);
		view_add_str(w, "events", events);
		json_object_object_add(m, "webhook", w);
		view_add_str(m, "secret", secret);
		view_json(rs, 201, m);
	} else {
		f.new_id = id;
		f.secret = secret;
		page(app, rq, rs, &s, 201, &st, &f, NULL);
	}
	memset(secret, 0, sizeof secret);
out:
	buf_free(&given);
	valid_result_free(&v);
	store_free(&st);
}

/* 303 back to the page of st, or JSON ok: the answer of a change. */
static void
back(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct store *st, int json_status, struct json_object *json)
{
	char *loc;

	if (rq->wants_json) {
		view_json(rs, json_status, json ? json : json_object_new_object());
		return;
	}
	json_object_put(json);
	loc = page_url(app, "", st->slug);
	loc = xrealloc(loc, strlen(loc) + 8);
	strcat(loc, "&done=1");
	http_redirect(rs, 303, loc);
	free(loc);
}

/* The answer to a status of the db layer that is not DB_OK. */
static void
failed(struct app *app, struct http_request *rq, struct http_response *rs, enum db_status rc)
{
	if (rc == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "notifications.webhook_not_found");
	else
		view_unavailable(app, rq, rs);
}

/* POST /admin/notifications/webhooks/{id}/delete */
static void
webhook_delete(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;
	enum db_status rc;
	int64_t id = route_id(rq);

	if (!manage_session(app, rq, rs, &s, &st))
		return;
	rc = id > 0 ? db_webhooks_delete(app->db, st.id, id) : DB_NOTFOUND;
	if (rc == DB_OK)
		back(app, rq, rs, &st, 200, NULL);
	else
		failed(app, rq, rs, rc);
	store_free(&st);
}

/* POST /admin/notifications/webhooks/{id}/active: active=0|1 */
static void
webhook_active(struct app *app, struct http_request *rq, struct http_response *rs)
{
	static const struct valid_field fields[] = {
		{ "active", VALID_INT, 1, 0, 1, "notifications.errors.active" },
	};
	struct auth_session s;
	struct store st;
	struct valid_result v;
	enum db_status rc;
	int64_t id = route_id(rq);

	if (!manage_session(app, rq, rs, &s, &st))
		return;
	if (valid_request(fields, 1, rq, &v) > 0) {
		view_fail(app, rq, rs, 422, "invalid", v.error[0]);
	} else {
		rc = id > 0 ? db_webhooks_set_active(app->db, st.id, id, (int)v.num[0]) :
		    DB_NOTFOUND;
		if (rc == DB_OK)
			back(app, rq, rs, &st, 200, NULL);
		else
			failed(app, rq, rs, rc);
	}
	valid_result_free(&v);
	store_free(&st);
}

/* POST /admin/notifications/webhooks/{id}/test: a ping, delivered after the answer. */
static void
webhook_test(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;
	struct json_object *m;
	enum db_status rc;
	int64_t id = route_id(rq), delivery = 0;

	if (!manage_session(app, rq, rs, &s, &st))
		return;
	rc = id > 0 ? db_webhooks_queue_ping(app->db, st.id, id, (int64_t)time(NULL),
	    &delivery) : DB_NOTFOUND;
	if (rc == DB_OK) {
		app->outbox.queued = 1;		/* main.c's after-answer drain sends it */
		m = json_object_new_object();
		json_object_object_add(m, "delivery", json_object_new_int64(delivery));
		back(app, rq, rs, &st, 202, m);
	} else
		failed(app, rq, rs, rc);
	store_free(&st);
}

const struct route admin_notifications_routes[] = {
	{ "GET",  "/admin/notifications",			notifications_get, 0 },
	{ "POST", "/admin/notifications/webhooks",		webhook_create,	   0 },
	{ "POST", "/admin/notifications/webhooks/{id}/delete",	webhook_delete,	   0 },
	{ "POST", "/admin/notifications/webhooks/{id}/active",	webhook_active,	   0 },
	{ "POST", "/admin/notifications/webhooks/{id}/test",	webhook_test,	   0 },
};
const size_t admin_notifications_nroutes = NELEM(admin_notifications_routes);
