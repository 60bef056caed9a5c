/* db_engine.c — db_impl.h's statement API and db.h's connection calls, handed to the connection's engine (db_sqlite.c or db_pg.c); the statement cache, which is the same for both. */
#include <stdlib.h>
#include <string.h>

#include "db_engine.h"

#define PG(db)	((db)->engine == DB_POSTGRESQL)

int
db_is_pg_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

struct db *
db_open(const char *path, int sync_full, struct logger *lg, struct buf *err)
{
	struct db *db = xcalloc(1, sizeof *db);
	enum db_status rc;

	db->log = lg;
	if (db_is_pg_uri(path)) {
		db->engine = DB_POSTGRESQL;
		rc = pg_open(db, path, err);
	} else {
		db->engine = DB_SQLITE;
		rc = lite_open(db, path, sync_full, err);
	}
	if (rc != DB_OK) {
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->ncache; i++) {
		if (PG(db))
			pg_finalize(db->cache[i].stmt->impl);
		else
			lite_finalize(db->cache[i].stmt->impl);
		free(db->cache[i].stmt);
	}
	if (PG(db))
		pg_close(db);
	else
		lite_close(db);
	free(db);
}

enum db_status
db_status_of(struct db *db, int rc, const char *what)
{
	return PG(db) ? pg_status_of(db, rc, what) : lite_status_of(db, rc, what);
}

struct db_stmt *
db_stmt(struct db *db, const char *sql)
{
	struct db_stmt *st;
	void *impl;
	size_t i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql) {
			st = db->cache[i].stmt;
			if (PG(db))
				pg_clear(st->impl);
			else
				lite_clear(st->impl);
			return st;
		}
	/*
	 * Full: refuse. Evicting would finalize a statement a caller may still
	 * be stepping (see DB_STMT_CACHE); an uncached one would leak.
	 */
	if (db->ncache == DB_STMT_CACHE) {
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: statement cache full (%d texts; "
			    "is SQL built at run time?): %.120s", DB_STMT_CACHE, sql);
		return NULL;
	}
	if ((impl = PG(db) ? pg_prepare(db, sql) : lite_prepare(db, sql)) == NULL)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->db = db;
	st->impl = impl;
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].stmt = st;
	db->ncache++;
	return st;
}

struct db_stmt *
db_stmt_new(struct db *db, const char *sql)
{
	struct db_stmt *st;
	void *impl;

	if ((impl = PG(db) ? pg_prepare(db, sql) : lite_prepare(db, sql)) == NULL)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->db = db;
	st->impl = impl;
	return st;
}

void
db_stmt_free(struct db_stmt *st)
{
	if (st == NULL)
		return;
	if (PG(st->db))
		pg_finalize(st->impl);
	else
		lite_finalize(st->impl);
	free(st);
}

void
db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	if (PG(st->db))
		pg_bind_int64(st->impl, i, v);
	else
		lite_bind_int64(st->impl, i, v);
}

void
db_bind_int(struct db_stmt *st, int i, int v)
{
	db_bind_int64(st, i, v);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	if (PG(st->db))
		pg_bind_null(st->impl, i);
	else
		lite_bind_null(st->impl, i);
}

int
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (PG(st->db))
		pg_bind_text(st->impl, i, s);
	else
		lite_bind_text(st->impl, i, s);
	return 0;
}

void
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (PG(st->db))
		pg_bind_blob(st->impl, i, p, n);
	else
		lite_bind_blob(st->impl, i, p, n);
}

int
db_step(struct db_stmt *st)
{
	return PG(st->db) ? pg_step(st->impl) : lite_step(st->impl);
}

void
db_reset(struct db_stmt *st)
{
	if (PG(st->db))
		pg_reset(st->impl);
	else
		lite_reset(st->impl);
}

int64_t
db_col_int64(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_int64(st->impl, i) : lite_col_int64(st->impl, i);
}

int
db_col_int(struct db_stmt *st, int i)
{
	return (int)db_col_int64(st, i);
}

const char *
db_col_text(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_text(st->impl, i) : lite_col_text(st->impl, i);
}

int
db_col_null(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_null(st->impl, i) : lite_col_null(st->impl, i);
}

enum db_col_kind
db_col_kind(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_kind(st->impl, i) : lite_col_kind(st->impl, i);
}

int
db_col_count(struct db_stmt *st)
{
	return PG(st->db) ? pg_col_count(st->impl) : lite_col_count(st->impl);
}

const void *
db_col_blob(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_blob(st->impl, i) : lite_col_blob(st->impl, i);
}

size_t
db_col_bytes(struct db_stmt *st, int i)
{
	return PG(st->db) ? pg_col_bytes(st->impl, i) : lite_col_bytes(st->impl, i);
}

int64_t
db_changes(struct db *db)
{
	return PG(db) ? pg_changes(db) : lite_changes(db);
}

int64_t
db_total_changes(struct db *db)
{
	/* PostgreSQL's data version already moves with this connection's own commits. */
	return PG(db) ? 0 : lite_total_changes(db);
}

enum db_status
db_begin(struct db *db)
{
	return PG(db) ? pg_begin(db) : lite_begin(db);
}

enum db_status
db_commit(struct db *db)
{
	return PG(db) ? pg_commit(db) : lite_commit(db);
}

void
db_rollback(struct db *db)
{
	if (PG(db))
		pg_rollback(db);
	else
		lite_rollback(db);
}

enum db_status
db_data_version(struct db *db, int64_t *out)
{
	return PG(db) ? pg_data_version(db, out) : lite_data_version(db, out);
}

int
db_watch_fd(struct db *db)
{
	return PG(db) ? pg_watch_fd(db) : -1;
}

int
db_watch_changed(struct db *db)
{
	int64_t v;

	if (PG(db))
		return pg_watch_changed(db);
	if (lite_data_version(db, &v) != DB_OK)
		return 1;
	if (v == db->watch_version)
		return 0;
	db->watch_version = v;
	return 1;
}

int
db_user_version(struct db *db)
{
	return PG(db) ? pg_user_version(db) : lite_user_version(db);
}
