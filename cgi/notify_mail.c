/* notify_mail.c — an order's mails, made when they are sent: the outbox job's order and store read again, words in the reader's language, a text and an HTML part. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "app.h"
#include "config.h"
#include "db_orders.h"
#include "db_outbox.h"
#include "db_stores.h"
#include "mail.h"
#include "mustache.h"
#include "notify.h"
#include "notify_mail.h"
#include "order.h"
#include "store.h"
#include "view.h"

void
notify_mail_message_id(char *out, size_t outsz, const char *epoch, int64_t id,
    const char *from)
{
	const char *at = from != NULL ? strchr(from, '@') : NULL;

	snprintf(out, outsz, "ordersync.%s.%lld@%s", epoch != NULL && *epoch ? epoch : "0",
	    (long long)id, at != NULL && at[1] != '\0' ? at + 1 : "localhost");
}

/* What one rendering needs at hand. */
struct render {
	struct app		*app;
	const struct order	*o;
	const struct store	*s;
	const char		*lang;
	unsigned		 bit;		/* NOTIFY_* */
	int			 delivery;	/* the order is delivered, not picked up */
};

/* The text of key in the mail's language. Borrowed. */
static const char *
text(const struct render *r, const char *key)
{
	return i18n_text(&r->app->i18n, r->lang, key);
}

/* The text of key with its placeholders filled (name, value pairs, NULL). Caller frees. */
static char * __attribute__((sentinel))
textf(const struct render *r, const char *key, ...)
{
	va_list ap;
	char *s;

	va_start(ap, key);
	s = i18n_vfill(text(r, key), ap);
	va_end(ap);
	return s;
}

/* cents as a price in the order's currency for the mail's language, as key of o. */
static void
add_price(const struct render *r, struct json_object *o, const char *key, int64_t cents)
{
	view_add_price(o, key, cents, r->o->currency, r->lang);
}

/* The storefront's absolute prefix: PUBLIC_URL base ["/s/slug"]. Caller frees. */
static char *
shop_prefix(const struct render *r)
{
	const struct config *cfg = &r->app->cfg;
	const char *pub = cfg->public_url != NULL ? cfg->public_url : "";

	if (r->s->id == STORE_DEFAULT_ID)
		return xasprintf("%s%s", pub, cfg->base_url);
	return xasprintf("%s%s/s/%s", pub, cfg->base_url, r->s->slug);
}

/* The order's lines and total, and how it reaches the customer, into m.order. */
static void
add_order(const struct render *r, struct json_object *m)
{
	const struct order *o = r->o;
	struct json_object *oj = json_object_new_object(), *items = json_object_new_array();
	struct json_object *it;
	int64_t line;
	char when[64];
	size_t i;

	view_add_str(oj, "number", o->number);
	for (i = 0; i < o->nitems; i++) {
		it = json_object_new_object();
		view_add_str(it, "name", o->items[i].name);
		view_add_str(it, "sku", o->items[i].sku);
		json_object_object_add(it, "qty", json_object_new_int64(o->items[i].qty));
		add_price(r, it, "price", o->items[i].unit_price_cents);
		if (order_line_total(o->items[i].unit_price_cents, o->items[i].qty, &line) != 0)
			line = 0;
		add_price(r, it, "line_total", line);
		json_object_array_add(items, it);
	}
	json_object_object_add(oj, "items", items);
	add_price(r, oj, "total", o->total_cents);
	i18n_datetime(when, sizeof when, (time_t)o->created_at, r->lang);
	view_add_str(oj, "created", when);
	json_object_object_add(oj, "pickup", json_object_new_boolean(!r->delivery));
	json_object_object_add(oj, "delivery", json_object_new_boolean(r->delivery));
	view_add_str(oj, "address", o->address);
	view_add_str(oj, "postcode", o->postcode);
	view_add_str(oj, "city", o->city);
	view_add_str(oj, "name", o->customer_name);
	view_add_str(oj, "email", o->email);
	view_add_str(oj, "phone", o->phone);
	view_add_str(oj, "notes", o->notes);
	json_object_object_add(m, "order", oj);
}

/* The store's name, place, hours and contact into m.store. */
static void
add_store(const struct render *r, struct json_object *m)
{
	struct json_object *sj = json_object_new_object();

	view_add_str(sj, "name", r->s->name);
	view_add_str(sj, "address", r->s->address);
	view_add_str(sj, "hours", r->s->hours);
	view_add_str(sj, "contact_email", r->s->contact_email);
	view_add_str(sj, "phone", r->s->phone);
	json_object_object_add(m, "store", sj);
}

