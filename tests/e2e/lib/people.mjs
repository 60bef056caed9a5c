// people.mjs — the stories' stores and accounts beyond the first admin:
// ordersyncctl against the run's database, and signing in as anyone.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { expect } from './env.mjs';

/**
 * Runs `ordersyncctl --db <the run's database> ...args` (the build's
 * cgi/ordersyncctl, or E2E_CTL), with `input` on its standard input;
 * resolves to its standard output. A non-zero exit throws with its stderr.
 */
export function ctl(env, args, input = '') {
  const bin = process.env.E2E_CTL || path.join(env.top, 'cgi/ordersyncctl');
  try {
    return execFileSync(bin, ['--db', env.server.db, ...args], { input, encoding: 'utf8', timeout: 10000 });
  } catch (err) {
    throw new Error(`ordersyncctl ${args.join(' ')} failed: ${(err.stderr || err.message || '').toString().trim()}`);
  }
}

/**
 * Adds the store slug (name) unless the database has it already (`store add`
 * refuses a slug that is taken; the story then checks the store is there).
 */
export function ensureStore(env, slug, name) {
  try {
    ctl(env, ['store', 'add', slug, name]);
  } catch (err) {
    if (!/slug taken/.test(err.message)) throw err;
  }
}

/** Adds an account (role admin|staff|seller; store a slug, '' = every store) with its password. */
export function addUser(env, email, password, role, store) {
  const args = ['user', 'add', email, '--role', role];
  if (store) args.push('--store', store);
  ctl(env, args, `${password}\n`);
}

/**
 * Signs page in as email/password through the login form, starting from
 * /admin/orders, and waits until it is back on /admin/orders.
 */
export async function signInAs(env, page, email, password) {
  await page.goto(env.url('/admin/orders'));
  expect(/\/admin\/login/.test(page.url()), `/admin/orders should send a signed-out visitor to sign in, got ${page.url()}`);
  await page.getByLabel(env.t('login.email')).fill(email);
  await page.getByLabel(env.t('login.password')).fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith('/admin/orders')),
    page.getByRole('button', { name: env.t('login.submit') }).click(),
  ]);
}
