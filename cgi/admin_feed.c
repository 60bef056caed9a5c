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

/* The feed's query: ?cursor=N (any number of digits) and ?epoch=E (lowercase hex). */
enum { SINCE_CURSOR, SINCE_EPOCH, SINCE__MAX };
static const struct valid_field since_fields[SINCE__MAX] = {
	[SINCE_CURSOR] = { "cursor", VALID_CURSOR, 0, 0, 0, "feed.bad_cursor" },
	[SINCE_EPOCH]  = { "epoch", VALID_TOKEN, 0, 1, LONG_MAX, "feed.bad_epoch" },
};

static void
feed_since(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct feed_query q;
	struct feed_reply reply;
	struct valid_result v;

	if (!auth_require(app, rq, rs, &s))
		return;
	http_add_header(rs, "Cache-Control", "no-store");
	memset(&q, 0, sizeof q);
	valid_form(since_fields, SINCE__MAX, &rq->query, &v);
	if (v.nerrors > 0) {
		view_fail(app, rq, rs, 400, v.error[SINCE_CURSOR] ? "bad_cursor" : "bad_epoch",
		    v.error[SINCE_CURSOR] ? v.error[SINCE_CURSOR] : v.error[SINCE_EPOCH]);
		goto out;
	}
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
