/* db_admin.h — the admin side's SQL: users, sessions, login attempts, feed reads, stats. */
#ifndef ORDERSYNC_DB_ADMIN_H
#define ORDERSYNC_DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_orders.h"

/*
 * What the per-process caches are keyed by. data_version moves when another
 * connection commits; changes (db_total_changes) moves when this
 * connection writes, which data_version does not see. Both equal: nothing in
 * the database changed since the snapshot was taken.
 */
struct db_version {
	int64_t	data_version;
	int64_t	changes;
};

/* Reads the version: one PRAGMA data_version, no page read. */
enum db_status	db_admin_version(struct db *db, struct db_version *out /* OUT */);
/* 1 when a and b are the same version. */
int		db_admin_version_eq(const struct db_version *a, const struct db_version *b);
/*
 * Rows this connection has changed since it opened (the changes half of a
 * version). A cache that just wrote something it knows does not matter to
 * it moves its key forward with this, keeping data_version as it was.
 */
int64_t		db_admin_changes(struct db *db);

/* ---- users and sessions ---- */

/* A user found by email for the login check. Release with db_admin_user_clear(). */
struct db_admin_user {
	int64_t	 id;
	char	*password_hash;
};

/* Looks a user up by email (case-insensitive). DB_NOTFOUND when there is none or it is disabled. */
enum db_status	db_admin_user_by_email(struct db *db, const char *email,
		    struct db_admin_user *out /* OUT */);
void		db_admin_user_clear(struct db_admin_user *u);

/* A live session row with its user; fixed-size, so it can sit in a cache. */
struct db_admin_session {
	int64_t	user_id;
	int64_t	store_id;		/* 0: every store */
	char	role[8];		/* admin | staff | seller */
	char	email[256];
	char	store_name[104];	/* "" for every store */
	char	tz[72];			/* the zone of the user's store (every store: the
					   default store's); "" when it follows ORDERSYNC_TZ */
	char	csrf[72];
	int64_t	expires_at;
	int64_t	last_seen_at;
	int64_t	last_poll_at;
};

/*
 * Reads the session whose token hash is token_hash and that has not expired
 * at now. DB_NOTFOUND when there is no such live session, or its user is
 * disabled.
 */
enum db_status	db_admin_session_get(struct db *db, const char *token_hash, int64_t now,
		    struct db_admin_session *out /* OUT */);
/*
 * Inserts a new session and notes the sign-in (users.last_login_at);
 * DB_CONFLICT if the hash exists (a 2^-256 event).
 */
enum db_status	db_admin_session_create(struct db *db, const char *token_hash,
		    int64_t user_id, const char *csrf, int64_t now, int64_t expires_at);
/* Slides the session's idle expiry: last_seen_at = now, expires_at = expires_at. */
enum db_status	db_admin_session_touch(struct db *db, const char *token_hash,
		    int64_t now, int64_t expires_at);
/* Records npolls feed polls made up to now (last_poll_at = now, polls += npolls). */
enum db_status	db_admin_session_polled(struct db *db, const char *token_hash,
		    int64_t now, int64_t npolls);
/* Deletes one session (logout); deleting a missing one is DB_OK. */
enum db_status	db_admin_session_delete(struct db *db, const char *token_hash);
/* Deletes sessions expired at now and login attempts older than attempts_before. */
enum db_status	db_admin_prune(struct db *db, int64_t now, int64_t attempts_before);

/* ---- login throttling ---- */

/* The sign-in throttle's limits (auth.h holds the values). */
struct db_admin_login_limits {
	int64_t	window;		/* seconds a failure counts for */
	int	per_pair;	/* failures of one (email, addr) pair */
	int	per_addr;	/* failures from one address, any email */
	int	per_device;	/* failures with one device cookie */
};

/*
 * Opens a sign-in attempt in one BEGIN IMMEDIATE transaction: counts the
 * failures in the window that apply and, when they are below the limits,
 * records the attempt at once as a failure (ok = 0) and sets *attempt_id,
 * before the caller checks the password. So parallel attempts can never
 * check more passwords than the limit: each one counts those in flight.
 * With a device id (not ""), only that device's failures since its last
 * success count (no lockout of the account or address applies to it);
 * without one, the (email, addr) pair's failures since the pair's last
 * success without a device, and the address's failures. A blocked attempt
 * records nothing: *attempt_id = 0 and *until = when the failure that
 * blocks it leaves the window. email is lowercased by the caller; addr may
 * be "". DB_BUSY when the lock could not be taken.
 */
enum db_status	db_admin_login_begin(struct db *db, const char *email, const char *addr,
		    const char *device, int64_t now, const struct db_admin_login_limits *lim,
		    int64_t *attempt_id /* OUT */, int64_t *until /* OUT */);
