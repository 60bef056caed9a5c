/* db_users.c — the SQL of staff accounts: the list, invitations, role/store/disabled changes, set-password links. */
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"
#include "db_users.h"

#define USER_COLS \
	"SELECT u.id, u.email, u.role, coalesce(u.store_id, 0), coalesce(s.slug, ''), " \
	"  coalesce(s.name, ''), u.disabled, u.last_login_at " \
	"FROM users u LEFT JOIN stores s ON s.id = u.store_id "

static void
read_user(struct db_stmt *st, void *p)
{
	struct db_user *u = p;

	u->id = db_col_int64(st, 0);
	db_col_copy(st, 1, u->email, sizeof u->email);
	db_col_copy(st, 2, u->role, sizeof u->role);
	u->store_id = db_col_int64(st, 3);
	db_col_copy(st, 4, u->store_slug, sizeof u->store_slug);
	db_col_copy(st, 5, u->store_name, sizeof u->store_name);
	u->disabled = db_col_int(st, 6);
	u->last_login_at = db_col_int64(st, 7);
}

static void
clear_user(void *p)
{
	(void)p;
}

enum db_status
db_users_list(struct db *db, int64_t store_id, struct db_user **out, size_t *n)
{
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, USER_COLS "WHERE ?1 = 0 OR u.store_id = ?1 "
	    "ORDER BY u.email LIMIT 1000");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	return db_collect(db, st, sizeof **out, read_user, clear_user, (void **)out, n,
	    "list users");
}

enum db_status
db_users_get(struct db *db, int64_t store_id, int64_t id, struct db_user *out)
{
	struct db_stmt *st;

	st = db_stmt(db, USER_COLS "WHERE u.id = ?1 AND (?2 = 0 OR u.store_id = ?2)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, store_id);
	memset(out, 0, sizeof *out);
	return db_one_row(db, st, read_user, out, "get user");
}

enum db_status
db_users_by_email(struct db *db, const char *email, struct db_user *out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, USER_COLS "WHERE u.email = ?1")) == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	memset(out, 0, sizeof *out);
	return db_one_row(db, st, read_user, out, "find user");
}

/* Binds a store id, 0 as NULL (every store). */
static void
bind_store(struct db_stmt *st, int i, int64_t store_id)
{
	if (store_id == 0)
		db_bind_null(st, i);
	else
		db_bind_int64(st, i, store_id);
}

static enum db_status
add_token(struct db *db, int64_t user_id, const char *purpose, const char *token_hash,
    int64_t now, int64_t expires_at)
{
	struct db_stmt *st;

	st = db_stmt(db, "INSERT INTO password_tokens (token_hash, user_id, purpose, "
	    "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, purpose);
	db_bind_int64(st, 4, now);
	db_bind_int64(st, 5, expires_at);
	return db_step_done(db, st, "add password link");
}

enum db_status
db_users_link_add(struct db *db, int64_t id, const char *token_hash, int64_t now,
    int64_t expires_at, int (*then)(void *), void *arg)
{
	enum db_status rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = add_token(db, id, "reset", token_hash, now, expires_at)) == DB_OK &&
	    then(arg) != 0)
		rc = DB_ERROR;
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

/* Runs sql with ?1 bound to id. */
static enum db_status
exec_id(struct db *db, const char *sql, int64_t id, const char *what)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	return db_step_done(db, st, what);
}

/* Ends account id's sessions and voids its unused links (inside a transaction). */
static enum db_status
lock_out(struct db *db, int64_t id)
{
	enum db_status rc;

	rc = exec_id(db, "DELETE FROM sessions WHERE user_id = ?1", id, "end sessions");
	if (rc == DB_OK)
		rc = exec_id(db, "DELETE FROM password_tokens WHERE user_id = ?1 AND "
		    "used_at IS NULL", id, "void links");
	return rc;
}

enum db_status
db_users_invite(struct db *db, const char *email, const char *role, int64_t store_id,
    const char *token_hash, int64_t now, int64_t expires_at, int64_t *id)
{
	struct db_stmt *st;
	enum db_status rc;

	*id = 0;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	/* "!" is no Argon2id hash: no password matches until the link sets one. */
	st = db_stmt(db, "INSERT INTO users (email, password_hash, role, store_id, created_at) "
	    "VALUES (?1, '!', ?2, ?3, ?4) RETURNING id");
	if (st == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, role);
	bind_store(st, 3, store_id);
	db_bind_int64(st, 4, now);
	if ((rc = db_one_int(db, st, id, "invite user")) != DB_OK) {
		if (rc == DB_NOTFOUND)
			rc = DB_ERROR;
		goto out;
	}
	if ((rc = add_token(db, *id, "invite", token_hash, now, expires_at)) == DB_OK)
		rc = db_commit(db);
out:
	if (rc != DB_OK) {
		db_rollback(db);
		*id = 0;
	}
	return rc;
}

enum db_status
db_users_update(struct db *db, int64_t id, const char *role, int64_t store_id,
    int disabled)
{
	struct db_stmt *st;
	enum db_status rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	st = db_stmt(db, "UPDATE users SET role = ?2, store_id = ?3, disabled = ?4 "
	    "WHERE id = ?1");
	if (st == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, role);
	bind_store(st, 3, store_id);
	db_bind_int(st, 4, disabled != 0);
	if ((rc = db_step_done(db, st, "update user")) != DB_OK)
		goto out;
	if (db_changes(db) != 1)
		rc = DB_NOTFOUND;
	else if (!disabled || (rc = lock_out(db, id)) == DB_OK)
		rc = db_commit(db);
out:
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

enum db_status
db_users_reset(struct db *db, int64_t id, const char *token_hash, int64_t now,
    int64_t expires_at)
{
	enum db_status rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = lock_out(db, id)) == DB_OK &&
	    (rc = add_token(db, id, "reset", token_hash, now, expires_at)) == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

enum db_status
db_users_token_find(struct db *db, const char *token_hash, int64_t now, int64_t *user_id)
{
	struct db_stmt *st;

	*user_id = 0;
	st = db_stmt(db, "SELECT t.user_id FROM password_tokens t JOIN users u ON "
	    "u.id = t.user_id WHERE t.token_hash = ?1 AND t.used_at IS NULL AND "
	    "t.expires_at > ?2 AND u.disabled = 0");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	return db_one_int(db, st, user_id, "find password link");
}

enum db_status
db_users_token_use(struct db *db, const char *token_hash, int64_t now,
    const char *password_hash)
{
	struct db_stmt *st;
	enum db_status rc;
	int64_t user_id;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_users_token_find(db, token_hash, now, &user_id)) != DB_OK)
		goto out;
	st = db_stmt(db, "UPDATE password_tokens SET used_at = ?2 WHERE token_hash = ?1");
	if (st == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	if ((rc = db_step_done(db, st, "use password link")) != DB_OK ||
	    (rc = exec_id(db, "DELETE FROM sessions WHERE user_id = ?1", user_id,
	    "end sessions")) != DB_OK ||
	    (rc = db_users_set_password(db, user_id, password_hash)) != DB_OK)
		goto out;
	rc = db_commit(db);
out:
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

enum db_status
db_users_set_password(struct db *db, int64_t id, const char *password_hash)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, "UPDATE users SET password_hash = ?2 WHERE id = ?1")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, password_hash);
	return db_step_done(db, st, "set password");
}
