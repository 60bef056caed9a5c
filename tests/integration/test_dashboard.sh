#!/bin/bash
# test_dashboard.sh — the dashboard (GET /admin) and its stats (GET /admin/api/stats) in money through a real lighttpd: takings, left to collect, the week, best sellers, low stock, scope.
#
# The payment routes are not on this branch: payments are written with SQL
# that matches what cgi/db_payments.c writes (an INSERT of the payment with
# store_id copied from its order, the status change with completed_at /
# refunded_at, and orders.paid_cents kept in the same transaction; an order
# its payments cover moves to completed). Orders and products go through
# the customer API and ordersyncctl.
. "$(dirname "$0")/lib.sh"
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
start_app

JAR=$WORK/admin.jar
STAFF=$WORK/staff.jar
SB=$WORK/staffb.jar

# expect_json EXPR WANT DESCRIPTION [...]: checks of the JSON body (b), one Node process.
expect_json() {
	local got
	while [ $# -ge 3 ]; do
		got=$(jget "$1")
		if [ "$got" = "$2" ]; then ok "$3"; else nok "$3" "$1 = $got, want $2"; fi
		shift 3
	done
}

# place PREFIX SKU QTY: an order through the customer API (PREFIX "" or /s/slug); sets NUMBER.
N=0
place() {
	N=$((N + 1))
	req POST "$1/api/orders" -H 'Content-Type: application/json' -H "Idempotency-Key: dash-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"Dash $N\",\"email\":\"d$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$2\",\"qty\":$3}],\"notes\":\"\"}"
	[ "$STATUS" = 201 ] && ok "order $N ($2 x $3) placed" || nok "order $N ($2 x $3) placed" "$STATUS $(head -c 200 "$BODY")"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY")
}

# paid NUMBER CENTS STATUS [COMPLETED_AT [REFUNDED_AT]]: a payment as db_payments.c
# leaves it (refunded: taken, which may complete the order, then given back).
paid() {
	local now completed refunded delta
	now=$(date +%s)
	completed=${4:-$now}
	refunded=${5:-NULL}
	[ "$3" = pending ] && completed=NULL
	delta=0 back=0
	[ "$3" != pending ] && delta=$2		# completed, or completed then refunded
	[ "$3" = refunded ] && back=$2		# a refund lowers paid_cents; the order stays completed
	sql "$SQL_BEGIN;
	    INSERT INTO payments (store_id, order_id, amount_cents, method, status, created_at,
	        updated_at, completed_at, refunded_at)
	        SELECT store_id, id, $2, 'cash', '$3', $now, $now, $completed, $refunded
	        FROM orders WHERE number = '$1';
	    UPDATE orders SET paid_cents = paid_cents + $delta, updated_at = $now WHERE number = '$1';
	    UPDATE orders SET status = 'completed' WHERE number = '$1'
	        AND status IN ('pending', 'processing', 'ready') AND paid_cents >= total_cents;
	    UPDATE orders SET paid_cents = paid_cents - $back WHERE number = '$1';
	    COMMIT;" && ok "payment of $2 ($3) on $1 written" || nok "payment of $2 ($3) on $1 written"
}

# ---- products and a second store ----
"$CTL_BIN" --db "$DB" product add DASH-A "Dash apricot jam" 10.00 50 --low 3 >/dev/null
"$CTL_BIN" --db "$DB" product add DASH-B "Dash buckwheat flour" 4.00 4 --low 2 >/dev/null
"$CTL_BIN" --db "$DB" product add DASH-C "Dash chestnut cream" 2.50 100 --low 3 >/dev/null
"$CTL_BIN" --db "$DB" store add lyon "Lyon" >/dev/null
"$CTL_BIN" --db "$DB" product add LYON-Z "Lyon praline" 99.99 10 --store lyon >/dev/null
printf 'staff-default-pw-1\n' | "$CTL_BIN" --db "$DB" user add staff.d@example.com --role staff --store default >/dev/null
printf 'staff-lyon-pw-1\n' | "$CTL_BIN" --db "$DB" user add staff.l@example.com --role staff --store lyon >/dev/null

admin_login "$JAR" admin@example.com "$ORDERSYNC_ADMIN_PASSWORD"
expect_status 303 "admin signs in"
admin_login "$STAFF" staff.d@example.com staff-default-pw-1
expect_status 303 "the default store's staff sign in"
admin_login "$SB" staff.l@example.com staff-lyon-pw-1
expect_status 303 "Lyon's staff sign in"

# ---- orders, no money yet: order totals are not takings ----
place "" DASH-A 3; O1=$NUMBER		# 30.00
place "" DASH-B 2; O2=$NUMBER		# 8.00, leaves 2 of DASH-B: low
place "" DASH-C 1; O3=$NUMBER		# 2.50
place "" DASH-C 2; O4=$NUMBER		# 5.00
place /s/lyon LYON-Z 1; OL=$NUMBER	# 99.99 in Lyon
req GET /admin/api/stats -b "$STAFF"
expect_status 200 "stats answer"
expect_json \
    'b.today.orders' 4 "four orders today in the default store" \
    'b.today.takings_cents' 0 "no payment: no takings, whatever the orders' totals" \
    'b.today.revenue_cents' 0 "revenue is the takings (v2)" \
    'b.left_to_collect_cents' $((3000 + 800 + 250 + 500)) "everything is left to collect" \
    'b.week.takings_cents' 0 "no takings this week"

# ---- payments ----
NOW=$(date +%s)
paid "$O1" 1000 completed		# part of O1
paid "$O2" 800 completed		# all of O2: completed
paid "$O3" 250 pending			# a card terminal still waiting: not money
paid "$O4" 500 refunded "$((NOW - 5))" "$NOW"	# taken and given back today
paid "$OL" 9999 completed		# Lyon's
same "$(sql "SELECT status FROM orders WHERE number = '$O2'")" completed "a paid order is completed"
same "$(sql "SELECT status || ' ' || paid_cents FROM orders WHERE number = '$O4'")" "completed 0" "a refunded order stays completed, paid 0"

req GET /admin/api/stats -b "$STAFF"
expect_json \
    'b.today.takings_cents' $((1000 + 800 + 500 - 500)) "takings: completed payments minus today's refund; the pending one does not count" \
    'b.today.revenue_cents' 1800 "revenue_cents is the same takings" \
    'b.today.takings' '€18.00' "written in the store's currency" \
    'b.week.takings_cents' 1800 "this week's takings hold today's" \
    'b.left_to_collect_cents' $((3000 - 1000 + 250)) "left to collect: the rest of O1 and O3 (a pending payment is not money)" \
    'b.left_to_collect' '€22.50' "left to collect, written" \
    'b.pending' 2 "pending orders" \
    'b.best_sellers.map(x => x.sku + ":" + x.qty + ":" + x.amount_cents).join(",")' \
        'DASH-A:3:3000,DASH-C:3:750,DASH-B:2:800' "best sellers by quantity, then amount; Lyon's not among them" \
    'b.low_stock.map(x => x.sku + ":" + x.stock).join(",")' 'DASH-B:2' "low stock: the product at or below its threshold" \
    '"url" in b.low_stock[0]' false "staff may not run the catalog: no link" \
    'typeof b.polls_per_minute' number "the system figures stay" \
    'typeof b.admins_polling' number "… staff watching too"
req GET /admin/api/stats -b "$SB"
expect_json \
    'b.today.takings_cents' 9999 "Lyon's staff: Lyon's takings only" \
    'b.left_to_collect_cents' 0 "Lyon's order is paid" \
    'b.best_sellers.map(x => x.sku).join(",")' LYON-Z "Lyon's best seller" \
    'b.low_stock.length' 0 "nothing low in Lyon"
req GET /admin/api/stats -b "$JAR"
expect_json \
    'b.today.takings_cents' $((1800 + 9999)) "every store: both stores' takings (both in euros)" \
    'b.low_stock[0].url' "/admin/products/$(sql "SELECT id FROM products WHERE sku = 'DASH-B'")" "the admin's low-stock line links to the product"

# ---- the dashboard page, without JavaScript ----
req GET /admin -b "$STAFF"
expect_status 200 "the dashboard"
expect_body_has 'data-stat="takings">€18.00<' "the page shows today's takings"
expect_body_has 'data-stat="left_to_collect">€22.50<' "… left to collect"
expect_body_has 'data-stat="week_takings">€18.00<' "… this week's takings"
expect_body_has 'Today’s takings' "… under its name"
expect_body_has 'Dash apricot jam' "… the week's best seller"
expect_body_has 'Dash buckwheat flour' "… the low-stock product"
expect_body_lacks 'Lyon praline' "… never another store's product"
expect_body_has '<details class="card system-panel">' "the technical figures sit in a System panel"
before=$(grep -o 'data-stat="takings"' "$BODY" | head -n 1)
[ -n "$before" ] && awk '/data-stat="takings"/{t=NR} /data-stat="polls_per_minute"/{p=NR} END{exit !(t && p && t < p)}' "$BODY" &&
    ok "the money comes before the system figures" || nok "the money comes before the system figures"
req GET /admin -b "$STAFF" -H 'Accept-Language: fr'
expect_body_has 'Encaissé aujourd’hui' "in French: Encaissé aujourd’hui"
expect_body_has 'Reste à encaisser' "… Reste à encaisser"
expect_body_has 'Meilleures ventes de la semaine' "… Meilleures ventes de la semaine"
expect_body_has 'data-stat="takings">18,00' "… the takings written the French way"

finish
