/* db_pg.c — the PostgreSQL engine (db_engine.h, libpq): statements prepared by name, their parameters and rows, errors, reconnection (transactions: db_pg_tx.c; opening: db_pg_open.c). */
#include <ctype.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "db_engine.h"
#include "db_pg_impl.h"

#define PG_MAX_PARAMS	32
#define OID_INT8	20
#define OID_BYTEA	17
#define PG_RETRIES	3	/* more runs of a statement that lost to a deadlock */


/* One statement: its translated text, its bindings, its current result. */
struct pg_stmt {
	struct db	*db;
	char		 name[16];	/* "s<n>", unique per connection */
	char		*sql;		/* ?N rewritten as $N */
	int		 nparams;
	unsigned	 gen;		/* the connection generation it is prepared on; 0: none */
	Oid		 types[PG_MAX_PARAMS];
	char		*values[PG_MAX_PARAMS];
	int		 lengths[PG_MAX_PARAMS];
	int		 formats[PG_MAX_PARAMS];
	PGresult	*res;
	int		 row, nrows;
	unsigned char	*blob;		/* the decoded bytea of (blob_row, blob_col) */
	size_t		 bloblen;
	int		 blob_row, blob_col;
};

/*
 * Statement names, unique in the process (each connection prepares its
 * own; the threads of a process share the counter, hence atomic).
 */
static _Atomic unsigned	next_name;

int
pg_keep_error(struct db *db, const PGresult *res)
{
	struct db_pg *pg = db->pg;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg->conn);
	size_t n;
	char *p;

	snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", state ? state : "");
	snprintf(pg->message, sizeof pg->message, "%s", msg ? msg : "");
	n = strlen(pg->message);
	while (n > 0 && (pg->message[n - 1] == '\n' || pg->message[n - 1] == ' '))
		pg->message[--n] = '\0';
	for (p = pg->message; *p != '\0'; p++)	/* one log line */
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	if (PQstatus(pg->conn) != CONNECTION_OK || strncmp(pg->sqlstate, "08", 2) == 0 ||
	    strncmp(pg->sqlstate, "57P0", 4) == 0)
		return PGRC_CONN;
	if (strncmp(pg->sqlstate, "23", 2) == 0)
		return PGRC_CONSTRAINT;
	if (strcmp(pg->sqlstate, "40001") == 0 || strcmp(pg->sqlstate, "40P01") == 0 ||
	    strcmp(pg->sqlstate, "55P03") == 0 || strcmp(pg->sqlstate, "57014") == 0)
		return PGRC_BUSY;
	return PGRC_ERROR;
}

enum db_status
pg_status_of(struct db *db, int rc, const char *what)
{
	struct db_pg *pg = db->pg;

	switch (rc) {
	case 0:
	case DB_ROW:
	case DB_DONE:
		return DB_OK;
	case PGRC_CONSTRAINT:
		if (db->log)
			log_msg(db->log, LOG_INFO, "db: %s: %s", what, pg->message);
		return DB_CONFLICT;
	case PGRC_BUSY:
		if (db->log)
			log_msg(db->log, LOG_WARN, "db: %s: %s (%s)", what, pg->message,
			    pg->sqlstate);
		return DB_BUSY;
	case PGRC_CONN:
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %s: the connection to PostgreSQL is "
			    "lost (%s); reconnecting at the next request", what, pg->message);
		return DB_BUSY;
	default:
		/* 42501: no privilege; 25006: a read-only transaction (a standby). */
		if (db->log && (strcmp(pg->sqlstate, "42501") == 0 ||
		    strcmp(pg->sqlstate, "25006") == 0))
			log_msg(db->log, LOG_ERROR, "db: %s: the database is read-only for "
			    "this process: %s; %s", what, pg->message, PG_OWNER_HINT);
		else if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %s: %s (%s)", what, pg->message,
			    pg->sqlstate);
		return DB_ERROR;
	}
}

