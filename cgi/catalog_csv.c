/* catalog_csv.c — the catalog as CSV in the back office: the export, the all-or-nothing import, the import page. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "catalog_csv.h"
#include "csv.h"
#include "db_catalog.h"
#include "db_catalog_csv.h"
#include "product_csv.h"
#include "role.h"
#include "valid.h"
#include "view.h"

/*
 * The one store a file describes: a one-store admin's own; for every-store
 * admins ?store=slug, else the default store. Another store's slug or an
 * unknown one: 404 written, returns 0.
 */
static int
csv_store(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, int64_t *store_id)
{
	const char *slug = kv_get(&rq->query, "store");
	int64_t id = 1;
	enum db_status rc = DB_OK;

	if (slug != NULL && *slug != '\0')
		rc = db_catalog_store_id(app->db, slug, &id);
	if (rc == DB_OK && s->row.store_id != DB_ALL_STORES) {
		if (slug != NULL && *slug != '\0' && id != s->row.store_id)
			rc = DB_NOTFOUND;
		id = s->row.store_id;
	}
	if (rc == DB_NOTFOUND) {
		view_fail(app, rq, rs, 404, "not_found", "csv.no_store");
		return 0;
	}
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return 0;
	}
	*store_id = id;
	return 1;
}

/*
 * GET /admin/products.csv[?sep=semicolon][&store=slug]: every product of
 * the store, header first. A semicolon file (spreadsheets set to French)
 * starts with a byte-order mark, without which Excel reads UTF-8 as Latin-1.
 */
static void
products_export(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct db_product_filter f;
	struct product *list = NULL;
	size_t n = 0;
	char sep = csv_sep_named(kv_get(&rq->query, "sep"));

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_CATALOG, "products.forbidden"))
		return;
	memset(&f, 0, sizeof f);
	f.active = -1;
	if (!csv_store(app, rq, rs, &s, &f.store_id))
		return;
	if (db_catalog_list(app->db, &f, &list, &n) != DB_OK) {
		view_unavailable(app, rq, rs);
		return;
	}
	if (sep == ';')
		buf_puts(&rs->body, "\xef\xbb\xbf");
	product_csv_write(&rs->body, list, n, sep);
	product_free_all(list, n);
	rs->status = 200;
	rs->content_type = "text/csv; charset=utf-8";
	http_add_header(rs, "Content-Disposition", "attachment; filename=\"products.csv\"");
	http_add_header(rs, "Cache-Control", "no-store");
}

/*
 * The file a POST carries: the page's multipart part "file", a text/csv
 * body as it is, or the form field "csv" (the page's text box). 0 and
 * *data, *len (borrowed from rq), or -1.
 */
static int
posted_file(const struct http_request *rq, const char **data, size_t *len)
{
	const char *ct = http_param(rq, "CONTENT_TYPE");
	const struct http_file *file = http_file_get(&rq->files, "file");
	const char *f;

	/* The page's upload: a chosen file, even an empty one (the reader says so). */
	if (file != NULL && (file->len > 0 || file->filename[0] != '\0')) {
		*data = (const char *)file->data;
		*len = file->len;
		return 0;
	}
	if (rq->body != NULL && http_media_type_is(ct, "text/csv")) {
		*data = rq->body;
		*len = rq->body_len;
		return 0;
	}
	if ((f = kv_get(&rq->form, "csv")) != NULL && *f != '\0') {
		*data = f;
		*len = strlen(f);
		return 0;
	}
	return -1;
}

/* The issues as [{"line", "message"}] in the request's language. */
static struct json_object *
issue_list(struct app *app, struct http_request *rq, const struct csv_issues *is)
{
	struct json_object *arr = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < is->n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "line", json_object_new_int64((int64_t)is->v[i].line));
		view_add_owned(o, "message", csv_issue_text(&app->i18n, view_lang(app, rq),
		    &is->v[i]));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The import page's frame: the form, its links, and the store choice. */
static struct json_object *
import_page(struct app *app, struct http_request *rq, const struct auth_session *s)
{
	struct json_object *m = admin_view_page(app, rq, s, "nav_products", 0);

	view_add_owned(m, "action_url", view_url(app, "/admin/products.csv"));
	view_add_owned(m, "export_url", view_url(app, "/admin/products.csv"));
	view_add_owned(m, "export_semicolon_url",
	    view_url(app, "/admin/products.csv?sep=semicolon"));
	view_add_owned(m, "back_url", view_url(app, "/admin/products"));
	view_add_owned(m, "self_url", view_url(app, "/admin/products/import"));
	json_object_object_add(m, "pick_store",
	    json_object_new_boolean(s->row.store_id == DB_ALL_STORES));
	view_add_str(m, "store", kv_get(&rq->query, "store"));
	return m;
}

