// shots.mjs — screenshots of every page, in English and French, at phone and desktop widths.
//
// Run by hand (make deps-e2e first):  node tests/e2e/shots.mjs OUTDIR
//
// Serves the built app (cgi/ordersync.fcgi) behind lighttpd on a free port with
// a fresh database, fills it as a busy day would (orders from several customers,
// one product sold out, one order under way), then saves OUTDIR/<lang>-<size>-<page>.png
// for each page and OUTDIR/metrics.json: per shot, the header's height, the
// elements wider than the page or than their box, and the checkout dialog's
// movement when its errors appear. Stops the server and the browser whatever
// happens. The PNGs are for people to look at: never commit them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { ADMIN_EMAIL, ADMIN_PASSWORD, apiOrder } from './lib/app.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/env.mjs';
import { Server } from './lib/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOP = path.resolve(HERE, '../..');
const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  '800': { viewport: { width: 800, height: 1000 } },
  '1280': { viewport: { width: 1280, height: 800 } },
  '1920': { viewport: { width: 1920, height: 1080 } },
};
const LANGS = { en: 'en-GB', fr: 'fr-FR' };
// SHOTS_ONLY=storefront: only the second store's pages (quicker while working on them);
// SHOTS_ONLY=counter: only the counter order page.
// SHOTS_ONLY=payments: only the order page with payments and the list's paid badges.
// SHOTS_ONLY=notifications: only /admin/notifications (a webhook, its secret, a delivery, errors).
// SHOTS_ONLY=selftest: only the order look-up and the live bar's self-test.
const ONLY = process.env.SHOTS_ONLY || '';

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/e2e/shots.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ordersync-shots-'));
const server = new Server({
  top: TOP, db: path.join(work, 'ordersync.db'), dir: path.join(work, 'srv'), pollMs: 1000,
  env: { ORDERSYNC_ADMIN_EMAIL: ADMIN_EMAIL, ORDERSYNC_ADMIN_PASSWORD: ADMIN_PASSWORD, ORDERSYNC_LANG: 'en' },
});
const metrics = {};
let browser = null;

/** What a reviewer looks for on a page: header rows, overflowing boxes, clipped text. */
function measure() {
  const iw = window.innerWidth;
  const header = document.querySelector('.site-header');
  const bad = [];
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || getComputedStyle(el).visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    if (r.right > iw + 0.5 && !el.closest('.table-wrap, .admin-links')) bad.push(`${name(el)} sticks out (right ${Math.round(r.right)} > ${iw})`);
    const cs = getComputedStyle(el);
    if (el.children.length === 0 && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && cs.overflowX !== 'visible') {
      bad.push(`${name(el)} clips its text (${el.scrollWidth} > ${el.clientWidth})`);
    }
    if (el.matches('.kpi__value, .btn, .filter, .stat-list dd') && el.scrollWidth > el.clientWidth + 1) {
      bad.push(`${name(el)} overflows (${el.scrollWidth} > ${el.clientWidth})`);
    }
    const card = el.matches('.btn, .kpi__value, input') && el.closest('.card');
    if (card) {
      const c = card.getBoundingClientRect();
      if (r.right > c.right + 0.5) bad.push(`${name(el)} leaves its card (right ${Math.round(r.right)} > ${Math.round(c.right)})`);
    }
    if (el.matches('.kpi__value') && el.parentElement) {
      const p = el.parentElement.getBoundingClientRect();
      if (r.right > p.right + 0.5) bad.push(`${name(el)} leaves its card (right ${Math.round(r.right)} > ${Math.round(p.right)})`);
    }
  }
  for (const w of document.querySelectorAll('.table-wrap')) {
    const ox = getComputedStyle(w).overflowX;
    if (w.scrollWidth > w.clientWidth + 1 && ox !== 'auto' && ox !== 'scroll') bad.push(`${name(w)} cuts its table off`);
    const card = w.closest('.card');
    if (card && w.scrollWidth > w.clientWidth + 1 && getComputedStyle(card).overflow === 'hidden' && ox === 'visible') bad.push(`${name(card)} hides a table`);
  }
  return {
    headerHeight: header ? Math.round(header.getBoundingClientRect().height) : 0,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: iw,
    problems: bad.slice(0, 12),
  };
}

