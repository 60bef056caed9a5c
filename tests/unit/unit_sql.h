/* unit_sql.h — counting the SQL statements a piece of code runs (for the "no query on the hot path" tests). */
#ifndef ORDERSYNC_UNIT_SQL_H
#define ORDERSYNC_UNIT_SQL_H

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

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

/* Starts counting the statements conn runs into t, from zero. */
static inline void
unit_trace_start(sqlite3 *conn, struct unit_trace *t)
{
	memset(t, 0, sizeof *t);
	sqlite3_trace_v2(conn, SQLITE_TRACE_STMT, unit_trace_cb, t);
}

static inline void
unit_trace_stop(sqlite3 *conn)
{
	sqlite3_trace_v2(conn, 0, NULL, NULL);
}

#endif
