/* db_webhooks.h — the SQL of webhook endpoints: create, list, get, delete, pause; their last deliveries, a test ping, the mail counts the notifications page shows. */
#ifndef ORDERSYNC_DB_WEBHOOKS_H
#define ORDERSYNC_DB_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DB_WEBHOOK_DELIVERIES	20	/* deliveries listed per endpoint */

/* One endpoint; its strings are the caller's (db_webhook_clear). */
struct db_webhook {
	int64_t	 id;
	int64_t	 store_id;
	char	*url;
	char	*secret;	/* the HMAC key's text */
	char	*events;	/* normalised (notify_events_parse) */
	int	 active;
	int64_t	 created_at;
};
/* Frees the strings of e; NULL-safe. */
void		db_webhook_clear(struct db_webhook *e);
/* Frees n endpoints and the array. */
void		db_webhooks_free(struct db_webhook *v, size_t n);

/* Where one delivery stands. */
enum db_delivery_state {
	DB_DELIVERY_PENDING,	/* not yet sent, or to be tried again */
	DB_DELIVERY_DONE,
	DB_DELIVERY_FAILED	/* given up */
};

/* One delivery (an outbox row) of an endpoint; last_error the caller's. */
struct db_webhook_delivery {
	int64_t			 id;
	int64_t			 created_at;
	char			 type[41];	/* the event type, or "ping" */
	int			 attempts;
	enum db_delivery_state	 state;
	int64_t			 at;		/* done_at, failed_at or next_attempt_at */
	long			 http_status;	/* -1: no attempt yet; 0: no answer */
	int64_t			 latency_ms;	/* -1: none recorded */
	char			*last_error;	/* "" for none */
};
/* Frees n deliveries and the array. */
void		db_webhook_deliveries_free(struct db_webhook_delivery *v, size_t n);

/* Stores a new active endpoint of store_id; *id is its id. */
enum db_status	db_webhooks_create(struct db *db, int64_t store_id, const char *url,
		    const char *secret, const char *events, int64_t now, int64_t *id /* OUT */);
/* store_id's endpoints, oldest first; *v (n of them) is the caller's (db_webhooks_free). */
enum db_status	db_webhooks_list(struct db *db, int64_t store_id,
		    struct db_webhook **v /* OUT */, size_t *n /* OUT */);
/* Endpoint id of store_id into out; DB_NOTFOUND when it is not there or another store's. */
enum db_status	db_webhooks_get(struct db *db, int64_t store_id, int64_t id,
		    struct db_webhook *out /* OUT */);
/* Deletes endpoint id of store_id and its deliveries; DB_NOTFOUND as for get. */
enum db_status	db_webhooks_delete(struct db *db, int64_t store_id, int64_t id);
/* Pauses (0) or resumes (1) endpoint id of store_id; DB_NOTFOUND as for get. */
enum db_status	db_webhooks_set_active(struct db *db, int64_t store_id, int64_t id,
		    int active);
/*
 * The last DB_WEBHOOK_DELIVERIES deliveries of endpoint webhook_id, newest
 * first; *v (n of them) is the caller's (db_webhook_deliveries_free).
 */
enum db_status	db_webhooks_deliveries(struct db *db, int64_t webhook_id,
		    struct db_webhook_delivery **v /* OUT */, size_t *n /* OUT */);
/*
 * Queues a "ping" delivery to endpoint id of store_id, due at now (its
 * body built when it is sent); *delivery is the outbox row's id.
 * DB_NOTFOUND as for get.
 */
enum db_status	db_webhooks_queue_ping(struct db *db, int64_t store_id, int64_t id,
		    int64_t now, int64_t *delivery /* OUT */);

/* What a sender needs beyond the outbox row to make one delivery. */
struct db_webhook_send {
	char	 slug[65];	/* the store's */
	int64_t	 created_at;	/* the row's: the body's, the same at every attempt */
	char	*secret;	/* the endpoint's key; the caller frees */
	int	 active;
};
/*
 * For outbox row outbox_id: its creation time, its store's slug, and its
 * endpoint's secret and state, into out. DB_NOTFOUND when the row or its
 * endpoint is gone.
 */
enum db_status	db_webhooks_send_info(struct db *db, int64_t outbox_id,
		    struct db_webhook_send *out /* OUT */);

/* The store's mails in the outbox queued since a time: how many went, wait, failed. */
struct db_mail_counts {
	int64_t	sent, pending, failed;
};
/* store_id's mail rows created at or after since into out. */
enum db_status	db_webhooks_mail_counts(struct db *db, int64_t store_id, int64_t since,
		    struct db_mail_counts *out /* OUT */);

#endif
