#!/bin/bash
# test_search.sh — /admin/orders ?q= (number prefix, name and email word
# prefixes whatever the accents and case, phone digits whatever the spacing),
# ?from=&to= (days in the store's zone), combined with ?status= and paging;
# one-store staff find only their store's orders; every bad input of issue 14
# answers 200 (plain text, no match) or 422, never 500.
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
JSON=(-H 'Accept: application/json')
# numbers: the listed orders' numbers, comma-separated, from the JSON body.
numbers() { jget 'b.orders.map(o => o.number).join(",")'; }
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }

"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null || nok "ctl store add b"
printf 'staff-b-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.b@example.com \
    --role staff --store b >/dev/null || nok "ctl user add staff.b"
B=$(sql "SELECT id FROM stores WHERE slug = 'b'")
# noon UTC on 2026-03-10/11/12: the same day in the store's zone.
D10=1773144000; D11=$((D10 + 86400)); D12=$((D11 + 86400))
sql <<SQL
BEGIN;
INSERT INTO orders (store_id, number, status, customer_name, email, phone, total_cents,
    currency, access_token, created_at, updated_at) VALUES
 (1, 'CMD-20260310-ELO001', 'pending', 'Élodie Dupont', 'elodie.dupont@example.com',
    '06 12 34 56 78', 1250, 'EUR', 't1', $D10, $D10),
 (1, 'CMD-20260311-MAR002', 'completed', 'Marc Martin', 'marc@boulangerie.test',
    '+33 7 00 11 22 33', 800, 'EUR', 't2', $D11, $D11),
 ($B, 'CMD-20260311-BBB003', 'pending', 'Elodie Autre', 'elodie@b.test',
    '06 12 34 99 99', 500, 'EUR', 't3', $D11, $D11);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO orders (store_id, number, status, customer_name, email, phone, total_cents,
    currency, access_token, created_at, updated_at)
    SELECT 1, 'CMD-20260312-BLK' || $(sql_zpad i 3), CASE WHEN i % 2 = 1 THEN 'pending' ELSE 'ready' END,
        'Bulk Zoé', 'bulk' || i || '@example.com', '', 100, 'EUR', 't', $D12 + i, $D12 + i
    FROM n;
COMMIT;
SQL

admin_login "$WORK/admin" admin@example.com "$PW" >/dev/null
list() { req GET "/admin/orders$1" -b "$WORK/admin" "${JSON[@]}"; }

# ---- what a search finds ----
list "?q=CMD-20260310"
same "$(numbers)" "CMD-20260310-ELO001" "a number prefix finds its order"
list "?q=cmd-20260311-mar"
same "$(numbers)" "CMD-20260311-MAR002" "a number prefix in lower case"
list "?q=elodie"
same "$(numbers)" "CMD-20260311-BBB003,CMD-20260310-ELO001" "elodie finds Élodie (accent- and case-insensitive), every store for an every-store admin"
list "?q=%C3%89LOD"
same "$(numbers)" "CMD-20260311-BBB003,CMD-20260310-ELO001" "ÉLOD (a prefix, upper case, accented) finds both"
list "?q=dup"
same "$(numbers)" "CMD-20260310-ELO001" "a word prefix of the surname"
list "?q=boulangerie"
same "$(numbers)" "CMD-20260311-MAR002" "a word of the email"
list "?q=0612345678"
same "$(numbers)" "CMD-20260310-ELO001" "phone digits typed without spaces"
list "?q=12%2034%2056"
same "$(numbers)" "CMD-20260310-ELO001" "phone digits typed with other spacing"
list "?q=1122"
same "$(numbers)" "CMD-20260311-MAR002" "four digits of a phone anywhere in it"
list "?q=elodie&status=completed"
same "$(numbers)" "" "a search combined with a status that none of its matches has"
list "?q=marc&status=completed"
same "$(numbers)" "CMD-20260311-MAR002" "a search combined with its match's status"

# ---- dates ----
list "?from=2026-03-11&to=2026-03-11"
same "$(numbers)" "CMD-20260311-BBB003,CMD-20260311-MAR002" "from = to: that one day, inclusive"
list "?q=elodie&from=2026-03-11"
same "$(numbers)" "CMD-20260311-BBB003" "a search and a start date"
list "?to=2026-03-10"
same "$(numbers)" "CMD-20260310-ELO001" "an end date alone"

