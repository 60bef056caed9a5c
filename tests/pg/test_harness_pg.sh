#!/bin/bash
# test_harness_pg.sh — the integration tests' engine switch
# (tests/integration/db_engine.sh) on a real PostgreSQL 15, before the
# PostgreSQL engine exists: a suite's database is made (template0, C.UTF-8,
# UTF8) and migrated with schema-pg.sql as the runner will; `sql` prints what
# sqlite3 prints for the same statements on an SQLite database made by
# `ordersyncctl init` (columns joined by '|', NULL empty, one row a line, each
# statement of a script its own rows, an error a non-zero exit); the SQL
# fragments (sql_zpad, sql_ymd, sql_hex, sql_json_text, sql_chr, OVERRIDE
# with sql_sync_ids, CAST of a comparison, db_intact) agree; the database is
# dropped even while a session still holds it; and serve.sh hands a URI with
# ? and & to the app's environment unchanged through lighttpd's config.
# Usage: bash tests/pg/test_harness_pg.sh (make check-pg runs it first).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CTL_BIN=${CTL_BIN:-$TOP/build/san/ordersyncctl}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
. "$TOP/tests/pg/pg.sh"

PASS=0 FAIL=0
ok()  { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }

TMP=$(mktemp -d /tmp/ordersync-harness.XXXXXX)
WORK=$TMP/work
SRV_PGID= HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	if [ -n "$SRV_PGID" ]; then
		kill -TERM -- "-$SRV_PGID" 2>/dev/null
		sleep 0.2
		kill -KILL -- "-$SRV_PGID" 2>/dev/null
	fi
	[ "$ENGINE" = pg ] && db_drop
	pg_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$WORK"
[ -x "$CTL_BIN" ] || { echo "no $CTL_BIN (make build/san/ordersyncctl)"; exit 1; }

pg_start "$TMP/pg" || { echo "the cluster did not start"; exit 1; }
ok "a throw-away cluster runs (PID $PG_PID, $PGHOST:$PGPORT)"

# use ENGINE: switch this shell to that engine's DB (db_engine.sh read again
# so that OVERRIDE and SQL_BEGIN follow).
SQLITE_DB=$WORK/ordersync.db PG_DB=
use() {
	ENGINE=$1
	. "$TOP/tests/integration/db_engine.sh"
	if [ "$1" = pg ]; then DB=$PG_DB; else DB=$SQLITE_DB; fi
}

# ---- the suite's database ----
ENGINE=pg DB= PG_TEST_DB=
. "$TOP/tests/integration/db_engine.sh"
db_create || { nok "db_create"; exit 1; }
PG_DB=$DB
[[ $DB == "postgresql:///ordersync_t_test_harness_pg_"*"?host=$PGHOST&port=$PGPORT&user=$PGUSER" ]] &&
	ok "db_create: DB is the database's URI ($DB)" || nok "db_create: DB is a URI" "$DB"
same "$(_psql -d postgres -c "SELECT datcollate || '|' || datctype || '|' || pg_encoding_to_char(encoding)
    FROM pg_database WHERE datname = '$PG_TEST_DB'")" "C.UTF-8|C.UTF-8|UTF8" \
	"… made with LOCALE 'C.UTF-8', ENCODING UTF8"
same "$(psql -X -q -t -A -d "$DB" -c 'SELECT current_database()')" "$PG_TEST_DB" "psql reaches it through the URI"

# ---- the schema, as the runner (db_pg.c) will apply it ----
mkdir -p "$WORK/m"
awk -v dir="$WORK/m" '
	/^-- @migration [0-9]+[ \t]*$/ { out = dir "/" $3 ".sql"; print $3 > (dir "/list"); next }
	{ print > (out == "" ? dir "/prologue.sql" : out) }
' "$TOP/schema-pg.sql"
{
	echo '\set ON_ERROR_STOP 1'
	while read -r n; do
		cat <<-EOF
		BEGIN;
		SELECT pg_advisory_xact_lock(hashtextextended('ordersync.migrate', 0));
		\\ir prologue.sql
		SELECT version < $n AS due FROM schema_version \\gset
		\\if :due
		\\ir $n.sql
		UPDATE schema_version SET version = $n;
		\\endif
		COMMIT;
		EOF
	done < "$WORK/m/list"
} > "$WORK/m/run.sql"
last=$(tail -n 1 "$WORK/m/list")
if psql -X -q -d "$DB" -f "$WORK/m/run.sql" > "$WORK/m/out" 2>&1; then
	ok "schema-pg.sql's migrations 1..$last applied to the suite's database"
