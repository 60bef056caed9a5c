/* admin_staff.c — staff accounts in the back office: the list, invitations, role/store/disabled changes, reset links. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_staff.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_catalog.h"
#include "db_users.h"
#include "password.h"
#include "role.h"
#include "valid.h"
#include "view.h"

/* The form's fields: new (email role store) and edit (role store disabled). */
enum { F_EMAIL, F_ROLE, F_STORE, F_DISABLED, F__MAX };
static const struct valid_field new_fields[F__MAX] = {
	[F_EMAIL]    = { "email", VALID_EMAIL, 1, 3, 254, "staff.errors.email" },
	[F_ROLE]     = { "role", VALID_TEXT, 1, 1, 8, "staff.errors.role" },
	[F_STORE]    = { "store", VALID_TEXT, 0, 0, 64, "staff.errors.store" },
	[F_DISABLED] = { "disabled", VALID_INT, 0, 0, 1, "staff.errors.disabled" },
};
static const struct valid_field edit_fields[F__MAX] = {
	[F_EMAIL]    = { "email", VALID_EMAIL, 0, 3, 254, "staff.errors.email" },
	[F_ROLE]     = { "role", VALID_TEXT, 1, 1, 8, "staff.errors.role" },
	[F_STORE]    = { "store", VALID_TEXT, 0, 0, 64, "staff.errors.store" },
	[F_DISABLED] = { "disabled", VALID_INT, 0, 0, 1, "staff.errors.disabled" },
};

/*
 * The session, when its user may manage accounts (DESIGN.md "Roles":
 * admins; a one-store admin their store's staff and sellers). Else writes
 * 403 (or the sign-in redirect) and returns 0.
 */
static int
staff_session(struct app *app, struct http_request *rq, struct http_response *rs,
    struct auth_session *s, int post)
{
	if (!admin_view_require(app, rq, rs, s, post, RIGHT_STAFF, "staff.forbidden"))
		return 0;
	http_add_header(rs, "Cache-Control", "no-store");
	return 1;
}

/* The route's {id}: a positive integer, else 0 (a 404). */
static int64_t
route_id(struct http_request *rq)
{
	const char *p = kv_get(&rq->params, "id");
	long id;

	return valid_int(p ? p : "", 1, LONG_MAX, &id) ? id : 0;
}

/* The account of the route in the session's scope into u; else writes 404 and returns 0. */
static int
route_user(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, struct db_user *u)
{
	int64_t id = route_id(rq);
	enum db_status st = id > 0 ? db_users_get(app->db, s->row.store_id, id, u) : DB_NOTFOUND;

	if (st == DB_OK)
		return 1;
	if (st == DB_NOTFOUND)
		view_fail(app, rq, rs, 404, "not_found", "staff.not_found");
	else
		view_unavailable(app, rq, rs);
	return 0;
}

/* The API's view of an account: {id, email, role, store (slug or null), disabled}. */
static struct json_object *
user_api(const struct db_user *u)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(u->id));
	view_add_str(o, "email", u->email);
	view_add_str(o, "role", u->role);
	json_object_object_add(o, "store", u->store_slug[0] ?
	    json_object_new_string(u->store_slug) : NULL);
	json_object_object_add(o, "disabled", json_object_new_boolean(u->disabled));
	return o;
}

/* An account as the pages show it: the API's fields and the words. */
static struct json_object *
user_row(struct app *app, struct http_request *rq, const struct db_user *u)
{
	struct json_object *o = user_api(u);
	char key[32], path[64], when[64];

	snprintf(key, sizeof key, "admin.role_%s", u->role);
	view_add_str(o, "role_label", view_text(app, rq, key));
	view_add_str(o, "store_slug", u->store_slug);
	view_add_str(o, "store_label", u->store_id == DB_ALL_STORES ?
	    view_text(app, rq, "admin.all_stores") :
	    admin_view_store_name(app, rq, u->store_name));
	if (u->last_login_at > 0) {
		i18n_datetime(when, sizeof when, (time_t)u->last_login_at, view_lang(app, rq));
		view_add_str(o, "last_login", when);
	}
	snprintf(path, sizeof path, "/admin/staff/%" PRId64, u->id);
	view_add_owned(o, "url", view_url(app, path));
	snprintf(path, sizeof path, "/admin/staff/%" PRId64 "/reset", u->id);
	view_add_owned(o, "reset_url", view_url(app, path));
	return o;
}

