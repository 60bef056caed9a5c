/* view.h — one data path, two representations: a json-c view model as HTML (mustache) or JSON. */
#ifndef ORDERSYNC_VIEW_H
#define ORDERSYNC_VIEW_H

#include <stdint.h>

#include <json-c/json.h>

#include "db.h"
#include "http.h"

struct app;

/*
 * Sends model with status: as JSON when rq->wants_json, else through the
 * template tmpl with the fields every page shares added (t: the language's
 * texts, lang, base, shop_name, shop (the storefront's prefix: base, or
 * base "/s/slug" for a store other than the default), poll_ms, mail_on
 * (ORDERSYNC_MAIL is set: a page may promise a mail); on customer
 * routes store: {name, slug, contact_email, phone, address, hours,
 * vat_note}). Takes ownership of model. A
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
/* A plain 500 for a broken template: a bug, already logged by the caller. */
void	view_internal_error(struct http_response *rs);
/* 503 + Retry-After for DB_BUSY / DB_ERROR (already logged by the db layer). */
void	view_unavailable(struct app *app, struct http_request *rq,
	    struct http_response *rs);
/*
 * The language of this request (Accept-Language, else the store's language
 * on customer routes, else ORDERSYNC_LANG):
 * rq->lang, chosen once per request. Static.
 */
const char *view_lang(struct app *app, struct http_request *rq);
/* The text for key in the request's language. Borrowed from the locale table. */
const char *view_text(struct app *app, struct http_request *rq, const char *key);
/*
 * The text for key in the request's language with its "{name}" placeholders
 * filled from the name, value pairs that follow (ending with NULL), as
 * i18n_fill() does. A new string; the caller frees it.
 */
char	*view_textf(struct app *app, struct http_request *rq, const char *key, ...)
	    __attribute__((sentinel));
/* view_error() with the text of the locale key as the message. */
void	view_fail(struct app *app, struct http_request *rq, struct http_response *rs,
	    int status, const char *code, const char *key);

/* -- Building view models. -- */

/* Adds key: val as a string ("" for NULL). */
void	view_add_str(struct json_object *o, const char *key, const char *val);
/* Adds key: val, a string the caller allocated, and frees val. */
void	view_add_owned(struct json_object *o, const char *key, char *val);
/* Adds key: cents formatted as a price in currency for lang ("12,90 €"). */
void	view_add_price(struct json_object *o, const char *key, int64_t cents,
	    const char *currency, const char *lang);
/* cents as a price in the store's currency (customer routes; else the shop's) for the request's language, as a new JSON string. */
struct json_object *view_price(struct app *app, struct http_request *rq, int64_t cents);
/* Adds key: t as RFC 3339 UTC. */
void	view_add_time(struct json_object *o, const char *key, int64_t t);

/* "base_url + path" in a new string (caller frees): every link honours the prefix. */
char	*view_url(struct app *app, const char *path);
/*
 * The storefront's "prefix + path" in a new string (caller frees): base_url
 * "/s/slug" path for a store other than the default, else view_url().
 */
char	*view_shop_url(struct app *app, const struct http_request *rq, const char *path);

#endif
