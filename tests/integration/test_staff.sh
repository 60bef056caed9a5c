#!/bin/bash
# test_staff.sh — staff accounts through a real lighttpd: the list, an
# invitation → a set-password link → sign-in, links used twice, expired or
# altered, weak passwords, the role rules (staff, a one-store admin, forged
# fields), disabling (old sessions end at once), reset, your own password.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
link_of() { sed -n 's/.*value="\(\/admin\/password\/[0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1; }
users() { sql "SELECT email, role, coalesce(store_id, 0), disabled FROM users ORDER BY id"; }

"$CTL_BIN" --db "$DB" store add lyon Lyon >/dev/null
printf 'lyon-admin-pw-1\n' | "$CTL_BIN" --db "$DB" user add boss@lyon.example --role admin --store lyon >/dev/null
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store default >/dev/null
LYON=$(sql "SELECT id FROM stores WHERE slug = 'lyon'")

ADMIN=$WORK/admin.jar
signin "$ADMIN" admin@example.com "$PW"

# ---- the list ----
req GET /admin/staff -b "$ADMIN"
expect_status 200 "staff list"
expect_body_has 'boss@lyon.example' "the list names every account"
expect_body_has 'href="/admin/staff"' "the nav has a Staff link for admins"
req GET /admin/staff -b "$ADMIN" -H 'Accept: application/json'
expect_jget 'b.users.map(u=>u.email+":"+u.role+":"+u.store).join()' \
    'admin@example.com:admin:null,boss@lyon.example:admin:lyon,staff@example.com:staff:default' \
    "JSON list: email, role, store slug (null: every store)"
req GET /admin/staff -H 'Accept: application/json'
expect_status 401 "the list without a session: 401"

# ---- invite → link → password → sign-in ----
req GET /admin/staff/new -b "$ADMIN"
expect_status 200 "the invitation form"
post "$ADMIN" /admin/staff/new --data-urlencode email=new@example.com \
    --data-urlencode role=seller --data-urlencode store=lyon
expect_status 201 "invite (form): 201 with the page"
LINK=$(link_of)
[ -n "$LINK" ] && ok "the page shows the one-time link" || nok "the page shows the one-time link"
HASH=$(sql "SELECT token_hash FROM password_tokens")
case "$HASH" in *"${LINK##*/}"*) nok "the token is stored hashed";; ?*) ok "the token is stored hashed";; *) nok "a link row";; esac
req GET /admin/staff/new -b "$ADMIN"
expect_body_lacks "${LINK##*/}" "the link is not shown again"
NEWID=$(sql "SELECT id FROM users WHERE email = 'new@example.com'")
admin_login "$WORK/new0.jar" new@example.com 'anything-at-all'
expect_status 401 "an invited account cannot sign in before setting a password"
req GET "$LINK"
expect_status 200 "the link opens the set-password form"
expect_header '^Referrer-Policy: no-referrer' "the link's page sends no referrer"
req POST "$LINK" --data-urlencode password=short1
expect_status 422 "a password under 10 characters: 422"
expect_body_has 'at least 10 characters' "… saying why"
req POST "$LINK" --data-urlencode password=Password123
expect_status 422 "a common password (any case): 422"
expect_body_has 'most common' "… saying why"
req POST "$LINK" --data-urlencode 'password=plum tree by the river'
expect_status 303 "a good password: 303"
[ "$(location)" = "/admin/login?password=set" ] && ok "… to the sign-in page" || nok "… to the sign-in page" "$(location)"
if tr -d '\r' < "$HEADERS" | grep -qi '^Set-Cookie: ordersync_admin='; then nok "setting a password opens no session"; else ok "setting a password opens no session"; fi
req POST "$LINK" --data-urlencode 'password=another good password'
expect_status 404 "the link used twice: 404"
expect_body_has 'already been used' "… a clear page"
req GET "$LINK"
expect_status 404 "the used link's page: 404"
NEW=$WORK/new.jar
admin_login "$NEW" new@example.com 'plum tree by the river'
expect_status 303 "the new seller signs in with the chosen password"
req GET /admin/orders -b "$NEW"
expect_status 200 "… and sees the orders"
req GET /admin/staff -b "$NEW"
expect_status 403 "a seller: 403 on /admin/staff"
req GET /admin -b "$NEW"
expect_body_lacks 'href="/admin/staff"' "sellers have no Staff link"
[ "$(sql "SELECT CAST(last_login_at > 0 AS INTEGER) FROM users WHERE email = 'new@example.com'")" = 1 ] &&
    ok "the last sign-in is recorded" || nok "the last sign-in is recorded"

# ---- JSON invite, duplicate, bad fields ----
req POST /admin/staff/new -b "$ADMIN" -H "X-CSRF-Token: $(cat "$ADMIN.csrf")" \
    -H 'Accept: application/json' --data-urlencode email=json@example.com \
    --data-urlencode role=staff --data-urlencode store=
