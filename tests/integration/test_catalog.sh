#!/bin/bash
# test_catalog.sh — the catalog in the back office through a real lighttpd:
# products list, create, edit, stock adjustments, deletion, JSON answers,
# bad input, roles and store scoping, stock_low on the feed.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/admin.jar
PW=$ORDERSYNC_ADMIN_PASSWORD

# ---- without a session, and for staff ----
req GET /admin/products
expect_status 303 "products page without a session: 303 to sign in"
req GET /admin/products -H 'Accept: application/json'
expect_status 401 "products as JSON without a session: 401"

signin "$JAR" admin@example.com "$PW"
[ -s "$JAR.csrf" ] && ok "the product form carries the CSRF token" || nok "the product form carries the CSRF token"

# ---- the list ----
req GET /admin/products -b "$JAR"
expect_status 200 "products page"
expect_body_has 'Espresso beans, 250 g' "the demo products are listed"
expect_body_has 'href="/admin/products/new"' "a New product button"
req GET /admin/products -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.products.length' 8 "JSON: {products: [...]} with the 8 demo products"
expect_jget 'Object.keys(b.products[0]).slice(0,9).join()' 'id,sku,name,description,price_cents,stock,active,low_stock_at,image' "JSON product fields"
req GET '/admin/products?q=kettle' -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.products.map(p=>p.sku).join()' 'KET-GOO-1L' "search by name, any case"
req GET '/admin/products?q=grn-hnd' -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.products.map(p=>p.sku).join()' 'GRN-HND-01' "search by SKU"
req GET '/admin/products?q=%25' -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.products.length' 0 "a % in the search is a character, not a wildcard"
sql "UPDATE products SET stock = 2 WHERE sku = 'MUG-STO-350'"
req GET /admin/products -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.products[0].sku' 'MUG-STO-350' "low stock first"
req GET '/admin/products?active=2' -b "$JAR"
expect_status 400 "a bad filter: 400"

# ---- the dashboard lists low products ----
req GET /admin -b "$JAR"
expect_body_has 'class="low-stock__item"' "the dashboard lists low products"
expect_body_has 'Stoneware mug' "... the mug at 2 (threshold 3)"
expect_body_lacks '>Espresso beans, 250 g<' "... not the espresso at 40"

# ---- create ----
post "$JAR" /admin/products/new --data-urlencode 'sku=TEA-JAS-50' --data-urlencode 'name=Thé au jasmin' \
    --data-urlencode 'description=Vert, parfumé' --data-urlencode 'price=12,90' \
    --data-urlencode 'stock=10' --data-urlencode 'low_stock_at=4' --data-urlencode 'active=1'
