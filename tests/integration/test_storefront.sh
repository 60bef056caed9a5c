#!/bin/bash
# test_storefront.sh — every store at /s/{slug}/: its catalog, cart, checkout (pickup or delivery), API, legal page, settings.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/jar
form_token() { grep -o '"form_token":"[0-9a-f]*"' "$BODY" | cut -d'"' -f4; }
one() { sql "$1"; }
# expect_eq GOT WANT DESCRIPTION
expect_eq() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
# expect_4xx DESCRIPTION: the answer is a 4xx, never a 5xx or a crash.
expect_4xx() { case $STATUS in 4??) ok "$1 ($STATUS)" ;; *) nok "$1" "status $STATUS" ;; esac; }

# Store b: French, pounds, pickup and delivery, every setting filled (the
# legal notice holds markup that must come out escaped). Store c: nothing
# set but pickup. Store d: delivery only.
sql <<EOF
INSERT INTO stores (id, slug, name, contact_email, phone, address, hours, fulfilment,
    vat_note, legal, currency, language, timezone) $OVERRIDE
VALUES (2, 'b', 'Boulangerie Bé', 'bonjour@boulangerie.example', '+33 1 23 45 67 89',
    '3 rue du Pain' || $(sql_chr 10) || '75011 Paris', 'Mardi–samedi 7 h–19 h', 'both',
    'TVA non applicable, art. 293 B du CGI', '<script>alert(1)</script> Éditeur : SARL Pain' ||
    $(sql_chr 10) || $(sql_chr 10) || 'Hébergeur : Exemple SAS', 'GBP', 'fr', 'Pacific/Kiritimati');
INSERT INTO stores (id, slug, name) $OVERRIDE VALUES (3, 'c', 'Tea Corner');
INSERT INTO stores (id, slug, name, fulfilment, legal) $OVERRIDE VALUES (4, 'd', 'Drive Foods', 'delivery',
    'First line' || $(sql_chr 13) || $(sql_chr 10) || 'same paragraph' || $(sql_chr 13) || $(sql_chr 10) || ' ' ||
    $(sql_chr 13) || $(sql_chr 10) || 'Second paragraph');
INSERT INTO products (id, store_id, sku, name, price_cents, stock) $OVERRIDE VALUES
    (100, 2, 'B-BREAD', 'Pain de campagne', 350, 20),
    (101, 2, 'B-CROIS', 'Croissant', 120, 50),
    (200, 3, 'C-TEA', 'Green tea', 500, 10),
    (300, 4, 'D-BOX', 'Veg box', 2000, 10);
EOF
sql_sync_ids stores products

# ---- routing ----
req GET /s/b/
expect_status 200 "store b's catalog answers at /s/b/"
expect_body_has 'Pain de campagne' "it lists store b's products"
expect_body_lacks 'Espresso beans' "and not the default store's"
expect_body_has 'lang="fr"' "store b speaks its language, French, without Accept-Language"
expect_body_has 'Ajouter au panier' "its words are French"
expect_body_has $'3,50\xc2\xa0£' "prices are in store b's currency, formatted in French"
grep -q '<title>.* — Boulangerie Bé</title>' "$BODY" && ok "the title names store b" || nok "the title names store b"
expect_body_has 'class="brand__name">Boulangerie Bé<' "the header names store b"
expect_body_has 'action="/s/b/cart/items"' "its forms post to its own cart"
expect_body_has 'href="/s/b/cart"' "its cart link stays in the storefront"
expect_body_has 'href="/s/b/"' "its catalog link stays in the storefront"
expect_body_has 'href="/static/css/shop.css' "static assets keep the base"
expect_body_has 'href="/s/b/legal"' "the footer links to its legal page"
expect_body_has 'bonjour@boulangerie.example' "the footer shows its contact email"
expect_body_has '+33 1 23 45 67 89' "the footer shows its phone"
expect_body_has 'TVA non applicable' "the footer shows its VAT note"
req GET /s/b/ -H 'Accept-Language: en-GB,en;q=0.9'
expect_body_has 'lang="en"' "Accept-Language still wins over the store's language"
expect_body_has '£3.50' "English prices in pounds"
req GET /s/b/ -H 'Accept: application/json'
expect_body_has '"currency":"GBP"' "catalog JSON carries store b's currency"