/* GET /admin/staff: the accounts of the scope. */
static void
staff_list(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_user *list = NULL;
	struct json_object *m, *arr;
	size_t n = 0, i;

	if (!staff_session(app, rq, rs, &s, 0))
		return;
	if (db_users_list(app->db, s.row.store_id, &list, &n) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, rq->wants_json ? user_api(&list[i]) :
		    user_row(app, rq, &list[i]));
	free(list);
	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "users", arr);
		view_json(rs, 200, m);
		return;
	}
	m = admin_view_page(app, rq, &s, "nav_staff", 0);
	json_object_object_add(m, "users", arr);
	view_add_owned(m, "new_url", view_url(app, "/admin/staff/new"));
	view_render(app, rq, rs, 200, "admin_staff", m);
}

/* The roles the session may hand out, for the form's select; cur is selected. */
static struct json_object *
role_options(struct app *app, struct http_request *rq, const struct auth_session *s,
    const char *cur)
{
	struct json_object *arr = json_object_new_array(), *o;
	char key[32];
	int r;

	for (r = 0; r < ROLE_N; r++) {
		if (!role_may_assign(role_parse(s->row.role), s->row.store_id, r, s->row.store_id))
			continue;
		o = json_object_new_object();
		view_add_str(o, "value", role_name(r));
		snprintf(key, sizeof key, "admin.role_%s", role_name(r));
		view_add_str(o, "label", view_text(app, rq, key));
		if (cur != NULL && strcmp(cur, role_name(r)) == 0)
			json_object_object_add(o, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The slug of the session's own store ("" for every store). */
static void
own_slug(struct app *app, const struct auth_session *s, char *out, size_t outsz)
{
	struct db_user me;

	out[0] = '\0';
	if (s->row.store_id != DB_ALL_STORES &&
	    db_users_get(app->db, 0, s->row.user_id, &me) == DB_OK)
		snprintf(out, outsz, "%s", me.store_slug);
}

/*
 * The new or edit form (u NULL: new), with v's values and errors when
 * given; link, when not NULL, is a set-password link shown this once.
 */
static void
form_page(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int status, const struct db_user *u,
    const struct valid_result *v, const char *link, const char *notice)
{
	struct json_object *m, *vals, *errs;
	const struct valid_field *f = u == NULL ? new_fields : edit_fields;
	char slug[72];
	size_t i;

	if (rq->wants_json) {
		errs = json_object_new_object();
		for (i = 0; v != NULL && i < F__MAX; i++)
			if (v->error[i] != NULL)
				view_add_str(errs, f[i].name, view_text(app, rq, v->error[i]));
		m = json_object_new_object();
		view_add_str(m, "error", "invalid");
		view_add_str(m, "message", view_text(app, rq, "staff.errors.summary"));
		json_object_object_add(m, "fields", errs);
		view_json(rs, status, m);
		return;
	}
	m = admin_view_page(app, rq, s, "nav_staff", 0);
	vals = u != NULL ? user_row(app, rq, u) : json_object_new_object();
	if (u == NULL) {
		own_slug(app, s, slug, sizeof slug);
		view_add_str(vals, "store_slug", slug);
	}
	errs = json_object_new_object();
	for (i = 0; v != NULL && i < F__MAX; i++) {
		if (v->error[i] != NULL)
			view_add_str(errs, f[i].name, view_text(app, rq, v->error[i]));
		if (v->present[i] && i != F_DISABLED)
			view_add_str(vals, i == F_STORE ? "store_slug" : f[i].name, v->text[i]);
	}
	json_object_object_add(m, "roles", role_options(app, rq, s,
	    v != NULL && v->present[F_ROLE] ? v->text[F_ROLE] : u ? u->role : "staff"));
	json_object_object_add(m, "pick_store",
	    json_object_new_boolean(s->row.store_id == DB_ALL_STORES));
	json_object_object_add(m, u == NULL ? "is_new" : "is_edit", json_object_new_boolean(1));
	if (v != NULL && v->nerrors > 0)
		view_add_str(m, "summary", view_text(app, rq, "staff.errors.summary"));
	if (link != NULL)
		view_add_str(m, "link", link);
	if (notice != NULL)
		view_add_str(m, "notice", notice);
	json_object_object_add(m, "account", vals);	/* "user" is the signed-in one (nav) */
	json_object_object_add(m, "errors", errs);
	view_add_owned(m, "new_url", view_url(app, "/admin/staff/new"));
	view_add_owned(m, "back_url", view_url(app, "/admin/staff"));
	view_render(app, rq, rs, status, "admin_staff_form", m);
}

/* Adds a field error to v. */
static void
field_error(struct valid_result *v, int i, const char *key)
{
	if (v->error[i] == NULL)
		v->nerrors++;
	v->error[i] = key;
}

/*
 * The form's role and store: *role (or an error on v), *store_id (0 for
 * an empty slug: every store; an unknown slug is an error on v). 1 when
 * both are valid, 0 after an error (the caller answers 422), -1 when the
 * database failed.
 */
static int
read_assignment(struct app *app, struct valid_result *v, int *role, int64_t *store_id)
{
	enum db_status st = DB_OK;

	*store_id = DB_ALL_STORES;
	if (v->error[F_ROLE] == NULL && (*role = role_parse(v->text[F_ROLE])) < 0)
		field_error(v, F_ROLE, "staff.errors.role");
	if (v->error[F_STORE] == NULL && v->text[F_STORE][0] != '\0' &&
	    (st = db_catalog_store_id(app->db, v->text[F_STORE], store_id)) == DB_NOTFOUND)
		field_error(v, F_STORE, "staff.errors.store");
	if (st != DB_OK && st != DB_NOTFOUND)
		return -1;
	return v->nerrors == 0;
}

/* The path (under the mount prefix) of a set-password link. Caller frees. */
static char *
link_url(struct app *app, const char *token)
{
	char path[AUTH_TOKEN_HEX + 32];

	snprintf(path, sizeof path, "/admin/password/%s", token);
	return view_url(app, path);
}

/* GET /admin/staff/new */
static void
staff_new_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;

	if (staff_session(app, rq, rs, &s, 0))
		form_page(app, rq, rs, &s, 200, NULL, NULL, NULL, NULL);
}

/* Answers an invitation made: the link, shown this once (page or JSON 201). */
static void
invited(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int64_t id, const char *token, int mailed)
{
	struct json_object *m;
	struct db_user u;
	char *link = link_url(app, token);

	if (db_users_get(app->db, 0, id, &u) != DB_OK) {
		view_unavailable(app, rq, rs);
	} else if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "user", user_api(&u));
		view_add_str(m, "link", link);
		json_object_object_add(m, "mailed", json_object_new_boolean(mailed));
		view_json(rs, 201, m);
	} else {
		form_page(app, rq, rs, s, 201, &u, NULL, link,
		    view_text(app, rq, mailed ? "staff.invited_mailed" : "staff.invited"));
	}
	free(link);
}

