/* view.c — one data path, two representations: a json-c view model as HTML (mustache) or JSON. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "mustache.h"
#include "order.h"
#include "store.h"
#include "view.h"

const char *
view_lang(struct app *app, struct http_request *rq)
{
	if (rq->lang == NULL)
		rq->lang = i18n_pick(&app->i18n, http_header(rq, "Accept-Language"),
		    rq->store != NULL ? rq->store->lang : app->cfg.lang);
	return rq->lang;
}

const char *
view_text(struct app *app, struct http_request *rq, const char *key)
{
	return i18n_text(&app->i18n, view_lang(app, rq), key);
}

char *
view_url(struct app *app, const char *path)
{
	return xasprintf("%s%s", app->cfg.base_url, path);
}

char *
view_shop_url(struct app *app, const struct http_request *rq, const char *path)
{
	if (rq->store == NULL || rq->store->id == STORE_DEFAULT_ID)
		return view_url(app, path);
	return xasprintf("%s/s/%s%s", app->cfg.base_url, rq->store->slug, path);
}

void
view_json(struct http_response *rs, int status, struct json_object *obj)
{
	const char *s;

	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	buf_puts(&rs->body, s);
	buf_putc(&rs->body, '\n');
	json_object_put(obj);
}

/* What a customer page shows of its store: name, contact, address, hours, VAT note. */
static struct json_object *
store_json(const struct store *st)
{
	struct json_object *j = json_object_new_object();

	view_add_str(j, "name", st->name);
	view_add_str(j, "slug", st->slug);
	view_add_str(j, "contact_email", st->contact_email);
	view_add_str(j, "phone", st->phone);
	view_add_str(j, "address", st->address);
	view_add_str(j, "hours", st->hours);
	view_add_str(j, "vat_note", st->vat_note);
	return j;
}

void
view_render(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const char *tmpl, struct json_object *model)
{
	struct mus_error err;
	const char *lang;

	if (rq->wants_json) {
		view_json(rs, status, model);
		return;
	}
	lang = view_lang(app, rq);
	json_object_object_add(model, "t", json_object_get(i18n_table(&app->i18n, lang)));
	json_object_object_add(model, "lang", json_object_new_string(lang));
	json_object_object_add(model, "base", json_object_new_string(app->cfg.base_url));
	json_object_object_add(model, "shop_name", json_object_new_string(rq->store != NULL ?
	    rq->store->name : app->cfg.shop_name));
	view_add_owned(model, "shop", view_shop_url(app, rq, ""));
	if (rq->store != NULL && !json_object_object_get_ex(model, "store", NULL))
		json_object_object_add(model, "store", store_json(rq->store));
	json_object_object_add(model, "poll_ms", json_object_new_int(app->cfg.poll_ms));
	/* Mail off: no page promises one (DESIGN.md "Telling people"). */
	json_object_object_add(model, "mail_on", json_object_new_boolean(
	    app->cfg.mail != CFG_MAIL_OFF));
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	buf_reset(&rs->body);
	if (mus_render(app->tmpl, tmpl, model, &rs->body, &err) != 0) {
		log_msg(&app->log, LOG_ERROR, "template %s:%d:%d: %s", err.name,
		    err.line, err.col, err.msg);
		view_internal_error(rs);
	}
	json_object_put(model);
}

void
view_internal_error(struct http_response *rs)
{
	rs->status = 500;
	rs->content_type = "text/plain; charset=utf-8";
	buf_reset(&rs->body);
	buf_puts(&rs->body, "Internal error: a page template failed.\n");
}

void
view_error(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const char *code, const char *message)
{
	struct json_object *m = json_object_new_object();

	json_object_object_add(m, "error", json_object_new_string(code));
	json_object_object_add(m, "message", json_object_new_string(message));
	if (!rq->wants_json)
		json_object_object_add(m, "status", json_object_new_int(status));
	view_render(app, rq, rs, status, "error", m);
}

void
view_unavailable(struct app *app, struct http_request *rq, struct http_response *rs)
{
	http_add_header(rs, "Retry-After", "2");
	view_error(app, rq, rs, 503, "unavailable",
	    view_text(app, rq, "error.unavailable"));
}

char *
view_textf(struct app *app, struct http_request *rq, const char *key, ...)
{
	va_list ap;
	char *s;

	va_start(ap, key);
	s = i18n_vfill(view_text(app, rq, key), ap);
	va_end(ap);
	return s;
}

void
view_fail(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const char *code, const char *key)
{
	view_error(app, rq, rs, status, code, view_text(app, rq, key));
}

void
view_add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val ? val : ""));
}

void
view_add_owned(struct json_object *o, const char *key, char *val)
{
	view_add_str(o, key, val);
	free(val);
}

void
view_add_price(struct json_object *o, const char *key, int64_t cents, const char *currency,
    const char *lang)
{
	char buf[64];

	i18n_price(buf, sizeof buf, cents, currency, lang);
	view_add_str(o, key, buf);
}

void
view_add_time(struct json_object *o, const char *key, int64_t t)
{
	char buf[ORDER_TIME_LEN];

	order_rfc3339(buf, t);
	view_add_str(o, key, buf);
}

struct json_object *
view_price(struct app *app, struct http_request *rq, int64_t cents)
{
	char s[64];

	i18n_price(s, sizeof s, cents, rq->store != NULL ? rq->store->currency :
	    app->cfg.currency, view_lang(app, rq));
	return json_object_new_string(s);
}
