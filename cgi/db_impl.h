/* db_impl.h — what the db_*.c files share; nothing outside the db layer includes it. */
#ifndef ORDERSYNC_DB_IMPL_H
#define ORDERSYNC_DB_IMPL_H

#include <sqlite3.h>

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

struct db {
	sqlite3		*conn;
	struct logger	*log;
	char		 epoch[33];
	struct {
		const char	*sql;	/* the static string the statement came from */
		sqlite3_stmt	*stmt;
	} cache[DB_STMT_CACHE];
	size_t		 ncache;
	int		 notify_mail;	/* db_notify_configure: queue mails */
	int64_t		 notify_watch_secs;
	int		 outbox_added;	/* rows queued since db_outbox_take_added() */
};

/*
 * Returns the cached prepared statement for sql (a string literal: it is
 * looked up by address), reset and with its bindings cleared; prepares it on
 * first use. NULL on error (logged), and when the cache is full (logged: see
 * DB_STMT_CACHE). The statement stays owned by the cache and valid until
 * db_close(), whatever other statements are asked for meanwhile.
 */
sqlite3_stmt	*db_stmt(struct db *db, const char *sql);
/* Maps a SQLite result code to a db_status and logs what is not OK. */
enum db_status	 db_status_of(struct db *db, int rc, const char *what);
/* Binds text; NULL binds SQL NULL. */
int		 db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Copies column text (borrowed until the next step) into a new string; "" for NULL. */
char		*db_col_strdup(sqlite3_stmt *st, int i);
/* Runs a statement that returns no rows (or ignores them); resets it. */
enum db_status	 db_step_done(struct db *db, sqlite3_stmt *st, const char *what);
/*
 * Steps st (prepared and bound) to its end, reading each row with read into
 * a new zeroed element (size bytes) of a growing array; resets st. On
 * success *out holds *n elements (NULL when none) the caller frees; on error
 * the elements read so far are released with clear, *out is NULL and *n 0,
 * and the failure is logged with what.
 */
enum db_status	 db_collect(struct db *db, sqlite3_stmt *st, size_t size,
		    void (*read)(sqlite3_stmt *, void *), void (*clear)(void *),
		    void **out /* OUT */, size_t *n /* OUT */, const char *what);
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
void		 db_read_photo(sqlite3_stmt *st, int col, struct product_media *image,
		    struct product_media *thumb);
/*
 * Steps st (prepared and bound) for one row, read with read into out
 * (which the caller zeroed); resets st. DB_NOTFOUND without a row; other
 * failures are logged with what.
 */
enum db_status	 db_one_row(struct db *db, sqlite3_stmt *st,
		    void (*read)(sqlite3_stmt *, void *), void *out, const char *what);
/* Copies column text into a fixed array of outsz bytes, truncating; "" for NULL. */
void		 db_col_copy(sqlite3_stmt *st, int i, char *out, size_t outsz);
/* Steps a one-row, one-integer query into *out; DB_NOTFOUND without a row. Resets st. */
enum db_status	 db_one_int(struct db *db, sqlite3_stmt *st, int64_t *out, const char *what);

#endif
