#!/usr/bin/env bash
# test_schema_pg.sh — schema-pg.sql against a real PostgreSQL 15 and against
# the schema SQLite's migrations build.
#
# 1. Cuts schema-pg.sql at its "-- @migration N" lines (as the runner will)
#    and checks it has the same migration numbers as schema.sql.
# 2. Applies it from two psql sessions at once, each running the runner's
#    protocol (schema-pg.sql's header): per migration one transaction that
#    takes the advisory lock, reads schema_version and applies the block only
#    when it is due. A third session holds the lock until both wait on it, so
#    they do race. Each migration must be applied exactly once.
# 3. Builds an SQLite database with the real program (ordersyncctl init) and
#    compares, from sqlite3's pragmas and PostgreSQL's catalog: tables,
#    columns (type class, NOT NULL, default; order-insensitive), primary keys,
#    unique constraints and indexes (columns, unique, partial predicate).
#    Differences outside the commented allow-list fail.
# 4. Runs the same INSERTs on both engines and expects the same accept or
#    reject from each: the CHECKs, NOT NULLs and uniques behave alike.
# Needs `make deps-pg` and cgi/ordersyncctl (make check-pg-schema does both).
# The cluster is stopped by PID at the end, even on failure.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CTL=${CTL_BIN:-$TOP/cgi/ordersyncctl}
. "$TOP/tests/pg/pg.sh"

PASS=0 FAIL=0
ok()  { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }

WORK=$(mktemp -d /tmp/ordersync-pgschema.XXXXXX)
BG_PIDS=
cleanup() {
	local p
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
	pg_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$CTL" ] || { echo "test_schema_pg: no $CTL (make cgi/ordersyncctl)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "test_schema_pg: no sqlite3 (make deps)"; exit 1; }
pg_start "$WORK/pg" || exit 1
# The sessions below run as root's shell too: pg_start exported PG*.
PSQL() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
LOCK_KEY="hashtextextended('ordersync.migrate', 0)"

# ---- 1. the blocks ----
mkdir -p "$WORK/m"
awk -v dir="$WORK/m" '
	/^-- @migration [0-9]+[ \t]*$/ { out = dir "/" $3 ".sql"; print $3 > (dir "/list"); next }
	{ print > (out == "" ? dir "/prologue.sql" : out) }
' "$TOP/schema-pg.sql"
pg_nums=$(tr '\n' ' ' < "$WORK/m/list")
sq_nums=$(sed -n 's/^-- @migration \([0-9]*\).*/\1/p' "$TOP/schema.sql" | tr '\n' ' ')
if [ "$pg_nums" = "$sq_nums" ] && [ -n "$pg_nums" ]; then
	ok "schema-pg.sql has the migrations of schema.sql, in order: $pg_nums"
else
	nok "migration numbers differ" "schema.sql: $sq_nums; schema-pg.sql: $pg_nums"
fi
last=$(tail -n 1 "$WORK/m/list")

# ---- 2. two sessions migrate at once, under the advisory lock ----
for s in a b; do
	{
		echo '\set ON_ERROR_STOP 1'
		while read -r n; do
			cat <<-EOF
			BEGIN;
			SELECT pg_advisory_xact_lock($LOCK_KEY);
			\\ir prologue.sql
			SELECT version < $n AS due FROM schema_version \\gset
			\\if :due
			\\ir $n.sql
			UPDATE schema_version SET version = $n;
			\\echo applied $n
			\\endif
			COMMIT;
			\\echo seen $n
			EOF
		done < "$WORK/m/list"
	} > "$WORK/m/run_$s.sql"
