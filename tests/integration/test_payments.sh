#!/bin/bash
# test_payments.sh — payments at the till through a real lighttpd: two-step
# card and one-step cash (tendered, change), part payments adding up,
# settling, refunds and voids; every bad input of issue 14 about payments;
# the cancel rule; two cashiers racing; the JSON answers and the feed.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
ADM=$WORK/admin.jar STF=$WORK/staff.jar SEL=$WORK/seller.jar OTH=$WORK/other.jar
J=(-H 'Accept: application/json')

same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
N=0
place() {	# place SKU QTY: an order through the customer API; sets NUMBER
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: pay-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"Léa Caisse\",\"email\":\"lea$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$1\",\"qty\":$2}],\"notes\":\"\"}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY" | head -n 1)
}
paid_of() { sql "SELECT paid_cents FROM orders WHERE number = '$1'"; }
status_of() { sql "SELECT status FROM orders WHERE number = '$1'"; }
pay() { local jar=$1 num=$2; shift 2; post "$jar" "/admin/orders/$num/payments" "${J[@]}" "$@"; }
act() { post "$1" "/admin/orders/$2/payments/$3/$4" "${J[@]}"; }

"$CTL_BIN" --db "$DB" store add other "Other shop" >/dev/null || nok "ctl store add"
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store default >/dev/null
printf 'seller-password-1\n' | "$CTL_BIN" --db "$DB" user add seller@example.com --role seller --store default >/dev/null
printf 'other-password-1\n' | "$CTL_BIN" --db "$DB" user add other@example.com --role staff --store other >/dev/null
signin "$ADM" admin@example.com "$PW"
signin "$STF" staff@example.com staff-password-1
signin "$SEL" seller@example.com seller-password-1
signin "$OTH" other@example.com other-password-1

# ---- two steps on a card terminal, then cash for the rest in one step ----
place COF-ESP-250 2		# 25,80
A=$NUMBER
req GET /admin/api/since -b "$ADM" "${J[@]}"
HEAD=$(jget b.cursor)
pay "$STF" "$A" --data amount=10,00 --data method=card --data complete=0
expect_status 201 "a card payment started: 201"
expect_jget 'b.payment.status + " " + b.payment.method + " " + b.payment.amount_cents' "pending card 1000" "… pending, card, 10.00"
expect_jget 'JSON.stringify(Object.keys(b.payment).slice(0,4)) + JSON.stringify(Object.keys(b.order))' \
    '["id","amount_cents","method","status"]["number","status","total_cents","paid_cents","balance_cents"]' "… the answer's shape"
expect_jget 'b.order.paid_cents + " " + b.order.balance_cents' "0 2580" "… nothing paid yet"
P1=$(jget b.payment.id)
act "$STF" "$A" "$P1" complete
expect_status 200 "the terminal accepted it: complete 200"
expect_jget 'b.payment.status + " " + b.order.paid_cents + " " + b.order.balance_cents + " " + b.order.status' \
    "completed 1000 1580 pending" "… paid 10.00, 15.80 left, the order still open"
req GET "/admin/orders/$A" -b "$STF" "${J[@]}"
expect_jget 'b.paid_cents + " " + b.balance_cents + " " + b.payments.length + " " + b.payments[0].status' \
    "1000 1580 1 completed" "the order's JSON: payments, paid_cents, balance_cents"
req GET "/admin/orders" -b "$STF"
expect_body_has 'pay-badge--part' "the list shows the part-paid badge"
pay "$STF" "$A" --data method=cash --data tendered=20 --data complete=1
expect_status 201 "cash for the rest (amount defaults to the balance) in one step: 201"
expect_jget 'b.payment.amount_cents + " " + b.payment.status + " " + b.payment.change_cents' "1580 completed 420" \
    "… 15.80 taken, 4.20 change for a 20 note"
expect_jget 'b.order.status + " " + b.order.paid_cents + " " + b.order.balance_cents' "completed 2580 0" \
    "… the order is settled: completed, nothing left"
same "$(sql "SELECT type FROM order_events WHERE id > $HEAD ORDER BY id" | paste -sd,)" \
    "payment_created,payment_completed,payment_created,payment_completed,order_updated" \
    "the events: created+completed twice, then the order's own order_updated"
