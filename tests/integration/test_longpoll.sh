#!/bin/bash
# test_longpoll.sh — long-poll on the change feed (issue 17: GET
# /admin/api/since?wait=S) through a real lighttpd and the sanitizer build:
# wait_max in every answer, the clamp (ORDERSYNC_WAIT_MAX), bad waits 400; a
# held request answered when another connection places an order (the new
# event, the new head), or when another process (the database's own client,
# as another host would) commits an event; at once when there is something
# already; 304 (or 200 with no events) when its time is up; 100 held
# requests (more than the app's threads) with normal traffic beside them; a
# store's held request never given another store's event; SIGTERM answers
# the held requests; a client that goes away; plain CGI never holds
# (wait_max 0). ORDERSYNC_WAIT_MAX reaches the app through
# lighttpd's bin-copy-environment (deploy/lighttpd/ordersync.conf).
#
# Held requests are curls in the background, each writing its status, curl's
# exit code and its time when it ends. The times checked are what the
# behaviour is, with wide margins (woken: within 3 s of the order while it
# would have waited 10-15; timed out: after its wait, not 100 s), not speed:
# the latency is `make bench`'s.
. "$(dirname "$0")/lib.sh"

HELD=$WORK/held
mkdir -p "$HELD"
HOLD_PIDS=()
# Every background curl goes with the suite (kill_held), then lib.sh's cleanup.
trap 'kill_held; cleanup' EXIT

start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
ADMIN=$WORK/admin.jar

now_ms() { date +%s%3N; }
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }
number_of() { sed -n 's/.*"number":"\(CMD-[0-9A-Z-]*\)".*/\1/p' "$BODY" | head -n 1; }

