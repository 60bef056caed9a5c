/* admin.h — the back office: sign-in, dashboard, order list and detail, status changes; the admin route table. */
#ifndef ORDERSYNC_ADMIN_H
#define ORDERSYNC_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "db_admin.h"
#include "router.h"

#define ADMIN_PAGE_SIZE		50	/* orders per list page */
#define ADMIN_LATEST		6	/* orders on the dashboard */
#define ADMIN_LIST_REFRESH_S	30	/* without JS the order list reloads itself */
#define ADMIN_DASH_REFRESH_S	60	/* ... and the dashboard */

#define ADMIN_ROWS_SLOTS	4	/* rendered order-list bodies kept per process */

/*
 * One rendered body of the order list (the <tr> rows of one page) and what
 * it was rendered for. Every field that changes the rows' bytes is in the
 * key: the database version (any commit, this process's own included, moves
 * it), the scope, the filter, the page, the language, the session's CSRF
 * token (in each row's form), the local day (today's rows show a time, older
 * ones a date) and whether rows name their store.
 */
struct admin_rows_slot {
	int			used;
	uint64_t		stamp;		/* last use: the oldest is replaced */
	struct db_version	version;
	int64_t			store_id;
	int			status;		/* db_admin_statuses index, -1: all */
	long			page;
	int64_t			before_id;	/* ?before=, 0: none */
	int64_t			day_start;
	int			multi_store;
	char			lang[16];
	char			csrf[72];
	size_t			n;		/* rows on the page */
	int64_t			last_id;	/* id of the last row (older_url) */
	char			*html;		/* owned; freed by admin_cache_free */
	size_t			len;
};

#define ADMIN_TEXTS_SLOTS	4	/* languages whose browser texts are kept */

/* The admin pages' per-process cache (struct app); zeroed is empty. */
struct admin_cache {
	struct admin_rows_slot	rows[ADMIN_ROWS_SLOTS];
	struct {
		char	 lang[16];
		char	*json;		/* js_texts() for lang; owned */
	}			texts[ADMIN_TEXTS_SLOTS];
	uint64_t		clock;
	uint64_t		hits, misses;
};

/* Frees what the cache holds and empties it. NULL is a no-op. */
void	admin_cache_free(struct admin_cache *c);

/*
 * Every /admin route: the pages and forms here, the feed and stats of
 * feed.h. main.c lists the table in route_tables[].
 */
extern const struct route	admin_routes[];
extern const size_t		admin_nroutes;

/*
 * Fills "{name}" placeholders of a locale text: the variadic arguments are
 * name, value pairs ending with NULL. Unknown placeholders stay as they
 * are. Returns a new string; the caller frees it.
 */
char	*admin_fill(const char *text, ...) __attribute__((sentinel));

/* 1 when s has the shape of an order number, CMD-YYYYMMDD-XXXXXX. */
int	admin_number_ok(const char *s);

#endif
