/* db_copy.h — copying a whole SQLite database into an empty PostgreSQL one (ordersyncctl migrate-to). */
#ifndef ORDERSYNC_DB_COPY_H
#define ORDERSYNC_DB_COPY_H

#include <stdint.h>

#include "db.h"
#include "util.h"

#define DB_COPY_MAX_TABLES	32

/* What the copy did to one table and what the two databases hold afterwards. */
struct db_copy_table {
	char		 name[64];
	int		 derived;	/* 1: not copied, rebuilt by the target's triggers */
	int		 has_max;	/* 1: max_src/max_dst are checked (orders, events, payments) */
	int64_t		 rows_src, rows_dst;
	int64_t		 max_src, max_dst;
	int64_t		 next_id;	/* the identity's next value on the target; 0: none */
};

struct db_copy_report {
	struct db_copy_table	 t[DB_COPY_MAX_TABLES];
	size_t			 n;
	char			 epoch_src[33], epoch_dst[33];
	int			 committed;	/* 1: the target's transaction committed */
};

/*
 * Copies every table of src (an SQLite database, migrated to the current
 * schema) into dst (a PostgreSQL database at the same schema version, empty
 * of shop data: only the rows its migrations made, store 1 and the epoch,
 * which are replaced), in one transaction of dst, in foreign-key order,
 * columns by name; identities are set past the source's high-water marks
 * (order_events: sqlite_sequence's too, so an id is never handed out
 * twice). Tables SQLite alone has (FTS5 indexes and their shadow tables) are
 * skipped; order_counts is rebuilt by dst's triggers and compared with
 * src's. Then, committed, each table is counted on both sides and rep
 * filled in. Returns DB_OK; DB_CONFLICT when it refuses (dst not empty, a
 * table or column the copier does not know, a count that differs before
 * the commit: nothing was written); DB_ERROR on a database error (rolled
 * back) or a difference found after the commit. why holds the reason.
 */
enum db_status	db_copy_all(struct db *src, struct db *dst, struct db_copy_report *rep,
		    struct buf *why);

#endif
