#!/bin/bash
# test_checkout_race.sh — checkouts racing for the last items: no overselling, no duplicate orders.
. "$(dirname "$0")/lib.sh"
start_app

# ---- 50 API orders for a product with stock 10 ----
sql "UPDATE products SET stock = 10 WHERE sku = 'GFT-BOX-01'"
mkdir -p "$WORK/race"
for i in $(seq 1 50); do
	curl -sS -o "$WORK/race/$i.body" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -H "Idempotency-Key: race-$i" \
	    --data "{\"customer\":{\"name\":\"Racer $i\",\"email\":\"r$i@example.com\"},\"items\":[{\"sku\":\"GFT-BOX-01\",\"qty\":1}]}" \
	    "$BASE_URL/api/orders" > "$WORK/race/$i.status" 2>/dev/null &
done
wait
created=$(cat "$WORK"/race/*.status | grep -o 201 | wc -l)
refused=$(cat "$WORK"/race/*.status | grep -o 409 | wc -l)
[ "$created" = 10 ] && ok "50 racing API orders: exactly 10 created" || nok "50 racing API orders: exactly 10 created" "created $created"
[ "$refused" = 40 ] && ok "… and the other 40 are 409" || nok "… and the other 40 are 409" "409: $refused; all: $(cat "$WORK"/race/*.status)"
[ "$(sql "SELECT stock FROM products WHERE sku = 'GFT-BOX-01'")" = 0 ] && ok "the stock is 0, never below" || nok "the stock is 0, never below"
n=$(sql "SELECT count(*) FROM order_items WHERE sku = 'GFT-BOX-01'")
[ "$n" = 10 ] && ok "10 orders hold the product" || nok "10 orders hold the product" "$n"
n=$(sql "SELECT count(DISTINCT number) FROM orders")
[ "$n" = 10 ] && ok "10 distinct order numbers" || nok "10 distinct order numbers" "$n"
n=$(sql "SELECT count(*) FROM order_events WHERE type = 'order_created'")
[ "$n" = 10 ] && ok "10 order_created events" || nok "10 order_created events" "$n"
n=$(sql "SELECT count(*) FROM (SELECT id FROM order_events ORDER BY id) e")
m=$(sql "SELECT max(id) - min(id) + 1 FROM order_events")
[ "$n" = "$m" ] && ok "event ids have no gap" || nok "event ids have no gap" "$n vs $m"
[ "$(db_intact)" = ok ] && ok "integrity_check ok" || nok "integrity_check ok"

# ---- 20 browser carts checking out at once for stock 5 ----
sql "UPDATE products SET stock = 5 WHERE sku = 'KET-GOO-1L'"
for i in $(seq 1 20); do
	jar=$WORK/race/jar$i
	curl -sS -o /dev/null -c "$jar" -b "$jar" -d product_id=7 -d qty=1 "$BASE_URL/cart/items"
	curl -sS -b "$jar" -H 'Accept: application/json' "$BASE_URL/cart" |
	    grep -o '"form_token":"[0-9a-f]*"' | cut -d'"' -f4 > "$WORK/race/ft$i"
done
for i in $(seq 1 20); do
	curl -sS -o /dev/null -w '%{http_code}' -b "$WORK/race/jar$i" \
	    --data-urlencode "form_token=$(cat "$WORK/race/ft$i")" -d "name=Web $i" \
	    -d "email=w$i@example.com" "$BASE_URL/checkout" > "$WORK/race/web$i.status" 2>/dev/null &
done
wait
created=$(cat "$WORK"/race/web*.status | grep -o 303 | wc -l)
refused=$(cat "$WORK"/race/web*.status | grep -o 409 | wc -l)
[ "$created" = 5 ] && ok "20 racing web checkouts: exactly 5 orders" || nok "20 racing web checkouts: exactly 5 orders" "303: $created; all: $(cat "$WORK"/race/web*.status)"
[ "$refused" = 15 ] && ok "… and 15 are 409" || nok "… and 15 are 409" "$refused"
[ "$(sql "SELECT stock FROM products WHERE sku = 'KET-GOO-1L'")" = 0 ] && ok "the kettle's stock is 0" || nok "the kettle's stock is 0"

# ---- one form posted 5 times at once (double clicks), in 5 rounds ----
# Five rounds, because the twins' race (one commits and rotates the cart's
# token while another is between its checks) only shows some of the time.
before=$(sql "SELECT count(*) FROM orders")
bad_codes= bad_locs=
for r in $(seq 1 5); do
	jar=$WORK/race/dup$r
	curl -sS -o /dev/null -c "$jar" -b "$jar" -d product_id=3 -d qty=2 "$BASE_URL/cart/items"
	ft=$(curl -sS -b "$jar" -H 'Accept: application/json' "$BASE_URL/cart" | grep -o '"form_token":"[0-9a-f]*"' | cut -d'"' -f4)
	for i in $(seq 1 5); do
		curl -sS -o /dev/null -D "$WORK/race/dup$r-$i.h" -w '%{http_code}' -b "$jar" \
		    --data-urlencode "form_token=$ft" -d name=Dup -d email=dup@example.com \
		    "$BASE_URL/checkout" > "$WORK/race/dup$r-$i.status" 2>/dev/null &
	done
	wait
	codes=$(cat "$WORK"/race/dup$r-*.status)
	[ "$codes" = 303303303303303 ] || bad_codes="$bad_codes round $r: $codes;"
	locs=$(cat "$WORK"/race/dup$r-*.h | tr -d '\r' | grep -i '^location:' | sort -u | wc -l)
	[ "$locs" = 1 ] || bad_locs="$bad_locs round $r: $locs locations;"
done
n=$(( $(sql "SELECT count(*) FROM orders") - before ))
[ "$n" = 5 ] && ok "the same form_token 5 times at once, 5 rounds: 1 order each" || nok "the same form_token 5 times at once, 5 rounds: 1 order each" "$n orders"
[ -z "$bad_codes" ] && ok "… all 25 answered 303" || nok "… all 25 answered 303" "$bad_codes"
[ -z "$bad_locs" ] && ok "… each round to one order" || nok "… each round to one order" "$bad_locs"
[ "$(sql "SELECT stock FROM products WHERE sku = 'TEA-EGR-100'")" = 20 ] && ok "… taking the stock once per round" || nok "… taking the stock once per round"

# ---- one API key sent 5 times at once ----
for i in $(seq 1 5); do
	curl -sS -o "$WORK/race/key$i.body" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -H 'Idempotency-Key: same-key' \
	    --data '{"customer":{"name":"Key","email":"k@example.com"},"items":[{"sku":"MUG-STO-350","qty":1}]}' \
	    "$BASE_URL/api/orders" > "$WORK/race/key$i.status" 2>/dev/null &
done
wait
n=$(sql "SELECT count(*) FROM orders WHERE idempotency_key = 'api:same-key'")
[ "$n" = 1 ] && ok "the same Idempotency-Key 5 times at once: 1 order" || nok "the same Idempotency-Key 5 times at once: 1 order" "$n"
codes=$(cat "$WORK"/race/key*.status)
c201=$(echo "$codes" | grep -o 201 | wc -l); c200=$(echo "$codes" | grep -o 200 | wc -l)
[ "$c201" = 1 ] && [ "$c200" = 4 ] && ok "… one 201 and four 200" || nok "… one 201 and four 200" "$codes"
numbers=$(grep -ho '"number":"[^"]*"' "$WORK"/race/key*.body | sort -u | wc -l)
[ "$numbers" = 1 ] && ok "… all naming the same order" || nok "… all naming the same order" "$numbers"

[ "$(db_intact)" = ok ] && ok "integrity_check ok at the end" || nok "integrity_check ok at the end"
if grep -qE 'ERROR: AddressSanitizer|runtime error' "$WORK/srv/error.log"; then
	nok "no sanitizer report in the app's log"
else
	ok "no sanitizer report in the app's log"
fi
finish
