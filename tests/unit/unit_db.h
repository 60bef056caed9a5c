/* unit_db.h — a test's database on the engine ORDERSYNC_TEST_ENGINE names (sqlite, the default, or pg), and engine-neutral SQL helpers over db_impl.h's statement API. */
#ifndef ORDERSYNC_UNIT_DB_H
#define ORDERSYNC_UNIT_DB_H

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "db.h"
#include "db_impl.h"
#include "log.h"

/*
 * Under ORDERSYNC_TEST_ENGINE=pg (make check-pg: tests/pg/check_pg.sh) the
 * cluster is the one PGHOST, PGPORT and PGUSER name. unit_db_path() then
 * makes a fresh database per call (CK_FORK=yes runs each test in its own
 * child), from template0 with the collation ordersync needs, through an
 * admin connection to the postgres database; the process that made it
 * drops it WITH (FORCE) when it exits (atexit: also after a failed
 * assertion, which exits the child), so a connection the test left open
 * cannot keep it.
 */

/* 1 when the unit tests run on PostgreSQL (ORDERSYNC_TEST_ENGINE=pg). */
static inline int
unit_pg(void)
{
	const char *e = getenv("ORDERSYNC_TEST_ENGINE");

	return e != NULL && strcmp(e, "pg") == 0;
}

#define UNIT_PG_MAX	16
static char	unit_pg_made[UNIT_PG_MAX][64];
static int	unit_pg_nmade;
static pid_t	unit_pg_owner;

/* An admin connection to the cluster's postgres database; fails the test when it cannot. */
static inline PGconn *
unit_pg_admin(void)
{
	PGconn *c = PQconnectdb("dbname=postgres");

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "PostgreSQL (PGHOST=%s): %s",
	    getenv("PGHOST") ? getenv("PGHOST") : "", PQerrorMessage(c));
	return c;
}

/* atexit: drops the databases this process made (not a forked child's, nor its parent's). */
static inline void
unit_pg_drop_all(void)
{
	PGconn *c;
	PGresult *res;
	char sql[160];
	int i;

	if (unit_pg_nmade == 0 || getpid() != unit_pg_owner)
		return;
	c = PQconnectdb("dbname=postgres");
	for (i = 0; i < unit_pg_nmade && PQstatus(c) == CONNECTION_OK; i++) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
		    unit_pg_made[i]);
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fprintf(stderr, "could not drop the test database %s: %s",
			    unit_pg_made[i], PQresultErrorMessage(res));
		PQclear(res);
	}
	PQfinish(c);
	unit_pg_nmade = 0;
}

/*
 * Where a test's database is, into out (outsz bytes): under SQLite the file
 * dir/file (made by db_open); under PostgreSQL a new empty database, named
 * after tag, and its postgresql:// URI. Each call under PostgreSQL is
 * another database, as each file name is another file.
 */
static inline void
unit_db_path(char *out, size_t outsz, const char *dir, const char *file, const char *tag)
{
	static unsigned seq;
	PGconn *c;
	PGresult *res;
	char name[64], sql[192];
	const char *user = getenv("PGUSER");

	if (!unit_pg()) {
		ck_assert_int_lt(snprintf(out, outsz, "%s/%s", dir, file), (int)outsz);
		return;
	}
	ck_assert_msg(getenv("PGHOST") != NULL && getenv("PGPORT") != NULL,
	    "ORDERSYNC_TEST_ENGINE=pg needs a running cluster (PGHOST, PGPORT: make check-pg)");
	ck_assert_int_lt(unit_pg_nmade, UNIT_PG_MAX);
	if (unit_pg_owner != getpid()) {	/* a forked child: its own list */
		unit_pg_owner = getpid();
		unit_pg_nmade = 0;
		atexit(unit_pg_drop_all);
	}
	snprintf(name, sizeof name, "ordersync_u_%.20s_%ld_%u", tag, (long)getpid(), seq++);
	snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE template0 "
	    "LOCALE 'C.UTF-8' ENCODING 'UTF8'", name);
	c = unit_pg_admin();
	res = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
	snprintf(unit_pg_made[unit_pg_nmade++], sizeof unit_pg_made[0], "%s", name);
	ck_assert_int_lt(snprintf(out, outsz, "postgresql:///%s?host=%s&port=%s&user=%s",
	    name, getenv("PGHOST"), getenv("PGPORT"), user ? user : "postgres"), (int)outsz);
}

