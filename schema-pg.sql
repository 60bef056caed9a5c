-- schema-pg.sql — the ordersync schema for PostgreSQL (15 or later), the same
-- numbered migrations as schema.sql (SQLite), in PostgreSQL's dialect.
--
-- Migration N here makes the same tables, columns, NOT NULLs, defaults,
-- CHECKs, unique constraints and indexes as schema.sql's migration N
-- (tests/pg/test_schema_pg.sh compares the two; its allow-list names the
-- differences below that are on purpose). Never edit a released block: add a
-- new one below it, to both files.
--
-- The runner (db_pg.c, to come) cuts this file at its "-- @migration N" lines
-- as db.c does schema.sql. Everything above the first mark is the prologue.
-- For each block N, one transaction, READ COMMITTED:
--   BEGIN;
--   SELECT pg_advisory_xact_lock(hashtextextended('ordersync.migrate', 0));
--   <the prologue>                      -- makes schema_version if missing
--   SELECT version FROM schema_version; -- a fresh snapshot, taken after the lock
--   if version < N: <block N>; UPDATE schema_version SET version = N;
--   COMMIT;                             -- releases the lock
-- Two hosts starting at once queue on the lock; the second reads the
-- version the first committed and skips the block: each migration runs once.
-- The lock is a statement of its own, before the read: in READ COMMITTED a
-- statement's snapshot is taken when it starts, before any lock wait, so a
-- read in the same statement as the lock would miss the other host's commit.
-- schema_version is PostgreSQL's PRAGMA user_version.
--
-- Choices (the C code stays engine-neutral):
-- - Every SQLite INTEGER is bigint: ids, cents, unix-second times, counts and
--   the 0/1 flags (products.active, users.disabled, login_attempts.ok,
--   webhooks.active), which keep their CHECK (x IN (0, 1)) rather than
--   becoming boolean. So the C layer binds and reads every integer as int64
--   (one parameter type, int8), and SQL such as "active = 1" or "SET
--   disabled = ?" is the same text on both engines.
-- - An INTEGER PRIMARY KEY is bigint GENERATED ALWAYS AS IDENTITY: never
--   reused, like AUTOINCREMENT (order_events relies on it). Inserting an
--   explicit id (store 1 below, `ordersyncctl migrate-to`) takes OVERRIDING
--   SYSTEM VALUE and then a setval() of the identity past the largest id.
--   A rolled-back insert leaves a gap: readers never assume ids are dense.
-- - TEXT is text; users.email, COLLATE NOCASE in SQLite, is citext, so
--   "email = ?" and its UNIQUE fold case on both engines (citext folds
--   Unicode, NOCASE only ASCII; addresses are ASCII in practice).
-- - BLOB is bytea. A TEXT column SQLite checks with json_valid() stays text
--   with CHECK (payload::json IS NOT NULL): the cast refuses what is not
--   JSON, as json_valid() does, and the text is kept as written. (jsonb
--   would reorder keys and add spaces: the feed splices payloads into its
--   answers as they are stored, and both engines answer the same bytes.)
-- - GLOB patterns are anchored regular expressions (~), case-sensitive too.
-- - WITHOUT ROWID tables are ordinary tables with the same primary key.
-- - SQLite rebuilds a table to change a CHECK or a NOT NULL (migrations 2,
--   4, 5, 6, 8, 9); PostgreSQL alters it in place, so the ids, identities,
--   triggers and foreign keys pointing at it stay. Columns a rebuild put in
--   the middle come last here: code never depends on column order (no
--   SELECT *, no INSERT without a column list).
-- - CHECKs a later migration replaces are named, so it can drop them.
-- - Migration 8's FTS5 tables are PostgreSQL's own search: see there.
-- - The extensions (citext, unaccent, pg_trgm) come with PostgreSQL
--   (Debian: postgresql-15) and are trusted: the database's owner may
--   create them without being a superuser.

CREATE TABLE IF NOT EXISTS schema_version (
	one	boolean PRIMARY KEY DEFAULT true CHECK (one),
	version	integer NOT NULL CHECK (version >= 0)
);
INSERT INTO schema_version (one, version) VALUES (true, 0) ON CONFLICT (one) DO NOTHING;

