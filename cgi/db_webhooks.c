/* db_webhooks.c — the SQL of webhook endpoints: create, list, get, delete, pause; their last deliveries, a test ping, the mail counts the notifications page shows. */
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"
#include "db_outbox.h"
#include "db_webhooks.h"
#include "outbox.h"

void
db_webhook_clear(struct db_webhook *e)
{
	if (e == NULL)
		return;
	free(e->url);
	if (e->secret != NULL)
		memset(e->secret, 0, strlen(e->secret));
	free(e->secret);
	free(e->events);
	e->url = e->secret = e->events = NULL;
}

static void
clear_webhook(void *p)
{
	db_webhook_clear(p);
}

void
db_webhooks_free(struct db_webhook *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		db_webhook_clear(&v[i]);
	free(v);
}

#define WEBHOOK_COLS "id, store_id, url, secret, events, active, created_at"

static void
read_webhook(struct db_stmt *st, void *p)
{
	struct db_webhook *e = p;

	e->id = db_col_int64(st, 0);
	e->store_id = db_col_int64(st, 1);
	e->url = db_col_strdup(st, 2);
	e->secret = db_col_strdup(st, 3);
	e->events = db_col_strdup(st, 4);
	e->active = db_col_int(st, 5);
	e->created_at = db_col_int64(st, 6);
}

