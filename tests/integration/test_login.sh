#!/bin/bash
# test_login.sh — signing in (v2) through a real lighttpd: login CSRF (Origin,
# Fetch-Metadata, the pre-session token), throttling per (account, address)
# and per address, device cookies that keep the owner in, and one password
# check per allowed attempt under a burst. Addresses: curl --interface binds
# the client to 127.0.0.x, which lighttpd passes on as REMOTE_ADDR.
. "$(dirname "$0")/lib.sh"
start_app --procs 4

PW=$ORDERSYNC_ADMIN_PASSWORD
HOME_ADDR=127.0.0.1	# where the owner usually signs in
SHARED=127.0.0.2	# an address the owner shares with a stranger (an office, a café)
set_cookie_line() { tr -d '\r' < "$HEADERS" | grep -iE "^set-cookie: $1=" | head -n 1; }
# post_login JAR TOKEN EMAIL PASSWORD [curl args...]: one sign-in POST with the
# token as field and cookie (the form a browser would send).
post_login() {
	local jar=$1 token=$2 email=$3 password=$4
	shift 4
	req POST /admin/login -c "$jar" -b "$jar" -b "ordersync_login=$token" "$@" \
	    --data-urlencode "csrf=$token" --data-urlencode "email=$email" \
	    --data-urlencode "password=$password"
}

