/* db_sqlite.c — the SQLite engine (db_engine.h): opening (WAL, synchronous, busy timeout), migrations from schema.sql, transactions, statements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db_engine.h"

/* schema.sql, compiled in by the Makefile (build/schema_sql.c). */
extern const char db_schema_sql[];

#define MIGRATION_MARK "-- @migration "
#define BUSY_TIMEOUT_MS 5000
/* What a host must fix when SQLite cannot write (README, "The database"). */
#define OWNER_HINT "the database file, its -wal and -shm files and its " \
	"directory must belong to the user the app runs as"

_Static_assert(DB_ROW == SQLITE_ROW && DB_DONE == SQLITE_DONE,
    "lite_step passes SQLite's codes through");

enum db_status
lite_status_of(struct db *db, int rc, const char *what)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		if (db->log)
			log_msg(db->log, LOG_WARN, "db: %s: database is locked", what);
		return DB_BUSY;
	case SQLITE_READONLY:
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %s: the database is read-only for "
			    "this process (uid %ld); %s", what, (long)getuid(), OWNER_HINT);
		return DB_ERROR;
	case SQLITE_CONSTRAINT:
		if (db->log)
			log_msg(db->log, LOG_INFO, "db: %s: %s", what, sqlite3_errmsg(db->conn));
		return DB_CONFLICT;
	default:
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %s: %s (%d)", what,
			    sqlite3_errmsg(db->conn), rc);
		return DB_ERROR;
	}
}

void *
lite_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		lite_status_of(db, rc, "prepare");
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: could not prepare: %.120s", sql);
		return NULL;
	}
	return st;
}

void
lite_finalize(void *impl)
{
	sqlite3_finalize(impl);
}

void
lite_clear(void *impl)
{
	sqlite3_reset(impl);
	sqlite3_clear_bindings(impl);
}

void
lite_bind_int64(void *impl, int i, int64_t v)
{
	sqlite3_bind_int64(impl, i, (sqlite3_int64)v);
}

void
lite_bind_text(void *impl, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(impl, i);
	else
		sqlite3_bind_text(impl, i, s, -1, SQLITE_TRANSIENT);
}

void
lite_bind_blob(void *impl, int i, const void *p, size_t n)
{
	sqlite3_bind_blob64(impl, i, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

void
lite_bind_null(void *impl, int i)
{
	sqlite3_bind_null(impl, i);
}

int
lite_step(void *impl)
{
	return sqlite3_step(impl);
}

void
lite_reset(void *impl)
{
	sqlite3_reset(impl);
}

int64_t
lite_col_int64(void *impl, int i)
{
	return (int64_t)sqlite3_column_int64(impl, i);
}

const char *
lite_col_text(void *impl, int i)
{
	return (const char *)sqlite3_column_text(impl, i);
}

int
lite_col_null(void *impl, int i)
{
	return sqlite3_column_type(impl, i) == SQLITE_NULL;
}

enum db_col_kind
lite_col_kind(void *impl, int i)
{
	switch (sqlite3_column_type(impl, i)) {
	case SQLITE_NULL:
		return DB_COL_NULL;
	case SQLITE_INTEGER:
		return DB_COL_INT;
	case SQLITE_BLOB:
		return DB_COL_BLOB;
	default:
		return DB_COL_TEXT;
	}
}

int
lite_col_count(void *impl)
{
	return sqlite3_column_count(impl);
}

const void *
lite_col_blob(void *impl, int i)
{
	return sqlite3_column_blob(impl, i);
}

size_t
lite_col_bytes(void *impl, int i)
{
	return (size_t)sqlite3_column_bytes(impl, i);
}

int64_t
lite_changes(struct db *db)
{
	return (int64_t)sqlite3_changes64(db->conn);
}

int64_t
lite_total_changes(struct db *db)
{
	return (int64_t)sqlite3_total_changes64(db->conn);
}

/* Runs a batch of SQL without results. */
static enum db_status
exec(struct db *db, const char *sql, const char *what)
{
	return lite_status_of(db, sqlite3_exec(db->conn, sql, NULL, NULL, NULL), what);
}

int
lite_user_version(struct db *db)
{
	struct db_stmt *st = db_stmt(db, "PRAGMA user_version");
	int v = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	if (st != NULL)
		db_reset(st);
	return v;
}

/*
 * 1 when a row breaks a foreign key (PRAGMA foreign_key_check returns rows),
 * or the check cannot run: a migration that did so is rolled back.
 */
static int
foreign_keys_broken(struct db *db)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->conn, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return 1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc != SQLITE_DONE;
}

/*
 * Applies every "-- @migration N" block of schema.sql with N above the
 * database's user_version, each in its own BEGIN IMMEDIATE transaction that
 * also sets user_version, so a crash leaves a database at a clean version.
 */
static enum db_status
migrate(struct db *db, struct buf *err)
{
	const char *p = db_schema_sql, *next, *body;
	char *sql, setv[64];
	int have, n;
	enum db_status rc;

	if ((have = db_user_version(db)) < 0) {
		buf_printf(err, "cannot read the schema version: %s", sqlite3_errmsg(db->conn));
		return DB_ERROR;
	}
	if (have > db_schema_version()) {
		buf_printf(err, "the database has schema version %d, newer than this "
		    "program's %d", have, db_schema_version());
		return DB_ERROR;
	}
	while ((p = strstr(p, MIGRATION_MARK)) != NULL) {
		n = atoi(p + strlen(MIGRATION_MARK));
		body = p + strcspn(p, "\n");
		next = strstr(body, MIGRATION_MARK);
		p = next ? next : body + strlen(body);
		if (n <= have)
			continue;
		if ((rc = db_begin(db)) != DB_OK) {
			buf_printf(err, "cannot begin migration %d: %s", n, sqlite3_errmsg(db->conn));
			return rc;
		}
		sql = xstrndup(body, (size_t)(p - body));
		snprintf(setv, sizeof setv, "PRAGMA user_version = %d;", n);
		if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    foreign_keys_broken(db) ||
		    sqlite3_exec(db->conn, setv, NULL, NULL, NULL) != SQLITE_OK) {
			buf_printf(err, "migration %d failed: %s", n, sqlite3_errmsg(db->conn));
			free(sql);
			db_rollback(db);
			return DB_ERROR;
		}
		free(sql);
		if ((rc = db_commit(db)) != DB_OK) {
			buf_printf(err, "cannot commit migration %d", n);
			db_rollback(db);
			return rc;
		}
	}
	return DB_OK;
}

