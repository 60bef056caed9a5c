/* check_shop.c — the customer flow: validation tables, prices, and the checkout transaction on temporary databases. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "cart.h"
#include "store.h"
#include "checkout.h"
#include "order_input.h"
#include "db_setup.h"
#include "db_shop.h"
#include "i18n.h"
#include "db_orders.h"
#include "order.h"
#include "shop.h"
#include "unit.h"
#include "unit_db.h"
#include "valid.h"
#include "view.h"

/* ---- helpers ---- */

static struct kvlist
form_of(const char *urlencoded)
{
	struct kvlist l;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(http_parse_urlencoded(urlencoded, strlen(urlencoded), &l),
	    HTTP_PARSE_OK);
	return l;
}

static struct json_object *
json_of(const char *s)
{
	const char *why;
	struct json_object *o = http_parse_json(s, strlen(s), &why);

	ck_assert_msg(o != NULL, "bad test JSON %s: %s", s, why);
	return o;
}

/* ---- the checkout form's table ---- */

static const struct {
	const char	*form;
	const char	*wrong;		/* the fields expected wrong, "name,email", "" for none */
} form_cases[] = {
	{ "name=Zo%C3%A9+Martin&email=zoe%40example.com", "" },
	{ "name=Ann&email=ann%40example.fr&phone=%2B33+(0)1+23-45&notes=ring%0Atwice", "" },
	{ "name=++Ann++&email=+ann%40example.com+", "" },
	{ "name=&email=ann%40example.com", "name" },
	{ "email=ann%40example.com", "name" },
	{ "name=Ann", "email" },
	{ "name=Ann&email=not-an-email", "email" },
	{ "name=Ann&email=ann%40example", "email" },
	{ "name=Ann&email=a..b%40example.com", "email" },
	{ "name=Ann&email=ann%40-example.com", "email" },
	{ "name=Ann&email=ann%40example.com&phone=call+me", "phone" },
	{ "name=Ann&email=ann%40example.com&phone=%2B33+1+23+45+67+89+00+11", "phone" },
	{ "name=Ann&email=ann%40example.com&phone=12", "phone" },
	{ "name=A%0AB&email=ann%40example.com", "name" },
	{ "name=A%01B&email=ann%40example.com", "name" },
	{ "name=A%C3&email=ann%40example.com", "name" },
	{ "name=&email=&phone=x", "name,email,phone" },
};

static int
wrong_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

START_TEST(test_checkout_form_table)
{
	static const char *names[ORDER_IN__MAX] = { "name", "email", "phone", "notes",
	    "fulfilment", "address", "postcode", "city" };
	struct kvlist form = form_of(form_cases[_i].form);
	struct valid_result r;
	int i, n = order_input_form(&form, &r);

	for (i = 0; i < ORDER_IN__MAX; i++)
		ck_assert_msg((r.error[i] != NULL) == wrong_has(form_cases[_i].wrong, names[i]),
		    "case %d (%s): field %s", _i, form_cases[_i].form, names[i]);
	ck_assert_int_eq(n, r.nerrors);
	valid_result_free(&r);
	kv_free(&form);
}
END_TEST

START_TEST(test_checkout_form_limits)
{
	struct buf b;
	struct kvlist form;
	struct valid_result r;
	int i;

	/* 100 characters of name (multi-byte ones count once) pass, 101 do not. */
	buf_init(&b);
	buf_puts(&b, "email=a%40b.co&name=");
	for (i = 0; i < 100; i++)
		buf_puts(&b, "%C3%A9");
	form = form_of(buf_str(&b));
	ck_assert_int_eq(order_input_form(&form, &r), 0);
	ck_assert_int_eq((int)strlen(r.text[ORDER_IN_NAME]), 200);
	valid_result_free(&r);
	kv_free(&form);
	buf_puts(&b, "x");
	form = form_of(buf_str(&b));
	ck_assert_int_eq(order_input_form(&form, &r), 1);
	ck_assert_str_eq(r.error[ORDER_IN_NAME], "checkout.errors.name");
	valid_result_free(&r);
	kv_free(&form);

	/* notes: 1000 pass, 1001 do not. */
	buf_reset(&b);
	buf_puts(&b, "name=A&email=a%40b.co&notes=");
	for (i = 0; i < 1000; i++)
		buf_putc(&b, 'n');
	form = form_of(buf_str(&b));
	ck_assert_int_eq(order_input_form(&form, &r), 0);
	valid_result_free(&r);
	kv_free(&form);
	buf_putc(&b, 'n');
	form = form_of(buf_str(&b));
	ck_assert_int_eq(order_input_form(&form, &r), 1);
	ck_assert_str_eq(r.error[ORDER_IN_NOTES], "checkout.errors.notes");
	valid_result_free(&r);
	kv_free(&form);
	buf_free(&b);
}
END_TEST

/* ---- the JSON API body ---- */

static const struct {
	const char	*body;
	const char	*fields;	/* expected problem fields, comma-separated; "" valid */
	int		 nitems;	/* lines after merging, when valid */
} api_cases[] = {
	{ "{\"customer\":{\"name\":\"Ann\",\"email\":\"ann@example.com\",\"phone\":\"+33 1\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":2}],\"notes\":\"hi\"}", "", 1 },
	{ "{\"customer\":{\"name\":\"Ann\",\"email\":\"ann@example.com\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":\"2\"},{\"sku\":\"B\",\"qty\":1}]}", "", 2 },
	{ "{\"customer\":{\"name\":\"Ann\",\"email\":\"ann@example.com\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":40},{\"sku\":\"A\",\"qty\":50}]}", "", 1 },
	{ "{\"customer\":{\"name\":\"Ann\",\"email\":\"ann@example.com\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":50},{\"sku\":\"A\",\"qty\":50}]}", "items[1].qty", 0 },
	{ "[]", "body", 0 },
	{ "{}", "customer,items", 0 },
	{ "{\"customer\":\"Ann\",\"items\":[]}", "customer,items", 0 },
	{ "{\"customer\":{\"name\":\"\",\"email\":\"x\",\"phone\":\"abc\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":1}]}", "customer.name,customer.email,customer.phone", 0 },
	{ "{\"customer\":{\"name\":5,\"email\":\"a@b.co\"},\"items\":[{\"sku\":\"A\",\"qty\":1}]}",
	  "customer.name", 0 },
	{ "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.co\"},\"items\":{\"sku\":\"A\"}}", "items", 0 },
	{ "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.co\"},"
	  "\"items\":[{\"sku\":\"\",\"qty\":0},7,{\"sku\":\"B\",\"qty\":1.5},{\"qty\":100}]}",
	  "items[0].sku,items[0].qty,items[1],items[2].qty,items[3].sku,items[3].qty", 0 },
	{ "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.co\"},"
	  "\"items\":[{\"sku\":\"A\",\"qty\":1}],\"notes\":[1]}", "notes", 0 },
};

