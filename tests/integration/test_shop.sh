#!/bin/bash
# test_shop.sh — the customer flow through lighttpd: catalog, cart, checkout, confirmation, JSON API.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/jar
form_token() { grep -o '"form_token":"[0-9a-f]*"' "$BODY" | cut -d'"' -f4; }
count_sql() { sql "$1"; }

# ---- catalog ----
req GET /
expect_status 200 "catalog answers 200"
expect_body_has 'Espresso beans, 250 g' "catalog lists the products"
expect_body_has '€89.99' "English prices look like €89.99"
expect_body_has 'action="/cart/items"' "each product has an add-to-cart form"
expect_body_has 'data-cart-count>0<' "the cart badge shows 0"
expect_header "^content-security-policy: default-src 'self'" "catalog is under the CSP"
expect_header '^x-content-type-options: nosniff' "catalog has nosniff"
if grep -qE '<script>|<script [^>]*>[^<]|<style| style=| on[a-z]+="' "$BODY"; then
	nok "no inline script or style on the catalog"
else
	ok "no inline script or style on the catalog"
fi
expect_body_has '<script type="module" src="/static/js/shop.js' "the script is a module file"

req GET / -H 'Accept: application/json'
expect_status 200 "catalog as JSON"
expect_header '^content-type: application/json' "catalog JSON has a JSON type"
expect_body_has '"sku":"GFT-BOX-01"' "JSON products carry their sku"
expect_body_has '"price_cents":8999' "JSON products carry price_cents"
expect_body_has '"currency":"EUR"' "JSON products carry the currency"
expect_body_has '"stock":10' "JSON products carry the stock"
expect_body_has '"cart":{"count":0}' "JSON catalog has the cart count"

req GET / -H 'Accept-Language: fr-FR,fr;q=0.9'
expect_body_has $'89,99\xc2\xa0€' "French prices look like 89,99 € (no-break space)"
expect_body_has 'lang="fr"' "French page says lang=fr"
expect_body_has 'Ajouter au panier' "French page speaks French"

# ---- cart ----
req POST /cart/items -c "$JAR" -b "$JAR" -d product_id=1 -d qty=2
expect_status 303 "adding a product answers 303"
[ "$(location)" = /cart ] && ok "303 goes to /cart" || nok "303 goes to /cart" "$(location)"
expect_header '^set-cookie: cart=[0-9a-f]{64}; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax' \
    "cart cookie: 64 hex, HttpOnly, SameSite=Lax, Path=/"

req POST /cart/items -c "$JAR" -b "$JAR" -H 'Accept: application/json' -d product_id=8 -d qty=1
expect_status 200 "a fetch() add answers 200"
expect_body_has '"count":3' "the JSON cart counts 3 items"
if grep -qi '^set-cookie' "$HEADERS"; then nok "no new cookie for an existing cart"; else ok "no new cookie for an existing cart"; fi

req POST /cart/items -b "$JAR" -d product_id=1 -d qty=100
expect_status 422 "qty 100 is 422"
expect_body_has 'from 1 to 99' "qty 100 says why"
req POST /cart/items -b "$JAR" -d product_id=1 -d qty=0
expect_status 422 "qty 0 is 422 for an add"
req POST /cart/items -b "$JAR" -d product_id=abc
expect_status 422 "a non-numeric product is 422"
req POST /cart/items -b "$JAR" -H 'Accept: application/json' -d product_id=999 -d qty=1
expect_status 422 "an unknown product is 422"
expect_body_has '"error":"unavailable"' "an unknown product is named unavailable"
req POST /cart/items -b "$JAR" -d product_id=8 -d qty=10
expect_status 409 "more than the stock is 409"
expect_body_has 'Gift box' "the stock message names the product"
expect_body_has 'Only 10 of' "the stock message gives the stock"
req POST /cart/items -b "$JAR" -d product_id=1 -H 'Origin: http://evil.example'
expect_status 403 "a cross-site cart post is 403"