else
	nok "schema-pg.sql's migrations applied" "$(tail -n 5 "$WORK/m/out")"
fi
same "$(sql 'SELECT version FROM schema_version')" "$last" "sql reads schema_version: $last"
"$CTL_BIN" --db "$SQLITE_DB" init > "$WORK/init.log" 2>&1 || nok "ordersyncctl init (SQLite)" "$(cat "$WORK/init.log")"

# ---- the same statements on both engines ----
# both DESCRIPTION [SQL]: SQL (the argument, else stdin) is a template: its
# $VAR and $(sql_…) are expanded for each engine in turn, then run with
# `sql` (an argument as an argument, stdin as stdin). Passes when stdout and
# success or failure are the same on both.
both() {
	local what=$1 tpl e q
	if [ $# -gt 1 ]; then tpl=$2; else tpl=$(cat); fi
	for e in sqlite pg; do
		use $e
		eval "q=\$(cat <<__SQL__
$tpl
__SQL__
)"
		if [ $# -gt 1 ]; then
			sql "$q" > "$WORK/out.$e" 2> "$WORK/err.$e"
		else
			printf '%s\n' "$q" | sql > "$WORK/out.$e" 2> "$WORK/err.$e"
		fi
		# sqlite3 exits 1 or 19 on an error, psql 3: the suites test
		# success or failure only.
		[ $? = 0 ] && echo "rc=0" >> "$WORK/out.$e" || echo "rc=failed" >> "$WORK/out.$e"
	done
	if cmp -s "$WORK/out.sqlite" "$WORK/out.pg"; then
		ok "$what: $(head -n 3 "$WORK/out.pg" | tr '\n' '~' | cut -c1-80)"
	else
		nok "$what" "sqlite: $(tr '\n' '~' < "$WORK/out.sqlite" | cut -c1-200) $(head -c 200 "$WORK/err.sqlite")
       pg:     $(tr '\n' '~' < "$WORK/out.pg" | cut -c1-200) $(head -c 200 "$WORK/err.pg")"
	fi
}

both "the default store" 'SELECT id, slug, name FROM stores ORDER BY id'
both "an insert through the helper prints nothing" \
    "INSERT INTO stores (slug, name, currency, phone) VALUES ('b', 'Boulangerie Bé', NULL, '')"
both "NULLs print as nothing, '' too" \
    "SELECT slug, currency, phone, coalesce(currency, 'NULL'), name FROM stores WHERE slug = 'b'"
both "several rows, one a line, in order" <<'EOF'
INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES
    (1, 'A-1', 'Thé « vert »', 1250, 3), (1, 'A-2', 'pipe | in a name', 99, 0), (2, 'B-1', 'Pain', 350, 20);
SELECT id, store_id, sku, name, price_cents, stock, active FROM products ORDER BY id;
EOF
both "a script prints each statement's rows; no final semicolon needed" <<'EOF'
SELECT count(*) FROM products;
UPDATE products SET stock = stock + 1 WHERE sku = 'A-2';
SELECT sku, stock FROM products WHERE stock > 1 ORDER BY sku;
SELECT sum(price_cents), CAST(sum(price_cents) AS INTEGER) / 100, max(id) - min(id) + 1 FROM products
EOF
# A known difference the suites must mind: sum() of an integer column is
# numeric on PostgreSQL, so dividing it is not an integer division.
use pg
same "$(sql "SELECT sum(price_cents) / 100 FROM products")" 16.9900000000000000 \
	"PostgreSQL: sum(bigint) / 100 is numeric (the suites CAST a sum before dividing)"
both "an argument with several statements prints each one's rows" \
    "SELECT count(*) FROM stores; SELECT count(*) FROM products"
both "an aggregate over no rows is NULL (empty), count 0" \
    "SELECT sum(stock), count(*) FROM products WHERE sku = 'none'"
both "concatenation of text and integers" \
    "SELECT sku || '/' || price_cents || '/' || stock FROM products WHERE sku = 'A-1'"
both "a comparison cast to an integer: 1|0|0|(NULL)" \
    "SELECT CAST(stock > 0 AS INTEGER), CAST(stock < 0 AS INTEGER), CAST(NULL IS NOT NULL AS INTEGER), CAST(NULL > 1 AS INTEGER) FROM products WHERE sku = 'A-1'"
both "sql_chr: a value holding CR LF and LF comes out as it is" \
    'UPDATE stores SET address = $(sql_chr 13) || $(sql_chr 10) || '"'line 2'"' || $(sql_chr 10) WHERE slug = '"'b'"'; SELECT address FROM stores WHERE slug = '"'b'"
both "sql_zpad and sql_ymd" \
    'SELECT '"'BULK-'"' || $(sql_zpad 7 3), $(sql_ymd 1773144000), $(sql_ymd "1773144000 + 86400 * 300") || '"'-'"' || $(sql_zpad "2 + 40" 6)'
both "a transaction in one call (\$SQL_BEGIN … COMMIT)" \
    '$SQL_BEGIN; UPDATE products SET stock = 5 WHERE sku = '"'A-1'"'; COMMIT; SELECT stock FROM products WHERE sku = '"'A-1'"
both "WITH RECURSIVE … INSERT, then counted" <<'EOF'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 48)
    INSERT INTO login_attempts (email, addr, at, ok) SELECT 'spray' || i || '@example.com', '127.0.0.3', 1000 - i, 0 FROM n;
