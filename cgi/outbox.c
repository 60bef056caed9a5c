/* outbox.c — deliveries after the answer: queue a mail, drain what is due (claim, send, done or retry with backoff). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "db_outbox.h"
#include "log.h"
#include "mail.h"
#include "notify_mail.h"
#include "outbox.h"
#include "webhook.h"

int64_t
outbox_backoff(int attempts_made)
{
	static const int64_t wait[] = { 60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600 };

	if (attempts_made < 1)
		attempts_made = 1;
	if ((size_t)attempts_made > sizeof wait / sizeof wait[0])
		attempts_made = (int)(sizeof wait / sizeof wait[0]);
	return wait[attempts_made - 1];
}

enum db_status
outbox_queue_mail(struct db *db, int64_t store_id, const struct mail_message *m,
    int64_t now)
{
	char *msg = mail_build(m, now);
	enum db_status rc;
	int64_t id;

	if (msg == NULL)
		return DB_ERROR;
	rc = db_outbox_add(db, store_id, "mail", m->to, msg, OUTBOX_MAX_ATTEMPTS, now, &id);
	free(msg);
	return rc;
}

enum db_status
outbox_decoy_mail(struct db *db, const struct mail_message *m, int64_t now)
{
	char *msg = mail_build(m, now);
	enum db_status rc;

	rc = db_outbox_decoy(db, "mail", m->to, msg ? msg : "", now);
	free(msg);
	return rc;
}

/*
 * Sends the mail of row: its payload when it is the message, else the job
 * mail notify_mail_build() makes now. One that can never be made is
 * MAIL_REJECTED (given up at once, why says why).
 */
static enum mail_status
send_mail(struct app *app, const struct db_outbox_row *row, int timeout_s, char *why,
    size_t whysz)
{
	enum mail_status ms;
	char *msg;

	if (row->template[0] == '\0')
		return mail_send(&app->cfg, app->cfg.mail_from, row->target, row->payload,
		    timeout_s, why, whysz);
	switch (notify_mail_build(app, row, (int64_t)time(NULL), &msg, why, whysz)) {
	case NOTIFY_MAIL_OK:
		ms = mail_send(&app->cfg, app->cfg.mail_from, row->target, msg, timeout_s,
		    why, whysz);
		free(msg);
		return ms;
	case NOTIFY_MAIL_RETRY:
		return MAIL_RETRY;
	default:
		return MAIL_REJECTED;
	}
}

/* Sends one claimed row and records the outcome; counts it in *st. */
static enum db_status
deliver(struct app *app, const struct db_outbox_row *row, int timeout_s,
    struct outbox_stats *st)
{
	struct db *db = app->db;
	struct logger *lg = &app->log;
	char why[256] = "", masked[280];
	struct webhook_result wr;
	enum mail_status ms;
	int64_t now;
	int give_up;

	log_mask_email(row->target, masked, sizeof masked);
	if (strcmp(row->kind, "webhook") == 0) {
		if (webhook_attempt(db, &app->cfg, row, &wr) != DB_OK)
			return DB_ERROR;
		snprintf(why, sizeof why, "%s", wr.why);
		ms = wr.outcome == WEBHOOK_SENT ? MAIL_SENT :
		    wr.outcome == WEBHOOK_REJECTED ? MAIL_REJECTED : MAIL_RETRY;
	} else if (strcmp(row->kind, "mail") == 0) {
		ms = send_mail(app, row, timeout_s, why, sizeof why);
	} else {
		ms = MAIL_REJECTED;	/* no such kind: never written */
		snprintf(why, sizeof why, "no sender for %s deliveries", row->kind);
	}
	now = (int64_t)time(NULL);
	if (ms == MAIL_SENT) {
		st->sent++;
		log_msg(lg, LOG_INFO, "outbox: %s %lld to %s sent", row->kind,
		    (long long)row->id, masked);
		return db_outbox_done(db, row->id, now);
	}
	give_up = ms == MAIL_REJECTED || row->attempts + 1 >= row->max_attempts;
	if (give_up)
		st->failed++;
	else
		st->retried++;
	log_msg(lg, give_up ? LOG_ERROR : LOG_WARN, "outbox: %s %lld to %s, attempt %d: %s%s",
	    row->kind, (long long)row->id, masked, row->attempts + 1, why,
	    give_up ? "; given up" : "; will retry");
	return db_outbox_retry(db, row->id, now, now + outbox_backoff(row->attempts + 1), why,
	    give_up);
}

enum db_status
outbox_drain(struct app *app, size_t max_rows, int budget_ms, int timeout_s,
    struct outbox_stats *stp)
{
	struct db *db = app->db;
	struct outbox_stats dummy;
	struct outbox_stats *st = stp ? stp : &dummy;
	struct db_outbox_row row;
	int64_t *ids = NULL, start = util_now_ms(), now;
	size_t n = 0, i, done = 0;
	enum db_status rc;

	memset(st, 0, sizeof *st);
	for (;;) {
		now = (int64_t)time(NULL);
		rc = db_outbox_due(db, now, app->cfg.mail != CFG_MAIL_OFF, 50, &ids, &n);
		if (rc != DB_OK || n == 0)
			break;
		for (i = 0; i < n; i++) {
			if ((max_rows > 0 && done >= max_rows) ||
			    (budget_ms > 0 && util_now_ms() - start >= budget_ms))
				goto out;
			rc = db_outbox_claim(db, ids[i], (int64_t)time(NULL),
			    (int64_t)time(NULL) + OUTBOX_CLAIM_SECS, &row);
			if (rc == DB_NOTFOUND) {
				st->skipped++;
				continue;
			}
			if (rc != DB_OK)
				goto out;
			done++;
			rc = deliver(app, &row, timeout_s, st);
			db_outbox_row_clear(&row);
			if (rc != DB_OK)
				goto out;
		}
		free(ids);
		ids = NULL;
		if (n < 50)
			break;
	}
out:
	free(ids);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}
