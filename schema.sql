-- schema.sql — the whole ordersync schema, applied in order on first start.
--
-- Each "-- @migration N" block runs once, in its own transaction, when the
-- database's PRAGMA user_version is below N; then user_version becomes N.
-- Never edit a released block: add a new one below it.
-- Money is integer cents; times are unix seconds (UTC).

-- @migration 1
CREATE TABLE meta (
	key	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
) WITHOUT ROWID;
-- The epoch names this database: a restored or replaced file has another, and
-- feed clients holding a cursor from the old one are told to reset.
INSERT INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));

CREATE TABLE stores (
	id	INTEGER PRIMARY KEY,
	slug	TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
	name	TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);
INSERT INTO stores (id, slug, name) VALUES (1, 'default', 'Default store');

CREATE TABLE products (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	sku		TEXT NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
	price_cents	INTEGER NOT NULL CHECK (price_cents >= 0),
	stock		INTEGER NOT NULL CHECK (stock >= 0),
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	UNIQUE (store_id, sku)
);
CREATE INDEX products_store_active ON products (store_id, active, id);

-- A cart is anonymous: its token is the customer's cookie. form_token is the
-- checkout form's CSRF token and idempotency key; it changes after a checkout.
CREATE TABLE carts (
	id		INTEGER PRIMARY KEY,
	token		TEXT NOT NULL UNIQUE,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	form_token	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX carts_updated ON carts (updated_at);

CREATE TABLE cart_items (
	cart_id		INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
	product_id	INTEGER NOT NULL REFERENCES products (id),
	qty		INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 99),
	added_at	INTEGER NOT NULL,
	PRIMARY KEY (cart_id, product_id)
) WITHOUT ROWID;

CREATE TABLE orders (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	number		TEXT NOT NULL UNIQUE CHECK (number GLOB
	    'CMD-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]'),
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
	customer_name	TEXT NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 100),
	email		TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
	total_cents	INTEGER NOT NULL CHECK (total_cents >= 0),
	currency	TEXT NOT NULL CHECK (length(currency) = 3),
	items_count	INTEGER NOT NULL DEFAULT 0 CHECK (items_count >= 0),
	access_token	TEXT NOT NULL,
	-- "form:<form_token>" for the web checkout, "api:<Idempotency-Key>" for
	-- the JSON API; request_hash tells a replay from a different request.
	idempotency_key	TEXT UNIQUE,
	request_hash	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_store_status ON orders (store_id, status, id);
CREATE INDEX orders_created ON orders (created_at);

-- How many orders each store has in each status, kept by the triggers below
-- in the same transaction as the change, so the admin list's filter counts
-- are one indexed read instead of a scan of every order (~150 ms at 1M).
-- A row may reach n = 0; readers treat a missing row as 0.
CREATE TABLE order_counts (
	store_id	INTEGER NOT NULL,
	status		TEXT NOT NULL,
	n		INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (store_id, status)
) WITHOUT ROWID;
INSERT INTO order_counts (store_id, status, n)
    SELECT store_id, status, count(*) FROM orders WHERE true GROUP BY store_id, status;
CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_update AFTER UPDATE OF status, store_id ON orders
    WHEN OLD.status IS NOT NEW.status OR OLD.store_id IS NOT NEW.store_id BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
END;

CREATE TABLE order_items (
	id			INTEGER PRIMARY KEY,
	order_id		INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	product_id		INTEGER REFERENCES products (id),
	sku			TEXT NOT NULL,
	name			TEXT NOT NULL,
	unit_price_cents	INTEGER NOT NULL CHECK (unit_price_cents >= 0),
	qty			INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 99)
);
CREATE INDEX order_items_order ON order_items (order_id);

