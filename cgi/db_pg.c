/* db_pg.c — the PostgreSQL engine (db_engine.h, libpq): connecting, migrations from schema-pg.sql under an advisory lock, transactions that commit feed events in id order, statements prepared by name, reconnection. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "db_engine.h"

/* schema-pg.sql, compiled in by the Makefile (build/schema_pg_sql.c). */
extern const char db_schema_pg_sql[];

#define MIGRATION_LINE	"\n-- @migration "
#define PG_MAX_PARAMS	32
#define OID_INT8	20
#define OID_BYTEA	17

/*
 * What pg_step() returns on failure, for pg_status_of(): the class of the
 * last error, whose SQLSTATE and message the connection keeps.
 */
enum {
	PGRC_ERROR = 1,		/* anything else */
	PGRC_BUSY = 5,		/* serialization failure, deadlock, lock or statement timeout */
	PGRC_CONN = 7,		/* the connection is lost: 503 now, reconnect next time */
	PGRC_CONSTRAINT = 19	/* a unique, foreign key, check or not-null violation */
};

/*
 * Feed order. Event ids come from an identity (a sequence): with several
 * writers, a transaction can take id 10 and commit before another that
 * took id 9, and a reader asking for "id > 8" between the two commits sees
 * 10, moves its cursor past 9, and never sees 9. So every transaction
 * (db_begin: every change of the db layer that writes an event runs in
 * one) first takes this one transaction-scoped advisory lock, before any
 * statement of its own. It is held until COMMIT or ROLLBACK, so writing
 * transactions run one after another, as SQLite's BEGIN IMMEDIATE makes
 * them; an event id is drawn while the lock is held, and the next writer
 * draws its ids only after this one has committed. Ids therefore become
 * visible in increasing order, and "id > cursor" never skips one (a
 * rolled-back transaction leaves a gap, which readers do not mind). Taken
 * first, it is never waited for while holding a row lock another writer
 * wants, so it adds no deadlock. Reads take no lock.
 */
#define FEED_LOCK_SQL \
	"SELECT pg_advisory_xact_lock(hashtextextended('ordersync.feed', 0))"
#define MIGRATE_LOCK_SQL \
	"SELECT pg_advisory_xact_lock(hashtextextended('ordersync.migrate', 0))"

/* The session's settings, made again after a reconnection. */
#define SESSION_SQL \
	"SET lock_timeout = '5s'; SET statement_timeout = '60s'; " \
	"SET synchronous_commit = on; SET client_min_messages = warning; " \
	"SET application_name = 'ordersync'"

struct db_pg {
	PGconn		*conn;
	unsigned	 gen;		/* bumped at each reconnection: statements prepare again */
	int64_t		 changes;	/* rows the last statement changed */
	char		 sqlstate[6];	/* of the last error */
	char		 message[300];
};

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

static unsigned	next_name;

/* Keeps the error of res (NULL: the connection's) for pg_status_of; its class. */
static int
keep_error(struct db *db, const PGresult *res)
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
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: %s: %s (%s)", what, pg->message,
			    pg->sqlstate);
		return DB_ERROR;
	}
}

