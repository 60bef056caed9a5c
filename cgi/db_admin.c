/* db_admin.c — the admin side's SQL: users, sessions, login attempts, feed reads (the stats: db_admin_stats.c). */
#include <stdlib.h>
#include <string.h>

#include "db_admin.h"
#include "db_impl.h"

enum db_status
db_admin_version(struct db *db, struct db_version *out)
{
	enum db_status rc;

	if ((rc = db_data_version(db, &out->data_version)) != DB_OK)
		return rc;
	out->changes = db_total_changes(db);
	return DB_OK;
}

int
db_admin_version_eq(const struct db_version *a, const struct db_version *b)
{
	return a->data_version == b->data_version && a->changes == b->changes;
}

int64_t
db_admin_changes(struct db *db)
{
	return db_total_changes(db);
}

/* ---- users and sessions ---- */

enum db_status
db_admin_user_by_email(struct db *db, const char *email, struct db_admin_user *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	/* A disabled account cannot sign in: it is not found. */
	if ((st = db_stmt(db, "SELECT id, password_hash FROM users "
	    "WHERE email = ? AND disabled = 0")) == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	if ((rc = db_step(st)) == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->password_hash = db_col_strdup(st, 1);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "find user");
}

void
db_admin_user_clear(struct db_admin_user *u)
{
	if (u == NULL)
		return;
	free(u->password_hash);
	memset(u, 0, sizeof *u);
}

enum db_status
db_admin_session_get(struct db *db, const char *token_hash, int64_t now,
    struct db_admin_session *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db,
	    "SELECT s.user_id, coalesce(u.store_id, 0), u.role, u.email, "
	    "  coalesce(t.name, ''), s.csrf_token, s.expires_at, s.last_seen_at, "
	    "  s.last_poll_at, coalesce(z.timezone, '') "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "LEFT JOIN stores t ON t.id = u.store_id "
	    "LEFT JOIN stores z ON z.id = coalesce(u.store_id, 1) "
	    "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	if ((rc = db_step(st)) == DB_ROW) {
		out->user_id = db_col_int64(st, 0);
		out->store_id = db_col_int64(st, 1);
		db_col_copy(st, 2, out->role, sizeof out->role);
		db_col_copy(st, 3, out->email, sizeof out->email);
		db_col_copy(st, 4, out->store_name, sizeof out->store_name);
		db_col_copy(st, 5, out->csrf, sizeof out->csrf);
		out->expires_at = db_col_int64(st, 6);
		out->last_seen_at = db_col_int64(st, 7);
		out->last_poll_at = db_col_int64(st, 8);
		db_col_copy(st, 9, out->tz, sizeof out->tz);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "read session");
}

enum db_status
db_admin_session_create(struct db *db, const char *token_hash, int64_t user_id,
    const char *csrf, int64_t now, int64_t expires_at)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "INSERT INTO sessions (token_hash, user_id, csrf_token, "
	    "created_at, expires_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_int64(st, 4, now);
	db_bind_int64(st, 5, expires_at);
	if ((rc = db_step_done(db, st, "create session")) != DB_OK)
		return rc;
	/* The staff list's "last sign-in". */
	if ((st = db_stmt(db, "UPDATE users SET last_login_at = ?2 WHERE id = ?1")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, user_id);
	db_bind_int64(st, 2, now);
	return db_step_done(db, st, "note sign-in");
}

enum db_status
db_admin_session_touch(struct db *db, const char *token_hash, int64_t now,
    int64_t expires_at)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE sessions SET last_seen_at = ?2, expires_at = ?3 "
	    "WHERE token_hash = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, expires_at);
	return db_step_done(db, st, "touch session");
}

enum db_status
db_admin_session_polled(struct db *db, const char *token_hash, int64_t now,
    int64_t npolls)
{
	struct db_stmt *st;

	st = db_stmt(db, "UPDATE sessions SET last_poll_at = "
	    "CASE WHEN last_poll_at > ?2 THEN last_poll_at ELSE ?2 END, "
	    "polls = polls + ?3 WHERE token_hash = ?1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, npolls);
	return db_step_done(db, st, "record polls");
}

enum db_status
db_admin_session_delete(struct db *db, const char *token_hash)
{
	struct db_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE token_hash = ?");

	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token_hash);
	return db_step_done(db, st, "delete session");
}

