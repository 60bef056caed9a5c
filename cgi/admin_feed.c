/* admin_feed.c — the change feed's routes: GET /admin/api/since (the feed) and GET /admin/api/stats. */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "admin_feed.h"
#include "app.h"
#include "auth.h"
#include "feed.h"
#include "valid.h"
#include "view.h"

/*
 * The feed's query: ?cursor=N (any number of digits), ?epoch=E (lowercase
 * hex) and ?wait=S (seconds, any number of digits, clamped to wait_max).
 */
enum { SINCE_CURSOR, SINCE_EPOCH, SINCE_WAIT, SINCE__MAX };
static const struct valid_field since_fields[SINCE__MAX] = {
	[SINCE_CURSOR] = { "cursor", VALID_CURSOR, 0, 0, 0, "feed.bad_cursor" },
	[SINCE_EPOCH]  = { "epoch", VALID_TOKEN, 0, 1, LONG_MAX, "feed.bad_epoch" },
	[SINCE_WAIT]   = { "wait", VALID_CURSOR, 0, 0, 0, "feed.bad_wait" },
};

/* The first field in error, for the error's code. */
static const char *const since_codes[SINCE__MAX] = {
	[SINCE_CURSOR] = "bad_cursor", [SINCE_EPOCH] = "bad_epoch", [SINCE_WAIT] = "bad_wait",
};

static void
feed_since(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct feed_query q;
	struct feed_reply reply;
	struct valid_result v;
	int64_t wait;
	int i;

	if (!auth_require(app, rq, rs, &s))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	memset(&q, 0, sizeof q);
	valid_form(since_fields, SINCE__MAX, &rq->query, &v);
	if (v.nerrors > 0) {
		for (i = 0; v.error[i] == NULL; i++)
			;
		view_fail(app, rq, rs, 400, since_codes[i], v.error[i]);
		goto out;
	}
	wait = feed_wait_secs(v.present[SINCE_WAIT], v.num[SINCE_WAIT], app->cfg.wait_max);
	q.has_cursor = v.present[SINCE_CURSOR];
	q.cursor = v.num[SINCE_CURSOR];
	q.epoch = v.present[SINCE_EPOCH] ? v.text[SINCE_EPOCH] : NULL;
	q.if_none_match = http_header(rq, "If-None-Match");
	/* The answer is written as text straight into the response body. */
	buf_reset(&rs->body);
	if (feed_answer(app, s.row.store_id, &s.version, &q, &rs->body, &reply) != DB_OK) {
		buf_reset(&rs->body);
		view_unavailable(app, rq, rs);
		goto out;
	}
	if (reply.idle && wait > 0 && !rq->resumed) {
		/*
		 * Nothing to tell yet: the server holds the request and calls
		 * this handler again (resumed) when the scope's head moves past
		 * the one the client is at, or when the wait is over. The poll
		 * is counted then, once.
		 */
		buf_reset(&rs->body);
		rs->hold.until_ms = util_now_ms() + wait * 1000;
		rs->hold.scope = s.row.store_id;
		rs->hold.seen = reply.head;
		goto out;
	}
	auth_note_poll(app, &s);
	http_add_header(rs, "ETag", "%s", reply.etag);
	if (reply.status == 304) {
		rs->status = 304;
		buf_reset(&rs->body);
		goto out;
	}
	/* As view_json answers: application/json, one line. */
	rs->status = reply.status;
	rs->content_type = "application/json";
	buf_putc(&rs->body, '\n');
out:
	valid_result_free(&v);
}

static void
feed_stats(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct json_object *m;

	if (!auth_require(app, rq, rs, &s))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	if ((m = feed_stats_model(app, &s, view_lang(app, rq), time(NULL))) == NULL) {
		view_unavailable(app, rq, rs);
		return;
	}
	view_json(rs, 200, m);
}

const struct route admin_feed_routes[] = {
	{ "GET", "/admin/api/since",	feed_since,	ROUTE_JSON },
	{ "GET", "/admin/api/stats",	feed_stats,	ROUTE_JSON },
};
const size_t admin_feed_nroutes = NELEM(admin_feed_routes);