/*
 * Formats SQL with SQLite's printf (a string formatter, no database): %q
 * doubles quotes, %Q quotes or writes NULL, standard SQL on both engines.
 * The caller frees the text with unit_sql_free().
 */
static inline char *
unit_sqlf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Frees a text unit_sqlf() made. */
static inline void
unit_sql_free(char *s)
{
	sqlite3_free(s);
}

/*
 * Under PostgreSQL, an "INSERT INTO t (id, …) VALUES|SELECT …" that sets
 * ids: the text with OVERRIDING SYSTEM VALUE before VALUES or SELECT (the
 * identity refuses an id otherwise), and t's name into table. NULL for any
 * other statement, and under SQLite. The caller frees the text.
 */
static inline char *
unit_sql_override_ids(const char *one, char *table, size_t tablesz)
{
	const char *p = one, *t, *close;
	char *out;
	size_t n;

	if (!unit_pg())
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "INSERT INTO ", 12) != 0)
		return NULL;
	t = p + 12;
	n = strcspn(t, " (");
	if (n == 0 || n >= tablesz || strncmp(t + n + strspn(t + n, " "), "(id,", 4) != 0 ||
	    (close = strchr(t, ')')) == NULL)
		return NULL;
	snprintf(table, tablesz, "%.*s", (int)n, t);
	out = malloc(strlen(one) + 32);
	ck_assert_ptr_nonnull(out);
	sprintf(out, "%.*s OVERRIDING SYSTEM VALUE%s", (int)(close + 1 - one), one, close + 1);
	return out;
}

/*
 * Runs one statement on db through db_stmt_new/db_step to its end (its
 * text is not split: a trigger's body may hold semicolons). Under
 * PostgreSQL an INSERT that sets ids gets OVERRIDING SYSTEM VALUE and its
 * table's next id is moved past them (unit_sql_override_ids,
 * unit_sql_sync_ids). Returns DB_OK or its db_status; the error goes to
 * db's logger, or stderr when db has none.
 */
static inline void	unit_sql_sync_ids(struct db *db, const char *table);
static inline enum db_status
unit_sql_try_one(struct db *db, const char *sql)
{
	struct logger lg, *saved = db->log;
	struct db_stmt *st;
	enum db_status rc = DB_OK;
	char *ov, table[64];
	int r;

	if (saved == NULL) {
		log_init(&lg, LOG_ERROR);
		db->log = &lg;
	}
	table[0] = '\0';
	ov = unit_sql_override_ids(sql, table, sizeof table);
	if ((st = db_stmt_new(db, ov ? ov : sql)) == NULL)
		rc = DB_ERROR;
	else {
		while ((r = db_step(st)) == DB_ROW)
			;
		if (r != DB_DONE)
			rc = db_status_of(db, r, ov ? ov : sql);
		db_stmt_free(st);
	}
	if (rc != DB_OK && saved == NULL)
		fprintf(stderr, "unit_sql: %s\n", ov ? ov : sql);
	free(ov);
	db->log = saved;
	if (rc == DB_OK && table[0] != '\0')
		unit_sql_sync_ids(db, table);
	return rc;
}

/*
 * Runs sql on db, one statement after another (split at the semicolons
 * outside quotes), each with unit_sql_try_one. Returns DB_OK or the
 * failing statement's db_status (the later ones do not run).
 */
static inline enum db_status
unit_sql_try(struct db *db, const char *sql)
{
	enum db_status rc = DB_OK;
	const char *p = sql, *start = sql;
	char quote = 0, *one;
	size_t k;

	for (;; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
			else if (*p == '\0')
				break;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			continue;
		}
		if (*p != ';' && *p != '\0')
			continue;
		for (k = 0; start + k < p && strchr(" \t\r\n", start[k]) != NULL; k++)
			;
		if (start + k < p) {
			one = strndup(start, (size_t)(p - start));
			rc = unit_sql_try_one(db, one);
			free(one);
			if (rc != DB_OK)
				break;
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return rc;
}

/* unit_sql_try that fails the test unless every statement ran. */
#define unit_sql(db, sql) do {						\
	const char *unit_sql_text_ = (sql);				\
	ck_assert_msg(unit_sql_try((db), unit_sql_text_) == DB_OK,	\
	    "SQL failed: %s", unit_sql_text_);				\
} while (0)

