#!/bin/bash
# test_lookup.sh — GET/POST /orders/lookup: number + email → the order page; every miss the same 404; throttled per address.
. "$(dirname "$0")/lib.sh"
start_app

# expect_eq GOT WANT DESCRIPTION
expect_eq() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
api() { req POST "$1" -H 'Content-Type: application/json' -H "Idempotency-Key: $2" --data "$3"; }
# lookup PATH NUMBER EMAIL [curl args]: posts the look-up form.
lookup() {
	local path=$1 number=$2 email=$3
	shift 3
	req POST "$path" --data-urlencode "number=$number" --data-urlencode "email=$email" "$@"
}

sql <<EOF
INSERT INTO stores (id, slug, name, language) $OVERRIDE VALUES (2, 'b', 'Boulangerie Bé', 'fr');
INSERT INTO products (id, store_id, sku, name, price_cents, stock) $OVERRIDE VALUES
    (100, 2, 'B-BREAD', 'Pain de campagne', 350, 20);
EOF
sql_sync_ids stores products

api /api/orders key-1 '{"customer":{"name":"Ann","email":"Ann.Lee@Example.com"},"items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 201 "an order in the default store"
NUM=$(jget 'b.number')
URL=$(jget 'b.url')
api /s/b/api/orders key-2 '{"customer":{"name":"Bea","email":"bea@example.com"},"items":[{"sku":"B-BREAD","qty":1}]}'
expect_status 201 "an order in store b"
NUM_B=$(jget 'b.number')
URL_B=$(jget 'b.url')

# ---- the form ----
req GET /orders/lookup
expect_status 200 "GET /orders/lookup shows the form"
expect_body_has 'name="number"' "with a number field"
expect_body_has 'name="email"' "and an email field"
expect_body_has 'action="/orders/lookup"' "posting to itself"
req GET /
expect_body_has 'href="/orders/lookup"' "the shop's footer links to it"
expect_body_has 'Lost your order link?' "in words"
req GET /s/b/
expect_body_has 'href="/s/b/orders/lookup"' "a storefront's footer links to its own look-up"
req GET /s/b/orders/lookup
expect_status 200 "GET /s/b/orders/lookup shows the form"
expect_body_has 'action="/s/b/orders/lookup"' "posting under the storefront"
expect_body_has 'Retrouver votre commande' "in the store's language"
req GET /orders/lookup -H 'Accept-Language: fr'
expect_body_has 'Numéro de commande' "French labels for a French browser"

# ---- a match ----
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com"
expect_status 303 "number and email → 303"
expect_eq "$(location)" "$URL" "to the order page with its token"
req GET "$(location)"
expect_status 200 "and that page works"
expect_body_has "$NUM" "it shows the order"
lookup /orders/lookup "  $(echo "$NUM" | tr 'A-Z' 'a-z') " "ann.lee@example.COM"
expect_status 303 "a lower-case, padded number and an email in another case match too"
expect_eq "$(location)" "$URL" "the same order page"
lookup /s/b/orders/lookup "$NUM_B" "bea@example.com"
expect_status 303 "store b's order under /s/b/"
expect_eq "$(location)" "$URL_B" "to its page under the storefront"
req GET "$(location)"
expect_status 200 "which works"

# ---- every miss the same ----
lookup /orders/lookup "$NUM" "someone@example.com"
expect_status 404 "a wrong email → 404"
cp "$BODY" "$WORK/miss-email"
expect_body_has 'No order matches this number and email address' "saying no order matches"
lookup /orders/lookup "CMD-20200101-ZZZZZZ" "Ann.Lee@Example.com"
expect_status 404 "a wrong number → 404"
cp "$BODY" "$WORK/miss-number"
lookup /orders/lookup "CMD-20200101-ZZZZZZ" "someone@example.com"
expect_status 404 "both wrong → 404"
cp "$BODY" "$WORK/miss-both"
lookup /orders/lookup "$NUM_B" "bea@example.com"
expect_status 404 "store b's order under the default store's route → 404"
cp "$BODY" "$WORK/miss-store"
lookup /orders/lookup "not a number at all" "x@y"
expect_status 404 "a number of another shape → 404 too"
cp "$BODY" "$WORK/miss-shape"
for f in miss-number miss-both miss-store miss-shape; do
	if cmp -s "$WORK/miss-email" "$WORK/$f"; then
		ok "$f: the body is byte for byte the wrong email's"
	else
		nok "$f: the body is byte for byte the wrong email's" "$(diff "$WORK/miss-email" "$WORK/$f" | head -5)"
	fi