async function settle(page) {
  await page.evaluate(() => Promise.race([
    Promise.all(document.getAnimations()
      .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
      .map((a) => a.finished.catch(() => {}))),
    new Promise((r) => setTimeout(r, 1500)),
  ])).catch(() => {});
}

async function shot(page, key, extra = {}) {
  await settle(page);
  const file = path.join(out, `${key}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 15000 });
  metrics[key] = { ...(await page.evaluate(measure)), ...extra };
  const m = metrics[key];
  console.log(`${key}: header ${m.headerHeight}px${m.problems.length ? `; ${m.problems.length} problem(s): ${m.problems.slice(0, 3).join('; ')}` : ''}`);
}

const STAFF_EMAIL = 'staff@example.com';

async function signIn(page, email = ADMIN_EMAIL) {
  await page.goto(`${server.url}/admin/login`);
  await page.fill('#login-email', email);
  await page.fill('#login-password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('.login__form button[type="submit"]')]);
}

/** A busy day: orders (one by Élodie), a sold-out product, one order under way. */
async function fill() {
  const base = server.url;
  await apiOrder(base, { name: 'Hugo Lambert', email: 'hugo@example.com', items: [{ sku: 'GRN-HND-01', qty: 8 }] });
  await apiOrder(base, { name: 'Camille Martin', email: 'camille@example.com', items: [{ sku: 'GFT-BOX-01', qty: 9 }, { sku: 'KET-GOO-1L', qty: 5 }] });
  await apiOrder(base, { name: 'Léa Dubois', email: 'lea@example.com', items: [{ sku: 'PRS-FRN-08', qty: 11 }, { sku: 'COF-ESP-250', qty: 30 }] });
  await apiOrder(base, { name: 'Élodie Fournier', email: 'elodie@example.com', items: [{ sku: 'TEA-EGR-100', qty: 2 }, { sku: 'MUG-STO-350', qty: 1 }, { sku: 'COF-FIL-500', qty: 3 }] });
}

/** The order list as staff sees it, after a new order by Élodie came in: what the feed said. */
async function watchElodie(page) {
  await page.goto(`${server.url}/admin/orders`);
  await page.waitForSelector('#admin-live.is-live', { timeout: 10000 });
  await apiOrder(server.url, { name: 'Èva Ouellet', email: 'eva@example.com', items: [{ sku: 'TEA-EGR-100', qty: 1 }] });
  await page.waitForFunction(() => (document.getElementById('announcer').textContent || '').length > 0, null, { timeout: 10000 });
  return page.evaluate(() => ({
    announced: document.getElementById('announcer').textContent,
    notified: ((window.__shots && window.__shots.notifications) || []).map((n) => n.body),
  }));
}

async function shop(ctx, lang, size) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-${p}`;
  await page.goto(`${server.url}/`);
  await shot(page, key('catalog'));
  // Two products in the cart, then the checkout dialog, then its errors.
  for (const name of ['Stoneware mug', 'Earl Grey tea, 100 g']) {
    const toasts = await page.locator('.toast').count();
    await page.locator(`[data-add-form][data-name="${name}"] button`).click();
    await page.waitForFunction((n) => document.querySelectorAll('.toast').length > n, toasts, { timeout: 5000 });
  }
  await page.goto(`${server.url}/cart`);
  await shot(page, key('cart'));
  await page.click('[data-open-checkout]');
  await page.waitForSelector('dialog[open]');
  await page.fill('#co-name', 'Élodie Fournier');
  const before = await page.evaluate(() => document.querySelector('dialog[open]').getBoundingClientRect().top);
  await shot(page, key('checkout'));
  await page.fill('#co-email', 'elodie@example');
  await page.fill('#co-phone', '06 12 ab');
  await page.click('[data-confirm]');
  await page.waitForSelector('#co-phone-err:not([hidden])');
  const after = await page.evaluate(() => document.querySelector('dialog[open]').getBoundingClientRect().top);
  const texts = await page.evaluate(() => [...document.querySelectorAll('#co-phone-hint, #co-phone-err')]
    .filter((e) => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden').map((e) => e.textContent.trim()));
  await shot(page, key('checkout-errors'), { dialogMoved: Math.round(after - before), phoneTexts: texts });
  await page.close();
}

/** A second store's storefront at /s/b/: catalog, cart, checkout with delivery, confirmation, legal page. */
async function storefront(ctx, lang, size) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-store-${p}`;
  await page.goto(`${server.url}/s/b/`);
  await shot(page, key('catalog'));
  const toasts = await page.locator('.toast').count();
  await page.locator('[data-add-form][data-name="Pain de campagne"] button').click();
  await page.waitForFunction((n) => document.querySelectorAll('.toast').length > n, toasts, { timeout: 5000 });
  await page.goto(`${server.url}/s/b/cart`);
  await shot(page, key('cart'));
  await page.click('[data-open-checkout]');
  await page.waitForSelector('dialog[open]');
  await shot(page, key('checkout-pickup'));
  await page.check('input[name="fulfilment"][value="delivery"]');
  await page.fill('#co-name', 'Élodie Fournier');
  await page.fill('#co-email', 'elodie@example.com');
  await shot(page, key('checkout-delivery'));
  await Promise.all([page.waitForNavigation(), page.click('[data-confirm]')]);
  await shot(page, key('checkout-delivery-errors'));
  await page.fill('#co-address', '12 rue des Lilas');
  await page.fill('#co-postcode', '75011');
  await page.fill('#co-city', 'Paris');
  await Promise.all([page.waitForURL(/\/orders\//), page.click('[data-confirm]')]);
  await shot(page, key('confirmation-delivery'));
  await page.goto(`${server.url}/s/b/`);
  await page.locator('[data-add-form][data-name="Croissant"] button').click();
  await page.waitForSelector('.toast', { timeout: 5000 });
  await page.goto(`${server.url}/s/b/cart?checkout=1`);
  await page.fill('#co-name', 'Hugo Lambert');
  await page.fill('#co-email', 'hugo@example.com');
  await Promise.all([page.waitForURL(/\/orders\//), page.click('[data-confirm]')]);
  await shot(page, key('confirmation-pickup'));
  await page.goto(`${server.url}/s/b/legal`);
  await shot(page, key('legal'));
  await page.goto(`${server.url}/legal`);
  await shot(page, `${lang}-${size}-legal`);
  await page.close();
}

/**
 * The order look-up (the form, and a miss) and the live bar's self-test
 * opened after a test alert came back (notifications allowed).
 */
async function selftest(ctx, lang, size, number) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-${p}`;
  await page.goto(`${server.url}/orders/lookup`);
  await shot(page, key('lookup'));
  await page.fill('#lookup-number', number.toLowerCase());
  await page.fill('#lookup-email', 'nobody@example.com');
  await Promise.all([page.waitForNavigation(), page.click('.lookup__form button')]);
  await shot(page, key('lookup-miss'));
  await ctx.grantPermissions(['notifications'], { origin: server.url });
  await signIn(page);
  await page.goto(`${server.url}/admin/orders`);
  await page.waitForSelector('#admin-live.is-live', { timeout: 10000 }).catch(() => {});
  await page.click('h1');
  await page.click('#admin-live .selftest-pop summary');
  await page.click('#admin-live .selftest__form button');
  await page.waitForSelector('#admin-live [data-check="trip"][data-ok="true"]', { timeout: 10000 }).catch(() => {});
  await shot(page, key('admin-selftest'));
  await page.close();
}

/** Store b: French by default, pounds, pickup or delivery, every setting filled. */
function addStoreB() {
  // Its id follows the stores made before it (lyon, through the CLI).
  const sql = `INSERT INTO stores (slug, name, contact_email, phone, address, hours, fulfilment,
      vat_note, legal, currency, language, timezone)
    VALUES ('b', 'Boulangerie du Canal', 'bonjour@boulangerie.example', '+33 1 23 45 67 89',
      '3 rue du Pain' || char(10) || '75011 Paris', 'Mardi–samedi : 7 h – 19 h' || char(10) || 'Dimanche : 7 h – 13 h', 'both',
      'TVA non applicable, art. 293 B du CGI.',
      'Éditeur : SARL Boulangerie du Canal, capital 10 000 €, RCS Paris 123 456 789.' || char(10) ||
      'Directrice de la publication : Léa Dubois.' || char(10) || char(10) ||
      'Hébergeur : Exemple SAS, 1 rue de l’Hébergement, 75002 Paris.', 'GBP', 'fr', 'Europe/Paris');
    INSERT INTO products (store_id, sku, name, description, price_cents, stock)
      SELECT s.id, p.* FROM stores s, (SELECT 'B-BREAD', 'Pain de campagne', 'Levain naturel, 800 g.', 450, 20
        UNION ALL SELECT 'B-CROIS', 'Croissant', 'Pur beurre.', 130, 60) p WHERE s.slug = 'b';`;
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql]);
}