req POST /cart/items/1 -b "$JAR" -d qty=0
expect_status 303 "qty 0 removes a line"
req GET /cart -b "$JAR" -H 'Accept: application/json'
expect_body_has '"count":1' "the line is gone"
req POST /cart/items/1 -b "$JAR" -d qty=2
expect_status 303 "setting a quantity answers 303"
req POST /cart/items/1 -b "$JAR" -d qty=abc
expect_status 422 "a bad quantity is 422"

req GET /cart -b "$JAR"
expect_status 200 "cart page answers 200"
expect_body_has 'Espresso beans, 250 g' "the cart lists its lines"
expect_body_has '€115.79' "the cart totals 2 × 12.90 + 89.99"
expect_body_has 'data-cart-count>3<' "the badge counts 3"
expect_body_has '<dialog id="checkout"' "the checkout dialog is on the cart page"
expect_body_lacks '<dialog id="checkout" class="checkout" aria-labelledby="checkout-title" open' "the dialog starts closed"
req GET '/cart?checkout=1' -b "$JAR"
expect_body_has 'aria-labelledby="checkout-title" open' "?checkout=1 opens the dialog without JavaScript"

req GET /cart -b "$JAR" -H 'Accept: application/json'
expect_body_has '"lines":[' "JSON cart has its lines"
expect_body_has '"total_cents":11579' "JSON cart has its total"
FT=$(form_token)
[ ${#FT} = 64 ] && ok "JSON cart has a form_token" || nok "JSON cart has a form_token" "$FT"

req GET /cart -b "cart=$(printf 'ab%.0s' $(seq 32))" -H 'Accept: application/json'
expect_status 200 "a cookie naming no cart is no cart"
expect_body_has '"count":0' "… and an empty one"

# ---- checkout ----
req POST /checkout -b "$JAR" -d name=Ann -d email=ann@example.com
expect_status 403 "checkout without a form_token is 403"
req POST /checkout -b "$JAR" -d name=Ann -d email=ann@example.com -d "form_token=$(printf 'cd%.0s' $(seq 32))"
expect_status 403 "checkout with another token is 403"
req POST /checkout -d name=Ann -d email=ann@example.com -d "form_token=$FT"
expect_status 403 "checkout without the cart's cookie is 403"

req POST /checkout -b "$JAR" --data-urlencode "form_token=$FT" --data-urlencode 'name=' \
    --data-urlencode 'email=not-an-email' --data-urlencode 'phone=call me' \
    --data-urlencode "notes=<script>alert(1)</script> it's"
expect_status 422 "invalid fields are 422"
expect_body_has 'aria-labelledby="checkout-title" open' "422 re-renders the dialog open"
expect_body_has 'Enter your name' "the name's message is shown"
expect_body_has 'Enter a valid email address' "the email's message is shown"
expect_body_has 'Use digits, spaces' "the phone's message is shown"
expect_body_has 'aria-describedby="co-email-hint co-email-err" aria-invalid="true"' "the email field is marked invalid"
expect_body_has 'value="not-an-email"' "the values are kept"
expect_body_has '&lt;script&gt;alert(1)&lt;/script&gt; it&#39;s' "notes come back escaped"
expect_body_lacks '<script>alert(1)' "no raw script from the notes"
[ "$(count_sql 'SELECT count(*) FROM orders')" = 0 ] && ok "invalid fields write nothing" || nok "invalid fields write nothing"

req POST /checkout -b "$JAR" --data-urlencode "form_token=$FT" \
    --data-urlencode "name=<script>alert(1)</script> O'Neil" --data-urlencode 'email=zoe@example.com' \
    --data-urlencode 'phone=+33 (0)1 23-45-67' --data-urlencode "notes=<b>ring</b> twice, it's \"urgent\""
expect_status 303 "a valid checkout answers 303"
LOC=$(location)
case $LOC in
/orders/CMD-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]\?t=[0-9a-f]*)
	ok "303 goes to /orders/CMD-…?t=…" ;;
