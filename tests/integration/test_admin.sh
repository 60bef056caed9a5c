#!/bin/bash
# test_admin.sh — the back office through a real lighttpd, mounted under /shop:
# sign-in, sessions, CSRF, pages, status changes, store scoping, throttling.
BASE_PATH=/shop
. "$(dirname "$0")/lib.sh"
start_app --base /shop

JAR=$WORK/admin.jar
STAFF=$WORK/staff.jar
PW=$ORDERSYNC_ADMIN_PASSWORD

expect_json() {
	local res desc detail
	while IFS=$'\t' read -r res desc detail; do
		if [ "$res" = ok ]; then ok "$desc"; else nok "$desc" "$detail"; fi
	done < <(node -e '
const fs = require("fs");
const a = process.argv.slice(1);
let b, text = fs.readFileSync(a[0], "utf8");
try { b = JSON.parse(text); } catch (e) { b = undefined; }
for (let i = 1; i + 2 < a.length + 1; i += 3) {
  let got;
  try { const v = eval(a[i]); got = typeof v === "object" ? JSON.stringify(v) : String(v); }
  catch (e) { got = "<" + e.message + ">"; }
  if (got === a[i + 1]) console.log("ok\t" + a[i + 2]);
  else console.log("nok\t" + a[i + 2] + "\t" + a[i] + " = " + got + ", want " + a[i + 1]);
}' "$BODY" "$@")
}
expect_location() {
	local got
	got=$(location)
	if [ "$got" = "$1" ]; then ok "$2"; else nok "$2" "Location: $got, want $1"; fi
}
csrf_of() { sed -n 's/.*data-csrf="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1; }
login() { admin_login "$@"; }	# login JAR EMAIL PASSWORD [NEXT]: the form, then the POST
N=0
place() {	# place SKU QTY: an order through the customer API; sets NUMBER
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: adm-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"Zoé Martin\",\"email\":\"zoe@example.com\",\"phone\":\"+33 6 12 34 56 78\"},\"items\":[{\"sku\":\"$1\",\"qty\":$2}],\"notes\":\"Ring twice\"}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY")
}

# ---- without a session ----
req GET /admin/orders
expect_status 303 "orders page without a session: 303"
expect_location "/shop/admin/login?next=/admin/orders" "... to the login page, under the mount prefix"
req GET '/admin/orders?status=pending&page=1'
expect_location "/shop/admin/login?next=/admin/orders%3Fstatus%3Dpending%26page%3D1" "next keeps the query"
req GET /admin
expect_status 303 "dashboard without a session: 303"
expect_location "/shop/admin/login?next=/admin" "... back to the dashboard after"
req GET /admin/orders/CMD-20261121-ABCDEF
expect_status 303 "order page without a session: 303"
req POST /admin/orders/CMD-20261121-ABCDEF/status --data "status=processing"
expect_status 303 "status form without a session: 303"
for p in /admin/api/since /admin/api/stats '/admin/api/since?cursor=0'; do
	req GET "$p"
	expect_status 401 "$p without a session: 401"
	expect_header '^content-type: application/json' "$p 401 is JSON"
done
req GET /admin/orders -H 'Accept: application/json'
expect_status 401 "a JSON client gets 401, not a login page"
req GET /admin/orders -b "ordersync_admin=0000000000000000000000000000000000000000000000000000000000000000"
expect_status 303 "an unknown session token: 303"
expect_header '^set-cookie: ordersync_admin=; Path=/shop/admin; Max-Age=0' "... and the dead cookie is cleared"

# ---- the login page ----
req GET '/admin/login?next=/admin/orders'
expect_status 200 "login page"
expect_body_has 'action="/shop/admin/login"' "the form posts under the prefix"
expect_body_has 'name="next" value="/admin/orders"' "the form carries next"
expect_body_has 'autocomplete="current-password"' "password field is labelled for managers"
expect_body_has '<label for="login-email">' "fields have labels"
expect_body_has 'href="/shop/static/css/admin.css' "styles under the prefix"
req GET '/admin/login?next=//evil.example/x'
expect_body_has 'name="next" value=""' "a foreign next is dropped from the form"
req GET /admin/login -H 'Accept-Language: fr-FR,fr;q=0.9'
expect_body_has 'Mot de passe' "the login page speaks French"
expect_body_has '<html lang="fr">' "... and says so"

# ---- signing in ----
login "$JAR" admin@example.com wrong-password
expect_status 401 "wrong password: 401"
expect_body_has 'do not match' "wrong password: a clear message"
expect_body_has 'value="admin@example.com"' "the email stays filled in"
login "$JAR" nobody@example.com "$PW"
expect_status 401 "unknown email: 401, the same answer"
expect_body_has 'do not match' "unknown email: the same message"
login "$JAR" admin@example.com ""
expect_status 422 "missing password: 422"
req POST /admin/login -H 'Sec-Fetch-Site: cross-site' --data-urlencode "email=admin@example.com" \
    --data-urlencode "password=$PW"
expect_status 403 "a sign-in posted from another site: 403"
login "$JAR" admin@example.com "$PW"
expect_status 303 "good credentials: 303"
expect_location "/shop/admin/orders" "... to the order list"
expect_header '^set-cookie: ordersync_admin=[0-9a-f]{64}; Path=/shop/admin; Max-Age=43200; HttpOnly; SameSite=Lax' \
    "session cookie: random, HttpOnly, SameSite=Lax, 12 h, admin path"
if tr -d '\r' < "$HEADERS" | grep -qi '^set-cookie:.*secure'; then nok "no Secure flag without ORDERSYNC_SECURE_COOKIES"; else ok "no Secure flag without ORDERSYNC_SECURE_COOKIES"; fi
FIRST_TOKEN=$(awk '$6 == "ordersync_admin" { print $7 }' "$JAR")
login "$JAR" ADMIN@example.com "$PW" "/admin/orders?status=pending"
expect_location "/shop/admin/orders?status=pending" "next brings you back (email case-insensitive)"
NEW_TOKEN=$(awk '$6 == "ordersync_admin" { print $7 }' "$JAR")
[ "$NEW_TOKEN" != "$FIRST_TOKEN" ] && ok "a new token at each sign-in" || nok "a new token at each sign-in"
req GET /admin/orders -b "ordersync_admin=$FIRST_TOKEN"
expect_status 303 "signing in again ended the session the browser had"
for evil in //evil.example https://evil.example/ '/\evil.example' 'javascript:alert(1)'; do
	login "$JAR" admin@example.com "$PW" "$evil"
	expect_location "/shop/admin/orders" "no open redirect to $evil"
done
req GET /admin/login -b "$JAR"
expect_status 303 "the login page sends a signed-in admin on"

# ---- pages ----
req GET /admin/orders -b "$JAR"
expect_status 200 "order list"
expect_body_has '<noscript><meta http-equiv="refresh" content="30"></noscript>' "without JS the list reloads every 30 s"
expect_body_has 'data-epoch="' "the page embeds the feed epoch"
expect_body_has 'data-cursor="0"' "the page embeds the feed cursor"
expect_body_has 'data-feed-url="/shop/admin/api/since"' "the feed URL has the prefix"
expect_body_has '<script type="module" src="/shop/static/js/admin.js' "one module script, under the prefix"
expect_body_lacks '<script>' "no inline script"
expect_body_lacks 'style=' "no inline style"
expect_body_has 'aria-live="polite"' "an aria-live region for announcements"
expect_body_has "<noscript><p class=\"live-bar__nojs\">This page refreshes itself every 30$(printf '\302\240')s.</p></noscript>" \
    "without JS the live bar says the list reloads every 30 s"
expect_body_has 'id="orders-summary" data-from="1"' "the summary says where the page starts (the browser keeps it true)"
expect_header '^cache-control: no-store' "admin pages are not cached"
CSRF=$(csrf_of)
[ ${#CSRF} = 64 ] && ok "the page has a CSRF token" || nok "the page has a CSRF token"
req GET /admin -b "$JAR"
expect_status 200 "dashboard"
expect_body_has '<noscript><meta http-equiv="refresh" content="60"></noscript>' "without JS the dashboard reloads every 60 s"
expect_body_has "every 60$(printf '\302\240')s.</p></noscript>" "... and its live bar says so"
expect_body_has '<svg class="chart"' "an inline SVG chart"
n=$(grep -o 'class="chart__bar' "$BODY" | wc -l)
[ "$n" = 24 ] && ok "24 bars, one per hour" || nok "24 bars, one per hour" "$n"

sql "UPDATE products SET stock = 40 WHERE sku = 'COF-ESP-250'"
place COF-ESP-250 3
expect_status 201 "an order through the customer API"
ORDER=$NUMBER
[ "$(sql "SELECT stock FROM products WHERE sku = 'COF-ESP-250'")" = 37 ] && ok "checkout took the stock" || nok "checkout took the stock"
req GET /admin/orders -b "$JAR"
expect_body_has "$ORDER" "the new order is listed"
expect_body_has 'Zoé Martin' "with its customer"
expect_body_has '€38.70' "with its total, formatted"
expect_body_has 'badge--pending' "with its status"
req GET /admin/orders -b "$JAR" -H 'Accept: application/json'
expect_status 200 "the list as JSON"
expect_json \
    'b.orders.length' 1 "one order in the JSON list" \
    'b.orders[0].number' "$ORDER" "the JSON list names it" \
    'b.orders[0].total_cents' 3870 "in cents" \
    'b.filters.find((f) => f.status === "pending").count' 1 "status counts for the filters" \
    'b.summary_from' 1 "where the page starts, for the summary"
req GET "/admin/orders/$ORDER" -b "$JAR"
expect_status 200 "order detail"
expect_body_has 'COF-ESP-250' "detail lists the items"
expect_body_has 'Ring twice' "detail shows the customer's notes"
expect_body_has 'Order placed' "detail shows the event history"
expect_body_has "action=\"/shop/admin/orders/$ORDER/status\"" "the status forms post under the prefix"
req GET "/admin/orders/$ORDER" -b "$JAR" -H 'Accept-Language: fr'
expect_body_has "Commande $ORDER" "the detail page in French"
expect_body_has "$(printf '38,70\302\240€')" "French price format (no-break space)"
expect_body_has 'En attente' "French status name"
expect_body_lacks 'live-bar__nojs' "a page without a meta refresh does not claim one"
req GET '/admin/orders?status=completed' -b "$JAR" -H 'Accept-Language: fr'
expect_body_has '<span class="filter__label">Terminées</span>' "French filter chips say the orders' status in the plural, like « Toutes »"
expect_body_has '<span class="filter__label">Annulées</span>' "… « Annulées » too"
expect_body_has 'class="admin-head__sub">Terminées</span>' "the heading names the filter in the plural"
req GET /admin/orders/CMD-20261121-NOPE00 -b "$JAR"
expect_status 404 "unknown order: 404"
req GET /admin/orders/not-a-number -b "$JAR"
expect_status 404 "malformed number: 404"
req GET '/admin/orders?status=shipped' -b "$JAR"
expect_status 400 "unknown status filter: 400"
req GET '/admin/orders?page=0' -b "$JAR"
expect_status 400 "page 0: 400"
req GET '/admin/orders?status=cancelled' -b "$JAR"
expect_body_has 'No orders with this status.' "an empty filter says so"

# ---- CSRF ----
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=processing"
expect_status 403 "status change without a CSRF token: 403"
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=processing&csrf=$(printf '%064d' 0)"
expect_status 403 "with a wrong CSRF token: 403"
req POST /admin/logout -b "$JAR" --data ""
expect_status 403 "logout without a CSRF token: 403"
req POST "/admin/orders/$ORDER/status" -b "$JAR" -H "X-CSRF-Token: $CSRF" -H 'Accept: application/json' \
    -H 'Content-Type: application/json' --data '{"status":"processing"}'
expect_status 200 "the X-CSRF-Token header works for JSON clients"
expect_json 'b.from + ">" + b.status' "pending>processing" "the JSON answer says what changed"

# ---- status changes ----
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=pending&csrf=$CSRF"
expect_status 409 "processing -> pending: 409"
expect_body_has 'cannot become' "409 explains"
req POST "/admin/orders/$ORDER/status" -b "$JAR" -H 'Accept: application/json' --data "status=processing&csrf=$CSRF"
expect_status 409 "processing -> processing: 409"
expect_json 'b.error' bad_transition "409 JSON names the error"
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=shipped&csrf=$CSRF"
expect_status 400 "unknown status: 400"
req POST /admin/orders/CMD-20261121-NOPE00/status -b "$JAR" --data "status=processing&csrf=$CSRF"
expect_status 404 "unknown order: 404"
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=cancelled&csrf=$CSRF&return_to=//evil.example"
expect_status 303 "cancel: 303"
expect_location "/shop/admin/orders/$ORDER?changed=cancelled" "back to the detail page (never to another site)"
[ "$(sql "SELECT stock FROM products WHERE sku = 'COF-ESP-250'")" = 40 ] && ok "cancelling restored the stock" \
    || nok "cancelling restored the stock"
req GET "/admin/orders/$ORDER?changed=cancelled" -b "$JAR"
expect_body_has 'the order is now Cancelled' "the detail page confirms the change"
expect_body_has 'Processing → Cancelled' "the history shows from and to"
expect_body_lacks 'Yes, cancel the order' "no action left on a cancelled order"
req POST "/admin/orders/$ORDER/status" -b "$JAR" --data "status=completed&csrf=$CSRF"
expect_status 409 "cancelled -> completed: 409"
place TEA-EGR-100 1
req POST "/admin/orders/$NUMBER/status" -b "$JAR" --data "status=processing&csrf=$CSRF&return_to=/admin/orders"
expect_location "/shop/admin/orders" "the list's one-click step comes back to the list"
req POST "/admin/orders/$NUMBER/status" -b "$JAR" --data "status=completed&csrf=$CSRF"
expect_location "/shop/admin/orders/$NUMBER?changed=completed" "processing -> completed"

# ---- a store's staff ----
"$CTL_BIN" --db "$DB" store add lyon "Lyon" >/dev/null
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store lyon >/dev/null
now=$(date +%s) jo=$(sql_json_object)
sql "INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, currency,
      items_count, access_token, created_at, updated_at)
    SELECT id, 'CMD-20261121-LYON01', 'pending', 'Client Lyon', 'l@example.com', 1234, 'EUR', 1, 't',
      $now, $now FROM stores WHERE slug = 'lyon';
    INSERT INTO order_events (store_id, order_id, type, payload, created_at)
    SELECT store_id, id, 'order_created', $jo('order', $jo('number', number)),
      created_at FROM orders WHERE number = 'CMD-20261121-LYON01';"
login "$STAFF" staff@example.com staff-password-1
expect_status 303 "staff sign in"
req GET /admin/orders -b "$STAFF"
expect_body_has 'CMD-20261121-LYON01' "staff see their store's orders"
expect_body_lacks "$ORDER" "staff never see another store's orders"
expect_body_has 'Lyon' "the header names their store"
SCSRF=$(csrf_of)
req GET "/admin/orders/$ORDER" -b "$STAFF"
expect_status 404 "another store's order: 404 for staff"
req POST "/admin/orders/$ORDER/status" -b "$STAFF" --data "status=processing&csrf=$SCSRF"
expect_status 404 "another store's order cannot be changed by staff"
req GET /admin -b "$STAFF"
expect_body_lacks "$ORDER" "the staff dashboard lists their store only"
req GET /admin/orders -b "$JAR"
expect_body_has 'CMD-20261121-LYON01' "the all-stores admin sees every store"
expect_body_has 'class="store-tag"' "... with the store named on each row"

# ---- signing out ----
TOKEN=$(awk '$6 == "ordersync_admin" { print $7 }' "$JAR")
req POST /admin/logout -b "$JAR" -c "$JAR" --data "csrf=$CSRF"
expect_status 303 "logout: 303"
expect_location "/shop/admin/login?out=1" "... to the login page"
expect_header '^set-cookie: ordersync_admin=; Path=/shop/admin; Max-Age=0' "the cookie is cleared"
req GET /admin/orders -b "$JAR"
expect_status 303 "after logout the pages ask for a sign-in"
req GET /admin/orders -b "ordersync_admin=$TOKEN"
expect_status 303 "the old token is dead on the server too"
req GET '/admin/login?out=1'
expect_body_has 'You are signed out' "the login page says so"

# ---- throttling: 5 failures of one account from one address in 15 minutes ----
# (test_login.sh has the rest: other addresses, device cookies, bursts.)
for i in 1 2 3 4 5; do
	login "$WORK/x.jar" admin@example.com "wrong-$i"
	expect_status 401 "failed sign-in number $i: 401"
done
login "$WORK/x.jar" admin@example.com "$PW"
expect_status 429 "the sixth attempt, even with the right password: 429"
expect_header '^retry-after: [0-9]+' "429 says when to retry"
ra=$(tr -d '\r' < "$HEADERS" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
[ "$ra" -gt 0 ] && [ "$ra" -le 900 ] && ok "Retry-After is within 15 minutes ($ra s)" || nok "Retry-After is within 15 minutes" "$ra"
expect_body_has 'Too many failed attempts' "429 explains"
expect_body_has 'name="csrf" value="' "... with a form that still works"
req POST /admin/login -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{\"email\":\"admin@example.com\",\"password\":\"$PW\"}"
expect_status 429 "the pair is throttled for JSON clients too"
expect_json 'b.error' throttled "429 JSON names the error"
login "$WORK/staff2.jar" staff@example.com staff-password-1
expect_status 303 "another account from the same address still signs in"
req GET /admin/orders -b "$STAFF"
expect_status 200 "sessions already open keep working"

finish
