/* db_impl.h — what the db_*.c files share: the statement API the engine implements (db_sqlite.c) and helpers over it; nothing outside the db layer includes it. */
#ifndef ORDERSYNC_DB_IMPL_H
#define ORDERSYNC_DB_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "log.h"
#include "product.h"

/*
 * The statement cache: one slot per distinct SQL text the program uses.
 * Invariant: a statement db_stmt() returned stays valid until db_close();
 * the cache never finalizes, evicts or recycles one before then, because a
 * caller may still hold it (stepping through rows while it asks for another
 * statement). That is affordable because the texts are string literals: there
 * are as many as there are db_stmt() call sites (about 60), far below this
 * size. A full cache (a caller passing built strings, which is a bug) refuses
 * the new text, an error the caller already handles, and never evicts.
 */
#define DB_STMT_CACHE 256

/*
 * A prepared statement, owned by the statement cache: impl is the engine's
 * (an sqlite3_stmt, or db_pg.c's). The db_*.c files only reach it through
 * the functions below, never through an engine's own API: their SQL and
 * their code are the same whatever the engine.
 */
struct db_stmt {
	struct db	*db;
	void		*impl;
};

/* What db_step() returns for a row and for the end; else an error code for db_status_of(). */
#define DB_ROW		100
#define DB_DONE		101

/* Which engine a connection is (ORDERSYNC_DB: a path, or a postgresql:// URI). */
enum db_engine {
	DB_SQLITE,
	DB_POSTGRESQL
};

struct db_pg;

/*
 * One query in each engine's dialect, side by side, where one text cannot
 * serve both (notes/pg-port.md): SQLite's text, then PostgreSQL's.
 */
#define DB_SQL(db, lite, pg)	((db)->engine == DB_POSTGRESQL ? (pg) : (lite))

/* One connection and its statement cache: one thread's own (struct app, "Threads"), never shared. */
struct db {
	enum db_engine	 engine;
	struct sqlite3	*conn;		/* SQLite's connection (db_sqlite.c) */
	struct db_pg	*pg;		/* PostgreSQL's (db_pg.c) */
	struct logger	*log;
	char		 epoch[33];
	struct {
		const char	*sql;	/* the static string the statement came from */
		struct db_stmt	*stmt;
	} cache[DB_STMT_CACHE];
	size_t		 ncache;
	int		 notify_mail;	/* db_notify_configure: queue mails */
	int64_t		 notify_watch_secs;
	int		 outbox_added;	/* rows queued since db_outbox_take_added() */
	int64_t		 watch_version;	/* SQLite: data_version at db_watch_changed */
};

/*
 * Returns the cached prepared statement for sql (a string literal: it is
 * looked up by address), reset and with its bindings cleared; prepares it on
 * first use. Parameters are ?N (numbered from 1) or ? (the next number).
 * NULL on error (logged), and when the cache is full (logged: see
 * DB_STMT_CACHE). The statement stays owned by the cache and valid until
 * db_close(), whatever other statements are asked for meanwhile.
 */
struct db_stmt	*db_stmt(struct db *db, const char *sql);
/*
 * A statement made at run time, outside the cache (copying a whole
 * database table by table: ordersyncctl migrate-to); the caller frees it
 * with db_stmt_free(). NULL on error (logged). Everything else uses db_stmt().
 */
struct db_stmt	*db_stmt_new(struct db *db, const char *sql);
void		 db_stmt_free(struct db_stmt *st);
/* Maps an engine result code (db_step's) to a db_status and logs what is not OK. */
enum db_status	 db_status_of(struct db *db, int rc, const char *what);