static enum db_status
load_epoch(struct db *db)
{
	struct db_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = 'epoch'");
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(db->epoch, sizeof db->epoch, "%s",
		    db_col_text(st, 0));
	db_reset(st);
	return rc == DB_ROW ? DB_OK : DB_ERROR;
}

enum db_status
lite_open(struct db *db, const char *path, int sync_full, struct buf *err)
{
	struct logger *lg = db->log;
	int rc;

	rc = sqlite3_open_v2(path, &db->conn,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		buf_printf(err, "cannot open %s: %s", path,
		    db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->conn, 0);
	sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
	if (exec(db, "PRAGMA journal_mode = WAL", "wal") != DB_OK ||
	    exec(db, sync_full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", "synchronous") != DB_OK) {
		rc = sqlite3_errcode(db->conn);
		buf_printf(err, "cannot set up %s: %s%s%s", path, sqlite3_errmsg(db->conn),
		    rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN ? "; " : "",
		    rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN ? OWNER_HINT : "");
		goto fail;
	}
	if (sqlite3_db_readonly(db->conn, "main") == 1 && lg != NULL)
		log_msg(lg, LOG_ERROR, "db: %s is read-only for this process (uid %ld) "
		    "at start-up: no order can be saved; %s", path, (long)getuid(), OWNER_HINT);
	/*
	 * Migrations run with foreign keys off, as SQLite's procedure for
	 * changing a table's definition asks (a rebuilt table is dropped and
	 * renamed, which must not cascade); each one checks the keys itself
	 * before it commits. They are on for everything after.
	 */
	if (migrate(db, err) != DB_OK)
		goto fail;
	if (exec(db, "PRAGMA foreign_keys = ON", "foreign_keys") != DB_OK) {
		buf_printf(err, "cannot set up %s: %s", path, sqlite3_errmsg(db->conn));
		goto fail;
	}
	if (load_epoch(db) != DB_OK) {
		buf_printf(err, "%s has no epoch in its meta table", path);
		goto fail;
	}
	return DB_OK;
fail:
	return DB_ERROR;
}

void
lite_close(struct db *db)
{
	sqlite3_close(db->conn);
	db->conn = NULL;
}

enum db_status
lite_begin(struct db *db)
{
	return exec(db, "BEGIN IMMEDIATE", "begin");
}

enum db_status
lite_commit(struct db *db)
{
	return exec(db, "COMMIT", "commit");
}

void
lite_rollback(struct db *db)
{
	if (db->conn != NULL && !sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

enum db_status
lite_data_version(struct db *db, int64_t *out)
{
	struct db_stmt *st = db_stmt(db, "PRAGMA data_version");
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if ((rc = db_step(st)) == DB_ROW)
		*out = db_col_int64(st, 0);
	db_reset(st);
	return lite_status_of(db, rc, "data_version");
}
