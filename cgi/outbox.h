/* outbox.h — deliveries after the answer: queue a mail, drain what is due (claim, send, done or retry with backoff). */
#ifndef ORDERSYNC_OUTBOX_H
#define ORDERSYNC_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct app;
struct mail_message;

#define OUTBOX_MAX_ATTEMPTS	6	/* a mail is tried at most this many times */
#define OUTBOX_CLAIM_SECS	60	/* a sender's hold on a row; a crashed one's runs out */

/*
 * Seconds to wait after the attempts_made-th failed attempt (1, 2, …):
 * about 1 min, 5 min, 30 min, 2 h, then 6 h for every later one.
 */
int64_t	outbox_backoff(int attempts_made);

/*
 * Builds m (mail_build, dated now) and queues it for store_id, due at once;
 * inside the caller's transaction when there is one. Returns DB_OK; DB_ERROR
 * when the message cannot be built (a bad address) or stored.
 */
enum db_status outbox_queue_mail(struct db *db, int64_t store_id,
		    const struct mail_message *m, int64_t now);

/*
 * Does what outbox_queue_mail() does — builds m, writes and commits a row —
 * but leaves nothing queued (db_outbox_decoy): the same work for a request
 * that must not look different from one that queues a mail. Not inside a
 * transaction. DB_OK, or the error.
 */
enum db_status outbox_decoy_mail(struct db *db, const struct mail_message *m, int64_t now);

/* What one drain did. */
struct outbox_stats {
	size_t	sent;		/* delivered */
	size_t	retried;	/* failed, due again later */
	size_t	failed;		/* failed for good */
	size_t	skipped;	/* claimed by another sender meanwhile */
};

/*
 * Delivers due rows: each is claimed (db_outbox_claim: never two senders
 * at once), sent (timeout_s per attempt) — a mail through app->cfg's mail,
 * a job mail made first from app's database, templates and texts
 * (notify_mail.h); with mail off, mail rows are left waiting — then marked
 * done, or retried after outbox_backoff(), or failed for good after
 * max_attempts or a final refusal; the last error is kept. Stops after
 * max_rows rows (0: no limit) or once budget_ms milliseconds have passed
 * (0: no limit), so a request's process is not held up long. Logs each
 * outcome (the recipient masked). Fills *st (may be NULL). Returns DB_OK,
 * or the database error that stopped it.
 */
enum db_status outbox_drain(struct app *app, size_t max_rows, int budget_ms, int timeout_s,
		    struct outbox_stats *st /* OUT */);

#endif
