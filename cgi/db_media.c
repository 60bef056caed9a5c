/* db_media.c — photo renditions: stored content-addressed in the media table, set on a product, read back. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db_impl.h"
#include "db_media.h"
#include "util.h"

void
db_media_id(const void *data, size_t len, char out[DB_MEDIA_ID_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, DB_MEDIA_ID_LEN + 1, h, sizeof h);
}

/* Stores one rendition under its id (written into id); a row already there is kept. */
static enum db_status
put_blob(struct db *db, const struct db_media_blob *b, char id[DB_MEDIA_ID_LEN + 1])
{
	struct db_stmt *st = db_stmt(db, "INSERT INTO media (id, width, height, bytes, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");

	if (st == NULL)
		return DB_ERROR;
	db_media_id(b->data, b->len, id);
	db_bind_text(st, 1, id);
	db_bind_int(st, 2, b->width);
	db_bind_int(st, 3, b->height);
	db_bind_blob(st, 4, b->data, b->len);
	db_bind_int64(st, 5, (int64_t)time(NULL));
	return db_step_done(db, st, "store a rendition");
}

enum db_status
db_media_prune(struct db *db)
{
	struct db_stmt *st = db_stmt(db, "DELETE FROM media WHERE NOT EXISTS "
	    "(SELECT 1 FROM products p WHERE p.image = media.id OR p.thumb = media.id)");

	return st == NULL ? DB_ERROR : db_step_done(db, st, "prune media");
}

/* Points product id at the two ids (NULL: none); DB_NOTFOUND when it is not in the scope. */
static enum db_status
point_product(struct db *db, int64_t store_id, int64_t id, const char *image, const char *thumb)
{
	struct db_stmt *st = db_stmt(db, "UPDATE products SET image = ?1, thumb = ?2 "
	    "WHERE id = ?3 AND (?4 = 0 OR store_id = ?4)");
	enum db_status rc;

	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, image);
	db_bind_text(st, 2, thumb);
	db_bind_int64(st, 3, id);
	db_bind_int64(st, 4, store_id);
	if ((rc = db_step_done(db, st, "set a product's photo")) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_NOTFOUND;
}

enum db_status
db_media_set_photo(struct db *db, int64_t store_id, int64_t product_id,
    const struct db_media_blob *image, const struct db_media_blob *thumb)
{
	char image_id[DB_MEDIA_ID_LEN + 1], thumb_id[DB_MEDIA_ID_LEN + 1];
	int set = image != NULL && thumb != NULL;
	enum db_status rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if (set && ((rc = put_blob(db, image, image_id)) != DB_OK ||
	    (rc = put_blob(db, thumb, thumb_id)) != DB_OK))
		goto fail;
	if ((rc = point_product(db, store_id, product_id, set ? image_id : NULL,
	    set ? thumb_id : NULL)) != DB_OK || (rc = db_media_prune(db)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) == DB_OK)
		return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

enum db_status
db_media_get(struct db *db, const char *id, unsigned char **data, size_t *len)
{
	struct db_stmt *st = db_stmt(db, "SELECT bytes FROM media WHERE id = ?1");
	enum db_status rc = DB_NOTFOUND;
	int step;

	*data = NULL;
	*len = 0;
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, id);
	if ((step = db_step(st)) == DB_ROW) {
		*len = (size_t)db_col_bytes(st, 0);
		*data = xmalloc(*len + 1);
		if (*len > 0)
			memcpy(*data, db_col_blob(st, 0), *len);
		rc = DB_OK;
	} else if (step != DB_DONE)
		rc = db_status_of(db, step, "read a rendition");
	db_reset(st);
	return rc;
}
