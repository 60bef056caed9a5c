#!/bin/bash
# test_counter.sh — counter orders keyed in by sellers (GET/POST /admin/orders/new),
# through a real lighttpd: the no-JavaScript form (sku/qty pairs) and the JSON
# body, the checkout's transaction rules (re-price, stock, 409 naming the
# product, one order for a double submit), source counter and created_by, the
# store of the user (a seller's forged store field → 403), and the cashier's
# feed naming the seller.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
stock() { sql "SELECT stock FROM products WHERE store_id = ${2:-1} AND sku = '$1'"; }
norders() { sql "SELECT count(*) FROM orders"; }
nevents() { sql "SELECT count(*) FROM order_events"; }
token_of() { sed -n 's/.*name="form_token" value="\([0-9a-f]*\)".*/\1/p' "$BODY" | head -n 1; }
# page JAR: GET the counter page; sets TOKEN to its one-time form token.
page() { req GET /admin/orders/new -b "$1"; TOKEN=$(token_of); }
# counter JAR [curl args]: a form post of the counter page with the jar's CSRF token.
counter() { local jar=$1; shift; post "$jar" /admin/orders/new "$@"; }
# counter_json JAR BODY [curl args]: the JSON body, as a program posts it.
counter_json() {
	local jar=$1 body=$2
	shift 2
	req POST /admin/orders/new -b "$jar" -H "X-CSRF-Token: $(cat "$jar.csrf")" \
	    -H 'Content-Type: application/json' -H 'Accept: application/json' --data "$body" "$@"
}
# nothing_written BEFORE-ORDERS BEFORE-EVENTS DESCRIPTION
nothing_written() {
	same "$(norders)/$(nevents)" "$1/$2" "$3: nothing written"
}

# ---- people and stores ----
"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null
sql "UPDATE stores SET currency = 'GBP' WHERE slug = 'b'"
printf 'lea-password-1\n' | "$CTL_BIN" --db "$DB" user add lea@example.com --role seller --store default >/dev/null
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add cash@example.com --role staff --store default >/dev/null
printf 'sellb-password-1\n' | "$CTL_BIN" --db "$DB" user add seller.b@example.com --role seller --store b >/dev/null
LEA_ID=$(sql "SELECT id FROM users WHERE email = 'lea@example.com'")
SB=$(sql "SELECT id FROM stores WHERE slug = 'b'")
sql "INSERT INTO products (store_id, sku, name, description, price_cents, stock, active)
     VALUES ($SB, 'B-ONLY', 'Store B scarf', '', 2500, 5, 1)"
sql "UPDATE products SET active = 0 WHERE store_id = 1 AND sku = 'PRS-FRN-08'"

LEA=$WORK/lea.jar CASH=$WORK/cash.jar ALL=$WORK/all.jar SELB=$WORK/selb.jar
signin "$LEA" lea@example.com lea-password-1
signin "$CASH" cash@example.com staff-password-1
signin "$ALL" admin@example.com "$PW"
signin "$SELB" seller.b@example.com sellb-password-1

# ---- not signed in ----
req GET /admin/orders/new
expect_status 303 "not signed in: GET /admin/orders/new → 303"
case "$(location)" in */admin/login*) ok "… to the sign-in page";; *) nok "… to the sign-in page" "$(location)";; esac
O0=$(norders) E0=$(nevents)
req POST /admin/orders/new -d sku=COF-ESP-250 -d qty=1
expect_status 303 "not signed in: POST → 303 to sign in"
nothing_written "$O0" "$E0" "not signed in"

# ---- the page ----
page "$LEA"
expect_status 200 "a seller opens the counter page"
expect_body_has 'name="qty"' "… a quantity field per product"
expect_body_has 'COF-ESP-250' "… the store's products by SKU"
expect_body_lacks 'PRS-FRN-08' "… not its inactive ones"
expect_body_lacks 'B-ONLY' "… nor another store's"
[[ $TOKEN =~ ^[0-9a-f]{32}$ ]] && ok "… a one-time form token" || nok "… a one-time form token" "'$TOKEN'"
expect_body_has 'static/js/counter.js' "… and its script module"
req GET /admin/orders -b "$CASH"
expect_body_has '/admin/orders/new' "the cashier's order list links to a new counter order"
req GET /admin/orders -b "$LEA"
expect_body_has '/admin/orders/new' "the seller's pages link to the counter"