-- @migration 1
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE meta (
	key	text PRIMARY KEY,
	value	text NOT NULL
);
-- The epoch names this database: 32 hex digits (a v4 UUID's: 122 random bits).
INSERT INTO meta (key, value) VALUES ('epoch', replace(gen_random_uuid()::text, '-', ''));

CREATE TABLE stores (
	id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug	text NOT NULL UNIQUE
	    CONSTRAINT stores_slug_check CHECK (length(slug) BETWEEN 1 AND 64),
	name	text NOT NULL CONSTRAINT stores_name_check CHECK (length(name) BETWEEN 1 AND 100)
);
INSERT INTO stores (id, slug, name) OVERRIDING SYSTEM VALUE VALUES (1, 'default', 'Default store');
SELECT setval(pg_get_serial_sequence('stores', 'id'), 1);

CREATE TABLE products (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id	bigint NOT NULL REFERENCES stores (id),
	sku		text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	description	text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
	price_cents	bigint NOT NULL CHECK (price_cents >= 0),
	stock		bigint NOT NULL CHECK (stock >= 0),
	active		bigint NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	UNIQUE (store_id, sku)
);
CREATE INDEX products_store_active ON products (store_id, active, id);

CREATE TABLE carts (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token		text NOT NULL UNIQUE,
	store_id	bigint NOT NULL REFERENCES stores (id),
	form_token	text NOT NULL,
	created_at	bigint NOT NULL,
	updated_at	bigint NOT NULL
);
CREATE INDEX carts_updated ON carts (updated_at);

CREATE TABLE cart_items (
	cart_id		bigint NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
	product_id	bigint NOT NULL REFERENCES products (id),
	qty		bigint NOT NULL CHECK (qty BETWEEN 1 AND 99),
	added_at	bigint NOT NULL,
	PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE orders (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id	bigint NOT NULL REFERENCES stores (id),
	number		text NOT NULL UNIQUE CHECK (number ~ '^CMD-[0-9]{8}-[A-Z0-9]{6}$'),
	status		text NOT NULL DEFAULT 'pending' CONSTRAINT orders_status_check
	    CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
	customer_name	text NOT NULL CONSTRAINT orders_customer_name_check
	    CHECK (length(customer_name) BETWEEN 1 AND 100),
	email		text NOT NULL CONSTRAINT orders_email_check
	    CHECK (length(email) BETWEEN 3 AND 254),
	phone		text NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
	notes		text NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
	total_cents	bigint NOT NULL CHECK (total_cents >= 0),
	currency	text NOT NULL CHECK (length(currency) = 3),
	items_count	bigint NOT NULL DEFAULT 0 CHECK (items_count >= 0),
	access_token	text NOT NULL,
	-- "form:<form_token>" for the web checkout, "api:<Idempotency-Key>" for
	-- the JSON API; request_hash tells a replay from a different request.
	idempotency_key	text UNIQUE,
	request_hash	text,
	created_at	bigint NOT NULL,
	updated_at	bigint NOT NULL
);
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_store_status ON orders (store_id, status, id);
CREATE INDEX orders_created ON orders (created_at);

-- How many orders each store has in each status, kept by the triggers below
-- in the same transaction as the change (see schema.sql). Concurrent
-- checkouts of one store update the same row, so they queue on its row lock
-- until each commits (as event writers will on the feed's lock).
CREATE TABLE order_counts (
	store_id	bigint NOT NULL,
	status		text NOT NULL,
	n		bigint NOT NULL CHECK (n >= 0),
	PRIMARY KEY (store_id, status)
);
INSERT INTO order_counts (store_id, status, n)
    SELECT store_id, status, count(*) FROM orders GROUP BY store_id, status;
CREATE FUNCTION orders_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO order_counts AS c (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = c.n + 1;
	RETURN NULL;
END $$;
CREATE FUNCTION orders_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
	INSERT INTO order_counts AS c (store_id, status, n) VALUES (NEW.store_id, NEW.status, 1)
	    ON CONFLICT (store_id, status) DO UPDATE SET n = c.n + 1;
	RETURN NULL;
END $$;
CREATE FUNCTION orders_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE order_counts SET n = n - 1 WHERE store_id = OLD.store_id AND status = OLD.status;
	RETURN NULL;
END $$;
CREATE TRIGGER orders_count_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_count_insert();
CREATE TRIGGER orders_count_update AFTER UPDATE OF status, store_id ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.store_id IS DISTINCT FROM NEW.store_id)
    EXECUTE FUNCTION orders_count_update();
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_count_delete();

CREATE TABLE order_items (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	order_id		bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	product_id		bigint REFERENCES products (id),
	sku			text NOT NULL,
	name			text NOT NULL,
	unit_price_cents	bigint NOT NULL CHECK (unit_price_cents >= 0),
	qty			bigint NOT NULL CHECK (qty BETWEEN 1 AND 99)
);
CREATE INDEX order_items_order ON order_items (order_id);

CREATE TABLE payments (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	order_id	bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	amount_cents	bigint NOT NULL CONSTRAINT payments_amount_cents_check
	    CHECK (amount_cents >= 0),
	method		text NOT NULL CONSTRAINT payments_method_check
	    CHECK (length(method) BETWEEN 1 AND 32),
	status		text NOT NULL DEFAULT 'pending' CONSTRAINT payments_status_check
	    CHECK (status IN ('pending', 'completed')),
	created_at	bigint NOT NULL,
	updated_at	bigint NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

-- The change feed. Unlike SQLite, PostgreSQL lets writers run at once: an
-- identity hands out ids in start order, not commit order, so the writers
-- of events serialise on a lock of their own (DESIGN.md "Storage engines").
-- payload: a snapshot of the order as of the event.
CREATE TABLE order_events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id	bigint NOT NULL REFERENCES stores (id),
	order_id	bigint NOT NULL REFERENCES orders (id),
	type		text NOT NULL CONSTRAINT order_events_type_check
	    CHECK (type IN ('order_created', 'order_updated',
	    'order_cancelled', 'payment_created', 'payment_completed')),
	payload		text NOT NULL DEFAULT '{}'
	    CONSTRAINT order_events_payload_check CHECK (payload::json IS NOT NULL),
	created_at	bigint NOT NULL
);
CREATE INDEX order_events_store ON order_events (store_id, id);
CREATE INDEX order_events_order ON order_events (order_id, id);

CREATE TABLE users (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email		citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
	password_hash	text NOT NULL,
	role		text NOT NULL DEFAULT 'admin' CONSTRAINT users_role_check
	    CHECK (role IN ('admin', 'staff')),
	store_id	bigint REFERENCES stores (id),	-- NULL: every store
	created_at	bigint NOT NULL
);

CREATE TABLE sessions (
	token_hash	text PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token	text NOT NULL,
	created_at	bigint NOT NULL,
	expires_at	bigint NOT NULL,
	last_seen_at	bigint NOT NULL,
	last_poll_at	bigint NOT NULL DEFAULT 0,
	polls		bigint NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_poll ON sessions (last_poll_at);

CREATE TABLE login_attempts (
	id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email	text NOT NULL,
	addr	text NOT NULL,
	at	bigint NOT NULL,
	ok	bigint NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);

-- @migration 2
-- v2 statuses: "ready" between processing and completed. In place: the
-- triggers of orders stay (SQLite's rebuild had to make them again).
ALTER TABLE orders DROP CONSTRAINT orders_status_check,
    ADD CONSTRAINT orders_status_check
    CHECK (status IN ('pending', 'processing', 'ready', 'completed', 'cancelled'));

-- @migration 3
-- v2 sign-in throttling (see schema.sql).
ALTER TABLE login_attempts ADD COLUMN device text NOT NULL DEFAULT '';
DROP INDEX login_attempts_email;
CREATE INDEX login_attempts_pair ON login_attempts (email, addr, at);
CREATE INDEX login_attempts_device ON login_attempts (device, at);

-- @migration 4
-- v2 catalog: low-stock thresholds and photos (media, content-addressed WebP
-- renditions); the feed carries product events and refunds. order_events is
-- altered in place: its identity goes on from where it was, as SQLite's
-- rebuild keeps the AUTOINCREMENT high-water mark.
CREATE TABLE media (
	id		text PRIMARY KEY CHECK (length(id) = 64),
	width		bigint NOT NULL CHECK (width > 0),
	height		bigint NOT NULL CHECK (height > 0),
	bytes		bytea NOT NULL,
	created_at	bigint NOT NULL
);
ALTER TABLE products ADD COLUMN low_stock_at bigint NOT NULL DEFAULT 3
    CHECK (low_stock_at BETWEEN 0 AND 1000000);
ALTER TABLE products ADD COLUMN image text REFERENCES media (id);
ALTER TABLE products ADD COLUMN thumb text REFERENCES media (id);

ALTER TABLE order_events ALTER COLUMN order_id DROP NOT NULL,
    ADD COLUMN product_id bigint REFERENCES products (id),
    DROP CONSTRAINT order_events_type_check,
    ADD CONSTRAINT order_events_type_check CHECK (type IN ('order_created', 'order_updated',
    'order_cancelled', 'payment_created', 'payment_completed',
    'payment_refunded', 'stock_low')),
    ADD CONSTRAINT order_events_order_check CHECK ((order_id IS NULL) = (type = 'stock_low')),
    ADD CONSTRAINT order_events_product_check CHECK ((product_id IS NOT NULL) = (type = 'stock_low'));

CREATE TABLE stock_moves (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
	delta		bigint NOT NULL CHECK (delta <> 0),
	stock_after	bigint NOT NULL CHECK (stock_after >= 0),
	reason		text NOT NULL CHECK (length(reason) <= 200),
	user_id		bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at	bigint NOT NULL
);
CREATE INDEX stock_moves_product ON stock_moves (product_id, id);

-- @migration 5
-- v2 staff accounts: the seller role, disabled accounts, the last sign-in,
-- one-time set-password links.
ALTER TABLE users DROP CONSTRAINT users_role_check,
    ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'staff', 'seller')),
    ADD COLUMN disabled bigint NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    ADD COLUMN last_login_at bigint NOT NULL DEFAULT 0;	-- 0: never signed in
CREATE TABLE password_tokens (
	token_hash	text PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	purpose		text NOT NULL CHECK (purpose IN ('invite', 'reset')),
	created_at	bigint NOT NULL,
	expires_at	bigint NOT NULL,
	used_at		bigint
);
CREATE INDEX password_tokens_user ON password_tokens (user_id);

-- @migration 6
-- v2 stores and storefronts: a store's settings (a NULL name, currency,
-- language or time zone follows the environment); orders get fulfilment,
-- delivery address, the customer's language, source and seller, and an
-- optional email (see schema.sql).
ALTER TABLE stores DROP CONSTRAINT stores_slug_check,
    ADD CONSTRAINT stores_slug_check
    CHECK (length(slug) BETWEEN 1 AND 64 AND slug ~ '^[a-z0-9-]*$'),
    ALTER COLUMN name DROP NOT NULL,
    ADD COLUMN contact_email text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    ADD COLUMN hours text NOT NULL DEFAULT '' CHECK (length(hours) <= 1000),
    ADD COLUMN fulfilment text NOT NULL DEFAULT 'pickup'
	CHECK (fulfilment IN ('pickup', 'delivery', 'both')),
    ADD COLUMN vat_note text NOT NULL DEFAULT '' CHECK (length(vat_note) <= 200),
    ADD COLUMN legal text NOT NULL DEFAULT '' CHECK (length(legal) <= 10000),
    ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN language text CHECK (length(language) = 2),
    ADD COLUMN timezone text CHECK (length(timezone) BETWEEN 1 AND 64),
    ADD COLUMN alert_emails text NOT NULL DEFAULT '' CHECK (length(alert_emails) <= 1000),
    ADD COLUMN escalate_minutes bigint NOT NULL DEFAULT 0
	CHECK (escalate_minutes BETWEEN 0 AND 1440),
    ADD COLUMN escalate_emails text NOT NULL DEFAULT '' CHECK (length(escalate_emails) <= 1000),
    ADD COLUMN created_at bigint NOT NULL DEFAULT 0;
UPDATE stores SET name = NULL WHERE id = 1 AND name = 'Default store';

ALTER TABLE orders
    ADD COLUMN source text NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'api', 'counter')),
    ADD COLUMN created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    DROP CONSTRAINT orders_customer_name_check,
    ADD CONSTRAINT orders_customer_name_check CHECK (length(customer_name) <= 100),
    DROP CONSTRAINT orders_email_check,
    ADD CONSTRAINT orders_email_check CHECK (length(email) <= 254),
    ALTER COLUMN email SET DEFAULT '',
    ADD COLUMN fulfilment text NOT NULL DEFAULT 'pickup'
	CHECK (fulfilment IN ('pickup', 'delivery')),
    ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    ADD COLUMN postcode text NOT NULL DEFAULT '' CHECK (length(postcode) <= 20),
    ADD COLUMN city text NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (length(language) = 2);
