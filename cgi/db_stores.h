/* db_stores.h — the SQL of stores: one by id or slug, the list, creating one, its settings. */
#ifndef ORDERSYNC_DB_STORES_H
#define ORDERSYNC_DB_STORES_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "store.h"

#define DB_STORES_LIST_MAX	1000	/* stores on the list, at most */

/*
 * The store id, or the one whose slug is slug, into *out (own_* set from
 * the columns that are not NULL; the caller applies store_defaults() and
 * frees with store_free()). DB_NOTFOUND when there is none.
 */
enum db_status	db_store_get(struct db *db, int64_t id, struct store *out /* OUT */);
enum db_status	db_store_by_slug(struct db *db, const char *slug, struct store *out /* OUT */);

/* One line of the stores list; fixed-size. */
struct db_store_row {
	int64_t	id;
	char	slug[STORE_SLUG_MAX + 1];
	char	name[4 * STORE_NAME_MAX + 1];	/* "" when the store has no own name */
	int64_t	orders;				/* every order it ever took */
	int64_t	staff;				/* its accounts (every-store ones not counted) */
};
/* Every store, the default first, then by slug; *out (n) is the caller's to free. */
enum db_status	db_stores_list(struct db *db, struct db_store_row **out /* OUT */,
		    size_t *n /* OUT */);
/*
 * Creates the store slug named name; when from is not 0, its settings
 * (everything but slug and name) are copied from store from. *id is the
 * new store's. DB_CONFLICT when the slug is taken, DB_NOTFOUND when from
 * does not exist.
 */
enum db_status	db_store_create(struct db *db, const char *slug, const char *name,
		    int64_t from, int64_t now, int64_t *id /* OUT */);
/*
 * Writes s's settings to store s->id: its slug, and every setting; name,
 * currency, language and time zone are written as NULL (the environment's)
 * where own_* is 0. DB_CONFLICT when the slug is another store's,
 * DB_NOTFOUND when the store does not exist.
 */
enum db_status	db_store_update(struct db *db, const struct store *s);

#endif
