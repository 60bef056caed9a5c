#!/bin/bash
# smoke.sh — black-box smoke test (curl) of one running ordersync deployment, whatever the web server.
#
# usage: smoke.sh URL        URL is the shop's root: http://127.0.0.1:8091
#                            or, mounted under a prefix, http://127.0.0.1:8091/shop
# Environment: ORDERSYNC_ADMIN_EMAIL, ORDERSYNC_ADMIN_PASSWORD (an admin of
# that database), SMOKE_STRICT=1 turns every SKIP into a failure.
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

echo "smoke: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
