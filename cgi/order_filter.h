/* order_filter.h — what the order list and its CSV export are asked for: ?status=, ?q=, ?from=&to=, as a db filter and as links. */
#ifndef ORDERSYNC_ORDER_FILTER_H
#define ORDERSYNC_ORDER_FILTER_H

#include <stdint.h>

#include "search.h"
#include "util.h"

struct kvlist;

#define ORDER_FILTER_Q_MAX	200	/* bytes of ?q= read; a longer query matches nothing */
#define ORDER_FILTER_DAY_LEN	10	/* "YYYY-MM-DD" */

/*
 * A request's filters. q is the text as typed (for the form and links),
 * sq what it means (search.h). from_day/to_day are "" or a valid
 * "YYYY-MM-DD"; from/to the local midnights that bound them: created_at in
 * [from, to), to 0 when neither is set.
 */
struct order_filter {
	int			 status;	/* enum order_status, -1: any */
	char			 q[ORDER_FILTER_Q_MAX + 1];
	struct search_query	 sq;
	char			 from_day[ORDER_FILTER_DAY_LEN + 1];
	char			 to_day[ORDER_FILTER_DAY_LEN + 1];
	int64_t			 from, to;
};

/*
 * Reads ?status=, ?q= and ?from=, ?to= from query into f, days in the
 * process's time zone (TZ, which auth_require sets to the store's). ?q= longer
 * than ORDER_FILTER_Q_MAX bytes or not UTF-8 matches nothing (SEARCH_NOTHING).
 * Returns NULL, or the locale key of the error ("admin.bad_filter",
 * "admin.bad_date", "admin.bad_range") with f still to be released.
 * Release with order_filter_free().
 */
const char	*order_filter_read(const struct kvlist *query, struct order_filter *f /* OUT */);
void		 order_filter_free(struct order_filter *f);
/* 1 when a search or a date range narrows the list (status aside). */
int		 order_filter_narrowed(const struct order_filter *f);
/*
 * Appends "status=…&q=…&from=…&to=…" (what is set, URL-encoded, each
 * preceded by '?' for the first and '&' after) to b; returns the separator
 * the next parameter takes.
 */
char		 order_filter_put(struct buf *b, const struct order_filter *f, char sep);
/*
 * The local midnight that starts day "YYYY-MM-DD" (a real date), plus
 * add_days days, in *out. Returns 0, or -1 when day is not such a date.
 */
int		 order_filter_day(const char *day, int add_days, int64_t *out /* OUT */);

#endif