expect_status 201 "invite (JSON): 201"
expect_jget 'Object.keys(b.user).slice(0,4).join()+"|"+b.user.store+"|"+/^\/admin\/password\/[0-9a-f]{64}$/.test(b.link)' \
    'id,email,role,store|null|true' "JSON: {user: {id, email, role, store}, link}"
JLINK=$(jget b.link)
post "$ADMIN" /admin/staff/new --data-urlencode email=JSON@example.com --data-urlencode role=staff
expect_status 409 "an email already taken (any case): 409"
post "$ADMIN" /admin/staff/new --data-urlencode email=x@example.com --data-urlencode role=owner
expect_status 422 "an unknown role: 422"
post "$ADMIN" /admin/staff/new --data-urlencode email=x@example.com --data-urlencode role=staff \
    --data-urlencode store=paris
expect_status 422 "an unknown store: 422"
post "$ADMIN" /admin/staff/new --data-urlencode email=not-an-email --data-urlencode role=staff
expect_status 422 "a bad email: 422"
[ "$(sql "SELECT count(*) FROM users WHERE email = 'x@example.com'")" = 0 ] &&
    ok "… nothing created" || nok "… nothing created"
req POST /admin/staff/new -b "$ADMIN" --data-urlencode email=y@example.com --data-urlencode role=staff
expect_status 403 "no CSRF token: 403"

# ---- expired and altered links ----
sql "UPDATE password_tokens SET expires_at = $(date +%s) - 1 WHERE user_id =
    (SELECT id FROM users WHERE email = 'json@example.com')"
req GET "$JLINK"
expect_status 404 "an expired link: 404"
expect_body_has 'has expired' "… a clear page"
req POST "$JLINK" --data-urlencode 'password=plum tree by the river'
expect_status 404 "an expired link refuses a password"
sql "UPDATE password_tokens SET expires_at = $(date +%s) + 3600"
T=${JLINK##*/}
LAST=${T: -1}; [ "$LAST" = 0 ] && SWAP=1 || SWAP=0
req POST "/admin/password/${T%?}$SWAP" --data-urlencode 'password=plum tree by the river'
expect_status 404 "a link altered by one character: 404"
req POST "/admin/password/${T}X" --data-urlencode 'password=plum tree by the river'
expect_status 404 "a link with a character added: 404"
[ "$(sql "SELECT password_hash FROM users WHERE email = 'json@example.com'")" = '!' ] &&
    ok "… no password was set" || nok "… no password was set"

# ---- staff cannot manage accounts ----
STAFF=$WORK/staff.jar
signin "$STAFF" staff@example.com staff-password-1
req GET /admin/staff -b "$STAFF"
expect_status 403 "staff: 403 on /admin/staff"
req GET /admin -b "$STAFF"
expect_body_lacks 'href="/admin/staff"' "staff have no Staff link"
STAFFID=$(sql "SELECT id FROM users WHERE email = 'staff@example.com'")
BEFORE=$(users)
post "$STAFF" "/admin/staff/$STAFFID" --data-urlencode role=admin --data-urlencode store=
expect_status 403 "staff forging role=admin on themselves: 403"
post "$STAFF" /admin/staff/new --data-urlencode email=z@example.com --data-urlencode role=admin
expect_status 403 "staff inviting an admin: 403"
[ "$(users)" = "$BEFORE" ] && ok "… nothing changed" || nok "… nothing changed"

# ---- a one-store admin ----
BOSS=$WORK/boss.jar
signin "$BOSS" boss@lyon.example lyon-admin-pw-1
req GET /admin/staff -b "$BOSS" -H 'Accept: application/json'
expect_jget 'b.users.map(u=>u.email).join()' 'boss@lyon.example,new@example.com' "a one-store admin lists their store's accounts only"
req GET "/admin/staff/$STAFFID" -b "$BOSS"
expect_status 404 "a one-store admin opening another store's user: 404"
post "$BOSS" "/admin/staff/$STAFFID" --data-urlencode role=seller --data-urlencode store=lyon
expect_status 404 "… and changing them: 404"
BEFORE=$(users)
post "$BOSS" "/admin/staff/$NEWID" --data-urlencode role=admin --data-urlencode store=lyon
expect_status 403 "a one-store admin making someone admin: 403"
post "$BOSS" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=default
expect_status 403 "… moving them to another store: 403"
post "$BOSS" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=
expect_status 403 "… giving them every store: 403"
post "$BOSS" /admin/staff/new --data-urlencode email=w@example.com --data-urlencode role=staff --data-urlencode store=default
expect_status 403 "… inviting to another store: 403"
[ "$(users)" = "$BEFORE" ] && ok "… nothing changed" || nok "… nothing changed"
post "$BOSS" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=lyon
expect_status 303 "a one-store admin makes their seller staff: 303"
[ "$(location)" = "/admin/staff/$NEWID?saved=1" ] && ok "… back to the account" || nok "… back to the account" "$(location)"
[ "$(sql "SELECT role FROM users WHERE id = $NEWID")" = staff ] && ok "… saved" || nok "… saved"

# ---- disabling ends sessions at once ----
req GET /admin/orders -b "$NEW"
expect_status 200 "the member's session works before"
post "$ADMIN" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=lyon \
    --data-urlencode disabled=1
expect_status 303 "disable: 303"
req GET /admin/orders -b "$NEW"
expect_status 303 "a disabled user's old session cookie: 303 to sign-in (page)"
case "$(location)" in /admin/login*) ok "… to /admin/login";; *) nok "… to /admin/login" "$(location)";; esac
req GET /admin/api/stats -b "$NEW"
expect_status 401 "… 401 (JSON)"
admin_login "$WORK/new2.jar" new@example.com 'plum tree by the river'
expect_status 401 "a disabled account cannot sign in"
req GET /admin/staff -b "$ADMIN"
expect_body_has 'Disabled' "the list shows it disabled"
post "$ADMIN" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=lyon
expect_status 303 "enable again"
post "$ADMIN" "/admin/staff/$NEWID" --data-urlencode role=staff --data-urlencode store=lyon \
    --data-urlencode disabled=2