/**
 * Money on the dashboard: a part payment on the first open order and the
 * rest of the second, written as cgi/db_payments.c writes a completed cash
 * payment (the payment, then paid_cents), until the payment routes land.
 */
function addPayments(numbers) {
  const now = Math.floor(Date.now() / 1000);
  const pay = (n, amount) => `INSERT INTO payments (store_id, order_id, amount_cents, method, status,
      created_at, updated_at, completed_at)
    SELECT store_id, id, ${amount}, 'cash', 'completed', ${now}, ${now}, ${now} FROM orders
      WHERE number = '${n}' AND status IN ('pending', 'processing', 'ready');
    UPDATE orders SET paid_cents = paid_cents + ${amount} WHERE number = '${n}'
      AND status IN ('pending', 'processing', 'ready');`;
  const open = numbers.filter((n) => /^CMD-[0-9A-Z-]+$/.test(n)).slice(2, 4);
  const sql = open.map((n, i) => pay(n, i === 0 ? '(SELECT total_cents / 2 FROM orders WHERE number = \'' + n + '\')' : '(SELECT total_cents - paid_cents FROM orders WHERE number = \'' + n + '\')')).join('\n');
  if (sql) execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db, sql]);
}

let paidNumber = null;

async function admin(ctx, lang, size, number) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-${p}`;
  if (ONLY === 'payments') await signIn(page);
  // The till: an order with payments, and the change shown while typing the cash handed over.
  await page.goto(`${server.url}/admin/orders/${paidNumber}`);
  await page.fill('#pay-form input[name="tendered"]', '1100');
  await shot(page, key('admin-order-payments'));
  await page.goto(`${server.url}/admin/orders?q=`);
  await shot(page, key('admin-orders-paid'));
  if (ONLY === 'payments') return page.close();
  await page.goto(`${server.url}/admin/login`);
  await shot(page, key('admin-login'));
  await signIn(page);
  await page.goto(`${server.url}/admin`);
  await page.waitForSelector('#admin-live.is-live', { timeout: 10000 }).catch(() => {});
  await shot(page, key('admin-dashboard'));
  await page.goto(`${server.url}/admin/orders`);
  await page.waitForSelector('#admin-live.is-live', { timeout: 10000 }).catch(() => {});
  await shot(page, key('admin-orders'));
  await page.goto(`${server.url}/admin/orders?status=completed`);
  await shot(page, key('admin-orders-completed'));
  await page.goto(`${server.url}/admin/orders?q=elodie&from=2020-01-01`);
  await shot(page, key('admin-orders-search'));
  await page.goto(`${server.url}/admin/orders?q=nobody-at-all`);
  await shot(page, key('admin-orders-search-empty'));
  await page.goto(`${server.url}/admin/orders/${number}`);
  await shot(page, key('admin-order'));
  await page.goto(`${server.url}/admin/orders/${number}/print`);
  await shot(page, key('admin-print'));
  await page.goto(`${server.url}/admin/orders/${number}/print?format=receipt`);
  await shot(page, key('admin-print-receipt'));
  await page.goto(`${server.url}/admin/products`);
  await shot(page, key('admin-products'));
  await page.goto(`${server.url}/admin/products/new`);
  await shot(page, key('admin-product-new'));
  await page.goto(`${server.url}/admin/products/5`);
  await shot(page, key('admin-product'));
  await page.goto(`${server.url}/admin/staff`);
  await shot(page, key('admin-staff'));
  await page.goto(`${server.url}/admin/staff/new`);
  await shot(page, key('admin-staff-new'));
  await page.goto(`${server.url}/admin/stores`);
  await shot(page, key('admin-stores'));
  await page.goto(`${server.url}/admin/stores/new`);
  await shot(page, key('admin-stores-new'));
  await page.goto(`${server.url}/admin/settings?store=lyon`);
  await shot(page, key('admin-settings'));
  // The settings' errors: a currency in lower case and an unknown time zone.
  await page.fill('#st-currency', 'chf');
  await page.fill('#st-timezone', 'Mars/Olympus');
  await Promise.all([page.waitForNavigation(), page.evaluate(() => document.querySelector('.settings-form').submit())]);
  await shot(page, key('admin-settings-errors'));
  await page.goto(`${server.url}/admin/password`);
  await shot(page, key('admin-password'));
  await page.close();
}

let hookMade = false;

/**
 * /admin/notifications: the first time a webhook is made through the form
 * (the secret shown once) and sent a test; then the page with its delivery,
 * and the form refusing a private address with no event chosen.
 */
async function notifications(ctx, lang, size) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-${p}`;
  await signIn(page);
  await page.goto(`${server.url}/admin/notifications`);
  if (!hookMade) {
    hookMade = true;
    // TEST-NET-1: a public-looking address that goes nowhere, no DNS needed.
    await page.fill('#nt-url', 'https://192.0.2.10/hooks/ordersync');
    await page.check('input[name="events"][value="order_created"]');
    await page.check('input[name="events"][value="order_updated"]');
    await Promise.all([page.waitForNavigation(), page.click('.nt-new button[type="submit"]')]);
    await shot(page, key('admin-notifications-secret'));
    await Promise.all([page.waitForNavigation(), page.click('.nt-actions form:first-child button')]);
  }
  await page.goto(`${server.url}/admin/notifications`);
  await shot(page, key('admin-notifications'));
  await page.fill('#nt-url', 'http://10.0.0.1/');
  await Promise.all([page.waitForNavigation(), page.click('.nt-new button[type="submit"]')]);
  await shot(page, key('admin-notifications-errors'));
  await page.close();
}