*)	nok "303 goes to /orders/CMD-…?t=…" "$LOC" ;;
esac
NUMBER=${LOC#/orders/}; NUMBER=${NUMBER%%\?*}
TOKEN=${LOC#*t=}

req POST /checkout -b "$JAR" --data-urlencode "form_token=$FT" --data-urlencode 'name=Again' \
    --data-urlencode 'email=zoe@example.com'
expect_status 303 "the same form posted again answers 303"
[ "$(location)" = "$LOC" ] && ok "… to the same order" || nok "… to the same order" "$(location)"
[ "$(count_sql 'SELECT count(*) FROM orders')" = 1 ] && ok "one order for one form" || nok "one order for one form"
[ "$(count_sql "SELECT stock FROM products WHERE sku = 'GFT-BOX-01'")" = 9 ] && ok "the stock went down once" || nok "the stock went down once"
[ "$(count_sql "SELECT items_count FROM orders")" = 3 ] && ok "items_count is the total quantity" || nok "items_count is the total quantity"
[ "$(count_sql "SELECT count(*) FROM order_events WHERE type = 'order_created'")" = 1 ] && ok "one order_created event" || nok "one order_created event"

req GET "$LOC" -b "$JAR"
expect_status 200 "the confirmation page answers 200"
expect_body_has "$NUMBER" "it shows the order number"
expect_body_has 'Gift box' "it lists the items"
expect_body_has '€115.79' "it shows the total"
expect_body_has 'zoe@example.com' "it shows the customer"
expect_body_has 'badge--pending' "it shows the status"
expect_body_has '&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil' "the name comes back escaped"
expect_body_has '&lt;b&gt;ring&lt;/b&gt; twice, it&#39;s &quot;urgent&quot;' "the notes come back escaped"
expect_body_lacks '<script>alert' "no raw script on the confirmation page"
expect_body_has '<meta http-equiv="refresh" content="30">' "without JavaScript it refreshes itself"
expect_body_has 'aria-live="polite"' "status changes are announced"
expect_body_has 'data-cart-count>0<' "the cart is empty after the order"
expect_header '^cache-control: private, no-store' "the confirmation is not cached"

req GET "/orders/$NUMBER" -H 'Accept: application/json' -G -d "t=$TOKEN"
expect_body_has "\"url\":\"$LOC\"" "the confirmation as JSON has its url"

req GET "/orders/$NUMBER?t=00000000000000000000000000000000"
expect_status 404 "a wrong token is 404"
cp "$BODY" "$WORK/wrong-token"
req GET "/orders/CMD-20000101-AAAAAA?t=$TOKEN"
expect_status 404 "an unknown order is 404"
cmp -s "$BODY" "$WORK/wrong-token" && ok "wrong token and unknown order look the same" || nok "wrong token and unknown order look the same"
req GET "/orders/$NUMBER"
expect_status 404 "a missing token is 404"
# One hex digit changed (never to itself: a token may well end in 0).
case $TOKEN in *0) wrong=${TOKEN%?}1 ;; *) wrong=${TOKEN%?}0 ;; esac
req GET "/orders/$NUMBER/status?t=$wrong"
expect_status 404 "status with a wrong token is 404"

req GET "/orders/$NUMBER/status?t=$TOKEN"
expect_status 200 "order status answers 200"
expect_body_has "\"number\":\"$NUMBER\"" "status JSON has the number"
expect_body_has '"status":"pending"' "status JSON has the status"
if grep -qE '"updated_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "$BODY"; then
	ok "updated_at is RFC 3339 UTC"
else
	nok "updated_at is RFC 3339 UTC" "$(cat "$BODY")"
fi
expect_header '^cache-control: no-cache' "status is Cache-Control: no-cache"
ETAG=$(tr -d '\r' < "$HEADERS" | sed -n 's/^[Ee][Tt]ag: //p')
[ -n "$ETAG" ] && ok "status has an ETag" || nok "status has an ETag"
: > "$WORK/body"
req GET "/orders/$NUMBER/status?t=$TOKEN" -H "If-None-Match: $ETAG"
expect_status 304 "the same ETag answers 304"
[ ! -s "$BODY" ] && ok "304 has no body" || nok "304 has no body"
count_sql "UPDATE orders SET status = 'processing', updated_at = updated_at + 1 WHERE number = '$NUMBER'"
req GET "/orders/$NUMBER/status?t=$TOKEN" -H "If-None-Match: $ETAG"
expect_status 200 "a changed order answers 200 again"
expect_body_has '"status":"processing"' "… with the new status"

