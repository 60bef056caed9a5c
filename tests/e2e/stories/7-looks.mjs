// Story 7, looks: in English and French, on a phone and at 1280 and 1920 px, the
// pages hold together — the header keeps one row, the catalog's buttons stay in
// their cards and a sold-out product offers no quantity, the checkout dialog
// stands still when its errors appear (an error takes its hint's place), the
// order page's items and the dashboard's revenue fit the phone, the system's
// figures sit in their own panel at the bottom, and the French feed says
// « Élodie » without a « de » in front of her name.
import fs from 'node:fs';
import path from 'node:path';

import { ADMIN_EMAIL, ADMIN_PASSWORD, apiOrder } from '../lib/app.mjs';
import { PHONE, expect } from '../lib/env.mjs';

export const title = 'looks: one-row headers, whole buttons, steady checkout, phone-sized admin, in en and fr';

const SIZES = {
  phone: { viewport: PHONE, isMobile: true, hasTouch: true },
  1280: { viewport: { width: 1280, height: 800 } },
  1920: { viewport: { width: 1920, height: 1080 } },
};
const LOCALES = { en: 'en-GB', fr: 'fr-FR' };

let contexts = [];

/** In the page: the items of the header (brand, nav links, buttons) that are not on the brand's row. */
function headerRows() {
  const inner = document.querySelector('.site-header__inner');
  const items = [inner.querySelector('.brand'), ...inner.querySelectorAll('.site-nav > *')]
    .filter((el) => el.getBoundingClientRect().width > 1);
  const first = items[0].getBoundingClientRect();
  return items.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= first.bottom || r.bottom <= first.top;
  }).map((el) => el.className || el.tagName);
}

/**
 * In the page: selector's elements that stick out of their closest `box` (right
 * edge) or whose text overflows them, described.
 */
function outOfBox([selector, box]) {
  return [...document.querySelectorAll(selector)].filter((el) => {
    const b = el.closest(box);
    return b && (el.getBoundingClientRect().right > Math.min(b.getBoundingClientRect().right, window.innerWidth) + 0.5
      || el.scrollWidth > el.clientWidth + 1);
  }).map((el) => `${selector} "${el.textContent.trim().slice(0, 30)}"`);
}

async function newContext(env, lang, size, extra = {}) {
  const ctx = await env.newContext(`${lang} ${size}`, {
    ...SIZES[size], locale: LOCALES[lang], extraHTTPHeaders: { 'Accept-Language': `${LOCALES[lang]},${lang};q=0.9` }, ...extra,
  });
  contexts.push(ctx);
  return ctx;
}

