/* db_selftest.c — the alert self-test's feed event: an 'alert_test' row of order_events, without an order. */
#include <json-c/json.h>

#include "db_impl.h"
#include "db_selftest.h"

enum db_status
db_selftest_event_add(struct db *db, int64_t store_id, const char *by, int64_t now,
    int64_t *event_id)
{
	struct json_object *p;
	struct db_stmt *st;
	enum db_status rc;

	*event_id = 0;
	/* "order": null, so the feed's splice shows it as every client expects. */
	p = json_object_new_object();
	json_object_object_add(p, "order", NULL);
	json_object_object_add(p, "by", json_object_new_string(by != NULL ? by : ""));
	if ((rc = db_begin(db)) != DB_OK)
		goto out;
	st = db_stmt(db, "INSERT INTO order_events (store_id, type, payload, created_at) "
	    "VALUES (?, 'alert_test', ?, ?) RETURNING id");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, store_id);
	db_bind_text(st, 2, json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	db_bind_int64(st, 3, now);
	if ((rc = db_one_int(db, st, event_id, "add alert_test event")) != DB_OK) {
		if (rc == DB_NOTFOUND)
			rc = DB_ERROR;
		goto fail;
	}
	if ((rc = db_commit(db)) == DB_OK)
		goto out;
	*event_id = 0;
fail:
	db_rollback(db);
out:
	json_object_put(p);
	return rc;
}