CREATE TABLE payments (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	amount_cents	INTEGER NOT NULL CHECK (amount_cents >= 0),
	method		TEXT NOT NULL CHECK (length(method) BETWEEN 1 AND 32),
	status		TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

-- The change feed. Written in the same transaction as the change it
-- describes; SQLite serialises writers, so ids commit in increasing order
-- and a cursor never skips one. AUTOINCREMENT: an id is never reused.
-- payload holds a snapshot of the order as of the event, so reading the
-- feed never touches the orders table.
CREATE TABLE order_events (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	order_id	INTEGER NOT NULL REFERENCES orders (id),
	type		TEXT NOT NULL CHECK (type IN ('order_created', 'order_updated',
	    'order_cancelled', 'payment_created', 'payment_completed')),
	payload		TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
	created_at	INTEGER NOT NULL
);
CREATE INDEX order_events_store ON order_events (store_id, id);
CREATE INDEX order_events_order ON order_events (order_id, id);

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
	password_hash	TEXT NOT NULL,
	role		TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'staff')),
	store_id	INTEGER REFERENCES stores (id),	-- NULL: every store
	created_at	INTEGER NOT NULL
);

-- Only a hash of the session token is stored: a copy of the database does
-- not log anyone in.
CREATE TABLE sessions (
	token_hash	TEXT PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	last_seen_at	INTEGER NOT NULL,
	last_poll_at	INTEGER NOT NULL DEFAULT 0,
	polls		INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_poll ON sessions (last_poll_at);

CREATE TABLE login_attempts (
	id	INTEGER PRIMARY KEY,
	email	TEXT NOT NULL,
	addr	TEXT NOT NULL,
	at	INTEGER NOT NULL,
	ok	INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);

-- @migration 2
-- v2 statuses: an order can be "ready" (for pickup, or out for delivery)
-- between processing and completed. SQLite cannot change a CHECK in place:
-- the table is rebuilt as its documentation describes (foreign keys are off
-- while migrations run; the runner checks them before committing).
CREATE TABLE orders_v2 (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	number		TEXT NOT NULL UNIQUE CHECK (number GLOB
	    'CMD-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]'),
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'processing', 'ready', 'completed', 'cancelled')),
	customer_name	TEXT NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 100),
	email		TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
	total_cents	INTEGER NOT NULL CHECK (total_cents >= 0),
	currency	TEXT NOT NULL CHECK (length(currency) = 3),
	items_count	INTEGER NOT NULL DEFAULT 0 CHECK (items_count >= 0),
	access_token	TEXT NOT NULL,
	idempotency_key	TEXT UNIQUE,
	request_hash	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
INSERT INTO orders_v2 SELECT id, store_id, number, status, customer_name, email, phone,
    notes, total_cents, currency, items_count, access_token, idempotency_key,
    request_hash, created_at, updated_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v2 RENAME TO orders;
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_store_status ON orders (store_id, status, id);
CREATE INDEX orders_created ON orders (created_at);
CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_update AFTER UPDATE OF status, store_id ON orders
    WHEN OLD.status IS NOT NEW.status OR OLD.store_id IS NOT NEW.store_id BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
END;

-- @migration 3
-- v2 sign-in throttling: failures count per (account, address), per address,
-- and per device cookie. device is the id of the signed device cookie the
-- attempt carried ('' without one). Attempts are recorded (as failures)
-- before the password is checked, and marked ok = 1 when it matched.
ALTER TABLE login_attempts ADD COLUMN device TEXT NOT NULL DEFAULT '';
DROP INDEX login_attempts_email;
CREATE INDEX login_attempts_pair ON login_attempts (email, addr, at);
CREATE INDEX login_attempts_device ON login_attempts (device, at);
-- The secret that signs device cookies (HMAC-SHA256 key, 32 random bytes in
-- hex) is meta.device_key, made on the first sign-in (db_admin_device_key);
-- deleting it voids every device cookie.

