/* admin_password.c — passwords in the back office: set one from a one-time link, change your own, a forgotten one by mail. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "mail.h"
#include "mustache.h"
#include "outbox.h"

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

/* ---- password links by mail (forgotten passwords, invitations, resets) ---- */

/* Renders template tmpl of the mail model m into out; 0, or -1 (logged). */
static int
render_mail(struct app *app, const char *tmpl, struct json_object *m, struct buf *out)
{
	struct mus_error err;

	if (mus_render(app->tmpl, tmpl, m, out, &err) == 0)
		return 0;
	log_msg(&app->log, LOG_ERROR, "template %s:%d:%d: %s", err.name, err.line, err.col,
	    err.msg);
	return -1;
}

/* The mail's words for lang and purpose into m (all plain text, filled). */
static void
mail_words(struct app *app, struct json_object *m, const char *lang, const char *email,
    int invite)
{
	const char *shop = app->cfg.shop_name;

	view_add_owned(m, "subject", i18n_fill(i18n_text(&app->i18n, lang, invite ?
	    "mail.invite_subject" : "mail.reset_subject"), "shop", shop, NULL));
	view_add_owned(m, "body", i18n_fill(i18n_text(&app->i18n, lang, invite ?
	    "mail.invite_body" : "mail.reset_body"), "shop", shop, "email", email, NULL));
	view_add_str(m, "hello", i18n_text(&app->i18n, lang, "mail.hello"));
	view_add_str(m, "note", i18n_text(&app->i18n, lang, "mail.link_note"));
	view_add_str(m, "ignore", i18n_text(&app->i18n, lang, "mail.ignore"));
	view_add_str(m, "button", i18n_text(&app->i18n, lang, "mail.button"));
	view_add_str(m, "shop", shop);
	view_add_str(m, "lang", lang);
}

/*
 * admin_password_mail(), or with decoy set the same work without queueing
 * anything (outbox_decoy_mail), for an address that gets no mail.
 */
static int
password_mail(struct app *app, struct http_request *rq, int64_t store_id,
    const char *email, const char *token, int invite, int decoy)
{
	struct json_object *m;
	struct mail_message mm;
	struct buf text, html;
	char *path, *link;
	int rc = -1;

	if (app->cfg.mail == CFG_MAIL_OFF || app->cfg.public_url == NULL)
		return -1;
	path = xasprintf("/admin/password/%s", token);
	link = xasprintf("%s%s%s", app->cfg.public_url, app->cfg.base_url, path);
	free(path);
	m = json_object_new_object();
	mail_words(app, m, view_lang(app, rq), email, invite);
	view_add_owned(m, "link", link);
	buf_init(&text);
	buf_init(&html);
	if (render_mail(app, "mail_password_text", m, &text) == 0 &&
	    render_mail(app, "mail_password_html", m, &html) == 0) {
		memset(&mm, 0, sizeof mm);
		mm.from = app->cfg.mail_from;
		mm.from_name = app->cfg.shop_name;
		mm.to = email;
		mm.subject = json_object_get_string(json_object_object_get(m, "subject"));
		mm.text = buf_str(&text);
		mm.html = buf_str(&html);
		if (decoy)
			rc = outbox_decoy_mail(app->db, &mm, (int64_t)time(NULL)) == DB_OK ? 0 : -1;
		else if (outbox_queue_mail(app->db, store_id, &mm, (int64_t)time(NULL)) == DB_OK) {
			app->outbox.queued = 1;
			rc = 0;
		}
	}
	if (rc != 0 && !decoy)
		log_msg(&app->log, LOG_WARN, "staff: a password link could not be queued for "
		    "mail (address or database)");
	buf_free(&text);
	buf_free(&html);
	json_object_put(m);
	return rc;
}

int
admin_password_mail(struct app *app, struct http_request *rq, int64_t store_id,
    const char *email, const char *token, int invite)
{
	return password_mail(app, rq, store_id, email, token, invite, 0);
}

/* The forgot form's own pre-session token cookie (the sign-in one is Path-bound to its page). */
#define FORGOT_COOKIE	"ordersync_forgot"

/*
 * The forgot page: the form (mail on) or the ask-an-admin text (mail off);
 * sent says the same thing whether or not the address has an account.
 */
static void
forgot_page(struct app *app, struct http_request *rq, struct http_response *rs, int status,
    const char *email, const char *error_key, int sent)
{
	struct json_object *m;
	char token[AUTH_TOKEN_HEX + 1], *path;
	const char *have = kv_get(&rq->cookies, FORGOT_COOKIE);

	http_add_header(rs, "Cache-Control", "no-store");
	if (rq->wants_json && status >= 400) {
		view_error(app, rq, rs, status, status == 429 ? "throttled" : status == 403 ?
		    "csrf" : "invalid", view_text(app, rq, error_key));
		return;
	}
	m = json_object_new_object();
	if (auth_token_wellformed(have))
		snprintf(token, sizeof token, "%s", have);
	else
		auth_token_new(token);
	path = view_url(app, "/admin/forgot");
	http_set_cookie(rs, FORGOT_COOKIE, token, path, AUTH_LOGIN_SECS,
	    app->cfg.secure_cookies || rq->https);
	free(path);
	view_add_str(m, "csrf", token);
	view_add_str(m, "email", email);
	json_object_object_add(m, "mail", json_object_new_boolean(app->cfg.mail != CFG_MAIL_OFF));
	if (sent)
		view_add_str(m, "notice", view_text(app, rq, "forgot.sent"));
	if (error_key != NULL)
		view_add_str(m, "error", view_text(app, rq, error_key));
	view_add_owned(m, "login_url", view_url(app, "/admin/login"));
	if (rq->wants_json) {
		json_object_object_add(m, "ok", json_object_new_boolean(1));
		json_object_object_del(m, "csrf");
		view_add_str(m, "message", view_text(app, rq, app->cfg.mail != CFG_MAIL_OFF ?
		    "forgot.sent" : "forgot.no_mail"));
	}
	view_render(app, rq, rs, status, "admin_forgot", m);
}

