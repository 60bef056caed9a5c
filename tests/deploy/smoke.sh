#!/bin/bash
# smoke.sh — black-box smoke test (curl) of one running ordersync deployment, whatever the web server.
#
# usage: smoke.sh URL        URL is the shop's root: http://127.0.0.1:8091
#                            or, mounted under a prefix, http://127.0.0.1:8091/shop
# Environment: ORDERSYNC_ADMIN_EMAIL, ORDERSYNC_ADMIN_PASSWORD (an admin of
# that database), SMOKE_STRICT=1 turns every SKIP into a failure,
# SMOKE_WAIT_MAX the feed's "wait_max" the deployment's config gives the app
# (25: long-poll on; 0: off, mod_fcgid and CGI; unset: not checked). With
# long-poll on, the run lasts that many seconds more (at most 60): one
# request waits its whole wait through the server.
# The shop needs an active product with 3 or more in stock (two orders of
# it are placed; with long-poll on, one more of any product in stock): an
# empty catalog is reported as a failure that says so.
#
# Prints one line per check (ok / FAIL / SKIP) and ends with
# "smoke: N passed, M failed, K skipped"; exits 1 when a check failed.
# A check is skipped, never passed, when the app answers that the route it
# needs does not exist (its own JSON 404), i.e. the feature is not built yet.

set -u
URL=${1:?usage: smoke.sh URL}
URL=${URL%/}
ORIGIN=$(printf '%s' "$URL" | sed -E 's#^(https?://[^/]+).*#\1#')
BASE=${URL#"$ORIGIN"}
ADMIN_EMAIL=${ORDERSYNC_ADMIN_EMAIL:-admin@example.com}
ADMIN_PASSWORD=${ORDERSYNC_ADMIN_PASSWORD:-}
T=$(mktemp -d /tmp/ordersync-smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0 SKIP=0

command -v jq >/dev/null || { echo "smoke.sh: jq is not installed (make deps-deploy)"; exit 2; }

ok()   { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok()  { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; return 0; }
skip() {
	if [ "${SMOKE_STRICT:-0}" = 1 ]; then nok "$1" "skipped in strict mode: $2"; return; fi
	SKIP=$((SKIP + 1)); echo "SKIP - $1 ($2)"
}

# req METHOD PATH [curl args...]: PATH is app-relative ("/cart"); sets STATUS,
# and the files $T/body and $T/headers. Bounded: 10 s per request.
req() {
	local method=$1 path=$2
	shift 2
	: > "$T/body"; : > "$T/headers"
	STATUS=$(curl -sS --max-time 10 -o "$T/body" -D "$T/headers" -w '%{http_code}' \
	    -X "$method" "$@" "$URL$path" 2>"$T/curl.err") || STATUS=000
}
# header NAME: the value of a response header (last one wins), CR stripped.
header() { tr -d '\r' < "$T/headers" | grep -i "^$1:" | tail -n 1 | sed -E 's/^[^:]+: ?//'; }
body() { head -c "${1:-300}" "$T/body" | tr '\n' ' '; }
why() { echo "status $STATUS; $(header Content-Type); body: $(body)"; }
# The app's own 404 for a route it does not have (not the web server's).
route_missing() {
	[ "$STATUS" = 404 ] && grep -q '"error" *: *"not_found"' "$T/body"
}
json() { jq -r "$1" "$T/body" 2>/dev/null; }
# login_token FILE: the sign-in form's hidden csrf value in an HTML file.
login_token() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$1" | head -n 1; }

echo "# smoke test of $URL (base \"$BASE\")"

# ---- the basics: the app answers through the server ----
req GET /healthz
if [ "$STATUS" = 200 ] && grep -q '^ok' "$T/body"; then ok "GET /healthz is 200 ok"; else nok "GET /healthz is 200 ok" "$(why)"; fi
case $(header Content-Security-Policy) in
*"default-src 'self'"*) ok "the app's security headers pass through the server" ;;
*) nok "the app's security headers pass through the server" "$(header Content-Security-Policy)" ;;
esac

req HEAD /healthz --head
if [ "$STATUS" = 200 ]; then ok "HEAD /healthz is 200"; else nok "HEAD /healthz is 200" "$(why)"; fi

req GET /no/such/page -H 'Accept: application/json'
if [ "$STATUS" = 404 ] && [ "$(json .error)" = not_found ]; then
	ok "unknown path: the app's JSON 404"
else
	nok "unknown path: the app's JSON 404" "$(why)"
fi
req GET /no/such/page
if [ "$STATUS" = 404 ] && grep -qi '<html' "$T/body" && grep -q "href=\"$BASE/static/css/app.css" "$T/body"; then
	ok "unknown path: an HTML 404 page whose links carry the base"
else
	nok "unknown path: an HTML 404 page whose links carry the base" "$(why)"
fi

req POST /healthz -H 'Accept: application/json' --data ''
if [ "$STATUS" = 405 ] && [ -n "$(header Allow)" ]; then ok "wrong method: 405 with Allow"; else nok "wrong method: 405 with Allow" "$(why)"; fi

head -c 102400 /dev/zero | tr '\0' a > "$T/big"
req POST /healthz -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/big"
if [ "$STATUS" = 413 ]; then ok "100 KiB body: 413"; else nok "100 KiB body: 413" "$(why)"; fi
# The routes that take uploads (product photos, CSV) accept 8 MiB: a 1 MiB
# body reaches the app (no session: 401), a 9 MiB one is refused.
head -c 1048576 /dev/zero | tr '\0' a > "$T/big"
req POST /admin/products/1 -H 'Accept: application/json' \
    -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/big"
if [ "$STATUS" = 401 ]; then ok "1 MiB body on an upload route reaches the app"; else nok "1 MiB body on an upload route reaches the app" "$(why)"; fi
head -c $((9 * 1048576)) /dev/zero > "$T/big"
req POST /admin/products/1 -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T/big"
if [ "$STATUS" = 413 ]; then ok "9 MiB body on an upload route: 413"; else nok "9 MiB body on an upload route: 413" "$(why)"; fi

# A body without Content-Length (chunked): the server either passes it on
# with a length or the app reads FastCGI stdin to its end; never ignored.
req POST /healthz -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
    -H 'Transfer-Encoding: chunked' --data-binary 'a=%zz'
if [ "$STATUS" = 400 ] && [ "$(json .error)" = bad_request ]; then
	ok "a chunked body (no Content-Length) reaches the app"
else
	nok "a chunked body (no Content-Length) reaches the app" "$(why)"
fi

req GET /healthz -H "Cookie: big=$(head -c 40000 /dev/zero | tr '\0' x)"
case $STATUS in
4??) ok "40 KB of headers: a 4xx ($STATUS), not a crash" ;;
*) nok "40 KB of headers: a 4xx, not a crash" "$(why)" ;;
esac

