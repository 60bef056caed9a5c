#!/bin/bash
# test_stores.sh — stores and their settings through a real lighttpd: the
# list, a new store (form, JSON, copied settings), bad and taken slugs, the
# settings form (saved and read back, every bad value a 422, a NUL a 400,
# an empty currency following ORDERSYNC_CURRENCY again), who may do what
# (a one-store admin, staff, a seller, no CSRF token), and the CLI.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
"$CTL_BIN" --db "$DB" store add lyon Lyon >/dev/null
printf 'lyon-admin-pw-1\n' | "$CTL_BIN" --db "$DB" user add boss@lyon.example --role admin --store lyon >/dev/null
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff --store default >/dev/null
printf 'seller-password-1\n' | "$CTL_BIN" --db "$DB" user add seller@lyon.example --role seller --store lyon >/dev/null
stores() { sql "SELECT slug FROM stores ORDER BY id" | paste -sd,; }
row() { sql "SELECT slug, coalesce(name, '-'), contact_email, phone, address, hours, fulfilment,
    vat_note, legal, coalesce(currency, '-'), coalesce(language, '-'), coalesce(timezone, '-'),
    alert_emails, escalate_minutes, escalate_emails FROM stores WHERE slug = '$1'"; }

ADMIN=$WORK/admin.jar
signin "$ADMIN" admin@example.com "$PW"

# ---- nav and the list ----
req GET /admin -b "$ADMIN"
expect_body_has 'href="/admin/stores"' "an every-store admin has a Stores link"
expect_body_has 'href="/admin/settings"' "… and a Settings link"
req GET /admin/stores -b "$ADMIN"
expect_status 200 "the stores page"
expect_body_has 'href="/s/lyon/"' "the list links each store's shop"
expect_body_has 'href="/admin/settings?store=lyon"' "… and its settings"
expect_body_has 'ordersync shop' "the default store goes by the environment's name"
req GET /admin/stores -b "$ADMIN" -H 'Accept: application/json'
expect_jget 'b.stores.map(s=>s.slug+":"+s.name+":"+s.orders+":"+s.staff).join()' \
    'default:ordersync shop:0:1,lyon:Lyon:0:2' "JSON list: slug, name, orders, staff"
req GET /admin/stores -H 'Accept: application/json'
expect_status 401 "the list without a session: 401"

# ---- a new store ----
req GET /admin/stores/new -b "$ADMIN"
expect_status 200 "the new-store form"
post "$ADMIN" /admin/stores/new --data-urlencode slug=paris --data-urlencode name=Paris
expect_status 303 "new store (form): 303"
[ "$(location)" = "/admin/stores?added=paris" ] && ok "… to the list" || nok "… to the list" "$(location)"
req GET "$(location)" -b "$ADMIN"
expect_body_has 'href="/s/paris/"' "the list shows it"
expect_body_has 'Store paris created.' "… with a notice"
sql "UPDATE stores SET currency = 'CHF', hours = 'Daily 8-20' WHERE slug = 'lyon'"
req POST /admin/stores/new -b "$ADMIN" -H "X-CSRF-Token: $(cat "$ADMIN.csrf")" \
    -H 'Accept: application/json' --data-urlencode slug=nice --data-urlencode name=Nice \
    --data-urlencode from=lyon
expect_status 201 "new store (JSON): 201"
expect_jget 'Object.keys(b.store).join()+"|"+b.store.slug+"|"+b.store.name+"|"+(b.store.id>1)' \
    'id,slug,name|nice|Nice|true' "JSON: {store: {id, slug, name}}"
[ "$(sql "SELECT currency || '|' || hours || '|' || name FROM stores WHERE slug = 'nice'")" = 'CHF|Daily 8-20|Nice' ] &&
    ok "from=lyon copies its settings, not its name" || nok "from=lyon copies its settings"
BEFORE=$(stores)
for bad in Paris 'pa ris' '..' "$(printf 'a%.0s' {1..65})" ''; do
	post "$ADMIN" /admin/stores/new --data-urlencode "slug=$bad" --data-urlencode name=X
	expect_status 422 "slug '${bad:0:12}': 422"
done
expect_body_has 'lowercase letters' "… saying why"
post "$ADMIN" /admin/stores/new --data-urlencode slug=lyon --data-urlencode name=Again
expect_status 409 "a slug already taken: 409"
expect_body_has 'Another store already has this short name.' "… on the field"
post "$ADMIN" /admin/stores/new --data-urlencode slug=grenoble --data-urlencode name=G \
    --data-urlencode from=nowhere
expect_status 422 "from an unknown store: 422"
post "$ADMIN" /admin/stores/new --data-urlencode slug=grenoble \
    --data-urlencode "name=$(printf 'n%.0s' {1..101})"
expect_status 422 "a name of 101 characters: 422"
req POST /admin/stores/new -b "$ADMIN" --data-urlencode slug=grenoble --data-urlencode name=G
expect_status 403 "new store without the CSRF token: 403"
[ "$(stores)" = "$BEFORE" ] && ok "… nothing created" || nok "… nothing created" "$(stores)"

# ---- settings ----
FIELDS=("name=Lyon Centre" contact_email=hello@lyon.example "phone=+33 4 72 00 00 00"
    "address=1 place Bellecour" "hours=Mon-Sat 9-19" fulfilment=both
    "vat_note=Prices include VAT" "legal=SARL Lyon Centre" currency=EUR language=fr
    timezone=Europe/Paris "alert_emails=a@lyon.example, b@lyon.example" escalate_minutes=15
    escalate_emails=boss@lyon.example)
# settings JAR PATH [KEY=VALUE...]: posts the whole form, KEY=VALUE replacing or adding a field.
settings() {
	local jar=$1 path=$2 f o k args=() keys=" "
	shift 2
	for f in "${FIELDS[@]}"; do
		k=${f%%=*}
		keys="$keys$k "
		for o in "$@"; do [ "${o%%=*}" = "$k" ] && f=$o; done
		args+=(--data-urlencode "$f")
	done
	for o in "$@"; do case $keys in *" ${o%%=*} "*) ;; *) args+=(--data-urlencode "$o");; esac; done
	post "$jar" "$path" "${args[@]}"
}
req GET /admin/settings -b "$ADMIN"
expect_status 200 "the settings page (the default store)"
expect_body_has 'placeholder="ordersync shop"' "… the environment's name as the placeholder"
expect_body_lacks 'name="slug"' "… the default store's slug cannot be changed"
req GET /admin/settings -b "$ADMIN" -H 'Accept: application/json'
expect_jget 'b.store.slug+"|"+b.store.currency+"|"+b.store.own.currency' 'default|EUR|false' \
    "JSON: the default store follows the environment"
