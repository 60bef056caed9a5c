/* admin_login.c — the back office's door: GET/POST /admin/login, POST /admin/logout. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "admin_login.h"
#include "app.h"
#include "auth.h"
#include "valid.h"
#include "view.h"

/*
 * The sign-in page (or, for JSON clients with an error, the error shape
 * every other route uses). Every rendering carries the form's pre-session
 * token, in its hidden field and its cookie (auth_login_token).
 */
static void
login_page(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const char *next, const char *email, const char *error_key, const char *notice_key)
{
	struct json_object *m = json_object_new_object();
	char token[AUTH_TOKEN_HEX + 1];

	auth_login_token(app, rq, rs, token);
	view_add_str(m, "csrf", token);
	view_add_str(m, "next", next && auth_next_ok(next) ? next : "");
	view_add_str(m, "email", email);
	if (error_key != NULL)
		view_add_str(m, "error", view_text(app, rq, error_key));
	if (notice_key != NULL)
		view_add_str(m, "notice", view_text(app, rq, notice_key));
	http_add_header(rs, "Cache-Control", "no-store");
	if (rq->wants_json && error_key != NULL) {
		json_object_put(m);
		view_error(app, rq, rs, status, status == 429 ? "throttled" :
		    status == 401 ? "bad_credentials" : status == 403 ? "csrf" : "invalid",
		    view_text(app, rq, error_key));
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
	    kv_get(&rq->query, "password") ? "login.password_set" :
	    next != NULL ? "login.required" : NULL);
}

enum { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN_NEXT, LOGIN__MAX };
static const struct valid_field login_fields[LOGIN__MAX] = {
	[LOGIN_EMAIL]	 = { "email", VALID_TEXT, 1, 3, 254, "login.invalid" },
	[LOGIN_PASSWORD] = { "password", VALID_SECRET, 1, 1, AUTH_PASSWORD_MAX, "login.invalid" },
	[LOGIN_NEXT]	 = { "next", VALID_TEXT, 0, 0, AUTH_NEXT_MAX, "login.invalid" },
};

/* Signed in: the session and a fresh device cookie are set; on to next. */
static void
signed_in(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *next)
{
	char *loc = after_login(app, next);

	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "ok", json_object_new_boolean(1));
		view_add_str(m, "next", loc);
		view_json(rs, 200, m);
	} else
		http_redirect(rs, 303, loc);
	free(loc);
}

/*
 * Checks email's password under the throttle (auth_attempt_begin: at most
 * the limit of password checks, even in parallel) and answers: 429, 401,
 * or signed in.
 */
static void
sign_in(struct app *app, struct http_request *rq, struct http_response *rs,
    const char *email, const char *password, const char *next)
{
	struct db_admin_user u;
	struct auth_attempt at;
	char device[AUTH_DEVICE_ID_HEX + 1] = "", masked[280];
	enum db_status rc;
	int found, ok;

	log_mask_email(email, masked, sizeof masked);
	rc = db_admin_user_by_email(app->db, email, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		goto unavailable;
	found = rc == DB_OK;
	if (found && auth_device_find(app, rq, u.id, device) != DB_OK)
		goto unavailable;
	if (auth_attempt_begin(app, email, rq->remote_addr, device, &at) != DB_OK)
		goto unavailable;
	if (at.retry_after > 0) {
		log_msg(&app->log, LOG_WARN, "admin: sign-in throttled for %s from %s%s",
		    masked, rq->remote_addr, *device ? " (known device)" : "");
		http_add_header(rs, "Retry-After", "%" PRId64, at.retry_after);
		login_page(app, rq, rs, 429, next, email, "login.throttled", NULL);
		goto done;
	}
	/* Always one Argon2id check: an unknown email takes as long as a known one. */
	ok = auth_password_verify(found ? u.password_hash : NULL, password);
	if (auth_attempt_end(app, &at, ok) != DB_OK)
		goto unavailable;
	if (!ok) {
		log_msg(&app->log, LOG_INFO, "admin: failed sign-in for %s from %s%s",
		    masked, rq->remote_addr, *device ? " (known device)" : "");
		login_page(app, rq, rs, 401, next, email, "login.failed", NULL);
		goto done;
	}
	if (auth_session_start(app, rq, rs, u.id) != DB_OK)
		goto unavailable;
	/* Without its key the device cookie waits for the next sign-in (logged). */
	(void)auth_device_issue(app, rq, rs, u.id);
	log_msg(&app->log, LOG_INFO, "admin: %s signed in from %s%s", masked,
	    rq->remote_addr, *device ? " (known device)" : "");
	signed_in(app, rq, rs, next);
	goto done;
unavailable:
	view_unavailable(app, rq, rs);
done:
	db_admin_user_clear(&u);
}

/* POST /admin/login: form (or JSON) csrf, email, password, next. */
static void
login_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct valid_result v;
	const char *next;
	char email[1024];
	size_t i;

	/* Login CSRF, first line: only the sign-in page itself posts its form. */
	if (!http_same_origin(rq)) {
		log_msg(&app->log, LOG_WARN, "admin: sign-in posted from another site refused "
		    "(from %s)", rq->remote_addr);
		view_fail(app, rq, rs, 403, "cross_site", "login.cross_site");
		return;
	}
	valid_request(login_fields, LOGIN__MAX, rq, &v);
	next = v.error[LOGIN_NEXT] ? NULL : v.text[LOGIN_NEXT];
	for (i = 0; v.text[LOGIN_EMAIL][i] != '\0' && i < sizeof email - 1; i++)
		email[i] = (char)tolower((unsigned char)v.text[LOGIN_EMAIL][i]);
	email[i] = '\0';
	if (!auth_login_token_ok(rq)) {
		/* An old or foreign form: answer with a fresh one, the email kept. */
		log_msg(&app->log, LOG_WARN, "admin: sign-in form without its token "
		    "(from %s)", rq->remote_addr);
		login_page(app, rq, rs, 403, next, v.error[LOGIN_EMAIL] ? "" : email,
		    "login.expired", NULL);
	} else if (v.error[LOGIN_EMAIL] || v.error[LOGIN_PASSWORD] || strchr(email, '@') == NULL)
		login_page(app, rq, rs, 422, next, v.error[LOGIN_EMAIL] ? "" : email,
		    "login.invalid", NULL);
	else
		sign_in(app, rq, rs, email, v.text[LOGIN_PASSWORD], next);
	valid_result_free(&v);
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

const struct route admin_login_routes[] = {
	{ "GET",  "/admin/login",	login_form,	0 },
	{ "POST", "/admin/login",	login_post,	0 },
	{ "POST", "/admin/logout",	logout,		0 },
};
const size_t admin_login_nroutes = NELEM(admin_login_routes);
