/* db_pg_open.c — opening a PostgreSQL database (db_engine.h): the server's version and collation, the migrations of schema-pg.sql under an advisory lock, the epoch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_engine.h"
#include "db_pg_impl.h"

/* schema-pg.sql, compiled in by the Makefile (build/schema_pg_sql.c). */
extern const char db_schema_pg_sql[];

#define MIGRATION_LINE	"\n-- @migration "
#define MIGRATE_LOCK_SQL \
	"SELECT pg_advisory_xact_lock(hashtextextended('ordersync.migrate', 0))"

int
pg_user_version(struct db *db)
{
	PGresult *res = PQexec(db->pg->conn, "SELECT version FROM schema_version");
	int v = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = atoi(PQgetvalue(res, 0, 0));
	else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		v = 0;		/* no table yet: a new database */
	PQclear(res);
	return v;
}

/* The number of the last "-- @migration N" block of schema-pg.sql. */
static int
last_migration(void)
{
	const char *p = db_schema_pg_sql;
	int v = 0;

	while ((p = strstr(p, MIGRATION_LINE)) != NULL) {
		p += strlen(MIGRATION_LINE);
		v = atoi(p);
	}
	return v;
}

/*
 * Applies the blocks of schema-pg.sql above the database's version, each
 * in its own transaction that first takes the migration lock, runs the
 * prologue (which makes schema_version), reads the version again (another
 * host may have migrated while this one waited) and only then applies the
 * block: two hosts starting at once migrate once (schema-pg.sql's header).
 */
static enum db_status
migrate(struct db *db, struct buf *err)
{
	const char *first = strstr(db_schema_pg_sql, MIGRATION_LINE), *p, *body, *next;
	char *prologue, *sql, setv[80];
	int n, have, rc;

	if (first == NULL) {
		buf_puts(err, "schema-pg.sql has no migrations");
		return DB_ERROR;
	}
	if (last_migration() != db_schema_version()) {
		buf_printf(err, "schema-pg.sql ends at migration %d but schema.sql at %d",
		    last_migration(), db_schema_version());
		return DB_ERROR;
	}
	if ((have = pg_user_version(db)) > last_migration()) {
		buf_printf(err, "the database has schema version %d, newer than this "
		    "program's %d", have, last_migration());
		return DB_ERROR;
	}
	if (have == last_migration())
		return DB_OK;
	prologue = xstrndup(db_schema_pg_sql, (size_t)(first - db_schema_pg_sql));
	for (p = first; p != NULL; p = next) {
		n = atoi(p + strlen(MIGRATION_LINE));
		body = strchr(p + 1, '\n');
		next = strstr(body, MIGRATION_LINE);
		sql = xstrndup(body, next ? (size_t)(next - body) : strlen(body));
		if ((rc = pg_run(db, "BEGIN")) != 0 || (rc = pg_run(db, MIGRATE_LOCK_SQL)) != 0 ||
		    (rc = pg_run(db, prologue)) != 0)
			goto fail;
		have = pg_user_version(db);
		if (have > last_migration()) {
			buf_printf(err, "the database has schema version %d, newer than this "
			    "program's %d", have, last_migration());
			pg_rollback(db);
			free(sql);
			free(prologue);
			return DB_ERROR;
		}
		snprintf(setv, sizeof setv, "UPDATE schema_version SET version = %d", n);
		if (n > have && ((rc = pg_run(db, sql)) != 0 || (rc = pg_run(db, setv)) != 0))
			goto fail;
		if ((rc = pg_run(db, "COMMIT")) != 0)
			goto fail;
		free(sql);
	}
	free(prologue);
	return DB_OK;
fail:
	buf_printf(err, "migration %d failed: %s", n, db->pg->message);
	pg_rollback(db);
	free(sql);
	free(prologue);
	return DB_ERROR;
}

/*
 * Text order must be byte order, as SQLite's: the order-number prefix
 * search ("number < ? || '~'") and sorted lists rely on it.
 */
static enum db_status
check_collation(struct db *db, struct buf *err)
{
	PGresult *res = PQexec(db->pg->conn, "SELECT datcollate FROM pg_database "
	    "WHERE datname = current_database()");
	const char *c;
	enum db_status rc = DB_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		buf_printf(err, "cannot read the database's collation: %s",
		    PQresultErrorMessage(res));
		rc = DB_ERROR;
	} else {
		c = PQgetvalue(res, 0, 0);
		if (strcmp(c, "C") != 0 && strcmp(c, "POSIX") != 0 &&
		    strcasecmp(c, "C.UTF-8") != 0 && strcasecmp(c, "C.utf8") != 0) {
			buf_printf(err, "the database's collation is %s; ordersync needs "
			    "C or C.UTF-8 (CREATE DATABASE … TEMPLATE template0 "
			    "LOCALE 'C.UTF-8')", c);
			rc = DB_ERROR;
		}
	}
	PQclear(res);
	return rc;
}

/*
 * A user that may read the shop's tables but not write them (a role
 * granted SELECT alone, a read-only replica): logged at start-up, as
 * SQLite's read-only file is, since no order could be saved.
 */
static void
check_writable(struct db *db)
{
	PGresult *res = PQexec(db->pg->conn, "SELECT current_user, "
	    "has_table_privilege('orders', 'INSERT'), pg_is_in_recovery()");

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && db->log != NULL &&
	    (strcmp(PQgetvalue(res, 0, 1), "t") != 0 || strcmp(PQgetvalue(res, 0, 2), "t") == 0))
		log_msg(db->log, LOG_ERROR, "db: the database is read-only for this process "
		    "(PostgreSQL user %s%s) at start-up: no order can be saved; %s",
		    PQgetvalue(res, 0, 0), strcmp(PQgetvalue(res, 0, 2), "t") == 0 ?
		    ", a server in recovery" : "", PG_OWNER_HINT);
	PQclear(res);
}

enum db_status
pg_open(struct db *db, const char *uri, struct buf *err)
{
	PGresult *res;

	db->pg = xcalloc(1, sizeof *db->pg);
	db->pg->gen = 1;
	db->pg->conn = PQconnectdb(uri);
	if (PQstatus(db->pg->conn) != CONNECTION_OK) {
		buf_printf(err, "cannot connect to PostgreSQL: %s", PQerrorMessage(db->pg->conn));
		return DB_ERROR;
	}
	if (PQserverVersion(db->pg->conn) < 150000) {
		buf_printf(err, "PostgreSQL %d.%d is too old: ordersync needs 15 or later",
		    PQserverVersion(db->pg->conn) / 10000, PQserverVersion(db->pg->conn) % 100);
		return DB_ERROR;
	}
	if (pg_run(db, SESSION_SQL) != 0) {
		buf_printf(err, "cannot set up the session: %s", db->pg->message);
		return DB_ERROR;
	}
	if (check_collation(db, err) != DB_OK || migrate(db, err) != DB_OK)
		return DB_ERROR;
	check_writable(db);
	res = PQexec(db->pg->conn, "SELECT value FROM meta WHERE key = 'epoch'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		buf_puts(err, "the database has no epoch in its meta table");
		PQclear(res);
		return DB_ERROR;
	}
	snprintf(db->epoch, sizeof db->epoch, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return DB_OK;
}

void
pg_close(struct db *db)
{
	if (db->pg == NULL)
		return;
	PQfinish(db->pg->conn);
	free(db->pg);
	db->pg = NULL;
}
