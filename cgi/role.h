/* role.h — who may do what (DESIGN.md "Roles"): the one table of rights. No I/O. */
#ifndef ORDERSYNC_ROLE_H
#define ORDERSYNC_ROLE_H

#include <stdint.h>

enum role {
	ROLE_ADMIN = 0,
	ROLE_STAFF,
	ROLE_SELLER,
	ROLE_N
};

/* What a user may be allowed to do. */
enum role_right {
	RIGHT_SEE_ORDERS = 0,	/* orders, feed, stats, dashboard (of their scope) */
	RIGHT_CHANGE_ORDERS,	/* change status, take payments, refund */
	RIGHT_COUNTER,		/* key in a counter order */
	RIGHT_CATALOG,		/* products, stock, photos, CSV (of their scope) */
	RIGHT_STAFF,		/* staff accounts */
	RIGHT_SETTINGS,		/* the store's settings */
	RIGHT_STORES,		/* create and rename stores: every-store admins only */
	RIGHT_N
};

/* The role named name ("admin"), or -1. */
int	role_parse(const char *name);
/* The role's name; NULL when r is not a role. */
const char *role_name(int r);
/*
 * 1 when a user of role r whose scope is every store (all_stores) or one
 * store may exercise right. What the right applies to is the caller's: a
 * one-store user only ever sees their store's rows (another store's → 404).
 */
int	role_may(int r, int all_stores, enum role_right right);
/*
 * 1 when a user of role r and scope store_id (0: every store) may manage an
 * account that has (or would get) role target and scope target_store: an
 * every-store admin any account; a one-store admin staff and sellers of
 * their own store only; nobody else any. Another store's account is the
 * caller's 404 before this is asked.
 */
int	role_may_assign(int r, int64_t store_id, int target, int64_t target_store);

#endif
