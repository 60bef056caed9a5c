// Story 9, an invitation: an admin invites a staff member at /admin/staff/new
// and reads the one-time link on the page; in another browser the member opens
// it, is refused a common password, chooses a good one, is sent to sign-in,
// signs in and lands on the back office; the link used again shows the clear
// "this link cannot be used" page, never a form or a session.
import { ADMIN_EMAIL, signIn } from '../lib/app.mjs';
import { expect } from '../lib/env.mjs';

export const title = 'invite: an admin invites, the member sets a password through the link and signs in';

const PASSWORD = 'lantern over the quiet harbour';

/** The absolute URL of a link the page shows (a path, with or without the mount prefix, or a URL). */
function absolute(env, link) {
  if (/^https?:/.test(link)) return link;
  const origin = new URL(env.url('/')).origin;
  return link.startsWith(env.server.basePath || '/') && env.server.basePath ? origin + link : env.url(link);
}

export async function run(env) {
  const { t } = env;
  const email = `invited.${Date.now().toString(36)}@example.com`;
  env.allow(/status of 4(04|22)/); // the browser logs the refused password (422) and the used link (404)

  // The admin invites from the staff list.
  const adminCtx = await env.newContext('admin');
  const a = await adminCtx.newPage();
  await signIn(env, a);
  await Promise.all([
    a.waitForURL((u) => u.pathname.endsWith('/admin/staff')),
    a.getByRole('link', { name: t('staff.title'), exact: true }).first().click(),
  ]);
  await Promise.all([
    a.waitForURL((u) => u.pathname.endsWith('/admin/staff/new')),
    a.getByRole('link', { name: t('staff.new') }).click(),
  ]);
  await a.getByLabel(t('staff.email')).fill(email);
  await a.getByLabel(t('staff.role')).selectOption({ label: t('admin.role_staff') });
  const store = a.getByLabel(t('staff.store'));
  if (await store.count()) await store.fill('default');
  await a.getByRole('button', { name: t('staff.invite') }).click();
  await a.getByRole('heading', { name: t('staff.link_title') }).waitFor({ timeout: 5000 });
  await a.getByText(t('staff.invited')).waitFor({ timeout: 3000 });
  const link = await a.getByLabel(t('staff.link_label')).inputValue();
  expect(/\/admin\/password\/[0-9a-f]{64}$/.test(link), `the page should show a set-password link, got "${link}"`);
  await env.shot(a, 'invite-link', false);
  const who = (await a.locator('.admin-user__email').textContent()).trim();
  expect(who === ADMIN_EMAIL, `the header should still name the signed-in admin, not "${who}"`);
  // Shown once: the form opened again does not show it.
  await a.goto(env.url('/admin/staff/new'));
  expect(!(await a.content()).includes(link.split('/').pop()), 'the link should not be shown a second time');
  await a.goto(env.url('/admin/staff'));
  await a.getByRole('cell', { name: email }).waitFor({ timeout: 3000 });

  // The member, in a browser of their own.
  const memberCtx = await env.newContext('member');
  const m = await memberCtx.newPage();
  const url = absolute(env, link);
  const first = await m.goto(url);
  expect(first.status() === 200, `the link should open the set-password form, got ${first.status()}`);
  await m.getByRole('heading', { name: t('password.set_heading') }).waitFor({ timeout: 3000 });
  const field = m.getByLabel(t('password.new'));
  await field.fill('Password123');
  await Promise.all([m.waitForLoadState('load'), m.getByRole('button', { name: t('password.submit') }).click()]);
  await m.getByText(t('password.errors.common')).waitFor({ timeout: 5000 });
  expect(new URL(m.url()).pathname === new URL(url).pathname, `a refused password should stay on the link's page, got ${m.url()}`);
  await env.shot(m, 'common-password-refused', false);
  await m.getByLabel(t('password.new')).fill(PASSWORD);
  await Promise.all([
    m.waitForURL((u) => u.pathname.endsWith('/admin/login')),
    m.getByRole('button', { name: t('password.submit') }).click(),
  ]);
  await m.getByText(t('login.password_set')).waitFor({ timeout: 3000 });
  const cookies = await memberCtx.cookies();
  expect(!cookies.some((c) => c.name === 'ordersync_admin'), 'setting a password should open no session');
  await m.getByLabel(t('login.email')).fill(email);
  await m.getByLabel(t('login.password')).fill(PASSWORD);
  await Promise.all([
    m.waitForURL((u) => /\/admin(\/orders)?$/.test(u.pathname)),
    m.getByRole('button', { name: t('login.submit') }).click(),
  ]);
  await m.locator('#orders-body, [data-stat="orders_today"]').first().waitFor({ state: 'attached', timeout: 5000 });
  expect((await m.content()).includes(email), 'the back office should name the member who signed in');
  // Staff have no Staff link.
  expect(await m.getByRole('link', { name: t('staff.title'), exact: true }).count() === 0,
    'a staff member should not be offered the Staff page');
  await env.shot(m, 'member-signed-in', false);

  // The link used again: a clear page, no form.
  const again = await m.goto(url);
  expect(again.status() === 404, `a used link should answer 404, got ${again.status()}`);
  await m.getByRole('heading', { name: t('password.invalid_heading') }).waitFor({ timeout: 3000 });
  await m.getByText(t('password.link_invalid')).waitFor({ timeout: 3000 });
  expect(await m.getByLabel(t('password.new')).count() === 0, 'a used link should show no password form');
  await env.shot(m, 'link-used-again', false);
  await env.noOverflow(m, 'the used link\'s page');

  await memberCtx.close();
  await adminCtx.close();
}
