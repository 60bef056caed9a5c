#!/usr/bin/env bash
# test_migrate_to.sh — ordersyncctl migrate-to: a shop moved from SQLite to
# PostgreSQL with the real binaries.
#
# 1. Builds an SQLite shop through the app (lighttpd, lib.sh's start_app) and
#    the CLI: stores, staff, orders by /api/orders, status changes, a
#    payment, a photo, a webhook endpoint (with its outbox row), a cart, a
#    set-password link, a session; the newest event is deleted so
#    sqlite_sequence is above max(id) (an id handed out once).
# 2. Starts a throw-away PostgreSQL 15 cluster (tests/pg/pg.sh) and runs
#    migrate-to: counts and max ids of every table equal, order_counts equal,
#    the epoch kept.
# 3. Starts the app on the PostgreSQL URI: the feed read with the same
#    session cookie and cursor answers what SQLite answered, the photo is
#    byte-identical, a new order gets an id above the old ones and its event
#    one above every id SQLite handed out.
# 4. Refusals leave the target as it was: a second run, a target with shop
#    data, a source with a table the copier does not know, and a row the
#    target rejects midway (the transaction rolls back).
# Needs `make deps-pg` and the sanitizer build (make check-pg-migrate).
# Everything started is stopped by PID in the EXIT trap.

set -u
unset ORDERSYNC_TEST_ENGINE	# the source is SQLite, whatever the suite runner says
. "$(dirname "$0")/../integration/lib.sh"
. "$TOP/tests/pg/pg.sh"

PG_APP_PGID=
stop_pg_app() {
	if [ -n "$PG_APP_PGID" ]; then
		kill -TERM -- "-$PG_APP_PGID" 2>/dev/null
		sleep 0.2
		kill -KILL -- "-$PG_APP_PGID" 2>/dev/null
		PG_APP_PGID=
	fi
}
stop_all() {
	stop_pg_app
	pg_stop
	cleanup
}
trap stop_all EXIT
trap 'exit 1' INT TERM

command -v sqlite3 >/dev/null || { nok "sqlite3 is installed (make deps)"; finish; exit 1; }
[ -x "$PG_BIN/postgres" ] || { nok "PostgreSQL 15 is installed (make deps-pg)"; finish; exit 1; }

J=(-H 'Accept: application/json')
ADM=$WORK/admin.jar
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
N=0
place() {	# place SKU QTY: an order through the customer API; sets NUMBER
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: mv-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"Élodie Move $N\",\"email\":\"elo$N@example.com\",\"phone\":\"06 12 34 56 7$N\"},\"items\":[{\"sku\":\"$1\",\"qty\":$2}],\"notes\":\"box $N\"}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY" | head -n 1)
}
# canon FILE: the JSON in FILE with its keys sorted (the comparison does not depend on key order).
canon() { node -e '
const s = (v) => Array.isArray(v) ? v.map(s) : v && typeof v === "object" ?
  Object.fromEntries(Object.keys(v).sort().map((k) => [k, s(v[k])])) : v;
console.log(JSON.stringify(s(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))));' "$1"; }
psq() { pg_psql -At "$@"; }
newdb() { pg_psql -d postgres -c "CREATE DATABASE $1 TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'"; }
uri_of() { echo "postgresql:///$1?host=$PG_DIR&port=$PGPORT&user=$PG_USER"; }

# ---- 1. the SQLite shop ----
export ORDERSYNC_WEBHOOK_ALLOW_PRIVATE=1	# the endpoint below is 127.0.0.1:1 (refused: a retry row)
start_app
"$CTL_BIN" --db "$DB" store add north "North shop" >/dev/null || nok "ctl store add"
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff \
    --store north >/dev/null || nok "ctl user add"
"$CTL_BIN" --db "$DB" product add MOVE-BOX "Moving box" 4.50 40 --store north >/dev/null ||
	nok "ctl product add"
"$CTL_BIN" --db "$DB" user reset staff@example.com >/dev/null || nok "ctl user reset"
signin "$ADM" admin@example.com "$ORDERSYNC_ADMIN_PASSWORD"
SKU=MUG-STO-350
for i in 1 2 3 4; do
	place "$SKU" "$i"
	expect_status 201 "order $i placed on SQLite"
	NUMS[$i]=$NUMBER