/* unit_sql_try_one that fails the test unless the statement ran. */
#define unit_sql_one(db, sql) do {					\
	const char *unit_sql_text_ = (sql);				\
	ck_assert_msg(unit_sql_try_one((db), unit_sql_text_) == DB_OK,	\
	    "SQL failed: %s", unit_sql_text_);				\
} while (0)

/*
 * The first column of the first row of sql as an integer (dflt when no
 * row), read through the engine's own client (sqlite3_open, PQconnectdb)
 * rather than db_open: for a database db_open refuses (a newer schema).
 */
static inline int64_t
unit_sql_raw_int(const char *path, const char *sql, int64_t dflt)
{
	sqlite3 *c = NULL;
	sqlite3_stmt *st = NULL;
	PGconn *pc;
	PGresult *res;
	int64_t v = dflt;

	if (unit_pg()) {
		pc = PQconnectdb(path);
		ck_assert_msg(PQstatus(pc) == CONNECTION_OK, "%s", PQerrorMessage(pc));
		res = PQexec(pc, sql);
		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
		    PQresultErrorMessage(res));
		if (PQntuples(res) > 0)
			v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		PQfinish(pc);
		return v;
	}
	ck_assert_int_eq(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(c, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(c));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return v;
}

/*
 * The first column of the first row of sql (one statement) as text into
 * out ("" when no row or NULL); fails the test when sql does not run.
 * Returns 1 when there was a row.
 */
static inline int
unit_sql_text(struct db *db, const char *sql, char *out, size_t outsz)
{
	struct db_stmt *st = db_stmt_new(db, sql);
	const char *v;
	int r, row = 0;

	ck_assert_msg(st != NULL, "cannot prepare: %s", sql);
	out[0] = '\0';
	if ((r = db_step(st)) == DB_ROW) {
		row = 1;
		if ((v = db_col_text(st, 0)) != NULL)
			snprintf(out, outsz, "%s", v);
		while ((r = db_step(st)) == DB_ROW)
			;
	}
	db_stmt_free(st);
	ck_assert_msg(r == DB_DONE, "SQL failed (%d): %s", r, sql);
	return row;
}

/* The first column of the first row of sql as an integer; dflt when no row. */
static inline int64_t
unit_sql_int(struct db *db, const char *sql, int64_t dflt)
{
	char v[64];

	if (!unit_sql_text(db, sql, v, sizeof v))
		return dflt;
	return strtoll(v, NULL, 10);
}

/* Runs an INSERT … RETURNING id; returns the id. */
static inline int64_t
unit_sql_insert_id(struct db *db, const char *sql)
{
	int64_t id = unit_sql_int(db, sql, -1);

	ck_assert_msg(id > 0, "no id from: %s", sql);
	return id;
}

/* After INSERTs that set ids: the next id of table (its "id" column) is past them (PostgreSQL). */
static inline void
unit_sql_sync_ids(struct db *db, const char *table)
{
	char sql[256];

	if (!unit_pg())
		return;
	snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	    "(SELECT max(id) FROM %s))", table, table);
	unit_sql(db, sql);
}

/*
 * The SQL expression of the text at a dotted path ("order.total_cents") of
 * a JSON column: json_extract on SQLite, #>> on PostgreSQL. In one of four
 * rotating static buffers: valid for the next three calls.
 */
static inline const char *
unit_sql_json(const char *col, const char *path)
{
	static char b[4][160];
	static int k;
	char *p;

	k = (k + 1) % 4;
	if (!unit_pg()) {
		snprintf(b[k], sizeof b[k], "json_extract(%s, '$.%s')", col, path);
		return b[k];
	}
	snprintf(b[k], sizeof b[k], "((%s)::jsonb #>> '{%s}')", col, path);
	for (p = b[k]; *p != '\0'; p++)
		if (*p == '.')
			*p = ',';
	return b[k];
}

/*
 * A second, independent connection to the database at path (a file or a
 * URI), as another process would have: db_open again. Fails the test when
 * it cannot; close it with db_close().
 */
static inline struct db *
unit_db_other(const char *path)
{
	struct buf err;
	struct db *db;

	buf_init(&err);
	db = db_open(path, 0, NULL, &err);
	ck_assert_msg(db != NULL, "db_open %s: %s", path, buf_str(&err));
	buf_free(&err);
	return db;
}

#endif
