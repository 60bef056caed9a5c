/* check_media.c — photo renditions in the database: content-addressed ids, set/clear in one transaction, pruning, store scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "db.h"
#include "db_media.h"
#include "db_setup.h"
#include "unit.h"
#include "unit_db.h"
#include "util.h"

static char base[64];
static char path[320];
static struct db *db;

static void
base_setup(void)
{
	unit_tmpdir(base, sizeof base, "media");
}

static void
base_teardown(void)
{
	unit_rmtree(base);
}

static void
setup(void)
{
	char dir[128];
	struct buf err;
	int n;

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof dir, "%s/XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unit_db_path(path, sizeof path, dir, "test.db", "media");
	buf_init(&err);
	db = db_open(path, 1, NULL, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	buf_free(&err);
	ck_assert_int_eq(db_seed_demo(db, &n), DB_OK);
}

static void
teardown(void)
{
	db_close(db);
}

/* One integer from SQL on a second connection. */
static long long
q(const char *sql)
{
	struct db *c = unit_db_other(path);
	long long v = unit_sql_int(c, sql, -1);

	db_close(c);
	return v;
}

START_TEST(test_id_is_sha256_hex)
{
	char id[DB_MEDIA_ID_LEN + 1];

	db_media_id("abc", 3, id);
	ck_assert_str_eq(id, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_set_replace_clear)
{
	static const char big[] = "RIFF-large", small[] = "RIFF-small", other[] = "RIFF-other";
	struct db_media_blob image = { big, sizeof big - 1, 1200, 800 };
	struct db_media_blob thumb = { small, sizeof small - 1, 480, 320 };
	struct db_media_blob again = { other, sizeof other - 1, 100, 50 };
	char id[DB_MEDIA_ID_LEN + 1], sql[256];
	unsigned char *data;
	size_t len;

	ck_assert_int_eq(db_media_set_photo(db, 1, 1, &image, &thumb), DB_OK);
	ck_assert_int_eq(q("SELECT count(*) FROM media"), 2);
	db_media_id(big, sizeof big - 1, id);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM products WHERE id = 1 AND image = '%s'", id);
	ck_assert_int_eq(q(sql), 1);
	ck_assert_int_eq(db_media_get(db, id, &data, &len), DB_OK);
	ck_assert_uint_eq(len, sizeof big - 1);
	ck_assert(memcmp(data, big, len) == 0);
	free(data);
	/* The same picture on a second product: still two rows. */
	ck_assert_int_eq(db_media_set_photo(db, 1, 2, &image, &thumb), DB_OK);
	ck_assert_int_eq(q("SELECT count(*) FROM media"), 2);
	/* Product 1 changes: the shared rows stay, the new one is added. */
	ck_assert_int_eq(db_media_set_photo(db, 1, 1, &again, &again), DB_OK);
	ck_assert_int_eq(q("SELECT count(*) FROM media"), 3);
	/* Product 2 clears: its rows, used by nobody now, go. */
	ck_assert_int_eq(db_media_set_photo(db, 1, 2, NULL, NULL), DB_OK);
	ck_assert_int_eq(q("SELECT count(*) FROM media"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM products WHERE id = 2 AND image IS NULL AND thumb IS NULL"), 1);
	ck_assert_int_eq(db_media_get(db, id, &data, &len), DB_NOTFOUND);
	ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_scope_and_missing)
{
	static const char big[] = "RIFF-x";
	struct db_media_blob b = { big, sizeof big - 1, 10, 10 };

	/* Another store's product, and no product at all: nothing written. */
	ck_assert_int_eq(db_media_set_photo(db, 2, 1, &b, &b), DB_NOTFOUND);
	ck_assert_int_eq(db_media_set_photo(db, 1, 999999, &b, &b), DB_NOTFOUND);
	ck_assert_int_eq(q("SELECT count(*) FROM media"), 0);
}
END_TEST

static Suite *
media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_id_is_sha256_hex);
	tcase_add_test(tc, test_set_replace_clear);
	tcase_add_test(tc, test_scope_and_missing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(media_suite)
