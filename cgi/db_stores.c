/* db_stores.c — the SQL of stores: one by id or slug, the list, creating one, its settings. */
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"
#include "db_stores.h"
#include "util.h"

#define STORE_COLS \
	"SELECT id, slug, name, contact_email, phone, address, hours, fulfilment, " \
	"  vat_note, legal, currency, language, timezone, alert_emails, " \
	"  escalate_minutes, escalate_emails FROM stores "

/* The store of the row st is on into p, a zeroed struct store. */
static void
read_store(struct db_stmt *st, void *p)
{
	struct store *out = p;
	enum store_fulfilment f;

	out->id = db_col_int64(st, 0);
	db_col_copy(st, 1, out->slug, sizeof out->slug);
	out->own_name = !db_col_null(st, 2);
	out->name = db_col_strdup(st, 2);
	out->contact_email = db_col_strdup(st, 3);
	out->phone = db_col_strdup(st, 4);
	out->address = db_col_strdup(st, 5);
	out->hours = db_col_strdup(st, 6);
	out->fulfilment = store_fulfilment_parse(db_col_text(st, 7),
	    &f) == 0 ? f : STORE_PICKUP;
	out->vat_note = db_col_strdup(st, 8);
	out->legal = db_col_strdup(st, 9);
	if ((out->own_currency = !db_col_null(st, 10)))
		db_col_copy(st, 10, out->currency, sizeof out->currency);
	if ((out->own_lang = !db_col_null(st, 11)))
		db_col_copy(st, 11, out->lang, sizeof out->lang);
	out->own_tz = !db_col_null(st, 12);
	out->tz = db_col_strdup(st, 12);
	out->alert_emails = db_col_strdup(st, 13);
	out->escalate_minutes = db_col_int(st, 14);
	out->escalate_emails = db_col_strdup(st, 15);
}

enum db_status
db_store_get(struct db *db, int64_t id, struct store *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	if ((st = db_stmt(db, STORE_COLS "WHERE id = ?")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	return db_one_row(db, st, read_store, out, "get store");
}

enum db_status
db_store_by_slug(struct db *db, const char *slug, struct store *out)
{
	struct db_stmt *st;

	memset(out, 0, sizeof *out);
	if ((st = db_stmt(db, STORE_COLS "WHERE slug = ?")) == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, slug);
	return db_one_row(db, st, read_store, out, "get store by slug");
}

static void
read_row(struct db_stmt *st, void *p)
{
	struct db_store_row *r = p;

	r->id = db_col_int64(st, 0);
	db_col_copy(st, 1, r->slug, sizeof r->slug);
	db_col_copy(st, 2, r->name, sizeof r->name);
	r->orders = db_col_int64(st, 3);
	r->staff = db_col_int64(st, 4);
}

static void
clear_row(void *p)
{
	(void)p;
}

enum db_status
db_stores_list(struct db *db, struct db_store_row **out, size_t *n)
{
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	/* order_counts keeps the per-status counts: no scan of orders. */
	st = db_stmt(db, "SELECT s.id, s.slug, coalesce(s.name, ''), "
	    "  (SELECT coalesce(sum(n), 0) FROM order_counts c WHERE c.store_id = s.id), "
	    "  (SELECT count(*) FROM users u WHERE u.store_id = s.id) "
	    "FROM stores s ORDER BY s.id <> 1, s.slug LIMIT 1000");
	if (st == NULL)
		return DB_ERROR;
	return db_collect(db, st, sizeof **out, read_row, clear_row, (void **)out, n,
	    "list stores");
}

enum db_status
db_store_create(struct db *db, const char *slug, const char *name, int64_t from,
    int64_t now, int64_t *id)
{
	struct db_stmt *st;

	*id = 0;
	if (from == 0)
		st = db_stmt(db, "INSERT INTO stores (slug, name, created_at) VALUES (?1, ?2, ?3) "
		    "RETURNING id");
	else
		st = db_stmt(db, "INSERT INTO stores (slug, name, contact_email, phone, "
		    "  address, hours, fulfilment, vat_note, legal, currency, language, "
		    "  timezone, alert_emails, escalate_minutes, escalate_emails, created_at) "
		    "SELECT ?1, ?2, contact_email, phone, address, hours, fulfilment, "
		    "  vat_note, legal, currency, language, timezone, alert_emails, "
		    "  escalate_minutes, escalate_emails, ?3 FROM stores WHERE id = ?4 "
		    "RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, slug);
	db_bind_text(st, 2, name);
	db_bind_int64(st, 3, now);
	if (from != 0)
		db_bind_int64(st, 4, from);
	/* No row: the store to copy from is not there (DB_NOTFOUND). */
	return db_one_int(db, st, id, "create store");
}

enum db_status
db_store_update(struct db *db, const struct store *s)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "UPDATE stores SET slug = ?2, name = ?3, contact_email = ?4, "
	    "  phone = ?5, address = ?6, hours = ?7, fulfilment = ?8, vat_note = ?9, "
	    "  legal = ?10, currency = ?11, language = ?12, timezone = ?13, "
	    "  alert_emails = ?14, escalate_minutes = ?15, escalate_emails = ?16 "
	    "WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, s->id);
	db_bind_text(st, 2, s->slug);
	db_bind_text(st, 3, s->own_name ? s->name : NULL);
	db_bind_text(st, 4, s->contact_email);
	db_bind_text(st, 5, s->phone);
	db_bind_text(st, 6, s->address);
	db_bind_text(st, 7, s->hours);
	db_bind_text(st, 8, store_fulfilment_name(s->fulfilment));
	db_bind_text(st, 9, s->vat_note);
	db_bind_text(st, 10, s->legal);
	db_bind_text(st, 11, s->own_currency ? s->currency : NULL);
	db_bind_text(st, 12, s->own_lang ? s->lang : NULL);
	db_bind_text(st, 13, s->own_tz ? s->tz : NULL);
	db_bind_text(st, 14, s->alert_emails);
	db_bind_int(st, 15, s->escalate_minutes);
	db_bind_text(st, 16, s->escalate_emails);
	if ((rc = db_step_done(db, st, "update store")) != DB_OK)
		return rc;
	return db_changes(db) == 0 ? DB_NOTFOUND : DB_OK;
}