int
pg_run(struct db *db, const char *sql)
{
	PGresult *res = PQexec(db->pg->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_keep_error(db, res);
	PQclear(res);
	return rc;
}

int
pg_connected(struct db *db)
{
	struct db_pg *pg = db->pg;
	struct pollfd pfd;

	/*
	 * A server that restarted or dropped an idle connection has closed
	 * its end: the socket reads as ready (EOF) while this side asked
	 * nothing. Noticed here, before a statement is sent, the connection is
	 * made again and the statement runs once, on the new one — rather than
	 * failing with a 503 and leaving the reconnection to the next request.
	 */
	if (PQstatus(pg->conn) == CONNECTION_OK) {
		if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
			return 1;
		pfd.fd = PQsocket(pg->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) <= 0 ||
		    (PQconsumeInput(pg->conn) == 1 && PQstatus(pg->conn) == CONNECTION_OK))
			return 1;
	}
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pg_keep_error(db, NULL);
		return 0;
	}
	pg->gen++;
	if (pg_run(db, SESSION_SQL) != 0)
		return 0;
	if (pg->listening) {
		if (pg_run(db, "LISTEN " FEED_CHANNEL) != 0)
			return 0;
		pg->missed = 1;
	}
	if (db->log)
		log_msg(db->log, LOG_WARN, "db: reconnected to PostgreSQL");
	return 1;
}

/*
 * Rewrites SQLite's parameters as PostgreSQL's: ?N becomes $N and a bare ?
 * the number after the largest so far, outside quotes and comments. The
 * number of parameters is the largest. A new string.
 */
static char *
translate(const char *sql, int *nparams)
{
	struct buf b;
	const char *p = sql;
	int max = 0, n;
	char q;

	buf_init(&b);
	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			q = *p;
			buf_putc(&b, *p++);
			while (*p != '\0' && *p != q)
				buf_putc(&b, *p++);
			if (*p != '\0')
				buf_putc(&b, *p++);
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				buf_putc(&b, *p++);
		} else if (*p == '?') {
			p++;
			if (isdigit((unsigned char)*p)) {
				n = (int)strtol(p, (char **)&p, 10);
			} else
				n = max + 1;
			if (n > max)
				max = n;
			buf_printf(&b, "$%d", n);
		} else
			buf_putc(&b, *p++);
	}
	*nparams = max;
	return buf_detach(&b);
}

void *
pg_prepare(struct db *db, const char *sql)
{
	struct pg_stmt *st = xcalloc(1, sizeof *st);

	st->db = db;
	st->sql = translate(sql, &st->nparams);
	if (st->nparams > PG_MAX_PARAMS) {
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %d parameters, more than %d: %.120s",
			    st->nparams, PG_MAX_PARAMS, sql);
		free(st->sql);
		free(st);
		return NULL;
	}
	snprintf(st->name, sizeof st->name, "s%u", atomic_fetch_add(&next_name, 1) + 1);
	st->blob_row = -1;
	return st;
}

void
pg_reset(void *impl)
{
	struct pg_stmt *st = impl;

	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	PQfreemem(st->blob);
	st->blob = NULL;
	st->bloblen = 0;
	st->blob_row = -1;
}

