/* db_lookup.h — the order look-up's throttle, kept in the sign-in attempts table under a key of its own. */
#ifndef ORDERSYNC_DB_LOOKUP_H
#define ORDERSYNC_DB_LOOKUP_H

#include <stdint.h>

#include "db.h"

/*
 * Opens one order look-up under key ("lookup:" + the client's address) at
 * now, in one IMMEDIATE transaction: when max failed look-ups of key fall
 * in the last window seconds, nothing is written, *attempt_id is 0 and
 * *until the time the oldest of them leaves the window; otherwise a failed
 * attempt is recorded (the caller marks it a success with
 * db_admin_login_succeeded() once the order matched) and *attempt_id names
 * it. A success never resets the count: knowing one order buys no guesses
 * at another. The rows live in login_attempts (email = key, addr and
 * device ""), so the sign-in's prune deletes them after a day and they
 * never count against a sign-in. DB_BUSY/DB_ERROR: nothing written.
 */
enum db_status	db_lookup_begin(struct db *db, const char *key, int64_t now,
		    int64_t window, int max, int64_t *attempt_id /* OUT */,
		    int64_t *until /* OUT */);

#endif
