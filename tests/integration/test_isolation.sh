#!/bin/bash
# test_isolation.sh — two stores side by side on one install, through a real
# lighttpd: each store's people (one-store admin, staff, seller) see only their
# store's orders, events, numbers and products everywhere (pages, JSON, feed,
# stats, dashboard, CSV), every-store admins see both, and the role rules hold
# across stores (another store's order, product or user → 404; a forbidden
# action → 403, nothing changed).
#
# Already covered elsewhere, not repeated here: staff forging role=admin on
# themselves, a one-store admin forging role/store in /admin/staff (test_staff.sh
# "a one-store admin …"), a disabled user's cookie on /admin/orders and
# /admin/api/stats (test_staff.sh "disabling ends sessions at once"), a Lyon
# staff member and the default store's orders in the feed (test_feed.sh "store
# scoping"), a one-store admin and another store's product (test_catalog.sh).
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
TODAY=$(date -u +%Y%m%d)

same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
number_of() { sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY" | head -n 1; }
orders_row() { sql "SELECT status || '/' || updated_at FROM orders WHERE number = '$1'"; }
events() { sql "SELECT count(*) FROM order_events"; }

# place_a NAME SKU QTY: an order in the default store through its customer API; sets NUMBER.
N=0
place_a() {
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: iso-a-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"$1\",\"email\":\"a$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$2\",\"qty\":$3}],\"notes\":\"\"}"
	NUMBER=$(number_of)
}
# place_b NAME SKU QTY: an order in store b through its storefront's API
# (/s/b/api/orders); sets NUMBER.
place_b() {
	N=$((N + 1))
	req POST /s/b/api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: iso-b-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"$1\",\"email\":\"b$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$2\",\"qty\":$3}],\"notes\":\"\"}"
	NUMBER=$(number_of)
}
# checkout_b NAME PRODUCT-ID QTY: an order in store b as a browser places it
# at /s/b/ (cart, then the checkout form); sets NUMBER.
checkout_b() {
	local jar=$WORK/cart-b.$N
	N=$((N + 1))
	req POST /s/b/cart/items -c "$jar" -b "$jar" -d "product_id=$2" -d "qty=$3"
	req GET /s/b/cart -c "$jar" -b "$jar" -H 'Accept: application/json'
	req POST /s/b/checkout -c "$jar" -b "$jar" \
	    --data-urlencode "form_token=$(grep -o '"form_token":"[0-9a-f]*"' "$BODY" | cut -d'"' -f4)" \
	    --data-urlencode "name=$1" -d "email=b$N@example.com" -d fulfilment=pickup
	NUMBER=$(location | sed -n 's|^/s/b/orders/\(CMD-[0-9A-Z-]*\)?t=.*|\1|p')
}

# ---- two stores, their products, their people ----
"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null && ok "ctl store add b" || nok "ctl store add b"
SB=$(sql "SELECT id FROM stores WHERE slug = 'b'")
# Store B sells in pounds (its settings page is another branch's: set here).
sql "UPDATE stores SET currency = 'GBP' WHERE slug = 'b'"
printf 'admin-a-password-1\n' | "$CTL_BIN" --db "$DB" user add admin.a@example.com --role admin --store default >/dev/null
printf 'admin-b-password-1\n' | "$CTL_BIN" --db "$DB" user add admin.b@example.com --role admin --store b >/dev/null
printf 'staff-a-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.a@example.com --role staff --store default >/dev/null
printf 'staff-b-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.b@example.com --role staff --store b >/dev/null
printf 'seller-b-password-1\n' | "$CTL_BIN" --db "$DB" user add seller.b@example.com --role seller --store b >/dev/null
same "$(sql "SELECT count(*) FROM users WHERE store_id IS NOT NULL")" 5 "five one-store accounts added through the CLI"

ALL=$WORK/all.jar AA=$WORK/aa.jar AB=$WORK/ab.jar SA=$WORK/sa.jar SBJ=$WORK/sb.jar SEL=$WORK/sel.jar
signin "$ALL" admin@example.com "$PW"
signin "$AA" admin.a@example.com admin-a-password-1
signin "$AB" admin.b@example.com admin-b-password-1
signin "$SA" staff.a@example.com staff-a-password-1
signin "$SBJ" staff.b@example.com staff-b-password-1
signin "$SEL" seller.b@example.com seller-b-password-1
for j in ALL AA AB SA SBJ SEL; do
	f=${!j}
	[[ $(cat "$f.csrf") =~ ^[0-9a-f]{64}$ ]] && ok "$j signed in" || nok "$j signed in"
done

# Store B's catalog, made by its own admin through the back office (the same
# SKU as a default-store product is free in another store).
post "$AB" /admin/products/new -H 'Accept: application/json' --data-urlencode sku=COF-ESP-250 \
    --data-urlencode 'name=Store B espresso' --data-urlencode price=9.00 --data-urlencode stock=30 \
    --data-urlencode low_stock_at=3 --data-urlencode active=1
expect_status 201 "store B's admin adds a product (a SKU the default store also has)"
PB1=$(jget b.product.id)
post "$AB" /admin/products/new -H 'Accept: application/json' --data-urlencode sku=B-TEA-1 \
    --data-urlencode 'name=Store B green tea' --data-urlencode price=4.50 --data-urlencode stock=10 \
    --data-urlencode low_stock_at=3 --data-urlencode active=1
expect_status 201 "… and a second one"
PB2=$(jget b.product.id)
same "$(sql "SELECT store_id FROM products WHERE id IN ($PB1, $PB2) ORDER BY id" | paste -sd,)" "$SB,$SB" "… both in store B"
PA1=$(sql "SELECT id FROM products WHERE store_id = 1 AND sku = 'COF-ESP-250'")
PA2=$(sql "SELECT id FROM products WHERE store_id = 1 AND sku = 'MUG-STO-350'")

# ---- orders in both stores ----
req GET /admin/api/since -b "$ALL"
EPOCH=$(jget b.epoch)
HEAD0=$(jget b.cursor)
place_a "Alice Default" COF-ESP-250 1
expect_status 201 "an order in the default store (/api/orders)"
A1=$NUMBER
place_a "Arthur Default" MUG-STO-350 2
A2=$NUMBER
place_b "Bea Store" COF-ESP-250 2
expect_status 201 "an order in store B through /s/b/api/orders"
B1=$NUMBER
checkout_b "Bruno Store" "$PB2" 1
expect_status 303 "an order in store B through the /s/b/ cart and checkout form"
B2=$NUMBER
[[ $B2 =~ ^CMD- ]] && ok "… to store B's order page" || nok "… to store B's order page" "$(location)"
same "$(sql "SELECT s.slug || ':' || o.total_cents FROM orders o JOIN stores s ON s.id = o.store_id ORDER BY o.id" | paste -sd' ')" \
    "default:1290 default:$(sql "SELECT 2 * price_cents FROM products WHERE id = $PA2") b:1800 b:450" \
    "two orders per store, each priced from its own store's catalog"
same "$(sql "SELECT source FROM orders WHERE store_id = $SB ORDER BY id" | paste -sd,)" "api,web" \
    "store B's orders came from its API and its web checkout"

# ---- /admin/orders, HTML and JSON ----
# check_list JAR WHO SEES... -- LACKS...: the list page and its JSON.
check_list() {
	local jar=$1 who=$2 n
	shift 2
	local see=() lack=() into=see
	for n in "$@"; do
		if [ "$n" = -- ]; then into=lack; continue; fi
		if [ $into = see ]; then see+=("$n"); else lack+=("$n"); fi
	done
	req GET /admin/orders -b "$jar"
	expect_status 200 "$who: /admin/orders"
	for n in "${see[@]}"; do expect_body_has "$n" "$who: the list shows $n"; done
	for n in "${lack[@]}"; do expect_body_lacks "$n" "$who: the list never shows $n"; done
	same "$(sed -n 's/.*data-count-status="">\([0-9]*\)<.*/\1/p' "$BODY" | head -n 1)" "${#see[@]}" \
	    "$who: the All filter counts ${#see[@]} orders"
	req GET /admin/orders -b "$jar" -H 'Accept: application/json'
	expect_json "b.orders.map(o=>o.number).sort().join()" "$(printf '%s\n' "${see[@]}" | LC_ALL=C sort | paste -sd,)" \
	    "$who: the JSON list is exactly their orders" \
	    "b.total" "${#see[@]}" "$who: the JSON total counts them only"
}
check_list "$ALL" "every-store admin" "$A1" "$A2" "$B1" "$B2"
check_list "$AA" "store A's admin" "$A1" "$A2" -- "$B1" "$B2"
check_list "$SA" "store A's staff" "$A1" "$A2" -- "$B1" "$B2"
check_list "$AB" "store B's admin" "$B1" "$B2" -- "$A1" "$A2"
check_list "$SBJ" "store B's staff" "$B1" "$B2" -- "$A1" "$A2"
check_list "$SEL" "store B's seller" "$B1" "$B2" -- "$A1" "$A2"
req GET "/admin/orders?q=Bea" -b "$SA" -H 'Accept: application/json'
expect_json "b.orders.some(o=>[\"$B1\",\"$B2\"].includes(o.number))" false "store A's staff searching for a store B customer: none of store B's"
req GET "/admin/orders?status=pending" -b "$SBJ" -H 'Accept: application/json'
expect_json "b.orders.map(o=>o.number).sort().join()" "$(printf '%s\n' "$B1" "$B2" | LC_ALL=C sort | paste -sd,)" "store B's staff filtering by status: store B's only"
req GET /admin/orders -b "$SBJ"
expect_body_has 'Store B' "the header names store B for its staff"
req GET /admin/orders -b "$ALL"
expect_body_has 'class="store-tag"' "the every-store admin's rows name their store"
expect_body_has 'Store B' "… store B among them"

# ---- an order's page ----
for pair in "SA:$B1" "AA:$B2" "SBJ:$A1" "AB:$A2" "SEL:$A1"; do
	j=${pair%%:*} n=${pair#*:}
	req GET "/admin/orders/$n" -b "${!j}"
	expect_status 404 "$j opening another store's order $n: 404"
	expect_body_lacks "Default" "… its customer is not named"
	req GET "/admin/orders/$n" -b "${!j}" -H 'Accept: application/json'
	expect_status 404 "… 404 as JSON too"
done
req GET "/admin/orders/$B1" -b "$SBJ"
expect_status 200 "store B's staff open their order"
expect_body_has 'Bea Store' "… with its customer"
req GET "/admin/orders/$B1" -b "$SEL" -H 'Accept: application/json'
expect_json 'b.order.number' "$B1" "store B's seller reads their store's order"
for n in "$A1" "$B1"; do
	req GET "/admin/orders/$n" -b "$ALL"
	expect_status 200 "the every-store admin opens $n"
done

# ---- status changes across stores and by role ----
BEFORE_A=$(orders_row "$A1") EVENTS=$(events)
post "$SBJ" "/admin/orders/$A1/status" --data-urlencode status=processing
expect_status 404 "store B's staff changing a store A order: 404"
post "$AB" "/admin/orders/$A1/status" --data-urlencode status=cancelled
expect_status 404 "store B's admin cancelling a store A order: 404"
post "$SA" "/admin/orders/$B1/status" --data-urlencode status=processing
expect_status 404 "store A's staff changing a store B order: 404"
same "$(orders_row "$A1")" "$BEFORE_A" "… the store A order is unchanged"
same "$(orders_row "$B1") $(events)" "pending/$(sql "SELECT updated_at FROM orders WHERE number = '$B1'") $EVENTS" \
    "… the store B order is unchanged, no event written"
req GET "/admin/orders/$B2" -b "$SBJ"
expect_body_has "/admin/orders/$B2/status" "store B's staff get the status forms on a pending order"
req GET "/admin/orders/$B2" -b "$SEL"
expect_status 200 "store B's seller opens the same order"
expect_body_lacks "/admin/orders/$B2/status" "… without a status form: the seller may not change it"
# The lists offer the next step only to those who may take it.
for page in /admin/orders /admin; do
	req GET "$page" -b "$SBJ"
	expect_body_has "/admin/orders/$B2/status" "store B's staff: $page rows offer the next step"
	req GET "$page" -b "$SEL"
	expect_body_lacks "/status\"" "store B's seller: $page rows offer no next step (it would be 403)"
	expect_body_lacks 'data-may-change="1"' "… and the page tells the script so"
done
req GET /admin/orders -b "$SBJ"
expect_body_has 'data-may-change="1"' "store B's staff: the page tells the script they may change statuses"
BEFORE_B=$(orders_row "$B2")
post "$SEL" "/admin/orders/$B2/status" --data-urlencode status=processing
expect_status 403 "a seller changing their own store's order status: 403"
post "$SEL" "/admin/orders/$B2/status" --data-urlencode status=cancelled
expect_status 403 "a seller cancelling: 403"
post "$SEL" "/admin/orders/$A2/status" --data-urlencode status=processing
expect_status 404 "a seller and another store's order: 404 (not 403: it is not theirs to know of)"
same "$(orders_row "$B2") $(events)" "$BEFORE_B $EVENTS" "… nothing changed, no event"
post "$SBJ" "/admin/orders/$B1/status" --data-urlencode status=processing
expect_status 303 "store B's staff move their order to processing"
post "$SA" "/admin/orders/$A1/status" --data-urlencode status=processing
expect_status 303 "store A's staff move theirs"
post "$ALL" "/admin/orders/$B2/status" --data-urlencode status=cancelled
expect_status 303 "the every-store admin cancels a store B order"
same "$(sql "SELECT stock FROM products WHERE id = $PB2")" 10 "… its stock comes back to store B's product"

# ---- the change feed ----
# feed JAR: every event after HEAD0 the jar may see.
feed() { req GET "/admin/api/since?cursor=$HEAD0&epoch=$EPOCH" -b "$1"; }
ev_orders='b.events.filter(e=>e.order).map(e=>e.type.replace("order_","")+":"+e.order.number).join()'
feed "$ALL"
expect_json "$ev_orders" "created:$A1,created:$A2,created:$B1,created:$B2,updated:$B1,updated:$A1,cancelled:$B2" \
    "every-store admin: both stores' events, in commit order"
for j in SA AA; do
	feed "${!j}"
	expect_json "$ev_orders" "created:$A1,created:$A2,updated:$A1" "$j: store A's events only"
done
for j in SBJ AB SEL; do
	feed "${!j}"
	expect_json "$ev_orders" "created:$B1,created:$B2,updated:$B1,cancelled:$B2" "$j: store B's events only"
done
# A stock_low (a product event, no order) stays in its store too.
post "$AB" "/admin/products/$PB1/stock" --data-urlencode delta=-26 --data-urlencode reason=count
expect_status 303 "store B's admin takes a product to its low-stock threshold"
ev_low='b.events.filter(e=>e.type=="stock_low").map(e=>e.product.id).join()'
feed "$SBJ"
expect_json "$ev_low" "$PB1" "store B's staff get store B's stock_low"
feed "$SA"
expect_json "$ev_low" "" "store A's staff never get it"
feed "$ALL"
expect_json "$ev_low" "$PB1" "the every-store admin gets it"
# Heads and ETags are per scope: store B's new events leave store A's tag alone.
req GET /admin/api/since -b "$SA"
TAG_A=$(etag_of) HEAD_A=$(jget b.cursor)
req GET /admin/api/since -b "$SBJ"
TAG_B=$(etag_of)
[ -n "$TAG_A" ] && [ "$TAG_A" != "$TAG_B" ] && ok "store A's and store B's staff get different ETags" ||
    nok "store A's and store B's staff get different ETags" "$TAG_A / $TAG_B"
place_b "Bianca Store" B-TEA-1 1
expect_status 201 "another store B order (API)"
B3=$NUMBER
req GET "/admin/api/since?cursor=$HEAD_A&epoch=$EPOCH" -b "$SA" -H "If-None-Match: $TAG_A"
expect_status 304 "a new store B order: store A's staff still get 304 on their head"
req GET "/admin/api/since?cursor=$HEAD_A&epoch=$EPOCH" -b "$SA"
expect_json 'b.events.length' 0 "… and no event after their cursor"
req GET "/admin/api/since?cursor=0&epoch=$EPOCH" -b "$SBJ"
expect_json "b.events.some(e=>e.order&&e.order.number==\"$B3\")" true "store B's staff get it"
req GET "/admin/api/since?cursor=0&epoch=$EPOCH" -b "$SA"
expect_json "b.events.some(e=>e.order&&[\"$B1\",\"$B2\",\"$B3\"].includes(e.order.number))||b.events.some(e=>e.product&&e.product.id==$PB1)" \
    false "from cursor 0, store A's staff see no store B event at all"

# ---- stats and the dashboard ----
# store A: A1 processing, A2 pending; store B: B1 processing, B2 cancelled, B3 pending.
stats() {
	req GET /admin/api/stats -b "$1"
	expect_json 'b.today.orders' "$2" "$3: orders today" \
	    'b.pending' "$4" "$3: pending" \
	    'b.processing' "$5" "$3: processing" \
	    'b.orders_per_hour.reduce((s,h)=>s+h.count,0)' "$2" "$3: the hours hold their orders only"
}
stats "$ALL" 5 ALL 2 2
stats "$AA" 2 AA 1 1
stats "$SA" 2 SA 1 1
stats "$AB" 3 AB 1 1
stats "$SBJ" 3 SBJ 1 1
stats "$SEL" 3 SEL 1 1
# No payment taken yet: no takings (v2: revenue = takings); what the open
# orders owe is left to collect, each store in its own currency.
REV_A=$(sql "SELECT sum(total_cents) FROM orders WHERE store_id = 1 AND status <> 'cancelled'")
REV_B=$(sql "SELECT sum(total_cents) FROM orders WHERE store_id = $SB AND status <> 'cancelled'")
same "$(sql "SELECT DISTINCT currency FROM orders WHERE store_id = $SB ORDER BY currency" | paste -sd,)" GBP "store B's orders are in its currency"
req GET /admin/api/stats -b "$SA"
expect_json 'b.currency' EUR "store A's staff: stats in euros" \
    'b.today.revenue_cents' 0 "store A's staff: no payment, no takings" \
    'b.left_to_collect_cents' "$REV_A" "store A's staff: left to collect is store A's"
req GET /admin/api/stats -b "$SBJ"
expect_json 'b.currency' GBP "store B's staff: stats in store B's currency" \
    'b.left_to_collect_cents' "$REV_B" "store B's staff: left to collect is store B's ($REV_B pence)" \
    'b.left_to_collect.includes("£")' true "… written in pounds"
req GET /admin/api/stats -b "$ALL"
expect_json 'b.currency' EUR "the every-store admin: stats in the default store's currency" \
    'b.left_to_collect_cents' "$REV_A" "… left to collect counts the euro orders only, never pence as cents"
dash() {
	req GET /admin -b "$1"
	expect_status 200 "$2: the dashboard"
	same "$(sed -n 's/.*data-stat="orders_today">\([0-9]*\)<.*/\1/p' "$BODY")" "$3" "$2: the dashboard counts $3 orders today"
}
dash "$ALL" ALL 5
dash "$SA" SA 2
dash "$SBJ" SBJ 3
req GET /admin -b "$SBJ"
for n in "$A1" "$A2" "Alice Default" "Arthur Default"; do expect_body_lacks "$n" "SBJ: the dashboard never shows $n"; done
expect_body_has "$B3" "SBJ: the dashboard's latest orders are store B's"
req GET /admin -b "$SA"
for n in "$B1" "$B3" "Store B espresso" "Store B green tea" "Bea Store"; do
	expect_body_lacks "$n" "SA: the dashboard never shows $n"
done

# ---- products, product pages and CSV ----
req GET /admin/products -b "$AB" -H 'Accept: application/json'
expect_json 'b.products.map(p=>p.id).sort((x,y)=>x-y).join()' "$PB1,$PB2" "store B's admin lists store B's products only"
req GET /admin/products -b "$AA" -H 'Accept: application/json'
expect_json "b.products.some(p=>p.id==$PB1||p.id==$PB2)" false "store A's admin never lists store B's products" \
    "b.products.some(p=>p.id==$PA1)" true "… and lists their own"
req GET /admin/products -b "$ALL" -H 'Accept: application/json'
expect_json "[$PA1,$PB1,$PB2].every(id=>b.products.some(p=>p.id==id))" true "the every-store admin lists both stores' products"
req GET /admin/products -b "$AA"
expect_body_lacks 'Store B espresso' "store A's admin: the HTML list lacks store B's products"
for pair in "AA:$PB1" "AB:$PA1" "AB:$PA2"; do
	j=${pair%%:*} id=${pair#*:}
	req GET "/admin/products/$id" -b "${!j}"
	expect_status 404 "$j opening another store's product $id: 404"
done
BEFORE_P=$(sql "SELECT name || price_cents || stock FROM products WHERE id = $PA1")
post "$AB" "/admin/products/$PA1" --data-urlencode sku=COF-ESP-250 --data-urlencode name=Hijacked \
    --data-urlencode price=0.01 --data-urlencode stock=0
expect_status 404 "store B's admin editing store A's product: 404"
post "$AB" "/admin/products/$PA1/stock" --data-urlencode delta=-5 --data-urlencode reason=x
expect_status 404 "… adjusting its stock: 404"
same "$(sql "SELECT name || price_cents || stock FROM products WHERE id = $PA1")" "$BEFORE_P" "… the product is unchanged"
req GET "/admin/products/$PB1" -b "$ALL"
expect_status 200 "the every-store admin opens a store B product"
for j in SBJ SEL SA; do
	req GET /admin/products -b "${!j}"
	expect_status 403 "$j (staff/seller): the catalog is not theirs: 403"
	req GET /admin/products.csv -b "${!j}"
	expect_status 403 "$j: products.csv: 403"
done
req GET /admin/products.csv -b "$AB"
expect_status 200 "store B's admin exports products.csv"
expect_body_has 'Store B green tea' "… with store B's products"
expect_body_lacks 'Stoneware mug' "… and none of store A's"
same "$(grep -c 'COF-ESP-250' "$BODY")" 1 "… the shared SKU once (store B's)"
req GET '/admin/products.csv?store=default' -b "$AB"
expect_status 404 "store B's admin asking for store A's CSV: 404"
req GET /admin/products.csv -b "$AA"
expect_body_lacks 'Store B' "store A's admin's CSV lacks store B's products"
req GET '/admin/products.csv?store=b' -b "$ALL"
expect_body_has 'Store B green tea' "the every-store admin exports store B's CSV"
expect_body_lacks 'Stoneware mug' "… store B's only"

# ---- staff pages across stores ----
ID_SB=$(sql "SELECT id FROM users WHERE email = 'staff.b@example.com'")
ID_SA=$(sql "SELECT id FROM users WHERE email = 'staff.a@example.com'")
ID_SEL=$(sql "SELECT id FROM users WHERE email = 'seller.b@example.com'")
ID_AB=$(sql "SELECT id FROM users WHERE email = 'admin.b@example.com'")
users() { sql "SELECT id, email, role, coalesce(store_id, 0), disabled FROM users ORDER BY id"; }
req GET "/admin/staff/$ID_SB" -b "$AA"
expect_status 404 "store A's admin opening store B's staff member: 404"
expect_body_lacks 'staff.b@example.com' "… their email is not shown"
req GET "/admin/staff/$ID_SA" -b "$AB"
expect_status 404 "store B's admin opening store A's staff member: 404"
req GET /admin/staff -b "$AA" -H 'Accept: application/json'
expect_json 'b.users.map(u=>u.email).sort().join()' 'admin.a@example.com,staff.a@example.com' "store A's admin lists store A's accounts only"
req GET /admin/staff -b "$AB" -H 'Accept: application/json'
expect_json 'b.users.map(u=>u.email).sort().join()' 'admin.b@example.com,seller.b@example.com,staff.b@example.com' \
    "store B's admin lists store B's accounts only"
req GET /admin/staff -b "$ALL" -H 'Accept: application/json'
expect_json 'b.users.length' 6 "the every-store admin lists all six accounts"
nav_user() { sed -n 's/.*class="admin-user__email"[^>]*>\([^<]*\)<.*/\1/p' "$BODY" | head -n 1; }
req GET "/admin/staff/$ID_SB" -b "$ALL"
expect_status 200 "the every-store admin opens store B's staff member"
same "$(nav_user)" admin@example.com "… the header still names the signed-in admin, not the account shown"
req GET "/admin/staff/$ID_SEL" -b "$AB"
same "$(nav_user)" admin.b@example.com "store B's admin on their seller's page: the header names store B's admin"
BEFORE=$(users)
post "$AA" "/admin/staff/$ID_SB" --data-urlencode role=staff --data-urlencode store=b --data-urlencode disabled=1
expect_status 404 "store A's admin disabling store B's staff: 404"
req POST "/admin/staff/$ID_SB/reset" -b "$AA" -H "X-CSRF-Token: $(cat "$AA.csrf")" --data ''
expect_status 404 "store A's admin resetting store B's staff: 404"
post "$SBJ" "/admin/staff/$ID_SB" --data-urlencode role=staff --data-urlencode store=default
expect_status 403 "store B's staff moving themselves to store A: 403"
post "$SBJ" "/admin/staff/$ID_SB" --data-urlencode role=staff --data-urlencode store=
expect_status 403 "… giving themselves every store: 403"
post "$SBJ" "/admin/staff/$ID_SEL" --data-urlencode role=admin --data-urlencode store=b
expect_status 403 "… making the seller an admin: 403"
post "$SEL" "/admin/staff/$ID_SEL" --data-urlencode role=admin --data-urlencode store=b
expect_status 403 "a seller forging role=admin on themselves: 403"
post "$SEL" "/admin/staff/new" --data-urlencode email=sneak@example.com --data-urlencode role=staff --data-urlencode store=b
expect_status 403 "a seller inviting: 403"
post "$SBJ" "/admin/staff/new" --data-urlencode email=sneak@example.com --data-urlencode role=staff --data-urlencode store=default
expect_status 403 "store B's staff inviting to store A: 403"
post "$AB" "/admin/staff/$ID_AB" --data-urlencode role=admin --data-urlencode store=
expect_status 403 "store B's admin giving themselves every store: 403"
post "$AB" "/admin/staff/$ID_AB" --data-urlencode role=admin --data-urlencode store=default
expect_status 403 "store B's admin moving themselves to store A: 403"
post "$AB" "/admin/staff/new" --data-urlencode email=sneak@example.com --data-urlencode role=admin --data-urlencode store=b
expect_status 403 "store B's admin inviting an admin: 403"
same "$(users)" "$BEFORE" "… no account changed, none added"
same "$(sql "SELECT count(*) FROM password_tokens")" 0 "… and no link made"
req GET "/admin/orders/$B1" -b "$SBJ"
expect_status 200 "store B's staff still work after the refused changes"

# ---- a disabled one-store user: old cookies end everywhere ----
post "$AB" "/admin/staff/$ID_SEL" --data-urlencode role=seller --data-urlencode store=b --data-urlencode disabled=1
expect_status 303 "store B's admin disables their seller"
for p in /admin /admin/orders "/admin/orders/$B1"; do
	req GET "$p" -b "$SEL"
	expect_status 303 "the disabled seller's old cookie on $p: 303"
	case "$(location)" in /admin/login*) ok "… to /admin/login";; *) nok "… to /admin/login" "$(location)";; esac
done
for p in "/admin/api/since?cursor=0" /admin/api/since; do
	req GET "$p" -b "$SEL"
	expect_status 401 "… on $p: 401"
	expect_header '^content-type: application/json' "… as JSON"
done
req GET /admin/orders -b "$SEL" -H 'Accept: application/json'
[ "$STATUS" = 401 ] || [ "$STATUS" = 303 ] && ok "… the orders JSON: $STATUS, no data" || nok "… the orders JSON refused" "$STATUS"
expect_body_lacks "$B1" "… no order in the answer"
req GET /admin/orders -b "$SBJ"
expect_status 200 "store B's staff are not signed out by it"

finish