# The cart's form token rotated; an empty cart cannot check out.
req GET /cart -b "$JAR" -H 'Accept: application/json'
FT2=$(form_token)
[ -n "$FT2" ] && [ "$FT2" != "$FT" ] && ok "the form token rotated" || nok "the form token rotated"
req POST /checkout -b "$JAR" --data-urlencode "form_token=$FT2" -d name=Ann -d email=ann@example.com
expect_status 422 "an empty cart is 422"
expect_body_has 'Your cart is empty' "… and says so"

# Short of stock at checkout: 409 naming the product, nothing written.
req POST /cart/items -b "$JAR" -d product_id=3 -d qty=1
req POST /cart/items -b "$JAR" -d product_id=7 -d qty=3
count_sql "UPDATE products SET stock = 2 WHERE sku = 'KET-GOO-1L'"
req POST /checkout -b "$JAR" --data-urlencode "form_token=$FT2" -d name=Ann -d email=ann@example.com
expect_status 409 "short stock at checkout is 409"
expect_body_has 'Gooseneck kettle, 1 l' "409 names the product"
expect_body_has 'value="Ann"' "409 keeps the values"
[ "$(count_sql "SELECT stock FROM products WHERE sku = 'TEA-EGR-100'")" = 30 ] && ok "409 wrote nothing" || nok "409 wrote nothing"
[ "$(count_sql 'SELECT count(*) FROM orders')" = 1 ] && ok "409 made no order" || nok "409 made no order"

# ---- the JSON API ----
API='{"customer":{"name":"Ann","email":"ann@example.com","phone":"+33 1 23 45 67 89"},"items":[{"sku":"TEA-EGR-100","qty":2},{"sku":"MUG-STO-350","qty":1}],"notes":"ring twice"}'
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-1' --data "$API"
expect_status 201 "API order is 201"
expect_body_has '"status":"pending"' "API order is pending"
expect_body_has '"total_cents":3300' "API order is priced from the products"
expect_body_has '"currency":"EUR"' "API order has the currency"
expect_body_has '"url":"/orders/CMD-' "API order has its confirmation url"
expect_body_has '"created_at":"20' "API order has created_at"
API_NUMBER=$(json_field number)
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-1' --data "$API"
expect_status 200 "the same key and body is 200"
[ "$(json_field number)" = "$API_NUMBER" ] && ok "… with the same order" || nok "… with the same order"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-1' \
    --data '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1}]}'
expect_status 409 "the same key with another body is 409"
[ "$(count_sql "SELECT count(*) FROM orders WHERE idempotency_key = 'api:test-1'")" = 1 ] && ok "one order for one key" || nok "one order for one key"
req POST /api/orders -H 'Content-Type: application/json' --data "$API"
expect_status 400 "no Idempotency-Key is 400"
expect_body_has 'Idempotency-Key' "… and says which header"
req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: $(printf 'k%.0s' $(seq 101))" --data "$API"
expect_status 422 "a 101-character key is 422"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-2' \
    --data '{"customer":{"name":"","email":"nope"},"items":[{"sku":"TEA-EGR-100","qty":0}]}'
expect_status 422 "invalid API fields are 422"
expect_body_has '"error":"invalid"' "… named invalid"
expect_body_has '"customer.email":"' "… with the email's message"
expect_body_has '"items[0].qty":"' "… and the quantity's"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-3' \
    --data '{"customer":{"name":"A","email":"a@b.co"},"items":[{"sku":"NOPE-1","qty":1}]}'
expect_status 422 "an unknown sku is 422"
expect_body_has 'NOPE-1' "… naming it"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-4' \
    --data '{"customer":{"name":"A","email":"a@b.co"},"items":[{"sku":"TEA-EGR-100","qty":1},{"sku":"KET-GOO-1L","qty":5}]}'
