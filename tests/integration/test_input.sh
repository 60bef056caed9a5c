#!/bin/bash
# test_input.sh — hostile request bytes through a real lighttpd: NULs, bad
# percent-encodings, look-alike media types, empty fields; each refused with a
# 4xx and a message, nothing written.
. "$(dirname "$0")/lib.sh"
start_app

JAR=$WORK/admin.jar
orders() { sql 'SELECT count(*) FROM orders'; }
# api_order JSON KEY: POST /api/orders with the JSON body and Idempotency-Key KEY.
api_order() {
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: $2" \
	    --data "$1"
}

# ---- \u0000 in JSON: refused where the body is parsed, any string, any depth ----
GOOD='{"customer":{"name":"Ann","email":"ann@example.com","phone":"+33 1 23 45 67 89"},"items":[{"sku":"TEA-EGR-100","qty":1}],"notes":"ring"}'
before=$(orders)
i=0
for bad in \
    '{"customer":{"name":"Trunc\u0000ated","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1}]}' \
    '{"customer":{"name":"Ann","email":"ann@example.com\u0000.evil"},"items":[{"sku":"TEA-EGR-100","qty":1}]}' \
    '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1}],"notes":"ring\u0000 twice"}' \
    '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100\u0000x","qty":1}]}' \
    '{"customer":{"name":"Ann","email":"ann@example.com","na\u0000me":"x"},"items":[{"sku":"TEA-EGR-100","qty":1}]}' \
    '{"customer\u0000":{"name":"Ann","email":"ann@example.com"},"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1}]}' \
    '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1,"x":[[{"\u0000":1}]]}]}'; do
	i=$((i + 1))
	api_order "$bad" "nul-$i"
	expect_status 400 "\\u0000 in an API order (case $i) is 400"
	expect_body_has '"error":"bad_request"' "... named bad_request (case $i)"
	expect_body_has 'NUL' "... and the message says why (case $i)"
done
[ "$(orders)" = "$before" ] && ok "no order stored from a body with \\u0000" ||
    nok "no order stored from a body with \\u0000" "$before -> $(orders)"
api_order '{"customer":{"name":"Ann \\u0000","email":"ann@example.com"},"items":[{"sku":"TEA-EGR-100","qty":1}]}' nul-escaped
expect_status 201 'an escaped backslash before u0000 is not a NUL'
api_order "$GOOD" nul-good
expect_status 201 "the same order without \\u0000 is 201"

