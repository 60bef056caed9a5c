// Story 11, the counter: a seller keys an order in; the cashier's open list names her.
//
// The cashier (staff of the default store) has /admin/orders open. On another
// screen a seller opens "New counter order" from her navigation and keys an
// order in with the keyboard only: types part of a name in the search box,
// Enter adds one, again for a second product, types a customer's name, then
// Confirm. She lands on the order's page. Within one poll the cashier's list
// has the row and a toast "New order CMD-… from elodie — …" (the seller's
// name, not the customer's), and "(1)" in the title.
import { gesture, orderRow, waitLive } from '../lib/app.mjs';
import { expect, until } from '../lib/env.mjs';
import { addUser, signInAs } from '../lib/people.mjs';

export const title = 'counter: a seller keys an order in; the cashier is alerted with her name';

const SELLER = ['elodie@example.com', 'elodie-long-secret'];
const CASHIER = ['cashier.counter@example.com', 'cashier-counter-secret'];

export async function run(env) {
  const { t } = env;
  addUser(env, ...SELLER, 'seller', 'default');
  addUser(env, ...CASHIER, 'staff', 'default');

  const cashCtx = await env.newContext('cashier');
  const cash = await cashCtx.newPage();
  await signInAs(env, cash, ...CASHIER);
  await waitLive(env, cash);
  await gesture(cash);
  expect(await cash.getByRole('link', { name: new RegExp(t('admin.new_counter')) }).count() === 1,
    'the cashier\'s order list should offer a new counter order');

  const sellCtx = await env.newContext('seller');
  const s = await sellCtx.newPage();
  await signInAs(env, s, ...SELLER);
  await Promise.all([
    s.waitForURL((u) => u.pathname.endsWith('/admin/orders/new')),
    s.getByRole('link', { name: t('admin.nav_counter'), exact: true }).click(),
  ]);
  const search = s.getByLabel(t('counter.search'));
  await search.waitFor({ state: 'visible', timeout: 3000 });
  expect(await search.evaluate((el) => el === document.activeElement), 'the search box should have the focus');
  await search.fill('ESPRES');
  await search.press('Enter');
  await search.press('Enter');
  await search.fill('earl gr');
  expect(await s.locator('.counter-row:not([hidden])').count() === 2,
    'searching "earl gr" should leave Earl Grey and the line already picked');
  await search.press('Enter');
  const total = await s.locator('#counter-total').textContent();
  expect(/34\.30/.test(total) && /3/.test(total), `the running total should be €34.30 for 3 items, got "${total}"`);
  await s.getByLabel(t('counter.name')).fill('Camille Martin');
  let placedAt = 0;
  s.on('response', (r) => {
    if (!placedAt && r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/admin/orders/new')) placedAt = Date.now();
  });
  await Promise.all([
    s.waitForURL((u) => /\/admin\/orders\/CMD-\d{8}-[A-Z0-9]{6}$/.test(u.pathname)),
    s.getByRole('button', { name: t('counter.confirm') }).click(),
  ]);
  const number = new URL(s.url()).pathname.split('/').pop();
  await env.shot(s, 'counter-order-made');

  // The cashier: within one poll (plus 2 s of slack), the row, the toast naming the seller, the title.
  const deadline = placedAt + env.pollMs + 2000;
  await orderRow(cash, number).waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()) }).catch(() => {
    throw new Error(`the cashier did not see ${number} within ${env.pollMs + 2000} ms`);
  });
  const want = t('feed.new_order_from_vowel').replace('{number}', number).replace('{seller}', 'elodie').split(' — ')[0];
  await until(`a toast "${want} — …"`, async () =>
    (await cash.locator('#toasts .toast').filter({ hasText: want }).count()) > 0 &&
    (await cash.title()).startsWith('(1) '), Math.max(500, deadline - Date.now()));
  await env.shot(cash, 'cashier-counter-alert', false);
  for (const p of [cash, s]) await p.context().close();
}