settings "$ADMIN" '/admin/settings?store=lyon'
expect_status 303 "settings saved: 303"
[ "$(location)" = "/admin/settings?store=lyon&saved=1" ] && ok "… back to the page" || nok "… back to the page" "$(location)"
req GET "$(location)" -b "$ADMIN"
expect_body_has 'Settings saved.' "… with a notice"
expect_body_has 'value="Lyon Centre"' "… showing the new name"
SAVED='lyon|Lyon Centre|hello@lyon.example|+33 4 72 00 00 00|1 place Bellecour|Mon-Sat 9-19|both|Prices include VAT|SARL Lyon Centre|EUR|fr|Europe/Paris|a@lyon.example, b@lyon.example|15|boss@lyon.example'
[ "$(row lyon)" = "$SAVED" ] && ok "every field is stored" || nok "every field is stored" "$(row lyon)"
req GET '/admin/settings?store=lyon' -b "$ADMIN" -H 'Accept: application/json'
expect_jget '[b.store.name,b.store.fulfilment,b.store.timezone,b.store.escalate_minutes,b.store.own.currency].join("|")' \
    'Lyon Centre|both|Europe/Paris|15|true' "… and read back as JSON"
req GET /admin/stores -b "$ADMIN"
expect_body_has 'Lyon Centre' "a new name is the store's name on the list (rename)"
for bad in currency=eur language=de timezone=Mars/Olympus timezone=../../etc/passwd \
    escalate_minutes=1441 escalate_minutes=-1 'alert_emails=a@b.fr; c@d.fr' \
    escalate_emails=nobody "name=$(printf 'x%.0s' {1..101})" fulfilment=ship \
    contact_email=not-an-email phone=call-me slug=Lyon; do
	settings "$ADMIN" '/admin/settings?store=lyon' "$bad"
	expect_status 422 "${bad:0:24}: 422"
done
expect_body_has 'lowercase letters' "… the page says why"
settings "$ADMIN" '/admin/settings?store=lyon' currency=eur
expect_body_has 'three capital letters' "a bad currency: the field's message"
expect_body_has 'value="eur"' "… the form keeps what was typed"
req POST '/admin/settings?store=lyon' -b "$ADMIN" -H "X-CSRF-Token: $(cat "$ADMIN.csrf")" \
    -H 'Accept: application/json' --data-urlencode language=de --data-urlencode timezone=Mars/Olympus