UPDATE orders SET source = 'api'
    WHERE idempotency_key IS NOT NULL AND idempotency_key NOT LIKE 'form:%';

-- @migration 7
-- v2 outbox: mail and webhook deliveries (see schema.sql). Several hosts
-- send at once: a row's claim stays one conditional UPDATE … RETURNING
-- (db_outbox.c), atomic here too (READ COMMITTED re-checks the WHERE on the
-- row it waited for, so two claims of one row cannot both succeed).
CREATE TABLE outbox (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id	bigint NOT NULL REFERENCES stores (id),
	kind		text NOT NULL CHECK (kind IN ('mail', 'webhook')),
	target		text NOT NULL CHECK (length(target) BETWEEN 1 AND 2048),
	payload		text NOT NULL,
	attempts	bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	max_attempts	bigint NOT NULL DEFAULT 6 CHECK (max_attempts BETWEEN 1 AND 50),
	next_attempt_at	bigint NOT NULL,
	claimed_until	bigint,
	last_error	text CHECK (length(last_error) <= 500),
	created_at	bigint NOT NULL,
	done_at		bigint,
	failed_at	bigint
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_store ON outbox (store_id, id);

-- @migration 8
-- v2 till: payments as DESIGN.md "Data" has them (see schema.sql). SQLite's
-- rebuild copies only rows with amount_cents > 0 and maps unknown methods to
-- 'other'; the same here, in place.
DELETE FROM payments WHERE amount_cents <= 0;
UPDATE payments SET method = 'other' WHERE method NOT IN ('cash', 'card', 'transfer');
ALTER TABLE payments ADD COLUMN store_id bigint REFERENCES stores (id);
UPDATE payments p SET store_id = o.store_id FROM orders o WHERE o.id = p.order_id;
ALTER TABLE payments ALTER COLUMN store_id SET NOT NULL,
    DROP CONSTRAINT payments_amount_cents_check,
    ADD CONSTRAINT payments_amount_cents_check CHECK (amount_cents > 0),
    DROP CONSTRAINT payments_method_check,
    ADD CONSTRAINT payments_method_check CHECK (method IN ('cash', 'card', 'transfer', 'other')),
    DROP CONSTRAINT payments_status_check,
    ADD CONSTRAINT payments_status_check
    CHECK (status IN ('pending', 'completed', 'voided', 'refunded')),
    ADD COLUMN tendered_cents bigint
	CHECK (tendered_cents IS NULL OR tendered_cents >= amount_cents),
    ADD COLUMN created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN completed_at bigint,
    ADD COLUMN refunded_at bigint;
UPDATE payments SET completed_at = updated_at WHERE status = 'completed';
ALTER TABLE payments
    ADD CONSTRAINT payments_completed_check
    CHECK ((completed_at IS NOT NULL) = (status IN ('completed', 'refunded'))),
    ADD CONSTRAINT payments_refunded_check CHECK ((refunded_at IS NOT NULL) = (status = 'refunded'));
DROP INDEX payments_order;
CREATE INDEX payments_order ON payments (order_id, id);
CREATE INDEX payments_completed ON payments (store_id, completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX payments_refunded ON payments (store_id, refunded_at) WHERE refunded_at IS NOT NULL;

ALTER TABLE orders ADD COLUMN paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0);
UPDATE orders SET paid_cents = coalesce((SELECT sum(amount_cents) FROM payments p
    WHERE p.order_id = orders.id AND p.status = 'completed'), 0);

-- Search (GET /admin/orders?q=). SQLite keeps two contentless FTS5 tables
-- (order_words, order_phones) by triggers; PostgreSQL has what they do built
-- in, as two generated columns of orders (computed in the row's own write,
-- so no trigger and nothing to keep in step: an order's name, email and
-- phone never change, and a deleted order takes them along) and two GIN
-- indexes:
-- - search_words: the words of name and email, case- and accent-folded
--   (unaccent: "elodie" finds "Élodie", as remove_diacritics 2 does), as a
--   tsvector of the 'simple' configuration (no stemming, no stop words: every
--   word is kept as typed, like unicode61). Every run of non-alphanumerics
--   is a space first, as in unicode61: the default parser would keep
--   "elodie@example.com" whole as an email token. A prefix query
--   (to_tsquery('simple', 'elo:*')) is a GIN index scan; GIN needs no
--   prefix option.
-- - phone_digits: the phone without " +()-" (a phone holds only those and
--   digits: valid_phone), trigram-indexed (pg_trgm, the counterpart of FTS5's
--   trigram tokenizer): phone_digits LIKE '%0612%' is an index scan for any 3
--   or more digits, wherever they stand.
-- A generated column needs an IMMUTABLE expression; unaccent() is only
-- STABLE (its dictionary could change), so search_fold() pins the
-- dictionary and is declared IMMUTABLE: the unaccent rules are part of the
-- installation. If they change, REINDEX and rewrite search_words.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(regexp_replace(unaccent('unaccent'::regdictionary, $1),
	'[^[:alnum:]]+', ' ', 'g'));
ALTER TABLE orders
    ADD COLUMN search_words tsvector GENERATED ALWAYS AS
	(to_tsvector('simple'::regconfig, search_fold(customer_name || ' ' || email))) STORED,
    ADD COLUMN phone_digits text GENERATED ALWAYS AS
	(translate(phone, ' +-()', '')) STORED;
CREATE INDEX orders_search_words ON orders USING gin (search_words);
CREATE INDEX orders_phone_digits ON orders USING gin (phone_digits gin_trgm_ops)
    WHERE phone_digits <> '';

-- @migration 9
-- v2 notifications: webhooks, outbox rows naming their template, event,
-- order and endpoint, escalation, and the alert_test event (see schema.sql).
CREATE TABLE webhooks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id	bigint NOT NULL REFERENCES stores (id),
	url		text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	-- The HMAC key, as shown once to whoever made the endpoint.
	secret		text NOT NULL CHECK (length(secret) BETWEEN 16 AND 128),
	events		text NOT NULL CHECK (length(events) BETWEEN 1 AND 1000),
	active		bigint NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at	bigint NOT NULL
);
CREATE INDEX webhooks_store ON webhooks (store_id, id);
ALTER TABLE outbox
    ADD COLUMN template text CHECK (length(template) <= 40),
    ADD COLUMN event_id bigint,
    ADD COLUMN order_id bigint REFERENCES orders (id),
    ADD COLUMN webhook_id bigint REFERENCES webhooks (id) ON DELETE CASCADE,
    ADD COLUMN http_status bigint,
    ADD COLUMN latency_ms bigint;