START_TEST(test_api_body_table)
{
	struct json_object *body = json_of(api_cases[_i].body);
	struct json_object *fields = json_object_new_object();
	struct order_input a;
	char want[256], *tok, *save = NULL;
	int n = order_input_api(body, &a, fields), expect = 0;

	snprintf(want, sizeof want, "%s", api_cases[_i].fields);
	for (tok = strtok_r(want, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		ck_assert_msg(json_object_object_get_ex(fields, tok, NULL),
		    "case %d: no problem reported for %s: %s", _i, tok,
		    json_object_to_json_string(fields));
		expect++;
	}
	ck_assert_msg((int)json_object_object_length(fields) == expect,
	    "case %d: problems %s", _i, json_object_to_json_string(fields));
	ck_assert_int_eq(n > 0, expect > 0);
	if (expect == 0)
		ck_assert_int_eq((int)a.nitems, api_cases[_i].nitems);
	order_input_free(&a);
	json_object_put(fields);
	json_object_put(body);
}
END_TEST

/* How an order is fulfilled: what the store offers, what was chosen, the address given. */
static const struct {
	enum store_fulfilment	 offers;
	const char		*choice, *address, *postcode, *city;
	enum store_fulfilment	 want;
	const char		*wrong;		/* fields with a problem: f(ulfilment) a p c */
} fulfil_cases[] = {
	{ STORE_PICKUP, "", "", "", "", STORE_PICKUP, "" },
	{ STORE_PICKUP, "pickup", "1 rue X", "", "", STORE_PICKUP, "" },	/* address ignored */
	{ STORE_PICKUP, "delivery", "1 rue X", "75001", "Paris", STORE_PICKUP, "f" },
	{ STORE_PICKUP, "both", "", "", "", STORE_PICKUP, "f" },
	{ STORE_PICKUP, "Pickup", "", "", "", STORE_PICKUP, "f" },
	{ STORE_DELIVERY, "", "1 rue X", "75001", "Paris", STORE_DELIVERY, "" },
	{ STORE_DELIVERY, "", "", "", "", STORE_DELIVERY, "apc" },
	{ STORE_DELIVERY, "pickup", "", "", "", STORE_DELIVERY, "f" },
	{ STORE_DELIVERY, "delivery", "1 rue X", "", "Paris", STORE_DELIVERY, "p" },
	{ STORE_BOTH, "", "", "", "", STORE_PICKUP, "" },
	{ STORE_BOTH, "pickup", "", "", "", STORE_PICKUP, "" },
	{ STORE_BOTH, "delivery", "1 rue X", "75001", "Paris", STORE_DELIVERY, "" },
	{ STORE_BOTH, "delivery", "", "75001", "", STORE_DELIVERY, "ac" },
	{ STORE_BOTH, "drone", "", "", "", STORE_PICKUP, "f" },
};

START_TEST(test_fulfilment_rules)
{
	const char *err[4], *letters = "fapc";
	enum store_fulfilment got;
	int i, n;

	n = order_input_fulfilment(fulfil_cases[_i].offers, fulfil_cases[_i].choice,
	    fulfil_cases[_i].address, fulfil_cases[_i].postcode, fulfil_cases[_i].city,
	    &got, err);
	for (i = 0; i < 4; i++)
		ck_assert_msg((err[i] != NULL) == (strchr(fulfil_cases[_i].wrong, letters[i]) != NULL),
		    "case %d: field %c", _i, letters[i]);
	ck_assert_int_eq(n, (int)strlen(fulfil_cases[_i].wrong));
	if (err[0] == NULL)
		ck_assert_int_eq(got, fulfil_cases[_i].want);
}
END_TEST

/* The form: a pickup order drops the address's errors; a delivery needs it, within limits. */
START_TEST(test_fulfilment_form)
{
	struct buf b;
	struct kvlist form;
	struct valid_result r;
	enum store_fulfilment how;
	int i;

	buf_init(&b);
	buf_puts(&b, "name=A&email=a%40b.co&fulfilment=pickup&address=");
	for (i = 0; i < 201; i++)
		buf_putc(&b, 'x');
	form = form_of(buf_str(&b));
	order_input_form(&form, &r);
	ck_assert_int_eq(order_input_form_fulfilment(STORE_BOTH, &r, &how), 0);
	ck_assert_int_eq(how, STORE_PICKUP);
	ck_assert_ptr_null(r.error[ORDER_IN_ADDRESS]);
	valid_result_free(&r);
	kv_free(&form);

	buf_reset(&b);
	buf_puts(&b, "name=A&email=a%40b.co&fulfilment=delivery&postcode=75001&city=Paris&address=");
	for (i = 0; i < 201; i++)
		buf_putc(&b, 'x');
	form = form_of(buf_str(&b));
	order_input_form(&form, &r);
	ck_assert_int_eq(order_input_form_fulfilment(STORE_BOTH, &r, &how), 1);
	ck_assert_str_eq(r.error[ORDER_IN_ADDRESS], "checkout.errors.address");
	valid_result_free(&r);
	kv_free(&form);

	form = form_of("name=&email=a%40b.co&fulfilment=delivery");
	order_input_form(&form, &r);
	ck_assert_int_eq(order_input_form_fulfilment(STORE_PICKUP, &r, &how), 2);
	ck_assert_str_eq(r.error[ORDER_IN_FULFILMENT], "checkout.errors.fulfilment");
	ck_assert_str_eq(r.error[ORDER_IN_NAME], "checkout.errors.name");
	valid_result_free(&r);
	kv_free(&form);
	buf_free(&b);
}
END_TEST

/* The API's "fulfilment" and "delivery", their problems keyed by JSON path. */
static const struct {
	enum store_fulfilment	 offers;
	const char		*body;
	const char		*fields;	/* comma-separated, "" when good */
	enum store_fulfilment	 want;
} api_fulfil_cases[] = {
	{ STORE_PICKUP, "{}", "", STORE_PICKUP },
	{ STORE_PICKUP, "{\"fulfilment\":\"delivery\"}", "fulfilment", STORE_PICKUP },
	{ STORE_BOTH, "{\"fulfilment\":\"delivery\"}",
	  "delivery.address,delivery.postcode,delivery.city", STORE_DELIVERY },
	{ STORE_BOTH, "{\"fulfilment\":\"delivery\",\"delivery\":{\"address\":\"1 rue X\","
	  "\"postcode\":\"75001\",\"city\":\"Paris\"}}", "", STORE_DELIVERY },
	{ STORE_BOTH, "{\"fulfilment\":\"pickup\",\"delivery\":{\"address\":\"1 rue X\"}}",
	  "", STORE_PICKUP },
	{ STORE_BOTH, "{\"fulfilment\":7}", "fulfilment", STORE_PICKUP },
	{ STORE_DELIVERY, "{\"delivery\":\"1 rue X\"}",
	  "delivery,delivery.address,delivery.postcode,delivery.city", STORE_DELIVERY },
	{ STORE_DELIVERY, "{\"delivery\":{\"address\":\"1 rue X\",\"postcode\":"
	  "\"123456789012345678901\",\"city\":\"Paris\"}}", "delivery.postcode", STORE_DELIVERY },
};

START_TEST(test_fulfilment_api)
{
	struct json_object *body = json_of(api_fulfil_cases[_i].body);
	struct json_object *fields = json_object_new_object();
	struct order_input a;
	char want[256], *tok, *save = NULL;
	int n, expect = 0;

	memset(&a, 0, sizeof a);
	n = order_input_api_fulfilment(body, api_fulfil_cases[_i].offers, &a, fields);
	snprintf(want, sizeof want, "%s", api_fulfil_cases[_i].fields);
	for (tok = strtok_r(want, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		ck_assert_msg(json_object_object_get_ex(fields, tok, NULL),
		    "case %d: no problem for %s: %s", _i, tok, json_object_to_json_string(fields));
		expect++;
	}
	ck_assert_msg((int)json_object_object_length(fields) == expect,
	    "case %d: problems %s", _i, json_object_to_json_string(fields));
	ck_assert_int_eq(n, expect);
	if (expect == 0) {
		ck_assert_int_eq(a.fulfilment, api_fulfil_cases[_i].want);
		if (a.fulfilment == STORE_DELIVERY)
			ck_assert_str_eq(a.city, "Paris");
		else
			ck_assert_ptr_null(a.address);
	}
	order_input_free(&a);
	json_object_put(fields);
	json_object_put(body);
}
END_TEST

START_TEST(test_api_body_merge_and_limits)
{
	struct json_object *body, *fields;
	struct order_input a;
	struct buf b;
	int i;

	body = json_of("{\"customer\":{\"name\":\" Ann \",\"email\":\"ann@example.com\"},"
	    "\"items\":[{\"sku\":\"A\",\"qty\":40},{\"sku\":\"B\",\"qty\":1},{\"sku\":\"A\",\"qty\":9}]}");
	fields = json_object_new_object();
	ck_assert_int_eq(order_input_api(body, &a, fields), 0);
	ck_assert_str_eq(a.name, "Ann");
	ck_assert_str_eq(a.phone, "");
	ck_assert_str_eq(a.notes, "");
	ck_assert_int_eq((int)a.nitems, 2);
	ck_assert_str_eq(a.items[0].sku, "A");
	ck_assert_int_eq(a.items[0].qty, 49);
	ck_assert_int_eq(a.items[1].qty, 1);
	order_input_free(&a);
	json_object_put(fields);
	json_object_put(body);

	/* 50 lines pass; 51 are refused as a whole. */
	buf_init(&b);
	for (int n = 50; n <= 51; n++) {
		buf_reset(&b);
		buf_puts(&b, "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.co\"},\"items\":[");
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s{\"sku\":\"S%d\",\"qty\":1}", i ? "," : "", i);
		buf_puts(&b, "]}");
		body = json_of(buf_str(&b));
		fields = json_object_new_object();
		ck_assert_int_eq(order_input_api(body, &a, fields) == 0, n == 50);
		if (n == 51)
			ck_assert(json_object_object_get_ex(fields, "items", NULL));
		order_input_free(&a);
		json_object_put(fields);
		json_object_put(body);
	}
	buf_free(&b);
}
END_TEST

/* ---- the Idempotency-Key ---- */

static const struct {
	const char	*key;
	int		 ok;
} key_cases[] = {
	{ "a", 1 }, { "order-2026-11-21-0001", 1 }, { "550e8400-e29b-41d4-a716-446655440000", 1 },
	{ "with space and ~!@#$%^&*()", 1 }, { "", 0 }, { "tab\there", 0 }, { "nl\n", 0 },
	{ "caf\xc3\xa9", 0 }, { "\x7f", 0 },
};

START_TEST(test_idempotency_key_table)
{
	ck_assert_int_eq(order_input_key_ok(key_cases[_i].key), key_cases[_i].ok);
}
END_TEST

START_TEST(test_idempotency_key_length)
{
	char k[102];

	memset(k, 'k', sizeof k);
	k[100] = '\0';
	ck_assert_int_eq(order_input_key_ok(k), 1);
	k[100] = 'k';
	k[101] = '\0';
	ck_assert_int_eq(order_input_key_ok(k), 0);
}
END_TEST

/* ---- cart quantities ---- */

static const struct {
	const char	*form;
	int		 ok;
	long		 product, qty;
} add_cases[] = {
	{ "product_id=3&qty=2", 1, 3, 2 },
	{ "product_id=3", 0, 0, 0 },		/* no quantity: say so, do not guess 1 */
	{ "product_id=3&qty=", 0, 0, 0 },
	{ "product_id=3&qty=+", 0, 0, 0 },	/* only white space */
	{ "qty=&product_id=3", 0, 0, 0 },
	{ "product_id=3&qty=1", 1, 3, 1 },
	{ "product_id=3&qty=99", 1, 3, 99 },
	{ "product_id=3&qty=100", 0, 0, 0 },
	{ "product_id=3&qty=0", 0, 0, 0 },
	{ "product_id=3&qty=-1", 0, 0, 0 },
	{ "product_id=3&qty=1.5", 0, 0, 0 },
	{ "product_id=3&qty=two", 0, 0, 0 },
	{ "product_id=0&qty=1", 0, 0, 0 },
	{ "product_id=abc", 0, 0, 0 },
	{ "qty=1", 0, 0, 0 },
	{ "product_id=99999999999999999999999", 0, 0, 0 },
};

START_TEST(test_cart_add_table)
{
	struct kvlist form = form_of(add_cases[_i].form);
	const char *err = NULL;
	int64_t product = 0;
	int qty = 0, ok;

	ok = shop_validate_add(&form, NULL, &product, &qty, &err);
	ck_assert_msg(ok == add_cases[_i].ok, "case %s", add_cases[_i].form);
	if (ok) {
		ck_assert_int_eq(product, add_cases[_i].product);
		ck_assert_int_eq(qty, add_cases[_i].qty);
	} else
		ck_assert_ptr_nonnull(err);
	kv_free(&form);
}
END_TEST

static const struct {
	const char	*param, *form;
	int		 ok, qty;
} set_cases[] = {
	{ "4", "qty=0", 1, 0 }, { "4", "qty=99", 1, 99 }, { "4", "qty=7", 1, 7 },
	{ "4", "qty=100", 0, 0 }, { "4", "", 0, 0 }, { "4", "qty=", 0, 0 },
	{ "x", "qty=1", 0, 0 }, { "0", "qty=1", 0, 0 }, { "-4", "qty=1", 0, 0 },
};

START_TEST(test_cart_set_table)
{
	struct kvlist form = form_of(set_cases[_i].form);
	const char *err = NULL;
	int64_t product = 0;
	int qty = -1, ok;

	ok = shop_validate_set(set_cases[_i].param, &form, NULL, &product, &qty, &err);
	ck_assert_msg(ok == set_cases[_i].ok, "case %s %s", set_cases[_i].param,
	    set_cases[_i].form);
	if (ok) {
		ck_assert_int_eq(qty, set_cases[_i].qty);
		ck_assert_int_eq(product, 4);
	} else
		ck_assert_ptr_nonnull(err);
	kv_free(&form);
}
END_TEST

START_TEST(test_cart_add_json)
{
	struct json_object *j = json_of("{\"product_id\": 5, \"qty\": 3}");
	const char *err;
	int64_t product;
	int qty;

	ck_assert_int_eq(shop_validate_add(NULL, j, &product, &qty, &err), 1);
	ck_assert_int_eq(product, 5);
	ck_assert_int_eq(qty, 3);
	json_object_put(j);
	j = json_of("[1]");
	ck_assert_int_eq(shop_validate_add(NULL, j, &product, &qty, &err), 0);
	json_object_put(j);
	/* No quantity, an empty one or null: refused with the quantity's message. */
	j = json_of("{\"product_id\": 5}");
	err = NULL;
	ck_assert_int_eq(shop_validate_add(NULL, j, &product, &qty, &err), 0);
	ck_assert_str_eq(err, "cart.errors.qty");
	json_object_put(j);
	j = json_of("{\"product_id\": 5, \"qty\": \"\"}");
	err = NULL;
	ck_assert_int_eq(shop_validate_add(NULL, j, &product, &qty, &err), 0);
	ck_assert_str_eq(err, "cart.errors.qty");
	json_object_put(j);
	j = json_of("{\"product_id\": 5, \"qty\": null}");
	err = NULL;
	ck_assert_int_eq(shop_validate_add(NULL, j, &product, &qty, &err), 0);
	ck_assert_str_eq(err, "cart.errors.qty");
	json_object_put(j);
}
END_TEST

/* ---- prices and texts as the pages show them ---- */

static struct app papp;
static char *penv_fr[] = { "HTTP_ACCEPT_LANGUAGE=fr-FR,fr;q=0.9,en;q=0.5", NULL };
static char *penv_en[] = { "HTTP_ACCEPT_LANGUAGE=en-GB,en;q=0.9", NULL };

static void
page_setup(void)
{
	struct buf err;

	memset(&papp, 0, sizeof papp);
	buf_init(&err);
	ck_assert_msg(i18n_load(&papp.i18n, "templates", &err) == 0, "i18n: %s", buf_str(&err));
	buf_free(&err);
	snprintf(papp.cfg.currency, sizeof papp.cfg.currency, "EUR");
	snprintf(papp.cfg.lang, sizeof papp.cfg.lang, "en");
}

static void
page_teardown(void)
{
	i18n_free(&papp.i18n);
}

static const struct {
	long long	 cents;
	const char	*currency, *lang, *want;
} price_cases[] = {
	{ 8999, "EUR", "en", "€89.99" },
	{ 8999, "EUR", "fr", "89,99\u00a0€" },
	{ 123450, "EUR", "en", "€1,234.50" },
	{ 123450, "EUR", "fr", "1\u202f234,50\u00a0€" },
	{ 5, "EUR", "en", "€0.05" },
	{ 0, "EUR", "fr", "0,00\u00a0€" },
	{ 1290, "USD", "en", "$12.90" },
	{ 1290, "CHF", "en", "CHF\u00a012.90" },
	{ 1290, "CHF", "fr", "12,90\u00a0CHF" },
};

START_TEST(test_price_format)
{
	char s[64];

	i18n_price(s, sizeof s, price_cases[_i].cents, price_cases[_i].currency,
	    price_cases[_i].lang);
	ck_assert_str_eq(s, price_cases[_i].want);
}
END_TEST

/* A storefront's links, prices and language: its prefix, its currency, its language after Accept-Language. */
START_TEST(test_page_store_settings)
{
	static char *penv_none[] = { NULL };
	struct http_request rq;
	struct store st;
	struct json_object *p;
	char *u;

	memset(&rq, 0, sizeof rq);
	memset(&st, 0, sizeof st);
	papp.cfg.base_url = "/shop";
	u = view_shop_url(&papp, &rq, "/cart");
	ck_assert_str_eq(u, "/shop/cart");	/* no store: the base */
	free(u);
	st.id = STORE_DEFAULT_ID;
	snprintf(st.slug, sizeof st.slug, "default");
	rq.store = &st;
	u = view_shop_url(&papp, &rq, "/cart");
	ck_assert_str_eq(u, "/shop/cart");	/* the default store lives at the base */
	free(u);
	st.id = 2;
	snprintf(st.slug, sizeof st.slug, "b");
	snprintf(st.currency, sizeof st.currency, "GBP");
	snprintf(st.lang, sizeof st.lang, "fr");
	u = view_shop_url(&papp, &rq, "");
	ck_assert_str_eq(u, "/shop/s/b");
	free(u);
	rq.envp = penv_none;
	ck_assert_str_eq(view_lang(&papp, &rq), "fr");	/* the store's language */
	p = view_price(&papp, &rq, 350);
	ck_assert_str_eq(json_object_get_string(p), "3,50\u00a0£");
	json_object_put(p);
	rq.lang = NULL;
	rq.envp = penv_en;
	ck_assert_str_eq(view_lang(&papp, &rq), "en");	/* Accept-Language first */
	rq.lang = NULL;
	rq.store = NULL;
	rq.envp = penv_none;
	ck_assert_str_eq(view_lang(&papp, &rq), "en");	/* then ORDERSYNC_LANG */
	papp.cfg.base_url = NULL;
}
END_TEST

START_TEST(test_page_prices_and_texts)
{
	struct http_request rq;
	struct json_object *p;
	char *s;

	memset(&rq, 0, sizeof rq);
	rq.envp = penv_fr;
	p = view_price(&papp, &rq, 8999);
	ck_assert_str_eq(json_object_get_string(p), "89,99\u00a0€");
	json_object_put(p);
	s = view_textf(&papp, &rq, "catalog.only_left", "n", UTIL_I64(3), (char *)NULL);
	ck_assert_str_eq(s, "Plus que 3 en stock");
	free(s);
	s = view_textf(&papp, &rq, "checkout.errors.unknown",
	    "name", "<X&Y>", (char *)NULL);
	ck_assert_str_eq(s, "Produit inconnu : <X&Y>.");
	free(s);

	rq.envp = penv_en;
	rq.lang = NULL;	/* another request: its language is chosen anew */
	p = view_price(&papp, &rq, 8999);
	ck_assert_str_eq(json_object_get_string(p), "€89.99");
	json_object_put(p);
	s = view_textf(&papp, &rq, "catalog.only_left", "n", UTIL_I64(3), (char *)NULL);
	ck_assert_str_eq(s, "Only 3 left");
	free(s);
}
END_TEST

/* Every shop text exists in both languages (i18n_load also refuses a gap). */
START_TEST(test_locale_sections)
{
	static const char *keys[] = { "shop.nav_cart", "catalog.add", "cart.place_order",
	    "checkout.confirm", "checkout.errors.email", "order.status.processing",
	    "order.help.cancelled", "cart.errors.stock" };
	size_t i;

	for (i = 0; i < NELEM(keys); i++) {
		ck_assert_str_ne(i18n_text(&papp.i18n, "en", keys[i]), keys[i]);
		ck_assert_str_ne(i18n_text(&papp.i18n, "fr", keys[i]), keys[i]);
		ck_assert_str_ne(i18n_text(&papp.i18n, "fr", keys[i]),
		    i18n_text(&papp.i18n, "en", keys[i]));
	}
}
END_TEST

START_TEST(test_origin_check)
{
	static const struct {
		const char	*env[4];
		int		 ok;
	} cases[] = {
		{ { "HTTP_HOST=shop.example:8080", NULL }, 1 },
		{ { "HTTP_HOST=shop.example:8080", "HTTP_ORIGIN=http://shop.example:8080", NULL }, 1 },
		{ { "HTTP_HOST=shop.example", "HTTP_ORIGIN=https://SHOP.example", NULL }, 1 },
		{ { "HTTP_HOST=shop.example", "HTTP_ORIGIN=https://evil.example", NULL }, 0 },
		{ { "HTTP_HOST=shop.example", "HTTP_ORIGIN=null", NULL }, 0 },
		{ { "HTTP_HOST=shop.example", "HTTP_ORIGIN=https://shop.example.evil.example", NULL }, 0 },
		{ { "HTTP_HOST=shop.example", "HTTP_REFERER=https://shop.example/cart?x=1", NULL }, 1 },
		{ { "HTTP_HOST=shop.example", "HTTP_REFERER=https://evil.example/shop.example", NULL }, 0 },
		{ { "HTTP_ORIGIN=https://shop.example", NULL }, 0 },
	};
	struct http_request rq;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		memset(&rq, 0, sizeof rq);
		rq.envp = (char **)cases[i].env;
		ck_assert_msg(http_origin_ok(&rq) == cases[i].ok, "case %zu", i);
	}
}
END_TEST

/* ---- the checkout transaction on a temporary database ---- */

static char dir[64];
static char path[320];
static struct db *db;

static void
db_setup(void)
{
	struct buf err;
	int n;

	snprintf(dir, sizeof dir, "/tmp/ordersync-check-shop-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unit_db_path(path, sizeof path, dir, "test.db", "shop");
	buf_init(&err);
	db = db_open(path, 0, NULL, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	ck_assert_int_eq(db_seed_demo(db, &n), DB_OK);
	ck_assert_int_eq(n, 8);
}

static void
db_teardown(void)
{
	char file[512];
	struct dirent *de;
	DIR *d;

	db_close(db);
	db = NULL;
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(dir);
}

/* One integer from sql on a second connection, as another process sees it. */
static long long
q(const char *sql)
{
	struct db *c = unit_db_other(path);
	long long v = unit_sql_int(c, sql, -1);

	db_close(c);
	return v;
}

static void
x(const char *sql)
{
	struct db *c = unit_db_other(path);

	unit_sql(c, sql);
	db_close(c);
}

/* One statement on a second connection, not split at its semicolons (a trigger's body). */
static void
x1(const char *sql)
{
	struct db *c = unit_db_other(path);

	unit_sql_one(c, sql);
	db_close(c);
}

/* A cart holding 2 espresso (id 1, 12.90, stock 40) and 1 gift box (id 8, 89.99, stock 10). */
static void
cart_with_two(struct shop_cart *cart)
{
	struct shop_put_result r;

	ck_assert_int_eq(db_shop_cart_create(db, STORE_DEFAULT_ID, cart), DB_OK);
	ck_assert_int_eq(db_shop_cart_put(db, cart->id, STORE_DEFAULT_ID, 1, 2, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_put(db, cart->id, STORE_DEFAULT_ID, 8, 1, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	shop_put_result_free(&r);
}

static void
web_checkout(struct shop_checkout *co, const struct shop_cart *cart, char *key, size_t keysz)
{
	memset(co, 0, sizeof *co);
	snprintf(key, keysz, "form:%s", cart->form_token);
	co->store_id = STORE_DEFAULT_ID;
	co->cart_id = cart->id;
	co->form_token = cart->form_token;
	co->idempotency_key = key;
	co->name = "Zoé Martin";
	co->email = "zoe@example.com";
	co->phone = "";
	co->notes = "";
	co->currency = "EUR";
}

/* The order records how it came and how it goes: source, fulfilment, address, language. */
START_TEST(test_checkout_fulfilment_columns)
{
	struct shop_cart cart;
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct order o;
	char key[80];

	cart_with_two(&cart);
	web_checkout(&co, &cart, key, sizeof key);
	co.fulfilment = "pickup";
	co.address = "1 rue X";	/* a pickup order keeps no address */
	co.language = "fr";
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_CREATED);
	ck_assert_int_eq(q("SELECT count(*) FROM orders WHERE source = 'web' AND "
	    "fulfilment = 'pickup' AND address = '' AND language = 'fr'"), 1);
	ck_assert_int_eq(db_order_get(db, 1, res.number, 0, &o), DB_OK);
	ck_assert_str_eq(o.fulfilment, "pickup");
	ck_assert_str_eq(o.source, "web");
	order_clear(&o);

	cart_with_two(&cart);
	web_checkout(&co, &cart, key, sizeof key);
	co.source = "api";
	co.fulfilment = "delivery";
	co.address = "1 rue X";
	co.postcode = "75001";
	co.city = "Paris";
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_CREATED);
	ck_assert_int_eq(db_order_get(db, 1, res.number, 0, &o), DB_OK);
	ck_assert_str_eq(o.source, "api");
	ck_assert_str_eq(o.fulfilment, "delivery");
	ck_assert_str_eq(o.address, "1 rue X");
	ck_assert_str_eq(o.city, "Paris");
	ck_assert_str_eq(o.language, "en");
	{
		struct json_object *j = order_json(&o, ""), *d, *v;

		ck_assert(json_object_object_get_ex(j, "delivery", &d) && d != NULL);
		ck_assert(json_object_object_get_ex(d, "postcode", &v));
		ck_assert_str_eq(json_object_get_string(v), "75001");
		json_object_put(j);
	}
	order_clear(&o);
}
END_TEST

START_TEST(test_checkout_success)
{
	struct shop_cart cart, after;
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct order o;
	struct shop_lines l;
	char key[80], sql[256];

	cart_with_two(&cart);
	web_checkout(&co, &cart, key, sizeof key);
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_CREATED);
	ck_assert(order_number_valid(res.number));
	ck_assert(valid_hex_token(res.access_token, 32, 32));

	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(q("SELECT total_cents FROM orders"), 2 * 1290 + 8999);
	ck_assert_int_eq(q("SELECT items_count FROM orders"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM order_items"), 2);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 1"), 38);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 8"), 9);
	ck_assert_int_eq(q("SELECT count(*) FROM orders WHERE idempotency_key LIKE 'form:%' "
	    "AND status = 'pending' AND currency = 'EUR'"), 1);
	/* The event, with the order's snapshot. */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM order_events WHERE type = "
	    "'order_created' AND order_id = (SELECT id FROM orders) "
	    "AND CAST(%s AS INTEGER) = 3 AND CAST(%s AS INTEGER) = 11579",
	    unit_sql_json("payload", "order.items_count"),
	    unit_sql_json("payload", "order.total_cents"));
	ck_assert_int_eq(q(sql), 1);
	/* The cart is empty and its form token changed. */
	ck_assert_int_eq(db_shop_cart_lines(db, cart.id, &l), DB_OK);
	ck_assert_int_eq((int)l.n, 0);
	db_shop_lines_free(&l);
	ck_assert_int_eq(db_shop_cart_find(db, cart.token, &after), DB_OK);
	ck_assert_str_ne(after.form_token, cart.form_token);
	ck_assert(valid_hex_token(after.form_token, 64, 64));

	/* The order as sold. */
	ck_assert_int_eq(db_order_get(db, 1, res.number, 1, &o), DB_OK);
	ck_assert_int_eq(o.status, ORDER_PENDING);
	ck_assert_str_eq(o.customer_name, "Zoé Martin");
	ck_assert_str_eq(o.access_token, res.access_token);
	ck_assert_int_eq((int)o.nitems, 2);
	ck_assert_str_eq(o.items[0].sku, "COF-ESP-250");
	ck_assert_int_eq(o.items[0].qty, 2);
	ck_assert_int_eq(o.items[1].unit_price_cents, 8999);
	{
		struct json_object *j = order_json(&o, "/shop"), *v;
		char want[128];

		snprintf(want, sizeof want, "/shop/orders/%s?t=%s", o.number, o.access_token);
		ck_assert(json_object_object_get_ex(j, "url", &v));
		ck_assert_str_eq(json_object_get_string(v), want);
		ck_assert(json_object_object_get_ex(j, "total_cents", &v));
		ck_assert_int_eq(json_object_get_int64(v), 11579);
		json_object_put(j);
	}
	order_clear(&o);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE number = '%s'", res.number);
	ck_assert_int_eq(q(sql), 1);
	shop_checkout_result_free(&res);
}
END_TEST

START_TEST(test_checkout_short_second_line_rolls_back)
{
	struct shop_cart cart, after;
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct shop_lines l;
	char key[80];

	cart_with_two(&cart);
	x("UPDATE products SET stock = 0 WHERE id = 8");	/* sold elsewhere meanwhile */
	web_checkout(&co, &cart, key, sizeof key);
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_SHORT);
	ck_assert_str_eq(res.product, "Gift box");
	ck_assert_int_eq(res.available, 0);
	shop_checkout_result_free(&res);
	/* Nothing written: the first line's stock is back, no order, no event. */
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 1"), 40);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM order_items"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM order_events"), 0);
	ck_assert_int_eq(db_shop_cart_lines(db, cart.id, &l), DB_OK);
	ck_assert_int_eq((int)l.n, 2);
	db_shop_lines_free(&l);
	ck_assert_int_eq(db_shop_cart_find(db, cart.token, &after), DB_OK);
	ck_assert_str_eq(after.form_token, cart.form_token);

	/* Short but not out: the stock left is named. */
	x("UPDATE products SET stock = 1 WHERE id = 1");
	x("UPDATE products SET stock = 5 WHERE id = 8");
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_SHORT);
	ck_assert_str_eq(res.product, "Espresso beans, 250 g");
	ck_assert_int_eq(res.available, 1);
	shop_checkout_result_free(&res);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 8"), 5);

	/* An inactive product is short too. */
	x("UPDATE products SET stock = 40 WHERE id = 1");
	x("UPDATE products SET active = 0 WHERE id = 8");
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_SHORT);
	ck_assert_int_eq(res.available, 0);
	shop_checkout_result_free(&res);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 0);
}
END_TEST

