/* admin_password.c — passwords in the back office: set one from a one-time link, change your own. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin_staff.h"
#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db_users.h"
#include "password.h"
#include "valid.h"
#include "view.h"

enum { P_CURRENT, P_PASSWORD, P__MAX };
static const struct valid_field pw_fields[P__MAX] = {
	[P_CURRENT]  = { "current", VALID_SECRET, 0, 0, PASSWORD_MAX, "password.errors.current" },
	[P_PASSWORD] = { "password", VALID_SECRET, 1, 1, PASSWORD_MAX, "password.errors.short" },
};

/*
 * The password page: from a link (s NULL, token the link's, invalid when
 * the link cannot be used) or the signed-in user's own (s). errs maps
 * field names to messages; notice is shown above the form.
 */
static void
pw_page(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const struct auth_session *s, const char *token, struct json_object *errs,
    const char *notice)
{
	struct json_object *m;
	char path[AUTH_TOKEN_HEX + 32];

	if (rq->wants_json) {
		m = json_object_new_object();
		view_add_str(m, "error", status == 404 ? "invalid_link" : "invalid");
		view_add_str(m, "message", view_text(app, rq, status == 404 ?
		    "password.link_invalid" : "password.errors.summary"));
		json_object_object_add(m, "fields", errs ? errs : json_object_new_object());
		view_json(rs, status, m);
		return;
	}
	if (s != NULL) {
		m = admin_view_page(app, rq, s, "nav_password", 0);
		json_object_object_add(m, "own", json_object_new_boolean(1));
		view_add_owned(m, "action_url", view_url(app, "/admin/password"));
	} else {
		m = json_object_new_object();
		snprintf(path, sizeof path, "/admin/password/%s", token);
		if (status == 404)
			json_object_object_add(m, "invalid", json_object_new_boolean(1));
		else
			view_add_owned(m, "action_url", view_url(app, path));
	}
	view_add_owned(m, "login_url", view_url(app, "/admin/login"));
	if (errs != NULL)
		json_object_object_add(m, "errors", errs);
	if (notice != NULL)
		view_add_str(m, "notice", notice);
	http_add_header(rs, "Cache-Control", "no-store");
	http_add_header(rs, "Referrer-Policy", "no-referrer");
	view_render(app, rq, rs, status, "admin_password", m);
}

/* The link's token hash into hash when the route's token is well-formed and usable; else 0. */
static int
usable_link(struct app *app, struct http_request *rq, char hash[AUTH_TOKEN_HEX + 1],
    enum db_status *st)
{
	const char *token = kv_get(&rq->params, "token");
	int64_t user_id;

	*st = DB_NOTFOUND;
	if (!auth_token_wellformed(token))
		return 0;
	auth_token_hash(token, hash);
	*st = db_users_token_find(app->db, hash, (int64_t)time(NULL), &user_id);
	return *st == DB_OK;
}

/* GET /admin/password/{token}: the form, or a page saying the link cannot be used. */
static void
link_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	char hash[AUTH_TOKEN_HEX + 1];
	enum db_status st;

	if (usable_link(app, rq, hash, &st))
		pw_page(app, rq, rs, 200, NULL, kv_get(&rq->params, "token"), NULL, NULL);
	else if (st == DB_NOTFOUND)
		pw_page(app, rq, rs, 404, NULL, NULL, NULL, NULL);
	else
		view_unavailable(app, rq, rs);
}

/*
 * Checks the new password of v against the rules; 1 when acceptable, else
 * sets *errs (a new object naming the field) and returns 0.
 */
static int
new_password_ok(struct app *app, struct http_request *rq, const struct valid_result *v,
    struct json_object **errs)
{
	const char *why = v->error[P_PASSWORD] ? "password.errors.short" :
	    password_check(v->text[P_PASSWORD]);

	*errs = NULL;
	if (why == NULL)
		return 1;
	*errs = json_object_new_object();
	view_add_str(*errs, "password", view_text(app, rq, why));
	return 0;
}

