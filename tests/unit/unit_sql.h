/* unit_sql.h — counting the SQL statements a piece of code runs (for the "no query on the hot path" tests), on SQLite and on PostgreSQL. */
#ifndef ORDERSYNC_UNIT_SQL_H
#define ORDERSYNC_UNIT_SQL_H

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "db_impl.h"

/* How many statements ran since the count was last reset, and the last one's SQL. */
struct unit_trace {
	int	n;
	char	last[256];
};

/* sqlite3_trace_v2 callback: counts one statement into the struct unit_trace in ctx. */
static inline int
unit_trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	struct unit_trace *t = ctx;

	(void)type;
	(void)x;
	t->n++;
	snprintf(t->last, sizeof t->last, "%s", sqlite3_sql((sqlite3_stmt *)p));
	return 0;
}

/*
 * PostgreSQL: the test program defines libpq's PQprepare, PQexecPrepared
 * and PQexec, which db_pg.c's calls bind to (the program's own symbols come
 * first), counts each statement run into unit_trace_pg while a trace is on,
 * and hands the call to libpq's (dlsym RTLD_NEXT). PQprepare runs nothing
 * (as sqlite3_prepare is not traced): it only remembers each name's SQL.
 */
static struct unit_trace *unit_trace_pg;
static struct {
	char	 name[32];
	char	*sql;
} unit_trace_names[512];
static size_t unit_trace_nnames;

static inline void *
unit_trace_real(const char *fn)
{
	void *f = dlsym(RTLD_NEXT, fn);

	if (f == NULL) {
		fprintf(stderr, "unit_sql.h: no %s in libpq\n", fn);
		abort();
	}
	return f;
}

static inline void
unit_trace_count(const char *sql)
{
	if (unit_trace_pg == NULL)
		return;
	unit_trace_pg->n++;
	snprintf(unit_trace_pg->last, sizeof unit_trace_pg->last, "%s", sql ? sql : "?");
}

PGresult *PQprepare(PGconn *, const char *, const char *, int, const Oid *);
PGresult *
PQprepare(PGconn *conn, const char *name, const char *query, int n, const Oid *types)
{
	PGresult *(*real)(PGconn *, const char *, const char *, int, const Oid *) =
	    (PGresult *(*)(PGconn *, const char *, const char *, int, const Oid *))
	    unit_trace_real("PQprepare");
	size_t i;

	for (i = 0; i < unit_trace_nnames; i++)
		if (strcmp(unit_trace_names[i].name, name) == 0)
			break;
	if (i == unit_trace_nnames && i < sizeof unit_trace_names / sizeof unit_trace_names[0]) {
		snprintf(unit_trace_names[i].name, sizeof unit_trace_names[i].name, "%s", name);
		unit_trace_nnames++;
	}
	if (i < unit_trace_nnames) {
		free(unit_trace_names[i].sql);
		unit_trace_names[i].sql = strdup(query);
	}
	return real(conn, name, query, n, types);
}

PGresult *PQexecPrepared(PGconn *, const char *, int, const char *const *, const int *,
    const int *, int);
PGresult *
PQexecPrepared(PGconn *conn, const char *name, int n, const char *const *values,
    const int *lengths, const int *formats, int rformat)
{
	PGresult *(*real)(PGconn *, const char *, int, const char *const *, const int *,
	    const int *, int) = (PGresult *(*)(PGconn *, const char *, int,
	    const char *const *, const int *, const int *, int))
	    unit_trace_real("PQexecPrepared");
	const char *sql = name;
	size_t i;

	for (i = 0; i < unit_trace_nnames; i++)
		if (strcmp(unit_trace_names[i].name, name) == 0)
			sql = unit_trace_names[i].sql;
	unit_trace_count(sql);
	return real(conn, name, n, values, lengths, formats, rformat);
}

PGresult *PQexec(PGconn *, const char *);
PGresult *
PQexec(PGconn *conn, const char *query)
{
	PGresult *(*real)(PGconn *, const char *) =
	    (PGresult *(*)(PGconn *, const char *))unit_trace_real("PQexec");

	unit_trace_count(query);
	return real(conn, query);
}

/* Starts counting the statements db runs into t, from zero. */
static inline void
unit_trace_start(struct db *db, struct unit_trace *t)
{
	memset(t, 0, sizeof *t);
	if (db->engine == DB_POSTGRESQL)
		unit_trace_pg = t;
	else
		sqlite3_trace_v2(db->conn, SQLITE_TRACE_STMT, unit_trace_cb, t);
}

static inline void
unit_trace_stop(struct db *db)
{
	if (db->engine == DB_POSTGRESQL)
		unit_trace_pg = NULL;
	else
		sqlite3_trace_v2(db->conn, 0, NULL, NULL);
}

/* The one statement db_data_version() runs on db's engine. */
static inline const char *
unit_data_version_sql(struct db *db)
{
	return db->engine == DB_POSTGRESQL ? "SELECT pg_current_snapshot()::text" :
	    "PRAGMA data_version";
}

#endif