# ---- held requests in the background ----
# hold ID JAR QUERY [ETAG [MAX]]: GET /admin/api/since?QUERY as JAR, with
# If-None-Match: ETAG when given, in the background (curl --max-time MAX,
# default 30: nothing hangs the suite). When it ends, $HELD/ID.res has
# "STATUS CURL-EXIT SECONDS" (curl's), then $HELD/ID.end the time (ms) it
# ended, taken once curl has exited; the body is $HELD/ID.body, the headers
# $HELD/ID.hdr, curl's PID $HELD/ID.pid.
hold() {
	local id=$1 jar=$2 q=$3 tag=${4:-} max=${5:-30}
	: > "$HELD/$id.body"
	rm -f "$HELD/$id.res" "$HELD/$id.end" "$HELD/$id.pid"
	(
		curl -sS --max-time "$max" -o "$HELD/$id.body" -D "$HELD/$id.hdr" -b "$jar" \
		    ${tag:+-H "If-None-Match: $tag"} -w '%{http_code} %{exitcode} %{time_total}\n' \
		    "$BASE_URL/admin/api/since?$q" > "$HELD/$id.res" 2> "$HELD/$id.err" &
		echo $! > "$HELD/$id.pid"
		wait $!
		now_ms > "$HELD/$id.end.tmp" && mv "$HELD/$id.end.tmp" "$HELD/$id.end"
	) &
	HOLD_PIDS+=($!)
}
# kill_held: every curl still running, and the shells around them.
kill_held() {
	local f
	for f in "$HELD"/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	for f in "${HOLD_PIDS[@]}"; do kill "$f" 2>/dev/null; done
}
# done_count ID...: how many of them have ended.
done_count() {
	local id n=0
	for id in "$@"; do [ -s "$HELD/$id.end" ] && n=$((n + 1)); done
	echo "$n"
}
# wait_done SECONDS ID...: until all of them have ended, or SECONDS pass.
wait_done() {
	local secs=$1 i
	shift
	for i in $(seq $((secs * 10))); do
		[ "$(done_count "$@")" = $# ] && return 0
		sleep 0.1
	done
	return 1
}
# res ID: sets H_STATUS, H_EXIT, H_SECS (how long it took, curl's count),
# H_END (ms, when it ended); BODY and HEADERS are its own.
res() {
	H_STATUS=000 H_EXIT=- H_SECS=- H_END=0
	[ -s "$HELD/$1.res" ] && read -r H_STATUS H_EXIT H_SECS < "$HELD/$1.res"
	[ -s "$HELD/$1.end" ] && H_END=$(cat "$HELD/$1.end")
	BODY=$HELD/$1.body HEADERS=$HELD/$1.hdr
}
# secs_between T0 T1: T1 - T0 (ms) as seconds with one decimal.
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
# within A B X: A <= X <= B (decimals).
within() { awk -v a="$1" -v b="$2" -v x="$3" 'BEGIN { exit !(x >= a && x <= b) }'; }

# head JAR: the feed's head as JAR sees it: sets EPOCH, HEAD, TAG.
head_of() {
	req GET /admin/api/since -b "$1"
	EPOCH=$(jget b.epoch) HEAD=$(jget b.cursor) TAG=$(etag_of)
}

# place NAME SKU [PREFIX]: an order through the customer API (PREFIX: /s/b
# for store b); sets NUMBER and T_ORDER (ms, just before it was sent).
N=0
place() {
	N=$((N + 1))
	T_ORDER=$(now_ms)
	req POST "${3:-}/api/orders" -H 'Content-Type: application/json' -H "Idempotency-Key: lp-$N-$RANDOM" \
	    --data "{\"customer\":{\"name\":\"$1\",\"email\":\"lp$N@example.com\",\"phone\":\"\"},\"items\":[{\"sku\":\"$2\",\"qty\":1}],\"notes\":\"\"}"
	NUMBER=$(number_of)
}

# app_pids: the app processes lighttpd started (the group's ordersync.fcgi).
app_pids() { ps -o pid=,args= -g "$SERVER_PGID" | awk '$2 ~ /ordersync\.fcgi$/ { print $1 }'; }
# app_sockets: the sockets the app processes hold open, summed.
app_sockets() {
	local p n=0
	for p in $(app_pids); do
		n=$((n + $(find "/proc/$p/fd" -lname 'socket:*' 2>/dev/null | wc -l)))
	done
	echo "$n"
}
# stop_app: lighttpd and the app, by the group's id; waits until they are gone.
stop_app() {
	local i
	kill -TERM -- "-$SERVER_PGID" 2>/dev/null
	for i in $(seq 50); do kill -0 -- "-$SERVER_PGID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$SERVER_PGID" 2>/dev/null
	SERVER_PGID=
}

sql "UPDATE products SET stock = 1000"
signin "$ADMIN" admin@example.com "$PW"
[[ $(cat "$ADMIN.csrf") =~ ^[0-9a-f]{64}$ ]] && ok "the admin signs in" || nok "the admin signs in"

# ---- wait_max and the wait parameter ----
req GET /admin/api/since -b "$ADMIN"
expect_status 200 "the feed answers"
expect_json 'b.wait_max' 25 'the answer carries "wait_max":25 (the default)'
grep -q '"wait_max":25}$' "$BODY" && ok "… as its last member" || nok "… as its last member" "$(head -c 300 "$BODY")"
EPOCH=$(jget b.epoch) HEAD=$(jget b.cursor) TAG=$(etag_of)
req GET "/admin/api/since?cursor=0&epoch=0123456789abcdef0123456789abcdef&wait=10" -b "$ADMIN"
expect_json 'b.reset' true "a foreign epoch with wait=10: reset, at once" \
    'b.wait_max' 25 "… the reset carries wait_max too"
for bad in -1 abc 1.5 '' +5 0x10 ' 5' 5s 1e3; do
	req GET /admin/api/since -G --data-urlencode "cursor=$HEAD" --data-urlencode "epoch=$EPOCH" \
	    --data-urlencode "wait=$bad" -b "$ADMIN" --max-time 10
	expect_status 400 "wait='$bad': 400"
	expect_header '^content-type: application/json' "… JSON"
	expect_json 'b.error' bad_wait "… naming the error (bad_wait)"
done
t0=$(now_ms)
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=0" -b "$ADMIN" -H "If-None-Match: $TAG" --max-time 10
t=$(secs_between "$t0" "$(now_ms)")
expect_status 304 "wait=0 at the head with its ETag: 304"
within 0 2 "$t" && ok "… at once (${t} s)" || nok "… at once" "${t} s"
t0=$(now_ms)
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=0" -b "$ADMIN" --max-time 10
t=$(secs_between "$t0" "$(now_ms)")
expect_status 200 "wait=0 at the head without If-None-Match: 200"
expect_json 'b.events.length' 0 "… no events"
within 0 2 "$t" && ok "… at once (${t} s)" || nok "… at once" "${t} s"

# ---- a held request, answered when another connection places an order ----
place "First Client" COF-ESP-250
expect_status 201 "a first order"
head_of "$ADMIN"
hold woken "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=10" "$TAG"
sleep 1.5
same "$(done_count woken)" 0 "wait=10 at the head: held (no answer 1.5 s later)"
place "Woken Client" MUG-STO-350
expect_status 201 "an order by another connection meanwhile"
WOKE=$NUMBER
wait_done 15 woken
res woken
same "$H_STATUS/$H_EXIT" 200/0 "the held request is answered 200"
t=$(secs_between "$T_ORDER" "$H_END")
within 0 3 "$t" && ok "… within 3 s of the order (${t} s; its wait was 10 s)" ||
    nok "… within 3 s of the order, not at its timeout" "${t} s after the order"
NEWHEAD=$(sql "SELECT max(id) FROM order_events")
expect_json 'b.events.map((e) => e.type + ":" + e.order.number).join()' "order_created:$WOKE" \
    "… with the new order's event (order_created), and only it" \
    'b.cursor' "$NEWHEAD" "… cursor = the new head" \
    'b.epoch' "$EPOCH" "… same epoch" \
    'b.more' false "… more is false" \
    'b.wait_max' 25 "… wait_max in it"
expect_header '^etag: "[0-9a-f]+-all-'"$NEWHEAD"'"' "… its ETag names the new head"

# ---- events already after the cursor: at once ----
t0=$(now_ms)
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=10" -b "$ADMIN" -H "If-None-Match: $TAG" --max-time 20
t=$(secs_between "$t0" "$(now_ms)")
expect_status 200 "wait=10 with an event after the cursor: 200"
within 0 3 "$t" && ok "… at once (${t} s)" || nok "… at once, not held" "${t} s"
expect_json 'b.events.length + ":" + b.cursor' "1:$NEWHEAD" "… the event, the head"
# A wait of any number of digits is a non-negative integer: clamped, not refused.
t0=$(now_ms)
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=99999999999999999999999" -b "$ADMIN" --max-time 20
t=$(secs_between "$t0" "$(now_ms)")
expect_status 200 "wait of 23 digits, an event after the cursor: 200 (clamped, not refused)"
within 0 3 "$t" && ok "… at once (${t} s)" || nok "… at once, not held" "${t} s"
expect_json 'b.events.length + ":" + b.cursor' "1:$NEWHEAD" "… the event, the head"
t0=$(now_ms)
req GET "/admin/api/since?cursor=$((NEWHEAD + 5))&epoch=$EPOCH&wait=10" -b "$ADMIN" --max-time 20
t=$(secs_between "$t0" "$(now_ms)")
expect_json 'b.reset + ":" + b.cursor' "true:$NEWHEAD" "wait=10 with a cursor ahead of the head: reset to the head"
within 0 3 "$t" && ok "… at once (${t} s)" || nok "… at once, not held" "${t} s"

# ---- nothing happens: 304 when the wait is up, 200 without If-None-Match ----
head_of "$ADMIN"
hold quiet "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=2" "$TAG" 20
hold quiet200 "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=2" "" 20
wait_done 20 quiet quiet200
res quiet
same "$H_STATUS/$H_EXIT" 304/0 "nothing happens, wait=2 with the head's ETag: 304"
within 1.5 6 "$H_SECS" && ok "… after its wait (${H_SECS} s)" || nok "… after its wait (1.5 to 6 s)" "${H_SECS} s"
[ ! -s "$BODY" ] && ok "… no body" || nok "… no body" "$(head -c 200 "$BODY")"
res quiet200
same "$H_STATUS/$H_EXIT" 200/0 "… without If-None-Match: 200"
within 1.5 6 "$H_SECS" && ok "… after its wait too (${H_SECS} s)" || nok "… after its wait (1.5 to 6 s)" "${H_SECS} s"
expect_json 'b.events.length + ":" + b.cursor' "0:$HEAD" '… "events":[], the cursor unchanged' \
    'b.wait_max' 25 "… wait_max in it"

# ---- a second store and its people ----
"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null && ok "ctl store add b" || nok "ctl store add b"
printf 'admin-b-password-1\n' | "$CTL_BIN" --db "$DB" user add admin.b@example.com --role admin --store b >/dev/null
printf 'staff-a-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.a@example.com --role staff --store default >/dev/null
printf 'staff-b-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.b@example.com --role staff --store b >/dev/null
AB=$WORK/ab.jar SA=$WORK/sa.jar SB=$WORK/sb.jar
signin "$AB" admin.b@example.com admin-b-password-1
signin "$SA" staff.a@example.com staff-a-password-1
signin "$SB" staff.b@example.com staff-b-password-1
post "$AB" /admin/products/new -H 'Accept: application/json' --data-urlencode sku=B-TEA-1 \
    --data-urlencode 'name=Store B tea' --data-urlencode price=4.50 --data-urlencode stock=1000 \
    --data-urlencode low_stock_at=3 --data-urlencode active=1
expect_status 201 "store B's admin adds a product"

# ---- store isolation: store A's held request never gets store B's event ----
head_of "$SA"; SA_HEAD=$HEAD SA_TAG=$TAG
head_of "$SB"; SB_HEAD=$HEAD SB_TAG=$TAG
head_of "$ADMIN"
expect_header '^etag: "[0-9a-f]+-all-' "the every-store admin's ETag"
hold iso_a "$SA" "cursor=$SA_HEAD&epoch=$EPOCH&wait=5" "$SA_TAG" 20
hold iso_b "$SB" "cursor=$SB_HEAD&epoch=$EPOCH&wait=12" "$SB_TAG" 25
hold iso_all "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=12" "$TAG" 25
sleep 1.5
same "$(done_count iso_a iso_b iso_all)" 0 "three held: store A's staff, store B's staff, the every-store admin"
place "Bea Store" B-TEA-1 /s/b
expect_status 201 "an order in store B"
BNUM=$NUMBER
wait_done 25 iso_a iso_b iso_all
res iso_b
same "$H_STATUS/$H_EXIT" 200/0 "store B's staff: 200"
t=$(secs_between "$T_ORDER" "$H_END")
within 0 3 "$t" && ok "… woken by it (${t} s after the order; wait 12 s)" || nok "… woken by it" "${t} s after the order"
expect_json 'b.events.map((e) => e.order.number).join()' "$BNUM" "… with store B's order"
res iso_all
same "$H_STATUS/$H_EXIT" 200/0 "the every-store admin: 200"
t=$(secs_between "$T_ORDER" "$H_END")
within 0 3 "$t" && ok "… woken by it (${t} s after the order; wait 12 s)" || nok "… woken by it" "${t} s after the order"
expect_json 'b.events.map((e) => e.order.number).join()' "$BNUM" "… with store B's order"
res iso_a
case $H_STATUS/$H_EXIT in
304/0) ok "store A's staff: 304 (answered ${H_SECS} s after it was sent, wait 5 s)" ;;
200/0) expect_json 'b.events.length + ":" + b.cursor' "0:$SA_HEAD" "store A's staff: 200 with no events, its head unchanged (${H_SECS} s, wait 5 s)" ;;
*) nok "store A's staff: 304 or 200 with no events" "$H_STATUS/$H_EXIT after ${H_SECS} s" ;;
esac
expect_body_lacks "$BNUM" "… never store B's order"
expect_body_lacks '"events":[{' "… never an event"
head_of "$SA"
same "$HEAD" "$SA_HEAD" "store A's head did not move"

