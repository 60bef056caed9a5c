#!/bin/bash
# test_orders_csv.sh — GET /admin/orders.csv (10,000 orders read back with
# Python's csv module equal the database's rows; ?sep=semicolon; the list's
# filters; formula cells neutralised; another store's orders never appear)
# and GET /admin/orders/{number}/print (A4 and receipt; another store's → 404).
. "$(dirname "$0")/lib.sh"
start_app

PW=$ORDERSYNC_ADMIN_PASSWORD
same() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'"; fi; }

"$CTL_BIN" --db "$DB" store add b "Store B" >/dev/null || nok "ctl store add b"
printf 'staff-b-password-1\n' | "$CTL_BIN" --db "$DB" user add staff.b@example.com \
    --role staff --store b >/dev/null || nok "ctl user add staff.b"
B=$(sql "SELECT id FROM stores WHERE slug = 'b'")
T0=1773144000	# 2026-03-10 12:00 UTC
# 10,000 orders in store 1 (two lines each, every 7th paid by card, every
# 11th half paid in cash), one named as a formula, 5 in store B.
sql <<SQL
UPDATE stores SET timezone = 'Europe/Paris';
UPDATE stores SET address = '12 rue des Fours', phone = '01 23 45 67 89' WHERE id = 1;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO orders (store_id, number, status, source, customer_name, email, phone, notes,
    total_cents, currency, items_count, access_token, created_at, updated_at)
    SELECT 1, 'CMD-' || $(sql_ymd "$T0 + i * 600") || '-' || $(sql_zpad i 6),
        CASE i % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'processing' WHEN 2 THEN 'ready' ELSE 'completed' END,
        CASE WHEN i % 3 = 0 THEN 'counter' ELSE 'web' END,
        CASE WHEN i = 4242 THEN '=HYPERLINK("http://evil.test","x")' ELSE 'Client, "n°' || i || '"' END,
        'c' || i || '@example.com', CASE WHEN i % 2 = 1 THEN '06 12 34 56 78' ELSE '' END,
        CASE WHEN i = 7 THEN 'Sans gluten, merci' ELSE '' END,
        2 * 120 + (i % 5) * 250, 'EUR', 2 + i % 5, 't', $T0 + i * 600, $T0 + i * 600
    FROM n;
INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, qty)
    SELECT id, NULL, 'BAG', 'Baguette', 120, 2 FROM orders WHERE store_id = 1;
INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, qty)
    SELECT id, NULL, 'CRO', 'Croissant; beurre', 250, items_count - 2 FROM orders
    WHERE store_id = 1 AND items_count > 2;
INSERT INTO payments (store_id, order_id, amount_cents, method, status, created_at, updated_at, completed_at)
    SELECT 1, id, total_cents, 'card', 'completed', created_at, created_at, created_at
    FROM orders WHERE store_id = 1 AND id % 7 = 0;
INSERT INTO payments (store_id, order_id, amount_cents, method, status, tendered_cents, created_at, updated_at, completed_at)
    SELECT 1, id, 100, 'cash', 'completed', 200, created_at, created_at, created_at
    FROM orders WHERE store_id = 1 AND id % 11 = 0 AND id % 7 <> 0;
INSERT INTO payments (store_id, order_id, amount_cents, method, status, created_at, updated_at)
    SELECT 1, id, 50, 'other', 'pending', created_at, created_at
    FROM orders WHERE store_id = 1 AND id % 13 = 0 AND id % 7 <> 0;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
INSERT INTO orders (store_id, number, status, customer_name, email, total_cents, currency,
    access_token, created_at, updated_at)
    SELECT $B, 'CMD-20260310-BST' || $(sql_zpad i 3), 'pending', 'Store B client', 'b@b.test',
        100, 'EUR', 't', $T0, $T0 FROM n;
COMMIT;
SQL
same "$(sql "SELECT count(*) FROM orders WHERE store_id = 1")" 10000 "seeded 10,000 orders"

admin_login "$WORK/admin" admin@example.com "$PW" >/dev/null
admin_login "$WORK/staffb" staff.b@example.com staff-b-password-1 >/dev/null
admin_login "$WORK/admin1" admin@example.com "$PW" >/dev/null