-- @migration 4
-- v2 catalog: each product has a low-stock threshold and may have a photo,
-- stored in the database as WebP renditions (media, content-addressed by the
-- SHA-256 of their bytes), so a backup of the database is the whole shop.
CREATE TABLE media (
	id		TEXT PRIMARY KEY CHECK (length(id) = 64),
	width		INTEGER NOT NULL CHECK (width > 0),
	height		INTEGER NOT NULL CHECK (height > 0),
	bytes		BLOB NOT NULL,
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE products ADD COLUMN low_stock_at INTEGER NOT NULL DEFAULT 3
    CHECK (low_stock_at BETWEEN 0 AND 1000000);
-- image: the large rendition (about 1200 px wide), thumb: the small one (480).
ALTER TABLE products ADD COLUMN image TEXT REFERENCES media (id);
ALTER TABLE products ADD COLUMN thumb TEXT REFERENCES media (id);

-- The feed carries product events too (stock_low: order_id NULL, product_id
-- set) and payment refunds. SQLite cannot relax a NOT NULL or a CHECK in
-- place: the table is rebuilt, its AUTOINCREMENT high-water mark kept so an
-- id is never handed out twice.
CREATE TABLE order_events_v4 (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	order_id	INTEGER REFERENCES orders (id),
	product_id	INTEGER REFERENCES products (id),
	type		TEXT NOT NULL CHECK (type IN ('order_created', 'order_updated',
	    'order_cancelled', 'payment_created', 'payment_completed',
	    'payment_refunded', 'stock_low')),
	payload		TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
	created_at	INTEGER NOT NULL,
	CHECK ((order_id IS NULL) = (type = 'stock_low')),
	CHECK ((product_id IS NOT NULL) = (type = 'stock_low'))
);
INSERT INTO order_events_v4 (id, store_id, order_id, type, payload, created_at)
    SELECT id, store_id, order_id, type, payload, created_at FROM order_events;
UPDATE sqlite_sequence SET seq = max(seq,
    (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'order_events'))
    WHERE name = 'order_events_v4';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_events_v4', seq FROM sqlite_sequence
    WHERE name = 'order_events' AND NOT EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'order_events_v4');
DROP TABLE order_events;
ALTER TABLE order_events_v4 RENAME TO order_events;
CREATE INDEX order_events_store ON order_events (store_id, id);
CREATE INDEX order_events_order ON order_events (order_id, id);
-- Every stock adjustment made by hand, with its reason: the product's history.
CREATE TABLE stock_moves (
	id		INTEGER PRIMARY KEY,
	product_id	INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
	delta		INTEGER NOT NULL CHECK (delta <> 0),
	stock_after	INTEGER NOT NULL CHECK (stock_after >= 0),
	reason		TEXT NOT NULL CHECK (length(reason) <= 200),
	user_id		INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at	INTEGER NOT NULL
);
CREATE INDEX stock_moves_product ON stock_moves (product_id, id);

-- @migration 5
-- v2 staff accounts: the seller role, disabled accounts (no sign-in, no
-- session), the last sign-in for the staff list, and one-time set-password
-- links. users is rebuilt (SQLite cannot change a CHECK in place); sessions
-- and the others keep pointing at the same ids.
CREATE TABLE users_v5 (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
	password_hash	TEXT NOT NULL,
	role		TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'staff', 'seller')),
	store_id	INTEGER REFERENCES stores (id),	-- NULL: every store
	created_at	INTEGER NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	last_login_at	INTEGER NOT NULL DEFAULT 0	-- 0: never signed in
);
INSERT INTO users_v5 (id, email, password_hash, role, store_id, created_at)
    SELECT id, email, password_hash, role, store_id, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v5 RENAME TO users;
-- A set-password link: only a hash of its token is stored (like sessions),
-- it lives 48 h and serves once (used_at). purpose: an invitation or a reset.
CREATE TABLE password_tokens (
	token_hash	TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	purpose		TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
) WITHOUT ROWID;
CREATE INDEX password_tokens_user ON password_tokens (user_id);

