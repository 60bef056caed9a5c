# db_engine.sh — the integration tests' storage engine switch (bash; lib.sh
# sources it, tests/pg/test_harness_pg.sh too). See lib.sh's header for the
# interface. Needs WORK (a temp dir) and ENGINE (sqlite | pg).
#
# Under pg the cluster is the caller's (make check-pg: tests/pg/pg.sh);
# PGHOST, PGPORT and PGUSER say where it is. Each suite's database is made
# from template0 with the collation ordersync needs (C.UTF-8: byte order, as
# SQLite's BINARY) and dropped WITH (FORCE) at the end, so an app process
# still connected cannot keep it.

PSQL_BIN=${PSQL_BIN:-${PG_BIN:-/usr/lib/postgresql/15/bin}/psql}
[ -x "$PSQL_BIN" ] || PSQL_BIN=psql

case $ENGINE in
sqlite|pg) ;;
*)	echo "ORDERSYNC_TEST_ENGINE=$ENGINE: want sqlite or pg" >&2; exit 2 ;;
esac
if [ "$ENGINE" = pg ] && { [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; }; then
	echo "ORDERSYNC_TEST_ENGINE=pg needs a running cluster (PGHOST, PGPORT: make check-pg)" >&2
	exit 2
fi

# psql as sqlite3's default list mode prints: no header, no alignment,
# columns joined by '|', NULL as nothing, one row a line. Waits are bounded
# as sqlite3's .timeout 5000 bounds them: 5 s for a lock, 120 s a statement.
_psql() {
	PGOPTIONS="-c lock_timeout=5000 -c statement_timeout=120000 ${PGOPTIONS:-}" \
	    "$PSQL_BIN" -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

# db_create: makes this suite's database and sets DB.
db_create() {
	if [ "$ENGINE" = sqlite ]; then
		DB=$WORK/ordersync.db
		return 0
	fi
	local name
	name=ordersync_t_$(basename "${0%.sh}" | tr -c 'a-z0-9_\n' _)_$$_$RANDOM
	name=${name:0:63}
	_psql -d postgres -c "CREATE DATABASE \"$name\" TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'" ||
		return 1
	PG_TEST_DB=$name
	DB="postgresql:///$name?host=$PGHOST&port=$PGPORT&user=${PGUSER:-$(id -un)}"
}

# db_drop: drops the suite's database (nothing under SQLite: WORK goes).
db_drop() {
	[ -n "${PG_TEST_DB:-}" ] || return 0
	_psql -d postgres -c "DROP DATABASE IF EXISTS \"$PG_TEST_DB\" WITH (FORCE)" ||
		echo "could not drop the test database $PG_TEST_DB" >&2
	PG_TEST_DB=
}

# sql [SQL]: SQL (the argument, else stdin) on the suite's database; each
# statement runs on its own (autocommit) and prints its rows. SQLite waits
# up to 5 s for the app's locks, PostgreSQL too (lock_timeout).
sql() {
	if [ "$ENGINE" = pg ]; then
		if [ $# -gt 0 ]; then
			printf '%s\n' "$1" | _psql -d "$DB" -f -
		else
			_psql -d "$DB" -f -
		fi
	else
		sqlite3 -cmd '.timeout 5000' "$DB" "$@"
	fi
}

# db_intact: "ok" when the database passes its engine's consistency check:
# SQLite's integrity_check; PostgreSQL's amcheck over every B-tree index of
# the schema (an error, and no "ok", on a damaged one).
db_intact() {
	if [ "$ENGINE" = pg ]; then
		sql "CREATE EXTENSION IF NOT EXISTS amcheck;
		    SELECT 'ok' FROM (SELECT count(bt_index_check(c.oid, true)) FROM pg_index i
		        JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
		        WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace) s;"
	else
		sql 'PRAGMA integrity_check'
	fi
}

# SQL fragments whose spelling differs. Each prints the expression.
# sql_hex EXPR: upper-case hex of a blob.
sql_hex() {
	if [ "$ENGINE" = pg ]; then echo "upper(encode($1, 'hex'))"; else echo "hex($1)"; fi
}
# sql_zpad EXPR WIDTH: an integer zero-padded to WIDTH digits, as text.
sql_zpad() {
	if [ "$ENGINE" = pg ]; then echo "lpad(($1)::text, $2, '0')"; else echo "printf('%0$2d', $1)"; fi
}
# sql_ymd EXPR: unix seconds as YYYYMMDD (UTC).
sql_ymd() {
	if [ "$ENGINE" = pg ]; then
		echo "to_char(to_timestamp($1) AT TIME ZONE 'UTC', 'YYYYMMDD')"
	else
		echo "strftime('%Y%m%d', $1, 'unixepoch')"
	fi
}
# sql_json_text COLUMN a.b.c: the text at that path of a JSON column.
sql_json_text() {
	if [ "$ENGINE" = pg ]; then
		echo "(($1)::jsonb #>> '{${2//./,}}')"
	else
		echo "json_extract($1, '\$.$2')"
	fi
}
# sql_json_object: the function building a JSON object from key, value pairs.
sql_json_object() {
	if [ "$ENGINE" = pg ]; then echo jsonb_build_object; else echo json_object; fi
}
# sql_chr N: the character with code N.
sql_chr() {
	if [ "$ENGINE" = pg ]; then echo "chr($1)"; else echo "char($1)"; fi
}
# OVERRIDE: an INSERT that sets ids writes "INSERT INTO t (id, …) $OVERRIDE
# VALUES …" (PostgreSQL's identities refuse an id otherwise), then calls
# sql_sync_ids t so that the next id the engine hands out is past them.
OVERRIDE=
[ "$ENGINE" = pg ] && OVERRIDE='OVERRIDING SYSTEM VALUE'
# SQL_BEGIN: a transaction that takes the write lock at once on SQLite.
SQL_BEGIN='BEGIN IMMEDIATE'
[ "$ENGINE" = pg ] && SQL_BEGIN=BEGIN
sql_sync_ids() {
	local t
	[ "$ENGINE" = pg ] || return 0
	for t in "$@"; do
		sql "SELECT setval(pg_get_serial_sequence('$t', 'id'), (SELECT max(id) FROM $t))" >/dev/null || return 1
	done
}
