/* db_escalate.c — the escalation's SQL: orders still pending past their store's limit, and the one transaction that escalates each once. */
#include <stdlib.h>
#include <string.h>

#include "db_escalate.h"
#include "db_impl.h"
#include "db_notify.h"
#include "db_outbox.h"
#include "notify.h"
#include "outbox.h"

/* Past the store's limit: created at least escalate_minutes ago (?1 is now). */
#define ESCALATE_WHERE \
	"o.status = 'pending' AND o.escalated_at IS NULL AND s.escalate_minutes > 0 " \
	"AND o.created_at <= ?1 - s.escalate_minutes * 60 "

enum db_status
db_escalate_due(struct db *db, int64_t now, size_t max, int64_t **ids, size_t *n)
{
	struct db_stmt *st;

	*ids = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT o.id FROM orders o JOIN stores s ON s.id = o.store_id "
	    "WHERE " ESCALATE_WHERE "ORDER BY o.created_at, o.id LIMIT ?2");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, (int64_t)max);
	return db_collect_ids(db, st, ids, n, "list orders to escalate");
}

/* What the claim learnt of the order: its store, latest event, contacts. */
struct claim {
	int64_t	 store_id;
	int64_t	 event_id;
	char	*emails;
};

static void
read_claim(struct db_stmt *st, void *p)
{
	struct claim *c = p;

	c->store_id = db_col_int64(st, 0);
	c->event_id = db_col_int64(st, 1);
	c->emails = db_col_strdup(st, 2);
}

/* One staff_unattended job mail to each address of c->emails. */
static enum db_status
queue_mails(struct db *db, const struct claim *c, int64_t order_id, int64_t now)
{
	struct db_outbox_job job;
	const char *p = c->emails;
	char addr[255];
	int64_t id;
	enum db_status rc;

	memset(&job, 0, sizeof job);
	job.store_id = c->store_id;
	job.kind = "mail";
	job.template = notify_mail_template(NOTIFY_STAFF_UNATTENDED);
	job.target = addr;
	job.payload = "{}";
	job.event_id = c->event_id;
	job.order_id = order_id;
	job.max_attempts = OUTBOX_MAX_ATTEMPTS;
	while (notify_next_address(&p, addr, sizeof addr))
		if ((rc = db_outbox_add_job(db, &job, now, &id)) != DB_OK)
			return rc;
	return DB_OK;
}

enum db_status
db_escalate_order(struct db *db, int64_t order_id, int64_t now, int *done)
{
	struct claim c;
	struct db_stmt *st;
	enum db_status rc;

	*done = 0;
	memset(&c, 0, sizeof c);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	/* The claim: only one transaction finds the order still to escalate. */
	st = db_stmt(db, "UPDATE orders SET escalated_at = ?1 WHERE id = ?2 "
	    "AND status = 'pending' AND escalated_at IS NULL AND EXISTS (SELECT 1 FROM "
	    "stores s WHERE s.id = orders.store_id AND s.escalate_minutes > 0 "
	    "AND orders.created_at <= ?1 - s.escalate_minutes * 60) "
	    "RETURNING store_id, (SELECT coalesce(max(e.id), 0) FROM order_events e "
	    "WHERE e.order_id = orders.id), (SELECT coalesce(s.escalate_emails, '') "
	    "FROM stores s WHERE s.id = orders.store_id)");
	if (st == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, order_id);
	rc = db_one_row(db, st, read_claim, &c, "claim an escalation");
	if (rc == DB_NOTFOUND) {
		rc = DB_OK;		/* handled meanwhile: nothing to do */
		goto out;
	}
	if (rc != DB_OK)
		goto out;
	if (db_notify_mail_on(db) && (rc = queue_mails(db, &c, order_id, now)) != DB_OK)
		goto out;
	if ((rc = db_notify_webhooks(db, c.store_id, "order_unattended", c.event_id,
	    order_id, "")) != DB_OK)
		goto out;
	if ((rc = db_commit(db)) == DB_OK)
		*done = 1;
out:
	if (rc != DB_OK || !*done)
		db_rollback(db);
	free(c.emails);
	return rc;
}