const SELLER_EMAIL = 'elodie.seller@example.com';

/** The counter order page as a seller keys an order in: empty, searched and filled, refused (409). */
async function counter(ctx, lang, size) {
  const page = await ctx.newPage();
  const key = (p) => `${lang}-${size}-${p}`;
  await signIn(page, SELLER_EMAIL);
  await page.goto(`${server.url}/admin/orders/new`);
  await shot(page, key('admin-counter'));
  await page.fill('#c-search', 'espres');
  await page.press('#c-search', 'Enter');
  await page.press('#c-search', 'Enter');
  await page.fill('#c-search', 'earl gr');
  await page.press('#c-search', 'Enter');
  await page.fill('#c-search', 'mug');
  await shot(page, key('admin-counter-search'));
  await page.fill('#c-search', '');
  await page.fill('#c-name', 'Élodie Fournier');
  await shot(page, key('admin-counter-filled'));
  // More kettles than the stock: the form's max stops a browser, so post it as a script would.
  await page.fill('.counter-row[data-sku="KET-GOO-1L"] input[name="qty"]', '60');
  await Promise.all([page.waitForNavigation(), page.evaluate(() => document.getElementById('counter-form').submit())]);
  await shot(page, key('admin-counter-409'));
  await page.close();
}

async function newContext(lang, size, extra = {}) {
  return browser.newContext({
    ...SIZES[size], locale: LANGS[lang], extraHTTPHeaders: { 'Accept-Language': `${LANGS[lang]},${lang};q=0.9` }, ...extra,
  });
}

