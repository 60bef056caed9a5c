/* db_copy.c — the SQL of ordersyncctl migrate-to: an SQLite database copied table by table into an empty PostgreSQL one, in one transaction, then counted on both sides. */
/*
 * A little over the house's ~600 lines: the checks before the copy (which
 * tables and columns, an empty target), the copy, and the checks after it
 * (counts, high-water marks, the derived tables, the epoch) are one
 * transaction's procedure, each step relying on what the one before
 * established; kept in one file so it is read and reviewed in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_copy.h"
#include "db_impl.h"

/*
 * The tables copied, in foreign-key order (a table after every table it
 * references). A table the source has and this list, derived[] and the
 * FTS5 tables do not name is refused: a later migration must say here how
 * its tables move, never be skipped silently.
 */
static const char *const copied[] = {
	"meta", "stores", "users", "sessions", "login_attempts", "password_tokens",
	"media", "products", "stock_moves", "carts", "cart_items", "orders",
	"order_items", "payments", "webhooks", "order_events", "outbox"
};
#define NCOPIED	(sizeof copied / sizeof copied[0])

/*
 * Tables kept by triggers on both engines: not copied, made again by the
 * target's triggers as the rows they follow are inserted, then compared.
 */
static const char *const derived[] = { "order_counts" };
#define NDERIVED	(sizeof derived / sizeof derived[0])

/* Tables whose max(id) is compared too: the feed's cursor and the ids people quote. */
static const char *const checked_max[] = { "orders", "order_events", "payments" };

/* The rows the target's migrations make, which the copy replaces; anything else is shop data. */
static const struct {
	const char	*table;
	const char	*sql_count;	/* rows that are shop data */
	const char	*sql_clear;
} seeded[] = {
	{ "meta", "SELECT count(*) FROM meta WHERE key <> 'epoch'", "DELETE FROM meta" },
	{ "stores", "SELECT count(*) FROM stores WHERE id <> 1", "DELETE FROM stores" },
	{ "order_counts", "SELECT count(*) FROM order_counts WHERE n <> 0",
	    "DELETE FROM order_counts" }
};
#define NSEEDED	(sizeof seeded / sizeof seeded[0])

/* A table's columns: names in the source's order, and the target's identity column. */
struct cols {
	char	**v;
	size_t	 n;
	char	 identity[64];
};