START_TEST(test_checkout_replay_same_order)
{
	struct shop_cart cart;
	struct shop_checkout co;
	struct shop_checkout_result a, b;
	char key[80], number[24], token[65];

	cart_with_two(&cart);
	web_checkout(&co, &cart, key, sizeof key);
	ck_assert_int_eq(db_shop_checkout(db, &co, &a), DB_OK);
	ck_assert_int_eq(a.outcome, SHOP_CREATED);
	/* The same form again (the cart's token has rotated, the key has not). */
	ck_assert_int_eq(db_shop_checkout(db, &co, &b), DB_OK);
	ck_assert_int_eq(b.outcome, SHOP_REPLAY);
	ck_assert_str_eq(a.number, b.number);
	ck_assert_str_eq(a.access_token, b.access_token);
	ck_assert_int_eq(db_shop_order_by_key(db, key, number, token, NULL), DB_OK);
	ck_assert_str_eq(number, a.number);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM order_events"), 1);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 1"), 38);
	shop_checkout_result_free(&a);
	shop_checkout_result_free(&b);
}
END_TEST

START_TEST(test_checkout_token_and_empty)
{
	struct shop_cart cart, other;
	struct shop_checkout co;
	struct shop_checkout_result res;
	char key[80], wrong[65];

	cart_with_two(&cart);
	ck_assert_int_eq(db_shop_cart_create(db, STORE_DEFAULT_ID, &other), DB_OK);
	/* Another cart's token is not this cart's. */
	web_checkout(&co, &cart, key, sizeof key);
	snprintf(wrong, sizeof wrong, "%s", other.form_token);
	co.form_token = wrong;
	snprintf(key, sizeof key, "form:%s", wrong);
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_BAD_TOKEN);
	shop_checkout_result_free(&res);
	/* An empty cart orders nothing. */
	web_checkout(&co, &other, key, sizeof key);
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_EMPTY);
	shop_checkout_result_free(&res);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 0);
	ck_assert_int_eq(q("SELECT sum(stock) FROM products"), 40 + 25 + 30 + 18 + 8 + 12 + 6 + 10);
}
END_TEST