done
# The gate: holds the lock (session-level; it conflicts with the sessions'
# transaction-level one) until the file go exists (bounded: 60 s).
cat > "$WORK/m/gate.sql" <<EOF
SELECT pg_advisory_lock($LOCK_KEY);
\\! for i in \$(seq 1 600); do [ -e '$WORK/go' ] && exit 0; sleep 0.1; done; exit 1
SELECT pg_advisory_unlock($LOCK_KEY);
EOF
# n_locks GRANTED: how many advisory locks on the key are (t) held / (f) awaited.
n_locks() {
	PSQL -Atc "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = '$1'
	    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
}
wait_locks() {	# wait_locks GRANTED N: bounded (30 s)
	local i
	for i in $(seq 1 300); do
		[ "$(n_locks "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
PSQL -f "$WORK/m/gate.sql" >"$WORK/gate.out" 2>&1 &
gate=$!; BG_PIDS="$gate"
if wait_locks t 1; then ok "the gate holds the migration lock"; else nok "the gate did not take the lock"; fi
(cd "$WORK/m" && PSQL -f run_a.sql) >"$WORK/a.out" 2>&1 &
pa=$!
(cd "$WORK/m" && PSQL -f run_b.sql) >"$WORK/b.out" 2>&1 &
pb=$!
BG_PIDS="$gate $pa $pb"
if wait_locks f 2; then
	ok "both sessions wait on the lock before migration 1"
else
	nok "the two sessions are not both waiting on the lock" "waiting: $(n_locks f)"
fi
touch "$WORK/go"
wait "$pa"; ra=$?
wait "$pb"; rb=$?
wait "$gate"; rg=$?
BG_PIDS=
if [ $ra = 0 ] && [ $rb = 0 ] && [ $rg = 0 ]; then
	ok "both sessions ran every migration transaction without an error"
else
	nok "a session failed (a=$ra b=$rb gate=$rg)" "$(cat "$WORK/a.out" "$WORK/b.out" | grep -v '^\(applied\|seen\)' | head -n 15)"
fi
applied=$(cat "$WORK/a.out" "$WORK/b.out" | sed -n 's/^applied //p' | sort -n | tr '\n' ' ')
if [ "$applied" = "$pg_nums" ]; then
	ok "each migration applied exactly once between the two (a: $(grep -c '^applied' "$WORK/a.out"), b: $(grep -c '^applied' "$WORK/b.out"))"
else
	nok "migrations applied: '$applied', want '$pg_nums'"
fi
seen_a=$(grep -c '^seen' "$WORK/a.out"); seen_b=$(grep -c '^seen' "$WORK/b.out")
nmig=$(wc -l < "$WORK/m/list")
if [ "$seen_a" = "$nmig" ] && [ "$seen_b" = "$nmig" ]; then
	ok "both sessions went through all $nmig transactions"
else
	nok "sessions went through a=$seen_a b=$seen_b of $nmig transactions"
fi
v=$(PSQL -Atc 'SELECT version FROM schema_version')
[ "$v" = "$last" ] && ok "schema_version is $last" || nok "schema_version is '$v', want $last"
epochs=$(PSQL -Atc "SELECT count(*) || ':' || min(length(value)) FROM meta WHERE key = 'epoch'")
[ "$epochs" = "1:32" ] && ok "one epoch, 32 hex digits" || nok "epoch rows: $epochs"

# The control: the same race without the advisory lock must go wrong, or the
# checks above prove nothing. On a second database, a gate holds
# schema_version locked while both sessions, lock line removed, reach their
# read of the version (its snapshot is taken before the wait); released,
# both read 0 and both run migration 1: the second fails on what the first
# created.
PSQL -d postgres -c 'CREATE DATABASE nolock' >/dev/null
PSQL -d nolock -f "$WORK/m/prologue.sql" >/dev/null
for s in a b; do
	grep -v 'pg_advisory_xact_lock' "$WORK/m/run_$s.sql" >"$WORK/m/nolock_$s.sql"
done
cat > "$WORK/m/gate2.sql" <<EOF
BEGIN;
LOCK TABLE schema_version IN ACCESS EXCLUSIVE MODE;
\\! for i in \$(seq 1 600); do [ -e '$WORK/go2' ] && exit 0; sleep 0.1; done; exit 1
COMMIT;
EOF
n_waiting_rel() {
	PSQL -d nolock -Atc "SELECT count(*) FROM pg_locks WHERE locktype = 'relation'
	    AND NOT granted AND relation = 'schema_version'::regclass"
}
n_gate2() {
	PSQL -d nolock -Atc "SELECT count(*) FROM pg_locks WHERE locktype = 'relation'
	    AND granted AND mode = 'AccessExclusiveLock' AND relation = 'schema_version'::regclass"
}
PSQL -d nolock -f "$WORK/m/gate2.sql" >"$WORK/gate2.out" 2>&1 &
gate=$!; BG_PIDS="$gate"
for i in $(seq 1 300); do [ "$(n_gate2)" = 1 ] && break; sleep 0.1; done
[ "$(n_gate2)" = 1 ] || nok "control: the gate did not lock schema_version"
(cd "$WORK/m" && PGDATABASE=nolock PSQL -f nolock_a.sql) >"$WORK/na.out" 2>&1 &
pa=$!
(cd "$WORK/m" && PGDATABASE=nolock PSQL -f nolock_b.sql) >"$WORK/nb.out" 2>&1 &
pb=$!
BG_PIDS="$gate $pa $pb"
for i in $(seq 1 300); do [ "$(n_waiting_rel)" = 2 ] && break; sleep 0.1; done
[ "$(n_waiting_rel)" = 2 ] || nok "control: the sessions did not both wait on the gate"
touch "$WORK/go2"
wait "$pa"; ra=$?
wait "$pb"; rb=$?
wait "$gate"
BG_PIDS=
twice=$(cat "$WORK/na.out" "$WORK/nb.out" | grep -c '^applied 1$')
if [ $ra != 0 ] || [ $rb != 0 ] || [ "$twice" -gt 1 ]; then
	ok "control: without the advisory lock the race breaks (a=$ra b=$rb, migration 1 applied ${twice}x)"
else
	nok "control: without the advisory lock both sessions still migrated cleanly"
fi

# ---- 3. the same schema as SQLite's ----
SQDB=$WORK/sqlite.db
out=$("$CTL" --db "$SQDB" init 2>&1)
if [ "$out" = "$SQDB: schema version $last" ]; then
	ok "ordersyncctl init migrated an SQLite database to version $last"
else
	nok "ordersyncctl init: $out"
fi

# One line per fact. Column types are classes: integer (SQLite INTEGER,
# PostgreSQL bigint), text (text, citext, jsonb), blob (BLOB, bytea).
# PostgreSQL makes every primary key column NOT NULL; SQLite does too in
# WITHOUT ROWID tables and for INTEGER PRIMARY KEY (the rowid), though its
# pragma says 0: a key column counts as NOT NULL on both sides.
sqlite3 -batch "$SQDB" >"$WORK/sqlite.desc" <<'EOF' || nok "sqlite3 could not describe the schema"
WITH t AS (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%')
SELECT 'table ' || name FROM t
UNION ALL
SELECT printf('column %s.%s type=%s notnull=%d default=%s', t.name, c.name, lower(c.type),
    c."notnull" OR c.pk > 0, coalesce(c.dflt_value, ''))
    FROM t, pragma_table_info(t.name) c
UNION ALL
SELECT 'pk ' || name || ' cols=' || cols FROM (SELECT t.name, (SELECT group_concat(name, ',')
    FROM (SELECT name FROM pragma_table_info(t.name) WHERE pk > 0 ORDER BY pk)) AS cols FROM t)
    WHERE cols IS NOT NULL
UNION ALL
SELECT 'unique ' || tn || ' cols=' || cols FROM (SELECT t.name AS tn, il.name AS iname,
    (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) AS cols
    FROM t, pragma_index_list(t.name) il WHERE il.origin = 'u')
UNION ALL
SELECT printf('index %s %s cols=%s unique=%d where=%s', t.name, il.name,
    (SELECT group_concat(coalesce(name, '(expr)'), ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)),
    il."unique",
    CASE WHEN il.partial THEN (SELECT substr(sql, instr(sql, ' WHERE ') + 7) FROM sqlite_master
        WHERE type = 'index' AND name = il.name) ELSE '' END)
    FROM t, pragma_index_list(t.name) il WHERE il.origin = 'c';
EOF

pg_describe() {
	PSQL -At <<-'EOF'
	WITH t AS (SELECT c.oid, c.relname FROM pg_class c
	    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p'))
	SELECT 'table ' || relname FROM t
	UNION ALL
	SELECT format('column %s.%s type=%s notnull=%s default=%s', t.relname, a.attname,
	    CASE format_type(a.atttypid, a.atttypmod)
	        WHEN 'bigint' THEN 'integer' WHEN 'text' THEN 'text' WHEN 'citext' THEN 'text'
	        WHEN 'jsonb' THEN 'text' WHEN 'bytea' THEN 'blob'
	        ELSE format_type(a.atttypid, a.atttypmod) END,
	    a.attnotnull::int,
	    CASE WHEN a.attgenerated = 's' THEN 'generated'
	        ELSE coalesce(regexp_replace(pg_get_expr(d.adbin, d.adrelid), '::[a-z]+', '', 'g'), '') END)
	    FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
	    LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
	UNION ALL
	SELECT CASE co.contype WHEN 'p' THEN 'pk ' ELSE 'unique ' END || t.relname || ' cols=' ||
	    (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
	     FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord)
	     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
	    FROM t JOIN pg_constraint co ON co.conrelid = t.oid AND co.contype IN ('p', 'u')
	UNION ALL
	SELECT format('index %s %s cols=%s unique=%s where=%s', t.relname, ic.relname,
	    (SELECT string_agg(CASE WHEN k.attnum = 0 THEN '(expr)' ELSE a.attname END, ',' ORDER BY k.ord)
	     FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
	     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum),
	    i.indisunique::int,
	    coalesce(regexp_replace(pg_get_expr(i.indpred, i.indrelid), '::[a-z]+', '', 'g'), ''))
	    FROM t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid
	    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid);
	EOF
}
pg_describe >"$WORK/pg.desc" || nok "psql could not describe the schema"

# A partial index's predicate, written alike: no parentheses (PostgreSQL
# adds them), single spaces.
normalize() {
	sed -E '/^index /{ s/[()]//g; s/ +/ /g; s/ $//; }' "$1" | sort -u
}

# The differences that are on purpose. Each pattern matches lines of the
# form "sqlite: LINE" (SQLite only) or "pg: LINE" (PostgreSQL only).
ALLOW=(
	# Migration 8's contentless FTS5 tables and their shadow tables are
	# SQLite's search; PostgreSQL's is orders.search_words/phone_digits.
	'^sqlite: (table|column|pk|unique|index) order_(words|phones)(_[a-z]+)?( |\.|$)'
	# ... those two generated columns and their GIN indexes.
	'^pg: column orders\.(search_words|phone_digits) .*default=generated$'
	'^pg: index orders orders_(search_words|phone_digits) '
	# PostgreSQL's PRAGMA user_version: the runner's schema_version table.
	'^pg: (table|column|pk) schema_version( |\.|$)'
)
# compare A B: prints every difference, allowed or not; returns the number
# of differences the allow-list does not cover (at most 255).
compare() {
	local line bad=0 pat allowed
	while IFS= read -r line; do
		allowed=0
		for pat in "${ALLOW[@]}"; do
			if [[ $line =~ $pat ]]; then allowed=1; break; fi
		done
		if [ $allowed = 1 ]; then
			echo "       allowed: $line"
		else
			echo "       DIFF:    $line"
			bad=$((bad + 1))
		fi
	done < <(comm -3 <(normalize "$1") <(normalize "$2") |
	    sed -e 's/^\t/pg: /' -e '/^pg: /!s/^/sqlite: /')
	[ $bad -gt 255 ] && bad=255
	return $bad
}

nt=$(grep -c '^table ' "$WORK/sqlite.desc"); nc=$(grep -c '^column ' "$WORK/sqlite.desc")
ni=$(grep -c '^index ' "$WORK/sqlite.desc")
if [ "$nt" -ge 20 ] && [ "$nc" -ge 150 ] && [ "$ni" -ge 20 ]; then
	ok "SQLite's schema described: $nt tables, $nc columns, $ni indexes"
else
	nok "SQLite's description looks empty: $nt tables, $nc columns, $ni indexes"
fi
compare "$WORK/sqlite.desc" "$WORK/pg.desc" >"$WORK/diff.out"
nbad=$?
cat "$WORK/diff.out"
if [ $nbad = 0 ]; then
	ok "PostgreSQL's schema is SQLite's (tables, columns, keys, uniques, indexes), but for $(grep -c allowed: "$WORK/diff.out") allowed differences"
else
	nok "$nbad differences between the schemas are not in the allow-list (DIFF above)"
fi
# The comparison can fail: a lost NOT NULL and a lost index are caught.
sed -e '/^column products\.sku /s/notnull=1/notnull=0/' -e '/^index orders orders_created /d' \
    "$WORK/pg.desc" >"$WORK/pg.broken"
compare "$WORK/sqlite.desc" "$WORK/pg.broken" >/dev/null
nb=$?
[ $nb = 3 ] && ok "the comparison catches a lost NOT NULL and a lost index (3 differences)" ||
	nok "the comparison found $nb differences in a broken description, want 3"

# ---- 4. the same rows accepted and refused ----
long101=$(printf 'x%.0s' $(seq 1 101))
ORDER="INSERT INTO orders (store_id, number, customer_name, total_cents, currency, access_token, created_at, updated_at)"
ORDER_OK="$ORDER VALUES (1, 'CMD-20260101-ABC123', 'Ann', 0, 'EUR', 't', 0, 0)"
LAST_ORDER="(SELECT max(id) FROM orders)"
PRODUCT="INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'SKU-1', 'Tea', 100, 5)"
PROBES=(
	"accept|$ORDER_OK"
	"reject|$ORDER VALUES (1, 'CMD-2026010-ABC123', 'Ann', 0, 'EUR', 't', 0, 0)"
	"reject|$ORDER VALUES (1, 'CMD-20260101-abc123', 'Ann', 0, 'EUR', 't', 0, 0)"
	"reject|$ORDER VALUES (1, 'CMD-20260101-ABC1234', 'Ann', 0, 'EUR', 't', 0, 0)"
	"reject|$ORDER VALUES (1, 'CMD-20260101-ABC123', '$long101', 0, 'EUR', 't', 0, 0)"
	"reject|$ORDER VALUES (1, 'CMD-20260101-ABC123', 'Ann', 0, 'EURO', 't', 0, 0)"
	"reject|$ORDER_OK; $ORDER VALUES (1, 'CMD-20260101-ABC123', 'Bob', 0, 'EUR', 't', 0, 0)"
	"accept|$ORDER_OK; UPDATE orders SET status = 'ready'"
	"reject|$ORDER_OK; UPDATE orders SET status = 'shipped'"
	"reject|$ORDER_OK; UPDATE orders SET source = 'fax'"
	"reject|$ORDER VALUES (1, 'CMD-20260101-ABC123', NULL, 0, 'EUR', 't', 0, 0)"
	"reject|$ORDER_OK; DELETE FROM order_counts; INSERT INTO order_counts (store_id, status, n) VALUES (1, 'pending', -1)"
	"accept|INSERT INTO stores (slug, name) VALUES ('shop-2', 'Two')"
	"reject|INSERT INTO stores (slug, name) VALUES ('Shop', 'Two')"
	"reject|INSERT INTO stores (slug, name) VALUES ('default', 'Two')"
	"reject|UPDATE stores SET currency = 'eur' WHERE id = 1"
	"accept|UPDATE stores SET currency = 'EUR', escalate_minutes = 1440 WHERE id = 1"
	"reject|UPDATE stores SET escalate_minutes = 1441 WHERE id = 1"
	"reject|UPDATE stores SET fulfilment = 'post' WHERE id = 1"
	"accept|$PRODUCT"
	"reject|$PRODUCT; $PRODUCT"
	"reject|INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES (1, 'S', 'Tea', 100, -1)"
	"reject|$PRODUCT; UPDATE products SET active = 2"
	"reject|$PRODUCT; UPDATE products SET low_stock_at = 1000001"
	"reject|$PRODUCT; UPDATE products SET image = 'nope'"
	"accept|INSERT INTO users (email, password_hash, created_at) VALUES ('a@b.c', 'h', 0)"
	"reject|INSERT INTO users (email, password_hash, created_at) VALUES ('a@b.c', 'h', 0); INSERT INTO users (email, password_hash, created_at) VALUES ('A@B.C', 'h', 0)"
	"reject|INSERT INTO users (email, password_hash, role, created_at) VALUES ('a@b.c', 'h', 'boss', 0)"
	"accept|INSERT INTO users (email, password_hash, role, created_at) VALUES ('a@b.c', 'h', 'seller', 0)"
	"reject|INSERT INTO users (email, password_hash, created_at, disabled) VALUES ('a@b.c', 'h', 0, 2)"
	"accept|$ORDER_OK; INSERT INTO order_events (store_id, order_id, type, payload, created_at) VALUES (1, $LAST_ORDER, 'order_created', '{\"a\": [1, 2]}', 0)"
	"reject|$ORDER_OK; INSERT INTO order_events (store_id, order_id, type, payload, created_at) VALUES (1, $LAST_ORDER, 'order_created', 'not json', 0)"
	"reject|INSERT INTO order_events (store_id, type, created_at) VALUES (1, 'order_created', 0)"
	"accept|INSERT INTO order_events (store_id, type, created_at) VALUES (1, 'alert_test', 0)"
	"reject|INSERT INTO order_events (store_id, type, created_at) VALUES (1, 'stock_low', 0)"
	"accept|$PRODUCT; INSERT INTO order_events (store_id, product_id, type, created_at) VALUES (1, (SELECT max(id) FROM products), 'stock_low', 0)"
	"reject|$ORDER_OK; INSERT INTO order_events (store_id, order_id, type, created_at) VALUES (1, $LAST_ORDER, 'order_shipped', 0)"
	"accept|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, created_at, updated_at) VALUES (1, $LAST_ORDER, 100, 'cash', 0, 0)"
	"reject|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, created_at, updated_at) VALUES (1, $LAST_ORDER, 0, 'cash', 0, 0)"
	"reject|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, created_at, updated_at) VALUES (1, $LAST_ORDER, 100, 'coins', 0, 0)"
	"reject|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, status, created_at, updated_at) VALUES (1, $LAST_ORDER, 100, 'cash', 'completed', 0, 0)"
	"accept|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, status, created_at, updated_at, completed_at) VALUES (1, $LAST_ORDER, 100, 'cash', 'completed', 0, 0, 0)"
	"reject|$ORDER_OK; INSERT INTO payments (store_id, order_id, amount_cents, method, tendered_cents, created_at, updated_at) VALUES (1, $LAST_ORDER, 100, 'cash', 50, 0, 0)"
	"reject|INSERT INTO carts (token, store_id, form_token, created_at, updated_at) VALUES ('c', 1, 'f', 0, 0); $PRODUCT; INSERT INTO cart_items (cart_id, product_id, qty, added_at) VALUES ((SELECT max(id) FROM carts), (SELECT max(id) FROM products), 100, 0)"
	"accept|INSERT INTO carts (token, store_id, form_token, created_at, updated_at) VALUES ('c', 1, 'f', 0, 0); $PRODUCT; INSERT INTO cart_items (cart_id, product_id, qty, added_at) VALUES ((SELECT max(id) FROM carts), (SELECT max(id) FROM products), 99, 0)"
	"reject|INSERT INTO login_attempts (email, addr, at, ok) VALUES ('a', 'b', 0, 2)"
	"reject|INSERT INTO media (id, width, height, bytes, created_at) VALUES ('short', 1, 1, 'x', 0)"
	"reject|INSERT INTO webhooks (store_id, url, secret, events, created_at) VALUES (1, 'http://x', 'short', 'order_created', 0)"
	"reject|INSERT INTO outbox (store_id, kind, target, payload, next_attempt_at, created_at) VALUES (1, 'sms', 't', 'p', 0, 0)"
	"accept|INSERT INTO outbox (store_id, kind, target, payload, next_attempt_at, created_at, template) VALUES (1, 'mail', 't', 'p', 0, 0, 'order_created')"
	"reject|INSERT INTO password_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ('abc', 1, 'invite', 0, 0)"
	"reject|INSERT INTO stock_moves (product_id, delta, stock_after, reason, created_at) VALUES (1, 0, 0, 'r', 0)"
)
# Each probe runs in a transaction that is rolled back: every probe sees the
# freshly migrated databases.
np=0 nsame=0
for probe in "${PROBES[@]}"; do
	want=${probe%%|*}; sql=${probe#*|}
	np=$((np + 1))
	if sqlite3 -batch -bail "$SQDB" "PRAGMA foreign_keys = ON; BEGIN; $sql; ROLLBACK;" >/dev/null 2>&1
	then sq=accept; else sq=reject; fi
	if PSQL -c "BEGIN; $sql; ROLLBACK;" >/dev/null 2>&1; then pq=accept; else pq=reject; fi
	if [ "$sq" = "$want" ] && [ "$pq" = "$want" ]; then
		nsame=$((nsame + 1))
	else
		nok "probe $np: want $want, SQLite: $sq, PostgreSQL: $pq" "$sql"
	fi
done
[ $nsame = $np ] && ok "all $np probes (CHECK, NOT NULL, UNIQUE, FK) answer alike on both engines"

# ---- the triggers of order_counts count alike ----
COUNTS="$ORDER_OK; $ORDER VALUES (1, 'CMD-20260101-ABC124', 'Bob', 0, 'EUR', 't', 0, 0);
    UPDATE orders SET status = 'processing' WHERE number = 'CMD-20260101-ABC123';
    UPDATE orders SET status = 'processing' WHERE number = 'CMD-20260101-ABC123';
    UPDATE orders SET customer_name = 'Bobby' WHERE number = 'CMD-20260101-ABC124';
    INSERT INTO stores (slug) VALUES ('two');
    UPDATE orders SET store_id = (SELECT max(id) FROM stores) WHERE number = 'CMD-20260101-ABC124';
    $ORDER VALUES (1, 'CMD-20260101-ABC125', 'Cy', 0, 'EUR', 't', 0, 0);
    DELETE FROM orders WHERE number = 'CMD-20260101-ABC125';
    SELECT s.slug || ':' || c.status || ':' || c.n FROM order_counts c JOIN stores s ON s.id = c.store_id
    ORDER BY s.slug, c.status"
sq=$(sqlite3 -batch -bail "$SQDB" "BEGIN; $COUNTS; ROLLBACK;" 2>&1 | tr '\n' ' ')
pq=$(PSQL -At -c "BEGIN; $COUNTS; ROLLBACK;" 2>&1 | tr '\n' ' ')
if [ "$sq" = "$pq" ] && [ "$sq" = "default:pending:0 default:processing:1 two:pending:1 " ]; then
	ok "order_counts' triggers count inserts, status and store changes, deletes alike"
else
	nok "order_counts differ" "SQLite: $sq; PostgreSQL: $pq"
fi

# ---- the search columns do what the FTS5 tables do ----
got=$(PSQL -At <<-'EOF'
	BEGIN;
	INSERT INTO orders (store_id, number, customer_name, email, phone, total_cents, currency,
	    access_token, created_at, updated_at)
	    VALUES (1, 'CMD-20260101-AAAAAA', 'Élodie Dupré', 'elodie.d@example.com', '+33 (6) 12-34-56', 0, 'EUR', 't', 0, 0),
	           (1, 'CMD-20260101-BBBBBB', 'Bob', 'bob@example.com', '', 0, 'EUR', 't', 0, 0);
	SELECT string_agg(number, ',' ORDER BY number) FROM orders
	    WHERE search_words @@ to_tsquery('simple', search_fold('ELOD') || ':*');
	SELECT string_agg(number, ',' ORDER BY number) FROM orders
	    WHERE search_words @@ to_tsquery('simple', 'example:*');
	SELECT string_agg(number, ',' ORDER BY number) FROM orders WHERE phone_digits LIKE '%2345%';
	SELECT count(*) FROM orders WHERE phone_digits LIKE '%9999%';
	ROLLBACK;
	EOF
)
want=$(printf '%s\n' CMD-20260101-AAAAAA CMD-20260101-AAAAAA,CMD-20260101-BBBBBB CMD-20260101-AAAAAA 0)
[ "$got" = "$want" ] && ok "search: a folded name prefix, an email word, phone digits across spacing" ||
	nok "search answers differ" "$(echo "$got" | tr '\n' ' ')"
plan=$(PSQL -At -c 'SET enable_seqscan = off' \
    -c "EXPLAIN SELECT id FROM orders WHERE search_words @@ to_tsquery('simple', 'elo:*')" \
    -c "EXPLAIN SELECT id FROM orders WHERE phone_digits LIKE '%1234%' AND phone_digits <> ''")
if grep -q 'orders_search_words' <<<"$plan" && grep -q 'orders_phone_digits' <<<"$plan"; then
	ok "both searches can use their GIN index"
else
	nok "a search does not use its index" "$(echo "$plan" | tr '\n' ' ')"
fi

echo "test_schema_pg: $PASS passed, $FAIL failed"
[ $FAIL = 0 ]