/* POST /admin/staff/new: email role store → the account and its link. */
static void
staff_new_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1];
	int64_t store_id, id, now = (int64_t)time(NULL);
	int role = -1, ok;
	enum db_status st;

	if (!staff_session(app, rq, rs, &s, 1))
		return;
	valid_request(new_fields, F__MAX, rq, &v);
	if ((ok = read_assignment(app, &v, &role, &store_id)) <= 0) {
		if (ok < 0)
			view_unavailable(app, rq, rs);
		else
			form_page(app, rq, rs, &s, 422, NULL, &v, NULL, NULL);
		goto out;
	}
	if (!role_may_assign(role_parse(s.row.role), s.row.store_id, role, store_id)) {
		view_fail(app, rq, rs, 403, "forbidden", "staff.forbidden_assign");
		goto out;
	}
	auth_token_new(token);
	auth_token_hash(token, hash);
	st = db_users_invite(app->db, v.text[F_EMAIL], role_name(role), store_id, hash, now,
	    now + PASSWORD_LINK_SECS, &id);
	if (st == DB_CONFLICT) {
		field_error(&v, F_EMAIL, "staff.errors.taken");
		form_page(app, rq, rs, &s, 409, NULL, &v, NULL, NULL);
	} else if (st != DB_OK) {
		view_unavailable(app, rq, rs);
	} else {
		log_msg(&app->log, LOG_INFO, "staff: user %" PRId64 " invited by %" PRId64,
		    id, s.row.user_id);
		/* The link is shown either way; the mail is a convenience (logged if not). */
		invited(app, rq, rs, &s, id, token, app->cfg.mail != CFG_MAIL_OFF &&
		    admin_password_mail(app, rq, store_id ? store_id : 1, v.text[F_EMAIL],
		    token, 1) == 0);
	}
out:
	valid_result_free(&v);
}

/* GET /admin/staff/{id} */
static void
staff_edit_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_user u;
	const char *saved = kv_get(&rq->query, "saved");

	if (!staff_session(app, rq, rs, &s, 0) || !route_user(app, rq, rs, &s, &u))
		return;
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "user", user_api(&u));
		view_json(rs, 200, m);
		return;
	}
	form_page(app, rq, rs, &s, 200, &u, NULL, NULL,
	    saved != NULL ? view_text(app, rq, "staff.saved") : NULL);
}