req GET /
expect_body_lacks 'Pain de campagne' "the default store's catalog has none of store b's products"
expect_body_lacks 'VAT' "no VAT promise the default store did not make"

req GET /s/b
expect_status 308 "/s/b without its slash is 308"
expect_eq "$(location)" /s/b/ "… to /s/b/"
req GET /s/b/cart/
expect_status 200 "a trailing slash on a page is fine"

for p in /s/nope/ /s/B/ /s/Default/ /s/default/ /s/default /s/b/admin /s/b/healthz \
    /s/b/admin/orders /s/ /s// /s/b-/x /s/%20/ /s/b/media/1 /s/$(printf 'a%.0s' {1..65})/; do
	req GET "$p"
	expect_status 404 "GET $p is 404"
done
req GET /s/nope/
expect_body_has 'class="error-page' "an unknown store gets the normal error page"
req GET /s/b/nothing-here
expect_status 404 "an unknown page of store b is 404"
expect_body_has 'href="/s/b/"' "… whose link goes back to store b's catalog"
expect_body_has 'lang="fr"' "… in store b's language"
for p in '/s/../admin' '/s/%2e%2e/' '/s/%2E%2E/admin' '/s/b/../../admin' '/s/./b/'; do
	req GET "$p" --path-as-is
	case $STATUS in 404) ok "GET $p is 404" ;; *) nok "GET $p is 404" "status $STATUS" ;; esac
done
req POST /s/b/cart/items -d 'product_id=1%00' -d qty=1
expect_status 400 "a NUL byte in a storefront's form is 400, not a missing page"
req GET '/s/b/?q=%00'
expect_status 400 "… and in its query"
req POST /s/nope/cart/items -d product_id=1 -d qty=1
expect_status 404 "posting to an unknown store's cart is 404"
req POST /s/b/checkout -H 'Accept: application/json'
expect_4xx "an empty checkout post to store b is refused"

# ---- carts never mix ----
req POST /s/b/cart/items -c "$JAR" -b "$JAR" -d product_id=100 -d qty=2
expect_status 303 "adding to store b's cart answers 303"
expect_eq "$(location)" /s/b/cart "… to store b's cart"
expect_header '^set-cookie: cart_2=[0-9a-f]{64}; Path=/s/b/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax' \
    "store b's cart cookie has its own name and path"
req POST /cart/items -c "$JAR" -b "$JAR" -d product_id=1 -d qty=1
expect_header '^set-cookie: cart=[0-9a-f]{64}; Path=/;' "the default store's cart cookie is its own"
req GET /s/b/cart -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.cart.count' 2 "store b's cart holds its 2 items"
expect_jget 'b.cart.lines.map(l => l.sku).join()' B-BREAD "… and only store b's product"
expect_jget 'b.cart.currency' GBP "… priced in pounds"
req GET /cart -b "$JAR" -H 'Accept: application/json'
expect_jget 'b.cart.count' 1 "the default store's cart holds its 1 item"
expect_jget 'b.cart.lines.map(l => l.sku).join()' COF-ESP-250 "… and only the default store's product"
req GET /s/b/ -b "$JAR"
expect_body_has 'data-cart-count>2<' "store b's badge counts its own cart"

# A cart cookie of another store, sent by hand, is no cart here.
DEF_TOKEN=$(awk '$6 == "cart" { print $7 }' "$JAR")
B_TOKEN=$(awk '$6 == "cart_2" { print $7 }' "$JAR")
req GET /s/b/cart -H "Cookie: cart_2=$DEF_TOKEN" -H 'Accept: application/json'
expect_jget 'b.cart.count' 0 "the default store's cart named as store b's is refused"
req POST /s/b/cart/items -H "Cookie: cart_2=$DEF_TOKEN" -d product_id=101 -d qty=1
expect_status 303 "an add with a foreign cart cookie makes a new cart"
expect_header '^set-cookie: cart_2=' "… with a new cookie"
expect_eq "$(one "SELECT count(*) FROM cart_items ci JOIN carts c ON c.id = ci.cart_id
    WHERE c.token = '$DEF_TOKEN'")" 1 "… and leaves the default store's cart untouched"
