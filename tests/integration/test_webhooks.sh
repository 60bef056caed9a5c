#!/bin/bash
# test_webhooks.sh — webhooks through a real lighttpd and a real receiver
# (webhook_receiver.py on a loopback port, checking each signature with the
# endpoint's secret): URLs refused at creation (SSRF: loopback, private,
# link-local, a name resolving to loopback, other schemes), roles and store
# isolation, endpoints made as JSON and through the form (the secret shown
# once), signed deliveries of order events filtered by type, retries (500,
# 408, 429, a receiver that hangs), no retry (404, a redirect, which is not
# followed), "Send a test", pause, the last 20 deliveries on the page, and a
# URL refused at delivery once private addresses are no longer allowed.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
RD=$WORK/receiver
RECV_PID=
mkdir -p "$RD"
recv_stop() { [ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null && wait "$RECV_PID" 2>/dev/null; RECV_PID=; }
trap 'recv_stop; cleanup' EXIT
setsid $PY "$TOP/tests/integration/webhook_receiver.py" "$RD" 2>>"$WORK/receiver.log" &
RECV_PID=$!
for _ in $(seq 50); do [ -s "$RD/port" ] && break; sleep 0.1; done
[ -s "$RD/port" ] || { echo "the receiver did not start"; cat "$WORK/receiver.log"; exit 1; }
RPORT=$(cat "$RD/port")
HOOK=http://127.0.0.1:$RPORT

PW=$ORDERSYNC_ADMIN_PASSWORD
ADM=$WORK/admin.jar STF=$WORK/staff.jar SEL=$WORK/seller.jar OTH=$WORK/other.jar
J=(-H 'Accept: application/json')
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
mode() { echo "$1" > "$RD/mode"; }
nreq() { [ -f "$RD/requests.jsonl" ] && wc -l < "$RD/requests.jsonl" || echo 0; }
# rq EXPR [PATH]: a Python expression over the requests logged (r: the list,
# of PATH only when given; j: the last one's body as JSON).
rq() { $PY - "$RD/requests.jsonl" "$1" "${2:-}" <<'EOF'
import json, sys
try:
    r = [json.loads(l) for l in open(sys.argv[1])]
except FileNotFoundError:
    r = []
if sys.argv[3]:
    r = [x for x in r if x["path"] == sys.argv[3]]
j = json.loads(r[-1]["body"]) if r else None
print(eval(sys.argv[2]))
EOF
}
# restart [VAR=VALUE…]: lighttpd and the app again on the same database.
restart() {
	kill -TERM -- "-$SERVER_PGID" 2>/dev/null
	for _ in $(seq 50); do kill -0 -- "-$SERVER_PGID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$SERVER_PGID" 2>/dev/null
	SERVER_PGID=
	start_app
}
signin_all() {
	signin "$ADM" admin@example.com "$PW"
	signin "$STF" staff@example.com staff-password-1
	signin "$SEL" seller@example.com seller-password-1
	signin "$OTH" other@example.com other-password-1
}
# settle: until no webhook row is held by a sender (an after-answer drain), 15 s at most.
settle() {
	for _ in $(seq 150); do
		[ "$(sql "SELECT count(*) FROM outbox WHERE kind = 'webhook' AND claimed_until >= $(date +%s)")" = 0 ] && return 0
		sleep 0.1
	done
	nok "a webhook row stayed claimed for 15 s"
}
# tick: settle, then ordersyncctl tick (it delivers what is due).
tick() {
	settle
	"$CTL_BIN" --db "$DB" tick >>"$WORK/tick.log" 2>&1 ||
		nok "ordersyncctl tick failed" "$(tail -n 5 "$WORK/tick.log")"
}
# due: every pending webhook row due now (as if its backoff had passed).
due() { sql "UPDATE outbox SET next_attempt_at = 0 WHERE kind = 'webhook' AND done_at IS NULL AND failed_at IS NULL"; }
row() { sql "SELECT $1 FROM outbox WHERE id = $2"; }
last_row() { sql "SELECT max(id) FROM outbox WHERE kind = 'webhook'"; }
N=0
place() {	# place SKU QTY: an order through the customer API; sets NUMBER
	N=$((N + 1))
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: wh-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"Léa Hook\",\"email\":\"lea$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$1\",\"qty\":$2}],\"notes\":\"\"}"
	NUMBER=$(sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY" | head -n 1)
}
create() {	# create JAR URL EVENTS: the JSON form of POST /admin/notifications/webhooks
	post "$1" /admin/notifications/webhooks "${J[@]}" --data-urlencode "url=$2" \
	    --data-urlencode "events=$3"
}

# Mail stays off: webhooks go out without it, after the answer and from the tick.
unset ORDERSYNC_MAIL ORDERSYNC_PUBLIC_URL
unset ORDERSYNC_WEBHOOK_ALLOW_PRIVATE

# ---- private addresses refused (ORDERSYNC_WEBHOOK_ALLOW_PRIVATE unset) ----
start_app
"$CTL_BIN" --db "$DB" store add other "Other shop" >/dev/null || nok "ctl store add"
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store default >/dev/null
printf 'seller-password-1\n' | "$CTL_BIN" --db "$DB" user add seller@example.com --role seller --store default >/dev/null
printf 'other-password-1\n' | "$CTL_BIN" --db "$DB" user add other@example.com --role admin --store other >/dev/null
signin_all

for url in http://127.0.0.1/ 'http://[::1]/' http://10.0.0.1/ http://169.254.169.254/ \
    http://localhost/ "$HOOK/hook" http://172.16.5.4/ http://192.168.1.1/ http://100.64.0.1/ \
    http://0.0.0.0/ 'http://[::ffff:127.0.0.1]/' 'http://[fe80::1]/' 'http://[fd00::1]/' \
    http://2130706433/ http://0x7f.1/; do
	create "$ADM" "$url" order_created
	if [ "$STATUS" = 422 ] && [ "$(jget 'typeof b.fields.url')" = string ]; then
		ok "refused at creation: $url"
	else
		nok "refused at creation: $url" "status $STATUS: $(head -c 200 "$BODY")"
	fi
done
expect_body_has 'local or private' "… the message says why"
for url in file:///etc/passwd gopher://x/ ftp://example.com/ ftp:// 'javascript:alert(1)' \
    'http://user:pw@example.com/' 'http://exa mple.com/' 'http:///nohost'; do
	create "$ADM" "$url" order_created
	same "$STATUS/$(jget 'typeof b.fields.url')" 422/string "refused at creation: $url"
done
create "$ADM" file:///etc/passwd order_created
expect_body_has 'Only http:// and https://' "… a wrong scheme is named"
create "$ADM" "http://$(printf 'a%.0s' $(seq 2100)).com/" order_created
same "$STATUS" 422 "a URL over 2048 bytes: 422"
post "$ADM" /admin/notifications/webhooks --data-urlencode "url=http://10.0.0.1/" -d events=order_created
expect_status 422 "the form: a private address → 422"
expect_body_has 'class="field__error" id="nt-url-err"' "… the message beside the field"
expect_body_has 'value="http://10.0.0.1/"' "… the URL kept as typed"
same "$(sql 'SELECT count(*) FROM webhooks')" 0 "nothing stored"

# ---- roles ----
req GET /admin/notifications -b "$STF"
expect_status 200 "staff may open /admin/notifications"
expect_body_lacks 'action="/admin/notifications/webhooks' "… without the webhook form"
expect_body_lacks 'ORDERSYNC_MAIL' "… or the mail settings"
expect_body_has 'href="/admin/notifications"' "… and the nav links to it"
req GET /admin/notifications -b "$SEL"
expect_status 200 "a seller may open it too"
create "$STF" https://example.com/hook order_created
expect_status 403 "staff cannot make a webhook"
create "$SEL" https://example.com/hook order_created
expect_status 403 "a seller cannot make a webhook"
req POST /admin/notifications/webhooks -b "$ADM" --data-urlencode url=https://example.com/ -d events=order_created
expect_status 403 "no CSRF token: 403"
req GET /admin/notifications -b "$ADM"
expect_body_has 'action="/admin/notifications/webhooks?store=default"' "an admin sees the webhook form"
expect_body_has 'ORDERSYNC_MAIL is not set' "… and that mail is off"
same "$(sql 'SELECT count(*) FROM webhooks')" 0 "still nothing stored"

# ---- deliveries (ORDERSYNC_WEBHOOK_ALLOW_PRIVATE=1: the receiver is on 127.0.0.1) ----
export ORDERSYNC_WEBHOOK_ALLOW_PRIVATE=1
restart
signin_all
mode ok
create "$ADM" "$HOOK/hook" 'order_created, order_updated'
expect_status 201 "JSON: an endpoint made → 201"
W1=$(jget b.webhook.id)
S1=$(jget b.secret)
expect_jget b.webhook.url "$HOOK/hook" "… with its URL"
expect_jget b.webhook.events order_created,order_updated "… and its events, normalised"
[[ $S1 =~ ^[0-9a-f]{64}$ ]] && ok "… and a secret of 64 hex digits" || nok "… a secret" "$S1"
echo "/hook $S1" >> "$RD/secrets"
create "$ADM" "$HOOK/x" 'order_created,no_such_event'
same "$STATUS/$(jget 'typeof b.fields.events')" 422/string "an unknown event type: 422"
create "$ADM" "$HOOK/x" ''
same "$STATUS" 422 "no event type: 422"

req POST /admin/notifications/webhooks -b "$ADM" "${J[@]}" -H "X-CSRF-Token: $(cat "$ADM.csrf")" \
    -H 'Content-Type: application/json' --data "{\"url\":\"$HOOK/json\",\"events\":[\"stock_low\",\"order_cancelled\"]}"
expect_status 201 "a JSON body, events as an array: 201"
expect_jget b.webhook.events order_cancelled,stock_low "… the events normalised"
req POST /admin/notifications/webhooks -b "$ADM" "${J[@]}" -H "X-CSRF-Token: $(cat "$ADM.csrf")" \
    -H 'Content-Type: application/json' --data "{\"url\":\"$HOOK/json\",\"events\":[7]}"
same "$STATUS/$(jget 'typeof b.fields.events')" 422/string "… an event that is not a name: 422"

post "$ADM" /admin/notifications/webhooks --data-urlencode "url=$HOOK/form" -d events=order_created
expect_status 201 "the form: an endpoint made"
S2=$(sed -n 's/.*id="nt-secret" class="mono" readonly value="\([0-9a-f]*\)".*/\1/p' "$BODY")
[[ $S2 =~ ^[0-9a-f]{64}$ ]] && ok "… the page shows its secret" || nok "… the page shows its secret"
expect_body_has 'it will not be shown again' "… once, and says so"
[ "$S1" != "$S2" ] && ok "two endpoints, two secrets" || nok "two endpoints, two secrets"
echo "/form $S2" >> "$RD/secrets"
W2=$(sql "SELECT id FROM webhooks WHERE url = '$HOOK/form'")
req GET /admin/notifications -b "$ADM"
expect_body_lacks "$S2" "a second look at the page does not show the secret"
expect_body_lacks "$S1" "… nor the other one"
expect_body_has "$HOOK/form" "… but lists the endpoint"
req GET /admin/notifications -b "$ADM" -H 'Accept-Language: fr'
expect_body_has 'Envoyer un test' "the page in French"

# A checkout: one signed order_created to each endpoint.
place COF-ESP-250 1
A=$NUMBER
tick
same "$(rq 'len(r)' /hook)" 1 "a checkout: one delivery to /hook"
same "$(rq 'len(r)' /form)" 1 "… and one to /form"
same "$(rq 'r[-1]["sig_ok"]' /hook)" True "… signed with the endpoint's secret"
same "$(rq 'r[-1]["sig_ok"]' /form)" True "… each with its own"
same "$(rq 'j["type"] + "/" + j["event"]["type"] + "/" + j["event"]["order"]["number"]' /hook)" \
    "order_created/order_created/$A" "… the body: the type and the feed's event of the order"
D=$(rq 'j["delivery"]' /hook)
same "$(row "webhook_id || '/' || template || '/' || CAST(done_at IS NOT NULL AS INTEGER) || '/' || http_status" "$D")" \
    "$W1/order_created/1/204" "… the delivery id is its outbox row: done, 204 recorded"
same "$(rq 'j["store"] + "/" + str(type(j["created_at"]) is int)' /hook)" "default/True" "… the store's slug, created_at"
same "$(rq 'r[-1]["headers"]["ordersync-event"] + "/" + r[-1]["headers"]["ordersync-delivery"]' /hook)" \
    "order_created/$D" "… Ordersync-Event and Ordersync-Delivery"
same "$(rq 'r[-1]["headers"]["user-agent"] + "/" + r[-1]["headers"]["content-type"]' /hook)" \
    "ordersync/application/json" "… User-Agent and Content-Type"
[[ $(rq 'r[-1]["headers"]["ordersync-signature"]' /hook) =~ ^t=[0-9]+,v1=[0-9a-f]{64}$ ]] &&
	ok "… Ordersync-Signature: t=<unix>,v1=<hex>" || nok "… the signature's shape"
same "$(row 'CAST(latency_ms >= 0 AS INTEGER)' "$D")" 1 "… its latency recorded"
tick
same "$(rq 'len(r)' /hook)" 1 "another tick sends nothing again"

# The order moves: order_updated goes to /hook only (/form asked for order_created).
post "$ADM" "/admin/orders/$A/status" -d status=processing
tick
same "$(rq 'len(r)' /hook)/$(rq 'len(r)' /form)" 2/1 "order_updated: to /hook, not to /form"
same "$(rq 'j["type"] + "/" + j["event"]["to"]' /hook)" order_updated/processing "… with from/to of the feed"
same "$(rq 'r[-1]["sig_ok"]' /hook)" True "… signed"

# 500: retried with the same body, then delivered once.
mode 500
post "$ADM" "/admin/orders/$A/status" -d status=ready
tick
D=$(last_row)
same "$(row "attempts || '/' || http_status || '/' || CAST(done_at IS NULL AND failed_at IS NULL AS INTEGER)" "$D")" 1/500/1 \
    "500: the row waits for another attempt"
same "$(row "CAST(next_attempt_at - $(date +%s) BETWEEN 30 AND 70 AS INTEGER)" "$D")" 1 "… in about a minute"
B1=$(rq 'r[-1]["body"]' /hook)
tick
same "$(rq 'len(r)' /hook)" 3 "… not before it is due"
mode ok
due
tick
same "$(row "attempts || '/' || http_status || '/' || CAST(done_at IS NOT NULL AS INTEGER)" "$D")" 2/204/1 "… then delivered"
same "$(rq 'len(r)' /hook)" 4 "… once"
[ "$(rq 'r[-1]["body"]' /hook)" = "$B1" ] && ok "… with the same body as the first attempt" || nok "… the same body"
same "$(rq 'r[-1]["sig_ok"]' /hook)" True "… signed again"

# Send a test: a ping, signed, sent right after the answer.
post "$ADM" "/admin/notifications/webhooks/$W1/test?store=default"
expect_status 303 "send a test → 303"
same "$(location)" "/admin/notifications?store=default&done=1" "… back to the page"
for _ in $(seq 50); do [ "$(rq 'len(r)' /hook)" = 5 ] && break; sleep 0.1; done
same "$(rq 'len(r)' /hook)" 5 "… the ping arrives after the answer, without the tick"
same "$(rq 'j["type"] + "/" + str(j["event"]) + "/" + r[-1]["headers"]["ordersync-event"]' /hook)" "ping/None/ping" \
    "… its body: type ping, no event"
same "$(rq 'r[-1]["sig_ok"]' /hook)" True "… signed"
post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
expect_status 202 "JSON: send a test → 202"
P=$(jget b.delivery)
same "$(row "webhook_id || '/' || template" "$P")" "$W1/ping" "… naming its delivery"
tick

# A name, not an address: the addresses it resolved to are the ones connected to.
create "$ADM" "http://localhost:$RPORT/named" order_cancelled
expect_status 201 "an endpoint named by a host name (localhost, allowed here)"
WN=$(jget b.webhook.id)
echo "/named $(jget b.secret)" >> "$RD/secrets"
post "$ADM" "/admin/notifications/webhooks/$WN/test" "${J[@]}"
P=$(jget b.delivery)
tick
same "$(row "CAST(done_at IS NOT NULL AS INTEGER) || '/' || http_status" "$P")/$(rq 'len(r)' /named)/$(rq 'r[-1]["sig_ok"]' /named)" \
    "1/204/1/True" "… its test is delivered, signed, through the pinned addresses"
post "$ADM" "/admin/notifications/webhooks/$WN/delete"

# 404: given up at once, shown on the page.
mode 404
post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
P=$(jget b.delivery)
tick
same "$(row "attempts || '/' || http_status || '/' || CAST(failed_at IS NOT NULL AS INTEGER)" "$P")" 1/404/1 "404: given up at once"
req GET /admin/notifications -b "$ADM"
grep -A4 "data-delivery=\"$P\"" "$BODY" > "$WORK/row404"
grep -q 'Failed' "$WORK/row404" && grep -q '>404<' "$WORK/row404" &&
	ok "… the page shows it failed, with 404" || nok "… the page shows it failed, with 404" "$(cat "$WORK/row404")"

# 408 and 429: retried.
for code in 408 429; do
	mode $code
	post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
	P=$(jget b.delivery)
	tick
	same "$(row "attempts || '/' || http_status || '/' || CAST(done_at IS NULL AND failed_at IS NULL AS INTEGER)" "$P")" 1/$code/1 \
	    "$code: retried later"
	mode ok
	due
	tick
	same "$(row "CAST(done_at IS NOT NULL AS INTEGER)" "$P")" 1 "… and delivered once it answers"
done

# A receiver that hangs: the attempt ends (5 s) and is retried.
mode hang
post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
P=$(jget b.delivery)
tick
same "$(row "attempts || '/' || http_status || '/' || CAST(done_at IS NULL AND failed_at IS NULL AS INTEGER)" "$P")" 1/0/1 \
    "a receiver that hangs: the attempt ends, the row waits for another"
row last_error "$P" | grep -qi 'time' && ok "… the error says it timed out" || nok "… timed out" "$(row last_error "$P")"
mode ok
due
tick
same "$(row "CAST(done_at IS NOT NULL AS INTEGER)" "$P")" 1 "… delivered once it answers"

# A redirect: not followed, not retried.
mode redirect
post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
P=$(jget b.delivery)
tick
same "$(row "attempts || '/' || http_status || '/' || CAST(failed_at IS NOT NULL AS INTEGER)" "$P")" 1/302/1 \
    "a redirect: given up at once"
row last_error "$P" | grep -q 'redirects are not followed' && ok "… and it says why" || nok "… says why"
same "$(rq 'len(r)' /redirected)" 0 "… its target got nothing"
mode ok

# Paused: nothing queued for it; resumed: queued again.
post "$ADM" "/admin/notifications/webhooks/$W1/active" -d active=0
expect_status 303 "pause → 303"
before=$(sql "SELECT count(*) FROM outbox WHERE webhook_id = $W1")
place COF-ESP-250 1
same "$(sql "SELECT count(*) FROM outbox WHERE webhook_id = $W1")" "$before" "a paused endpoint gets no delivery"
req GET /admin/notifications -b "$ADM"
expect_body_has 'Resume' "… the page offers to resume it"
post "$ADM" "/admin/notifications/webhooks/$W1/active" -d active=7
expect_status 422 "active=7: 422"
post "$ADM" "/admin/notifications/webhooks/$W1/active" -d active=1
place COF-ESP-250 1
same "$(sql "SELECT count(*) FROM outbox WHERE webhook_id = $W1")" "$((before + 1))" "resumed: deliveries again"
tick

# Another store's admin, staff, sellers.
for a in delete active test; do
	post "$OTH" "/admin/notifications/webhooks/$W1/$a" -d active=0
	expect_status 404 "another store's admin: $a of this store's endpoint → 404"
	post "$STF" "/admin/notifications/webhooks/$W1/$a" -d active=0
	expect_status 403 "staff: $a → 403"
	post "$SEL" "/admin/notifications/webhooks/$W1/$a" -d active=0
	expect_status 403 "a seller: $a → 403"
done
post "$OTH" "/admin/notifications/webhooks/$W1/delete?store=default"
expect_status 404 "… naming the other store in ?store=: 404 too"
req GET /admin/notifications -b "$OTH"
expect_body_lacks "$HOOK" "another store's admin does not see this store's endpoints"
post "$ADM" /admin/notifications/webhooks/999999/delete
expect_status 404 "an endpoint that does not exist: 404"
same "$(sql "SELECT count(*) FROM webhooks WHERE id = $W1 AND active = 1")" 1 "the endpoint is untouched"

# Delete: gone, with its deliveries.
post "$ADM" "/admin/notifications/webhooks/$W2/delete"
expect_status 303 "delete → 303"
same "$(sql "SELECT count(*) FROM webhooks WHERE id = $W2")/$(sql "SELECT count(*) FROM outbox WHERE webhook_id = $W2")" 0/0 \
    "… the endpoint and its deliveries are gone"

# The last 20 deliveries.
for _ in $(seq 22); do post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"; done
tick
req GET /admin/notifications -b "$ADM"
same "$(grep -c 'data-delivery=' "$BODY")" 20 "the page lists the last 20 deliveries"
grep -q "data-delivery=\"$(last_row)\"" "$BODY" && ok "… the newest among them" || nok "… the newest among them"

# ---- a URL refused at delivery once private addresses are not allowed ----
unset ORDERSYNC_WEBHOOK_ALLOW_PRIVATE
restart
signin_all
n=$(nreq)
post "$ADM" "/admin/notifications/webhooks/$W1/test" "${J[@]}"
P=$(jget b.delivery)
tick
same "$(row "CAST(failed_at IS NOT NULL AS INTEGER) || '/' || attempts" "$P")" 1/1 "allow-private off: a loopback URL is refused at delivery, not retried"
row last_error "$P" | grep -q 'refused' && ok "… the error says so" || nok "… the error says so" "$(row last_error "$P")"
same "$(nreq)" "$n" "… and the receiver got nothing"

finish
