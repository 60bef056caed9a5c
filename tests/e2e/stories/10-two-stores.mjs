// Story 10, two stores: a customer of store B orders while both stores' cashiers watch.
//
// Store A's cashier and store B's cashier each have /admin/orders open, signed
// in as one-store staff, in two browsers. A customer orders in store B through
// /s/b/ (catalog → cart → checkout dialog): B's cashier is alerted (the row,
// the toast, "(1)" in the title); A's page stays exactly as it was through at
// least two of its polls after the order.
import { CUSTOMER, addToCart, fillCheckout, gesture, orderRow, probe, waitLive } from '../lib/app.mjs';
import { expect, sleep, until } from '../lib/env.mjs';
import { addUser, ctl, ensureStore, signInAs } from '../lib/people.mjs';

export const title = 'two stores: a store B order alerts store B\'s cashier only';

const CAKE = 'Lemon drizzle cake';
const CASHIER_A = ['cashier.a@example.com', 'cashier-a-long-secret'];
const CASHIER_B = ['cashier.b@example.com', 'cashier-b-long-secret'];

/** What an admin page shows that an order of another store must never change. */
async function snapshot(page) {
  return page.evaluate(() => ({
    rows: [...document.querySelectorAll('#orders-body tr')].map((r) => r.dataset.number || ''),
    title: document.title,
    toasts: document.querySelectorAll('#toasts .toast').length,
    announcer: (document.getElementById('announcer') || { textContent: '' }).textContent.trim(),
    added: (window.__e2eAdded || []).slice(),
  }));
}

export async function run(env) {
  const { t } = env;
  ensureStore(env, 'b', 'Store B');
  ctl(env, ['product', 'add', 'B-CAKE-1', CAKE, '4.50', '20', '--store', 'b']);
  addUser(env, ...CASHIER_A, 'staff', 'default');
  addUser(env, ...CASHIER_B, 'staff', 'b');

  // The two cashiers, each in a browser of their own.
  const pages = {};
  for (const [who, [email, password]] of [['A', CASHIER_A], ['B', CASHIER_B]]) {
    const ctx = await env.newContext(`cashier ${who}`);
    const p = await ctx.newPage();
    await signInAs(env, p, email, password);
    await waitLive(env, p);
    await gesture(p);
    await p.evaluate(() => {
      window.__e2eAdded = [];
      new MutationObserver((list) => {
        for (const m of list) {
          for (const n of m.addedNodes) if (n.nodeType === 1 && n.dataset && n.dataset.number) window.__e2eAdded.push(n.dataset.number);
        }
      }).observe(document.getElementById('orders-body'), { childList: true });
    });
    pages[who] = p;
  }
  const a = pages.A;
  const b = pages.B;
  const beforeA = await snapshot(a);
  const probeA = await probe(a);
  const beforeB = await snapshot(b);
  expect(!beforeB.title.startsWith('(1) '), `store B's page should not announce an order yet: "${beforeB.title}"`);

  // A customer of store B: catalog → cart → checkout dialog.
  const shopCtx = await env.newContext('customer of store B');
  const c = await shopCtx.newPage();
  const res = await c.goto(env.url('/s/b/'));
  expect(res.status() === 200, `/s/b/ should answer 200, got ${res.status()} (is the storefront merged?)`);
  expect(await c.getByRole('heading', { name: CAKE, exact: true }).count() === 1, `store B's catalog should show ${CAKE}`);
  await addToCart(env, c, CAKE, 2);
  await Promise.all([
    c.waitForURL((u) => u.pathname.endsWith('/s/b/cart')),
    c.getByRole('link', { name: new RegExp(`^${t('shop.nav_cart')}\\b`) }).click(),
  ]);
  await c.getByRole('link', { name: t('cart.place_order') }).click();
  const dialog = c.getByRole('dialog', { name: t('checkout.title') });
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  await fillCheckout(env, dialog, CUSTOMER);
  let placedAt = 0;
  c.on('response', (r) => {
    if (!placedAt && r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/s/b/checkout')) placedAt = Date.now();
  });
  await Promise.all([
    c.waitForURL((u) => /\/s\/b\/orders\/CMD-\d{8}-[A-Z0-9]{6}$/.test(u.pathname)),
    dialog.getByRole('button', { name: t('checkout.confirm') }).click(),
  ]);
  const number = new URL(c.url()).pathname.split('/').pop();
  expect(placedAt > 0, 'the checkout should have been posted to /s/b/checkout');
  await env.shot(c, 'store-b-confirmation');

  // B: alerted within poll_ms + 2 s.
  const deadline = placedAt + env.pollMs + 2000;
  await orderRow(b, number).waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()) }).catch(() => {
    throw new Error(`store B's cashier did not see ${number} within ${env.pollMs + 2000} ms`);
  });
  await until('store B\'s page to announce the order', async () => {
    const s = await snapshot(b);
    const toast = await b.locator('#toasts .toast').filter({ hasText: number }).count();
    return s.title.startsWith('(1) ') && toast > 0;
  }, Math.max(500, deadline - Date.now()));
  await env.shot(b, 'cashier-b-alerted', false);

  // A: at least two of its own polls after the order, and nothing changed. A
  // long-polling page may hold its request up to 25 s (another store's order
  // need not wake it): the cashier coming back to the tab makes it ask at once.
  const pollsAtOrder = (await probe(a)).polls;
  for (const n of [1, 2]) {
    if ((await probe(a)).waitMs > 0) await a.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await until(`store A's page to poll ${n === 1 ? 'once' : 'twice'} after the order`, async () =>
      (await probe(a)).polls >= pollsAtOrder + n, 4 * env.pollMs + 3000);
  }
  await sleep(200);
  const afterA = await snapshot(a);
  const probeA2 = await probe(a);
  expect(await orderRow(a, number).count() === 0, `store A's cashier must never see ${number}`);
  expect(afterA.added.length === 0, `store A's list should gain no row, it gained ${afterA.added.join(', ')}`);
  expect(JSON.stringify(afterA.rows) === JSON.stringify(beforeA.rows), 'store A\'s rows should stay as they were');
  expect(afterA.title === beforeA.title, `store A's title should stay "${beforeA.title}", not "${afterA.title}"`);
  expect(afterA.toasts === beforeA.toasts && afterA.announcer === beforeA.announcer, 'store A should get no toast and no announcement');
  expect(probeA2.sounds === probeA.sounds && probeA2.notifications === probeA.notifications,
    `store A should hear nothing (sounds ${probeA.sounds} → ${probeA2.sounds})`);
  expect(probeA2.live && !probeA2.offline, 'store A\'s page should still be live (it polled and found nothing for it)');
  await env.shot(a, 'cashier-a-unchanged', false);

  for (const p of [a, b, c]) await p.context().close();
}
