/* ctl_migrate.c — ordersyncctl migrate-to URI: moving a shop from its SQLite database into an empty PostgreSQL one (db_copy.c does the SQL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "db_copy.h"
#include "db.h"

/* 1 when s is a PostgreSQL URI, as ORDERSYNC_DB takes it. */
static int
pg_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

int
ctl_migrate_to(const char *dbpath, struct logger *lg, int argc, char **argv)
{
	struct db_copy_report *rep;
	struct db_copy_table *t;
	struct db *src = NULL, *dst = NULL;
	struct buf why;
	struct stat sb;
	enum db_status rc;
	size_t i;

	if (argc != 2)
		return -1;
	if (pg_uri(dbpath)) {
		fprintf(stderr, "ordersyncctl: migrate-to copies from an SQLite database: give "
		    "its path with --db PATH (ORDERSYNC_DB is a PostgreSQL URI)\n");
		return EXIT_FAILURE;
	}
	if (!pg_uri(argv[1])) {
		fprintf(stderr, "ordersyncctl: migrate-to needs a postgresql:// URI, not %s\n",
		    argv[1]);
		return EXIT_FAILURE;
	}
	/* Never create an empty source by opening a mistyped path. */
	if (stat(dbpath, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "ordersyncctl: no SQLite database at %s\n", dbpath);
		return EXIT_FAILURE;
	}
	if ((src = ctl_open_db(dbpath, lg)) == NULL || (dst = ctl_open_db(argv[1], lg)) == NULL) {
		db_close(src);
		return EXIT_FAILURE;
	}
	rep = xcalloc(1, sizeof *rep);
	buf_init(&why);
	rc = db_copy_all(src, dst, rep, &why);
	db_close(src);
	db_close(dst);
	if (rc != DB_OK) {
		fprintf(stderr, "ordersyncctl: migrate-to: %s\n", buf_str(&why));
		if (rep->committed)
			fprintf(stderr, "ordersyncctl: migrate-to: the copy was committed but "
			    "does not match the source: do not use the target\n");
		else if (rep->n > 0)
			fprintf(stderr, "ordersyncctl: migrate-to: the target's transaction was "
			    "rolled back: it holds nothing of the source\n");
		buf_free(&why);
		free(rep);
		return EXIT_FAILURE;
	}
	for (i = 0; i < rep->n; i++) {
		t = &rep->t[i];
		if (t->derived)
			printf("%-16s %8lld rows, rebuilt by the target's triggers, equal\n",
			    t->name, (long long)t->rows_dst);
		else if (t->has_max)
			printf("%-16s %8lld rows copied, equal; max id %lld, next id %lld\n",
			    t->name, (long long)t->rows_dst, (long long)t->max_dst,
			    (long long)t->next_id);
		else if (t->next_id > 0)
			printf("%-16s %8lld rows copied, equal; next id %lld\n", t->name,
			    (long long)t->rows_dst, (long long)t->next_id);
		else
			printf("%-16s %8lld rows copied, equal\n", t->name, (long long)t->rows_dst);
	}
	printf("epoch %s kept: open admin pages go on from their cursor\n", rep->epoch_dst);
	buf_free(&why);
	free(rep);
	return EXIT_SUCCESS;
}
