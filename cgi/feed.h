/* feed.h — the change feed's model: the heads cache, the answer written as text, the stats; admin_feed.c serves them. */
#ifndef ORDERSYNC_FEED_H
#define ORDERSYNC_FEED_H

#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "db_admin.h"
#include "http.h"

struct app;
struct auth_session;

#define FEED_MAX_EVENTS		100	/* events per answer; "more" says there are others */
#define FEED_HEAD_SLOTS		16	/* store scopes whose head is cached */
#define FEED_RATE_SCOPES	8
#define FEED_RATE_SAMPLES	8

/*
 * The per-process head cache (in struct app): each scope's newest event id,
 * valid while the database version is the one it was read at. A poll that
 * finds its scope here answers 304 (or "nothing new") without reading the
 * events or orders tables; the only SQL is the PRAGMA data_version the
 * session check already made.
 */
struct feed_head_slot {
	int	used;
	int64_t	store_id;
	int64_t	head;
};

/*
 * Samples of the scope's sessions.polls total, for polls per minute: the
 * rate is the growth of the total between now and the oldest sample taken
 * 60 s to 10 min ago (sessions.polls is written at most every 30 s per
 * session, so shorter windows are noise).
 */
struct feed_rate_scope {
	int	used;
	int64_t	store_id;
	int	n;
	struct {
		int64_t	at;
		int64_t	polls;
	} sample[FEED_RATE_SAMPLES];
};

/* Per thread (struct app, "Threads"): no lock; each thread checks its own connection's version. */
struct feed_cache {
	int			valid;
	struct db_version	version;
	struct feed_head_slot	head[FEED_HEAD_SLOTS];
	struct feed_rate_scope	rate[FEED_RATE_SCOPES];
	uint64_t		hits, misses;
	int			has_oldest;	/* oldest is valid at version */
	int64_t			oldest;		/* the oldest kept event id, 0: none */
};

/* -- The feed. -- */

/* What a client asked: the query, already parsed, and If-None-Match. */
struct feed_query {
	int		 has_cursor;
	int64_t		 cursor;
	const char	*epoch;		/* NULL: not given (taken as ours) */
	const char	*if_none_match;	/* NULL: none */
};

/*
 * The answer: status 200 (its JSON text went to the caller's buffer, see
 * feed_answer), or 304 without a body. etag is quoted.
 */
struct feed_reply {
	int	status;
	char	etag[128];
	int64_t	head;		/* the scope's head */
	int	idle;		/* the client is at the head it named: nothing to
				   tell, so a wait= may hold the request (200 or 304) */
};

/*
 * The scope's head event id through the cache; v is the database version
 * the caller just read (db_admin_version). DB_* on failure.
 */
enum db_status	feed_head(struct app *app, int64_t store_id, const struct db_version *v,
		    int64_t *head /* OUT */);
/*
 * Answers one feed request for the scope, as DESIGN.md "The change feed"
 * says: 304 when If-None-Match names the current head and the client is at
 * it; {"reset": true, ...} for a foreign epoch or a cursor the server does
 * not know; else up to FEED_MAX_EVENTS events after the cursor, built from
 * the events' payload snapshots only. A 200's JSON text (no trailing
 * newline) is appended to body, written as text: no json-c tree is built
 * (the hot poll after a change, bench scenario 2). A 304 appends nothing.
 * On failure body may hold a partial answer: the caller resets it.
 */
enum db_status	feed_answer(struct app *app, int64_t store_id, const struct db_version *v,
		    const struct feed_query *q, struct buf *body /* OUT: appended */,
		    struct feed_reply *out /* OUT */);
/*
 * Appends one event row as feed JSON text to b:
 * {"id":N,"type":"T","at":"RFC 3339","order":{...}} plus "from" and "to"
 * when the payload has them. The stored payload (a JSON object SQLite wrote
 * with json_object(), see db_event_add) is spliced in as it is, not parsed:
 * its members follow "at". A payload that is not a non-empty object (never
 * written by this program) gives "order":null.
 */
void	feed_event_text(struct buf *b, const struct db_admin_event *ev);
/* Appends s to b as a JSON string (RFC 8259 §7), quotes included. */
void	feed_json_string(struct buf *b, const char *s);

/*
 * How long a feed request with wait=asked (present: the parameter was
 * given; any number of digits, held at INT64_MAX) may be held: asked
 * clamped to wait_max, in seconds; 0 (answer now) when not given, 0, or
 * long-poll is off (wait_max 0).
 */
int64_t	feed_wait_secs(int present, int64_t asked, int wait_max);

/*
 * The long-poll watcher's three questions, on its own connection (the
 * hooks of serve.h): feed_watch_fd and feed_watch_changed are
 * db_watch_fd and db_watch_changed; feed_watch_head reads a scope's head
 * through the head cache (0, or -1 on a database error).
 */
int	feed_watch_fd(struct app *app);
int	feed_watch_changed(struct app *app);
int	feed_watch_head(struct app *app, int64_t scope, int64_t *head /* OUT */);

/*
 * The stats model of GET /admin/api/stats for the session's scope, at now
 * (days and weeks in the request's zone: today from local midnight, the
 * week from Monday 00:00). Money is in the scope's currency (every store:
 * the default store's, counting only orders in it), each amount as
 * NAME_cents and NAME written for lang:
 *   today {orders, cancelled, takings, revenue} — takings = payments
 *     completed today minus refunds refunded today; revenue is the same
 *     figure under its v1 name;
 *   week {since, takings} — the same since Monday;
 *   left_to_collect — total − paid over open orders (pending, processing, ready);
 *   pending, processing, ready — orders in each status now;
 *   best_sellers [{product_id, sku, name, qty, amount}] — the week's top 5 by
 *     quantity of non-cancelled orders;
 *   low_stock [{id, sku, name, stock, low_stock_at, out, url?}] — active
 *     products at or below their threshold, lowest first, top 5; url only
 *     for those who may run the catalog;
 *   orders_per_hour, admins_polling, polls_per_minute(_source), poll_ms.
 * NULL on a database error (logged). Caller puts it.
 */
struct json_object *feed_stats_model(struct app *app, const struct auth_session *s,
		    const char *lang, time_t now);


#endif
