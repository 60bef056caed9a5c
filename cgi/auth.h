/* auth.h — admin authentication: passwords, sessions, CSRF tokens, device cookies, login throttling, the session cache. */
#ifndef ORDERSYNC_AUTH_H
#define ORDERSYNC_AUTH_H

#include <stdint.h>

#include "db_admin.h"
#include "http.h"

struct app;

#define AUTH_COOKIE		"ordersync_admin"
#define AUTH_TOKEN_HEX		64		/* 256-bit tokens, lowercase hex */
#define AUTH_IDLE_SECS		(12 * 3600)	/* sliding idle expiry */
#define AUTH_TOUCH_SECS		60		/* last_seen_at written at most this often */
#define AUTH_CACHE_SECS		30		/* a cached session is re-read after this */
#define AUTH_POLL_WRITE_SECS	30		/* sessions.last_poll_at written at most this often */
#define AUTH_THROTTLE_PAIR	5		/* failed logins of one account from one address, */
#define AUTH_THROTTLE_ADDR	50		/* ... from one address, whatever the account, */
#define AUTH_THROTTLE_DEVICE	5		/* ... or with one device cookie ... */
#define AUTH_THROTTLE_WINDOW	(15 * 60)	/* ... in this window: 429 */
#define AUTH_LOGIN_COOKIE	"ordersync_login"	/* the sign-in form's pre-session token */
#define AUTH_LOGIN_SECS		3600		/* ... lives an hour */
#define AUTH_DEVICE_COOKIE	"ordersync_device_"	/* + the user id: a signed device cookie */
#define AUTH_DEVICE_SECS	(365 * 86400)	/* ... lives a year */
#define AUTH_DEVICE_ID_HEX	32		/* a device's random id, lowercase hex */
#define AUTH_DEVICE_MAX		160		/* bytes of a device cookie's value, at most */
#define AUTH_DEVICE_KEY		32		/* bytes of the HMAC-SHA256 key */
#define AUTH_PASSWORD_MAX	1024		/* bytes */
#define AUTH_NEXT_MAX		512		/* bytes of a ?next= path */
#define AUTH_CACHE_SLOTS	32

/* The session of the current request, a copy the handler may keep. */
struct auth_session {
	char			token_hash[AUTH_TOKEN_HEX + 1];
	struct db_admin_session	row;
	struct db_version	version;	/* the database as this request saw it */
};

/*
 * The per-process session cache (in struct app). A slot answers a request
 * without SQL while the database version it was read at is still current
 * and it is younger than AUTH_CACHE_SECS; any commit by another process, or
 * any write by this one, makes every slot re-read its row (one primary-key
 * look-up), so a logout or an expiry anywhere is seen at once. pending_polls
 * counts feed polls not yet added to sessions.polls (they are written at
 * most every AUTH_POLL_WRITE_SECS; a slot evicted before that loses them).
 */
struct auth_cache_slot {
	int			used;
	char			token_hash[AUTH_TOKEN_HEX + 1];
	struct db_admin_session	row;
	struct db_version	checked;
	int64_t			checked_at;
	int64_t			last_used;
	int64_t			pending_polls;
};
/* Per thread (struct app, "Threads"): no lock; each thread counts its own pending polls. */
struct auth_cache {
	struct auth_cache_slot	slot[AUTH_CACHE_SLOTS];
	uint64_t		hits, misses;
	int64_t			last_prune;	/* when old attempts and sessions were last deleted */
};

/* -- Pure helpers (unit-tested). -- */

/* Writes a new random 256-bit token as 64 lowercase hex digits into out. */
void	auth_token_new(char out[AUTH_TOKEN_HEX + 1]);
/* out = hex(BLAKE2b-256(token)): what the sessions table stores. */
void	auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX + 1]);
/* 1 when s is exactly 64 lowercase hex digits. */
int	auth_token_wellformed(const char *s);
/* 1 when given is the CSRF token expected (constant-time); 0 for NULL or a malformed one. */
int	auth_csrf_ok(const char *expected, const char *given);
/*
 * 1 when next is a safe place to send someone after login: a local path
 * starting with one "/" (not "//" nor "/\"), no backslash or control
 * character, at most AUTH_NEXT_MAX bytes. Anything else would be an open
 * redirect.
 */
int	auth_next_ok(const char *next);
/* Percent-encodes s for a query value (unreserved characters and "/" kept). Caller frees. */
char	*auth_query_escape(const char *s);
/*
 * Checks password against an encoded Argon2id hash. hash NULL (no such
 * user) checks against a dummy hash instead, so an unknown account takes
 * as long as a known one; it always fails. 1 when the password matches.
 */
int	auth_password_verify(const char *hash, const char *password);

/* -- Sessions. -- */

enum auth_status {
	AUTH_OK = 0,
	AUTH_NONE,		/* no cookie, or no live session behind it */
	AUTH_UNAVAILABLE	/* the database is busy or failing */
};

/*
 * Finds the request's session (cookie AUTH_COOKIE) through the cache and
 * copies it to out. Slides the idle expiry when last_seen_at is over
 * AUTH_TOUCH_SECS old (one UPDATE, and the cookie is sent again on rs).
 * The cached path costs one PRAGMA data_version.
 */
enum auth_status auth_session_find(struct app *app, struct http_request *rq,
		    struct http_response *rs, struct auth_session *out /* OUT */);
/*
 * For every admin handler: 1 when the request has a session (copied to
 * out); the request then runs in the time zone of the user's store (an
 * every-store user: the default store's), so "today" and the hours are
 * the store's. Otherwise writes the answer and returns 0: pages 303 to the login
 * page with ?next= the page asked for; /admin/api/ and JSON clients 401
 * JSON; a database failure 503.
 */