/* POST /admin/password/{token}: password → 303 /admin/login. Never a session. */
static void
link_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct valid_result v;
	struct json_object *errs;
	char hash[AUTH_TOKEN_HEX + 1], pwhash[PASSWORD_HASH_MAX], *loc;
	enum db_status st;

	memset(&v, 0, sizeof v);
	if (!usable_link(app, rq, hash, &st)) {
		if (st == DB_NOTFOUND)
			pw_page(app, rq, rs, 404, NULL, NULL, NULL, NULL);
		else
			view_unavailable(app, rq, rs);
		return;
	}
	valid_request(pw_fields, P__MAX, rq, &v);
	if (!new_password_ok(app, rq, &v, &errs)) {
		pw_page(app, rq, rs, 422, NULL, kv_get(&rq->params, "token"), errs, NULL);
		goto out;
	}
	if (password_hash(v.text[P_PASSWORD], pwhash) != 0) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	st = db_users_token_use(app->db, hash, (int64_t)time(NULL), pwhash);
	sodium_memzero(pwhash, sizeof pwhash);
	if (st == DB_NOTFOUND) {
		pw_page(app, rq, rs, 404, NULL, NULL, NULL, NULL);
		goto out;
	}
	if (st != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	log_msg(&app->log, LOG_INFO, "staff: a password was set from a link");
	loc = view_url(app, "/admin/login?password=set");
	http_redirect(rs, 303, loc);
	free(loc);
out:
	valid_result_free(&v);
}

/* GET /admin/password: change your own. */
static void
own_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;

	if (!auth_require(app, rq, rs, &s))
		return;
	pw_page(app, rq, rs, 200, &s, NULL, NULL, kv_get(&rq->query, "changed") ?
	    view_text(app, rq, "password.changed") : NULL);
}

/* 1 when current is the session user's password. */
static int
current_ok(struct app *app, const struct auth_session *s, const char *current,
    enum db_status *st)
{
	struct db_admin_user u;
	int ok;

	memset(&u, 0, sizeof u);
	*st = db_admin_user_by_email(app->db, s->row.email, &u);
	if (*st != DB_OK && *st != DB_NOTFOUND)
		return 0;
	*st = DB_OK;
	ok = auth_password_verify(u.id == s->row.user_id ? u.password_hash : NULL, current);
	db_admin_user_clear(&u);
	return ok;
}

/* POST /admin/password: current password → 303 back. */
static void
own_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct valid_result v;
	struct json_object *errs = NULL;
	char pwhash[PASSWORD_HASH_MAX], *loc;
	enum db_status st;

	memset(&v, 0, sizeof v);
	if (!auth_require(app, rq, rs, &s) || !auth_require_csrf(app, rq, rs, &s))
		return;
	valid_request(pw_fields, P__MAX, rq, &v);
	if (!current_ok(app, &s, v.text[P_CURRENT] ? v.text[P_CURRENT] : "", &st)) {
		if (st != DB_OK) {
			view_unavailable(app, rq, rs);
			goto out;
		}
		errs = json_object_new_object();
		view_add_str(errs, "current", view_text(app, rq, "password.errors.current"));
		pw_page(app, rq, rs, 422, &s, NULL, errs, NULL);
		goto out;
	}
	if (!new_password_ok(app, rq, &v, &errs)) {
		pw_page(app, rq, rs, 422, &s, NULL, errs, NULL);
		goto out;
	}
	if (password_hash(v.text[P_PASSWORD], pwhash) != 0 ||
	    db_users_set_password(app->db, s.row.user_id, pwhash) != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	sodium_memzero(pwhash, sizeof pwhash);
	loc = view_url(app, "/admin/password?changed=1");
	http_redirect(rs, 303, loc);
	free(loc);
out:
	valid_result_free(&v);
}

const struct route admin_password_routes[] = {
	{ "GET",  "/admin/password",		own_form,	0 },
	{ "POST", "/admin/password",		own_post,	0 },
	{ "GET",  "/admin/password/{token}",	link_form,	0 },
	{ "POST", "/admin/password/{token}",	link_post,	0 },
};
const size_t admin_password_nroutes = NELEM(admin_password_routes);
