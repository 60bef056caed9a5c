/* db_lookup.c — the order look-up's throttle, kept in the sign-in attempts table under a key of its own. */
#include "db_impl.h"
#include "db_lookup.h"

enum db_status
db_lookup_begin(struct db *db, const char *key, int64_t now, int64_t window, int max,
    int64_t *attempt_id, int64_t *until)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t at = 0;

	*attempt_id = 0;
	*until = 0;
	/* IMMEDIATE: the count and the insert are one step for every process. */
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	/* The max-th most recent failure in the window: while it is there, wait. */
	st = db_stmt(db, "SELECT at FROM login_attempts WHERE email = ?1 AND addr = '' "
	    "AND ok = 0 AND at > ?2 ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?3");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, key);
	db_bind_int64(st, 2, now - window);
	db_bind_int(st, 3, max - 1);
	rc = db_one_int(db, st, &at, "look-up throttle");
	if (rc == DB_OK) {
		*until = at + window > now ? at + window : now + 1;
		db_rollback(db);
		return DB_OK;
	}
	if (rc != DB_NOTFOUND)
		goto fail;
	st = db_stmt(db, "INSERT INTO login_attempts (email, addr, device, at, ok) "
	    "VALUES (?, '', '', ?, 0) RETURNING id");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	db_bind_text(st, 1, key);
	db_bind_int64(st, 2, now);
	if ((rc = db_one_int(db, st, attempt_id, "record look-up")) != DB_OK) {
		if (rc == DB_NOTFOUND)
			rc = DB_ERROR;
		goto fail;
	}
	if ((rc = db_commit(db)) == DB_OK)
		return DB_OK;
	*attempt_id = 0;
fail:
	db_rollback(db);
	return rc;
}
