// Story 2, status back to the customer: staff accept the order (pending →
// processing) from the list; the customer's confirmation page shows the new,
// localized status within one status poll, without a reload.
import { CUSTOMER, addToCart, fillCheckout, orderRow, signIn, waitLive } from '../lib/app.mjs';
import { expect } from '../lib/env.mjs';

export const title = 'status back to the customer: "processing" reaches the confirmation page';

/** Story 1's order and pages, or a fresh order when story 1 did not get that far. */
async function setUp(env) {
  if (env.shared.order) return env.shared.order;
  const { t } = env;
  const adminCtx = await env.newContext('admin A');
  const a = await adminCtx.newPage();
  await signIn(env, a);
  await waitLive(env, a);
  const shopCtx = await env.newContext('customer B');
  const b = await shopCtx.newPage();
  await b.goto(env.url('/'));
  await addToCart(env, b, 'Filter coffee, 500 g', 1);
  await b.goto(env.url('/cart'));
  await b.getByRole('link', { name: t('cart.place_order') }).click();
  const dialog = b.getByRole('dialog', { name: t('checkout.title') });
  await fillCheckout(env, dialog, CUSTOMER);
  await Promise.all([
    b.waitForURL((u) => /\/orders\/CMD-/.test(u.pathname)),
    dialog.getByRole('button', { name: t('checkout.confirm') }).click(),
  ]);
  const number = new URL(b.url()).pathname.split('/').pop();
  await orderRow(a, number).waitFor({ timeout: env.pollMs + 5000 });
  return (env.shared.order = { number, adminCtx, a, shopCtx, b });
}

export async function run(env) {
  const { t } = env;
  const { number, a, b } = await setUp(env);

  // The customer's page polls its status every max(2 s, poll_ms) ± 15 %.
  const statusPollMs = Math.max(2000, env.pollMs);
  const within = Math.round(statusPollMs * 1.15) + 1000;

  const row = orderRow(a, number);
  const accept = row.getByRole('button', { name: t('admin.action.processing') });
  await Promise.all([
    a.waitForURL((u) => u.pathname.endsWith('/admin/orders')),
    a.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/admin/orders/${number}/status`)),
    accept.click(),
  ]);
  const changedAt = Date.now();
  await a.waitForLoadState('domcontentloaded');
  const adminBadge = (await orderRow(a, number).locator('.badge:not(.pay-badge)').textContent()).trim();
  expect(adminBadge === t('status.processing'), `the admin row should now say ${t('status.processing')}, not ${adminBadge}`);
  await waitLive(env, a);

  const want = t('order.status.processing');
  await b.locator('[data-status-badge]').filter({ hasText: want })
    .waitFor({ state: 'visible', timeout: within })
    .catch(async () => {
      const now = (await b.locator('[data-status-badge]').textContent()).trim();
      throw new Error(`the confirmation page should say "${want}" within ${within} ms (one status poll), it says "${now}"`);
    });
  const seenAt = Date.now();
  expect(await b.locator('[data-status-badge]').evaluate((el) => el.classList.contains('badge--processing')),
    'the status badge should take the processing style');
  expect((await b.locator('[data-status-help]').textContent()).trim() === t('order.help.processing'),
    'the help text should explain the new status');
  expect((await b.locator('[data-status-live]').textContent()).trim() === t('order.status_changed', { status: want }),
    'the change should be announced through the page\'s aria-live region');
  console.log(`     status change reached the customer in ${seenAt - changedAt} ms (status poll every ${statusPollMs} ms ± 15 %)`);
  await env.shot(b, 'confirmation-processing');
  await env.shot(a, 'admin-after-accept', false);
}

export async function cleanup(env) {
  const o = env.shared.order;
  if (!o) return;
  await o.adminCtx.close();
  await o.shopCtx.close();
}
