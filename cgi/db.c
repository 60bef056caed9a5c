/* db.c — the db layer's helpers over the statement API (db_impl.h), whatever the engine: reading rows, one-row and one-integer queries, the schema version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"

/* schema.sql, compiled in by the Makefile (build/schema_sql.c). */
extern const char db_schema_sql[];

#define MIGRATION_MARK "-- @migration "

char *
db_col_strdup(struct db_stmt *st, int i)
{
	const char *t = db_col_text(st, i);

	return xstrdup(t ? t : "");
}

enum db_status
db_step_done(struct db *db, struct db_stmt *st, const char *what)
{
	int rc;

	while ((rc = db_step(st)) == DB_ROW)
		;
	db_reset(st);
	return db_status_of(db, rc, what);
}

enum db_status
db_collect(struct db *db, struct db_stmt *st, size_t size,
    void (*read)(struct db_stmt *, void *),
    void (*clear)(void *), void **out, size_t *n, const char *what)
{
	unsigned char *v = NULL;
	size_t cap = 0, len = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		v = xgrow(v, &cap, len, size);
		memset(v + len * size, 0, size);
		read(st, v + len * size);
		len++;
	}
	db_reset(st);
	if (rc != DB_DONE) {
		for (i = 0; i < len; i++)
			clear(v + i * size);
		free(v);
		return db_status_of(db, rc, what);
	}
	*out = v;
	*n = len;
	return DB_OK;
}

static void
read_id(struct db_stmt *st, void *p)
{
	*(int64_t *)p = db_col_int64(st, 0);
}

static void
clear_id(void *p)
{
	(void)p;
}

enum db_status
db_collect_ids(struct db *db, struct db_stmt *st, int64_t **ids, size_t *n, const char *what)
{
	return db_collect(db, st, sizeof **ids, read_id, clear_id, (void **)ids, n, what);
}

void
db_read_photo(struct db_stmt *st, int col, struct product_media *image,
    struct product_media *thumb)
{
	db_col_copy(st, col, image->id, sizeof image->id);
	image->width = db_col_int(st, col + 1);
	image->height = db_col_int(st, col + 2);
	db_col_copy(st, col + 3, thumb->id, sizeof thumb->id);
	thumb->width = db_col_int(st, col + 4);
	thumb->height = db_col_int(st, col + 5);
}

void
db_col_copy(struct db_stmt *st, int i, char *out, size_t outsz)
{
	const char *t = db_col_text(st, i);

	snprintf(out, outsz, "%s", t ? t : "");
}

enum db_status
db_one_row(struct db *db, struct db_stmt *st, void (*read)(struct db_stmt *, void *), void *out,
    const char *what)
{
	int rc;

	if ((rc = db_step(st)) == DB_ROW)
		read(st, out);
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return rc == DB_ROW ? DB_OK : db_status_of(db, rc, what);
}

enum db_status
db_one_int(struct db *db, struct db_stmt *st, int64_t *out, const char *what)
{
	int rc = db_step(st);

	if (rc == DB_ROW)
		*out = db_col_int64(st, 0);
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, what);
}

int
db_schema_version(void)
{
	const char *p = db_schema_sql;
	int v = 0;

	while ((p = strstr(p, MIGRATION_MARK)) != NULL) {
		p += strlen(MIGRATION_MARK);
		v = atoi(p);
	}
	return v;
}

enum db_status
db_ping(struct db *db)
{
	struct db_stmt *st = db_stmt(db, "SELECT count(*) FROM stores");
	int rc;

	if (st == NULL)
		return DB_ERROR;
	rc = db_step(st);
	db_reset(st);
	return db_status_of(db, rc, "ping");
}

const char *
db_epoch(struct db *db)
{
	return db->epoch;
}