# ---- the page's form posted as a browser without JavaScript posts it ----
# Every field of the form, in order, as a browser sends them (disabled ones
# left out); the first product's quantity set to 1 (arg: its SKU).
browser_form() {
	python3 - "$BODY" "$1" <<'PY'
import html.parser, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.f = []; s.inform = False
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == 'form' and a.get('id') == 'counter-form': s.inform = True
        if s.inform and tag in ('input', 'textarea') and a.get('name') and 'disabled' not in a:
            s.f.append([a['name'], a.get('value', '')])
    def handle_endtag(s, tag):
        if tag == 'form': s.inform = False
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
last = None
for kv in p.f:
    if kv[0] == 'sku': last = kv[1]
    if kv[0] == 'qty' and last == sys.argv[2]: kv[1] = '1'
print(urllib.parse.urlencode([tuple(kv) for kv in p.f]))
PY
}
sql "UPDATE products SET stock = 0 WHERE store_id = 1 AND sku = 'GRN-HND-01'"
page "$LEA"
expect_body_has 'Hand grinder' "a sold-out product is listed"
O0=$(norders)
FORM=$(browser_form MUG-STO-350)
req POST /admin/orders/new -b "$LEA" --data "$FORM"
expect_status 303 "the page's own form, one quantity set, a sold-out product listed → 303"
same "$(norders)/$(stock MUG-STO-350)" "$((O0 + 1))/17" "… one order, one mug taken"
sql "UPDATE products SET stock = 8 WHERE store_id = 1 AND sku = 'GRN-HND-01'"
sql "UPDATE products SET stock = 18 WHERE store_id = 1 AND sku = 'MUG-STO-350'"
page "$LEA"
# A shop with a long catalog: 120 more products, the page's whole form (two
# fields a product) still goes through without JavaScript.
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 120)
    INSERT INTO products (store_id, sku, name, price_cents, stock)
    SELECT 1, 'BULK-' || $(sql_zpad i 3), 'Bulk item ' || $(sql_zpad i 3), 100, 5 FROM c"
page "$LEA"
O0=$(norders)
FORM=$(browser_form BULK-077)
req POST /admin/orders/new -b "$LEA" --data "$FORM"
expect_status 303 "a catalog of 128 products, the whole no-JS form → 303"
same "$(norders)/$(sql "SELECT stock FROM products WHERE sku = 'BULK-077'")" "$((O0 + 1))/4" "… one order, the one item taken"
sql "UPDATE products SET active = 0 WHERE sku LIKE 'BULK-%'"
page "$LEA"

# ---- a seller keys an order (form) ----
req GET /admin/api/since -b "$CASH"
HEAD=$(jget b.cursor) EPOCH=$(jget b.epoch)
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=2 -d sku=MUG-STO-350 -d qty=0 \
    -d sku=TEA-EGR-100 -d qty=1 --data-urlencode 'name=Élodie Martin' --data-urlencode 'notes=Paid at the till'
expect_status 303 "the seller's form (sku/qty pairs) → 303"
NUMBER=$(location | sed -n 's|.*/admin/orders/\(CMD-[0-9A-Z-]*\)$|\1|p')
[[ $NUMBER =~ ^CMD- ]] && ok "… to /admin/orders/{number}" || nok "… to /admin/orders/{number}" "$(location)"
same "$(sql "SELECT source || '|' || created_by || '|' || store_id || '|' || email || '|' || total_cents || '|' || items_count || '|' || currency || '|' || fulfilment || '|' || customer_name FROM orders WHERE number = '$NUMBER'")" \
    "counter|$LEA_ID|1||3430|3|EUR|pickup|Élodie Martin" "the order: source counter, created_by the seller, her store, re-priced, pickup"
same "$(stock COF-ESP-250)/$(stock MUG-STO-350)/$(stock TEA-EGR-100)" "38/18/29" "stock taken for the ordered lines only (qty 0 = not ordered)"
same "$(sql "SELECT $(sql_json_text payload order.created_by_name) || '|' || $(sql_json_text payload order.source) FROM order_events WHERE type = 'order_created' AND order_id = (SELECT id FROM orders WHERE number = '$NUMBER')")" \
    "lea|counter" "order_created event carries the seller's name and source"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH" -b "$CASH"
