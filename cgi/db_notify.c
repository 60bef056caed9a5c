/* db_notify.c — the outbox rows an event queues in its own transaction: order mails as jobs, one webhook delivery per endpoint that asked. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_impl.h"
#include "db_notify.h"
#include "db_outbox.h"
#include "notify.h"
#include "order.h"
#include "outbox.h"

void
db_notify_configure(struct db *db, int mail_on, int64_t watch_secs)
{
	db->notify_mail = mail_on != 0;
	db->notify_watch_secs = watch_secs;
}

int
db_notify_mail_on(const struct db *db)
{
	return db->notify_mail;
}

/* Queues the job mail template to address, with payload as its parameters. */
static enum db_status
queue_mail(struct db *db, const struct order *o, int64_t event_id, unsigned bit,
    const char *address, const char *payload, int64_t now)
{
	struct db_outbox_job job;
	int64_t id;

	memset(&job, 0, sizeof job);
	job.store_id = o->store_id;
	job.kind = "mail";
	job.template = notify_mail_template(bit);
	job.target = address;
	job.payload = payload;
	job.event_id = event_id;
	job.order_id = o->id;
	job.max_attempts = OUTBOX_MAX_ATTEMPTS;
	return db_outbox_add_job(db, &job, now, &id);
}

/* The store's alert emails (a comma-separated list, maybe empty) into *out. */
static enum db_status
alert_emails(struct db *db, int64_t store_id, char **out)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	st = db_stmt(db, "SELECT coalesce(alert_emails, '') FROM stores WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	if ((rc = db_step(st)) == DB_ROW)
		*out = db_col_strdup(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return db_status_of(db, rc, "read alert emails");
	return DB_OK;
}

/* *watched = 1 when a session of store_id's staff (or an every-store one) polled since. */
static enum db_status
watched_since(struct db *db, int64_t store_id, int64_t since, int *watched)
{
	struct db_stmt *st;
	int64_t n = 0;
	enum db_status rc;

	st = db_stmt(db, "SELECT CASE WHEN EXISTS (SELECT 1 FROM sessions s "
	    "JOIN users u ON u.id = s.user_id WHERE s.last_poll_at >= ?2 "
	    "AND u.disabled = 0 AND (u.store_id IS NULL OR u.store_id = ?1)) "
	    "THEN 1 ELSE 0 END");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	db_bind_int64(st, 2, since);
	rc = db_one_int(db, st, &n, "is anyone watching");
	*watched = n != 0;
	return rc;
}

/* One staff job mail to each address of the comma-separated list. */
static enum db_status
queue_staff(struct db *db, const struct order *o, int64_t event_id, const char *list,
    const char *payload, int64_t now)
{
	char addr[255];
	const char *p = list, *e;
	size_t n;
	enum db_status rc;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0 && n < sizeof addr) {
			memcpy(addr, p, n);
			addr[n] = '\0';
			rc = queue_mail(db, o, event_id, NOTIFY_STAFF_NEW, addr, payload, now);
			if (rc != DB_OK)
				return rc;
		}
		p = e;
	}
	return DB_OK;
}

enum db_status
db_notify_order_event(struct db *db, const struct order *o, int64_t event_id,
    const char *type, int from)
{
	unsigned mails = db->notify_mail ? notify_order_mails(type, from, o->status) : 0;
	int64_t now = (int64_t)time(NULL);
	unsigned bit;
	char *list = NULL;
	int watched;
	enum db_status rc;

	for (bit = NOTIFY_CUSTOMER_PLACED; bit <= NOTIFY_CUSTOMER_CANCELLED; bit <<= 1) {
		if (!(mails & bit) || o->email == NULL || o->email[0] == '\0')
			continue;
		if ((rc = queue_mail(db, o, event_id, bit, o->email, "{}", now)) != DB_OK)
			return rc;
	}
	if (mails & NOTIFY_STAFF_NEW) {
		if ((rc = alert_emails(db, o->store_id, &list)) != DB_OK)
			return rc;
		if (list[0] != '\0' &&
		    (rc = watched_since(db, o->store_id, now - db->notify_watch_secs,
		    &watched)) == DB_OK)
			rc = queue_staff(db, o, event_id, list,
			    watched ? "{}" : "{\"unwatched\":true}", now);
		free(list);
		if (rc != DB_OK)
			return rc;
	}
	return db_notify_webhooks(db, o->store_id, type, event_id, o->id, "");
}

/* One active endpoint of a store. */
struct endpoint {
	int64_t	 id;
	char	*url;
	char	*events;
};

static void
read_endpoint(struct db_stmt *st, void *p)
{
	struct endpoint *e = p;

	e->id = db_col_int64(st, 0);
	e->url = db_col_strdup(st, 1);
	e->events = db_col_strdup(st, 2);
}

static void
clear_endpoint(void *p)
{
	struct endpoint *e = p;

	free(e->url);
	free(e->events);
}

enum db_status
db_notify_webhooks(struct db *db, int64_t store_id, const char *type, int64_t event_id,
    int64_t order_id, const char *body)
{
	struct endpoint *v = NULL;
	struct db_outbox_job job;
	int64_t now = (int64_t)time(NULL), id;
	struct db_stmt *st;
	size_t n = 0, i;
	enum db_status rc;

	st = db_stmt(db, "SELECT id, url, events FROM webhooks "
	    "WHERE store_id = ?1 AND active = 1 ORDER BY id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	rc = db_collect(db, st, sizeof *v, read_endpoint, clear_endpoint, (void **)&v, &n,
	    "list webhooks");
	for (i = 0; rc == DB_OK && i < n; i++) {
		if (!notify_events_has(v[i].events, type))
			continue;
		memset(&job, 0, sizeof job);
		job.store_id = store_id;
		job.kind = "webhook";
		job.template = type;
		job.target = v[i].url;
		job.payload = body;
		job.event_id = event_id;
		job.order_id = order_id;
		job.webhook_id = v[i].id;
		job.max_attempts = OUTBOX_MAX_ATTEMPTS;
		rc = db_outbox_add_job(db, &job, now, &id);
	}
	for (i = 0; i < n; i++)
		clear_endpoint(&v[i]);
	free(v);
	return rc;
}