/* Marks the attempt attempt_id (from db_admin_login_begin) a success. */
enum db_status	db_admin_login_succeeded(struct db *db, int64_t attempt_id);
/*
 * The secret key that signs device cookies: meta.device_key, 64 hex digits
 * copied into out. When there is none yet (the first sign-in, or someone
 * deleted it) fresh (64 hex digits of random bytes the caller made) is
 * stored and becomes it, unless another process stored its own first.
 */
enum db_status	db_admin_device_key(struct db *db, const char *fresh,
		    char out[65] /* OUT */);

/* ---- stores ---- */

/* The number of stores (the list names the store when there are several). */
enum db_status	db_admin_store_count(struct db *db, int64_t *n /* OUT */);

/* ---- the change feed ---- */

/* One order_events row. payload is the JSON snapshot text (owned). */
struct db_admin_event {
	int64_t	 id;
	char	 type[24];
	int64_t	 created_at;
	char	*payload;
};
void		db_admin_events_free(struct db_admin_event *v, size_t n);

/* The scope's newest event id, 0 when it has none (one indexed look-up). */
enum db_status	db_admin_feed_head(struct db *db, int64_t store_id, int64_t *head /* OUT */);
/* The oldest event id kept in the whole table, 0 when it is empty. */
enum db_status	db_admin_feed_oldest(struct db *db, int64_t *oldest /* OUT */);
/* The scope's events with id > after, oldest first, at most limit. */
enum db_status	db_admin_feed_read(struct db *db, int64_t store_id, int64_t after,
		    int limit, struct db_admin_event **out /* OUT */, size_t *n /* OUT */);
/* One order's events, oldest first (its history on the detail page). */
enum db_status	db_admin_order_events(struct db *db, int64_t order_id,
		    struct db_admin_event **out /* OUT */, size_t *n /* OUT */);

/* ---- stats ---- */

struct db_admin_stats {
	int64_t	orders_today;
	int64_t	cancelled_today;
	int64_t	takings_today_cents;	/* payments completed today minus refunds
					   refunded today, in the shop's currency */
	int64_t	takings_week_cents;	/* the same since the week's start */
	int64_t	left_to_collect_cents;	/* total - paid over open orders */
	int64_t	per_hour[24];		/* [0] is the oldest hour, [23] the current one */
	int64_t	polling_sessions;	/* sessions whose last poll is recent */
	int64_t	polls_total;		/* sum of sessions.polls in the scope */
};

/* When the stats count from, as Unix times (the store's local day and week). */
struct db_admin_stats_since {
	int64_t	day_start;	/* today 00:00 */
	int64_t	week_start;	/* this week's Monday 00:00; <= day_start */
	int64_t	hour0;		/* the first of the 24 hours of the chart */
	int64_t	polling_since;	/* a session that polled since is watching now */
};

/*
 * Fills st for the scope (0: every store): orders since day_start, takings
 * of the day and of the week (payments by completed_at, refunds by
 * refunded_at, of orders in currency only), left to collect over open
 * orders in currency, orders per hour in the 24 hours from hour0, sessions
 * that polled since polling_since (users of the store or of every store),
 * and the scope's recorded poll total. Each figure is one indexed read.
 */
enum db_status	db_admin_stats(struct db *db, int64_t store_id, const char *currency,
		    const struct db_admin_stats_since *since, struct db_admin_stats *st /* OUT */);

/* One best seller of the week; fixed-size. */
struct db_admin_seller {
	int64_t	product_id;		/* 0: the product was deleted */
	char	sku[264];		/* 64 characters of UTF-8 */
	char	name[808];		/* 200 characters of UTF-8 */
	int64_t	qty;
	int64_t	amount_cents;		/* in the shop's currency */
};

/*
 * The scope's n_max best-selling products by quantity (then amount) in
 * order_items of non-cancelled orders in currency created since since,
 * into out[0..*n). No allocation.
 */
enum db_status	db_admin_best_sellers(struct db *db, int64_t store_id, const char *currency,
		    int64_t since, struct db_admin_seller *out /* OUT */, size_t n_max,
		    size_t *n /* OUT */);

/* One product at or below its low-stock threshold; fixed-size. */
struct db_admin_low {
	int64_t	product_id;
	char	sku[264];		/* 64 characters of UTF-8 */
	char	name[808];		/* 200 characters of UTF-8 */
	int64_t	stock;
	int64_t	low_stock_at;
};

/*
 * The scope's active products at or below their threshold (product_is_low's
 * rule), lowest stock first, at most n_max, into out[0..*n). No allocation.
 */
enum db_status	db_admin_low_stock(struct db *db, int64_t store_id,
		    struct db_admin_low *out /* OUT */, size_t n_max, size_t *n /* OUT */);

#endif
