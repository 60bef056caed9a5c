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
read_store(sqlite3_stmt *st, void *p)
{
	struct store *out = p;
	enum store_fulfilment f;

	out->id = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, out->slug, sizeof out->slug);
	out->own_name = sqlite3_column_type(st, 2) != SQLITE_NULL;
	out->name = db_col_strdup(st, 2);
	out->contact_email = db_col_strdup(st, 3);
	out->phone = db_col_strdup(st, 4);
	out->address = db_col_strdup(st, 5);
	out->hours = db_col_strdup(st, 6);
	out->fulfilment = store_fulfilment_parse((const char *)sqlite3_column_text(st, 7),
	    &f) == 0 ? f : STORE_PICKUP;
	out->vat_note = db_col_strdup(st, 8);
	out->legal = db_col_strdup(st, 9);
	if ((out->own_currency = sqlite3_column_type(st, 10) != SQLITE_NULL))
		db_col_copy(st, 10, out->currency, sizeof out->currency);
	if ((out->own_lang = sqlite3_column_type(st, 11) != SQLITE_NULL))
		db_col_copy(st, 11, out->lang, sizeof out->lang);
	out->own_tz = sqlite3_column_type(st, 12) != SQLITE_NULL;
	out->tz = db_col_strdup(st, 12);
	out->alert_emails = db_col_strdup(st, 13);
	out->escalate_minutes = sqlite3_column_int(st, 14);
	out->escalate_emails = db_col_strdup(st, 15);
}

enum db_status
db_store_get(struct db *db, int64_t id, struct store *out)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if ((st = db_stmt(db, STORE_COLS "WHERE id = ?")) == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return db_one_row(db, st, read_store, out, "get store");
}

enum db_status
db_store_by_slug(struct db *db, const char *slug, struct store *out)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if ((st = db_stmt(db, STORE_COLS "WHERE slug = ?")) == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, slug);
	return db_one_row(db, st, read_store, out, "get store by slug");
}

static void
read_row(sqlite3_stmt *st, void *p)
{
	struct db_store_row *r = p;

	r->id = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, r->slug, sizeof r->slug);
	db_col_copy(st, 2, r->name, sizeof r->name);
	r->orders = sqlite3_column_int64(st, 3);
	r->staff = sqlite3_column_int64(st, 4);
}

static void
clear_row(void *p)
{
	(void)p;
}

enum db_status
db_stores_list(struct db *db, struct db_store_row **out, size_t *n)
{
	sqlite3_stmt *st;

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
	sqlite3_stmt *st;
	enum db_status rc;

	*id = 0;
	if (from == 0)
		st = db_stmt(db, "INSERT INTO stores (slug, name, created_at) VALUES (?1, ?2, ?4)");
	else
		st = db_stmt(db, "INSERT INTO stores (slug, name, contact_email, phone, "
		    "  address, hours, fulfilment, vat_note, legal, currency, language, "
		    "  timezone, alert_emails, escalate_minutes, escalate_emails, created_at) "
		    "SELECT ?1, ?2, contact_email, phone, address, hours, fulfilment, "
		    "  vat_note, legal, currency, language, timezone, alert_emails, "
		    "  escalate_minutes, escalate_emails, ?4 FROM stores WHERE id = ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, slug);
	db_bind_text(st, 2, name);
	if (from != 0)
		sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, now);
	if ((rc = db_step_done(db, st, "create store")) != DB_OK)
		return rc;
	if (sqlite3_changes(db->conn) == 0)
		return DB_NOTFOUND;
	*id = sqlite3_last_insert_rowid(db->conn);
	return DB_OK;
}

enum db_status
db_store_update(struct db *db, const struct store *s)
{
	sqlite3_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "UPDATE stores SET slug = ?2, name = ?3, contact_email = ?4, "
	    "  phone = ?5, address = ?6, hours = ?7, fulfilment = ?8, vat_note = ?9, "
	    "  legal = ?10, currency = ?11, language = ?12, timezone = ?13, "
	    "  alert_emails = ?14, escalate_minutes = ?15, escalate_emails = ?16 "
	    "WHERE id = ?1");
	if (st == NULL)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, s->id);
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
	sqlite3_bind_int(st, 15, s->escalate_minutes);
	db_bind_text(st, 16, s->escalate_emails);
	if ((rc = db_step_done(db, st, "update store")) != DB_OK)
		return rc;
	return sqlite3_changes(db->conn) == 0 ? DB_NOTFOUND : DB_OK;
}