enum db_status
db_admin_prune(struct db *db, int64_t now, int64_t attempts_before)
{
	struct db_stmt *st;
	enum db_status rc;

	if ((st = db_stmt(db, "DELETE FROM sessions WHERE expires_at <= ?")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, now);
	if ((rc = db_step_done(db, st, "prune sessions")) != DB_OK)
		return rc;
	if ((st = db_stmt(db, "DELETE FROM login_attempts WHERE at < ?")) == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, attempts_before);
	return db_step_done(db, st, "prune login attempts");
}

/* ---- login throttling ---- */

/*
 * Steps st, a query of failure times newest first bound by the caller,
 * whose row is the max-th most recent failure: while it is in the window
 * there are max failures in it, so the block lasts until it leaves. Raises
 * *until to that time; no row leaves it as it is.
 */
static enum db_status
blocked_by(struct db *db, struct db_stmt *st, int64_t window, int64_t *until,
    const char *what)
{
	enum db_status rc;
	int64_t at = 0;

	rc = db_one_int(db, st, &at, what);
	if (rc == DB_OK && at + window > *until)
		*until = at + window;
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

/* *until for an attempt with the device id device: its own failures only. */
static enum db_status
device_blocked(struct db *db, const char *device, int64_t now,
    const struct db_admin_login_limits *lim, int64_t *until)
{
	struct db_stmt *st;

	st = db_stmt(db, "SELECT at FROM login_attempts WHERE device = ?1 AND ok = 0 "
	    "AND at > ?2 AND id > coalesce((SELECT max(id) FROM login_attempts "
	    "  WHERE device = ?1 AND ok = 1), 0) "
	    "ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, device);
	db_bind_int64(st, 2, now - lim->window);
	db_bind_int(st, 3, lim->per_device - 1);
	return blocked_by(db, st, lim->window, until, "throttle by device");
}

/* *until for an attempt without a device: its (email, addr) pair and its address. */
static enum db_status
pair_blocked(struct db *db, const char *email, const char *addr, int64_t now,
    const struct db_admin_login_limits *lim, int64_t *until)
{
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "SELECT at FROM login_attempts WHERE email = ?1 AND addr = ?2 "
	    "AND ok = 0 AND at > ?3 AND id > coalesce((SELECT max(id) FROM login_attempts "
	    "  WHERE email = ?1 AND addr = ?2 AND device = '' AND ok = 1), 0) "
	    "ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?4");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, addr);
	db_bind_int64(st, 3, now - lim->window);
	db_bind_int(st, 4, lim->per_pair - 1);
	if ((rc = blocked_by(db, st, lim->window, until, "throttle by account")) != DB_OK)
		return rc;
	if (*addr == '\0')
		return DB_OK;	/* no address known: not one bucket for all of them */
	st = db_stmt(db, "SELECT at FROM login_attempts WHERE addr = ?1 AND ok = 0 "
	    "AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, addr);
	db_bind_int64(st, 2, now - lim->window);
	db_bind_int(st, 3, lim->per_addr - 1);
	return blocked_by(db, st, lim->window, until, "throttle by address");
}

enum db_status
db_admin_login_begin(struct db *db, const char *email, const char *addr,
    const char *device, int64_t now, const struct db_admin_login_limits *lim,
    int64_t *attempt_id, int64_t *until)
{
	struct db_stmt *st;
	enum db_status rc;

	*attempt_id = 0;
	*until = 0;
	if (addr == NULL)
		addr = "";
	if (device == NULL)
		device = "";
	/* IMMEDIATE: the count and the insert below are one step for every process. */
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if (*device != '\0')
		rc = device_blocked(db, device, now, lim, until);
	else
		rc = pair_blocked(db, email, addr, now, lim, until);
	if (rc != DB_OK || *until > now) {
		db_rollback(db);
		if (*until <= now)
			*until = 0;
		return rc;
	}
	*until = 0;
	st = db_stmt(db, "INSERT INTO login_attempts (email, addr, device, at, ok) "
	    "VALUES (?, ?, ?, ?, 0) RETURNING id");
	if (st == NULL) {
		db_rollback(db);
		return DB_ERROR;
	}
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, addr);
	db_bind_text(st, 3, device);
	db_bind_int64(st, 4, now);
	if ((rc = db_one_int(db, st, attempt_id, "record login attempt")) != DB_OK) {
		db_rollback(db);
		*attempt_id = 0;
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	}
	if ((rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		*attempt_id = 0;
	}
	return rc;
}

enum db_status
db_admin_login_succeeded(struct db *db, int64_t attempt_id)
{
	struct db_stmt *st = db_stmt(db, "UPDATE login_attempts SET ok = 1 WHERE id = ?");

	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, attempt_id);
	return db_step_done(db, st, "record login success");
}

/* Reads meta.device_key into out; DB_NOTFOUND when there is none. */
static enum db_status
read_device_key(struct db *db, char out[65])
{
	struct db_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = 'device_key'");
	int step;

	out[0] = '\0';
	if (st == NULL)
		return DB_ERROR;
	if ((step = db_step(st)) == DB_ROW)
		db_col_copy(st, 0, out, 65);
	db_reset(st);
	if (step == DB_DONE)
		return DB_NOTFOUND;
	if (step != DB_ROW)
		return db_status_of(db, step, "read device key");
	return strlen(out) == 64 ? DB_OK : DB_ERROR;
}

enum db_status
db_admin_device_key(struct db *db, const char *fresh, char out[65])
{
	struct db_stmt *st;
	enum db_status rc;

	if ((rc = read_device_key(db, out)) != DB_NOTFOUND)
		return rc;
	/* The first use (or the row was deleted: the old cookies stop counting). */
	st = db_stmt(db, "INSERT INTO meta (key, value) VALUES ('device_key', ?) "
	    "ON CONFLICT DO NOTHING");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, fresh);
	if ((rc = db_step_done(db, st, "make device key")) != DB_OK)
		return rc;
	rc = read_device_key(db, out);
	return rc == DB_NOTFOUND ? DB_ERROR : rc;
}