async function main() {
  await server.start();
  // A member of staff of the default store (the header names the store).
  execFileSync(path.join(TOP, 'cgi/ordersyncctl'), ['--db', server.db, 'user', 'add', STAFF_EMAIL, '--role', 'staff', '--store', 'default'],
    { input: `${ADMIN_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  execFileSync(path.join(TOP, 'cgi/ordersyncctl'), ['--db', server.db, 'user', 'add', SELLER_EMAIL, '--role', 'seller', '--store', 'default'],
    { input: `${ADMIN_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  // A second store, with some settings of its own (the stores and settings pages).
  const ctl = (...args) => execFileSync(path.join(TOP, 'cgi/ordersyncctl'), ['--db', server.db, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  ctl('store', 'add', 'lyon', 'Épicerie de la Croix-Rousse');
  ctl('store', 'set', 'lyon', 'hours', 'Tuesday to Saturday, 9:00–19:30');
  ctl('store', 'set', 'lyon', 'fulfilment', 'both');
  ctl('store', 'set', 'lyon', 'alert_emails', 'commandes@croix-rousse.example, gerant@croix-rousse.example');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000 });
  console.log(`shots: ordersync at ${server.url}, Chromium ${browser.version()}, into ${out}`);
  await fill();
  addStoreB();
  // One order accepted and one completed, through the order page's own buttons.
  const staff = await newContext('en', '1280');
  const sp = await staff.newPage();
  await signIn(sp);
  await sp.goto(`${server.url}/admin/orders`);
  const numbers = await sp.locator('#orders-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.number));
  for (const n of numbers.slice(0, 2)) {
    await sp.goto(`${server.url}/admin/orders/${n}`);
    await Promise.all([sp.waitForNavigation(), sp.click('.step-form button')]);
  }
  await sp.goto(`${server.url}/admin/orders/${numbers[1]}`);
  await Promise.all([sp.waitForNavigation(), sp.click('.step-form button')]);
  // Payments at the till on Camille's order: part paid by card, a refund, one awaiting the terminal.
  paidNumber = numbers[2];
  await sp.goto(`${server.url}/admin/orders/${paidNumber}`);
  const csrf = await sp.locator('#pay-form input[name="csrf"]').inputValue();
  const pay = (p, form) => sp.request.post(`${server.url}/admin/orders/${paidNumber}/payments${p}`,
    { form: { csrf, ...form }, headers: { Accept: 'application/json' } });
  await pay('', { amount: '50', method: 'card', complete: '1' });
  const refunded = await (await pay('', { amount: '12,50', method: 'cash', tendered: '20', complete: '1' })).json();
  await pay(`/${refunded.payment.id}/refund`, {});
  await pay('', { amount: '20', method: 'card', complete: '0' });
  await staff.close();
  addPayments(numbers);
  const elodie = numbers[0];

  for (const lang of Object.keys(LANGS)) {
    for (const size of Object.keys(SIZES)) {
      if (!ONLY || ONLY === 'counter') {
        const sellerCtx = await newContext(lang, size);
        try {
          await counter(sellerCtx, lang, size);
        } finally {
          await sellerCtx.close();
        }
      }
      if (ONLY === 'counter') continue;
      if (!ONLY || ONLY === 'selftest') {
        const selfCtx = await newContext(lang, size);
        try {
          await selftest(selfCtx, lang, size, elodie);
        } finally {
          await selfCtx.close();
        }
      }
      if (ONLY === 'selftest') continue;
      const ctx = await newContext(lang, size);
      try {
        if (!ONLY || ONLY === 'storefront') await storefront(ctx, lang, size);
        if (ONLY === 'payments') await admin(ctx, lang, size, elodie);
        if (!ONLY || ONLY === 'notifications') await notifications(ctx, lang, size);
        if (ONLY) continue;
        await shop(ctx, lang, size);
        await admin(ctx, lang, size, elodie);
      } finally {
        await ctx.close();
      }
      const staffCtx = await newContext(lang, size);
      try {
        const page = await staffCtx.newPage();
        await signIn(page, STAFF_EMAIL);
        await page.goto(`${server.url}/admin/orders`);
        await page.waitForSelector('#admin-live.is-live', { timeout: 10000 }).catch(() => {});
        await shot(page, `${lang}-${size}-admin-staff-orders`);
      } finally {
        await staffCtx.close();
      }
    }
    if (ONLY) continue;
    // What the feed says of a new order (aria-live text and notification body).
    const ctx = await newContext(lang, '1280', { permissions: ['notifications'] });
    await ctx.addInitScript(() => {
      const rec = (window.__shots = { notifications: [] });
      if ('Notification' in window) {
        const Native = window.Notification;
        window.Notification = class extends Native {
          constructor(title, options) {
            super(title, options);
            rec.notifications.push({ title, body: (options && options.body) || '' });
          }
        };
      }
    });
    try {
      const page = await ctx.newPage();
      await signIn(page);
      metrics[`${lang}-feed-texts`] = await watchElodie(page);
      console.log(`${lang} feed texts: ${JSON.stringify(metrics[`${lang}-feed-texts`])}`);
    } finally {
      await ctx.close();
    }
  }
}

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.error(`shots: ${err.stack || err}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await server.stop().catch(() => {});
  fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