/* Runs sql (one or more statements, no parameters) for its effect; 0 or a PGRC_. */
static int
run(struct db *db, const char *sql)
{
	PGresult *res = PQexec(db->pg->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = keep_error(db, res);
	PQclear(res);
	return rc;
}

/*
 * The connection, made again when it was lost (a restarted server, a
 * dropped link): 1 when it is usable. A new one prepares every statement
 * again (gen) and gets the session settings.
 */
static int
connected(struct db *db)
{
	struct db_pg *pg = db->pg;

	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 1;
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		keep_error(db, NULL);
		return 0;
	}
	pg->gen++;
	if (run(db, SESSION_SQL) != 0)
		return 0;
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
	snprintf(st->name, sizeof st->name, "s%u", ++next_name);
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
		rc = keep_error(st->db, res);
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
	int rc;

	if (st->res == NULL) {
		if (!connected(st->db))
			return PGRC_CONN;
		if ((rc = ensure_prepared(st)) != 0)
			return rc;
		st->res = PQexecPrepared(pg->conn, st->name, st->nparams,
		    (const char *const *)st->values, st->lengths, st->formats, 0);
		s = PQresultStatus(st->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			rc = keep_error(st->db, st->res);
			PQclear(st->res);
			st->res = NULL;
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

enum db_status
pg_begin(struct db *db)
{
	int rc;

	if (!connected(db))
		return pg_status_of(db, PGRC_CONN, "begin");
	/* No nesting, as SQLite: PostgreSQL only warns at a second BEGIN. */
	if (PQtransactionStatus(db->pg->conn) != PQTRANS_IDLE) {
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: begin: a transaction is already open");
		return DB_ERROR;
	}
	if ((rc = run(db, "BEGIN")) != 0 || (rc = run(db, FEED_LOCK_SQL)) != 0) {
		pg_rollback(db);
		return pg_status_of(db, rc, "begin");
	}
	return DB_OK;
}

enum db_status
pg_commit(struct db *db)
{
	PGresult *res;
	int rc = 0;

	/* Nothing to commit is an error, as on SQLite (PostgreSQL only warns). */
	if (PQtransactionStatus(db->pg->conn) == PQTRANS_IDLE) {
		snprintf(db->pg->message, sizeof db->pg->message, "no transaction is open");
		db->pg->sqlstate[0] = '\0';
		return pg_status_of(db, PGRC_ERROR, "commit");
	}
	res = PQexec(db->pg->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = keep_error(db, res);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* COMMIT of a transaction an error aborted rolls it back. */
		snprintf(db->pg->message, sizeof db->pg->message,
		    "the transaction was rolled back");
		rc = PGRC_ERROR;
	}
	PQclear(res);
	return pg_status_of(db, rc, "commit");
}

void
pg_rollback(struct db *db)
{
	PGTransactionStatusType t;

	if (db->pg == NULL || db->pg->conn == NULL)
		return;
	t = PQtransactionStatus(db->pg->conn);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		run(db, "ROLLBACK");
}

/* A 64-bit FNV-1a hash of s, as a non-negative integer. */
static int64_t
hash64(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (int64_t)(h >> 1);
}

/*
 * PRAGMA data_version's role: a value that changes whenever any
 * transaction, of any host, has committed a change since it was last read.
 * The current snapshot ("xmin:xmax:xip,…") does: a writing transaction has
 * an xid, which is at or past xmax or in the in-progress list until it
 * commits, and after its commit it is neither — so the text differs. Reads
 * assign no xid and leave it alone. It costs no table access.
 */
enum db_status
pg_data_version(struct db *db, int64_t *out)
{
	struct db_stmt *st = db_stmt(db, "SELECT pg_current_snapshot()::text");
	const char *v;
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if ((rc = db_step(st)) == DB_ROW) {
		v = db_col_text(st, 0);
		*out = hash64(v ? v : "");
	}
	db_reset(st);
	return pg_status_of(db, rc, "data version");
}

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
		if ((rc = run(db, "BEGIN")) != 0 || (rc = run(db, MIGRATE_LOCK_SQL)) != 0 ||
		    (rc = run(db, prologue)) != 0)
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
		if (n > have && ((rc = run(db, sql)) != 0 || (rc = run(db, setv)) != 0))
			goto fail;
		if ((rc = run(db, "COMMIT")) != 0)
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
	if (run(db, SESSION_SQL) != 0) {
		buf_printf(err, "cannot set up the session: %s", db->pg->message);
		return DB_ERROR;
	}
	if (check_collation(db, err) != DB_OK || migrate(db, err) != DB_OK)
		return DB_ERROR;
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
