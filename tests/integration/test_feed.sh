#!/bin/bash
# test_feed.sh — the admin change feed (GET /admin/api/since) and stats through a real lighttpd.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/admin.jar
STAFF=$WORK/staff.jar

# field NAME: a top-level string or number of the JSON body (no Node needed).
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$BODY" | head -n 1; }

# place NAME SKU QTY: an order through the customer API; sets NUMBER.
N=0
place() {
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: feed-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"$1\",\"email\":\"c$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$2\",\"qty\":$3}],\"notes\":\"\"}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY")
}

# ---- without a session ----
req GET /admin/api/since
expect_status 401 "feed without a session is 401"
expect_header '^content-type: application/json' "401 is JSON"
expect_body_has '"error":"unauthorized"' "401 names the error"

admin_login "$JAR" admin@example.com "$ORDERSYNC_ADMIN_PASSWORD"
expect_status 303 "admin signs in"

# ---- no cursor: the head, no events ----
req GET /admin/api/since -b "$JAR"
expect_status 200 "feed answers a signed-in admin"
expect_header '^cache-control: no-store' "feed is Cache-Control: no-store"
expect_header '^etag: "[0-9a-f]+-all-0"' "ETag names the epoch, the scope and the head"
expect_json \
    'b.cursor' 0 "no cursor: the head (0 on a new database)" \
    'b.events.length' 0 "no cursor: no events" \
    'b.more' false "no cursor: more is false" \
    'b.poll_ms' 5000 "poll_ms is in the answer"
EPOCH=$(field epoch)
[ "${#EPOCH}" = 32 ] && ok "epoch is the database's random id" || nok "epoch is the database's random id" "$EPOCH"

# ---- one order through the customer flow ----
place "Zoé Martin" COF-ESP-250 2
expect_status 201 "POST /api/orders creates an order"
FIRST=$NUMBER
req GET "/admin/api/since?cursor=0&epoch=$EPOCH" -b "$JAR"
expect_status 200 "feed after one order"
expect_json \
    'b.events.length' 1 "exactly one event" \
    'b.events[0].type' order_created "it is order_created" \
    'b.events[0].id' 1 "its id is 1" \
    'b.cursor' 1 "the cursor is the last event returned" \
    'b.events[0].order.number' "$FIRST" "the event names the order" \
    'b.events[0].order.status' pending "with its status" \
    'b.events[0].order.total_cents' 2580 "with its total in cents" \
    'b.events[0].order.currency' EUR "with its currency" \
    'b.events[0].order.customer_name' "Zoé Martin" "with the customer's name" \
    'b.events[0].order.items_count' 2 "with items_count = total quantity" \
    '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(b.events[0].order.created_at) && /Z$/.test(b.events[0].at)' true "times are RFC 3339 UTC" \
    '"from" in b.events[0]' false "order_created has no from/to"
TAG=$(etag_of)

# ---- a cursor ahead of the head resets, whatever its length ----
for c in 2 1000000000000000000 9223372036854775808 99999999999999999999999999999999999999; do
	req GET "/admin/api/since?cursor=$c&epoch=$EPOCH" -b "$JAR"
	expect_status 200 "cursor $c (${#c} digits), ahead of the head: 200"
	expect_json 'b.reset' true "... reset (${#c} digits)" 'b.cursor' 1 "... to the head (${#c} digits)"
done
req GET "/admin/api/since?cursor=00000000000000000000000000001&epoch=$EPOCH" -b "$JAR"
expect_json 'b.reset' undefined "a long cursor of leading zeros is the number it spells" \
    'b.cursor' 1 "... at the head"
LONG_EPOCH=$(printf '%s' "$EPOCH$EPOCH$EPOCH")
req GET "/admin/api/since?cursor=1&epoch=$LONG_EPOCH" -b "$JAR"
expect_status 200 "a 96-character epoch is another database's: 200"
expect_json 'b.reset' true "... reset" 'b.epoch' "$EPOCH" "... with ours"
for c in -1 +1 '' 1a ' 1' 0x1 1.0; do
	req GET /admin/api/since -G --data-urlencode "cursor=$c" -b "$JAR"
	expect_status 400 "cursor '$c' is 400"
done
for e in '' ABC xyz -1; do
	req GET /admin/api/since -G --data-urlencode "cursor=1" --data-urlencode "epoch=$e" -b "$JAR"
	expect_status 400 "epoch '$e' is 400"
done

