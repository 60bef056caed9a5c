-- seed.sql — adds @n orders (one line each) and their order_created events to an ordersync database, in one transaction.
--
-- Usage: sqlite3 DB ".parameter set @n 1000000" ".read bench/seed.sql"
-- Run it on a database made by `ordersyncctl init` + `demo` (products 1..8),
-- before the app opens it. Orders are spread over the last ~30 days, one
-- every 30*86400/@n seconds (at least 1). Each gets:
--   number   CMD-YYYYMMDD-XXXXXX: its creation date, then its sequence number
--            in base 36 (A-Z0-9), so numbers are unique and match the CHECK;
--   a status (70 % completed, 10 % cancelled, 10 % processing, 10 % pending),
--   one order_items line (product 1..8 in turn, qty 1..3), total_cents and
--   items_count from that line, a random 32-hex access token;
--   one order_created event whose payload is the snapshot db_event_add
--   (cgi/db_events.c) writes, with the status the order had when created.

.bail on
-- No "PRAGMA temp_store = MEMORY" here: with it, sqlite3 3.40.1 fills
-- orders.number with NULL in the INSERT ... SELECT below (seen on Debian 12).
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;

BEGIN IMMEDIATE;

CREATE TEMP TABLE seed_params AS
SELECT @n AS n,
       CAST(strftime('%s', 'now') AS INTEGER) AS now,
       max(1, (30 * 86400) / @n) AS step,
       coalesce((SELECT max(id) FROM orders), 0) AS first_id;

-- The new orders' ids, times and lines first, then the rows from them.
CREATE TEMP TABLE seed_o AS
WITH RECURSIVE seq(i) AS (
	SELECT 1 UNION ALL SELECT i + 1 FROM seq, seed_params WHERE i < seed_params.n
)
SELECT seq.i AS i, p.first_id + seq.i AS id,
       p.now - (p.n - seq.i) * p.step AS at,
       1 + (seq.i % 8) AS product_id, 1 + (seq.i % 3) AS qty
FROM seq, seed_params AS p;

INSERT INTO orders (id, store_id, number, status, customer_name, email, phone, notes,
    total_cents, currency, items_count, access_token, created_at, updated_at)
SELECT o.id, 1,
       'CMD-' || strftime('%Y%m%d', o.at, 'unixepoch') || '-' ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id / 60466176) % 36 + 1, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id / 1679616) % 36 + 1, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id / 46656) % 36 + 1, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id / 1296) % 36 + 1, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id / 36) % 36 + 1, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', o.id % 36 + 1, 1),
       CASE o.i % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'processing'
            WHEN 2 THEN 'pending' ELSE 'completed' END,
       'Customer ' || o.i, 'customer' || o.i || '@example.com', '', '',
       pr.price_cents * o.qty, 'EUR', o.qty, lower(hex(randomblob(16))), o.at, o.at
FROM seed_o AS o JOIN products AS pr ON pr.id = o.product_id
ORDER BY o.id;

INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, qty)
SELECT o.id, pr.id, pr.sku, pr.name, pr.price_cents, o.qty
FROM seed_o AS o JOIN products AS pr ON pr.id = o.product_id
ORDER BY o.id;

INSERT INTO order_events (store_id, order_id, type, payload, created_at)
SELECT o.store_id, o.id, 'order_created',
       json_object('order', json_object(
           'number', o.number, 'status', 'pending', 'total_cents', o.total_cents,
           'currency', o.currency, 'customer_name', o.customer_name,
           'items_count', o.items_count,
           'created_at', strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, 'unixepoch'))),
       o.created_at
FROM orders AS o, seed_params AS p
WHERE o.id > p.first_id
ORDER BY o.id;

COMMIT;
DROP TABLE temp.seed_params;
DROP TABLE temp.seed_o;
PRAGMA wal_checkpoint(TRUNCATE);