/* The event is part of the transaction: when it cannot be written, nothing is. */
START_TEST(test_checkout_event_same_transaction)
{
	struct shop_cart cart;
	struct shop_checkout co;
	struct shop_checkout_result res;
	struct shop_lines l;
	char key[80];

	cart_with_two(&cart);
	if (unit_pg()) {
		x1("CREATE FUNCTION no_events() RETURNS trigger LANGUAGE plpgsql AS "
		    "'BEGIN RAISE EXCEPTION ''feed is down''; END'");
		x1("CREATE TRIGGER no_events BEFORE INSERT ON order_events "
		    "FOR EACH ROW EXECUTE FUNCTION no_events()");
	} else
		x1("CREATE TRIGGER no_events BEFORE INSERT ON order_events "
		    "BEGIN SELECT RAISE(ABORT, 'feed is down'); END");
	web_checkout(&co, &cart, key, sizeof key);
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_ERROR);
	shop_checkout_result_free(&res);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM order_items"), 0);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE id = 1"), 40);
	ck_assert_int_eq(db_shop_cart_lines(db, cart.id, &l), DB_OK);
	ck_assert_int_eq((int)l.n, 2);
	db_shop_lines_free(&l);
	/* Once the feed works again the same form goes through. */
	x(unit_pg() ? "DROP TRIGGER no_events ON order_events" : "DROP TRIGGER no_events");
	ck_assert_int_eq(db_shop_checkout(db, &co, &res), DB_OK);
	ck_assert_int_eq(res.outcome, SHOP_CREATED);
	shop_checkout_result_free(&res);
	ck_assert_int_eq(q("SELECT count(*) FROM order_events"), 1);
}
END_TEST

