/* ctl_store.c — ordersyncctl store add|set|list: stores and their settings from the command line, with the web form's table and rules (store_input). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "db_stores.h"
#include "i18n.h"
#include "log.h"
#include "store_input.h"
#include "valid.h"

#define EXIT_USAGE 2

/* Each wrong field of v (table tbl of n) as "FIELD: message" on stderr, in ORDERSYNC_LANG's words. */
static void
print_errors(const struct valid_field *tbl, size_t n, const struct valid_result *v)
{
	struct i18n in;
	const char *lang;
	int have = ctl_texts(&in, &lang);
	size_t i;

	for (i = 0; i < n; i++)
		if (v->error[i] != NULL)
			fprintf(stderr, "ordersyncctl: %s: %s\n", tbl[i].name, have ?
			    i18n_text(&in, lang, v->error[i]) : v->error[i]);
	if (have)
		i18n_free(&in);
}

/* store add SLUG NAME [--from SLUG] */
static int
store_add(struct db *db, int argc, char **argv)
{
	struct kvlist form;
	struct valid_result v;
	struct store from;
	int64_t id = 0;
	enum db_status st = DB_OK;
	int rc = EXIT_FAILURE;

	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--from") == 0))
		return EXIT_USAGE;
	memset(&form, 0, sizeof form);
	memset(&from, 0, sizeof from);
	kv_add(&form, "slug", 4, argv[1], strlen(argv[1]));
	kv_add(&form, "name", 4, argv[2], strlen(argv[2]));
	if (argc == 5)
		kv_add(&form, "from", 4, argv[4], strlen(argv[4]));
	valid_form(store_input_new, STORE_NEW__MAX, &form, &v);
	store_input_new_check(&v);
	if (v.nerrors == 0 && v.text[STORE_NEW_FROM][0] != '\0' &&
	    (st = db_store_by_slug(db, v.text[STORE_NEW_FROM], &from)) == DB_NOTFOUND)
		store_input_error(&v, STORE_NEW_FROM, "stores.errors.from");
	if (v.nerrors > 0) {
		print_errors(store_input_new, STORE_NEW__MAX, &v);
		goto out;
	}
	if (st == DB_OK)
		st = db_store_create(db, v.text[STORE_NEW_SLUG], v.text[STORE_NEW_NAME], from.id,
		    (int64_t)time(NULL), &id);
	if (st == DB_CONFLICT)
		fprintf(stderr, "ordersyncctl: store %s exists already\n", v.text[STORE_NEW_SLUG]);
	else if (st != DB_OK)
		fprintf(stderr, "ordersyncctl: database error\n");
	else {
		printf("added store %s\n", v.text[STORE_NEW_SLUG]);
		rc = EXIT_SUCCESS;
	}
out:
	store_free(&from);
	valid_result_free(&v);
	kv_free(&form);
	return rc;
}

/* store set SLUG KEY VALUE: one setting, as the settings form would save it. */
static int
store_set(struct db *db, int argc, char **argv)
{
	struct kvlist form;
	struct valid_result v;
	struct store s;
	int given[STORE_IN__MAX], key, rc = EXIT_FAILURE;
	enum db_status st;

	if (argc != 4 || (key = store_input_field(argv[2])) < 0)
		return EXIT_USAGE;
	if ((st = db_store_by_slug(db, argv[1], &s)) != DB_OK) {
		fprintf(stderr, "ordersyncctl: %s\n", st == DB_NOTFOUND ? "no such store" :
		    "database error");
		return EXIT_FAILURE;
	}
	memset(&form, 0, sizeof form);
	kv_add(&form, argv[2], strlen(argv[2]), argv[3], strlen(argv[3]));
	valid_form(store_input_settings, STORE_IN__MAX, &form, &v);
	store_input_given_form(&form, given);
	if (store_input_apply(&v, given, &s) > 0) {
		print_errors(store_input_settings, STORE_IN__MAX, &v);
		goto out;
	}
	if ((st = db_store_update(db, &s)) == DB_CONFLICT)
		fprintf(stderr, "ordersyncctl: another store has the slug %s\n", s.slug);
	else if (st != DB_OK)
		fprintf(stderr, "ordersyncctl: database error\n");
	else {
		printf("store %s: %s set\n", s.slug, argv[2]);
		rc = EXIT_SUCCESS;
	}
out:
	store_free(&s);
	valid_result_free(&v);
	kv_free(&form);
	return rc;
}

/* getenv(3) as cfg_load wants it. */
static const char *
env_get(const char *name)
{
	return getenv(name);
}

/* store list: "SLUG<TAB>NAME<TAB>ORDERS<TAB>STAFF" a line, the default store first. */
static int
store_list(struct db *db)
{
	struct db_store_row *v = NULL;
	struct config cfg;
	struct buf err;
	size_t n = 0, i;

	buf_init(&err);
	memset(&cfg, 0, sizeof cfg);
	if (cfg_load(&cfg, env_get, &err) != 0) {
		fprintf(stderr, "ordersyncctl: %s\n", buf_str(&err));
		buf_free(&err);
		return EXIT_FAILURE;
	}
	buf_free(&err);
	if (db_stores_list(db, &v, &n) != DB_OK) {
		fprintf(stderr, "ordersyncctl: database error\n");
		cfg_free(&cfg);
		return EXIT_FAILURE;
	}
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%" PRId64 "\t%" PRId64 "\n", v[i].slug,
		    v[i].name[0] != '\0' ? v[i].name : cfg.shop_name, v[i].orders, v[i].staff);
	free(v);
	cfg_free(&cfg);
	return EXIT_SUCCESS;
}

int
ctl_store(const char *dbpath, struct logger *lg, int argc, char **argv)
{
	struct db *db;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "set") != 0 &&
	    !(strcmp(argv[1], "list") == 0 && argc == 2)))
		return -1;
	if ((db = ctl_open_db(dbpath, lg)) == NULL)
		return EXIT_FAILURE;
	if (strcmp(argv[1], "add") == 0)
		rc = store_add(db, argc - 1, argv + 1);
	else if (strcmp(argv[1], "set") == 0)
		rc = store_set(db, argc - 1, argv + 1);
	else
		rc = store_list(db);
	db_close(db);
	return rc == EXIT_USAGE ? -1 : rc;
}
