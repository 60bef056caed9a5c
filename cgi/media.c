/* media.c — GET /media/{id}: a photo rendition, immutable and cached by everyone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db_media.h"
#include "media.h"
#include "view.h"

/* 1 when s is a rendition id: exactly 64 lowercase hex digits. */
static int
media_id_ok(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < DB_MEDIA_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s != NULL && s[DB_MEDIA_ID_LEN] == '\0';
}

/*
 * GET /media/{id} → 200 image/webp. The id is the SHA-256 of the bytes, so
 * the answer never changes: the ETag is the id, and a client (or a web
 * server's cache) that names it in If-None-Match gets 304 without the
 * database being asked (RFC 7232 §4.1). Unknown or malformed ids: 404.
 */
static void
media_get(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const char *id = kv_get(&rq->params, "id");
	const char *inm = http_header(rq, "If-None-Match");
	unsigned char *data = NULL;
	size_t len = 0;
	char etag[DB_MEDIA_ID_LEN + 3];
	enum db_status rc;

	if (!media_id_ok(id)) {
		view_fail(app, rq, rs, 404, "not_found", "error.not_found");
		return;
	}
	snprintf(etag, sizeof etag, "\"%s\"", id);
	if (inm != NULL && http_etag_matches(inm, etag)) {
		rs->status = 304;
	} else if ((rc = db_media_get(app->db, id, &data, &len)) == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "error.not_found");
		return;
	} else if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	} else {
		rs->content_type = "image/webp";
		buf_append(&rs->body, data, len);
		free(data);
	}
	http_add_header(rs, "ETag", "%s", etag);
	http_add_header(rs, "Cache-Control", "public, max-age=31536000, immutable");
}

const struct route media_routes[] = {
	{ "GET", "/media/{id}", media_get, 0 },
};
const size_t media_nroutes = NELEM(media_routes);