void
pg_clear(void *impl)
{
	struct pg_stmt *st = impl;
	int i;

	pg_reset(st);
	for (i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
}

void
pg_finalize(void *impl)
{
	struct pg_stmt *st = impl;

	if (st == NULL)
		return;
	pg_clear(st);
	free(st->sql);
	free(st);
}

/* Parameter i's slot (from 1), or NULL when the statement has no such parameter. */
static int
slot(struct pg_stmt *st, int i)
{
	if (i < 1 || i > st->nparams)
		return -1;
	free(st->values[i - 1]);
	st->values[i - 1] = NULL;
	st->lengths[i - 1] = 0;
	st->formats[i - 1] = 0;
	return i - 1;
}

/*
 * A parameter's type is told to the server when the statement is first
 * prepared on a connection: int8 for integers, bytea for bytes, and
 * "unknown" (0) for text, which the server then types from where the
 * parameter stands (a citext column compares as citext, a jsonb column
 * takes the text as JSON); a text type would make "email = ?" case-
 * sensitive and refuse JSON. Integers and bytes keep one type per position
 * in every statement of the db layer.
 */
void
pg_bind_int64(void *impl, int i, int64_t v)
{
	struct pg_stmt *st = impl;
	char num[24];
	int k;

	if ((k = slot(st, i)) < 0)
		return;
	snprintf(num, sizeof num, "%lld", (long long)v);
	st->values[k] = xstrdup(num);
	if (st->gen == 0)
		st->types[k] = OID_INT8;
}

void
pg_bind_text(void *impl, int i, const char *s)
{
	struct pg_stmt *st = impl;
	int k;

	if ((k = slot(st, i)) < 0 || s == NULL)
		return;
	st->values[k] = xstrdup(s);
}

void
pg_bind_blob(void *impl, int i, const void *p, size_t n)
{
	struct pg_stmt *st = impl;
	int k;

	if ((k = slot(st, i)) < 0)
		return;
	st->values[k] = xmalloc(n ? n : 1);
	memcpy(st->values[k], p, n);
	st->lengths[k] = (int)n;
	st->formats[k] = 1;		/* binary: the bytes as they are */
	if (st->gen == 0)
		st->types[k] = OID_BYTEA;
}

void
pg_bind_null(void *impl, int i)
{
	slot(impl, i);
}

/* Prepares st on the current connection when it is not yet: 0 or a PGRC_. */
static int
ensure_prepared(struct pg_stmt *st)
{
	struct db_pg *pg = st->db->pg;
	PGresult *res;
	int rc = 0;

	if (st->gen == pg->gen)
		return 0;
	res = PQprepare(pg->conn, st->name, st->sql, st->nparams, st->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_keep_error(st->db, res);
	else
		st->gen = pg->gen;
	PQclear(res);
	return rc;
}

int
pg_step(void *impl)
{
	struct pg_stmt *st = impl;
	struct db_pg *pg = st->db->pg;
	ExecStatusType s;
	int rc, tries, alone;

	if (st->res == NULL) {
		for (tries = 0;; tries++) {
			if (!pg_connected(st->db))
				return PGRC_CONN;
			if ((rc = ensure_prepared(st)) != 0)
				return rc;
			alone = PQtransactionStatus(pg->conn) == PQTRANS_IDLE;
			st->res = PQexecPrepared(pg->conn, st->name, st->nparams,
			    (const char *const *)st->values, st->lengths, st->formats, 0);
			s = PQresultStatus(st->res);
			if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
				break;
			rc = pg_keep_error(st->db, st->res);
			PQclear(st->res);
			st->res = NULL;
			/*
			 * A statement of its own (no transaction around it) that
			 * lost to a deadlock or a serialization failure was rolled
			 * back whole: run it again, a few times. Inside a
			 * transaction the caller rolls back and answers 503.
			 */
			if (!alone || rc != PGRC_BUSY || tries == PG_RETRIES ||
			    (strcmp(pg->sqlstate, "40001") != 0 &&
			    strcmp(pg->sqlstate, "40P01") != 0))
				return rc;
		}
		st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		st->row = -1;
		pg->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		return DB_ROW;
	}
	st->row = st->nrows;
	return DB_DONE;
}

/* 1 when the current row has column i. */
static int
has_col(const struct pg_stmt *st, int i)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows && i >= 0 &&
	    i < PQnfields(st->res);
}

int64_t
pg_col_int64(void *impl, int i)
{
	struct pg_stmt *st = impl;
	const char *v;

	if (!has_col(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	v = PQgetvalue(st->res, st->row, i);
	if (v[0] == 't' && v[1] == '\0')	/* a boolean */
		return 1;
	return strtoll(v, NULL, 10);	/* "f" and a numeric's text read as 0 and its integer part */
}

const char *
pg_col_text(void *impl, int i)
{
	struct pg_stmt *st = impl;

	if (!has_col(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

int
pg_col_null(void *impl, int i)
{
	struct pg_stmt *st = impl;

	return !has_col(st, i) || PQgetisnull(st->res, st->row, i);
}

enum db_col_kind
pg_col_kind(void *impl, int i)
{
	struct pg_stmt *st = impl;
	Oid t;

	if (pg_col_null(st, i))
		return DB_COL_NULL;
	t = PQftype(st->res, i);
	if (t == OID_BYTEA)
		return DB_COL_BLOB;
	if (t == OID_INT8 || t == 21 || t == 23 || t == 16)	/* int8, int2, int4, bool */
		return DB_COL_INT;
	return DB_COL_TEXT;
}

int
pg_col_count(void *impl)
{
	struct pg_stmt *st = impl;

	return st->res != NULL ? PQnfields(st->res) : 0;
}

/* Decodes column i of the current row (bytea's text form) into st->blob. */
static void
decode_blob(struct pg_stmt *st, int i)
{
	const char *v;

	if (st->blob_row == st->row && st->blob_col == i)
		return;
	PQfreemem(st->blob);
	st->blob = NULL;
	st->bloblen = 0;
	st->blob_row = st->row;
	st->blob_col = i;
	if ((v = pg_col_text(st, i)) != NULL)
		st->blob = PQunescapeBytea((const unsigned char *)v, &st->bloblen);
}

const void *
pg_col_blob(void *impl, int i)
{
	struct pg_stmt *st = impl;

	decode_blob(st, i);
	return st->blob;
}

size_t
pg_col_bytes(void *impl, int i)
{
	struct pg_stmt *st = impl;

	decode_blob(st, i);
	return st->bloblen;
}

int64_t
pg_changes(struct db *db)
{
	return db->pg->changes;
}