-- @migration 6
-- v2 stores and storefronts. A store gets its settings; a NULL name,
-- currency, language or time zone follows the environment's ORDERSYNC_*
-- value, so an install that never opens the settings page behaves as its
-- host configured it. The default store's old placeholder name becomes NULL.
-- Orders get what the storefront's checkout and the counter record:
-- fulfilment and delivery address, the customer's language (for mail), the
-- source and the seller; email becomes optional (counter orders), checked by
-- the domain for web and API orders. Both tables are rebuilt (SQLite cannot
-- change a CHECK in place); the triggers of orders are made again.
CREATE TABLE stores_v6 (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64
	    AND slug NOT GLOB '*[^a-z0-9-]*'),
	name		TEXT CHECK (length(name) BETWEEN 1 AND 100),
	contact_email	TEXT NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
	address		TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
	hours		TEXT NOT NULL DEFAULT '' CHECK (length(hours) <= 1000),
	fulfilment	TEXT NOT NULL DEFAULT 'pickup'
	    CHECK (fulfilment IN ('pickup', 'delivery', 'both')),
	vat_note	TEXT NOT NULL DEFAULT '' CHECK (length(vat_note) <= 200),
	legal		TEXT NOT NULL DEFAULT '' CHECK (length(legal) <= 10000),
	currency	TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
	language	TEXT CHECK (length(language) = 2),
	timezone	TEXT CHECK (length(timezone) BETWEEN 1 AND 64),
	alert_emails	TEXT NOT NULL DEFAULT '' CHECK (length(alert_emails) <= 1000),
	escalate_minutes INTEGER NOT NULL DEFAULT 0 CHECK (escalate_minutes BETWEEN 0 AND 1440),
	escalate_emails	TEXT NOT NULL DEFAULT '' CHECK (length(escalate_emails) <= 1000),
	created_at	INTEGER NOT NULL DEFAULT 0
);
INSERT INTO stores_v6 (id, slug, name)
    SELECT id, slug, CASE WHEN id = 1 AND name = 'Default store' THEN NULL ELSE name END
    FROM stores;
DROP TABLE stores;
ALTER TABLE stores_v6 RENAME TO stores;

CREATE TABLE orders_v6 (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	number		TEXT NOT NULL UNIQUE CHECK (number GLOB
	    'CMD-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]'),
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'processing', 'ready', 'completed', 'cancelled')),
	source		TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'api', 'counter')),
	created_by	INTEGER REFERENCES users (id) ON DELETE SET NULL,
	customer_name	TEXT NOT NULL CHECK (length(customer_name) <= 100),
	email		TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
	fulfilment	TEXT NOT NULL DEFAULT 'pickup' CHECK (fulfilment IN ('pickup', 'delivery')),
	address		TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 200),
	postcode	TEXT NOT NULL DEFAULT '' CHECK (length(postcode) <= 20),
	city		TEXT NOT NULL DEFAULT '' CHECK (length(city) <= 100),
	language	TEXT NOT NULL DEFAULT 'en' CHECK (length(language) = 2),
	total_cents	INTEGER NOT NULL CHECK (total_cents >= 0),
	currency	TEXT NOT NULL CHECK (length(currency) = 3),
	items_count	INTEGER NOT NULL DEFAULT 0 CHECK (items_count >= 0),
	access_token	TEXT NOT NULL,
	idempotency_key	TEXT UNIQUE,
	request_hash	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
INSERT INTO orders_v6 (id, store_id, number, status, source, customer_name, email, phone,
    notes, total_cents, currency, items_count, access_token, idempotency_key,
    request_hash, created_at, updated_at)
    SELECT id, store_id, number, status,
    CASE WHEN idempotency_key IS NOT NULL AND idempotency_key NOT LIKE 'form:%'
        THEN 'api' ELSE 'web' END,
    customer_name, email, phone, notes, total_cents, currency, items_count,
    access_token, idempotency_key, request_hash, created_at, updated_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v6 RENAME TO orders;
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_store_status ON orders (store_id, status, id);
CREATE INDEX orders_created ON orders (created_at);
CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_update AFTER UPDATE OF status, store_id ON orders
    WHEN OLD.status IS NOT NEW.status OR OLD.store_id IS NOT NEW.store_id BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
	INSERT INTO order_counts (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
END;

-- @migration 7
-- v2 outbox: the mail (and, later, webhook) deliveries, written in the same
-- transaction as what causes them and sent after the answer, by the app
-- process that served the request or by `ordersyncctl tick`. A row is taken
-- by one sender at a time (claimed_until: the claim's end; a crashed sender's
-- claim runs out and the row is due again), retried with backoff at
-- next_attempt_at until done_at, or failed_at once attempts reaches
-- max_attempts. kind 'mail': target is the recipient's address and payload
-- the whole RFC 5322 message; it may hold a one-time link, so it is emptied
-- once the row is done or has failed.
CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	kind		TEXT NOT NULL CHECK (kind IN ('mail', 'webhook')),
	target		TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 2048),
	payload		TEXT NOT NULL,
	attempts	INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	max_attempts	INTEGER NOT NULL DEFAULT 6 CHECK (max_attempts BETWEEN 1 AND 50),
	next_attempt_at	INTEGER NOT NULL,
	claimed_until	INTEGER,
	last_error	TEXT CHECK (length(last_error) <= 500),
	created_at	INTEGER NOT NULL,
	done_at		INTEGER,
	failed_at	INTEGER
);
-- The due rows: neither done nor failed, by when they are next due.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_store ON outbox (store_id, id);