static int
in_list(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* 1 when s is a plain lower-case SQL name, safe to put in a statement between quotes. */
static int
plain_name(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) >= 64 || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static void
cols_free(struct cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

static void
cols_add(struct cols *c, const char *s)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = xstrdup(s);
}

static int
cols_has(const struct cols *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * Runs sql (made at run time; ?1 bound to arg unless NULL) for the text of
 * each row's columns, appended to out as "a|b|c\n". DB_OK or the error.
 */
static enum db_status
rows_text(struct db *db, const char *sql, const char *arg, struct buf *out)
{
	struct db_stmt *st;
	int rc, i;
	const char *v;

	if ((st = db_stmt_new(db, sql)) == NULL)
		return DB_ERROR;
	if (arg != NULL)
		db_bind_text(st, 1, arg);
	while ((rc = db_step(st)) == DB_ROW) {
		for (i = 0; i < db_col_count(st); i++) {
			v = db_col_text(st, i);
			buf_printf(out, "%s%s", i ? "|" : "", v ? v : "");
		}
		buf_putc(out, '\n');
	}
	db_stmt_free(st);
	return db_status_of(db, rc, sql);
}

/* The integer sql's first row holds (?1 bound to arg unless NULL); 0 without a row. */
static enum db_status
one_int(struct db *db, const char *sql, const char *arg, int64_t *out)
{
	struct db_stmt *st;
	int rc;

	*out = 0;
	if ((st = db_stmt_new(db, sql)) == NULL)
		return DB_ERROR;
	if (arg != NULL)
		db_bind_text(st, 1, arg);
	if ((rc = db_step(st)) == DB_ROW) {
		*out = db_col_int64(st, 0);
		rc = DB_DONE;
	}
	db_stmt_free(st);
	return db_status_of(db, rc, sql);
}

/* count(*) of table, or max(col) when col is not NULL. */
static enum db_status
table_int(struct db *db, const char *table, const char *col, int64_t *out)
{
	char sql[200];

	if (col != NULL)
		snprintf(sql, sizeof sql, "SELECT coalesce(max(\"%s\"), 0) FROM \"%s\"", col, table);
	else
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	return one_int(db, sql, NULL, out);
}

/*
 * The source's tables, each either copied, derived, or SQLite's own (its
 * sqlite_* tables, FTS5 indexes and their shadow tables); an unknown one
 * is refused. Fills have_seq when sqlite_sequence exists.
 */
static enum db_status
check_source_tables(struct db *src, int *have_seq, struct buf *why)
{
	static const char *const shadows[] = { "data", "idx", "content", "docsize", "config" };
	struct buf rows, fts;
	enum db_status rc;
	char *line, *next, *bar, *sql, shadow[160];
	size_t k;
	int skip;

	buf_init(&rows);
	buf_init(&fts);
	*have_seq = 0;
	rc = rows_text(src, "SELECT name, replace(replace(lower(coalesce(sql, '')), char(10), ' '), "
	    "'|', ' ') FROM sqlite_master WHERE type = 'table' ORDER BY name", NULL, &rows);
	if (rc != DB_OK) {
		buf_puts(why, "cannot list the source's tables");
		goto out;
	}
	/* The FTS5 tables first: "|name|" each, for their shadows below. */
	buf_putc(&fts, '|');
	for (line = (char *)buf_str(&rows); *line != '\0'; line = next) {
		next = strchr(line, '\n') + 1;
		bar = strchr(line, '|');
		sql = bar + 1;
		if (strncmp(sql, "create virtual table", 20) == 0 && strstr(sql, "using fts5") != NULL)
			buf_printf(&fts, "%.*s|", (int)(bar - line), line);
	}
	for (line = (char *)buf_str(&rows); *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		bar = strchr(line, '|');
		*bar = '\0';
		snprintf(shadow, sizeof shadow, "|%s|", line);
		skip = strncmp(line, "sqlite_", 7) == 0 || strstr(buf_str(&fts), shadow) != NULL;
		bar = strrchr(line, '_');
		for (k = 0; !skip && bar != NULL && k < sizeof shadows / sizeof shadows[0]; k++)
			if (strcmp(bar + 1, shadows[k]) == 0) {
				snprintf(shadow, sizeof shadow, "|%.*s|", (int)(bar - line), line);
				skip = strstr(buf_str(&fts), shadow) != NULL;
			}
		if (strcmp(line, "sqlite_sequence") == 0)
			*have_seq = 1;
		if (skip || in_list(copied, NCOPIED, line) || in_list(derived, NDERIVED, line))
			continue;
		buf_printf(why, "the source has a table migrate-to does not know how to copy: %s "
		    "(a newer migration? this ordersyncctl must learn it first); nothing was copied",
		    line);
		rc = DB_CONFLICT;
		goto out;
	}
out:
	buf_free(&rows);
	buf_free(&fts);
	return rc;
}

/* The target's tables must be the copied, derived and schema_version ones. */
static enum db_status
check_target_tables(struct db *dst, struct buf *why)
{
	struct buf rows;
	enum db_status rc;
	char *line, *next;

	buf_init(&rows);
	rc = rows_text(dst, "SELECT table_name::text FROM information_schema.tables "
	    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
	    "ORDER BY 1", NULL, &rows);
	if (rc != DB_OK)
		buf_puts(why, "cannot list the target's tables");
	for (line = (char *)buf_str(&rows); rc == DB_OK && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (strcmp(line, "schema_version") == 0 || in_list(copied, NCOPIED, line) ||
		    in_list(derived, NDERIVED, line))
			continue;
		buf_printf(why, "the target has a table migrate-to does not know how to fill: %s; "
		    "nothing was copied", line);
		rc = DB_CONFLICT;
	}
	buf_free(&rows);
	return rc;
}

/*
 * table's columns on both sides: the source's (pragma table_info) must be
 * the target's, generated ones left out (orders.search_words and
 * phone_digits, computed by PostgreSQL). Fills c in the source's order.
 */
static enum db_status
table_cols(struct db *src, struct db *dst, const char *table, struct cols *c, struct buf *why)
{
	struct buf s, d;
	enum db_status rc;
	char *line, *next, *bar;
	struct cols tc;
	size_t i;

	memset(c, 0, sizeof *c);
	memset(&tc, 0, sizeof tc);
	buf_init(&s);
	buf_init(&d);
	if ((rc = rows_text(src, "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
	    table, &s)) != DB_OK || (rc = rows_text(dst, "SELECT column_name::text, "
	    "is_identity::text FROM information_schema.columns WHERE table_schema = "
	    "current_schema() AND table_name::text = ?1 AND is_generated = 'NEVER' "
	    "ORDER BY ordinal_position", table, &d)) != DB_OK) {
		buf_printf(why, "cannot read the columns of %s", table);
		goto out;
	}
	for (line = (char *)buf_str(&s); *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		cols_add(c, line);
	}
	for (line = (char *)buf_str(&d); *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		bar = strchr(line, '|');
		*bar = '\0';
		if (strcmp(bar + 1, "YES") == 0)
			snprintf(c->identity, sizeof c->identity, "%s", line);
		cols_add(&tc, line);
	}
	rc = DB_CONFLICT;
	if (c->n == 0 || tc.n == 0) {
		buf_printf(why, "the %s has no table %s; nothing was copied",
		    c->n == 0 ? "source" : "target", table);
		goto out;
	}
	if (c->n > 32) {
		buf_printf(why, "%s has %zu columns, more than the 32 a statement may bind; "
		    "nothing was copied", table, c->n);
		goto out;
	}
	for (i = 0; i < c->n || i < tc.n; i++) {
		if (i < c->n && !plain_name(c->v[i])) {
			buf_printf(why, "%s.%s: a column name migrate-to does not handle; "
			    "nothing was copied", table, c->v[i]);
			goto out;
		}
		if (i < c->n && !cols_has(&tc, c->v[i])) {
			buf_printf(why, "%s.%s is in the source but not in the target "
			    "(schema versions differ?); nothing was copied", table, c->v[i]);
			goto out;
		}
		if (i < tc.n && !cols_has(c, tc.v[i])) {
			buf_printf(why, "%s.%s is in the target but not in the source "
			    "(schema versions differ?); nothing was copied", table, tc.v[i]);
			goto out;
		}
	}
	rc = DB_OK;
out:
	if (rc != DB_OK)
		cols_free(c);
	cols_free(&tc);
	buf_free(&s);
	buf_free(&d);
	return rc;
}

/* Refuses a target holding anything but its migrations' rows (then deleted, to be replaced). */
static enum db_status
check_empty_and_clear(struct db *dst, struct buf *why)
{
	struct buf held;
	enum db_status rc = DB_OK;
	int64_t n;
	size_t i, k;
	char sql[160];
	const char *t;

	buf_init(&held);
	for (i = 0; rc == DB_OK && i < NCOPIED + NDERIVED; i++) {
		t = i < NCOPIED ? copied[i] : derived[i - NCOPIED];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t);
		for (k = 0; k < NSEEDED; k++)
			if (strcmp(seeded[k].table, t) == 0)
				snprintf(sql, sizeof sql, "%s", seeded[k].sql_count);
		if ((rc = one_int(dst, sql, NULL, &n)) != DB_OK)
			buf_printf(why, "cannot count the target's %s", t);
		else if (n > 0)
			buf_printf(&held, "%s%s %lld", held.len ? ", " : "", t, (long long)n);
	}
	if (rc == DB_OK && held.len > 0) {
		buf_printf(why, "the target already holds shop data (%s); migrate-to fills "
		    "only a new, empty database; nothing was copied", buf_str(&held));
		rc = DB_CONFLICT;
	}
	for (k = 0; rc == DB_OK && k < NSEEDED; k++) {
		if ((rc = one_int(dst, seeded[k].sql_clear, NULL, &n)) != DB_OK)
			buf_printf(why, "cannot clear the target's %s", seeded[k].table);
	}
	buf_free(&held);
	return rc;
}

/* Copies the rows of table (columns c) from src into dst; *rows: how many. */
static enum db_status
copy_rows(struct db *src, struct db *dst, const char *table, const struct cols *c,
    int64_t *rows, struct buf *why)
{
	struct buf sel, ins;
	struct db_stmt *s = NULL, *d = NULL;
	enum db_status rc = DB_ERROR;
	size_t i;
	int step;

	*rows = 0;
	buf_init(&sel);
	buf_init(&ins);
	buf_puts(&sel, "SELECT ");
	buf_printf(&ins, "INSERT INTO \"%s\" (", table);
	for (i = 0; i < c->n; i++) {
		buf_printf(&sel, "%s\"%s\"", i ? ", " : "", c->v[i]);
		buf_printf(&ins, "%s\"%s\"", i ? ", " : "", c->v[i]);
	}
	buf_printf(&sel, " FROM \"%s\"", table);
	buf_printf(&ins, ") %sVALUES (", c->identity[0] ? "OVERRIDING SYSTEM VALUE " : "");
	for (i = 0; i < c->n; i++)
		buf_printf(&ins, "%s?%zu", i ? ", " : "", i + 1);
	buf_putc(&ins, ')');
	if ((s = db_stmt_new(src, buf_str(&sel))) == NULL ||
	    (d = db_stmt_new(dst, buf_str(&ins))) == NULL) {
		buf_printf(why, "cannot prepare the copy of %s", table);
		goto out;
	}
	while ((step = db_step(s)) == DB_ROW) {
		for (i = 0; i < c->n; i++) {
			switch (db_col_kind(s, (int)i)) {
			case DB_COL_NULL:
				db_bind_null(d, (int)i + 1);
				break;
			case DB_COL_INT:
				db_bind_int64(d, (int)i + 1, db_col_int64(s, (int)i));
				break;
			case DB_COL_BLOB:
				db_bind_blob(d, (int)i + 1, db_col_blob(s, (int)i),
				    db_col_bytes(s, (int)i));
				break;
			default:
				db_bind_text(d, (int)i + 1, db_col_text(s, (int)i));
				break;
			}
		}
		if (db_step_done(dst, d, table) != DB_OK) {
			buf_printf(why, "the target refused row %lld of %s (see the error above)",
			    (long long)*rows + 1, table);
			goto out;
		}
		(*rows)++;
	}
	if (db_status_of(src, step, table) != DB_OK) {
		buf_printf(why, "cannot read %s from the source", table);
		goto out;
	}
	rc = DB_OK;
out:
	db_stmt_free(s);
	db_stmt_free(d);
	buf_free(&sel);
	buf_free(&ins);
	return rc;
}

/*
 * Sets table's identity (column c->identity) past the source's high-water
 * mark: its max, or sqlite_sequence's when larger (order_events is
 * AUTOINCREMENT: an id handed out and deleted is never handed out again).
 */
static enum db_status
set_identity(struct db *src, struct db *dst, const char *table, const struct cols *c,
    int have_seq, int64_t *next, struct buf *why)
{
	struct db_stmt *st;
	int64_t high, seq = 0;
	int rc;

	if (table_int(src, table, c->identity, &high) != DB_OK || (have_seq &&
	    one_int(src, "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?1",
	    table, &seq) != DB_OK)) {
		buf_printf(why, "cannot read the source's last id of %s", table);
		return DB_ERROR;
	}
	if (seq > high)
		high = seq;
	if ((st = db_stmt_new(dst, "SELECT setval(pg_get_serial_sequence(?1, ?2), "
	    "CASE WHEN ?3 > 0 THEN ?3 ELSE 1 END, ?3 > 0)")) == NULL) {
		buf_printf(why, "cannot set the identity of %s", table);
		return DB_ERROR;
	}
	db_bind_text(st, 1, table);
	db_bind_text(st, 2, c->identity);
	db_bind_int64(st, 3, high);
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_stmt_free(st);
	if (db_status_of(dst, rc, "setval") != DB_OK) {
		buf_printf(why, "cannot set the identity of %s", table);
		return DB_ERROR;
	}
	*next = high + 1;
	return DB_OK;
}

/* order_counts (and any derived table) as the target's triggers made it equals the source's. */
static enum db_status
check_derived(struct db *src, struct db *dst, struct db_copy_report *rep, struct buf *why)
{
	static const char sql[] = "SELECT store_id, status, n FROM order_counts "
	    "WHERE n > 0 ORDER BY store_id, status";
	struct db_copy_table *t = &rep->t[rep->n];
	struct buf a, b;
	enum db_status rc;
	const char *p;

	buf_init(&a);
	buf_init(&b);
	if ((rc = rows_text(src, sql, NULL, &a)) != DB_OK ||
	    (rc = rows_text(dst, sql, NULL, &b)) != DB_OK)
		buf_puts(why, "cannot read order_counts");
	else if (strcmp(buf_str(&a), buf_str(&b)) != 0) {
		buf_printf(why, "order_counts rebuilt by the target's triggers differs from "
		    "the source's: %s against %s", buf_str(&b), buf_str(&a));
		rc = DB_ERROR;
	} else {
		memset(t, 0, sizeof *t);
		snprintf(t->name, sizeof t->name, "order_counts");
		t->derived = 1;
		for (p = buf_str(&a); *p; p++)
			t->rows_src += *p == '\n';
		t->rows_dst = t->rows_src;
		rep->n++;
	}
	buf_free(&a);
	buf_free(&b);
	return rc;
}

/* Counts (and max ids) of every copied table and the epochs, compared. */
static enum db_status
verify(struct db *src, struct db *dst, struct db_copy_report *rep, struct buf *why)
{
	struct db_copy_table *t;
	struct buf e;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		t = &rep->t[i];
		if (t->derived)
			continue;
		if (table_int(src, t->name, NULL, &t->rows_src) != DB_OK ||
		    table_int(dst, t->name, NULL, &t->rows_dst) != DB_OK ||
		    (t->has_max && (table_int(src, t->name, "id", &t->max_src) != DB_OK ||
		    table_int(dst, t->name, "id", &t->max_dst) != DB_OK))) {
			buf_printf(why, "cannot count %s", t->name);
			return DB_ERROR;
		}
		if (t->rows_src != t->rows_dst || t->max_src != t->max_dst) {
			buf_printf(why, "%s differs: %lld rows (max id %lld) in the source, "
			    "%lld (max id %lld) in the target", t->name, (long long)t->rows_src,
			    (long long)t->max_src, (long long)t->rows_dst, (long long)t->max_dst);
			return DB_ERROR;
		}
	}
	buf_init(&e);
	if (rows_text(src, "SELECT value FROM meta WHERE key = 'epoch'", NULL, &e) == DB_OK)
		snprintf(rep->epoch_src, sizeof rep->epoch_src, "%.*s",
		    (int)strcspn(buf_str(&e), "\n"), buf_str(&e));
	buf_reset(&e);
	if (rows_text(dst, "SELECT value FROM meta WHERE key = 'epoch'", NULL, &e) == DB_OK)
		snprintf(rep->epoch_dst, sizeof rep->epoch_dst, "%.*s",
		    (int)strcspn(buf_str(&e), "\n"), buf_str(&e));
	buf_free(&e);
	if (rep->epoch_src[0] == '\0' || strcmp(rep->epoch_src, rep->epoch_dst) != 0) {
		buf_printf(why, "the epochs differ: %s in the source, %s in the target",
		    rep->epoch_src, rep->epoch_dst);
		return DB_ERROR;
	}
	return DB_OK;
}