async function signIn(env, page) {
  await page.goto(env.url('/admin/login'));
  await page.fill('#login-email', ADMIN_EMAIL);
  await page.fill('#login-password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('.login__form [type="submit"]')]);
}

/** Sells what is left of `sku` (its catalog card says how many): the product is sold out after. */
async function sellOut(env, page, sku, name) {
  await page.goto(env.url('/'));
  const max = await page.locator(`[data-add-form][data-name="${name}"] input[name="qty"]`).getAttribute('max').catch(() => null);
  const left = Number.parseInt(max || '0', 10);
  if (left > 0) await apiOrder(env.server.url, { name: 'Hugo Lambert', email: 'hugo@example.com', items: [{ sku, qty: left }] });
}

async function catalog(env, page, where, problems) {
  await page.goto(env.url('/'));
  const out = await page.evaluate(outOfBox, ['.product__add', '.product']);
  if (out.length) problems.push(`${where} catalog: buttons cut off by their card: ${out.join(', ')}`);
  const soldOut = page.locator('li.product.product--sold-out');
  if (await soldOut.count() === 0) problems.push(`${where} catalog: the sold-out product should look sold out`);
  else if (await soldOut.locator('input[type="number"], button').count() > 0) {
    problems.push(`${where} catalog: a sold-out product should offer no quantity box and no button`);
  }
  if (where.endsWith('phone')) {
    const rows = await page.evaluate(headerRows);
    if (rows.length) problems.push(`${where} shop header: on a second row: ${rows.join(', ')}`);
  }
}

async function checkout(env, page, where, problems) {
  await page.locator('[data-add-form][data-name="Stoneware mug"] button').click();
  await page.locator('.toast').first().waitFor({ state: 'visible', timeout: 5000 });
  await page.goto(env.url('/cart'));
  await page.click('[data-open-checkout]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  const box = () => dialog.evaluate((d) => { const r = d.getBoundingClientRect(); return { top: r.top, height: r.height }; });
  const before = await box();
  await page.fill('#co-email', 'elodie@example');
  await page.fill('#co-phone', '06 12 ab');
  await page.click('[data-confirm]');
  await page.locator('#co-phone-err').waitFor({ state: 'visible', timeout: 3000 });
  const after = await box();
  if (Math.abs(after.top - before.top) > 1 || Math.abs(after.height - before.height) > 1) {
    problems.push(`${where} checkout: the dialog moves when errors appear (top ${before.top} → ${after.top}, height ${before.height} → ${after.height})`);
  }
  const shown = await page.evaluate(() => ['co-phone-hint', 'co-phone-err'].filter((id) => {
    const el = document.getElementById(id);
    return el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  }));
  if (shown.length !== 1) problems.push(`${where} checkout: the phone field shows ${shown.join(' and ')}; its error should take the hint's place`);
}

async function admin(env, page, where, number, problems) {
  await signIn(env, page);
  await page.goto(env.url('/admin'));
  const kpi = await page.evaluate(outOfBox, ['.kpi__value', '.kpi']);
  if (kpi.length) problems.push(`${where} dashboard: figures leave their card: ${kpi.join(', ')}`);
  const system = await page.evaluate(() => ['admins_polling', 'polls_per_minute'].map((s) => {
    const el = document.querySelector(`[data-stat="${s}"]`);
    const latest = document.getElementById('latest-title');
    return {
      s,
      headline: !!el.closest('.kpis, .chart-card'),
      afterLatest: !!(latest.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
      px: Number.parseFloat(getComputedStyle(el).fontSize),
    };
  }));
  for (const f of system) {
    if (f.headline || !f.afterLatest || f.px > 17) problems.push(`${where} dashboard: ${f.s} should be a small figure at the bottom (after the latest orders, ${f.px}px)`);
  }
  if (where.endsWith('phone')) {
    const rows = await page.evaluate(headerRows);
    if (rows.length) problems.push(`${where} admin header: on a second row: ${rows.join(', ')}`);
    await page.goto(env.url(`/admin/orders/${number}`));
    // Every column of an item (amount and total included) in sight, without a sideways scroll.
    const wide = await page.evaluate(() => {
      const w = document.querySelector('.items-table').closest('.table-wrap');
      return w.scrollWidth > w.clientWidth + 1 ? `${w.scrollWidth} px of table in ${w.clientWidth} px` : '';
    });
    if (wide) problems.push(`${where} order page: the items table is cut off at the screen's edge (${wide})`);
  }
}

/** The French feed's words for a new order by a customer whose name starts with a vowel. */
async function feed(env, problems) {
  const ctx = await newContext(env, 'fr', 1280);
  const page = await ctx.newPage();
  await signIn(env, page);
  await page.goto(env.url('/admin/orders'));
  await page.waitForSelector('#admin-live.is-live', { timeout: env.pollMs + 5000 });
  await apiOrder(env.server.url, { name: 'Élodie Fournier', email: 'elodie@example.com', items: [{ sku: 'TEA-EGR-100', qty: 1 }] });
  await page.waitForFunction(() => /Élodie/.test(document.getElementById('announcer').textContent), null, { timeout: env.pollMs + 5000 });
  const said = await page.locator('#announcer').textContent();
  if (/\bde [AEIOUYÀÂÉÈÊËÎÏÔŒ]/.test(said)) problems.push(`fr feed: "${said}" (French elides "de" before a vowel)`);
  const fr = JSON.parse(fs.readFileSync(path.join(env.top, 'templates/locales/fr.json'), 'utf8'));
  for (const k of ['new_order_body', 'announce_new']) {
    if (/\bde \{customer\}/.test(fr.feed[k])) problems.push(`fr.json feed.${k}: "de {customer}" reads « de Élodie » for a name starting with a vowel`);
  }
}

export async function run(env) {
  const problems = [];
  const setup = await newContext(env, 'en', 1280);
  const sp = await setup.newPage();
  await sellOut(env, sp, 'GRN-HND-01', 'Hand grinder');
  const order = await apiOrder(env.server.url, {
    name: 'Élodie Fournier', email: 'elodie@example.com',
    items: [{ sku: 'TEA-EGR-100', qty: 2 }, { sku: 'MUG-STO-350', qty: 1 }, { sku: 'COF-FIL-500', qty: 3 }],
  });
  // A day's revenue in four figures: the longest a phone's card has to hold here.
  const gift = await sp.locator('[data-add-form][data-name="Gift box"] input[name="qty"]').getAttribute('max').catch(() => null);
  const boxes = Math.min(Number.parseInt(gift || '0', 10), 9);
  if (boxes > 0) await apiOrder(env.server.url, { name: 'Camille Martin', email: 'camille@example.com', items: [{ sku: 'GFT-BOX-01', qty: boxes }] });

  for (const lang of Object.keys(LOCALES)) {
    for (const size of Object.keys(SIZES)) {
      const where = `${lang} ${size}`;
      const ctx = await newContext(env, lang, size);
      const page = await ctx.newPage();
      await catalog(env, page, where, problems);
      if (size === 'phone') await checkout(env, page, where, problems);
      await admin(env, page, where, order.number, problems);
      if (size === 'phone') await env.shot(page, `order-${lang}-phone`);
      await ctx.close();
    }
  }
  await feed(env, problems);
  // The suite's log shows a story's first lines only: the whole list goes beside the screenshots.
  fs.writeFileSync(path.join(env.artifacts, '7-looks-problems.txt'), problems.join('\n') + '\n');
  expect(problems.length === 0, `${problems.length} problem(s) (all in 7-looks-problems.txt):\n${problems.join('\n')}`);
}

export async function cleanup() {
  for (const c of contexts) await c.close().catch(() => {});
  contexts = [];
}