# ---- an event committed by another process (not an app process) wakes it too ----
# As another app host's write would: the order and its event written through
# the database's own client.
head_of "$ADMIN"
hold outside "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=10" "$TAG" 20
sleep 1.5
same "$(done_count outside)" 0 "wait=10 at the head: held"
now=$(date +%s) jo=$(sql_json_object)
iso=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
T_ORDER=$(now_ms)
sql "INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, currency,
      items_count, access_token, created_at, updated_at)
    SELECT id, 'CMD-20261121-OUTS01', 'pending', 'Outside Writer', 'o@example.com', 1234, 'EUR', 1,
      't', $now, $now FROM stores WHERE slug = 'default';
    INSERT INTO order_events (store_id, order_id, type, payload, created_at)
    SELECT store_id, id, 'order_created', $jo('order', $jo('number', number, 'status', status,
      'total_cents', total_cents, 'currency', currency, 'customer_name', customer_name,
      'items_count', items_count, 'created_at', '$iso')), created_at
    FROM orders WHERE number = 'CMD-20261121-OUTS01';" && ok "an order and its event written with the database's client" ||
    nok "an order and its event written with the database's client"
wait_done 15 outside
res outside
same "$H_STATUS/$H_EXIT" 200/0 "the held request is answered 200"
t=$(secs_between "$T_ORDER" "$H_END")
within 0 3 "$t" && ok "… within 3 s of the write (${t} s; its wait was 10 s)" ||
    nok "… within 3 s of the write, not at its timeout" "${t} s after the write"
