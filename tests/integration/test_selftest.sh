#!/bin/bash
# test_selftest.sh — POST /admin/notifications/selftest: a test event through the store's feed, no order, no count; the live bar's panel.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
ALL=$WORK/all.jar SB=$WORK/seller-b.jar SC=$WORK/staff-c.jar
# expect_eq GOT WANT DESCRIPTION
expect_eq() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
# head_of JAR: the feed's head for the jar's session.
head_of() { req GET /admin/api/since -b "$1"; jget 'b.cursor'; }

"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null && ok "store b added" || nok "store b added"
"$CTL_BIN" --db "$DB" store add c "Store C" >/dev/null && ok "store c added" || nok "store c added"
printf 'seller-b-password-1\n' | "$CTL_BIN" --db "$DB" user add lea@example.com --role seller --store b >/dev/null
printf 'staff-c-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.c@example.com --role staff --store c >/dev/null
signin "$ALL" admin@example.com "$PW"
signin "$SB" lea@example.com seller-b-password-1
signin "$SC" staff.c@example.com staff-c-password-1

req POST /api/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: k1' \
    --data '{"customer":{"name":"Ann","email":"ann@example.com"},"items":[{"sku":"COF-ESP-250","qty":1}]}'
expect_status 201 "an order to count"

# ---- the panel in the live bar ----
req GET /admin/orders -b "$ALL"
expect_body_has 'action="/admin/notifications/selftest"' "the live bar has the self-test form"
expect_body_has "name=\"csrf\" value=\"$(cat "$ALL.csrf")\"" "with the session's CSRF token"
expect_body_has 'Will I hear the next order?' "behind its question"
expect_body_has 'The checks of this browser need JavaScript' "saying, without JavaScript, that the checks need it"
expect_body_has '&quot;selftest&quot;:{' "the browser texts carry the self-test's words"
req GET /admin/orders -b "$ALL" -H 'Accept-Language: fr'
expect_body_has 'Entendrai-je la prochaine commande' "in French too"
req GET /admin -b "$SB"
expect_body_has 'data-selftest' "a seller's dashboard has it too"

# ---- guards ----
req POST /admin/notifications/selftest --data ''
expect_status 303 "signed out → 303 to the sign-in page"
case $(location) in /admin/login*) ok "to /admin/login" ;; *) nok "to /admin/login" "$(location)" ;; esac
HEAD0=$(head_of "$ALL")
req POST /admin/notifications/selftest -b "$ALL" --data 'csrf=0000'
expect_status 403 "a wrong CSRF token → 403"
expect_eq "$(head_of "$ALL")" "$HEAD0" "and no event"

# ---- a form post: 303 back, one event in the store's feed ----
stats() { req GET /admin/api/stats -b "$ALL"; jget 'JSON.stringify([b.today, b.pending, b.week])'; }
list() { req GET /admin/orders -b "$ALL" -H 'Accept: application/json'; jget 'JSON.stringify([b.filters.map(f => f.count), b.orders.map(o => o.number)])'; }
STATS0=$(stats)
LIST0=$(list)
post "$ALL" /admin/notifications/selftest -H "Referer: $BASE_URL/admin/orders?status=pending"
expect_status 303 "the form → 303"
expect_eq "$(location)" "/admin/orders?status=pending" "back to the page it was sent from"
post "$ALL" /admin/notifications/selftest -H "Referer: https://evil.example/phish"
expect_eq "$(location)" "/admin/notifications" "a foreign Referer → /admin/notifications"
post "$ALL" /admin/notifications/selftest -H "Referer: $BASE_URL/orders/lookup"
expect_eq "$(location)" "/admin/notifications" "a Referer outside the back office → /admin/notifications"
req GET "/admin/api/since?cursor=$HEAD0" -b "$ALL"
expect_jget 'b.events.length' 3 "three events in an every-store admin's feed"
expect_jget 'b.events.every(e => e.type === "alert_test" && e.order === null && e.by === "admin")' true \
    "each alert_test, order null, by the sender's name"
expect_jget 'b.events.every(e => typeof e.id === "number" && /^\d{4}-/.test(e.at))' true "with an id and a time"
expect_eq "$(sql "SELECT DISTINCT store_id FROM order_events WHERE type = 'alert_test' ORDER BY store_id" | paste -sd,)" 1 \
    "an every-store user's test goes to the default store"
expect_eq "$(list)" "$LIST0" "the list's rows and counts did not move"
expect_eq "$(stats)" "$STATS0" "nor the stats"
expect_eq "$(sql "SELECT count(*) FROM orders")" 1 "no order was made"
expect_eq "$(sql "SELECT count(*) FROM outbox")" "$(sql "SELECT count(*) FROM outbox WHERE event_id NOT IN (SELECT id FROM order_events WHERE type = 'alert_test') OR event_id IS NULL")" \
    "nothing queued for the test events"

# ---- a JSON client: 202 {"event": id}, in its store's feed only ----
HEADC=$(head_of "$SC")
HEADB=$(head_of "$SB")
req POST /admin/notifications/selftest -b "$SB" -H 'Accept: application/json' -H "X-CSRF-Token: $(cat "$SB.csrf")" --data ''
expect_header '^Content-Type: application/json' "as JSON"
expect_status 202 "a seller may send one: JSON → 202"
ID=$(jget 'b.event')
expect_jget 'Number.isSafeInteger(b.event) && b.event > 0' true "naming the event"
req GET "/admin/api/since?cursor=$HEADB" -b "$SB"
expect_jget 'b.events.map(e => e.id + ":" + e.type + ":" + e.by).join()' "$ID:alert_test:lea" "store b's feed carries it, by lea"
req GET "/admin/api/since?cursor=$HEADC" -b "$SC"
expect_jget 'b.events.length' 0 "store c's feed does not"
expect_eq "$(sql "SELECT store_id FROM order_events WHERE id = $ID")" 2 "it is store b's event"
req GET "/admin/api/since?cursor=$HEAD0" -b "$ALL"
expect_jget 'b.events.some(e => e.id === '"$ID"')' true "an every-store admin's feed has it too"
req POST /admin/notifications/selftest -H 'Accept: application/json' --data ''
expect_status 401 "a signed-out JSON client → 401"
req GET /admin/notifications/selftest -b "$SB"
case $STATUS in 404|405) ok "GET is not a way to send one ($STATUS)" ;; *) nok "GET is not a way to send one" "status $STATUS" ;; esac

finish
