/* check_order.c — the order domain: the status workflow, numbers, tokens, times, totals, the order's JSON and feed snapshot. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <json-c/json.h>
#include <sodium.h>

#include "order.h"
#include "unit.h"
#include "valid.h"

/* ---- the workflow ---- */

/*
 * DESIGN.md v2: pending → processing → ready → completed, processing →
 * completed, pending | processing | ready → cancelled; nothing else.
 */
START_TEST(test_transition_table)
{
	static const char *const st[] = {
		"pending", "processing", "ready", "completed", "cancelled"
	};
	static const int allowed[5][5] = {
		/*            pend proc ready compl canc */
		/* pending */ { 0, 1, 0, 0, 1 },
		/* proc.   */ { 0, 0, 1, 1, 1 },
		/* ready   */ { 0, 0, 0, 1, 1 },
		/* compl.  */ { 0, 0, 0, 0, 0 },
		/* canc.   */ { 0, 0, 0, 0, 0 },
	};
	int f, t;

	ck_assert_int_eq(ORDER_NSTATUS, 5);
	for (f = 0; f < 5; f++) {
		ck_assert_int_eq(order_status_parse(st[f]), f);
		ck_assert_str_eq(order_status_name(f), st[f]);
		for (t = 0; t < 5; t++)
			ck_assert_msg(order_transition_ok(f, t) == allowed[f][t],
			    "%s -> %s", st[f], st[t]);
	}
	ck_assert_int_eq(order_transition_ok(-1, ORDER_CANCELLED), 0);
	ck_assert_int_eq(order_transition_ok(ORDER_PENDING, ORDER_NSTATUS), 0);
	ck_assert_int_eq(order_status_parse("shipped"), -1);
	ck_assert_int_eq(order_status_parse("PENDING"), -1);
	ck_assert_int_eq(order_status_parse(""), -1);
	ck_assert_int_eq(order_status_parse(NULL), -1);
	ck_assert_ptr_null(order_status_name(-1));
	ck_assert_ptr_null(order_status_name(ORDER_NSTATUS));
}
END_TEST

START_TEST(test_next_step_and_final)
{
	ck_assert_int_eq(order_next_step(ORDER_PENDING), ORDER_PROCESSING);
	ck_assert_int_eq(order_next_step(ORDER_PROCESSING), ORDER_READY);
	ck_assert_int_eq(order_next_step(ORDER_READY), ORDER_COMPLETED);
	ck_assert_int_eq(order_next_step(ORDER_COMPLETED), -1);
	ck_assert_int_eq(order_next_step(ORDER_CANCELLED), -1);
	ck_assert_int_eq(order_next_step(42), -1);
	ck_assert_int_eq(order_status_final(ORDER_PENDING), 0);
	ck_assert_int_eq(order_status_final(ORDER_READY), 0);
	ck_assert_int_eq(order_status_final(ORDER_COMPLETED), 1);
	ck_assert_int_eq(order_status_final(ORDER_CANCELLED), 1);
	ck_assert_int_eq(order_status_final(-1), 0);
	ck_assert_int_eq(order_cancellable(ORDER_READY), 1);
	ck_assert_int_eq(order_cancellable(ORDER_COMPLETED), 0);
	/* Every next step is a transition the table allows. */
	for (int s = 0; s < ORDER_NSTATUS; s++)
		if (order_next_step(s) >= 0)
			ck_assert(order_transition_ok(s, order_next_step(s)));
}
END_TEST

START_TEST(test_totals)
{
	int64_t t = 0, line;

	ck_assert_int_eq(order_line_total(1290, 3, &line), 0);
	ck_assert_int_eq(line, 3870);
	ck_assert_int_eq(order_line_total(INT64_MAX / 2 + 1, 2, &line), -1);
	ck_assert_int_eq(order_line_total(-1, 2, &line), -1);
	ck_assert_int_eq(order_total_add(&t, 1290, 2), 0);
	ck_assert_int_eq(order_total_add(&t, 8999, 1), 0);
	ck_assert_int_eq(t, 11579);
	t = INT64_MAX - 10;
	ck_assert_int_eq(order_total_add(&t, 11, 1), -1);
	ck_assert_int_eq(t, INT64_MAX - 10);	/* untouched */
}
END_TEST

