/* db_setup.h — set-up operations used by ordersyncctl: demo catalog, users. */
#ifndef ORDERSYNC_DB_SETUP_H
#define ORDERSYNC_DB_SETUP_H

#include "db.h"

/* Inserts the demo catalog (8 products of store 1), skipping SKUs already there. */
enum db_status	db_seed_demo(struct db *db, int *inserted);
/*
 * Takes the demo catalog away from store 1 in one transaction: demo SKUs
 * never sold are deleted (with their cart lines), sold ones deactivated
 * (their orders keep them). Counts into *deleted and *deactivated.
 */
enum db_status	db_demo_remove(struct db *db, int *deleted, int *deactivated);
/*
 * Adds a user. store_slug NULL: every store. DB_NOTFOUND when the store does
 * not exist, DB_CONFLICT when the email is taken.
 */
enum db_status	db_user_add(struct db *db, const char *email,
		    const char *password_hash, const char *role,
		    const char *store_slug);
/* Looks a user up by email; role and store slug ("" = all stores) copied out. */
enum db_status	db_user_find(struct db *db, const char *email, char *role,
		    size_t rolesz, char *store, size_t storesz);

#endif
