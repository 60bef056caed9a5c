/* db_events.c — writing the change feed: one event per change, in the change's transaction. */
#include <time.h>

#include "db_impl.h"

enum db_status
db_event_add(struct db *db, int64_t order_id, const char *type, const char *from,
    const char *to)
{
	sqlite3_stmt *st;
	enum db_status rc;

	st = db_stmt(db,
	    "INSERT INTO order_events (store_id, order_id, type, payload, created_at) "
	    "SELECT store_id, id, ?1, "
	    "  CASE WHEN ?2 IS NULL THEN json_object('order', json(o)) "
	    "  ELSE json_object('order', json(o), 'from', ?2, 'to', ?3) END, ?4 "
	    "FROM (SELECT store_id, id, json_object("
	    "  'number', number, 'status', status, 'total_cents', total_cents, "
	    "  'currency', currency, 'customer_name', customer_name, "
	    "  'items_count', items_count, "
	    "  'created_at', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch')) AS o "
	    "  FROM orders WHERE id = ?5)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, type);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 5, order_id);
	if ((rc = db_step_done(db, st, "add event")) != DB_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? DB_OK : DB_NOTFOUND;
}