enum db_status
db_copy_all(struct db *src, struct db *dst, struct db_copy_report *rep, struct buf *why)
{
	struct cols c[NCOPIED];
	struct db_copy_table *t;
	enum db_status rc;
	int have_seq = 0;
	size_t i;

	memset(rep, 0, sizeof *rep);
	memset(c, 0, sizeof c);
	if (src->engine != DB_SQLITE || dst->engine != DB_POSTGRESQL) {
		buf_puts(why, "migrate-to copies an SQLite database into a PostgreSQL one");
		return DB_CONFLICT;
	}
	if (db_user_version(src) != db_user_version(dst)) {
		buf_printf(why, "the schema versions differ: %d in the source, %d in the target",
		    db_user_version(src), db_user_version(dst));
		return DB_CONFLICT;
	}
	/* A snapshot of the source: its writers wait until the copy is done. */
	if ((rc = db_begin(src)) != DB_OK) {
		buf_puts(why, "cannot lock the source (is the app writing to it?)");
		return rc;
	}
	if ((rc = check_source_tables(src, &have_seq, why)) != DB_OK ||
	    (rc = check_target_tables(dst, why)) != DB_OK)
		goto out;
	for (i = 0; i < NCOPIED; i++)
		if ((rc = table_cols(src, dst, copied[i], &c[i], why)) != DB_OK)
			goto out;
	if ((rc = db_begin(dst)) != DB_OK) {
		buf_puts(why, "cannot begin the target's transaction");
		goto out;
	}
	if ((rc = check_empty_and_clear(dst, why)) != DB_OK)
		goto rollback;
	for (i = 0; i < NCOPIED; i++) {
		t = &rep->t[rep->n++];
		snprintf(t->name, sizeof t->name, "%s", copied[i]);
		t->has_max = in_list(checked_max, sizeof checked_max / sizeof checked_max[0],
		    copied[i]);
		if ((rc = copy_rows(src, dst, copied[i], &c[i], &t->rows_dst, why)) != DB_OK)
			goto rollback;
		if (c[i].identity[0] != '\0' && (rc = set_identity(src, dst, copied[i], &c[i],
		    have_seq, &t->next_id, why)) != DB_OK)
			goto rollback;
	}
	/* Before the commit: a difference leaves the target as it was. */
	if ((rc = check_derived(src, dst, rep, why)) != DB_OK ||
	    (rc = verify(src, dst, rep, why)) != DB_OK)
		goto rollback;
	if ((rc = db_commit(dst)) != DB_OK) {
		buf_puts(why, "the target's commit failed");
		goto rollback;
	}
	/* Committed: counted again, as another session sees it. */
	rep->committed = 1;
	rc = verify(src, dst, rep, why);
	goto out;
rollback:
	db_rollback(dst);
out:
	db_rollback(src);
	for (i = 0; i < NCOPIED; i++)
		cols_free(&c[i]);
	return rc;
}