/* Parameter i (from 1) of st. */
void		 db_bind_int64(struct db_stmt *st, int i, int64_t v);
void		 db_bind_int(struct db_stmt *st, int i, int v);
void		 db_bind_null(struct db_stmt *st, int i);
/* Binds text, copied; NULL binds SQL NULL. */
int		 db_bind_text(struct db_stmt *st, int i, const char *s);
/* Binds n bytes at p, which must stay valid until st is reset or stepped to its end. */
void		 db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
/* Steps st: DB_ROW, DB_DONE, or an engine error code (db_status_of). */
int		 db_step(struct db_stmt *st);
/* Ends st's current run (its bindings stay until db_stmt hands it out again). */
void		 db_reset(struct db_stmt *st);
/* Column i (from 0) of st's current row. A NULL reads as 0, NULL text, no bytes. */
int64_t		 db_col_int64(struct db_stmt *st, int i);
int		 db_col_int(struct db_stmt *st, int i);
const char	*db_col_text(struct db_stmt *st, int i);	/* borrowed until the next step */
int		 db_col_null(struct db_stmt *st, int i);
/* What column i of the current row holds. */
enum db_col_kind {
	DB_COL_NULL,
	DB_COL_INT,
	DB_COL_TEXT,	/* text, and whatever else reads as text (numbers with a fraction) */
	DB_COL_BLOB
};
enum db_col_kind db_col_kind(struct db_stmt *st, int i);
/* The number of columns st's rows have. */
int		 db_col_count(struct db_stmt *st);
const void	*db_col_blob(struct db_stmt *st, int i);
size_t		 db_col_bytes(struct db_stmt *st, int i);
/* Rows the last INSERT, UPDATE or DELETE of this connection changed. */
int64_t		 db_changes(struct db *db);
/* Rows every statement of this connection changed since it opened (the feed's version). */
int64_t		 db_total_changes(struct db *db);

/* Copies column text (borrowed until the next step) into a new string; "" for NULL. */
char		*db_col_strdup(struct db_stmt *st, int i);
/* Runs a statement that returns no rows (or ignores them); resets it. */
enum db_status	 db_step_done(struct db *db, struct db_stmt *st, const char *what);
/*
 * Steps st (prepared and bound) to its end, reading each row with read into
 * a new zeroed element (size bytes) of a growing array; resets st. On
 * success *out holds *n elements (NULL when none) the caller frees; on error
 * the elements read so far are released with clear, *out is NULL and *n 0,
 * and the failure is logged with what.
 */
enum db_status	 db_collect(struct db *db, struct db_stmt *st, size_t size,
		    void (*read)(struct db_stmt *, void *), void (*clear)(void *),
		    void **out /* OUT */, size_t *n /* OUT */, const char *what);
/* db_collect() of a one-column query of ids: *ids (n of them, NULL when none) the caller frees. */
enum db_status	 db_collect_ids(struct db *db, struct db_stmt *st, int64_t **ids,
		    size_t *n /* OUT */, const char *what);
/*
 * A product's photo as a query of products p reads it: the columns (the
 * large and the small rendition's id, width and height) and the joins they
 * need; db_read_photo() reads the six columns from col on.
 */
#define DB_PHOTO_COLS \
	"coalesce(mi.id, ''), coalesce(mi.width, 0), coalesce(mi.height, 0), " \
	"coalesce(mt.id, ''), coalesce(mt.width, 0), coalesce(mt.height, 0) "
#define DB_PHOTO_JOIN \
	"LEFT JOIN media mi ON mi.id = p.image LEFT JOIN media mt ON mt.id = p.thumb "
void		 db_read_photo(struct db_stmt *st, int col, struct product_media *image,
		    struct product_media *thumb);
/*
 * Steps st (prepared and bound) for one row, read with read into out
 * (which the caller zeroed); resets st. DB_NOTFOUND without a row; other
 * failures are logged with what.
 */
enum db_status	 db_one_row(struct db *db, struct db_stmt *st,
		    void (*read)(struct db_stmt *, void *), void *out, const char *what);
/* Copies column text into a fixed array of outsz bytes, truncating; "" for NULL. */
void		 db_col_copy(struct db_stmt *st, int i, char *out, size_t outsz);
/* Steps a one-row, one-integer query into *out; DB_NOTFOUND without a row. Resets st. */
enum db_status	 db_one_int(struct db *db, struct db_stmt *st, int64_t *out, const char *what);

#endif