# compare FILE SEP WHERE: the CSV read back with Python's csv module against
# the database's orders (WHERE over orders o), row by row; prints "ok" or the
# first difference. The rows come through `sql` (either engine), one file a
# table, columns joined by '|' (no seeded value holds one).
compare() {
	local w="SELECT o.id FROM orders o WHERE $3"
	sql "SELECT o.id, number, created_at, status, source, customer_name, email, phone, total_cents
	    FROM orders o WHERE $3 ORDER BY id DESC" > "$WORK/cmp.orders" &&
	sql "SELECT order_id, name, qty FROM order_items WHERE order_id IN ($w) ORDER BY id" \
	    > "$WORK/cmp.items" &&
	sql "SELECT order_id, amount_cents, method FROM payments WHERE order_id IN ($w)
	    AND status = 'completed' ORDER BY id" > "$WORK/cmp.pays" || { echo "sql failed"; return; }
	python3 - "$1" "$2" "$WORK/cmp" <<'PY'
import csv, sys, datetime, zoneinfo
path, sep, cmp = sys.argv[1:4]
def table(name):
    with open(cmp + '.' + name, encoding='utf-8') as f:
        return [line.rstrip('\n').split('|') for line in f if line != '\n']
items_of, pays_of = {}, {}
for oid, n, qty in table('items'): items_of.setdefault(oid, []).append((n, int(qty)))
for oid, a, m in table('pays'): pays_of.setdefault(oid, []).append((int(a), m))
dec = ',' if sep == ';' else '.'
money = lambda c: f"{c // 100}{dec}{c % 100:02d}"
raw = open(path, encoding='utf-8-sig', newline='').read()
rows = list(csv.reader(raw.splitlines(True), delimiter=sep))
want_head = ['number', 'date', 'status', 'source', 'customer', 'email', 'phone', 'items', 'total', 'paid', 'method']
if rows[0] != want_head: print('header', rows[0]); sys.exit()
zone = zoneinfo.ZoneInfo('Europe/Paris')
want = []
for oid, num, at, st, src, name, email, phone, total in table('orders'):
    at, total = int(at), int(total)
    items = '; '.join(f"{qty}\u00d7 {n}" for n, qty in items_of.get(oid, []))
    pays = pays_of.get(oid, [])
    methods = []
    for _, m in pays:
        if m not in methods: methods.append(m)
    cell = lambda s: "'" + s if s[:1] in ('=', '+', '-', '@') else s
    want.append([num, datetime.datetime.fromtimestamp(at, zone).strftime('%Y-%m-%d %H:%M'),
        st, src, cell(name), cell(email), cell(phone), cell(items), money(total),
        money(sum(a for a, _ in pays)), ', '.join(methods)])
got = rows[1:]
if len(got) != len(want): print('rows', len(got), 'want', len(want)); sys.exit()
for g, w in zip(got, want):
    if g != w: print('row', g, 'want', w); sys.exit()
print('ok')
PY
}

req GET /admin/orders.csv -b "$WORK/admin"
expect_status 200 "orders.csv: 200"
expect_header '^content-type: text/csv; charset=utf-8' "as text/csv UTF-8"
expect_header '^content-disposition: attachment; filename="orders-[0-9]{4}-[0-9]{2}-[0-9]{2}\.csv"' "an attachment with a dated name"
cp "$BODY" "$WORK/all.csv"
same "$(compare "$WORK/all.csv" , "true")" ok "10,005 orders read back with Python's csv equal the database (every store for an every-store admin)"
same "$(head -c 3 "$WORK/all.csv" | od -An -tx1 | tr -d ' ')" "6e756d" "a comma file starts with its header, no byte-order mark"
if grep -q "'=HYPERLINK" "$WORK/all.csv" && ! grep -q '^[^,]*,[^,]*,[^,]*,[^,]*,=HYPERLINK' "$WORK/all.csv"; then
	ok "a customer named =HYPERLINK(…) comes out neutralised"
else
	nok "a customer named =HYPERLINK(…) comes out neutralised" "$(grep HYPERLINK "$WORK/all.csv")"