req POST /admin/login -c "$JAR" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{\"email\":\"admin@example.com\",\"password\":\"$ORDERSYNC_ADMIN_PASSWORD\\u0000junk\"}"
expect_status 400 "a JSON password cut by \\u0000 is 400, not a sign-in"
expect_body_lacks '"ok":true' "... and does not sign in"
req POST /admin/login -c "$JAR" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{\"email\":\"admin@example.com\",\"password\":\"$ORDERSYNC_ADMIN_PASSWORD\"}"
expect_status 200 "the JSON sign-in without \\u0000 works"
req GET /admin/orders -b "$JAR"
CSRF=$(sed -n 's/.*data-csrf="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1)
ORDER=$(sql "SELECT number FROM orders WHERE status = 'pending' ORDER BY id LIMIT 1")
req POST "/admin/orders/$ORDER/status" -b "$JAR" -H "X-CSRF-Token: $CSRF" \
    -H 'Accept: application/json' -H 'Content-Type: application/json' \
    --data '{"status":"processing\u0000junk"}'
expect_status 400 "a JSON status cut by \\u0000 is 400"
[ "$(sql "SELECT status FROM orders WHERE number = '$ORDER'")" = pending ] &&
    ok "... and the order keeps its status" || nok "... and the order keeps its status"

# ---- NUL through the other doors: form, query, path ----
req POST /api/orders -H 'Idempotency-Key: nul-form' -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'customer=A%00B'
expect_status 400 "%00 in a form body is 400"
req POST /admin/login --data 'email=admin%40example.com&password=correct-horse-battery%00junk'
expect_status 400 "%00 in a form password is 400"
req GET '/orders/CMD-20260101-AAAAAA?t=ab%00cd'
expect_status 400 "%00 in a query value is 400"
req GET '/?a%00b=1'
expect_status 400 "%00 in a query name is 400"
req GET '/orders/CMD-20260101%00-AAAAAA'
expect_status 400 "%00 in a path parameter is 400"

# ---- a malformed percent-encoding anywhere in the query: 400 ----
# lighttpd hands the app QUERY_STRING re-encoded (%zz as %25zz); the request
# line (REQUEST_URI) keeps what the client sent.
for u in '/?q=%zz' '/cart?x=%G1' '/cart?x=1&y=%4' '/healthz?q=%' '/healthz?%zz' '/orders/CMD-20260101-AAAAAA?t=ab&x=%g0'; do
	req GET "$u"
	expect_status 400 "$u is 400"
	expect_body_has 'percent-encoding' "... and says why ($u)"
done
req GET '/?q=%zz' -H 'Accept: application/json'
expect_body_has '"error":"bad_request"' "a bad query is bad_request for JSON clients"
for u in '/?q=%41%2B%2b+x' '/healthz?a=%C3%A9&b=' '/cart?x=%25zz'; do
	req GET "$u"
	expect_status 200 "$u (well-formed) is 200"
done

# ---- POST /cart/items: an empty or missing quantity is 422, not one item ----
CART=$WORK/cart.jar
req POST /cart/items -c "$CART" -b "$CART" -d product_id=1 -d qty=2
expect_status 303 "a cart with two of product 1"
cart_qty() { sql "SELECT coalesce(sum(qty), 0) FROM cart_items"; }
before=$(cart_qty)
for form in 'product_id=2&qty=' 'product_id=2' 'product_id=2&qty=%20' 'qty=&product_id=2'; do
	req POST /cart/items -b "$CART" --data "$form"
	expect_status 422 "add with '$form' is 422"
	expect_body_has 'Choose a quantity from 1 to 99' "... with the quantity's message ($form)"
done
for body in '{"product_id":2}' '{"product_id":2,"qty":""}' '{"product_id":2,"qty":null}'; do
	req POST /cart/items -b "$CART" -H 'Accept: application/json' \
	    -H 'Content-Type: application/json' --data "$body"
	expect_status 422 "add with $body is 422"
	expect_body_has 'Choose a quantity from 1 to 99' "... with the quantity's message ($body)"
done
[ "$(cart_qty)" = "$before" ] && ok "nothing was added to the cart" ||
    nok "nothing was added to the cart" "$before -> $(cart_qty)"
req POST /cart/items -b "$CART" -d product_id=2 -d qty=1
expect_status 303 "add with qty=1 still works"

# ---- only application/json (and parameters) is JSON; a look-alike is 415 ----
for ct in 'application/jsonx' 'application/json-patch+json' 'application/jsonp; charset=utf-8' \
    'text/json' 'application/json,text/plain' 'application/x-www-form-urlencodedx'; do
	req POST /api/orders -H "Content-Type: $ct" -H "Idempotency-Key: ct-$RANDOM" --data "$GOOD"
	expect_status 415 "Content-Type: $ct is 415"
	expect_body_has 'application/json' "... and names the types accepted ($ct)"
done
n=0
for ct in 'application/json' 'Application/JSON' 'application/json;charset=utf-8' \
    'application/json ; charset="utf-8"' 'APPLICATION/json	;charset=UTF-8'; do
	n=$((n + 1))
	req POST /api/orders -H "Content-Type: $ct" -H "Idempotency-Key: ct-ok-$n" --data "$GOOD"
	expect_status 201 "Content-Type: $ct is JSON"
done
req POST /cart/items -b "$CART" -H 'Content-Type: application/x-www-form-urlencodedx' \
    --data 'product_id=2&qty=1'
expect_status 415 "a look-alike form type is 415"

finish
