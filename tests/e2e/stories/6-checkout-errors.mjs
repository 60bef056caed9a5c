// Story 6, the checkout dialog's errors: an email the server refuses comes back
// as a 422 with the dialog re-rendered, the message beside the email field and
// every other value kept; fixing it places the order. On a phone, with script.
import { CUSTOMER, addToCart, fillCheckout } from '../lib/app.mjs';
import { PHONE, expect } from '../lib/env.mjs';

export const title = 'checkout errors: a refused email is shown beside its field, other values kept';

// Passes the browser's type=email check (no dot needed after the @) but not the
// server's rule (a domain with a dot and a TLD of 2+ characters).
const BAD_EMAIL = 'camille@example';

let ctx = null;

export async function run(env) {
  const { t } = env;
  ctx = await env.newContext('customer phone', { viewport: PHONE, isMobile: true, hasTouch: true });
  const b = await ctx.newPage();
  await b.goto(env.url('/'));
  await env.noOverflow(b, 'the catalog (phone)');
  await addToCart(env, b, 'Gift box', 1);
  await env.shot(b, 'catalog-toast-phone', false);
  // The toast must not hide the button just pressed (the last card, at the bottom of the screen).
  const covered = await b.evaluate(() => {
    const r = document.querySelector('.toast-region').getBoundingClientRect();
    const forms = [...document.querySelectorAll('[data-add-form]')];
    const f = forms.find((x) => x.dataset.name === 'Gift box').getBoundingClientRect();
    return r.left < f.right && f.left < r.right && r.top < f.bottom && f.top < r.bottom;
  });
  expect(!covered, 'the "added" toast should not cover the Gift box\'s Add to cart button');
  expect(await b.locator('.toast-region[role="status"][aria-live="polite"]').count() === 1, 'the toasts should stay a polite status region');
  await b.goto(env.url('/cart'));
  await env.noOverflow(b, 'the cart (phone)');
  await b.getByRole('link', { name: t('cart.place_order') }).click();
  const dialog = b.getByRole('dialog', { name: t('checkout.title') });
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  await env.noOverflow(b, 'the checkout dialog (phone)');
  await fillCheckout(env, dialog, { ...CUSTOMER, email: BAD_EMAIL });
  const email = dialog.getByLabel(t('checkout.email'));
  expect(await email.evaluate((el) => el.checkValidity()), `${BAD_EMAIL} should pass the browser's own check, so only the server refuses it`);

  // Straight to the server: form.submit() skips both the browser's validation
  // and shop.js's hints (which would catch this email before the server does).
  env.allow(/status of 422/); // the browser logs the 422 answer of the form post
  const [res] = await Promise.all([
    b.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/checkout')),
    b.waitForNavigation(),
    dialog.locator('form').evaluate((form) => form.submit()),
  ]);
  expect(res.status() === 422, `an invalid email should answer 422, got ${res.status()}`);
  await b.waitForLoadState('load');

  const again = b.getByRole('dialog', { name: t('checkout.title') });
  await again.waitFor({ state: 'visible', timeout: 3000 });
  expect(await again.evaluate((d) => d.matches(':modal')), 'the re-rendered dialog should be open as a modal again');
  const err = b.locator('#co-email-err');
  expect(await err.isVisible(), 'the email error should be visible');
  expect((await err.textContent()).trim() === t('checkout.errors.email'), `the message beside the email should be "${t('checkout.errors.email')}"`);
  const emailField = again.getByLabel(t('checkout.email'));
  expect(await emailField.getAttribute('aria-invalid') === 'true', 'the email field should be marked aria-invalid');
  expect((await emailField.getAttribute('aria-describedby') || '').split(/\s+/).includes('co-email-err'),
    'the email field should point at its message (aria-describedby)');
  expect(await emailField.evaluate((el) => el === document.activeElement), 'focus should be on the field to fix');
  // The message sits beside its field: inside the same .field block, right under it.
  expect(await err.evaluate((el) => el.closest('.field') && el.closest('.field').querySelector('input') === document.getElementById('co-email')),
    'the email message should sit in the email field\'s block');
  const values = {
    name: await again.getByLabel(t('checkout.name')).inputValue(),
    email: await emailField.inputValue(),
    phone: await again.getByLabel(t('checkout.phone'), { exact: false }).inputValue(),
    notes: await again.getByLabel(t('checkout.notes'), { exact: false }).inputValue(),
  };
  for (const [k, want] of Object.entries({ ...CUSTOMER, email: BAD_EMAIL })) {
    expect(values[k] === want, `the ${k} field should keep "${want}", it holds "${values[k]}"`);
  }
  for (const other of ['#co-name-err', '#co-phone-err', '#co-notes-err']) {
    expect(await b.locator(other).isHidden(), `${other} should stay hidden: that field was fine`);
  }
  expect(await b.getByRole('alert').filter({ hasText: t('checkout.errors.summary') }).count() === 1,
    'a summary should say which fields need fixing');
  await env.noOverflow(b, 'the checkout dialog with errors (phone)');
  await env.shot(b, 'checkout-422-phone', false);

  // Fixed: the order goes through.
  await emailField.fill(CUSTOMER.email);
  await Promise.all([
    b.waitForURL((u) => /\/orders\/CMD-/.test(u.pathname)),
    again.getByRole('button', { name: t('checkout.confirm') }).click(),
  ]);
  await b.getByRole('heading', { name: t('order.thanks') }).waitFor({ timeout: 3000 });
  await env.noOverflow(b, 'the confirmation page (phone)');
  await env.shot(b, 'confirmation-phone');
}

export async function cleanup() {
  if (ctx) await ctx.close();
  ctx = null;
}