req GET /cart -H "Cookie: cart=$B_TOKEN" -H 'Accept: application/json'
expect_jget 'b.cart.count' 0 "store b's cart named as the default store's is refused"

# Another store's product id: 422 with a message, nothing added.
req POST /s/b/cart/items -b "$JAR" -d product_id=1 -d qty=1
expect_status 422 "the default store's product posted to store b's cart is 422"
expect_body_has 'role="alert"' "… with a message on the cart page"
req POST /s/b/cart/items -b "$JAR" -H 'Accept: application/json' -d product_id=200 -d qty=1
expect_status 422 "store c's product posted to store b's cart is 422"
expect_body_has '"message":' "… with a message for JSON clients"
req POST /s/b/cart/items/1 -b "$JAR" -d qty=3
expect_status 422 "setting a foreign product's quantity is 422"
expect_eq "$(one "SELECT product_id FROM cart_items ci JOIN carts c ON c.id = ci.cart_id
    WHERE c.token = '$B_TOKEN' ORDER BY ci.product_id" | paste -sd,)" 100 "nothing of another store was added to store b's cart"

# ---- checkout at store b: pickup or delivery ----
req GET /s/b/cart -b "$JAR"
expect_body_has 'name="fulfilment" value="pickup" checked' "store b asks pickup or delivery, pickup first"
expect_body_has 'name="address"' "… with the address fields for delivery"
expect_body_has 'Uniquement pour la livraison' "… noted as only for delivery (no JS)"
expect_body_has 'src="/static/js/fulfilment.js' "a module hides the address while pickup is chosen"
if grep -qE '<script>|<script [^>]*>[^<]|<style| style=| on[a-z]+="' "$BODY"; then
	nok "no inline script or style on store b's cart"
else
	ok "no inline script or style on store b's cart"
fi
req GET /s/b/cart -b "$JAR" -H 'Accept: application/json'
FT=$(form_token)
req POST /s/b/checkout -b "$JAR" --data-urlencode "form_token=$FT" -d name=Léa \
    -d email=lea@example.com -d fulfilment=delivery
expect_status 422 "delivery without an address is 422"
expect_body_has 'id="co-address-err">Indiquez l’adresse de livraison' "the address error shows beside its field"
expect_body_has 'id="co-postcode-err">Indiquez le code postal' "… and the postcode's"
expect_body_has 'id="co-city-err">Indiquez la ville' "… and the city's"
expect_body_has 'value="delivery" checked' "the form comes back with delivery chosen"
req POST /s/b/checkout -b "$JAR" --data-urlencode "form_token=$FT" -d name=Léa \
    -d email=lea@example.com -d fulfilment=drone
expect_status 422 "an unknown fulfilment is 422"
expect_body_has 'Choisissez le retrait ou la livraison' "… said beside the choice"
expect_eq "$(one "SELECT count(*) FROM orders WHERE store_id = 2")" 0 "no order was written by the refusals"
B_MIN=$(TZ=Pacific/Kiritimati date +%H:%M)
req POST /s/b/checkout -b "$JAR" --data-urlencode "form_token=$FT" -d name=Léa \
    -d email=lea@example.com -d fulfilment=pickup -d address=Ignored -d postcode=1 -d city=X
expect_status 303 "a pickup checkout at store b answers 303"
B_LOC=$(location)
case $B_LOC in /s/b/orders/CMD-*\?t=*) ok "… to store b's order page" ;; *) nok "… to store b's order page" "$B_LOC" ;; esac
B_NUM=$(echo "$B_LOC" | sed 's|.*/orders/\([^?]*\)?.*|\1|')
expect_eq "$(one "SELECT store_id || ' ' || currency || ' ' || source || ' ' || fulfilment || ' [' ||
    address || postcode || city || '] ' || language || ' ' || total_cents FROM orders WHERE number = '$B_NUM'")" \
    "2 GBP web pickup [] fr 700" "the order is store b's, in pounds, from the web, pickup (no address kept), in French"