/* An order as the db layer fills it, owning its strings. */
static void
sample(struct order *o)
{
	memset(o, 0, sizeof *o);
	snprintf(o->number, sizeof o->number, "CMD-20261121-ABC123");
	o->status = ORDER_READY;
	snprintf(o->currency, sizeof o->currency, "EUR");
	o->customer_name = strdup("Élodie \"Lo\" Martin");
	o->email = strdup("elodie@example.com");
	o->phone = strdup("");
	o->notes = strdup("sans sucre");
	o->store_name = strdup("Lyon");
	snprintf(o->access_token, sizeof o->access_token, "0123456789abcdef0123456789abcdef");
	o->total_cents = 11579;
	o->items_count = 3;
	o->created_at = 1795280584;
	o->updated_at = 1795280600;
	o->nitems = 1;
	o->items = calloc(1, sizeof *o->items);
	o->items[0].sku = strdup("COF-ESP-250");
	o->items[0].name = strdup("Espresso");
	o->items[0].unit_price_cents = 1290;
	o->items[0].qty = 2;
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

START_TEST(test_json_and_snapshot)
{
	struct order o;
	struct json_object *j, *it;
	char *snap;

	sample(&o);
	j = order_json(&o, "/shop");
	ck_assert_str_eq(json_object_get_string(member(j, "status")), "ready");
	ck_assert_str_eq(json_object_get_string(member(j, "created_at")), "2026-11-21T17:03:04Z");
	ck_assert_str_eq(json_object_get_string(member(j, "url")),
	    "/shop/orders/CMD-20261121-ABC123?t=0123456789abcdef0123456789abcdef");
	it = json_object_array_get_idx(member(j, "items"), 0);
	ck_assert_int_eq(json_object_get_int64(member(it, "line_total_cents")), 2580);
	ck_assert_str_eq(json_object_get_string(member(member(j, "customer"), "name")),
	    "Élodie \"Lo\" Martin");
	json_object_put(j);

	snap = order_snapshot(&o, ORDER_PROCESSING);
	j = json_tokener_parse(snap);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_object_get_string(member(j, "from")), "processing");
	ck_assert_str_eq(json_object_get_string(member(j, "to")), "ready");
	ck_assert_str_eq(json_object_get_string(member(member(j, "order"), "number")),
	    "CMD-20261121-ABC123");
	ck_assert_int_eq(json_object_get_int64(member(member(j, "order"), "items_count")), 3);
	ck_assert_str_eq(json_object_get_string(member(member(j, "order"), "created_at")),
	    "2026-11-21T17:03:04Z");
	json_object_put(j);
	free(snap);
	/* No from: no from/to. */
	snap = order_snapshot(&o, -1);
	ck_assert_ptr_null(strstr(snap, "\"from\""));
	ck_assert_ptr_nonnull(strstr(snap, "\"order\":{"));
	free(snap);
	order_clear(&o);
	ck_assert_ptr_null(o.items);
	order_clear(NULL);
	order_free_all(NULL, 3);
}
END_TEST

/* The seller an alert names: the email's part before "@", in the counter order's snapshot only. */
START_TEST(test_seller_name)
{
	static const struct { const char *email, *want; } cases[] = {
		{ "lea@shop.example", "lea" },
		{ "elodie.martin@example.com", "elodie.martin" },
		{ "no-at-sign", "no-at-sign" },
		{ "@example.com", "@example.com" },
		{ "", "" },
	};
	struct order o;
	char *name, *snap;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		name = order_seller_name(cases[i].email);
		ck_assert_str_eq(name, cases[i].want);
		free(name);
	}
	sample(&o);
	snap = order_snapshot(&o, -1);
	ck_assert_ptr_null(strstr(snap, "created_by_name"));
	free(snap);
	o.created_by_name = order_seller_name("lea@shop.example");
	snap = order_snapshot(&o, -1);
	ck_assert_ptr_nonnull(strstr(snap, "\"created_by_name\":\"lea\""));
	free(snap);
	order_clear(&o);	/* frees created_by_name */
}
END_TEST

START_TEST(test_day_start)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	/* 2026-11-21T17:03:04Z is 18:03 in Paris; that day began at 23:00Z the day before. */
	ck_assert_int_eq(order_day_start(1795280584), 1795215600);
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(order_day_start(1795280584), 1795219200);
}
END_TEST