/* "2 items" / "1 article" for the order's line count. Caller frees. */
static char *
items_words(const struct render *r)
{
	int64_t n = 0;
	char count[24];
	size_t i;

	for (i = 0; i < r->o->nitems; i++)
		n += r->o->items[i].qty;
	snprintf(count, sizeof count, "%lld", (long long)n);
	return textf(r, n == 1 ? "order_mail.items_one" : "order_mail.items_other",
	    "count", count, NULL);
}

/* A customer's mail: subject, greeting, what happened, the order's link. */
static void
customer_words(const struct render *r, struct json_object *m)
{
	const char *subj, *intro;
	char *prefix, *link, *lookup;

	switch (r->bit) {
	case NOTIFY_CUSTOMER_PLACED:
		subj = "order_mail.placed_subject";
		intro = "order_mail.placed_intro";
		break;
	case NOTIFY_CUSTOMER_READY:
		subj = r->delivery ? "order_mail.ready_delivery_subject" :
		    "order_mail.ready_subject";
		intro = r->delivery ? "order_mail.ready_delivery_intro" :
		    "order_mail.ready_intro";
		break;
	default:
		subj = "order_mail.cancelled_subject";
		intro = "order_mail.cancelled_intro";
		break;
	}
	view_add_owned(m, "subject", textf(r, subj, "number", r->o->number, NULL));
	view_add_owned(m, "intro", textf(r, intro, "number", r->o->number,
	    "shop", r->s->name, NULL));
	view_add_owned(m, "hello", textf(r, "order_mail.hello", "name",
	    r->o->customer_name, NULL));
	prefix = shop_prefix(r);
	link = order_url(prefix, r->o->number, r->o->access_token);
	lookup = xasprintf("%s/orders/lookup", prefix);
	view_add_owned(m, "link", link);
	view_add_owned(m, "lookup_note", textf(r, "order_mail.lookup", "url", lookup, NULL));
	view_add_owned(m, "lookup_url", lookup);
	json_object_object_add(m, "placed", json_object_new_boolean(
	    r->bit == NOTIFY_CUSTOMER_PLACED));
	json_object_object_add(m, "ready", json_object_new_boolean(
	    r->bit == NOTIFY_CUSTOMER_READY));
	free(prefix);
}

/* A staff mail: the order in a subject line, nobody watching, the back office's link. */
static void
staff_words(const struct render *r, struct json_object *m, int unwatched, int64_t now)
{
	char total[48], minutes[24], *items;
	int64_t n;

	i18n_price(total, sizeof total, r->o->total_cents, r->o->currency, r->lang);
	items = items_words(r);
	if (r->bit == NOTIFY_STAFF_UNATTENDED) {
		n = (now - r->o->created_at) / 60;
		snprintf(minutes, sizeof minutes, "%lld", (long long)n);
		view_add_owned(m, "subject", textf(r, n == 1 ?
		    "order_mail.unattended_subject_one" : "order_mail.unattended_subject",
		    "number", r->o->number, "minutes", minutes, NULL));
		view_add_owned(m, "intro", textf(r, n == 1 ? "order_mail.unattended_intro_one" :
		    "order_mail.unattended_intro", "number", r->o->number, "minutes", minutes,
		    "shop", r->s->name, NULL));
	} else {
		view_add_owned(m, "subject", textf(r, unwatched ?
		    "order_mail.staff_subject_unwatched" : "order_mail.staff_subject",
		    "number", r->o->number, "items", items, "total", total, NULL));
		view_add_owned(m, "intro", textf(r, "order_mail.staff_intro",
		    "shop", r->s->name, NULL));
	}
	free(items);
	json_object_object_add(m, "unwatched", json_object_new_boolean(unwatched));
	view_add_owned(m, "link", xasprintf("%s%s/admin/orders/%s",
	    r->app->cfg.public_url != NULL ? r->app->cfg.public_url : "",
	    r->app->cfg.base_url, r->o->number));
}

/* Renders template name of m into out; 0, or -1 with why filled. */
static int
render(struct app *app, const char *name, struct json_object *m, struct buf *out,
    char *why, size_t whysz)
{
	struct mus_error err;

	if (mus_render(app->tmpl, name, m, out, &err) == 0)
		return 0;
	snprintf(why, whysz, "template %s:%d:%d: %s", err.name, err.line, err.col, err.msg);
	return -1;
}

/* 1 when the job's payload (a JSON object, may be NULL) says nobody was watching. */
static int
payload_unwatched(const char *payload)
{
	struct json_object *p, *v;
	int on = 0;

	if (payload == NULL || *payload == '\0' || (p = json_tokener_parse(payload)) == NULL)
		return 0;
	if (json_object_object_get_ex(p, "unwatched", &v))
		on = json_object_get_boolean(v);
	json_object_put(p);
	return on;
}