expect_jget "b.events.filter(e => e.type === 'order_created').map(e => e.order.number + ' ' + e.order.source + ' ' + e.order.created_by_name).join()" \
    "$NUMBER counter lea" "the cashier's feed shows the counter order with the seller's name"

# ---- double submit: one order ----
O0=$(norders)
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=2 -d sku=TEA-EGR-100 -d qty=1
expect_status 303 "the same form again (double submit) → 303"
same "$(location | sed -n 's|.*/admin/orders/||p')" "$NUMBER" "… to the same order"
same "$(norders)/$(stock COF-ESP-250)" "$O0/38" "… no second order, no second stock take"

# ---- JSON body ----
page "$LEA"
O0=$(norders)
counter_json "$LEA" '{"items":[{"sku":"GFT-BOX-01","qty":1}],"notes":"JSON"}' -H "Idempotency-Key: till-7-$TOKEN"
expect_status 201 "the /api/orders body, customer left out → 201"
expect_jget "b.order.source + ' ' + b.order.total_cents + ' ' + b.order.items.length" "counter 8999 1" "… {\"order\": …} re-priced, source counter"
JNUM=$(jget b.order.number)
counter_json "$LEA" '{"items":[{"sku":"GFT-BOX-01","qty":1}],"notes":"JSON"}' -H "Idempotency-Key: till-7-$TOKEN"
expect_status 200 "the same Idempotency-Key again → 200"
expect_jget b.order.number "$JNUM" "… the same order"
same "$(norders)/$(stock GFT-BOX-01)" "$((O0 + 1))/9" "… one order, one stock take"
counter_json "$LEA" '{"customer":{"name":"Paul","email":"paul@example.com","phone":"06 12 34 56 78"},"items":[{"sku":"COF-FIL-500","qty":2}]}'
expect_status 201 "a JSON body with a customer → 201"
expect_jget "b.order.customer.email + ' ' + b.order.total_cents" "paul@example.com 3780" "… the customer kept"
same "$(sql "SELECT created_by FROM orders WHERE number = '$(jget b.order.number)'")" "$LEA_ID" "… created_by the seller"

# ---- bad inputs: 4xx, nothing written ----
page "$LEA"
O0=$(norders) E0=$(nevents) S0=$(stock COF-ESP-250)
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=0 -d sku=TEA-EGR-100 -d qty=0
expect_status 422 "quantities all 0 (nothing ordered) → 422"
expect_body_has 'Nothing is ordered' "… saying so"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=100
expect_status 422 "qty 100 → 422"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=-1
expect_status 422 "qty -1 → 422"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1.5
expect_status 422 "qty 1.5 → 422"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=60 -d sku=COF-ESP-250 -d qty=40
expect_status 422 "one SKU twice adding up to 100 → 422"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1 -d sku=PRS-FRN-08 -d qty=1
expect_status 422 "an inactive product → 422"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1 -d sku=B-ONLY -d qty=1
expect_status 422 "another store's SKU → 422"
expect_body_has 'B-ONLY' "… naming it"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d qty=1
expect_status 422 "a qty without its sku → 422"
counter "$LEA" -d sku=COF-ESP-250 -d qty=1
expect_status 422 "no form token → 422"
counter_json "$LEA" '{"items":[{"sku":"COF-ESP-250","qty":100}]}'
expect_status 422 "JSON qty 100 → 422"
expect_jget "Object.keys(b.fields).join()" "items[0].qty" "… the field named by its JSON path"
counter_json "$LEA" '{"items":[]}'
expect_status 422 "JSON with no items → 422"
counter_json "$LEA" '{"customer":{"email":"not-an-email"},"items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 422 "JSON with a bad email → 422"
expect_jget "Object.keys(b.fields).join()" "customer.email" "… naming customer.email"
counter_json "$LEA" '{"items":[{"sku":"PRS-FRN-08","qty":1}]}'
expect_status 422 "JSON: an inactive product → 422"
counter_json "$LEA" '[{"sku":"COF-ESP-250","qty":1}]'
expect_status 422 "JSON: an array for a body → 422"
counter_json "$LEA" '{"customer":"Kim","items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 422 "JSON: a customer that is not an object → 422"
counter_json "$LEA" '{"items":[{"sku":"COF-ESP-250","qty":1}],"store":"b"}'
expect_status 403 "JSON: a seller naming another store → 403"
nothing_written "$O0" "$E0" "every refusal above"
same "$(stock COF-ESP-250)" "$S0" "… stock untouched"