-- @migration 8
-- v2 till: payments as DESIGN.md "Data" has them. Nothing wrote the old
-- table; it is rebuilt with the v2 methods and statuses, the store (so the
-- day's takings are one indexed range per store), the seller or cashier who
-- took it, the cash handed over, and when it was completed and refunded
-- (takings count a payment on the day it completed, a refund on the day it
-- was refunded).
CREATE TABLE payments_v8 (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	order_id	INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	amount_cents	INTEGER NOT NULL CHECK (amount_cents > 0),
	method		TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'other')),
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'completed', 'voided', 'refunded')),
	tendered_cents	INTEGER CHECK (tendered_cents IS NULL OR tendered_cents >= amount_cents),
	created_by	INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	completed_at	INTEGER,
	refunded_at	INTEGER,
	CHECK ((completed_at IS NOT NULL) = (status IN ('completed', 'refunded'))),
	CHECK ((refunded_at IS NOT NULL) = (status = 'refunded'))
);
INSERT INTO payments_v8 (id, store_id, order_id, amount_cents, method, status,
    created_at, updated_at, completed_at)
    SELECT p.id, o.store_id, p.order_id, p.amount_cents,
    CASE WHEN p.method IN ('cash', 'card', 'transfer') THEN p.method ELSE 'other' END,
    p.status, p.created_at, p.updated_at,
    CASE WHEN p.status = 'completed' THEN p.updated_at END
    FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.amount_cents > 0;
DROP TABLE payments;
ALTER TABLE payments_v8 RENAME TO payments;
CREATE INDEX payments_order ON payments (order_id, id);
CREATE INDEX payments_completed ON payments (store_id, completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX payments_refunded ON payments (store_id, refunded_at) WHERE refunded_at IS NOT NULL;

-- What an order's completed payments add up to (refunded ones no longer
-- count), kept in the same transaction as each payment change: the list's
-- Paid / Part-paid / Unpaid badges and "left to collect" read it without
-- summing payments.
ALTER TABLE orders ADD COLUMN paid_cents INTEGER NOT NULL DEFAULT 0 CHECK (paid_cents >= 0);
UPDATE orders SET paid_cents = coalesce((SELECT sum(amount_cents) FROM payments p
    WHERE p.order_id = orders.id AND p.status = 'completed'), 0);