expect_status 422 "JSON: 422"
expect_jget 'Object.keys(b.fields).sort().join()' 'language,timezone' "… naming each wrong field"
post "$ADMIN" '/admin/settings?store=lyon' --data 'name=A%00B'
expect_status 400 "a NUL byte: 400"
[ "$(row lyon)" = "$SAVED" ] && ok "… nothing changed by the refused posts" || nok "… nothing changed" "$(row lyon)"
settings "$ADMIN" '/admin/settings?store=lyon' slug=paris
expect_status 409 "a slug taken by another store: 409"
expect_body_has 'Another store already has this short name.' "… on the field"
settings "$ADMIN" /admin/settings "name=Head office" slug=main
expect_status 422 "the default store's slug stays default: 422"
req POST /admin/settings -b "$ADMIN" --data-urlencode name=X
expect_status 403 "settings without the CSRF token: 403"
req GET '/admin/settings?store=nowhere' -b "$ADMIN"
expect_status 404 "an unknown ?store=: 404"
settings "$ADMIN" '/admin/settings?store=lyon' currency= language= timezone= name=
expect_status 303 "empty name, currency, language and time zone: saved"
[ "$(sql "SELECT coalesce(name,'-')||coalesce(currency,'-')||coalesce(language,'-')||coalesce(timezone,'-') FROM stores WHERE slug='lyon'")" = '----' ] &&
    ok "… stored as NULL" || nok "… stored as NULL"
req GET '/admin/settings?store=lyon' -b "$ADMIN" -H 'Accept: application/json'
expect_jget '[b.store.currency,b.store.own.currency,b.store.name,b.store.language].join("|")' \
    'EUR|false|ordersync shop|en' "… which follow ORDERSYNC_* again"
settings "$ADMIN" '/admin/settings?store=nice' slug=nice-2 "name=Nice Riviera"
expect_status 303 "an every-store admin changes a store's slug"
[ "$(location)" = "/admin/settings?store=nice-2&saved=1" ] && ok "… back to the page under its new slug" || nok "… back under the new slug" "$(location)"

# ---- a one-store admin ----
BOSS=$WORK/boss.jar
signin "$BOSS" boss@lyon.example lyon-admin-pw-1
req GET /admin -b "$BOSS"
expect_body_has 'href="/admin/settings"' "a one-store admin has a Settings link"
expect_body_lacks 'href="/admin/stores"' "… and no Stores link"
req GET /admin/settings -b "$BOSS" -H 'Accept: application/json'
expect_jget 'b.store.slug' lyon "a one-store admin's settings are their store's"
# The back office runs in the user's store's zone: the stats' hours start
# at local hours, half past in UTC for Asia/Kolkata (UTC+5:30); the
# every-store admin's are the default store's (the environment's UTC here).
OLDTZ=$(sql "SELECT coalesce(timezone, '') FROM stores WHERE slug = 'lyon'")
sql "UPDATE stores SET timezone = 'Asia/Kolkata' WHERE slug = 'lyon'" >/dev/null
req GET /admin/api/stats -b "$BOSS"
expect_jget 'b.orders_per_hour[23].hour.slice(13, 16)' ':30' "a one-store admin's stats are in their store's zone"
req GET /admin/api/stats -b "$ADMIN"
expect_jget 'b.orders_per_hour[23].hour.slice(13, 16)' ':00' "… the every-store admin's in the default store's"
req GET /admin/api/stats -b "$BOSS"
expect_jget 'b.orders_per_hour[23].hour.slice(13, 16)' ':30' "… and the zone is set again for each request"
sql "UPDATE stores SET timezone = nullif('$OLDTZ', '') WHERE slug = 'lyon'" >/dev/null
req GET /admin/settings -b "$BOSS"
expect_body_lacks 'name="store"' "… and the page offers no other store"
req GET '/admin/settings?store=default' -b "$BOSS"
expect_status 404 "?store= of another store: 404"
settings "$BOSS" '/admin/settings?store=paris' name=Mine
expect_status 404 "… and posting to it: 404"
BEFORE=$(row default)
settings "$BOSS" /admin/settings "name=Lyon by Boss" slug=default
expect_status 403 "a one-store admin forging slug=default: 403"
[ "$(row default)" = "$BEFORE" ] && [ "$(sql "SELECT count(*) FROM stores WHERE slug = 'default'")" = 1 ] &&
    ok "… the default store is untouched" || nok "… the default store is untouched"
settings "$BOSS" /admin/settings "name=Lyon by Boss" currency=CHF
expect_status 303 "a one-store admin saves their own settings"
[ "$(sql "SELECT name || currency FROM stores WHERE slug = 'lyon'")" = 'Lyon by BossCHF' ] &&
    ok "… stored" || nok "… stored"
