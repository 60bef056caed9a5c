/* check_product.c — the product and role domains: prices as typed, stock arithmetic, the low-stock rule, rights. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "product.h"
#include "role.h"
#include "unit.h"
#include "util.h"

static const struct {
	const char	*in;
	int		 ok;
	int64_t		 cents;
} price_cases[] = {
	{ "12,90", 1, 1290 }, { "12.90", 1, 1290 }, { "12", 1, 1200 }, { "12,9", 1, 1290 },
	{ "0", 1, 0 }, { "0,05", 1, 5 }, { "999999,99", 1, 99999999 }, { "007.5", 1, 750 },
	{ "-1", 0, 0 }, { "1e9", 0, 0 }, { "12,999", 0, 0 }, { "abc", 0, 0 },
	{ "1 299,00", 0, 0 }, { "1.299,00", 0, 0 }, { "", 0, 0 }, { "12,", 0, 0 },
	{ ",5", 0, 0 }, { "1000000", 0, 0 }, { "1000000,00", 0, 0 }, { " 12", 0, 0 },
	{ "12 ", 0, 0 }, { "+12", 0, 0 }, { "12,90€", 0, 0 },
	{ "99999999999999999999999", 0, 0 },
};

START_TEST(test_price_parse)
{
	int64_t c = -1;

	ck_assert_msg((product_price_parse(price_cases[_i].in, &c) == 0) == price_cases[_i].ok,
	    "price \"%s\"", price_cases[_i].in);
	if (price_cases[_i].ok)
		ck_assert_int_eq(c, price_cases[_i].cents);
	else
		ck_assert_int_eq(c, -1);	/* untouched */
}
END_TEST

START_TEST(test_price_input)
{
	char b[24];

	product_price_input(b, sizeof b, 1290, "fr");
	ck_assert_str_eq(b, "12,90");
	product_price_input(b, sizeof b, 1290, "en");
	ck_assert_str_eq(b, "12.90");
	product_price_input(b, sizeof b, 5, "en");
	ck_assert_str_eq(b, "0.05");
	/* What a form shows back reads back as the same cents, in both languages. */
	for (int64_t v = 0; v < 100000; v += 37) {
		int64_t back;

		product_price_input(b, sizeof b, v, v % 2 ? "fr" : "en");
		ck_assert_int_eq(product_price_parse(b, &back), 0);
		ck_assert_int_eq(back, v);
	}
}
END_TEST

START_TEST(test_delta_and_stock)
{
	int64_t d = 0, out = -5;

	ck_assert_int_eq(product_delta_parse("+12", &d), 0);
	ck_assert_int_eq(d, 12);
	ck_assert_int_eq(product_delta_parse("-1", &d), 0);
	ck_assert_int_eq(d, -1);
	ck_assert_int_eq(product_delta_parse("\xe2\x88\x92" "3", &d), 0);	/* "−3" */
	ck_assert_int_eq(d, -3);
	ck_assert_int_eq(product_delta_parse("7", &d), 0);
	ck_assert_int_eq(d, 7);
	ck_assert_int_eq(product_delta_parse("0", &d), -1);
	ck_assert_int_eq(product_delta_parse("+", &d), -1);
	ck_assert_int_eq(product_delta_parse("1.5", &d), -1);
	ck_assert_int_eq(product_delta_parse("--1", &d), -1);
	ck_assert_int_eq(product_delta_parse("1000001", &d), -1);
	ck_assert_int_eq(product_delta_parse("", &d), -1);
	ck_assert_int_eq(product_delta_parse(NULL, &d), -1);

	ck_assert_int_eq(product_stock_apply(10, -3, &out), 0);
	ck_assert_int_eq(out, 7);
	ck_assert_int_eq(product_stock_apply(2, -3, &out), -1);
	ck_assert_int_eq(out, 7);
	ck_assert_int_eq(product_stock_apply(PRODUCT_STOCK_MAX, 1, &out), -1);
	ck_assert_int_eq(product_stock_apply(0, PRODUCT_STOCK_MAX, &out), 0);
	ck_assert_int_eq(product_stock_apply(INT64_MAX, INT64_MAX, &out), -1);
}
END_TEST