SELECT count(*), min(at), max(email) FROM login_attempts;
EOF
both "a bad statement: nothing on stdout, a non-zero exit" "SELECT nope FROM products"
both "a CHECK refuses a row on both" \
    "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'NEG', 'x', -1, 0)"
both "a unique constraint refuses a duplicate on both" "INSERT INTO stores (slug, name) VALUES ('b', 'again')"
use sqlite; s=$(sql "SELECT sku FROM products ORDER BY id" | paste -sd,)
use pg; same "$(sql "SELECT sku FROM products ORDER BY id" | paste -sd,)" "$s" "rows joined by paste, as the suites list: $s"

# Explicit ids: OVERRIDE, then sql_sync_ids; the engine's next id follows them.
both "explicit ids with \$OVERRIDE" <<'EOF'
INSERT INTO stores (id, slug, name) $OVERRIDE VALUES (7, 'nord', 'Nord');
INSERT INTO products (id, store_id, sku, name, price_cents, stock) $OVERRIDE VALUES (700, 7, 'N-1', 'Thé noir', 450, 10);
SELECT id FROM stores WHERE slug = 'nord';
EOF
for e in sqlite pg; do use $e; sql_sync_ids stores products || nok "sql_sync_ids ($e)"; done
both "… after sql_sync_ids the next store is 8, the next product 701" <<'EOF'
INSERT INTO stores (slug, name) VALUES ('after', 'After');
INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (7, 'N-2', 'After', 1, 1);
SELECT max(id) FROM stores;
SELECT max(id) FROM products;
EOF

# JSON: built with sql_json_object, read back with sql_json_text.
both "sql_json_object, then sql_json_text" <<'EOF'
INSERT INTO order_events (store_id, type, payload, created_at)
    VALUES (1, 'alert_test', $(sql_json_object)('order', $(sql_json_object)('number', 'CMD-1', 'created_by_name', 'léa')), 5);
SELECT $(sql_json_text payload order.created_by_name) || '|' || $(sql_json_text payload order.number) FROM order_events;
EOF
same "$(head -n 1 "$WORK/out.pg")" "léa|CMD-1" "… the values written"

# Blobs: sql_hex (a literal blob is spelled per engine: X'…' / '\x…').
M=$(printf 'a%.0s' $(seq 64))
use sqlite; BLOB="X'00FF10'"
both "sql_hex: a blob's bytes as upper-case hex" <<'EOF'
INSERT INTO media (id, width, height, bytes, created_at)
    VALUES ('$M', 1, 1, $( [ "$ENGINE" = pg ] && echo "'\\x00ff10'" || echo "X'00FF10'" ), 1);
