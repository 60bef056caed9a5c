/* db_engine.h — the two engines behind db_impl.h's API, which db_engine.c dispatches to; only db_engine.c, db_sqlite.c and db_pg.c include it. */
#ifndef ORDERSYNC_DB_ENGINE_H
#define ORDERSYNC_DB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "db_impl.h"

/*
 * Each engine implements the same calls; impl is its statement. open
 * fills db (already zeroed, log set) and applies the migrations; close
 * finalizes the cache's statements it is given first and frees nothing
 * else of db.
 */

/* SQLite (db_sqlite.c). */
enum db_status	 lite_open(struct db *db, const char *path, int sync_full, struct buf *err);
void		 lite_close(struct db *db);
void		*lite_prepare(struct db *db, const char *sql);
void		 lite_finalize(void *impl);
void		 lite_clear(void *impl);
enum db_status	 lite_status_of(struct db *db, int rc, const char *what);
void		 lite_bind_int64(void *impl, int i, int64_t v);
void		 lite_bind_text(void *impl, int i, const char *s);
void		 lite_bind_blob(void *impl, int i, const void *p, size_t n);
void		 lite_bind_null(void *impl, int i);
int		 lite_step(void *impl);
void		 lite_reset(void *impl);
int64_t		 lite_col_int64(void *impl, int i);
const char	*lite_col_text(void *impl, int i);
int		 lite_col_null(void *impl, int i);
enum db_col_kind lite_col_kind(void *impl, int i);
int		 lite_col_count(void *impl);
const void	*lite_col_blob(void *impl, int i);
size_t		 lite_col_bytes(void *impl, int i);
int64_t		 lite_changes(struct db *db);
int64_t		 lite_total_changes(struct db *db);
enum db_status	 lite_begin(struct db *db);
enum db_status	 lite_commit(struct db *db);
void		 lite_rollback(struct db *db);
enum db_status	 lite_data_version(struct db *db, int64_t *out);
int		 lite_user_version(struct db *db);

/* PostgreSQL (db_pg.c). */
enum db_status	 pg_open(struct db *db, const char *uri, struct buf *err);
void		 pg_close(struct db *db);
void		*pg_prepare(struct db *db, const char *sql);
void		 pg_finalize(void *impl);
void		 pg_clear(void *impl);
enum db_status	 pg_status_of(struct db *db, int rc, const char *what);
void		 pg_bind_int64(void *impl, int i, int64_t v);
void		 pg_bind_text(void *impl, int i, const char *s);
void		 pg_bind_blob(void *impl, int i, const void *p, size_t n);
void		 pg_bind_null(void *impl, int i);
int		 pg_step(void *impl);
void		 pg_reset(void *impl);
int64_t		 pg_col_int64(void *impl, int i);
const char	*pg_col_text(void *impl, int i);
int		 pg_col_null(void *impl, int i);
enum db_col_kind pg_col_kind(void *impl, int i);
int		 pg_col_count(void *impl);
const void	*pg_col_blob(void *impl, int i);
size_t		 pg_col_bytes(void *impl, int i);
int64_t		 pg_changes(struct db *db);
enum db_status	 pg_begin(struct db *db);
enum db_status	 pg_commit(struct db *db);
void		 pg_rollback(struct db *db);
enum db_status	 pg_data_version(struct db *db, int64_t *out);
int		 pg_user_version(struct db *db);
int		 pg_watch_fd(struct db *db);
int		 pg_watch_changed(struct db *db);

/* 1 when s names a PostgreSQL database: a postgresql:// or postgres:// URI. */
int		 db_is_pg_uri(const char *s);

#endif
