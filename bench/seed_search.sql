-- seed_search.sql — adds @n orders with varied names, emails and phones (the search scenario's database), in one transaction.
--
-- Usage: sqlite3 DB ".parameter set @n 1000000" ".read bench/seed_search.sql"
-- On a database made by `ordersyncctl init` + `demo`, before the app opens it.
-- Orders are spread over the last ~30 days like seed.sql's; each has a name
-- "First Last" from 16 × 32 names (accented ones included), an email
-- first.lastK@example.com and a phone "06 AB CD EF GH" whose digits vary with
-- the order. The search triggers (schema.sql migration 8) fill the full-text
-- tables as the rows go in. No lines, no events: the list does not read them.

.bail on
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;

BEGIN IMMEDIATE;

CREATE TEMP TABLE seed_first (i INTEGER PRIMARY KEY, w TEXT, a TEXT);
INSERT INTO seed_first (i, w, a) VALUES
 (0, 'Élodie', 'elodie'), (1, 'Zoé', 'zoe'), (2, 'Léa', 'lea'), (3, 'Hugo', 'hugo'),
 (4, 'Chloé', 'chloe'), (5, 'Louis', 'louis'), (6, 'Inès', 'ines'), (7, 'Jules', 'jules'),
 (8, 'Manon', 'manon'), (9, 'Théo', 'theo'), (10, 'Camille', 'camille'), (11, 'Nathan', 'nathan'),
 (12, 'Sarah', 'sarah'), (13, 'Lucas', 'lucas'), (14, 'Anaïs', 'anais'), (15, 'Gabriel', 'gabriel');
CREATE TEMP TABLE seed_last (i INTEGER PRIMARY KEY, w TEXT);
INSERT INTO seed_last (i, w) VALUES
 (0, 'Martin'), (1, 'Bernard'), (2, 'Dubois'), (3, 'Thomas'), (4, 'Robert'), (5, 'Richard'),
 (6, 'Petit'), (7, 'Durand'), (8, 'Leroy'), (9, 'Moreau'), (10, 'Simon'), (11, 'Laurent'),
 (12, 'Lefèvre'), (13, 'Michel'), (14, 'Garcia'), (15, 'David'), (16, 'Bertrand'), (17, 'Roux'),
 (18, 'Vincent'), (19, 'Fournier'), (20, 'Morel'), (21, 'Girard'), (22, 'André'), (23, 'Mercier'),
 (24, 'Dupont'), (25, 'Lambert'), (26, 'Bonnet'), (27, 'François'), (28, 'Martinez'), (29, 'Legrand'),
 (30, 'Garnier'), (31, 'Faure');

CREATE TEMP TABLE seed_params AS
SELECT @n AS n, CAST(strftime('%s', 'now') AS INTEGER) AS now,
       max(1, (30 * 86400) / @n) AS step,
       coalesce((SELECT max(id) FROM orders), 0) AS first_id;

INSERT INTO orders (id, store_id, number, status, customer_name, email, phone,
    total_cents, currency, items_count, access_token, created_at, updated_at)
WITH RECURSIVE seq(i) AS (
	SELECT 1 UNION ALL SELECT i + 1 FROM seq, seed_params WHERE i < seed_params.n
), o AS (
	SELECT seq.i AS i, p.first_id + seq.i AS id, p.now - (p.n - seq.i) * p.step AS at
	FROM seq, seed_params AS p
)
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
       f.w || ' ' || l.w,
       f.a || '.' || lower(l.w) || (o.i % 1000) || '@example.com',
       printf('06 %02d %02d %02d %02d', (o.i * 7) % 100, (o.i * 13 / 7) % 100,
           (o.i * 31 / 3) % 100, (o.i * 97 / 11) % 100),
       250 + (o.i % 40) * 50, 'EUR', 1 + o.i % 3, lower(hex(randomblob(16))), o.at, o.at
FROM o JOIN seed_first AS f ON f.i = o.i % 16 JOIN seed_last AS l ON l.i = (o.i / 16) % 32
ORDER BY o.id;

COMMIT;
DROP TABLE temp.seed_params;
DROP TABLE temp.seed_first;
DROP TABLE temp.seed_last;
PRAGMA wal_checkpoint(TRUNCATE);