done
if grep -qF -- "$NUM" "$WORK/miss-email" || grep -qF 'someone@example.com' "$WORK/miss-email"; then
	nok "the miss page echoes nothing that was posted"
else
	ok "the miss page echoes nothing that was posted"
fi
lookup /orders/lookup "$NUM" "someone@example.com" -H 'Accept: application/json'
expect_status 404 "a JSON client gets the 404 too"
expect_jget 'b.error' not_found "as {error: not_found}"

# ---- bad input ----
req POST /orders/lookup --data-urlencode "email=ann@example.com"
expect_status 422 "no number → 422"
expect_body_has 'Enter the order number' "with a message"
req POST /orders/lookup --data-urlencode "number=$NUM"
expect_status 422 "no email → 422"
lookup /orders/lookup "$(printf 'C%.0s' $(seq 41))" "ann@example.com"
expect_status 422 "a 41-character number → 422"
lookup /orders/lookup "$NUM" "$(printf 'a%.0s' $(seq 250))@example.com"
expect_status 422 "a 262-character email → 422"
req POST /orders/lookup --data "number=$NUM%00&email=ann.lee%40example.com"
expect_status 400 "a NUL byte → 400"
expect_body_lacks "$URL" "and no order link"
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com" -H 'Origin: https://evil.example'
expect_status 403 "a post from another site → 403"
expect_body_has 'This form must be sent from the shop' "with a message saying why"
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com" -H 'Sec-Fetch-Site: cross-site'
expect_status 403 "Sec-Fetch-Site: cross-site → 403"
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com" -H "Origin: $BASE_URL" -H 'Sec-Fetch-Site: same-origin'
expect_status 303 "a same-origin post with Origin and Fetch-Metadata → 303"

# ---- the throttle, per address ----
# Six misses so far from 127.0.0.1 (the matches, 422s, 400 and 403s do not count).
expect_eq "$(sql "SELECT count(*) FROM login_attempts WHERE email = 'lookup:127.0.0.1' AND ok = 0")" 6 \
    "six failed look-ups counted so far"
for i in 7 8 9 10; do
	lookup /orders/lookup "$NUM" "guess-$i@example.com"
done
expect_status 404 "the 10th miss from one address is still a 404"
lookup /orders/lookup "$NUM" "guess-11@example.com"
expect_status 429 "the 11th look-up from that address → 429"
expect_header '^Retry-After: [0-9]+$' "with Retry-After"
expect_body_has 'Too many tries' "and a page saying so"
RA=$(tr -d '\r' < "$HEADERS" | sed -n 's/^Retry-After: //p')
if [ "${RA:-0}" -gt 0 ] && [ "${RA:-0}" -le 900 ]; then ok "Retry-After within the 15 min window ($RA s)"; else nok "Retry-After within the window" "$RA"; fi
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com"
expect_status 429 "even the right pair waits: the throttle decides first"
lookup /orders/lookup "$NUM" "Ann.Lee@Example.com" --interface 127.0.0.2
expect_status 303 "another address is not affected"
expect_eq "$(location)" "$URL" "and finds the order"
expect_eq "$(sql "SELECT count(*) FROM login_attempts WHERE email LIKE 'lookup:%' AND addr = '' AND device = ''")" \
    "$(sql "SELECT count(*) FROM login_attempts WHERE email LIKE 'lookup:%'")" \
    "look-ups are kept under their own key, never an address a sign-in counts"
expect_eq "$(sql "SELECT count(*) FROM login_attempts WHERE email = 'lookup:127.0.0.1' AND ok = 0")" 10 \
    "ten failures recorded for the address, the refused ones not"
req GET /orders/lookup
expect_status 200 "the form still shows while throttled"

finish
