#!/bin/bash
# test_order_mail.sh — an order's mails through a real SMTP server
# (python3-aiosmtpd on a loopback port, writing a Maildir): the customer's
# "order placed" (headers, parts, items, total, a working absolute link, in
# the language of the checkout) and the staff's "new order" (nobody
# watching, or not), ready and cancelled; no mail and no promise with mail
# off; header injection and non-Latin names; the relay down, refusing (5xx)
# or slow; kill -9 of the app after the order commits; ticks and app
# processes draining at once; the escalation of an order nobody started.
. "$(dirname "$0")/lib.sh"

WAIT_MAIL_TENTHS=100
. "$(dirname "$0")/smtp.sh"
HANG_PID=
# hang_start: a server on $SPORT that accepts connections and never answers.
hang_start() {
	$PY -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$SPORT" &
	HANG_PID=$!
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && return 0
		sleep 0.1
	done
}
hang_stop() {
	[ -n "$HANG_PID" ] && kill "$HANG_PID" 2>/dev/null && wait "$HANG_PID" 2>/dev/null
	HANG_PID=
}
trap 'hang_stop; smtp_stop; cleanup' EXIT
# mails_of NUMBER: the message files that name order NUMBER.
mails_of() { grep -l -- "$1" "$MD/new"/* 2>/dev/null; }
tick() { "$CTL_BIN" --db "$DB" tick; }
form_token() { grep -o '"form_token":"[0-9a-f]*"' "$BODY" | cut -d'"' -f4; }
# checkout NAME EMAIL LANG: a cart (2 × product 1, 1 × product 2) checked
# out through the form in language LANG; sets NUMBER, TOKEN, LOC, T_DONE
# (the Maildir's count the moment the answer was complete).
checkout() {
	local jar=$WORK/cart$RANDOM.jar
	req POST /cart/items -c "$jar" -b "$jar" -d product_id=1 -d qty=2
	req POST /cart/items -c "$jar" -b "$jar" -d product_id=2 -d qty=1
	req GET /cart -b "$jar" -H 'Accept: application/json'
	local ft
	ft=$(form_token)
	req POST /checkout -b "$jar" -H "Accept-Language: $3" --data-urlencode "form_token=$ft" \
	    --data-urlencode "name=$1" --data-urlencode "email=$2"
	T_DONE=$(nmail)
	LOC=$(location)
	NUMBER=${LOC#/orders/}; NUMBER=${NUMBER%%\?*}
	TOKEN=${LOC#*t=}
}
N=0
# api_order EMAIL [NAME]: an order through the customer API; sets NUMBER.
api_order() {
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: om-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"${2:-Api Buyer}\",\"email\":\"$1\"},\"items\":[{\"sku\":\"$(sql "SELECT sku FROM products WHERE id = 1")\",\"qty\":1}]}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY")
}

SPORT=$(free_port)
smtp_start
export ORDERSYNC_MAIL=smtp://127.0.0.1:$SPORT
export ORDERSYNC_MAIL_FROM=shop@example.test
export ORDERSYNC_PUBLIC_URL=https://shop.example.test
export ORDERSYNC_SHOP_NAME='Café Été'
start_app
sql "UPDATE stores SET alert_emails = 'staff1@example.test, staff2@example.test',
    address = '12 rue des Lilas' || $(sql_chr 10) || '75011 Paris', hours = 'Mon–Sat 9:00–19:00',
    contact_email = 'hello@example.test' WHERE id = 1"
P1=$(sql "SELECT name FROM products WHERE id = 1")

# ---- the pages promise mail, now that it is on ----
req GET /cart
expect_body_has 'Orders are confirmed by email.' "mail on: the footer promises a confirmation"

# ---- an order in English: the customer's mail and the staff's ----
checkout 'Ada Lovelace' ada@example.test en
expect_status 303 "checkout (en): 303"
wait_mail 3 && ok "three mails: the customer's and one to each alert email" || nok "three mails" "$(nmail)"
F=$(mail_to ada@example.test)
show "$F" > "$WORK/c1"
grep -q '^from: Café Été <shop@example.test>$' "$WORK/c1" && ok "From: the store's name, ORDERSYNC_MAIL_FROM" || nok "From" "$(grep '^from' "$WORK/c1")"
grep -q '^to: Ada Lovelace <ada@example.test>$' "$WORK/c1" && ok "To: the customer" || nok "To" "$(grep '^to' "$WORK/c1")"
grep -q "^subject: Your order $NUMBER is confirmed\$" "$WORK/c1" && ok "Subject: your order … is confirmed" || nok "Subject" "$(grep '^subject' "$WORK/c1")"
grep -qE '^date: .*[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}' "$WORK/c1" && ok "a Date" || nok "a Date"
ROW=$(sql "SELECT id FROM outbox WHERE template = 'order_placed' AND target = 'ada@example.test'")
EPOCH=$(sql "SELECT value FROM meta WHERE key = 'epoch'")
grep -q "^message-id: <ordersync.$EPOCH.$ROW@example.test>\$" "$WORK/c1" &&
    ok "Message-ID: from the outbox row and the epoch" || nok "Message-ID" "$(grep '^message-id' "$WORK/c1"); row $ROW"
grep -q '^type: multipart/alternative$' "$WORK/c1" && grep -q '^part: text/plain utf-8' "$WORK/c1" &&
    grep -q '^part: text/html utf-8' "$WORK/c1" && ok "a text and an HTML part, UTF-8" || nok "parts" "$(grep '^part' "$WORK/c1")"
grep -q '^plain: Hello Ada Lovelace,$' "$WORK/c1" && ok "the text greets the customer in English" || nok "greeting"
grep -qF "plain: 2 × $P1 — " "$WORK/c1" && ok "… lists the items with quantities" || nok "items" "$(grep '^plain' "$WORK/c1" | head -20)"
TOTAL=$(sql "SELECT total_cents FROM orders WHERE number = '$NUMBER'")
TOTAL=$(printf '€%d.%02d' $((TOTAL / 100)) $((TOTAL % 100)))
grep -qF "plain: Total: $TOTAL" "$WORK/c1" && ok "… and the total ($TOTAL)" || nok "total" "$TOTAL; $(grep -i total "$WORK/c1")"
grep -q '^plain: 12 rue des Lilas$' "$WORK/c1" && grep -q '^plain: Mon–Sat 9:00–19:00$' "$WORK/c1" &&
    ok "… the pickup place and opening hours" || nok "pickup place"
grep -q "^plain: https://shop.example.test/orders/$NUMBER?t=$TOKEN\$" "$WORK/c1" &&
    ok "the order link is absolute (ORDERSYNC_PUBLIC_URL)" || nok "order link" "$(grep 'plain: http' "$WORK/c1")"
grep -q "^html: .*href=\"https://shop.example.test/orders/$NUMBER?t=$TOKEN\"" "$WORK/c1" && ok "… and in the HTML part" || nok "HTML link"
grep -q '^plain: .*https://shop.example.test/orders/lookup$' "$WORK/c1" && ok "… and says where a lost link is found again" || nok "lookup line"
req GET "/orders/$NUMBER?t=$TOKEN"
expect_status 200 "the mailed link opens the order"
expect_body_has "$NUMBER" "… this order"
expect_body_has 'A confirmation has been sent to ada@example.test.' "the order page says where the confirmation went"
grep -q "^html: .*<td>$P1</td><td class=\"num\">2</td>" "$WORK/c1" && ok "the HTML part has the items table" || nok "HTML items"
cp "$F" "$WORK/placed_en.eml"
show "$(mail_to staff1@example.test)" > "$WORK/s1"
grep -q "^subject: Nobody is watching: new order $NUMBER — 3 items, $TOTAL\$" "$WORK/s1" &&
    ok "staff: nobody polled the feed, the subject says so at once" || nok "unwatched subject" "$(grep '^subject' "$WORK/s1")"
grep -q "^plain: Open the order: https://shop.example.test/admin/orders/$NUMBER\$" "$WORK/s1" &&
    ok "… with the back office's link" || nok "staff link" "$(grep 'plain: Open' "$WORK/s1")"
grep -q '^plain: Customer: Ada Lovelace, ada@example.test$' "$WORK/s1" && ok "… and the customer" || nok "staff customer"
[ "$(mail_to staff2@example.test | wc -l)" = 1 ] && ok "the second alert email gets its own" || nok "staff2"
[ "$(sql "SELECT count(*) FROM outbox WHERE order_id = (SELECT id FROM orders WHERE number = '$NUMBER') AND done_at IS NOT NULL AND attempts = 1")" = 3 ] &&
    ok "three outbox rows, each done at the first attempt" || nok "rows done" "$(sql 'SELECT id, template, target, attempts, last_error FROM outbox')"

# ---- someone watching: the plain subject ----
signin "$WORK/staff.jar" admin@example.com "$ORDERSYNC_ADMIN_PASSWORD"
req GET /admin/api/since -b "$WORK/staff.jar"
expect_status 200 "a staff session polls the feed"
n=$(nmail)
checkout 'Élodie Durand' elodie@example.test fr
expect_status 303 "checkout (fr): 303"
wait_mail $((n + 3)) || nok "three more mails"
show "$(ls -t $(mail_to staff1@example.test) | head -n 1)" > "$WORK/s2"
grep -q "^subject: New order $NUMBER — 3 items, " "$WORK/s2" && ok "someone watching: no 'nobody' in the subject" || nok "watched subject" "$(grep '^subject' "$WORK/s2")"

# ---- the French order ----
F=$(mail_to elodie@example.test)
show "$F" > "$WORK/c2"
cp "$F" "$WORK/placed_fr.eml"
grep -q "^subject: Votre commande $NUMBER est confirmée\$" "$WORK/c2" && ok "French checkout: the subject in French" || nok "fr subject" "$(grep '^subject' "$WORK/c2")"
grep -q '^plain: Bonjour Élodie Durand,$' "$WORK/c2" && ok "… the text too" || nok "fr text"
grep -qE '^plain: Total : [0-9]+,[0-9]{2}.+€$' "$WORK/c2" && ok "… the total formatted for French" || nok "fr total" "$(grep -i total "$WORK/c2")"
grep -q "^plain: Où la retirer :$" "$WORK/c2" && ok "… the pickup place in French" || nok "fr pickup"
grep -q '^raw-to: =?' "$WORK/c2" && grep -q '^to: Élodie Durand <elodie@example.test>$' "$WORK/c2" &&
    ok "… To: encoded, decodes back" || nok "fr To" "$(grep 'to:' "$WORK/c2")"
req GET "/orders/$NUMBER?t=$TOKEN" -H 'Accept-Language: fr'
expect_body_has 'Une confirmation a été envoyée à elodie@example.test.' "the French order page says where it went"

# ---- ready, cancelled ----
n=$(nmail)
post "$WORK/staff.jar" "/admin/orders/$NUMBER/status" --data-urlencode status=processing
post "$WORK/staff.jar" "/admin/orders/$NUMBER/status" --data-urlencode status=ready
expect_status 303 "the order made ready"
wait_mail $((n + 1)) && ok "one mail for ready (none for processing)" || nok "ready mail"
sleep 0.3
[ "$(nmail)" = $((n + 1)) ] && ok "… exactly one" || nok "one ready mail" "$(nmail)"
show "$(ls -t $(mail_to elodie@example.test) | head -n 1)" > "$WORK/c3"
grep -q "^subject: Votre commande $NUMBER est prête à retirer\$" "$WORK/c3" && ok "ready: in the customer's language (fr)" || nok "ready subject" "$(grep '^subject' "$WORK/c3")"
FIRST=$NUMBER
checkout 'Grace Hopper' grace@example.test en
wait_mail $((n + 4)) || nok "the order's three mails arrive"
n=$(nmail)
post "$WORK/staff.jar" "/admin/orders/$NUMBER/status" --data-urlencode status=cancelled
expect_status 303 "an order cancelled"
wait_mail $((n + 1)) || nok "cancelled mail arrives"
show "$(ls -t $(mail_to grace@example.test) | head -n 1)" > "$WORK/c4"
grep -q "^subject: Your order $NUMBER is cancelled\$" "$WORK/c4" && ok "cancelled: the customer is told" || nok "cancelled subject" "$(grep '^subject' "$WORK/c4")"

# ---- header injection, non-Latin names ----
api_order inj@example.test $'Eve\\r\\nBcc: x@evil.example'
expect_status 422 "a name with CR/LF is refused at the door (422)"
# A name that says "Bcc:" is only words; and one that got CR/LF into the
# database anyway (written behind the app's back) still makes one header.
smtp_stop
api_order inj@example.test 'Eve Bcc: x@evil.example'
expect_status 201 "a name holding 'Bcc: x@evil' is taken (it is data)"
sql "UPDATE orders SET customer_name = 'Eve' || $(sql_chr 13) || $(sql_chr 10) || 'Bcc: x@evil.example' || $(sql_chr 10) || 'X-Evil: 1'
    WHERE number = '$NUMBER'"
n=$(nmail)
smtp_start
sql "UPDATE outbox SET next_attempt_at = 0 WHERE done_at IS NULL AND failed_at IS NULL"
tick >/dev/null
wait_mail $((n + 3)) || nok "its mails arrive"
F=$(mail_to inj@example.test)
show "$F" > "$WORK/c5"
[ "$(grep -c '^X-RcptTo:' "$F")" = 1 ] && ! grep -qh '^X-RcptTo:.*evil' "$MD/new"/* &&
    ok "… one recipient; nothing goes to x@evil" || nok "injection: recipients" "$(grep '^X-RcptTo' "$F")"
sed '/^$/q' "$F" | grep -qi '^X-Evil:' && nok "no injected header" || ok "no injected header"
grep -q '^raw-bcc: $' "$WORK/c5" && ok "… no Bcc header" || nok "Bcc" "$(grep bcc "$WORK/c5")"
grep -qE '^to: "Eve +Bcc: x@evil.example X-Evil: 1" <inj@example.test>$' "$WORK/c5" &&
    ok "… the name stays inside the To header" || nok "To with the name" "$(grep '^to' "$WORK/c5")"
n=$(nmail)
api_order arabic@example.test 'ليلى 🍰 Café'
expect_status 201 "an order in an Arabic name with an emoji"
wait_mail $((n + 3)) || nok "its mails arrive"
show "$(mail_to arabic@example.test)" > "$WORK/c6"
grep -q '^raw-to: =?[Uu][Tt][Ff]-8?' "$WORK/c6" && ok "… the To name is RFC 2047-encoded" || nok "To encoded" "$(grep raw-to "$WORK/c6")"
grep -q '^to: ليلى 🍰 Café <arabic@example.test>$' "$WORK/c6" && ok "… and decodes back to the name" || nok "decodes" "$(grep '^to' "$WORK/c6")"
grep -q '^plain: Hello ليلى 🍰 Café,$' "$WORK/c6" && ok "… the body has it right" || nok "body name"

# ---- the relay down: retried with the error kept, then delivered by a tick ----
smtp_stop
api_order down@example.test
sleep 1
R="target = 'down@example.test'"
[ "$(sql "SELECT attempts, CAST(last_error <> '' AS INTEGER), CAST(done_at IS NULL AS INTEGER), CAST(failed_at IS NULL AS INTEGER), CAST(next_attempt_at > created_at AS INTEGER) FROM outbox WHERE $R")" = "1|1|1|1|1" ] &&
    ok "relay down: attempt 1 failed, the error kept, due again later" || nok "down row" "$(sql "SELECT attempts, last_error, next_attempt_at - created_at FROM outbox WHERE $R")"
echo "     (last_error: $(sql "SELECT last_error FROM outbox WHERE $R"))"
smtp_start
sql "UPDATE outbox SET next_attempt_at = 0 WHERE done_at IS NULL AND failed_at IS NULL"
out=$(tick)
case $out in "tick: 3 sent, 0 to retry, 0 failed") ok "the tick delivers them once the relay is back" ;; *) nok "tick after down" "$out" ;; esac
[ "$(mail_to down@example.test | wc -l)" = 1 ] && ok "… the customer's mail, once" || nok "down: one mail"
DROW=$(sql "SELECT id FROM outbox WHERE $R")
grep -qi "^Message-ID: <ordersync.$EPOCH.$DROW@example.test>" "$(mail_to down@example.test)" &&
    ok "… its Message-ID that of its row, whichever attempt sent it" || nok "retry Message-ID" "$(grep -i '^message-id' "$(mail_to down@example.test)")"

# ---- a 5xx: retried, then given up, visible ----
api_order reject-me@example.test
sleep 1
R="target = 'reject-me@example.test'"
[ "$(sql "SELECT attempts, CAST(failed_at IS NULL AS INTEGER), CAST(last_error LIKE '%550%' AS INTEGER) FROM outbox WHERE $R")" = "1|1|1" ] &&
    ok "a 550: attempt 1 failed, kept for a retry" || nok "5xx first" "$(sql "SELECT attempts, failed_at, last_error FROM outbox WHERE $R")"
for i in 2 3 4 5 6; do
	sql "UPDATE outbox SET next_attempt_at = 0 WHERE $R"
	tick >/dev/null
done
[ "$(sql "SELECT attempts, CAST(failed_at IS NOT NULL AS INTEGER), CAST(done_at IS NULL AS INTEGER), CAST(last_error LIKE '%550%' AS INTEGER) FROM outbox WHERE $R")" = "6|1|1|1" ] &&
    ok "… given up after 6 attempts, the 550 visible" || nok "5xx given up" "$(sql "SELECT attempts, failed_at, last_error FROM outbox WHERE $R")"
sql "UPDATE outbox SET next_attempt_at = 0 WHERE $R"
out=$(tick)
[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "… and never tried again" || nok "no retry after giving up" "$out"

# ---- a slow relay: the customer's answer is whole before the relay has the mail ----
smtp_stop
smtp_start 1.5
n=$(nmail)
checkout 'Slow Poke' slow@example.test en
expect_status 303 "a slow relay: the checkout answers"
[ "$T_DONE" = "$n" ] && ok "… before the relay has stored anything" || nok "answer before mail" "$T_DONE vs $n"
wait_mail $((n + 1)) && ok "… and the mail arrives after" || nok "slow: mail arrives"
sleep 4	# the app's drain is done with this order's mails (1.5 s each, 2 s budget)
smtp_stop
smtp_start
tick >/dev/null	# what the app left of them
[ "$(sql "SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")" = 0 ] &&
    ok "… the tick sends what the app's budget left" || nok "slow: rows left" "$(sql "SELECT id, template, claimed_until FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")"

# ---- kill -9 of the app right after the order commits, before it delivers ----
smtp_stop
hang_start
api_order crash@example.test 'Crash Test'
expect_status 201 "an order while the relay hangs"
CRASH=$NUMBER
sleep 0.5
pids=$(ps -o pid=,args= -g "$SERVER_PGID" | awk '$2 ~ /ordersync\.fcgi$/ {print $1}')
[ -n "$pids" ] && kill -9 $pids
ok "the app's processes killed with -9 ($(echo $pids | wc -w) of them)"
hang_stop
CR="order_id = (SELECT id FROM orders WHERE number = '$CRASH')"
[ "$(sql "SELECT count(*) FROM outbox WHERE $CR AND done_at IS NULL")" = 3 ] &&
    ok "… its three mails wait in the outbox" || nok "crash rows" "$(sql "SELECT id, template, attempts, claimed_until, done_at FROM outbox WHERE $CR")"
kill -TERM -- "-$SERVER_PGID" 2>/dev/null
sleep 0.5
start_app
smtp_start
# The dead sender's claim (OUTBOX_CLAIM_SECS) runs out; then the tick picks the rows up.
sql "UPDATE outbox SET claimed_until = $(date +%s) - 1 WHERE $CR AND claimed_until IS NOT NULL"
sql "UPDATE outbox SET next_attempt_at = 0 WHERE $CR AND done_at IS NULL"
tick >/dev/null
tick >/dev/null
wait_mail 1
[ "$(grep -l "^Subject: .*$CRASH" "$MD/new"/* 2>/dev/null | xargs -r grep -l '^X-RcptTo: crash@example.test$' | wc -l)" = 1 ] &&
    ok "after the crash: exactly one customer mail" || nok "crash: customer mails" "$(mail_to crash@example.test | wc -l)"
[ "$(mail_to staff1@example.test | xargs grep -l -- "$CRASH" | wc -l)" = 1 ] &&
    ok "… and exactly one staff mail" || nok "crash: staff mails" "$(mail_to staff1@example.test | xargs grep -l -- "$CRASH" | wc -l)"

# ---- two ticks and two app processes draining at once: no duplicates ----
smtp_stop
for i in $(seq 20); do api_order "many$i@example.test"; done
sleep 1
smtp_start
sql "UPDATE outbox SET next_attempt_at = 0 WHERE done_at IS NULL AND failed_at IS NULL"
tick > "$WORK/t1" & p1=$!
tick > "$WORK/t2" & p2=$!
lates=
for i in 1 2 3 4; do api_order "late$i@example.test" & lates="$lates $!"; done
wait $p1 $p2 $lates
sleep 0.5
tick >/dev/null
sleep 0.5
dups=$(grep -h '^Message-I[Dd]:' "$MD/new"/* | sort | uniq -d | wc -l)
[ "$dups" = 0 ] && ok "no Message-ID delivered twice ($(nmail) messages)" || nok "duplicates" "$dups"
missing=0
for i in $(seq 20); do [ "$(mail_to "many$i@example.test" | wc -l)" = 1 ] || missing=$((missing + 1)); done
[ "$missing" = 0 ] && ok "each of the 20 customers got exactly one mail" || nok "20 customers" "$missing wrong; $(cat "$WORK/t1" "$WORK/t2")"
[ "$(sql "SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")" = 0 ] && ok "… every row done" ||
    nok "rows done" "$(sql "SELECT id, template, target, attempts, claimed_until - $(date +%s), next_attempt_at - $(date +%s), last_error FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")"

# ---- another store: its prefix in the link, delivery, its currency, staff in its language ----
sql "INSERT INTO stores (id, slug, name, fulfilment, currency, language, alert_emails) $OVERRIDE
    VALUES (7, 'nord', 'Épicerie Nord', 'delivery', 'GBP', 'fr', 'nord-staff@example.test');
    INSERT INTO products (id, store_id, sku, name, price_cents, stock) $OVERRIDE VALUES (700, 7, 'N-TEA', 'Thé noir', 450, 10)"
sql_sync_ids stores products
n=$(nmail)
req POST /s/nord/cart/items -c "$WORK/nord.jar" -b "$WORK/nord.jar" -d product_id=700 -d qty=2
req GET /s/nord/cart -b "$WORK/nord.jar" -H 'Accept: application/json'
ft=$(form_token)
req POST /s/nord/checkout -b "$WORK/nord.jar" -H 'Accept-Language: en' --data-urlencode "form_token=$ft" \
    --data-urlencode 'name=Nora North' --data-urlencode 'email=nora@example.test' \
    --data-urlencode fulfilment=delivery --data-urlencode 'address=1 Fjord Road' \
    --data-urlencode postcode=NE1 --data-urlencode city=Newcastle
expect_status 303 "a delivery order at /s/nord/"
LOC=$(location); NUMBER=${LOC#/s/nord/orders/}; NUMBER=${NUMBER%%\?*}; TOKEN=${LOC#*t=}
wait_mail $((n + 2)) || nok "its two mails arrive"
show "$(mail_to nora@example.test)" > "$WORK/n1"
grep -q "^plain: https://shop.example.test/s/nord/orders/$NUMBER?t=$TOKEN\$" "$WORK/n1" &&
    ok "the link has the store's prefix" || nok "store link" "$(grep 'plain: http' "$WORK/n1")"
grep -q '^plain: .*https://shop.example.test/s/nord/orders/lookup$' "$WORK/n1" && ok "… the lookup too" || nok "store lookup"
grep -q "^from: Épicerie Nord <shop@example.test>\$" "$WORK/n1" && ok "From: the store's name" || nok "store From" "$(grep '^from' "$WORK/n1")"
grep -q '^subject: Your order .* is confirmed$' "$WORK/n1" && ok "… in the customer's language (en), not the store's" || nok "store customer lang"
grep -q '^plain: Total: £9.00$' "$WORK/n1" && ok "… the total in the store's currency" || nok "GBP total" "$(grep -i total "$WORK/n1")"
grep -q '^plain: 1 Fjord Road$' "$WORK/n1" && grep -q '^plain: NE1 Newcastle$' "$WORK/n1" &&
    ok "… the delivery address" || nok "delivery address" "$(grep '^plain' "$WORK/n1" | head -30)"
show "$(mail_to nord-staff@example.test)" > "$WORK/n2"
grep -q "^subject: .*ouvelle commande $NUMBER — 2 articles, 9,00.*£\$" "$WORK/n2" &&
    ok "the store's staff mail is in the store's language (fr)" || nok "store staff lang" "$(grep '^subject' "$WORK/n2")"
grep -q "^plain: Ouvrir la commande : https://shop.example.test/admin/orders/$NUMBER\$" "$WORK/n2" &&
    ok "… with the back office's link" || nok "store staff link" "$(grep 'Ouvrir' "$WORK/n2")"
[ "$(mail_to staff1@example.test | xargs grep -l -- "$NUMBER" | wc -l)" = 0 ] &&
    ok "the default store's staff hear nothing of it" || nok "store isolation"

# ---- escalation: an order still pending after escalate_minutes, once ----
sql "UPDATE stores SET escalate_minutes = 1, escalate_emails = 'boss@example.test' WHERE id = 1"
sql "INSERT INTO webhooks (store_id, url, secret, events, created_at)
    VALUES (1, 'https://hooks.example.test/in', 'a-secret-of-16-chars', 'order_unattended', 0)"
api_order late-esc@example.test
ESC=$NUMBER
api_order busy-esc@example.test
BUSY=$NUMBER
post "$WORK/staff.jar" "/admin/orders/$BUSY/status" --data-urlencode status=processing
sleep 0.5
out=$(tick)
[ "$(mail_to boss@example.test | wc -l)" = 0 ] && ok "a fresh order is not escalated" || nok "fresh escalated" "$out"
sql "UPDATE orders SET created_at = created_at - 120 WHERE number IN ('$ESC', '$BUSY')"
out1=$(tick)
out2=$(tick)
case $out1 in *"; 1 escalated") ok "the tick escalates the pending order ($out1)" ;; *) nok "escalated" "$out1" ;; esac
case $out2 in *escalated*) nok "the second tick escalates nothing" "$out2" ;; *) ok "the second tick escalates nothing" ;; esac
wait_mail 1
[ "$(mail_to boss@example.test | wc -l)" = 1 ] && ok "exactly one escalation mail" || nok "one escalation mail" "$(mail_to boss@example.test | wc -l)"
show "$(mail_to boss@example.test)" > "$WORK/e1"
grep -q "^subject: Order $ESC is still waiting after [0-9]* minutes\$" "$WORK/e1" && ok "… about the pending order" || nok "escalation subject" "$(grep '^subject' "$WORK/e1")"
[ "$(sql "SELECT CAST(escalated_at IS NOT NULL AS INTEGER) FROM orders WHERE number = '$ESC'")" = 1 ] && ok "… escalated_at set" || nok "escalated_at"
[ "$(sql "SELECT CAST(escalated_at IS NULL AS INTEGER) FROM orders WHERE number = '$BUSY'")" = 1 ] && ok "a processing order never escalates" || nok "processing escalated"
W="kind = 'webhook' AND template = 'order_unattended'"
[ "$(sql "SELECT count(*), min(CAST(event_id = (SELECT max(id) FROM order_events e WHERE e.order_id = o.order_id) AS INTEGER))
    FROM outbox o WHERE $W AND order_id = (SELECT id FROM orders WHERE number = '$ESC')")" = "1|1" ] &&
    ok "… and one order_unattended webhook queued, naming the order's latest event" ||
    nok "unattended webhook" "$(sql "SELECT id, order_id, event_id FROM outbox WHERE $W")"
[ "$(sql "SELECT count(*) FROM outbox WHERE $W")" = 1 ] && ok "… none for the processing order" || nok "webhooks" "$(sql "SELECT count(*) FROM outbox WHERE $W")"

# ---- the rendered mails, kept for a look ----
if [ -n "${ORDER_MAIL_KEEP:-}" ]; then
	mkdir -p "$ORDER_MAIL_KEEP"
	for l in en fr; do
		$PY -c 'import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(m.get_body(("html",)).get_content())' "$WORK/placed_$l.eml" > "$ORDER_MAIL_KEEP/placed_$l.html"
	done
	show "$(mail_to boss@example.test)" > "$ORDER_MAIL_KEEP/unattended.txt"
	show "$(mail_to staff1@example.test | head -n 1)" > "$ORDER_MAIL_KEEP/staff.txt"
fi

# ---- mail off: no mail, no promise ----
kill -TERM -- "-$SERVER_PGID" 2>/dev/null
sleep 0.5
unset ORDERSYNC_MAIL ORDERSYNC_MAIL_FROM ORDERSYNC_PUBLIC_URL
start_app
rows=$(sql "SELECT count(*) FROM outbox"); n=$(nmail)
req GET /cart
expect_body_lacks 'confirmed by email' "mail off: the footer promises no mail"
req GET /cart -H 'Accept-Language: fr'
expect_body_lacks 'par e-mail' "… nor in French"
checkout 'Off Line' off@example.test en
expect_status 303 "mail off: the checkout works"
req GET "$LOC"
expect_body_lacks 'confirmation has been sent' "… the order page says nothing was sent"
req GET /cart -b "$WORK/none"
[ "$(sql "SELECT count(*) FROM outbox")" = "$rows" ] && ok "mail off: nothing queued" || nok "mail off: queued" "$(sql "SELECT template, target FROM outbox ORDER BY id DESC LIMIT 3")"
out=$(tick)
case $out in "tick: mail is off"*) ok "the tick says mail is off" ;; *) nok "tick mail off" "$out" ;; esac
[ "$(nmail)" = "$n" ] && ok "… and no mail went out" || nok "mail off: no mail"
finish