/* ---- order numbers and tokens ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_order_number_draws)
{
	enum { DRAWS = 100000 };
	char (*nums)[ORDER_NUMBER_LEN + 1] = calloc(DRAWS, sizeof *nums);
	char **sorted = calloc(DRAWS, sizeof *sorted);
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	time_t now = 1795280000;	/* 2026-11-21 */
	int i, pos, dups = 0, seen[36];

	ck_assert_ptr_nonnull(nums);
	ck_assert_ptr_nonnull(sorted);
	for (i = 0; i < DRAWS; i++) {
		order_number_new(nums[i], now);
		ck_assert_msg(order_number_valid(nums[i]), "bad number %s", nums[i]);
		ck_assert_int_eq((int)strlen(nums[i]), ORDER_NUMBER_LEN);
		ck_assert(strncmp(nums[i], "CMD-20261121-", 13) == 0);
		sorted[i] = nums[i];
	}
	qsort(sorted, DRAWS, sizeof *sorted, cmp_str);
	for (i = 1; i < DRAWS; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			dups++;
	/*
	 * Birthday bound: n draws from N = 36^6 (2.18e9) give n²/2N ≈ 2.3
	 * duplicate pairs on average at n = 100k (Poisson; P(> 12) < 1e-6).
	 * Uniqueness is the database's (UNIQUE number, redrawn on a clash);
	 * here the draws must be uniform and not collide more than chance.
	 */
	ck_assert_int_le(dups, 12);
	for (pos = 13; pos < ORDER_NUMBER_LEN; pos++) {
		memset(seen, 0, sizeof seen);
		for (i = 0; i < DRAWS; i++) {
			const char *c = strchr(alphabet, nums[i][pos]);

			ck_assert_ptr_nonnull(c);
			seen[c - alphabet]++;
		}
		/* Each of 36 characters ≈ 2778 times per position (sd ≈ 52). */
		for (i = 0; i < 36; i++)
			ck_assert_msg(seen[i] > 2400 && seen[i] < 3150,
			    "position %d, character %c: %d", pos, alphabet[i], seen[i]);
	}
	free(sorted);
	free(nums);
}
END_TEST

static const struct {
	const char	*s;
	int		 ok;
} number_cases[] = {
	{ "CMD-20261121-ABC123", 1 }, { "CMD-20261121-000000", 1 }, { "CMD-20261121-ZZZZZZ", 1 },
	{ "CMD-20261121-abc123", 0 }, { "CMD-2026112-ABC1234", 0 }, { "CMD-20261121-ABC12", 0 },
	{ "CMD-20261121-ABC1234", 0 }, { "cmd-20261121-ABC123", 0 }, { "CMD-2026X121-ABC123", 0 },
	{ "CMD_20261121-ABC123", 0 }, { "", 0 }, { "CMD-20261121-ABC-23", 0 },
};

START_TEST(test_order_number_shape)
{
	ck_assert_int_eq(order_number_valid(number_cases[_i].s), number_cases[_i].ok);
}
END_TEST

START_TEST(test_tokens_and_times)
{
	char a[65], b[65], t[32];

	order_token_new(a, ORDER_TOKEN_BYTES);
	ck_assert_int_eq((int)strlen(a), 32);
	ck_assert(valid_hex_token(a, 32, 32));
	order_token_new(b, ORDER_CART_BYTES);
	ck_assert_int_eq((int)strlen(b), 64);
	ck_assert(valid_hex_token(b, 64, 64));
	order_token_new(a, ORDER_CART_BYTES);
	ck_assert_str_ne(a, b);
	order_rfc3339(t, 1795280584);
	ck_assert_str_eq(t, "2026-11-21T17:03:04Z");
	order_rfc3339(t, 0);
	ck_assert_str_eq(t, "1970-01-01T00:00:00Z");
}
END_TEST


static Suite *
order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_transition_table);
	tcase_add_test(tc, test_next_step_and_final);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_json_and_snapshot);
	tcase_add_test(tc, test_seller_name);
	tcase_add_test(tc, test_day_start);
	tcase_add_loop_test(tc, test_order_number_shape, 0, (int)NELEM(number_cases));
	tcase_add_test(tc, test_tokens_and_times);
	suite_add_tcase(s, tc);
	tc = tcase_create("numbers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_order_number_draws);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(order_suite)