done
post "$ADM" "/admin/orders/${NUMS[1]}/status" "${J[@]}" --data status=processing
expect_status 200 "a status change"
post "$ADM" "/admin/orders/${NUMS[2]}/status" "${J[@]}" --data status=cancelled
expect_status 200 "a cancellation"
TOTAL3=$(sql "SELECT total_cents FROM orders WHERE number = '${NUMS[3]}'")
post "$ADM" "/admin/orders/${NUMS[3]}/payments" "${J[@]}" --data "amount=$((TOTAL3 / 100))" \
    --data method=cash --data complete=1
expect_status 201 "a cash payment"
post "$ADM" /admin/notifications/webhooks "${J[@]}" --data-urlencode "url=http://127.0.0.1:1/hook" \
    --data-urlencode "events=order_created"
expect_status 201 "a webhook endpoint"
place "$SKU" 1
expect_status 201 "an order the webhook announces"
req POST /cart/items -c "$WORK/cart.jar" -b "$WORK/cart.jar" --data "product_id=$(sql \
    "SELECT id FROM products WHERE sku = '$SKU'")&qty=2"
same "$(sql 'SELECT count(*) FROM cart_items')" 1 "a cart with an item"

# A photo, as test_photos.sh uploads it.
mkdir -p "$WORK/photos"
cc -std=c11 -O1 -o "$WORK/mkphotos" "$TOP/tests/integration/mkphotos.c" \
    $(pkg-config --cflags --libs vips) && "$WORK/mkphotos" "$WORK/photos" >/dev/null ||
	nok "the test photo is made"
PID_=$(sql "SELECT id FROM products WHERE sku = '$SKU'")
req GET "/admin/products/$PID_" -b "$ADM"
req POST "/admin/products/$PID_" -b "$ADM" -F "csrf=$(csrf_page)" -F "sku=$SKU" \
    -F "name=$(sql "SELECT name FROM products WHERE id = $PID_")" \
    -F "price=$(sql "SELECT price_cents / 100 || '.' || substr('0' || (price_cents % 100), -2) FROM products WHERE id = $PID_")" \
    -F "stock=$(sql "SELECT stock FROM products WHERE id = $PID_")" \
    -F "stock_was=$(sql "SELECT stock FROM products WHERE id = $PID_")" \
    -F 'active=1' -F 'low_stock_at=3' -F "photo=@$WORK/photos/photo.jpg;type=image/jpeg"
