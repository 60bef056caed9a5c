/* check_store.c — the store domain (store.h): slugs, fulfilment, email lists, the environment's defaults; and stores in the database (db_stores.h). */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "db_stores.h"
#include "store.h"
#include "unit.h"
#include "unit_db.h"

static const struct {
	const char	*slug;
	int		 ok;
} slugs[] = {
	{ "default", 1 }, { "paris-11", 1 }, { "a", 1 }, { "0", 1 },
	{ "", 0 }, { "Paris", 0 }, { "a b", 0 }, { "..", 0 }, { "a.b", 0 },
	{ "a/b", 0 }, { "é", 0 }, { "a_b", 0 }, { "%2e", 0 },
	{ "0123456789012345678901234567890123456789012345678901234567890123", 1 },
	{ "01234567890123456789012345678901234567890123456789012345678901234", 0 },
};

START_TEST(test_slug)
{
	ck_assert_msg(store_slug_ok(slugs[_i].slug) == slugs[_i].ok, "slug \"%s\"",
	    slugs[_i].slug);
}
END_TEST

START_TEST(test_fulfilment)
{
	struct store s;
	enum store_fulfilment f;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(store_fulfilment_parse("both", &f), 0);
	ck_assert_int_eq(f, STORE_BOTH);
	ck_assert_str_eq(store_fulfilment_name(STORE_DELIVERY), "delivery");
	ck_assert_int_eq(store_fulfilment_parse("Pickup", &f), -1);
	ck_assert_int_eq(store_fulfilment_parse("", &f), -1);
	s.fulfilment = STORE_PICKUP;
	ck_assert(store_offers(&s, STORE_PICKUP));
	ck_assert(!store_offers(&s, STORE_DELIVERY));
	s.fulfilment = STORE_BOTH;
	ck_assert(store_offers(&s, STORE_PICKUP) && store_offers(&s, STORE_DELIVERY));
}
END_TEST

START_TEST(test_emails)
{
	char big[STORE_EMAILS_MAX + 2];

	ck_assert(store_emails_ok(""));
	ck_assert(store_emails_ok("   "));
	ck_assert(store_emails_ok("a@shop.fr"));
	ck_assert(store_emails_ok("a@shop.fr, b@shop.fr"));
	ck_assert(store_emails_ok(" a@shop.fr ,b@shop.fr "));
	ck_assert(!store_emails_ok("a@shop.fr,"));
	ck_assert(!store_emails_ok(",a@shop.fr"));
	ck_assert(!store_emails_ok("a@shop.fr,,b@shop.fr"));
	ck_assert(!store_emails_ok("a@shop.fr; b@shop.fr"));
	ck_assert(!store_emails_ok("a@shop.fr\r\nBcc: x@evil.com"));
	ck_assert(!store_emails_ok("nobody"));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert(!store_emails_ok(big));
}
END_TEST

START_TEST(test_defaults)
{
	struct config cfg;
	struct store s;

	memset(&cfg, 0, sizeof cfg);
	cfg.shop_name = "Chez Léa";
	memcpy(cfg.currency, "CHF", 4);
	memcpy(cfg.lang, "fr", 3);
	cfg.tz = "Europe/Zurich";
	memset(&s, 0, sizeof s);
	s.name = strdup("Own name");
	s.own_name = 1;
	memcpy(s.currency, "EUR", 4);
	s.own_currency = 1;
	store_defaults(&s, &cfg);
	ck_assert_str_eq(s.name, "Own name");
	ck_assert_str_eq(s.currency, "EUR");
	ck_assert_str_eq(s.lang, "fr");
	ck_assert_str_eq(s.tz, "Europe/Zurich");
	s.own_name = 0;
	store_defaults(&s, &cfg);
	ck_assert_str_eq(s.name, "Chez Léa");
	store_free(&s);
}
END_TEST

/* ---- stores in the database ---- */

START_TEST(test_db_stores)
{
	char dir[64], path[320];
	struct logger lg;
	struct buf err;
	struct db *db;
	struct store s, c;
	struct db_store_row *rows;
	size_t n;
	int64_t id, id2;

	unit_tmpdir(dir, sizeof dir, "store");
	unit_db_path(path, sizeof path, dir, "test.db", "store");
	log_init(&lg, LOG_ERROR);
	buf_init(&err);
	db = db_open(path, 0, &lg, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	/* the default store: no own name, currency, language or zone */
	ck_assert_int_eq(db_store_get(db, STORE_DEFAULT_ID, &s), DB_OK);
	ck_assert_str_eq(s.slug, "default");
	ck_assert(!s.own_name && !s.own_currency && !s.own_lang && !s.own_tz);
	ck_assert_int_eq(s.fulfilment, STORE_PICKUP);
	/* settings written, read back, copied to a new store */
	free(s.hours);
	s.hours = strdup("Mo–Fr 9–18");
	s.fulfilment = STORE_BOTH;
	memcpy(s.currency, "CHF", 4);
	s.own_currency = 1;
	s.escalate_minutes = 15;
	ck_assert_int_eq(db_store_update(db, &s), DB_OK);
	ck_assert_int_eq(db_store_create(db, "geneve", "Genève", STORE_DEFAULT_ID, 1, &id),
	    DB_OK);
	ck_assert_int_eq(db_store_by_slug(db, "geneve", &c), DB_OK);
	ck_assert_int_eq(c.id, id);
	ck_assert(c.own_name);
	ck_assert_str_eq(c.name, "Genève");
	ck_assert_str_eq(c.hours, "Mo–Fr 9–18");
	ck_assert_str_eq(c.currency, "CHF");
	ck_assert_int_eq(c.fulfilment, STORE_BOTH);
	ck_assert_int_eq(c.escalate_minutes, 15);
	store_free(&c);
	/* a taken slug, a missing source, an unknown slug */
	ck_assert_int_eq(db_store_create(db, "geneve", "Again", 0, 1, &id2), DB_CONFLICT);
	ck_assert_int_eq(db_store_create(db, "lyon", "Lyon", 99, 1, &id2), DB_NOTFOUND);
	ck_assert_int_eq(db_store_by_slug(db, "lyon", &c), DB_NOTFOUND);
	/* renaming to another store's slug */
	ck_assert_int_eq(db_store_get(db, id, &c), DB_OK);
	snprintf(c.slug, sizeof c.slug, "default");
	ck_assert_int_eq(db_store_update(db, &c), DB_CONFLICT);
	store_free(&c);
	ck_assert_int_eq(db_stores_list(db, &rows, &n), DB_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(rows[0].slug, "default");
	ck_assert_str_eq(rows[1].slug, "geneve");
	free(rows);
	store_free(&s);
	db_close(db);
	unit_rmtree(dir);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("domain");

	tcase_add_loop_test(tc, test_slug, 0, (int)(sizeof slugs / sizeof slugs[0]));
	tcase_add_test(tc, test_fulfilment);
	tcase_add_test(tc, test_emails);
	tcase_add_test(tc, test_defaults);
	suite_add_tcase(s, tc);
	tc = tcase_create("db");
	tcase_add_test(tc, test_db_stores);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(store_suite)
