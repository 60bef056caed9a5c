/* view.c — one data path, two representations: a json-c view model as HTML (mustache) or JSON. */
#include <string.h>
#include <time.h>

#include "app.h"
#include "mustache.h"
#include "view.h"

const char *
view_lang(struct app *app, struct http_request *rq)
{
	return i18n_pick(&app->i18n, http_header(rq, "Accept-Language"), app->cfg.lang);
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
	json_object_object_add(model, "shop_name", json_object_new_string(app->cfg.shop_name));
	json_object_object_add(model, "poll_ms", json_object_new_int(app->cfg.poll_ms));
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	buf_reset(&rs->body);
	if (mus_render(app->tmpl, tmpl, model, &rs->body, &err) != 0) {
		log_msg(&app->log, LOG_ERROR, "template %s:%d:%d: %s", err.name,
		    err.line, err.col, err.msg);
		rs->status = 500;
		rs->content_type = "text/plain; charset=utf-8";
		buf_reset(&rs->body);
		buf_puts(&rs->body, "Internal error: a page template failed.\n");
	}
	json_object_put(model);
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