-- Search (GET /admin/orders?q=): full-text indexes kept by triggers, so a
-- search is an index lookup at a million orders, never a scan. Words of the
-- customer's name and email, case- and accent-folded by the tokenizer
-- ("elodie" finds "Élodie"), with prefix indexes for what people type while
-- they search (a 2-6 letter prefix of a common word is one look-up, not a
-- merge of every word it starts: 0.2 ms instead of 40-130 ms at a million
-- orders, for about 3.5 times the index); the phone's digits as trigrams, so any 4 or more
-- digits match wherever they stand, whatever the spacing typed (a phone
-- holds digits and " +()-" only: valid_phone). Contentless:
-- the text lives in orders; rowid is the order's id. An order's name, email
-- and phone never change after it is placed; a deleted order takes its rows
-- with it (a contentless table is told the old text to remove).
CREATE VIRTUAL TABLE order_words USING fts5 (words, content = '',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6');
CREATE VIRTUAL TABLE order_phones USING fts5 (digits, content = '',
    tokenize = 'trigram');
INSERT INTO order_words (rowid, words)
    SELECT id, customer_name || ' ' || email FROM orders;
INSERT INTO order_phones (rowid, digits)
    SELECT id, replace(replace(replace(replace(replace(phone,
        ' ', ''), '+', ''), '-', ''), '(', ''), ')', '')
    FROM orders WHERE phone <> '';
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
	INSERT INTO order_words (rowid, words)
	    VALUES (NEW.id, NEW.customer_name || ' ' || NEW.email);
	INSERT INTO order_phones (rowid, digits)
	    SELECT NEW.id, replace(replace(replace(replace(replace(
	        NEW.phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', '')
	    WHERE NEW.phone <> '';
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
	INSERT INTO order_words (order_words, rowid, words)
	    VALUES ('delete', OLD.id, OLD.customer_name || ' ' || OLD.email);
	INSERT INTO order_phones (order_phones, rowid, digits)
	    SELECT 'delete', OLD.id, replace(replace(replace(replace(replace(
	        OLD.phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', '')
	    WHERE OLD.phone <> '';
END;

-- @migration 9
-- v2 notifications. The outbox's order mails are jobs, rendered when they
-- are sent (template names the mail; payload holds its few parameters as a
-- JSON object), and webhooks are deliveries to a store's endpoints: the
-- rows say which event, order and endpoint they are for. A mail queued
-- whole (a password link) keeps template NULL and its message in payload;
-- a webhook's template is the event type it announces.
CREATE TABLE webhooks (
	id		INTEGER PRIMARY KEY,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	url		TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	-- The HMAC key, as shown once to whoever made the endpoint: the
	-- signature needs the key itself, so it is kept as it is.
	secret		TEXT NOT NULL CHECK (length(secret) BETWEEN 16 AND 128),
	events		TEXT NOT NULL CHECK (length(events) BETWEEN 1 AND 1000),
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at	INTEGER NOT NULL
);
CREATE INDEX webhooks_store ON webhooks (store_id, id);
ALTER TABLE outbox ADD COLUMN template TEXT CHECK (length(template) <= 40);
ALTER TABLE outbox ADD COLUMN event_id INTEGER;
ALTER TABLE outbox ADD COLUMN order_id INTEGER REFERENCES orders (id);
ALTER TABLE outbox ADD COLUMN webhook_id INTEGER REFERENCES webhooks (id) ON DELETE CASCADE;
-- A webhook attempt's answer: the HTTP status (0: none came) and how long it took.
ALTER TABLE outbox ADD COLUMN http_status INTEGER;
ALTER TABLE outbox ADD COLUMN latency_ms INTEGER;
CREATE INDEX outbox_webhook ON outbox (webhook_id, id) WHERE webhook_id IS NOT NULL;
-- Escalation: when the tick found the order still pending past its store's
-- escalate_minutes and queued the one escalation (NULL: not yet).
ALTER TABLE orders ADD COLUMN escalated_at INTEGER;
CREATE INDEX orders_pending ON orders (created_at) WHERE status = 'pending' AND escalated_at IS NULL;

-- The alert self-test ("will I hear the next order?") goes through the
-- feed as an event of its own, without an order. The table is rebuilt as in
-- migration 4, its AUTOINCREMENT high-water mark kept.
CREATE TABLE order_events_v9 (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	store_id	INTEGER NOT NULL REFERENCES stores (id),
	order_id	INTEGER REFERENCES orders (id),
	product_id	INTEGER REFERENCES products (id),
	type		TEXT NOT NULL CHECK (type IN ('order_created', 'order_updated',
	    'order_cancelled', 'payment_created', 'payment_completed',
	    'payment_refunded', 'stock_low', 'alert_test')),
	payload		TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
	created_at	INTEGER NOT NULL,
	CHECK ((order_id IS NULL) = (type IN ('stock_low', 'alert_test'))),
	CHECK ((product_id IS NOT NULL) = (type = 'stock_low'))
);
INSERT INTO order_events_v9 (id, store_id, order_id, product_id, type, payload, created_at)
    SELECT id, store_id, order_id, product_id, type, payload, created_at FROM order_events;
UPDATE sqlite_sequence SET seq = max(seq,
    (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'order_events'))
    WHERE name = 'order_events_v9';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_events_v9', seq FROM sqlite_sequence
    WHERE name = 'order_events' AND NOT EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'order_events_v9');
DROP TABLE order_events;
ALTER TABLE order_events_v9 RENAME TO order_events;
CREATE INDEX order_events_store ON order_events (store_id, id);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- @migration 10
-- Nothing on SQLite. PostgreSQL's migration 10 adds the trigger that wakes
-- the long-poll watchers; here a watcher reads PRAGMA data_version instead
-- (cgi/db_engine.c, db_watch_changed). The number is kept so both engines
-- count their migrations alike.