/* 422: the file was refused; every issue with its line. */
static void
refused(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct auth_session *s, const struct csv_issues *is)
{
	struct json_object *m;
	char more[24];

	if (rq->wants_json) {
		m = json_object_new_object();
		view_add_str(m, "error", "invalid");
		view_add_str(m, "message", view_text(app, rq, "csv.refused"));
		json_object_object_add(m, "lines", issue_list(app, rq, is));
		if (is->total > is->n)
			json_object_object_add(m, "more", json_object_new_int64(
			    (int64_t)(is->total - is->n)));
		view_json(rs, 422, m);
		return;
	}
	m = import_page(app, rq, s);
	view_add_str(m, "summary", view_text(app, rq, "csv.refused"));
	json_object_object_add(m, "issues", issue_list(app, rq, is));
	json_object_object_add(m, "has_issues", json_object_new_boolean(is->n > 0));
	if (is->total > is->n) {
		snprintf(more, sizeof more, "%zu", is->total - is->n);
		view_add_owned(m, "more", view_textf(app, rq, "csv.more", "n", more, (char *)NULL));
	}
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 422, "admin_products_import", m);
}

/*
 * What was imported: {"imported", "created", "updated"} for JSON clients;
 * a browser is sent on (303) to the import page, which says it.
 */
static void
imported(struct app *app, struct http_request *rq, struct http_response *rs, size_t n,
    const struct db_import_count *c)
{
	struct json_object *m;
	char path[96], *loc;

	if (rq->wants_json) {
		m = json_object_new_object();
		json_object_object_add(m, "imported", json_object_new_int64((int64_t)n));
		json_object_object_add(m, "created", json_object_new_int64((int64_t)c->created));
		json_object_object_add(m, "updated", json_object_new_int64((int64_t)c->updated));
		view_json(rs, 200, m);
		return;
	}
	snprintf(path, sizeof path, "/admin/products/import?created=%zu&updated=%zu",
	    c->created, c->updated);
	loc = view_url(app, path);
	http_redirect(rs, 303, loc);
	free(loc);
}

/*
 * POST /admin/products.csv[?store=slug]: a text/csv body or the form field
 * csv; every row upserted by SKU in one transaction, or nothing at all and
 * 422 with every bad line.
 */
static void
products_import(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct csv_issues is;
	struct product_csv_row *rows = NULL;
	struct db_import_count count;
	const char *data;
	size_t len, n = 0;
	int64_t store_id;
	enum db_status rc;

	if (!admin_view_require(app, rq, rs, &s, 1, RIGHT_CATALOG, "products.forbidden") ||
	    !csv_store(app, rq, rs, &s, &store_id))
		return;
	memset(&is, 0, sizeof is);
	if (posted_file(rq, &data, &len) != 0) {
		view_fail(app, rq, rs, 422, "no_file", "csv.no_file");
		return;
	}
	if (product_csv_read(data, len, 0, &rows, &n, &is) != 0) {
		log_msg(&app->log, LOG_INFO, "catalog: import refused (%zu issues)", is.total);
		refused(app, rq, rs, &s, &is);
		goto out;
	}
	rc = db_catalog_import(app->db, store_id, rows, n, view_text(app, rq, "csv.reason"),
	    &count);
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		goto out;
	}
	log_msg(&app->log, LOG_INFO, "catalog: import of %zu rows into store %" PRId64
	    " (%zu new, %zu updated)", n, store_id, count.created, count.updated);
	imported(app, rq, rs, n, &count);
out:
	product_csv_rows_free(rows, n);
	csv_issues_free(&is);
}

/*
 * GET /admin/products/import: the import page (upload or paste, and the
 * export links); after an import, ?created=N&updated=M says what it did.
 */
static void
import_form(struct app *app, struct http_request *rq, struct http_response *rs)
{
	struct auth_session s;
	struct json_object *m;
	const char *created = kv_get(&rq->query, "created");
	const char *updated = kv_get(&rq->query, "updated");

	if (!admin_view_require(app, rq, rs, &s, 0, RIGHT_CATALOG, "products.forbidden"))
		return;
	m = import_page(app, rq, &s);
	if (created != NULL && updated != NULL && valid_int(created, 0, CSV_MAX_ROWS, NULL) &&
	    valid_int(updated, 0, CSV_MAX_ROWS, NULL))
		view_add_owned(m, "notice", view_textf(app, rq, "csv.done", "created", created,
		    "updated", updated, (char *)NULL));
	http_add_header(rs, "Cache-Control", "no-store");
	view_render(app, rq, rs, 200, "admin_products_import", m);
}

const struct route catalog_csv_routes[] = {
	{ "GET",  "/admin/products.csv",	products_export,	0 },
	{ "POST", "/admin/products.csv",	products_import,	ROUTE_UPLOAD },
	{ "GET",  "/admin/products/import",	import_form,		0 },
};
const size_t catalog_csv_nroutes = NELEM(catalog_csv_routes);