# ---- paging keeps the filters ----
list "?q=bulk&status=pending"
same "$(jget 'b.orders.length')" "30" "a search and a status: 30 of the 60 bulk orders"
list "?q=bulk"
same "$(jget 'b.orders.length')" "50" "a full first page of a search"
same "$(jget 'b.older_url.includes("q=bulk") && b.older_url.includes("page=2")')" "true" "its older link keeps the search"
list "?q=bulk&page=2"
same "$(jget 'b.orders.length')" "10" "page 2 holds the last 10"
same "$(jget 'b.newer_url.includes("q=bulk")')" "true" "its newer link keeps the search"
req GET "/admin/orders?q=bulk&from=2026-03-12&status=ready" -b "$WORK/admin"
expect_status 200 "the HTML list of a search"
expect_body_has 'value="bulk"' "the form shows what was searched"
expect_body_has 'value="2026-03-12"' "the form shows the start date"
expect_body_lacks 'data-live-list="1"' "a searched list is not live: new orders are not inserted"
expect_body_has 'q=bulk&amp;from=2026-03-12' "the status chips keep the search and dates"
expect_body_has "orders.csv?status=ready&amp;q=bulk&amp;from=2026-03-12" "the CSV link exports the same filters"
req GET "/admin/orders" -b "$WORK/admin"
expect_body_has 'data-live-list="1"' "the unfiltered list stays live"
expect_body_has 'name="q"' "the search form is on the list"

# ---- one-store staff ----
admin_login "$WORK/staffb" staff.b@example.com staff-b-password-1 >/dev/null
req GET "/admin/orders?q=elodie" -b "$WORK/staffb" "${JSON[@]}"
same "$(numbers)" "CMD-20260311-BBB003" "store B's staff find only store B's Élodie"
req GET "/admin/orders?q=CMD-20260310" -b "$WORK/staffb" "${JSON[@]}"
same "$(numbers)" "" "store B's staff do not find store 1's order by number"
req GET "/admin/orders?q=0612" -b "$WORK/staffb" "${JSON[@]}"
same "$(numbers)" "CMD-20260311-BBB003" "nor by phone"

# ---- bad input: plain text, never a 500 ----
# lighttpd refuses a request line over 8 KiB itself (431, before the app);
# 7,000 characters reach the app, which reads at most 200 of a query.
LONG=$(head -c 10000 /dev/zero | tr '\0' 'a')
list "?q=$LONG"
case $STATUS in 200|414|431) ok "?q= of 10,000 characters: $STATUS, not a 500";;
*) nok "?q= of 10,000 characters" "status $STATUS";; esac
list "?q=${LONG:0:7000}"
expect_status 200 "?q= of 7,000 characters: 200"
same "$(numbers)" "" "?q= of 7,000 characters matches nothing"
list "?q=${LONG:0:200}"
expect_status 200 "?q= of 200 characters: 200"
for q in '%25' '_' '%22' '*' 'NEAR(' 'OR' 'elodie%20OR%20marc' '%22elodie%22' 'NEAR(elodie%20marc)' '%25%25' "'%20OR%201=1" '-' '%5E' '%C3%28'; do
	list "?q=$q"
	expect_status 200 "?q=$q: 200"
done
list "?q=OR"
same "$(numbers)" "" "OR is a word, not an operator"
list "?q=elodie%20OR%20marc"
same "$(numbers)" "" "elodie OR marc: three words no one order has"
for bad in 'from=2026-13-45' 'from=2026-02-30' 'to=20260310' 'from=yesterday' 'from=2026-03-12&to=2026-03-10'; do
	list "?$bad"
	expect_status 422 "?$bad: 422"
	expect_jget 'typeof b.error === "string" || typeof b.message === "string"' true "?$bad names the problem"
done
req GET "/admin/orders?from=2026-13-45" -b "$WORK/admin"
expect_status 422 "the HTML list with a bad date: 422"
expect_body_has "YYYY-MM-DD" "with a message"

finish
