/* check_store_input.c — who may change settings and make stores (role.h, every role × scope), and the settings' validation table and rules (store_input.h), case by case. */
#include <stdlib.h>
#include <string.h>

#include "role.h"
#include "store.h"
#include "store_input.h"
#include "unit.h"
#include "util.h"

/* DESIGN.md "Roles": store settings ✔ / own / ✗ / ✗; create stores ✔ / ✗ / ✗ / ✗. */
static const struct {
	int	role, all_stores, right, may;
} cells[] = {
	{ ROLE_ADMIN, 1, RIGHT_SETTINGS, 1 }, { ROLE_ADMIN, 0, RIGHT_SETTINGS, 1 },
	{ ROLE_STAFF, 1, RIGHT_SETTINGS, 0 }, { ROLE_STAFF, 0, RIGHT_SETTINGS, 0 },
	{ ROLE_SELLER, 1, RIGHT_SETTINGS, 0 }, { ROLE_SELLER, 0, RIGHT_SETTINGS, 0 },
	{ -1, 1, RIGHT_SETTINGS, 0 },
	{ ROLE_ADMIN, 1, RIGHT_STORES, 1 }, { ROLE_ADMIN, 0, RIGHT_STORES, 0 },
	{ ROLE_STAFF, 1, RIGHT_STORES, 0 }, { ROLE_STAFF, 0, RIGHT_STORES, 0 },
	{ ROLE_SELLER, 1, RIGHT_STORES, 0 }, { ROLE_SELLER, 0, RIGHT_STORES, 0 },
	{ -1, 1, RIGHT_STORES, 0 },
};

START_TEST(test_role_cells)
{
	ck_assert_msg(role_may(cells[_i].role, cells[_i].all_stores,
	    (enum role_right)cells[_i].right) == cells[_i].may, "role %d, all %d, right %d",
	    cells[_i].role, cells[_i].all_stores, cells[_i].right);
}
END_TEST

#define LONG101 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define LONG100 "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"

/* One setting as `store set` or the form sends it, to store id (1: the default store). */
static const struct {
	const char	*key, *value;
	int64_t		 store;
	int		 ok;
} cases[] = {
	{ "name", "Lyon Centre", 2, 1 }, { "name", LONG100, 2, 1 }, { "name", LONG101, 2, 0 },
	{ "name", "", 2, 1 }, { "name", "two\nlines", 2, 0 },
	{ "currency", "EUR", 2, 1 }, { "currency", "eur", 2, 0 }, { "currency", "EURO", 2, 0 },
	{ "currency", "E1R", 2, 0 }, { "currency", "", 2, 1 },
	{ "language", "fr", 2, 1 }, { "language", "en", 2, 1 }, { "language", "de", 2, 0 },
	{ "language", "FR", 2, 0 }, { "language", "", 2, 1 },
	{ "timezone", "Europe/Paris", 2, 1 }, { "timezone", "UTC", 2, 1 },
	{ "timezone", "Mars/Olympus", 2, 0 }, { "timezone", "../../etc/passwd", 2, 0 },
	{ "timezone", "", 2, 1 },
	{ "escalate_minutes", "0", 2, 1 }, { "escalate_minutes", "1440", 2, 1 },
	{ "escalate_minutes", "1441", 2, 0 }, { "escalate_minutes", "-1", 2, 0 },
	{ "escalate_minutes", "ten", 2, 0 },
	{ "alert_emails", "a@b.fr, c@d.fr", 2, 1 }, { "alert_emails", "a@b.fr; c@d.fr", 2, 0 },
	{ "alert_emails", "", 2, 1 }, { "escalate_emails", "nobody", 2, 0 },
	{ "contact_email", "hello@lyon.example", 2, 1 }, { "contact_email", "hello", 2, 0 },
	{ "phone", "+33 4 72 00 00 00", 2, 1 }, { "phone", "call me", 2, 0 },
	{ "fulfilment", "both", 2, 1 }, { "fulfilment", "ship", 2, 0 }, { "fulfilment", "", 2, 0 },
	{ "address", "1 place Bellecour\n69002 Lyon", 2, 1 },
	{ "vat_note", "Prices include VAT", 2, 1 }, { "vat_note", "a\nb", 2, 0 },
	{ "slug", "lyon-2", 2, 1 }, { "slug", "Lyon", 2, 0 }, { "slug", "..", 2, 0 },
	{ "slug", "", 2, 0 }, { "slug", "default", 1, 1 }, { "slug", "main", 1, 0 },
};