req GET "/admin/api/since?cursor=$HEAD" -b "$ADM" "${J[@]}"
expect_jget 'b.events.map(e => e.type + ":" + e.order.paid_cents).join(",")' \
    "payment_created:0,payment_completed:1000,payment_created:1000,payment_completed:2580,order_updated:2580" \
    "the feed carries paid_cents on every payment event"
expect_jget 'b.events[4].from + ">" + b.events[4].to' "pending>completed" "… and the settling order_updated says from/to"
expect_jget 'b.events.map(e => e.payment ? e.payment.status + "/" + e.payment.method + "/" + e.payment.amount_cents : "-").join(",")' \
    "pending/card/1000,completed/card/1000,pending/cash/1580,completed/cash/1580,-" "payment events carry their payment {id, amount_cents, method, status}"

# the same one step as a browser form: 303 back to the order, the change on the page
place MUG-STO-350 1		# 16,00
B=$NUMBER
post "$STF" "/admin/orders/$B/payments" --data amount=16 --data method=cash --data tendered=50 --data complete=1
expect_status 303 "a form payment: 303"
LOC=$(location)
[[ $LOC == /admin/orders/$B\?payment=* ]] && ok "… back to the order page" || nok "… back to the order page" "$LOC"
req GET "${LOC%%#*}" -b "$STF" -H 'Accept-Language: fr'
expect_body_has 'Rendez 34,00' "the page names the change to give (34,00 €) in French"
expect_body_has 'Payée' "… and the Paid badge"
req GET "/admin/orders/$B" -b "$STF" -H 'Accept-Language: en'
expect_body_has 'pay-badge--paid' "in English: the paid badge"
expect_body_has '>Paid</span>' "… reads Paid"

# ---- part payments add up; void and refund ----
place COF-ESP-250 1		# 12,90
C=$NUMBER
req GET "/admin/orders/$C" -b "$STF"
expect_body_has 'value="12.90"' "the take form is pre-filled with the open balance"
expect_body_has 'Unpaid' "… the order is Unpaid"
pay "$STF" "$C" --data amount=5.90 --data method=card --data complete=1
pay "$STF" "$C" --data amount=3 --data method=transfer --data complete=1
same "$(paid_of "$C")" 890 "two part payments add up (5.90 + 3.00)"
pay "$STF" "$C" --data amount=4 --data method=card
expect_status 201 "a third, pending"
P3=$(jget b.payment.id)
pay "$STF" "$C" --data amount=0,01 --data method=cash --data complete=1
expect_status 409 "the pending 4.00 reserves the rest: another cent is over the balance (409)"
expect_body_has "0.00" "… the message names what is open"
act "$STF" "$C" "$P3" void
expect_status 200 "void the pending one"
expect_jget 'b.payment.status' voided "… voided"
act "$STF" "$C" "$P3" complete
expect_status 409 "completing a voided payment: 409"
expect_body_has "Voided" "… the message names its status"
act "$STF" "$C" "$P3" refund
expect_status 409 "refunding a voided payment: 409"
P2=$(sql "SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.number = '$C' AND method = 'transfer'")
act "$STF" "$C" "$P2" refund
expect_status 200 "refund the transfer"
expect_jget 'b.payment.status + " " + b.order.paid_cents' "refunded 590" "… refunded, paid back to 5.90"
act "$STF" "$C" "$P2" refund
expect_status 409 "refunding twice: 409"
act "$STF" "$C" "$P2" complete
expect_status 409 "completing a refunded payment: 409"
req GET "/admin/api/since?cursor=$(sql "SELECT max(id) - 1 FROM order_events")" -b "$ADM" "${J[@]}"
expect_jget 'b.events.map(e => e.type + ":" + e.order.paid_cents).join(",")' "payment_refunded:590" "the refund's event carries the lowered paid_cents"

# ---- the cancel rule ----
post "$STF" "/admin/orders/$C/status" "${J[@]}" --data status=cancelled
expect_status 409 "cancelling an order with a payment received: 409"
expect_body_has "refund" "… the message says to refund first"
same "$(status_of "$C")" pending "… the order is still pending"
req GET "/admin/orders/$C" -b "$STF"
expect_body_lacks 'value="cancelled"' "the page offers no cancel button while paid"
P1C=$(sql "SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.number = '$C' AND p.status = 'completed'")
act "$STF" "$C" "$P1C" refund
pay "$STF" "$C" --data amount=2 --data method=card
PP=$(jget b.payment.id)
post "$STF" "/admin/orders/$C/status" "${J[@]}" --data status=cancelled
expect_status 200 "refunded: now the order can be cancelled"
same "$(sql "SELECT status FROM payments WHERE id = $PP")" voided "… its pending payment was voided with it"
pay "$STF" "$C" --data amount=1 --data method=cash
expect_status 409 "a payment on a cancelled order: 409"
expect_body_has "Cancelled" "… naming the order's status"
pay "$STF" "$A" --data amount=1 --data method=cash
expect_status 409 "a payment on a completed order: 409"

