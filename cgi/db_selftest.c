/* db_selftest.c — the alert self-test's feed event: an 'alert_test' row of order_events, without an order. */
#include "db_impl.h"
#include "db_selftest.h"

enum db_status
db_selftest_event_add(struct db *db, int64_t store_id, const char *by, int64_t now,
    int64_t *event_id)
{
	sqlite3_stmt *st;
	enum db_status rc;

	*event_id = 0;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	/* "order": null first, so the feed's splice shows it as every client expects. */
	st = db_stmt(db, "INSERT INTO order_events (store_id, type, payload, created_at) "
	    "VALUES (?1, 'alert_test', json_object('order', NULL, 'by', ?2), ?3)");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = db_step_done(db, st, "add alert_test event")) != DB_OK)
		goto fail;
	*event_id = (int64_t)sqlite3_last_insert_rowid(db->conn);
	if ((rc = db_commit(db)) == DB_OK)
		return DB_OK;
	*event_id = 0;
fail:
	db_rollback(db);
	return rc;
}