B_MIN2=$(TZ=Pacific/Kiritimati date +%H:%M)
req GET "$B_LOC"
expect_status 200 "store b's confirmation page answers"
expect_body_has 'Mardi–samedi 7 h–19 h' "it shows store b's opening hours"
expect_body_has '3 rue du Pain' "… and the pickup place"
expect_body_has 'Où la retirer' "… in French"
expect_body_has 'data-url="/s/b/orders/' "its status poll stays in the storefront"
if grep -qF ", $B_MIN" "$BODY" || grep -qF ", $B_MIN2" "$BODY" || grep -qF " $B_MIN" "$BODY" || grep -qF " $B_MIN2" "$BODY"; then
	ok "the time placed is in store b's zone"
else
	nok "the time placed is in store b's zone" "want $B_MIN: $(grep -o 'order.placed[^<]*<[^<]*<dd>[^<]*' "$BODY" | head -1)"
fi
req GET "/s/b/orders/$B_NUM/status?t=${B_LOC#*t=}"
expect_status 200 "its status answers under the storefront"
req GET "/orders/$B_NUM?t=${B_LOC#*t=}"
expect_status 404 "store b's order is not the default store's"
req GET "/s/c/orders/$B_NUM?t=${B_LOC#*t=}"
expect_status 404 "… nor store c's"

req POST /s/b/cart/items -c "$JAR" -b "$JAR" -d product_id=101 -d qty=3
req GET /s/b/cart -b "$JAR" -H 'Accept: application/json'
FT=$(form_token)
req POST /s/b/checkout -b "$JAR" -H 'Accept-Language: en' --data-urlencode "form_token=$FT" \
    -d name=Tom -d email=tom@example.com -d fulfilment=delivery -d 'address=12 <b>High</b> Street' \
    -d postcode='E1 6AN' -d city=London
expect_status 303 "a delivery checkout at store b answers 303"
D_LOC=$(location)
D_NUM=$(echo "$D_LOC" | sed 's|.*/orders/\([^?]*\)?.*|\1|')
expect_eq "$(one "SELECT fulfilment || '|' || address || '|' || postcode || '|' || city || '|' || language
    FROM orders WHERE number = '$D_NUM'")" "delivery|12 <b>High</b> Street|E1 6AN|London|en" \
    "the delivery order keeps its address and the reply's language"
req GET "$D_LOC" -H 'Accept-Language: en'
expect_body_has 'Delivery address' "the confirmation shows the delivery address"
expect_body_has '12 &lt;b&gt;High&lt;/b&gt; Street' "… escaped"
expect_body_lacks 'Where to collect it' "… and no pickup place"

# ---- store c: pickup only, the environment's defaults ----
C_JAR=$WORK/jar_c
req POST /s/c/cart/items -c "$C_JAR" -b "$C_JAR" -d product_id=200 -d qty=1
req GET /s/c/cart -b "$C_JAR"
expect_body_lacks 'name="fulfilment"' "a pickup-only store does not ask"
expect_body_lacks 'name="address"' "… nor for an address"
expect_body_lacks 'class="cart-summary__note"' "no VAT note where the store set none"
req GET /s/c/cart -b "$C_JAR" -H 'Accept: application/json'
FT=$(form_token)
req POST /s/c/checkout -b "$C_JAR" --data-urlencode "form_token=$FT" -d name=Ann \
    -d email=ann@example.com -d fulfilment=delivery -d address=X -d postcode=Y -d city=Z
