/* db_outbox.c — the SQL of the outbox: queue a delivery, list what is due, claim, mark done or retry. */
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"
#include "db_outbox.h"

enum db_status
db_outbox_add(struct db *db, int64_t store_id, const char *kind, const char *target,
    const char *payload, int max_attempts, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	enum db_status rc;

	*id = 0;
	st = db_stmt(db, "INSERT INTO outbox (store_id, kind, target, payload, max_attempts, "
	    "next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, target);
	db_bind_text(st, 4, payload);
	db_bind_int(st, 5, max_attempts);
	db_bind_int64(st, 6, now);
	if ((rc = db_one_int(db, st, id, "queue a delivery")) == DB_NOTFOUND)
		rc = DB_ERROR;
	return rc;
}

enum db_status
db_outbox_add_job(struct db *db, const struct db_outbox_job *job, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	enum db_status rc;

	*id = 0;
	st = db_stmt(db, "INSERT INTO outbox (store_id, kind, target, payload, max_attempts, "
	    "next_attempt_at, created_at, template, event_id, order_id, webhook_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, nullif(?8, 0), nullif(?9, 0), nullif(?10, 0)) "
	    "RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, job->store_id);
	db_bind_text(st, 2, job->kind);
	db_bind_text(st, 3, job->target);
	db_bind_text(st, 4, job->payload);
	db_bind_int(st, 5, job->max_attempts);
	db_bind_int64(st, 6, now);
	db_bind_text(st, 7, job->template);
	db_bind_int64(st, 8, job->event_id);
	db_bind_int64(st, 9, job->order_id);
	db_bind_int64(st, 10, job->webhook_id);
	if ((rc = db_one_int(db, st, id, "queue a job")) == DB_OK)
		db->outbox_added = 1;
	else if (rc == DB_NOTFOUND)
		rc = DB_ERROR;
	return rc;
}

int
db_outbox_take_added(struct db *db)
{
	int added = db->outbox_added;

	db->outbox_added = 0;
	return added;
}

enum db_status
db_outbox_decoy(struct db *db, const char *kind, const char *target, const char *payload,
    int64_t now)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t id;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_outbox_add(db, 1, kind, target, payload, 1, now, &id)) != DB_OK)
		goto out;
	if ((st = db_stmt(db, "DELETE FROM outbox WHERE id = ?1")) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	db_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, "drop a decoy delivery")) == DB_OK)
		rc = db_commit(db);
out:
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

enum db_status
db_outbox_due(struct db *db, int64_t now, int with_mail, size_t max, int64_t **ids,
    size_t *n)
{
	struct db_stmt *st;

	*ids = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT id FROM outbox WHERE done_at IS NULL AND failed_at IS NULL "
	    "AND next_attempt_at <= ?1 AND (claimed_until IS NULL OR claimed_until < ?1) "
	    "AND (?3 <> 0 OR kind <> 'mail') ORDER BY next_attempt_at, id LIMIT ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, (int64_t)max);
	db_bind_int(st, 3, with_mail != 0);
	return db_collect_ids(db, st, ids, n, "list due deliveries");
}

enum db_status
db_outbox_claim(struct db *db, int64_t id, int64_t now, int64_t claimed_until,
    struct db_outbox_row *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	/* One statement: the check and the claim are atomic for every process. */
	st = db_stmt(db, "UPDATE outbox SET claimed_until = ?3 WHERE id = ?1 "
	    "AND done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?2 "
	    "AND (claimed_until IS NULL OR claimed_until < ?2) "
	    "RETURNING store_id, kind, target, payload, attempts, max_attempts, "
	    "coalesce(template, ''), coalesce(event_id, 0), coalesce(order_id, 0), "
	    "coalesce(webhook_id, 0)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, claimed_until);
	if ((rc = db_step(st)) == DB_ROW) {
		out->id = id;
		out->store_id = db_col_int64(st, 0);
		db_col_copy(st, 1, out->kind, sizeof out->kind);
		out->target = db_col_strdup(st, 2);
		out->payload = db_col_strdup(st, 3);
		out->attempts = db_col_int(st, 4);
		out->max_attempts = db_col_int(st, 5);
		db_col_copy(st, 6, out->template, sizeof out->template);
		out->event_id = db_col_int64(st, 7);
		out->order_id = db_col_int64(st, 8);
		out->webhook_id = db_col_int64(st, 9);
		rc = db_step(st);		/* DB_DONE: the UPDATE completes */
	} else if (rc == DB_DONE) {
		db_reset(st);
		return DB_NOTFOUND;
	}
	db_reset(st);
	if (rc != DB_DONE) {
		db_outbox_row_clear(out);
		return db_status_of(db, rc, "claim a delivery");
	}
	return DB_OK;
}

enum db_status
db_outbox_done(struct db *db, int64_t id, int64_t now)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE outbox SET done_at = ?2, claimed_until = NULL, "
	    "attempts = attempts + 1, last_error = NULL, "
	    "payload = CASE kind WHEN 'mail' THEN '' ELSE payload END WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	return db_step_done(db, st, "mark a delivery done");
}

enum db_status
db_outbox_retry(struct db *db, int64_t id, int64_t now, int64_t next_at,
    const char *error, int give_up)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE outbox SET attempts = attempts + 1, claimed_until = NULL, "
	    "last_error = substr(?2, 1, 500), next_attempt_at = ?3, "
	    "failed_at = CASE WHEN ?4 <> 0 OR attempts + 1 >= max_attempts THEN ?5 END, "
	    "payload = CASE WHEN (?4 <> 0 OR attempts + 1 >= max_attempts) AND kind = 'mail' "
	    "  THEN '' ELSE payload END WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, error);
	db_bind_int64(st, 3, next_at);
	db_bind_int(st, 4, give_up != 0);
	db_bind_int64(st, 5, now);
	return db_step_done(db, st, "reschedule a delivery");
}

enum db_status
db_outbox_webhook_answer(struct db *db, int64_t id, long http_status, int64_t latency_ms)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE outbox SET http_status = ?2, "
	    "latency_ms = CASE WHEN ?3 < 0 THEN NULL ELSE ?3 END WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, http_status);
	db_bind_int64(st, 3, latency_ms);
	return db_step_done(db, st, "record a webhook's answer");
}

void
db_outbox_row_clear(struct db_outbox_row *row)
{
	if (row == NULL)
		return;
	free(row->target);
	free(row->payload);
	row->target = row->payload = NULL;
}