expect_status 422 "disabled=2: 422"
ADMINID=$(sql "SELECT id FROM users WHERE email = 'admin@example.com'")
post "$ADMIN" "/admin/staff/$ADMINID" --data-urlencode role=admin --data-urlencode disabled=1
expect_status 403 "an admin cannot disable themselves"

# ---- reset ----
admin_login "$NEW" new@example.com 'plum tree by the river'
expect_status 303 "signed in again"
req POST "/admin/staff/$NEWID/reset" -b "$ADMIN" -H "X-CSRF-Token: $(cat "$ADMIN.csrf")" \
    -H 'Accept: application/json' --data ''
expect_status 200 "reset (JSON): 200"
RLINK=$(jget b.link)
[[ $RLINK =~ ^/admin/password/[0-9a-f]{64}$ ]] && ok "… {link}" || nok "… {link}" "$RLINK"
req GET /admin/orders -b "$NEW"
expect_status 303 "reset ends the member's sessions"
req POST "$RLINK" --data-urlencode 'password=a brand new long one'
expect_status 303 "the reset link sets a password"
admin_login "$NEW" new@example.com 'a brand new long one'
expect_status 303 "… which signs in"
post "$ADMIN" "/admin/staff/$NEWID/reset"
expect_status 200 "reset (form): the page with the link"
[ -n "$(link_of)" ] && ok "… shows the link" || nok "… shows the link"

# ---- your own password ----
req GET /admin/password -b "$STAFF"
expect_status 200 "the change-password page"
post "$STAFF" /admin/password --data-urlencode current=wrong-password \
    --data-urlencode 'password=another long secret'
expect_status 422 "a wrong current password: 422"
post "$STAFF" /admin/password --data-urlencode current=staff-password-1 \
    --data-urlencode 'password=qwertyuiop'
expect_status 422 "a common new password: 422"
post "$STAFF" /admin/password --data-urlencode current=staff-password-1 \
    --data-urlencode 'password=another long secret'
expect_status 303 "your own password changed: 303"
admin_login "$WORK/s2.jar" staff@example.com 'another long secret'
expect_status 303 "… the new one signs in"
admin_login "$WORK/s3.jar" staff@example.com staff-password-1
expect_status 401 "… the old one does not"
req GET /admin/password/nothex
expect_status 404 "a malformed link: 404"

# ---- French ----
req GET /admin/staff -b "$ADMIN" -H 'Accept-Language: fr'
expect_body_has 'Comptes de l’équipe' "the list in French"

# ---- the CLI ----
OUT=$("$CTL_BIN" --db "$DB" user list)
echo "$OUT" | grep -q '^new@example.com staff lyon' && ok "ctl user list" || nok "ctl user list" "$OUT"
OUT=$("$CTL_BIN" --db "$DB" user reset json@example.com)
[[ $OUT =~ ^/admin/password/[0-9a-f]{64}$ ]] && ok "ctl user reset prints a link path" || nok "ctl user reset prints a link path" "$OUT"
req GET "$OUT"
expect_status 200 "… which opens the form"
signin "$WORK/s4.jar" staff@example.com 'another long secret'
"$CTL_BIN" --db "$DB" user disable staff@example.com >/dev/null
req GET /admin/orders -b "$WORK/s4.jar"
expect_status 303 "ctl user disable ends the session at once"
"$CTL_BIN" --db "$DB" user disable nobody@example.com 2>/dev/null
[ $? -ne 0 ] && ok "ctl user disable of an unknown email fails" || nok "ctl user disable of an unknown email fails"

finish