enum db_status
db_webhooks_create(struct db *db, int64_t store_id, const char *url, const char *secret,
    const char *events, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	enum db_status rc;

	*id = 0;
	st = db_stmt(db, "INSERT INTO webhooks (store_id, url, secret, events, active, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5) RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, url);
	db_bind_text(st, 3, secret);
	db_bind_text(st, 4, events);
	db_bind_int64(st, 5, now);
	if ((rc = db_one_int(db, st, id, "create a webhook")) == DB_NOTFOUND)
		rc = DB_ERROR;
	return rc;
}

enum db_status
db_webhooks_list(struct db *db, int64_t store_id, struct db_webhook **v, size_t *n)
{
	struct db_stmt *st;

	st = db_stmt(db, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE store_id = ?1 ORDER BY id");
	if (st == NULL) {
		*v = NULL;
		*n = 0;
		return DB_ERROR;
	}
	db_bind_int64(st, 1, store_id);
	return db_collect(db, st, sizeof **v, read_webhook, clear_webhook, (void **)v, n,
	    "list webhooks of a store");
}

enum db_status
db_webhooks_get(struct db *db, int64_t store_id, int64_t id, struct db_webhook *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = ?1 AND store_id = ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	return db_one_row(db, st, read_webhook, out, "read a webhook");
}

/* Runs st (one UPDATE or DELETE of one endpoint); DB_NOTFOUND when it touched none. */
static enum db_status
change_one(struct db *db, struct db_stmt *st, const char *what)
{
	enum db_status rc;

	if ((rc = db_step_done(db, st, what)) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_status
db_webhooks_delete(struct db *db, int64_t store_id, int64_t id)
{
	struct db_stmt *st;

	/* Its outbox rows go with it (ON DELETE CASCADE), pending ones included. */
	st = db_stmt(db, "DELETE FROM webhooks WHERE id = ?1 AND store_id = ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	return change_one(db, st, "delete a webhook");
}

enum db_status
db_webhooks_set_active(struct db *db, int64_t store_id, int64_t id, int active)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE webhooks SET active = ?3 WHERE id = ?1 AND store_id = ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	db_bind_int(st, 3, active != 0);
	return change_one(db, st, "pause or resume a webhook");
}

static void
read_delivery(struct db_stmt *st, void *p)
{
	struct db_webhook_delivery *d = p;

	d->id = db_col_int64(st, 0);
	d->created_at = db_col_int64(st, 1);
	db_col_copy(st, 2, d->type, sizeof d->type);
	d->attempts = db_col_int(st, 3);
	if (!db_col_null(st, 4)) {
		d->state = DB_DELIVERY_DONE;
		d->at = db_col_int64(st, 4);
	} else if (!db_col_null(st, 5)) {
		d->state = DB_DELIVERY_FAILED;
		d->at = db_col_int64(st, 5);
	} else {
		d->state = DB_DELIVERY_PENDING;
		d->at = db_col_int64(st, 6);
	}
	d->http_status = db_col_null(st, 7) ? -1 :
	    (long)db_col_int64(st, 7);
	d->latency_ms = db_col_null(st, 8) ? -1 :
	    db_col_int64(st, 8);
	d->last_error = db_col_strdup(st, 9);
}

static void
clear_delivery(void *p)
{
	struct db_webhook_delivery *d = p;

	free(d->last_error);
	d->last_error = NULL;
}

void
db_webhook_deliveries_free(struct db_webhook_delivery *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		clear_delivery(&v[i]);
	free(v);
}

enum db_status
db_webhooks_deliveries(struct db *db, int64_t webhook_id, struct db_webhook_delivery **v,
    size_t *n)
{
	struct db_stmt *st;

	st = db_stmt(db, "SELECT id, created_at, coalesce(template, ''), attempts, done_at, "
	    "failed_at, next_attempt_at, http_status, latency_ms, coalesce(last_error, '') "
	    "FROM outbox WHERE webhook_id = ?1 ORDER BY id DESC LIMIT ?2");
	if (st == NULL) {
		*v = NULL;
		*n = 0;
		return DB_ERROR;
	}
	db_bind_int64(st, 1, webhook_id);
	db_bind_int(st, 2, DB_WEBHOOK_DELIVERIES);
	return db_collect(db, st, sizeof **v, read_delivery, clear_delivery, (void **)v, n,
	    "list a webhook's deliveries");
}

enum db_status
db_webhooks_queue_ping(struct db *db, int64_t store_id, int64_t id, int64_t now,
    int64_t *delivery)
{
	struct db_webhook e;
	struct db_outbox_job job;
	enum db_status rc;

	*delivery = 0;
	if ((rc = db_webhooks_get(db, store_id, id, &e)) != DB_OK)
		return rc;
	memset(&job, 0, sizeof job);
	job.store_id = store_id;
	job.kind = "webhook";
	job.template = "ping";
	job.target = e.url;
	job.payload = "";
	job.webhook_id = e.id;
	job.max_attempts = OUTBOX_MAX_ATTEMPTS;
	rc = db_outbox_add_job(db, &job, now, delivery);
	db_webhook_clear(&e);
	return rc;
}

static void
read_send(struct db_stmt *st, void *p)
{
	struct db_webhook_send *s = p;

	s->created_at = db_col_int64(st, 0);
	db_col_copy(st, 1, s->slug, sizeof s->slug);
	s->secret = db_col_strdup(st, 2);
	s->active = db_col_int(st, 3);
}

enum db_status
db_webhooks_send_info(struct db *db, int64_t outbox_id, struct db_webhook_send *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT o.created_at, s.slug, w.secret, w.active FROM outbox o "
	    "JOIN stores s ON s.id = o.store_id JOIN webhooks w ON w.id = o.webhook_id "
	    "WHERE o.id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, outbox_id);
	return db_one_row(db, st, read_send, out, "read a delivery's endpoint");
}

static void
read_counts(struct db_stmt *st, void *p)
{
	struct db_mail_counts *c = p;

	c->sent = db_col_int64(st, 0);
	c->pending = db_col_int64(st, 1);
	c->failed = db_col_int64(st, 2);
}

enum db_status
db_webhooks_mail_counts(struct db *db, int64_t store_id, int64_t since,
    struct db_mail_counts *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT count(done_at), "
	    "count(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 END), "
	    "count(failed_at) FROM outbox "
	    "WHERE store_id = ?1 AND kind = 'mail' AND created_at >= ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, since);
	return db_one_row(db, st, read_counts, out, "count a store's mail");
}