SELECT $(sql_hex bytes) FROM media WHERE id = '$M';
EOF

# db_intact.
use sqlite; same "$(db_intact)" ok "db_intact on SQLite: ok"
use pg; same "$(db_intact)" ok "db_intact on PostgreSQL (amcheck over every B-tree index): ok"

# ---- serve.sh: the URI reaches the app's environment through lighttpd ----
# A stand-in app (the engine does not exist yet): records ORDERSYNC_DB and
# waits; readiness is a static file, so nothing answers for the app.
cat > "$WORK/fakeapp.sh" <<EOF
#!/bin/sh
printf '%s' "\$ORDERSYNC_DB" > "$WORK/app_db.\$\$"
exec sleep 60
EOF
chmod 0755 "$WORK/fakeapp.sh"
for try in 1 2 3; do	# a port found free can be taken before lighttpd binds it
	port=$(_pg_free_port)
	SRV_PGID=$("$TOP/deploy/lighttpd/serve.sh" --no-db --port "$port" --db "$DB" --dir "$WORK/srv" \
	    --bin "$WORK/fakeapp.sh" --procs 1 --ready /static/css/app.css 2> "$WORK/serve.err") && break
	SRV_PGID=
	grep -q 'Address already in use' "$WORK/serve.err" || break
done
[ -n "$SRV_PGID" ] || nok "serve.sh starts with a URI as --db" "$(cat "$WORK/serve.err")"
if [ -n "$SRV_PGID" ]; then
	grep -qF "var.ordersync_db	= \"$DB\"" "$WORK/srv/lighttpd.conf" &&
		ok "serve.sh writes the URI into lighttpd's config as it is" ||
		nok "the URI in lighttpd.conf" "$(grep ordersync_db "$WORK/srv/lighttpd.conf")"
	for _ in $(seq 50); do ls "$WORK"/app_db.* >/dev/null 2>&1 && break; sleep 0.1; done
	got=$(cat "$WORK"/app_db.* 2>/dev/null | head -c 500)
	same "$got" "$DB" "the app gets ORDERSYNC_DB with its ? and & intact"
	[ -e "$TOP/postgresql:" ] || [ -e "$WORK/srv/postgresql:" ] &&
		nok "serve.sh made a directory named after the URI" || ok "serve.sh made no directory from the URI"
	kill -TERM -- "-$SRV_PGID" 2>/dev/null; sleep 0.2; kill -KILL -- "-$SRV_PGID" 2>/dev/null
	SRV_PGID=
fi

# ---- a lock the app holds: sql waits a bounded time, as sqlite3's .timeout ----
use pg
psql -X -q -d "$DB" -c "BEGIN; SELECT 1 FROM stores WHERE id = 1 FOR UPDATE; SELECT pg_sleep(30); COMMIT" \
    >/dev/null 2>&1 &
HOLDER=$!
for _ in $(seq 100); do
	[ "$(_psql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()")" = 1 ] && break
	sleep 0.1
done
timeout 60 bash -c "$(declare -f sql _psql); ENGINE=pg DB='$DB' PSQL_BIN='$PSQL_BIN'; sql \"UPDATE stores SET name = name WHERE id = 1\"" \
    > "$WORK/lock.out" 2>&1
r=$?
if [ $r != 0 ] && [ $r != 124 ] && grep -q 'lock timeout' "$WORK/lock.out"; then
	ok "a row the app holds: sql gives up with 'lock timeout' (lock_timeout 5 s), not a hang"
else
	nok "sql's wait for a lock is bounded" "rc $r: $(head -c 300 "$WORK/lock.out")"
fi
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null
HOLDER=

# ---- the end: dropped, even while a session holds the database ----
psql -X -q -d "$DB" -c 'SELECT pg_sleep(60)' >/dev/null 2>&1 &
HOLDER=$!
for _ in $(seq 50); do
	[ "$(_psql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PG_TEST_DB'")" -gt 0 ] && break
	sleep 0.1
done
name=$PG_TEST_DB
db_drop
same "$(_psql -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$name'")" 0 \
	"db_drop: the database is gone, a session still connected notwithstanding"
wait "$HOLDER" 2>/dev/null
HOLDER=
echo "$(basename "$0"): $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