expect_json 'b.events.map((e) => e.type + ":" + e.order.number).join()' "order_created:CMD-20261121-OUTS01" \
    "… with that event" \
    'b.cursor' "$(sql "SELECT max(id) FROM order_events")" "… cursor = the new head"

# ---- 100 held requests, normal traffic beside them ----
head_of "$ADMIN"; AD_HEAD=$HEAD AD_TAG=$TAG
head_of "$SA"; SA_HEAD=$HEAD SA_TAG=$TAG
IDS=()
for i in $(seq 1 100); do
	if [ $((i % 2)) = 0 ]; then
		hold "many$i" "$ADMIN" "cursor=$AD_HEAD&epoch=$EPOCH&wait=15" "$AD_TAG" 30
	else
		hold "many$i" "$SA" "cursor=$SA_HEAD&epoch=$EPOCH&wait=15" "$SA_TAG" 30
	fi
	IDS+=("many$i")
done
T_HELD=$(now_ms)
sleep 2
bad=() n=0
for _ in 1 2 3; do
	for p in / /cart /legal /s/b/ /healthz; do
		req GET "$p" --max-time 5
		n=$((n + 1))
		[[ $STATUS =~ ^[23] ]] || bad+=("GET $p: $STATUS")
	done
	for p in /admin /admin/orders /admin/products /admin/api/stats "/admin/api/since?cursor=$AD_HEAD&epoch=$EPOCH"; do
		req GET "$p" -b "$ADMIN" --max-time 5
		n=$((n + 1))
		[[ $STATUS =~ ^[23] ]] || bad+=("GET $p (admin): $STATUS")
	done
	req GET "/admin/api/since?cursor=$AD_HEAD&epoch=$EPOCH&wait=0" -b "$ADMIN" -H "If-None-Match: $AD_TAG" --max-time 5
	n=$((n + 1))
	[ "$STATUS" = 304 ] || bad+=("feed wait=0 (admin): $STATUS")