START_TEST(test_checkout_api)
{
	struct shop_item_req items[] = { { "TEA-EGR-100", 3 }, { "MUG-STO-350", 1 } };
	struct shop_item_req bad[] = { { "TEA-EGR-100", 1 }, { "NOPE", 1 } };
	struct shop_checkout co;
	struct shop_checkout_result a, b;

	memset(&co, 0, sizeof co);
	co.store_id = STORE_DEFAULT_ID;
	co.items = items;
	co.nitems = NELEM(items);
	co.idempotency_key = "api:k1";
	co.request_hash = "h1";
	co.name = "Ann";
	co.email = "ann@example.com";
	co.currency = "EUR";
	ck_assert_int_eq(db_shop_checkout(db, &co, &a), DB_OK);
	ck_assert_int_eq(a.outcome, SHOP_CREATED);
	ck_assert_int_eq(q("SELECT items_count FROM orders"), 4);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE sku = 'TEA-EGR-100'"), 27);
	/* The same key and request: the same order. Another request: refused. */
	ck_assert_int_eq(db_shop_checkout(db, &co, &b), DB_OK);
	ck_assert_int_eq(b.outcome, SHOP_REPLAY);
	ck_assert_str_eq(a.number, b.number);
	shop_checkout_result_free(&b);
	co.request_hash = "h2";
	ck_assert_int_eq(db_shop_checkout(db, &co, &b), DB_OK);
	ck_assert_int_eq(b.outcome, SHOP_KEY_REUSED);
	shop_checkout_result_free(&b);
	/* An unknown sku: named, nothing written. */
	co.items = bad;
	co.nitems = NELEM(bad);
	co.idempotency_key = "api:k2";
	ck_assert_int_eq(db_shop_checkout(db, &co, &b), DB_OK);
	ck_assert_int_eq(b.outcome, SHOP_UNKNOWN);
	ck_assert_str_eq(b.product, "NOPE");
	shop_checkout_result_free(&b);
	ck_assert_int_eq(q("SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(q("SELECT stock FROM products WHERE sku = 'TEA-EGR-100'"), 27);
	shop_checkout_result_free(&a);
}
END_TEST

START_TEST(test_cart_put_rules)
{
	struct shop_cart cart, found;
	struct shop_put_result r;
	int count;

	ck_assert_int_eq(db_shop_cart_create(db, STORE_DEFAULT_ID, &cart), DB_OK);
	ck_assert(valid_hex_token(cart.token, 64, 64));
	ck_assert_int_eq(db_shop_cart_find(db, cart.token, &found), DB_OK);
	ck_assert_int_eq(found.id, cart.id);
	ck_assert_int_eq(db_shop_cart_find(db, "00", &found), DB_NOTFOUND);

	/* Kettle: stock 6. */
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 7, 4, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	ck_assert_int_eq(r.qty, 4);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 7, 3, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_STOCK);
	ck_assert_int_eq(r.stock, 6);
	ck_assert_str_eq(r.name, "Gooseneck kettle, 1 l");
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 7, 6, 0, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_count(db, cart.id, &count), DB_OK);
	ck_assert_int_eq(count, 6);
	/* Never above 99, whatever the stock. */
	x("UPDATE products SET stock = 500 WHERE id = 1");
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 1, 99, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 1, 1, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_LIMIT);
	shop_put_result_free(&r);
	/* Unknown and inactive products cannot be added, but can be removed. */
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 999, 1, 1, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_NO_PRODUCT);
	shop_put_result_free(&r);
	x("UPDATE products SET active = 0 WHERE id = 7");
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 7, 1, 0, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_NO_PRODUCT);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_put(db, cart.id, STORE_DEFAULT_ID, 7, 0, 0, &r), DB_OK);
	ck_assert_int_eq(r.outcome, SHOP_PUT_OK);
	shop_put_result_free(&r);
	ck_assert_int_eq(db_shop_cart_count(db, cart.id, &count), DB_OK);
	ck_assert_int_eq(count, 99);
}
END_TEST

