/* db_users.h — the SQL of staff accounts: the list, invitations, role/store/disabled changes, set-password links. */
#ifndef ORDERSYNC_DB_USERS_H
#define ORDERSYNC_DB_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DB_USERS_LIST_MAX	1000	/* accounts on the staff list, at most */

/* One account as the staff pages show it; fixed-size. */
struct db_user {
	int64_t	id;
	char	email[256];
	char	role[8];		/* admin | staff | seller */
	int64_t	store_id;		/* 0: every store */
	char	store_slug[72];		/* "" for every store */
	char	store_name[104];	/* "" for every store */
	int	disabled;
	int64_t	last_login_at;		/* 0: never */
};

/*
 * The accounts of the scope (store_id 0: every account; else that store's
 * only), by email. *out (n of them, NULL when none) is the caller's to free.
 */
enum db_status	db_users_list(struct db *db, int64_t store_id,
		    struct db_user **out /* OUT */, size_t *n /* OUT */);
/* Account id within the scope (0: any); DB_NOTFOUND when absent or another store's. */
enum db_status	db_users_get(struct db *db, int64_t store_id, int64_t id,
		    struct db_user *out /* OUT */);
/* The account whose email is email (case-insensitive); DB_NOTFOUND. */
enum db_status	db_users_by_email(struct db *db, const char *email,
		    struct db_user *out /* OUT */);
/*
 * Creates the account (email, role, store_id 0 = every store) with no
 * usable password, and its invitation link token_hash valid until
 * expires_at, in one transaction; *id is the new account's. DB_CONFLICT
 * when the email is taken.
 */
enum db_status	db_users_invite(struct db *db, const char *email, const char *role,
		    int64_t store_id, const char *token_hash, int64_t now, int64_t expires_at,
		    int64_t *id /* OUT */);
/*
 * Sets role, store (0: every store) and disabled of account id. Disabling
 * also ends its sessions and voids its unused links, in the same
 * transaction (the session caches re-read at once: the database changed).
 */
enum db_status	db_users_update(struct db *db, int64_t id, const char *role,
		    int64_t store_id, int disabled);
/*
 * A new reset link token_hash for account id (until expires_at): its
 * sessions end and its older unused links are voided, in one transaction.
 */
enum db_status	db_users_reset(struct db *db, int64_t id, const char *token_hash,
		    int64_t now, int64_t expires_at);
/*
 * A new reset link token_hash for account id (until expires_at) that ends
 * nothing: a forgotten-password request may come from anyone, so the
 * account's sessions and older links stay until the link is used. In one
 * transaction with then(arg), which queues the link's mail: both are kept
 * when then returns 0, neither else (DB_ERROR).
 */
enum db_status	db_users_link_add(struct db *db, int64_t id, const char *token_hash,
		    int64_t now, int64_t expires_at, int (*then)(void *), void *arg);
/* The account of a link that is still usable at now into *user_id; DB_NOTFOUND else. */
enum db_status	db_users_token_find(struct db *db, const char *token_hash, int64_t now,
		    int64_t *user_id /* OUT */);
/*
 * Uses the link: when it is unused, unexpired at now and its account not
 * disabled, marks it used, sets the account's password_hash and ends its
 * sessions, in one transaction. DB_NOTFOUND when the link is not usable.
 */
enum db_status	db_users_token_use(struct db *db, const char *token_hash, int64_t now,
		    const char *password_hash);
/* Sets account id's password_hash (changing one's own password). */
enum db_status	db_users_set_password(struct db *db, int64_t id, const char *password_hash);

#endif
