/* admin_settings.c — a store's settings in the back office: one form, validated by store_input, saved by db_store_update. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_settings.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_stores.h"
#include "role.h"
#include "store_input.h"
#include "view.h"

/* 1 when the session's user may pick any store (and change slugs). */
static int
every_store(const struct auth_session *s)
{
	return role_may(role_parse(s->row.role), s->row.store_id == DB_ALL_STORES, RIGHT_STORES);
}

/*
 * The store the request is about into st (defaults applied): ?store=slug for
 * an every-store admin (default: the default store); a one-store admin's
 * own, where a ?store= naming another is a 404. Else writes the answer and
 * returns 0.
 */
static int
settings_store(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, struct store *st)
{
	const char *slug = kv_get(&rq->query, "store");
	enum db_status rc;

	if (every_store(s) && slug != NULL && *slug != '\0')
		rc = db_store_by_slug(app->db, slug, st);
	else
		rc = db_store_get(app->db, every_store(s) ? STORE_DEFAULT_ID : s->row.store_id, st);
	if (rc == DB_OK && !every_store(s) && slug != NULL && *slug != '\0' &&
	    strcmp(slug, st->slug) != 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK) {
		store_defaults(st, &app->cfg);
		return 1;
	}
	store_free(st);
	if (rc == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "settings.not_found");
	else
		view_unavailable(app, rq, rs);
	return 0;
}

/* The API's view of a store's settings, as they apply, and which are its own. */
static struct json_object *
settings_api(const struct store *st)
{
	struct json_object *o = json_object_new_object(), *own = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(st->id));
	view_add_str(o, "slug", st->slug);
	view_add_str(o, "name", st->name);
	view_add_str(o, "contact_email", st->contact_email);
	view_add_str(o, "phone", st->phone);
	view_add_str(o, "address", st->address);
	view_add_str(o, "hours", st->hours);
	view_add_str(o, "fulfilment", store_fulfilment_name(st->fulfilment));
	view_add_str(o, "vat_note", st->vat_note);
	view_add_str(o, "legal", st->legal);
	view_add_str(o, "currency", st->currency);
	view_add_str(o, "language", st->lang);
	view_add_str(o, "timezone", st->tz);
	view_add_str(o, "alert_emails", st->alert_emails);
	json_object_object_add(o, "escalate_minutes", json_object_new_int(st->escalate_minutes));
	view_add_str(o, "escalate_emails", st->escalate_emails);
	json_object_object_add(own, "name", json_object_new_boolean(st->own_name));
	json_object_object_add(own, "currency", json_object_new_boolean(st->own_currency));
	json_object_object_add(own, "language", json_object_new_boolean(st->own_lang));
	json_object_object_add(own, "timezone", json_object_new_boolean(st->own_tz));
	json_object_object_add(o, "own", own);
	return o;
}

/* The form's values: the store's own settings ("" where the environment's apply). */
static struct json_object *
form_values(const struct store *st)
{
	struct json_object *o = settings_api(st);
	char n[16];

	if (!st->own_name)
		view_add_str(o, "name", "");
	if (!st->own_currency)
		view_add_str(o, "currency", "");
	if (!st->own_lang)
		view_add_str(o, "language", "");
	if (!st->own_tz)
		view_add_str(o, "timezone", "");
	snprintf(n, sizeof n, "%d", st->escalate_minutes);
	view_add_str(o, "escalate_minutes", n);
	return o;
}

