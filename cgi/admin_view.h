/* admin_view.h — what every back-office page shares: the page frame, order rows, list links, the browser's texts, and the admin pages' per-process cache. */
#ifndef ORDERSYNC_ADMIN_VIEW_H
#define ORDERSYNC_ADMIN_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "auth.h"
#include "db_admin.h"
#include "http.h"
#include "order.h"
#include "store.h"

struct app;

#define ADMIN_PAGE_SIZE		50	/* orders per list page */
#define ADMIN_LATEST		6	/* orders on the dashboard */
#define ADMIN_LIST_REFRESH_S	30	/* without JS the order list reloads itself */
#define ADMIN_DASH_REFRESH_S	60	/* ... and the dashboard */

#define ADMIN_ROWS_SLOTS	4	/* rendered order-list bodies kept per process */
#define ADMIN_TEXTS_SLOTS	4	/* languages whose browser texts are kept */

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
	int			status;		/* enum order_status, -1: all */
	long			page;
	int64_t			before_id;	/* ?before=, 0: none */
	char			q[201];		/* ?q= as typed ("\x01": one matching nothing) */
	int64_t			from, to;	/* ?from=&to= as created_at bounds; to 0: none */
	int64_t			day_start;
	int			multi_store;
	int			may_change;	/* the role may change statuses: rows offer the next step */
	char			lang[16];
	char			csrf[72];
	size_t			n;		/* rows on the page */
	int64_t			last_id;	/* id of the last row (older_url) */
	char			*html;		/* owned; freed by admin_cache_free */
	size_t			len;
};

/* The admin pages' per-process cache (app->admin). */
/* Per thread (struct app, "Threads"): no lock. */
struct admin_cache {
	struct admin_rows_slot	rows[ADMIN_ROWS_SLOTS];
	struct {
		char	 lang[16];
		char	*json;		/* the browser texts for lang; owned */
	}			texts[ADMIN_TEXTS_SLOTS];
	uint64_t		clock;
	uint64_t		hits, misses;
};

/* A new empty cache (aborts on OOM). Free with admin_cache_free(); NULL is a no-op. */
struct admin_cache *admin_cache_new(void);
void	admin_cache_free(struct admin_cache *c);

struct mus_error;

/* The cached rows for k (every field but the text), marked as just used; NULL on a miss. */
const struct admin_rows_slot *admin_rows_find(struct admin_cache *c,
		    const struct admin_rows_slot *k);
/*
 * Keeps k (its html taken over: k->html is NULL afterwards) in a free slot,
 * or in place of the least recently used one, whose text is freed. Returns
 * the slot (valid until the next admin_rows_keep).
 */
const struct admin_rows_slot *admin_rows_keep(struct admin_cache *c,
		    struct admin_rows_slot *k);
/*
 * Renders the list's rows (templates/admin_order_rows) for k into k->html
 * (the caller owns it) and k->len. Returns MUS_OK, or the engine's status
 * with *err filled.
 */
int	admin_rows_render(struct app *app, struct admin_rows_slot *k, struct json_object *rows,
	    struct mus_error *err);

/*
 * The session, when its user may exercise right (role.h; DESIGN.md
 * "Roles"), with the CSRF token checked for a POST (form field or
 * X-CSRF-Token). Else writes the answer (sign-in redirect, 401, or 403 with
 * the locale text forbidden_key) and returns 0.
 */
int	admin_view_require(struct app *app, struct http_request *rq,
	    struct http_response *rs, struct auth_session *s, int post, int right,
	    const char *forbidden_key);

/* The status's name for staff ("En préparation"); "" when s is not a status. */
const char *admin_view_status_label(struct app *app, struct http_request *rq, int s);

/* A filter chip's words: "All" (s -1), or the status as a filter ("Terminées": plural in French). */
const char *admin_view_filter_label(struct app *app, struct http_request *rq, int s);
/*
 * A store's name for people: its own, or ORDERSYNC_SHOP_NAME for a store
 * that has none (stores.name NULL, read as ""). Borrowed.
 */
const char *admin_view_store_name(struct app *app, struct http_request *rq,
	    const char *name);

/* The money and time a back-office page is shown in. */
struct admin_locale {
	char	currency[4];			/* ISO 4217 */
	char	tz[STORE_TZ_MAX + 1];		/* IANA zone */
};
/*
 * The currency and time zone of the session's store (an every-store
 * user's: the default store's), the environment's where the store has none
 * of its own or cannot be read, into out. One query: call it once per
 * request and pass the result on.
 */
void	admin_view_locale(struct app *app, const struct auth_session *s,
	    struct admin_locale *out /* OUT */);

/*
 * The frame of every back-office page: the user, the CSRF token for its
 * forms, which nav entry is current (nav, may be NULL), and what the browser
 * code needs to follow the change feed from head. A new object the caller
 * owns.
 */
struct json_object *admin_view_page(struct app *app, struct http_request *rq,
		    const struct auth_session *s, const char *nav, int64_t head);
/* Adds the no-JavaScript reload every seconds (refresh_s, auto_refresh) to m. */
void	admin_view_refresh(struct app *app, struct http_request *rq,
	    struct json_object *m, int seconds);
/*
 * One order as a list row, the fields the row template and the browser
 * render from, with the workflow's next step (a form back to return_to)
 * when may_change (the user's role may change statuses: not a seller's).
 * Rows of orders placed since day_start show a time, older ones a date.
 * A new object the caller owns.
 */
struct json_object *admin_view_order_row(struct app *app, struct http_request *rq,
		    const struct order *o, int multi_store, int may_change,
		    int64_t day_start, const char *return_to);
/* 1 when the session's role may change orders' statuses (role.h RIGHT_CHANGE_ORDERS). */
int	admin_view_may_change(const struct auth_session *s);
/*
 * An order's lines as the order page and the printed slip show them: sku,
 * name, qty, unit_price_cents, unit_price and amount (the line total), the
 * prices formatted in the order's currency. A new array the caller owns.
 */
struct json_object *admin_view_order_items(struct app *app, struct http_request *rq,
		    const struct order *o);
/* "/admin/orders?status=x&page=n" with what is set (status -1: any). Caller frees. */
char	*admin_view_list_path(int status, long page);

/*
 * The stores an every-store admin picks from on a settings-like page
 * (?store=slug): [{slug, name, selected}], the one with id selected
 * marked. An empty array when the list cannot be read.
 */
struct json_object *admin_view_store_choices(struct app *app, struct http_request *rq,
		    int64_t selected);

#endif