# ---- nothing new: 304 ----
rm -f "$WORK/body"
req GET "/admin/api/since?cursor=1&epoch=$EPOCH" -b "$JAR" -H "If-None-Match: $TAG"
expect_status 304 "the same head with its ETag is 304"
[ ! -s "$BODY" ] && ok "304 has an empty body" || nok "304 has an empty body" "$(head -c 100 "$BODY")"
expect_header '^cache-control: no-store' "304 is no-store too"
req GET "/admin/api/since?cursor=1&epoch=$EPOCH" -b "$JAR"
expect_status 200 "at the head without If-None-Match: 200"
expect_json 'b.events.length' 0 "... with no events"
req GET "/admin/api/since?cursor=0&epoch=$EPOCH" -b "$JAR" -H "If-None-Match: $TAG"
expect_status 200 "behind the head, the head's ETag still gets the events"
expect_json 'b.events.length' 1 "... all of them"

# ---- 150 orders: 100, more, then 50 ----
sql "UPDATE products SET stock = 1000"
for i in $(seq 1 150); do
	place "Client $i" TEA-EGR-100 1
	[ "$STATUS" = 201 ] || { nok "order $i of 150 created" "status $STATUS"; break; }
done
[ "$STATUS" = 201 ] && ok "150 more orders placed"
req GET "/admin/api/since?cursor=1&epoch=$EPOCH" -b "$JAR"
expect_json \
    'b.events.length' 100 "first page: 100 events" \
    'b.more' true "first page: more is true" \
    'b.events.every((e, i) => e.id === i + 2)' true "oldest first, no gap" \
    'b.cursor' 101 "cursor after the first page"
req GET "/admin/api/since?cursor=101&epoch=$EPOCH" -b "$JAR"
expect_json \
    'b.events.length' 50 "second page: the other 50" \
    'b.more' false "second page: more is false" \
    'b.cursor' 151 "cursor at the head" \
    'new Set(b.events.map((e) => e.order.number)).size' 50 "each order once"
HEAD=151

# ---- resets and bad input ----
req GET "/admin/api/since?cursor=5&epoch=0123456789abcdef0123456789abcdef" -b "$JAR"
expect_status 200 "foreign epoch answers 200"
expect_json \
    'b.reset' true "foreign epoch: reset" \
    'b.cursor' $HEAD "reset gives the head" \
    'b.epoch' "$EPOCH" "reset gives our epoch"
req GET "/admin/api/since?cursor=$((HEAD + 10))&epoch=$EPOCH" -b "$JAR"
expect_json \
    'b.reset' true "a cursor ahead of the head: reset" \
    'b.cursor' $HEAD "... to the head"
req GET "/admin/api/since?cursor=99999999999999999999&epoch=$EPOCH" -b "$JAR"
expect_json 'b.reset' true "a 20-digit cursor is ahead of the head: reset" \
    'b.cursor' $HEAD "... to the head"
for bad in abc -1 1.5 1e3 '' '%2B5' 0x10; do
	req GET "/admin/api/since?cursor=$bad" -b "$JAR"
	expect_status 400 "garbage cursor '$bad' is 400"
done
expect_body_has '"error":"bad_cursor"' "400 names the error"
req GET "/admin/api/since?cursor=1&epoch=NOT-HEX" -b "$JAR"
expect_status 400 "malformed epoch is 400"