fi

req GET "/admin/orders.csv?sep=semicolon" -b "$WORK/admin"
expect_status 200 "?sep=semicolon: 200"
cp "$BODY" "$WORK/semi.csv"
same "$(head -c 3 "$WORK/semi.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" "a semicolon file starts with a byte-order mark"
same "$(compare "$WORK/semi.csv" ';' "true")" ok "the semicolon file (decimal comma) reads back equal"

req GET "/admin/orders.csv?status=ready&q=client&from=2026-03-20&to=2026-03-25" -b "$WORK/admin"
cp "$BODY" "$WORK/filtered.csv"
FROM=$(TZ=Europe/Paris date -d '2026-03-20 00:00' +%s) TO=$(TZ=Europe/Paris date -d '2026-03-26 00:00' +%s)
same "$(compare "$WORK/filtered.csv" , "status = 'ready' AND store_id = 1 AND created_at >= $FROM AND created_at < $TO" 2>&1 | head -c 300)" ok \
    "status, search and dates (local days, Europe/Paris, inclusive) filter the export"
req GET "/admin/orders.csv?q=0612" -b "$WORK/admin"
cp "$BODY" "$WORK/phone.csv"
same "$(compare "$WORK/phone.csv" , "phone <> ''")" ok "a phone search exports exactly the orders with that phone"
req GET "/admin/orders.csv?from=2026-13-45" -b "$WORK/admin"
expect_status 422 "?from=2026-13-45 → 422"

req GET /admin/orders.csv -b "$WORK/staffb"
cp "$BODY" "$WORK/b.csv"
same "$(compare "$WORK/b.csv" , "store_id = $B")" ok "store B's staff export only store B's 5 orders"
req GET "/admin/orders.csv?q=CMD-2026" -b "$WORK/staffb"
expect_body_lacks "CMD-20260310-000001" "store B's staff never get store 1's orders, even by number"
req GET /admin/orders.csv
case $STATUS in 303|401) ok "signed out: no CSV ($STATUS)";; *) nok "signed out: no CSV" "status $STATUS";; esac

# ---- the printable slip ----
N7=$(sql "SELECT number FROM orders WHERE store_id = 1 AND id = 7")
sql "UPDATE orders SET fulfilment = 'delivery', address = '3 place du Marché', postcode = '69001', city = 'Lyon' WHERE id = 7"
req GET "/admin/orders/$N7/print" -b "$WORK/admin"
expect_status 200 "print page: 200"
expect_body_has "$N7" "it names the order"
expect_body_has "Baguette" "it lists the items"
expect_body_has "Croissant; beurre" "every item"
expect_body_has "12 rue des Fours" "the shop's address"
expect_body_has "3 place du Marché" "the delivery address"
expect_body_has "Sans gluten, merci" "the notes"
expect_body_has "print.css" "its print stylesheet"
expect_body_lacks "<script" "no script"
TOTAL=$(sql "SELECT total_cents FROM orders WHERE id = 7")
expect_body_has "$((TOTAL / 100)).$(printf %02d $((TOTAL % 100)))" "the total"
expect_body_has 'slip--a4' "A4 by default"
req GET "/admin/orders/$N7/print?format=receipt" -b "$WORK/admin"
expect_status 200 "receipt: 200"
expect_body_has 'slip--receipt' "laid out as a receipt"
grep -Eq '@page receipt \{ size: 80mm [0-9]+mm' "$TOP/static/css/print.css" && ok "the receipt's page is 80 mm wide" || nok "the receipt's page is 80 mm wide"
req GET "/admin/orders/$N7/print" -b "$WORK/staffb"
expect_status 404 "another store's order: 404"
req GET "/admin/orders/CMD-20260310-BST001/print" -b "$WORK/staffb"
expect_status 200 "their own store's order: 200"
req GET "/admin/orders/not-a-number/print" -b "$WORK/admin"
expect_status 404 "no such order: 404"
req GET "/admin/orders/$N7" -b "$WORK/admin"
expect_body_has "/admin/orders/$N7/print" "the order page links to its slip"

finish
