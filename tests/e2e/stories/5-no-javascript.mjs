// Story 5, no JavaScript: on a phone with scripting off, a customer fills the
// cart and checks out through plain forms (POST, 303), and the admin list works
// too — it carries its meta refresh, shows the order and changes its status.
import { CUSTOMER, addToCart, fillCheckout, orderRow, signIn } from '../lib/app.mjs';
import { PHONE, expect } from '../lib/env.mjs';

export const title = 'no JavaScript: checkout through plain forms on a phone, admin meta refresh';

let contexts = [];

/** The refresh delay of the page's <meta http-equiv="refresh">, or null. */
async function metaRefresh(page) {
  const meta = page.locator('meta[http-equiv="refresh" i]');
  return (await meta.count()) ? meta.first().getAttribute('content') : null;
}

export async function run(env) {
  const { t } = env;
  const shop = await env.newContext('customer no-JS phone', { javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true });
  contexts.push(shop);
  const b = await shop.newPage();
  await b.goto(env.url('/'));
  await env.noOverflow(b, 'the catalog (phone)');
  await env.shot(b, 'catalog-phone');
  await addToCart(env, b, 'Earl Grey tea, 100 g', 3, { js: false });
  expect(await b.locator('.cart-line').count() === 1, 'after the first form post the cart should hold one product');
  await b.goto(env.url('/'));
  await addToCart(env, b, 'French press, 8 cups', 1, { js: false });
  expect(await b.locator('.cart-line').count() === 2, 'the cart should hold two products');
  await env.noOverflow(b, 'the cart (phone)');
  await env.shot(b, 'cart-phone');

  // Without script, "Place order" is a link to the cart with the dialog open.
  await Promise.all([
    b.waitForURL((u) => u.searchParams.has('checkout')),
    b.getByRole('link', { name: t('cart.place_order') }).click(),
  ]);
  const dialog = b.locator('dialog[open]');
  expect(await dialog.count() === 1, 'the cart should render the checkout dialog open');
  await fillCheckout(env, dialog, { ...CUSTOMER, name: 'Zoé Bernard', email: 'zoe.bernard@example.com' });
  await env.noOverflow(b, 'the checkout form (phone)');
  await env.shot(b, 'checkout-phone');
  await Promise.all([
    b.waitForURL((u) => /\/orders\/CMD-\d{8}-[A-Z0-9]{6}$/.test(u.pathname) && u.searchParams.has('t')),
    dialog.getByRole('button', { name: t('checkout.confirm') }).click(),
  ]);
  const number = new URL(b.url()).pathname.split('/').pop();
  await b.getByRole('heading', { name: t('order.thanks') }).waitFor({ timeout: 3000 });
  expect((await b.locator('[data-status-badge]').textContent()).trim() === t('order.status.pending'), 'the new order should show as received');
  expect(await metaRefresh(b) === '30', 'the confirmation page should reload itself every 30 s without script');
  await env.noOverflow(b, 'the confirmation page (phone)');
  await env.shot(b, 'confirmation-phone');

  // Staff without script: the list refreshes itself and its forms work.
  const staff = await env.newContext('admin no-JS', { javaScriptEnabled: false });
  contexts.push(staff);
  const a = await staff.newPage();
  await signIn(env, a);
  expect(await metaRefresh(a) === '30', 'the admin list should carry <meta http-equiv="refresh" content="30">');
  const row = orderRow(a, number);
  expect(await row.count() === 1, `the admin list should show ${number}`);
  const nojs = a.locator('.live-bar__nojs');
  expect(await nojs.isVisible() && (await nojs.textContent()).trim() === t('admin.auto_refresh', { n: 30 }),
    'without script the live bar should say the page refreshes every 30 s');
  await env.shot(a, 'admin-orders-nojs');
  await Promise.all([
    a.waitForURL((u) => u.pathname.endsWith('/admin/orders')),
    row.getByRole('button', { name: t('admin.action.processing') }).click(),
  ]);
  expect((await orderRow(a, number).locator('.badge:not(.pay-badge)').textContent()).trim() === t('status.processing'),
    'accepting through the plain form should move the order to processing');
  await b.reload();
  expect((await b.locator('[data-status-badge]').textContent()).trim() === t('order.status.processing'),
    'the customer should see the new status after a reload');
}

export async function cleanup() {
  for (const c of contexts) await c.close().catch(() => {});
  contexts = [];
}
