/* db_shop.c — the shop's SQL: its catalog, the checkout transaction, order look-ups by key (carts: db_cart.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_impl.h"
#include "db_shop.h"
#include "db_catalog.h"
#include "db_orders.h"

/* How many order numbers to draw before giving up (36^6 a day: never reached). */
#define NUMBER_TRIES 16

/* ---- catalog ---- */

enum db_status
db_shop_products(struct db *db, int64_t store_id, struct shop_products *out)
{
	struct db_stmt *st;
	struct shop_product *p;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	st = db_stmt(db, "SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.stock, "
	    "p.active, " DB_PHOTO_COLS "FROM products p " DB_PHOTO_JOIN
	    "WHERE p.store_id = ? AND p.active = 1 ORDER BY p.id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, store_id);
	while ((rc = db_step(st)) == DB_ROW) {
		out->v = xgrow(out->v, &cap, out->n, sizeof *out->v);
		p = &out->v[out->n++];
		p->id = db_col_int64(st, 0);
		p->sku = db_col_strdup(st, 1);
		p->name = db_col_strdup(st, 2);
		p->description = db_col_strdup(st, 3);
		p->price_cents = db_col_int64(st, 4);
		p->stock = db_col_int64(st, 5);
		p->active = db_col_int(st, 6);
		db_read_photo(st, 7, &p->image, &p->thumb);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		db_shop_products_free(out);
		return db_status_of(db, rc, "list products");
	}
	return DB_OK;
}

void
db_shop_products_free(struct shop_products *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].sku);
		free(p->v[i].name);
		free(p->v[i].description);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ---- checkout ---- */

/* A line of the order being made, priced from products inside the transaction. */
struct co_line {
	int64_t	 product_id;
	char	*sku, *name;
	int64_t	 price_cents;
	int	 qty;
};

static void
co_lines_free(struct co_line *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].sku);
		free(v[i].name);
	}
	free(v);
}

/* Looks the key up; *found is 1 when an order holds it (number, token and hash copied). */
static enum db_status
find_by_key(struct db *db, const char *key, int *found, char *number,
    char *token, char **hash)
{
	struct db_stmt *st;
	int rc;

	*found = 0;
	st = db_stmt(db, "SELECT number, access_token, coalesce(request_hash, '') "
	    "FROM orders WHERE idempotency_key = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, key);
	if ((rc = db_step(st)) == DB_ROW) {
		*found = 1;
		db_col_copy(st, 0, number, 24);
		db_col_copy(st, 1, token, 65);
		if (hash)
			*hash = db_col_strdup(st, 2);
	}
	db_reset(st);
	return db_status_of(db, rc, "order by key");
}

enum db_status
db_shop_order_by_key(struct db *db, const char *key, char *number, char *access_token,
    char **hash)
{
	enum db_status rc;
	int found;

	if (hash)
		*hash = NULL;
	if ((rc = find_by_key(db, key, &found, number, access_token, hash)) != DB_OK)
		return rc;
	return found ? DB_OK : DB_NOTFOUND;
}

/* The cart's lines as they will be sold: the current name and price of each product. */
static enum db_status
cart_co_lines(struct db *db, int64_t cart_id, struct co_line **out, size_t *n)
{
	struct shop_lines l;
	enum db_status rc;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((rc = db_shop_cart_lines(db, cart_id, &l)) != DB_OK)
		return rc;
	if (l.n > 0)
		*out = xcalloc(l.n, sizeof **out);
	for (i = 0; i < l.n; i++) {
		(*out)[i].product_id = l.v[i].product_id;
		(*out)[i].sku = l.v[i].sku;
		(*out)[i].name = l.v[i].name;
		(*out)[i].price_cents = l.v[i].unit_price_cents;
		(*out)[i].qty = l.v[i].qty;
		l.v[i].sku = l.v[i].name = NULL;	/* moved */
	}
	*n = l.n;
	db_shop_lines_free(&l);
	return DB_OK;
}

/*
 * The API's lines priced from products; *unknown (owned) names the first sku
 * that is not an active product of the store.
 */
static enum db_status
api_co_lines(struct db *db, const struct shop_checkout *co, struct co_line **out,
    size_t *n, char **unknown)
{
	struct db_stmt *st;
	size_t i;
	int rc;

	*out = co->nitems ? xcalloc(co->nitems, sizeof **out) : NULL;
	*n = 0;
	for (i = 0; i < co->nitems; i++) {
		st = db_stmt(db, "SELECT id, sku, name, price_cents FROM products "
		    "WHERE store_id = ? AND sku = ? AND active = 1");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, co->store_id);
		db_bind_text(st, 2, co->items[i].sku);
		if ((rc = db_step(st)) == DB_ROW) {
			(*out)[i].product_id = db_col_int64(st, 0);
			(*out)[i].sku = db_col_strdup(st, 1);
			(*out)[i].name = db_col_strdup(st, 2);
			(*out)[i].price_cents = db_col_int64(st, 3);
			(*out)[i].qty = co->items[i].qty;
			*n = i + 1;
		}
		db_reset(st);
		if (rc == DB_DONE) {
			*unknown = xstrdup(co->items[i].sku);
			return DB_OK;
		}
		if (rc != DB_ROW)
			return db_status_of(db, rc, "price item");
	}
	return DB_OK;
}

