/* lookup.c — a lost order link found again: GET/POST /orders/lookup (number + email → the order page). */
/*
 * The answer must not tell a stranger which half of a guess was wrong, nor
 * whether an order number exists: every look-up that reaches the
 * comparison does the same work — one throttle transaction, one indexed
 * read of the number in the request's store, one comparison of fixed-size
 * digests (against a decoy when there is no such order) — and every miss
 * gets the same 404 page, byte for byte (the form is not filled in again).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "cart.h"
#include "db_lookup.h"
#include "db_orders.h"
#include "db_shop.h"
#include "lookup.h"
#include "order.h"
#include "store.h"
#include "valid.h"
#include "view.h"

enum { LOOKUP_NUMBER, LOOKUP_EMAIL, LOOKUP__MAX };
static const struct valid_field lookup_fields[LOOKUP__MAX] = {
	[LOOKUP_NUMBER]	= { "number", VALID_TEXT, 1, 1, LOOKUP_NUMBER_MAX, "lookup.invalid" },
	[LOOKUP_EMAIL]	= { "email", VALID_TEXT, 1, 3, LOOKUP_EMAIL_MAX, "lookup.invalid" },
};

/* What an order's email is compared as: BLAKE2b-256 of its lowercased bytes. */
static void
email_digest(const char *email, unsigned char out[crypto_generichash_BYTES])
{
	unsigned char low[LOOKUP_EMAIL_MAX * 4 + 1];
	size_t i, n = strlen(email);

	if (n > sizeof low - 1)
		n = sizeof low - 1;
	for (i = 0; i < n; i++)
		low[i] = (unsigned char)tolower((unsigned char)email[i]);
	crypto_generichash(out, crypto_generichash_BYTES, low, n, NULL, 0);
}

/*
 * 1 when the order's email (NULL: there is no such order, and a decoy is
 * compared instead, so a missing number costs what a wrong email does) is
 * given, ignoring ASCII case. Constant time in the bytes compared.
 */
static int
emails_match(const char *stored, const char *given)
{
	unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
	int same;

	email_digest(stored != NULL ? stored : "decoy@lookup.invalid", a);
	email_digest(given, b);
	same = sodium_memcmp(a, b, sizeof a) == 0;
	return same && stored != NULL && *stored != '\0';
}