START_TEST(test_low_rule)
{
	/* From above the threshold to at or below it: a crossing; nothing else is. */
	ck_assert(product_crossed_low(5, 3, 3));
	ck_assert(product_crossed_low(4, 0, 3));
	ck_assert(!product_crossed_low(3, 2, 3));	/* already at it */
	ck_assert(!product_crossed_low(2, 1, 3));	/* staying below */
	ck_assert(!product_crossed_low(9, 4, 3));	/* still above */
	ck_assert(!product_crossed_low(1, 8, 3));	/* going back up */
	ck_assert(product_crossed_low(1, 0, 0));
	ck_assert(product_is_low(3, 3));
	ck_assert(!product_is_low(4, 3));
}
END_TEST

START_TEST(test_json_and_snapshot)
{
	struct product p;
	struct json_object *j, *v;
	char *s;

	memset(&p, 0, sizeof p);
	p.id = 7;
	p.sku = strdup("TEA-1");
	p.name = strdup("Thé \"vert\"");
	p.description = strdup("");
	p.price_cents = 1290;
	p.stock = 2;
	p.low_stock_at = 3;
	p.active = 1;
	j = product_json(&p, "/shop");
	ck_assert(json_object_object_get_ex(j, "image", &v) && v == NULL);
	json_object_put(j);
	memcpy(p.image.id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 65);
	j = product_json(&p, "/shop");
	ck_assert(json_object_object_get_ex(j, "image", &v));
	ck_assert_str_eq(json_object_get_string(v),
	    "/shop/media/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	json_object_put(j);
	s = product_snapshot(&p);
	ck_assert_str_eq(s, "{\"product\":{\"id\":7,\"sku\":\"TEA-1\",\"name\":\"Thé \\\"vert\\\"\","
	    "\"stock\":2,\"low_stock_at\":3}}");
	free(s);
	product_clear(&p);
	ck_assert_ptr_null(p.sku);
	product_clear(NULL);
}
END_TEST

START_TEST(test_roles)
{
	/* DESIGN.md "Roles", row by row. */
	ck_assert(role_may(ROLE_ADMIN, 1, RIGHT_CATALOG));
	ck_assert(role_may(ROLE_ADMIN, 0, RIGHT_CATALOG));	/* their store's */
	ck_assert(!role_may(ROLE_STAFF, 0, RIGHT_CATALOG));
	ck_assert(!role_may(ROLE_SELLER, 0, RIGHT_CATALOG));
	ck_assert(role_may(ROLE_STAFF, 0, RIGHT_CHANGE_ORDERS));
	ck_assert(!role_may(ROLE_SELLER, 0, RIGHT_CHANGE_ORDERS));
	ck_assert(role_may(ROLE_SELLER, 0, RIGHT_COUNTER));
	ck_assert(role_may(ROLE_ADMIN, 1, RIGHT_STORES));
	ck_assert(!role_may(ROLE_ADMIN, 0, RIGHT_STORES));
	ck_assert(role_may(ROLE_ADMIN, 0, RIGHT_SETTINGS));
	ck_assert(!role_may(ROLE_STAFF, 1, RIGHT_STAFF));
	ck_assert(!role_may(-1, 1, RIGHT_SEE_ORDERS));
	ck_assert(!role_may(ROLE_ADMIN, 1, RIGHT_N));
	ck_assert_int_eq(role_parse("seller"), ROLE_SELLER);
	ck_assert_int_eq(role_parse("root"), -1);
	ck_assert_int_eq(role_parse(NULL), -1);
	ck_assert_str_eq(role_name(ROLE_STAFF), "staff");
	ck_assert_ptr_null(role_name(ROLE_N));
}
END_TEST

static Suite *
product_suite(void)
{
	Suite *s = suite_create("product");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_price_parse, 0, (int)NELEM(price_cases));
	tcase_add_test(tc, test_price_input);
	tcase_add_test(tc, test_delta_and_stock);
	tcase_add_test(tc, test_low_rule);
	tcase_add_test(tc, test_json_and_snapshot);
	tcase_add_test(tc, test_roles);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(product_suite)