# ---- bad input ----
place COF-ESP-250 1
D=$NUMBER
for a in 0 -5 12,345 abc 1e3 '1 299,00' 12.999; do
	pay "$STF" "$D" --data-urlencode "amount=$a" --data method=cash
	expect_status 422 "amount '$a': 422"
	expect_jget 'Object.keys(b.fields).join()' amount "… on amount"
done
pay "$STF" "$D" --data amount=13 --data method=cash
expect_status 409 "above the balance (13.00 of 12.90): 409"
expect_body_has "12.90" "… naming the balance"
pay "$STF" "$D" --data amount=5 --data method=bitcoin
expect_status 422 "method bitcoin: 422"
expect_jget 'Object.keys(b.fields).join()' method "… on method"
pay "$STF" "$D" --data amount=5
expect_status 422 "no method: 422"
pay "$STF" "$D" --data amount=5 --data method=cash --data complete=2
expect_status 422 "complete=2: 422"
pay "$STF" "$D" --data amount=5 --data method=cash --data tendered=4 --data complete=1
expect_status 409 "cash handed over short of the amount: 409"
pay "$STF" "$D" --data amount=5 --data method=cash --data tendered=x
expect_status 422 "tendered x: 422"
req POST "/admin/orders/$D/payments" -b "$STF" "${J[@]}" --data amount=5 --data method=cash
expect_status 403 "without the CSRF token: 403"
pay "$SEL" "$D" --data amount=5 --data method=cash
expect_status 403 "a seller: 403"
pay "$OTH" "$D" --data amount=5 --data method=cash
expect_status 404 "another store's staff: 404"
act "$OTH" "$A" "$P1" refund
expect_status 404 "… refunding in another store: 404"
act "$STF" "$D" 999999 complete
expect_status 404 "an unknown payment: 404"
act "$STF" "$D" "$P1" complete
expect_status 404 "another order's payment: 404"
pay "$STF" CMD-20261130-ZZZZZZ --data amount=5 --data method=cash
expect_status 404 "an unknown order: 404"
same "$(sql "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.number = '$D'")" 0 \
    "none of the refused requests wrote a payment"

# ---- two cashiers racing ----
race() {	# race PATH ARGS…: two POSTs at once (admin and staff); sets CODES "a b" sorted
	local f1=$WORK/r1 f2=$WORK/r2
	curl -sS -o /dev/null -w '%{http_code}' -b "$ADM" "${J[@]}" -X POST "$BASE_URL$1" \
	    --data-urlencode "csrf=$(cat "$ADM.csrf")" "${@:2}" > "$f1" &
	local p1=$!
	curl -sS -o /dev/null -w '%{http_code}' -b "$STF" "${J[@]}" -X POST "$BASE_URL$1" \
	    --data-urlencode "csrf=$(cat "$STF.csrf")" "${@:2}" > "$f2" &
	local p2=$!
	wait "$p1" "$p2"
	CODES=$(printf '%s\n%s\n' "$(cat "$f1")" "$(cat "$f2")" | sort | tr '\n' ' ')
}
for round in 1 2 3 4 5; do
	place MUG-STO-350 1
	pay "$STF" "$NUMBER" --data method=card
	race "/admin/orders/$NUMBER/payments/$(jget b.payment.id)/complete"
	same "$CODES" "200 409 " "round $round: both complete the same payment at once — exactly one wins"
	same "$(paid_of "$NUMBER")/$(sql "SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = '$NUMBER' AND type = 'payment_completed'")" \
	    "1600/1" "… paid once, one payment_completed"
	place MUG-STO-350 1
	race "/admin/orders/$NUMBER/payments" --data method=cash --data complete=1
	same "$CODES" "201 409 " "round $round: both take the whole balance at once — exactly one wins"
	same "$(paid_of "$NUMBER")" 1600 "… paid never exceeds the total"
done

finish
