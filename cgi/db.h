/* db.h — the SQLite store: opening, migrations, transactions; domain queries live in db_*.c. */
#ifndef ORDERSYNC_DB_H
#define ORDERSYNC_DB_H

#include <stdint.h>

#include "util.h"

struct db;
struct logger;

/*
 * Every fallible db_* function returns one of these. The route layer maps
 * DB_BUSY and DB_ERROR to 503 + Retry-After; the others are the callers'.
 */
enum db_status {
	DB_OK = 0,
	DB_NOTFOUND,	/* no such row */
	DB_CONFLICT,	/* a rule refused the change (stock, transition, duplicate) */
	DB_BUSY,	/* lock timeout: try again later */
	DB_ERROR,	/* I/O or other SQLite failure, logged */
	DB_PAID		/* cancelling an order whose completed payments are not refunded */
};

/*
 * Opens (creating if needed) the database at path with WAL, foreign keys,
 * a busy timeout and synchronous=FULL (NORMAL when !sync_full), then applies
 * the schema migrations that are missing. Returns NULL on failure and writes
 * why into err. lg (may be NULL) receives later error reports. Close with
 * db_close(); db_close(NULL) is a no-op.
 */
struct db	*db_open(const char *path, int sync_full, struct logger *lg,
		    struct buf *err);
void		 db_close(struct db *db);

/* The schema version this build knows (the last "-- @migration N" of schema.sql). */
int		 db_schema_version(void);
/* The database's PRAGMA user_version, or -1 on error. */
int		 db_user_version(struct db *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. db_rollback is safe outside a transaction. */
enum db_status	 db_begin(struct db *db);
enum db_status	 db_commit(struct db *db);
void		 db_rollback(struct db *db);

/* One trivial query: DB_OK when the database answers (for /healthz). */
enum db_status	 db_ping(struct db *db);
/*
 * PRAGMA data_version: changes whenever another connection commits. Cheap
 * (no page read); the feed uses it to skip work when nothing changed.
 */
enum db_status	 db_data_version(struct db *db, int64_t *out);

/*
 * The change watch of the long-poll watcher (serve.c, one connection per
 * process). db_watch_fd: a descriptor that becomes readable when another
 * connection may have committed an event — PostgreSQL: the connection,
 * which LISTENs on "ordersync_feed" from the first call (schema-pg.sql
 * migration 10: a trigger NOTIFYs in each event's transaction, delivered at
 * its commit) — or -1 when there is none: SQLite (the caller then asks
 * db_watch_changed every few tens of milliseconds), or a PostgreSQL
 * connection that is down. db_watch_changed: 1 when a commit may have
 * happened since the last call (SQLite: PRAGMA data_version moved;
 * PostgreSQL: a notification came, or the connection was made again and
 * some may have been missed), else 0. A database error counts as 1: the
 * caller looks, and the look fails or finds nothing.
 */
int		 db_watch_fd(struct db *db);
int		 db_watch_changed(struct db *db);

/* The random id made when this database was created (meta.epoch). Borrowed. */
const char	*db_epoch(struct db *db);

#endif