"$CTL_BIN" --db "$DB" product add LY-1 Croissant 1.20 5 --store lyon >/dev/null
req GET /admin/products -b "$BOSS"
expect_body_has 'CHF' "a one-store admin's catalog shows their store's currency"
req GET /admin/api/stats -b "$BOSS"
expect_jget 'b.currency' CHF "… and so do their stats"
req GET /admin/products -b "$ADMIN"
expect_body_lacks 'CHF' "an every-store admin's: the default store's"
req GET /admin/api/stats -b "$ADMIN"
expect_jget 'b.currency' EUR "… in the stats too"
req GET /admin/stores -b "$BOSS"
expect_status 403 "a one-store admin: 403 on /admin/stores"
post "$BOSS" /admin/stores/new --data-urlencode slug=mine --data-urlencode name=Mine
expect_status 403 "… and on creating a store"

# ---- staff and sellers ----
STAFF=$WORK/staff.jar
signin "$STAFF" staff@example.com staff-password-1
req GET /admin/settings -b "$STAFF"
expect_status 403 "staff: 403 on settings"
settings "$STAFF" /admin/settings name=Staffed
expect_status 403 "staff: 403 on saving settings"
req GET /admin -b "$STAFF"
expect_body_lacks 'href="/admin/settings"' "staff have no Settings link"
SELLER=$WORK/seller.jar
signin "$SELLER" seller@lyon.example seller-password-1
req GET /admin/settings -b "$SELLER"
expect_status 403 "a seller: 403 on settings"
req GET /admin/stores -b "$SELLER"
expect_status 403 "a seller: 403 on stores"

# ---- French ----
req GET '/admin/settings?store=lyon' -b "$ADMIN" -H 'Accept-Language: fr'
expect_body_has 'Réglages' "the settings page in French"
req GET /admin/stores -b "$ADMIN" -H 'Accept-Language: fr'
expect_body_has 'Ajouter une boutique' "the stores page in French"

# ---- the CLI ----
OUT=$("$CTL_BIN" --db "$DB" store add grenoble Grenoble --from lyon)
[ "$OUT" = 'added store grenoble' ] && ok "ctl store add --from" || nok "ctl store add --from" "$OUT"
[ "$(sql "SELECT currency FROM stores WHERE slug = 'grenoble'")" = CHF ] && ok "… copies the settings" || nok "… copies the settings"
"$CTL_BIN" --db "$DB" store add Grenoble G 2>"$WORK/err"; RC=$?
[ $RC = 1 ] && grep -q 'slug: ' "$WORK/err" && ok "ctl store add of a bad slug fails, saying why" || nok "ctl store add of a bad slug" "rc $RC $(cat "$WORK/err")"
"$CTL_BIN" --db "$DB" store add grenoble G 2>/dev/null
[ $? = 1 ] && ok "ctl store add of a taken slug fails" || nok "ctl store add of a taken slug fails"
"$CTL_BIN" --db "$DB" store set grenoble timezone America/New_York >/dev/null &&
    [ "$(sql "SELECT timezone FROM stores WHERE slug = 'grenoble'")" = America/New_York ] &&
    ok "ctl store set" || nok "ctl store set"
"$CTL_BIN" --db "$DB" store set grenoble currency eur 2>"$WORK/err"; RC=$?
[ $RC = 1 ] && grep -q 'currency: A currency is three capital letters' "$WORK/err" &&
    ok "ctl store set refuses what the form refuses, with its message" || nok "ctl store set eur" "rc $RC $(cat "$WORK/err")"
"$CTL_BIN" --db "$DB" store set grenoble currency '' >/dev/null &&
    [ "$(sql "SELECT coalesce(currency, 'NULL') FROM stores WHERE slug = 'grenoble'")" = NULL ] &&
    ok "ctl store set KEY '' follows the environment" || nok "ctl store set KEY ''"
"$CTL_BIN" --db "$DB" store set grenoble colour blue 2>/dev/null
[ $? = 2 ] && ok "ctl store set of an unknown key: usage error" || nok "ctl store set of an unknown key"
"$CTL_BIN" --db "$DB" store set default slug main 2>/dev/null
[ $? = 1 ] && ok "ctl: the default store's slug stays" || nok "ctl: the default store's slug stays"
OUT=$("$CTL_BIN" --db "$DB" store list)
[ "$(echo "$OUT" | head -n 1)" = "$(printf 'default\tordersync shop\t0\t1')" ] &&
    echo "$OUT" | grep -q "^grenoble	Grenoble	0	0$" && ok "ctl store list" || nok "ctl store list" "$OUT"

finish