/* Options of a select: value and label pairs (NULL-ended), cur selected. */
static struct json_object *
options(struct app *app, struct http_request *rq, const char *const *pairs, const char *cur)
{
	struct json_object *arr = json_object_new_array(), *o;

	for (; pairs[0] != NULL; pairs += 2) {
		o = json_object_new_object();
		view_add_str(o, "value", pairs[0]);
		view_add_str(o, "label", view_text(app, rq, pairs[1]));
		if (strcmp(pairs[0], cur) == 0)
			json_object_object_add(o, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The environment's values a store without its own follows (the form's hints). */
static struct json_object *
env_values(struct app *app, struct http_request *rq)
{
	struct json_object *o = json_object_new_object();
	char key[32];

	view_add_str(o, "name", app->cfg.shop_name);
	view_add_str(o, "currency", app->cfg.currency);
	snprintf(key, sizeof key, "settings.lang_%s", app->cfg.lang);
	view_add_str(o, "language", view_text(app, rq, key));
	view_add_str(o, "timezone", app->cfg.tz);
	return o;
}

static const char *const fulfilment_opts[] = {
	"pickup", "settings.fulfilment_pickup", "delivery", "settings.fulfilment_delivery",
	"both", "settings.fulfilment_both", NULL
};
static const char *const language_opts[] = {
	"", "settings.lang_follow", "en", "settings.lang_en", "fr", "settings.lang_fr", NULL
};

/* "/admin/settings?store=slug" (suffix appended) under the mount prefix. Caller frees. */
static char *
settings_url(struct app *app, const char *slug, const char *suffix)
{
	char path[STORE_SLUG_MAX + 64];

	snprintf(path, sizeof path, "/admin/settings?store=%s%s", slug, suffix);
	return view_url(app, path);
}

/* Answers wrong fields: 422/409 with each field's message (page or JSON). */
static void
invalid(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const struct valid_result *v, struct json_object *errs)
{
	struct json_object *m;
	size_t i;

	for (i = 0; i < STORE_IN__MAX; i++)
		if (v->error[i] != NULL)
			view_add_str(errs, store_input_settings[i].name, view_text(app, rq, v->error[i]));
	if (!rq->wants_json)
		return;
	m = json_object_new_object();
	view_add_str(m, "error", "invalid");
	view_add_str(m, "message", view_text(app, rq, "settings.errors.summary"));
	json_object_object_add(m, "fields", json_object_get(errs));
	view_json(rs, status, m);
}

/* The settings page for st, with v's values and errors when given. */
static void
form_page(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int status, const struct store *st,
    const struct valid_result *v, const char *notice)
{
	struct json_object *m, *vals, *errs = json_object_new_object();
	size_t i;

	if (v != NULL) {
		invalid(app, rq, rs, status, v, errs);
		if (rq->wants_json) {
			json_object_put(errs);
			return;
		}
	}
	m = admin_view_page(app, rq, s, "nav_settings", 0);
	vals = form_values(st);
	for (i = 0; v != NULL && i < STORE_IN__MAX; i++)
		if (kv_get(&rq->form, store_input_settings[i].name) != NULL)
			view_add_str(vals, store_input_settings[i].name, v->text[i]);
	json_object_object_add(m, "fulfilments", options(app, rq, fulfilment_opts,
	    json_object_get_string(json_object_object_get(vals, "fulfilment"))));
	json_object_object_add(m, "languages", options(app, rq, language_opts,
	    json_object_get_string(json_object_object_get(vals, "language"))));
	if (every_store(s)) {
		json_object_object_add(m, "pick_store", json_object_new_boolean(1));
		json_object_object_add(m, "stores", admin_view_store_choices(app, rq, st->id));
		view_add_owned(m, "pick_url", view_url(app, "/admin/settings"));
		if (st->id != STORE_DEFAULT_ID)
			json_object_object_add(m, "edit_slug", json_object_new_boolean(1));
	}
	if (v != NULL && v->nerrors > 0)
		view_add_str(m, "summary", view_text(app, rq, "settings.errors.summary"));
	if (notice != NULL)
		view_add_str(m, "notice", notice);
	view_add_owned(m, "action", settings_url(app, st->slug, ""));
	view_add_str(m, "store_label", st->name);
	json_object_object_add(m, "env", env_values(app, rq));
	json_object_object_add(m, "store", vals);
	json_object_object_add(m, "errors", errs);
	view_render(app, rq, rs, status, "admin_settings", m);
}

/* GET /admin/settings[?store=slug] */
static void
settings_get(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;
	struct json_object *m;

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_SETTINGS, "settings.forbidden"))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	if (!settings_store(app, rq, rs, &s, &st))
		return;
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "store", settings_api(&st));
		view_json(rs, 200, m);
	} else {
		form_page(app, rq, rs, &s, 200, &st, NULL, kv_get(&rq->query, "saved") != NULL ?
		    view_text(app, rq, "settings.saved") : NULL);
	}
	store_free(&st);
}

/* Answers settings saved: 303 back to the page, or the JSON of the store as it now applies. */
static void
saved(struct app *app, struct http_request *rq, struct http_response *rs, struct store *st)
{
	struct json_object *m;
	char *loc;

	store_defaults(st, &app->cfg);
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "store", settings_api(st));
		view_json(rs, 200, m);
		return;
	}
	loc = settings_url(app, st->slug, "&saved=1");
	http_redirect(rs, 303, loc);
	free(loc);
}

/* POST /admin/settings[?store=slug]: the fields → 303 back. */
static void
settings_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct store st;
	char was[STORE_SLUG_MAX + 1];	/* the slug the page is under, should the input be wrong */
	struct valid_result v;
	int given[STORE_IN__MAX];
	enum db_status rc;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_SETTINGS, "settings.forbidden"))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	if (!settings_store(app, rq, rs, &s, &st))
		return;
	memcpy(was, st.slug, sizeof was);
	valid_request(store_input_settings, STORE_IN__MAX, rq, &v);
	store_input_given(rq, given);
	if (given[STORE_IN_SLUG] && !every_store(&s) && strcmp(v.text[STORE_IN_SLUG], st.slug) != 0) {
		/* Creating and renaming stores is every-store admins' (DESIGN.md "Roles"). */
		view_fail(app, rq, rs, 403, "forbidden", "settings.forbidden_slug");
		goto out;
	}
	if (store_input_apply(&v, given, &st) > 0) {
		memcpy(st.slug, was, sizeof st.slug);
		form_page(app, rq, rs, &s, 422, &st, &v, NULL);
		goto out;
	}
	rc = db_store_update(app->db, &st);
	if (rc == DB_CONFLICT) {
		store_input_error(&v, STORE_IN_SLUG, "settings.errors.slug_taken");
		memcpy(st.slug, was, sizeof st.slug);
		form_page(app, rq, rs, &s, 409, &st, &v, NULL);
	} else if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "settings.not_found");
	} else if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
	} else {
		log_msg(&app->log, LOG_INFO, "settings: store %" PRId64 " (%s) saved by %" PRId64,
		    st.id, st.slug, s.row.user_id);
		saved(app, rq, rs, &st);
	}
out:
	valid_result_free(&v);
	store_free(&st);
}

const struct route admin_settings_routes[] = {
	{ "GET",  "/admin/settings",	settings_get,	0 },
	{ "POST", "/admin/settings",	settings_post,	0 },
};
const size_t admin_settings_nroutes = NELEM(admin_settings_routes);