# ---- the customer: catalog, JSON API order, form flow with a cookie jar ----
# Local URLs in a page: every one must carry the base (or be relative).
# Prints them one per line, &amp; decoded.
page_urls() {
	grep -oE '(href|src|action|data-[a-z-]*url)="/[^"]*"' "$1" | sed -E 's/^[^=]+="//; s/"$//; s/&amp;/\&/g' | sort -u
}
# check_base PAGE-NAME FILE: every local URL of the page starts with BASE/.
check_base() {
	local bad
	bad=$(page_urls "$2" | grep -v "^$BASE/" | head -n 5 | tr '\n' ' ')
	if [ -z "$(page_urls "$2")" ]; then
		nok "$1: the page has local links" "none found"
	elif [ -n "$bad" ]; then
		nok "$1: every link, form action and asset URL carries the base \"$BASE\"" "$bad"
	else
		ok "$1: every link, form action and asset URL carries the base \"$BASE\""
	fi
}
# check_links PAGE-NAME FILE [curl args]: every local GET URL of the page
# answers through the server (2xx or 3xx): assets, scripts, links.
check_links() {
	local name=$1 file=$2 u code bad="" n=0
	shift 2
	while IFS= read -r u; do
		n=$((n + 1))
		[ $n -gt 40 ] && break
		code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$ORIGIN$u" 2>/dev/null) || code=000
		case $code in 2??|3??) ;; *) bad="$bad $u=$code" ;; esac
	done < <(grep -oE '(href|src|data-[a-z-]*url)="/[^"]*"' "$file" | sed -E 's/^[^=]+="//; s/"$//; s/&amp;/\&/g' | sort -u)
	if [ -n "$bad" ]; then nok "$name: every local link and asset answers" "$bad"; else ok "$name: every local link and asset answers ($n URLs)"; fi
}
# check_location WHAT: the redirect in $T/headers stays under the base.
location_ok() {
	local loc
	loc=$(header Location)
	loc=${loc#"$ORIGIN"}
	case $loc in "$BASE"/*) return 0 ;; *) return 1 ;; esac
}

cookies=$T/cookies
req GET / -H 'Accept: application/json' -c "$cookies" -b "$cookies"
if route_missing; then
	skip "catalog JSON" "GET / is not built yet"
	SKU= PID=
elif [ "$STATUS" = 200 ] && [ "$(json '.products | length')" -gt 0 ] 2>/dev/null; then
	ok "catalog as JSON: $(json '.products | length') products"
	# A product with stock for two orders (1 + 2 items).
	SKU=$(json '[.products[] | select(.stock >= 3)][0].sku')
	PID=$(json '[.products[] | select(.stock >= 3)][0].id')
	if [ "$SKU" = null ]; then
		SKU= PID=
		nok "the catalog has an active product with 3 or more in stock to order" \
		    "none: the order checks need one; on a staging copy, add the demo catalog (ordersyncctl --db DB demo)"
	fi
elif [ "$STATUS" = 200 ]; then
	nok "catalog as JSON: the catalog has a product to order" \
	    "it is empty: the order checks need an active product with 3 or more in stock; on a staging copy, add the demo catalog (ordersyncctl --db DB demo)"
	SKU= PID=
else
	nok "catalog as JSON" "$(why)"
	SKU= PID=
fi

req GET / -c "$cookies" -b "$cookies"
if route_missing; then
	skip "catalog page" "GET / is not built yet"
elif [ "$STATUS" = 200 ]; then
	cp "$T/body" "$T/catalog.html"
	ok "catalog page"
	check_base "catalog page" "$T/catalog.html"
	check_links "catalog page" "$T/catalog.html" -b "$cookies"
else
	nok "catalog page" "$(why)"
fi

# The same JSON order twice with one Idempotency-Key: one order.
API_NUMBER=
key=smoke-$(date +%s)-$RANDOM
order_json=$(jq -cn --arg sku "$SKU" '{customer: {name: "Smoke API", email: "smoke-api@example.com", phone: "+33 1 23 45 67 89"}, items: [{sku: $sku, qty: 1}], notes: "deploy smoke test"}')
if [ -z "$SKU" ]; then
	skip "order through the JSON API" "no product to order"
else
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: $key" --data "$order_json"
	if route_missing; then
		skip "order through the JSON API" "POST /api/orders is not built yet"
	elif [ "$STATUS" = 201 ] && [[ $(json .number) == CMD-* ]]; then
		API_NUMBER=$(json .number)
		ok "POST /api/orders: 201, order $API_NUMBER"
		if location_ok && [[ $(json .url) == "$BASE/orders/"* ]]; then
			ok "the new order's Location and url carry the base"
		else
			nok "the new order's Location and url carry the base" "Location: $(header Location); url: $(json .url)"
		fi
		req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: $key" --data "$order_json"
		if [ "$STATUS" = 200 ] && [ "$(json .number)" = "$API_NUMBER" ]; then
			ok "the same Idempotency-Key again: 200, the same order"
		else
			nok "the same Idempotency-Key again: 200, the same order" "$(why)"
		fi
	else
		nok "POST /api/orders: 201 and an order number" "$(why)"
	fi
fi

# The browser's way: add to cart, open the cart, check out, see the order.
FORM_NUMBER= ORDER_URL=
if [ -z "$PID" ]; then
	skip "order through the forms" "no product to order"
else
	req POST /cart/items -c "$cookies" -b "$cookies" -H "Origin: $ORIGIN" \
	    --data "product_id=$PID&qty=2"
	if route_missing; then
		skip "order through the forms" "POST /cart/items is not built yet"
	elif [ "$STATUS" = 303 ] && location_ok; then
		ok "POST /cart/items: 303 to $(header Location)"
		cpath=$(tr -d '\r' < "$T/headers" | grep -i '^set-cookie:' | grep -o 'Path=[^;]*' | head -n 1)
		if [ "$cpath" = "Path=${BASE:-/}" ]; then ok "the cart cookie's $cpath"; else nok "the cart cookie's path is ${BASE:-/}" "$cpath"; fi
		req GET /cart -c "$cookies" -b "$cookies"
		token=$(grep -o 'name="form_token" value="[^"]*"' "$T/body" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/')
		if [ "$STATUS" = 200 ] && [ -n "$token" ]; then
			ok "the cart page holds the checkout form"
			cp "$T/body" "$T/cart.html"
			check_base "cart page" "$T/cart.html"
		else
			nok "the cart page holds the checkout form" "$(why)"
		fi
		req POST /checkout -c "$cookies" -b "$cookies" -H "Origin: $ORIGIN" \
		    --data-urlencode 'name=Smoke Form' --data-urlencode 'email=smoke-form@example.com' \
		    --data-urlencode 'phone=+33 6 12 34 56 78' --data-urlencode 'notes=Ring twice' \
		    --data-urlencode "form_token=$token"
		ORDER_URL=$(header Location)
		ORDER_URL=${ORDER_URL#"$ORIGIN"}
		FORM_NUMBER=$(printf '%s' "$ORDER_URL" | grep -o 'CMD-[0-9]*-[A-Z0-9]*' | head -n 1)
		if [ "$STATUS" = 303 ] && location_ok && [ -n "$FORM_NUMBER" ]; then
			ok "POST /checkout: 303 to the order $FORM_NUMBER"
			req GET "${ORDER_URL#"$BASE"}" -b "$cookies"
			if [ "$STATUS" = 200 ] && grep -qF "$FORM_NUMBER" "$T/body"; then
				ok "the confirmation page shows the order"
				cp "$T/body" "$T/confirmation.html"
				check_base "confirmation page" "$T/confirmation.html"
				check_links "confirmation page" "$T/confirmation.html" -b "$cookies"
			else
				nok "the confirmation page shows the order" "$(why)"
			fi
			# Its status, polled by the page: ETag and 304.
			spath=$(printf '%s' "${ORDER_URL#"$BASE"}" | sed -E 's#^(/orders/[^?]*)#\1/status#')
			req GET "$spath" -H 'Accept: application/json'
			etag=$(header ETag)
			if [ "$STATUS" = 200 ] && [ "$(json .status)" = pending ] && [ -n "$etag" ]; then
				ok "the order's status JSON: pending, with an ETag"
				req GET "$spath" -H 'Accept: application/json' -H "If-None-Match: $etag"
				if [ "$STATUS" = 304 ] && [ ! -s "$T/body" ]; then ok "the order's status: If-None-Match gives 304, no body"; else nok "the order's status: If-None-Match gives 304" "$(why)"; fi
			else
				nok "the order's status JSON: pending, with an ETag" "$(why)"
			fi
		else
			nok "POST /checkout: 303 to the order" "$(why); Location: $(header Location)"
		fi
	else
		nok "POST /cart/items: 303 to the cart" "$(why); Location: $(header Location)"
	fi
fi

# ---- long-poll: the feed's wait= (README, Long-poll) ----
# Where the server connects per request the app holds a feed request with
# nothing new until an event commits or the wait ends; under mod_fcgid and
# CGI it never holds one ("wait_max":0). The bounds below are generous on
# purpose: they tell a request that was held from one that was not, and
# one woken by an order from one that ran to its timeout; the time taken
# is printed, never judged (speed is `make bench`'s).

# now_ms: the wall clock in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# secs_lt A B: true when the decimal A < B.
secs_lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
# in_ms SECS: a decimal number of seconds in milliseconds.
in_ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'; }

# feed_head CURSOR: follows the feed from CURSOR (signed in as the admin)
# to its head; sets HEAD_CURSOR, HEAD_ETAG and HEAD_WAIT_MAX (the answer's
# "wait_max", "null" when it has none). Returns 1 on anything but a 200.
feed_head() {
	local c=$1 i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		req GET "/admin/api/since?cursor=$c&epoch=$epoch" -b "$admin"
		[ "$STATUS" = 200 ] && [ "$(json .reset)" != true ] || return 1
		if [ "$(json '.events | length')" = 0 ]; then
			HEAD_CURSOR=$c HEAD_ETAG=$(header ETag) HEAD_WAIT_MAX=$(json .wait_max)
			return 0
		fi
		c=$(json .cursor)
	done
	return 1
}

# lp_start NAME WAIT: in the background, on a connection of its own, the
# feed at its head (HEAD_CURSOR) with wait=WAIT and If-None-Match:
# HEAD_ETAG, as the second request of that kept-alive connection (after a
# GET /healthz), as a browser's Worker would send it. lp_wait
# NAME waits for it and sets LP_STATUS, LP_SECS (the feed request's time),
# LP_END_MS (when curl was done: the answer was in) and LP_BODY (its file).
# lp_running NAME: true while the feed request has no answer.
lp_start() {
	{
		curl -sS --max-time $(( $2 + 20 )) -w '%{http_code} %{time_total}\n' \
		    -b "$admin" -H "If-None-Match: $HEAD_ETAG" \
		    -o /dev/null "$URL/healthz" \
		    -o "$T/lp-$1.body" "$URL/admin/api/since?cursor=$HEAD_CURSOR&epoch=$epoch&wait=$2" \
		    > "$T/lp-$1.out" 2> "$T/lp-$1.err"
		now_ms > "$T/lp-$1.end"
	} &
	echo $! > "$T/lp-$1.pid"
}
lp_running() { kill -0 "$(cat "$T/lp-$1.pid")" 2>/dev/null; }
lp_wait() {
	wait "$(cat "$T/lp-$1.pid")" 2>/dev/null
	LP_STATUS=000 LP_SECS=0
	if [ "$(wc -l < "$T/lp-$1.out")" -ge 2 ]; then
		read -r LP_STATUS LP_SECS < <(sed -n 2p "$T/lp-$1.out")
	fi
	LP_END_MS=$(cat "$T/lp-$1.end" 2>/dev/null || now_ms)
	LP_BODY=$T/lp-$1.body
}
# lp_why NAME: what came back, for a FAIL line (curl writes no body file
# for an empty answer).
lp_why() {
	echo "status $LP_STATUS after ${LP_SECS}s; body: $(head -c 300 "$LP_BODY" 2>/dev/null | tr '\n' ' ') $(head -c 200 "$T/lp-$1.err")"
}

# longpoll_checks CURSOR: wait_max as the config sets it (SMOKE_WAIT_MAX,
# given by the runner: 25 where the server connects per request, 0 under
# mod_fcgid and CGI; unset, any whole number is taken), then: off, wait=5
# answers at once; on, wait=5 is held, and answered with the new order
# when one is placed through another connection, wait=2 with nothing
# happening answers 304 after the wait, and a wait of wait_max (at most
# 60 s) goes through the server's read timeout (started here, collected
# by longpoll_full_collect at the end, so the rest runs meanwhile).
LP_FULL=
longpoll_checks() {
	local want=${SMOKE_WAIT_MAX:-} wm sku key number t_order t_placed ms
	if ! feed_head "$1"; then nok "long-poll: the feed's head" "$(why)"; return; fi
	wm=$HEAD_WAIT_MAX
	if [ "$wm" = null ] || [ -z "$wm" ]; then
		skip "long-poll (wait=)" "the feed answer has no \"wait_max\": not built yet"
		return
	fi
	if [ -n "$want" ] && [ "$wm" != "$want" ]; then
		nok "the feed says \"wait_max\":$want, as the server's config sets it" "it says $wm"
		return
	elif ! [[ $wm =~ ^[0-9]+$ ]]; then
		nok "the feed's \"wait_max\" is a whole number" "$wm"
		return
	fi
	ok "the feed says \"wait_max\":$wm$( [ -n "$want" ] && echo ", as the server's config sets it")"

	req GET "/admin/api/since?cursor=$HEAD_CURSOR&epoch=$epoch&wait=soon" -b "$admin"
	if [ "$STATUS" = 400 ] && [ "$(json .error)" != null ]; then
		ok "the feed: wait=soon is a 400 JSON error"
	else
		nok "the feed: wait=soon is a 400 JSON error" "$(why)"
	fi

	if [ "$wm" = 0 ]; then
		# Off: a wait is clamped to 0, so the head answers 304 at once
		# (a held request would take the 5 s).
		lp_start off 5
		lp_wait off
		if [ "$LP_STATUS" = 304 ] && secs_lt "$LP_SECS" 3; then
			ok "long-poll off: wait=5 at the head answers at once (304 in $(in_ms "$LP_SECS") ms)"
		else
			nok "long-poll off: wait=5 at the head answers 304 at once" "$(lp_why off)"
		fi
		return
	fi

	# On. A product to order (the earlier orders may have taken the
	# first one's stock).
	req GET / -H 'Accept: application/json'
	sku=$(json '[.products[] | select(.stock >= 1)][0].sku')
	if [ -z "$sku" ] || [ "$sku" = null ]; then
		nok "long-poll: a product in stock to order" "$(why)"
		return
	fi
	lp_start held 5
	sleep 1
	if lp_running held; then
		ok "long-poll: wait=5 at the head is held (no answer after 1 s)"
	else
		lp_wait held
		nok "long-poll: wait=5 at the head is held (no answer after 1 s)" "$(lp_why held)"
		return
	fi
	key=smoke-lp-$(date +%s)-$RANDOM
	t_order=$(now_ms)
	req POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: $key" \
	    --data "$(jq -cn --arg sku "$sku" '{customer: {name: "Smoke Long-poll", email: "smoke-lp@example.com", phone: "+33 1 23 45 67 89"}, items: [{sku: $sku, qty: 1}], notes: "deploy smoke test: long-poll"}')"
	t_placed=$(now_ms)
	number=$(json .number)
	lp_wait held
	if [ "$STATUS" != 201 ]; then
		nok "long-poll: an order placed meanwhile" "$(why)"
		return
	fi
	ms=$(( LP_END_MS - t_order ))
	# Woken, not timed out: the order went in at about 1 s, the wait
	# would have ended at 5 s.
	if [ "$LP_STATUS" = 200 ] && secs_lt "$LP_SECS" 4 &&
	    jq -e --arg n "$number" '[.events[] | select(.type == "order_created" and .order.number == $n)] | length == 1' "$LP_BODY" >/dev/null; then
		ok "long-poll: the held request is answered with order_created $number, $ms ms after the order was sent (at most: curl's exit included; the order's 201 took $(( t_placed - t_order )) ms), not at the end of its wait"
	else
		nok "long-poll: the held request is answered with the new order before its wait ends" "$(lp_why held)"
	fi

	# Nothing happens: 304 once the wait is over.
	if ! feed_head "$HEAD_CURSOR"; then nok "long-poll: the feed's head after the order" "$(why)"; return; fi
	lp_start idle 2
	lp_wait idle
	if [ "$LP_STATUS" = 304 ] && ! secs_lt "$LP_SECS" 1.5 && [ ! -s "$LP_BODY" ]; then
		ok "long-poll: wait=2 with nothing new answers 304 after the wait (${LP_SECS}s)"
	else
		nok "long-poll: wait=2 with nothing new answers 304 after the wait, not before 1.5 s" "$(lp_why idle)"
	fi

	# The whole wait through the server: its read timeout must be above it.
	LP_FULL=$wm
	[ "$LP_FULL" -gt 60 ] && LP_FULL=60
	lp_start full "$LP_FULL"
}
# longpoll_full_collect: the wait started last by longpoll_checks ends in
# the app's 304, not in the server's 502/504 or a cut connection.
longpoll_full_collect() {
	[ -n "$LP_FULL" ] || return 0
	lp_wait full
	if [ "$LP_STATUS" = 304 ] && ! secs_lt "$LP_SECS" $(( LP_FULL / 2 )); then
		ok "long-poll: a wait of $LP_FULL s goes through the server (304 after ${LP_SECS}s, no gateway timeout)"
	else
		nok "long-poll: a wait of $LP_FULL s goes through the server: the app's 304, no gateway timeout" "$(lp_why full)"
	fi
}

# ---- the staff: sign in, the feed, ETag/304, a status change ----
admin=$T/admin-cookies
LOGGED_IN=0
req GET /admin/orders
if route_missing; then
	skip "admin sign-in" "/admin is not built yet"
else
	if [ "$STATUS" = 303 ] && location_ok && [[ $(header Location) == *"/admin/login"* ]]; then
		ok "/admin/orders without a session: 303 to the sign-in page"
	else
		nok "/admin/orders without a session: 303 to the sign-in page" "$(why); Location: $(header Location)"
	fi
	req GET /admin/login
	[ "$STATUS" = 200 ] && cp "$T/body" "$T/login.html" && check_base "sign-in page" "$T/login.html"
	# The form's pre-session token: the same value in its hidden field and a cookie.
	token=$(login_token "$T/login.html")
	if [ -z "$ADMIN_PASSWORD" ]; then
		skip "admin sign-in" "ORDERSYNC_ADMIN_PASSWORD is not set"
	else
		req POST /admin/login -c "$admin" -b "$admin" -b "ordersync_login=$token" \
		    -H "Origin: $ORIGIN" --data-urlencode "csrf=$token" \
		    --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$ADMIN_PASSWORD"
		cpath=$(tr -d '\r' < "$T/headers" | grep -i '^set-cookie:' | grep -o 'Path=[^;]*' | head -n 1)
		if [ "$STATUS" = 303 ] && location_ok && grep -qi '^set-cookie:' "$T/headers"; then
			LOGGED_IN=1
			ok "POST /admin/login: 303 to $(header Location), session cookie set"
			if [ "$cpath" = "Path=$BASE/admin" ]; then ok "the session cookie's $cpath"; else nok "the session cookie's path is $BASE/admin" "$cpath"; fi
		else
			nok "POST /admin/login: 303 and a session cookie" "$(why); Location: $(header Location)"
		fi
	fi
fi

if [ $LOGGED_IN = 1 ]; then
	req GET /admin/orders -b "$admin"
	if [ "$STATUS" = 200 ]; then
		cp "$T/body" "$T/orders.html"
		ok "the orders page, signed in"
		check_base "orders page" "$T/orders.html"
		check_links "orders page" "$T/orders.html" -b "$admin"
	else
		nok "the orders page, signed in" "$(why)"
	fi

	req GET '/admin/api/since?cursor=0' -b "$admin"
	if route_missing; then
		skip "the change feed" "/admin/api/since is not built yet"
	elif [ "$STATUS" = 200 ]; then
		want=""
		for n in $API_NUMBER $FORM_NUMBER; do
			jq -e --arg n "$n" '[.events[] | select(.type == "order_created" and .order.number == $n)] | length == 1' "$T/body" >/dev/null || want="$want $n"
		done
		if [ -z "$want" ] && [ -n "$API_NUMBER$FORM_NUMBER" ]; then
			ok "the feed shows order_created for$( [ -n "$API_NUMBER" ] && echo " $API_NUMBER")$( [ -n "$FORM_NUMBER" ] && echo " $FORM_NUMBER")"
		elif [ -z "$API_NUMBER$FORM_NUMBER" ]; then
			skip "the feed shows the new orders" "no order was placed"
		else
			nok "the feed shows order_created for every new order" "missing:$want; $(body 400)"
		fi
		cursor=$(json .cursor)
		epoch=$(json .epoch)
		req GET "/admin/api/since?cursor=$cursor&epoch=$epoch" -b "$admin"
		etag=$(header ETag)
		if [ "$STATUS" = 200 ] && [ "$(json '.events | length')" = 0 ] && [ -n "$etag" ]; then
			ok "the feed at its head: no events, ETag $etag"
		else
			nok "the feed at its head: no events and an ETag" "$(why)"
		fi
		req GET "/admin/api/since?cursor=$cursor&epoch=$epoch" -b "$admin" -H "If-None-Match: $etag"
		if [ "$STATUS" = 304 ] && [ ! -s "$T/body" ]; then
			ok "the feed: If-None-Match at the head gives 304, no body"
		else
			nok "the feed: If-None-Match at the head gives 304, no body" "$(why)"
		fi

		# A status change, with the page's CSRF token, shows in the feed.
		if [ -n "$FORM_NUMBER" ] || [ -n "$API_NUMBER" ]; then
			num=${FORM_NUMBER:-$API_NUMBER}
			req GET /admin/orders -b "$admin" -H 'Accept: application/json'
			csrf=$(json .csrf)
			req POST "/admin/orders/$num/status" -b "$admin" -H "Origin: $ORIGIN" \
			    --data-urlencode status=processing --data-urlencode "csrf=$csrf"
			if [ "$STATUS" = 303 ] && location_ok; then
				ok "POST /admin/orders/$num/status: 303 to $(header Location)"
			else
				nok "POST /admin/orders/$num/status: 303 back" "$(why); Location: $(header Location)"
			fi
			req GET "/admin/api/since?cursor=$cursor&epoch=$epoch" -b "$admin" -H "If-None-Match: $etag"
			if [ "$STATUS" = 200 ] && jq -e --arg n "$num" '[.events[] | select(.type == "order_updated" and .order.number == $n and .from == "pending" and .to == "processing")] | length == 1' "$T/body" >/dev/null; then
				ok "the feed: the old ETag now gives 200 and order_updated pending → processing"
			else
				nok "the feed: the old ETag now gives 200 and order_updated" "$(why)"
			fi
			req POST "/admin/orders/$num/status" -b "$admin" -H "Origin: $ORIGIN" \
			    --data-urlencode status=completed
			if [ "$STATUS" = 403 ]; then ok "a status change without the CSRF token: 403"; else nok "a status change without the CSRF token: 403" "$(why)"; fi
		else
			skip "a status change" "no order was placed"
		fi
		longpoll_checks "$cursor"
	else
		nok "GET /admin/api/since" "$(why)"
	fi
	req GET '/admin/api/since?cursor=0'
	if [ "$STATUS" = 401 ] && [ "$(json .error)" != null ]; then ok "the feed without a session: 401 JSON"; else nok "the feed without a session: 401 JSON" "$(why)"; fi
fi

# ---- HTTPS (when the runner serves it too): the app sees it ----
if [ -n "${SMOKE_HTTPS_URL:-}" ]; then
	code=$(curl -ksS --max-time 10 -o /dev/null -w '%{http_code}' "$SMOKE_HTTPS_URL/healthz" 2>/dev/null) || code=000
	if [ "$code" = 200 ]; then ok "HTTPS: /healthz is 200"; else nok "HTTPS: /healthz is 200" "status $code"; fi
	if [ -n "$ADMIN_PASSWORD" ]; then
		: > "$T/headers"
		curl -ksS --max-time 10 -o "$T/login-https.html" "$SMOKE_HTTPS_URL/admin/login" 2>/dev/null
		token=$(login_token "$T/login-https.html")
		code=$(curl -ksS --max-time 10 -o /dev/null -D "$T/headers" -w '%{http_code}' \
		    -H "Origin: ${SMOKE_HTTPS_URL%"$BASE"}" -b "ordersync_login=$token" \
		    --data-urlencode "csrf=$token" --data-urlencode "email=$ADMIN_EMAIL" \
		    --data-urlencode "password=$ADMIN_PASSWORD" "$SMOKE_HTTPS_URL/admin/login" 2>/dev/null) || code=000
		line=$(tr -d '\r' < "$T/headers" | grep -i '^set-cookie: ordersync_admin=' | head -n 1)
		if [ "$code" = 303 ] && [[ $line == *"; Secure"* ]]; then
			ok "HTTPS: the server says so (HTTPS=on) and the session cookie is Secure"
		else
			nok "HTTPS: the session cookie is Secure" "status $code; ${line:-no session cookie}"
		fi
	fi
fi

# ---- the bare prefix ----
if [ -n "$BASE" ]; then
	STATUS=$(curl -sS --max-time 10 -o "$T/body" -D "$T/headers" -w '%{http_code}' "$URL" 2>/dev/null) || STATUS=000
	case $STATUS in
	200) ok "$BASE without its slash: the shop" ;;
	30[1278]) if [ "$(header Location | sed "s#^$ORIGIN##")" = "$BASE/" ]; then
			ok "$BASE without its slash: $STATUS to $BASE/"
		else
			nok "$BASE without its slash: a redirect to $BASE/" "Location: $(header Location)"
		fi ;;
	*) nok "$BASE without its slash: the shop or a redirect to $BASE/" "$(why)" ;;
	esac
fi

# ---- static files: served by the server, with a long cache lifetime ----
req GET /no/such/page
css=$(grep -o '<link rel="stylesheet" href="[^"]*"' "$T/body" | head -n 1 | sed -E 's/.*href="([^"]*)"/\1/')
if [ -z "$css" ]; then
	nok "the page links its stylesheet" "$(body)"
else
	STATUS=$(curl -sS --max-time 10 -o "$T/css" -D "$T/headers" -w '%{http_code}' "$ORIGIN$css") || STATUS=000
	ctype=$(header Content-Type)
	cc=$(header Cache-Control)
	maxage=$(printf '%s' "$cc" | grep -o 'max-age=[0-9]*' | cut -d= -f2)
	expires=$(header Expires)
	if [ "$STATUS" = 200 ] && grep -q '{' "$T/css" && [[ $ctype == text/css* ]]; then
		ok "stylesheet $css served as text/css"
	else
		nok "stylesheet $css served as text/css" "status $STATUS, $ctype"
	fi
	exp_secs=0
	if [ -n "$expires" ]; then
		exp_secs=$(( $(date -d "$expires" +%s 2>/dev/null || echo 0) - $(date +%s) ))
	fi
	if [ "${maxage:-0}" -ge 86400 ] || [ "$exp_secs" -ge 86400 ]; then
		ok "static files cached for a day or more (Cache-Control: ${cc:-none}; Expires: ${expires:-none})"
	else
		nok "static files cached for a day or more" "Cache-Control: ${cc:-none}; Expires: ${expires:-none}"
	fi
	if ! grep -qi '^x-content-type-options' < <(tr -d '\r' < "$T/headers") ; then
		nok "static files carry X-Content-Type-Options: nosniff"
	else
		ok "static files carry X-Content-Type-Options: nosniff"
	fi
fi

longpoll_full_collect
echo "smoke: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