/*
 * 1 when the session may manage account u as it is now (a one-store admin
 * may not touch an admin) and it is not the session's own (one changes
 * oneself through /admin/password). Else writes 403 and returns 0.
 */
static int
may_manage(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, const struct db_user *u)
{
	if (u->id == s->row.user_id) {
		view_fail(app, rq, rs, 403, "forbidden", "staff.errors.self");
		return 0;
	}
	if (!role_may_assign(role_parse(s->row.role), s->row.store_id, role_parse(u->role),
	    u->store_id)) {
		view_fail(app, rq, rs, 403, "forbidden", "staff.forbidden_assign");
		return 0;
	}
	return 1;
}

/* POST /admin/staff/{id}: role store disabled → 303 back. */
static void
staff_edit_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct db_user u;
	int64_t store_id;
	int role = -1, ok, disabled;
	char path[80], *loc;

	memset(&v, 0, sizeof v);
	if (!staff_session(app, rq, rs, &s, 1) || !route_user(app, rq, rs, &s, &u) ||
	    !may_manage(app, rq, rs, &s, &u))
		return;
	valid_request(edit_fields, F__MAX, rq, &v);
	if ((ok = read_assignment(app, &v, &role, &store_id)) <= 0) {
		if (ok < 0)
			view_unavailable(app, rq, rs);
		else
			form_page(app, rq, rs, &s, 422, &u, &v, NULL, NULL);
		goto out;
	}
	if (!role_may_assign(role_parse(s.row.role), s.row.store_id, role, store_id)) {
		view_fail(app, rq, rs, 403, "forbidden", "staff.forbidden_assign");
		goto out;
	}
	disabled = v.present[F_DISABLED] && v.num[F_DISABLED] == 1;
	if (db_users_update(app->db, u.id, role_name(role), store_id, disabled) != DB_OK ||
	    db_users_get(app->db, 0, u.id, &u) != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	log_msg(&app->log, LOG_INFO, "staff: user %" PRId64 " set to %s, store %" PRId64
	    "%s by %" PRId64, u.id, u.role, u.store_id, disabled ? ", disabled" : "",
	    s.row.user_id);
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "user", user_api(&u));
		view_json(rs, 200, m);
		goto out;
	}
	snprintf(path, sizeof path, "/admin/staff/%" PRId64 "?saved=1", u.id);
	loc = view_url(app, path);
	http_redirect(rs, 303, loc);
	free(loc);
out:
	valid_result_free(&v);
}

/* POST /admin/staff/{id}/reset: a new link, the account's sessions ended. */
static void
staff_reset(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_user u;
	struct json_object *m;
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1], *link;
	int64_t now = (int64_t)time(NULL);
	int mailed;

	if (!staff_session(app, rq, rs, &s, 1) || !route_user(app, rq, rs, &s, &u) ||
	    !may_manage(app, rq, rs, &s, &u))
		return;
	auth_token_new(token);
	auth_token_hash(token, hash);
	if (db_users_reset(app->db, u.id, hash, now, now + PASSWORD_LINK_SECS) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	log_msg(&app->log, LOG_INFO, "staff: user %" PRId64 " reset by %" PRId64, u.id,
	    s.row.user_id);
	link = link_url(app, token);
	mailed = app->cfg.mail != CFG_MAIL_OFF && !u.disabled &&
	    admin_password_mail(app, rq, u.store_id ? u.store_id : 1, u.email, token, 0) == 0;
	if (rq->wants_json) {
		m = json_object_new_object();
		view_add_str(m, "link", link);
		json_object_object_add(m, "mailed", json_object_new_boolean(mailed));
		view_json(rs, 200, m);
	} else {
		form_page(app, rq, rs, &s, 200, &u, NULL, link, view_text(app, rq,
		    mailed ? "staff.reset_mailed" : "staff.reset_done"));
	}
	free(link);
}

const struct route admin_staff_routes[] = {
	{ "GET",  "/admin/staff",		staff_list,	 0 },
	{ "GET",  "/admin/staff/new",		staff_new_form,	 0 },
	{ "POST", "/admin/staff/new",		staff_new_post,	 0 },
	{ "GET",  "/admin/staff/{id}",		staff_edit_form, 0 },
	{ "POST", "/admin/staff/{id}",		staff_edit_post, 0 },
	{ "POST", "/admin/staff/{id}/reset",	staff_reset,	 0 },
};
const size_t admin_staff_nroutes = NELEM(admin_staff_routes);