static Suite *
shop_suite(void)
{
	Suite *s = suite_create("shop");
	TCase *tc;

	if (sodium_init() < 0)
		abort();
	tc = tcase_create("validation");
	tcase_add_loop_test(tc, test_checkout_form_table, 0, (int)NELEM(form_cases));
	tcase_add_test(tc, test_checkout_form_limits);
	tcase_add_loop_test(tc, test_api_body_table, 0, (int)NELEM(api_cases));
	tcase_add_test(tc, test_api_body_merge_and_limits);
	tcase_add_loop_test(tc, test_fulfilment_rules, 0, (int)NELEM(fulfil_cases));
	tcase_add_test(tc, test_fulfilment_form);
	tcase_add_loop_test(tc, test_fulfilment_api, 0, (int)NELEM(api_fulfil_cases));
	tcase_add_loop_test(tc, test_idempotency_key_table, 0, (int)NELEM(key_cases));
	tcase_add_test(tc, test_idempotency_key_length);
	tcase_add_loop_test(tc, test_cart_add_table, 0, (int)NELEM(add_cases));
	tcase_add_loop_test(tc, test_cart_set_table, 0, (int)NELEM(set_cases));
	tcase_add_test(tc, test_cart_add_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("pages");
	tcase_add_checked_fixture(tc, page_setup, page_teardown);
	tcase_add_loop_test(tc, test_price_format, 0, (int)NELEM(price_cases));
	tcase_add_test(tc, test_page_prices_and_texts);
	tcase_add_test(tc, test_page_store_settings);
	tcase_add_test(tc, test_locale_sections);
	tcase_add_test(tc, test_origin_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("checkout");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, db_setup, db_teardown);
	tcase_add_test(tc, test_checkout_success);
	tcase_add_test(tc, test_checkout_fulfilment_columns);
	tcase_add_test(tc, test_checkout_short_second_line_rolls_back);
	tcase_add_test(tc, test_checkout_replay_same_order);
	tcase_add_test(tc, test_checkout_token_and_empty);
	tcase_add_test(tc, test_checkout_event_same_transaction);
	tcase_add_test(tc, test_checkout_api);
	tcase_add_test(tc, test_cart_put_rules);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(shop_suite)