expect_status 422 "delivery at a pickup-only store is 422"
expect_body_has 'Choose pickup or delivery, as this shop offers.' "… said in the form"
req POST /s/c/checkout -b "$C_JAR" --data-urlencode "form_token=$FT" -d name=Ann -d email=ann@example.com
expect_status 303 "a pickup-only store's checkout needs no choice"
C_NUM=$(location | sed 's|.*/orders/\([^?]*\)?.*|\1|')
expect_eq "$(one "SELECT store_id || ' ' || currency || ' ' || fulfilment || ' ' || language FROM orders WHERE number = '$C_NUM'")" \
    "3 EUR pickup en" "store c's order uses the environment's currency and language"

# ---- store d: delivery only, implicit ----
D_JAR=$WORK/jar_d
req POST /s/d/cart/items -c "$D_JAR" -b "$D_JAR" -d product_id=300 -d qty=1
req GET /s/d/cart -b "$D_JAR"
expect_body_lacks 'name="fulfilment"' "a delivery-only store does not ask either"
expect_body_has 'name="address"' "… but asks the address"
req GET /s/d/cart -b "$D_JAR" -H 'Accept: application/json'
FT=$(form_token)
req POST /s/d/checkout -b "$D_JAR" --data-urlencode "form_token=$FT" -d name=Ann -d email=ann@example.com
expect_status 422 "a delivery-only store needs the address"
req POST /s/d/checkout -b "$D_JAR" --data-urlencode "form_token=$FT" -d name=Ann -d email=ann@example.com \
    -d address='1 Main St' -d postcode=12345 -d city=Springfield
expect_status 303 "… and takes the order with it"
expect_eq "$(one "SELECT fulfilment || ' ' || city FROM orders WHERE store_id = 4")" "delivery Springfield" \
    "the delivery-only order is a delivery"

# ---- the JSON API per store ----
api() { req POST "$1" -H 'Content-Type: application/json' -H "Idempotency-Key: $2" --data "$3"; }
api /s/b/api/orders key-1 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"B-BREAD","qty":1}],"fulfilment":"delivery","delivery":{"address":"1 Main St","postcode":"SW1","city":"London"}}'
expect_status 201 "store b's API takes an order"
case $(location) in /s/b/orders/CMD-*) ok "its Location is under the storefront" ;; *) nok "its Location is under the storefront" "$(location)" ;; esac
expect_jget 'b.url.startsWith("/s/b/orders/")' true "its url too"
expect_jget 'b.currency' GBP "in store b's currency"
expect_jget 'b.fulfilment + " " + b.delivery.city + " " + b.source + " " + b.language' "delivery London api fr" \
    "with its fulfilment, address, source and language"
A_NUM=$(jget b.number)
expect_eq "$(one "SELECT store_id || ' ' || source FROM orders WHERE number = '$A_NUM'")" "2 api" "the API order is store b's, source api"
api /api/orders key-1 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 201 "the same key at the default store is another store's order"
expect_jget 'b.number != "'"$A_NUM"'"' true "… a different order"
expect_jget 'b.fulfilment + " " + b.delivery' "pickup null" "… picked up"
api /s/b/api/orders key-1 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"B-BREAD","qty":1}],"fulfilment":"delivery","delivery":{"address":"1 Main St","postcode":"SW1","city":"London"}}'
expect_status 200 "the same key again at store b replays its order"
expect_jget 'b.number' "$A_NUM" "… the same order"
api /s/b/api/orders key-2 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 422 "another store's sku at store b is 422"
api /s/b/api/orders key-3 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"B-BREAD","qty":1}],"fulfilment":"delivery","delivery":{"postcode":"SW1"}}'
expect_status 422 "an API delivery without address is 422"
expect_jget 'Object.keys(b.fields).sort().join()' "delivery.address,delivery.city" "… keyed by JSON path"
api /s/c/api/orders key-4 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"C-TEA","qty":1}],"fulfilment":"delivery"}'
expect_status 422 "an API delivery at a pickup-only store is 422"
expect_jget 'Object.keys(b.fields).join()' fulfilment "… on fulfilment"
expect_eq "$(one "SELECT count(*) FROM orders WHERE idempotency_key IN ('api:2:key-2', 'api:2:key-3', 'api:3:key-4')")" 0 \
    "no refused API order was written"