# Out of stock: 409 naming the product, the good line undone too.
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1 -d sku=KET-GOO-1L -d qty=7 \
    --data-urlencode 'name=Kim'
expect_status 409 "more than the stock → 409"
expect_body_has 'Gooseneck kettle, 1 l' "… the page names the short product"
expect_body_has 'value="7"' "… and keeps the quantities typed"
expect_body_has 'value="Kim"' "… and the customer typed"
same "$(stock COF-ESP-250)/$(stock KET-GOO-1L)" "$S0/6" "… no stock taken, not even the good line's"
counter_json "$LEA" '{"items":[{"sku":"KET-GOO-1L","qty":9}]}'
expect_status 409 "JSON: out of stock → 409"
expect_jget "b.error + ' ' + b.product + ' ' + b.available" "out_of_stock Gooseneck kettle, 1 l 6" "… {error, product, available}"
nothing_written "$O0" "$E0" "out of stock"

# CSRF.
req POST /admin/orders/new -b "$LEA" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1
expect_status 403 "no CSRF token → 403"
req POST /admin/orders/new -b "$LEA" -d csrf=0000 --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1
expect_status 403 "a wrong CSRF token → 403"
nothing_written "$O0" "$E0" "CSRF refusals"

# ---- stores ----
# A one-store seller cannot pick another store: a store field naming
# another store is refused (403), not silently ignored; their own is fine.
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d store=b -d sku=B-ONLY -d qty=1
expect_status 403 "a seller forging store=b → 403"
req GET "/admin/orders/new?store=b" -b "$LEA"
expect_status 403 "… the page for store b too"
nothing_written "$O0" "$E0" "the forged store"
counter "$LEA" --data-urlencode "form_token=$TOKEN" -d store=default -d sku=MUG-STO-350 -d qty=1
expect_status 303 "the seller naming her own store → 303"
same "$(sql "SELECT store_id FROM orders ORDER BY id DESC LIMIT 1")" "1" "… in her store"
page "$SELB"
expect_body_has 'B-ONLY' "store B's seller sees store B's products"
expect_body_lacks 'COF-ESP-250' "… not the default store's"
counter "$SELB" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1
expect_status 422 "store B's seller and a default-store SKU → 422"
counter "$SELB" --data-urlencode "form_token=$TOKEN" -d sku=B-ONLY -d qty=2
expect_status 303 "store B's seller keys an order of its product"
same "$(sql "SELECT store_id || ' ' || currency || ' ' || total_cents FROM orders ORDER BY id DESC LIMIT 1")" "$SB GBP 5000" "… in store B, in its currency"
same "$(stock B-ONLY "$SB")" "3" "… store B's stock taken"

# Every-store admins choose the store (default: the default store).
req GET /admin/orders/new -b "$ALL"
expect_body_has '<select id="c-store" name="store"' "an every-store admin gets the store select"
req GET "/admin/orders/new?store=b" -b "$ALL"
expect_body_has 'B-ONLY' "… ?store=b lists store B's products"
TOKEN=$(token_of)
counter "$ALL" --data-urlencode "form_token=$TOKEN" -d store=b -d sku=B-ONLY -d qty=1
expect_status 303 "… and keys an order in store B"
same "$(sql "SELECT store_id || ' ' || source FROM orders ORDER BY id DESC LIMIT 1")" "$SB counter" "… recorded in store B"
counter "$ALL" --data-urlencode "form_token=$TOKEN" -d store=nowhere -d sku=B-ONLY -d qty=1
expect_status 422 "… an unknown store → 422"
page "$ALL"
counter "$ALL" --data-urlencode "form_token=$TOKEN" -d sku=COF-ESP-250 -d qty=1
expect_status 303 "… no store field: the default store"
same "$(sql "SELECT store_id FROM orders ORDER BY id DESC LIMIT 1")" "1" "… recorded in the default store"

finish