/* GET /admin/forgot */
static void
forgot_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	forgot_page(app, rq, rs, 200, "", NULL, 0);
}

enum { FG_EMAIL, FG__MAX };
static const struct valid_field forgot_fields[FG__MAX] = {
	[FG_EMAIL] = { "email", VALID_TEXT, 1, 3, 254, "forgot.invalid" },
};

/* What forgot_link's mail needs, for link_mail() inside the link's transaction. */
struct link_mail {
	struct app		*app;
	struct http_request	*rq;
	int64_t			 store_id;
	const char		*email;
	const char		*token;
};

/* Queues the reset link's mail (db_users_link_add's then); 0 or -1. */
static int
link_mail(void *p)
{
	struct link_mail *m = p;

	return admin_password_mail(m->app, m->rq, m->store_id, m->email, m->token, 0);
}

/*
 * A reset link for the enabled account of email, and its mail, in one
 * transaction. For an unknown or disabled address nothing is kept, but the
 * mail is built and a row written and removed (a decoy) so both take about
 * as long. 0, or -1 on a database error.
 */
static int
forgot_link(struct app *app, struct http_request *rq, const char *email)
{
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL);
	struct link_mail m;
	struct db_user u;
	enum db_status st;

	st = db_users_by_email(app->db, email, &u);
	if (st != DB_OK && st != DB_NOTFOUND)
		return -1;
	auth_token_new(token);
	auth_token_hash(token, hash);
	if (st == DB_NOTFOUND || u.disabled || !mail_address_ok(u.email)) {
		/* No link, no mail, but the same work: the answer's time tells nothing. */
		return password_mail(app, rq, 1, email, token, 0, 1);
	}
	m = (struct link_mail){ app, rq, u.store_id ? u.store_id : 1, u.email, token };
	if (db_users_link_add(app->db, u.id, hash, now, now + PASSWORD_LINK_SECS, link_mail,
	    &m) != DB_OK) {
		app->outbox.queued = 0;
		return -1;
	}
	log_msg(&app->log, LOG_INFO, "staff: user %" PRId64 " asked for a password link", u.id);
	return 0;
}

/*
 * POST /admin/forgot: email → always the same page (and about the same
 * time): only a token row and an outbox row differ, and the mail leaves
 * after the answer. Throttled per address, known or not.
 */
static void
forgot_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct valid_result v;
	char email[256], masked[280];
	int64_t retry_after;
	size_t i;

	if (!http_origin_ok(rq)) {
		view_fail(app, rq, rs, 403, "cross_site", "forgot.cross_site");
		return;
	}
	valid_request(forgot_fields, FG__MAX, rq, &v);
	for (i = 0; !v.error[FG_EMAIL] && v.text[FG_EMAIL][i] && i < sizeof email - 1; i++)
		email[i] = (char)tolower((unsigned char)v.text[FG_EMAIL][i]);
	email[i] = '\0';
	if (rq->json == NULL && !auth_csrf_ok(kv_get(&rq->cookies, FORGOT_COOKIE),
	    kv_get(&rq->form, "csrf")))
		forgot_page(app, rq, rs, 403, email, "forgot.expired", 0);
	else if (v.error[FG_EMAIL] || strchr(email, '@') == NULL)
		forgot_page(app, rq, rs, 422, "", "forgot.invalid", 0);
	else if (app->cfg.mail == CFG_MAIL_OFF)
		forgot_page(app, rq, rs, 200, email, NULL, 0);
	else if (auth_forgot_begin(app, email, &retry_after) != DB_OK)
		view_unavailable(app, rq, rs);
	else if (retry_after > 0) {
		log_mask_email(email, masked, sizeof masked);
		log_msg(&app->log, LOG_WARN, "staff: password links throttled for %s from %s",
		    masked, rq->remote_addr);
		http_add_header(rs, "Retry-After", "%" PRId64, retry_after);
		forgot_page(app, rq, rs, 429, email, "forgot.throttled", 0);
	} else if (forgot_link(app, rq, email) != 0)
		view_unavailable(app, rq, rs);
	else
		forgot_page(app, rq, rs, 200, "", NULL, 1);
	valid_result_free(&v);
}

const struct route admin_password_routes[] = {
	{ "GET",  "/admin/forgot",		forgot_form,	0 },
	{ "POST", "/admin/forgot",		forgot_post,	0 },
	{ "GET",  "/admin/password",		own_form,	0 },
	{ "POST", "/admin/password",		own_post,	0 },
	{ "GET",  "/admin/password/{token}",	link_form,	0 },
	{ "POST", "/admin/password/{token}",	link_post,	0 },
};
const size_t admin_password_nroutes = NELEM(admin_password_routes);