expect_status 409 "API short of stock is 409"
expect_body_has '"product":"Gooseneck kettle, 1 l"' "… naming the product"
[ "$(count_sql "SELECT stock FROM products WHERE sku = 'TEA-EGR-100'")" = 28 ] && ok "API 409 wrote nothing" || nok "API 409 wrote nothing"
items=$(for i in $(seq 1 51); do printf '%s{"sku":"S%d","qty":1}' "$([ "$i" = 1 ] || echo ,)" "$i"; done)
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-5' \
    --data "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.co\"},\"items\":[$items]}"
expect_status 422 "51 lines are 422"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-6' \
    --data '{"customer":{"name":"A","email":"a@b.co"},"items":[{"sku":"MUG-STO-350","qty":1},{"sku":"MUG-STO-350","qty":2}]}'
expect_status 201 "duplicate skus are merged into one line"
expect_body_has '"qty":3' "… of their sum"
req POST /api/orders -H 'Idempotency-Key: test-7' -d 'customer=A'
expect_status 400 "a form body to the API is 400"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-8' --data '[1,2]'
expect_status 400 "a JSON array body is 400"
req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: test-9' \
    -H 'Accept-Language: fr' --data '{"customer":{"name":"A","email":"x"},"items":[{"sku":"MUG-STO-350","qty":1}]}'
expect_body_has 'adresse e-mail valide' "API messages follow Accept-Language"
[ "$(db_intact)" = ok ] && ok "the database is intact" || nok "the database is intact"

# ---- stock states on the catalog ----
count_sql "UPDATE products SET stock = 3 WHERE sku = 'PRS-FRN-08'; UPDATE products SET stock = 0 WHERE sku = 'GRN-HND-01'"
req GET /
expect_body_has 'Only 3 left' "a low stock says how many are left"
expect_body_has 'Out of stock' "no stock says out of stock"
# Sold out: no form at all (no quantity box, no button), a line saying so instead.
if grep -q 'name="product_id" value="5"' "$BODY" || grep -q 'id="qty-5"' "$BODY"; then
	nok "an out-of-stock product offers no quantity and no add button"
else
	ok "an out-of-stock product offers no quantity and no add button"
fi
expect_body_has 'class="product__sold-out">Back in stock soon.' "an out-of-stock product says it is sold out"
grep -q 'name="product_id" value="4"' "$BODY" && ok "an in-stock product keeps its add form" || nok "an in-stock product keeps its add form"
req GET / -H 'Accept-Language: fr'
expect_body_has 'Plus que 3 en stock' "low stock in French"
expect_body_has 'Rupture de stock' "out of stock in French"
expect_body_has 'Bientôt de retour en stock.' "sold out in French"

# ---- under a base URL ----
kill -TERM -- "-$SERVER_PGID" 2>/dev/null; sleep 0.3
BASE_PATH=/shop start_app --base /shop
JAR2=$WORK/jar2
req GET / 
expect_status 200 "the catalog answers under /shop"
expect_body_has 'action="/shop/cart/items"' "forms post under the base"
expect_body_has 'href="/shop/static/css/shop.css' "styles load under the base"
expect_body_has 'src="/shop/static/js/shop.js' "scripts load under the base"
req POST /cart/items -c "$JAR2" -b "$JAR2" -d product_id=2 -d qty=1
[ "$(location)" = /shop/cart ] && ok "303 to /shop/cart" || nok "303 to /shop/cart" "$(location)"
expect_header '^set-cookie: cart=[0-9a-f]{64}; Path=/shop;' "the cart cookie is scoped to the base"
req GET /cart -b "$JAR2" -H 'Accept: application/json'
FT=$(form_token)
req POST /checkout -b "$JAR2" --data-urlencode "form_token=$FT" -d name=Ann -d email=ann@example.com
case $(location) in /shop/orders/CMD-*) ok "checkout 303 under the base" ;; *) nok "checkout 303 under the base" "$(location)" ;; esac
LOC=$(location)
req GET "${LOC#/shop}"
expect_body_has "data-url=\"/shop/orders/" "the status poll URL has the base"

finish