# ---- status changes on the feed ----
req GET /admin/orders -b "$JAR"
CSRF=$(sed -n 's/.*data-csrf="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1)
[ ${#CSRF} = 64 ] && ok "the page carries the CSRF token" || nok "the page carries the CSRF token"
req POST "/admin/orders/$FIRST/status" -b "$JAR" --data "status=processing&csrf=$CSRF"
expect_status 303 "status change redirects"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH" -b "$JAR"
expect_json \
    'b.events.length' 1 "the change is one event" \
    'b.events[0].type' order_updated "order_updated" \
    'b.events[0].from + ">" + b.events[0].to' "pending>processing" "with from and to" \
    'b.events[0].order.status' processing "the snapshot has the new status"
HEAD=$(field cursor)

STOCK=$(sql "SELECT stock FROM products WHERE sku = 'COF-ESP-250'")
req POST "/admin/orders/$FIRST/status" -b "$JAR" --data "status=cancelled&csrf=$CSRF"
expect_status 303 "cancel redirects"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH" -b "$JAR"
expect_json \
    'b.events[0].type' order_cancelled "cancelling is order_cancelled" \
    'b.events[0].from + ">" + b.events[0].to' "processing>cancelled" "with from and to"
AFTER=$(sql "SELECT stock FROM products WHERE sku = 'COF-ESP-250'")
[ "$AFTER" = $((STOCK + 2)) ] && ok "cancelling restores the stock" || nok "cancelling restores the stock" "$STOCK -> $AFTER"
HEAD=$(field cursor)
req POST "/admin/orders/$FIRST/status" -b "$JAR" --data "status=completed&csrf=$CSRF"
expect_status 409 "cancelled -> completed is 409"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH" -b "$JAR"
expect_json 'b.events.length' 0 "a refused change writes no event"

# ---- store scoping ----
"$CTL_BIN" --db "$DB" store add lyon "Lyon" >/dev/null && ok "store added" || nok "store added"
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store lyon >/dev/null \
    && ok "staff user added" || nok "staff user added"
for n in LYON01 LYON02; do
	now=$(date +%s) jo=$(sql_json_object)
	iso=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
	sql "INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, currency,
	      items_count, access_token, created_at, updated_at)
	    SELECT id, 'CMD-20261121-$n', 'pending', 'Client $n', 'l@example.com', 1234, 'EUR', 1, 't',
	      $now, $now FROM stores WHERE slug = 'lyon';
	    INSERT INTO order_events (store_id, order_id, type, payload, created_at)
	    SELECT store_id, id, 'order_created', $jo('order', $jo('number', number,
	      'status', status, 'total_cents', total_cents, 'currency', currency, 'customer_name',
	      customer_name, 'items_count', items_count, 'created_at',
	      '$iso')), created_at
	    FROM orders WHERE number = 'CMD-20261121-$n';"
done
place "After Lyon" MUG-STO-350 1
admin_login "$STAFF" staff@example.com staff-password-1
expect_status 303 "staff signs in"
req GET /admin/api/since -b "$STAFF"
expect_json 'b.cursor' $((HEAD + 2)) "the staff's head is their store's last event"
expect_header '^etag: "[0-9a-f]+-s2-' "the staff's ETag names their store"
req GET "/admin/api/since?cursor=0&epoch=$EPOCH" -b "$STAFF"
expect_json \
    'b.events.length' 2 "staff see their store's two events only" \
    'b.events.every((e) => e.order.number.includes("LYON"))' true "never another store's event"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH" -b "$JAR"
expect_json 'b.events.length' 3 "the all-stores admin sees both stores"
req GET "/admin/orders/$FIRST" -b "$STAFF"
expect_status 404 "staff get 404 for another store's order"
req POST "/admin/orders/$NUMBER/status" -b "$STAFF" --data "status=processing&csrf=$CSRF"
expect_status 403 "another session's CSRF token is refused"
req GET /admin/orders -b "$STAFF"
SCSRF=$(sed -n 's/.*data-csrf="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1)
expect_body_lacks "$NUMBER" "the staff's list lacks the other store's orders"
expect_body_has "CMD-20261121-LYON02" "the staff's list has their orders"
req POST "/admin/orders/$NUMBER/status" -b "$STAFF" --data "status=processing&csrf=$SCSRF"
expect_status 404 "staff cannot change another store's order"
req POST "/admin/orders/CMD-20261121-LYON01/status" -b "$STAFF" --data "status=processing&csrf=$SCSRF"
expect_status 303 "staff change their store's order"

# ---- stats ----
req GET /admin/api/stats -b "$JAR"
expect_status 200 "stats answer"
expect_header '^cache-control: no-store' "stats are no-store"
expect_json \
    'b.today.orders' 154 "orders today (both stores)" \
    'b.orders_per_hour.length' 24 "24 hourly buckets" \
    'b.orders_per_hour.reduce((s, h) => s + h.count, 0)' 154 "the buckets hold today's orders" \
    'b.admins_polling >= 1' true "the polling admin is counted" \
    'typeof b.polls_per_minute' number "polls per minute" \
    'b.today.revenue_cents' 0 "no payment taken: no revenue (v2: the takings), whatever the orders' totals" \
    'b.left_to_collect_cents' "$(sql "SELECT sum(total_cents - paid_cents) FROM orders WHERE status IN ('pending', 'processing', 'ready')")" "left to collect: what the open orders owe"
req GET /admin/api/stats -b "$STAFF"
expect_json 'b.today.orders' 2 "staff stats count their store only"

finish