int	auth_require(struct app *app, struct http_request *rq,
	    struct http_response *rs, struct auth_session *out /* OUT */);
/*
 * For every admin POST: 1 when the form field "csrf" or the X-CSRF-Token
 * header holds the session's CSRF token; otherwise writes 403 and returns 0.
 */
int	auth_require_csrf(struct app *app, struct http_request *rq,
	    struct http_response *rs, const struct auth_session *s);
/*
 * Creates a session for user_id with a new token and CSRF token and sets
 * the cookie on rs. The session the request's cookie named, if any, is
 * deleted first: a token chosen before login never becomes a session (no
 * fixation).
 */
enum db_status auth_session_start(struct app *app, struct http_request *rq,
		    struct http_response *rs, int64_t user_id);
/* Deletes the session s (NULL: the request's cookie, if any) and clears the cookie. */
enum db_status auth_session_end(struct app *app, struct http_request *rq,
		    struct http_response *rs, const struct auth_session *s);
/* Counts one feed poll of s; writes the count at most every AUTH_POLL_WRITE_SECS. */
void	auth_note_poll(struct app *app, const struct auth_session *s);

/* -- Login CSRF: the sign-in form's pre-session token. -- */

/*
 * The sign-in form's token: the request's AUTH_LOGIN_COOKIE when it is
 * well-formed (two open tabs share one), else a new random one. Sets the
 * cookie on rs (HttpOnly, SameSite=Strict, Path the sign-in page,
 * AUTH_LOGIN_SECS) and copies the token to out for the form's hidden field.
 */
void	auth_login_token(struct app *app, struct http_request *rq,
	    struct http_response *rs, char out[AUTH_TOKEN_HEX + 1] /* OUT */);
/*
 * 1 when a sign-in POST carries its pre-session token: the form field
 * "csrf" equals the AUTH_LOGIN_COOKIE cookie (constant-time), or the body
 * is JSON (see auth.c for why that is enough). 0 otherwise.
 */
int	auth_login_token_ok(const struct http_request *rq);

/* -- Device cookies: "this browser has signed in to this account before". -- */

/*
 * Writes into out (outsz >= AUTH_DEVICE_MAX) the value of a device cookie
 * for user_id issued at issued_at with the device id id (AUTH_DEVICE_ID_HEX
 * lowercase hex digits): "user_id.issued_at.id.mac", where mac is the hex
 * HMAC-SHA256 of the rest under key.
 */
void	auth_device_sign(const unsigned char key[AUTH_DEVICE_KEY], int64_t user_id,
	    int64_t issued_at, const char *id, char *out /* OUT */, size_t outsz);
/*
 * 1 when value is a device cookie signed with key for user_id, issued at
 * most AUTH_DEVICE_SECS before now (and not after now + 300 s); its device
 * id is copied to id. 0 for anything else (NULL included); id is "" then.
 */
int	auth_device_verify(const unsigned char key[AUTH_DEVICE_KEY], const char *value,
	    int64_t user_id, int64_t now, char id[AUTH_DEVICE_ID_HEX + 1] /* OUT */);
/*
 * The device id of the request's valid device cookie for user_id into id,
 * "" when it has none (or a forged, expired or foreign one). Fails only
 * when the key cannot be read.
 */
enum db_status auth_device_find(struct app *app, const struct http_request *rq,
		    int64_t user_id, char id[AUTH_DEVICE_ID_HEX + 1] /* OUT */);
/*
 * Sets on rs a new device cookie for user_id (a new device id; HttpOnly,
 * SameSite=Strict, Path the sign-in page, AUTH_DEVICE_SECS, Secure like
 * the session cookie). Fails only when the key cannot be read.
 */
enum db_status auth_device_issue(struct app *app, struct http_request *rq,
		    struct http_response *rs, int64_t user_id);

/* -- Login throttling (DESIGN.md, "Login throttling (v2)"). -- */

/* A sign-in attempt opened by auth_attempt_begin. */
struct auth_attempt {
	int64_t	id;		/* its login_attempts row; 0 when refused */
	int64_t	retry_after;	/* refused: seconds until it may be tried; else 0 */
};

/*
 * Opens a sign-in attempt for email (lowercased) from addr, with the device
 * id of a valid device cookie for that account or "" (auth_device_find).
 * Without a device: AUTH_THROTTLE_PAIR failures of the (email, addr) pair,
 * or AUTH_THROTTLE_ADDR from addr, in AUTH_THROTTLE_WINDOW refuse it. With
 * one, only AUTH_THROTTLE_DEVICE failures of that device do: a stranger's
 * failures never lock its owner out. A refused attempt has out->retry_after
 * > 0; an accepted one is already counted as a failure (atomically with the
 * check), so call auth_attempt_end() after checking the password.
 */
enum db_status auth_attempt_begin(struct app *app, const char *email, const char *addr,
		    const char *device, struct auth_attempt *out /* OUT */);
/*
 * Closes an accepted attempt: ok marks it a success. On success, and at
 * most hourly otherwise (so an attack from many addresses cannot grow the
 * table without bound), deletes attempts older than a day and expired
 * sessions.
 */
enum db_status auth_attempt_end(struct app *app, const struct auth_attempt *a, int ok);
/*
 * Counts a forgotten-password request for email (lowercased), known or
 * not, in the sign-in attempts under a key of its own ("forgot:" + email,
 * so it never counts against a sign-in): more than AUTH_THROTTLE_DEVICE in
 * AUTH_THROTTLE_WINDOW, from any address, sets *retry_after (seconds) > 0.
 */
enum db_status auth_forgot_begin(struct app *app, const char *email,
		    int64_t *retry_after /* OUT */);

#endif