/* The model, both parts and the message, once the order and store are read. */
static enum notify_mail_status
build(const struct render *r, const struct db_outbox_row *row, int64_t now, char **msg,
    char *why, size_t whysz)
{
	struct app *app = r->app;
	struct json_object *m = json_object_new_object();
	struct mail_message mm;
	struct buf txt, html;
	char name[64], id[160];
	enum notify_mail_status rc = NOTIFY_MAIL_NEVER;
	int staff = r->bit == NOTIFY_STAFF_NEW || r->bit == NOTIFY_STAFF_UNATTENDED;

	json_object_object_add(m, "t", json_object_get(i18n_table(&app->i18n, r->lang)));
	view_add_str(m, "lang", r->lang);
	view_add_str(m, "shop", r->s->name);
	add_order(r, m);
	add_store(r, m);
	if (staff)
		staff_words(r, m, payload_unwatched(row->payload), now);
	else
		customer_words(r, m);
	buf_init(&txt);
	buf_init(&html);
	snprintf(name, sizeof name, "mail_%s_text", notify_mail_template(r->bit));
	if (render(app, name, m, &txt, why, whysz) != 0)
		goto out;
	snprintf(name, sizeof name, "mail_%s_html", notify_mail_template(r->bit));
	if (render(app, name, m, &html, why, whysz) != 0)
		goto out;
	notify_mail_message_id(id, sizeof id, db_epoch(app->db), row->id, app->cfg.mail_from);
	memset(&mm, 0, sizeof mm);
	mm.from = app->cfg.mail_from;
	mm.from_name = r->s->name;
	mm.to = row->target;
	mm.to_name = staff ? NULL : r->o->customer_name;
	mm.subject = json_object_get_string(json_object_object_get(m, "subject"));
	mm.text = buf_str(&txt);
	mm.html = buf_str(&html);
	mm.message_id = id;
	if ((*msg = mail_build(&mm, now)) != NULL)
		rc = NOTIFY_MAIL_OK;
	else
		snprintf(why, whysz, "not a mail address (sender or recipient)");
out:
	buf_free(&txt);
	buf_free(&html);
	json_object_put(m);
	return rc;
}

enum notify_mail_status
notify_mail_build(struct app *app, const struct db_outbox_row *row, int64_t now,
    char **msg, char *why, size_t whysz)
{
	struct render r;
	struct order o;
	struct store s;
	enum db_status dbrc;
	enum notify_mail_status rc;
	char *zone = NULL;

	*msg = NULL;
	memset(&r, 0, sizeof r);
	if ((r.bit = notify_mail_of_template(row->template)) == 0) {
		snprintf(why, whysz, "unknown mail template \"%s\"", row->template);
		return NOTIFY_MAIL_NEVER;
	}
	if (!mail_address_ok(row->target)) {
		snprintf(why, whysz, "not a mail address");
		return NOTIFY_MAIL_NEVER;
	}
	if ((dbrc = db_order_get_by_id(app->db, row->order_id, 1, &o)) != DB_OK) {
		snprintf(why, whysz, dbrc == DB_NOTFOUND ? "the order is gone" :
		    "database error reading the order");
		return dbrc == DB_NOTFOUND ? NOTIFY_MAIL_NEVER : NOTIFY_MAIL_RETRY;
	}
	if ((dbrc = db_store_get(app->db, o.store_id, &s)) != DB_OK) {
		order_clear(&o);
		snprintf(why, whysz, dbrc == DB_NOTFOUND ? "the store is gone" :
		    "database error reading the store");
		return dbrc == DB_NOTFOUND ? NOTIFY_MAIL_NEVER : NOTIFY_MAIL_RETRY;
	}
	store_defaults(&s, &app->cfg);
	r.app = app;
	r.o = &o;
	r.s = &s;
	r.delivery = strcmp(o.fulfilment, "delivery") == 0;
	/* A customer reads the language they ordered in; staff their store's. */
	r.lang = i18n_pick(&app->i18n, r.bit & (NOTIFY_STAFF_NEW | NOTIFY_STAFF_UNATTENDED) ?
	    s.lang : o.language, s.lang);
	/* Dates in the store's zone; the process's zone is put back after. */
	zone = xstrdup(util_zone());
	util_use_zone(s.tz);
	rc = build(&r, row, now, msg, why, whysz);
	if (zone != NULL)
		util_use_zone(zone);
	free(zone);
	order_clear(&o);
	store_free(&s);
	return rc;
}