START_TEST(test_setting)
{
	struct kvlist form;
	struct valid_result v;
	struct store s;
	int given[STORE_IN__MAX] = { 0 }, key = store_input_field(cases[_i].key);

	ck_assert_int_ge(key, 0);
	memset(&form, 0, sizeof form);
	memset(&s, 0, sizeof s);
	s.id = cases[_i].store;
	snprintf(s.slug, sizeof s.slug, "%s", s.id == 1 ? "default" : "lyon");
	kv_add(&form, cases[_i].key, strlen(cases[_i].key), cases[_i].value,
	    strlen(cases[_i].value));
	valid_form(store_input_settings, STORE_IN__MAX, &form, &v);
	given[key] = 1;
	ck_assert_msg((store_input_apply(&v, given, &s) == 0) == cases[_i].ok, "%s=\"%s\"",
	    cases[_i].key, cases[_i].value);
	if (!cases[_i].ok)
		ck_assert_ptr_nonnull(v.error[key]);
	valid_result_free(&v);
	kv_free(&form);
	store_free(&s);
}
END_TEST

/* Saved values land in the store; empty ones give the setting back to the environment; absent ones stay. */
START_TEST(test_apply)
{
	struct kvlist form;
	struct valid_result v;
	struct store s;
	int given[STORE_IN__MAX] = { 0 };

	memset(&form, 0, sizeof form);
	memset(&s, 0, sizeof s);
	s.id = 2;
	s.own_currency = s.own_name = 1;
	memcpy(s.currency, "CHF", 4);
	s.name = xstrdup("Old");
	s.hours = xstrdup("9-5");
	kv_add(&form, "currency", 8, "", 0);
	kv_add(&form, "name", 4, "New", 3);
	kv_add(&form, "escalate_minutes", 16, "30", 2);
	kv_add(&form, "fulfilment", 10, "delivery", 8);
	store_input_given_form(&form, given);
	ck_assert(!given[STORE_IN_HOURS] && given[STORE_IN_CURRENCY]);
	valid_form(store_input_settings, STORE_IN__MAX, &form, &v);
	ck_assert_int_eq(store_input_apply(&v, given, &s), 0);
	ck_assert(!s.own_currency);
	ck_assert(s.own_name);
	ck_assert_str_eq(s.name, "New");
	ck_assert_str_eq(s.hours, "9-5");
	ck_assert_int_eq(s.escalate_minutes, 30);
	ck_assert_int_eq(s.fulfilment, STORE_DELIVERY);
	valid_result_free(&v);
	kv_free(&form);
	store_free(&s);
}
END_TEST

/* A new store's slug: the same shape rule as everywhere. */
START_TEST(test_new_store)
{
	static const struct { const char *slug, *name; int ok; } n[] = {
		{ "paris", "Paris", 1 }, { "Paris", "Paris", 0 }, { "pa ris", "P", 0 },
		{ "..", "P", 0 }, { "paris", "", 0 }, { "paris", LONG101, 0 },
	};
	struct kvlist form;
	struct valid_result v;
	size_t i;

	for (i = 0; i < sizeof n / sizeof n[0]; i++) {
		memset(&form, 0, sizeof form);
		kv_add(&form, "slug", 4, n[i].slug, strlen(n[i].slug));
		kv_add(&form, "name", 4, n[i].name, strlen(n[i].name));
		valid_form(store_input_new, STORE_NEW__MAX, &form, &v);
		ck_assert_msg((store_input_new_check(&v) == 0) == n[i].ok, "slug %s", n[i].slug);
		valid_result_free(&v);
		kv_free(&form);
	}
}
END_TEST

static Suite *
store_input_suite(void)
{
	Suite *s = suite_create("store_input");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_role_cells, 0, (int)(sizeof cells / sizeof cells[0]));
	tcase_add_loop_test(tc, test_setting, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_new_store);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(store_input_suite)
