/* password.h — the password rules (length, the most common passwords), Argon2id hashing, set-password link tokens. */
#ifndef ORDERSYNC_PASSWORD_H
#define ORDERSYNC_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_MIN		10		/* characters (UTF-8 code points) */
#define PASSWORD_MAX		1024		/* bytes */
#define PASSWORD_LINK_SECS	(48 * 3600)	/* a set-password link lives 48 h */
#define PASSWORD_HASH_MAX	128		/* bytes of an encoded Argon2id hash, NUL included */

/*
 * Checks pw against the rules. NULL when it is acceptable, else the locale
 * key saying why: "password.errors.short" (fewer than PASSWORD_MIN
 * characters, or not UTF-8, or over PASSWORD_MAX bytes) or
 * "password.errors.common" (on the list of the most common passwords,
 * whatever its case).
 */
const char *password_check(const char *pw);
/* 1 when pw is on the list of common passwords (case-insensitive ASCII). */
int	password_is_common(const char *pw);
/*
 * Hashes pw with Argon2id (the limits `ordersyncctl user add` uses) into
 * out. 0 on success, -1 when out of memory.
 */
int	password_hash(const char *pw, char out[PASSWORD_HASH_MAX] /* OUT */);
#endif
