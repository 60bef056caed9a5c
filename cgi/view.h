/* view.h — one data path, two representations: a json-c view model as HTML (mustache) or JSON. */
#ifndef ORDERSYNC_VIEW_H
#define ORDERSYNC_VIEW_H

#include <json-c/json.h>

#include "db.h"
#include "http.h"

struct app;

/*
 * Sends model with status: as JSON when rq->wants_json, else through the
 * template tmpl with the fields every page shares added (t: the language's
 * texts, lang, base, shop_name, poll_ms). Takes ownership of model. A
 * template failure is a bug: logged, and a plain 500 is sent.
 */
void	view_render(struct app *app, struct http_request *rq,
	    struct http_response *rs, int status, const char *tmpl,
	    struct json_object *model);
/* Sends obj as JSON with status; takes ownership of obj. */
void	view_json(struct http_response *rs, int status, struct json_object *obj);
/*
 * An error page, or {"error": code, "message": message} for JSON clients.
 * message is shown to the person: plain words, no internals.
 */
void	view_error(struct app *app, struct http_request *rq,
	    struct http_response *rs, int status, const char *code,
	    const char *message);
/* 503 + Retry-After for DB_BUSY / DB_ERROR (already logged by the db layer). */
void	view_unavailable(struct app *app, struct http_request *rq,
	    struct http_response *rs);
/* The language of this request (Accept-Language, else ORDERSYNC_LANG). Static. */
const char *view_lang(struct app *app, struct http_request *rq);
/* The text for key in the request's language. Borrowed from the locale table. */
const char *view_text(struct app *app, struct http_request *rq, const char *key);
/* "base_url + path" in a new string (caller frees): every link honours the prefix. */
char	*view_url(struct app *app, const char *path);

#endif
