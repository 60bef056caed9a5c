/* db_outbox.h — the SQL of the outbox: queue a delivery, list what is due, claim, mark done or retry. */
#ifndef ORDERSYNC_DB_OUTBOX_H
#define ORDERSYNC_DB_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* One claimed delivery; its strings are the caller's (db_outbox_row_clear). */
struct db_outbox_row {
	int64_t	 id;
	int64_t	 store_id;
	char	 kind[8];		/* mail | webhook */
	char	*target;		/* mail: the recipient's address */
	char	*payload;		/* mail: the whole message */
	int	 attempts;		/* made before this one */
	int	 max_attempts;
	char	 template[41];		/* a job mail's template (notify.h), "" when payload is
					   the message; a webhook's event type */
	int64_t	 event_id;		/* the order_events row it tells of; 0 for none */
	int64_t	 order_id;		/* 0 for none */
	int64_t	 webhook_id;		/* a webhook's endpoint; 0 for a mail */
};

/*
 * A delivery to queue as a job (db_outbox_add_job): what is sent is made
 * when it is sent, from the rows named here. Strings are only read.
 */
struct db_outbox_job {
	int64_t		 store_id;
	const char	*kind;		/* mail | webhook */
	const char	*template;	/* mail: notify_mail_template(); webhook: the event type
					   ("order_created", "order_unattended", "ping"…) */
	const char	*target;	/* mail: the address; webhook: the endpoint's URL */
	const char	*payload;	/* mail: its parameters, a JSON object; webhook: the
					   body, or "" to build it from event_id when sent */
	int64_t		 event_id;	/* 0 for none */
	int64_t		 order_id;	/* 0 for none */
	int64_t		 webhook_id;	/* 0 for a mail */
	int		 max_attempts;
};

/*
 * Queues a delivery of kind to target, due at now, tried at most
 * max_attempts times; *id is the new row's. Runs inside the caller's
 * transaction when there is one (so it commits with what caused it).
 */
enum db_status	db_outbox_add(struct db *db, int64_t store_id, const char *kind,
		    const char *target, const char *payload, int max_attempts, int64_t now,
		    int64_t *id /* OUT */);
/*
 * Queues job, due at now, inside the caller's transaction; *id is the new
 * row's.
 */
enum db_status	db_outbox_add_job(struct db *db, const struct db_outbox_job *job, int64_t now,
		    int64_t *id /* OUT */);
/*
 * 1 when a job was queued on this connection (db_outbox_add_job) since the
 * last call, which resets it: the app drains after its answer. A job whose
 * transaction rolled back counts too (a drain that finds nothing).
 */
int		db_outbox_take_added(struct db *db);
/*
 * The ids of at most max rows due at now (not done, not failed, no live
 * claim), the longest-waiting first; mail rows only when with_mail (mail
 * off: they wait, untried, until a sender with mail on comes). *ids (n of
 * them, NULL when none) is the caller's to free.
 */
enum db_status	db_outbox_due(struct db *db, int64_t now, int with_mail, size_t max,
		    int64_t **ids /* OUT */, size_t *n /* OUT */);
/*
 * Claims row id until claimed_until, in one UPDATE that only succeeds
 * when the row is still due at now and nobody else's claim is live: two
 * senders never hold the same row. Fills *out on success; DB_NOTFOUND
 * when the row is not (or no longer) there to claim.
 */
enum db_status	db_outbox_claim(struct db *db, int64_t id, int64_t now,
		    int64_t claimed_until, struct db_outbox_row *out /* OUT */);
/* Row id was delivered at now: done, claim released, a mail's payload emptied. */
enum db_status	db_outbox_done(struct db *db, int64_t id, int64_t now);
/*
 * Row id failed at now with error (<= 500 bytes kept): one more attempt
 * counted, claim released; due again at next_at, or failed for good (its
 * mail payload emptied) when give_up or the attempts reach max_attempts.
 */
enum db_status	db_outbox_retry(struct db *db, int64_t id, int64_t now, int64_t next_at,
		    const char *error, int give_up);
/*
 * The write of a queued delivery without the delivery: one transaction
 * that inserts a row (kind, target, payload, as db_outbox_add would) and
 * deletes it again, committed (and synced) like a real one. It lets a
 * request that queues nothing take as long as one that does (the
 * forgotten-password page answers every address alike).
 */
enum db_status	db_outbox_decoy(struct db *db, const char *kind, const char *target,
		    const char *payload, int64_t now);
/*
 * Records what a webhook attempt at row id saw: the HTTP status (0: no
 * answer came) and the latency in milliseconds (-1: nothing was sent,
 * stored as NULL).
 */
enum db_status	db_outbox_webhook_answer(struct db *db, int64_t id, long http_status,
		    int64_t latency_ms);
/* Frees the row's strings; NULL-safe. */
void		db_outbox_row_clear(struct db_outbox_row *row);

#endif
