/* admin_selftest.c — the alert self-test: POST /admin/notifications/selftest sends a test event through the feed. */
/*
 * "Will I hear the next order?" An 'alert_test' event goes into the feed
 * of the sender's store, so every open page of that store raises the alert
 * a new order would (banner, sound, notification, tab title), marked as a
 * test; the page that sent it also times the round trip (static/selftest.js).
 * Any signed-in role may send one: it changes no order and no count.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "admin_selftest.h"
#include "auth.h"
#include "db_orders.h"
#include "db_selftest.h"
#include "order.h"
#include "store.h"
#include "view.h"

/*
 * Where the form goes back to: the back-office page named by the Referer
 * (same-origin pages send it whole: Referrer-Policy same-origin, http.c),
 * else /admin/notifications. Caller frees.
 */
static char *
back_to(struct app *app, const struct http_request *rq)
{
	const char *ref = http_header(rq, "Referer"), *p;
	size_t b = strlen(app->cfg.base_url);

	if (ref == NULL || (p = strstr(ref, "://")) == NULL ||
	    (p = strchr(p + 3, '/')) == NULL)
		goto fallback;
	if (strncmp(p, app->cfg.base_url, b) != 0)
		goto fallback;
	p += b;
	if (auth_next_ok(p) && (strcmp(p, "/admin") == 0 || strncmp(p, "/admin/", 7) == 0 ||
	    strncmp(p, "/admin?", 7) == 0))
		return view_url(app, p);
fallback:
	return view_url(app, "/admin/notifications");
}

/* POST /admin/notifications/selftest: csrf → 303 back; JSON 202 {"event": id}. */
static void
selftest_send(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	int64_t store_id, id;
	char *by, *loc;
	enum db_status rc;

	if (!auth_require(app, rq, rs, &s) || !auth_require_csrf(app, rq, rs, &s))
		return;
	/* An every-store user tests the default store's pages, as its feed shows them. */
	store_id = s.row.store_id == DB_ALL_STORES ? STORE_DEFAULT_ID : s.row.store_id;
	by = order_seller_name(s.row.email);
	rc = db_selftest_event_add(app->db, store_id, by, (int64_t)time(NULL), &id);
	free(by);
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	log_msg(&app->log, LOG_INFO, "admin: alert self-test sent to store %lld (event %lld)",
	    (long long)store_id, (long long)id);
	if (rq->wants_json) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "event", json_object_new_int64(id));
		view_json(rs, 202, m);
		return;
	}
	loc = back_to(app, rq);
	http_redirect(rs, 303, loc);
	free(loc);
}

const struct route admin_selftest_routes[] = {
	{ "POST", "/admin/notifications/selftest", selftest_send, 0 },
};
const size_t admin_selftest_nroutes = NELEM(admin_selftest_routes);
