/* ctl_user.c — ordersyncctl user list|disable|reset: staff accounts from the command line. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "ctl.h"
#include "db.h"
#include "db_users.h"
#include "log.h"
#include "password.h"

/* user list: one account a line, "EMAIL ROLE STORE STATE LAST-SIGN-IN". */
static int
user_list(struct db *db)
{
	struct db_user *v = NULL;
	size_t n = 0, i;
	char when[32];
	struct tm tm;
	time_t t;

	if (db_users_list(db, 0, &v, &n) != DB_OK) {
		fprintf(stderr, "ordersyncctl: database error\n");
		return EXIT_FAILURE;
	}
	for (i = 0; i < n; i++) {
		snprintf(when, sizeof when, "never");
		t = (time_t)v[i].last_login_at;
		if (t > 0 && gmtime_r(&t, &tm) != NULL)
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s %s %s %s %s\n", v[i].email, v[i].role,
		    v[i].store_slug[0] ? v[i].store_slug : "*",
		    v[i].disabled ? "disabled" : "active", when);
	}
	free(v);
	return EXIT_SUCCESS;
}

/* user disable EMAIL: no sign-in, sessions ended at once. */
static int
user_disable(struct db *db, const struct db_user *u)
{
	if (db_users_update(db, u->id, u->role, u->store_id, 1) != DB_OK) {
		fprintf(stderr, "ordersyncctl: database error\n");
		return EXIT_FAILURE;
	}
	printf("disabled %s\n", u->email);
	return EXIT_SUCCESS;
}

/* user reset EMAIL: sessions ended, a new set-password link printed (its path). */
static int
user_reset(struct db *db, const struct db_user *u)
{
	char token[AUTH_TOKEN_HEX + 1], hash[AUTH_TOKEN_HEX + 1];
	int64_t now = (int64_t)time(NULL);

	auth_token_new(token);
	auth_token_hash(token, hash);
	if (db_users_reset(db, u->id, hash, now, now + PASSWORD_LINK_SECS) != DB_OK) {
		fprintf(stderr, "ordersyncctl: database error\n");
		return EXIT_FAILURE;
	}
	printf("/admin/password/%s\n", token);
	return EXIT_SUCCESS;
}

int
ctl_user(const char *dbpath, struct logger *lg, int argc, char **argv)
{
	struct db_user u;
	struct db *db;
	enum db_status st;
	int rc;

	if (!(argc == 1 && strcmp(argv[0], "list") == 0) &&
	    !(argc == 2 && (strcmp(argv[0], "disable") == 0 || strcmp(argv[0], "reset") == 0)))
		return -1;
	if ((db = ctl_open_db(dbpath, lg)) == NULL)
		return EXIT_FAILURE;
	if (argc == 1) {
		rc = user_list(db);
	} else if ((st = db_users_by_email(db, argv[1], &u)) != DB_OK) {
		fprintf(stderr, "ordersyncctl: %s %s\n", st == DB_NOTFOUND ? "no user" :
		    "database error looking up", argv[1]);
		rc = EXIT_FAILURE;
	} else {
		rc = strcmp(argv[0], "disable") == 0 ? user_disable(db, &u) : user_reset(db, &u);
	}
	db_close(db);
	return rc;
}