expect_status 303 "a photo uploaded"
IMG=$(sql "SELECT coalesce(image, '') FROM products WHERE id = $PID_")
[ ${#IMG} = 64 ] && ok "the product has its photo" || nok "the product has its photo" "image='$IMG'"
curl -s -o "$WORK/photo.sqlite" "$BASE_URL/media/$IMG"

# The newest event deleted: sqlite_sequence stays above max(id).
SEQ=$(sql "SELECT seq FROM sqlite_sequence WHERE name = 'order_events'")
sql "DELETE FROM order_events WHERE id = $SEQ"
MAXEV=$(sql "SELECT max(id) FROM order_events")
[ "$MAXEV" -lt "$SEQ" ] && ok "an event id handed out and gone ($SEQ > max $MAXEV)" ||
	nok "an event id handed out and gone" "seq $SEQ, max $MAXEV"

# What an open admin page holding cursor MID asks next, on SQLite.
MID=$(sql "SELECT id FROM order_events ORDER BY id LIMIT 1 OFFSET 2")
EPOCH=$(sql "SELECT value FROM meta WHERE key = 'epoch'")
req GET "/admin/api/since?cursor=$MID&epoch=$EPOCH" -b "$ADM"
expect_status 200 "the feed on SQLite"
canon "$BODY" > "$WORK/feed.sqlite"
grep -q '"events":\[{' "$WORK/feed.sqlite" && ok "the feed on SQLite has events after $MID" ||
	nok "the feed on SQLite has events" "$(head -c 300 "$WORK/feed.sqlite")"

TABLES="meta stores users sessions login_attempts password_tokens media products stock_moves
	carts cart_items orders order_items payments webhooks order_events outbox"
for t in $TABLES; do
	[ "$(sql "SELECT count(*) FROM $t")" -gt 0 ] || [ "$t" = stock_moves ] ||
		nok "the SQLite shop has rows in $t"
done
# The shop is stopped for the move.
kill -TERM -- "-$SERVER_PGID" 2>/dev/null; sleep 0.2; kill -KILL -- "-$SERVER_PGID" 2>/dev/null
SERVER_PGID=

# ---- 2. the move ----
pg_start "$WORK/pg" >/dev/null || { nok "the PostgreSQL cluster starts"; finish; exit 1; }
URI=$ORDERSYNC_TEST_PG_URI
"$CTL_BIN" --db "$DB" migrate-to "$URI" > "$WORK/mv.out" 2> "$WORK/mv.err"
rc=$?
same "$rc" 0 "migrate-to exits 0"
[ "$rc" = 0 ] || cat "$WORK/mv.err"
grep -q "^order_events .*max id $MAXEV, next id $((SEQ + 1))" "$WORK/mv.out" &&
	ok "the summary names order_events' max id and next id (past sqlite_sequence)" ||
	nok "the summary line of order_events" "$(cat "$WORK/mv.out")"
grep -q "^order_counts .*rebuilt by the target's triggers" "$WORK/mv.out" &&
	ok "order_counts is rebuilt, not copied" || nok "order_counts line" "$(cat "$WORK/mv.out")"
for t in $TABLES; do
	same "$(psq -c "SELECT count(*) FROM $t")" "$(sql "SELECT count(*) FROM $t")" "$t: same count"
done
for t in orders order_events payments; do
	same "$(psq -c "SELECT max(id) FROM $t")" "$(sql "SELECT max(id) FROM $t")" "$t: same max(id)"
done
same "$(psq -c "SELECT value FROM meta WHERE key = 'epoch'")" "$EPOCH" "the epoch is kept"
same "$(psq -c "SELECT string_agg(store_id || ':' || status || ':' || n, ',' ORDER BY store_id, status) FROM order_counts WHERE n > 0")" \
    "$(sql "SELECT group_concat(x, ',') FROM (SELECT store_id || ':' || status || ':' || n AS x FROM order_counts WHERE n > 0 ORDER BY store_id, status)")" \
    "order_counts made by PostgreSQL's triggers equals SQLite's"
same "$(psq -c "SELECT encode(sha256(bytes), 'hex') FROM media WHERE id = '$IMG'")" "$IMG" \
    "the photo's bytes are intact (their SHA-256 is their id)"
same "$(psq -c "SELECT count(*) FROM order_events WHERE json_typeof(payload::json) = 'object'")" \
    "$(sql "SELECT count(*) FROM order_events")" "every payload is a JSON object in PostgreSQL"
same "$(psq -c "SELECT count(*) > 0 FROM order_events WHERE payload::text LIKE '%${NUMS[1]}%'")" t \
    "... holding what SQLite's held"

# ---- 3. the app on PostgreSQL ----
SQLITE_URL=$BASE_URL
# serve.sh takes a URI as --db since the pgtests branch (eb0298a); an older
# one would make a file named after the URI under the checkout.
if ! grep -q 'postgresql://\*' "$TOP/deploy/lighttpd/serve.sh"; then
	nok "serve.sh takes a PostgreSQL URI as --db (the app on PostgreSQL is not tried)"
else
	PORT2=$(free_port)
	PG_APP_PGID=$("$TOP/deploy/lighttpd/serve.sh" --port "$PORT2" --db "$URI" --dir "$WORK/srvpg" \
	    --bin "$APP_BIN" --ctl "$CTL_BIN") || { PG_APP_PGID=; nok "the app starts on PostgreSQL"; }
	BASE_URL=http://127.0.0.1:$PORT2
	req GET "/admin/api/since?cursor=$MID&epoch=$EPOCH" -b "$ADM"
	expect_status 200 "the feed on PostgreSQL, same session cookie"
	canon "$BODY" > "$WORK/feed.pg"
	if cmp -s "$WORK/feed.sqlite" "$WORK/feed.pg"; then
		ok "the feed after cursor $MID is the same on PostgreSQL"
	else
		nok "the feed after cursor $MID is the same on PostgreSQL" \
		    "sqlite: $(head -c 400 "$WORK/feed.sqlite") pg: $(head -c 400 "$WORK/feed.pg")"
	fi
	curl -s -o "$WORK/photo.pg" "$BASE_URL/media/$IMG"
	[ -s "$WORK/photo.pg" ] && cmp -s "$WORK/photo.sqlite" "$WORK/photo.pg" &&
		ok "the photo served from /media/ is byte-identical" ||
		nok "the photo served from /media/ is byte-identical"
	OLDMAX=$(sql "SELECT max(id) FROM orders")
	place "$SKU" 1
	expect_status 201 "a new order on PostgreSQL"
	NEWID=$(psq -c "SELECT id FROM orders WHERE number = '$NUMBER'")
	[ -n "$NEWID" ] && [ "$NEWID" -gt "$OLDMAX" ] && ok "its id $NEWID is above the old ones ($OLDMAX)" ||
		nok "the new order's id is above the old ones" "id '$NEWID', old max $OLDMAX"
	NEWEV=$(psq -c "SELECT min(id) FROM order_events WHERE order_id = ${NEWID:-0}")
	[ -n "$NEWEV" ] && [ "$NEWEV" -gt "$SEQ" ] &&
		ok "its event id $NEWEV is above every id SQLite handed out ($SEQ)" ||
		nok "the new event's id is above sqlite_sequence" "id '$NEWEV', seq $SEQ"
	stop_pg_app
fi
BASE_URL=$SQLITE_URL

# ---- 4. refusals ----
BEFORE=$(psq -c "SELECT count(*) FROM orders")
"$CTL_BIN" --db "$DB" migrate-to "$URI" > /dev/null 2> "$WORK/err"
same "$?" 1 "a second run exits 1"
grep -q "already holds shop data" "$WORK/err" && ok "... saying the target holds shop data" ||
	nok "a second run names why" "$(cat "$WORK/err")"
same "$(psq -c "SELECT count(*) FROM orders")" "$BEFORE" "... and changes nothing"

newdb busy
printf 'someone-else-1\n' | "$CTL_BIN" --db "$(uri_of busy)" user add boss@example.com >/dev/null
"$CTL_BIN" --db "$DB" migrate-to "$(uri_of busy)" > /dev/null 2> "$WORK/err"
same "$?" 1 "a target with a user of its own is refused"
grep -q "already holds shop data (users 1)" "$WORK/err" && ok "... naming what it holds" ||
	nok "the refusal names what the target holds" "$(cat "$WORK/err")"
same "$(psq -d busy -c "SELECT count(*) || '/' || (SELECT count(*) FROM orders) FROM users")" "1/0" \
    "... which keeps its user and gets no orders"

cp "$DB" "$WORK/extra.db"
sqlite3 "$WORK/extra.db" "CREATE TABLE gift_cards (id INTEGER PRIMARY KEY, code TEXT NOT NULL)"
newdb extra
"$CTL_BIN" --db "$WORK/extra.db" migrate-to "$(uri_of extra)" > /dev/null 2> "$WORK/err"
same "$?" 1 "a source with an unknown table is refused"
grep -q "does not know how to copy: gift_cards" "$WORK/err" && ok "... naming the table" ||
	nok "the refusal names the unknown table" "$(cat "$WORK/err")"
same "$(psq -d extra -c "SELECT count(*) FROM users")" 0 "... and the target stays empty"

# A value SQLite kept and PostgreSQL refuses, in a table copied after others.
cp "$DB" "$WORK/bad.db"
sqlite3 "$WORK/bad.db" "UPDATE products SET stock = 'plenty' WHERE sku = 'MOVE-BOX'"
newdb bad
"$CTL_BIN" --db "$(uri_of bad)" init >/dev/null || nok "a new target migrated by init"
BADEPOCH=$(psq -d bad -c "SELECT value FROM meta WHERE key = 'epoch'")
"$CTL_BIN" --db "$WORK/bad.db" migrate-to "$(uri_of bad)" > /dev/null 2> "$WORK/err"
same "$?" 1 "a row the target rejects midway fails the move"
grep -q "rolled back" "$WORK/err" && ok "... saying the transaction was rolled back" ||
	nok "the failure says it rolled back" "$(cat "$WORK/err")"
same "$(psq -d bad -c "SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM stores) || '/' || (SELECT value FROM meta WHERE key = 'epoch')")" \
    "0/1/$BADEPOCH" "... and the target holds nothing of the source (no users, its own store and epoch)"

finish