# ---- the legal page ----
req GET /s/b/legal
expect_status 200 "store b's legal page answers"
expect_body_has '&lt;script&gt;alert(1)&lt;/script&gt; Éditeur : SARL Pain' "the notice is shown escaped"
expect_body_lacks '<script>alert' "… never as markup"
expect_body_has 'class="legal-text__para">Hébergeur' "its paragraphs are kept"
expect_body_has 'Mardi–samedi' "it shows the opening hours"
expect_body_has 'mailto:bonjour@boulangerie.example' "… the contact"
expect_body_has 'Mentions légales' "… in French"
req GET /s/c/legal
expect_body_has 'This shop has not published a legal notice yet.' "an empty notice says so"
req GET /s/d/legal
expect_eq "$(grep -c 'class="legal-text__para"' "$BODY")" 2 "a notice written with CRLF keeps its two paragraphs"
expect_body_has 'same paragraph</p>' "… the first holding both its lines"
req GET /legal
expect_status 200 "the default store has its legal page at /legal"

# ---- admin: the order shows how it goes; admin pages keep the environment's zone ----
signin "$WORK/admin" admin@example.com correct-horse-battery
req GET "/admin/orders/$D_NUM" -b "$WORK/admin"
expect_status 200 "the admin sees the delivery order"
req GET "/admin/orders/$D_NUM" -b "$WORK/admin" -H 'Accept-Language: en'
expect_body_has 'E1 6AN' "the admin order page shows the delivery address"
post "$WORK/admin" "/admin/orders/$D_NUM/status" -d status=processing
post "$WORK/admin" "/admin/orders/$D_NUM/status" -d status=ready
expect_status 303 "staff marks the delivery order ready"
req GET "$D_LOC" -H 'Accept-Language: en'
expect_body_has 'data-status-badge>Out for delivery<' "a ready delivery reads \"Out for delivery\""
expect_body_has 'Out for delivery' "… in the statuses the page follows"
post "$WORK/admin" "/admin/orders/$B_NUM/status" -d status=processing
post "$WORK/admin" "/admin/orders/$B_NUM/status" -d status=ready
req GET "$B_LOC"
expect_body_has 'data-status-badge>Prête à retirer<' "a ready pickup still reads \"ready for pickup\""

# ---- under a base URL ----
kill -TERM -- "-$SERVER_PGID" 2>/dev/null; sleep 0.3
BASE_PATH=/shop start_app --base /shop
P_JAR=$WORK/jar_p
req GET /s/b/
expect_status 200 "store b answers under /shop/s/b/"
expect_body_has 'action="/shop/s/b/cart/items"' "its forms post under the base and the prefix"
expect_body_has 'href="/shop/static/css/shop.css' "its styles load under the base"
expect_body_has 'href="/shop/s/b/legal"' "its legal link has both"
req GET /s/b
expect_eq "$(location)" /shop/s/b/ "the 308 keeps the base"
req GET '/s/%2e%2e/' --path-as-is
expect_status 404 "a dot-segment slug under the base is 404"
req POST /s/b/cart/items -c "$P_JAR" -b "$P_JAR" -d product_id=100 -d qty=1
expect_eq "$(location)" /shop/s/b/cart "the 303 goes to /shop/s/b/cart"
expect_header '^set-cookie: cart_2=[0-9a-f]{64}; Path=/shop/s/b/;' "the cart cookie's path has the base"
req GET /s/b/cart -b "$P_JAR" -H 'Accept: application/json'
FT=$(form_token)
req POST /s/b/checkout -b "$P_JAR" --data-urlencode "form_token=$FT" -d name=Ann -d email=ann@example.com
case $(location) in /shop/s/b/orders/CMD-*) ok "checkout 303 under /shop/s/b" ;; *) nok "checkout 303 under /shop/s/b" "$(location)" ;; esac
api /s/b/api/orders key-9 '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"B-BREAD","qty":1}]}'
case $(location) in /shop/s/b/orders/CMD-*) ok "the API's Location under /shop/s/b" ;; *) nok "the API's Location under /shop/s/b" "$(location)" ;; esac

finish
