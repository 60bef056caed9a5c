/* db_pg_tx.c — PostgreSQL's transactions (db_engine.h): the feed lock that makes event ids commit in order, commit and rollback, the data version the caches are checked against. */
#include <stdio.h>
#include <string.h>

#include "db_engine.h"
#include "db_pg_impl.h"

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

enum db_status
pg_begin(struct db *db)
{
	int rc;

	if (!pg_connected(db))
		return pg_status_of(db, PGRC_CONN, "begin");
	/* No nesting, as SQLite: PostgreSQL only warns at a second BEGIN. */
	if (PQtransactionStatus(db->pg->conn) != PQTRANS_IDLE) {
		if (db->log)
			log_msg(db->log, LOG_ERROR, "db: begin: a transaction is already open");
		return DB_ERROR;
	}
	/* One round trip: the lock is the transaction's first statement. */
	if ((rc = pg_run(db, "BEGIN; " FEED_LOCK_SQL)) != 0) {
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
		rc = pg_keep_error(db, res);
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
		pg_run(db, "ROLLBACK");
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


/*
 * The long-poll watcher's connection listens on FEED_CHANNEL: each event's
 * transaction notifies it (the trigger of schema-pg.sql migration 10),
 * and PostgreSQL delivers a notification only at the commit — so a wake-up
 * never comes before the event can be read. A reconnection LISTENs again
 * (pg_connected) and counts as a change, since notices sent meanwhile are
 * lost.
 */
int
pg_watch_fd(struct db *db)
{
	struct db_pg *pg = db->pg;

	if (!pg->listening) {
		if (!pg_connected(db) || pg_run(db, "LISTEN " FEED_CHANNEL) != 0)
			return -1;
		pg->listening = 1;
		pg->missed = 1;
	}
	if (PQstatus(pg->conn) != CONNECTION_OK)
		return -1;
	return PQsocket(pg->conn);
}

int
pg_watch_changed(struct db *db)
{
	struct db_pg *pg = db->pg;
	PGnotify *n;
	int changed;

	if (!pg->listening || PQstatus(pg->conn) != CONNECTION_OK ||
	    PQconsumeInput(pg->conn) != 1) {
		/* Down: try again now; a new connection LISTENs and sets missed. */
		if (!pg_connected(db))
			return 1;
		if (!pg->listening && pg_watch_fd(db) < 0)
			return 1;
	}
	changed = pg->missed;
	pg->missed = 0;
	while ((n = PQnotifies(pg->conn)) != NULL) {
		changed = 1;
		PQfreemem(n);
	}
	return changed;
}
