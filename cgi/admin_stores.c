/* admin_stores.c — the stores in the back office (every-store admins): the list, a new store (its settings copied from another's when asked). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_settings.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_stores.h"
#include "role.h"
#include "store_input.h"
#include "view.h"

/* The session, when its user may create stores; else the answer is written and 0 returned. */
static int
stores_session(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *s, int post)
{
	if (!admin_view_require(app, rq, rs, s, post, RIGHT_STORES, "stores.forbidden"))
		return 0;
	http_add_header(rs, "Cache-Control", "no-store");
	return 1;
}

/* One store of the list: the API's fields, and the page's words and links. */
static struct json_object *
store_row(struct app *app, struct http_request *rq, const struct db_store_row *r)
{
	struct json_object *o = json_object_new_object();
	char path[STORE_SLUG_MAX + 32];

	json_object_object_add(o, "id", json_object_new_int64(r->id));
	view_add_str(o, "slug", r->slug);
	view_add_str(o, "name", admin_view_store_name(app, rq, r->name));
	json_object_object_add(o, "orders", json_object_new_int64(r->orders));
	json_object_object_add(o, "staff", json_object_new_int64(r->staff));
	if (rq->wants_json)
		return o;
	if (r->name[0] == '\0')
		json_object_object_add(o, "env_name", json_object_new_boolean(1));
	snprintf(path, sizeof path, "/admin/settings?store=%s", r->slug);
	view_add_owned(o, "settings_url", view_url(app, path));
	if (r->id == STORE_DEFAULT_ID)
		snprintf(path, sizeof path, "/");
	else
		snprintf(path, sizeof path, "/s/%s/", r->slug);
	view_add_owned(o, "shop_url", view_url(app, path));
	return o;
}

/* Every store as rows (or the new form's choices); NULL when the database failed. */
static struct json_object *
store_rows(struct app *app, struct http_request *rq)
{
	struct db_store_row *v = NULL;
	struct json_object *arr;
	size_t n = 0, i;

	if (db_stores_list(app->db, &v, &n) != DB_OK)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, store_row(app, rq, &v[i]));
	free(v);
	return arr;
}

/* GET /admin/stores */
static void
stores_list(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct json_object *m, *arr;
	const char *added = kv_get(&rq->query, "added");

	if (!stores_session(app, rq, rs, &s, 0))
		return;
	if ((arr = store_rows(app, rq)) == NULL) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "stores", arr);
		view_json(rs, 200, m);
		return;
	}
	m = admin_view_page(app, rq, &s, "nav_stores", 0);
	json_object_object_add(m, "stores", arr);
	if (added != NULL && store_slug_ok(added))
		view_add_owned(m, "notice", view_textf(app, rq, "stores.added", "slug", added,
		    (char *)NULL));
	view_add_owned(m, "new_url", view_url(app, "/admin/stores/new"));
	view_render(app, rq, rs, 200, "admin_stores", m);
}

/* The new-store form, with v's values and errors when given (JSON: the errors only). */
static void
new_page(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int status, const struct valid_result *v)
{
	struct json_object *m, *vals = json_object_new_object(), *errs = json_object_new_object();
	struct json_object *from;
	size_t i, n;

	for (i = 0; v != NULL && i < STORE_NEW__MAX; i++) {
		if (v->error[i] != NULL)
			view_add_str(errs, store_input_new[i].name, view_text(app, rq, v->error[i]));
		view_add_str(vals, store_input_new[i].name, v->text[i]);
	}
	if (rq->wants_json) {
		m = json_object_new_object();
		view_add_str(m, "error", "invalid");
		view_add_str(m, "message", view_text(app, rq, "settings.errors.summary"));
		json_object_object_add(m, "fields", errs);
		view_json(rs, status, m);
		json_object_put(vals);
		return;
	}
	if ((from = store_rows(app, rq)) == NULL)
		from = json_object_new_array();
	n = json_object_array_length(from);
	for (i = 0; v != NULL && i < n; i++) {
		struct json_object *o = json_object_array_get_idx(from, i);

		if (strcmp(json_object_get_string(json_object_object_get(o, "slug")),
		    v->text[STORE_NEW_FROM]) == 0)
			json_object_object_add(o, "selected", json_object_new_boolean(1));
	}
	m = admin_view_page(app, rq, s, "nav_stores", 0);
	if (v != NULL && v->nerrors > 0)
		view_add_str(m, "summary", view_text(app, rq, "settings.errors.summary"));
	json_object_object_add(m, "from_stores", from);
	json_object_object_add(m, "store", vals);
	json_object_object_add(m, "errors", errs);
	view_add_owned(m, "new_url", view_url(app, "/admin/stores/new"));
	view_add_owned(m, "back_url", view_url(app, "/admin/stores"));
	view_render(app, rq, rs, status, "admin_stores_new", m);
}

