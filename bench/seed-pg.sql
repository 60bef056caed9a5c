-- seed-pg.sql — bench/seed.sql for PostgreSQL: adds :n orders (one line each) and their order_created events, in one transaction.
--
-- Usage: psql -X -v ON_ERROR_STOP=1 -v n=1000 -d URI -f bench/seed-pg.sql
-- Run it on a database made by `ordersyncctl --db URI init` + `demo`
-- (products 1..8). The rows are those bench/seed.sql makes on SQLite, row
-- for row: the same ids, numbers (CMD-YYYYMMDD-XXXXXX, the sequence in base
-- 36), statuses (70 % completed, 10 % cancelled, 10 % processing, 10 %
-- pending), one order_items line, totals, a random 32-hex access token, and
-- one order_created event whose payload is the text db_event_add
-- (cgi/db_events.c) writes: compact JSON, keys in its order (format(), not
-- json_build_object, which adds spaces). The names and emails need no JSON
-- escaping ("Customer N"). Ids are set explicitly (OVERRIDING SYSTEM VALUE)
-- and the identities moved past them afterwards, as `migrate-to` does.

\set ON_ERROR_STOP on
SET synchronous_commit = off;

BEGIN;

CREATE TEMP TABLE seed_params ON COMMIT DROP AS
SELECT :n::bigint AS n,
       extract(epoch FROM now())::bigint AS now,
       greatest(1, (30 * 86400) / :n::bigint) AS step,
       coalesce((SELECT max(id) FROM orders), 0) AS first_id;

CREATE TEMP TABLE seed_o ON COMMIT DROP AS
SELECT i, p.first_id + i AS id,
       p.now - (p.n - i) * p.step AS at,
       1 + (i % 8) AS product_id, 1 + (i % 3) AS qty
FROM seed_params AS p, generate_series(1::bigint, p.n) AS i;

INSERT INTO orders (id, store_id, number, status, customer_name, email, phone, notes,
    total_cents, currency, items_count, access_token, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT o.id, 1,
       'CMD-' || to_char(to_timestamp(o.at) AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((o.id / 60466176) % 36 + 1)::int, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((o.id / 1679616) % 36 + 1)::int, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((o.id / 46656) % 36 + 1)::int, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((o.id / 1296) % 36 + 1)::int, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((o.id / 36) % 36 + 1)::int, 1) ||
       substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (o.id % 36 + 1)::int, 1),
       CASE o.i % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'processing'
            WHEN 2 THEN 'pending' ELSE 'completed' END,
       'Customer ' || o.i, 'customer' || o.i || '@example.com', '', '',
       pr.price_cents * o.qty, 'EUR', o.qty, md5(random()::text || o.id), o.at, o.at
FROM seed_o AS o JOIN products AS pr ON pr.id = o.product_id
ORDER BY o.id;

INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, qty)
SELECT o.id, pr.id, pr.sku, pr.name, pr.price_cents, o.qty
FROM seed_o AS o JOIN products AS pr ON pr.id = o.product_id
ORDER BY o.id;

INSERT INTO order_events (store_id, order_id, type, payload, created_at)
SELECT o.store_id, o.id, 'order_created',
       format('{"order":{"number":"%s","status":"pending","total_cents":%s,"currency":"%s",'
           '"customer_name":"%s","items_count":%s,"created_at":"%s"}}',
           o.number, o.total_cents, o.currency, o.customer_name, o.items_count,
           to_char(to_timestamp(o.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
       o.created_at
FROM orders AS o, seed_params AS p
WHERE o.id > p.first_id
ORDER BY o.id;

SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));

COMMIT;

VACUUM ANALYZE orders;
VACUUM ANALYZE order_items;
VACUUM ANALYZE order_events;