expect_status 303 "create: 303"
NEW=$(location)
case "$NEW" in /admin/products/[0-9]*) ok "... to the product's page";; *) nok "... to the product's page" "$NEW";; esac
ID=${NEW#/admin/products/}; ID=${ID%%\?*}
[ "$(sql "SELECT price_cents || '/' || stock || '/' || low_stock_at || '/' || active FROM products WHERE sku = 'TEA-JAS-50'")" = "1290/10/4/1" ] \
    && ok "French price 12,90 stored as 1290 cents, stock, threshold, active" || nok "stored values"
req GET "$NEW" -b "$JAR" -H 'Accept-Language: fr'
expect_status 200 "the product page"
expect_body_has 'value="12,90"' "the price is shown back as the shop writes it (fr)"
expect_body_has 'Enregistré.' "a saved notice"
req GET "/admin/products/$ID" -b "$JAR" -H 'Accept-Language: en'
expect_body_has 'value="12.90"' "... and in English"
req POST /admin/products/new -b "$JAR" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -H "X-CSRF-Token: $(cat "$JAR.csrf")" \
    --data '{"sku":"API-1","name":"By JSON","price_cents":450,"stock":3,"active":false}'
expect_status 201 "JSON create: 201"
expect_jget 'b.product.price_cents + "/" + b.product.active + "/" + b.product.image' '450/false/null' "JSON: cents, active false, no image"

# ---- bad input ----
for bad in -1 1e9 12,999 abc '1 299,00' '' '12,' ',5' 1000000,00; do
	post "$JAR" /admin/products/new --data-urlencode sku=BAD-1 --data-urlencode name=Bad \
	    --data-urlencode "price=$bad" --data-urlencode stock=1
	expect_status 422 "price '$bad': 422"
done
expect_body_has 'at most two decimals' "... with the message beside the field"
for bad in -1 1000001 x; do
	post "$JAR" /admin/products/new --data-urlencode sku=BAD-1 --data-urlencode name=Bad \
	    --data-urlencode price=1 --data-urlencode "stock=$bad"
	expect_status 422 "stock '$bad': 422"
done
post "$JAR" /admin/products/new --data-urlencode "sku=$(printf 'S%.0s' $(seq 65))" --data-urlencode name=Bad \
    --data-urlencode price=1 --data-urlencode stock=1
expect_status 422 "a SKU over 64 characters: 422"
post "$JAR" /admin/products/new --data-urlencode sku=LONG --data-urlencode "name=$(printf 'n%.0s' $(seq 201))" \
    --data-urlencode price=1 --data-urlencode stock=1
expect_status 422 "a name over 200 characters: 422"
post "$JAR" /admin/products/new --data-urlencode sku=TEA-JAS-50 --data-urlencode name=Twin \
    --data-urlencode price=1 --data-urlencode stock=1
expect_status 409 "a duplicate SKU: 409"
expect_body_has 'TEA-JAS-50' "... naming the SKU"
[ "$(sql "SELECT count(*) FROM products WHERE sku IN ('BAD-1','LONG') OR name = 'Twin'")" = 0 ] \
    && ok "nothing stored from a refused form" || nok "nothing stored from a refused form"

# ---- edit: the stock the form showed is kept apart from sales made since ----
post "$JAR" "/admin/products/$ID" --data-urlencode sku=TEA-JAS-50 --data-urlencode 'name=Thé au jasmin bio' \
    --data-urlencode price=13.50 --data-urlencode stock=10 --data-urlencode stock_was=10 \
    --data-urlencode low_stock_at=4 --data-urlencode active=1
expect_status 303 "edit: 303"
[ "$(sql "SELECT name || '/' || price_cents FROM products WHERE id = $ID")" = "Thé au jasmin bio/1350" ] \
    && ok "name and price changed" || nok "name and price changed"
sql "UPDATE products SET stock = stock - 2 WHERE id = $ID"	# a sale while the form was open
post "$JAR" "/admin/products/$ID" --data-urlencode sku=TEA-JAS-50 --data-urlencode 'name=Thé au jasmin bio' \
    --data-urlencode price=13.50 --data-urlencode stock=15 --data-urlencode stock_was=10 \
    --data-urlencode low_stock_at=4 --data-urlencode active=1
[ "$(sql "SELECT stock FROM products WHERE id = $ID")" = 13 ] \
    && ok "stock 10 → 15 on a form opened before a sale of 2: 13, the sale kept" || nok "stock kept the sale" "$(sql "SELECT stock FROM products WHERE id = $ID")"
post "$JAR" "/admin/products/$ID" --data-urlencode sku=API-1 --data-urlencode name=x --data-urlencode price=1
expect_status 409 "renaming to another product's SKU: 409"
req GET /admin/products/999999 -b "$JAR"
expect_status 404 "an unknown product: 404"
req GET /admin/products/abc -b "$JAR"
expect_status 404 "a product id that is not a number: 404"
post "$JAR" "/admin/products/$ID" --data-urlencode sku=TEA-JAS-50 --data-urlencode name=x --data-urlencode price=1 \
    --data-urlencode active=0
[ "$(sql "SELECT active FROM products WHERE id = $ID")" = 0 ] && ok "an unticked box deactivates" || nok "an unticked box deactivates"
req GET / 
expect_body_lacks 'TEA-JAS-50' "a deactivated product is not in the shop"
expect_body_lacks 'Thé au jasmin' "... at all"

# ---- stock adjustments ----
post "$JAR" "/admin/products/$ID/stock" --data-urlencode delta=+12 --data-urlencode 'reason=Livraison'
expect_status 303 "adjust +12: 303"
[ "$(sql "SELECT stock FROM products WHERE id = $ID")" = 25 ] && ok "13 + 12 = 25" || nok "13 + 12 = 25"
[ "$(sql "SELECT delta || '/' || stock_after || '/' || reason FROM stock_moves WHERE product_id = $ID ORDER BY id DESC LIMIT 1")" = "12/25/Livraison" ] \
    && ok "the move is recorded with its reason" || nok "the move is recorded with its reason"
post "$JAR" "/admin/products/$ID/stock" --data-urlencode delta=-26 --data-urlencode reason=x
expect_status 409 "a move below 0: 409"
[ "$(sql "SELECT stock FROM products WHERE id = $ID")" = 25 ] && ok "... nothing changed" || nok "... nothing changed"
for bad in 0 '' abc 1.5 2000000; do
	post "$JAR" "/admin/products/$ID/stock" --data-urlencode "delta=$bad"
	expect_status 422 "delta '$bad': 422"
done
req POST "/admin/products/$ID/stock" -b "$JAR" -H 'Accept: application/json' \
    --data-urlencode "csrf=$(cat "$JAR.csrf")" --data-urlencode delta=-1 --data-urlencode reason=Cassé
expect_status 200 "JSON adjust: 200"
expect_jget 'b.product.stock' 24 "... the product as it is now"
post "$JAR" /admin/products/999999/stock --data-urlencode delta=1
expect_status 404 "adjusting an unknown product: 404"
req POST "/admin/products/$ID/stock" -b "$JAR" --data-urlencode delta=1
expect_status 403 "adjusting without the CSRF token: 403"

# ---- stock_low on the feed ----
sql "UPDATE products SET active = 1 WHERE id = $ID"
before=$(sql "SELECT count(*) FROM order_events WHERE type = 'stock_low'")
post "$JAR" "/admin/products/$ID/stock" --data-urlencode delta=-20 --data-urlencode reason=Inventaire
[ "$(sql "SELECT count(*) FROM order_events WHERE type = 'stock_low' AND product_id = $ID AND order_id IS NULL")" = 1 ] \
    && ok "24 → 4 crosses the threshold 4: one stock_low event" || nok "24 → 4: one stock_low event" "$(sql "SELECT count(*) FROM order_events WHERE type='stock_low'") (before $before)"
post "$JAR" "/admin/products/$ID/stock" --data-urlencode delta=-1 --data-urlencode reason=x
[ "$(sql "SELECT count(*) FROM order_events WHERE type = 'stock_low' AND product_id = $ID")" = 1 ] \
    && ok "4 → 3 stays below: no second event" || nok "4 → 3 stays below: no second event"
req GET /admin/api/since?cursor=0 -b "$JAR"
expect_body_has '"type":"stock_low"' "the feed carries stock_low"
expect_body_has '"product":{"id":'"$ID"',"sku":"TEA-JAS-50"' "... with a product snapshot"
post "$JAR" "/admin/products/$ID/stock" --data-urlencode delta=+10 --data-urlencode reason=x
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: cat-low-1' \
    --data '{"customer":{"name":"Léa","email":"lea@example.com"},"items":[{"sku":"TEA-JAS-50","qty":10}]}'
expect_status 201 "a sale of 10 from 13"
[ "$(sql "SELECT count(*) FROM order_events WHERE type = 'stock_low' AND product_id = $ID")" = 2 ] \
    && ok "a sale crossing the threshold again (13 → 3): a new stock_low, in the sale's transaction" || nok "a sale crossing: stock_low"

# ---- delete ----
post "$JAR" "/admin/products/$ID/delete"
expect_status 409 "a sold product cannot be deleted: 409"
API1=$(sql "SELECT id FROM products WHERE sku = 'API-1'")
post "$JAR" /admin/products/new --data-urlencode sku=ALERTED --data-urlencode name=Alerted \
    --data-urlencode price=1 --data-urlencode stock=5 --data-urlencode low_stock_at=3
ALERTED=$(sql "SELECT id FROM products WHERE sku = 'ALERTED'")
post "$JAR" "/admin/products/$ALERTED/stock" --data-urlencode delta=-4
post "$JAR" "/admin/products/$ALERTED/delete"
expect_status 409 "a product the feed named (stock_low), never sold: 409, not a 500"
expect_body_has "history" "... saying it has a history"
post "$JAR" "/admin/products/$API1/delete"
expect_status 303 "a product never sold is deleted: 303"
[ "$(sql "SELECT count(*) FROM products WHERE sku = 'API-1'")" = 0 ] && ok "... gone" || nok "... gone"

# ---- roles and stores ----
"$CTL_BIN" --db "$DB" store add lyon Lyon >/dev/null
printf 'lyon-admin-pw-1\n' | "$CTL_BIN" --db "$DB" user add boss@lyon.example --role admin --store lyon >/dev/null
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store default >/dev/null
LYON=$WORK/lyon.jar
signin "$LYON" boss@lyon.example lyon-admin-pw-1
req GET /admin/products -b "$LYON" -H 'Accept: application/json'
expect_jget 'b.products.length' 0 "a Lyon admin sees none of the default store's products"
req GET "/admin/products/$ID" -b "$LYON"
expect_status 404 "another store's product: 404"
post "$LYON" "/admin/products/$ID/stock" --data-urlencode delta=5
expect_status 404 "... and it cannot be adjusted"
post "$LYON" /admin/products/new --data-urlencode sku=TEA-JAS-50 --data-urlencode name=Lyon --data-urlencode price=2 \
    --data-urlencode stock=1 --data-urlencode store=default
expect_status 303 "a Lyon admin adds a product (the SKU of another store is free)"
[ "$(sql "SELECT t.slug FROM products p JOIN stores t ON t.id = p.store_id WHERE p.name = 'Lyon'")" = lyon ] \
    && ok "... in Lyon, whatever store= says" || nok "... in Lyon"
STAFF=$WORK/staff.jar
admin_login "$STAFF" staff@example.com staff-password-1
req GET /admin/products -b "$STAFF"
expect_status 403 "staff: 403 on the catalog"
req GET /admin/orders -b "$STAFF"
expect_body_lacks '/admin/products"' "staff have no Products link"
req GET /admin/orders -b "$JAR"
expect_body_has '/admin/products"' "admins have a Products link"

# ---- 20 adjustments racing 50 checkouts: nothing oversold, nothing lost ----
PID=$(sql "SELECT id FROM products WHERE sku = 'COF-FIL-500'")
sql "UPDATE products SET stock = 30, active = 1 WHERE id = $PID"
moves0=$(sql "SELECT count(*) FROM stock_moves WHERE product_id = $PID")
mkdir -p "$WORK/race"
for i in $(seq 1 50); do
	curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
	    -H "Idempotency-Key: cat-race-$i" \
	    --data "{\"customer\":{\"name\":\"R $i\",\"email\":\"r$i@example.com\"},\"items\":[{\"sku\":\"COF-FIL-500\",\"qty\":1}]}" \
	    "$BASE_URL/api/orders" > "$WORK/race/o$i" 2>/dev/null &
	if [ $((i % 5)) = 0 ]; then
		curl -sS -o /dev/null -w '%{http_code}\n' -b "$JAR" --data-urlencode "csrf=$(cat "$JAR.csrf")" \
		    --data-urlencode delta=+1 --data-urlencode reason=race "$BASE_URL/admin/products/$PID/stock" \
		    > "$WORK/race/a$i" 2>/dev/null &
		curl -sS -o /dev/null -w '%{http_code}\n' -b "$JAR" --data-urlencode "csrf=$(cat "$JAR.csrf")" \
		    --data-urlencode delta=+1 --data-urlencode reason=race "$BASE_URL/admin/products/$PID/stock" \
		    > "$WORK/race/b$i" 2>/dev/null &
	fi
done
wait
sold=$(sql "SELECT coalesce(sum(qty), 0) FROM order_items WHERE product_id = $PID")
moves=$(( $(sql "SELECT count(*) FROM stock_moves WHERE product_id = $PID") - moves0 ))
stock=$(sql "SELECT stock FROM products WHERE id = $PID")
[ "$moves" = 20 ] && ok "all 20 adjustments were applied" || nok "all 20 adjustments were applied" "$moves; $(cat "$WORK"/race/a* "$WORK"/race/b* | sort | uniq -c | tr '\n' ' ')"
[ "$stock" = $((30 + moves - sold)) ] && ok "final stock = 30 + $moves adjusted − $sold sold = $stock, exactly" \
    || nok "final stock = start + adjustments − sold" "stock $stock, sold $sold, moves $moves"
[ "$stock" -ge 0 ] && ok "never below 0" || nok "never below 0"
[ "$(db_intact)" = ok ] && ok "integrity_check ok" || nok "integrity_check ok"

finish