/*
 * Takes qty of the line's product; *short_of is 1 (and *left the stock) when
 * it cannot. A sale that takes the product across its low-stock threshold
 * writes the stock_low event in the same transaction.
 */
static enum db_status
take_stock(struct db *db, const struct co_line *l, int *short_of, int64_t *left)
{
	struct db_stmt *st;
	int64_t after = 0, low = 0;
	int step, taken = 0;

	*short_of = 0;
	st = db_stmt(db, "UPDATE products SET stock = stock - ?1 "
	    "WHERE id = ?2 AND stock >= ?1 AND active = 1 RETURNING stock, low_stock_at");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int(st, 1, l->qty);
	db_bind_int64(st, 2, l->product_id);
	while ((step = db_step(st)) == DB_ROW) {
		after = db_col_int64(st, 0);
		low = db_col_int64(st, 1);
		taken = 1;
	}
	db_reset(st);
	if (step != DB_DONE)
		return db_status_of(db, step, "take stock");
	if (taken)
		return product_crossed_low(after + l->qty, after, low) ?
		    db_catalog_stock_low(db, l->product_id) : DB_OK;
	*short_of = 1;
	*left = 0;
	st = db_stmt(db, "SELECT CASE WHEN active = 1 THEN stock ELSE 0 END "
	    "FROM products WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, l->product_id);
	if ((step = db_step(st)) == DB_ROW)
		*left = db_col_int64(st, 0);
	db_reset(st);
	return step == DB_ROW || step == DB_DONE ? DB_OK :
	    db_status_of(db, step, "stock left");
}

/* Draws order numbers until one is free (we hold the write lock: no race). */
static enum db_status
free_number(struct db *db, time_t now, char *number)
{
	struct db_stmt *st;
	int i, step;

	for (i = 0; i < NUMBER_TRIES; i++) {
		order_number_new(number, now);
		st = db_stmt(db, "SELECT 1 FROM orders WHERE number = ?");
		if (st == NULL)
			return DB_ERROR;
		db_bind_text(st, 1, number);
		step = db_step(st);
		db_reset(st);
		if (step == DB_DONE)
			return DB_OK;
		if (step != DB_ROW)
			return db_status_of(db, step, "order number");
	}
	if (db->log)
		log_msg(db->log, LOG_ERROR, "db: no free order number after %d draws",
		    NUMBER_TRIES);
	return DB_ERROR;
}

/*
 * Step 2 of the checkout: the form token must be the cart's current one.
 * *ok is 0 when it is not (or the cart is gone).
 */
static enum db_status
cart_token_ok(struct db *db, int64_t cart_id, const char *given, int *ok)
{
	char form_token[65];
	struct db_stmt *st;
	int step;

	*ok = 0;
	st = db_stmt(db, "SELECT form_token FROM carts WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	form_token[0] = '\0';
	if ((step = db_step(st)) == DB_ROW)
		db_col_copy(st, 0, form_token, sizeof form_token);
	db_reset(st);
	if (step != DB_ROW && step != DB_DONE)
		return db_status_of(db, step, "cart token");
	*ok = step == DB_ROW && given != NULL && util_secret_eq(form_token, given);
	return DB_OK;
}

/*
 * Step 3: takes the stock of every line; a short line sets res (SHOP_SHORT,
 * the product, what is left) and stops. *total and *count receive the
 * order's sums. DB_ERROR for a total past int64 (prices the catalog refuses).
 */
static enum db_status
take_all_stock(struct db *db, const struct co_line *lines, size_t n,
    struct shop_checkout_result *res, int64_t *total, int *count)
{
	enum db_status rc;
	int64_t left = 0;
	int short_of;
	size_t i;

	*total = 0;
	*count = 0;
	for (i = 0; i < n; i++) {
		if ((rc = take_stock(db, &lines[i], &short_of, &left)) != DB_OK)
			return rc;
		if (short_of) {
			res->outcome = SHOP_SHORT;
			res->product = xstrdup(lines[i].name);
			res->available = left;
			return DB_OK;
		}
		if (order_total_add(total, lines[i].price_cents, lines[i].qty) != 0)
			return DB_ERROR;
		*count += lines[i].qty;
	}
	return DB_OK;
}

/* Step 4: the order's lines as sold. */
static enum db_status
insert_items(struct db *db, int64_t order_id, const struct co_line *lines, size_t n)
{
	struct db_stmt *st;
	enum db_status rc;
	size_t i;

	for (i = 0; i < n; i++) {
		st = db_stmt(db, "INSERT INTO order_items (order_id, product_id, sku, name, "
		    "unit_price_cents, qty) VALUES (?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, order_id);
		db_bind_int64(st, 2, lines[i].product_id);
		db_bind_text(st, 3, lines[i].sku);
		db_bind_text(st, 4, lines[i].name);
		db_bind_int64(st, 5, lines[i].price_cents);
		db_bind_int(st, 6, lines[i].qty);
		if ((rc = db_step_done(db, st, "insert order item")) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* Step 5: empties the cart and gives it a new form token for its next checkout. */
static enum db_status
cart_done(struct db *db, int64_t cart_id, time_t now)
{
	char next_form[65];
	struct db_stmt *st;
	enum db_status rc;

	st = db_stmt(db, "DELETE FROM cart_items WHERE cart_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, cart_id);
	if ((rc = db_step_done(db, st, "empty cart")) != DB_OK)
		return rc;
	order_token_new(next_form, ORDER_CART_BYTES);
	st = db_stmt(db, "UPDATE carts SET form_token = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_text(st, 1, next_form);
	db_bind_int64(st, 2, (int64_t)now);
	db_bind_int64(st, 3, cart_id);
	return db_step_done(db, st, "rotate form token");
}

/* Binds the order's text columns ?3..?6 and ?14..?19 (customer, how it is fulfilled, where from). */
static void
bind_order_texts(struct db_stmt *st, const struct shop_checkout *co)
{
	int delivery = co->fulfilment != NULL && strcmp(co->fulfilment, "delivery") == 0;

	db_bind_text(st, 3, co->name ? co->name : "");
	db_bind_text(st, 4, co->email ? co->email : "");
	db_bind_text(st, 5, co->phone ? co->phone : "");
	db_bind_text(st, 6, co->notes ? co->notes : "");
	db_bind_text(st, 14, co->source ? co->source : "web");
	db_bind_text(st, 15, delivery ? "delivery" : "pickup");
	db_bind_text(st, 16, delivery && co->address ? co->address : "");
	db_bind_text(st, 17, delivery && co->postcode ? co->postcode : "");
	db_bind_text(st, 18, delivery && co->city ? co->city : "");
	db_bind_text(st, 19, co->language ? co->language : "en");
}

/* Step 4: the order row (a new number and access token); DB_CONFLICT on a taken key. */
static enum db_status
insert_order(struct db *db, const struct shop_checkout *co, time_t now, int64_t total,
    int count, struct shop_checkout_result *res)
{
	struct db_stmt *st;
	enum db_status rc;

	if ((rc = free_number(db, now, res->number)) != DB_OK)
		return rc;
	order_token_new(res->access_token, ORDER_TOKEN_BYTES);
	st = db_stmt(db, "INSERT INTO orders (store_id, number, status, customer_name, "
	    "email, phone, notes, total_cents, currency, items_count, access_token, "
	    "idempotency_key, request_hash, created_at, updated_at, source, fulfilment, "
	    "address, postcode, city, language, created_by) "
	    "VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, ?20) RETURNING id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, co->store_id);
	db_bind_text(st, 2, res->number);
	bind_order_texts(st, co);
	db_bind_int64(st, 7, total);
	db_bind_text(st, 8, co->currency);
	db_bind_int(st, 9, count);
	db_bind_text(st, 10, res->access_token);
	db_bind_text(st, 11, co->idempotency_key);
	db_bind_text(st, 12, co->request_hash);
	db_bind_int64(st, 13, (int64_t)now);
	if (co->created_by > 0)
		db_bind_int64(st, 20, co->created_by);
	else
		db_bind_null(st, 20);
	if ((rc = db_one_int(db, st, &res->order_id, "insert order")) == DB_NOTFOUND)
		rc = DB_ERROR;
	return rc;
}

/* Whether the key already names an order: res says a replay or a reuse; DB_NOTFOUND when not. */
static enum db_status
key_outcome(struct db *db, const struct shop_checkout *co, struct shop_checkout_result *res)
{
	enum db_status rc;
	char *hash = NULL;
	int found;

	if ((rc = find_by_key(db, co->idempotency_key, &found, res->number,
	    res->access_token, &hash)) != DB_OK)
		return rc;
	if (found)
		res->outcome = co->request_hash && strcmp(hash, co->request_hash) != 0 ?
		    SHOP_KEY_REUSED : SHOP_REPLAY;
	free(hash);
	return found ? DB_OK : DB_NOTFOUND;
}

/*
 * Step 2 of the checkout: the lines to sell, the cart's (its form token
 * must be current) or the API's. *ok is 0 when the checkout stops here,
 * res->outcome saying why (SHOP_BAD_TOKEN, SHOP_UNKNOWN, SHOP_EMPTY).
 */
static enum db_status
checkout_lines(struct db *db, const struct shop_checkout *co,
    struct shop_checkout_result *res, struct co_line **lines, size_t *n, int *ok)
{
	enum db_status rc;

	*ok = 0;
	if (co->cart_id != 0) {
		if ((rc = cart_token_ok(db, co->cart_id, co->form_token, ok)) != DB_OK)
			return rc;
		if (!*ok) {
			res->outcome = SHOP_BAD_TOKEN;
			return DB_OK;
		}
		rc = cart_co_lines(db, co->cart_id, lines, n);
	} else
		rc = api_co_lines(db, co, lines, n, &res->product);
	if (rc != DB_OK)
		return rc;
	*ok = res->product == NULL && *n > 0;
	if (!*ok)
		res->outcome = res->product != NULL ? SHOP_UNKNOWN : SHOP_EMPTY;
	return DB_OK;
}

enum db_status
db_shop_checkout(struct db *db, const struct shop_checkout *co,
    struct shop_checkout_result *res)
{
	struct co_line *lines = NULL;
	size_t n = 0;
	time_t now = time(NULL);
	int64_t total = 0;
	enum db_status rc;
	int ok, count = 0;

	memset(res, 0, sizeof *res);
	if ((rc = db_begin(db)) != DB_OK)
		return rc;

	/* 1. The key already names an order: the same request again, or not. */
	if ((rc = key_outcome(db, co, res)) == DB_OK)
		goto decided;
	if (rc != DB_NOTFOUND)
		goto fail;

	/* 2. The lines: the cart's (its form token must be current) or the API's. */
	if ((rc = checkout_lines(db, co, res, &lines, &n, &ok)) != DB_OK)
		goto fail;
	if (!ok)
		goto decided;

	/* 3. Take the stock, line by line; a short line undoes all of it. */
	if ((rc = take_all_stock(db, lines, n, res, &total, &count)) != DB_OK)
		goto fail;
	if (res->outcome == SHOP_SHORT)
		goto decided;

	/* 4. The order, its items and its event. */
	if ((rc = insert_order(db, co, now, total, count, res)) == DB_CONFLICT) {
		/*
		 * The UNIQUE idempotency_key is the last guard: another
		 * request made the order first. Undo ours, answer with theirs.
		 */
		db_rollback(db);
		if ((rc = key_outcome(db, co, res)) == DB_NOTFOUND)
			rc = DB_ERROR;
		goto out;
	}
	if (rc != DB_OK || (rc = insert_items(db, res->order_id, lines, n)) != DB_OK ||
	    (rc = db_order_event_add(db, res->order_id, "order_created", -1)) != DB_OK)
		goto fail;

	/* 5. Empty the cart; a new form token for its next checkout. */
	if (co->cart_id != 0 && (rc = cart_done(db, co->cart_id, now)) != DB_OK)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	res->outcome = SHOP_CREATED;
	goto out;

decided:
	/* Nothing of this request is kept: a refusal writes nothing. */
	db_rollback(db);
	rc = DB_OK;
	goto out;
fail:
	db_rollback(db);
	free(res->product);
	memset(res, 0, sizeof *res);
	if (rc == DB_OK || rc == DB_NOTFOUND || rc == DB_CONFLICT)
		rc = DB_ERROR;
out:
	co_lines_free(lines, n);
	return rc;
}

void
shop_checkout_result_free(struct shop_checkout_result *res)
{
	if (res == NULL)
		return;
	free(res->product);
	memset(res, 0, sizeof *res);
}