done
ELAPSED=$(secs_between "$T_HELD" "$(now_ms)")
[ ${#bad[@]} = 0 ] && ok "$n normal requests beside 100 held ones: each answered 2xx/3xx within 5 s" ||
    nok "normal requests beside 100 held ones" "${bad[*]}"
same "$(done_count "${IDS[@]}")" 0 "… the 100 still held meanwhile (${ELAPSED} s, wait 15 s)"
place "Crowd One" COF-ESP-250
expect_status 201 "an order beside the 100 held requests"
C1=$NUMBER
place "Crowd Two" COF-ESP-250
C2=$NUMBER
post "$ADMIN" "/admin/orders/$C2/status" --data-urlencode status=processing --max-time 5
[[ $STATUS =~ ^[23] ]] && ok "… a status change too ($STATUS)" || nok "… a status change too" "$STATUS"
wait_done 35 "${IDS[@]}"
same "$(done_count "${IDS[@]}")" 100 "every one of the 100 held requests ends"
bad=() woken=0
for id in "${IDS[@]}"; do
	res "$id"
	if [ "$H_STATUS/$H_EXIT" = 200/0 ] && grep -q "\"type\":\"order_created\".*\"number\":\"$C1\"" "$BODY"; then
		woken=$((woken + 1))
	else
		bad+=("$id: $H_STATUS exit $H_EXIT after ${H_SECS} s: $(head -c 120 "$BODY")")
	fi
done
[ ${#bad[@]} = 0 ] && ok "… each 200 with the new order's event ($woken of 100; none 5xx, none cut)" ||
    nok "each of the 100 answered 200 with the new order's event" "${#bad[@]} not: ${bad[*]:0:5}"
same "$(sql "SELECT count(*) FROM orders WHERE number IN ('$C1', '$C2')")" 2 "both orders stored"

# ---- a client that goes away while held ----
# lighttpd 1.4 does not close the FastCGI connection when its client goes
# away while the answer is awaited (a responder polling its socket saw
# nothing for 10 s), so the app cannot tell before it answers. What it must
# do: keep serving, and let go of the parked request at its time at the
# latest (its socket closed: nothing leaks).
head_of "$ADMIN"
BASE_SOCKS=$(app_sockets)
GONE=()
for i in $(seq 1 20); do
	hold "gone$i" "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=5" "$TAG" 40
done
sleep 2
for i in $(seq 1 20); do GONE+=("$(cat "$HELD/gone$i.pid")"); done
HELD_SOCKS=$(app_sockets)
[ "$HELD_SOCKS" -ge $((BASE_SOCKS + 20)) ] && ok "20 held requests: the app holds their connections ($BASE_SOCKS → $HELD_SOCKS sockets)" ||
    nok "20 held requests: the app holds their connections" "$BASE_SOCKS → $HELD_SOCKS sockets"
T_GONE=$(now_ms)
kill "${GONE[@]}" 2>/dev/null
GONE_IDS=()
for i in $(seq 1 20); do GONE_IDS+=("gone$i"); done
wait_done 5 "${GONE_IDS[@]}"
n=0
for id in "${GONE_IDS[@]}"; do res "$id"; [ "$H_STATUS" = 000 ] && n=$((n + 1)); done
same "$n" 20 "their 20 clients killed before any answer"
req GET /healthz --max-time 5
expect_status 200 "… the app keeps serving"
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=0" -b "$ADMIN" --max-time 5
expect_status 200 "… the feed too"
left=
for i in $(seq 1 150); do
	left=$(app_sockets)
	[ "$left" -le $((BASE_SOCKS + 2)) ] && break
	sleep 0.1
done
[ "$left" -le $((BASE_SOCKS + 2)) ] &&
    ok "… the parked requests let go ($left sockets $(secs_between "$T_GONE" "$(now_ms)") s after the kill; their wait was 5 s, 3 s left)" ||
    nok "… the parked requests let go by their time" "$left sockets 15 s after the kill, $BASE_SOCKS before"
hold after "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=10" "$TAG" 20
sleep 1.5
place "After Gone" MUG-STO-350
AFTER=$NUMBER
wait_done 20 after
res after
t=$(secs_between "$T_ORDER" "$H_END")
[ "$H_STATUS/$H_EXIT" = 200/0 ] && within 0 3 "$t" && ok "… and wakes a new held request with the next order (${t} s)" ||
    nok "… a new held request is woken by the next order" "$H_STATUS/$H_EXIT ${t} s after the order"
expect_json 'b.events.map((e) => e.order.number).join()' "$AFTER" "… with that order only"

# ---- so far, no app process died or tripped a sanitizer ----
crash=$(grep -E 'AddressSanitizer|LeakSanitizer|runtime error:|child (exited|signaled)|backend died' "$WORK/srv/error.log" | head -n 5)
[ -z "$crash" ] && ok "no app process died or tripped a sanitizer so far" || nok "no app process died or tripped a sanitizer" "$crash"

# ---- SIGTERM with held requests ----
head_of "$ADMIN"
TERM_IDS=()
for i in $(seq 1 6); do
	hold "term$i" "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=20" "$TAG" 30
	TERM_IDS+=("term$i")
done
sleep 2
PIDS=$(app_pids)
same "$(done_count "${TERM_IDS[@]}")" 0 "6 held requests before SIGTERM"
[ -n "$PIDS" ] && ok "the app's processes: $(echo $PIDS)" || nok "the app's processes found"
T_TERM=$(now_ms)
# shellcheck disable=SC2086
kill -TERM $PIDS
wait_done 15 "${TERM_IDS[@]}"
bad=() seen=
for id in "${TERM_IDS[@]}"; do
	res "$id"
	t=$(secs_between "$T_TERM" "$H_END")
	seen="$seen $H_STATUS"
	case $H_STATUS/$H_EXIT in
	304/0) within 0 5 "$t" || bad+=("$id: $H_STATUS ${t} s after SIGTERM") ;;
	200/0)	within 0 5 "$t" || bad+=("$id: $H_STATUS ${t} s after SIGTERM")
		[ "$(jget 'b.events.length')" = 0 ] || bad+=("$id: 200 with events: $(head -c 200 "$BODY")") ;;
	*) bad+=("$id: $H_STATUS exit $H_EXIT ${t} s after SIGTERM: $(cat "$HELD/$id.err")") ;;
	esac
done
[ ${#bad[@]} = 0 ] && ok "SIGTERM: every held request answered within 5 s (${seen# }), none cut (wait 20 s)" ||
    nok "SIGTERM: every held request answered 304 or 200 at once" "${bad[*]}"
alive=
for i in $(seq 1 50); do
	alive=
	for p in $PIDS; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
	[ -z "$alive" ] && break
	sleep 0.1
done
[ -z "$alive" ] && ok "… and the processes exit" || nok "… and the processes exit" "still running:$alive"

# ---- ORDERSYNC_WAIT_MAX=7: the clamp ----
stop_app
export ORDERSYNC_WAIT_MAX=7
start_app
unset ORDERSYNC_WAIT_MAX
head_of "$ADMIN"
expect_json 'b.wait_max' 7 "ORDERSYNC_WAIT_MAX=7: wait_max 7"
hold clamp "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=100" "$TAG" 40
hold clamp_huge "$ADMIN" "cursor=$HEAD&epoch=$EPOCH&wait=99999999999999999999999" "$TAG" 40
wait_done 40 clamp clamp_huge
res clamp
same "$H_STATUS/$H_EXIT" 304/0 "wait=100: 304"
within 6 12 "$H_SECS" && ok "… clamped: held ${H_SECS} s, about 7, not 100" || nok "… clamped to 7 s" "held ${H_SECS} s"
res clamp_huge
same "$H_STATUS/$H_EXIT" 304/0 "a wait of 23 digits: 304"
within 6 12 "$H_SECS" && ok "… clamped too: held ${H_SECS} s" || nok "… clamped to 7 s" "held ${H_SECS} s"

# ---- ORDERSYNC_WAIT_MAX=0: long-poll off ----
stop_app
export ORDERSYNC_WAIT_MAX=0
start_app
unset ORDERSYNC_WAIT_MAX
head_of "$ADMIN"
expect_json 'b.wait_max' 0 "ORDERSYNC_WAIT_MAX=0: wait_max 0"
t0=$(now_ms)
req GET "/admin/api/since?cursor=$HEAD&epoch=$EPOCH&wait=10" -b "$ADMIN" -H "If-None-Match: $TAG" --max-time 20
t=$(secs_between "$t0" "$(now_ms)")
expect_status 304 "… wait=10 at the head: 304"
within 0 3 "$t" && ok "… at once, never held (${t} s)" || nok "… at once, never held" "${t} s"

# ---- plain CGI: wait_max 0, never holds, whatever ORDERSYNC_WAIT_MAX says ----
stop_app
COOKIE=$(awk -F'\t' '($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", s, $6, $7; s = "; " }' "$ADMIN")
# cgi QUERY [ETAG]: the feed as plain CGI; the answer in $WORK/cgi.out, its time in T.
cgi_feed() {
	t0=$(now_ms)
	(cd "$TOP" && env -i PATH="$PATH" ORDERSYNC_DB="$DB" ORDERSYNC_TEMPLATES="$TOP/templates" \
	    ASAN_OPTIONS="$ASAN_OPTIONS" ORDERSYNC_WAIT_MAX=25 GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD=GET REQUEST_URI="/admin/api/since?$1" SCRIPT_NAME= \
	    PATH_INFO=/admin/api/since QUERY_STRING="$1" REMOTE_ADDR=127.0.0.1 \
	    HTTP_COOKIE="$COOKIE" ${2:+HTTP_IF_NONE_MATCH="$2"} \
	    timeout 20 "$APP_BIN" < /dev/null > "$WORK/cgi.out" 2> "$WORK/cgi.err")
	T=$(secs_between "$t0" "$(now_ms)")
}
cgi_feed "cursor=$HEAD&epoch=$EPOCH&wait=10"
sed -n '/^\r\{0,1\}$/,$p' "$WORK/cgi.out" | tail -n +2 > "$WORK/cgi.body"
BODY=$WORK/cgi.body
if grep -q '^Status: 200' "$WORK/cgi.out" || ! grep -q '^Status:' "$WORK/cgi.out"; then
	ok "plain CGI: the feed answers 200"
else
	nok "plain CGI: the feed answers 200" "$(head -c 300 "$WORK/cgi.out") $(head -c 300 "$WORK/cgi.err")"
fi
expect_json 'b.wait_max' 0 "… wait_max 0 (ORDERSYNC_WAIT_MAX=25 in its environment)" \
    'b.events.length' 0 "… no events"
within 0 3 "$T" && ok "… wait=10 answered at once (${T} s)" || nok "… wait=10 answered at once" "${T} s"
cgi_feed "cursor=$HEAD&epoch=$EPOCH&wait=10" "$TAG"
grep -q '^Status: 304' "$WORK/cgi.out" && ok "plain CGI, the head's ETag: 304" ||
    nok "plain CGI, the head's ETag: 304" "$(head -c 300 "$WORK/cgi.out")"
within 0 3 "$T" && ok "… at once (${T} s)" || nok "… at once" "${T} s"

finish