/* The number as orders are numbered: trimmed already, ASCII upper case. */
static void
number_upper(const char *in, char out[LOOKUP_NUMBER_MAX * 4 + 1])
{
	size_t i;

	for (i = 0; in[i] != '\0' && i < LOOKUP_NUMBER_MAX * 4; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

/*
 * The look-up page with status: the form (empty: nothing posted is shown
 * again) and, when message_key is set, that message. On a 429, retry_after
 * seconds. Loads the cart for the shop's navigation, like every shop page.
 */
static void
lookup_page(struct app *app, struct http_request *rq, struct http_response *rs,
    int status, const char *message_key, int64_t retry_after)
{
	struct shop_cart cart;
	struct json_object *m, *c;
	char *action;
	int found, count = 0;

	if (cart_load(app, rq, &cart, &found) != DB_OK ||
	    (found && db_shop_cart_count(app->db, cart.id, &count) != DB_OK)) {
		view_unavailable(app, rq, rs);
		return;
	}
	m = json_object_new_object();
	c = json_object_new_object();
	json_object_object_add(c, "count", json_object_new_int(count));
	json_object_object_add(m, "cart", c);
	action = view_shop_url(app, rq, "/orders/lookup");
	view_add_owned(m, "action", action);
	json_object_object_add(m, "number_max", json_object_new_int(LOOKUP_NUMBER_MAX));
	json_object_object_add(m, "email_max", json_object_new_int(LOOKUP_EMAIL_MAX));
	if (message_key != NULL) {
		view_add_str(m, "message", view_text(app, rq, message_key));
		if (rq->wants_json)
			view_add_str(m, "error", status == 404 ? "not_found" :
			    status == 429 ? "throttled" : status == 403 ? "forbidden" :
			    "invalid");
	}
	if (retry_after > 0)
		http_add_header(rs, "Retry-After", "%" PRId64, retry_after);
	http_add_header(rs, "Cache-Control", "private, no-store");
	view_render(app, rq, rs, status, "lookup", m);
}

/* GET /orders/lookup: the form. */
static void
lookup_get(struct app *app, struct http_request *rq, struct http_response *rs)
{
	lookup_page(app, rq, rs, 200, NULL, 0);
}

/*
 * Compares under the throttle: DB_OK with *to the order page's path (the
 * caller frees) when both halves match, NULL when not; *retry_after > 0
 * when the address has used up its look-ups.
 */
static enum db_status
lookup_match(struct app *app, struct http_request *rq, const char *number,
    const char *email, char **to /* OUT */, int64_t *retry_after /* OUT */)
{
	char key[300], upper[LOOKUP_NUMBER_MAX * 4 + 1], *shop;
	int64_t now = (int64_t)time(NULL), attempt, until;
	struct auth_attempt at;
	struct order o;
	enum db_status rc;
	int found, match;

	*to = NULL;
	*retry_after = 0;
	snprintf(key, sizeof key, "lookup:%s", rq->remote_addr ? rq->remote_addr : "");
	rc = db_lookup_begin(app->db, key, now, LOOKUP_WINDOW, LOOKUP_MAX_FAILED,
	    &attempt, &until);
	if (rc != DB_OK)
		return rc;
	if (attempt == 0) {
		*retry_after = until > now ? until - now : 1;
		return DB_OK;
	}
	number_upper(number, upper);
	/* The same read whatever the number: a malformed one is simply not found. */
	rc = db_order_get(app->db, rq->store->id, upper, 0, &o);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	found = rc == DB_OK;
	match = emails_match(found ? o.email : NULL, email) & found;
	if (match) {
		shop = view_shop_url(app, rq, "");
		*to = order_url(shop, o.number, o.access_token);
		free(shop);
	}
	order_clear(&o);
	at.id = attempt;
	at.retry_after = 0;
	/* A match is not a failure; auth_attempt_end also prunes old rows now and then. */
	if ((rc = auth_attempt_end(app, &at, match)) != DB_OK) {
		free(*to);
		*to = NULL;
	}
	return rc;
}

/* POST /orders/lookup: number, email → 303 to the order page; else 404, 429, 422, 403. */
static void
lookup_post(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct valid_result v;
	int64_t retry_after;
	char *to = NULL;
	enum db_status rc;

	memset(&v, 0, sizeof v);
	/* A look-up changes nothing but its throttle: the sign-in form's first line is enough. */
	if (!http_same_origin(rq)) {
		log_msg(&app->log, LOG_WARN, "shop: order look-up posted from another site "
		    "refused (from %s)", rq->remote_addr);
		lookup_page(app, rq, rs, 403, "lookup.cross_site", 0);
		return;
	}
	if (valid_request(lookup_fields, LOOKUP__MAX, rq, &v) != 0) {
		lookup_page(app, rq, rs, 422, "lookup.invalid", 0);
		goto out;
	}
	rc = lookup_match(app, rq, v.text[LOOKUP_NUMBER], v.text[LOOKUP_EMAIL], &to,
	    &retry_after);
	if (rc != DB_OK)
		view_unavailable(app, rq, rs);
	else if (retry_after > 0) {
		log_msg(&app->log, LOG_WARN, "shop: order look-ups throttled for %s",
		    rq->remote_addr);
		lookup_page(app, rq, rs, 429, "lookup.throttled", retry_after);
	} else if (to == NULL)
		lookup_page(app, rq, rs, 404, "lookup.no_match", 0);
	else
		http_redirect(rs, 303, to);
out:
	free(to);
	valid_result_free(&v);
}

const struct route lookup_routes[] = {
	{ "GET", "/orders/lookup", lookup_get, ROUTE_SHOP },
	{ "POST", "/orders/lookup", lookup_post, ROUTE_SHOP },
};
const size_t lookup_nroutes = NELEM(lookup_routes);