/* GET /admin/stores/new */
static void
stores_new_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;

	if (stores_session(app, rq, rs, &s, 0))
		new_page(app, rq, rs, &s, 200, NULL);
}

/*
 * The id of the store whose settings the new one copies (0: none) into
 * *from; an unknown slug is an error on v. 0 on a database failure.
 */
static int
from_store(struct app *app, struct valid_result *v, int64_t *from)
{
	struct store st;
	enum db_status rc;

	*from = 0;
	if (v->error[STORE_NEW_FROM] != NULL || v->text[STORE_NEW_FROM][0] == '\0')
		return 1;
	rc = db_store_by_slug(app->db, v->text[STORE_NEW_FROM], &st);
	*from = st.id;
	store_free(&st);
	if (rc == DB_NOTFOUND)
		store_input_error(v, STORE_NEW_FROM, "stores.errors.from");
	return rc == DB_OK || rc == DB_NOTFOUND;
}

/* Answers a store made: 303 to the list, or JSON 201 {store: {id, slug, name}}. */
static void
created(struct app *app, struct http_request *rq, struct http_response *rs, int64_t id,
    const struct valid_result *v)
{
	struct json_object *m, *o;
	char path[STORE_SLUG_MAX + 32], *loc;

	if (rq->wants_json) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(id));
		view_add_str(o, "slug", v->text[STORE_NEW_SLUG]);
		view_add_str(o, "name", v->text[STORE_NEW_NAME]);
		m = json_object_new_object();
		json_object_object_add(m, "store", o);
		view_json(rs, 201, m);
		return;
	}
	snprintf(path, sizeof path, "/admin/stores?added=%s", v->text[STORE_NEW_SLUG]);
	loc = view_url(app, path);
	http_redirect(rs, 303, loc);
	free(loc);
}

/* POST /admin/stores/new: slug name [from] → 303 /admin/stores. */
static void
stores_new_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	int64_t from, id;
	enum db_status rc;

	if (!stores_session(app, rq, rs, &s, 1))
		return;
	valid_request(store_input_new, STORE_NEW__MAX, rq, &v);
	store_input_new_check(&v);
	if (!from_store(app, &v, &from)) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	if (v.nerrors > 0) {
		new_page(app, rq, rs, &s, 422, &v);
		goto out;
	}
	rc = db_store_create(app->db, v.text[STORE_NEW_SLUG], v.text[STORE_NEW_NAME], from,
	    (int64_t)time(NULL), &id);
	if (rc == DB_CONFLICT) {
		store_input_error(&v, STORE_NEW_SLUG, "settings.errors.slug_taken");
		new_page(app, rq, rs, &s, 409, &v);
	} else if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
	} else {
		log_msg(&app->log, LOG_INFO, "stores: store %" PRId64 " (%s) made by %" PRId64,
		    id, v.text[STORE_NEW_SLUG], s.row.user_id);
		created(app, rq, rs, id, &v);
	}
out:
	valid_result_free(&v);
}

const struct route admin_stores_routes[] = {
	{ "GET",  "/admin/stores",	stores_list,	 0 },
	{ "GET",  "/admin/stores/new",	stores_new_form, 0 },
	{ "POST", "/admin/stores/new",	stores_new_post, 0 },
};
const size_t admin_stores_nroutes = NELEM(admin_stores_routes);
