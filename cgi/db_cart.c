/* db_cart.c — the carts' SQL: finding and making a cart, its lines, changing a line (declared in db_shop.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_impl.h"
#include "db_shop.h"

enum db_status
db_shop_cart_find(struct db *db, const char *token, struct shop_cart *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT id, token, form_token, store_id FROM carts WHERE token = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, token);
	if ((rc = db_step(st)) == DB_ROW) {
		out->id = db_col_int64(st, 0);
		db_col_copy(st, 1, out->token, sizeof out->token);
		db_col_copy(st, 2, out->form_token, sizeof out->form_token);
		out->store_id = db_col_int64(st, 3);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return DB_NOTFOUND;
	return db_status_of(db, rc, "find cart");
}

enum db_status
db_shop_cart_create(struct db *db, int64_t store_id, struct shop_cart *out)
{
	struct db_stmt *st;
	time_t now = time(NULL);
	enum db_status rc;

	memset(out, 0, sizeof *out);
	order_token_new(out->token, ORDER_CART_BYTES);
	order_token_new(out->form_token, ORDER_CART_BYTES);
	st = db_stmt(db, "INSERT INTO carts (token, store_id, form_token, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, out->token);
	db_bind_int64(st, 2, store_id);
	db_bind_text(st, 3, out->form_token);
	db_bind_int64(st, 4, (int64_t)now);
	db_bind_int64(st, 5, (int64_t)now);
	if ((rc = db_one_int(db, st, &out->id, "create cart")) != DB_OK) {
		memset(out, 0, sizeof *out);
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	}
	out->store_id = store_id;
	return DB_OK;
}

enum db_status
db_shop_cart_lines(struct db *db, int64_t cart_id, struct shop_lines *out)
{
	struct db_stmt *st;
	struct shop_line *l;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT ci.product_id, p.sku, p.name, p.price_cents, ci.qty, "
	    "p.stock, p.active, " DB_PHOTO_COLS "FROM cart_items ci "
	    "JOIN products p ON p.id = ci.product_id " DB_PHOTO_JOIN
	    "WHERE ci.cart_id = ? ORDER BY ci.added_at, ci.product_id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	while ((rc = db_step(st)) == DB_ROW) {
		out->v = xgrow(out->v, &cap, out->n, sizeof *out->v);
		l = &out->v[out->n++];
		l->product_id = db_col_int64(st, 0);
		l->sku = db_col_strdup(st, 1);
		l->name = db_col_strdup(st, 2);
		l->unit_price_cents = db_col_int64(st, 3);
		l->qty = db_col_int(st, 4);
		l->stock = db_col_int64(st, 5);
		l->active = db_col_int(st, 6);
		db_read_photo(st, 7, &l->image, &l->thumb);
		out->count += l->qty;
		out->total_cents += l->unit_price_cents * l->qty;
	}
	db_reset(st);
	if (rc != DB_DONE) {
		db_shop_lines_free(out);
		return db_status_of(db, rc, "cart lines");
	}
	return DB_OK;
}

void
db_shop_lines_free(struct shop_lines *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].sku);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

enum db_status
db_shop_cart_count(struct db *db, int64_t cart_id, int *count)
{
	struct db_stmt *st;
	int rc;

	*count = 0;
	st = db_stmt(db, "SELECT coalesce(sum(qty), 0) FROM cart_items WHERE cart_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	if ((rc = db_step(st)) == DB_ROW)
		*count = db_col_int(st, 0);
	db_reset(st);
	return db_status_of(db, rc, "cart count");
}

/*
 * What a cart change starts from: the product (res->name, res->stock,
 * *found, *active) and the quantity the cart holds of it (*cur).
 */
static enum db_status
cart_line_read(struct db *db, int64_t cart_id, int64_t store_id, int64_t product_id,
    struct shop_put_result *res, int *found, int *active, int *cur)
{
	struct db_stmt *st;
	int step;

	st = db_stmt(db, "SELECT name, stock, active FROM products WHERE id = ? AND store_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, product_id);
	db_bind_int64(st, 2, store_id);
	if ((step = db_step(st)) == DB_ROW) {
		*found = 1;
		res->name = db_col_strdup(st, 0);
		res->stock = db_col_int64(st, 1);
		*active = db_col_int(st, 2);
	}
	db_reset(st);
	if (step != DB_ROW && step != DB_DONE)
		return db_status_of(db, step, "cart product");
	st = db_stmt(db, "SELECT qty FROM cart_items WHERE cart_id = ? AND product_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	db_bind_int64(st, 2, product_id);
	if ((step = db_step(st)) == DB_ROW)
		*cur = db_col_int(st, 0);
	db_reset(st);
	return step == DB_ROW || step == DB_DONE ? DB_OK :
	    db_status_of(db, step, "cart line");
}

/* Sets the cart's line of product_id to qty (0 removes it) and touches the cart. */
static enum db_status
cart_line_write(struct db *db, int64_t cart_id, int64_t product_id, int qty, time_t now)
{
	struct db_stmt *st;
	enum db_status rc;

	if (qty == 0)
		st = db_stmt(db, "DELETE FROM cart_items WHERE cart_id = ?1 AND product_id = ?2");
	else
		st = db_stmt(db, "INSERT INTO cart_items (cart_id, product_id, qty, added_at) "
		    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (cart_id, product_id) "
		    "DO UPDATE SET qty = excluded.qty");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	db_bind_int64(st, 2, product_id);
	if (qty != 0) {
		db_bind_int(st, 3, qty);
		db_bind_int64(st, 4, (int64_t)now);
	}
	if ((rc = db_step_done(db, st, "put cart line")) != DB_OK)
		return rc;
	st = db_stmt(db, "UPDATE carts SET updated_at = ? WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, (int64_t)now);
	db_bind_int64(st, 2, cart_id);
	return db_step_done(db, st, "touch cart");
}

enum db_status
db_shop_cart_put(struct db *db, int64_t cart_id, int64_t store_id, int64_t product_id,
    int qty, int add, struct shop_put_result *res)
{
	enum db_status rc;
	int found = 0, active = 0, cur = 0, want;

	memset(res, 0, sizeof *res);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = cart_line_read(db, cart_id, store_id, product_id, res, &found, &active,
	    &cur)) != DB_OK)
		goto fail;
	res->qty = cur;
	want = add ? cur + qty : qty;
	/* A line may hold an active product, at most ORDER_QTY_MAX and the stock. */
	if (want != 0 && (!found || !active))
		res->outcome = SHOP_PUT_NO_PRODUCT;
	else if (want > ORDER_QTY_MAX)
		res->outcome = SHOP_PUT_LIMIT;
	else if (want != 0 && want > res->stock)
		res->outcome = SHOP_PUT_STOCK;
	if (res->outcome != SHOP_PUT_OK) {
		db_rollback(db);
		return DB_OK;
	}
	if ((rc = cart_line_write(db, cart_id, product_id, want, time(NULL))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto fail;
	res->qty = want;
	return DB_OK;
fail:
	db_rollback(db);
	shop_put_result_free(res);
	return rc;
}

void
shop_put_result_free(struct shop_put_result *res)
{
	if (res == NULL)
		return;
	free(res->name);
	memset(res, 0, sizeof *res);
}