# ---- login CSRF: the pre-session token ----
login_form "$WORK/t.jar"
expect_status 200 "the sign-in form"
TOKEN=$LOGIN_TOKEN
[ ${#TOKEN} = 64 ] && ok "the form carries a 256-bit token in a hidden field" ||
	nok "the form carries a 256-bit token in a hidden field" "token '$TOKEN'"
expect_header "^set-cookie: ordersync_login=$TOKEN; Path=/admin/login; Max-Age=[0-9]+; HttpOnly; SameSite=Strict$" \
    "... and the same value in a cookie: HttpOnly, SameSite=Strict, the sign-in path only"
req GET /admin/login -b "ordersync_login=$TOKEN"
expect_body_has "name=\"csrf\" value=\"$TOKEN\"" "a second tab gets the same token (both forms work)"
req GET /admin/login -H 'Accept: application/json'
expect_json_token=$(json_field csrf)
[ ${#expect_json_token} = 64 ] && ok "a JSON client can read the token (GET /admin/login as JSON)" ||
	nok "a JSON client can read the token" "$(head -c 200 "$BODY")"

req POST /admin/login --data-urlencode "email=admin@example.com" --data-urlencode "password=$PW"
expect_status 403 "a form without the token: 403"
expect_body_has 'enter your password again' "... saying the form was reloaded"
NEW=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$BODY" | head -n 1)
line=$(set_cookie_line ordersync_login)
[ ${#NEW} = 64 ] && [[ $line == "Set-Cookie: ordersync_login=$NEW;"* ]] &&
	ok "... with a fresh form: the token in the page and in a cookie" ||
	nok "... with a fresh form" "field '$NEW', cookie '$line'"
if set_cookie_line ordersync_admin | grep -q .; then nok "... and no session"; else ok "... and no session"; fi
WRONG=$(printf '%s' "$TOKEN" | tr '0-9a-f' '1-9a-f0')	# every digit changed
req POST /admin/login -b "ordersync_login=$TOKEN" --data-urlencode "csrf=$WRONG" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=$PW"
expect_status 403 "a token field that differs from the cookie: 403"
req POST /admin/login --data-urlencode "csrf=$TOKEN" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=$PW"
expect_status 403 "the token field without its cookie: 403"
req POST /admin/login -b "ordersync_login=$TOKEN" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=$PW"
expect_status 403 "the cookie without the field: 403"
req POST /admin/login -H 'Accept: application/json' \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=$PW"
expect_status 403 "a form body asking for JSON still needs the token: 403"
expect_body_has '"error":"csrf"' "... a JSON error"

# ---- login CSRF: another origin ----
for h in 'Origin: http://evil.example' 'Origin: null' 'Referer: http://evil.example/login.html' \
    'Sec-Fetch-Site: cross-site' 'Sec-Fetch-Site: same-site'; do
	post_login "$WORK/t.jar" "$TOKEN" admin@example.com "$PW" -H "$h"
	expect_status 403 "a sign-in with '$h': 403"
	expect_body_has 'another site' "... says why"
	if set_cookie_line ordersync_admin | grep -q .; then nok "... no session for '$h'"; else ok "... no session for '$h'"; fi
done
req POST /admin/login -H 'Origin: http://evil.example' -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data "{\"email\":\"admin@example.com\",\"password\":\"$PW\"}"
expect_status 403 "a JSON sign-in from another origin: 403"
post_login "$WORK/t.jar" "$TOKEN" admin@example.com "$PW" -H "Origin: http://127.0.0.1:$PORT" \
    -H 'Sec-Fetch-Site: same-origin'
expect_status 303 "token, same Origin, same-origin Fetch-Metadata: signed in"
req POST /admin/login -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{\"email\":\"admin@example.com\",\"password\":\"$PW\"}"
expect_status 200 "a JSON body (a cross-site form cannot send one) needs no token"
expect_body_has '"ok":true' "... and signs in"

# ---- the device cookie ----
admin_login "$WORK/owner-shared.jar" admin@example.com "$PW" "" --interface "$SHARED"
expect_status 303 "the owner signs in at the shared address"
line=$(set_cookie_line 'ordersync_device_[0-9]+')
if [[ $line =~ ^Set-Cookie:\ ordersync_device_1=1\.[0-9]+\.[0-9a-f]{32}\.[0-9a-f]{64}\;\ Path=/admin/login\;\ Max-Age=31536000\;\ HttpOnly\;\ SameSite=Strict$ ]]; then
	ok "... and gets a signed device cookie for the account: 1 year, HttpOnly, SameSite=Strict"
else
	nok "... and gets a signed device cookie for the account" "${line:-none}"
fi
DEVICE=$(awk '$6 == "ordersync_device_1" { print $7 }' "$WORK/owner-shared.jar")

# ---- defect: a stranger could lock the owner out ----
sleep 1	# the stranger comes after the owner's sign-in (times are in whole seconds)
for i in 1 2 3 4 5; do
	admin_login "$WORK/stranger.jar" admin@example.com "guess-$i" "" --interface "$SHARED"
	expect_status 401 "the stranger's wrong password $i: 401"
done
admin_login "$WORK/stranger.jar" admin@example.com "$PW" "" --interface "$SHARED"
expect_status 429 "the stranger's pair is locked, even with the right password: 429"
ra=$(tr -d '\r' < "$HEADERS" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
[ -n "$ra" ] && [ "$ra" -gt 0 ] && [ "$ra" -le 900 ] && ok "... with Retry-After ($ra s)" ||
	nok "... with Retry-After within 15 min" "'$ra'"
admin_login "$WORK/owner-home.jar" admin@example.com "$PW" "" --interface "$HOME_ADDR"
expect_status 303 "the owner from another address signs in"
admin_login "$WORK/owner-shared.jar" admin@example.com "$PW" "" --interface "$SHARED"
expect_status 303 "the owner at the stranger's address, with the device cookie, signs in"
admin_login "$WORK/stranger.jar" admin@example.com "$PW" "" --interface "$SHARED"
expect_status 429 "the owner's sign-in there does not unlock the stranger's pair"
admin_login "$WORK/forged.jar" admin@example.com "$PW" "" --interface "$SHARED" \
    -b "ordersync_device_1=${DEVICE%?}$([ "${DEVICE: -1}" = 0 ] && echo 1 || echo 0)"
expect_status 429 "a forged device cookie (one hex digit changed) is no way around the lock"
admin_login "$WORK/stranger.jar" nobody@example.com "whatever" "" --interface "$SHARED"
expect_status 401 "the stranger's lock is for that account only (another one: 401)"

# A stolen device cookie is limited too: 5 failures per device in 15 minutes.
for i in 1 2 3 4 5; do
	admin_login "$WORK/owner-shared.jar" admin@example.com "typo-$i" "" --interface "$SHARED"
	expect_status 401 "a wrong password with the device cookie $i: 401"
done
admin_login "$WORK/owner-shared.jar" admin@example.com "$PW" "" --interface "$SHARED"
expect_status 429 "the sixth with that device cookie: 429"
admin_login "$WORK/owner-home.jar" admin@example.com "$PW" "" --interface "$HOME_ADDR"
expect_status 303 "... while the owner's other browser still signs in"

# ---- 50 failures from one address, whatever the accounts: that address waits ----
now=$(date +%s)
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 48)
    INSERT INTO login_attempts (email, addr, at, ok)
    SELECT 'spray' || i || '@example.com', '127.0.0.3', $now - 60, 0 FROM n;"
admin_login "$WORK/spray.jar" spray49@example.com x "" --interface 127.0.0.3
expect_status 401 "the 49th failure from an address: 401"
admin_login "$WORK/spray.jar" spray50@example.com x "" --interface 127.0.0.3
expect_status 401 "the 50th: 401"
admin_login "$WORK/spray.jar" admin@example.com "$PW" "" --interface 127.0.0.3
expect_status 429 "then that address waits, whatever the account"
expect_header '^retry-after: [0-9]+' "... with Retry-After"
admin_login "$WORK/owner-home.jar" admin@example.com "$PW" "" --interface "$HOME_ADDR"
DEVICE2=$(awk '$6 == "ordersync_device_1" { print $7 }' "$WORK/owner-home.jar")
admin_login "$WORK/spray-owner.jar" admin@example.com "$PW" "" --interface 127.0.0.3 \
    -b "ordersync_device_1=$DEVICE2"
expect_status 303 "the owner's device cookie gets through a waiting address"

# ---- defect: a burst of parallel attempts got more password checks than the limit ----
printf 'second-password-1\n' | "$CTL_BIN" --db "$DB" user add second@example.com --role admin >/dev/null
login_form "$WORK/burst.jar" --interface 127.0.0.4
BT=$LOGIN_TOKEN
before=$(grep -c 'failed sign-in' "$WORK/srv/error.log")
pids=()
for i in $(seq 1 40); do
	curl -sS --max-time 120 --interface 127.0.0.4 -o /dev/null -w '%{http_code}\n' \
	    -b "ordersync_login=$BT" --data-urlencode "csrf=$BT" \
	    --data-urlencode "email=second@example.com" --data-urlencode "password=burst-$i" \
	    "$BASE_URL/admin/login" > "$WORK/burst.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
n401=$(cat "$WORK"/burst.* | grep -c '^401$')
n429=$(cat "$WORK"/burst.* | grep -c '^429$')
checks=$(( $(grep -c 'failed sign-in' "$WORK/srv/error.log") - before ))
echo "       40 parallel wrong passwords: $n401 x 401, $n429 x 429, $checks password checks logged"
[ "$n401" = 5 ] && [ "$n429" = 35 ] && ok "40 parallel wrong passwords: exactly 5 checked (401), 35 refused (429)" ||
	nok "40 parallel wrong passwords: exactly 5 checked (401), 35 refused (429)" "$n401 x 401, $n429 x 429"
[ "$checks" = 5 ] && ok "... and 5 password checks in the log" || nok "... and 5 password checks in the log" "$checks"

finish
