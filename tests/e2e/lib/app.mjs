// app.mjs — what a customer and a member of staff do, as steps the stories share.
// Selectors: roles and labels where the page names things, else the stable ids
// and data-* hooks of the templates (templates/*.mustache).
import { expect, until } from './env.mjs';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'e2e-correct-horse-battery';

export const CUSTOMER = {
  name: 'Camille Martin',
  email: 'camille.martin@example.com',
  phone: '+33 6 12 34 56 78',
  notes: 'Please ring twice — back door.',
};

/** Signs in through the login form and ends on /admin/orders. */
export async function signIn(env, page) {
  await page.goto(env.url('/admin/orders'));
  expect(/\/admin\/login/.test(page.url()), `/admin/orders should send a signed-out visitor to the login page, got ${page.url()}`);
  await page.getByLabel(env.t('login.email')).fill(ADMIN_EMAIL);
  await page.getByLabel(env.t('login.password')).fill(ADMIN_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith('/admin/orders')),
    page.getByRole('button', { name: env.t('login.submit') }).click(),
  ]);
}

/** The admin page's instrumentation counters (window.__ordersync) plus ours (window.__e2e). */
export async function probe(page) {
  return page.evaluate(() => {
    const o = window.__ordersync || {};
    const e = window.__e2e || {};
    return {
      sounds: o.sounds | 0,
      notifications: o.notifications | 0,
      polls: o.polls | 0,
      waitMs: o.waitMs | 0, // > 0: the feed long-polls (the server may hold its next request this long)
      events: (o.lastEvents || []).length,
      recordedNotifications: (e.notifications || []).slice(),
      shown: e.shown | 0,
      audioStarts: e.audioStarts | 0,
      audioRunningStarts: e.audioRunningStarts | 0,
      audioStates: (e.audioContexts || []).map((c) => c.state),
      title: document.title,
      leader: !!document.querySelector('#admin-live.is-leader'),
      live: !!document.querySelector('#admin-live.is-live'),
      offline: !!document.querySelector('#admin-live.is-offline'),
    };
  });
}

/** Waits until the admin page's feed is live (one good poll, here or in the leading tab). */
export async function waitLive(env, page, timeoutMs = env.pollMs + 5000) {
  await page.waitForFunction(() => document.querySelector('#admin-live.is-live') !== null,
    null, { timeout: timeoutMs });
}

/** A pointer gesture on a neutral spot: browsers start Web Audio only after one. */
export async function gesture(page) {
  await page.locator('h1').first().click();
}

/** On the catalog: sets the quantity of the product named `name` and adds it to the cart. */
export async function addToCart(env, page, name, qty = 1, { js = true } = {}) {
  const card = page.locator('li.product').filter({ has: page.getByRole('heading', { name, exact: true }) });
  expect(await card.count() === 1, `the catalog should show one product named ${name}`);
  await card.getByRole('spinbutton').fill(String(qty));
  const add = card.getByRole('button', { name: env.t('catalog.add') });
  if (js) {
    const before = await page.locator('[data-cart-count]').first().textContent();
    await add.click();
    // shop.js adds through fetch and says so in a toast; the badge follows.
    await page.locator('.toast').filter({ hasText: env.t('catalog.added', { name }) }).first()
      .waitFor({ state: 'visible', timeout: 5000 });
    await until('the cart badge to change', async () =>
      (await page.locator('[data-cart-count]').first().textContent()) !== before, 5000);
  } else {
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/cart')), add.click()]);
  }
}

/** Fills the checkout dialog's fields (any of name, email, phone, notes). */
export async function fillCheckout(env, dialog, fields) {
  const labels = { name: 'checkout.name', email: 'checkout.email', phone: 'checkout.phone', notes: 'checkout.notes' };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    await dialog.getByLabel(env.t(labels[k]), { exact: false }).first().fill(v);
  }
}

/** An order through the JSON API (POST /api/orders); resolves to the order JSON. */
export async function apiOrder(baseUrl, { name = 'Léa Dubois', email = 'lea.dubois@example.com', items = [{ sku: 'TEA-EGR-100', qty: 2 }], key } = {}) {
  const res = await fetch(`${baseUrl}/api/orders`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Idempotency-Key': key || `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    },
    body: JSON.stringify({ customer: { name, email, phone: '' }, items, notes: '' }),
    signal: AbortSignal.timeout(10000),
  });
  const body = await res.json().catch(() => null);
  expect(res.status === 201 && body && body.number, `POST /api/orders should answer 201 with an order, got ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The cursor position of an order row in the admin list: the row's locator. */
export function orderRow(page, number) {
  return page.locator(`#orders-body tr[data-number="${number}"]`);
}