CREATE INDEX outbox_webhook ON outbox (webhook_id, id) WHERE webhook_id IS NOT NULL;
ALTER TABLE orders ADD COLUMN escalated_at bigint;
CREATE INDEX orders_pending ON orders (created_at) WHERE status = 'pending' AND escalated_at IS NULL;

ALTER TABLE order_events
    DROP CONSTRAINT order_events_type_check,
    ADD CONSTRAINT order_events_type_check CHECK (type IN ('order_created', 'order_updated',
    'order_cancelled', 'payment_created', 'payment_completed',
    'payment_refunded', 'stock_low', 'alert_test')),
    DROP CONSTRAINT order_events_order_check,
    ADD CONSTRAINT order_events_order_check
    CHECK ((order_id IS NULL) = (type IN ('stock_low', 'alert_test')));

-- @migration 10
-- Long-poll: each new event wakes the watchers of the app processes, which
-- LISTEN on ordersync_feed (cgi/db_pg_tx.c, pg_watch_fd). NOTIFY belongs to
-- the event's transaction: delivered at its commit, never for a rolled-back
-- event, and identical notices of one transaction are folded into one. The
-- payload is empty: a watcher reads the heads of the scopes it holds.
CREATE FUNCTION ordersync_feed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('ordersync_feed', '');
	RETURN NULL;
END
$$;
CREATE TRIGGER order_events_notify AFTER INSERT ON order_events
	FOR EACH ROW EXECUTE FUNCTION ordersync_feed_notify();