/* ---- stores ---- */

enum db_status
db_admin_store_count(struct db *db, int64_t *n)
{
	struct db_stmt *st = db_stmt(db, "SELECT count(*) FROM stores");

	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return db_one_int(db, st, n, "count stores");
}

/* ---- the change feed ---- */

void
db_admin_events_free(struct db_admin_event *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].payload);
	free(v);
}

static void
read_event_cb(struct db_stmt *st, void *p)
{
	struct db_admin_event *e = p;

	e->id = db_col_int64(st, 0);
	db_col_copy(st, 1, e->type, sizeof e->type);
	e->created_at = db_col_int64(st, 2);
	e->payload = db_col_strdup(st, 3);
}

static void
clear_event_cb(void *p)
{
	free(((struct db_admin_event *)p)->payload);
}

/* Collects the rows (id, type, created_at, payload) of a prepared, bound query. */
static enum db_status
read_events(struct db *db, struct db_stmt *st, struct db_admin_event **out, size_t *n)
{
	enum db_status rc;
	void *v;

	rc = db_collect(db, st, sizeof **out, read_event_cb, clear_event_cb, &v, n,
	    "read events");
	*out = v;
	return rc;
}

enum db_status
db_admin_feed_head(struct db *db, int64_t store_id, int64_t *head)
{
	struct db_stmt *st;

	*head = 0;
	/* Two statements so each is a single b-tree seek (max() optimisation). */
	if (store_id == DB_ALL_STORES)
		st = db_stmt(db, "SELECT coalesce(max(id), 0) FROM order_events");
	else {
		st = db_stmt(db, "SELECT coalesce(max(id), 0) FROM order_events "
		    "WHERE store_id = ?");
		if (st != NULL)
			db_bind_int64(st, 1, store_id);
	}
	if (st == NULL)
		return DB_ERROR;
	return db_one_int(db, st, head, "feed head");
}

enum db_status
db_admin_feed_oldest(struct db *db, int64_t *oldest)
{
	struct db_stmt *st = db_stmt(db, "SELECT coalesce(min(id), 0) FROM order_events");

	*oldest = 0;
	if (st == NULL)
		return DB_ERROR;
	return db_one_int(db, st, oldest, "feed oldest");
}

enum db_status
db_admin_feed_read(struct db *db, int64_t store_id, int64_t after, int limit,
    struct db_admin_event **out, size_t *n)
{
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	if (store_id == DB_ALL_STORES) {
		st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
		    "WHERE id > ?1 ORDER BY id LIMIT ?2");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, after);
		db_bind_int(st, 2, limit);
	} else {
		st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
		    "WHERE store_id = ?3 AND id > ?1 ORDER BY id LIMIT ?2");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, after);
		db_bind_int(st, 2, limit);
		db_bind_int64(st, 3, store_id);
	}
	return read_events(db, st, out, n);
}

enum db_status
db_admin_order_events(struct db *db, int64_t order_id, struct db_admin_event **out,
    size_t *n)
{
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	st = db_stmt(db, "SELECT id, type, created_at, payload FROM order_events "
	    "WHERE order_id = ? ORDER BY id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, order_id);
	return read_events(db, st, out, n);
}
