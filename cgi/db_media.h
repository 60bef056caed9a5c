/* db_media.h — photo renditions: stored content-addressed in the media table, set on a product, read back. */
#ifndef ORDERSYNC_DB_MEDIA_H
#define ORDERSYNC_DB_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DB_MEDIA_ID_LEN	64	/* hex SHA-256 of the bytes */

/* One rendition to store: its bytes (borrowed) and size in pixels. */
struct db_media_blob {
	const void	*data;
	size_t		 len;
	int		 width, height;
};

/*
 * Sets product id's photo (scope store_id, 0: any store) to the renditions
 * image (the large one) and thumb, or clears it when both are NULL, in one
 * transaction: each rendition is stored under the hex SHA-256 of its bytes
 * (INSERT OR IGNORE: the same picture twice is one row), the product's
 * image and thumb are set, and media rows no product references any more
 * are deleted. DB_NOTFOUND: no such product in the scope (nothing written);
 * DB_BUSY/DB_ERROR (nothing written).
 */
enum db_status	db_media_set_photo(struct db *db, int64_t store_id, int64_t product_id,
		    const struct db_media_blob *image, const struct db_media_blob *thumb);
/*
 * Reads rendition id (64 lowercase hex) into *data (len bytes; caller
 * frees). DB_NOTFOUND when there is none.
 */
enum db_status	db_media_get(struct db *db, const char *id, unsigned char **data /* OUT */,
		    size_t *len /* OUT */);
/* Inside or outside a transaction: deletes the media rows no product references. */
enum db_status	db_media_prune(struct db *db);
/* The hex SHA-256 of len bytes into out (DB_MEDIA_ID_LEN + 1 bytes). */
void		db_media_id(const void *data, size_t len, char out[DB_MEDIA_ID_LEN + 1]);

#endif
